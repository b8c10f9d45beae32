// The kiosk's own back office (kiosk/backoffice.cpp, library kiosk_backoffice) wired to a
// headless kiosk as main.cpp wires it: the real PinGuard on DATA_DIR/pin_attempts, the
// real LeadStore, StoreKeeper and SyncWorker, the export on its own thread. test_staff.cpp
// drives the screens with a scriptable office; this file checks the wiring itself.
#include "headless.hpp"

#include "backoffice.hpp"
#include "core/leads/lead.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
namespace core = kiosk::core;
using kiosk::test::Headless;
using kiosk::test::TempDir;

namespace {
constexpr const char* kOpenPanel = "longpress staff.corner 3000\nexpect-screen pin\n"
                                   "tap pin.key.1\ntap pin.key.2\ntap pin.key.3\ntap pin.key.4\ntap pin.ok\n";

/// A kiosk and the back office main.cpp would give it, on the headless kiosk's store.
struct Wired {
    core::ConfigLoad config;
    Headless h;
    core::SyncWorker sync;
    kiosk::Backoffice office;

    explicit Wired(core::ConfigLoad c)
        : config(std::move(c)), h(ImVec2(1920, 1080), config.config),
          sync(h.store->path(), config.config.sync, config.config.kioskId, h.content.content.event.id),
          office(*h.store, sync, config, h.content.content, {}, "0.0-test") {
        h.app().setStaffBackend(office.backend());
        h.frames(2);
    }
};

core::ConfigLoad exportingTo(const fs::path& dir) {
    core::ConfigLoad c;
    c.config.staff.exportDir = dir.string();
    return c;
}
} // namespace

TEST_CASE("the real back office: the demo PIN opens the panel, it counts a stored lead, and exports it") {
    TempDir usb;
    Wired w(exportingTo(usb.path()));
    core::Lead l;
    l.id = core::newUuid();
    l.createdMs = 1'779'874'200'000;
    l.kioskId = "kiosk-1";
    l.eventId = w.h.content.content.event.id;
    l.lang = "de";
    l.firstName = "Zoë";
    l.lastName = "Müller";
    l.email = "zoe@example.org";
    l.exhibitors = {"irk-valley-hydrogen"};
    l.consent = {"v1", "hash", "de", l.createdMs};
    REQUIRE(w.h.store->insert(l));

    REQUIRE(w.h.play(kOpenPanel) == 0);
    CHECK(w.h.play("expect-screen staff\n") == 0);
    CHECK(w.office.backend().snapshot().stats.total == 1);
    CHECK(w.office.backend().demoPin);

    // The export folder is a destination; the export runs on the back office's thread.
    const auto dests = core::exportDestinations(usb.path().string());
    int index = -1;
    for (size_t i = 0; i < dests.size(); ++i)
        if (dests[i] == usb.path()) index = int(i);
    REQUIRE(index >= 0);
    REQUIRE(w.h.play("tap staff.dest." + std::to_string(index) + "\ntap staff.export\n") == 0);
    kiosk::ui::ExportJob job;
    // Real time, not frames: the thread writes the files whatever the frame rate (up to 30 s on a busy machine).
    for (int i = 0; i < 3000 && !job.done; ++i) {
        w.h.frames(1);
        job = w.office.backend().snapshot().job;
        if (!job.done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO(job.error);
    REQUIRE(job.done);
    CHECK(job.ok);
    CHECK(job.leads == 1);
    CHECK(fs::exists(fs::path(job.folder) / "all-leads.csv"));
}

TEST_CASE("the real back office: a config that cannot be read opens staff mode to no PIN, and says why") {
    TempDir t;
    const fs::path file = t / "kiosk.toml";
    std::ofstream(file) << "[staff\npin_hash = \n";
    Wired w(core::loadConfig(file));
    REQUIRE_FALSE(w.config.parsed);
    const auto b = w.office.backend();
    CHECK_FALSE(b.pinRefused.empty());
    CHECK(b.pinRefused.find("kiosk.toml") != std::string::npos);
    CHECK_FALSE(b.demoPin);
    CHECK(b.syncConfigBroken);
    REQUIRE(w.h.play("longpress staff.corner 3000\nexpect-screen pin\n") == 0);
    CHECK(w.h.play("tap pin.key.1\ntap pin.key.2\ntap pin.key.3\ntap pin.key.4\ntap pin.ok\nexpect-screen pin\n") == 0);
}
