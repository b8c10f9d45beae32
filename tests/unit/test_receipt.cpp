// What the thank-you screen's QR codes hold: an exhibitor's vCard (RFC 2426 escaping, UTF-8,
// content with and without phone and website) and the consent receipt (no personal data).
#include "core/receipt.hpp"

#include <doctest/doctest.h>

using namespace kiosk::core;

namespace {

Company company() {
    Company c;
    c.id = "irk-valley-hydrogen";
    c.name = "Irk Valley Hydrogen";
    c.website = "https://irk-valley.example";
    c.contactName = "Dr. Jürgen Müller";
    c.contactEmail = "j.mueller@irk-valley.example";
    c.contactPhone = "+44 161 555 0100";
    return c;
}

ReceiptLabels labels() { return {"Beleg", "Kennung", "Version", "Zeit (UTC)", "Widerruf an"}; }

ReceiptFacts facts() {
    ReceiptFacts f;
    f.leadId = "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
    f.consent.version = "2026-05";
    f.consent.sha256 = std::string(64, 'a');
    f.consent.lang = "de";
    f.consent.atMs = 1780000000123; // 2026-05-28T20:26:40.123Z
    f.organiser = "Business Metropole Ruhr GmbH (BMR)";
    f.contact = "datenschutz@business.ruhr";
    return f;
}

} // namespace

TEST_CASE("a vCard 3.0 with every contact field, CRLF lines, umlauts as UTF-8") {
    CHECK(vcard(company()) == "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                              "N:Müller;Dr. Jürgen;;;\r\n"
                              "FN:Dr. Jürgen Müller\r\n"
                              "ORG:Irk Valley Hydrogen\r\n"
                              "EMAIL;TYPE=INTERNET,WORK:j.mueller@irk-valley.example\r\n"
                              "TEL;TYPE=WORK,VOICE:+44 161 555 0100\r\n"
                              "URL:https://irk-valley.example\r\n"
                              "END:VCARD\r\n");
}

TEST_CASE("vCard text values escape backslash, semicolon, comma and line breaks") {
    Company c = company();
    c.name = "Söhne; Töchter, \\ Partner\nGmbH\r\nEssen";
    c.contactName = "Anna,Maria O'Brien;";
    c.website = "https://example.org/a,b;c\n";
    const std::string v = vcard(c);
    CHECK(v.find("ORG:Söhne\\; Töchter\\, \\\\ Partner\\nGmbH\\nEssen\r\n") != std::string::npos);
    CHECK(v.find("N:O'Brien\\;;Anna\\,Maria;;;\r\n") != std::string::npos);
    CHECK(v.find("FN:Anna\\,Maria O'Brien\\;\r\n") != std::string::npos);
    // A URI is not text-escaped, but a line break would end the property.
    CHECK(v.find("URL:https://example.org/a,b;c\r\n") != std::string::npos);
    // Every line break in the card is the CRLF of a line end: none inside a value.
    size_t lines = 0;
    for (size_t i = 0; i < v.size(); ++i)
        if (v[i] == '\n') {
            CHECK(i > 0);
            CHECK(v[i - 1] == '\r');
            ++lines;
        }
    CHECK(lines == 9); // BEGIN, VERSION, N, FN, ORG, EMAIL, TEL, URL, END
}

TEST_CASE("a vCard without contact person, phone or website: the company's name, no empty lines") {
    Company c = company();
    c.contactName.clear();
    c.contactPhone.clear();
    c.website.clear();
    CHECK(vcard(c) == "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Irk Valley Hydrogen\r\nORG:Irk Valley Hydrogen\r\n"
                      "EMAIL;TYPE=INTERNET,WORK:j.mueller@irk-valley.example\r\nEND:VCARD\r\n");
    c.contactEmail.clear();
    c.contactName = "Zoë";
    CHECK(vcard(c) == "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zoë;;;;\r\nFN:Zoë\r\nORG:Irk Valley Hydrogen\r\nEND:VCARD\r\n");
}

TEST_CASE("the consent receipt: lead id, consent version and hash, ISO time, how to withdraw") {
    CHECK(consentReceipt(facts(), labels()) == "Beleg\n"
                                               "Kennung: 0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a\n"
                                               "Version: 2026-05\n"
                                               "SHA-256: " + std::string(64, 'a') + "\n"
                                               "Zeit (UTC): 2026-05-28T20:26:40.123Z\n"
                                               "Widerruf an: Business Metropole Ruhr GmbH (BMR), datenschutz@business.ruhr");
}

TEST_CASE("with a hub, the receipt links its withdrawal page with the lead id and nothing else") {
    ReceiptFacts f = facts();
    f.withdrawUrl = "https://hub.example.org/withdraw";
    const std::string r = consentReceipt(f, labels());
    CHECK(r.substr(r.rfind('\n') + 1) == "https://hub.example.org/withdraw?lead=0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");
    CHECK(withdrawLink("https://hub.example.org/w?event=ruhr", "x") == "https://hub.example.org/w?event=ruhr&lead=x");
    CHECK(withdrawLink("", "x").empty());
}

TEST_CASE("a receipt with umlauts in the labels and the organiser's postal address") {
    ReceiptFacts f = facts();
    f.organiser = "Müller & Söhne";
    f.contact = "Kronprinzenstraße 30, 45128 Essen";
    ReceiptLabels l = labels();
    l.withdraw = "Widerruf jederzeit möglich an";
    const std::string r = consentReceipt(f, l);
    CHECK(r.substr(r.rfind('\n') + 1) == "Widerruf jederzeit möglich an: Müller & Söhne, Kronprinzenstraße 30, 45128 Essen");
}
