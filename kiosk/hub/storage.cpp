#include "storage.hpp"

#include "sqlite_storage.hpp"

namespace kiosk::hub {

std::unique_ptr<Storage> openStorage(const std::string& database, const std::filesystem::path& sqlitePath,
                                     StorageResult& result) {
    if (database.rfind("sqlite:", 0) == 0) return SqliteStorage::open(sqlitePath, result);
    result = {false, "database: only sqlite:PATH is supported by this build"};
    return nullptr;
}

} // namespace kiosk::hub
