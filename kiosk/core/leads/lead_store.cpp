#include "lead_store.hpp"

#include "validation.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <functional>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace kiosk::core {

namespace fs = std::filesystem;

namespace {

// Forward migrations; index i brings a file from user_version i to i+1. Never edit
// a shipped one: add the next.
const char* const kMigrations[] = {
    // 1: the leads, with the exact JSON that sync sends (same bytes on every retry)
    R"sql(
    CREATE TABLE leads (
        id TEXT PRIMARY KEY NOT NULL,
        created_ms INTEGER NOT NULL,
        kiosk_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        email TEXT NOT NULL,
        company TEXT NOT NULL DEFAULT '',
        job_title TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        sectors TEXT NOT NULL DEFAULT '[]',
        exhibitors TEXT NOT NULL DEFAULT '[]',
        consent_version TEXT NOT NULL,
        consent_sha256 TEXT NOT NULL,
        consent_lang TEXT NOT NULL,
        consent_ms INTEGER NOT NULL,
        newsletter INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL DEFAULT 'kiosk',
        payload TEXT NOT NULL
    );
    CREATE INDEX leads_created ON leads(created_ms);
    )sql",
    // 2: sync bookkeeping, and the erasure log (no personal data in it)
    R"sql(
    ALTER TABLE leads ADD COLUMN sync_state TEXT NOT NULL DEFAULT 'pending';
    ALTER TABLE leads ADD COLUMN sync_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE leads ADD COLUMN synced_ms INTEGER;
    CREATE INDEX leads_sync ON leads(sync_state, created_ms);
    CREATE TABLE erasures (
        lead_id TEXT NOT NULL,
        erased_ms INTEGER NOT NULL,
        was_synced INTEGER NOT NULL
    );
    )sql",
    // 3: what staff see of the sync, kept across restarts (kiosk status reads it too)
    R"sql(
    CREATE TABLE sync_status (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    );
    )sql",
    // 4: forms from content. The answers to the form's own fields travel with the lead as one
    // JSON object in its row (written in the same INSERT, read back whole, queried with
    // json_each when needed); every form version a lead was captured with is kept, so an
    // export across a mid-fair change of form.toml still names every column.
    R"sql(
    ALTER TABLE leads ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE leads ADD COLUMN form_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE leads ADD COLUMN capture TEXT NOT NULL DEFAULT 'typed';
    CREATE TABLE forms (
        version TEXT PRIMARY KEY NOT NULL,
        definition TEXT NOT NULL,
        first_ms INTEGER NOT NULL
    );
    )sql",
    // 5: erasures across the fleet (docs/sync-protocol.md "Erasures"): the email's hash only,
    // until the hub has it (origin 'kiosk': erased here) or has been told (origin 'hub': asked by the hub).
    R"sql(
    CREATE TABLE erasure_sync (
        email_sha256 TEXT NOT NULL,
        origin TEXT NOT NULL,
        erased_ms INTEGER NOT NULL,
        reported INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (email_sha256, origin)
    );
    )sql",
    // 6: what exhibitors learn (figures.hpp): anonymous counts per event, company (or sector),
    // metric and hour. No lead id, no visitor, no time finer than the hour.
    R"sql(
    CREATE TABLE figures (
        event_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        metric TEXT NOT NULL,
        hour INTEGER NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (event_id, subject, metric, hour)
    ) WITHOUT ROWID;
    )sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == LeadStore::kSchemaVersion);

std::string jsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> fromJsonArray(const char* s) {
    // The lists hold plain ids (["hydrogen","cybersecurity"]): read without a JSON parser
    // (an export reads two per lead); anything with an escape goes through nlohmann.
    std::vector<std::string> out;
    const char* p = s ? s : "[]";
    if (*p++ == '[' && !std::strchr(p, '\\')) {
        while (*p == '"') {
            const char* end = std::strchr(p + 1, '"');
            if (!end) break;
            out.emplace_back(p + 1, end);
            p = end + 1;
            if (*p == ',') ++p;
        }
        if (*p == ']' && p[1] == '\0') return out;
        out.clear();
    }
    try {
        return nlohmann::json::parse(s ? s : "[]").get<std::vector<std::string>>();
    } catch (...) {
        return {};
    }
}

std::string text(sqlite3_stmt* st, int col) {
    const auto* p = sqlite3_column_text(st, col);
    return p ? reinterpret_cast<const char*>(p) : "";
}

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

