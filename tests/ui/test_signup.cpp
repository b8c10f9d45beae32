// Headless UI tests of the sign-up: the whole form filled by keyboard taps, every
// validation error, double submit, store failure, idle wipe — against a real SQLite store.
#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"
#include "core/letters.hpp"
#include "headless.hpp"
#include "ui/theme.hpp"

#include <imgui_internal.h>

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
    CHECK(textOf(h.app().state().signup.input, "first_name").empty());
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
    CHECK(kiosk::core::charCount(textOf(h.app().state().signup.input, "message")) < 10);
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
        if (in.values.size() < kiosk::core::defaultForm().fields.size()) return false; // buffers kept, not freed
        for (const auto& [id, a] : in.values)
            if (!a.text.empty() || !zeroed(a.text)) return false;
        return in.exhibitorSearch.empty() && zeroed(in.exhibitorSearch);
    };
    // Typed, partly deleted, then left alone.
    REQUIRE(h.play(kRequired) == 0);
    REQUIRE(h.play("tap signup.message\ntype Grüße\ntap kbd.backspace\ntap kbd.backspace\ntap kbd.backspace\n") == 0);
    REQUIRE(h.play("expect-text signup.message Gr\n") == 0);
    const std::string& message = textOf(in, "message");
    CHECK(std::all_of(message.data() + message.size(), message.data() + message.capacity(), [](char c) { return c == 0; })); // what backspace deleted is gone at once (ü and ß are 2 bytes)
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

TEST_CASE("shift gives the upper case of every accented key: Łukasz Źródło is typed and kept") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\ntype Łukasz\ntap kbd.next\ntype Źródło-Żak\n") == 0);
    CHECK(h.play("expect-text signup.first_name Łukasz\nexpect-text signup.last_name Źródło-Żak\n") == 0);
    // The accent layer's keys themselves, with shift (on in an empty company field): the capital on the key.
    CHECK(h.play("tap signup.company\ntap kbd.layer.accents\nexpect-visible kbd.char.Ł\nexpect-visible kbd.char.Ź\n"
                 "tap kbd.char.Ł\nexpect-text signup.company Ł\n") == 0);
}

TEST_CASE("every EuroLatin letter, lower and upper case, is typed through the keyboard and read back NFC") {
    Headless h;
    std::string all;
    for (const auto& c : kiosk::core::euroLatinLetters()) all += c;
    // The message field holds 500 characters: the list fits.
    REQUIRE(kiosk::core::charCount(all) < kiosk::core::defaultForm().field("message")->maxChars);
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.message\ntype " + all + "\n") == 0);
    CHECK(h.play("expect-text signup.message " + all + "\n") == 0);
    CHECK(textOf(h.app().state().signup.input, "message") == kiosk::core::nfc(all));
}

TEST_CASE("a long press shows the variants above the key; tap one, or tap elsewhere to close") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.first_name\n") == 0);
    // Shift is on in an empty name field: the popup is upper case, German letters first.
    REQUIRE(h.play("longpress kbd.char.L 700\nexpect-visible kbd.alt.Ł\n") == 0);
    const auto* key = h.widget("kbd.char.L");
    const auto* alt = h.widget("kbd.alt.Ł");
    REQUIRE(key);
    REQUIRE(alt);
    CHECK(alt->max.y <= key->min.y); // above the finger
    CHECK(alt->max.x - alt->min.x >= kiosk::ui::theme().mm(20) - 1);
    CHECK(textOf(h.app().state().signup.input, "first_name").empty()); // the long press itself typed nothing
    CHECK(h.play("tap kbd.alt.Ł\nexpect-text signup.first_name Ł\n") == 0);
    CHECK_FALSE(h.widget("kbd.alt.ł"));
    // Tapping elsewhere closes it and types nothing; shift switches its case.
    REQUIRE(h.play("longpress kbd.char.a 700\nexpect-visible kbd.alt.ä\ntap kbd.shift\nexpect-visible kbd.alt.Ä\n") == 0);
    CHECK(h.play("tap kbd.shift\ntap kbd.char.m\nexpect-text signup.first_name Ł\n") == 0);
    CHECK_FALSE(h.widget("kbd.alt.ä"));
    CHECK(h.play("type ukasz\nexpect-text signup.first_name Łukasz\n") == 0);
}

TEST_CASE("sliding from the held key to a variant and lifting there types it") {
    Headless h;
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.last_name\ntap kbd.shift\n") == 0);
    const auto* z = h.widget("kbd.char.z");
    REQUIRE(z);
    const ImVec2 at = z->center();
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Down, at});
    for (int i = 0; i < 40; ++i) h.frames(1); // 40 frames: past the long press
    const auto* alt = h.widget("kbd.alt.ż");
    REQUIRE(alt);
    const ImVec2 to = alt->center();
    for (int i = 1; i <= 5; ++i) {
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Move, ImVec2(at.x + (to.x - at.x) * i / 5, at.y + (to.y - at.y) * i / 5)});
        h.frames(1);
    }
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Up, to});
    h.frames(4);
    CHECK(textOf(h.app().state().signup.input, "last_name") == "ż");
    CHECK_FALSE(h.widget("kbd.alt.ż"));
}

TEST_CASE("every EuroLatin letter has its own glyph in the keyboard's fonts: none falls back to '?'") {
    Headless h;
    const auto& f = kiosk::ui::theme().fonts;
    std::string all;
    int glyphs = 0;
    for (const auto& c : kiosk::core::euroLatinLetters()) {
        unsigned cp = 0;
        ImTextCharFromUtf8(&cp, c.c_str(), nullptr);
        CAPTURE(c);
        for (ImFont* font : {f.body, f.bold, f.small}) CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)));
        all += c;
        ++glyphs;
    }
    // The list drawn as the keys draw it; the atlas is what a renderer uploads.
    REQUIRE(h.play("tap attract.start\ntap browse.signup\ntap signup.message\ntype " + all + "\n") == 0);
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    MESSAGE("EuroLatin letters: " << glyphs << ", font atlas " << atlas->TexWidth << "x" << atlas->TexHeight);
}

TEST_CASE("the font atlas of a 4K screen stays small with the EuroLatin letters") {
    Headless h(ImVec2(3840, 2160));
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    MESSAGE("font atlas at 3840x2160: " << atlas->TexWidth << "x" << atlas->TexHeight);
    CHECK(atlas->TexWidth * atlas->TexHeight <= 2048 * 2048);
}

TEST_CASE("a name typed by long presses is stored byte for byte (NFC) in the real lead store") {
    Headless h;
    std::string fill = kFill;
    const std::string first = "type Zoë\n", last = "type Müller-Lüdenscheidt\n";
    fill.replace(fill.find(first), first.size(), "type Łukasz\n");
    fill.replace(fill.find(last), last.size(), "type Żółć-Ștefănescu Ǧǩǯ Əliyev\n");
    REQUIRE(h.play(fill + "tap signup.submit\nexpect-screen thanks\n") == 0);
    REQUIRE(h.store->count().value == 1);
    const auto l = h.store->all().value.front();
    CHECK(l.firstName == "Łukasz");
    CHECK(l.lastName == "Żółć-Ștefănescu Ǧǩǯ Əliyev");
    CHECK(l.lastName == kiosk::core::nfc(l.lastName));
}
