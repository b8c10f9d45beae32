// Unit tests of the lead (core/leads/lead) and of LeadStore (core/leads/lead_store)
// on real SQLite files in fresh temp dirs: round trips, idempotent inserts, file
// modes, durability pragmas, migrations from every earlier schema, refusal of a
// newer file, write failures and a full disk (a 1 MiB tmpfs, when running as root).
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/store_keeper.hpp"
#include "core/sync/outbox.hpp"
#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using kiosk::test::RawDb;
using kiosk::test::TempDir;
using kiosk::test::contains;
using kiosk::test::execOk;
using kiosk::test::inChild;
using kiosk::test::modeOf;
using kiosk::test::queryInt;
using kiosk::test::queryText;
using kiosk::test::TmpfsMount;
using kiosk::test::readFile;
using namespace kiosk::core;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

/// PRAGMA integrity_check through a connection of our own (not the store's code).
std::string rawIntegrity(const fs::path& db) {
    RawDb raw(db, SQLITE_OPEN_READWRITE);
    return queryText(raw.get(), "PRAGMA integrity_check");
}

/// The file is sound: both through the store and through a connection of our own.
void checkIntegrity(LeadStore& store) {
    CHECK(store.integrityCheck() == "ok");
    CHECK(rawIntegrity(store.path()) == "ok");
}

constexpr std::int64_t kBaseMs = 1779874200000; // 2026-05-27T09:30:00.000Z

/// A lead with every field set, umlauts, CJK, an emoji, quotes and line breaks included.
Lead sampleLead(int n) {
    Lead l;
    l.id = newUuid();
    l.createdMs = kBaseMs + n * 1000LL + 123;
    l.kioskId = "kiosk-01";
    l.eventId = "fair-2026";
    l.lang = n % 2 ? "en" : "de";
    l.firstName = "Zo\xC3\xAB";
    l.lastName = "M\xC3\xBCller-L\xC3\xBC" "denscheidt " + std::to_string(n);
    l.email = "zoe." + std::to_string(n) + "@example.com";
    l.company = "ACME \"Quotes\" & Co. GmbH";
    l.jobTitle = "Head of Sales";
    l.phone = "+49 30 1234567";
    l.message = "Line one\nGr\xC3\xBC\xC3\x9F" "e, \xE7\x8E\x8B, \xF0\x9F\x98\x80, 'single', \\backslash";
    l.sectors = {"energy", "mobility"};
    l.exhibitors = {"acme", "globex", "initech"};
    l.consent.version = "2026-05";
    l.consent.sha256 = sha256Hex("I agree " + std::to_string(n));
    l.consent.lang = l.lang;
    l.consent.atMs = l.createdMs - 4321;
    l.newsletter = n % 2 == 0;
    l.source = n % 3 == 0 ? "synthetic" : "kiosk";
    return l;
}

void checkSameLead(const Lead& got, const Lead& want) {
    CAPTURE(want.id);
    CHECK(got.id == want.id);
    CHECK(got.createdMs == want.createdMs);
    CHECK(got.kioskId == want.kioskId);
    CHECK(got.eventId == want.eventId);
    CHECK(got.lang == want.lang);
    CHECK(got.firstName == want.firstName);
    CHECK(got.lastName == want.lastName);
    CHECK(got.email == want.email);
    CHECK(got.company == want.company);
    CHECK(got.jobTitle == want.jobTitle);
    CHECK(got.phone == want.phone);
    CHECK(got.message == want.message);
    CHECK(got.sectors == want.sectors);
    CHECK(got.exhibitors == want.exhibitors);
    CHECK(got.consent.version == want.consent.version);
    CHECK(got.consent.sha256 == want.consent.sha256);
    CHECK(got.consent.lang == want.consent.lang);
    CHECK(got.consent.atMs == want.consent.atMs);
    CHECK(got.newsletter == want.newsletter);
    CHECK(got.source == want.source);
    CHECK(got.syncState == want.syncState);
}

void checkStored(LeadStore& store, const Lead& want) {
    const auto got = store.get(want.id).value;
    REQUIRE(got.has_value());
    checkSameLead(*got, want);
}

std::string sqlQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

/// Inserts a lead with the columns of schema version 1 (payload included), as a v1 kiosk did.
void insertV1(sqlite3* db, const Lead& l) {
    const std::string sql =
        "INSERT INTO leads (id, created_ms, kiosk_id, event_id, lang, first_name, last_name, email, company, "
        "job_title, phone, message, sectors, exhibitors, consent_version, consent_sha256, consent_lang, consent_ms, "
        "newsletter, source, payload) VALUES (" +
        sqlQuote(l.id) + "," + std::to_string(l.createdMs) + "," + sqlQuote(l.kioskId) + "," + sqlQuote(l.eventId) +
        "," + sqlQuote(l.lang) + "," + sqlQuote(l.firstName) + "," + sqlQuote(l.lastName) + "," + sqlQuote(l.email) +
        "," + sqlQuote(l.company) + "," + sqlQuote(l.jobTitle) + "," + sqlQuote(l.phone) + "," + sqlQuote(l.message) +
        "," + sqlQuote(nlohmann::json(l.sectors).dump()) + "," + sqlQuote(nlohmann::json(l.exhibitors).dump()) + "," +
        sqlQuote(l.consent.version) + "," + sqlQuote(l.consent.sha256) + "," + sqlQuote(l.consent.lang) + "," +
        std::to_string(l.consent.atMs) + "," + (l.newsletter ? "1" : "0") + "," + sqlQuote(l.source) + "," +
        sqlQuote(leadJson(l)) + ")";
    execOk(db, sql);
}

/// Sets the umask for one scope.
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t m) : m_old(::umask(m)) {}
    ~ScopedUmask() { ::umask(m_old); }
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;

private:
    mode_t m_old;
};

} // namespace

