// What exhibitors learn (kiosk/core/leads/figures.*): the anonymous counts in leads.db's
// figures table — sums per event, subject, metric and hour, written through the store keeper's
// thread, kept across a restart, added to a database of the previous schema, holding nothing
// about a person; the heartbeat's "figures" and the export's figures files and XLSX sheet.
#include "core/export/export.hpp"
#include "core/leads/figures.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/store_keeper.hpp"
#include "core/sync/outbox.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/status.hpp"

#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace kiosk::core;
using kiosk::test::contains;
using kiosk::test::readFile;
using kiosk::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kHour = 493'298; // 2026-04-11T02:00Z, any hour will do
constexpr const char* kEvent = "fair-2026";

FigureCount fc(const std::string& subject, Figure f, std::int64_t hour = kHour, long long value = 1) {
    return {kEvent, subject, f, hour, value};
}

struct Db {
    sqlite3* db = nullptr;
    explicit Db(const fs::path& p) { REQUIRE(sqlite3_open(p.c_str(), &db) == SQLITE_OK); }
    ~Db() { sqlite3_close(db); }
    void exec(const std::string& sql) const {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        INFO(sql << ": " << (err ? err : ""));
        sqlite3_free(err);
        REQUIRE(rc == SQLITE_OK);
    }
    /// Every row of a query, its cells joined by '|'.
    std::vector<std::string> rows(const std::string& sql) const {
        std::vector<std::string> out;
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::string r;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const auto* t = sqlite3_column_text(st, i);
                r += (i ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "");
            }
            out.push_back(r);
        }
        sqlite3_finalize(st);
        return out;
    }
};

const FigureRow* rowOf(const std::vector<FigureRow>& rows, const std::string& subject, std::int64_t hour = -1) {
    for (const auto& r : rows)
        if (r.subject == subject && r.hour == hour) return &r;
    return nullptr;
}

Lead leadFor(const std::string& email, std::vector<std::string> exhibitors) {
    Lead l;
    l.id = newUuid();
    l.createdMs = kHour * 3'600'000 + 60'000;
    l.kioskId = "k";
    l.eventId = kEvent;
    l.lang = "de";
    l.firstName = "Zoë";
    l.lastName = "Müller";
    l.email = email;
    l.exhibitors = std::move(exhibitors);
    l.consent = {"v1", sha256Hex("x"), "de", l.createdMs};
    return l;
}

} // namespace

