// The background uploader (SyncWorker), `kiosk sync --once` and `kiosk status`.
// Protocol and rules: docs/sync-protocol.md. The pieces: backoff.hpp (pure), signing,
// protocol (body, answer, statuses), http_client (libcurl), outbox (SQLite), engine (one step).
#include "sync_worker.hpp"

#include "../background.hpp"
#include "engine.hpp"
#include "status.hpp"

#include <cstdio>

#include <chrono>
#include <mutex>
#include <random>

namespace kiosk::core {

using namespace sync;

struct SyncWorker::Impl {
    std::filesystem::path dbPath;
    SyncConfig config;
    std::string kioskId, eventId;

    std::function<sync::StatusReport()> statusBase; ///< set: heartbeats are on
    Background::Clock::time_point started = Background::Clock::now();

    Published<SyncStatus> snapshot; ///< what status() returns without touching SQLite
    Published<std::string> renderer; ///< empty: the configured one
    Background background; ///< last: stopped before the rest goes; stopping() also aborts a request under way
    Background heartbeat;  ///< its own thread: a heartbeat never delays an upload, nor the reverse

    void run();
    void heartbeatLoop();
    void publish(SyncStatus s) { snapshot.set(std::move(s)); }
};

SyncWorker::SyncWorker(std::filesystem::path dbPath, SyncConfig config, std::string kioskId, std::string eventId)
    : m(std::make_unique<Impl>()) {
    m->dbPath = std::move(dbPath);
    m->config = std::move(config);
    m->kioskId = std::move(kioskId);
    m->eventId = std::move(eventId);
    SyncStatus s;
    s.enabled = !m->config.endpoint.empty();
    m->snapshot.set(std::move(s));
}

SyncWorker::~SyncWorker() { stop(); }

void SyncWorker::enableHeartbeat(std::function<sync::StatusReport()> base) {
    m->statusBase = std::move(base);
}

void SyncWorker::setRenderer(std::string renderer) {
    m->renderer.set(std::move(renderer));
}

void SyncWorker::start() {
    if (m->config.endpoint.empty()) return;
    m->background.start([this] { m->run(); });
    if (m->statusBase) m->heartbeat.start([this] { m->heartbeatLoop(); });
}

void SyncWorker::stop() {
    m->heartbeat.stop();
    m->background.stop();
}

void SyncWorker::wake() {
    m->background.wake();
}

SyncStatus SyncWorker::status() const {
    return m->snapshot.get();
}

void SyncWorker::Impl::run() {
    using Clock = std::chrono::steady_clock;
    // With nothing to send, look again now and then: another process (kiosk leads generate,
    // an import) may have added leads without a wake().
    constexpr auto kIdleRecheck = std::chrono::seconds(60);
    const SigpipeBlock noSigpipe;
    Uploader up(dbPath, config, kioskId, eventId, &background.stopping());
    Backoff backoff{config.backoffBaseS, config.backoffCapS, 0};
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> uniform(0.0, 1.0);

    // When to try next; nullopt: wait for wake() (stopped for staff, or stopping).
    std::optional<Clock::time_point> due = Clock::now();
    Clock::time_point serverNotBefore{}; // a Retry-After: wake() does not skip it
    bool refused = false;                // 401/403 (shown until the next success or wake)
    bool backingOff = false;             // `due` is a retry after a failure (shown to staff)

    const auto publishStatus = [&] {
        SyncStatus s = up.status();
        if (refused) s.credentialsRefused = true;
        s.nextAttemptMs = 0;
        if (backingOff && due && *due > Clock::now())
            s.nextAttemptMs = unixMs() + std::chrono::duration_cast<std::chrono::milliseconds>(*due - Clock::now()).count();
        publish(std::move(s));
    };
    publishStatus();

    for (;;) {
        const Background::Wait woke = background.waitUntil(due);
        if (woke == Background::Wait::Stopping) break;
        if (woke == Background::Wait::Woken) {
            // A new lead, or staff pressed "sync now": skip our own backoff (not the server's Retry-After),
            // and try again after 401/403 or another refusal.
            refused = false;
            if (serverNotBefore > Clock::now()) {
                due = serverNotBefore;
                publishStatus();
                continue;
            }
        } else if (due && *due > Clock::now()) {
            continue; // a spurious wake-up
        }

        const Attempt a = up.attempt();
        backingOff = a.kind == Attempt::Retry;
        switch (a.kind) {
        case Attempt::Idle: due = Clock::now() + kIdleRecheck; break;
        case Attempt::Progress:
            backoff.reset();
            due = Clock::now();
            break;
        case Attempt::Retry: {
            const double wait = backoff.next(uniform(rng), a.retryAfterS);
            due = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
            if (a.retryAfterS)
                serverNotBefore = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                     std::min(*a.retryAfterS, Backoff::kMaxRetryAfterS)));
            break;
        }
        case Attempt::Stop:
            due.reset();
            refused = a.credentials;
            break;
        case Attempt::Aborted: due.reset(); break;
        }
        if (background.stopping()) break;
        publishStatus();
    }
}

void SyncWorker::Impl::heartbeatLoop() {
    const SigpipeBlock noSigpipe;
    const StatusReport base = statusBase();
    Outbox outbox(dbPath);
    LeadStore store(dbPath); // erasures the hub asks for are carried out here, off the frame loop
    StatusSender sender(config, &heartbeat.stopping());
    const auto interval =
        std::chrono::duration_cast<Background::Clock::duration>(std::chrono::duration<double>(config.statusIntervalS));
    std::string lastProblem;
    for (;;) {
        StatusReport r = base;
        if (std::string chosen = renderer.get(); !chosen.empty()) r.renderer = std::move(chosen);
        const auto up = std::chrono::duration_cast<std::chrono::seconds>(Background::Clock::now() - started).count();
        if (store.open()) addErasures(store, r);
        const StatusReport report = gatherStatus(std::move(r), outbox, dbPath.parent_path(), up, unixMs());
        std::string answer;
        const std::string problem = sender.send(report, &answer);
        if (problem.empty() && !answer.empty())
            if (const std::string done = applyStatusAnswer(store, report, answer, unixMs()); !done.empty())
                std::fprintf(stderr, "kiosk: heartbeat: %s\n", done.c_str());
        // Once per change, not every interval: the journal should not fill with one outage.
        if (problem != lastProblem && !heartbeat.stopping())
            std::fprintf(stderr, "kiosk: heartbeat: %s\n", problem.empty() ? "sent again" : problem.c_str());
        lastProblem = problem;
        // A failed heartbeat is not retried sooner: the next one, an interval later, is the retry.
        if (heartbeat.waitFor(interval) == Background::Wait::Stopping) return;
    }
}

SyncStatus syncOnce(const std::filesystem::path& dbPath, const SyncConfig& config, const std::string& kioskId,
                    const std::string& eventId, double maxSeconds) {
    OnceOptions o;
    o.maxSeconds = maxSeconds;
    return runOnce(dbPath, config, kioskId, eventId, o).status;
}

SyncStatus readSyncStatus(const std::filesystem::path& dbPath, const SyncConfig& config) {
    std::error_code ec;
    if (!std::filesystem::exists(dbPath, ec)) {
        SyncStatus s;
        s.enabled = !config.endpoint.empty();
        return s;
    }
    return Uploader(dbPath, config, "", "").status();
}

} // namespace kiosk::core
