/// @brief Heartbeats (docs/sync-protocol.md "Heartbeats"): what goes into one, gathered in one
/// place, and the sender that SyncWorker's heartbeat thread calls every sync.status_interval_s.
#pragma once
#include "../config.hpp"
#include "../content/content.hpp"
#include "../leads/lead_store.hpp"
#include "http_client.hpp"
#include "outbox.hpp"
#include "protocol.hpp"
#include "signing.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace kiosk::core::sync {

/// The parts of a heartbeat that stay the same while the kiosk runs: ids, versions (the content
/// folder is hashed: call it off the frame loop), the consent texts in every language, the
/// configured renderer (replaced by the one opened once it is known).
StatusReport statusBase(const KioskConfig& config, const Content& content, const std::filesystem::path& contentDir,
                        const std::string& appVersion);

/// The first 16 hex digits of a SHA-256 over every regular file under `dir` (relative path and
/// bytes, in path order): it changes whenever any content file does. Empty when `dir` cannot be read.
std::string contentVersion(const std::filesystem::path& dir);

/// `base` with what changes filled in: counts, newest lead and last sync error from the lead
/// database (through `outbox`), the free space of `dataDir`, the uptime, the clock (`nowMs`).
/// What cannot be read stays at its default (0, null, empty).
StatusReport gatherStatus(StatusReport base, Outbox& outbox, const std::filesystem::path& dataDir, std::int64_t uptimeS,
                          std::int64_t nowMs);

/// Before a heartbeat: the erasures the hub has not heard of yet go into `report` (docs/
/// sync-protocol.md "Erasures"). A store that cannot be read adds none (the next one will).
void addErasures(LeadStore& store, StatusReport& report);
/// After a 2xx answer to `sent`: notes what the hub has now, and erases the leads it asks for
/// (logged like `kiosk leads erase`). A line for the journal; empty when nothing happened.
std::string applyStatusAnswer(LeadStore& store, const StatusReport& sent, const std::string& answer, std::int64_t nowMs);

/// Posts heartbeats to statusUrl(config), signed as the uploads are. One thread owns it.
class StatusSender {
public:
    explicit StatusSender(SyncConfig config, const std::atomic<bool>* abort = nullptr);
    /// One try: empty when the hub answered 2xx, else plain words for the journal. A failure is
    /// not retried here: the next heartbeat is the retry. `answer` gets a 2xx answer's body.
    std::string send(const StatusReport& report, std::string* answer = nullptr);

private:
    SyncConfig m_config;
    std::string m_url;
    std::optional<SigningKey> m_key;
    HttpClient m_http;
};

} // namespace kiosk::core::sync
