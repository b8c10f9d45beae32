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

    /// PRAGMA table_info: the declared types (rowid, which orders the leads, is not a column).
    StorageResult columns(const char* table, std::vector<Column>& out) override;
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
