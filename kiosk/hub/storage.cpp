#include "storage.hpp"

#include "core/leads/lead.hpp"
#include "pg_storage.hpp"
#include "sqlite_storage.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace kiosk::hub {

std::unique_ptr<Storage> openStorage(const std::string& database, const std::filesystem::path& sqlitePath,
                                     StorageResult& result) {
    if (database.rfind("sqlite:", 0) == 0) return SqliteStorage::open(sqlitePath, result);
    if (database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0)
        return PgStorage::open(database, result);
    result = {false, "database: use sqlite:PATH or postgresql://…"};
    return nullptr;
}

StorageResult columnOfCatalogue(const std::string& table, const std::string& column, const std::string& type,
                                std::vector<Column>& out) {
    using T = ColumnType;
    // What schema.cpp's dialects write, as SQLite declares it and as PostgreSQL's data_type names it.
    static const std::map<std::string, ColumnType> kTypes = {
        {"text", T::Text}, {"integer", T::Integer},       {"bigint", T::Integer}, {"boolean", T::Boolean},
        {"real", T::Real}, {"double precision", T::Real}, {"blob", T::Bytes},     {"bytea", T::Bytes},
    };
    std::string lower = type;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto found = kTypes.find(lower);
    if (found == kTypes.end())
        return {false, "the table " + table + " has the column " + column + " of type \"" + type +
                           "\", which kiosk-hub migrate does not know how to copy — give it one of TEXT, INTEGER, "
                           "BIGINT, BOOLEAN, REAL, DOUBLE PRECISION, BLOB, BYTEA"};
    out.push_back({column, found->second});
    return {};
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

// The hub's queries, once for both backends (the SQL sql.hpp allows).

StorageResult Storage::addKiosk(const std::string& id, const std::string& tokenHash, const std::string& secret,
                                std::int64_t nowMs) {
    bool added = false;
    auto r = transaction("cannot add the kiosk", [&](SqlTx& tx) {
        added = !tx.query("INSERT INTO kiosks(id, token_hash, secret, created_ms) VALUES($1, $2, $3, $4)"
                          " ON CONFLICT DO NOTHING RETURNING 1",
                          {id, tokenHash, secret, nowMs})
                     .empty();
    });
    if (r && !added) return {false, "there is a kiosk " + id + " already (ids are never reused)"};
    return r;
}

StorageResult Storage::revokeKiosk(const std::string& id) {
    bool found = false;
    auto r = transaction("cannot revoke the kiosk", [&](SqlTx& tx) {
        found = tx.query("UPDATE kiosks SET revoked = true WHERE id = $1", {id}).affected > 0;
    });
    if (r && !found) return {false, "there is no kiosk " + id};
    return r;
}

StorageResult Storage::kioskByToken(const std::string& tokenHash, std::optional<KioskRecord>& out) {
    out.reset();
    return transaction("cannot look up the kiosk", [&](SqlTx& tx) {
        const auto r =
            tx.query("SELECT id, secret, revoked, created_ms FROM kiosks WHERE token_hash = $1", {tokenHash});
        if (!r.empty()) {
            const SqlRow& row = r.rows[0];
            out = KioskRecord{row.text(0), row.text(1), row.boolean(2), row.integer(3)};
        }
    });
}

StorageResult Storage::kiosks(std::vector<KioskRecord>& out) {
    out.clear();
    return transaction("cannot list the kiosks", [&](SqlTx& tx) {
        for (const SqlRow& row : tx.query("SELECT id, revoked, created_ms,"
                                          " (SELECT count(*) FROM leads WHERE kiosk_id = k.id),"
                                          " (SELECT count(*) FROM conflicts WHERE kiosk_id = k.id),"
                                          " (SELECT count(*) FROM rejected WHERE kiosk_id = k.id),"
                                          " s.body, s.received_ms, s.clock_offset_ms"
                                          " FROM kiosks k LEFT JOIN kiosk_status s ON s.kiosk_id = k.id ORDER BY id")
                                     .rows) {
            KioskRecord k{row.text(0), {}, row.boolean(1), row.integer(2)};
            k.leads = row.integer(3);
            k.conflicts = row.integer(4);
            k.rejected = row.integer(5);
            if (!row.null(6)) k.status = KioskStatus{row.text(6), row.integer(7), row.integer(8)};
            out.push_back(std::move(k));
        }
    });
}

StorageResult Storage::claimWebhookId(const std::string& kioskId, const std::string& msgId, std::int64_t nowS,
                                      std::int64_t forgetBeforeS, bool& fresh) {
    fresh = false;
    return transaction("cannot check the webhook-id", [&](SqlTx& tx) {
        tx.query("DELETE FROM webhook_ids WHERE seen_s < $1", {forgetBeforeS});
        fresh = !tx.query("INSERT INTO webhook_ids(kiosk_id, msg_id, seen_s) VALUES($1, $2, $3)"
                          " ON CONFLICT DO NOTHING RETURNING 1",
                          {kioskId, msgId, nowS})
                     .empty();
    });
}

StorageResult Storage::storeLeads(const std::string& kioskId, const std::vector<IncomingLead>& leads,
                                  std::int64_t nowMs, std::vector<LeadOutcome>& out) {
    // Leads go in batches, two statements each (a round trip each on PostgreSQL), inside one
    // transaction. A concurrent insert of the same id waits for the other transaction, then does
    // nothing; the SELECT after it (a new snapshot under READ COMMITTED) sees that row.
    constexpr size_t kBatch = 500;
    out.clear();
    auto r = transaction("cannot store the leads", [&](SqlTx& tx) {
        out.clear(); // a retry starts afresh
        for (size_t from = 0; from < leads.size(); from += kBatch) {
            const size_t to = std::min(leads.size(), from + kBatch);
            std::vector<std::string> hashes;
            std::string values, ids;
            std::vector<SqlParam> insert{kioskId, nowMs}, select;
            for (size_t i = from; i < to; ++i) {
                hashes.push_back(core::sha256Hex(leads[i].payload));
                const std::string at = std::to_string(insert.size() + 1);
                values += std::string(i > from ? ", " : "") + "($" + at + ", $1, $" +
                          std::to_string(insert.size() + 2) + ", $" + std::to_string(insert.size() + 3) + ", $2)";
                insert.insert(insert.end(), {leads[i].id, SqlBytes{leads[i].payload}, hashes.back()});
                select.push_back(leads[i].id);
                ids += std::string(i > from ? ", $" : "$") + std::to_string(select.size());
            }
            std::map<std::string, int> inserted; // id -> rows inserted now (1, or 0)
            for (const SqlRow& row : tx.query("INSERT INTO leads(id, kiosk_id, payload, payload_sha256, received_ms)"
                                              " VALUES" +
                                                  values + " ON CONFLICT(id) DO NOTHING RETURNING id",
                                              insert)
                                         .rows)
                inserted[row.text(0)] = 1;
            std::map<std::string, std::string> stored; // id -> the hash now stored
            for (const SqlRow& row :
                 tx.query("SELECT id, payload_sha256 FROM leads WHERE id IN (" + ids + ")", select).rows)
                stored[row.text(0)] = row.text(1);
            for (size_t i = from; i < to; ++i) {
                const auto& id = leads[i].id;
                const std::string& hash = hashes[i - from];
                const bool same = stored[id] == hash;
                if (same && inserted[id]-- == 1) {
                    out.push_back(LeadOutcome::Accepted); // the row stored now is this one
                } else if (same) {
                    out.push_back(LeadOutcome::Duplicate);
                } else {
                    tx.query("INSERT INTO conflicts(id, kiosk_id, payload, payload_sha256, first_ms, last_ms)"
                             " VALUES($1, $2, $3, $4, $5, $5) ON CONFLICT(id, payload_sha256)"
                             " DO UPDATE SET times = conflicts.times + 1, last_ms = excluded.last_ms",
                             {id, kioskId, SqlBytes{leads[i].payload}, hash, nowMs});
                    out.push_back(LeadOutcome::Conflict);
                }
            }
        }
    });
    if (!r) out.clear();
    return r;
}

StorageResult Storage::recordRejected(const std::string& kioskId,
                                      const std::vector<std::pair<std::string, std::string>>& rejected,
                                      std::int64_t nowMs) {
    if (rejected.empty()) return {};
    return transaction("cannot count the rejected leads", [&](SqlTx& tx) {
        for (const auto& [id, reason] : rejected)
            tx.query("INSERT INTO rejected(kiosk_id, lead_id, reason, first_ms, last_ms) VALUES($1, $2, $3, $4, $4)"
                     " ON CONFLICT(kiosk_id, lead_id, reason)"
                     " DO UPDATE SET times = rejected.times + 1, last_ms = excluded.last_ms",
                     {kioskId, id, reason, nowMs});
    });
}

StorageResult Storage::recordStatus(const std::string& kioskId, const KioskStatus& status,
                                    const core::sync::StatusReport& report, long long& newVariants) {
    auto r = transaction("cannot store the heartbeat", [&](SqlTx& tx) {
        newVariants = 0; // a retry starts afresh
        tx.query("INSERT INTO kiosk_status(kiosk_id, body, received_ms, clock_offset_ms) VALUES($1, $2, $3, $4)"
                 " ON CONFLICT(kiosk_id) DO UPDATE SET body = excluded.body, received_ms = excluded.received_ms,"
                 " clock_offset_ms = excluded.clock_offset_ms WHERE excluded.received_ms >= kiosk_status.received_ms",
                 {kioskId, status.body, status.receivedMs, status.clockOffsetMs});
        for (const auto& [version, texts] : report.consent)
            for (const auto& [language, text] : texts) {
                const std::string hash = core::sha256Hex(text);
                bool seen = false, others = false;
                for (const SqlRow& row :
                     tx.query("SELECT text_sha256 FROM consent_texts WHERE version = $1 AND language = $2",
                              {version, language})
                         .rows)
                    (row.text(0) == hash ? seen : others) = true;
                newVariants += !seen && others;
                tx.query("INSERT INTO consent_texts(version, language, text_sha256, text, first_kiosk_id, first_ms,"
                         " last_ms) VALUES($1, $2, $3, $4, $5, $6, $6) ON CONFLICT(version, language, text_sha256)"
                         " DO UPDATE SET times = consent_texts.times + 1, last_ms = excluded.last_ms",
                         {version, language, hash, text, kioskId, status.receivedMs});
            }
    });
    if (!r) newVariants = 0;
    return r;
}

StorageResult Storage::consentTexts(std::vector<ConsentTextRow>& out) {
    out.clear();
    return transaction("cannot read the consent texts", [&](SqlTx& tx) {
        out.clear();
        for (const SqlRow& row :
             tx.query("SELECT version, language, text_sha256, text, first_kiosk_id, first_ms, last_ms, times"
                      " FROM consent_texts ORDER BY version, language, first_ms, text_sha256")
                 .rows)
            out.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.integer(5),
                           row.integer(6), row.integer(7)});
    });
}

StorageResult Storage::forEachLead(const std::function<void(const StoredLead&)>& each) {
    // The migration's streaming read, which keeps the arrival order in either backend.
    using T = ColumnType;
    static const TableSpec leads{
        "leads", "", {{"id", T::Text}, {"kiosk_id", T::Text}, {"payload", T::Bytes}, {"received_ms", T::Integer}}};
    return exportRows(leads, [&](const Row& row) {
        each({row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), std::stoll(row[3].value_or("0"))});
    });
}

StorageResult Storage::counts(HubCounts& out) {
    return transaction("cannot count", [&](SqlTx& tx) {
        const auto r = tx.query("SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM conflicts),"
                                " (SELECT coalesce(sum(times), 0) FROM rejected), (SELECT count(*) FROM kiosks)");
        const SqlRow& row = r.rows.at(0);
        out = {row.integer(0), row.integer(1), row.integer(2), row.integer(3)};
    });
}

StorageResult Storage::ping() {
    return transaction("the database does not answer", [&](SqlTx& tx) { tx.query("SELECT count(*) FROM kiosks"); });
}

} // namespace kiosk::hub
