// kiosk-hub migrate (kiosk/hub/migrate.*): a hub's SQLite database copied into PostgreSQL (a
// real server, tests/support/pg_server.hpp) and into another SQLite file through the Storage
// interface: every table row for row, the leads byte for byte and in their arrival order, the
// kiosks' credentials still valid; a second run copies nothing twice; a kiosk revoked in the
// source afterwards is revoked in the target too. And: every table of the schema is copied.
#include "hub/credentials.hpp"
#include "hub/migrate.hpp"
#include "hub/pg_storage.hpp"
#include "hub/sqlite_storage.hpp"

#include "../support/hub_backends.hpp"
#include "../support/pg_server.hpp"
#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>

using namespace kiosk::hub;
using kiosk::test::RawDb;
using kiosk::test::TempDir;

namespace {
std::unique_ptr<Storage> openOk(const std::string& database, const std::filesystem::path& sqlitePath = {}) {
    StorageResult r;
    auto s = openStorage(database, sqlitePath, r);
    INFO(r.error);
    REQUIRE(s);
    return s;
}

std::string uuid(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
    return buf;
}

/// A hub that has seen some use: three kiosks (one revoked), 1,503 leads in two batches (more
/// than one batch of the copy), bytes a text column would mangle, a conflict sent twice,
/// a rejection counted twice, a webhook id.
void fill(Storage& s) {
    REQUIRE(s.addKiosk("k1", tokenHash("khub_one"), "whsec_one", 100));
    REQUIRE(s.addKiosk("k2", tokenHash("khub_two"), "whsec_two", 200));
    REQUIRE(s.addKiosk("k3", tokenHash("khub_three"), "whsec_three", 300));
    REQUIRE(s.revokeKiosk("k3"));
    std::vector<LeadOutcome> out;
    std::vector<IncomingLead> first = {{uuid(1), R"({"id":"x","name":"Łukasz Żółć – „quoted“ \"q\" \\"})"},
                                       {uuid(2), std::string("{\"raw\":\"\xff\x00\x01\"}", 12)},
                                       {uuid(3), " {\"spaces\" : 1 } "}};
    REQUIRE(s.storeLeads("k1", first, 1000, out));
    std::vector<IncomingLead> second;
    for (int i = 0; i < 1500; ++i)
        second.push_back({uuid(1000 + (i * 7919) % 1500), "{\"n\":" + std::to_string(i) + "}"});
    REQUIRE(s.storeLeads("k2", second, 2000, out));
    REQUIRE(s.storeLeads("k2", {{uuid(1), "{\"other\":\"bytes\"}"}}, 3000, out));
    REQUIRE(s.storeLeads("k2", {{uuid(1), "{\"other\":\"bytes\"}"}}, 4000, out));
    REQUIRE(out == std::vector<LeadOutcome>{LeadOutcome::Conflict});
    REQUIRE(s.recordRejected("k1", {{"not-a-uuid", "the lead's id is not a UUID"}}, 5000));
    REQUIRE(s.recordRejected("k1", {{"not-a-uuid", "the lead's id is not a UUID"}}, 6000));
    bool fresh = false;
    REQUIRE(s.claimWebhookId("k1", "msg-1", 7000, 0, fresh));
}

/// Every row of `t` with the columns `s` has.
std::vector<Row> rowsOf(Storage& s, TableSpec t, bool sorted) {
    const auto c = s.columns(t.name, t.columns);
    INFO(t.name << ": " << c.error);
    REQUIRE(c);
    std::vector<Row> rows;
    const auto r = s.exportRows(t, [&](const Row& row) { rows.push_back(row); });
    INFO(t.name << ": " << r.error);
    REQUIRE(r);
    if (sorted) std::sort(rows.begin(), rows.end());
    return rows;
}

std::map<std::string, long long> copyOk(Storage& from, Storage& to) {
    std::vector<TableCopy> copies;
    const auto r = copyStorage(from, to, copies);
    INFO(r.error);
    REQUIRE(r);
    REQUIRE(copies.size() == migratedTables().size());
    std::map<std::string, long long> changed;
    for (const auto& c : copies)
        changed[c.table] = c.changed;
    return changed;
}

