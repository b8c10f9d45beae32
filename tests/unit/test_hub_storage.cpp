// kiosk-hub's storage, on both backends: real SQLite files (kiosk/hub/sqlite_storage.*) and a
// real PostgreSQL server started for the tests (kiosk/hub/pg_storage.*, tests/support/
// pg_server.hpp). The same suite runs on each: kiosks, the exactly-once semantics of leads
// (accepted, duplicate: same id, same bytes; conflict: same id, other bytes, the first stays,
// the other is kept aside), rejected counts, two connections inserting the same ids at once,
// replayed webhook ids, the schema version; heartbeats (the latest kept per kiosk) and consent
// texts (never replaced). Then what only SQLite has: the file's mode, WAL.
#include "hub/exhibitors.hpp"
#include "hub/pg_storage.hpp"
#include "hub/sqlite_storage.hpp"

#include "core/leads/lead.hpp"

#include "../support/hub_backends.hpp"
#include "../support/pg_server.hpp"
#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <thread>

using namespace kiosk::hub;
using kiosk::test::RawDb;
using kiosk::test::Backend;
using kiosk::test::openOk;
using kiosk::test::pgBackend;
using kiosk::test::TempDir;

namespace {
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

namespace {
void kiosksAddedFoundRevoked(const Backend& b) {
    auto s = b.connect();
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
    CHECK(k->createdMs == 6);
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
    CHECK(s->ping());
}

void acceptedDuplicateConflict(const Backend& b) {
    auto s = b.connect();
    const std::string odd = std::string("{\"id\":\"x\",\"b\":\"\xC3\xBC\"}\0tail\xFF", 27); // NUL, UTF-8, a stray byte
    const auto first = store(*s, "k1", {{uuid(1), "{\"v\":1}"}, {uuid(2), odd}, {uuid(1), "{\"v\":1}"}});
    CHECK(first == std::vector{LeadOutcome::Accepted, LeadOutcome::Accepted, LeadOutcome::Duplicate});
    const auto second = store(*s, "k1", {{uuid(2), odd}, {uuid(1), "{\"v\":2}"}, {uuid(3), "{}"}});
    CHECK(second == std::vector{LeadOutcome::Duplicate, LeadOutcome::Conflict, LeadOutcome::Accepted});
    // The same conflict again is counted, not kept twice.
    CHECK(store(*s, "k1", {{uuid(1), "{\"v\":2}"}}) == std::vector{LeadOutcome::Conflict});
    // A new id twice in one batch with other bytes: one of them is stored, the other kept aside.
    const auto both = store(*s, "k1", {{uuid(5), "x\"\\,{}"}, {uuid(5), "y"}});
    REQUIRE(std::count(both.begin(), both.end(), LeadOutcome::Accepted) == 1);
    CHECK(std::count(both.begin(), both.end(), LeadOutcome::Conflict) == 1);
    const std::string kept = both[0] == LeadOutcome::Accepted ? "x\"\\,{}" : "y";

    std::vector<StoredLead> all;
    REQUIRE(s->forEachLead([&](const StoredLead& l) { all.push_back(l); }));
    REQUIRE(all.size() == 4);
    CHECK(all[3].payload == kept);
    CHECK(all[0].id == uuid(1));
    CHECK(all[0].payload == "{\"v\":1}"); // the first stays
    CHECK(all[0].kioskId == "k1");
    CHECK(all[0].receivedMs == 1000);
    CHECK(all[1].payload == odd);
    CHECK(all[2].id == uuid(3));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.leads == 4);
    CHECK(c.conflicts == 2);
    REQUIRE(s->addKiosk("k1", "h", "whsec_a", 0));
    std::vector<KioskRecord> list;
    REQUIRE(s->kiosks(list));
    CHECK(list.at(0).leads == 4);
    CHECK(list.at(0).conflicts == 2);
}

void rejectedCounted(const Backend& b) {
    auto s = b.connect();
    REQUIRE(s->recordRejected("k1", {{"a", "the lead has no email"}, {"", "the lead has no id"}}, 1));
    REQUIRE(s->recordRejected("k1", {{"a", "the lead has no email"}}, 2));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.rejected == 3);
    CHECK(c.leads == 0);
}

