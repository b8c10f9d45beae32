#include "migrate.hpp"

#include <cstdio>
#include <ostream>

namespace kiosk::hub {

namespace fs = std::filesystem;

namespace {
using T = ColumnType;
/// A lead as a kiosk sent it (leads, and conflicts beside them).
const std::vector<Column> kReceived = {
    {"id", T::Text}, {"kiosk_id", T::Text}, {"payload", T::Bytes}, {"payload_sha256", T::Text}};

/// `key` and the columns of something kept once and counted each time it comes again
/// (schema.cpp's {counted}: conflicts, rejections, consent texts).
std::vector<Column> counted(std::vector<Column> key) {
    key.insert(key.end(), {{"first_ms", T::Integer}, {"last_ms", T::Integer}, {"times", T::Integer}});
    return key;
}

std::vector<Column> plus(std::vector<Column> columns, Column last) {
    columns.push_back(last);
    return columns;
}
} // namespace

const std::vector<TableSpec>& migratedTables() {
    static const std::vector<TableSpec> tables = {
        // A revocation must survive a second run after the kiosk was revoked in the source.
        {"kiosks",
         {{"id", T::Text},
          {"token_hash", T::Text},
          {"secret", T::Text},
          {"revoked", T::Boolean},
          {"created_ms", T::Integer}},
         "ON CONFLICT(id) DO UPDATE SET revoked = excluded.revoked WHERE excluded.revoked AND NOT kiosks.revoked"},
        {"leads", plus(kReceived, {"received_ms", T::Integer})},
        {"conflicts", counted(kReceived)},
        {"rejected", counted({{"kiosk_id", T::Text}, {"lead_id", T::Text}, {"reason", T::Text}})},
        // The last 10 minutes of webhook ids: a replay right after the move is still refused.
        {"webhook_ids", {{"kiosk_id", T::Text}, {"msg_id", T::Text}, {"seen_s", T::Integer}}},
        // Heartbeats: the newer one wins, as when several instances receive them.
        {"kiosk_status",
         {{"kiosk_id", T::Text}, {"body", T::Text}, {"received_ms", T::Integer}, {"clock_offset_ms", T::Integer}},
         "ON CONFLICT(kiosk_id) DO UPDATE SET body = excluded.body, received_ms = excluded.received_ms, "
         "clock_offset_ms = excluded.clock_offset_ms WHERE excluded.received_ms > kiosk_status.received_ms"},
        // The consent texts kiosks showed: the proof of a lead's consent moves with it.
        {"consent_texts", counted({{"version", T::Text},
                                   {"language", T::Text},
                                   {"text_sha256", T::Text},
                                   {"text", T::Text},
                                   {"first_kiosk_id", T::Text}})},
        {"exhibitor_links",
         {{"token_hash", T::Text},
          {"company_id", T::Text},
          {"link_no", T::Integer},
          {"label", T::Text},
          {"created_ms", T::Integer},
          {"last_used_ms", T::Integer},
          {"revoked_ms", T::Integer}},
         "ON CONFLICT(token_hash) DO UPDATE SET revoked_ms = excluded.revoked_ms "
         "WHERE excluded.revoked_ms IS NOT NULL AND exhibitor_links.revoked_ms IS NULL"},
        // The organiser's logins: a changed password in the source wins.
        {"web_users",
         {{"name", T::Text}, {"password_hash", T::Text}, {"changed_ms", T::Integer}},
         "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash, changed_ms = excluded.changed_ms "
         "WHERE excluded.changed_ms > web_users.changed_ms"},
        // Sessions move too, so that a move does not log everyone out; they expire as before.
        {"web_sessions",
         {{"id_sha256", T::Text},
          {"user_name", T::Text},
          {"csrf", T::Text},
          {"created_ms", T::Integer},
          {"last_ms", T::Integer}}},
        // Double opt-in: a confirmation (its time, address, browser) is the consent's proof.
        {"doi",
         {{"lead_id", T::Text},
          {"state", T::Text},
          {"token_hash", T::Text},
          {"attempts", T::Integer},
          {"next_ms", T::Integer},
          {"lease_until_ms", T::Integer},
          {"last_error", T::Text},
          {"created_ms", T::Integer},
          {"sent_ms", T::Integer},
          {"answered_ms", T::Integer},
          {"answer_ip", T::Text},
          {"answer_agent", T::Text}}},
        {"erasure_log",
         {{"email_sha256", T::Text}, {"erased_ms", T::Integer}, {"who", T::Text}, {"leads", T::Integer}}},
        {"erasure_pending", {{"kiosk_id", T::Text}, {"email_sha256", T::Text}, {"queued_ms", T::Integer}}},
    };
    return tables;
}

std::string columnList(const TableSpec& table) {
    std::string out;
    for (const auto& c : table.columns)
        out += (out.empty() ? "" : ", ") + std::string(c.name);
    return out;
}

StorageResult copyStorage(Storage& from, Storage& to, std::vector<TableCopy>& out) {
    constexpr size_t kBatch = 1000;
    out.clear();
    for (const auto& table : migratedTables()) {
        TableCopy copy{table.name};
        StorageResult imported;
        std::vector<Row> batch;
        const auto flush = [&] {
            long long changed = 0;
            // After a failed batch the rest is read but not sent: the first error is the one to tell.
            if (imported && !batch.empty()) imported = to.importRows(table, batch, changed);
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
        errors << "kiosk-hub migrate: " << r.error
               << " — what was copied stays; run it again once the problem is fixed (nothing is copied twice)\n";
        return 1;
    }
    HubCounts n;
    if (to.counts(n))
        report << "Done: it now holds " << n.kiosks << " kiosks, " << n.leads << " leads, " << n.conflicts
               << " conflicts and " << n.rejected << " rejections.\n";
    return 0;
}

} // namespace kiosk::hub
