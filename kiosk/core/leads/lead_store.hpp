/// @brief LeadStore: the durable offline store of leads (SQLite, WAL, synchronous=FULL).
///
/// A lead is acknowledged to the visitor only after insert() returned ok, that
/// is after COMMIT returned: SQLite then promises it survives a crash.
#pragma once
#include "lead.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace kiosk::core {

struct StoreResult {
    bool ok = true;
    std::string error; ///< for staff: what failed, in plain words, with SQLite's message
    explicit operator bool() const { return ok; }
};

/// A lead removed on the visitor's request (the erasure log keeps no personal data).
struct ErasedLead {
    std::string id;
    bool wasSynced = false;
};

/// What staff see at a glance.
struct LeadStats {
    long long total = 0, today = 0;
    long long pending = 0, synced = 0, failed = 0;
    std::vector<std::pair<std::string, long long>> perExhibitor; ///< company id, leads
    std::vector<long long> perHourToday = std::vector<long long>(24, 0); ///< local hours of today
};

class LeadStore {
public:
    /// The schema version this build writes; older files are migrated forward on open.
    static constexpr int kSchemaVersion = 3;

    explicit LeadStore(std::filesystem::path dbPath) : m_path(std::move(dbPath)) {}
    ~LeadStore();
    LeadStore(const LeadStore&) = delete;
    LeadStore& operator=(const LeadStore&) = delete;

    /// Creates the folder (0700) and file (0600) if needed, sets WAL + FULL sync,
    /// migrates. Safe to call again after a failure.
    StoreResult open();
    /// Stores the lead in one transaction. The same id twice stores it once (and is ok).
    /// On failure nothing is stored and the next call reopens the database.
    StoreResult insert(const Lead& lead);
    /// Many leads in one transaction (generated data, imports): all or none.
    StoreResult insertBatch(const std::vector<Lead>& leads);

    /// Withdrawal: removes every lead with this email (case-insensitive) and logs each
    /// erasure (lead id, time, whether it had been synced) in one transaction.
    StoreResult eraseByEmail(const std::string& email, std::int64_t nowMs, std::vector<ErasedLead>& erased);
    /// Retention: removes synced leads created before `beforeMs`; `removed` gets the count.
    StoreResult purgeSynced(std::int64_t beforeMs, long long& removed);
    /// Counts for the staff panel; `dayStartMs` is local midnight, `utcOffsetMs` the local offset.
    LeadStats stats(std::int64_t dayStartMs, std::int64_t utcOffsetMs);

    std::optional<Lead> get(const std::string& id);
    std::vector<Lead> all();
    long long count();
    /// "ok" when PRAGMA integrity_check finds nothing.
    std::string integrityCheck();
    int schemaVersion();
    const std::filesystem::path& path() const { return m_path; }
    sqlite3* handle() { return m_db; }

private:
    StoreResult fail(const std::string& what);
    void close();

    std::filesystem::path m_path;
    sqlite3* m_db = nullptr;
};

/// Applies the migrations up to `version` only (tests build old files with it).
StoreResult migrateTo(sqlite3* db, int version);

} // namespace kiosk::core
