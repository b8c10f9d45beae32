// The organiser's pages without HTTP (kiosk/hub/web/): passwords, sessions (stored hashed,
// ended by age, by idleness, by logout and by a new password), CSRF comparison, cookies, the
// login limit, the SVG charts' escaping, a lead's consent proof, and the organiser's export
// with the kiosk's columns plus doi and received. Storage tests run on SQLite and PostgreSQL.
#include "hub/hub_config.hpp"
#include "hub/web/auth.hpp"
#include "hub/web/charts.hpp"
#include "hub/web/organiser_data.hpp"

#include "core/leads/lead.hpp"

#include "../support/hub_backends.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

using namespace kiosk::hub;
using namespace kiosk::hub::web;
using kiosk::test::Backend;
using kiosk::test::contains;

namespace {
constexpr std::int64_t kHour = 3600LL * 1000;

void sessionsLiveAndEnd(const Backend& b) {
    auto s = b.connect();
    REQUIRE(setPassword(*s, "organiser", "correct horse battery", 1000));
    bool ok = true;
    REQUIRE(checkPassword(*s, "organiser", "correct horse battery", ok));
    CHECK(ok);
    REQUIRE(checkPassword(*s, "organiser", "correct horse batterY", ok));
    CHECK_FALSE(ok);
    REQUIRE(checkPassword(*s, "nobody", "correct horse battery", ok));
    CHECK_FALSE(ok);

    const SessionLimits limits{12 * kHour, kHour};
    std::string id;
    Session created;
    REQUIRE(createSession(*s, "organiser", 1000, limits, id, created));
    CHECK(id.size() == 64);
    CHECK(created.csrf.size() == 64);
    CHECK(created.csrf != id);
    // Only the id's hash is kept: the database alone does not give a working cookie.
    s->transaction("look", [&](SqlTx& tx) {
        const auto rows = tx.query("SELECT id_sha256 FROM web_sessions");
        REQUIRE(rows.rows.size() == 1);
        CHECK(rows.rows[0].text(0) == kiosk::core::sha256Hex(id));
        CHECK(rows.rows[0].text(0) != id);
    });

    std::optional<Session> found;
    REQUIRE(findSession(*s, id, 1000 + kHour / 2, limits, found));
    REQUIRE(found);
    CHECK(found->user == "organiser");
    CHECK(found->csrf == created.csrf);
    // Each use moves the idle limit on: 50 minutes after the last use is still fine.
    REQUIRE(findSession(*s, id, 1000 + kHour / 2 + 50 * 60 * 1000, limits, found));
    CHECK(found);
    REQUIRE(findSession(*s, std::string(64, 'a'), 1000, limits, found));
    CHECK_FALSE(found);
    REQUIRE(findSession(*s, "short'; DROP TABLE web_sessions; --", 1000, limits, found));
    CHECK_FALSE(found);

    // Idle for longer than the limit: gone, and deleted.
    REQUIRE(findSession(*s, id, 1000 + kHour / 2 + 50 * 60 * 1000 + kHour + 1, limits, found));
    CHECK_FALSE(found);
    s->transaction("count", [&](SqlTx& tx) { CHECK(tx.query("SELECT id_sha256 FROM web_sessions").rows.empty()); });

    // In use all the time, it still ends after session_hours.
    REQUIRE(createSession(*s, "organiser", 0, limits, id, created));
    for (std::int64_t t = 0; t < 12 * kHour; t += kHour / 2) {
        REQUIRE(findSession(*s, id, t, limits, found));
        CHECK(found);
    }
    REQUIRE(findSession(*s, id, 12 * kHour + 1, limits, found));
    CHECK_FALSE(found);

    // Logout ends it; so does a new password.
    REQUIRE(createSession(*s, "organiser", 0, limits, id, created));
    REQUIRE(endSession(*s, id));
    REQUIRE(findSession(*s, id, 1, limits, found));
    CHECK_FALSE(found);
    REQUIRE(createSession(*s, "organiser", 0, limits, id, created));
    REQUIRE(setPassword(*s, "organiser", "another long password", 5));
    REQUIRE(findSession(*s, id, 1, limits, found));
    CHECK_FALSE(found);
    REQUIRE(checkPassword(*s, "organiser", "correct horse battery", ok));
    CHECK_FALSE(ok);
    REQUIRE(checkPassword(*s, "organiser", "another long password", ok));
    CHECK(ok);
}

kiosk::core::Lead sampleLead(int i, const std::string& exhibitor, std::int64_t createdMs) {
    kiosk::core::Lead l;
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    l.id = id;
    l.createdMs = createdMs;
    l.kioskId = "stand-a";
    l.eventId = "fair-2026";
    l.lang = "de";
    l.firstName = "Zoë";
    l.lastName = "<img src=x onerror=alert(1)>";
    l.email = "zoe" + std::to_string(i) + "@example.org";
    l.company = "=HYPERLINK(\"x\")";
    l.exhibitors = {exhibitor};
    l.consent = {"v1", kiosk::core::sha256Hex("Ich willige ein."), "de", createdMs};
    l.newsletter = true;
    return l;
}

void consentProofMatches(const Backend& b) {
    auto s = b.connect();
    const auto lead = sampleLead(1, "acme", 1000);
    ConsentProof p;
    REQUIRE(consentProof(*s, lead, p));
    CHECK_FALSE(p.found);
    s->transaction("texts", [&](SqlTx& tx) {
        const auto add = [&](const std::string& text, const std::string& claimed, std::int64_t at) {
            tx.query("INSERT INTO consent_texts(version, language, text_sha256, text, first_kiosk_id, first_ms, "
                     "last_ms) VALUES ('v1', 'de', $1, $2, 'stand-a', $3, $3)",
                     {claimed, text, at});
        };
        add("Ein anderer Text.", kiosk::core::sha256Hex("Ein anderer Text."), 10);
        // A row whose stored hash claims to be the lead's but whose text is not: not a proof.
        add("Gefälscht.", lead.consent.sha256, 20);
    });
    REQUIRE(consentProof(*s, lead, p));
    CHECK(p.found);
    CHECK_FALSE(p.matches);
    CHECK(p.text == "Ein anderer Text.");
    s->transaction("text", [&](SqlTx& tx) {
        tx.query("INSERT INTO consent_texts(version, language, text_sha256, text, first_kiosk_id, first_ms, last_ms) "
                 "VALUES ('v1', 'de', $1, 'Ich willige ein.', 'stand-b', 30, 30) ON CONFLICT DO NOTHING",
                 {std::string(64, '0')});
    });
    REQUIRE(consentProof(*s, lead, p));
    CHECK(p.matches);
    CHECK(p.text == "Ich willige ein.");
    CHECK(p.textSha256 == lead.consent.sha256);
    CHECK(p.firstKioskId == "stand-b");
}
void reviewListsConflictsAndRejections(const Backend& b) {
    auto s = b.connect();
    const std::string id = "00000000-0000-4000-8000-000000000001";
    std::vector<LeadOutcome> out;
    REQUIRE(s->storeLeads("stand-a", {{id, R"({"id":"a"})"}}, 1000, out));
    REQUIRE(s->storeLeads("stand-a", {{id, R"({"id":"b"})"}}, 2000, out)); // same id, other bytes
    REQUIRE(s->recordRejected("stand-b", {{"x", "not a UUID"}}, 3000));
    std::vector<ConflictRow> conflicts;
    std::vector<RejectedRow> rejected;
    REQUIRE(loadReview(*s, 50, conflicts, rejected));
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].leadId == id);
    CHECK(conflicts[0].kioskId == "stand-a");
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].reason == "not a UUID");
    CHECK(rejected[0].lastMs == 3000);
    std::vector<HubLead> leads;
    REQUIRE(loadLeads(*s, leads));
    REQUIRE(leads.size() == 1);
    CHECK(leads[0].lead.id == "a");
    std::optional<HubLead> one;
    REQUIRE(loadLead(*s, id, one));
    REQUIRE(one);
    CHECK(one->stored.payload == R"({"id":"a"})");
    CHECK(one->stored.kioskId == "stand-a");
    CHECK(one->stored.receivedMs == 1000);
    REQUIRE(loadLead(*s, "00000000-0000-4000-8000-000000000009", one));
    CHECK_FALSE(one);
}
} // namespace

