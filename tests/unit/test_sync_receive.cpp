// The receiving end of the sync protocol in core/sync, shared with kiosk-hub: parseUpload
// cuts each lead's bytes out of a body built by buildBody unchanged, validates it, and
// refuses what is not the protocol; buildAck is read back by the kiosk's parseAck;
// verifySignature accepts what signPayload made and nothing else.
#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/signing.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

using namespace kiosk::core;
using namespace kiosk::core::sync;

namespace {
const std::string kId1 = "fb41e8ec-8b20-4ed5-b34d-3b00906c3425";
const std::string kId2 = "0d8f6c1e-3a55-4f0b-b8a7-5a0e3f4d2c11";

std::string envelope(const std::string& leads) {
    return R"({"schema":1,"kiosk_id":"k1","event_id":"e","sent_at":"2026-01-01T00:00:00.000Z","leads":[)" + leads + "]}";
}
} // namespace

TEST_CASE("sync receive: parseUpload gives back every payload of buildBody byte for byte") {
    // Odd but valid bytes: escapes, non-ASCII, spaces a kiosk would not write, nested arrays.
    const std::vector<OutboxLead> sent = {
        {kId1, R"({"email":"a@example.org","id":")" + kId1 + R"(","x":"\u00fc \/ \"]}","n":[[1],{"a":[]}]})"},
        {kId2, R"({ "id" : ")" + kId2 + R"(" , "email" : "ö@example.org" })"},
    };
    const std::string body = buildBody("k1", "event-ü", "2026-05-27T09:30:00.123Z", sent);
    std::string why;
    const auto up = parseUpload(body, &why);
    REQUIRE_MESSAGE(up, why);
    CHECK(up->schema == 1);
    CHECK(up->kioskId == "k1");
    CHECK(up->eventId == "event-ü");
    CHECK(up->sentAt == "2026-05-27T09:30:00.123Z");
    REQUIRE(up->leads.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(up->leads[i].payload == sent[i].payload);
        CHECK(up->leads[i].id == sent[i].id);
        CHECK(up->leads[i].problem.empty());
    }
}

TEST_CASE("sync receive: real kiosk leads round-trip") {
    std::vector<OutboxLead> sent;
    for (int i = 0; i < 20; ++i) {
        Lead l;
        l.id = newUuid();
        l.createdMs = 1'780'000'000'000 + i;
        l.kioskId = "kiosk-1";
        l.firstName = "Jörg \"J\" " + std::to_string(i);
        l.email = "j" + std::to_string(i) + "@example.org";
        l.message = "Zeile 1\nZeile 2 – ]}";
        l.exhibitors = {"a", "b"};
        sent.push_back({l.id, leadJson(l)});
    }
    const auto up = parseUpload(buildBody("kiosk-1", "event", "2026-05-27T09:30:00.123Z", sent));
    REQUIRE(up);
    REQUIRE(up->leads.size() == sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        CHECK(up->leads[i].payload == sent[i].payload);
        CHECK(up->leads[i].problem.empty());
    }
}

TEST_CASE("sync receive: each lead that cannot be stored is named with its reason") {
    const auto up = parseUpload(envelope(R"({"email":"a@b.c"},{"id":"x","email":"a@b.c"},{"id":")" + kId1 +
                                         R"("},[1],{"id":")" + kId2 + R"(","email":""},{"id":7,"email":"a@b.c"})"));
    REQUIRE(up);
    REQUIRE(up->leads.size() == 6);
    CHECK(up->leads[0].problem == "the lead has no id");
    CHECK(up->leads[1].problem == "the lead's id is not a UUID");
    CHECK(up->leads[1].id == "x");
    CHECK(up->leads[2].problem == "the lead has no email");
    CHECK(up->leads[3].problem == "the lead is not a JSON object");
    CHECK(up->leads[4].problem == "the lead has no email");
    CHECK(up->leads[5].problem == "the lead has no id");
    CHECK(up->leads[5].id.empty());
}

TEST_CASE("sync receive: a body that is not the protocol is refused as a whole") {
    const std::string deep = std::string(100, '[') + std::string(100, ']');
    const std::string lead = R"({"id":")" + kId1 + R"(","email":"a@b.c"})";
    for (const std::string& body : std::vector<std::string>{
             std::string(), std::string("not json"), std::string("[]"), std::string("{}"),
             envelope(lead) + "x",                                  // trailing garbage
             envelope(lead).substr(0, 60),                          // cut off
             envelope(R"({"id":"a", "email":tru})"),                // a bad literal inside a lead
             envelope(deep),                                        // nested too deep
             R"({"schema":2,"kiosk_id":"k1","leads":[]})",          // another schema
             R"({"schema":1,"leads":[]})",                          // no kiosk
             R"({"schema":1,"kiosk_id":"k1"})",                     // no leads
             R"({"schema":1,"kiosk_id":"k1","leads":{}})",          // leads not a list
             R"({"schema":"1","kiosk_id":"k1","leads":[]})",        // schema a string
             R"({"schema":1,"kiosk_id":"k1","leads":[],"leads":[]})", // two lists: which one counts?
         }) {
        std::string why;
        CHECK_MESSAGE(!parseUpload(body, &why), body);
        CHECK(!why.empty());
    }
    // Unknown envelope fields are ignored (later kiosks may add some).
    CHECK(parseUpload(R"({"schema":1,"kiosk_id":"k1","future":{"a":[1,2]},"leads":[]})"));
}

