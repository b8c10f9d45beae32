#include "pg_storage.hpp"

#include "migrate.hpp"
#include "schema.hpp"

#include <pqxx/pqxx>

#include <algorithm>
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

StorageResult PgStorage::columns(const char* table, std::vector<Column>& out) {
    out.clear();
    const std::string what = std::string("cannot read the columns of the table ") + table;
    StorageResult mapped;
    StorageResult r = run(what.c_str(), [&](PgConnection& pc) {
        pqxx::work w(pc.c);
        // A serial column (nextval) or an identity is numbered by each database itself.
        const pqxx::result rows =
            w.exec_params("SELECT column_name, data_type FROM information_schema.columns"
                          " WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'NO'"
                          " AND coalesce(column_default, '') NOT LIKE 'nextval(%' ORDER BY ordinal_position",
                          std::string(table));
        for (const auto& row : rows)
            if (mapped) mapped = columnOfCatalogue(table, row[0].c_str(), row[1].c_str(), out);
    });
    if (!r || !mapped) return r ? mapped : r;
    if (out.empty()) return {false, what + ": there is no such table"};
    return {};
}

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