// =============================================================================================
TEST_SUITE("lead") {

TEST_CASE("newUuid gives random version 4 UUIDs, 10000 of them unique") {
    const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    std::vector<std::set<char>> perPosition(36);
    for (int i = 0; i < 10000; ++i) {
        const std::string u = newUuid();
        CAPTURE(u);
        REQUIRE(u.size() == 36);
        REQUIRE(std::regex_match(u, shape));
        CHECK(u[14] == '4');                                // version nibble
        CHECK(std::string("89ab").find(u[19]) != std::string::npos); // RFC 4122 variant bits 10xx
        for (size_t k = 0; k < u.size(); ++k) perPosition[k].insert(u[k]);
        seen.insert(u);
    }
    CHECK(seen.size() == 10000);
    // Every random hex digit takes all 16 values over 10000 UUIDs; the variant digit its 4.
    for (size_t k = 0; k < 36; ++k) {
        CAPTURE(k);
        if (k == 8 || k == 13 || k == 18 || k == 23) CHECK(perPosition[k] == std::set<char>{'-'});
        else if (k == 14) CHECK(perPosition[k] == std::set<char>{'4'});
        else if (k == 19) CHECK(perPosition[k].size() == 4);
        else CHECK(perPosition[k].size() == 16);
    }
}

TEST_CASE("sha256Hex matches the FIPS 180-2 test vectors") {
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(sha256Hex("abc").size() == 64);
}

TEST_CASE("isoUtc formats UTC with milliseconds") {
    struct Case {
        std::int64_t ms;
        const char* iso;
    };
    const Case cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {999, "1970-01-01T00:00:00.999Z"},
        {1000, "1970-01-01T00:00:01.000Z"},
        {1010, "1970-01-01T00:00:01.010Z"},
        {1100, "1970-01-01T00:00:01.100Z"},
        {kBaseMs, "2026-05-27T09:30:00.000Z"},
        {kBaseMs + 123, "2026-05-27T09:30:00.123Z"},
        {946684799999, "1999-12-31T23:59:59.999Z"},
        {946684800000, "2000-01-01T00:00:00.000Z"},
        {1709251199999, "2024-02-29T23:59:59.999Z"},
        {1709251200000, "2024-03-01T00:00:00.000Z"},
        {2208988800007, "2040-01-01T00:00:00.007Z"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.ms);
        CHECK(isoUtc(c.ms) == std::string(c.iso));
    }
}

TEST_CASE("leadJson is the same bytes for the same lead") {
    const Lead a = sampleLead(1);
    const Lead b = a; // a copy: same content, different object
    CHECK(leadJson(a) == leadJson(a));
    CHECK(leadJson(a) == leadJson(b));
    Lead c = a;
    c.syncState = "synced"; // sync state is not part of the payload
    CHECK(leadJson(c) == leadJson(a));
    Lead d = a;
    d.message += "!"; // but every stored field is
    CHECK(leadJson(d) != leadJson(a));
}

TEST_CASE("leadJson is valid JSON with sorted keys and every stored field") {
    const Lead l = sampleLead(2);
    const std::string text = leadJson(l);
    CAPTURE(text);
    REQUIRE(nlohmann::json::accept(text));

    // Keys sorted at every level: parse keeping the order of the text.
    const auto ordered = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (const auto& item : ordered.items()) keys.push_back(item.key());
    CHECK(std::is_sorted(keys.begin(), keys.end()));
    CHECK(keys == std::vector<std::string>{"answers", "capture", "company", "consent", "created_at", "email", "event_id", "exhibitors",
                                           "first_name", "form_version", "id", "job_title", "kiosk_id", "language", "last_name",
                                           "message", "newsletter", "phone", "sectors", "source"});
    std::vector<std::string> consentKeys;
    for (const auto& item : ordered["consent"].items()) consentKeys.push_back(item.key());
    CHECK(consentKeys == std::vector<std::string>{"given_at", "language", "text_sha256", "version"});

    const auto j = nlohmann::json::parse(text);
    CHECK(j["id"] == l.id);
    CHECK(j["created_at"] == "2026-05-27T09:30:02.123Z");
    CHECK(j["kiosk_id"] == l.kioskId);
    CHECK(j["event_id"] == l.eventId);
    CHECK(j["language"] == l.lang);
    CHECK(j["first_name"] == l.firstName);
    CHECK(j["last_name"] == l.lastName);
    CHECK(j["email"] == l.email);
    CHECK(j["company"] == l.company);
    CHECK(j["job_title"] == l.jobTitle);
    CHECK(j["phone"] == l.phone);
    CHECK(j["message"] == l.message);
    CHECK(j["sectors"] == l.sectors);
    CHECK(j["exhibitors"] == l.exhibitors);
    CHECK(j["consent"]["version"] == l.consent.version);
    CHECK(j["consent"]["text_sha256"] == l.consent.sha256);
    CHECK(j["consent"]["language"] == l.consent.lang);
    CHECK(j["consent"]["given_at"] == "2026-05-27T09:29:57.802Z");
    CHECK(j["newsletter"] == l.newsletter);
    CHECK(j["newsletter"].is_boolean());
    CHECK(j["source"] == l.source);
    CHECK_FALSE(j.contains("sync_state"));
    CHECK_FALSE(j.contains("syncState"));
}

TEST_CASE("leadJson keeps umlauts, CJK and emoji as UTF-8, not as escapes") {
    Lead l = sampleLead(3);
    l.firstName = "Zo\xC3\xAB";
    l.lastName = "M\xC3\xBCller";
    const std::string text = leadJson(l);
    CHECK(contains(text, "\"first_name\":\"Zo\xC3\xAB\""));
    CHECK(contains(text, "\"last_name\":\"M\xC3\xBCller\""));
    CHECK(contains(text, "Gr\xC3\xBC\xC3\x9F" "e"));
    CHECK(contains(text, "\xE7\x8E\x8B"));
    CHECK(contains(text, "\xF0\x9F\x98\x80"));
    CHECK_FALSE(contains(text, "\\u00"));
    // JSON escapes what it must: the line break, the quotes and the backslash.
    CHECK(contains(text, "Line one\\nGr"));
    CHECK(contains(text, "ACME \\\"Quotes\\\" & Co. GmbH"));
    CHECK(contains(text, "\\\\backslash"));
    CHECK(text.find('\n') == std::string::npos); // one line: a JSON Lines record
}

TEST_CASE("leadJson of an empty lead is still valid and complete") {
    const Lead l;
    const std::string text = leadJson(l);
    REQUIRE(nlohmann::json::accept(text));
    const auto j = nlohmann::json::parse(text);
    CHECK(j.size() == 20);
    CHECK(j["sectors"].is_array());
    CHECK(j["exhibitors"].is_array());
    CHECK(j["created_at"] == "1970-01-01T00:00:00.000Z");
    CHECK(j["source"] == "kiosk");
    CHECK(j["newsletter"] == false);
}

} // TEST_SUITE lead