/// Prepares `sql`, binds, hands every row to `row`; SQLITE_DONE when every step succeeded,
/// else the failing code (a damaged page stops the loop with SQLITE_CORRUPT).
template <class Bind, class Row> int query(sqlite3* db, const std::string& sql, Bind bind, Row row) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    if (rc == SQLITE_OK) {
        bind(st);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    }
    sqlite3_finalize(st);
    return rc;
}
const auto noBind = [](sqlite3_stmt*) {};

/// PRAGMA user_version, or -1 when it cannot be read.
int userVersion(sqlite3* db) {
    int v = -1;
    const int rc = query(db, "PRAGMA user_version", noBind, [&](sqlite3_stmt* st) { v = sqlite3_column_int(st, 0); });
    return rc == SQLITE_DONE ? v : -1;
}

fs::path walPath(const fs::path& db) { return db.string() + "-wal"; }

/// What every guard of the process knows about one database file.
struct SharedFiles {
    int generation = 0;  ///< bumped when a guard rescued a changed WAL: the others reopen
    std::string refusal; ///< leads.db was removed or replaced: nothing is stored any more
    std::string notice;  ///< for staff: what happened to the files
};
std::mutex g_filesMutex;
std::map<std::string, SharedFiles> g_files; // guarded by g_filesMutex

SharedFiles& shared(const fs::path& db) {
    std::error_code ec;
    const fs::path abs = fs::absolute(db, ec);
    return g_files[(ec ? db : abs).lexically_normal().string()];
}

std::string utcStamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// Writes the database as `db` sees it (the replaced file, still open) to a new file
/// beside `dbPath`, readable by the kiosk's user only. Empty on failure, with `error` set.
fs::path saveAside(sqlite3* db, const fs::path& dbPath, std::string& error) {
    const fs::path dir = dbPath.parent_path().empty() ? fs::path(".") : dbPath.parent_path();
    for (int n = 0; n < 100; ++n) {
        const fs::path to = dir / ("leads-saved-" + utcStamp() + (n ? "-" + std::to_string(n) : "") + ".db");
        const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) continue;
        if (fd < 0) {
            error = "cannot create " + to.string() + ": " + std::strerror(errno);
            return {};
        }
        ::close(fd);
        // VACUUM INTO accepts an empty file: it keeps the mode just set.
        const int rc = query(db, "VACUUM INTO ?1", [&](sqlite3_stmt* st) { sqlite3_bind_text(st, 1, to.c_str(), -1, SQLITE_TRANSIENT); },
                             [](sqlite3_stmt*) {});
        if (rc == SQLITE_DONE) return to;
        error = "writing " + to.string() + " failed: " + sqlite3_errmsg(db);
        std::error_code ec;
        fs::remove(to, ec);
        return {};
    }
    error = "no free file name for the saved copy in " + dir.string();
    return {};
}

/// One column of a lead row: how it is written from a Lead and read back into one.
struct LeadColumn {
    std::string name;
    std::function<void(sqlite3_stmt*, int, const Lead&)> bind; ///< empty: written by SQLite, never inserted
    std::function<void(sqlite3_stmt*, int, Lead&)> read;
};

LeadColumn textColumn(std::string name, std::string Lead::*m) {
    return {std::move(name),
            [m](sqlite3_stmt* st, int i, const Lead& l) {
                sqlite3_bind_text(st, i, (l.*m).c_str(), static_cast<int>((l.*m).size()), SQLITE_TRANSIENT);
            },
            [m](sqlite3_stmt* st, int i, Lead& l) {
                const auto* p = sqlite3_column_text(st, i);
                (l.*m).assign(p ? reinterpret_cast<const char*>(p) : ""); // in place: keeps its memory
            }};
}

