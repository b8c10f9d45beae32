#include "migrate.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace kiosk::hub {

namespace fs = std::filesystem;

const std::vector<TableSpec>& migratedTables() {
    // The columns are the databases' own (Storage::columns): a column added to the schema moves
    // without a word here. What the schema does not say is here: the order and the conflict rules.
    static const std::vector<TableSpec> tables = {
        // A revocation must survive a second run after the kiosk was revoked in the source.
        {"kiosks",
         "ON CONFLICT(id) DO UPDATE SET revoked = excluded.revoked WHERE excluded.revoked AND NOT kiosks.revoked"},
        {"leads"},
        {"conflicts"},
        {"rejected"},
        // The last 10 minutes of webhook ids: a replay right after the move is still refused.
        {"webhook_ids"},
        // Heartbeats: the newer one wins, as when several instances receive them.
        {"kiosk_status",
         "ON CONFLICT(kiosk_id) DO UPDATE SET body = excluded.body, received_ms = excluded.received_ms, "
         "clock_offset_ms = excluded.clock_offset_ms WHERE excluded.received_ms > kiosk_status.received_ms"},
        // The consent texts kiosks showed: the proof of a lead's consent moves with it.
        {"consent_texts"},
        {"exhibitor_links", "ON CONFLICT(token_hash) DO UPDATE SET revoked_ms = excluded.revoked_ms "
                            "WHERE excluded.revoked_ms IS NOT NULL AND exhibitor_links.revoked_ms IS NULL"},
        // The organiser's logins: a changed password in the source wins.
        {"web_users",
         "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash, changed_ms = excluded.changed_ms "
         "WHERE excluded.changed_ms > web_users.changed_ms"},
        // Sessions move too, so that a move does not log everyone out; they expire as before.
        {"web_sessions"},
        // Double opt-in: a confirmation (its time, address, browser) is the consent's proof.
        {"doi"},
        {"erasure_log"},
        {"erasure_pending"},
    };
    return tables;
}

std::string columnList(const TableSpec& table) {
    std::string out;
    for (const auto& c : table.columns)
        out += (out.empty() ? "" : ", ") + c.name;
    return out;
}

namespace {
/// For the staff's message; in the order of ColumnType.
const char* const kTypeWords[] = {"text", "a whole number", "a boolean", "a real number", "bytes"};

/// Both carry 0 and 1 (SQLite keeps booleans as integers), so either reads the other's values.
bool compatible(ColumnType a, ColumnType b) {
    const auto whole = [](ColumnType t) { return t == ColumnType::Integer || t == ColumnType::Boolean; };
    return a == b || (whole(a) && whole(b));
}

/// `table` as it is read from `from` (its catalogue's columns, in its order) and as it is
/// written into `to` (the same columns, typed as `to` has them). A column on one side only
/// fails rather than being dropped or left empty.
StorageResult specsOf(Storage& from, Storage& to, const TableSpec& table, TableSpec& read, TableSpec& write) {
    read = write = table;
    std::vector<Column> there;
    if (auto r = from.columns(table.name, read.columns); !r) return r;
    if (auto r = to.columns(table.name, there); !r) return r;
    const std::string name = table.name;
    const auto onlyIn = [&](const std::string& column, const char* side, const char* other) -> StorageResult {
        return {false, "the table " + name + " has the column " + column + " only in " + side + " — add it to " +
                           other + " as well (ALTER TABLE " + name + " ADD COLUMN …), or drop it"};
    };
    const auto byName = [](const std::vector<Column>& columns, const std::string& n) {
        return std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == n; });
    };
    write.columns.clear();
    for (const Column& c : read.columns) {
        const auto t = byName(there, c.name);
        if (t == there.end()) return onlyIn(c.name, "the --from database", "the database of the config");
        if (!compatible(c.type, t->type))
            return {false, "the table " + name + " has the column " + c.name + " as " +
                               kTypeWords[static_cast<int>(c.type)] + " in the --from database but as " +
                               kTypeWords[static_cast<int>(t->type)] +
                               " in the database of the config — give both the same type"};
        write.columns.push_back(*t);
    }
    for (const Column& t : there)
        if (byName(read.columns, t.name) == read.columns.end())
            return onlyIn(t.name, "the database of the config", "the --from database");
    return {};
}
} // namespace