// =============================================================================================
TEST_SUITE("lead_store") {

TEST_CASE("LeadStore round trip of every field through get and all, also after reopening") {
    TempDir t;
    const fs::path db = t / "data" / "leads.db";
    std::vector<Lead> leads;
    for (int n = 0; n < 5; ++n) leads.push_back(sampleLead(n));
    // An edge case lead: optional fields empty, no sectors, newsletter off, large and negative-free times.
    Lead sparse = sampleLead(5);
    sparse.company = sparse.jobTitle = sparse.phone = sparse.message = "";
    sparse.sectors.clear();
    sparse.exhibitors = {"only-one"};
    sparse.newsletter = false;
    leads.push_back(sparse);
    {
        LeadStore store(db);
        REQUIRE(store.open());
        // Inserted in reverse order: all() sorts by creation time.
        for (auto it = leads.rbegin(); it != leads.rend(); ++it) {
            const auto r = store.insert(*it);
            INFO(r.error);
            REQUIRE(r.ok);
        }
        CHECK(store.count().value == static_cast<long long>(leads.size()));
        for (const auto& l : leads) checkStored(store, l);
        const auto all = store.all().value;
        REQUIRE(all.size() == leads.size());
        for (size_t i = 0; i < leads.size(); ++i) checkSameLead(all[i], leads[i]);
        CHECK_FALSE(store.get("00000000-0000-4000-8000-000000000000").value.has_value());
        CHECK_FALSE(store.get("").value.has_value());
        // The queued payload is the exact leadJson of the lead.
        for (const auto& l : leads)
            CHECK(queryText(store.handle(), "SELECT payload FROM leads WHERE id = " + sqlQuote(l.id)) == leadJson(l));
        checkIntegrity(store);
    }
    LeadStore again(db);
    CHECK(again.count().value == static_cast<long long>(leads.size()));
    const auto all = again.all().value;
    REQUIRE(all.size() == leads.size());
    for (size_t i = 0; i < leads.size(); ++i) checkSameLead(all[i], leads[i]);
    checkIntegrity(again);
}

TEST_CASE("LeadStore open is safe to call twice and the store opens lazily") {
    TempDir t;
    LeadStore store(t / "leads.db");
    CHECK(store.handle() == nullptr);
    CHECK(store.path() == t / "leads.db");
    REQUIRE(store.open());
    sqlite3* first = store.handle();
    CHECK(first != nullptr);
    REQUIRE(store.open());
    CHECK(store.handle() == first);
    LeadStore lazy(t / "lazy.db");
    CHECK(lazy.count().value == 0); // any call opens it
    CHECK(fs::exists(t / "lazy.db"));
    checkIntegrity(store);
}

TEST_CASE("LeadStore stores the same id only once and returns ok both times") {
    TempDir t;
    LeadStore store(t / "leads.db");
    const Lead l = sampleLead(7);
    REQUIRE(store.insert(l));
    const auto second = store.insert(l);
    INFO(second.error);
    CHECK(second.ok);
    CHECK(store.count().value == 1);
    // A retry with the same id never changes what is queued.
    Lead changed = l;
    changed.message = "a different message";
    changed.email = "other@example.com";
    CHECK(store.insert(changed).ok);
    CHECK(store.count().value == 1);
    checkStored(store, l);
    CHECK(queryText(store.handle(), "SELECT payload FROM leads") == leadJson(l));
    // A different id is a different lead.
    Lead other = l;
    other.id = newUuid();
    CHECK(store.insert(other).ok);
    CHECK(store.count().value == 2);
    checkIntegrity(store);
}

TEST_CASE("LeadStore creates the data folder 0700 and the database 0600") {
    TempDir t;
    const ScopedUmask umask0(0); // the modes must not depend on the umask
    const fs::path dir = t / "data";
    const fs::path db = dir / "leads.db";
    LeadStore store(db);
    REQUIRE(store.open());
    CHECK(modeOf(dir) == 0700u);
    CHECK(modeOf(db) == 0600u);
    REQUIRE(store.insert(sampleLead(1)));
    // While the store is open in WAL mode its -wal and -shm files exist: the same mode.
    for (const char* suffix : {"-wal", "-shm"}) {
        const fs::path side = db.string() + suffix;
        CAPTURE(side.string());
        if (fs::exists(side)) CHECK(modeOf(side) == 0600u);
    }
    checkIntegrity(store);
}

TEST_CASE("LeadStore sets journal_mode WAL and synchronous FULL on its connection") {
    TempDir t;
    LeadStore store(t / "leads.db");
    REQUIRE(store.open());
    CHECK(queryText(store.handle(), "PRAGMA journal_mode") == "wal");
    CHECK(queryInt(store.handle(), "PRAGMA synchronous") == 2);
    // The file itself is in WAL mode: another connection sees it too.
    RawDb raw(store.path());
    CHECK(queryText(raw.get(), "PRAGMA journal_mode") == "wal");
    checkIntegrity(store);
}

TEST_CASE("LeadStore writes the current schema version with its tables") {
    TempDir t;
    LeadStore store(t / "leads.db");
    REQUIRE(store.open());
    CHECK(store.schemaVersion() == LeadStore::kSchemaVersion);
    CHECK(queryInt(store.handle(), "PRAGMA user_version") == LeadStore::kSchemaVersion);
    // Later schema versions may add tables and indexes: these must be there.
    const std::string objects =
        "\n" + queryText(store.handle(), "SELECT name FROM sqlite_master ORDER BY name") + "\n";
    for (const char* name : {"leads", "erasures", "leads_created", "leads_sync"}) {
        CAPTURE(name);
        CHECK(contains(objects, std::string("\n") + name + "\n"));
    }
    const std::string columns = queryText(store.handle(), "SELECT name FROM pragma_table_info('leads') ORDER BY cid");
    for (const char* c : {"id", "created_ms", "payload", "sync_state", "sync_error", "synced_ms"}) {
        CAPTURE(c);
        CHECK(contains("\n" + columns + "\n", std::string("\n") + c + "\n"));
    }
    REQUIRE(store.insert(sampleLead(1)));
    CHECK(queryText(store.handle(), "SELECT sync_state || '|' || sync_error || '|' || ifnull(synced_ms, 'null') "
                                    "FROM leads") == "pending||null");
    checkIntegrity(store);
}

TEST_CASE("LeadStore migrates a file from every earlier schema version, rows intact") {
    for (int v = 0; v < LeadStore::kSchemaVersion; ++v) {
        CAPTURE(v);
        TempDir t;
        const fs::path db = t / "leads.db";
        std::vector<Lead> old;
        {
            RawDb raw(db);
            const auto r = migrateTo(raw.get(), v);
            INFO(r.error);
            REQUIRE(r.ok);
            REQUIRE(queryInt(raw.get(), "PRAGMA user_version") == v);
            if (v >= 1) {
                for (int n = 0; n < 4; ++n) old.push_back(sampleLead(n));
                old[1].company = old[1].jobTitle = old[1].phone = old[1].message = "";
                old[1].sectors.clear();
                for (const auto& l : old) insertV1(raw.get(), l);
                REQUIRE(queryInt(raw.get(), "SELECT count(*) FROM leads") == 4);
            }
        }
        LeadStore store(db);
        const auto opened = store.open();
        INFO(opened.error);
        REQUIRE(opened.ok);
        CHECK(store.schemaVersion() == LeadStore::kSchemaVersion);
        CHECK(queryText(store.handle(), "PRAGMA journal_mode") == "wal");
        CHECK(store.count().value == static_cast<long long>(old.size()));
        for (const auto& l : old) {
            checkStored(store, l); // syncState "pending" is the new column's default
            CHECK(queryText(store.handle(), "SELECT payload FROM leads WHERE id = " + sqlQuote(l.id)) == leadJson(l));
            CHECK(queryText(store.handle(), "SELECT sync_state || '|' || sync_error || '|' || "
                                            "ifnull(synced_ms, 'null') FROM leads WHERE id = " +
                                                sqlQuote(l.id)) == "pending||null");
        }
        CHECK(queryInt(store.handle(), "SELECT count(*) FROM erasures") == 0);
        checkIntegrity(store);
        // The migrated store takes new leads.
        const Lead fresh = sampleLead(99);
        REQUIRE(store.insert(fresh));
        CHECK(store.count().value == static_cast<long long>(old.size()) + 1);
        checkStored(store, fresh);
        checkIntegrity(store);
    }
}

TEST_CASE("migrateTo goes step by step and is idempotent") {
    TempDir t;
    RawDb raw(t / "leads.db");
    for (int v = 0; v <= LeadStore::kSchemaVersion; ++v) {
        CAPTURE(v);
        REQUIRE(migrateTo(raw.get(), v).ok);
        CHECK(queryInt(raw.get(), "PRAGMA user_version") == v);
        REQUIRE(migrateTo(raw.get(), v).ok); // again: nothing to do
        CHECK(queryInt(raw.get(), "PRAGMA user_version") == v);
    }
    CHECK(queryText(raw.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("a failed migration step leaves the file at its earlier version") {
    TempDir t;
    const fs::path db = t / "leads.db";
    const Lead l = sampleLead(1);
    {
        RawDb raw(db);
        REQUIRE(migrateTo(raw.get(), 1).ok);
        insertV1(raw.get(), l);
        // Something in the way of step 2: the table it creates already exists.
        execOk(raw.get(), "CREATE TABLE erasures (x)");
    }
    {
        LeadStore store(db);
        const auto r = store.open();
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "schema 2"));
        CHECK_FALSE(store.insert(sampleLead(2)).ok);
    }
    RawDb raw(db);
    CHECK(queryInt(raw.get(), "PRAGMA user_version") == 1);
    // Step 2's ALTER TABLEs were rolled back with it.
    CHECK(queryInt(raw.get(), "SELECT count(*) FROM pragma_table_info('leads') WHERE name = 'sync_state'") == 0);
    CHECK(queryInt(raw.get(), "SELECT count(*) FROM leads") == 1);
    CHECK(queryText(raw.get(), "SELECT payload FROM leads") == leadJson(l));
    CHECK(queryText(raw.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("a file with a newer schema version is refused with a clear error") {
    TempDir t;
    const fs::path db = t / "leads.db";
    const int newer = LeadStore::kSchemaVersion + 1;
    {
        RawDb raw(db);
        execOk(raw.get(), "PRAGMA journal_mode=WAL"); // as a newer kiosk would have left it
        execOk(raw.get(), "CREATE TABLE leads (id TEXT PRIMARY KEY, future TEXT)");
        execOk(raw.get(), "INSERT INTO leads VALUES ('a', 'from the future')");
        execOk(raw.get(), "PRAGMA user_version = " + std::to_string(newer));
    }
    const std::string before = readFile(db);
    REQUIRE_FALSE(before.empty());
    {
        RawDb direct(db);
        const auto r = migrateTo(direct.get(), LeadStore::kSchemaVersion);
        CHECK_FALSE(r.ok);
    }
    {
        LeadStore store(db);
        const auto r = store.open();
        CAPTURE(r.error);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "newer"));
        CHECK(contains(r.error, "schema " + std::to_string(newer)));
        CHECK(store.handle() == nullptr);
        const auto ins = store.insert(sampleLead(1));
        CHECK_FALSE(ins.ok);
        CHECK(contains(ins.error, "newer"));
        CHECK_FALSE(store.count().ok);
        CHECK(store.all().value.empty());
        CHECK(store.schemaVersion() == -1);
    }
    CHECK(readFile(db) == before); // untouched
    RawDb raw(db);
    CHECK(queryInt(raw.get(), "PRAGMA user_version") == newer);
    CHECK(queryText(raw.get(), "SELECT future FROM leads") == "from the future");
    CHECK(queryText(raw.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("a newer file in rollback journal mode is left untouched") {
    // open() switches the file to WAL before migrateTo() checks the version, so a refused file is
    // still rewritten (header bytes 18 and 19 go from 1 to 2).
    TempDir t;
    const fs::path db = t / "leads.db";
    {
        RawDb raw(db);
        execOk(raw.get(), "CREATE TABLE leads (id TEXT PRIMARY KEY)");
        execOk(raw.get(), "PRAGMA user_version = " + std::to_string(LeadStore::kSchemaVersion + 1));
    }
    const std::string before = readFile(db);
    {
        LeadStore store(db);
        CHECK_FALSE(store.open().ok);
    }
    const std::string after = readFile(db);
    CHECK(after.size() == before.size());
    CHECK(after == before);
    RawDb raw(db);
    CHECK(queryText(raw.get(), "PRAGMA journal_mode") == "delete");
}

TEST_CASE("a write failure on the open connection stores nothing and the store recovers") {
    TempDir t;
    const fs::path db = t / "data" / "leads.db";
    LeadStore store(db);
    std::vector<Lead> earlier;
    for (int n = 0; n < 3; ++n) {
        earlier.push_back(sampleLead(n));
        REQUIRE(store.insert(earlier.back()));
    }
    // Works as root too (chmod does not stop root): the connection refuses every write.
    execOk(store.handle(), "PRAGMA query_only=1");
    const Lead lost = sampleLead(10);
    const auto r = store.insert(lost);
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
    CHECK(contains(r.error, db.string())); // names the file
    // Nothing stored, the earlier leads intact.
    CHECK_FALSE(store.get(lost.id).value.has_value());
    CHECK(store.count().value == 3);
    for (const auto& l : earlier) checkStored(store, l);
    checkIntegrity(store);
    // The cause is gone with the connection: the next insert works, durably configured again.
    const auto again = store.insert(lost);
    INFO(again.error);
    CHECK(again.ok);
    CHECK(store.count().value == 4);
    checkStored(store, lost);
    CHECK(queryInt(store.handle(), "PRAGMA synchronous") == 2);
    CHECK(queryText(store.handle(), "PRAGMA journal_mode") == "wal");
    checkIntegrity(store);
}

TEST_CASE("a data folder replaced by a file fails with the file named and recovers when it is back") {
    TempDir t;
    const fs::path dir = t / "data";
    const fs::path db = dir / "leads.db";
    std::vector<Lead> earlier;
    {
        LeadStore store(db);
        for (int n = 0; n < 3; ++n) {
            earlier.push_back(sampleLead(n));
            REQUIRE(store.insert(earlier.back()));
        }
    }
    fs::rename(dir, t / "data.away");
    { std::ofstream(dir) << "not a folder"; }
    LeadStore store(db);
    const Lead lost = sampleLead(10);
    const auto r = store.insert(lost);
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, db.string()));
    CHECK_FALSE(store.count().ok);
    CHECK_FALSE(store.get(earlier[0].id).value.has_value());
    CHECK(store.integrityCheck() != "ok");
    // The cause goes away: the same store object recovers.
    fs::remove(dir);
    fs::rename(t / "data.away", dir);
    CHECK(store.count().value == 3);
    CHECK_FALSE(store.get(lost.id).value.has_value()); // nothing was stored
    for (const auto& l : earlier) checkStored(store, l);
    const auto again = store.insert(lost);
    INFO(again.error);
    CHECK(again.ok);
    CHECK(store.count().value == 4);
    checkIntegrity(store);
}

TEST_CASE("a data folder that cannot be created is reported with its name") {
    TempDir t;
    { std::ofstream(t / "blocker") << "a file where a folder should be"; }
    const fs::path db = t / "blocker" / "sub" / "leads.db";
    LeadStore store(db);
    const auto r = store.open();
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, (t / "blocker").string()));
    CHECK_FALSE(store.insert(sampleLead(1)).ok);
}

TEST_CASE("a read-only database file and folder fail the insert and the store recovers") {
    if (::geteuid() == 0) SKIP_TEST("running as root, chmod does not stop root (the query_only and folder tests cover this)");
    TempDir t;
    const fs::path dir = t / "data";
    const fs::path db = dir / "leads.db";
    const Lead first = sampleLead(1);
    {
        LeadStore store(db);
        REQUIRE(store.insert(first));
    }
    fs::permissions(db, fs::perms::owner_read, fs::perm_options::replace);
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec, fs::perm_options::replace);
    LeadStore store(db);
    const Lead lost = sampleLead(2);
    const auto r = store.insert(lost);
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, db.string()));
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    CHECK(store.count().value == 1);
    CHECK_FALSE(store.get(lost.id).value.has_value());
    checkStored(store, first);
    CHECK(store.insert(lost).ok);
    CHECK(store.count().value == 2);
    checkIntegrity(store);
}