LeadColumn textColumn(std::string name, std::string (*get)(const Lead&), void (*set)(Lead&, std::string)) {
    return {std::move(name),
            [get](sqlite3_stmt* st, int i, const Lead& l) {
                const std::string v = get(l);
                sqlite3_bind_text(st, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
            },
            [set](sqlite3_stmt* st, int i, Lead& l) { set(l, text(st, i)); }};
}

LeadColumn intColumn(std::string name, std::int64_t (*get)(const Lead&), void (*set)(Lead&, std::int64_t)) {
    return {std::move(name), [get](sqlite3_stmt* st, int i, const Lead& l) { sqlite3_bind_int64(st, i, get(l)); },
            [set](sqlite3_stmt* st, int i, Lead& l) { set(l, sqlite3_column_int64(st, i)); }};
}

/// Every column of the leads table, in one list: the INSERT, the SELECT and readLead are made from it.
const std::vector<LeadColumn>& leadColumns() {
    static const std::vector<LeadColumn> cols = [] {
        std::vector<LeadColumn> c = {
            textColumn("id", &Lead::id),
            intColumn("created_ms", [](const Lead& l) { return l.createdMs; }, [](Lead& l, std::int64_t v) { l.createdMs = v; }),
            textColumn("kiosk_id", &Lead::kioskId),
            textColumn("event_id", &Lead::eventId),
            textColumn("lang", &Lead::lang),
        };
        for (const auto& f : standardFields()) c.push_back(textColumn(std::string(f.id), f.member));
        const std::vector<LeadColumn> rest = {
            textColumn("sectors", [](const Lead& l) { return jsonArray(l.sectors); },
                       [](Lead& l, std::string v) { l.sectors = fromJsonArray(v.c_str()); }),
            textColumn("exhibitors", [](const Lead& l) { return jsonArray(l.exhibitors); },
                       [](Lead& l, std::string v) { l.exhibitors = fromJsonArray(v.c_str()); }),
            textColumn("answers", [](const Lead& l) { return answersJson(l.answers); },
                       [](Lead& l, std::string v) { l.answers = answersFromJson(v); }),
            textColumn("form_version", &Lead::formVersion),
            textColumn("capture", &Lead::capture),
            textColumn("consent_version", [](const Lead& l) { return l.consent.version; },
                       [](Lead& l, std::string v) { l.consent.version = std::move(v); }),
            textColumn("consent_sha256", [](const Lead& l) { return l.consent.sha256; },
                       [](Lead& l, std::string v) { l.consent.sha256 = std::move(v); }),
            textColumn("consent_lang", [](const Lead& l) { return l.consent.lang; },
                       [](Lead& l, std::string v) { l.consent.lang = std::move(v); }),
            intColumn("consent_ms", [](const Lead& l) { return l.consent.atMs; }, [](Lead& l, std::int64_t v) { l.consent.atMs = v; }),
            intColumn("newsletter", [](const Lead& l) { return std::int64_t(l.newsletter); },
                      [](Lead& l, std::int64_t v) { l.newsletter = v != 0; }),
            textColumn("source", &Lead::source),
            textColumn("payload", [](const Lead& l) { return leadJson(l); }, [](Lead&, std::string) {}),
            {"sync_state", {}, [](sqlite3_stmt* st, int i, Lead& l) { l.syncState = text(st, i); }},
        };
        c.insert(c.end(), rest.begin(), rest.end());
        return c;
    }();
    return cols;
}

std::string joined(bool inserted, const char* sep, bool payload = true) {
    std::string out;
    for (const auto& c : leadColumns())
        if (!inserted || c.bind) out += (out.empty() ? "" : sep) + (payload || c.name != "payload" ? c.name : "NULL");
    return out;
}

} // namespace

std::string leadSelectSql(std::string_view extraColumns, bool payload) {
    static const std::string columns = joined(false, ", "), withoutPayload = joined(false, ", ", false);
    return "SELECT " + (payload ? columns : withoutPayload) + std::string(extraColumns) + " FROM leads";
}

int leadSelectColumns() { return static_cast<int>(leadColumns().size()); }

void readLead(sqlite3_stmt* st, Lead& l) {
    int i = 0;
    for (const auto& c : leadColumns()) c.read(st, i++, l);
}

Lead readLead(sqlite3_stmt* st) {
    Lead l;
    readLead(st, l);
    return l;
}

namespace {
} // namespace

StoreResult migrateTo(sqlite3* db, int version) {
    int current = 0;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        current = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (current > LeadStore::kSchemaVersion)
        return {false, "the lead database is from a newer kiosk version (schema " + std::to_string(current) +
                           "); install that version or newer"};
    for (int v = current; v < version; ++v) {
        // Each step in its own transaction, together with its version number.
        std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[v] + "PRAGMA user_version = " +
                          std::to_string(v + 1) + ";COMMIT;";
        char* err = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            exec(db, "ROLLBACK");
            return {false, "migrating the lead database to schema " + std::to_string(v + 1) + " failed: " + msg};
        }
    }
    return {};
}

FileId fileId(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return {};
    return {static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)};
}

void FileGuard::opened(sqlite3* db) {
    exec(db, "SELECT count(*) FROM sqlite_master");
    std::lock_guard lock(g_filesMutex);
    m_db = fileId(m_path);
    m_wal = fileId(walPath(m_path));
    m_generation = shared(m_path).generation;
}

std::string FileGuard::refusal(const fs::path& dbPath) {
    std::lock_guard lock(g_filesMutex);
    return shared(dbPath).refusal;
}

std::string FileGuard::notice(const fs::path& dbPath) {
    std::lock_guard lock(g_filesMutex);
    return shared(dbPath).notice;
}

