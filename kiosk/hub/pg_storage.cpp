#include "pg_storage.hpp"

#include "core/leads/lead.hpp"
#include "migrate.hpp"
#include "schema.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <type_traits>
#include <variant>

namespace kiosk::hub {

struct PgConnection {
    explicit PgConnection(const std::string& url) : c(url) {}
    pqxx::connection c;
};

namespace {
// BIGSERIAL: exportRows and forEachLead give leads in the order they arrived.
const SqlDialect kPgDialect = {"BIGINT", "BYTEA", "BOOLEAN", "false", "  seq BIGSERIAL UNIQUE,\n"};
// Any fixed number: every hub instance takes the same lock while it migrates.
constexpr long long kMigrationLock = 0x6b696f736b687562; // "kioskhub"

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char ch : bytes) {
        out += digits[ch >> 4];
        out += digits[ch & 15];
    }
    return out;
}

std::string bytes(const pqxx::field& f) {
    const pqxx::binarystring b(f);
    return b.str();
}
} // namespace

PgStorage::PgStorage(std::string url, size_t connections)
    : m_url(std::move(url)), m_maxConnections(std::max<size_t>(1, connections)) {}
PgStorage::~PgStorage() = default;

StorageResult PgStorage::run(const char* what, const std::function<void(PgConnection&)>& body) {
    std::unique_ptr<PgConnection> conn;
    {
        std::unique_lock lock(m_mutex);
        m_free.wait(lock, [&] { return !m_idle.empty() || m_open < m_maxConnections; });
        if (!m_idle.empty()) {
            conn = std::move(m_idle.back());
            m_idle.pop_back();
        } else {
            ++m_open; // connected below, outside the lock
        }
    }
    const auto giveBack = [&](bool keep) {
        std::lock_guard lock(m_mutex);
        if (keep && conn)
            m_idle.push_back(std::move(conn));
        else
            --m_open; // a broken or failed connection is dropped: the next call connects again
        m_free.notify_one();
    };
    try {
        if (!conn) conn = std::make_unique<PgConnection>(m_url);
        body(*conn);
        giveBack(conn->c.is_open());
        return {};
    } catch (const pqxx::broken_connection& e) {
        giveBack(false);
        return {false, std::string(what) + ": the connection to PostgreSQL failed: " + e.what()};
    } catch (const std::exception& e) {
        giveBack(conn && conn->c.is_open());
        return {false, std::string(what) + ": " + e.what()};
    }
}

std::unique_ptr<PgStorage> PgStorage::open(const std::string& url, StorageResult& result, size_t connections) {
    std::unique_ptr<PgStorage> s(new PgStorage(url, connections));
    int found = 0;
    result = s->run("cannot open the PostgreSQL database", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        w.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
        w.exec("CREATE TABLE IF NOT EXISTS hub_schema(version INTEGER NOT NULL)");
        const pqxx::result v = w.exec("SELECT version FROM hub_schema");
        found = v.empty() ? 0 : v[0][0].as<int>();
        if (found > kSchemaVersion) return; // refused below, nothing changed
        const auto migrations = hubMigrations(kPgDialect);
        for (int i = found; i < kSchemaVersion; ++i)
            w.exec(migrations[i]);
        w.exec("DELETE FROM hub_schema");
        w.exec_params("INSERT INTO hub_schema(version) VALUES($1)", std::max(found, kSchemaVersion));
        w.commit();
    });
    if (result && found > kSchemaVersion)
        result = {false, "the PostgreSQL database has schema version " + std::to_string(found) +
                             ", this kiosk-hub knows up to " + std::to_string(kSchemaVersion) +
                             " — use the newer kiosk-hub that wrote it"};
    return result ? std::move(s) : nullptr;
}

int PgStorage::schemaVersion() {
    int v = -1;
    run("cannot read the schema version", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        v = w.exec1("SELECT version FROM hub_schema")[0].as<int>();
    });
    return v;
}