StorageResult copyStorage(Storage& from, Storage& to, std::vector<TableCopy>& out) {
    constexpr size_t kBatch = 1000;
    out.clear();
    // Every table's columns are settled before the first row moves: a mismatch copies nothing.
    const auto& tables = migratedTables();
    std::vector<TableSpec> reads(tables.size()), writes(tables.size());
    for (size_t i = 0; i < tables.size(); ++i)
        if (auto r = specsOf(from, to, tables[i], reads[i], writes[i]); !r) return r;
    for (size_t i = 0; i < tables.size(); ++i) {
        const TableSpec& table = reads[i];
        TableCopy copy{table.name};
        StorageResult imported;
        std::vector<Row> batch;
        const auto flush = [&] {
            long long changed = 0;
            // After a failed batch the rest is read but not sent: the first error is the one to tell.
            if (imported && !batch.empty()) imported = to.importRows(writes[i], batch, changed);
            copy.changed += changed;
            batch.clear();
        };
        StorageResult r = from.exportRows(table, [&](const Row& row) {
            ++copy.read;
            batch.push_back(row);
            if (batch.size() == kBatch) flush();
        });
        flush();
        out.push_back(copy);
        if (!r) return r;
        if (!imported) return imported;
    }
    return {};
}

int migrateCommand(const std::string& from, const HubConfig& config, Storage& to, std::ostream& report,
                   std::ostream& errors) {
    fs::path sqlitePath;
    if (from.rfind("sqlite:", 0) == 0) {
        sqlitePath = from.substr(7);
        std::error_code ec;
        if (sqlitePath.empty() || !fs::is_regular_file(sqlitePath, ec)) {
            errors << "kiosk-hub migrate: --from " << from << ": no such file — give the old hub's database file, e.g. "
                   << "--from sqlite:/var/lib/stand-kiosk-hub/hub.db\n";
            return 2;
        }
        if (!config.sqlitePath.empty() && fs::equivalent(sqlitePath, config.sqlitePath, ec)) {
            errors << "kiosk-hub migrate: --from is the database of the config itself: nothing to copy\n";
            return 2;
        }
    } else if (from == config.database) {
        errors << "kiosk-hub migrate: --from is the database of the config itself: nothing to copy\n";
        return 2;
    }
    StorageResult r;
    auto source = openStorage(from, sqlitePath, r);
    if (!source) {
        errors << "kiosk-hub migrate: --from: " << r.error << '\n';
        return 2;
    }
    // Not the target's address: a PostgreSQL URI may hold a password.
    report << "Copying " << (sqlitePath.empty() ? "the --from database" : sqlitePath.string())
           << " into the database of the config (" << (config.sqlitePath.empty() ? "PostgreSQL" : "SQLite") << "):\n";
    std::vector<TableCopy> copies;
    try {
        r = copyStorage(*source, to, copies);
    } catch (const std::exception& e) {
        r = {false, std::string("a value could not be converted: ") + e.what()};
    }
    char line[160];
    for (const auto& c : copies) {
        std::snprintf(line, sizeof line, "  %-12s %9lld rows, %9lld copied, %9lld there already\n", c.table.c_str(),
                      c.read, c.changed, c.read - c.changed);
        report << line;
    }
    if (!r) {
        // No table reported: the columns did not match, which is settled before the first row moves.
        errors << "kiosk-hub migrate: " << r.error
               << (copies.empty() ? " — nothing was copied\n"
                                  : " — what was copied stays; run it again once the problem is fixed (nothing is "
                                    "copied twice)\n");
        return 1;
    }
    HubCounts n;
    if (to.counts(n))
        report << "Done: it now holds " << n.kiosks << " kiosks, " << n.leads << " leads, " << n.conflicts
               << " conflicts and " << n.rejected << " rejections.\n";
    return 0;
}

} // namespace kiosk::hub
