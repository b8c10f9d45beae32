// The hub's storage backends for unit tests: each suite function runs on a fresh SQLite file
// and on a fresh database of a real PostgreSQL server (skipped, and said so, when none can start).
#pragma once
#include "hub/pg_storage.hpp"
#include "hub/sqlite_storage.hpp"

#include "pg_server.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kiosk::test {

inline std::unique_ptr<hub::SqliteStorage> openOk(const std::filesystem::path& p) {
    hub::StorageResult r;
    auto s = hub::SqliteStorage::open(p, r);
    INFO(r.error);
    REQUIRE(s);
    return s;
}

/// A fresh database of one backend; connect() opens another connection to it.
struct Backend {
    std::string name;
    std::function<std::unique_ptr<hub::Storage>()> connect;
};

inline Backend sqliteBackend(const TempDir& dir) {
    const auto path = dir / "hub.db";
    return {"sqlite", [path]() -> std::unique_ptr<hub::Storage> { return openOk(path); }};
}

/// nullopt (the test says "[test skipped]") when no PostgreSQL server could be started.
inline std::optional<Backend> pgBackend() {
    auto& server = kiosk::test::PgServer::instance();
    if (!server.unavailable().empty()) {
        if (server.broken()) FAIL(server.unavailable());
        MESSAGE("[test skipped] " << server.unavailable());
        return std::nullopt;
    }
    const std::string url = server.freshDatabase();
    return Backend{"postgresql", [url]() -> std::unique_ptr<hub::Storage> {
                       hub::StorageResult r;
                       auto s = hub::PgStorage::open(url, r);
                       INFO(r.error);
                       REQUIRE(s);
                       return s;
                   }};
}

} // namespace kiosk::test

/// One suite for every backend: each function runs on a fresh database.
#define HUB_STORAGE_CASE(title, fn)                                                                                    \
    TEST_CASE("hub storage [sqlite]: " title) {                                                                        \
        kiosk::test::TempDir dir("hub-storage");                                                                       \
        fn(kiosk::test::sqliteBackend(dir));                                                                           \
    }                                                                                                                  \
    TEST_CASE("hub storage [postgresql]: " title) {                                                                    \
        if (const auto b = kiosk::test::pgBackend()) fn(*b);                                                           \
    }
