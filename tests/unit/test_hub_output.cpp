// `kiosk-hub leads` output (kiosk/hub/lead_output.*): the exhibitor filter and the CSV of
// stored payloads (real leadJson bytes; the core's injection-safe cells); GET /metrics's text
// (kiosk/hub/metrics.*).
#include "hub/lead_output.hpp"
#include "hub/metrics.hpp"

#include "core/leads/lead.hpp"

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
    CHECK(contains(header, ";consent.given_at;source;received_at\r\n"));
    const std::string row = csvRow({"fb41e8ec-8b20-4ed5-b34d-3b00906c3425", "stand-1",
                                    kiosk::core::leadJson(sample()), 1'779'874'200'000},
                                   ';');
    INFO(row);
    CHECK(row.rfind("fb41e8ec-8b20-4ed5-b34d-3b00906c3425;2026-05-27T09:29:52.812Z;stand-1;ruhrsummit;de;", 0) == 0);
    CHECK(contains(row, ";\"'=HYPERLINK(\"\"x\"\")\";")); // no formula in a spreadsheet
    CHECK(contains(row, ";\"Müller; Sohn\";"));
    CHECK(contains(row, ";\"hydrogen, cybersecurity\";\"ancoats-code, medlock-gas\";1;v1;abc;en;"));
    const std::string tail = ";2026-05-27T09:29:41.120Z;kiosk;2026-05-27T09:30:00.000Z\r\n";
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