TEST_CASE("a full database (max_page_count) fails the insert, stores nothing and recovers") {
    TempDir t;
    LeadStore store(t / "leads.db");
    std::vector<Lead> earlier;
    for (int n = 0; n < 3; ++n) {
        earlier.push_back(sampleLead(n));
        REQUIRE(store.insert(earlier.back()));
    }
    const long long pages = queryInt(store.handle(), "PRAGMA page_count");
    execOk(store.handle(), "PRAGMA max_page_count = " + std::to_string(pages));
    Lead big = sampleLead(10);
    big.message = std::string(64 * 1024, 'x'); // needs new pages
    const auto r = store.insert(big);
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, "full"));
    CHECK(contains(r.error, store.path().string()));
    CHECK_FALSE(store.get(big.id).value.has_value());
    CHECK(store.count().value == 3);
    for (const auto& l : earlier) checkStored(store, l);
    checkIntegrity(store);
    const auto again = store.insert(big);
    INFO(again.error);
    CHECK(again.ok);
    checkStored(store, big);
    CHECK(store.count().value == 4);
    checkIntegrity(store);
}

TEST_CASE("2000 leads are inserted, counted and read back") {
    TempDir t;
    LeadStore store(t / "leads.db");
    constexpr int kLeads = 2000;
    std::set<std::string> ids;
    for (int n = 0; n < kLeads; ++n) {
        const Lead l = sampleLead(n);
        const auto r = store.insert(l);
        if (!r.ok) {
            INFO(r.error);
            REQUIRE(r.ok);
        }
        ids.insert(l.id);
    }
    REQUIRE(ids.size() == static_cast<size_t>(kLeads));
    CHECK(store.count().value == kLeads);
    const auto all = store.all().value;
    REQUIRE(all.size() == static_cast<size_t>(kLeads));
    std::set<std::string> readBack;
    for (const auto& l : all) readBack.insert(l.id);
    CHECK(readBack == ids);
    CHECK(std::is_sorted(all.begin(), all.end(),
                         [](const Lead& a, const Lead& b) { return a.createdMs < b.createdMs; }));
    CHECK(all.front().lastName == "M\xC3\xBCller-L\xC3\xBC" "denscheidt 0");
    CHECK(all.back().lastName == "M\xC3\xBCller-L\xC3\xBC" "denscheidt 1999");
    checkIntegrity(store);
    LeadStore again(t / "leads.db");
    CHECK(again.count().value == kLeads);
}

