// POST /kiosk/v1/leads without the socket (kiosk/hub/upload.*): the kiosk's own body
// builder and signer against the hub's checks, on a real SQLite file. Who may post
// (token, revoked, signature, clock, replay, kiosk_id), what is answered per lead, and that
// no answer carries a secret. POST /kiosk/v1/status (heartbeats) passes the same checks.
#include "hub/credentials.hpp"
#include "hub/sqlite_storage.hpp"
#include "hub/upload.hpp"

#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/signing.hpp"

#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace kiosk::hub;
using namespace kiosk::core::sync;
using kiosk::test::contains;
using kiosk::test::TempDir;

namespace {
constexpr std::int64_t kNowMs = 1'780'000'000'000;

struct Hub {
    TempDir dir{"hub-upload"};
    std::unique_ptr<SqliteStorage> storage;
    KioskCredentials k1 = newCredentials(), k2 = newCredentials();

    Hub() {
        StorageResult r;
        storage = SqliteStorage::open(dir / "hub.db", r);
        REQUIRE(storage);
        REQUIRE(storage->addKiosk("k1", tokenHash(k1.token), k1.secret, 0));
        REQUIRE(storage->addKiosk("k2", tokenHash(k2.token), k2.secret, 0));
    }

    /// A request as the kiosk's engine makes it (buildBody, signPayload), with a new webhook id.
    UploadRequest request(const std::vector<OutboxLead>& leads, const KioskCredentials& c, const std::string& kioskId = "k1",
                          std::int64_t tsS = kNowMs / 1000) {
        return sign(buildBody(kioskId, "event", "2026-05-27T09:30:00.123Z", leads), c, tsS);
    }

    /// A request carrying `body` as the kiosk's signedRequest makes it, with a new webhook id.
    UploadRequest sign(std::string body, const KioskCredentials& c, std::int64_t tsS = kNowMs / 1000) {
        UploadRequest q;
        q.body = std::move(body);
        q.authorization = "Bearer " + c.token;
        q.webhookId = kiosk::core::newUuid();
        q.webhookTimestamp = std::to_string(tsS);
        q.webhookSignature = signPayload(decodeSecret(c.secret).bytes, q.webhookId, tsS, q.body);
        return q;
    }

    UploadAnswer post(const UploadRequest& q, bool status = false) {
        UploadAnswer a = status ? handleStatus(*storage, q, kNowMs) : handleUpload(*storage, q, kNowMs);
        for (const auto* secret : {&k1.token, &k1.secret, &k2.token, &k2.secret}) CHECK_FALSE(contains(a.body, *secret));
        return a;
    }

    long long stored() {
        HubCounts c;
        REQUIRE(storage->counts(c));
        return c.leads;
    }
};

OutboxLead lead(const std::string& email = "a@example.org", std::string id = {}) {
    if (id.empty()) id = kiosk::core::newUuid();
    return {id, R"({"email":")" + email + R"(","id":")" + id + R"("})"};
}

nlohmann::json answerOf(const UploadAnswer& a) { return nlohmann::json::parse(a.body); }
} // namespace

TEST_CASE("hub upload: accepted, then duplicates; a conflict is answered as a duplicate; the kiosk reads it") {
    Hub hub;
    const std::vector<OutboxLead> leads = {lead(), lead(), lead()};
    auto a = hub.post(hub.request(leads, hub.k1));
    REQUIRE(a.status == 200);
    const auto ack = parseAck(a.body, {leads[0].id, leads[1].id, leads[2].id});
    REQUIRE(ack);
    CHECK(ack->synced.size() == 3);
    CHECK(answerOf(a)["accepted"].size() == 3);

    const OutboxLead changed{leads[1].id, R"({"email":"b@example.org","id":")" + leads[1].id + R"("})"};
    a = hub.post(hub.request({leads[0], changed}, hub.k1));
    REQUIRE(a.status == 200);
    CHECK(answerOf(a)["accepted"].empty());
    CHECK(answerOf(a)["duplicates"] == nlohmann::json::array({leads[0].id, leads[1].id}));
    CHECK(contains(a.note, "1 duplicates, 1 conflicts"));
    CHECK(hub.stored() == 3);
    // The database holds the token's hash, never the token.
    kiosk::test::RawDb raw(hub.dir / "hub.db");
    CHECK(raw.rows("SELECT token_hash FROM kiosks WHERE id = 'k1'") == std::vector<std::string>{tokenHash(hub.k1.token)});
    CHECK(raw.integer("SELECT count(*) FROM kiosks WHERE token_hash = '" + hub.k1.token + "'") == 0);
}

