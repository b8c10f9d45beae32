// Headless UI tests of badge scans (App::scan, the script's `scan`): where a scan goes, what it
// fills and what it leaves alone (consent above all), the note it shows, and a code that is no contact.
#include "headless.hpp"

#include <doctest/doctest.h>

using kiosk::test::Headless;
using kiosk::ui::Screen;
using Kind = kiosk::ui::ScanNote::Kind;

namespace {
const std::string kVCard =
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\r\n"
    "EMAIL;INTERNET:zoe@work.example\r\nEMAIL;PREF;INTERNET:Zoe.Mueller@Ruhr.Example.DE\r\n"
    "ORG:Ruhr Wasserstoff GmbH\r\nTITLE:Leiterin Forschung\r\nTEL;CELL:+49 170 1234567\r\nEND:VCARD\r\n";

int scan(Headless& h, std::string code) {
    const int n = h.app().scan(code);
    CHECK(code.empty()); // zeroed and emptied: the code is not kept
    h.frames(3);
    return n;
}
} // namespace

TEST_CASE("a scan on the attract screen opens the sign-up filled in; consent stays unticked") {
    Headless h;
    h.frames(3);
    CHECK(scan(h, kVCard) == 6);
    const auto& s = h.app().state();
    CHECK(s.screen == Screen::Signup);
    CHECK(textOf(s.signup.input, "first_name") == "Zoë");
    CHECK(textOf(s.signup.input, "last_name") == "Müller");
    CHECK(textOf(s.signup.input, "email") == "Zoe.Mueller@ruhr.example.de");
    CHECK(textOf(s.signup.input, "company") == "Ruhr Wasserstoff GmbH");
    CHECK(textOf(s.signup.input, "job_title") == "Leiterin Forschung");
    CHECK(textOf(s.signup.input, "phone") == "+49 170 1234567");
    CHECK(s.signup.input.exhibitors.empty());
    CHECK_FALSE(s.signup.input.consent);
    CHECK(s.signup.input.scanned);
    CHECK(
        h.play("expect-text signup.first_name Zoë\nexpect-text scan.note Aus Ihrem Code übernommen: Vorname, Nachname, "
               "E-Mail, Firma, Funktion, Telefon. Bitte prüfen Sie die Angaben.\n") == 0);
    // Sending it needs what a scan never gives: an exhibitor and the visitor's consent.
    CHECK(h.play("tap signup.submit\n") == 0);
    CHECK(h.store->count().value == 0);
    CHECK(h.play("tap signup.exhibitor.medlock-gas-sensing\ntap signup.consent\ntap signup.submit\nexpect-screen "
                 "thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    CHECK(h.store->all().value.front().lastName == "Müller");
    CHECK(h.store->all().value.front().capture == "scan"); // stored, exported and synced as such
    // The note is gone after a while.
    CHECK(h.play("wait 7000\nexpect-visible scan.note\n") == 1);
}

TEST_CASE("a scan on an exhibitor's profile preselects that exhibitor") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.card.irk-valley-hydrogen\nexpect-screen profile\n") == 0);
    CHECK(scan(h, "MECARD:N:Kowalski,Łukasz;EMAIL:lukasz@example.pl;;") == 3);
    CHECK(h.app().state().screen == Screen::Signup);
    CHECK(h.app().state().signup.input.exhibitors == std::vector<std::string>{"irk-valley-hydrogen"});
    CHECK(textOf(h.app().state().signup.input, "last_name") == "Kowalski");
}

TEST_CASE("on the sign-up a scan fills only the empty fields and says which") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\ntype Anna\ntap lang.en\n") == 0);
    CHECK(scan(h, "MECARD:N:Müller,Zoë;EMAIL:zoe@example.de;;") == 2);
    const auto& in = h.app().state().signup.input;
    CHECK(textOf(in, "first_name") == "Anna"); // typed by the visitor: kept
    CHECK(textOf(in, "last_name") == "Müller");
    CHECK(textOf(in, "email") == "zoe@example.de");
    CHECK(h.app().state().scanNote.fields == std::vector<std::string>{"last_name", "email"});
    CHECK(h.play("expect-text scan.note Taken from your code: Last name, Email. Please check them.\n") == 0);
    // The same again: nothing new.
    CHECK(scan(h, "mailto:other@example.de") == 0);
    CHECK(h.app().state().scanNote.kind == Kind::NothingNew);
    CHECK(textOf(in, "email") == "zoe@example.de");
    // Leaving the form takes the note with it.
    CHECK(h.play("tap signup.cancel\nexpect-screen browse\n") == 0);
    CHECK(h.app().state().scanNote.kind == Kind::None);
}

TEST_CASE("a code that is no contact: a friendly note in the visitor's language, nothing kept or filled") {
    Headless h;
    h.frames(3);
    CHECK(scan(h, "TKT-2026-000123") == -1);
    CHECK(h.app().state().screen == Screen::Attract);
    CHECK(h.play("expect-text scan.note Dieser Code kann das Formular nicht ausfüllen – bitte tippen Sie.\n") == 0);
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap lang.en\n") == 0);
    CHECK(scan(h, "https://messe.example/t/8f3a2c") == -1);
    CHECK(textOf(h.app().state().signup.input, "first_name").empty());
    CHECK_FALSE(h.app().state().signup.input.scanned);
    CHECK(h.play("expect-text scan.note This code cannot fill the form — please type.\n") == 0);
    // Staff on the PIN pad: a scan does nothing there.
    kiosk::ui::StaffBackend staff;
    staff.checkPin = [](const std::string&) { return false; };
    h.app().setStaffBackend(std::move(staff));
    h.frames(2);
    REQUIRE(h.play("longpress staff.corner 3100\nexpect-screen pin\n") == 0);
    CHECK(scan(h, "zoe@example.de") == -1);
    CHECK(h.app().state().screen == Screen::Pin);
}

TEST_CASE("the script's scan command feeds a code as if scanned, line breaks written as \\n") {
    Headless h;
    CHECK(
        h.play("scan BEGIN:VCARD\\nVERSION:3.0\\nN:Doe;Jane\\nEMAIL:jane@doe.example\\nEND:VCARD\n"
               "expect-screen signup\nexpect-text signup.last_name Doe\nexpect-text signup.email jane@doe.example\n") ==
        0);
    CHECK(h.out.str().find("scan 1 3 filled") != std::string::npos);
    CHECK(h.play("scan 4006381333931\n") == 0);
    CHECK(h.out.str().find("scan 1 nothing") != std::string::npos);
}
