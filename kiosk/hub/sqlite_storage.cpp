#include "sqlite_storage.hpp"

#include "migrate.hpp"
#include "schema.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <type_traits>
#include <variant>

namespace kiosk::hub {

namespace fs = std::filesystem;

namespace {

/// One prepared statement, finalized when it goes.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_st, nullptr); }
    ~Stmt() { sqlite3_finalize(m_st); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    bool ok() const { return m_rc == SQLITE_OK; }
    Stmt& bind(int i, const std::string& s) {
        sqlite3_bind_text(m_st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& blob(int i, const std::string& s) {
        sqlite3_bind_blob(m_st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(m_st, i, v);
        return *this;
    }
    /// A value of `kiosk-hub migrate` (text form, see Row) bound as its column's type.
    Stmt& value(int i, ColumnType type, const std::optional<std::string>& v) {
        if (!v)
            sqlite3_bind_null(m_st, i);
        else if (type == ColumnType::Bytes)
            blob(i, *v);
        else if (type == ColumnType::Integer || type == ColumnType::Boolean)
            bind(i, std::int64_t(std::stoll(*v)));
        else if (type == ColumnType::Real)
            sqlite3_bind_double(m_st, i, std::stod(*v));
        else
            bind(i, *v);
        return *this;
    }
    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(m_st); }
    void reset() {
        sqlite3_reset(m_st);
        sqlite3_clear_bindings(m_st);
    }
    std::string text(int col) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(m_st, col));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_st, col))) : std::string();
    }
    std::int64_t integer(int col) { return sqlite3_column_int64(m_st, col); }
    bool null(int col) { return sqlite3_column_type(m_st, col) == SQLITE_NULL; }
    int columns() { return sqlite3_column_count(m_st); }
    Stmt& bindNull(int i) {
        sqlite3_bind_null(m_st, i);
        return *this;
    }

private:
    sqlite3_stmt* m_st = nullptr;
    int m_rc;
};

// SQLite's INTEGER holds 64 bits; a boolean is 0 or 1; rowid orders the leads.
const SqlDialect kSqliteDialect = {"INTEGER", "BLOB", "INTEGER", "0", ""};

int userVersion(sqlite3* db) {
    Stmt st(db, "PRAGMA user_version");
    return st.ok() && st.step() == SQLITE_ROW ? static_cast<int>(st.integer(0)) : -1;
}
} // namespace

SqliteStorage::~SqliteStorage() {
    sqlite3_close_v2(m_db);
}

StorageResult SqliteStorage::fail(const std::string& what) {
    return {false, what + ": " + sqlite3_errmsg(m_db)};
}

StorageResult SqliteStorage::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) == SQLITE_OK) return {};
    StorageResult r{false, err ? err : "unknown SQLite error"};
    sqlite3_free(err);
    return r;
}

std::unique_ptr<SqliteStorage> SqliteStorage::open(const fs::path& path, StorageResult& result) {
    std::error_code ec;
    if (!path.parent_path().empty() && !fs::exists(path.parent_path(), ec)) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            result = {false, "cannot create " + path.parent_path().string() + ": " + ec.message()};
            return nullptr;
        }
        ::chmod(path.parent_path().c_str(), 0700);
    }
    const bool existed = fs::exists(path, ec);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        result = {false, "cannot open " + path.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory")};
        sqlite3_close_v2(db);
        return nullptr;
    }
    // The file holds secrets and personal data: only the hub's user may read it.
    if (!existed) ::chmod(path.c_str(), 0600);
    std::unique_ptr<SqliteStorage> s(new SqliteStorage(db));
    sqlite3_busy_timeout(db, 5000);
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"})
        if (auto r = s->exec(pragma); !r) {
            result = {false, path.string() + ": " + r.error};
            return nullptr;
        }
    if (auto r = s->exec("BEGIN IMMEDIATE"); !r) {
        result = {false, path.string() + ": " + r.error};
        return nullptr;
    }
    const int v = userVersion(db);
    if (v > kSchemaVersion) {
        s->exec("ROLLBACK");
        result = {false, path.string() + " has schema version " + std::to_string(v) + ", this kiosk-hub knows up to " +
                             std::to_string(kSchemaVersion) + " — use the newer kiosk-hub that wrote it"};
        return nullptr;
    }
    const auto migrations = hubMigrations(kSqliteDialect);
    for (int i = v; i < kSchemaVersion; ++i) {
        auto r = s->exec(migrations[i].c_str());
        if (r) r = s->exec(("PRAGMA user_version=" + std::to_string(i + 1)).c_str());
        if (!r) {
            s->exec("ROLLBACK");
            result = {false, path.string() + ": migration to schema " + std::to_string(i + 1) + " failed: " + r.error};
            return nullptr;
        }
    }
    if (auto r = s->exec("COMMIT"); !r) {
        result = {false, path.string() + ": " + r.error};
        return nullptr;
    }
    result = {};
    return s;
}

int SqliteStorage::schemaVersion() {
    std::lock_guard lock(m_mutex);
    return userVersion(m_db);
}

