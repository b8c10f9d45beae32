// The kiosk's heartbeat (docs/sync-protocol.md "Heartbeats"): the body buildStatusBody makes
// and parseStatus (the hub's side) reads back, the status URL derived from sync.endpoint, the
// new [sync] keys, and gatherStatus on a real lead database.
#include "core/config.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/validation.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/status.hpp"

#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <limits>

using namespace kiosk::core;
using namespace kiosk::core::sync;
using kiosk::test::contains;
using kiosk::test::TempDir;

namespace {
StatusReport sample() {
    StatusReport r;
    r.kioskId = "stand-1";
    r.eventId = "expo";
    r.appVersion = "1.2.3";
    r.contentVersion = "0123456789abcdef";
    r.formVersion = "0123456789abcdef";
    r.pending = 2;
    r.failed = 1;
    r.synced = 7;
    r.total = 10;
    r.lastLeadAt = "2026-05-27T09:29:52.812Z";
    r.uptimeS = 3600;
    r.renderer = "software";
    r.freeDiskBytes = 123456789;
    r.clock = "2026-05-27T09:30:00.123Z";
    r.lastSyncError = "Connection refused by „hub“";
    r.consent["v1"]["de"] = "Ich stimme zu\n\nZusammenfassung";
    r.consent["v1"]["en"] = "I agree\n\nSummary";
    return r;
}
} // namespace

TEST_CASE("sync heartbeat: the body, byte for byte, as docs/sync-protocol.md shows it") {
    CHECK(
        buildStatusBody(sample()) ==
        R"({"app_version":"1.2.3","clock":"2026-05-27T09:30:00.123Z","consent":{"v1":{"de":"Ich stimme zu\n\nZusammenfassung","en":"I agree\n\nSummary"}},"content_version":"0123456789abcdef","counts":{"failed":1,"pending":2,"synced":7,"total":10},"event_id":"expo","form_version":"0123456789abcdef","free_disk_bytes":123456789,"kiosk_id":"stand-1","last_lead_at":"2026-05-27T09:29:52.812Z","last_sync_error":"Connection refused by „hub“","renderer":"software","schema":1,"uptime_s":3600})");
    StatusReport empty = sample();
    empty.lastLeadAt.clear();
    empty.freeDiskBytes = -1;
    const auto j = nlohmann::json::parse(buildStatusBody(empty));
    CHECK(j.at("last_lead_at").is_null());
    CHECK(j.at("free_disk_bytes").is_null());
}

TEST_CASE("sync heartbeat: parseStatus reads back every field buildStatusBody wrote") {
    const StatusReport a = sample();
    std::string why;
    const auto b = parseStatus(buildStatusBody(a), &why);
    REQUIRE_MESSAGE(b, why);
    CHECK(b->kioskId == a.kioskId);
    CHECK(b->eventId == a.eventId);
    CHECK(b->appVersion == a.appVersion);
    CHECK(b->contentVersion == a.contentVersion);
    CHECK(b->formVersion == a.formVersion);
    CHECK(b->pending == 2);
    CHECK(b->failed == 1);
    CHECK(b->synced == 7);
    CHECK(b->total == 10);
    CHECK(b->lastLeadAt == a.lastLeadAt);
    CHECK(b->uptimeS == 3600);
    CHECK(b->renderer == "software");
    CHECK(b->freeDiskBytes == 123456789);
    CHECK(b->clock == a.clock);
    CHECK(b->lastSyncError == a.lastSyncError);
    CHECK(b->consent == a.consent);
    StatusReport nulls = a;
    nulls.lastLeadAt.clear();
    nulls.freeDiskBytes = -1;
    const auto c = parseStatus(buildStatusBody(nulls));
    REQUIRE(c);
    CHECK(c->lastLeadAt.empty());
    CHECK(c->freeDiskBytes == -1);
}