void concurrentInserts(const Backend& b) {
    b.connect(); // created and migrated before the race
    constexpr int kIds = 300;
    // Connection A sends every lead as "a"; B sends the even ones as "a" too (a lost ack
    // resent) and the odd ones as "b" (a kiosk bug: the same id with other bytes).
    std::vector<std::vector<LeadOutcome>> outcomes(2);
    std::vector<std::string> errors(2);
    std::atomic<int> ready{0};
    auto run = [&](int who) {
        auto s = b.connect();
        ready++;
        while (ready < 2)
            std::this_thread::yield();
        auto& mine = outcomes[static_cast<size_t>(who)];
        for (int batch = 0; batch < kIds; batch += 30) {
            std::vector<IncomingLead> leads;
            for (int i = batch; i < batch + 30; ++i)
                leads.push_back({uuid(i), who == 1 && i % 2 ? "b" + std::to_string(i) : "a" + std::to_string(i)});
            std::vector<LeadOutcome> out;
            if (const auto r = s->storeLeads(who ? "kb" : "ka", leads, 1, out); !r) {
                errors[static_cast<size_t>(who)] = r.error; // doctest's asserts are not for other threads
                return;
            }
            mine.insert(mine.end(), out.begin(), out.end());
        }
    };
    std::thread ta(run, 0), tb(run, 1);
    ta.join();
    tb.join();
    CHECK(errors == std::vector<std::string>(2));
    REQUIRE(outcomes[0].size() == kIds);
    REQUIRE(outcomes[1].size() == kIds);
    std::map<std::string, std::string> stored;
    auto s = b.connect();
    REQUIRE(s->forEachLead([&](const StoredLead& l) { stored[l.id] = l.payload; }));
    CHECK(stored.size() == kIds);
    long long conflicts = 0;
    for (int i = 0; i < kIds; ++i) {
        const LeadOutcome x = outcomes[0][static_cast<size_t>(i)], y = outcomes[1][static_cast<size_t>(i)];
        INFO("id ", i);
        CHECK(((x == LeadOutcome::Accepted) ^ (y == LeadOutcome::Accepted))); // exactly one stored it
        const LeadOutcome loser = x == LeadOutcome::Accepted ? y : x;
        CHECK(loser == (i % 2 ? LeadOutcome::Conflict : LeadOutcome::Duplicate));
        conflicts += loser == LeadOutcome::Conflict;
        // What is stored is what the winner sent.
        const std::string winner = x == LeadOutcome::Accepted ? "a" : (i % 2 ? "b" : "a");
        CHECK(stored[uuid(i)] == winner + std::to_string(i));
    }
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.conflicts == conflicts);
}

void webhookIdsClaimedOnce(const Backend& b) {
    auto s = b.connect();
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

void reopenKeepsEverything(const Backend& b) {
    {
        auto s = b.connect();
        REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
        store(*s, "k1", {{uuid(1), "{}"}});
    }
    auto s = b.connect(); // migrates nothing, loses nothing
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.leads == 1);
    CHECK(c.kiosks == 1);
}
KioskStatus heartbeatAt(std::int64_t receivedMs, std::int64_t offsetMs) {
    return {"{\"at\":" + std::to_string(receivedMs) + "}", receivedMs, offsetMs};
}

kiosk::core::sync::StatusReport withConsent(const std::string& version, const std::string& de, const std::string& en) {
    kiosk::core::sync::StatusReport r;
    r.consent[version]["de"] = de;
    r.consent[version]["en"] = en;
    return r;
}

long long recordStatus(Storage& s, const std::string& kiosk, const KioskStatus& st,
                       const kiosk::core::sync::StatusReport& report) {
    long long variants = -1;
    const auto r = s.recordStatus(kiosk, st, report, variants);
    INFO(r.error);
    REQUIRE(r);
    return variants;
}