namespace {
constexpr pqxx::oid kByteaOid = 17; // pg_type.oid of bytea: its values arrive escaped

class PgTx final : public SqlTx {
public:
    explicit PgTx(pqxx::work& w) : m_w(w) {}
    SqlResult query(std::string_view sql, const std::vector<SqlParam>& params) override {
        // Every parameter goes as text (bytes in bytea's \x hex form): libpqxx 6 passes a
        // runtime-sized list only of one type, and PostgreSQL types each by its context.
        std::vector<std::optional<std::string>> texts;
        texts.reserve(params.size());
        for (const auto& p : params)
            texts.push_back(std::visit(
                [](const auto& v) -> std::optional<std::string> {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::nullptr_t>)
                        return std::nullopt;
                    else if constexpr (std::is_same_v<T, std::string>)
                        return v;
                    else if constexpr (std::is_same_v<T, std::int64_t>)
                        return std::to_string(v);
                    else if constexpr (std::is_same_v<T, bool>)
                        return v ? "true" : "false";
                    else
                        return "\\x" + hex(v.data);
                },
                p));
        std::vector<const char*> ptrs;
        for (const auto& t : texts)
            ptrs.push_back(t ? t->c_str() : nullptr);
        pqxx::result r;
        try {
            r = m_w.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
        } catch (const pqxx::broken_connection&) {
            throw; // run() drops the connection
        } catch (const std::exception& e) {
            throw SqlError(e.what());
        }
        SqlResult out;
        out.affected = r.affected_rows();
        for (const auto& row : r) {
            std::vector<std::optional<std::string>> values(row.size());
            for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
                if (row[c].is_null()) continue;
                values[c] = row[c].type() == kByteaOid ? bytes(row[c]) : std::string(row[c].c_str(), row[c].size());
            }
            out.rows.emplace_back(std::move(values));
        }
        return out;
    }

private:
    pqxx::work& m_w;
};
} // namespace

StorageResult PgStorage::transaction(const std::string& what, const std::function<void(SqlTx&)>& body) {
    return run(what.c_str(), [&](PgConnection& pc) {
        pqxx::work w(pc.c);
        PgTx tx(w);
        body(tx);
        w.commit();
    });
}

StorageResult PgStorage::addKiosk(const std::string& id, const std::string& tokenHash, const std::string& secret,
                                  std::int64_t nowMs) {
    bool added = false;
    auto r = run("cannot add the kiosk", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        added = !w.exec_params("INSERT INTO kiosks(id, token_hash, secret, created_ms) VALUES($1, $2, $3, $4)"
                               " ON CONFLICT DO NOTHING RETURNING 1",
                               id, tokenHash, secret, nowMs)
                     .empty();
        w.commit();
    });
    if (r && !added) return {false, "there is a kiosk " + id + " already (ids are never reused)"};
    return r;
}

StorageResult PgStorage::revokeKiosk(const std::string& id) {
    bool found = false;
    auto r = run("cannot revoke the kiosk", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        found = w.exec_params("UPDATE kiosks SET revoked = true WHERE id = $1", id).affected_rows() > 0;
        w.commit();
    });
    if (r && !found) return {false, "there is no kiosk " + id};
    return r;
}

StorageResult PgStorage::kioskByToken(const std::string& tokenHash, std::optional<KioskRecord>& out) {
    out.reset();
    return run("cannot look up the kiosk", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        const auto rows =
            w.exec_params("SELECT id, secret, revoked, created_ms FROM kiosks WHERE token_hash = $1", tokenHash);
        if (!rows.empty())
            out = KioskRecord{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<bool>(),
                              rows[0][3].as<std::int64_t>()};
    });
}

StorageResult PgStorage::kiosks(std::vector<KioskRecord>& out) {
    out.clear();
    return run("cannot list the kiosks", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        for (const auto& row : w.exec("SELECT id, revoked, created_ms,"
                                      " (SELECT count(*) FROM leads WHERE kiosk_id = k.id),"
                                      " (SELECT count(*) FROM conflicts WHERE kiosk_id = k.id),"
                                      " (SELECT count(*) FROM rejected WHERE kiosk_id = k.id),"
                                      " s.body, s.received_ms, s.clock_offset_ms"
                                      " FROM kiosks k LEFT JOIN kiosk_status s ON s.kiosk_id = k.id ORDER BY id")) {
            KioskRecord k{row[0].as<std::string>(), {}, row[1].as<bool>(), row[2].as<std::int64_t>()};
            k.leads = row[3].as<long long>();
            k.conflicts = row[4].as<long long>();
            k.rejected = row[5].as<long long>();
            if (!row[6].is_null())
                k.status = KioskStatus{row[6].as<std::string>(), row[7].as<std::int64_t>(), row[8].as<std::int64_t>()};
            out.push_back(std::move(k));
        }
    });
}