TEST_SUITE("figures") {

    TEST_CASE("figures: counts add up per event, subject, metric and hour; other events are apart") {
        TempDir t;
        LeadStore store(t / "leads.db");
        REQUIRE(store.open().ok);
        REQUIRE(store
                    .addFigures({fc("acme", Figure::ProfileViews), fc("acme", Figure::ProfileViews),
                                 fc("", Figure::ProfileViews, kHour, 2), fc("acme", Figure::ProfileSeconds, kHour, 40),
                                 fc("acme", Figure::ProfileViews, kHour + 1)})
                    .ok);
        REQUIRE(store
                    .addFigures({fc("acme", Figure::ProfileSeconds, kHour, 2),
                                 fc("hydrogen", Figure::SectorFilter),
                                 {"other-event", "acme", Figure::ProfileViews, kHour, 100}})
                    .ok);
        const auto total = store.figures(kEvent);
        REQUIRE(total.ok);
        REQUIRE(total.value.size() == 3);
        CHECK(total.value[0].subject == ""); // the stand first
        const FigureRow* acme = rowOf(total.value, "acme");
        REQUIRE(acme);
        CHECK((*acme)[Figure::ProfileViews] == 3);
        CHECK((*acme)[Figure::ProfileSeconds] == 42);
        CHECK((*acme)[Figure::SignupsStarted] == 0);
        CHECK((*rowOf(total.value, "hydrogen"))[Figure::SectorFilter] == 1);
        const auto hourly = store.figures(kEvent, true);
        REQUIRE(hourly.ok);
        REQUIRE(rowOf(hourly.value, "acme", kHour));
        CHECK((*rowOf(hourly.value, "acme", kHour))[Figure::ProfileViews] == 2);
        CHECK((*rowOf(hourly.value, "acme", kHour + 1))[Figure::ProfileViews] == 1);
        // One row per (event, subject, metric, hour): a sum, never a row per visitor.
        Db raw(t / "leads.db");
        CHECK(raw.rows("SELECT count(*) FROM figures WHERE event_id = 'fair-2026' AND subject = 'acme'") ==
              std::vector<std::string>{"3"});
        for (const Figure f : kFigures)
            CHECK(figureNamed(figureName(f)) == f);
    }

    TEST_CASE("figures: the table holds no personal data and nothing that links a count to a lead") {
        TempDir t;
        LeadStore store(t / "leads.db");
        REQUIRE(store.open().ok);
        const Lead lead = leadFor("zoe@example.com", {"acme"});
        REQUIRE(store.insert(lead).ok);
        REQUIRE(store.addFigures({fc("acme", Figure::SignupsCompleted), fc("", Figure::SignupsCompleted)}).ok);
        Db raw(t / "leads.db");
        // Exactly these columns: no lead id, no time finer than the hour, no visitor.
        CHECK(
            raw.rows("SELECT name, type FROM pragma_table_info('figures') ORDER BY cid") ==
            std::vector<std::string>{"event_id|TEXT", "subject|TEXT", "metric|TEXT", "hour|INTEGER", "value|INTEGER"});
        CHECK(raw.rows("SELECT count(*) FROM pragma_foreign_key_list('figures')") == std::vector<std::string>{"0"});
        for (const auto& row : raw.rows("SELECT * FROM figures")) {
            CAPTURE(row);
            CHECK_FALSE(contains(row, lead.id));
            CHECK_FALSE(contains(row, lead.email));
            CHECK_FALSE(contains(row, std::to_string(lead.createdMs)));
        }
        // Erasing the visitor leaves the counts as they were: they were never theirs.
        std::vector<ErasedLead> erased;
        REQUIRE(store.eraseByEmail(lead.email, lead.createdMs + 1, erased).ok);
        CHECK((*rowOf(store.figures(kEvent).value, "acme"))[Figure::SignupsCompleted] == 1);
    }

    TEST_CASE("figures: a database of the previous schema (4) gets the table, its leads untouched") {
        TempDir t;
        const Lead lead = leadFor("a@example.com", {"acme"});
        {
            Db raw(t / "leads.db");
            REQUIRE(migrateTo(raw.db, 4).ok);
            CHECK(raw.rows("PRAGMA user_version") == std::vector<std::string>{"4"});
            CHECK(raw.rows("SELECT name FROM sqlite_master WHERE name = 'figures'").empty());
        }
        {
            LeadStore old(t / "leads.db");
            // kiosk export reads an older file without migrating it: no figures, no failure.
            Db raw(t / "leads.db");
            const auto none = readFigures(raw.db, kEvent, false);
            CHECK(none.ok);
            CHECK(none.value.empty());
        }
        {
            // A lead stored by the previous version, then the new one opens the file.
            Db raw(t / "leads.db");
            raw.exec("INSERT INTO leads (id, created_ms, kiosk_id, event_id, lang, first_name, last_name, email, "
                     "consent_version, "
                     "consent_sha256, consent_lang, consent_ms, payload) VALUES ('" +
                     lead.id +
                     "', 1, 'k', 'e', 'de', 'Zoë', 'M', "
                     "'a@example.com', 'v1', 'h', 'de', 1, '{}')");
        }
        LeadStore store(t / "leads.db");
        REQUIRE(store.open().ok);
        CHECK(store.schemaVersion() == LeadStore::kSchemaVersion);
        CHECK(store.count().value == 1);
        REQUIRE(store.get(lead.id).value);
        CHECK(store.get(lead.id).value->email == "a@example.com");
        REQUIRE(store.addFigures({fc("acme", Figure::WebsiteQr)}).ok);
        CHECK((*rowOf(store.figures(kEvent).value, "acme"))[Figure::WebsiteQr] == 1);
    }

    TEST_CASE("figures: the store keeper writes them on its own thread, and they survive a restart") {
        TempDir t;
        const fs::path dbPath = t / "leads.db";
        {
            LeadStore ui(dbPath);
            REQUIRE(ui.open().ok);
            StoreKeeper keeper(dbPath, {.tickS = 0.05, .log = {}});
            keeper.start();
            const auto t0 = std::chrono::steady_clock::now();
            keeper.count({fc("acme", Figure::ProfileViews), fc("", Figure::ProfileViews)});
            keeper.count({fc("acme", Figure::ProfileViews)});
            // count() only queues: it returns at once, the thread stores within a tick.
            CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50));
            long long seen = 0;
            for (int i = 0; i < 200 && seen < 2; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                if (auto r = ui.figures(kEvent); r && rowOf(r.value, "acme"))
                    seen = (*rowOf(r.value, "acme"))[Figure::ProfileViews];
            }
            CHECK(seen == 2);
            // Counted just before the kiosk stops: stored on the way out.
            keeper.count({fc("acme", Figure::SignupsAbandoned)});
        } // keeper stops, then the store closes
        LeadStore again(dbPath);
        REQUIRE(again.open().ok);
        const auto r = again.figures(kEvent);
        REQUIRE(r.ok);
        REQUIRE(rowOf(r.value, "acme"));
        CHECK((*rowOf(r.value, "acme"))[Figure::ProfileViews] == 2);
        CHECK((*rowOf(r.value, "acme"))[Figure::SignupsAbandoned] == 1);
        CHECK((*rowOf(r.value, ""))[Figure::ProfileViews] == 1);
    }

    TEST_CASE("figures: counts that cannot be stored wait in memory and are stored once the file is back") {
        TempDir t;
        const fs::path dbPath = t / "leads.db";
        {
            LeadStore s(dbPath);
            REQUIRE(s.open().ok);
        }
        std::vector<std::string> logged;
        std::mutex logMutex;
        {
            Db lock(dbPath);
            lock.exec("BEGIN EXCLUSIVE"); // another writer holds the file (as a full disk would refuse it)
            StoreKeeper keeper(dbPath, {.tickS = 0.05, .log = [&](const std::string& m) {
                                            std::lock_guard g(logMutex);
                                            logged.push_back(m);
                                        }});
            keeper.start();
            keeper.count({fc("acme", Figure::ProfileViews, kHour, 3)});
            std::this_thread::sleep_for(std::chrono::milliseconds(5600)); // past SQLite's busy timeout of 5 s
            lock.exec("COMMIT");
            keeper.count({fc("acme", Figure::ProfileViews)});
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        {
            std::lock_guard g(logMutex);
            CHECK(std::count_if(logged.begin(), logged.end(), [](const std::string& m) {
                      return contains(m, "visit counts could not be stored");
                  }) == 1);
        }
        LeadStore again(dbPath);
        REQUIRE(again.open().ok);
        CHECK((*rowOf(again.figures(kEvent).value, "acme"))[Figure::ProfileViews] == 4);
    }

    TEST_CASE("figures: the heartbeat carries the totals (stand, companies, sectors) and the hub reads them back") {
        TempDir t;
        const fs::path dbPath = t / "leads.db";
        {
            LeadStore store(dbPath);
            REQUIRE(store.open().ok);
            REQUIRE(store
                        .addFigures({fc("", Figure::ProfileViews, kHour, 5),
                                     fc("acme", Figure::ProfileViews, kHour, 3),
                                     fc("acme", Figure::ProfileViews, kHour + 2, 2),
                                     fc("acme", Figure::SignupsCompleted),
                                     fc("hydrogen", Figure::SectorFilter, kHour, 4),
                                     fc("", Figure::SectorFilter, kHour, 4),
                                     {"old-event", "acme", Figure::ProfileViews, kHour, 99}})
                        .ok);
        }
        sync::StatusReport base;
        base.kioskId = "stand-1";
        base.eventId = kEvent;
        sync::Outbox outbox(dbPath);
        const sync::StatusReport r = sync::gatherStatus(base, outbox, t.path(), 10, kHour * 3'600'000);
        const std::string body = sync::buildStatusBody(r);
        const auto j = nlohmann::json::parse(body);
        CHECK(j["figures"]["stand"]["profile_views"] == 5);
        CHECK(j["figures"]["stand"]["sector_filter"] == 4);
        CHECK(j["figures"]["companies"]["acme"]["profile_views"] == 5); // over the event, not one hour
        CHECK(j["figures"]["companies"]["acme"]["signups_completed"] == 1);
        CHECK_FALSE(j["figures"]["companies"]["acme"].contains("signups_started")); // zeros left out
        CHECK(j["figures"]["sectors"]["hydrogen"] == 4);
        CHECK_FALSE(j["figures"]["companies"].contains("hydrogen"));
        std::string why;
        const auto back = sync::parseStatus(body, &why);
        REQUIRE_MESSAGE(back, why);
        CHECK(back->figures == r.figures);
        // Nothing counted yet: no "figures" key, the body of earlier versions.
        CHECK_FALSE(contains(sync::buildStatusBody(base), "figures"));
        // Not counts: refused like any field of the wrong type.
        std::string bad = body;
        bad.replace(bad.find("\"signups_completed\":1"), 21, "\"signups_completed\":\"1\"");
        CHECK_FALSE(sync::parseStatus(bad, &why));
        CHECK(contains(why, "figures.companies.acme signups_completed is not a count"));
        // What the report's one map of subjects could not tell apart again: refused.
        const std::string head = R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","figures":)";
        CHECK_FALSE(sync::parseStatus(head + R"({"companies":{"":{"profile_views":1}}}})", &why));
        CHECK(contains(why, "empty company id"));
        CHECK_FALSE(sync::parseStatus(head + R"({"companies":{"acme":{"sector_filter":1}}}})", &why));
        CHECK(contains(why, "figures.companies.acme.sector_filter is a sector's figure"));
        CHECK_FALSE(sync::parseStatus(head + R"({"sectors":{"":3}}})", &why));
        CHECK(contains(why, "figures.sectors holds an empty name"));
    }

    TEST_CASE("figures: each exhibitor's export has its own figures, the organiser's all; XLSX gets a second sheet") {
        TempDir t;
        const fs::path dbPath = t / "leads.db";
        {
            LeadStore store(dbPath);
            REQUIRE(store.open().ok);
            REQUIRE(store.insert(leadFor("a@example.com", {"acme"})).ok);
            REQUIRE(
                store
                    .addFigures({fc("", Figure::ProfileViews, kHour, 9), fc("acme", Figure::ProfileViews, kHour, 3),
                                 fc("acme", Figure::ProfileViews, kHour + 1, 4),
                                 fc("acme", Figure::ProfileSeconds, kHour, 61), fc("globex", Figure::SignupsAbandoned),
                                 fc("hydrogen", Figure::SectorFilter, kHour, 2)})
                    .ok);
        }
        fs::create_directory(t / "stick");
        ExportOptions o;
        o.headerLang = Lang::En;
        o.delimiter = ',';
        const ExportResult r = exportForStand(dbPath, {"acme", "globex"}, kEvent, o, t / "stick", kHour * 3'600'000);
        INFO(r.error);
        REQUIRE(r.ok);
        const fs::path dir = r.files.front().path.parent_path();
        const std::string acme = readFile(dir / "exhibitor-acme-figures.csv");
        CHECK(acme == "\xEF\xBB\xBF"
                      "Hour (UTC),Exhibitor or sector,Profile views,Seconds on the profile (sum),Profile visits "
                      "timed,Website QR shown,"
                      "Sign-ups started,Sign-ups completed,Sign-ups abandoned\r\n"
                      "total,acme,7,61,0,0,0,0,0\r\n"
                      "2026-04-11T02:00:00.000Z,acme,3,61,0,0,0,0,0\r\n"
                      "2026-04-11T03:00:00.000Z,acme,4,0,0,0,0,0,0\r\n");
        CHECK_FALSE(contains(acme, "globex"));
        CHECK_FALSE(contains(acme, "whole stand"));
        CHECK(contains(readFile(dir / "exhibitor-globex-figures.csv"), "total,globex,0,0,0,0,0,0,1\r\n"));
        const std::string all = readFile(dir / "figures.csv");
        CHECK(contains(all, ",Sector filter used\r\n"));
        CHECK(contains(all, "total,whole stand,9,"));
        CHECK(contains(all, "total,acme,7,"));
        CHECK(contains(all, "total,hydrogen,0,0,0,0,0,0,0,2\r\n"));
        CHECK_FALSE(contains(all, "a@example.com"));
        for (const auto& f : r.files)
            if (contains(f.path.filename().string(), "figures")) CHECK(f.leads == 0);
        // The table the CSV and the XLSX sheet are made from, in German: a total and one row per hour.
        LeadStore store(dbPath);
        const auto hourly = store.figures(kEvent, true);
        REQUIRE(hourly.ok);
        const auto table = figuresTable(hourly.value, "acme", Lang::De);
        REQUIRE(table.size() == 4);
        CHECK(table[0][0] == "Stunde (UTC)");
        CHECK(table[0][2] == "Profil angesehen");
        CHECK(table[1][0] == "gesamt");
    }

} // TEST_SUITE