void statusKeptLatest(const Backend& b) {
    auto s = b.connect();
    REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
    REQUIRE(s->addKiosk("k2", "hash2", "whsec_b", 5));
    CHECK(recordStatus(*s, "k1", heartbeatAt(1000, -250), {}) == 0);
    std::vector<KioskRecord> list;
    REQUIRE(s->kiosks(list));
    REQUIRE(list.size() == 2);
    REQUIRE(list[0].status);
    CHECK(list[0].status->body == "{\"at\":1000}");
    CHECK(list[0].status->receivedMs == 1000);
    CHECK(list[0].status->clockOffsetMs == -250);
    CHECK_FALSE(list[1].status);
    // A newer one replaces it; an older one (another instance, slower) does not, on another connection too.
    recordStatus(*s, "k1", heartbeatAt(3000, 40), {});
    recordStatus(*b.connect(), "k1", heartbeatAt(2000, 7), {});
    REQUIRE(s->kiosks(list));
    CHECK(list[0].status->receivedMs == 3000);
    CHECK(list[0].status->clockOffsetMs == 40);
    CHECK(list[0].status->body == "{\"at\":3000}");
}

void consentTextsNeverReplaced(const Backend& b) {
    auto s = b.connect();
    REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
    const std::string umlauts = "Ich stimme zu, dass … mich kontaktieren darf\n\nZusammenfassung: „Daten“";
    CHECK(recordStatus(*s, "k1", heartbeatAt(1000, 0), withConsent("v1", umlauts, "I agree")) == 0);
    CHECK(recordStatus(*s, "k1", heartbeatAt(2000, 0), withConsent("v1", umlauts, "I agree")) == 0);
    // The same version with another German text: kept beside the first, counted.
    CHECK(recordStatus(*b.connect(), "k2", heartbeatAt(3000, 0), withConsent("v1", "Anders", "I agree")) == 1);
    // A new version is not a variant.
    CHECK(recordStatus(*s, "k1", heartbeatAt(4000, 0), withConsent("v2", "Neu", "New")) == 0);
    std::vector<ConsentTextRow> rows;
    REQUIRE(s->consentTexts(rows));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].version == "v1");
    CHECK(rows[0].language == "de");
    CHECK(rows[0].text == umlauts); // the first seen, first
    CHECK(rows[0].textSha256 == kiosk::core::sha256Hex(umlauts));
    CHECK(rows[0].firstKioskId == "k1");
    CHECK(rows[0].firstMs == 1000);
    CHECK(rows[0].lastMs == 2000);
    CHECK(rows[0].times == 2);
    CHECK(rows[1].text == "Anders");
    CHECK(rows[1].firstKioskId == "k2");
    CHECK(rows[2].language == "en");
    CHECK(rows[2].times == 3);
    CHECK(rows[3].version == "v2");
}
} // namespace

namespace {
/// The one SQL interface (hub/sql.hpp): parameters of every type, NULL, bytes with NUL and
/// high bytes, RETURNING, affected rows, a rollback when the body throws, a failing statement.
void sqlTransactions(const Backend& b) {
    auto s = b.connect();
    const std::string binary("a\0\xff\x01z", 5);
    auto r = s->transaction("cannot set up", [&](SqlTx& tx) {
        tx.query("CREATE TABLE t(id TEXT PRIMARY KEY, n BIGINT, flag BOOLEAN, data BYTEA, note TEXT)");
        const auto ins =
            tx.query("INSERT INTO t(id, n, flag, data, note) VALUES($1, $2, $3, $4, $5) RETURNING n",
                     {std::string("ä'\"$1"), std::int64_t(-9007199254740993), true, SqlBytes{binary}, nullptr});
        REQUIRE(ins.rows.size() == 1);
        CHECK(ins.rows[0].integer(0) == -9007199254740993);
        CHECK(tx.query("INSERT INTO t(id) VALUES($1) ON CONFLICT DO NOTHING", {std::string("ä'\"$1")}).affected == 0);
    });
    INFO(r.error);
    REQUIRE(r);
    r = s->transaction("cannot read", [&](SqlTx& tx) {
        // $2 before $1: numbered, not positional.
        const auto rows = tx.query("SELECT id, n, flag, data, note FROM t WHERE n = $2 AND id = $1",
                                   {std::string("ä'\"$1"), std::int64_t(-9007199254740993)});
        REQUIRE(rows.rows.size() == 1);
        const auto& row = rows.rows[0];
        CHECK(row.text(0) == "ä'\"$1");
        CHECK(row.boolean(2));
        CHECK(row.text(3) == binary);
        CHECK(row.null(4));
        CHECK(row.text(4).empty());
        CHECK(tx.query("UPDATE t SET flag = $1", {false}).affected == 1);
    });
    INFO(r.error);
    REQUIRE(r);
    r = s->transaction("cannot change", [&](SqlTx& tx) {
        tx.query("DELETE FROM t");
        throw SqlError("changed my mind");
    });
    CHECK_FALSE(r);
    CHECK(r.error == "cannot change: changed my mind");
    r = s->transaction("cannot query", [&](SqlTx& tx) { tx.query("SELECT nope FROM t"); });
    CHECK_FALSE(r);
    CHECK(kiosk::test::contains(r.error, "cannot query: "));
    long long left = -1;
    REQUIRE(b.connect()->transaction("cannot count", [&](SqlTx& tx) {
        const auto rows = tx.query("SELECT count(*), min(CAST(flag AS INTEGER)) FROM t");
        left = rows.rows[0].integer(0);
        CHECK(rows.rows[0].integer(1) == 0);
    }));
    CHECK(left == 1); // the DELETE was rolled back
}
} // namespace

