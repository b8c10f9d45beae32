// `kiosk-hub leads` output (kiosk/hub/lead_output.*): the exhibitor filter and the CSV of
// stored payloads (real leadJson bytes; the core's injection-safe cells); GET /metrics's text
// (kiosk/hub/metrics.*); the `kiosk-hub kiosks` table (kiosk/hub/kiosk_list.*).
#include "hub/kiosk_list.hpp"
#include "hub/lead_output.hpp"
#include "hub/metrics.hpp"

#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"

#include "../support/test_support.hpp"

#include <doctest/doctest.h>

using namespace kiosk::hub;
using kiosk::test::contains;

namespace {
kiosk::core::Lead sample() {
    kiosk::core::Lead l;
    l.id = "fb41e8ec-8b20-4ed5-b34d-3b00906c3425";
    l.createdMs = 1'779'874'192'812;
    l.kioskId = "stand-1";
    l.eventId = "ruhrsummit";
    l.lang = "de";
    l.firstName = "=HYPERLINK(\"x\")";
    l.lastName = "Müller; Sohn";
    l.email = "a@example.org";
    l.sectors = {"hydrogen", "cybersecurity"};
    l.exhibitors = {"ancoats-code", "medlock-gas"};
    l.consent = {"v1", "abc", "en", 1'779'874'181'120};
    l.newsletter = true;
    l.answers["interest"] = {kiosk::core::FieldKind::Choice, "pilot", {}, false};
    l.formVersion = "f00d";
    l.capture = "scan";
    return l;
}
} // namespace

TEST_CASE("hub leads: --exhibitor keeps the leads that chose the company") {
    const std::string payload = kiosk::core::leadJson(sample());
    CHECK(leadForExhibitor(payload, ""));
    CHECK(leadForExhibitor(payload, "medlock-gas"));
    CHECK_FALSE(leadForExhibitor(payload, "medlock"));
    CHECK_FALSE(leadForExhibitor("not json", "medlock-gas"));
    CHECK_FALSE(leadForExhibitor(R"({"exhibitors":"medlock-gas"})", "medlock-gas"));
}

TEST_CASE("hub leads: CSV header and rows") {
    const std::string header = csvHeader(';');
    CHECK(header.rfind("\xEF\xBB\xBFid;created_at;kiosk_id;", 0) == 0);
    CHECK(contains(header, ";consent.given_at;source;answers;form_version;capture;received_at\r\n"));
    const std::string row = csvRow({"fb41e8ec-8b20-4ed5-b34d-3b00906c3425", "stand-1",
                                    kiosk::core::leadJson(sample()), 1'779'874'200'000},
                                   ';');
    INFO(row);
    CHECK(row.rfind("fb41e8ec-8b20-4ed5-b34d-3b00906c3425;2026-05-27T09:29:52.812Z;stand-1;ruhrsummit;de;", 0) == 0);
    CHECK(contains(row, ";\"'=HYPERLINK(\"\"x\"\")\";")); // no formula in a spreadsheet
    CHECK(contains(row, ";\"Müller; Sohn\";"));
    CHECK(contains(row, ";\"hydrogen, cybersecurity\";\"ancoats-code, medlock-gas\";1;v1;abc;en;"));
    // The form's own answers as their JSON object (quoted: it holds quotes), then its version and how it was captured.
    const std::string tail = ";2026-05-27T09:29:41.120Z;kiosk;\"{\"\"interest\"\":\"\"pilot\"\"}\";f00d;scan;2026-05-27T09:30:00.000Z\r\n";
    REQUIRE(row.size() > tail.size());
    CHECK(row.substr(row.size() - tail.size()) == tail);
    // Fields the payload lacks (another client, an older kiosk) are empty cells, not an error.
    const std::string sparse = csvRow({"i", "k", R"({"id":"i","email":"e@x.y"})", 0}, ',');
    CHECK(sparse.rfind("i,,,,,,,e@x.y,", 0) == 0);
}