void migrateInto(Storage& source, const std::function<std::unique_ptr<Storage>()>& connectTarget) {
    fill(source);
    auto target = connectTarget();
    const auto first = copyOk(source, *target);
    CHECK(first.at("kiosks") == 3);
    CHECK(first.at("leads") == 1503);
    CHECK(first.at("conflicts") == 1);
    CHECK(first.at("rejected") == 1);
    CHECK(first.at("webhook_ids") == 1);

    for (const auto& t : migratedTables()) {
        INFO(t.name);
        // The leads in the order they arrived (kiosk-hub leads prints them so); the rest as sets.
        const bool ordered = std::string(t.name) == "leads";
        CHECK(rowsOf(source, t, !ordered) == rowsOf(*target, t, !ordered));
    }
    std::vector<StoredLead> a, b;
    REQUIRE(source.forEachLead([&](const StoredLead& l) { a.push_back(l); }));
    REQUIRE(target->forEachLead([&](const StoredLead& l) { b.push_back(l); }));
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].payload == b[i].payload);
        CHECK(a[i].receivedMs == b[i].receivedMs);
    }
    CHECK(b[1].payload == std::string("{\"raw\":\"\xff\x00\x01\"}", 12));

    // The kiosks' credentials work against the new database: token, secret, revocation, replays.
    std::optional<KioskRecord> k;
    REQUIRE(target->kioskByToken(tokenHash("khub_two"), k));
    REQUIRE(k);
    CHECK(k->id == "k2");
    CHECK(k->secret == "whsec_two");
    CHECK_FALSE(k->revoked);
    REQUIRE(target->kioskByToken(tokenHash("khub_three"), k));
    REQUIRE(k);
    CHECK(k->revoked);
    bool fresh = true;
    REQUIRE(target->claimWebhookId("k1", "msg-1", 7001, 0, fresh));
    CHECK_FALSE(fresh);
    HubCounts cs, ct;
    REQUIRE(source.counts(cs));
    REQUIRE(target->counts(ct));
    CHECK(ct.leads == cs.leads);
    CHECK(ct.conflicts == cs.conflicts);
    CHECK(ct.rejected == 2);
    CHECK(ct.kiosks == 3);

    // Again: nothing is copied twice.
    for (const auto& [table, n] : copyOk(source, *target)) {
        INFO(table);
        CHECK(n == 0);
    }
    CHECK(rowsOf(*target, migratedTables()[1], false).size() == 1503);

    // The old hub went on a little (a kiosk revoked, one more lead): a third run brings just that.
    REQUIRE(source.revokeKiosk("k2"));
    std::vector<LeadOutcome> out;
    REQUIRE(source.storeLeads("k1", {{uuid(99), "{}"}}, 8000, out));
    const auto third = copyOk(source, *target);
    CHECK(third.at("kiosks") == 1);
    CHECK(third.at("leads") == 1);
    CHECK(third.at("conflicts") == 0);
    REQUIRE(target->kioskByToken(tokenHash("khub_two"), k));
    REQUIRE(k);
    CHECK(k->revoked);
}
} // namespace

TEST_CASE("hub migrate: SQLite into PostgreSQL, every table row for row, then nothing twice") {
    auto& server = kiosk::test::PgServer::instance();
    if (!server.unavailable().empty()) {
        if (server.broken()) FAIL(server.unavailable());
        MESSAGE("[test skipped] " << server.unavailable());
        return;
    }
    TempDir dir("hub-migrate");
    auto source = openOk("sqlite:", dir / "old.db");
    const std::string url = server.freshDatabase();
    migrateInto(*source, [&] { return openOk(url); });
}

TEST_CASE("hub migrate: PostgreSQL into SQLite, the same (PostgreSQL's own numbering of the leads stays behind)") {
    const auto pg = kiosk::test::pgBackend();
    if (!pg) return;
    TempDir dir("hub-migrate");
    auto source = pg->connect();
    migrateInto(*source, [&] { return openOk("sqlite:", dir / "new.db"); });
}

TEST_CASE("hub migrate: SQLite into another SQLite file, the same") {
    TempDir dir("hub-migrate");
    auto source = openOk("sqlite:", dir / "old.db");
    migrateInto(*source, [&] { return openOk("sqlite:", dir / "new.db"); });
}

TEST_CASE("hub migrate: every table of the schema is in the list it copies") {
    TempDir dir("hub-migrate");
    openOk("sqlite:", dir / "hub.db");
    RawDb raw(dir / "hub.db");
    std::vector<std::string> tables = raw.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    std::vector<std::string> listed;
    for (const auto& t : migratedTables())
        listed.push_back(t.name);
    std::sort(listed.begin(), listed.end());
    // A table added to the schema but not to migratedTables() (kiosk/hub/migrate.cpp) would be lost in a move.
    CHECK(tables == listed);
}

TEST_CASE("hub migrate: the command refuses a missing file and the config's own database, copying nothing") {
    TempDir dir("hub-migrate");
    HubConfig config;
    config.database = "sqlite:" + (dir / "hub.db").string();
    config.sqlitePath = dir / "hub.db";
    auto target = openOk(config.database, config.sqlitePath);
    std::ostringstream report, errors;
    CHECK(migrateCommand("sqlite:" + (dir / "nothing.db").string(), config, *target, report, errors) == 2);
    CHECK(kiosk::test::contains(errors.str(), "no such file"));
    CHECK_FALSE(std::filesystem::exists(dir / "nothing.db")); // not created by trying
    CHECK(migrateCommand(config.database, config, *target, report, errors) == 2);
    CHECK(kiosk::test::contains(errors.str(), "the database of the config itself"));

    auto old = openOk("sqlite:", dir / "old.db");
    fill(*old);
    old.reset();
    errors.str("");
    CHECK(migrateCommand("sqlite:" + (dir / "old.db").string(), config, *target, report, errors) == 0);
    INFO(report.str() << errors.str());
    CHECK(
        kiosk::test::contains(report.str(), "leads             1503 rows,      1503 copied,         0 there already"));
    CHECK(
        kiosk::test::contains(report.str(), "Done: it now holds 3 kiosks, 1503 leads, 1 conflicts and 2 rejections."));

    RawDb(dir / "old.db").exec("ALTER TABLE doi ADD COLUMN note TEXT");
    errors.str("");
    CHECK(migrateCommand("sqlite:" + (dir / "old.db").string(), config, *target, report, errors) == 1);
    CHECK(errors.str() == "kiosk-hub migrate: the table doi has the column note only in the --from database — add it "
                          "to the database of the config as well (ALTER TABLE doi ADD COLUMN …), or drop it — nothing "
                          "was copied\n");
}