HUB_STORAGE_CASE("one SQL interface: typed parameters, bytes, NULL, RETURNING, rollback on throw", sqlTransactions)
HUB_STORAGE_CASE("a heartbeat is kept as the kiosk's latest; an older one does not replace it", statusKeptLatest)
HUB_STORAGE_CASE("consent texts are kept by version, language and hash; a changed text never replaces the first",
                 consentTextsNeverReplaced)

TEST_CASE("hub storage [sqlite]: a schema 1 file is migrated to the current schema and keeps its leads") {
    TempDir dir("hub-storage");
    const auto path = dir / "hub.db";
    {
        auto s = openOk(path);
        REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
        store(*s, "k1", {{uuid(1), "{}"}});
    }
    {
        RawDb raw(path);
        raw.exec("DROP TABLE kiosk_status; DROP TABLE consent_texts; DROP TABLE exhibitor_links; DROP TABLE web_users; "
                 "DROP TABLE web_sessions; DROP TABLE doi; DROP TABLE erasure_log; DROP TABLE erasure_pending; "
                 "PRAGMA user_version = 1");
    }
    auto s = openOk(path);
    CHECK(s->schemaVersion() == kHubSchemaVersion);
    recordStatus(*s, "k1", heartbeatAt(1000, 0), withConsent("v1", "Ja", "Yes"));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.leads == 1);
}

TEST_CASE("hub storage [postgresql]: a schema 1 database is migrated to the current schema and keeps its leads") {
    const auto b = pgBackend();
    if (!b) return;
    auto& server = kiosk::test::PgServer::instance();
    const std::string url = server.freshDatabase();
    StorageResult r;
    {
        auto s = PgStorage::open(url, r);
        REQUIRE(s);
        REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
        store(*s, "k1", {{uuid(1), "{}"}});
    }
    REQUIRE(server.exec(url, "DROP TABLE kiosk_status; DROP TABLE consent_texts; DROP TABLE exhibitor_links; "
                             "DROP TABLE web_users; DROP TABLE web_sessions; DROP TABLE doi; DROP TABLE erasure_log; "
                             "DROP TABLE erasure_pending; UPDATE hub_schema SET version = 1"));
    auto s = PgStorage::open(url, r);
    INFO(r.error);
    REQUIRE(s);
    CHECK(s->schemaVersion() == kHubSchemaVersion);
    recordStatus(*s, "k1", heartbeatAt(1000, 0), withConsent("v1", "Ja", "Yes"));
    HubCounts c;
    REQUIRE(s->counts(c));
    CHECK(c.leads == 1);
}