TEST_CASE("hub upload: leads that cannot be stored are rejected with a reason, the others taken") {
    Hub hub;
    const OutboxLead good = lead(), noEmail = lead(""), badId{"nope", R"({"email":"a@b.c","id":"nope"})"};
    const auto a = hub.post(hub.request({good, noEmail, badId}, hub.k1));
    REQUIRE(a.status == 200);
    const auto j = answerOf(a);
    CHECK(j["accepted"] == nlohmann::json::array({good.id}));
    REQUIRE(j["rejected"].size() == 2);
    CHECK(j["rejected"][0] == nlohmann::json({{"id", noEmail.id}, {"reason", "the lead has no email"}}));
    CHECK(j["rejected"][1] == nlohmann::json({{"id", "nope"}, {"reason", "the lead's id is not a UUID"}}));
    HubCounts c;
    REQUIRE(hub.storage->counts(c));
    CHECK(c.leads == 1);
    CHECK(c.rejected == 2);
}

TEST_CASE("hub upload: refused requests store nothing") {
    Hub hub;
    const auto leads = std::vector<OutboxLead>{lead()};
    const auto expect = [&](UploadRequest q, int status, const std::string& why) {
        const auto a = hub.post(q);
        INFO(why, ": ", a.status, " ", a.body);
        CHECK(a.status == status);
        CHECK(contains(a.body, "\"error\""));
        CHECK(hub.stored() == 0);
    };
    auto q = hub.request(leads, hub.k1);
    q.authorization.clear();
    expect(q, 401, "no token");
    q.authorization = "Bearer khub_not-a-token";
    expect(q, 401, "an unknown token");
    q = hub.request(leads, hub.k1);
    q.authorization = "Bearer " + hub.k2.token;
    expect(q, 403, "k2's token with k1's signature");
    q = hub.request(leads, hub.k1);
    q.webhookSignature.clear();
    expect(q, 403, "no signature");
    q = hub.request(leads, hub.k1);
    q.body.replace(q.body.find("a@example.org"), 1, "e");
    expect(q, 403, "a tampered body");
    q = hub.request(leads, hub.k1);
    q.webhookTimestamp = "12x";
    expect(q, 403, "a timestamp that is not a number");
    expect(hub.request(leads, hub.k1, "k1", kNowMs / 1000 - kToleranceS - 1), 403, "a timestamp 5 min + 1 s old");
    expect(hub.request(leads, hub.k1, "k1", kNowMs / 1000 + kToleranceS + 1), 403, "a timestamp 5 min + 1 s ahead");
    expect(hub.request(leads, hub.k2, "k1"), 403, "k2 posting as k1");
    std::vector<OutboxLead> many;
    for (size_t i = 0; i <= kMaxBatch; ++i) many.push_back(lead());
    expect(hub.request(many, hub.k1), 413, "1001 leads");
    q = hub.request(leads, hub.k1);
    q.body = "{not json";
    q.webhookSignature = signPayload(decodeSecret(hub.k1.secret).bytes, q.webhookId, kNowMs / 1000, q.body);
    expect(q, 400, "a signed body that is not JSON");

    // Within the tolerance it is fine; the very same request again is a replay.
    q = hub.request(leads, hub.k1, "k1", kNowMs / 1000 - kToleranceS + 1);
    CHECK(hub.post(q).status == 200);
    CHECK(hub.stored() == 1);
    const auto replay = hub.post(q);
    CHECK(replay.status == 409);
    CHECK(contains(replay.body, "replayed"));

    REQUIRE(hub.storage->revokeKiosk("k1"));
    const auto revoked = hub.post(hub.request({lead()}, hub.k1));
    CHECK(revoked.status == 401);
    CHECK(contains(revoked.body, "revoked"));
    CHECK(hub.stored() == 1);
}

namespace {
StatusReport heartbeat(const std::string& kioskId = "k1", std::int64_t clockMs = kNowMs + 1500) {
    StatusReport r;
    r.kioskId = kioskId;
    r.appVersion = "1.0";
    r.total = 3;
    r.clock = kiosk::core::isoUtc(clockMs);
    r.consent["v1"]["de"] = "Ja";
    return r;
}

/// Nothing of a heartbeat was kept: no kiosk has a status, no consent text is stored.
bool nothingKept(Storage& s) {
    std::vector<KioskRecord> kiosks;
    std::vector<ConsentTextRow> texts;
    REQUIRE(s.kiosks(kiosks));
    REQUIRE(s.consentTexts(texts));
    return texts.empty() &&
           std::none_of(kiosks.begin(), kiosks.end(), [](const KioskRecord& k) { return bool(k.status); });
}
} // namespace