TEST_CASE("sync heartbeat: parseStatus refuses what is not a heartbeat, and says why") {
    const std::string good = buildStatusBody(sample());
    const auto why = [](const std::string& body) {
        std::string w;
        CHECK_FALSE(parseStatus(body, &w));
        return w;
    };
    CHECK(contains(why(""), "empty"));
    CHECK(contains(why("{"), "not valid JSON"));
    CHECK(contains(why("[1]"), "not a JSON object"));
    CHECK(contains(why(std::string(100, '[') + std::string(100, ']')), "nested deeper"));
    CHECK(contains(why(R"({"schema":2,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z"})"), "schema must be 1"));
    CHECK(contains(why(R"({"schema":1,"clock":"2026-05-27T09:30:00Z"})"), "kiosk_id is missing"));
    CHECK(contains(why(R"({"schema":1,"kiosk_id":"k","clock":"yesterday"})"), "clock"));
    CHECK(contains(why(R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","uptime_s":"1"})"), "uptime_s"));
    CHECK(contains(why(R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","counts":[]})"), "counts"));
    // A negative count or size, or one past 2^63-1, means nothing: refused, not wrapped or kept
    // (a kept -5 came back from buildStatusBody as null, "unknown": found by fuzz_sync_status).
    for (const char* n : {"-5", "-1", "9223372036854775808", "18446744073709551615"}) {
        const std::string head = R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z",)";
        CHECK(contains(why(head + R"("free_disk_bytes":)" + n + "}"), "free_disk_bytes"));
        CHECK(contains(why(head + R"("uptime_s":)" + n + "}"), "uptime_s"));
        CHECK(contains(why(head + R"("counts":{"total":)" + n + "}}"), "total"));
        CHECK(contains(why(head + R"("figures":{"stand":{"profile_views":)" + n + "}}}"), "profile_views"));
    }
    const auto biggest = parseStatus(
        R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","free_disk_bytes":9223372036854775807})");
    REQUIRE(biggest);
    CHECK(biggest->freeDiskBytes == std::numeric_limits<std::int64_t>::max());
    CHECK(
        contains(why(R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","consent":{"v1":"x"}})"), "consent"));
    CHECK(contains(
        why(R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","consent":{"v1":{"de":"a\u0000b"}}})"),
        "NUL"));
    nlohmann::json many = nlohmann::json::parse(good);
    for (size_t i = 0; i <= kMaxConsentTexts; ++i)
        many["consent"]["v" + std::to_string(i)]["de"] = "t";
    CHECK(contains(why(many.dump()), "more than"));
    // The minimum: schema, kiosk_id, clock; unknown fields are ignored.
    const auto minimal = parseStatus(R"({"schema":1,"kiosk_id":"k","clock":"2026-05-27T09:30:00Z","later":{"x":1}})");
    REQUIRE(minimal);
    CHECK(minimal->consent.empty());
}

TEST_CASE("sync heartbeat: the status URL is the endpoint with its last segment replaced") {
    CHECK(statusUrl("https://leads.example.org/kiosk/v1/leads") == "https://leads.example.org/kiosk/v1/status");
    CHECK(statusUrl("http://127.0.0.1:8470/kiosk/v1/leads") == "http://127.0.0.1:8470/kiosk/v1/status");
    CHECK(statusUrl("https://h.example/a/leads?tenant=7") == "https://h.example/a/status?tenant=7");
    CHECK(statusUrl("https://h.example/upload/") == "https://h.example/upload/status");
    CHECK(statusUrl("https://h.example") == "https://h.example/status");
    CHECK(statusUrl("http://[::1]:9/x") == "http://[::1]:9/status");
    CHECK(statusUrl("https://h.example/kiosk/v1/leads", "https://other.example/hb") == "https://other.example/hb");
    CHECK(statusUrl("not a url").empty());
}

TEST_CASE("sync heartbeat: parseUtcMs reads isoUtc's form and nothing looser") {
    for (const std::int64_t ms : {0LL, 1'780'000'000'123LL, 951'782'400'000LL /* 2000-02-29 */})
        CHECK(parseUtcMs(isoUtc(ms)) == ms);
    CHECK(parseUtcMs("2026-05-27T09:30:00Z") == 1'779'874'200'000);
    CHECK(parseUtcMs("2026-05-27T09:30:00.5Z") == 1'779'874'200'500);
    for (const char* bad :
         {"", "2026-05-27", "2026-05-27T09:30:00", "2026-05-27T09:30:00+02:00", "2026-02-30T00:00:00Z",
          "2026-05-27T24:00:00Z", "2026-05-27T09:30:00.Z", " 2026-05-27T09:30:00Z", "2026-05-27T09:30:00Zx"})
        CHECK_MESSAGE(!parseUtcMs(bad), bad);
}

TEST_CASE("sync heartbeat config: status_interval_s and status_endpoint, checked like the other [sync] keys") {
    TempDir dir("status-config");
    const auto load = [&](const std::string& text) {
        TempDir::write(dir / "kiosk.toml", text);
        return loadConfig(dir / "kiosk.toml");
    };
    {
        const auto c = load("[sync]\nendpoint = \"https://h.example/kiosk/v1/leads\"\n");
        CHECK(c.problems.empty());
        CHECK(c.config.sync.statusIntervalS == 60);
        CHECK(c.config.sync.statusEndpoint.empty());
    }
    {
        const auto c = load("[sync]\nendpoint = \"https://h.example/kiosk/v1/leads\"\nstatus_interval_s = 1\n"
                            "status_endpoint = \"https://h.example/hb\"\n");
        CHECK(c.problems.empty());
        CHECK(c.config.sync.statusIntervalS == 1);
        CHECK(c.config.sync.statusEndpoint == "https://h.example/hb");
    }
    {
        const auto c = load("[sync]\nendpoint = \"https://h.example/kiosk/v1/leads\"\nstatus_interval_s = 0\n");
        REQUIRE(c.problems.size() == 1);
        CHECK(c.problems[0].format() ==
              (dir / "kiosk.toml").string() +
                  ":3: sync.status_interval_s: is out of range — use a value from 1 to 86400");
        CHECK(c.config.sync.statusIntervalS == 60);
    }
    {
        // The token would travel in clear to another host: sync stays off altogether.
        const auto c = load("[sync]\nendpoint = \"https://h.example/kiosk/v1/leads\"\n"
                            "status_endpoint = \"http://h.example/status\"\n");
        REQUIRE(c.problems.size() == 1);
        CHECK(c.problems[0].key == "sync.status_endpoint");
        CHECK(c.problems[0].line == 3);
        CHECK(contains(c.problems[0].what, "unencrypted"));
        CHECK(c.syncRefused);
        CHECK(c.config.sync.endpoint.empty());
        CHECK(syncConfigBroken(c));
    }
}

TEST_CASE("sync heartbeat: gatherStatus counts a real lead database; statusBase holds the consent texts") {
    TempDir dir("status-gather");
    const auto db = dir / "leads.db";
    {
        LeadStore store(db);
        REQUIRE(store.open());
        for (int i = 0; i < 3; ++i) {
            Lead l;
            l.id = newUuid();
            l.createdMs = 1'780'000'000'000 + i * 1000;
            l.kioskId = "stand-1";
            l.eventId = "expo";
            l.lang = "de";
            l.firstName = "A";
            l.lastName = "B";
            l.email = "a" + std::to_string(i) + "@example.org";
            l.exhibitors = {"x"};
            l.consent = {"v1", std::string(64, 'a'), "de", l.createdMs};
            REQUIRE(store.insert(l));
        }
    }
    Outbox outbox(db);
    StatusReport base;
    base.kioskId = "stand-1";
    const StatusReport r = gatherStatus(base, outbox, dir.path(), 42, 1'780'000'100'000);
    CHECK(r.kioskId == "stand-1");
    CHECK(r.pending == 3);
    CHECK(r.total == 3);
    CHECK(r.synced == 0);
    CHECK(r.lastLeadAt == isoUtc(1'780'000'002'000));
    CHECK(r.uptimeS == 42);
    CHECK(r.clock == isoUtc(1'780'000'100'000));
    CHECK(r.freeDiskBytes > 0);
    CHECK(r.lastSyncError.empty());

    TempDir::write(dir / "content/event.toml", "a");
    TempDir::write(dir / "content/companies/x.toml", "b");
    Content content;
    content.event.id = "expo";
    content.consent.version = "v1";
    content.consent.label = {"Ja", "Yes"};
    content.consent.summary = {"Kurz", "Short"};
    KioskConfig config;
    config.kioskId = "stand-1";
    const StatusReport s = statusBase(config, content, dir / "content", "9.9");
    CHECK(s.consent.at("v1").at("de") == "Ja\n\nKurz");
    CHECK(s.consent.at("v1").at("en") == "Yes\n\nShort");
    CHECK(s.contentVersion.size() == 16);
    CHECK(s.formVersion == content.form.version); // the form the kiosk shows
    CHECK(s.renderer == "auto");
    const std::string before = s.contentVersion;
    TempDir::write(dir / "content/companies/x.toml", "c");
    CHECK(contentVersion(dir / "content") != before);
    CHECK(contentVersion(dir / "nowhere").empty());
}

TEST_CASE("sync heartbeat: a sender with no hub to reach says so, and does not throw") {
    SyncConfig c;
    c.endpoint = "http://127.0.0.1:1/kiosk/v1/leads";
    c.timeoutS = 2;
    StatusSender sender(c);
    CHECK_FALSE(sender.send(sample()).empty());
    c.secret = "whsec_!!";
    CHECK(contains(StatusSender(c).send(sample()), "sync.secret"));
}

TEST_CASE("sync heartbeat erasures: absent when none, read back, bad hashes refused; the answer's lists") {
    const std::string plain = buildStatusBody(sample());
    CHECK_FALSE(contains(plain, "erasures"));
    StatusReport r = sample();
    r.erasures = {emailSha256("zoë@example.de")};
    r.erasuresDone = {std::string(64, 'b')};
    const auto back = parseStatus(buildStatusBody(r));
    REQUIRE(back);
    CHECK(back->erasures == r.erasures);
    CHECK(back->erasuresDone == r.erasuresDone);
    std::string why;
    auto j = nlohmann::json::parse(buildStatusBody(r));
    j["erasures"] = {"zoe@example.de"}; // an address instead of its hash
    CHECK_FALSE(parseStatus(j.dump(), &why));
    CHECK(contains(why, "not an email hash"));
    const auto a = parseStatusAnswer(R"({"status":"ok","erase":[")" + std::string(64, 'c') + R"("]})");
    REQUIRE(a);
    CHECK(a->erase == std::vector<std::string>{std::string(64, 'c')});
    CHECK(a->erasuresTaken.empty());
    CHECK(parseStatusAnswer(R"({"status":"ok"})")); // an older hub
    CHECK_FALSE(parseStatusAnswer(R"({"erase":"all"})"));
    CHECK(emailSha256(" ZOË@Example.DE\n") == emailSha256("zoë@example.de"));
}

TEST_CASE("sync heartbeat erasures: the kiosk reports its own, erases the hub's, and forgets what the hub has") {
    TempDir dir("status-erasures");
    LeadStore store(dir / "leads.db");
    REQUIRE(store.open());
    for (const char* email : {"zoë@example.de", "ZOË@example.de", "max@example.org", "eve@example.org"}) {
        Lead l;
        l.id = newUuid();
        l.createdMs = 1'780'000'000'000;
        l.kioskId = "stand-1";
        l.eventId = "expo";
        l.lang = "de";
        l.firstName = "A";
        l.lastName = "B";
        l.email = email;
        l.consent = {"v1", std::string(64, 'a'), "de", l.createdMs};
        REQUIRE(store.insert(l));
    }
    std::vector<ErasedLead> erased;
    REQUIRE(store.eraseByEmail("max@example.org", 5, erased));
    StatusReport sent = sample();
    addErasures(store, sent);
    CHECK(sent.erasures == std::vector<std::string>{emailSha256("max@example.org")});
    CHECK(sent.erasuresDone.empty());
    // The hub takes it and asks for another one.
    const std::string answer = nlohmann::json{{"status", "ok"},
                                              {"erasures_taken", sent.erasures},
                                              {"erase", {emailSha256("zoë@example.de")}}}
                                   .dump();
    const std::string line = applyStatusAnswer(store, sent, answer, 6);
    CHECK(contains(line, "erased 2 lead(s) on the hub's request"));
    CHECK(store.all().value.size() == 1);
    StatusReport next = sample();
    addErasures(store, next);
    CHECK(next.erasures.empty());
    CHECK(next.erasuresDone == std::vector<std::string>{emailSha256("zoë@example.de")});
    // A hub that does not know erasures: the kiosk's own stay unreported.
    REQUIRE(store.eraseByEmail("eve@example.org", 7, erased));
    StatusReport third = sample();
    addErasures(store, third);
    CHECK(third.erasures.size() == 1);
    CHECK(applyStatusAnswer(store, third, R"({"status":"ok"})", 8).empty());
    StatusReport fourth = sample();
    addErasures(store, fourth);
    CHECK(fourth.erasures == third.erasures);
    CHECK(fourth.erasuresDone.empty()); // the done one was reported with the third
}
