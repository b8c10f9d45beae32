// kiosk-hub's storage on real SQLite files (kiosk/hub/sqlite_storage.*): the file, its
// schema version, kiosks, and the exactly-once semantics of leads: accepted, duplicate (same
// id, same bytes), conflict (same id, other bytes: the first stays, the other is kept
// aside), rejected counts; two connections inserting the same ids at once; replayed
// webhook ids.
#include "hub/sqlite_storage.hpp"

#include "core/leads/lead.hpp"

#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace kiosk::hub;
using kiosk::test::RawDb;
using kiosk::test::TempDir;

namespace {
std::unique_ptr<SqliteStorage> openOk(const std::filesystem::path& p) {
    StorageResult r;
    auto s = SqliteStorage::open(p, r);
    INFO(r.error);
    REQUIRE(s);
    return s;
}

std::string uuid(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
    return buf;
}

std::vector<LeadOutcome> store(Storage& s, const std::string& kiosk, const std::vector<IncomingLead>& leads) {
    std::vector<LeadOutcome> out;
    const auto r = s.storeLeads(kiosk, leads, 1000, out);
    INFO(r.error);
    REQUIRE(r);
    REQUIRE(out.size() == leads.size());
    return out;
}
} // namespace

TEST_CASE("hub storage: a new file is private, WAL, at the current schema; a newer one is refused") {
    TempDir dir("hub-storage");
    const auto path = dir / "state/hub.db";
    {
        auto s = openOk(path);
        CHECK(s->schemaVersion() == SqliteStorage::kSchemaVersion);
        CHECK(s->ping());
    }
    CHECK(kiosk::test::modeOf(path) == 0600);
    CHECK(kiosk::test::modeOf(path.parent_path()) == 0700);
    {
        RawDb raw(path);
        CHECK(raw.rows("PRAGMA journal_mode") == std::vector<std::string>{"wal"});
    }
    openOk(path); // opening again migrates nothing and keeps it
    {
        RawDb raw(path);
        raw.exec("PRAGMA user_version = 99");
    }
    StorageResult r;
    CHECK_FALSE(SqliteStorage::open(path, r));
    CHECK(kiosk::test::contains(r.error, "schema version 99"));
}

TEST_CASE("hub storage: kiosks are added once, found by token hash, revoked") {
    TempDir dir("hub-storage");
    auto s = openOk(dir / "hub.db");
    CHECK(s->addKiosk("k1", "hash1", "whsec_a", 5));
    CHECK(s->addKiosk("k2", "hash2", "whsec_b", 6));
    const auto again = s->addKiosk("k1", "hash3", "whsec_c", 7);
    CHECK_FALSE(again);
    CHECK(kiosk::test::contains(again.error, "there is a kiosk k1 already"));
    CHECK_FALSE(s->addKiosk("k3", "hash1", "whsec_d", 7)); // a token hash belongs to one kiosk
    std::optional<KioskRecord> k;
    REQUIRE(s->kioskByToken("hash2", k));
    REQUIRE(k);
    CHECK(k->id == "k2");
    CHECK(k->secret == "whsec_b");
    CHECK_FALSE(k->revoked);
    REQUIRE(s->kioskByToken("nope", k));
    CHECK_FALSE(k);
    CHECK(s->revokeKiosk("k2"));
    CHECK_FALSE(s->revokeKiosk("k9"));
    REQUIRE(s->kioskByToken("hash2", k));
    CHECK(k->revoked);
    std::vector<KioskRecord> list;
    REQUIRE(s->kiosks(list));
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == "k1");
    CHECK(list[1].revoked);
}

TEST_CASE("hub storage: accepted, duplicate, conflict; the bytes are kept exactly") {
    TempDir dir("hub-storage");
    auto s = openOk(dir / "hub.db");
    const std::string odd = std::string("{\"id\":\"x\",\"b\":\"\xC3\xBC\"}\0tail", 26); // a NUL and UTF-8 survive
    const auto first = store(*s, "k1", {{uuid(1), "{\"v\":1}"}, {uuid(2), odd}, {uuid(1), "{\"v\":1}"}});
    CHECK(first == std::vector{LeadOutcome::Accepted, LeadOutcome::Accepted, LeadOutcome::Duplicate});
    const auto second = store(*s, "k1", {{uuid(2), odd}, {uuid(1), "{\"v\":2}"}, {uuid(3), "{}"}});
    CHECK(second == std::vector{LeadOutcome::Duplicate, LeadOutcome::Conflict, LeadOutcome::Accepted});
    store(*s, "k2", {{uuid(1), "{\"v\":2}"}}); // the same conflict again is counted, not stored twice

    std::vector<StoredLead> all;
    REQUIRE(s->forEachLead([&](const StoredLead& l) { all.push_back(l); }));
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == uuid(1));
    CHECK(all[0].payload == "{\"v\":1}"); // the first stays
    CHECK(all[1].payload == odd);
    CHECK(all[2].id == uuid(3));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.leads == 3);
    CHECK(c.conflicts == 1);
    RawDb raw(dir / "hub.db");
    CHECK(raw.rows("SELECT id, kiosk_id, CAST(payload AS TEXT), times FROM conflicts") ==
          std::vector<std::string>{uuid(1) + "\x1fk1\x1f{\"v\":2}\x1f" "2"});
    CHECK(raw.rows("SELECT payload_sha256 FROM leads WHERE id = '" + uuid(2) + "'") ==
          std::vector<std::string>{kiosk::core::sha256Hex(odd)});
}