TEST_CASE("figures: what counting costs: the frame's call and the keeper's write") {
    TempDir t;
    const fs::path dbPath = t / "leads.db";
    {
        LeadStore s(dbPath);
        REQUIRE(s.open().ok);
    }
    StoreKeeper keeper(dbPath, {.tickS = 0.05, .log = {}});
    keeper.start();
    // What the frame loop pays per count: a lock and a map update, never the disk.
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 10'000; ++i)
        keeper.count({fc("acme", Figure::ProfileViews), fc("", Figure::ProfileViews)});
    const double perCallUs =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 10'000;
    CHECK(perCallUs < 100);
    // One write of a busy hour's worth of rows (every company, every metric), in one transaction.
    std::vector<FigureCount> many;
    for (int c = 0; c < 100; ++c)
        for (const Figure f : kFigures)
            many.push_back(fc("company-" + std::to_string(c), f));
    LeadStore direct(dbPath);
    const auto t1 = std::chrono::steady_clock::now();
    REQUIRE(direct.addFigures(many).ok);
    const double writeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    MESSAGE("count(): " << perCallUs << " µs a call; storing " << many.size() << " rows: " << writeMs << " ms");
    keeper.stop();
    CHECK((*rowOf(direct.figures(kEvent).value, "acme"))[Figure::ProfileViews] == 10'000);
}