StorageResult PgStorage::claimWebhookId(const std::string& kioskId, const std::string& msgId, std::int64_t nowS,
                                        std::int64_t forgetBeforeS, bool& fresh) {
    fresh = false;
    return run("cannot check the webhook-id", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        w.exec_params("DELETE FROM webhook_ids WHERE seen_s < $1", forgetBeforeS);
        fresh = !w.exec_params("INSERT INTO webhook_ids(kiosk_id, msg_id, seen_s) VALUES($1, $2, $3)"
                               " ON CONFLICT DO NOTHING RETURNING 1",
                               kioskId, msgId, nowS)
                     .empty();
        w.commit();
    });
}

namespace {
/// A PostgreSQL array literal of text: {"a","b\\\"c"}.
std::string textArray(size_t n, const std::function<std::string(size_t)>& f) {
    std::string out = "{";
    for (size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        out += '"';
        for (char ch : f(i)) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace

StorageResult PgStorage::storeLeads(const std::string& kioskId, const std::vector<IncomingLead>& leads,
                                    std::int64_t nowMs, std::vector<LeadOutcome>& out) {
    out.clear();
    if (leads.empty()) return {};
    std::vector<std::string> hashes;
    for (const auto& l : leads)
        hashes.push_back(core::sha256Hex(l.payload));
    const size_t n = leads.size();
    const std::string ids = textArray(n, [&](size_t i) { return leads[i].id; });
    const std::string payloads = textArray(n, [&](size_t i) { return hex(leads[i].payload); });
    const std::string shas = textArray(n, [&](size_t i) { return hashes[i]; });
    auto r = run("cannot store the leads", [&](PgConnection& pc) {
        auto& c = pc.c;
        out.clear(); // a retry after a reconnect starts afresh
        pqxx::work w(c);
        // The whole batch in two round trips. A concurrent insert of the same id waits for the
        // other transaction, then does nothing; the SELECT after it (a new snapshot under READ
        // COMMITTED) sees that row.
        std::map<std::string, int> inserted; // id -> rows inserted now (1, or 0)
        for (const auto& row : w.exec_params(
                 "INSERT INTO leads(id, kiosk_id, payload, payload_sha256, received_ms)"
                 " SELECT id, $4, decode(payload, 'hex'), sha, $5"
                 " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(id, payload, sha, n) ORDER BY n"
                 " ON CONFLICT(id) DO NOTHING RETURNING id",
                 ids, payloads, shas, kioskId, nowMs))
            inserted[row[0].as<std::string>()] = 1;
        std::map<std::string, std::string> stored; // id -> the hash now stored
        for (const auto& row : w.exec_params("SELECT id, payload_sha256 FROM leads WHERE id = ANY($1::text[])", ids))
            stored[row[0].as<std::string>()] = row[1].as<std::string>();
        for (size_t i = 0; i < leads.size(); ++i) {
            const auto& id = leads[i].id;
            const bool same = stored[id] == hashes[i];
            if (same && inserted[id]-- == 1)
                out.push_back(LeadOutcome::Accepted); // the row stored now is this one
            else if (same)
                out.push_back(LeadOutcome::Duplicate);
            else {
                w.exec_params("INSERT INTO conflicts(id, kiosk_id, payload, payload_sha256, first_ms, last_ms)"
                              " VALUES($1, $2, $3, $4, $5, $5) ON CONFLICT(id, payload_sha256)"
                              " DO UPDATE SET times = conflicts.times + 1, last_ms = excluded.last_ms",
                              id, kioskId, pqxx::binarystring(leads[i].payload.data(), leads[i].payload.size()),
                              hashes[i], nowMs);
                out.push_back(LeadOutcome::Conflict);
            }
        }
        w.commit();
    });
    if (!r) out.clear();
    return r;
}

StorageResult PgStorage::recordRejected(const std::string& kioskId,
                                        const std::vector<std::pair<std::string, std::string>>& rejected,
                                        std::int64_t nowMs) {
    if (rejected.empty()) return {};
    return run("cannot count the rejected leads", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        for (const auto& [id, reason] : rejected)
            w.exec_params(
                "INSERT INTO rejected(kiosk_id, lead_id, reason, first_ms, last_ms) VALUES($1, $2, $3, $4, $4)"
                " ON CONFLICT(kiosk_id, lead_id, reason)"
                " DO UPDATE SET times = rejected.times + 1, last_ms = excluded.last_ms",
                kioskId, id, reason, nowMs);
        w.commit();
    });
}

StorageResult PgStorage::recordStatus(const std::string& kioskId, const KioskStatus& status,
                                      const core::sync::StatusReport& report, long long& newVariants) {
    auto r = run("cannot store the heartbeat", [&](PgConnection& pc) {
        newVariants = 0; // a retry after a reconnect starts afresh
        pqxx::work w(pc.c);
        w.exec_params(
            "INSERT INTO kiosk_status(kiosk_id, body, received_ms, clock_offset_ms) VALUES($1, $2, $3, $4)"
            " ON CONFLICT(kiosk_id) DO UPDATE SET body = excluded.body, received_ms = excluded.received_ms,"
            " clock_offset_ms = excluded.clock_offset_ms WHERE excluded.received_ms >= kiosk_status.received_ms",
            kioskId, status.body, status.receivedMs, status.clockOffsetMs);
        for (const auto& [version, texts] : report.consent)
            for (const auto& [language, text] : texts) {
                const std::string hash = core::sha256Hex(text);
                bool seen = false, others = false;
                for (const auto& row :
                     w.exec_params("SELECT text_sha256 FROM consent_texts WHERE version = $1 AND language = $2",
                                   version, language))
                    (row[0].as<std::string>() == hash ? seen : others) = true;
                newVariants += !seen && others;
                w.exec_params(
                    "INSERT INTO consent_texts(version, language, text_sha256, text, first_kiosk_id, first_ms, last_ms)"
                    " VALUES($1, $2, $3, $4, $5, $6, $6) ON CONFLICT(version, language, text_sha256)"
                    " DO UPDATE SET times = consent_texts.times + 1, last_ms = excluded.last_ms",
                    version, language, hash, text, kioskId, status.receivedMs);
            }
        w.commit();
    });
    if (!r) newVariants = 0;
    return r;
}

StorageResult PgStorage::consentTexts(std::vector<ConsentTextRow>& out) {
    out.clear();
    return run("cannot read the consent texts", [&](PgConnection& pc) {
        out.clear();
        pqxx::work w(pc.c);
        for (const auto& row :
             w.exec("SELECT version, language, text_sha256, text, first_kiosk_id, first_ms, last_ms, times"
                    " FROM consent_texts ORDER BY version, language, first_ms, text_sha256"))
            out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                           row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::int64_t>(),
                           row[6].as<std::int64_t>(), row[7].as<long long>()});
    });
}

