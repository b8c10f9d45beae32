// kiosk sync --once, kiosk status: the uploader from the command line, in plain words.
#include "commands.hpp"

#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/paths.hpp"
#include "core/sync/engine.hpp"
#include "core/sync/outbox.hpp"
#include "core/sync/sync_worker.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace kiosk::cli {

namespace {

/// The whole `sync --once` run: long enough for a big backlog over a slow link, short
/// enough that a staff member gets an answer (run it again to continue).
constexpr double kOnceMaxSeconds = 600.0;

std::string plural(long long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string when(std::int64_t ms) {
    if (ms <= 0) return "never";
    const std::int64_t ago = (core::sync::unixMs() - ms) / 1000;
    std::string s = core::isoUtc(ms);
    if (ago >= 0 && ago < 60) s += " (" + plural(ago, "second", "seconds") + " ago)";
    else if (ago >= 60 && ago < 3600) s += " (" + plural(ago / 60, "minute", "minutes") + " ago)";
    else if (ago >= 3600 && ago < 48 * 3600) s += " (" + plural(ago / 3600, "hour", "hours") + " ago)";
    return s;
}

/// Empty when the (existing) database opens fine; else why not.
std::string openError(const std::filesystem::path& db) {
    core::sync::Outbox box(db);
    return box.open();
}

void printCounts(const core::SyncStatus& s) {
    std::printf("Leads: %lld in total — %lld waiting to be sent, %lld sent, %lld refused by the server\n",
                s.pending + s.synced + s.failed, s.pending, s.synced, s.failed);
}

void printRefused(const std::filesystem::path& db, long long failed) {
    if (failed <= 0) return;
    constexpr int kShown = 20;
    std::printf("Refused by the server (held for staff, not sent again automatically):\n");
    for (const auto& f : core::sync::failedLeads(db, kShown))
        std::printf("  %s  %s  %s\n", core::isoUtc(f.createdMs).c_str(), f.id.c_str(), f.reason.c_str());
    if (failed > kShown) std::printf("  … and %lld more (kiosk leads list shows them all)\n", failed - kShown);
}

} // namespace

int syncOnce(const Paths& p) {
    auto config = core::loadConfig(p.config);
    for (const auto& q : config.problems) std::cerr << (q.error ? "" : "warning: ") << q.format() << '\n';
    const auto& sc = config.config.sync;
    if (sc.endpoint.empty()) {
        if (core::syncConfigBroken(config)) std::cerr << "kiosk: sync is off: the config has a problem (above) — fix it first\n";
        else std::cerr << "kiosk: no [sync] endpoint in the config — set sync.endpoint = \"https://…\"\n";
        return 2;
    }
    auto content = core::loadContent(p.content, {core::shippedAssetsDir(), false});
    const auto db = p.dataDir / "leads.db";
    // "Nothing to send" from a mistyped --data-dir would hide every waiting lead.
    if (auto r = core::LeadStore::present(db); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    if (const auto e = openError(db); !e.empty()) {
        std::cerr << "kiosk: " << e << '\n';
        return 1;
    }
    const auto before = core::readSyncStatus(db, sc);
    if (before.pending == 0) {
        printCounts(before);
        std::printf("Nothing to send.\n");
        printRefused(db, before.failed);
        return 0;
    }
    std::printf("Sending %s to %s …\n", plural(before.pending, "waiting lead", "waiting leads").c_str(),
                sc.endpoint.c_str());
    std::fflush(stdout);

    const auto t0 = std::chrono::steady_clock::now();
    core::sync::OnceOptions o;
    o.maxSeconds = kOnceMaxSeconds;
    o.progress = [](const core::sync::Attempt& a, double waitS) {
        using A = core::sync::Attempt;
        if (a.kind == A::Retry) std::printf("  try failed: %s — next try in %s\n", a.error.c_str(),
                                            core::sync::formatSeconds(waitS).c_str());
        else if (a.kind == A::Progress && a.rejected > 0)
            std::printf("  the server refused %s (held for staff)\n", plural(a.rejected, "lead", "leads").c_str());
        std::fflush(stdout);
    };
    const auto r = core::sync::runOnce(db, sc, config.config.kioskId, content.content.event.id, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& s = r.status;

    printCounts(s);
    std::printf("This run: %s, %s, %.1f s\n", plural(r.requests, "request", "requests").c_str(),
                plural(r.failures, "failed try", "failed tries").c_str(), seconds);
    std::printf("Last successful upload: %s\n", when(s.lastSuccessMs).c_str());
    printRefused(db, s.failed);
    if (s.pending == 0) {
        std::printf("All leads are sent.\n");
        return 0;
    }
    std::printf("Stopped: %s\n", r.stoppedBecause.empty() ? s.lastError.c_str() : r.stoppedBecause.c_str());
    if (s.credentialsRefused)
        std::printf("Fix sync.token / sync.secret in the config, then run kiosk sync --once again.\n");
    std::printf("%s still waiting; nothing is lost. Run kiosk sync --once again when the problem is fixed.\n",
                plural(s.pending, "lead is", "leads are").c_str());
    return 1;
}

int status(const Paths& p) {
    auto config = core::loadConfig(p.config);
    for (const auto& q : config.problems) std::cerr << (q.error ? "" : "warning: ") << q.format() << '\n';
    const auto db = p.dataDir / "leads.db";
    // Read-only first: a mistyped --data-dir is an error naming it, and nothing is created.
    core::LeadStore store(db);
    if (auto r = store.openReadOnly(); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto health = store.quickCheck();
    const double checkS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!health) {
        std::printf("Lead database: DAMAGED — %s\n", health.error.c_str());
        std::cerr << "kiosk: " << health.error
                  << " — copy the data folder as it is (leads.db with its -wal file) before anything else, and see "
                     "docs/staff.md, \"The lead database is damaged\"\n";
        return 1;
    }
    std::printf("Lead database: ok (PRAGMA quick_check, %.2f s)\n", checkS);
    if (const auto e = openError(db); !e.empty()) {
        std::cerr << "kiosk: " << e << '\n';
        return 1;
    }
    const auto s = core::readSyncStatus(db, config.config.sync);
    printCounts(s);
    if (s.enabled) std::printf("Sync: on, to %s\n", config.config.sync.endpoint.c_str());
    else if (core::syncConfigBroken(config)) std::printf("Sync: off (the config has a problem, see above)\n");
    else std::printf("Sync: off (no sync.endpoint in the config)\n");
    std::printf("Last successful upload: %s\n", when(s.lastSuccessMs).c_str());
    std::printf("Last error: %s\n", s.lastError.empty() ? "none" : s.lastError.c_str());
    if (s.credentialsRefused)
        std::printf("The server refused the credentials on the last try: sending waits until sync.token / "
                    "sync.secret are fixed and the kiosk restarts, or staff press \"Sync now\".\n");
    printRefused(db, s.failed);
    return 0;
}

} // namespace kiosk::cli
