// Badge and phone codes (kiosk/core/scan): contacts in vCard 2.1/3.0/4.0, MeCard, mailto: and
// plain addresses as field values; the keyboard-wedge burst decoder; the serial reader on a pty.
#include "core/scan/contact.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <random>

using namespace kiosk::core;

namespace {
/// "first_name=Zoë|last_name=Müller|…" for compact checks; "-" for nothing.
std::string fields(std::string_view code) {
    const auto c = parseContact(code);
    if (!c) return "-";
    std::string out;
    for (const auto& [id, v] : c->fields) out += (out.empty() ? "" : "|") + id + "=" + v;
    return out;
}
} // namespace

TEST_CASE("vCard 3.0 and 4.0: name, several emails (the preferred one), organisation, title, phone") {
    CHECK(fields("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Zoë;;Dr.;\r\nFN:Dr. Zoë Müller\r\n"
                 "EMAIL;TYPE=INTERNET,WORK:zoe@work.example.de\r\nEMAIL;TYPE=INTERNET,PREF:Zoe.Mueller@Home.Example.DE\r\n"
                 "ORG:Ruhr Wasserstoff GmbH;Forschung\r\nTITLE:Leiterin Forschung\r\nTEL;TYPE=CELL:+49 170 1234567\r\n"
                 "END:VCARD\r\n") ==
          "first_name=Zoë|last_name=Müller|email=Zoe.Mueller@home.example.de|company=Ruhr Wasserstoff GmbH|"
          "job_title=Leiterin Forschung|phone=+49 170 1234567");
    // 4.0: PREF=1 beats PREF=2 whatever the order; tel: URIs; groups (item1.); LF line ends.
    CHECK(fields("BEGIN:VCARD\nVERSION:4.0\nFN:Łukasz Żółć\nitem1.EMAIL;PREF=2:b@x.pl\nEMAIL;PREF=1:a@x.pl\n"
                 "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+48-22-555-0101\nEND:VCARD") ==
          "first_name=Łukasz|last_name=Żółć|email=a@x.pl|phone=+48-22-555-0101");
    // The first plausible email when none is preferred; an implausible preferred one is passed over.
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane\nEMAIL;TYPE=PREF:not-an-address\nEMAIL:jane@doe.example\n"
                 "EMAIL:second@doe.example\nEND:VCARD") == "first_name=Jane|last_name=Doe|email=jane@doe.example");
}

TEST_CASE("vCard 2.1: quoted-printable umlauts with soft line breaks, CHARSET=UTF-8 and ISO-8859-1") {
    CHECK(fields("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\r\n"
                 "ORG;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Stra=C3=9Fen- und Br=C3=BCckenbau Gelsen=\r\n"
                 "kirchen GmbH\r\nEMAIL;PREF;INTERNET:zoe@example.de\r\nEND:VCARD\r\n") ==
          "first_name=Zoë|last_name=Müller|email=zoe@example.de|company=Straßen- und Brückenbau Gelsenkirchen GmbH");
    // Latin-1, quoted-printable and raw bytes; the bare QUOTED-PRINTABLE parameter of 2.1.
    CHECK(fields("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:J=F6rg;M=FC=DFig\r\n"
                 "TITLE;CHARSET=ISO-8859-1:Gesch\xE4" "ftsf\xFChrer\r\nEND:VCARD") ==
          "first_name=Müßig|last_name=Jörg|job_title=Geschäftsführer");
}

TEST_CASE("vCard: folded lines, escapes, decomposed input becomes NFC, only the first card") {
    CHECK(fields("BEGIN:VCARD\r\nVERSION:3.0\r\nN:O'Brien\\, Jr.;Se\r\n \xC3\xA1n\r\nORG:Smith \\; Sons\\\\Partners\r\n"
                 "TITLE:Head of\\nSales\r\nEND:VCARD\r\nBEGIN:VCARD\r\nN:Other;Person\r\nEND:VCARD\r\n") ==
          "first_name=Seán|last_name=O'Brien, Jr.|company=Smith ; Sons\\Partners|job_title=Head of Sales");
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Zo\xCC\x88" "e;Ana\nEND:VCARD") == "first_name=Ana|last_name=Zöe");
    // Several given names in one component.
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Schmidt;Anna,Maria\nEND:VCARD") == "first_name=Anna Maria|last_name=Schmidt");
}