HUB_STORAGE_CASE("kiosks are added once, found by token hash, revoked", kiosksAddedFoundRevoked)
HUB_STORAGE_CASE("accepted, duplicate, conflict; the bytes are kept exactly", acceptedDuplicateConflict)
HUB_STORAGE_CASE("rejected leads are counted by kiosk, id and reason", rejectedCounted)
HUB_STORAGE_CASE("two connections inserting the same ids at once store each id once", concurrentInserts)
HUB_STORAGE_CASE("a webhook id is claimed once per kiosk, and forgotten after the window", webhookIdsClaimedOnce)
HUB_STORAGE_CASE("opening again keeps everything", reopenKeepsEverything)

TEST_CASE("hub storage [sqlite]: the conflict row and the payload hash, behind the storage's back") {
    TempDir dir("hub-storage");
    auto s = openOk(dir / "hub.db");
    const std::string odd = "{\"\xC3\xBC\"}";
    store(*s, "k1", {{uuid(1), "{\"v\":1}"}, {uuid(2), odd}});
    store(*s, "k2", {{uuid(1), "{\"v\":2}"}});
    store(*s, "k2", {{uuid(1), "{\"v\":2}"}});
    RawDb raw(dir / "hub.db");
    CHECK(raw.rows("SELECT id, kiosk_id, CAST(payload AS TEXT), times FROM conflicts") ==
          std::vector<std::string>{uuid(1) + "\x1fk2\x1f{\"v\":2}\x1f"
                                             "2"});
    CHECK(raw.rows("SELECT payload_sha256 FROM leads WHERE id = '" + uuid(2) + "'") ==
          std::vector<std::string>{kiosk::core::sha256Hex(odd)});
}

TEST_CASE("hub storage [postgresql]: the schema version; a database from a newer hub is refused") {
    if (!pgBackend()) return;
    auto& server = kiosk::test::PgServer::instance();
    const std::string url = server.freshDatabase();
    StorageResult r;
    auto s = PgStorage::open(url, r);
    REQUIRE(s);
    CHECK(s->schemaVersion() == PgStorage::kSchemaVersion);
    s.reset();
    REQUIRE(server.exec(url, "UPDATE hub_schema SET version = 99"));
    CHECK_FALSE(PgStorage::open(url, r));
    CHECK(kiosk::test::contains(r.error, "schema version 99"));
}

// Exhibitors' links (hub/exhibitors.*): stored as the token's SHA-256 only, found by it while
// not revoked, numbered per company, revoked one by one or all at once.
namespace {
void exhibitorLinksHashedFoundRevoked(const Backend& b) {
    auto s = b.connect();
    const std::string t1 = newExhibitorToken(), t2 = newExhibitorToken(), t3 = newExhibitorToken();
    CHECK(exhibitorTokenShape(t1));
    CHECK(t1.size() == 43); // 256 bits, URL-safe base64
    CHECK(t1 != t2);
    CHECK(exhibitorTokenHash(t1) == kiosk::core::sha256Hex(t1));
    long long n = 0;
    REQUIRE(addExhibitorLink(*s, "acme", "Anna", exhibitorTokenHash(t1), 10, n));
    CHECK(n == 1);
    REQUIRE(addExhibitorLink(*s, "acme", "", exhibitorTokenHash(t2), 11, n));
    CHECK(n == 2);
    REQUIRE(addExhibitorLink(*s, "bolt", "Bob", exhibitorTokenHash(t3), 12, n));
    CHECK(n == 1);
    CHECK_FALSE(addExhibitorLink(*s, "bolt", "again", exhibitorTokenHash(t3), 13, n)); // one hash, one link

    // The database holds no token, in no column.
    REQUIRE(s->transaction("cannot read", [&](SqlTx& tx) {
        for (const auto& row : tx.query("SELECT * FROM exhibitor_links").rows)
            for (size_t i = 0; i < row.size(); ++i)
                for (const auto& t : {t1, t2, t3}) CHECK_FALSE(kiosk::test::contains(row.text(i), t));
    }));

    std::optional<ExhibitorLink> found;
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash(t2), 50, found));
    REQUIRE(found);
    CHECK(found->companyId == "acme");
    CHECK(found->number == 2);
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash("not-a-token"), 51, found));
    CHECK_FALSE(found);
    REQUIRE(exhibitorByToken(*s, t1, 51, found)); // the token itself is not a key
    CHECK_FALSE(found);

    std::vector<ExhibitorLink> links;
    REQUIRE(exhibitorLinks(*s, links));
    REQUIRE(links.size() == 3);
    CHECK(links[0].companyId == "acme");
    CHECK(links[0].label == "Anna");
    CHECK_FALSE(links[0].lastUsedMs);
    CHECK(links[1].lastUsedMs == 50);
    CHECK(links[2].companyId == "bolt");

    long long revoked = 0;
    REQUIRE(revokeExhibitorLinks(*s, "acme", 2, 60, revoked));
    CHECK(revoked == 1);
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash(t2), 61, found));
    CHECK_FALSE(found); // revoked: the same answer as an unknown token
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash(t1), 61, found));
    CHECK(found); // the company's other link still works
    REQUIRE(revokeExhibitorLinks(*s, "acme", 0, 70, revoked));
    CHECK(revoked == 1); // link 2 was revoked before and keeps its time
    REQUIRE(revokeExhibitorLinks(*s, "acme", 0, 80, revoked));
    CHECK(revoked == 0);
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash(t1), 81, found));
    CHECK_FALSE(found);
    REQUIRE(exhibitorByToken(*s, exhibitorTokenHash(t3), 81, found));
    CHECK(found); // another company's link is untouched

    REQUIRE(exhibitorLinks(*b.connect(), links));
    CHECK(links[0].revokedMs == 70);
    CHECK(links[1].revokedMs == 60);
    CHECK_FALSE(links[2].revokedMs);
    REQUIRE(addExhibitorLink(*s, "acme", "", exhibitorTokenHash(newExhibitorToken()), 90, n));
    CHECK(n == 3); // a number is never reused, not after revoking
}