StoreResult FileGuard::check(sqlite3* db, bool& reopen) {
    reopen = false;
    std::lock_guard lock(g_filesMutex);
    SharedFiles& sh = shared(m_path);
    if (!sh.refusal.empty()) return {false, sh.refusal};
    if (m_generation != sh.generation) {
        reopen = true; // another connection of this process already rescued the WAL
        return {};
    }
    const FileId dbNow = fileId(m_path), walNow = fileId(walPath(m_path));
    if (dbNow == m_db && walNow == m_wal) return {};
    if (dbNow == m_db) {
        // Only the WAL went. This connection still has the old one open, with every lead
        // committed since the last checkpoint: copy them into leads.db before letting go.
        const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
        if (rc != SQLITE_OK)
            return {false, walPath(m_path).string() + " was removed or replaced while the kiosk ran, and copying its leads into " +
                               m_path.string() + " failed: " + sqlite3_errmsg(db) + "; the kiosk tries again with the next lead"};
        ++sh.generation;
        sh.notice = walPath(m_path).string() + " was removed or replaced while the kiosk ran (" + utcStamp() +
                    "): the leads in it were copied into " + m_path.filename().string() +
                    " and the kiosk carries on with a new WAL file. Nothing was lost; leave the -wal file alone.";
        reopen = true;
        return {};
    }
    // leads.db itself was removed or replaced: this connection writes into a file nobody will
    // read, and opening the new one beside it in this process would mix its WAL with ours.
    std::string error;
    const fs::path saved = saveAside(db, m_path, error);
    const std::string what = m_path.string() + (dbNow == FileId{} ? " was removed" : " was replaced by another file") +
                             " while the kiosk ran";
    if (saved.empty()) return {false, what + "; saving the leads the kiosk held failed (" + error + "), it tries again with the next lead"};
    ++sh.generation;
    sh.refusal = what + ": the leads the kiosk held are saved in " + saved.string() +
                 ". No new leads are stored until the kiosk is restarted (it then uses the file at " + m_path.string() + ").";
    sh.notice = sh.refusal;
    return {false, sh.refusal};
}

LeadStore::~LeadStore() { close(); }

void LeadStore::close() {
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
}

StoreResult LeadStore::fail(const std::string& what) {
    std::string msg = what + ": " + (m_db ? sqlite3_errmsg(m_db) : "cannot open");
    if (m_db && sqlite3_get_autocommit(m_db) == 0) exec(m_db, "ROLLBACK");
    // After an I/O error or a full disk the connection may be unusable: start afresh next time.
    close();
    return {false, msg + " (" + m_path.string() + ")"};
}

StoreResult LeadStore::open() {
    if (m_readOnly) return openReadOnly();
    if (m_db) return {};
    if (auto why = FileGuard::refusal(m_path); !why.empty()) return {false, why};
    std::error_code ec;
    const fs::path dir = m_path.parent_path().empty() ? fs::path(".") : m_path.parent_path();
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return {false, "cannot create the data folder " + dir.string() + ": " + ec.message()};
        ::chmod(dir.c_str(), 0700);
    }
    // Leads are personal data: the file is created readable by the kiosk's user only
    // (SQLite gives the -wal and -shm files the same mode). Only a new file is opened here:
    // closing any descriptor of leads.db drops every POSIX lock this process holds on it,
    // those of the connections already open too, and another process (sqlite3, a backup)
    // then thinks it is the last one and deletes the -wal file they use.
    if (const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0)
        ::close(fd);
    else if (errno != EEXIST)
        return {false, "cannot open " + m_path.string() + ": " + std::strerror(errno)};
    if (sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
        return fail("cannot open the lead database");
    sqlite3_busy_timeout(m_db, 5000);
    // A file from a newer kiosk is refused before anything writes to it.
    {
        const int version = userVersion(m_db);
        if (version > kSchemaVersion) {
            close();
            return {false, m_path.string() + " is from a newer kiosk version (schema " + std::to_string(version) +
                               "); install that version or newer"};
        }
    }
    // Durability is explicit, not left to compile-time defaults.
    if (exec(m_db, "PRAGMA journal_mode=WAL") != SQLITE_OK) return fail("cannot switch to WAL");
    if (exec(m_db, "PRAGMA synchronous=FULL") != SQLITE_OK) return fail("cannot set synchronous=FULL");
    exec(m_db, "PRAGMA foreign_keys=ON");
    if (auto r = migrateTo(m_db, kSchemaVersion); !r) {
        close();
        return r;
    }
    if (m_form) {
        const std::string def = m_form->json();
        const int rc = query(
                m_db, "INSERT OR IGNORE INTO forms (version, definition, first_ms) VALUES (?1, ?2, ?3)",
                [&](sqlite3_stmt* st) {
                    sqlite3_bind_text(st, 1, m_form->version.c_str(), -1, SQLITE_TRANSIENT);
                    sqlite3_bind_text(st, 2, def.c_str(), -1, SQLITE_TRANSIENT);
                    sqlite3_bind_int64(st, 3, static_cast<std::int64_t>(std::time(nullptr)) * 1000);
                },
                [](sqlite3_stmt*) {});
        if (rc != SQLITE_DONE) return fail("keeping the form definition failed");
    }
    m_guard.opened(m_db);
    return {};
}