TEST_CASE("a full disk (1 MiB tmpfs) fails the insert, keeps every acknowledged lead and recovers") {
    if (::geteuid() != 0) SKIP_TEST("not root, cannot mount a tmpfs");
    TempDir t;
    const fs::path mnt = t / "tmpfs";
    fs::create_directory(mnt);
    TmpfsMount mount(mnt, "size=1m,mode=0700");
    if (!mount.mounted()) SKIP_TEST("mount -t tmpfs failed: " << mount.error());
    // A filler written first, to free space later.
    const fs::path filler = mnt / "filler.bin";
    {
        std::ofstream out(filler, std::ios::binary);
        const std::string block(300 * 1024, 'f');
        out.write(block.data(), static_cast<std::streamsize>(block.size()));
        out.flush();
        REQUIRE(out.good());
    }
    const fs::path db = mnt / "data" / "leads.db";
    {
        LeadStore store(db);
        REQUIRE(store.open());
        std::vector<std::string> acknowledged;
        std::string failedId, failedError;
        Lead failedLead;
        const std::string message(2048, 'm');
        for (int n = 0; n < 2000; ++n) { // bounded: 1 MiB holds far fewer
            Lead l = sampleLead(n);
            l.message = message;
            const auto r = store.insert(l);
            if (r.ok) {
                acknowledged.push_back(l.id);
            } else {
                failedLead = l;
                failedError = r.error;
                break;
            }
        }
        CAPTURE(acknowledged.size());
        CAPTURE(failedError);
        REQUIRE_FALSE(failedLead.id.empty()); // the disk did fill up
        MESSAGE("disk full after " << acknowledged.size() << " leads: " << failedError);
        CHECK(acknowledged.size() > 10);
        CHECK_FALSE(failedError.empty());
        CHECK(contains(failedError, db.string()));

        // Still full: another try fails the same way and stores nothing.
        const auto stillFull = store.insert(failedLead);
        CHECK_FALSE(stillFull.ok);

        // Every acknowledged lead is there, the failed one is not, the file is sound.
        CHECK(store.count().value == static_cast<long long>(acknowledged.size()));
        for (const auto& id : acknowledged) {
            CAPTURE(id);
            CHECK(store.get(id).value.has_value());
        }
        CHECK_FALSE(store.get(failedLead.id).value.has_value());
        std::set<std::string> stored;
        for (const auto& l : store.all().value) stored.insert(l.id);
        CHECK(stored == std::set<std::string>(acknowledged.begin(), acknowledged.end()));
        checkIntegrity(store);

        // Space comes back: the store recovers.
        REQUIRE(fs::remove(filler));
        const auto again = store.insert(failedLead);
        INFO(again.error);
        CHECK(again.ok);
        CHECK(store.count().value == static_cast<long long>(acknowledged.size()) + 1);
        checkStored(store, failedLead);
        checkIntegrity(store);
    } // the store is closed before the tmpfs is unmounted
}

