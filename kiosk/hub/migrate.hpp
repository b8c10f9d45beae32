/// @brief kiosk-hub migrate: copies one hub database into another (SQLite into PostgreSQL
/// when one machine is no longer enough) through the Storage interface (docs/hub.md).
#pragma once
#include "hub_config.hpp"
#include "storage.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk::hub {

/// Every table migrate copies, the kiosks first, with its conflict rule. A new table is one
/// entry here (beside its CREATE TABLE in schema.cpp); the columns are left empty: they are
/// read from each database's catalogue (Storage::columns), so a new column needs nothing here.
const std::vector<TableSpec>& migratedTables();

/// "a, b, c": the spec's column names, for SQL.
std::string columnList(const TableSpec& table);

struct TableCopy {
    std::string table;
    long long read = 0, changed = 0; ///< rows in the source; rows inserted (or updated) in the target
};

/// Copies the rows of every table of `from` that `to` lacks (every column of the table in
/// `from`; a column missing on either side, or of a type that cannot hold the other's values,
/// fails before anything is copied), in batches of up to 1000 rows,
/// each batch one transaction in `to`. A row already there is left alone (a kiosk revoked in
/// `from` is revoked in `to` as well), so running it again copies nothing twice.
StorageResult copyStorage(Storage& from, Storage& to, std::vector<TableCopy>& out);

/// `kiosk-hub migrate --from DATABASE --config hub.toml`: opens `from` (sqlite:PATH, relative
/// to the working folder, which must exist; or postgresql://…), copies it into `to` (the
/// database of `config`) and reports the counts on `report`. Returns the exit status.
int migrateCommand(const std::string& from, const HubConfig& config, Storage& to, std::ostream& report,
                   std::ostream& errors);

} // namespace kiosk::hub
