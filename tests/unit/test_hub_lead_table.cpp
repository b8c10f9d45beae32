// The hub's leads in the kiosk's export columns (kiosk/hub/lead_table.*): a payload read back
// into a core lead gives the kiosk's bytes again; the columns are the core's, plus one per
// answer the built-in form does not know; CSV cells are formula-safe; XLSX is a workbook.
#include "hub/lead_table.hpp"

#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace kiosk::hub;
using kiosk::core::FieldKind;
using kiosk::core::Lang;
using kiosk::test::contains;

namespace {
kiosk::core::Lead visitor() {
    kiosk::core::Lead l;
    l.id = "0b5d6c1e-1f7a-4c55-9d51-6a1f2f1d8e01";
    l.createdMs = 1'779'874'192'812;
    l.kioskId = "stand-1";
    l.eventId = "fair";
    l.lang = "en";
    l.firstName = "=cmd|' /C calc'!A0";
    l.lastName = "O'Brien";
    l.email = "ob@example.org";
    l.phone = "+49 201 1";
    l.sectors = {"hydrogen"};
    l.exhibitors = {"acme", "bolt"};
    l.consent = {"v2", "beef", "en", 1'779'874'181'120};
    l.answers["interest"] = {FieldKind::Choice, "pilot", {}, false};
    l.answers["topics"] = {FieldKind::Multi, "", {"a", "b"}, false};
    l.answers["call_me"] = {FieldKind::YesNo, "", {}, true};
    l.formVersion = "f00d";
    return l;
}

const kiosk::core::ExportColumn* column(const std::vector<kiosk::core::ExportColumn>& cols, const std::string& key) {
    const auto it = std::find_if(cols.begin(), cols.end(), [&](const auto& c) { return c.key == key; });
    return it == cols.end() ? nullptr : &*it;
}
} // namespace

TEST_CASE("hub lead table: a payload read into a core lead gives the kiosk's bytes again") {
    const std::string payload = kiosk::core::leadJson(visitor());
    kiosk::core::Lead l;
    REQUIRE(coreLead(payload, l));
    CHECK(kiosk::core::leadJson(l) == payload);
    CHECK(l.syncState == "synced");
    CHECK_FALSE(coreLead("not json", l));
    CHECK_FALSE(coreLead("[1,2]", l));
    REQUIRE(coreLead(R"({"id":"x","email":"e@example.org","exhibitors":"acme"})", l)); // a lead missing most fields
    CHECK(l.exhibitors.empty());
    CHECK(l.source == "kiosk");
}

TEST_CASE("hub lead table: the kiosk's columns, one more per answer the built-in form lacks") {
    kiosk::core::Lead l;
    REQUIRE(coreLead(kiosk::core::leadJson(visitor()), l));
    const auto cols = leadTableColumns({l});
    for (const char* key : {"id", "created_at", "first_name", "email", "exhibitors", "consent_version", "sync_state"})
        CHECK_MESSAGE(column(cols, key), key);
    REQUIRE(column(cols, "interest"));
    CHECK(column(cols, "interest")->cell(l, Lang::En) == "pilot");
    CHECK(column(cols, "topics")->cell(l, Lang::En) == "a, b");
    CHECK(column(cols, "call_me")->cell(l, Lang::De) == "ja");
    CHECK(column(cols, "sync_state")->cell(l, Lang::En) == "synced");

    const std::string csv = leadTableCsv(cols, {l}, Lang::De, ';');
    CHECK(csv.rfind("\xEF\xBB\xBFID;Erstellt (UTC);", 0) == 0);
    CHECK(contains(csv, ";'=cmd|' /C calc'!A0;")); // no formula
    CHECK(contains(csv, ";'+49 201 1;"));
    CHECK(contains(csv, ";\"acme, bolt\";"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);

    std::string xlsx, error;
    REQUIRE(leadTableXlsx(cols, {l}, Lang::En, xlsx, error));
    CHECK(xlsx.rfind("PK", 0) == 0); // a zip: the workbook
    CHECK(error.empty());
}