TEST_CASE("hub metrics: the Prometheus text format") {
    Metrics m;
    m.record("k1", 200, {3, 1, 1, 2}, 0.004, 10'000);
    m.record("k1", 200, {1, 0, 0, 0}, 0.2, 12'000);
    m.record("", 401, {}, 0.001, 12'500);
    m.record("k\"2", 403, {}, 3, 13'000);
    const std::string text = m.render(15'500);
    INFO(text);
    CHECK(contains(text, "# TYPE kiosk_hub_leads_total counter\n"));
    CHECK(contains(text, "kiosk_hub_leads_total{kiosk=\"k1\",outcome=\"accepted\"} 4\n"));
    CHECK(contains(text, "kiosk_hub_leads_total{kiosk=\"k1\",outcome=\"duplicate\"} 1\n"));
    CHECK(contains(text, "kiosk_hub_leads_total{kiosk=\"k1\",outcome=\"conflict\"} 1\n"));
    CHECK(contains(text, "kiosk_hub_leads_total{kiosk=\"k1\",outcome=\"rejected\"} 2\n"));
    CHECK(contains(text, "kiosk_hub_leads_total{kiosk=\"k\\\"2\",outcome=\"accepted\"} 0\n")); // escaped
    CHECK(contains(text, "kiosk_hub_upload_requests_total{status=\"200\"} 2\n"));
    CHECK(contains(text, "kiosk_hub_upload_requests_total{status=\"401\"} 1\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_bucket{le=\"0.005\"} 2\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_bucket{le=\"0.25\"} 3\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_bucket{le=\"2.5\"} 3\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_bucket{le=\"5\"} 4\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
    CHECK(contains(text, "kiosk_hub_upload_duration_seconds_count 4\n"));
    CHECK(contains(text, "kiosk_hub_kiosk_last_seen_age_seconds{kiosk=\"k1\"} 3.5\n"));
}

TEST_CASE(
    "hub kiosks: versions, counts and clock offset from the last heartbeat; SILENT after silent_after_s or never") {
    constexpr std::int64_t now = 1'780'000'000'000;
    kiosk::core::sync::StatusReport r;
    r.kioskId = "stand-1";
    r.appVersion = "1.4.0";
    r.contentVersion = "0123456789abcdef";
    r.formVersion = "fedcba9876543210";
    r.total = 12;
    r.pending = 2;
    r.failed = 1;
    r.clock = "2026-05-27T09:30:00Z";
    r.lastSyncError = "Connection refused\x1b[31m by hub";
    KioskRecord fresh{"stand-1", {}, false, now - 86'400'000};
    fresh.leads = 9;
    fresh.status = KioskStatus{kiosk::core::sync::buildStatusBody(r), now - 30'000, -2'500};
    KioskRecord stale{"stand-2", {}, false, now};
    stale.status = KioskStatus{kiosk::core::sync::buildStatusBody(r), now - 301'000, 0};
    const KioskRecord never{"stand-3", {}, false, now}, gone{"stand-4", {}, true, now};
    const std::string table = kioskTable({fresh, stale, never, gone}, now, 300);
    INFO(table);
    std::vector<std::string> lines;
    for (size_t at = 0, nl; (nl = table.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(table.substr(at, nl - at));
    REQUIRE(lines.size() == 5);
    CHECK(contains(lines[0], "SEEN   FLAG   APP"));
    const auto fields = [](const std::string& l) {
        std::vector<std::string> f;
        for (size_t at = 0; at < l.size();) {
            const size_t b = l.find_first_not_of(' ', at);
            if (b == std::string::npos) break;
            const size_t e = std::min(l.find(' ', b), l.size());
            f.push_back(l.substr(b, e - b));
            at = e;
        }
        return f;
    };
    const auto f1 = fields(lines[1]);
    REQUIRE(f1.size() >= 16);
    CHECK(std::vector<std::string>(f1.begin(), f1.begin() + 16) ==
          std::vector<std::string>{"stand-1", "active", kiosk::core::isoUtc(now - 86'400'000), "9", "0", "0", "30s",
                                   "ok", "1.4.0", "0123456789abcdef", "fedcba9876543210", "12", "2", "1", "-2.5s",
                                   "Connection"});
    CHECK(contains(lines[1], "Connection refused [31m by hub")); // no escape reaches the terminal
    CHECK_FALSE(contains(table, "\x1b"));
    CHECK(fields(lines[2])[6] == "5m");
    CHECK(fields(lines[2])[7] == "SILENT");
    CHECK(fields(lines[3])[6] == "never");
    CHECK(fields(lines[3])[7] == "SILENT");
    CHECK(fields(lines[3])[8] == "-");
    CHECK(fields(lines[4])[1] == "revoked");
    CHECK(fields(lines[4])[7] == "-");
    // The threshold is [hub] silent_after_s.
    CHECK(fields(kioskTable({stale}, now, 400).substr(table.find('\n') + 1))[7] == "ok");
}

TEST_CASE("hub kiosks: a consent version that arrived with two texts is a warning") {
    CHECK(consentWarnings({{"v1", "de", "a", "Ja", "k1", 1, 1, 1}, {"v1", "en", "b", "Yes", "k1", 1, 1, 1}}).empty());
    const std::string w =
        consentWarnings({{"v1", "de", "a", "Ja", "k1", 1, 1, 1}, {"v1", "de", "c", "Nein", "k2", 2, 2, 1}});
    CHECK(contains(w, "consent version v1 (de) arrived with 2 different texts"));
}

TEST_CASE("hub metrics: heartbeats are counted by status and make a kiosk seen; refused ones do not") {
    Metrics m;
    m.recordStatus("k1", 200, 1, 1'000);
    m.recordStatus("k2", 403, 0, 1'000);
    const std::string text = m.render(4'000);
    CHECK(contains(text, "kiosk_hub_status_requests_total{status=\"200\"} 1\n"));
    CHECK(contains(text, "kiosk_hub_status_requests_total{status=\"403\"} 1\n"));
    CHECK(contains(text, "kiosk_hub_consent_text_variants_total 1\n"));
    CHECK(contains(text, "kiosk_hub_kiosk_last_seen_age_seconds{kiosk=\"k1\"} 3\n"));
    CHECK_FALSE(contains(text, "kiosk=\"k2\""));
}