// ---------------------------------------------------------------------------------------------
// The lead database tells the truth: damaged pages, read-only commands, the WAL

namespace {

/// 2,001 leads, all in leads.db itself (checkpointed), then the first bytes of six pages
/// in the middle of the file overwritten: the b-tree page headers there are garbage.
std::vector<Lead> damagedFile(const fs::path& db) {
    std::vector<Lead> leads;
    for (int n = 0; n < 2001; ++n) leads.push_back(sampleLead(n));
    {
        LeadStore store(db);
        REQUIRE(store.insertBatch(leads));
        REQUIRE(store.checkpoint());
    }
    const auto pages = static_cast<long>(fs::file_size(db) / 4096);
    REQUIRE(pages > 100);
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    const std::string garbage(64, '\xa5');
    for (long p = pages / 2; p < pages / 2 + 6; ++p) {
        f.seekp(p * 4096);
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    return leads;
}

/// Waits up to `seconds` for `done`.
bool waitFor(const std::function<bool()>& done, double seconds = 10) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

/// What a StoreKeeper logs, collected from its thread.
class Journal {
public:
    std::function<void(const std::string&)> sink() {
        return [this](const std::string& m) {
            std::lock_guard lock(m_mutex);
            m_lines.push_back(m);
        };
    }
    std::vector<std::string> lines() const {
        std::lock_guard lock(m_mutex);
        return m_lines;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
};

/// The ids in `db` as a fresh machine would read them: the file and its -wal (if any) copied
/// to a folder of their own, without the -shm index that a crashed process left behind.
std::set<std::string> idsOnDisk(const fs::path& db) {
    TempDir fresh("fresh");
    const fs::path copy = fresh / "leads.db";
    fs::copy_file(db, copy);
    if (fs::exists(db.string() + "-wal")) fs::copy_file(db.string() + "-wal", copy.string() + "-wal");
    RawDb raw(copy);
    std::set<std::string> ids;
    for (const auto& id : raw.rows("SELECT id FROM leads")) ids.insert(id);
    CHECK(raw.rows("PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    return ids;
}

} // namespace

TEST_CASE("a file damaged in the middle: every read says so, none returns a shorter list or a zero") {
    TempDir t;
    const fs::path db = t / "leads.db";
    const auto leads = damagedFile(db);
    for (const bool readOnly : {false, true}) {
        CAPTURE(readOnly);
        LeadStore store(db);
        if (readOnly) REQUIRE(store.openReadOnly());
        const auto all = store.all();
        CAPTURE(all.error);
        CHECK_FALSE(all.ok);
        CHECK(all.value.size() < leads.size()); // what could be read is kept for the caller
        CHECK(contains(all.error, db.string()));
        CHECK(contains(all.error, "after " + std::to_string(all.value.size()) + " of them"));
        CHECK_FALSE(store.stats(0, 0).ok);
        const auto q = store.quickCheck();
        CAPTURE(q.error);
        CHECK_FALSE(q.ok);
        CHECK(contains(q.error, db.string()));
        CHECK(contains(q.error, "damaged"));
        CHECK_FALSE(contains(q.error, "\n"));
        // A stored lead is read or its read fails: never reported missing.
        int failed = 0;
        for (const auto& l : leads) {
            const auto g = store.get(l.id);
            if (!g.ok) ++failed;
            else CHECK(g.value.has_value());
        }
        CHECK(failed > 0);
    }
}

TEST_CASE("a withdrawal on a damaged file fails and erases nothing, rather than some of the visitor's leads") {
    TempDir t;
    const fs::path db = t / "leads.db";
    const auto leads = damagedFile(db);
    LeadStore store(db);
    const auto before = store.all().value.size(); // the readable ones
    std::vector<ErasedLead> erased;
    // The scan reads every lead (addresses are compared in C++), so it reaches the damaged pages.
    const auto r = store.eraseByEmail(leads.front().email, kBaseMs, erased);
    CAPTURE(r.error);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, db.string()));
    CHECK(erased.empty());
    CHECK(store.all().value.size() == before);
}

TEST_CASE("openReadOnly creates nothing and refuses what it cannot read as this build's leads") {
    TempDir t;
    SUBCASE("a folder that does not exist") {
        LeadStore store(t / "typo" / "leads.db");
        const auto r = store.openReadOnly();
        CAPTURE(r.error);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, (t / "typo" / "leads.db").string()));
        CHECK(contains(r.error, "the folder " + (t / "typo").string() + " does not exist"));
        CHECK(contains(r.error, "--data-dir"));
        // Nothing afterwards creates it either: reads and writes fail the same way.
        CHECK_FALSE(store.all().ok);
        CHECK_FALSE(store.count().ok);
        CHECK_FALSE(store.quickCheck().ok);
        CHECK_FALSE(store.insert(sampleLead(1)).ok);
        CHECK_FALSE(fs::exists(t / "typo"));
    }
    SUBCASE("a folder without leads.db") {
        fs::create_directory(t / "data");
        LeadStore store(t / "data" / "leads.db");
        CHECK_FALSE(store.openReadOnly().ok);
        CHECK_FALSE(store.count().ok);
        CHECK(fs::is_empty(t / "data"));
    }
    SUBCASE("a newer, an older and a foreign file are refused and left as they are") {
        const fs::path db = t / "leads.db";
        for (const int version : {LeadStore::kSchemaVersion + 1, LeadStore::kSchemaVersion - 1, 0}) {
            CAPTURE(version);
            fs::remove(db);
            {
                RawDb raw(db);
                if (version > 0) REQUIRE(migrateTo(raw.get(), std::min(version, LeadStore::kSchemaVersion)).ok);
                else raw.exec("CREATE TABLE other (x)");
                raw.exec("PRAGMA user_version = " + std::to_string(version));
            }
            const std::string before = readFile(db);
            LeadStore store(db);
            const auto r = store.openReadOnly();
            CAPTURE(r.error);
            CHECK_FALSE(r.ok);
            CHECK(contains(r.error, db.string()));
            CHECK(contains(r.error, version > LeadStore::kSchemaVersion ? "newer" : version > 0 ? "older" : "holds no leads"));
            CHECK_FALSE(store.count().ok);
            CHECK(readFile(db) == before);
        }
    }
    SUBCASE("a sound file: reads work, writes are refused") {
        const fs::path db = t / "leads.db";
        {
            LeadStore rw(db);
            REQUIRE(rw.insert(sampleLead(1)));
        }
        LeadStore store(db);
        REQUIRE(store.openReadOnly());
        CHECK(store.count().value == 1);
        CHECK(store.quickCheck().ok);
        CHECK_FALSE(store.insert(sampleLead(2)).ok);
        CHECK(store.count().value == 1);
    }
}

