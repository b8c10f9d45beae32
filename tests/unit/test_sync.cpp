// Unit tests of the sync engine (core/sync): the backoff schedule with injected randomness,
// Retry-After, Standard Webhooks signing (a published test vector and one computed with
// Python's hmac), whsec_ decoding, the request body, the parsing of answers, the status
// rules, the outbox marking in real SQLite files, and the worker's promptness (stop()
// mid-request, status() while offline) against sockets on loopback.
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/sync/backoff.hpp"
#include "core/sync/engine.hpp"
#include "core/sync/outbox.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/signing.hpp"
#include "core/sync/sync_worker.hpp"

#include <fstream>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <random>
#include <set>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk::core;
using namespace kiosk::core::sync;

namespace {

/// A fresh folder under the system temp dir, removed at the end.
class SyncTempDir {
public:
    SyncTempDir() {
        std::random_device rd;
        for (int attempt = 0; attempt < 100 && m_dir.empty(); ++attempt) {
            fs::path p = fs::temp_directory_path() / ("kiosk-test-sync-" + std::to_string(rd()));
            if (fs::create_directory(p)) m_dir = p;
        }
        REQUIRE(!m_dir.empty());
    }
    ~SyncTempDir() {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    SyncTempDir(const SyncTempDir&) = delete;
    SyncTempDir& operator=(const SyncTempDir&) = delete;
    fs::path db() const { return m_dir / "leads.db"; }

private:
    fs::path m_dir;
};

Lead makeLead(int i, std::int64_t createdMs) {
    Lead l;
    l.id = newUuid();
    l.createdMs = createdMs;
    l.kioskId = "kiosk-1";
    l.eventId = "expo-2026";
    l.lang = "de";
    l.firstName = "Jürgen " + std::to_string(i);
    l.lastName = "O'Brien & Söhne";
    l.email = "visitor" + std::to_string(i) + "@example.org";
    l.exhibitors = {"gdata"};
    l.consent = {"2026-01", std::string(64, 'a'), "de", createdMs};
    return l;
}

/// `n` leads in a new database, oldest first.
std::vector<Lead> seed(const fs::path& db, int n) {
    LeadStore store(db);
    REQUIRE(store.open());
    std::vector<Lead> leads;
    for (int i = 0; i < n; ++i) leads.push_back(makeLead(i, 1'780'000'000'000 + i));
    REQUIRE(store.insertBatch(leads));
    return leads;
}

struct Row {
    std::string state, error;
    bool hasSyncedMs = false;
};

std::optional<Row> row(const fs::path& db, const std::string& id) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "SELECT sync_state, sync_error, synced_ms FROM leads WHERE id = ?", -1, &st, nullptr) ==
            SQLITE_OK);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::optional<Row> out;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = Row{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                  reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), sqlite3_column_type(st, 2) != SQLITE_NULL};
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

void execSql(const fs::path& db, const std::string& sql) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    CHECK(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
}

/// A loopback port where nothing listens (connection refused).
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

/// A loopback socket that completes TCP handshakes (the kernel's backlog) but never answers.
struct BlackHole {
    int fd = -1, port = 0;
    BlackHole() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~BlackHole() { ::close(fd); }
    BlackHole(const BlackHole&) = delete;
    BlackHole& operator=(const BlackHole&) = delete;
};

