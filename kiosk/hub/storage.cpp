#include "storage.hpp"

#include "pg_storage.hpp"
#include "sqlite_storage.hpp"

namespace kiosk::hub {

std::unique_ptr<Storage> openStorage(const std::string& database, const std::filesystem::path& sqlitePath,
                                     StorageResult& result) {
    if (database.rfind("sqlite:", 0) == 0) return SqliteStorage::open(sqlitePath, result);
    if (database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0)
        return PgStorage::open(database, result);
    result = {false, "database: use sqlite:PATH or postgresql://…"};
    return nullptr;
}

} // namespace kiosk::hub
