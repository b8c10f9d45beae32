#include "storage.hpp"

#include <charconv>

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

const std::string& SqlRow::text(size_t i) const {
    static const std::string empty;
    const auto& v = m_values.at(i);
    return v ? *v : empty;
}

std::int64_t SqlRow::integer(size_t i) const {
    const auto& v = m_values.at(i);
    if (!v) return 0;
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || end != v->data() + v->size())
        throw SqlError("column " + std::to_string(i) + " is not an integer");
    return out;
}

bool SqlRow::boolean(size_t i) const {
    const std::string& v = text(i);
    return v == "1" || v == "t" || v == "true";
}

} // namespace kiosk::hub