SyncConfig configFor(int port, double timeoutS = 30.0) {
    SyncConfig c;
    c.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/leads";
    c.timeoutS = timeoutS;
    c.backoffBaseS = 0.05;
    c.backoffCapS = 0.2;
    return c;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Backoff

TEST_CASE("sync backoff: full jitter stays within zero and the growing ceiling") {
    Backoff b{2.0, 300.0, 0};
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double ceilings[] = {2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300};
    for (double c : ceilings) {
        CHECK(b.ceiling() == doctest::Approx(c));
        const double w = b.next(u(rng));
        CHECK(w >= 0.0);
        CHECK(w <= c);
    }
    CHECK(b.attempt == 11);
}

TEST_CASE("sync backoff: the wait is the random fraction of the ceiling, and the cap holds") {
    Backoff b{2.0, 300.0, 0};
    CHECK(b.next(1.0) == doctest::Approx(2.0)); // attempt 0: [0, 2]
    CHECK(b.next(0.5) == doctest::Approx(2.0)); // attempt 1: half of 4
    CHECK(b.next(0.0) == doctest::Approx(0.0)); // attempt 2: the floor of full jitter is 0
    CHECK(b.next(0.25) == doctest::Approx(4.0)); // attempt 3: a quarter of 16
    b.attempt = 50;                              // 2 * 2^50 is far past the cap
    CHECK(b.next(1.0) == doctest::Approx(300.0));
    b.attempt = 9'999;
    CHECK(b.next(0.5) == doctest::Approx(150.0)); // no overflow at absurd attempt counts
    CHECK(b.next(-3.0) == doctest::Approx(0.0));  // out-of-range randomness is clamped
    CHECK(b.next(7.0) == doctest::Approx(300.0));
}

TEST_CASE("sync backoff: Retry-After is honoured as a floor, up to one hour") {
    Backoff b{2.0, 300.0, 0};
    CHECK(b.next(0.1, 30.0) == doctest::Approx(30.0)); // longer than the jitter: the server wins
    CHECK(b.next(1.0, 1.0) == doctest::Approx(4.0));   // shorter: the jitter is kept
    CHECK(b.next(0.0, 0.0) == doctest::Approx(0.0));
    CHECK(b.next(0.5, 86400.0) == doctest::Approx(Backoff::kMaxRetryAfterS));
    CHECK(b.attempt == 4); // a Retry-After still counts as a failure
}

TEST_CASE("sync backoff: a success resets the schedule to the base") {
    Backoff b{0.05, 0.5, 0};
    for (int i = 0; i < 6; ++i) b.next(0.5);
    CHECK(b.ceiling() == doctest::Approx(0.5));
    b.reset();
    CHECK(b.attempt == 0);
    CHECK(b.ceiling() == doctest::Approx(0.05));
    CHECK(b.next(1.0) == doctest::Approx(0.05));
}

TEST_CASE("sync Retry-After: delta seconds and the three HTTP date formats") {
    const std::int64_t now = 1'780'000'000; // Thu, 28 May 2026 20:26:40 GMT
    CHECK(parseRetryAfter("120", now) == doctest::Approx(120.0));
    CHECK(parseRetryAfter(" 0 ", now) == doctest::Approx(0.0));
    CHECK(parseRetryAfter("Thu, 28 May 2026 20:28:40 GMT", now) == doctest::Approx(120.0));   // IMF-fixdate
    CHECK(parseRetryAfter("Thursday, 28-May-26 20:28:40 GMT", now) == doctest::Approx(120.0)); // RFC 850
    CHECK(parseRetryAfter("Thu May 28 20:28:40 2026", now) == doctest::Approx(120.0));         // asctime
    CHECK(parseRetryAfter("Thu, 28 May 2026 20:00:00 GMT", now) == doctest::Approx(0.0));      // past: now
    CHECK_FALSE(parseRetryAfter("", now));
    CHECK_FALSE(parseRetryAfter("-5", now));
    CHECK_FALSE(parseRetryAfter("soon", now));
    CHECK_FALSE(parseRetryAfter("1.5", now));
}

// ---------------------------------------------------------------------------------------------
// Signing

TEST_CASE("sync signing: the Standard Webhooks test vector") {
    // From the Standard Webhooks reference libraries' tests (a 24-byte key).
    const auto key = decodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    REQUIRE(key);
    CHECK(key.bytes.size() == 24);
    CHECK(signPayload(key.bytes, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
          "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("sync signing: a kiosk body, computed independently with Python's hmac") {
    // python3: base64.b64encode(hmac.new(bytes(range(32)), f"{id}.{ts}.{body}".encode(), sha256).digest())
    const auto key = decodeSecret("  whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"); // spaces are ignored
    REQUIRE(key);
    CHECK(key.bytes == std::vector<unsigned char>{0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                                  16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
    const std::string body = "{\"schema\":1,\"kiosk_id\":\"kiosk-1\",\"event_id\":\"expo-2026\",\"sent_at\":"
                             "\"2026-05-27T09:30:00.123Z\",\"leads\":[{\"id\":\"3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5a\","
                             "\"last_name\":\"M\xC3\xBCller\"}]}";
    CHECK(signPayload(key.bytes, "3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5a", 1780000000, body) ==
          "v1,kOQYrCZ6KdnWjoJ1Rf6MNvswMgzC8ACYEVjGH2EMal4=");
    // Any change to id, timestamp or body changes the signature.
    const auto sig = signPayload(key.bytes, "3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5a", 1780000000, body);
    CHECK(signPayload(key.bytes, "3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5b", 1780000000, body) != sig);
    CHECK(signPayload(key.bytes, "3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5a", 1780000001, body) != sig);
    CHECK(signPayload(key.bytes, "3f1c9a56-0c1e-4b8e-9a0e-6f1f2d3c4b5a", 1780000000, body + " ") != sig);
}

TEST_CASE("sync signing: the example in docs/sync-protocol.md") {
    const auto key = decodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    REQUIRE(key);
    const std::string body =
        R"({"schema":1,"kiosk_id":"kiosk-1","event_id":"ruhrsummit-innovation-bridge-uk","sent_at":"2026-05-27T09:30:00.123Z",)"
        R"("leads":[{"company":"Manchester Digital Ltd","consent":{"given_at":"2026-05-27T09:29:41.120Z","language":"de",)"
        R"("text_sha256":"9fd77ce2f8106834a46e68df41c949a76dd4dc412d422cff298742abec3324c8","version":"ibuk-ruhrsummit-v1"},)"
        R"("created_at":"2026-05-27T09:29:52.812Z","email":"lena.burnham@example.org","event_id":"ruhrsummit-innovation-bridge-uk",)"
        R"("exhibitors":["ancoats-code-assurance","medlock-gas-sensing"],"first_name":"Lena",)"
        R"("id":"fb41e8ec-8b20-4ed5-b34d-3b00906c3425","job_title":"Researcher","kiosk_id":"kiosk-1","language":"de",)"
        R"("last_name":"Burnham","message":"Interested in a pilot in Q3 )"
        "\xE2\x80\x93"
        R"( please call.","newsletter":false,"phone":"","sectors":["hydrogen","cybersecurity"],"source":"kiosk"}]})";
    CHECK(body.size() == 813);
    CHECK(signPayload(key.bytes, "6f0d3b7e-2c51-4c1e-9a43-0d5e8f1b7a22", 1779874200, body) ==
          "v1,lcdzED+46LK4dAJeQ5fY1UfX3D/i3o7JwCyGHied9T0=");
}