StorageResult SqliteStorage::immediate(const std::string& what, const std::function<StorageResult()>& body) {
    // IMMEDIATE: the write lock is taken at once, so a concurrent writer waits (busy_timeout)
    // instead of failing half-way, and what the body reads stays settled until the commit.
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return {false, what + ": " + r.error};
    if (auto r = body(); !r) {
        exec("ROLLBACK");
        return r;
    }
    if (auto r = exec("COMMIT"); !r) {
        exec("ROLLBACK");
        return {false, what + ": " + r.error};
    }
    return {};
}

namespace {
class SqliteTx final : public SqlTx {
public:
    explicit SqliteTx(sqlite3* db) : m_db(db) {}
    SqlResult query(std::string_view sql, const std::vector<SqlParam>& params) override {
        // `$1` is PostgreSQL's spelling; SQLite's `?1` binds by the same number.
        std::string text(sql);
        for (char& ch : text)
            if (ch == '$') ch = '?';
        Stmt st(m_db, text.c_str());
        if (!st.ok()) throw SqlError(sqlite3_errmsg(m_db));
        for (size_t i = 0; i < params.size(); ++i) {
            const int at = static_cast<int>(i + 1);
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::nullptr_t>)
                        st.bindNull(at);
                    else if constexpr (std::is_same_v<T, std::string>)
                        st.bind(at, v);
                    else if constexpr (std::is_same_v<T, std::int64_t>)
                        st.bind(at, v);
                    else if constexpr (std::is_same_v<T, bool>)
                        st.bind(at, std::int64_t(v ? 1 : 0));
                    else
                        st.blob(at, v.data);
                },
                params[i]);
        }
        SqlResult out;
        int rc;
        while ((rc = st.step()) == SQLITE_ROW) {
            std::vector<std::optional<std::string>> values(static_cast<size_t>(st.columns()));
            for (int c = 0; c < st.columns(); ++c)
                if (!st.null(c)) values[static_cast<size_t>(c)] = st.text(c);
            out.rows.emplace_back(std::move(values));
        }
        if (rc != SQLITE_DONE) throw SqlError(sqlite3_errmsg(m_db));
        out.affected = sqlite3_changes(m_db);
        return out;
    }

private:
    sqlite3* m_db;
};
} // namespace

StorageResult SqliteStorage::transaction(const std::string& what, const std::function<void(SqlTx&)>& body) {
    std::lock_guard lock(m_mutex);
    return immediate(what, [&]() -> StorageResult {
        SqliteTx tx(m_db);
        try {
            body(tx);
            return {};
        } catch (const std::exception& e) {
            return {false, what + ": " + e.what()};
        }
    });
}

StorageResult SqliteStorage::columns(const char* table, std::vector<Column>& out) {
    std::lock_guard lock(m_mutex);
    out.clear();
    const std::string what = std::string("cannot read the columns of the table ") + table;
    Stmt st(m_db, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid");
    if (!st.ok()) return fail(what);
    st.bind(1, std::string(table));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        if (auto r = columnOfCatalogue(table, st.text(0), st.text(1), out); !r) return r;
    if (rc != SQLITE_DONE) return fail(what);
    if (out.empty()) return {false, what + ": there is no such table"};
    return {};
}

StorageResult SqliteStorage::exportRows(const TableSpec& table, const std::function<void(const Row&)>& each) {
    std::lock_guard lock(m_mutex);
    const std::string sql = "SELECT " + columnList(table) + " FROM " + table.name + " ORDER BY rowid";
    Stmt st(m_db, sql.c_str());
    if (!st.ok()) return fail(std::string("cannot read the table ") + table.name);
    Row row(table.columns.size());
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        for (size_t i = 0; i < row.size(); ++i) {
            const int col = static_cast<int>(i);
            row[i] = st.null(col) ? std::nullopt : std::optional<std::string>(st.text(col));
        }
        each(row);
    }
    return rc == SQLITE_DONE ? StorageResult{} : fail(std::string("cannot read the table ") + table.name);
}

StorageResult SqliteStorage::importRows(const TableSpec& table, const std::vector<Row>& rows, long long& changed) {
    std::lock_guard lock(m_mutex);
    changed = 0;
    std::string marks;
    for (size_t i = 0; i < table.columns.size(); ++i)
        marks += i ? ", ?" : "?";
    const std::string sql = std::string("INSERT INTO ") + table.name + "(" + columnList(table) + ") VALUES(" + marks +
                            ") " + (*table.onConflict ? table.onConflict : "ON CONFLICT DO NOTHING");
    Stmt insert(m_db, sql.c_str());
    const std::string what = std::string("cannot copy into the table ") + table.name;
    if (!insert.ok()) return fail(what);
    const StorageResult result = immediate(what, [&] {
        for (const auto& row : rows) {
            insert.reset();
            for (size_t i = 0; i < row.size(); ++i)
                insert.value(static_cast<int>(i) + 1, table.columns[i].type, row[i]);
            if (insert.step() != SQLITE_DONE) return fail(what);
            changed += sqlite3_changes(m_db);
        }
        return StorageResult{};
    });
    if (!result) changed = 0;
    return result;
}

} // namespace kiosk::hub