StorageResult PgStorage::forEachLead(const std::function<void(const StoredLead&)>& each) {
    return run("cannot read the leads", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        // A cursor: all the leads of an event need not fit in memory at once.
        pqxx::stateless_cursor<pqxx::cursor_base::read_only, pqxx::cursor_base::owned> cur(
            w, "SELECT id, kiosk_id, payload, received_ms FROM leads ORDER BY seq", "leads", false);
        for (size_t at = 0;; at += 1000) {
            const pqxx::result rows = cur.retrieve(static_cast<pqxx::result::difference_type>(at),
                                                   static_cast<pqxx::result::difference_type>(at + 1000));
            for (const auto& row : rows)
                each({row[0].as<std::string>(), row[1].as<std::string>(), bytes(row[2]), row[3].as<std::int64_t>()});
            if (rows.size() < 1000) break;
        }
    });
}

StorageResult PgStorage::counts(HubCounts& out) {
    return run("cannot count", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        const auto row = w.exec1("SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM conflicts),"
                                 " (SELECT coalesce(sum(times), 0) FROM rejected), (SELECT count(*) FROM kiosks)");
        out = {row[0].as<long long>(), row[1].as<long long>(), row[2].as<long long>(), row[3].as<long long>()};
    });
}

StorageResult PgStorage::ping() {
    return run("the database does not answer", [&](PgConnection& pc) {
        auto& c = pc.c;
        pqxx::work w(c);
        w.exec1("SELECT 1");
    });
}