StoreResult LeadStore::present(const fs::path& dbPath) {
    std::error_code ec;
    if (fs::is_regular_file(dbPath, ec)) return {};
    const fs::path dir = dbPath.parent_path().empty() ? fs::path(".") : dbPath.parent_path();
    return {false, "no lead database at " + dbPath.string() +
                       (fs::is_directory(dir, ec) ? "" : " (the folder " + dir.string() + " does not exist)") +
                       " — check --data-dir"};
}

StoreResult LeadStore::openReadOnly() {
    m_readOnly = true;
    if (m_db) return {};
    if (auto r = present(m_path); !r) return r;
    if (sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
        return fail("cannot open the lead database");
    sqlite3_busy_timeout(m_db, 5000);
    const int version = userVersion(m_db);
    if (version < 0) return fail("cannot read the lead database");
    if (version == kSchemaVersion) return {};
    close();
    if (version > kSchemaVersion)
        return {false, m_path.string() + " is from a newer kiosk version (schema " + std::to_string(version) +
                           "); install that version or newer"};
    if (version == 0) return {false, m_path.string() + " holds no leads (an empty file or not a lead database)"};
    return {false, m_path.string() + " is from an older kiosk version (schema " + std::to_string(version) +
                       "); start the kiosk once (it updates the file), then try again"};
}

StoreResult LeadStore::ready() {
    if (auto r = open(); !r) return r;
    if (m_readOnly) return {};
    bool reopen = false;
    if (auto r = m_guard.check(m_db, reopen); !r) {
        // Keep the connection while its leads are not saved anywhere else.
        if (!FileGuard::refusal(m_path).empty()) close();
        return r;
    }
    if (!reopen) return {};
    close();
    return open();
}

template <class T> StoreRead<T> LeadStore::failRead(const std::string& what) {
    StoreRead<T> r;
    static_cast<StoreResult&>(r) = fail(what);
    return r;
}

namespace {
const std::string& insertSql() {
    static const std::string sql = [] {
        std::string marks;
        for (const auto& c : leadColumns())
            if (c.bind) marks += marks.empty() ? "?" : ",?";
        return "INSERT OR IGNORE INTO leads (" + joined(true, ", ") + ") VALUES (" + marks + ")";
    }();
    return sql;
}

/// Binds every column of `l` to the insert statement and runs it.
int insertRow(sqlite3_stmt* st, const Lead& l) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int i = 0;
    for (const auto& c : leadColumns())
        if (c.bind) c.bind(st, ++i, l);
    return sqlite3_step(st);
}
} // namespace

StoreResult LeadStore::insert(const Lead& l) {
    if (auto r = ready(); !r) return r;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, insertSql().c_str(), -1, &st, nullptr) != SQLITE_OK) return fail("cannot prepare the insert");
    // A single statement in autocommit mode is its own transaction: when step()
    // returns SQLITE_DONE the COMMIT (and its fsync) has happened.
    const int rc = insertRow(st, l);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fail("storing the lead failed");
    return {};
}

StoreResult LeadStore::insertBatch(const std::vector<Lead>& leads) {
    if (auto r = ready(); !r) return r;
    if (exec(m_db, "BEGIN IMMEDIATE") != SQLITE_OK) return fail("cannot start a transaction");
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, insertSql().c_str(), -1, &st, nullptr) != SQLITE_OK) return fail("cannot prepare the insert");
    for (const auto& l : leads)
        if (insertRow(st, l) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return fail("storing the leads failed");
        }
    sqlite3_finalize(st);
    if (exec(m_db, "COMMIT") != SQLITE_OK) return fail("committing the leads failed");
    return {};
}

