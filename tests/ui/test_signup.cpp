// Headless UI tests of the sign-up: the whole form filled by keyboard taps, every
// validation error, double submit, store failure, idle wipe — against a real SQLite store.
#include "core/leads/lead.hpp"
#include "headless.hpp"

#include <doctest/doctest.h>

#include <algorithm>

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

namespace {
const char* kRequired = R"(tap attract.start
tap browse.signup
tap signup.first_name
type Ada
tap kbd.next
type Lovelace
tap kbd.next
type ada@example.org
tap kbd.done
tap signup.exhibitor.medlock-gas-sensing
)";

/// Nothing but zeros in the string's whole buffer (what clear() keeps is what lingers).
bool zeroed(const std::string& s) {
    return std::all_of(s.data(), s.data() + s.capacity(), [](char c) { return c == 0; });
}
} // namespace

TEST_CASE("consent.given_at is when the box was ticked, and its text is the one shown then") {
    using kiosk::core::Lang;
    Headless h;
    REQUIRE(h.play(kRequired) == 0);
    const std::int64_t before = h.clock.wallMs();
    REQUIRE(h.play("tap signup.consent\n") == 0);
    const std::int64_t after = h.clock.wallMs();
    // The visitor switches to English after ticking, reads on, and submits 20 s later.
    REQUIRE(h.play("tap lang.en\nwait 20000\ntap signup.submit\nexpect-screen thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    const auto l = h.store->all().value.front();
    CHECK(l.consent.atMs >= before);
    CHECK(l.consent.atMs <= after);
    CHECK(l.createdMs - l.consent.atMs >= 20000);
    CHECK(l.lang == "en"); // the form's language at submit
    CHECK(l.consent.lang == "de");
    CHECK(l.consent.sha256 == kiosk::core::sha256Hex(h.content.content.consent.shown(Lang::De)));
    CHECK(kiosk::core::leadJson(l).find("\"given_at\":\"" + kiosk::core::isoUtc(l.consent.atMs) + "\"") !=
          std::string::npos);
}

TEST_CASE("consent ticked, unticked and ticked again counts from the last tick, in its language") {
    using kiosk::core::Lang;
    Headless h;
    REQUIRE(h.play(kRequired) == 0);
    REQUIRE(h.play("tap signup.consent\nwait 5000\ntap signup.consent\ntap lang.en\nwait 5000\n") == 0);
    const std::int64_t before = h.clock.wallMs();
    REQUIRE(h.play("tap signup.consent\ntap lang.de\nwait 3000\ntap signup.submit\nexpect-screen thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    const auto l = h.store->all().value.front();
    CHECK(l.consent.atMs >= before);
    CHECK(l.consent.atMs < before + 1000);
    CHECK(l.consent.lang == "en");
    CHECK(l.consent.sha256 == kiosk::core::sha256Hex(h.content.content.consent.shown(Lang::En)));
}

TEST_CASE("the idle wipe, cancel and a sign-up zero the form's buffers, not only empty them") {
    Headless h;
    const auto& in = h.app().state().signup.input;
    auto allZeroed = [&] {
        for (const std::string* s :
             {&in.firstName, &in.lastName, &in.email, &in.company, &in.jobTitle, &in.phone, &in.message,
              &in.exhibitorSearch})
            if (!s->empty() || !zeroed(*s)) return false;
        return true;
    };
    // Typed, partly deleted, then left alone.
    REQUIRE(h.play(kRequired) == 0);
    REQUIRE(h.play("tap signup.message\ntype Grüße\ntap kbd.backspace\ntap kbd.backspace\ntap kbd.backspace\n") == 0);
    REQUIRE(h.play("expect-text signup.message Gr\n") == 0);
    CHECK(std::all_of(in.message.data() + in.message.size(), in.message.data() + in.message.capacity(),
                      [](char c) { return c == 0; })); // what backspace deleted is gone at once (ü and ß are 2 bytes)
    REQUIRE(h.play("wait 61000\nexpect-screen attract\n") == 0);
    CHECK(allZeroed());
    // Cancel.
    REQUIRE(h.play(kRequired) == 0);
    REQUIRE(h.play("tap signup.cancel\nexpect-screen browse\n") == 0);
    CHECK(allZeroed());
    // Submitted: thanks shows, and the form is already gone.
    REQUIRE(h.play("tap nav.home\n") == 0);
    REQUIRE(h.play(kRequired) == 0);
    REQUIRE(h.play("tap signup.consent\ntap signup.submit\nexpect-screen thanks\n") == 0);
    CHECK(allZeroed());
    // A physical keyboard's characters do not stay in ImGui's input queue either.
    REQUIRE(h.play("tap thanks.done\ntap attract.start\ntap browse.signup\ntap signup.email\n") == 0);
    ImGui::GetIO().AddInputCharactersUTF8("scan@example.org");
    h.frames(3);
    const ImVector<ImWchar>& q = ImGui::GetIO().InputQueueCharacters;
    CHECK(std::all_of(q.Data, q.Data + q.Capacity, [](ImWchar c) { return c == 0; }));
}

namespace {
size_t exhibitorRows() {
    size_t n = 0;
    for (const auto& w : kiosk::ui::registry().widgets()) n += w.id.rfind("signup.exhibitor.", 0) == 0;
    return n;
}
} // namespace

TEST_CASE("500 exhibitors: a search narrows the list, a choice survives the search, consent and submit stay reachable") {
    Headless h(ImVec2(1920, 1080), {}, kiosk::test::bigContent());
    REQUIRE(h.content.content.companies.size() == 500);
    REQUIRE(h.play("tap attract.start\ntap browse.signup\nexpect-visible signup.exhibitor_search\n") == 0);
    CHECK(exhibitorRows() == 12); // not 497: consent is a short scroll away, not past the list
    CHECK(h.out.str().find("fail") == std::string::npos);

    REQUIRE(h.play("tap signup.exhibitor_search\ntype zollVEREIN\n") == 0);
    CHECK(h.app().state().signup.input.exhibitorSearch == "zollVEREIN");
    CHECK(exhibitorRows() == 1);
    REQUIRE(h.play("tap signup.exhibitor.big-250\n") == 0);
    CHECK(h.app().state().signup.input.exhibitors == std::vector<std::string>{"big-250"});

    // Another search: the chosen one stays chosen and listed, ticked, beside the new matches.
    REQUIRE(h.play("tap signup.exhibitor_search\nlongpress kbd.backspace 3000\ntype Werk 49\n") == 0);
    CHECK(h.app().state().signup.input.exhibitorSearch == "Werk 49");
    CHECK(h.widget("signup.exhibitor.big-250"));
    CHECK(h.widget("signup.exhibitor.big-49"));
    CHECK(h.widget("signup.exhibitor.big-490"));
    CHECK_FALSE(h.widget("signup.exhibitor.big-48"));
    CHECK(h.app().state().signup.input.exhibitors == std::vector<std::string>{"big-250"});
    REQUIRE(h.play("tap kbd.done\n") == 0);
    CHECK(h.app().state().signup.focused.empty());

    REQUIRE(h.play("tap signup.consent\ntap signup.first_name\ntype Ada\ntap kbd.next\ntype Lovelace\ntap kbd.next\n"
                   "type ada@example.org\ntap kbd.done\ntap signup.submit\nexpect-screen thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    const auto lead = h.store->all().value.front();
    CHECK(lead.exhibitors == std::vector<std::string>{"big-250"});
    CHECK(lead.consent.version == h.content.content.consent.version);
}

TEST_CASE("500 exhibitors: a search that matches nothing says so, and the idle wipe clears the search") {
    Headless h(ImVec2(1080, 1920), {}, kiosk::test::bigContent()); // portrait: one scrolled column
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.exhibitor_search\ntype qqq\n") == 0);
    CHECK(exhibitorRows() == 0);
    CHECK(h.play("tap kbd.done\ntap signup.consent\ntap signup.submit\nexpect-screen signup\n") == 0);
    CHECK(h.play("wait 61000\nexpect-screen attract\n") == 0);
    CHECK(h.app().state().signup.input.exhibitorSearch.empty());
    CHECK(h.play("tap attract.start\ntap browse.signup\nexpect-text signup.exhibitor_search \n") == 0);
}

TEST_CASE("the 9-company demo lists every exhibitor without a search field") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.signup\n") == 0);
    CHECK_FALSE(h.widget("signup.exhibitor_search"));
    size_t exhibitors = 0;
    for (const auto& c : h.content.content.companies) exhibitors += c.exhibitor;
    CHECK(exhibitorRows() == exhibitors);
}
