// Headless UI tests of the staff mode: the hidden corner, the PIN pad and its lockout
// (also across a restart), the panel's figures, the export to a folder, close, exit and
// the idle timeout. The back office is built here from the real parts: a PinGuard on a
// file in a temp folder, a LeadStore, and core::exportForStand (run synchronously).
//
// What the screen *says* is read back from ImGui's draw data: every glyph quad's texture
// coordinates identify the glyph in the font atlas, so screenText() gives the drawn text
// (without spaces, which have no quad) in drawing order.
#include "headless.hpp"

#include "../support/test_support.hpp"
#include "backoffice.hpp"
#include "core/export/export.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/store_keeper.hpp"
#include "core/staff/pin.hpp"
#include "ui/staff.hpp"

#include <doctest/doctest.h>
#include <imgui.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string_view>
#include <thread>

namespace fs = std::filesystem;
using kiosk::test::Headless;
using kiosk::test::readFile;
using kiosk::test::TempDir;
using kiosk::ui::Screen;
namespace core = kiosk::core;
namespace ui = kiosk::ui;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

void appendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80)
        out += char(cp);
    else if (cp < 0x800)
        out += char(0xC0 | (cp >> 6)), out += char(0x80 | (cp & 0x3F));
    else if (cp < 0x10000)
        out += char(0xE0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
    else
        out += char(0xF0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3F)), out += char(0x80 | ((cp >> 6) & 0x3F)),
            out += char(0x80 | (cp & 0x3F));
}

/// The text of the last rendered frame, in drawing order, without whitespace.
std::string screenText() {
    std::map<std::array<float, 4>, unsigned> glyphs;
    for (const ImFont* f : ImGui::GetIO().Fonts->Fonts)
        for (const ImFontGlyph& g : f->Glyphs)
            if (g.Visible) glyphs.emplace(std::array<float, 4>{g.U0, g.V0, g.U1, g.V1}, g.Codepoint);
    std::string out;
    const ImDrawData* dd = ImGui::GetDrawData();
    if (!dd) return out;
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        const auto& v = dd->CmdLists[l]->VtxBuffer;
        for (int i = 0; i + 3 < v.Size; ++i) {
            // A glyph is a quad: (u0,v0) (u1,v0) (u1,v1) (u0,v1).
            const ImVec2 a = v[i].uv, b = v[i + 1].uv, c = v[i + 2].uv, d = v[i + 3].uv;
            if (!(b.y == a.y && c.x == b.x && d.x == a.x && d.y == c.y && a.x != b.x)) continue;
            const auto it = glyphs.find({a.x, a.y, c.x, c.y});
            if (it == glyphs.end()) continue;
            appendUtf8(out, it->second);
            i += 3;
        }
    }
    return out;
}

std::string noSpace(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
    return out;
}

/// true when the frame shows `text` (spaces and line breaks do not matter).
bool shows(const std::string& text) {
    return screenText().find(noSpace(text)) != std::string::npos;
}

std::string fill(std::string pattern, const std::string& slot, const std::string& value) {
    if (auto p = pattern.find(slot); p != std::string::npos) pattern.replace(p, slot.size(), value);
    return pattern;
}

std::string tr(const Headless& h, const std::string& key, core::Lang lang = core::Lang::De) {
    const core::Text* t = h.content.content.string(key);
    REQUIRE_MESSAGE(t, "missing string " << key);
    return t->in(lang);
}

/// A strict RFC 4180 reader (records end with CRLF).
std::vector<std::vector<std::string>> parseCsv(std::string_view s, char d) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, cellStart = true;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"')
                cell += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                cell += c;
        } else if (cellStart && c == '"') {
            quoted = true;
            cellStart = false;
        } else if (c == d) {
            row.push_back(std::move(cell));
            cell.clear();
            cellStart = true;
        } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
            cellStart = true;
            ++i;
        } else {
            cell += c;
            cellStart = false;
        }
    }
    REQUIRE_MESSAGE(row.empty(), "the last record does not end with CRLF");
    return rows;
}

constexpr std::int64_t kWallStart = 1'779'874'200'000; // 2026-05-27T09:30:00Z

/// The staff back office of a test: the real PIN guard, store and export.
struct Office final : core::PinClock {
    fs::path pinFile, dbPath, exportDir;
    std::string pinHash; ///< empty: the demo PIN
    std::string refused; ///< StaffBackend::pinRefused
    bool syncConfigBroken = false;
    std::int64_t wallBase = kWallStart;
    std::int64_t bootBase = 3'600'000; ///< CLOCK_BOOTTIME when the kiosk's clock is at 0
    Headless* h = nullptr;
    std::unique_ptr<core::PinGuard> guard;
    std::unique_ptr<core::LeadStore> store;
    int pinChecks = 0, snapshots = 0, exports = 0, syncs = 0;
    bool asyncExport = false; ///< startExport only marks the job running (a slow stick)
    ui::ExportRequest lastRequest;
    ui::ExportJob job;
    ui::ShownProblems problems; ///< what the panel lists at the top
    core::ExportResult lastResult;
    core::StoreKeeper* keeper = nullptr; ///< as the kiosk's back office: health from quick_check

    explicit Office(const TempDir& t)
        : pinFile(t / "data" / "pin_attempts"), dbPath(t / "data" / "leads.db"), exportDir(t / "usb") {
        fs::create_directories(pinFile.parent_path());
        fs::create_directories(exportDir);
        guard = std::make_unique<core::PinGuard>(pinFile, *this);
        store = std::make_unique<core::LeadStore>(dbPath);
        REQUIRE(store->open());
    }