StoreRead<std::vector<FormDef>> storedForms(sqlite3* db) {
    StoreRead<std::vector<FormDef>> out;
    const int rc =
        query(db, "SELECT version, definition FROM forms ORDER BY first_ms, version", noBind, [&](sqlite3_stmt* st) {
            auto f = formFromJson(text(st, 1));
            if (!f) return;
            // The version the leads were stamped with, not a new hash: a later FormDef::json()
            // (one more key, say) would hash an old definition differently.
            f->version = text(st, 0);
            out.value.push_back(std::move(*f));
        });
    if (rc != SQLITE_DONE) {
        out.ok = false;
        out.error = std::string("reading the form definitions failed: ") + sqlite3_errmsg(db);
    }
    return out;
}

StoreRead<std::vector<FormDef>> LeadStore::forms() {
    if (auto r = ready(); !r) return {r};
    auto out = storedForms(m_db);
    if (!out) return failRead<std::vector<FormDef>>("reading the form definitions failed");
    return out;
}

StoreResult LeadStore::eraseByEmail(const std::string& email, std::int64_t nowMs, std::vector<ErasedLead>& erased) {
    // Compared in C++: SQLite's lower() folds ASCII only, and ZOË@… is zoë@….
    const std::string wanted = foldCase(email);
    return eraseWhere([&](const std::string& e) { return foldCase(e) == wanted; }, emailSha256(email), "kiosk", nowMs,
                      erased);
}

StoreResult LeadStore::eraseByEmailHash(const std::string& hash, std::int64_t nowMs, std::vector<ErasedLead>& erased) {
    return eraseWhere([&](const std::string& e) { return emailSha256(e) == hash; }, hash, "hub", nowMs, erased);
}

StoreResult LeadStore::eraseWhere(const std::function<bool(const std::string&)>& matches, const std::string& hash,
                                  const char* origin, std::int64_t nowMs, std::vector<ErasedLead>& erased) {
    erased.clear();
    if (auto r = ready(); !r) return r;
    if (exec(m_db, "BEGIN IMMEDIATE") != SQLITE_OK) return fail("cannot start a transaction");
    // A damaged page must fail the withdrawal, not erase some of the visitor's leads and report done.
    if (query(m_db, "SELECT id, sync_state = 'synced', email FROM leads", noBind, [&](sqlite3_stmt* st) {
            if (matches(text(st, 2))) erased.push_back({text(st, 0), sqlite3_column_int(st, 1) != 0});
        }) != SQLITE_DONE) {
        erased.clear();
        return fail("reading the leads to erase failed");
    }
    sqlite3_stmt* st = nullptr;
    for (const auto& e : erased) {
        sqlite3_prepare_v2(m_db, "INSERT INTO erasures (lead_id, erased_ms, was_synced) VALUES (?1, ?2, ?3)", -1, &st, nullptr);
        sqlite3_bind_text(st, 1, e.id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, nowMs);
        sqlite3_bind_int(st, 3, e.wasSynced ? 1 : 0);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fail("logging the erasure failed");
        sqlite3_prepare_v2(m_db, "DELETE FROM leads WHERE id = ?1", -1, &st, nullptr);
        sqlite3_bind_text(st, 1, e.id.c_str(), -1, SQLITE_TRANSIENT);
        const int rc2 = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc2 != SQLITE_DONE) return fail("erasing the lead failed");
    }
    // Also with no lead here: the hub and the other kiosks may hold copies all the same.
    sqlite3_prepare_v2(m_db,
                       "INSERT INTO erasure_sync (email_sha256, origin, erased_ms, reported) VALUES (?1, ?2, ?3, 0) "
                       "ON CONFLICT(email_sha256, origin) DO UPDATE SET erased_ms = excluded.erased_ms, reported = 0",
                       -1, &st, nullptr);
    sqlite3_bind_text(st, 1, hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, nowMs);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fail("logging the erasure for the hub failed");
    if (exec(m_db, "COMMIT") != SQLITE_OK) return fail("committing the erasure failed");
    return {};
}

StoreResult LeadStore::unreportedErasures(std::vector<std::string>& own, std::vector<std::string>& done) {
    own.clear();
    done.clear();
    if (auto r = ready(); !r) return r;
    const int rc = query(m_db, "SELECT email_sha256, origin FROM erasure_sync WHERE reported = 0 ORDER BY erased_ms LIMIT 1000",
                         noBind, [&](sqlite3_stmt* st) { (text(st, 1) == "kiosk" ? own : done).push_back(text(st, 0)); });
    if (rc != SQLITE_DONE) return fail("reading the erasures for the hub failed");
    return {};
}

