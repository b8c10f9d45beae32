/// @brief The outbox uploader: sends pending leads to the organiser's endpoint on a
/// background thread, exactly once as far as the receiver can tell (docs/sync-protocol.md).
#pragma once
#include "../config.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::core {

/// What staff see (the panel, `kiosk status`).
struct SyncStatus {
    bool enabled = false;       ///< an endpoint is configured
    long long pending = 0, synced = 0, failed = 0;
    std::int64_t lastSuccessMs = 0; ///< 0: never
    std::string lastError;      ///< plain words, empty when the last attempt succeeded
    bool credentialsRefused = false; ///< 401/403: stopped until the config is fixed
    std::int64_t nextAttemptMs = 0;  ///< when the next try is due (backoff), 0: now / idle
};

/// Runs on its own thread with its own SQLite connection; never blocks a frame.
class SyncWorker {
public:
    SyncWorker(std::filesystem::path dbPath, SyncConfig config, std::string kioskId, std::string eventId);
    ~SyncWorker(); ///< stops the thread (an upload under way is abandoned; its leads stay pending)
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    /// Before start(): also post a heartbeat every sync.status_interval_s, on a thread of its own
    /// (a heartbeat waiting for a timeout never holds an upload back). `base` is called once, on
    /// that thread, for the parts that do not change (sync::statusBase).
    void enableHeartbeat(std::function<sync::StatusReport()> base);
    /// The renderer actually opened, for the heartbeats from now on.
    void setRenderer(std::string renderer);

    void start();
    void stop();
    /// A new lead was stored, or staff pressed "sync now": try soon (skips the backoff wait).
    void wake();
    SyncStatus status() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// One synchronous pass for `kiosk sync --once`: sends everything pending (with the
/// same retry and backoff rules, bounded by `maxSeconds` and by 8 failed tries in a row),
/// then returns the status.
SyncStatus syncOnce(const std::filesystem::path& dbPath, const SyncConfig& config, const std::string& kioskId,
                    const std::string& eventId, double maxSeconds);

/// The persisted status (counts from the database, last success and error), for `kiosk status`.
SyncStatus readSyncStatus(const std::filesystem::path& dbPath, const SyncConfig& config);

} // namespace kiosk::core