HUB_STORAGE_CASE("web: the overview's review lists the conflicts and rejected leads", reviewListsConflictsAndRejections)
HUB_STORAGE_CASE("web: passwords, sessions stored hashed, ended by idleness, age, logout, a new password",
                 sessionsLiveAndEnd)
HUB_STORAGE_CASE("web: a lead's consent proof is the text whose own SHA-256 is the lead's", consentProofMatches)

TEST_CASE("hub web: CSRF tokens and cookies") {
    const std::string t = randomToken();
    CHECK(t.size() == 64);
    CHECK(t != randomToken());
    CHECK(sameSecret(t, t));
    CHECK_FALSE(sameSecret(t, t.substr(0, 63) + (t[63] == 'a' ? "b" : "a")));
    CHECK_FALSE(sameSecret(t, ""));
    CHECK_FALSE(sameSecret("", "")); // no token is never a right token
    CHECK(cookieValue("a=1; hub_session=abc; hub_sessionx=2", "hub_session") == "abc");
    CHECK(cookieValue("xhub_session=abc", "hub_session").empty());
    CHECK(cookieValue("", "hub_session").empty());
    const std::string c = cookieHeader("hub_session", "v", true, -1);
    CHECK(contains(c, "HttpOnly"));
    CHECK(contains(c, "SameSite=Strict"));
    CHECK(contains(c, "Path=/"));
    CHECK(contains(c, "Secure"));
    CHECK_FALSE(contains(cookieHeader("hub_session", "v", false, -1), "Secure"));
    CHECK(contains(cookieHeader("hub_session", "", false, 0), "Max-Age=0"));
}