StoreResult LeadStore::markErasuresReported(const std::vector<std::string>& hashes, const char* origin) {
    if (auto r = ready(); !r) return r;
    for (const auto& h : hashes) {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(m_db, "UPDATE erasure_sync SET reported = 1 WHERE email_sha256 = ?1 AND origin = ?2", -1, &st,
                           nullptr);
        sqlite3_bind_text(st, 1, h.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fail("noting the erasures the hub has failed");
    }
    return {};
}

StoreResult LeadStore::purgeSynced(std::int64_t beforeMs, long long& removed) {
    removed = 0;
    if (auto r = ready(); !r) return r;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m_db, "DELETE FROM leads WHERE sync_state = 'synced' AND created_ms < ?1", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, beforeMs);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fail("purging synced leads failed");
    removed = sqlite3_changes(m_db);
    return {};
}

StoreRead<LeadStats> LeadStore::stats(std::int64_t dayStartMs, std::int64_t utcOffsetMs) {
    if (auto r = ready(); !r) return {r};
    StoreRead<LeadStats> out;
    LeadStats& s = out.value;
    int rc = query(
            m_db,
            "SELECT count(*), coalesce(sum(created_ms >= ?1), 0), coalesce(sum(sync_state = 'pending'), 0), "
            "coalesce(sum(sync_state = 'synced'), 0), coalesce(sum(sync_state = 'failed'), 0) FROM leads",
            [&](sqlite3_stmt* st) { sqlite3_bind_int64(st, 1, dayStartMs); },
            [&](sqlite3_stmt* st) {
                s.total = sqlite3_column_int64(st, 0);
                s.today = sqlite3_column_int64(st, 1);
                s.pending = sqlite3_column_int64(st, 2);
                s.synced = sqlite3_column_int64(st, 3);
                s.failed = sqlite3_column_int64(st, 4);
            });
    if (rc == SQLITE_DONE)
        rc = query(m_db, "SELECT j.value, count(*) FROM leads, json_each(leads.exhibitors) AS j GROUP BY j.value ORDER BY j.value",
                   noBind, [&](sqlite3_stmt* st) { s.perExhibitor.emplace_back(text(st, 0), sqlite3_column_int64(st, 1)); });
    if (rc == SQLITE_DONE)
        rc = query(
                m_db, "SELECT ((created_ms + ?2) / 3600000) % 24, count(*) FROM leads WHERE created_ms >= ?1 GROUP BY 1",
                [&](sqlite3_stmt* st) {
                    sqlite3_bind_int64(st, 1, dayStartMs);
                    sqlite3_bind_int64(st, 2, utcOffsetMs);
                },
                [&](sqlite3_stmt* st) {
                    const int h = sqlite3_column_int(st, 0);
                    if (h >= 0 && h < 24) s.perHourToday[static_cast<size_t>(h)] = sqlite3_column_int64(st, 1);
                });
    if (rc != SQLITE_DONE) return failRead<LeadStats>("reading the lead counts failed");
    return out;
}

StoreRead<AnswerCounts> LeadStore::answerCounts(const FormDef& form) {
    if (auto r = ready(); !r) return {r};
    StoreRead<AnswerCounts> out;
    for (const auto& f : form.fields) {
        if (f.kind == FieldKind::YesNo) out.value[f.id] = {{"yes", 0}, {"no", 0}};
        if (f.kind != FieldKind::Choice && f.kind != FieldKind::Multi) continue;
        auto& counts = out.value[f.id];
        for (const auto& o : f.options) counts[o.id] = 0;
    }
    if (out.value.empty()) return out;
    // One pass over the answers column: a multi answer's array counts once per option; a row
    // whose column is not JSON (edited by hand) counts for nothing instead of failing.
    const int rc = query(
            m_db,
            "SELECT j.key, CASE j.type WHEN 'true' THEN 'yes' WHEN 'false' THEN 'no' ELSE coalesce(e.value, j.value) END,"
            " count(DISTINCT leads.rowid)"
            " FROM leads, json_each(CASE WHEN json_valid(leads.answers) THEN leads.answers ELSE '{}' END) AS j"
            " LEFT JOIN json_each(CASE WHEN j.type = 'array' THEN j.value ELSE '[]' END) AS e"
            " WHERE j.type IN ('text', 'true', 'false', 'array') GROUP BY 1, 2",
            noBind, [&](sqlite3_stmt* st) {
                const auto field = out.value.find(text(st, 0));
                if (field == out.value.end()) return;
                const auto option = field->second.find(text(st, 1));
                if (option != field->second.end()) option->second = sqlite3_column_int64(st, 2);
            });
    if (rc != SQLITE_DONE) return failRead<AnswerCounts>("reading the answer counts failed");
    return out;
}

