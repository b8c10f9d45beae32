// Double opt-in and erasure on the hub (kiosk/hub/doi.*, erasure.*, mailer.*), on both
// backends: a lead gets one row however often and by however many instances it is queued; a
// due mail is claimed by one sender only; failures back off (doubling, capped), a 5xx bounces;
// the visitor's first answer stands; the erasure takes leads, their rows, conflicts and
// rejections, and its log holds no email. Then the mail itself and the [doi] config.
#include "hub/doi.hpp"
#include "hub/erasure.hpp"
#include "hub/hub_config.hpp"
#include "hub/mailer.hpp"

#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"

#include "../support/hub_backends.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

using namespace kiosk::hub;
using kiosk::test::Backend;
using kiosk::test::contains;
using kiosk::test::TempDir;

namespace {
constexpr std::int64_t kNow = 1'780'000'000'000;
constexpr std::int64_t kLease = 300'000;

std::string leadId(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
    return buf;
}

std::string payload(int i, const std::string& email, const std::string& lang = "de") {
    return nlohmann::json{{"id", leadId(i)},
                          {"email", email},
                          {"first_name", "Zoë"},
                          {"last_name", "Müller"},
                          {"language", lang},
                          {"kiosk_id", "k1"},
                          {"event_id", "fair-2026"},
                          {"created_at", "2026-05-27T09:30:00.123Z"},
                          {"exhibitors", {"acme", "globex"}},
                          {"newsletter", false},
                          {"consent", {{"version", "v1"}, {"language", lang}, {"text_sha256", "ab"}}}}
        .dump();
}

void storeLeads(Storage& s, const std::vector<IncomingLead>& leads) {
    std::vector<LeadOutcome> out;
    const auto r = s.storeLeads("k1", leads, kNow, out);
    INFO(r.error);
    REQUIRE(r);
}

void setUp(Storage& s, int n) {
    REQUIRE(s.addKiosk("k1", "hash1", "whsec_a", 1));
    REQUIRE(s.addKiosk("k2", "hash2", "whsec_b", 1));
    std::vector<IncomingLead> leads;
    for (int i = 1; i <= n; ++i)
        leads.push_back({leadId(i), payload(i, "visitor" + std::to_string(i) + "@example.org")});
    leads.push_back({leadId(99), "{\"id\":\"" + leadId(99) + "\"}"}); // no email: nothing to confirm
    storeLeads(s, leads);
}

long long count(Storage& s, const std::string& sql) {
    long long n = -1;
    REQUIRE(s.transaction("count", [&](SqlTx& tx) { n = tx.query(sql).rows.at(0).integer(0); }));
    return n;
}

std::optional<DoiJob> claim(Storage& s, std::int64_t now) {
    std::optional<DoiJob> job;
    const auto r = claimDoi(s, now, kLease, job);
    INFO(r.error);
    REQUIRE(r);
    return job;
}

void queuedOnce(const Backend& b) {
    auto s = b.connect();
    setUp(*s, 20);
    // Two instances queue at the same time, and again later (a restart): one row per lead.
    auto other = b.connect();
    long long a = 0, c = 0;
    std::thread t([&] { CHECK(queueDoi(*other, kNow, c)); });
    CHECK(queueDoi(*s, kNow, a));
    t.join();
    CHECK(a + c == 20);
    long long again = -1;
    CHECK(queueDoi(*s, kNow + 1, again));
    CHECK(again == 0);
    CHECK(count(*s, "SELECT count(*) FROM doi") == 21);
    CHECK(count(*s, "SELECT count(*) FROM doi WHERE state = 'queued'") == 20);
    std::map<std::string, DoiState> states;
    REQUIRE(loadDoiStates(*s, states));
    CHECK(states.size() == 20);
    CHECK(states.at(leadId(1)) == DoiState::Pending);
    CHECK_FALSE(states.count(leadId(99)));
}

void claimedExclusively(const Backend& b) {
    auto s = b.connect();
    setUp(*s, 30);
    long long q = 0;
    REQUIRE(queueDoi(*s, kNow, q));
    // Three senders claim everything at once: each lead is claimed by exactly one of them.
    std::vector<std::vector<std::string>> got(3);
    std::vector<std::thread> senders;
    for (int i = 0; i < 3; ++i)
        senders.emplace_back([&, i] {
            auto mine = b.connect();
            for (int tries = 0; tries < 60; ++tries)
                if (auto job = claim(*mine, kNow)) got[i].push_back(job->leadId);
        });
    for (auto& t : senders)
        t.join();
    std::vector<std::string> all;
    for (const auto& g : got)
        all.insert(all.end(), g.begin(), g.end());
    std::sort(all.begin(), all.end());
    CHECK(all.size() == 30);
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    // While leased nothing is claimed again; a sender that died gives it up when the lease ends.
    CHECK_FALSE(claim(*s, kNow + kLease - 1));
    const auto again = claim(*s, kNow + kLease);
    REQUIRE(again);
    CHECK(again->attempts == 2);
    CHECK(isDoiToken(again->token));
}

void backoffAndBounce(const Backend& b) {
    auto s = b.connect();
    setUp(*s, 2);
    long long q = 0;
    REQUIRE(queueDoi(*s, kNow, q));
    auto job = claim(*s, kNow);
    REQUIRE(job);
    REQUIRE(doiFailed(*s, *job, "451 try later", false, kNow, 60'000, 3'600'000));
    auto other = claim(*s, kNow);
    REQUIRE(other);
    CHECK(other->leadId != job->leadId);
    REQUIRE(doiFailed(*s, *other, "550 no such user", true, kNow, 60'000, 3'600'000));
    CHECK_FALSE(claim(*s, kNow + 59'999));
    job = claim(*s, kNow + 60'000);
    REQUIRE(job);
    CHECK(job->attempts == 2);
    REQUIRE(doiFailed(*s, *job, "connection refused", false, kNow + 60'000, 60'000, 3'600'000));
    CHECK_FALSE(claim(*s, kNow + 60'000 + 119'999)); // doubled
    REQUIRE(claim(*s, kNow + 180'000));
    std::map<std::string, DoiState> states;
    REQUIRE(loadDoiStates(*s, states));
    CHECK(states.at(other->leadId) == DoiState::Bounced);
    CHECK(states.at(job->leadId) == DoiState::Pending);
    CHECK(doiBackoffMs(1, 60'000, 3'600'000) == 60'000);
    CHECK(doiBackoffMs(3, 60'000, 3'600'000) == 240'000);
    CHECK(doiBackoffMs(50, 60'000, 3'600'000) == 3'600'000);
}

void answeredOnce(const Backend& b) {
    auto s = b.connect();
    setUp(*s, 2);
    long long q = 0;
    REQUIRE(queueDoi(*s, kNow, q));
    const auto job = claim(*s, kNow);
    REQUIRE(job);
    REQUIRE(doiSent(*s, job->leadId, kNow + 5));
    // Only the hash is kept.
    CHECK(count(*s, "SELECT count(*) FROM doi WHERE token_hash = '" + job->token + "'") == 0);
    std::optional<DoiLink> link;
    REQUIRE(doiByToken(*s, job->token, link));
    REQUIRE(link);
    CHECK(link->state == DoiState::Pending);
    CHECK(link->leadId == job->leadId);
    bool recorded = false;
    std::optional<DoiState> state;
    REQUIRE(answerDoi(*s, job->token, true, "192.0.2.7", "Mozilla/5.0 test", kNow + 10, recorded, state));
    CHECK(recorded);
    CHECK(state == DoiState::Confirmed);
    REQUIRE(answerDoi(*s, job->token, false, "192.0.2.8", "other", kNow + 20, recorded, state));
    CHECK_FALSE(recorded);
    CHECK(state == DoiState::Confirmed);
    std::vector<DoiRow> rows;
    REQUIRE(doiRows(*s, rows));
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const DoiRow& r) { return r.leadId == job->leadId; });
    REQUIRE(row != rows.end());
    CHECK(row->state == "confirmed");
    CHECK(row->answerIp == "192.0.2.7");
    CHECK(row->answerAgent == "Mozilla/5.0 test");
    CHECK(row->answeredMs == kNow + 10);
    // A wrong token finds nothing and changes nothing.
    std::string wrong = job->token;
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    REQUIRE(answerDoi(*s, wrong, false, "x", "y", kNow, recorded, state));
    CHECK_FALSE(recorded);
    CHECK_FALSE(state);
    REQUIRE(doiByToken(*s, "../../etc", link));
    CHECK_FALSE(link);
}

void erasedEverywhere(const Backend& b) {
    auto s = b.connect();
    setUp(*s, 3);
    // The same visitor twice (another stand), and a conflicting copy of one of the leads.
    storeLeads(
        *s, {{leadId(10), payload(10, "zoë.müller@example.de")}, {leadId(11), payload(11, "ZOË.MÜLLER@example.de")}});
    std::vector<LeadOutcome> out;
    REQUIRE(s->storeLeads("k2", {{leadId(10), payload(10, "zoë.müller@example.de") + " "}}, kNow, out));
    REQUIRE(s->recordRejected("k1", {{leadId(11), "no consent"}}, kNow));
    long long q = 0;
    REQUIRE(queueDoi(*s, kNow, q));
    long long erased = 0;
    const auto r = eraseByEmail(*s, "  Zoë.Müller@EXAMPLE.de ", "organiser anna", kNow + 1, erased);
    INFO(r.error);
    REQUIRE(r);
    CHECK(erased == 2);
    CHECK(count(*s, "SELECT count(*) FROM leads") == 4);
    CHECK(count(*s, "SELECT count(*) FROM conflicts") == 0);
    CHECK(count(*s, "SELECT count(*) FROM rejected") == 0);
    CHECK(count(*s, "SELECT count(*) FROM doi WHERE lead_id IN ('" + leadId(10) + "', '" + leadId(11) + "')") == 0);
    std::vector<ErasureLogEntry> log;
    REQUIRE(erasureLog(*s, log));
    REQUIRE(log.size() == 1);
    CHECK(log[0].emailSha256 == kiosk::core::emailSha256("zoë.müller@example.de"));
    CHECK(log[0].who == "organiser anna");
    CHECK(log[0].leads == 2);
    // No trace of the address in the log: every column of every row.
    REQUIRE(s->transaction("read", [&](SqlTx& tx) {
        for (const auto& row : tx.query("SELECT * FROM erasure_log").rows)
            for (size_t i = 0; i < row.size(); ++i) {
                CHECK_FALSE(contains(row.text(i), "@"));
                CHECK_FALSE(contains(row.text(i), "ller"));
            }
    }));
    // Every kiosk is told, until it says it is done.
    std::vector<std::string> pending;
    REQUIRE(kioskErasures(*s, "k1", {}, kNow, pending));
    CHECK(pending == std::vector<std::string>{log[0].emailSha256});
    // k1 uploads two leads of hers before it hears of the erasure: one captured before it (a
    // copy the withdrawal covers), one after (she signed up again).
    std::string later = payload(12, "zoë.müller@example.de");
    later.replace(later.find("2026-05-27"), 10, "2027-01-01");
    storeLeads(*s, {{leadId(12), later}, {leadId(13), payload(13, "zoë.müller@example.de")}});
    REQUIRE(kioskErasures(*s, "k1", {log[0].emailSha256}, kNow + 2, pending));
    CHECK(pending.empty());
    CHECK(count(*s, "SELECT count(*) FROM leads WHERE id = '" + leadId(13) + "'") == 0);
    CHECK(count(*s, "SELECT count(*) FROM leads WHERE id = '" + leadId(12) + "'") == 1);
    REQUIRE(erasureLog(*s, log));
    REQUIRE(log.size() == 2);
    CHECK(log[1].who == "late copy from kiosk k1");
    CHECK(log[1].leads == 1);
    // Reported done twice: nothing more happens.
    REQUIRE(kioskErasures(*s, "k1", {log[0].emailSha256}, kNow + 3, pending));
    CHECK(count(*s, "SELECT count(*) FROM leads WHERE id = '" + leadId(12) + "'") == 1);
    REQUIRE(kioskErasures(*s, "k2", {}, kNow, pending));
    CHECK(pending.size() == 1);
    // A kiosk's own erasure: the hub erases, the other kiosks are told, not the one that erased.
    long long n = 0;
    REQUIRE(eraseByEmailHash(*s, kiosk::core::emailSha256("visitor1@example.org"), "kiosk k2", "k2", kNow, n));
    CHECK(n == 1);
    REQUIRE(kioskErasures(*s, "k2", {}, kNow, pending));
    CHECK(pending.size() == 1);
    REQUIRE(kioskErasures(*s, "k1", {}, kNow, pending));
    CHECK(pending.size() == 1);
    CHECK_FALSE(eraseByEmailHash(*s, "not a hash", "x", "", kNow, n));
}
} // namespace

HUB_STORAGE_CASE("doi: each lead is queued once, by any number of instances and restarts", queuedOnce)
HUB_STORAGE_CASE("doi: a due mail is claimed by one sender only; a lease that ran out frees it", claimedExclusively)
HUB_STORAGE_CASE("doi: a failed mail is retried after a doubling delay; a 5xx bounces it", backoffAndBounce)
HUB_STORAGE_CASE("doi: the token is stored hashed; the visitor's first answer stands, with time, address, browser",
                 answeredOnce)
HUB_STORAGE_CASE("erasure: leads, doi rows, conflicts, rejections go; the log has the hash only; kiosks are told",
                 erasedEverywhere)

namespace {
std::string decodeBase64Body(const std::string& message) {
    const std::string b64 = message.substr(message.find("\r\n\r\n") + 4);
    std::string clean;
    for (char c : b64)
        if (c != '\r' && c != '\n') clean += c;
    std::string out(clean.size(), '\0');
    size_t len = 0;
    REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), clean.data(), clean.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0);
    out.resize(len);
    return out;
}
} // namespace

TEST_CASE("doi mail: in the lead's language, what was agreed, both links, headers encoded, nothing else") {
    DoiJob job{leadId(1), payload(1, "zoe@example.de", "de"), std::string(64, 'a'), "Ja, BMR darf mich kontaktieren.",
               1};
    const Mail de = doiMail(job, "https://hub.example.org");
    CHECK(de.to == "zoe@example.de");
    CHECK(contains(de.subject, "Bitte bestätigen"));
    CHECK(contains(de.body, "Guten Tag Zoë Müller"));
    CHECK(contains(de.body, "Ja, BMR darf mich kontaktieren."));
    CHECK(contains(de.body, "acme, globex"));
    CHECK(contains(de.body, "2026-05-27 09:30 UTC"));
    CHECK(contains(de.body, "„fair-2026“ am Stand „k1“"));
    CHECK(contains(de.body, "https://hub.example.org/confirm/" + job.token));
    CHECK(contains(de.body, "https://hub.example.org/decline/" + job.token));
    job.payload = payload(1, "zoe@example.de", "en");
    const Mail en = doiMail(job, "https://hub.example.org");
    CHECK(contains(en.subject, "Please confirm"));
    CHECK(contains(en.body, "This was not you?"));

    const std::string m = mimeMessage("Messe Büro <leads@example.org>", de, kNow);
    CHECK(contains(m, "Date: "));
    CHECK(contains(m, " +0000\r\n"));
    CHECK(contains(m, "Message-ID: <"));
    CHECK(contains(m, "@example.org>\r\n"));
    CHECK(contains(m, "From: =?UTF-8?B?"));
    CHECK(contains(m, " <leads@example.org>\r\n"));
    CHECK(contains(m, "To: zoe@example.de\r\n"));
    CHECK(contains(m, "Subject: =?UTF-8?B?"));
    CHECK(contains(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
    CHECK(decodeBase64Body(m) == [&] {
        std::string crlf;
        for (char c : de.body)
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return crlf;
    }());
    CHECK(encodeHeader("plain words") == "plain words");
    CHECK(encodeHeader("Subject\r\nBcc: x@example.org") != "Subject\r\nBcc: x@example.org");
    // The sender sends only to an address mailAddress gives back unchanged.
    CHECK(mailAddress("zoe@example.de") == "zoe@example.de");
    for (const char* bad : {"zoe@example.de\r\nBcc: x@example.org", "zoe@example.de\tx", "Zoe <zoe@example.de>",
                            "zoe example@de.de", "zoe@localhost"})
        CHECK(mailAddress(bad) != bad);
    // Long subjects: encoded words of at most 75 characters, folded, each whole UTF-8.
    const std::string folded = encodeHeader(std::string(40, 'x') + "äöü" + std::string(40, 'y'));
    CHECK(contains(folded, "\r\n =?UTF-8?B?"));
    for (size_t at = 0, end; at < folded.size(); at = end + 3) {
        end = folded.find("\r\n ", at);
        if (end == std::string::npos) end = folded.size();
        CHECK(end - at <= 75);
    }
}

TEST_CASE("[doi] config: what a mail needs is demanded, each problem with file:line: key: what — fix") {
    TempDir dir("hub-doi-config");
    const auto load = [&](const std::string& doi) {
        std::ofstream(dir / "hub.toml") << "[hub]\nlisten = \"127.0.0.1:8470\"\n\n[doi]\n" << doi;
        return loadHubConfig(dir / "hub.toml");
    };
    auto ok = load("enabled = true\nsmtp_url = \"smtp://127.0.0.1:2525\"\nfrom = \"Messe <leads@example.org>\"\n"
                   "base_url = \"https://hub.example.org/\"\nexhibitors_see = \"all\"\nretry_initial_s = 2\n");
    CHECK(ok.usable());
    CHECK(ok.config.doi.enabled);
    CHECK(ok.config.doi.baseUrl == "https://hub.example.org");
    CHECK(ok.config.doi.exhibitorsSeeAll);
    CHECK(ok.config.doi.retryInitialS == 2);
    CHECK(ok.config.doi.smtpLoopback());
    auto missing = load("enabled = true\n");
    CHECK_FALSE(missing.usable());
    CHECK(missing.problems.size() == 3);
    auto bad = load("enabled = true\nsmtp_url = \"http://mail.example.org\"\nfrom = \"nobody\"\n"
                    "base_url = \"http://hub.example.org\"\nexhibitors_see = \"some\"\n");
    CHECK_FALSE(bad.usable());
    std::string all;
    for (const auto& p : bad.problems)
        all += p.format() + "\n";
    CHECK(contains(all, "hub.toml:6: doi.smtp_url: is not an SMTP address"));
    CHECK(contains(all, "doi.from: 'nobody' is not an email address"));
    CHECK(contains(all, "doi.base_url: 'http://hub.example.org' is not an https:// address"));
    CHECK(contains(all, "doi.exhibitors_see: 'some' is neither"));
    auto remote = load("smtp_url = \"smtp://user:pw@mail.example.org:587\"\n");
    CHECK(remote.usable());
    CHECK_FALSE(remote.config.doi.smtpLoopback());
    CHECK_FALSE(contains(remote.problems.empty() ? "" : remote.problems[0].format(), "pw"));
}

namespace {
/// A non-loopback IPv4 address of this machine, or empty.
std::string ownAddress() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return {};
    std::string out;
    for (ifaddrs* a = list; a && out.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)) continue;
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
        out = buf;
    }
    freeifaddrs(list);
    return out;
}
} // namespace

TEST_CASE("doi mail: a server that offers no STARTTLS, not on this machine, gets no mail (fail closed)") {
    const std::string host = ownAddress();
    if (host.empty()) {
        MESSAGE("[test skipped] this machine has no address but loopback");
        return;
    }
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd, 1) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    // A plain SMTP server that would take anything: it answers EHLO without STARTTLS.
    std::string heard;
    std::thread server([&] {
        const int c = accept(fd, nullptr, nullptr);
        if (c < 0) return;
        const auto say = [&](const char* s) { (void)!write(c, s, std::strlen(s)); };
        say("220 plain.example ESMTP\r\n");
        char buf[4096];
        for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;) {
            heard.append(buf, static_cast<size_t>(n));
            if (heard.find("QUIT") != std::string::npos) break;
            say(heard.find("DATA") != std::string::npos ? "354 go on\r\n" : "250 ok\r\n");
        }
        close(c);
    });
    DoiConfig config;
    config.smtpUrl = "smtp://" + host + ":" + std::to_string(ntohs(addr.sin_port));
    config.from = "leads@example.org";
    const SendResult r = sendMail(config, {"zoe@example.de", "Subject", "Body"}, kNow);
    shutdown(fd, SHUT_RDWR);
    close(fd);
    server.join();
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.permanent); // staff fix the server or the URL; the mail waits
    CHECK_FALSE(contains(heard, "MAIL FROM"));
    CHECK_FALSE(contains(heard, "zoe@example.de"));
}