    std::int64_t sinceStart() const { return h ? static_cast<std::int64_t>(h->clock.now() * 1000.0) : 0; }
    std::int64_t wall() const { return wallBase + sinceStart(); }
    std::int64_t wallMs() const override { return wall(); }
    std::int64_t bootMs() const override { return bootBase + sinceStart(); }
    std::string bootId() const override { return "boot-1"; }

    std::vector<std::string> exhibitors() const {
        std::vector<std::string> ids;
        for (const auto& c : h->content.content.companies)
            if (c.exhibitor) ids.push_back(c.id);
        return ids;
    }

    /// Connects a Headless kiosk to this office (a kiosk start: a new PinGuard on the file).
    void attach(Headless& kiosk) {
        h = &kiosk;
        guard = std::make_unique<core::PinGuard>(pinFile, *this);
        ui::StaffBackend b;
        b.checkPin = [this](const std::string& pin) {
            ++pinChecks;
            return guard->attempt(pinHash, pin);
        };
        b.pinLockedForMs = [this] { return guard->lockedForMs(); };
        b.demoPin = pinHash.empty();
        b.pinRefused = refused;
        b.syncConfigBroken = syncConfigBroken;
        b.snapshot = [this] {
            ++snapshots;
            ui::StaffSnapshot s;
            const std::int64_t now = wall();
            s.stats = store->stats(now / 86'400'000 * 86'400'000, 0).value; // a kiosk in UTC
            s.answers = store->answerCounts(h->content.content.form).value;
            if (keeper) {
                keeper->requestCheck();
                s.store = keeper->health();
            }
            for (const auto& d : core::exportDestinations(h->config.staff.exportDir))
                s.destinations.push_back(d.string());
            s.figures = store->figures(h->content.content.event.id).value;
            s.job = job;
            return s;
        };
        b.syncNow = [this] { ++syncs; };
        b.startExport = [this](const ui::ExportRequest& r) {
            ++exports;
            lastRequest = r;
            job = ui::ExportJob{};
            if (asyncExport) {
                job.running = true;
                job.progress = 0.4;
                return;
            }
            // The kiosk's own mapping of the panel's choices, run synchronously here.
            lastResult = core::exportForStand(dbPath, exhibitors(), h->content.content.event.id,
                                              kiosk::exportOptions(r, h->content.content.form), r.destination, wall());
            job = kiosk::finishedJob(lastResult, r.destination);
        };
        b.contentProblems = problems;
        b.kioskId = "kiosk-test";
        b.version = "0.0-test";
        kiosk.app().setStaffBackend(std::move(b));
        kiosk.frames(2);
    }

    /// Index of the configured export folder among the panel's destinations.
    int exportDirIndex() const {
        const auto d = core::exportDestinations(h->config.staff.exportDir);
        for (size_t i = 0; i < d.size(); ++i)
            if (d[i] == exportDir) return int(i);
        FAIL("the export folder is not among the destinations");
        return -1;
    }
};

core::KioskConfig configFor(const Office& o) {
    core::KioskConfig c;
    c.staff.exportDir = o.exportDir.string();
    return c;
}

/// A lead chosen for the given exhibitors, created `agoMs` before the office's start time.
core::Lead lead(int n, std::vector<std::string> exhibitors, std::int64_t createdMs) {
    core::Lead l;
    l.id = core::newUuid();
    l.createdMs = createdMs;
    l.kioskId = "kiosk-test";
    l.eventId = "ruhrsummit-innovation-bridge-uk";
    l.lang = "de";
    l.firstName = "Jürgen " + std::to_string(n);
    l.lastName = n % 2 ? "=SUM(1,2)" : "Weiß";
    l.email = "visitor" + std::to_string(n) + "@example.org";
    l.phone = n % 3 ? "" : "+49 201 " + std::to_string(1000 + n);
    l.exhibitors = std::move(exhibitors);
    l.consent = {"2026-05", core::sha256Hex("consent"), "de", createdMs};
    return l;
}

/// The shipped content's form (content/form.toml).
const core::FormDef& formOfDemo() {
    static const core::FormDef form = [] {
        std::vector<core::Problem> problems;
        auto f = core::loadFormFile(KIOSK_SOURCE_DIR "/content/form.toml", "form.toml", problems);
        REQUIRE(f);
        return *f;
    }();
    return form;
}

const char* const kOpenPad = "longpress staff.corner 3100\nexpect-screen pin\n";
const char* const kEnter1234 = "tap pin.key.1\ntap pin.key.2\ntap pin.key.3\ntap pin.key.4\ntap pin.ok\n";

std::string enterPin(const std::string& pin) {
    std::string s;
    for (char c : pin)
        s += std::string("tap pin.key.") + c + "\n";
    return s + "tap pin.ok\n";
}

} // namespace