StoreResult LeadStore::addFigures(const std::vector<FigureCount>& counts) {
    if (auto r = ready(); !r) return r;
    if (auto r = core::addFigures(m_db, counts); !r) {
        close(); // as fail(): a full disk may leave the connection unusable
        return {false, r.error + " (" + m_path.string() + ")"};
    }
    return {};
}

StoreRead<std::vector<FigureRow>> LeadStore::figures(const std::string& eventId, bool perHour) {
    if (auto r = ready(); !r) return {r};
    auto out = readFigures(m_db, eventId, perHour);
    if (!out) out.error += " (" + m_path.string() + ")";
    return out;
}

StoreRead<std::optional<Lead>> LeadStore::get(const std::string& id) {
    if (auto r = ready(); !r) return {r};
    StoreRead<std::optional<Lead>> out;
    const int rc = query(
            m_db, leadSelectSql() + " WHERE id = ?",
            [&](sqlite3_stmt* st) { sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT); },
            [&](sqlite3_stmt* st) { out.value = readLead(st); });
    if (rc != SQLITE_DONE) return failRead<std::optional<Lead>>("reading lead " + id + " failed");
    return out;
}

StoreRead<std::vector<Lead>> LeadStore::all() {
    if (auto r = ready(); !r) return {r};
    StoreRead<std::vector<Lead>> out;
    const int rc = query(m_db, leadSelectSql() + " ORDER BY created_ms, id", noBind,
                         [&](sqlite3_stmt* st) { out.value.push_back(readLead(st)); });
    if (rc != SQLITE_DONE) {
        // The leads read before the damaged page stay in `value`: the caller may show them.
        auto partial = std::move(out.value);
        out = failRead<std::vector<Lead>>("reading the leads failed after " + std::to_string(partial.size()) + " of them");
        out.value = std::move(partial);
    }
    return out;
}

StoreRead<long long> LeadStore::count() {
    if (auto r = ready(); !r) return {r};
    StoreRead<long long> out;
    const int rc = query(m_db, "SELECT count(*) FROM leads", noBind, [&](sqlite3_stmt* st) { out.value = sqlite3_column_int64(st, 0); });
    if (rc != SQLITE_DONE) return failRead<long long>("counting the leads failed");
    return out;
}

StoreResult LeadStore::quickCheck() {
    if (auto r = ready(); !r) return r;
    std::string found;
    int lines = 0;
    // A few findings say enough to staff; the full list is for sqlite3 and a technician.
    const int rc = query(m_db, "PRAGMA quick_check(3)", noBind, [&](sqlite3_stmt* st) {
        std::string finding = text(st, 0);
        std::replace(finding.begin(), finding.end(), '\n', ' ');
        found += (lines++ ? "; " : "") + finding;
    });
    if (rc != SQLITE_DONE) return fail("the lead database is damaged (PRAGMA quick_check stopped)");
    if (found == "ok") return {};
    return {false, m_path.string() + " is damaged (PRAGMA quick_check: " + found + ")"};
}

StoreResult LeadStore::probeWrite(std::int64_t nowMs) {
    if (auto r = ready(); !r) return r;
    const int rc = query(
            m_db,
            "INSERT INTO sync_status(key, value) VALUES('store_probe_ms', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&](sqlite3_stmt* st) { sqlite3_bind_text(st, 1, std::to_string(nowMs).c_str(), -1, SQLITE_TRANSIENT); },
            [](sqlite3_stmt*) {});
    if (rc != SQLITE_DONE) return fail("storing into the lead database failed");
    return {};
}

StoreResult LeadStore::checkpoint() {
    if (auto r = ready(); !r) return r;
    // PASSIVE first: it copies without blocking anyone. TRUNCATE then empties the WAL; it
    // holds back writers while it waits for readers, so it waits briefly and tries later.
    sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    sqlite3_busy_timeout(m_db, 100);
    const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(m_db, 5000);
    if (rc == SQLITE_BUSY) return {false, "the lead database is busy; checkpoint postponed"};
    if (rc != SQLITE_OK) return fail("checkpointing the lead database failed");
    return {};
}

std::string LeadStore::integrityCheck() {
    if (auto r = ready(); !r) return r.error;
    std::string out;
    const int rc = query(m_db, "PRAGMA integrity_check", noBind,
                         [&](sqlite3_stmt* st) { out += (out.empty() ? "" : "\n") + text(st, 0); });
    if (rc != SQLITE_DONE) out += (out.empty() ? "" : "\n") + std::string("stopped: ") + sqlite3_errmsg(m_db);
    return out;
}

int LeadStore::schemaVersion() { return ready() ? userVersion(m_db) : -1; }

} // namespace kiosk::core