TEST_CASE("the keeper checkpoints a moment after the last lead: a copy of leads.db alone holds every lead") {
    TempDir t;
    const fs::path db = t / "data" / "leads.db", wal = db.string() + "-wal";
    LeadStore store(db);
    REQUIRE(store.open());
    StoreKeeper::Options o;
    o.idleS = 0.3;
    o.tickS = 0.05;
    StoreKeeper keeper(db, o);
    keeper.start();
    std::vector<Lead> leads;
    for (int n = 0; n < 5; ++n) {
        leads.push_back(sampleLead(n));
        REQUIRE(store.insert(leads.back()));
    }
    CHECK(fs::file_size(wal) > 0); // just taken: the leads are in the WAL
    const bool emptied = waitFor([&] { return keeper.checkpoints() >= 1 && fs::file_size(wal) == 0; });
    CAPTURE(fs::file_size(wal));
    REQUIRE(emptied);
    // What staff would copy: leads.db, not its -wal, while the kiosk still runs.
    fs::copy_file(db, t / "copy.db");
    std::set<std::string> want;
    for (const auto& l : leads) want.insert(l.id);
    CHECK(idsOnDisk(t / "copy.db") == want);
    RawDb copy(t / "copy.db", SQLITE_OPEN_READONLY);
    CHECK(queryText(copy.get(), "PRAGMA integrity_check") == "ok");
    // The check at start found the file sound.
    REQUIRE(waitFor([&] { return keeper.health().checked; }));
    CHECK(keeper.health().ok);
    CHECK(keeper.health().problem.empty());
    // The store goes on after the keeper's checkpoint.
    REQUIRE(store.insert(sampleLead(9)));
    CHECK(store.count().value == 6);
}

TEST_CASE("the keeper finds a damaged file at start, tells whether leads are still stored, and logs it once") {
    TempDir t;
    const fs::path db = t / "leads.db";
    damagedFile(db);
    Journal journal;
    StoreKeeper::Options o;
    o.tickS = 0.05;
    o.log = journal.sink();
    StoreKeeper keeper(db, o);
    keeper.start();
    REQUIRE(waitFor([&] { return keeper.health().checked; }));
    const StoreHealth h = keeper.health();
    CAPTURE(h.problem);
    CHECK_FALSE(h.ok);
    CHECK(contains(h.problem, db.string()));
    CHECK(h.seconds < 5);
    keeper.requestCheck(); // a recent check: not repeated, not logged again
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    keeper.stop();
    const auto logged = journal.lines();
    REQUIRE(logged.size() == 1);
    CHECK(contains(logged[0], "damaged"));
    CHECK(contains(logged[0], h.canStore ? "new leads are still stored" : "new leads cannot be stored"));
}

TEST_CASE("the keeper notices a removed WAL or a replaced leads.db within a second, without waiting for a lead") {
    TempDir t;
    const fs::path db = t / "leads.db", wal = db.string() + "-wal";
    LeadStore store(db);
    std::set<std::string> want;
    for (int n = 0; n < 3; ++n) {
        const Lead l = sampleLead(n);
        REQUIRE(store.insert(l));
        want.insert(l.id);
    }
    StoreKeeper::Options o;
    o.idleS = 1000; // no checkpoint of its own: only the files' change moves the leads
    o.tickS = 0.05;
    Journal journal;
    o.log = journal.sink();
    StoreKeeper keeper(db, o);
    keeper.start();
    REQUIRE(waitFor([&] { return keeper.health().checked; }));
    SUBCASE("the WAL removed: its leads are copied into leads.db, the store carries on") {
        REQUIRE(::unlink(wal.c_str()) == 0);
        REQUIRE(waitFor([&] { return !keeper.health().files.empty(); }));
        CHECK(contains(keeper.health().files, "Nothing was lost"));
        CHECK(keeper.health().ok);
        fs::copy_file(db, t / "copy.db"); // leads.db alone, as staff would copy it
        CHECK(idsOnDisk(t / "copy.db") == want);
        const Lead next = sampleLead(7);
        REQUIRE(store.insert(next));
        CHECK(store.count().value == 4);
    }
    SUBCASE("leads.db replaced: what the kiosk held is saved beside it, nothing more is stored") {
        fs::copy_file(db, t / "copy.db");
        fs::rename(t / "copy.db", db);
        REQUIRE(waitFor([&] { return !keeper.health().files.empty(); }));
        const StoreHealth h = keeper.health();
        CAPTURE(h.files);
        CHECK(contains(h.files, "was replaced by another file"));
        CHECK_FALSE(h.canStore);
        const auto r = store.insert(sampleLead(7));
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "restarted"));
        std::vector<fs::path> saved;
        for (const auto& e : fs::directory_iterator(t.path()))
            if (e.path().filename().string().rfind("leads-saved-", 0) == 0) saved.push_back(e.path());
        REQUIRE(saved.size() == 1);
        CHECK(idsOnDisk(saved[0]) == want);
    }
    keeper.stop();
    CHECK(journal.lines().size() == 1); // the journal gets it once
}

TEST_CASE("a WAL file removed under the running store: every acknowledged lead is in leads.db after a crash") {
    TempDir t;
    const fs::path db = t / "leads.db", wal = db.string() + "-wal", acked = t / "acked.txt";
    const std::string verdict = inChild([&]() -> std::string {
        std::ofstream out(acked);
        // The kiosk's connection and two more (as the uploader's), never closed (leaked on
        // purpose: a destructor would close them cleanly and checkpoint on the way out).
        LeadStore &a = *new LeadStore(db), &b = *new LeadStore(db);
        sync::Outbox& box = *new sync::Outbox(db);
        auto add = [&](LeadStore& s, int n) {
            const Lead l = sampleLead(n);
            if (s.insert(l)) out << l.id << '\n' << std::flush;
        };
        for (int n = 0; n < 3; ++n) add(a, n);
        add(b, 3);
        if (!box.nextBatch(100)) return "the outbox cannot be read";
        if (::unlink(wal.c_str()) != 0) return "unlink: " + wal.string();
        add(a, 4); // notices, copies the old WAL into leads.db, carries on with a new WAL
        add(b, 5); // reopens: another connection already rescued the WAL
        add(a, 6);
        const auto pending = box.nextBatch(100);
        std::ofstream(t / "notice.txt") << FileGuard::notice(db);
        if (!pending || pending->size() != 7) return "the outbox does not hold the 7 leads";
        return ""; // _exit: nothing is closed, no checkpoint on close
    });
    CHECK_MESSAGE(verdict.empty(), verdict);
    std::set<std::string> want;
    {
        std::ifstream in(acked);
        for (std::string id; std::getline(in, id);) want.insert(id);
    }
    CHECK(want.size() == 7);
    CHECK(idsOnDisk(db) == want);
    CHECK(rawIntegrity(db) == "ok");
    const std::string notice = readFile(t / "notice.txt"); // what staff are told
    CAPTURE(notice);
    CHECK(contains(notice, wal.string() + " was removed or replaced"));
    CHECK(contains(notice, "Nothing was lost"));
}