TEST_CASE("hub web: 5 failed logins within 15 minutes make the next wait, per address and per user") {
    constexpr std::int64_t kMin = 60 * 1000;
    LoginLimiter l;
    for (int i = 0; i < 5; ++i) {
        CHECK(l.waitMs("10.0.0.1", "organiser", i * kMin) == 0);
        l.failed("10.0.0.1", "organiser", i * kMin);
    }
    CHECK(l.waitMs("10.0.0.1", "organiser", 5 * kMin) == 10 * kMin); // until the first is 15 min old
    CHECK(l.waitMs("10.0.0.1", "someone", 5 * kMin) > 0);            // the address is limited
    CHECK(l.waitMs("10.0.0.2", "organiser", 5 * kMin) > 0);          // and the user, from anywhere
    CHECK(l.waitMs("10.0.0.2", "someone", 5 * kMin) == 0);
    l.succeeded("organiser");
    CHECK(l.waitMs("10.0.0.2", "organiser", 5 * kMin) == 0);
    CHECK(l.waitMs("10.0.0.1", "someone", 5 * kMin) > 0);   // a right password does not clear the address
    CHECK(l.waitMs("10.0.0.1", "someone", 15 * kMin) == 0); // the first failure has aged out
    // Long names are counted by their first 64 characters: a flood of them cannot fill memory.
    LoginLimiter names;
    for (int i = 0; i < 5; ++i)
        names.failed("10.0.0." + std::to_string(i), std::string(64, 'x') + std::to_string(i), 0);
    CHECK(names.waitMs("10.0.0.9", std::string(64, 'x'), 0) > 0);
}

TEST_CASE("hub web: charts escape their labels and draw a bar per entry") {
    const std::string svg = barChart("Leads <per> kiosk", "leads", {{"<script>alert(1)</script>", 7}, {"b", 3}});
    CHECK_FALSE(contains(svg, "<script>"));
    CHECK(contains(svg, "&lt;script&gt;"));
    CHECK(contains(svg, "Leads &lt;per&gt; kiosk"));
    size_t bars = 0;
    for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1))
        ++bars;
    CHECK(bars == 2);
    CHECK(contains(svg, ">7</text>"));
    CHECK(contains(barChart("Empty", "leads", {}), "No leads yet."));
}

TEST_CASE("hub web: a payload read back into a lead is the lead that was written") {
    auto l = sampleLead(3, "acme", 1764590400123);
    l.sectors = {"it", "bau"};
    l.capture = "scan";
    l.answers["size"] = {kiosk::core::FieldKind::Text, "50-200", {}, false};
    const auto back = kiosk::core::leadFromJson(kiosk::core::leadJson(l));
    REQUIRE(back);
    CHECK(kiosk::core::leadJson(*back) == kiosk::core::leadJson(l));
    CHECK_FALSE(kiosk::core::leadFromJson("[1,2]"));
    CHECK_FALSE(kiosk::core::leadFromJson("not json"));
    const auto partial = kiosk::core::leadFromJson(R"({"id":"x","email":7,"exhibitors":"acme"})");
    REQUIRE(partial);
    CHECK(partial->id == "x");
    CHECK(partial->email.empty());
    CHECK(partial->exhibitors.empty());
}