namespace {
void alter(Storage& s, const std::string& sql) {
    const auto r = s.transaction("test-only schema change", [&](SqlTx& tx) { tx.query(sql); });
    INFO(sql << ": " << r.error);
    REQUIRE(r);
}

const TableSpec& table(const std::string& name) {
    const auto& all = migratedTables();
    const auto t = std::find_if(all.begin(), all.end(), [&](const TableSpec& s) { return s.name == name; });
    REQUIRE(t != all.end());
    return *t;
}

// The point of reading the columns from the catalogue: a column the schema gains moves with
// its table, and nothing in migrate.cpp names it.
void addedColumnMoves(const kiosk::test::Backend& b) {
    TempDir dir("hub-migrate");
    auto source = openOk("sqlite:", dir / "old.db");
    auto target = b.connect();
    fill(*source);
    for (Storage* s : {source.get(), target.get()}) {
        alter(*s, "ALTER TABLE kiosks ADD COLUMN stand TEXT");
        alter(*s, "ALTER TABLE kiosks ADD COLUMN weight REAL");
    }
    alter(*source, "UPDATE kiosks SET stand = 'Halle 3, Stand 12', weight = 0.5 WHERE id = 'k2'");
    copyOk(*source, *target);
    const auto rows = rowsOf(*target, table("kiosks"), true);
    CHECK(rows == rowsOf(*source, table("kiosks"), true));
    const auto k2 = std::find_if(rows.begin(), rows.end(), [](const Row& r) { return r.at(0) == "k2"; });
    REQUIRE(k2 != rows.end());
    CHECK(k2->size() == 7);
    CHECK(std::count(k2->begin(), k2->end(), std::optional<std::string>("Halle 3, Stand 12")) == 1);
    CHECK(std::count(k2->begin(), k2->end(), std::optional<std::string>("0.5")) == 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

/// copyStorage fails with a message naming `words`, and the target keeps exactly what it had.
void refused(Storage& source, Storage& target, const std::vector<std::string>& words) {
    const auto kiosksBefore = rowsOf(target, table("kiosks"), true);
    std::vector<TableCopy> copies;
    const auto r = copyStorage(source, target, copies);
    INFO(r.error);
    REQUIRE_FALSE(r);
    for (const auto& w : words)
        CHECK(kiosk::test::contains(lower(r.error), lower(w)));
    CHECK(copies.empty());
    CHECK(rowsOf(target, table("kiosks"), true) == kiosksBefore);
    HubCounts n;
    REQUIRE(target.counts(n));
    CHECK(n.leads == 0);
}

// Never a silent drop: a column on one side only, or of a type migrate cannot copy, stops it
// before the first row moves.
void mismatchedColumnsRefused(const kiosk::test::Backend& b) {
    TempDir dir("hub-migrate");
    auto source = openOk("sqlite:", dir / "old.db");
    auto target = b.connect();
    fill(*source);
    REQUIRE(target->addKiosk("t1", tokenHash("khub_target"), "whsec_target", 50));

    alter(*source, "ALTER TABLE kiosks ADD COLUMN colour TEXT");
    refused(*source, *target, {"the table kiosks has the column colour only in the --from database"});

    alter(*target, "ALTER TABLE kiosks ADD COLUMN colour TEXT");
    alter(*target, "ALTER TABLE web_users ADD COLUMN extra TEXT");
    refused(*source, *target, {"the table web_users has the column extra only in the database of the config"});

    alter(*source, "ALTER TABLE web_users ADD COLUMN extra INTEGER");
    refused(*source, *target,
            {"web_users", "column extra", "as a whole number in the --from database",
             "as text in the database of the config"});

    for (Storage* s : {source.get(), target.get()})
        alter(*s, "ALTER TABLE web_users DROP COLUMN extra");
    alter(*target, "ALTER TABLE erasure_log ADD COLUMN place JSONB");
    refused(*source, *target, {"the table erasure_log has the column place of type \"jsonb\""});
}
} // namespace

HUB_STORAGE_CASE("migrate copies a column added to a table on both sides, with no change to migrate.cpp",
                 addedColumnMoves)
HUB_STORAGE_CASE("migrate refuses a column on one side only, of another type or of an unknown type, copying nothing",
                 mismatchedColumnsRefused)
