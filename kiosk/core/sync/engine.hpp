/// @brief One upload step (a batch: read, send, mark) and the `kiosk sync --once` loop,
/// shared by the background SyncWorker and the command line.
#pragma once
#include "../config.hpp"
#include "backoff.hpp"
#include "http_client.hpp"
#include "outbox.hpp"
#include "signing.hpp"
#include "sync_worker.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace kiosk::core::sync {

struct Attempt {
    enum Kind {
        Idle,     ///< nothing pending: no request was made
        Progress, ///< the server took at least one lead (accepted, duplicate or rejected)
        Retry,    ///< a failure worth retrying after a backoff (error says what)
        Stop,     ///< a failure no retry fixes: wait for staff (credentials, a 4xx, a bad config)
        Aborted,  ///< stop() interrupted the request: the leads stay pending
    } kind = Idle;
    int sent = 0;     ///< leads in the request
    int synced = 0;   ///< marked synced (accepted or duplicate)
    int rejected = 0; ///< marked failed
    long httpStatus = 0;
    std::optional<double> retryAfterS;
    bool credentials = false; ///< 401/403
    std::string error;        ///< plain words; empty for Idle and Progress
};

/// Sends one batch of pending leads and records the outcome (marks, last success or last
/// error in sync_status). Not thread-safe: one thread owns it.
class Uploader {
public:
    Uploader(std::filesystem::path dbPath, SyncConfig config, std::string kioskId, std::string eventId,
             const std::atomic<bool>* abort = nullptr);
    Attempt attempt();
    /// Counts and the persisted status (one small query each); `enabled` from the config.
    SyncStatus status();

private:
    Attempt finish(Attempt a);
    /// Stop when the config cannot sync (no endpoint, an unusable secret).
    std::optional<Attempt> configProblem();
    /// Takes leads whose stored payload is damaged out of `batch` and marks them failed;
    /// false (with `a` set to a retry) when that cannot be recorded.
    bool holdDamaged(std::vector<OutboxLead>& batch, Attempt& a);
    /// What the server's answer to the batch `ids` means, recorded.
    Attempt answered(Attempt a, const HttpResponse& r, const std::vector<std::string>& ids);

    SyncConfig m_config;
    std::string m_kioskId, m_eventId;
    Outbox m_outbox;
    HttpClient m_http;
    std::optional<SigningKey> m_key;
};

/// A POST of `body` to `url` as every kiosk request is made (docs/sync-protocol.md): JSON, the
/// config's timeout and CA, the bearer token, and signed when `key` is set (a new webhook-id).
HttpRequest signedRequest(const std::string& url, const SyncConfig& config, const std::optional<SigningKey>& key,
                          std::string body, std::int64_t nowMs);

/// Seconds and milliseconds since the Unix epoch (wall clock).
std::int64_t unixMs();

struct OnceOptions {
    double maxSeconds = 600.0;  ///< the whole run
    int maxFailuresInARow = 8;  ///< retryable failures without progress before giving up
    /// Called after every attempt, with the wait before the next one (0: none).
    std::function<void(const Attempt&, double waitS)> progress;
};

struct OnceResult {
    SyncStatus status;
    int requests = 0, failures = 0;
    std::string stoppedBecause; ///< empty when nothing is left to send; else why the run ended early
};

/// Sends everything pending: batch after batch, with the backoff rules, until nothing is
/// pending, a Stop, maxFailuresInARow, or maxSeconds.
OnceResult runOnce(const std::filesystem::path& dbPath, const SyncConfig& config, const std::string& kioskId,
                   const std::string& eventId, const OnceOptions& options);

} // namespace kiosk::core::sync
