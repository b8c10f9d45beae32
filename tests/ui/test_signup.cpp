// Headless UI tests of the sign-up: the whole form filled by keyboard taps, every
// validation error, double submit, store failure, idle wipe — against a real SQLite store.
#include "headless.hpp"

#include <doctest/doctest.h>

using kiosk::test::Headless;
using kiosk::ui::Screen;

namespace {
const char* kFill = R"(tap attract.start
tap browse.card.irk-valley-hydrogen
tap profile.contact
expect-screen signup
tap signup.first_name
type Zoë
tap kbd.next
type Müller-Lüdenscheidt
tap kbd.next
type  Zoë.O'Brien@Straße.Example.DE
tap kbd.next
type O'Brien & Söhne GmbH
tap kbd.next
type Geschäftsführerin
tap kbd.next
type +49 (201) 632488-0
tap kbd.next
type Grüße aus Köln – bis bald!
tap kbd.done
tap signup.sector.hydrogen
tap signup.exhibitor.medlock-gas-sensing
tap signup.consent
tap signup.newsletter
)";
} // namespace

TEST_CASE("the whole form filled by keyboard taps is stored exactly, after which thanks shows") {
    Headless h;
    REQUIRE(h.play(kFill) == 0);
    CHECK(h.play("expect-text signup.first_name Zoë\nexpect-text signup.last_name Müller-Lüdenscheidt\n") == 0);
    CHECK(h.store->count().value == 0);
    CHECK(h.play("tap signup.submit\nexpect-screen thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    const auto l = h.store->all().value.front();
    CHECK(l.firstName == "Zoë");
    CHECK(l.lastName == "Müller-Lüdenscheidt");
    CHECK(l.email == "Zoë.O'Brien@straße.example.de"); // trimmed, domain lower-cased
    CHECK(l.company == "O'Brien & Söhne GmbH");
    CHECK(l.jobTitle == "Geschäftsführerin");
    CHECK(l.phone == "+49 (201) 632488-0");
    CHECK(l.message == "Grüße aus Köln – bis bald!");
    CHECK(l.sectors == std::vector<std::string>{"hydrogen"});
    CHECK(l.exhibitors == std::vector<std::string>{"irk-valley-hydrogen", "medlock-gas-sensing"});
    CHECK(l.newsletter);
    CHECK(l.lang == "de");
    CHECK(l.consent.version == h.content.content.consent.version);
    CHECK(l.consent.sha256 == kiosk::core::sha256Hex(h.content.content.consent.shown(kiosk::core::Lang::De)));
    CHECK(l.eventId == h.content.content.event.id);
    CHECK(l.source == "kiosk");
    CHECK(h.store->integrityCheck() == "ok");
    // Thanks goes back to the attract loop, and the form is gone.
    CHECK(h.play("tap thanks.done\nexpect-screen attract\n") == 0);
    CHECK(h.app().state().signup.input.firstName.empty());
}

TEST_CASE("every validation error is shown, the first problem gets the focus, nothing is stored") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.signup\nexpect-screen signup\ntap signup.submit\nexpect-screen signup\n") == 0);
    std::vector<std::string> fields;
    for (const auto& e : h.app().state().signup.errors) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"first_name", "last_name", "email", "exhibitors", "consent"});
    CHECK(h.app().state().signup.focused == "first_name");
    CHECK(h.store->count().value == 0);

    CHECK(h.play("type A\ntap kbd.next\ntype B\ntap kbd.next\ntype not-an-email\ntap kbd.done\ntap signup.submit\n") == 0);
    REQUIRE_FALSE(h.app().state().signup.errors.empty());
    CHECK(h.app().state().signup.errors.front().field == "email");
    CHECK(h.app().state().signup.errors.front().code == "email");
    CHECK(h.app().state().signup.focused == "email");
    // What was typed is kept after an error.
    CHECK(h.play("expect-text signup.email not-an-email\n") == 0);
    CHECK(h.store->count().value == 0);
}

