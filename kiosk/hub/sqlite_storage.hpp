/// @brief The SQLite backend of Storage: one file, WAL, synchronous=FULL, one connection
/// guarded by a mutex (SQLite serialises writers anyway); other processes may open the same
/// file, each write waits for the others (busy_timeout) instead of failing.
#pragma once
#include "schema.hpp"
#include "storage.hpp"

#include <mutex>

struct sqlite3;

namespace kiosk::hub {

class SqliteStorage final : public Storage {
public:
    static constexpr int kSchemaVersion = kHubSchemaVersion;

    ~SqliteStorage() override;
    /// Creates the folder (0700) and the file (0600) if needed, and migrates.
    static std::unique_ptr<SqliteStorage> open(const std::filesystem::path& path, StorageResult& result);

    StorageResult addKiosk(const std::string& id, const std::string& tokenHash, const std::string& secret,
                           std::int64_t nowMs) override;
    StorageResult revokeKiosk(const std::string& id) override;
    StorageResult kioskByToken(const std::string& tokenHash, std::optional<KioskRecord>& out) override;
    StorageResult kiosks(std::vector<KioskRecord>& out) override;
    StorageResult claimWebhookId(const std::string& kioskId, const std::string& msgId, std::int64_t nowS,
                                 std::int64_t forgetBeforeS, bool& fresh) override;
    StorageResult storeLeads(const std::string& kioskId, const std::vector<IncomingLead>& leads, std::int64_t nowMs,
                             std::vector<LeadOutcome>& out) override;
    StorageResult recordRejected(const std::string& kioskId,
                                 const std::vector<std::pair<std::string, std::string>>& rejected,
                                 std::int64_t nowMs) override;
    StorageResult recordStatus(const std::string& kioskId, const KioskStatus& status,
                               const core::sync::StatusReport& report, long long& newVariants) override;
    StorageResult consentTexts(std::vector<ConsentTextRow>& out) override;
    StorageResult forEachLead(const std::function<void(const StoredLead&)>& each) override;
    StorageResult counts(HubCounts& out) override;
    StorageResult ping() override;
    StorageResult exportRows(const TableSpec& table, const std::function<void(const Row&)>& each) override;
    StorageResult importRows(const TableSpec& table, const std::vector<Row>& rows, long long& changed) override;

    StorageResult transaction(const std::string& what, const std::function<void(SqlTx&)>& body) override;

    int schemaVersion();

private:
    explicit SqliteStorage(sqlite3* db) : m_db(db) {}
    StorageResult fail(const std::string& what);
    StorageResult exec(const char* sql);
    /// Runs `body` between BEGIN IMMEDIATE and COMMIT; when `body` fails (it returns what
    /// failed, with SQLite's message) or the commit does, rolls back. `what` names the whole.
    StorageResult immediate(const std::string& what, const std::function<StorageResult()>& body);

    sqlite3* m_db;
    std::mutex m_mutex;
};

} // namespace kiosk::hub
