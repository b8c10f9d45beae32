#include "lead_store.hpp"

#include "validation.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
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
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == LeadStore::kSchemaVersion);

std::string jsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> fromJsonArray(const char* s) {
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

const char* kSelect = "SELECT id, created_ms, kiosk_id, event_id, lang, first_name, last_name, email, company, "
                      "job_title, phone, message, sectors, exhibitors, consent_version, consent_sha256, "
                      "consent_lang, consent_ms, newsletter, source, sync_state FROM leads";

Lead readLead(sqlite3_stmt* st) {
    Lead l;
    l.id = text(st, 0);
    l.createdMs = sqlite3_column_int64(st, 1);
    l.kioskId = text(st, 2);
    l.eventId = text(st, 3);
    l.lang = text(st, 4);
    l.firstName = text(st, 5);
    l.lastName = text(st, 6);
    l.email = text(st, 7);
    l.company = text(st, 8);
    l.jobTitle = text(st, 9);
    l.phone = text(st, 10);
    l.message = text(st, 11);
    l.sectors = fromJsonArray(reinterpret_cast<const char*>(sqlite3_column_text(st, 12)));
    l.exhibitors = fromJsonArray(reinterpret_cast<const char*>(sqlite3_column_text(st, 13)));
    l.consent.version = text(st, 14);
    l.consent.sha256 = text(st, 15);
    l.consent.lang = text(st, 16);
    l.consent.atMs = sqlite3_column_int64(st, 17);
    l.newsletter = sqlite3_column_int(st, 18) != 0;
    l.source = text(st, 19);
    l.syncState = text(st, 20);
    return l;
}

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
    if (m_db) return {};
    std::error_code ec;
    const fs::path dir = m_path.parent_path().empty() ? fs::path(".") : m_path.parent_path();
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return {false, "cannot create the data folder " + dir.string() + ": " + ec.message()};
        ::chmod(dir.c_str(), 0700);
    }
    // Leads are personal data: the file is created readable by the kiosk's user only
    // (SQLite gives the -wal and -shm files the same mode).
    const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return {false, "cannot open " + m_path.string() + ": " + std::strerror(errno)};
    ::close(fd);
    if (sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK)
        return fail("cannot open the lead database");
    sqlite3_busy_timeout(m_db, 5000);
    // A file from a newer kiosk is refused before anything writes to it.
    {
        sqlite3_stmt* st = nullptr;
        int version = 0;
        if (sqlite3_prepare_v2(m_db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
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
    return {};
}

namespace {
const char* kInsertSql =
        "INSERT OR IGNORE INTO leads (id, created_ms, kiosk_id, event_id, lang, first_name, last_name, email, "
        "company, job_title, phone, message, sectors, exhibitors, consent_version, consent_sha256, consent_lang, "
        "consent_ms, newsletter, source, payload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

/// Binds every column of `l` to the insert statement and runs it.
int insertRow(sqlite3_stmt* st, const Lead& l) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int i = 0;
    auto bind = [&](const std::string& s) { sqlite3_bind_text(st, ++i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT); };
    bind(l.id);
    sqlite3_bind_int64(st, ++i, l.createdMs);
    for (const auto* s : {&l.kioskId, &l.eventId, &l.lang, &l.firstName, &l.lastName, &l.email, &l.company,
                          &l.jobTitle, &l.phone, &l.message})
        bind(*s);
    bind(jsonArray(l.sectors));
    bind(jsonArray(l.exhibitors));
    bind(l.consent.version);
    bind(l.consent.sha256);
    bind(l.consent.lang);
    sqlite3_bind_int64(st, ++i, l.consent.atMs);
    sqlite3_bind_int(st, ++i, l.newsletter ? 1 : 0);
    bind(l.source);
    bind(leadJson(l));
    return sqlite3_step(st);
}
} // namespace

StoreResult LeadStore::insert(const Lead& l) {
    if (auto r = open(); !r) return r;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, kInsertSql, -1, &st, nullptr) != SQLITE_OK) return fail("cannot prepare the insert");
    // A single statement in autocommit mode is its own transaction: when step()
    // returns SQLITE_DONE the COMMIT (and its fsync) has happened.
    const int rc = insertRow(st, l);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fail("storing the lead failed");
    return {};
}

