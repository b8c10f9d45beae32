/// @brief The PostgreSQL backend of Storage (libpqxx): for several hub instances on one
/// database. Each instance keeps a small pool of connections (a request takes one for its
/// statements; a broken one is dropped and the next call connects again); uniqueness is PostgreSQL's: the primary key
/// on the lead id, INSERT … ON CONFLICT DO NOTHING, so that no instance needs to know about the others.
#pragma once
#include "schema.hpp"
#include "storage.hpp"

#include <condition_variable>
#include <mutex>
#include <vector>

namespace kiosk::hub {

struct PgConnection; // wraps pqxx::connection (a typedef in libpqxx 6: not forward-declarable)

class PgStorage final : public Storage {
public:
    static constexpr int kSchemaVersion = kHubSchemaVersion;

    ~PgStorage() override;
    /// Connects to `url` (postgresql://…) and migrates, under an advisory lock so that two
    /// instances starting at once do not both create the tables.
    static std::unique_ptr<PgStorage> open(const std::string& url, StorageResult& result, size_t connections = 4);

    StorageResult exportRows(const TableSpec& table, const std::function<void(const Row&)>& each) override;
    StorageResult importRows(const TableSpec& table, const std::vector<Row>& rows, long long& changed) override;

    StorageResult transaction(const std::string& what, const std::function<void(SqlTx&)>& body) override;

    int schemaVersion();

    /// information_schema.columns of the current schema; a serial or identity column is left out.
    StorageResult columns(const char* table, std::vector<Column>& out) override;

private:
    PgStorage(std::string url, size_t connections);
    /// Runs `body` on a connection of the pool (waiting for one when all are busy); any
    /// libpqxx exception becomes a StorageResult with `what`.
    StorageResult run(const char* what, const std::function<void(PgConnection&)>& body);

    std::string m_url;
    size_t m_maxConnections;
    std::mutex m_mutex;
    std::condition_variable m_free;
    std::vector<std::unique_ptr<PgConnection>> m_idle;
    size_t m_open = 0; ///< connections in use or idle (or being made)
};

} // namespace kiosk::hub