TEST_CASE("a double tap on submit stores one lead") {
    Headless h;
    REQUIRE(h.play(kFill) == 0);
    const auto* submit = h.widget("signup.submit");
    REQUIRE(submit);
    for (int i = 0; i < 2; ++i) {
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Down, submit->center()});
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Up, submit->center()});
    }
    h.frames(10);
    CHECK(h.app().screen() == Screen::Thanks);
    CHECK(h.store->count().value == 1);
}

TEST_CASE("when the store fails the visitor keeps the form, and the lead is stored once it works again") {
    Headless h;
    REQUIRE(h.play(kFill) == 0);
    h.failWrites = true;
    CHECK(h.play("tap signup.submit\nexpect-screen signup\n") == 0);
    CHECK(h.app().state().signup.storeFailed);
    CHECK(h.app().lastStoreError().find("full") != std::string::npos);
    CHECK(h.play("expect-text signup.first_name Zoë\n") == 0);
    CHECK(h.store->count().value == 0);
    h.failWrites = false;
    CHECK(h.play("tap signup.submit\nexpect-screen thanks\n") == 0);
    CHECK(h.store->count().value == 1);
}

TEST_CASE("the idle timeout wipes every field, the keyboard and the selection") {
    Headless h;
    REQUIRE(h.play(kFill) == 0);
    CHECK(h.play("tap signup.first_name\ntap kbd.layer.symbols\nwait 61000\nexpect-screen attract\n") == 0);
    CHECK(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\n") == 0);
    for (const char* f : {"first_name", "last_name", "email", "company", "job_title", "phone", "message"})
        CHECK(h.play(std::string("expect-text signup.") + f + " \n") == 0);
    const auto& in = h.app().state().signup.input;
    CHECK(in.exhibitors.empty());
    CHECK(in.sectors.empty());
    CHECK_FALSE(in.consent);
    CHECK_FALSE(in.newsletter);
    CHECK(h.widget("kbd.layer.symbols")); // letters again, not the symbols layer of the last visitor
    CHECK(h.app().state().lang == kiosk::core::Lang::De);
}

TEST_CASE("switching the language keeps what was typed, and the keyboard follows it unless switched by hand") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\ntype Ada\nexpect-visible kbd.char.ß\n") == 0);
    CHECK(h.play("tap lang.en\nexpect-text signup.first_name Ada\n") == 0);
    CHECK(h.widget("kbd.char.y")); // QWERTY: y in the top letter row, no ß
    CHECK_FALSE(h.widget("kbd.char.ß"));
    CHECK(h.play("tap kbd.layout\nexpect-visible kbd.char.ß\n") == 0); // QWERTZ by hand
}

TEST_CASE("backspace deletes on touch and repeats while held") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.signup\ntap signup.message\ntype abcdefghijklmnopqrstuvwxyz\n") == 0);
    CHECK(h.play("tap kbd.backspace\nexpect-text signup.message abcdefghijklmnopqrstuvwxy\n") == 0);
    CHECK(h.play("longpress kbd.backspace 2000\n") == 0);
    CHECK(kiosk::core::charCount(h.app().state().signup.input.message) < 10);
}

TEST_CASE("a physical keyboard or badge scanner types into the focused field") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.signup\ntap signup.email\n") == 0);
    ImGui::GetIO().AddInputCharactersUTF8("scan@example.org");
    h.frames(3);
    CHECK(h.play("expect-text signup.email scan@example.org\n") == 0);
}

TEST_CASE("type fails clearly without a focused field or a key") {
    Headless h;
    CHECK(h.play("type hello\n") == 1);
    CHECK(h.out.str().find("no text field has the focus") != std::string::npos);
    CHECK(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\ntype 王\n") == 1);
    CHECK(h.out.str().find("no key types") != std::string::npos);
}