/// A lead chooses a company only by naming it: an empty list chose nobody, and a company whose
/// id is part of another's is not chosen by that one.
void companyChosenOnlyByName(const Backend& b) {
    auto s = b.connect();
    REQUIRE(s->addKiosk("k1", "hash1", "whsec_a", 5));
    store(*s, "k1",
          {{uuid(1), R"({"id":")" + uuid(1) + R"(","email":"a@example.org","exhibitors":[]})"},
           {uuid(2), R"({"id":")" + uuid(2) + R"(","email":"b@example.org","exhibitors":["acme-x"],"note":"acme"})"}});
    bool has = true;
    REQUIRE(companyHasLeads(*s, "acme", has));
    CHECK_FALSE(has);
    store(*s, "k1", {{uuid(3), R"({"id":")" + uuid(3) + R"(","email":"c@example.org","exhibitors":["bolt","acme"]})"}});
    REQUIRE(companyHasLeads(*s, "acme", has));
    CHECK(has);

    // The exhibitor's page and downloads: the same choice, and only its own id in the list.
    HubConfig config;
    std::vector<kiosk::core::Lead> leads;
    std::map<std::string, DoiState> doi;
    REQUIRE(exhibitorLeads(*s, config, "acme", leads, doi));
    REQUIRE(leads.size() == 1);
    CHECK(leads[0].email == "c@example.org");
    CHECK(leads[0].exhibitors == std::vector<std::string>{"acme"});
    REQUIRE(exhibitorLeads(*s, config, "bolt", leads, doi));
    CHECK(leads.size() == 1);
    // With the double opt-in on, "confirmed" (the default) shows none of these unconfirmed leads; "all" does.
    config.doi.enabled = true;
    REQUIRE(exhibitorLeads(*s, config, "acme", leads, doi));
    CHECK(leads.empty());
    config.doi.exhibitorsSeeAll = true;
    REQUIRE(exhibitorLeads(*s, config, "acme", leads, doi));
    CHECK(leads.size() == 1);
}
} // namespace

HUB_STORAGE_CASE("exhibitor links: only the token's SHA-256 is stored; found while not revoked; numbered per company",
                 exhibitorLinksHashedFoundRevoked)
HUB_STORAGE_CASE("a lead chooses an exhibitor only by naming it (an empty list chose nobody); it sees only its own id",
                 companyChosenOnlyByName)
