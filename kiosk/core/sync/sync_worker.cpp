// The background uploader (SyncWorker), `kiosk sync --once` and `kiosk status`.
// Protocol and rules: docs/sync-protocol.md. The pieces: backoff.hpp (pure), signing,
// protocol (body, answer, statuses), http_client (libcurl), outbox (SQLite), engine (one step).
#include "sync_worker.hpp"

#include "../background.hpp"
#include "engine.hpp"

#include <chrono>
#include <mutex>
#include <random>

namespace kiosk::core {

using namespace sync;

struct SyncWorker::Impl {
    std::filesystem::path dbPath;
    SyncConfig config;
    std::string kioskId, eventId;

    mutable std::mutex mutex;
    SyncStatus snapshot; ///< guarded by mutex: what status() returns without touching SQLite
    Background background; ///< last: stopped before the rest goes; stopping() also aborts a request under way

    void run();
    void publish(SyncStatus s) {
        std::lock_guard lock(mutex);
        snapshot = std::move(s);
    }
};

SyncWorker::SyncWorker(std::filesystem::path dbPath, SyncConfig config, std::string kioskId, std::string eventId)
    : m(std::make_unique<Impl>()) {
    m->dbPath = std::move(dbPath);
    m->config = std::move(config);
    m->kioskId = std::move(kioskId);
    m->eventId = std::move(eventId);
    m->snapshot.enabled = !m->config.endpoint.empty();
}

SyncWorker::~SyncWorker() { stop(); }

void SyncWorker::start() {
    if (m->config.endpoint.empty()) return;
    m->background.start([this] { m->run(); });
}

void SyncWorker::stop() {
    m->background.stop();
}

void SyncWorker::wake() {
    m->background.wake();
}

SyncStatus SyncWorker::status() const {
    std::lock_guard lock(m->mutex);
    return m->snapshot;
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
