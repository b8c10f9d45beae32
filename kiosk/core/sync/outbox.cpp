#include "outbox.hpp"

#include "../leads/lead_store.hpp"

#include <sqlite3.h>

#include <system_error>

namespace kiosk::core::sync {

namespace {

struct Stmt {
    sqlite3_stmt* st = nullptr;
    Stmt(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) st = nullptr;
    }
    ~Stmt() { sqlite3_finalize(st); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    explicit operator bool() const { return st != nullptr; }
    void text(int i, const std::string& s) {
        sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    std::string column(int i) const {
        const auto* p = sqlite3_column_text(st, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st, i))) : "";
    }
};

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

bool setStatus(sqlite3* db, const char* k, const std::string& v) {
    Stmt st(db, "INSERT INTO sync_status(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st) return false;
    sqlite3_bind_text(st.st, 1, k, -1, SQLITE_STATIC);
    st.text(2, v);
    return sqlite3_step(st.st) == SQLITE_DONE;
}

} // namespace

Outbox::~Outbox() { close(); }

void Outbox::close() {
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
}

std::string Outbox::fail(const std::string& what) {
    std::string msg = what + ": " + (m_db ? sqlite3_errmsg(m_db) : "cannot open");
    if (m_db && sqlite3_get_autocommit(m_db) == 0) exec(m_db, "ROLLBACK");
    // After an I/O error or a full disk the connection may be unusable: reopen on the next call.
    close();
    return msg;
}

std::string Outbox::open() {
    if (m_db) {
        bool reopen = false;
        if (auto r = m_guard.check(m_db, reopen); !r) {
            if (!FileGuard::refusal(m_path).empty()) close();
            return r.error;
        }
        if (!reopen) return {};
        close();
    }
    {
        // Creates the file with the right mode and brings the schema up to date.
        LeadStore store(m_path);
        if (auto r = store.open(); !r) return "Cannot open the lead database: " + r.error;
    }
    if (sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return fail("Cannot open the lead database " + m_path.string());
    // The UI thread writes on its own connection: wait for its lock rather than fail.
    sqlite3_busy_timeout(m_db, 5000);
    if (!exec(m_db, "PRAGMA synchronous=FULL")) return fail("Cannot set synchronous=FULL on the lead database");
    m_guard.opened(m_db);
    return {};
}

std::optional<std::vector<OutboxLead>> Outbox::nextBatch(int limit, std::string* error) {
    if (auto e = open(); !e.empty()) {
        if (error) *error = e;
        return std::nullopt;
    }
    Stmt st(m_db, "SELECT id, payload FROM leads WHERE sync_state = 'pending' ORDER BY created_ms, id LIMIT ?");
    if (!st) {
        if (error) *error = fail("Cannot read the pending leads");
        return std::nullopt;
    }
    sqlite3_bind_int(st.st, 1, limit);
    std::vector<OutboxLead> out;
    int rc;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) out.push_back({st.column(0), st.column(1)});
    if (rc != SQLITE_DONE) {
        if (error) *error = fail("Cannot read the pending leads");
        return std::nullopt;
    }
    return out;
}

std::optional<int> Outbox::apply(const Ack& ack, std::int64_t nowMs, std::string* error) {
    if (auto e = open(); !e.empty()) {
        if (error) *error = e;
        return std::nullopt;
    }
    const auto bad = [&](const char* what) -> std::optional<int> {
        if (error) *error = fail(what);
        return std::nullopt;
    };
    if (!exec(m_db, "BEGIN IMMEDIATE")) return bad("Cannot record the server's answer in the lead database");
    int changed = 0;
    {
        Stmt synced(m_db, "UPDATE leads SET sync_state = 'synced', sync_error = '', synced_ms = ? "
                          "WHERE id = ? AND sync_state = 'pending'");
        Stmt failed(m_db, "UPDATE leads SET sync_state = 'failed', sync_error = ? WHERE id = ? AND sync_state = 'pending'");
        if (!synced || !failed) return bad("Cannot record the server's answer in the lead database");
        for (const auto& id : ack.synced) {
            sqlite3_reset(synced.st);
            sqlite3_bind_int64(synced.st, 1, nowMs);
            synced.text(2, id);
            if (sqlite3_step(synced.st) != SQLITE_DONE) return bad("Cannot record the server's answer in the lead database");
            changed += sqlite3_changes(m_db);
        }
        for (const auto& [id, reason] : ack.rejected) {
            sqlite3_reset(failed.st);
            failed.text(1, reason);
            failed.text(2, id);
            if (sqlite3_step(failed.st) != SQLITE_DONE) return bad("Cannot record the server's answer in the lead database");
            changed += sqlite3_changes(m_db);
        }
    }
    if (!setStatus(m_db, key::kLastSuccessMs, std::to_string(nowMs)) || !setStatus(m_db, key::kLastError, "") ||
        !setStatus(m_db, key::kCredentialsRefused, "0"))
        return bad("Cannot record the server's answer in the lead database");
    if (!exec(m_db, "COMMIT")) return bad("Cannot record the server's answer in the lead database");
    return changed;
}

bool Outbox::markFailed(const std::vector<std::pair<std::string, std::string>>& leads, std::string* error) {
    if (auto e = open(); !e.empty()) {
        if (error) *error = e;
        return false;
    }
    if (!exec(m_db, "BEGIN IMMEDIATE")) {
        if (error) *error = fail("Cannot mark leads as failed");
        return false;
    }
    {
        Stmt st(m_db, "UPDATE leads SET sync_state = 'failed', sync_error = ? WHERE id = ? AND sync_state = 'pending'");
        for (const auto& [id, reason] : leads) {
            if (st) {
                sqlite3_reset(st.st);
                st.text(1, reason);
                st.text(2, id);
            }
            if (!st || sqlite3_step(st.st) != SQLITE_DONE) {
                if (error) *error = fail("Cannot mark leads as failed");
                return false;
            }
        }
    }
    if (!exec(m_db, "COMMIT")) {
        if (error) *error = fail("Cannot mark leads as failed");
        return false;
    }
    return true;
}

void Outbox::recordError(const std::string& message, bool credentialsRefused, std::int64_t nowMs) {
    if (!open().empty()) return;
    // Best effort: a full disk must not turn a network error into a second error.
    if (!exec(m_db, "BEGIN IMMEDIATE")) return;
    const bool ok = setStatus(m_db, key::kLastError, message) &&
                    setStatus(m_db, key::kLastErrorMs, std::to_string(nowMs)) &&
                    setStatus(m_db, key::kCredentialsRefused, credentialsRefused ? "1" : "0");
    exec(m_db, ok ? "COMMIT" : "ROLLBACK");
}

Result<Counts> Outbox::counts() {
    Result<Counts> out;
    if (auto e = open(); !e.empty()) return {Status::failed(e)};
    Stmt st(m_db, "SELECT sync_state, count(*) FROM leads GROUP BY sync_state");
    if (!st) return {Status::failed(std::string("cannot count the leads: ") + sqlite3_errmsg(m_db))};
    Counts& c = out.value;
    int rc;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
        const std::string state = st.column(0);
        const long long n = sqlite3_column_int64(st.st, 1);
        if (state == "pending") c.pending = n;
        else if (state == "synced") c.synced = n;
        else if (state == "failed") c.failed = n;
    }
    if (rc != SQLITE_DONE) return {Status::failed(std::string("counting the leads failed: ") + sqlite3_errmsg(m_db))};
    return out;
}