TEST_CASE("hub web: the organiser's export has the kiosk's columns, doi and received, and its filters") {
    std::vector<HubLead> leads;
    const std::int64_t day1 = 1764590400000; // 2025-12-01T12:00Z
    const std::int64_t day2 = day1 + 24 * kHour;
    for (const auto& [i, ex, at] : std::vector<std::tuple<int, std::string, std::int64_t>>{
             {1, "acme", day1}, {2, "globex", day1}, {3, "acme", day2}}) {
        const auto l = sampleLead(i, ex, at);
        leads.push_back({{l.id, l.kioskId, kiosk::core::leadJson(l), at + 5000}, l});
    }
    std::map<std::string, DoiState> states = {{leads[0].lead.id, DoiState::Confirmed}};
    kiosk::core::ExportOptions o;
    o.headerLang = kiosk::core::Lang::En;
    std::string csv, error;
    long long n = 0;
    REQUIRE(exportTable(leads, states, {}, o, csv, n, error));
    CHECK(n == 3);
    const std::string header = csv.substr(0, csv.find("\r\n"));
    for (const char* col : {"ID", "Email", "Consent SHA-256", "Kiosk", "Double opt-in", "Received (UTC)"})
        CHECK_MESSAGE(contains(header, col), col);
    CHECK_FALSE(contains(header, "Sync state"));
    CHECK(contains(csv, "confirmed"));
    CHECK(contains(csv, kiosk::core::isoUtc(day1 + 5000)));
    CHECK(contains(csv, "'=HYPERLINK")); // the kiosk's injection guard, as in its own export
    ExportFilter f;
    f.exhibitor = "acme";
    REQUIRE(exportTable(leads, states, f, o, csv, n, error));
    CHECK(n == 2);
    f.fromDay = "2025-12-02";
    REQUIRE(exportTable(leads, states, f, o, csv, n, error));
    CHECK(n == 1);
    CHECK(contains(csv, leads[2].lead.id));
    f = {};
    f.toDay = "2025-12-01";
    f.doi = DoiState::Confirmed;
    REQUIRE(exportTable(leads, states, f, o, csv, n, error));
    CHECK(n == 1);
    CHECK(contains(csv, leads[0].lead.id));
    o.format = kiosk::core::ExportOptions::Format::Xlsx;
    std::string xlsx;
    REQUIRE(exportTable(leads, states, {}, o, xlsx, n, error));
    CHECK(n == 3);
    CHECK(xlsx.substr(0, 2) == "PK"); // a zip: the XLSX container
}

TEST_CASE("hub web: [web] in hub.toml sets the session limits and Secure cookies; a typo is an error") {
    kiosk::test::TempDir dir("hub-web-config");
    kiosk::test::TempDir::write(dir / "hub.toml", "[hub]\ndatabase = \"sqlite:hub.db\"\n[web]\nsession_hours = 2\n"
                                                  "idle_minutes = 5\nsecure_cookie = true\n");
    auto l = loadHubConfig(dir / "hub.toml");
    REQUIRE(l.usable());
    CHECK(l.config.sessionHours == 2);
    CHECK(l.config.idleMinutes == 5);
    CHECK(l.config.secureCookie);
    kiosk::test::TempDir::write(dir / "hub.toml", "[hub]\ndatabase = \"sqlite:hub.db\"\n");
    l = loadHubConfig(dir / "hub.toml");
    CHECK(l.config.sessionHours == 12);
    CHECK(l.config.idleMinutes == 60);
    CHECK_FALSE(l.config.secureCookie);
    kiosk::test::TempDir::write(dir / "hub.toml", "[hub]\ndatabase = \"sqlite:hub.db\"\n[web]\nsesion_hours = 2\n");
    l = loadHubConfig(dir / "hub.toml");
    CHECK_FALSE(l.usable());
}