namespace {
/// One column of `rows` as a PostgreSQL text[] literal (NULL unquoted; bytes as hex, for decode()).
std::string columnArray(const std::vector<Row>& rows, size_t col, bool bytes) {
    std::string out = "{";
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        const auto& v = rows[i][col];
        if (!v) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char ch : bytes ? hex(*v) : *v) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

/// How a column is read for a Row (see Row: booleans as 0/1, numbers as text).
std::string selectExpr(const Column& c) {
    const std::string n = c.name;
    switch (c.type) {
    case ColumnType::Boolean: return n + "::int::text";
    case ColumnType::Bytes: return n;
    default: return n + "::text";
    }
}

/// The text[] element cast back to the column's type.
std::string insertExpr(const Column& c) {
    const std::string n = std::string("u.") + c.name;
    switch (c.type) {
    case ColumnType::Integer: return n + "::bigint";
    case ColumnType::Boolean: return n + "::int::boolean";
    case ColumnType::Real: return n + "::double precision";
    case ColumnType::Bytes: return "decode(" + n + ", 'hex')";
    default: return n;
    }
}
} // namespace

StorageResult PgStorage::exportRows(const TableSpec& table, const std::function<void(const Row&)>& each) {
    return run("cannot read a table", [&](PgConnection& pc) {
        pqxx::work w(pc.c);
        std::string sql = "SELECT ";
        for (size_t i = 0; i < table.columns.size(); ++i)
            sql += (i ? ", " : "") + selectExpr(table.columns[i]);
        // Only leads keep their arrival order (seq); the other tables have none to keep.
        sql += std::string(" FROM ") + table.name + (std::string(table.name) == "leads" ? " ORDER BY seq" : "");
        pqxx::stateless_cursor<pqxx::cursor_base::read_only, pqxx::cursor_base::owned> cur(w, sql, "rows", false);
        Row row(table.columns.size());
        for (size_t at = 0;; at += 1000) {
            const pqxx::result rows = cur.retrieve(static_cast<pqxx::result::difference_type>(at),
                                                   static_cast<pqxx::result::difference_type>(at + 1000));
            for (const auto& r : rows) {
                for (size_t i = 0; i < row.size(); ++i) {
                    const auto f = r[static_cast<pqxx::row::size_type>(i)];
                    if (f.is_null())
                        row[i].reset();
                    else
                        row[i] = table.columns[i].type == ColumnType::Bytes ? bytes(f) : f.as<std::string>();
                }
                each(row);
            }
            if (rows.size() < 1000) break;
        }
    });
}

StorageResult PgStorage::importRows(const TableSpec& table, const std::vector<Row>& rows, long long& changed) {
    changed = 0;
    if (rows.empty()) return {};
    // All rows in one statement: each column a text[] parameter, unnested in order (so that
    // the leads' seq follows their order in the source).
    std::vector<std::string> arrays;
    std::string names, params, exprs;
    for (size_t i = 0; i < table.columns.size(); ++i) {
        const Column& c = table.columns[i];
        arrays.push_back(columnArray(rows, i, c.type == ColumnType::Bytes));
        const std::string sep = i ? ", " : "";
        names += sep + c.name;
        params += sep + "$" + std::to_string(i + 1) + "::text[]";
        exprs += sep + insertExpr(c);
    }
    const std::string sql = std::string("INSERT INTO ") + table.name + "(" + names + ") SELECT " + exprs +
                            " FROM unnest(" + params + ") WITH ORDINALITY AS u(" + names + ", n) ORDER BY u.n " +
                            (*table.onConflict ? table.onConflict : "ON CONFLICT DO NOTHING");
    return run("cannot copy into a table", [&](PgConnection& pc) {
        pqxx::work w(pc.c);
        const pqxx::result r = w.exec_params(sql, pqxx::prepare::make_dynamic_params(arrays));
        w.commit();
        changed = static_cast<long long>(r.affected_rows());
    });
}

} // namespace kiosk::hub