TEST_CASE("sync signing: whsec_ secrets that cannot be used are refused with a reason") {
    CHECK(decodeSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error.find("whsec_") != std::string::npos);
    CHECK(decodeSecret("whsec_").error.find("nothing after") != std::string::npos);
    CHECK(decodeSecret("whsec_not*base64!").error.find("base64") != std::string::npos);
    CHECK(decodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS").error.find("base64") != std::string::npos); // cut short
    CHECK(decodeSecret("whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw").error.find("base64") != std::string::npos);
    CHECK(decodeSecret("whsec_c2hvcnQ=").error.find("only 5 bytes") != std::string::npos); // "short"
    CHECK(decodeSecret("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error.find("whsec_") != std::string::npos);
    CHECK(decodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

// ---------------------------------------------------------------------------------------------
// The request body and the answer

TEST_CASE("sync body: stored payloads are spliced in byte for byte") {
    // Unusual but valid JSON spacing and escapes survive untouched: the bytes are not re-serialised.
    const std::vector<OutboxLead> leads = {{"a", R"({"id":"a","x":"\u00fc \/"})"}, {"b", R"({ "id" : "b" })"}};
    const std::string body = buildBody("kiosk \"1\"", "expo-2026", "2026-05-27T09:30:00.123Z", leads);
    CHECK(body == R"({"schema":1,"kiosk_id":"kiosk \"1\"","event_id":"expo-2026","sent_at":"2026-05-27T09:30:00.123Z",)"
                  R"("leads":[{"id":"a","x":"\u00fc \/"},{ "id" : "b" }]})");
    const auto j = nlohmann::json::parse(body);
    CHECK(j["schema"] == 1);
    CHECK(j["leads"].size() == 2);
    CHECK(buildBody("k", "e", "t", {}) == R"({"schema":1,"kiosk_id":"k","event_id":"e","sent_at":"t","leads":[]})");
}

TEST_CASE("sync answer: accepted, duplicates and rejected, with unknown ids ignored") {
    const std::vector<std::string> sent = {"a", "b", "c", "d", "e"};
    std::string why;
    const auto ack = parseAck(R"({"accepted":["a","zz"],"duplicates":["b","a"],
        "rejected":[{"id":"c","reason":"email\ndomain\u0007 blocked"},{"id":"yy","reason":"not ours"},{"id":"a","reason":"x"}],
        "extra":{"ignored":true}})",
                              sent, &why);
    REQUIRE(ack);
    CHECK(ack->synced == std::vector<std::string>{"a", "b"}); // zz was never sent; a only once
    REQUIRE(ack->rejected.size() == 1);                       // yy unknown; a was accepted
    CHECK(ack->rejected[0].first == "c");
    CHECK(ack->rejected[0].second == "rejected by the server: email domain  blocked");
    // d and e are not mentioned: they stay pending (the caller marks nothing for them).

    const auto noReason = parseAck(R"({"rejected":[{"id":"d"}]})", sent);
    REQUIRE(noReason);
    CHECK(noReason->rejected[0].second == "rejected by the server: no reason given");
    const auto empty = parseAck(R"({"accepted":[]})", sent);
    REQUIRE(empty);
    CHECK(empty->synced.empty());
}

TEST_CASE("sync answer: a body that does not follow the protocol marks nothing") {
    const std::vector<std::string> sent = {"a"};
    for (const char* body : {"", "<html>Thanks!</html>", "[\"a\"]", "{}", R"({"ok":true})", R"({"accepted":"a"})",
                             R"({"accepted":[1]})", R"({"accepted":["a"],"rejected":["a"]})",
                             R"({"rejected":[{"reason":"no id"}]})", R"({"accepted":["a"])", "null"}) {
        std::string why;
        CAPTURE(body);
        CHECK_FALSE(parseAck(body, sent, &why));
        CHECK(!why.empty());
    }
}

TEST_CASE("sync answer: reasons from the server are made safe to show") {
    CHECK(cleanText("ok\tthen\r\nmore") == "ok then  more");
    CHECK(cleanText("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
    CHECK(cleanText(std::string(500, 'x')).size() == 300);
    CHECK(cleanText("\xC3\xBC\xC3\xBC", 3) == "\xC3\xBC"); // never cut inside a character
}

TEST_CASE("sync status codes: what is retried, what stops") {
    for (long s : {200L, 201L, 202L, 204L}) CHECK(classifyStatus(s) == Verdict::Ok);
    for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) CHECK(classifyStatus(s) == Verdict::Retry);
    for (long s : {401L, 403L}) CHECK(classifyStatus(s) == Verdict::Credentials);
    for (long s : {301L, 400L, 404L, 405L, 409L, 413L, 422L}) CHECK(classifyStatus(s) == Verdict::Stop);
    CHECK(statusMessage(401, "h") == "The server refused the credentials (HTTP 401 Unauthorized) — check sync.token / "
                                     "sync.secret");
    CHECK(statusMessage(413, "h").find("sync.batch_size") != std::string::npos);
    CHECK(statusMessage(404, "h").find("sync.endpoint") != std::string::npos);
    CHECK(formatSeconds(30) == "30 s");
    CHECK(formatSeconds(0.5) == "0.5 s");
}

// ---------------------------------------------------------------------------------------------
// The outbox in real SQLite files

TEST_CASE("sync outbox: accepted and duplicates become synced, rejected failed, unmentioned stay pending") {
    SyncTempDir t;
    const auto leads = seed(t.db(), 6);
    Outbox box(t.db());
    REQUIRE(box.open().empty());
    const auto batch = box.nextBatch(4);
    REQUIRE(batch);
    REQUIRE(batch->size() == 4);
    for (size_t i = 0; i < 4; ++i) { // oldest first, payload = the stored JSON
        CHECK((*batch)[i].id == leads[i].id);
        CHECK((*batch)[i].payload == leadJson(leads[i]));
    }
    Ack ack;
    ack.synced = {leads[0].id, leads[1].id};
    ack.rejected = {{leads[2].id, "rejected by the server: blocked domain"}};
    // leads[3] was sent but not mentioned
    const auto changed = box.apply(ack, 1'790'000'000'000);
    REQUIRE(changed);
    CHECK(*changed == 3);

    CHECK(row(t.db(), leads[0].id)->state == "synced");
    CHECK(row(t.db(), leads[0].id)->hasSyncedMs);
    CHECK(row(t.db(), leads[1].id)->state == "synced");
    CHECK(row(t.db(), leads[2].id)->state == "failed");
    CHECK(row(t.db(), leads[2].id)->error == "rejected by the server: blocked domain");
    CHECK_FALSE(row(t.db(), leads[2].id)->hasSyncedMs);
    CHECK(row(t.db(), leads[3].id)->state == "pending");
    const auto c = box.counts();
    REQUIRE(c);
    CHECK(c.value.pending == 3);
    CHECK(c.value.synced == 2);
    CHECK(c.value.failed == 1);

    // The next batch starts with the unmentioned lead; the failed one never comes back.
    const auto next = box.nextBatch(10);
    REQUIRE(next);
    REQUIRE(next->size() == 3);
    CHECK((*next)[0].id == leads[3].id);
    for (const auto& l : *next) CHECK(l.id != leads[2].id);

    // A late duplicate answer for an already failed or synced lead changes nothing.
    Ack late;
    late.synced = {leads[2].id};
    late.rejected = {{leads[0].id, "too late"}};
    CHECK(*box.apply(late, 1'790'000'000'001) == 0);
    CHECK(row(t.db(), leads[2].id)->state == "failed");
    CHECK(row(t.db(), leads[0].id)->state == "synced");

    // The persisted status, as `kiosk status` (another process) reads it.
    const auto s = readSyncStatus(t.db(), SyncConfig{});
    CHECK(s.lastSuccessMs == 1'790'000'000'001);
    CHECK(s.lastError.empty());
    CHECK(s.pending == 3);
    CHECK(s.failed == 1);
    const auto failed = failedLeads(t.db(), 10);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].id == leads[2].id);
    CHECK(failed[0].reason == "rejected by the server: blocked domain");
}

TEST_CASE("sync outbox: a lead erased while its batch was on the way does not break the marking") {
    SyncTempDir t;
    const auto leads = seed(t.db(), 3);
    Outbox box(t.db());
    const auto batch = box.nextBatch(10);
    REQUIRE(batch);
    REQUIRE(batch->size() == 3);
    {
        // The visitor withdraws (staff erase by email) while the request is in flight, on the UI's connection.
        LeadStore store(t.db());
        std::vector<ErasedLead> erased;
        REQUIRE(store.eraseByEmail(leads[1].email, 1'790'000'000'000, erased));
        CHECK(erased.size() == 1);
    }
    Ack ack;
    ack.synced = {leads[0].id, leads[1].id};
    ack.rejected = {{leads[2].id, "rejected by the server: x"}};
    const auto changed = box.apply(ack, 1'790'000'000'000);
    REQUIRE(changed);
    CHECK(*changed == 2);
    CHECK_FALSE(row(t.db(), leads[1].id)); // still gone: marking never re-creates a lead
    CHECK(row(t.db(), leads[0].id)->state == "synced");
    CHECK(row(t.db(), leads[2].id)->state == "failed");
    const auto c = box.counts();
    CHECK(c.value.pending + c.value.synced + c.value.failed == 2);
}

TEST_CASE("sync outbox: errors are persisted for staff and cleared by the next success") {
    SyncTempDir t;
    seed(t.db(), 1);
    Outbox box(t.db());
    box.recordError("The server refused the credentials (HTTP 401 Unauthorized) — check sync.token / sync.secret", true,
                    5);
    auto s = readSyncStatus(t.db(), SyncConfig{});
    CHECK(s.lastError.find("refused the credentials") != std::string::npos);
    CHECK(s.credentialsRefused);
    CHECK(s.lastSuccessMs == 0);
    CHECK(*box.apply(Ack{}, 1'790'000'000'000) == 0);
    s = readSyncStatus(t.db(), SyncConfig{});
    CHECK(s.lastError.empty());
    CHECK_FALSE(s.credentialsRefused);
    CHECK(s.lastSuccessMs == 1'790'000'000'000);
}

TEST_CASE("sync outbox: counts that cannot be read are an error, never zeros") {
    SyncTempDir t;
    {
        std::ofstream garbage(t.db(), std::ios::binary);
        garbage << std::string(8192, 'x'); // not a database
    }
    Outbox box(t.db());
    const auto c = box.counts();
    CHECK_FALSE(c);
    CHECK_FALSE(c.error.empty());
    const auto last = box.lastLeadMs();
    CHECK_FALSE(last);
    CHECK_FALSE(last.error.empty());
}

TEST_CASE("sync outbox: readSyncStatus of a data folder without a database creates nothing") {
    SyncTempDir t;
    SyncConfig c;
    c.endpoint = "https://sync.example.org/leads";
    const auto s = readSyncStatus(t.db(), c);
    CHECK(s.enabled);
    CHECK(s.pending == 0);
    CHECK_FALSE(fs::exists(t.db()));
}

TEST_CASE("sync uploader: a damaged stored payload is held as failed, never sent") {
    SyncTempDir t;
    const auto leads = seed(t.db(), 1);
    execSql(t.db(), "UPDATE leads SET payload = '{\"id\": broken' WHERE id = '" + leads[0].id + "'");
    Uploader up(t.db(), configFor(closedPort()), "kiosk-1", "expo-2026");
    const auto a = up.attempt();
    CHECK(a.kind == Attempt::Progress);
    CHECK(a.sent == 0); // nothing went out: the request would have been refused as a whole
    CHECK(a.rejected == 1);
    CHECK(row(t.db(), leads[0].id)->state == "failed");
    CHECK(row(t.db(), leads[0].id)->error.find("damaged") != std::string::npos);
    CHECK(up.attempt().kind == Attempt::Idle);
}

TEST_CASE("sync uploader: connection refused is retried and said in plain words, the leads stay pending") {
    SyncTempDir t;
    seed(t.db(), 3);
    const int port = closedPort();
    Uploader up(t.db(), configFor(port), "kiosk-1", "expo-2026");
    const auto a = up.attempt();
    CHECK(a.kind == Attempt::Retry);
    CHECK(a.sent == 3);
    CHECK(a.error == "Connection refused by 127.0.0.1:" + std::to_string(port) + " — is the network up?");
    const auto s = up.status();
    CHECK(s.pending == 3);
    CHECK(s.lastError == a.error);
}

TEST_CASE("sync uploader: plain http goes straight to the loopback receiver, never through a proxy") {
    // A proxy named in the environment (a shell's http_proxy, /etc/environment) would get
    // the bearer token and the leads in clear: http:// is only for a receiver on this PC.
    SyncTempDir t;
    seed(t.db(), 2);
    BlackHole proxy;
    const std::string proxyUrl = "http://127.0.0.1:" + std::to_string(proxy.port);
    for (const char* var : {"http_proxy", "ALL_PROXY", "all_proxy"})
        ::setenv(var, proxyUrl.c_str(), 1);
    const int port = closedPort();
    Uploader up(t.db(), configFor(port, 2.0), "kiosk-1", "expo-2026");
    const auto a = up.attempt();
    for (const char* var : {"http_proxy", "ALL_PROXY", "all_proxy"})
        ::unsetenv(var);
    CHECK(a.error == "Connection refused by 127.0.0.1:" + std::to_string(port) + " — is the network up?");
    CHECK(up.status().pending == 2);
}

TEST_CASE("sync uploader: an unusable secret stops before anything is sent") {
    SyncTempDir t;
    seed(t.db(), 1);
    auto c = configFor(closedPort());
    c.secret = "whsec_c2hvcnQ=";
    Uploader up(t.db(), c, "kiosk-1", "expo-2026");
    const auto a = up.attempt();
    CHECK(a.kind == Attempt::Stop);
    CHECK(a.sent == 0);
    CHECK(a.error.find("sync.secret cannot be used") != std::string::npos);
}

TEST_CASE("sync once: gives up after failures in a row when no server answers, nothing lost") {
    SyncTempDir t;
    seed(t.db(), 5);
    auto c = configFor(closedPort());
    c.backoffBaseS = 0.01;
    c.backoffCapS = 0.02;
    OnceOptions o;
    o.maxSeconds = 20;
    o.maxFailuresInARow = 4;
    int calls = 0;
    o.progress = [&](const Attempt&, double) { ++calls; };
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = runOnce(t.db(), c, "kiosk-1", "expo-2026", o);
    CHECK(secondsSince(t0) < 5.0);
    CHECK(calls == 4);
    CHECK(r.failures == 4);
    CHECK(r.status.pending == 5);
    CHECK(r.stoppedBecause.find("4 tries in a row failed") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The worker thread

TEST_CASE("sync worker: stop() returns within 2 s while a request is waiting for an answer") {
    SyncTempDir t;
    seed(t.db(), 10);
    BlackHole hole;
    SyncWorker w(t.db(), configFor(hole.port, 30.0), "kiosk-1", "expo-2026");
    w.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(700)); // connected, request sent, no answer
    const auto t0 = std::chrono::steady_clock::now();
    w.stop();
    CHECK(secondsSince(t0) < 2.0);
    const auto s = readSyncStatus(t.db(), SyncConfig{});
    CHECK(s.pending == 10); // the abandoned batch stays pending
}

TEST_CASE("sync worker: offline, it backs off, status() answers at once and wake() loses nothing") {
    SyncTempDir t;
    seed(t.db(), 4);
    const int port = closedPort();
    auto c = configFor(port);
    c.backoffBaseS = 0.5;
    c.backoffCapS = 1.0;
    SyncWorker w(t.db(), c, "kiosk-1", "expo-2026");
    CHECK(w.status().enabled);
    w.start();
    SyncStatus s;
    for (int i = 0; i < 100 && s.lastError.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        s = w.status();
    }
    CHECK(s.lastError.find("Connection refused by 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(s.pending == 4);
    CHECK_FALSE(s.credentialsRefused);
    {
        LeadStore store(t.db()); // the UI thread stores a lead meanwhile
        REQUIRE(store.insert(makeLead(99, 1'790'000'000'000)));
    }
    w.wake();
    for (int i = 0; i < 100 && s.pending != 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        s = w.status();
        CHECK(secondsSince(t0) < 0.05); // never waits for the network or the database
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(s.pending == 5);
    const auto t0 = std::chrono::steady_clock::now();
    w.stop();
    CHECK(secondsSince(t0) < 2.0);
    CHECK(readSyncStatus(t.db(), SyncConfig{}).pending == 5);
}