TEST_CASE("hub status: a heartbeat is kept as the kiosk's latest, with its clock offset and consent texts") {
    Hub hub;
    const std::string body = buildStatusBody(heartbeat());
    const auto a = hub.post(hub.sign(body, hub.k1), true);
    REQUIRE(a.status == 200);
    CHECK(answerOf(a) ==
          nlohmann::json({{"status", "ok"}, {"received_at", kiosk::core::isoUtc(kNowMs)}, {"clock_offset_ms", 1500}}));
    std::vector<KioskRecord> kiosks;
    REQUIRE(hub.storage->kiosks(kiosks));
    REQUIRE(kiosks.size() == 2);
    REQUIRE(kiosks[0].status);
    CHECK(kiosks[0].status->body == body);
    CHECK(kiosks[0].status->receivedMs == kNowMs);
    CHECK(kiosks[0].status->clockOffsetMs == 1500);
    CHECK_FALSE(kiosks[1].status);
    std::vector<ConsentTextRow> texts;
    REQUIRE(hub.storage->consentTexts(texts));
    REQUIRE(texts.size() == 1);
    CHECK(texts[0].text == "Ja");
    CHECK(texts[0].firstKioskId == "k1");

    // A kiosk whose clock is behind: a negative offset. Another text for v1: kept beside, counted.
    StatusReport later = heartbeat("k1", kNowMs - 90'000);
    later.consent["v1"]["de"] = "Ja, aber anders";
    const auto b = hub.post(hub.sign(buildStatusBody(later), hub.k1), true);
    REQUIRE(b.status == 200);
    CHECK(answerOf(b)["clock_offset_ms"] == -90'000);
    CHECK(b.consentVariants == 1);
    REQUIRE(hub.storage->consentTexts(texts));
    CHECK(texts.size() == 2);
    CHECK(hub.stored() == 0); // a heartbeat is not a lead
}

TEST_CASE("hub status: refused heartbeats store nothing") {
    Hub hub;
    const std::string body = buildStatusBody(heartbeat());
    const auto expect = [&](const UploadRequest& q, int status, const std::string& why) {
        const auto a = hub.post(q, true);
        INFO(why, ": ", a.status, " ", a.body);
        CHECK(a.status == status);
        CHECK(contains(a.body, "\"error\""));
        CHECK(nothingKept(*hub.storage));
    };
    auto q = hub.sign(body, hub.k1);
    q.authorization.clear();
    expect(q, 401, "no token");
    q.authorization = "Bearer khub_not-a-token";
    expect(q, 401, "an unknown token");
    q = hub.sign(body, hub.k1);
    q.authorization = "Bearer " + hub.k2.token;
    expect(q, 403, "k2's token with k1's signature");
    q = hub.sign(body, hub.k1);
    q.body.replace(q.body.find("\"1.0\""), 4, "\"6.6");
    expect(q, 403, "a tampered body");
    expect(hub.sign(body, hub.k1, kNowMs / 1000 - kToleranceS - 1), 403, "a timestamp 5 min + 1 s old");
    expect(hub.sign(body, hub.k2), 403, "k2 posting k1's heartbeat");
    expect(hub.sign("{not json", hub.k1), 400, "a signed body that is not JSON");
    expect(hub.sign(R"({"schema":1,"kiosk_id":"k1","clock":"soon"})", hub.k1), 400, "no clock it can read");

    q = hub.sign(body, hub.k1);
    CHECK(hub.post(q, true).status == 200);
    CHECK_FALSE(nothingKept(*hub.storage));
    const auto replay = hub.post(q, true);
    CHECK(replay.status == 409);

    REQUIRE(hub.storage->revokeKiosk("k2"));
    const auto revoked = hub.post(hub.sign(buildStatusBody(heartbeat("k2")), hub.k2), true);
    CHECK(revoked.status == 401);
    std::vector<KioskRecord> kiosks;
    REQUIRE(hub.storage->kiosks(kiosks));
    CHECK_FALSE(kiosks[1].status);
}