Result<std::int64_t> Outbox::lastLeadMs() {
    if (auto e = open(); !e.empty()) return {Status::failed(e)};
    Stmt st(m_db, "SELECT coalesce(max(created_ms), 0) FROM leads");
    if (!st || sqlite3_step(st.st) != SQLITE_ROW)
        return {Status::failed(std::string("reading the last lead's time failed: ") + sqlite3_errmsg(m_db))};
    Result<std::int64_t> out;
    out.value = sqlite3_column_int64(st.st, 0);
    return out;
}

std::optional<std::string> Outbox::status(const char* k) {
    if (!open().empty()) return std::nullopt;
    Stmt st(m_db, "SELECT value FROM sync_status WHERE key = ?");
    if (!st) return std::nullopt;
    sqlite3_bind_text(st.st, 1, k, -1, SQLITE_STATIC);
    if (sqlite3_step(st.st) != SQLITE_ROW) return std::nullopt;
    return st.column(0);
}

std::vector<FailedLead> failedLeads(const std::filesystem::path& dbPath, int limit) {
    std::vector<FailedLead> out;
    std::error_code ec;
    if (!std::filesystem::exists(dbPath, ec)) return out;
    Outbox box(dbPath);
    if (!box.open().empty()) return out;
    Stmt st(box.handle(), "SELECT id, created_ms, sync_error FROM leads WHERE sync_state = 'failed' "
                          "ORDER BY created_ms DESC, id LIMIT ?");
    if (!st) return out;
    sqlite3_bind_int(st.st, 1, limit);
    while (sqlite3_step(st.st) == SQLITE_ROW) out.push_back({st.column(0), sqlite3_column_int64(st.st, 1), st.column(2)});
    return out;
}

} // namespace kiosk::core::sync