TEST_CASE("sync receive: isUuid") {
    CHECK(isUuid(kId1));
    CHECK(isUuid("FB41E8EC-8B20-4ED5-B34D-3B00906C3425"));
    CHECK(isUuid(newUuid()));
    CHECK_FALSE(isUuid(""));
    CHECK_FALSE(isUuid("fb41e8ec8b204ed5b34d3b00906c3425"));
    CHECK_FALSE(isUuid("fb41e8ec-8b20-4ed5-b34d-3b00906c342g"));
    CHECK_FALSE(isUuid("fb41e8ec-8b20-4ed5-b34d-3b00906c34251"));
}

TEST_CASE("sync receive: the kiosk reads buildAck's answer") {
    const std::string ack = buildAck({kId1}, {kId2}, {{"a2c4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3e4f", "no email"}});
    const auto got = parseAck(ack, {kId1, kId2, "a2c4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3e4f"});
    REQUIRE(got);
    CHECK(got->synced == std::vector<std::string>{kId1, kId2});
    REQUIRE(got->rejected.size() == 1);
    CHECK(got->rejected[0].second == "rejected by the server: no email");
}

TEST_CASE("sync receive: verifySignature accepts signPayload's signature and nothing else") {
    const auto key = decodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    REQUIRE(key);
    const std::string body = R"({"test": 2432232314})";
    const std::string sig = signPayload(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
    CHECK(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, sig));
    // Several signatures, space-separated (a rotated secret): any one may match.
    CHECK(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, "v1,bm9wZQ== " + sig));
    CHECK_FALSE(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, sig));
    CHECK_FALSE(verifySignature(key.bytes, "msg_other", 1614265330, body, sig));
    CHECK_FALSE(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body + " ", sig));
    CHECK_FALSE(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, ""));
    CHECK_FALSE(verifySignature(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, sig.substr(0, sig.size() - 1)));
    const auto other = decodeSecret("whsec_" + std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    REQUIRE(other);
    CHECK_FALSE(verifySignature(other.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, sig));
}

TEST_CASE("sync receive: parseUpload agrees with nlohmann on thousands of damaged bodies") {
    // A differential test of the hand-written structural scan: random bytes flipped, inserted
    // and removed in a valid body. Whenever parseUpload accepts one, nlohmann accepts it too and
    // every lead it cut out is exactly the element nlohmann finds there; whenever nlohmann
    // accepts one that is still the protocol, parseUpload does too.
    const std::string base = envelope(R"({"email":"a@b.c","id":")" + kId1 + R"(","n":[1,2.5e3,true,null],"s":"\"]}\\"},)" +
                                      R"( {"email":"x@y.z","id":")" + kId2 + R"(","o":{"k":[{}]}})");
    const std::string alphabet = "{}[]\",:\\ 0e.-tfnu\x01\xC3";
    std::mt19937 rng(7);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string body = base;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits && !body.empty(); ++e) {
            const size_t at = rng() % body.size();
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0: body[at] = c; break;
            case 1: body.insert(at, 1, c); break;
            default: body.erase(at, 1);
            }
        }
        const auto up = parseUpload(body);
        const auto j = nlohmann::json::parse(body, nullptr, false);
        if (up) {
            ++accepted;
            INFO(body);
            REQUIRE_FALSE(j.is_discarded());
            REQUIRE(j.at("leads").size() == up->leads.size());
            for (size_t i = 0; i < up->leads.size(); ++i)
                CHECK(nlohmann::json::parse(up->leads[i].payload) == j.at("leads").at(i));
            CHECK(j.at("kiosk_id") == up->kioskId);
        } else if (!j.is_discarded() && j.is_object() && j.value("schema", nlohmann::json()) == 1 &&
                   j.contains("leads") && j.at("leads").is_array() && j.contains("kiosk_id") &&
                   j.at("kiosk_id").is_string() && !j.at("kiosk_id").get<std::string>().empty() &&
                   (!j.contains("event_id") || j.at("event_id").is_string()) &&
                   (!j.contains("sent_at") || j.at("sent_at").is_string())) {
            FAIL_CHECK("nlohmann accepts what parseUpload refused: " << body);
        }
    }
    MESSAGE(accepted << " of 20000 damaged bodies were still the protocol");
    CHECK(accepted > 100);
}