TEST_CASE("hub storage: rejected leads are counted by kiosk, id and reason") {
    TempDir dir("hub-storage");
    auto s = openOk(dir / "hub.db");
    REQUIRE(s->recordRejected("k1", {{"a", "the lead has no email"}, {"", "the lead has no id"}}, 1));
    REQUIRE(s->recordRejected("k1", {{"a", "the lead has no email"}}, 2));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.rejected == 3);
    CHECK(c.leads == 0);
}

TEST_CASE("hub storage: two connections inserting the same ids at once store each id once") {
    TempDir dir("hub-storage");
    const auto path = dir / "hub.db";
    openOk(path);
    constexpr int kIds = 300;
    // Connection A sends every lead as "a"; B sends the even ones as "a" too (a lost ack
    // resent) and the odd ones as "b" (a kiosk bug: the same id with other bytes).
    std::vector<std::vector<LeadOutcome>> outcomes(2);
    std::atomic<int> ready{0};
    auto run = [&](int who) {
        auto s = openOk(path);
        ready++;
        while (ready < 2) std::this_thread::yield();
        for (int batch = 0; batch < kIds; batch += 30) {
            std::vector<IncomingLead> leads;
            for (int i = batch; i < batch + 30; ++i)
                leads.push_back({uuid(i), who == 1 && i % 2 ? "b" + std::to_string(i) : "a" + std::to_string(i)});
            std::vector<LeadOutcome> out;
            const auto r = s->storeLeads(who ? "kb" : "ka", leads, 1, out);
            if (!r) FAIL(r.error);
            outcomes[static_cast<size_t>(who)].insert(outcomes[static_cast<size_t>(who)].end(), out.begin(), out.end());
        }
    };
    std::thread a(run, 0), b(run, 1);
    a.join();
    b.join();
    REQUIRE(outcomes[0].size() == kIds);
    REQUIRE(outcomes[1].size() == kIds);
    RawDb raw(path);
    CHECK(raw.integer("SELECT count(*) FROM leads") == kIds);
    int conflicts = 0;
    for (int i = 0; i < kIds; ++i) {
        const LeadOutcome x = outcomes[0][static_cast<size_t>(i)], y = outcomes[1][static_cast<size_t>(i)];
        INFO("id ", i);
        CHECK(((x == LeadOutcome::Accepted) ^ (y == LeadOutcome::Accepted))); // exactly one stored it
        const LeadOutcome loser = x == LeadOutcome::Accepted ? y : x;
        CHECK(loser == (i % 2 ? LeadOutcome::Conflict : LeadOutcome::Duplicate));
        conflicts += loser == LeadOutcome::Conflict;
        // What is stored is what the winner sent.
        const std::string winner = x == LeadOutcome::Accepted ? "a" : (i % 2 ? "b" : "a");
        CHECK(raw.rows("SELECT CAST(payload AS TEXT) FROM leads WHERE id = '" + uuid(i) + "'") ==
              std::vector<std::string>{winner + std::to_string(i)});
    }
    CHECK(raw.integer("SELECT count(*) FROM conflicts") == conflicts);
}

TEST_CASE("hub storage: a webhook id is claimed once per kiosk, and forgotten after the window") {
    TempDir dir("hub-storage");
    auto s = openOk(dir / "hub.db");
    bool fresh = false;
    REQUIRE(s->claimWebhookId("k1", "m1", 1000, 400, fresh));
    CHECK(fresh);
    REQUIRE(s->claimWebhookId("k1", "m1", 1001, 401, fresh));
    CHECK_FALSE(fresh);
    REQUIRE(s->claimWebhookId("k2", "m1", 1001, 401, fresh));
    CHECK(fresh);
    REQUIRE(s->claimWebhookId("k1", "m1", 2000, 1400, fresh)); // long gone: its timestamp is refused anyway
    CHECK(fresh);
}
