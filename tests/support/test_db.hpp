// A raw SQLite connection of the tests' own, for building old files and looking behind
// the lead store's back (not through its code). Header-only, like test_support.hpp;
// everything lives in kiosk::test.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::test {

/// Runs `sql` (any number of statements); fails the test when SQLite refuses.
inline void execOk(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    INFO(sql, " -> ", msg);
    REQUIRE(rc == SQLITE_OK);
}

/// Every row, every column as text ("<NULL>" for NULL), columns joined by '\x1f'.
inline std::vector<std::string> queryRows(sqlite3* db, const std::string& sql) {
    REQUIRE(db != nullptr);
    sqlite3_stmt* st = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    INFO(sql, " -> ", sqlite3_errmsg(db));
    REQUIRE(rc == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string r;
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            const auto* p = sqlite3_column_text(st, i);
            if (i) r += '\x1f';
            r += p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(st, i))) : "<NULL>";
        }
        out.push_back(r);
    }
    sqlite3_finalize(st);
    return out;
}

/// Every row of the result's first column, joined with '\n'.
inline std::string queryText(sqlite3* db, const std::string& sql) {
    std::string out;
    bool first = true;
    for (const std::string& row : queryRows(db, sql)) {
        out += (first ? "" : "\n") + row.substr(0, row.find('\x1f'));
        first = false;
    }
    return out;
}

inline long long queryInt(sqlite3* db, const std::string& sql) { return std::stoll(queryText(db, sql)); }

class RawDb {
public:
    explicit RawDb(const std::filesystem::path& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
        const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
        INFO("sqlite3_open_v2 ", path.string(), ": ", m_db ? sqlite3_errmsg(m_db) : "out of memory");
        REQUIRE(rc == SQLITE_OK);
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~RawDb() { sqlite3_close_v2(m_db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    sqlite3* get() const { return m_db; }
    void exec(const std::string& sql) { execOk(m_db, sql); }
    std::vector<std::string> rows(const std::string& sql) { return queryRows(m_db, sql); }
    long long integer(const std::string& sql) { return queryInt(m_db, sql); }

private:
    sqlite3* m_db = nullptr;
};

} // namespace kiosk::test
