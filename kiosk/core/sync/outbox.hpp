/// @brief The uploader's view of the lead database: its own SQLite connection (the UI
/// thread inserts concurrently on another), the pending queue, the marking of answers
/// and the persisted status in sync_status.
#pragma once
#include "../leads/lead_store.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace kiosk::core::sync {

struct Counts {
    long long pending = 0, synced = 0, failed = 0;
};

/// Keys of the sync_status table.
namespace key {
inline constexpr const char* kLastSuccessMs = "last_success_ms";
inline constexpr const char* kLastError = "last_error";
inline constexpr const char* kLastErrorMs = "last_error_ms";
inline constexpr const char* kCredentialsRefused = "credentials_refused";
} // namespace key

class Outbox {
public:
    explicit Outbox(std::filesystem::path dbPath) : m_path(std::move(dbPath)) {}
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    /// Applies the migrations (LeadStore::open) once, then opens this connection with
    /// busy_timeout 5000 and synchronous=FULL. Empty on success, else plain words.
    std::string open();
    bool isOpen() const { return m_db != nullptr; }

    /// The oldest pending leads (created_ms, id order), at most `limit`.
    std::optional<std::vector<OutboxLead>> nextBatch(int limit, std::string* error = nullptr);

    /// In one transaction: `ack.synced` -> synced (with synced_ms), `ack.rejected` -> failed
    /// with the reason, last_success_ms = nowMs, last_error cleared. Only leads still pending
    /// change; an id that is gone (erased meanwhile) is skipped. Returns how many rows changed.
    std::optional<int> apply(const Ack& ack, std::int64_t nowMs, std::string* error = nullptr);

    /// Marks leads failed (with reason) without touching the status keys (a damaged payload).
    bool markFailed(const std::vector<std::pair<std::string, std::string>>& leads, std::string* error = nullptr);

    /// Persists the last error (empty: none) and whether the credentials were refused.
    void recordError(const std::string& message, bool credentialsRefused, std::int64_t nowMs);

    Result<Counts> counts();
    /// created_ms of the newest lead; 0 when there is none.
    Result<std::int64_t> lastLeadMs();
    std::optional<std::string> status(const char* key);

    sqlite3* handle() { return m_db; }

private:
    std::string fail(const std::string& what);
    void close();

    std::filesystem::path m_path;
    sqlite3* m_db = nullptr;
    FileGuard m_guard{m_path}; ///< leads.db or its WAL replaced under us: rescue or reopen first
};

struct FailedLead {
    std::string id;
    std::int64_t createdMs = 0;
    std::string reason;
};

/// The leads the server rejected (newest first, at most `limit`), for `kiosk status`.
std::vector<FailedLead> failedLeads(const std::filesystem::path& dbPath, int limit);

} // namespace kiosk::core::sync