TEST_CASE("another process reading leads.db while the store runs leaves its WAL alone: no false alarm") {
    // A second LeadStore (the keeper's, the uploader's) opened while the first held the file
    // once closed a descriptor of leads.db, which dropped every POSIX lock of the process on
    // it: a reader in another process (sqlite3, a backup, a test) then closed as the last
    // connection, deleted the -wal file, and staff were told it was removed.
    TempDir t;
    const fs::path db = t / "leads.db", wal = db.string() + "-wal";
    int ready[2], done[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(done) == 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The kiosk: its connections are never closed (a close would checkpoint).
        LeadStore& a = *new LeadStore(db);
        for (int n = 0; n < 3; ++n)
            if (!a.insert(sampleLead(n))) ::_exit(10);
        LeadStore& b = *new LeadStore(db);
        if (!b.count()) ::_exit(11);
        sync::Outbox& box = *new sync::Outbox(db);
        if (!box.nextBatch(100)) ::_exit(12);
        const FileId walBefore = fileId(wal);
        char c = 1;
        if (::write(ready[1], &c, 1) != 1 || ::read(done[0], &c, 1) != 1) ::_exit(13);
        if (!a.insert(sampleLead(3)) || !b.count() || !box.nextBatch(100)) ::_exit(14);
        std::ofstream(t / "notice.txt") << FileGuard::notice(db);
        ::_exit(fileId(wal) == walBefore ? 0 : 15);
    }
    REQUIRE(pid > 0);
    ::close(ready[1]); // a child that fails early ends the wait below
    ::close(done[0]);
    char c = 0;
    const bool childReady = ::read(ready[0], &c, 1) == 1;
    bool walStayed = false;
    if (childReady) {
        {
            RawDb reader(db); // another process: reads, and closes as it would if it were the last
            CHECK(reader.integer("SELECT count(*) FROM leads") == 3);
        }
        walStayed = fs::exists(wal);
        CHECK(::write(done[1], &c, 1) == 1);
    }
    ::close(done[1]);
    ::close(ready[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(childReady);
    CHECK(walStayed);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const std::string notice = readFile(t / "notice.txt");
    CAPTURE(notice);
    CHECK(notice.empty());
    CHECK(idsOnDisk(db).size() == 4);
}

TEST_CASE("leads.db replaced by a copy under the running store: nothing goes into the lost file, nothing is lost") {
    TempDir t;
    const fs::path db = t / "leads.db", acked = t / "acked.txt", refused = t / "refused.txt";
    const std::string verdict = inChild([&]() -> std::string {
        std::ofstream out(acked), why(refused);
        LeadStore &a = *new LeadStore(db), &b = *new LeadStore(db); // never closed, as above
        auto add = [&](LeadStore& s, int n) {
            const Lead l = sampleLead(n);
            if (const auto r = s.insert(l)) out << l.id << '\n' << std::flush;
            else why << r.error << '\n' << std::flush;
        };
        for (int n = 0; n < 3; ++n) add(a, n);
        add(b, 3);
        // A staff copy of leads.db alone (the leads are still in the WAL) put back in its place.
        std::error_code ec;
        fs::copy_file(db, t / "copy.db", ec);
        fs::rename(t / "copy.db", db, ec);
        if (ec) return "copying leads.db over itself: " + ec.message();
        add(a, 4);
        add(b, 5);
        add(*new LeadStore(db), 6); // a new connection in the same process is refused too
        return "";
    });
    REQUIRE_MESSAGE(verdict.empty(), verdict);
    std::set<std::string> want;
    {
        std::ifstream in(acked);
        for (std::string id; std::getline(in, id);) want.insert(id);
    }
    CHECK(want.size() == 4); // the leads after the replacement were refused, visitors told to fetch staff
    const std::string why = readFile(refused);
    CAPTURE(why);
    CHECK(contains(why, db.string() + " was replaced by another file"));
    CHECK(contains(why, "restarted"));
    std::vector<fs::path> saved;
    for (const auto& e : fs::directory_iterator(t.path()))
        if (e.path().filename().string().rfind("leads-saved-", 0) == 0) saved.push_back(e.path());
    REQUIRE(saved.size() == 1);
    CHECK(contains(why, saved[0].string()));
    CHECK(modeOf(saved[0]) == 0600);
    // Every acknowledged lead is on disk: in the saved copy of what the kiosk held.
    CHECK(idsOnDisk(saved[0]) == want);
    CHECK(rawIntegrity(saved[0]) == "ok");
    CHECK(rawIntegrity(db) == "ok"); // the replacement itself is left alone
}

} // TEST_SUITE lead_store

TEST_CASE("isoUtc agrees with gmtime for every kind of date") {
    std::mt19937_64 rng(42);
    std::vector<std::int64_t> times = {0, 1, 999, 86'399'999, 86'400'000, 951'782'400'000 /* 2000-02-29 */,
                                       4'102'444'799'999 /* 2099-12-31T23:59:59.999 */, -1, -86'400'000};
    for (int i = 0; i < 100'000; ++i) times.push_back(std::int64_t(rng() % 4'102'444'800'000ULL));
    for (const std::int64_t ms : times) {
        CAPTURE(ms);
        const std::time_t s = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        std::tm tm{};
        gmtime_r(&s, &tm);
        char want[96];
        std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(((ms % 1000) + 1000) % 1000));
        if (ms >= 0) CHECK(isoUtc(ms) == want);
        else CHECK(isoUtc(ms).substr(0, 10) == std::string(want).substr(0, 10));
    }
}

TEST_CASE("answers read back the same by the fast path and by the JSON parser") {
    std::map<std::string, Answer> a;
    a["budget"].text = "small";
    a["country"].text = "Deutschland, \"Ruhr\" \\ Süd"; // quotes and a backslash: the parser's path
    a["topics"] = {FieldKind::Multi, "", {"h2", "ot"}, false};
    a["callback"] = {FieldKind::YesNo, "", {}, true};
    const auto back = answersFromJson(answersJson(a));
    REQUIRE(back.size() == 4);
    CHECK(back.at("country").text == a["country"].text);
    CHECK(back.at("topics").options == a["topics"].options);
    CHECK(back.at("callback").yes);
    std::map<std::string, Answer> plain;
    plain["budget"].text = "small";
    plain["interest"].text = "pilot";
    const auto fast = answersFromJson(answersJson(plain)); // {"budget":"small","interest":"pilot"}
    REQUIRE(fast.size() == 2);
    CHECK(fast.at("interest").text == "pilot");
    CHECK(fast.at("budget").kind == FieldKind::Text);
    for (const char* damaged : {"{", "}", "{\"a\":", "{\"a\":\"b\"", "{\"a\":\"b\",}", "[]", "{\"a\":1}", "null", "{\"a\":\"b\"}x"})
        CHECK_NOTHROW(answersFromJson(damaged));
    CHECK(answersFromJson("{\"a\":\"b\"}x").empty());
}