TEST_CASE("MeCard with its escapes, N as last,first") {
    CHECK(fields("MECARD:N:Müller,Zoë;EMAIL:zoe@example.de;TEL:+4920112345;ORG:A\\;B \\: C;;") ==
          "first_name=Zoë|last_name=Müller|email=zoe@example.de|company=A;B : C|phone=+4920112345");
    CHECK(fields("MECARD:N:Dupont\\,Fils,Jean;EMAIL:bad;EMAIL:jean@dupont.example.fr;NOTE:x;;") ==
          "first_name=Jean|last_name=Dupont,Fils|email=jean@dupont.example.fr");
    CHECK(fields("mecard:N:Zoë Müller;;") == "first_name=Zoë|last_name=Müller");
}

TEST_CASE("mailto: URIs and plain addresses") {
    CHECK(fields("mailto:zo%C3%AB.m%C3%BCller@Example.DE?subject=Hallo&cc=boss@example.de") ==
          "email=zoë.müller@example.de");
    CHECK(fields("mailto:?to=jan%40example.nl&cc=x@y.example") == "email=jan@example.nl");
    CHECK(fields("mailto:bad,second@example.org") == "email=second@example.org");
    CHECK(fields("MAILTO:") == "-");
    CHECK(fields("mailto:%C3%28@example.de") == "-"); // percent-decodes to invalid UTF-8
    CHECK(fields("  Zoe@Example.DE\r\n") == "email=Zoe@example.de");
}

TEST_CASE("codes that cannot fill the form give nothing") {
    for (const char* code : {"", "   ", "TKT-2026-000123", "4006381333931", "https://messe.example/t/8f3a2c",
                             "WIFI:S:Stand;T:WPA;P:secret;;", "BEGIN:VCARD\r\nVERSION:3.0\r\nURL:https://x.example\r\nEND:VCARD",
                             "BEGIN:VCARD\r\nEND:VCARD", "MECARD:;;", "MECARD:URL:https://x.example;;", "a@b", "two words@x.de",
                             "@example.de", "BEGIN:VCARD\nN:Zo\xC3", "MECARD:N:M\xFCller,Zo\xEB;;", "zo\xEB@example.de",
                             "BEGIN:VCARD\nN;CHARSET=UTF-8:M\xFCller;Zo\xEB\nEND:VCARD"}) {
        CAPTURE(code);
        CHECK(fields(code) == "-");
    }
    CHECK(fields(std::string_view("a@b.de\0x", 8)) == "-");
}

TEST_CASE("10 KB of noise and long inputs return nothing, fast") {
    std::mt19937 rng(12);
    std::string noise(10 * 1024, '\0');
    for (auto& ch : noise) ch = static_cast<char>(rng());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(!parseContact(noise));
    // Within the limit: a vCard of 4 KB folded lines and escapes, and 4 KB of noise behind BEGIN:VCARD.
    std::string folded = "BEGIN:VCARD\nN:";
    while (folded.size() < kMaxCodeBytes - 20) folded += "\n \\;\\,=";
    CHECK(parseContact(folded + "\nEND:VCARD")->value("last_name")->size() > 1500); // ";,=" hundreds of times
    std::string vnoise = "BEGIN:VCARD\n" + noise.substr(0, kMaxCodeBytes - 12);
    (void)parseContact(vnoise);
    (void)parseContact("MECARD:" + noise.substr(0, kMaxCodeBytes - 7));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("noise parsed in " << ms << " ms");
    CHECK(ms < 50);
    CHECK(!parseContact(std::string(kMaxCodeBytes + 1, 'a') + "@example.de"));
}