TEST_SUITE("staff") {

    // ---------------------------------------------------------------------------------------------
    // The corner and the pad

    TEST_CASE("staff pad: a 3 s long press on the corner opens the PIN pad and a short press does not") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.widget("staff.corner"));
        CHECK(h.play("tap staff.corner\nexpect-screen attract\n") == 0);
        CHECK(h.play("longpress staff.corner 1000\nexpect-screen attract\n") == 0);
        CHECK(h.play("longpress staff.corner 2800\nexpect-screen attract\n") == 0);
        // Two short presses do not add up.
        CHECK(h.play("longpress staff.corner 2000\nlongpress staff.corner 2000\nexpect-screen attract\n") == 0);
        CHECK(h.play(kOpenPad) == 0);
        CHECK(h.app().state().pinEntry.empty());
        CHECK(office.pinChecks == 0);
        for (const char* id : {"pin.key.0", "pin.key.1", "pin.key.9", "pin.back", "pin.ok", "pin.cancel"}) {
            CAPTURE(id);
            CHECK(h.widget(id));
        }
        CHECK(shows(tr(h, "pin.title")));
        CHECK(shows(tr(h, "pin.prompt")));
        CHECK_FALSE(shows(tr(h, "pin.wrong")));
        CHECK_FALSE(shows(tr(h, "staff.title") + "X")); // the reader is not fooled by near misses
    }

    TEST_CASE("staff pad: without a back office there is no corner to press") {
        Headless h;
        CHECK(h.widget("staff.corner") == nullptr);
        CHECK(h.play("longpress staff.corner 3100\n") != 0);
        CHECK(h.app().screen() == Screen::Attract);
    }

    TEST_CASE("staff pad: digits, delete and cancel - and cancel forgets what was typed") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(h.play("tap pin.key.7\ntap pin.key.0\ntap pin.key.5\n") == 0);
        CHECK(h.app().state().pinEntry == "705");
        CHECK_FALSE(shows("705")); // the digits are never shown, only dots
        CHECK(h.play("tap pin.back\n") == 0);
        CHECK(h.app().state().pinEntry == "70");
        // At most 8 digits are kept.
        CHECK(h.play("tap pin.key.1\ntap pin.key.1\ntap pin.key.1\ntap pin.key.1\ntap pin.key.1\ntap pin.key.1\ntap "
                     "pin.key.1\n") == 0);
        CHECK(h.app().state().pinEntry.size() == 8);
        CHECK(h.play("tap pin.cancel\nexpect-screen attract\n") == 0);
        CHECK(office.pinChecks == 0);
        CHECK(h.play(kOpenPad) == 0);
        CHECK(h.app().state().pinEntry.empty());
    }

    TEST_CASE("staff pad: the digits are zeroed once checked or cancelled, not only emptied") {
        TempDir t;
        Office office(t);
        office.pinHash = core::hashPin("24680");
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        const std::string& entry = h.app().state().pinEntry;
        auto zeroed = [&] {
            return std::all_of(entry.data(), entry.data() + entry.capacity(), [](char c) { return c == 0; });
        };
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(h.play("tap pin.key.9\ntap pin.key.7\ntap pin.key.5\ntap pin.cancel\nexpect-screen attract\n") == 0);
        CHECK(zeroed());
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(h.play(enterPin("24680") + "expect-screen staff\n") == 0);
        CHECK(zeroed());
    }

    TEST_CASE("staff pad: 5 wrong PINs lock it with a message in minutes:seconds and keys are ignored while locked") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        for (int i = 1; i <= 4; ++i) {
            CAPTURE(i);
            CHECK(h.play(enterPin("0000") + "expect-screen pin\n") == 0);
            CHECK(office.guard->failures() == i);
            CHECK(h.app().state().pinWrong);
            CHECK(shows(tr(h, "pin.wrong")));
            CHECK(office.guard->lockedForMs() == 0);
        }
        CHECK(h.play(enterPin("9876") + "expect-screen pin\n") == 0);
        CHECK(office.guard->failures() == 5);
        const std::int64_t left = office.guard->lockedForMs();
        CHECK(left > 29'000);
        CHECK(left <= 30'000);
        CHECK(shows(fill(tr(h, "pin.locked"), "{t}", "0:30")));
        CHECK_FALSE(shows(tr(h, "pin.wrong")));

        // Keys do nothing while locked: no digits, no check, not even with the right PIN.
        const int checks = office.pinChecks;
        CHECK(h.play(std::string(kEnter1234) + "expect-screen pin\n") == 0);
        CHECK(h.app().state().pinEntry.empty());
        CHECK(office.pinChecks == checks);
        CHECK(office.guard->failures() == 5);

        // The countdown runs: 10 s later it says 20 s (or 19, as frames pass).
        CHECK(h.play("wait 10000\nexpect-screen pin\n") == 0);
        const std::string text = screenText();
        CHECK((text.find(noSpace(fill(tr(h, "pin.locked"), "{t}", "0:20"))) != std::string::npos ||
               text.find(noSpace(fill(tr(h, "pin.locked"), "{t}", "0:19"))) != std::string::npos));
        // In English too.
        CHECK(h.play("tap lang.en\n") == 0);
        CHECK(screenText().find(noSpace(tr(h, "pin.title", core::Lang::En))) != std::string::npos);
        CHECK(h.play("tap lang.de\n") == 0);

        // Once the lock has run out, the right PIN opens the panel.
        CHECK(h.play("wait 20500\n") == 0);
        CHECK(office.guard->lockedForMs() == 0);
        const std::string lockedText = tr(h, "pin.locked");
        CHECK_FALSE(shows(lockedText.substr(0, lockedText.find("{t}")))); // the lock message is gone
        CHECK(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(office.guard->failures() == 0);
    }

    TEST_CASE("staff pad: the lock survives a restart of the kiosk") {
        TempDir t;
        Office office(t);
        std::string lockedFile;
        {
            Headless h(ImVec2(1920, 1080), configFor(office));
            office.attach(h);
            REQUIRE(h.play(kOpenPad) == 0);
            for (int i = 0; i < 5; ++i)
                REQUIRE(h.play(enterPin("1111")) == 0);
            REQUIRE(office.guard->failures() == 5);
            lockedFile = readFile(office.pinFile);
            CHECK(lockedFile.rfind("v2 5 ", 0) == 0);
            // The restart takes 2 s (of both clocks: the same boot).
            office.wallBase = office.wall() + 2'000;
            office.bootBase = office.bootMs() + 2'000;
        } // the kiosk is gone; the file stays
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h); // a new PinGuard on the same file
        CHECK(office.guard->failures() == 5);
        REQUIRE(h.play(kOpenPad) == 0);
        const std::int64_t left = office.guard->lockedForMs();
        CHECK(left > 20'000); // 30 s minus the 2 s restart and the time the pad took to open
        CHECK(left < 28'000);
        const std::int64_t secs = (left + 999) / 1000;
        CHECK(shows(fill(tr(h, "pin.locked"), "{t}", "0:" + std::to_string(secs))));
        CHECK(h.play(std::string(kEnter1234) + "expect-screen pin\n") == 0);
        CHECK(office.guard->failures() == 5);
        CHECK(readFile(office.pinFile) == lockedFile);
    }

    TEST_CASE("staff pad: a long lock shows minutes and seconds (64:00), and an older strings file's {s} still gets "
              "seconds") {
        TempDir t;
        Office office(t);
        // The longest step (12 wrong PINs), written as the guard writes it, on this boot.
        {
            std::ofstream f(office.pinFile);
            f << "v2 12 " << kWallStart << " " << office.bootBase << " boot-1 3840000 " << office.bootBase + 3'840'000
              << " boot-1\n";
        }
        {
            Headless h(ImVec2(1920, 1080), configFor(office));
            office.attach(h);
            REQUIRE(h.play(kOpenPad) == 0);
            // The long press took 3.1 s of the 64 min.
            const std::int64_t left = office.guard->lockedForMs();
            CHECK(left > 3'836'000);
            CHECK(left <= 3'837'000);
            CHECK(shows(fill(tr(h, "pin.locked"), "{t}", "63:57")));
            CHECK(h.play("wait 20000\nexpect-screen pin\n") == 0);
            CHECK(shows(fill(tr(h, "pin.locked"), "{t}", "63:37")));
            office.bootBase = office.bootMs();
            office.wallBase = office.wall();
        }
        // Content made for the earlier kiosk: pin.locked with {s}, in seconds.
        const fs::path content = t / "content";
        fs::copy(KIOSK_SOURCE_DIR "/content", content, fs::copy_options::recursive);
        std::string strings = readFile(content / "strings.toml");
        const auto at = strings.find("locked = {");
        REQUIRE(at != std::string::npos);
        strings.replace(at, strings.find('\n', at) - at,
                        "locked = { de = \"Gesperrt für {s} s.\", en = \"Locked for {s} s.\" }");
        std::ofstream(content / "strings.toml", std::ios::trunc) << strings;
        Headless h(ImVec2(1920, 1080), configFor(office), content.string());
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(shows("Gesperrt für " + std::to_string((office.guard->lockedForMs() + 999) / 1000) + " s."));
        CHECK(office.guard->lockedForMs() > 3'800'000);
    }

    TEST_CASE("staff pad: with a config that cannot be used the pad says why (file, line, fix) and takes no PIN") {
        TempDir t;
        Office office(t);
        office.refused = "/etc/stand-kiosk/kiosk.toml:3: not valid TOML: expected a value — check quotes, brackets and "
                         "'=' on that line";
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(shows(tr(h, "pin.config_locked")));
        CHECK(shows(office.refused));
        CHECK_FALSE(shows(tr(h, "pin.prompt")));
        // The keys do nothing: not even the demo PIN is tried.
        CHECK(h.play(std::string(kEnter1234) + "expect-screen pin\n") == 0);
        CHECK(h.app().state().pinEntry.empty());
        CHECK(office.pinChecks == 0);
        CHECK(office.guard->failures() == 0);
        CHECK(h.play("tap lang.en\n") == 0);
        CHECK(shows(tr(h, "pin.config_locked", core::Lang::En)));
        CHECK(h.play("tap pin.cancel\nexpect-screen attract\n") == 0);
    }

    TEST_CASE("staff panel: sync off because of the config says so, not \"not set up\"") {
        TempDir t;
        Office office(t);
        office.syncConfigBroken = true;
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(std::string(kOpenPad) + kEnter1234 + "expect-screen staff\n") == 0);
        h.frames(2);
        CHECK(shows(tr(h, "staff.sync_off_config")));
        CHECK_FALSE(shows(tr(h, "staff.sync_off")));
    }

    TEST_CASE("staff pad: with a PIN set only that PIN opens the panel and the demo PIN warning is gone") {
        TempDir t;
        Office office(t);
        office.pinHash = core::hashPin("24680");
        REQUIRE_FALSE(office.pinHash.empty());
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(h.play(std::string(kEnter1234) + "expect-screen pin\n") == 0);
        CHECK(office.guard->failures() == 1);
        CHECK(h.play(enterPin("24680") + "expect-screen staff\n") == 0);
        CHECK(office.guard->failures() == 0);
        h.frames(2);
        CHECK_FALSE(shows(tr(h, "staff.demo_pin")));
        CHECK(shows(tr(h, "staff.title")));
    }

    // ---------------------------------------------------------------------------------------------
    // The panel

    TEST_CASE("staff panel: the right PIN opens it and it shows today's and all counts and per exhibitor") {
        TempDir t;
        Office office(t);
        // 3 leads today (UTC), 2 yesterday; 1 synced, 1 failed.
        const std::int64_t today = kWallStart, yesterday = kWallStart - 86'400'000;
        const std::vector<core::Lead> leads = {lead(1, {"irk-valley-hydrogen"}, today - 1000),
                                               lead(2, {"irk-valley-hydrogen", "medlock-gas-sensing"}, today - 2000),
                                               lead(3, {"medlock-gas-sensing"}, today - 3'600'000),
                                               lead(4, {"bollin-ot-defence"}, yesterday),
                                               lead(5, {"irk-valley-hydrogen"}, yesterday)};
        REQUIRE(office.store->insertBatch(leads));
        {
            std::vector<core::ErasedLead> none;
            REQUIRE(office.store->eraseByEmail("nobody@example.org", kWallStart, none));
        }
        sqlite3_exec(office.store->handle(),
                     ("UPDATE leads SET sync_state = 'synced' WHERE id = '" + leads[3].id + "'").c_str(), nullptr,
                     nullptr, nullptr);
        sqlite3_exec(office.store->handle(),
                     ("UPDATE leads SET sync_state = 'failed' WHERE id = '" + leads[4].id + "'").c_str(), nullptr,
                     nullptr, nullptr);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(office.snapshots >= 1);
        for (const char* id : {"staff.export", "staff.sync", "staff.close", "staff.exit", "staff.format.csv",
                               "staff.format.xlsx", "staff.format.jsonl", "staff.delimiter.semicolon",
                               "staff.delimiter.comma", "staff.header.de", "staff.header.en"}) {
            CAPTURE(id);
            CHECK(h.widget(id));
        }
        const std::string text = screenText();
        CAPTURE(text);
        auto has = [&](const std::string& s) {
            INFO("expected on screen: ", s);
            CHECK(text.find(noSpace(s)) != std::string::npos);
        };
        has(fill(fill(tr(h, "staff.leads"), "{n}", "3"), "{t}", "5"));
        has(fill(fill(fill(tr(h, "staff.sync_counts"), "{n}", "3"), "{s}", "1"), "{f}", "1"));
        has(tr(h, "staff.demo_pin")); // no PIN set yet
        has(tr(h, "staff.sync_off"));
        has(fill(fill(tr(h, "staff.kiosk"), "{id}", "kiosk-test"), "{v}", "0.0-test"));
        for (const auto& [id, n] : std::vector<std::pair<std::string, int>>{
                 {"irk-valley-hydrogen", 3}, {"medlock-gas-sensing", 2}, {"bollin-ot-defence", 1}}) {
            const core::Company* c = h.content.content.company(id);
            REQUIRE(c);
            has(c->name + ": " + std::to_string(n));
        }
        // A new lead shows up within the 2 s refresh, without closing the panel.
        REQUIRE(office.store->insert(lead(6, {"medlock-gas-sensing"}, today)));
        CHECK(h.play("wait 2100\nexpect-screen staff\n") == 0);
        CHECK(shows(fill(fill(tr(h, "staff.leads"), "{n}", "4"), "{t}", "6")));
        // "Send now" reaches the back office.
        CHECK(h.play("tap staff.sync\n") == 0);
        CHECK(office.syncs == 1);
    }

    TEST_CASE("staff panel: the form's own questions show how many leads chose each option") {
        TempDir t;
        Office office(t);
        // The shipped form asks "interest" (a choice of pilot, investment, partnership): 3 leads
        // chose a pilot, 2 a partnership, 1 did not answer; a free text never shows.
        std::vector<core::Lead> leads;
        for (int i = 0; i < 6; ++i) {
            core::Lead l = lead(i, {"irk-valley-hydrogen"}, kWallStart - 1000 * (i + 1));
            if (i < 5)
                l.answers["interest"] =
                    core::Answer{core::FieldKind::Choice, i < 3 ? "pilot" : "partnership", {}, false};
            l.answers["message"] = core::Answer{core::FieldKind::Multiline, "secret plans", {}, false};
            leads.push_back(std::move(l));
        }
        REQUIRE(office.store->insertBatch(leads));
        const auto counts = office.store->answerCounts(formOfDemo());
        REQUIRE(counts);
        CHECK(counts.value == core::AnswerCounts{{"interest", {{"pilot", 3}, {"investment", 0}, {"partnership", 2}}}});

        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        const core::FormField* interest = h.content.content.form.field("interest");
        REQUIRE(interest);
        CHECK(shows(tr(h, "staff.questions")));
        CHECK(shows(interest->label.de));
        // Each option's label, then its count, in the form's order.
        CHECK(shows("EinPilotprojekt3Investition0Partnerschaft2"));
        CHECK_FALSE(shows("secretplans"));
    }

    TEST_CASE(
        "staff panel: leads per hour with every hour of the fair labelled and the counts; each exhibitor's funnel") {
        TempDir t;
        Office office(t);
        // Two leads today, both in the hour from 9:00 (the kiosk runs in UTC here).
        REQUIRE(office.store->insertBatch({lead(1, {"irk-valley-hydrogen"}, kWallStart - 1000),
                                           lead(2, {"irk-valley-hydrogen"}, kWallStart - 2000)}));
        const std::string event = "ruhrsummit-innovation-bridge-uk";
        const std::int64_t hour = kWallStart / 3'600'000;
        REQUIRE(office.store->addFigures({{event, "irk-valley-hydrogen", core::Figure::ProfileViews, hour, 7},
                                          {event, "irk-valley-hydrogen", core::Figure::SignupsStarted, hour, 3},
                                          {event, "irk-valley-hydrogen", core::Figure::SignupsCompleted, hour, 2},
                                          {event, "irk-valley-hydrogen", core::Figure::ProfileSeconds, hour, 100},
                                          {event, "irk-valley-hydrogen", core::Figure::ProfileTimed, hour, 4},
                                          {event, "hydrogen", core::Figure::SectorFilter, hour, 5}}));
        Headless h(ImVec2(1920, 1080), configFor(office));
        REQUIRE(h.content.content.event.id == event);
        office.attach(h);
        REQUIRE(h.play(std::string(kOpenPad) + kEnter1234 + "expect-screen staff\n") == 0);
        const std::string before = screenText();
        CAPTURE(before);
        // 8 … 18 under the bars, and the 2 above the bar of 9 (it was one unlabelled bar for the hour with leads).
        CHECK(before.find("829101112131415161718") != std::string::npos);
        // The funnels are below the form's questions: a finger scrolls the figures' column up.
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Down, ImVec2(400, 900)});
        h.frames(1);
        for (int i = 1; i <= 10; ++i) {
            h.app().pushFinger({kiosk::ui::FingerEvent::Type::Move, ImVec2(400, 900 - 12.0f * float(i))});
            h.frames(1);
        }
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Up, ImVec2(400, 780)});
        h.frames(30);
        const std::string text = screenText();
        CAPTURE(text);
        // The most viewed exhibitor first: its name, then views, started, completed with their counts.
        const core::Company* c = h.content.content.company("irk-valley-hydrogen");
        REQUIRE(c);
        CHECK(text.find(noSpace(tr(h, "staff.funnel_title") + c->name + tr(h, "staff.funnel_views") + "7" +
                                tr(h, "staff.funnel_started") + "3" + tr(h, "staff.funnel_completed") + "2")) !=
              std::string::npos);
        CHECK(text.find(noSpace(fill(fill(fill(tr(h, "staff.funnel_detail"), "{s}", "25"), "{q}", "0"), "{a}", "0"))) !=
              std::string::npos);
    }

    TEST_CASE(
        "staff panel: a million problems are formatted once; it shows 8 and 'and N more' and a frame stays fast") {
        TempDir t;
        Office office(t);
        {
            std::vector<core::Problem> many(1'000'000, core::Problem{"x.toml", 3, "k", "unknown key", "remove it"});
            many[0].key = std::string(1'000'000, 'k'); // one key as long as a file may be
            many[1] = {"companies/a.toml", 4, "logo", "file 'a.png' not found", "fix the path", true};
            many.push_back({"companies/b.toml", 0, "", "more problems", "fix the ones above", true, 2'000'000});
            const auto start = std::chrono::steady_clock::now();
            office.problems = ui::showProblems(many);
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        }
        REQUIRE(office.problems.lines.size() == 8);
        CHECK(office.problems.more == 1'000'000 - 8 + 2'000'000);
        CHECK(office.problems.lines[0].text.size() < 310);
        CHECK(office.problems.lines[1].text == "companies/a.toml:4: logo: file 'a.png' not found — fix the path");
        for (const ImVec2 size : {ImVec2(1920, 1080), ImVec2(1080, 1920)}) {
            CAPTURE(size.x);
            Headless h(size, configFor(office));
            office.attach(h);
            REQUIRE(h.play(std::string(kOpenPad) + kEnter1234 + "expect-screen staff\n") == 0);
            double slowest = 0;
            for (int i = 0; i < 10; ++i) {
                const auto start = std::chrono::steady_clock::now();
                h.frames(1);
                slowest =
                    std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            }
            CHECK(slowest < 1.0); // well under 50 ms in practice; coarse so a busy machine does not fail it
            CHECK(shows("companies/a.toml:4: logo: file 'a.png' not found"));
            CHECK(shows("and 2999992 more problems: kiosk check-content lists them all"));
            // The panel under the list still works: the figures and the buttons are on screen.
            CHECK(shows(tr(h, "staff.sync_title")));
            for (const char* id : {"staff.sync", "staff.close", "staff.exit"}) {
                CAPTURE(id);
                const auto* w = h.widget(id);
                REQUIRE(w);
                CHECK(w->visible);
                CHECK(w->max.y <= size.y);
            }
            CHECK(h.play("tap staff.close\nexpect-screen attract\n") == 0);
        }
    }

    TEST_CASE(
        "staff panel: export to the configured folder writes all-leads and one file per exhibitor and erasures.csv") {
        TempDir t;
        Office office(t);
        const std::int64_t today = kWallStart;
        std::vector<core::Lead> leads;
        const std::vector<std::vector<std::string>> choices = {
            {"irk-valley-hydrogen"},
            {"medlock-gas-sensing", "irk-valley-hydrogen"},
            {"bollin-ot-defence"},
            {"ancoats-code-assurance", "chorlton-care-insights", "etherow-health-link"},
            {"medlock-gas-sensing"},
            {"irk-valley-hydrogen"},
            {"bollin-ot-defence", "medlock-gas-sensing"}};
        for (size_t i = 0; i < choices.size(); ++i)
            leads.push_back(lead(int(i) + 1, choices[i], today - 60'000 * std::int64_t(i)));
        REQUIRE(office.store->insertBatch(leads));
        std::vector<core::ErasedLead> erased;
        REQUIRE(office.store->eraseByEmail("VISITOR3@example.org", kWallStart, erased)); // lead 3 withdraws
        REQUIRE(erased.size() == 1);

        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        const std::string dest = "staff.dest." + std::to_string(office.exportDirIndex());
        CHECK(h.widget(dest));
        CHECK(h.play("tap " + dest +
                     "\ntap staff.format.csv\ntap staff.delimiter.comma\ntap staff.header.en\ntap staff.export\n") ==
              0);
        REQUIRE(office.exports == 1);
        CHECK(office.lastRequest.destination == office.exportDir.string());
        CHECK(office.lastRequest.format == "csv");
        CHECK(office.lastRequest.delimiter == ',');
        CHECK(office.lastRequest.english);
        INFO(office.lastResult.error);
        REQUIRE(office.lastResult.ok);

        // One folder, named after the event and the time, with exactly the expected files.
        std::vector<fs::path> folders;
        for (const auto& e : fs::directory_iterator(office.exportDir))
            folders.push_back(e.path());
        REQUIRE(folders.size() == 1);
        CHECK(folders[0].filename().string().rfind(h.content.content.event.id + "-2026-05-27T", 0) == 0);
        std::set<std::string> names, want = {"all-leads.csv", "erasures.csv", "figures.csv"};
        for (const auto& id : office.exhibitors())
            want.insert({"exhibitor-" + id + ".csv", "exhibitor-" + id + "-figures.csv"});
        for (const auto& e : fs::directory_iterator(folders[0]))
            names.insert(e.path().filename().string());
        CHECK(names == want);

        // all-leads: every lead but the erased one; each exhibitor file: exactly its leads.
        auto idsIn = [&](const std::string& name) {
            const std::string text = readFile(folders[0] / name);
            REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
            const auto rows = parseCsv(std::string_view(text).substr(3), ',');
            REQUIRE_FALSE(rows.empty());
            CHECK(rows[0][0] == "ID");
            CHECK(rows[0][1] == "Created (UTC)"); // the English header was chosen
            std::set<std::string> ids;
            for (size_t r = 1; r < rows.size(); ++r) {
                ids.insert(rows[r][0]);
                for (const auto& cell : rows[r])
                    CHECK((cell.empty() || std::string("=+-@\t\r\n").find(cell[0]) == std::string::npos));
            }
            CHECK(ids.size() == rows.size() - 1);
            return ids;
        };
        std::set<std::string> all;
        for (const auto& l : leads)
            if (l.id != erased[0].id) all.insert(l.id);
        CHECK(idsIn("all-leads.csv") == all);
        for (const auto& ex : office.exhibitors()) {
            CAPTURE(ex);
            std::set<std::string> mine;
            for (const auto& l : leads)
                if (l.id != erased[0].id &&
                    std::find(l.exhibitors.begin(), l.exhibitors.end(), ex) != l.exhibitors.end())
                    mine.insert(l.id);
            CHECK(idsIn("exhibitor-" + ex + ".csv") == mine);
        }
        const std::string log = readFile(folders[0] / "erasures.csv");
        CHECK(log == "lead_id,erased_at,was_synced\r\n" + erased[0].id + "," + core::isoUtc(kWallStart) + ",0\r\n");
        CHECK(log.find("visitor3") == std::string::npos);

        // The panel says how it went: files, leads, the folder.
        h.frames(3);
        const std::string text = screenText();
        CAPTURE(text);
        CHECK(text.find(noSpace(fill(fill(tr(h, "staff.export_done"), "{n}", std::to_string(want.size())), "{l}",
                                     std::to_string(all.size()))
                                    .substr(0, 20))) != std::string::npos);
        CHECK(text.find(noSpace(folders[0].filename().string())) != std::string::npos);

        // JSON Lines with the same choice of folder: the same set of files, as .jsonl.
        CHECK(h.play("tap staff.format.jsonl\ntap staff.export\n") == 0);
        REQUIRE(office.exports == 2);
        CHECK(office.lastRequest.format == "jsonl");
        REQUIRE(office.lastResult.ok);
        const fs::path jsonlDir = office.lastResult.files.front().path.parent_path();
        for (const auto& id : office.exhibitors())
            CHECK(fs::exists(jsonlDir / ("exhibitor-" + id + ".jsonl")));
        CHECK(fs::exists(jsonlDir / "all-leads.jsonl"));
        CHECK(fs::exists(jsonlDir / "erasures.csv"));

        // Excel: the same files as .xlsx, each counted by the rows written.
        CHECK(h.play("tap staff.format.xlsx\ntap staff.export\n") == 0);
        REQUIRE(office.exports == 3);
        CHECK(office.lastRequest.format == "xlsx");
        REQUIRE(office.lastResult.ok);
        const fs::path xlsxDir = office.lastResult.files.front().path.parent_path();
        for (const auto& id : office.exhibitors())
            CHECK(fs::exists(xlsxDir / ("exhibitor-" + id + ".xlsx")));
        CHECK(office.lastResult.files.front().path == xlsxDir / "all-leads.xlsx");
        CHECK(office.lastResult.files.front().leads == (long long)all.size());
    }

    TEST_CASE("staff panel: the export button does nothing while an export runs and a failure is shown with its path") {
        TempDir t;
        Office office(t);
        office.asyncExport = true;
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(h.play("tap staff.export\n") == 0);
        CHECK(office.exports == 1);
        CHECK(h.play("wait 500\ntap staff.export\ntap staff.export\n") == 0);
        CHECK(office.exports == 1);
        // The stick was full.
        office.job = ui::ExportJob{};
        office.job.done = true;
        office.job.error = "writing /media/stick/x/all-leads.csv failed: No space left on device";
        CHECK(h.play("wait 2100\nexpect-screen staff\n") == 0);
        CHECK(shows(office.job.error));
        CHECK(h.play("tap staff.export\n") == 0);
        CHECK(office.exports == 2);
    }

    TEST_CASE("staff panel: a damaged lead database is shown, with whether new leads are still stored") {
        TempDir t;
        Office office(t);
        std::vector<core::Lead> leads;
        for (int n = 0; n < 2001; ++n)
            leads.push_back(lead(n, {"irk-valley-hydrogen"}, kWallStart - n * 1000));
        REQUIRE(office.store->insertBatch(leads));
        REQUIRE(office.store->checkpoint());
        {
            // Six page headers in the middle of the file overwritten.
            const auto pages = static_cast<long>(fs::file_size(office.dbPath) / 4096);
            std::fstream f(office.dbPath, std::ios::in | std::ios::out | std::ios::binary);
            for (long p = pages / 2; p < pages / 2 + 6; ++p) {
                f.seekp(p * 4096);
                f.write(std::string(64, '\xa5').data(), 64);
            }
        }
        core::StoreKeeper keeper(office.dbPath, {});
        keeper.start();
        for (int i = 0; i < 500 && !keeper.health().checked; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const core::StoreHealth health = keeper.health();
        REQUIRE(health.checked);
        REQUIRE_FALSE(health.ok);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        // Until a check has found something the panel says nothing about the database.
        const std::string damaged = tr(h, "staff.db_damaged");
        CHECK_FALSE(shows(damaged.substr(0, damaged.find("{problem}"))));
        // The back office's keeper found the damage: the panel says so at its next refresh.
        office.keeper = &keeper;
        CHECK(h.play("wait 2100\nexpect-screen staff\n") == 0);
        CHECK(shows(fill(damaged, "{problem}", health.problem)));
        CHECK(shows(tr(h, health.canStore ? "staff.db_still_storing" : "staff.db_not_storing")));
    }

    TEST_CASE("staff panel: close returns to the attract loop and the pad asks for the PIN again") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(h.play("tap staff.close\nexpect-screen attract\n") == 0);
        CHECK_FALSE(h.app().quitRequested());
        CHECK(h.play(std::string(kOpenPad) + "expect-screen pin\n") == 0);
    }

    TEST_CASE("staff panel: exit asks the kiosk to quit") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        CHECK_FALSE(h.app().quitRequested());
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK_FALSE(h.app().quitRequested());
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK_FALSE(h.app().quitRequested());
        CHECK(h.play("tap staff.exit\n") == 0);
        CHECK(h.app().quitRequested());
    }

    TEST_CASE("staff panel: it closes itself after the idle timeout and the PIN is needed again") {
        TempDir t;
        Office office(t);
        core::KioskConfig config = configFor(office);
        config.idleTimeoutS = 60;
        config.idleWarningS = 20;
        Headless h(ImVec2(1920, 1080), config);
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(h.play("tap staff.delimiter.comma\n") == 0);
        CHECK(h.app().state().exportChoice.delimiter == ',');
        CHECK(h.play("wait 39000\nexpect-screen staff\n") == 0);
        CHECK_FALSE(h.app().idleWarningShown());
        CHECK(h.play("wait 2000\nexpect-screen staff\n") == 0);
        CHECK(h.app().idleWarningShown());
        CHECK(h.play("wait 20000\nexpect-screen attract\n") == 0);
        CHECK(h.app().state().exportChoice.delimiter == ';'); // the panel's choices are gone too
        CHECK(h.play(std::string(kOpenPad) + "expect-screen pin\n") == 0);
    }

    TEST_CASE("staff pad: it closes itself after the idle timeout") {
        TempDir t;
        Office office(t);
        Headless h(ImVec2(1920, 1080), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        CHECK(h.play("tap pin.key.1\ntap pin.key.2\n") == 0);
        CHECK(h.play("wait 61000\nexpect-screen attract\n") == 0);
        CHECK(h.app().state().pinEntry.empty());
    }

    TEST_CASE("staff panel: it also works in portrait (1080x1920)") {
        TempDir t;
        Office office(t);
        REQUIRE(office.store->insert(lead(1, {"irk-valley-hydrogen"}, kWallStart)));
        Headless h(ImVec2(1080, 1920), configFor(office));
        office.attach(h);
        REQUIRE(h.play(kOpenPad) == 0);
        REQUIRE(h.play(std::string(kEnter1234) + "expect-screen staff\n") == 0);
        CHECK(shows(fill(fill(tr(h, "staff.leads"), "{n}", "1"), "{t}", "1")));
        const std::string dest = "staff.dest." + std::to_string(office.exportDirIndex());
        CHECK(h.play("tap " + dest + "\ntap staff.export\n") == 0);
        REQUIRE(office.exports == 1);
        CHECK(office.lastResult.ok);
        CHECK(h.play("tap staff.close\nexpect-screen attract\n") == 0);
    }

} // TEST_SUITE staff