StoreResult LeadStore::insertBatch(const std::vector<Lead>& leads) {
    if (auto r = open(); !r) return r;
    if (exec(m_db, "BEGIN IMMEDIATE") != SQLITE_OK) return fail("cannot start a transaction");
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, kInsertSql, -1, &st, nullptr) != SQLITE_OK) return fail("cannot prepare the insert");
    for (const auto& l : leads)
        if (insertRow(st, l) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return fail("storing the leads failed");
        }
    sqlite3_finalize(st);
    if (exec(m_db, "COMMIT") != SQLITE_OK) return fail("committing the leads failed");
    return {};
}

StoreResult LeadStore::eraseByEmail(const std::string& email, std::int64_t nowMs, std::vector<ErasedLead>& erased) {
    erased.clear();
    if (auto r = open(); !r) return r;
    if (exec(m_db, "BEGIN IMMEDIATE") != SQLITE_OK) return fail("cannot start a transaction");
    // Compared in C++: SQLite's lower() folds ASCII only, and ZOË@… is zoë@….
    const std::string wanted = foldCase(email);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m_db, "SELECT id, sync_state = 'synced', email FROM leads", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        if (foldCase(text(st, 2)) == wanted) erased.push_back({text(st, 0), sqlite3_column_int(st, 1) != 0});
    sqlite3_finalize(st);
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
    if (exec(m_db, "COMMIT") != SQLITE_OK) return fail("committing the erasure failed");
    return {};
}

StoreResult LeadStore::purgeSynced(std::int64_t beforeMs, long long& removed) {
    removed = 0;
    if (auto r = open(); !r) return r;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m_db, "DELETE FROM leads WHERE sync_state = 'synced' AND created_ms < ?1", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, beforeMs);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fail("purging synced leads failed");
    removed = sqlite3_changes(m_db);
    return {};
}

LeadStats LeadStore::stats(std::int64_t dayStartMs, std::int64_t utcOffsetMs) {
    LeadStats s;
    if (!open()) return s;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, "SELECT count(*), coalesce(sum(created_ms >= ?1), 0), coalesce(sum(sync_state = 'pending'), 0), "
                                 "coalesce(sum(sync_state = 'synced'), 0), coalesce(sum(sync_state = 'failed'), 0) FROM leads",
                           -1, &st, nullptr) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, dayStartMs);
        if (sqlite3_step(st) == SQLITE_ROW) {
            s.total = sqlite3_column_int64(st, 0);
            s.today = sqlite3_column_int64(st, 1);
            s.pending = sqlite3_column_int64(st, 2);
            s.synced = sqlite3_column_int64(st, 3);
            s.failed = sqlite3_column_int64(st, 4);
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(m_db, "SELECT j.value, count(*) FROM leads, json_each(leads.exhibitors) AS j GROUP BY j.value ORDER BY j.value",
                           -1, &st, nullptr) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) s.perExhibitor.emplace_back(text(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(m_db, "SELECT ((created_ms + ?2) / 3600000) % 24, count(*) FROM leads WHERE created_ms >= ?1 GROUP BY 1",
                           -1, &st, nullptr) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, dayStartMs);
        sqlite3_bind_int64(st, 2, utcOffsetMs);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const int h = sqlite3_column_int(st, 0);
            if (h >= 0 && h < 24) s.perHourToday[static_cast<size_t>(h)] = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    return s;
}

std::optional<Lead> LeadStore::get(const std::string& id) {
    if (!open()) return std::nullopt;
    sqlite3_stmt* st = nullptr;
    std::optional<Lead> out;
    if (sqlite3_prepare_v2(m_db, (std::string(kSelect) + " WHERE id = ?").c_str(), -1, &st, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) out = readLead(st);
    }
    sqlite3_finalize(st);
    return out;
}

std::vector<Lead> LeadStore::all() {
    std::vector<Lead> out;
    if (!open()) return out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(m_db, (std::string(kSelect) + " ORDER BY created_ms, id").c_str(), -1, &st, nullptr) ==
        SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) out.push_back(readLead(st));
    sqlite3_finalize(st);
    return out;
}

long long LeadStore::count() {
    if (!open()) return -1;
    sqlite3_stmt* st = nullptr;
    long long n = -1;
    if (sqlite3_prepare_v2(m_db, "SELECT count(*) FROM leads", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

std::string LeadStore::integrityCheck() {
    if (auto r = open(); !r) return r.error;
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(m_db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) out += (out.empty() ? "" : "\n") + text(st, 0);
    sqlite3_finalize(st);
    return out;
}

int LeadStore::schemaVersion() {
    if (!open()) return -1;
    sqlite3_stmt* st = nullptr;
    int v = -1;
    if (sqlite3_prepare_v2(m_db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

} // namespace kiosk::core
