// The thank-you screen after "Absenden": the consent receipt and one vCard per chosen
// exhibitor as QR codes (what they hold, how large they are, that they fit), the countdown,
// "Fertig / Done", and the sentence at the top of the form on what happens next.
#include "core/qr.hpp"
#include "core/receipt.hpp"
#include "headless.hpp"
#include "ui/theme.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <set>

namespace core = kiosk::core;
using kiosk::test::Headless;
using kiosk::ui::Screen;
using kiosk::ui::WidgetInfo;

namespace {

const std::vector<std::string> kFive = {"ancoats-code-assurance", "bollin-ot-defence", "chorlton-care-insights",
                                        "etherow-health-link", "irk-valley-hydrogen"};

/// Fills the required fields, ticks consent and `exhibitors`, submits, and lands on thanks.
void signUp(Headless& h, const std::vector<std::string>& exhibitors, const std::string& lang = "de") {
    std::string script = "tap lang." + lang + "\ntap attract.start\ntap browse.signup\ntap signup.first_name\ntype Ada\n"
                         "tap kbd.next\ntype Lovelace\ntap kbd.next\ntype ada@example.org\ntap kbd.done\n";
    for (const auto& id : exhibitors) script += "tap signup.exhibitor." + id + "\n";
    script += "tap signup.consent\ntap signup.submit\nexpect-screen thanks\n";
    REQUIRE(h.play(script) == 0);
}

bool inside(const WidgetInfo& w, ImVec2 size) {
    return w.fullMin.x >= 0 && w.fullMin.y >= 0 && w.fullMax.x <= size.x && w.fullMax.y <= size.y && w.visible &&
           w.min.x == w.fullMin.x && w.min.y == w.fullMin.y && w.max.x == w.fullMax.x && w.max.y == w.fullMax.y;
}

bool overlap(const WidgetInfo& a, const WidgetInfo& b) {
    return a.fullMin.x < b.fullMax.x && b.fullMin.x < a.fullMax.x && a.fullMin.y < b.fullMax.y && b.fullMin.y < a.fullMax.y;
}

} // namespace

TEST_CASE("thanks: a receipt QR with the stored lead's consent, and a vCard QR per chosen exhibitor") {
    Headless h;
    signUp(h, {"irk-valley-hydrogen", "medlock-gas-sensing"});
    REQUIRE(h.store->count().value == 1);
    const core::Lead lead = h.store->all().value.front();

    const WidgetInfo* receipt = h.widget("thanks.receipt");
    REQUIRE(receipt);
    REQUIRE(receipt->text);
    const std::string& r = *receipt->text;
    CHECK(r.find(lead.id) != std::string::npos);
    CHECK(r.find(lead.consent.version) != std::string::npos);
    CHECK(r.find("SHA-256: " + lead.consent.sha256) != std::string::npos);
    CHECK(r.find(core::isoUtc(lead.consent.atMs)) != std::string::npos);
    CHECK(r.find("datenschutz@business.ruhr") != std::string::npos); // content/event.toml organiser.privacy_email
    CHECK(r.find("Ihr Beleg der Einwilligung") == 0);
    // Nothing the visitor typed: the lead id is the only link to them.
    for (const char* personal : {"Ada", "Lovelace", "ada@example.org"}) CHECK(r.find(personal) == std::string::npos);
    CHECK(r.find("?lead=") == std::string::npos); // no hub configured: no withdrawal link

    for (const char* id : {"irk-valley-hydrogen", "medlock-gas-sensing"}) {
        const WidgetInfo* w = h.widget(std::string("thanks.contact.") + id);
        REQUIRE(w);
        REQUIRE(w->text);
        CHECK(*w->text == core::vcard(*h.content.content.company(id)));
    }
    CHECK(h.widget("thanks.contact.ancoats-code-assurance") == nullptr); // not chosen

    // `value` prints the QR's text on one line, line breaks escaped as `scan` reads them.
    h.out.str("");
    REQUIRE(h.play("value thanks.contact.irk-valley-hydrogen\n") == 0);
    CHECK(h.out.str().rfind("= BEGIN:VCARD\\r\\nVERSION:3.0\\r\\n", 0) == 0);

    // In English the receipt is the same facts under English labels.
    REQUIRE(h.play("tap lang.en\n") == 0);
    REQUIRE(h.widget("thanks.receipt"));
    CHECK(h.widget("thanks.receipt")->text->find("Your consent receipt") == 0);
    CHECK(h.widget("thanks.receipt")->text->find(lead.id) != std::string::npos);
}

TEST_CASE("thanks: with a hub and a withdraw_url the receipt links it with the lead id; without sync it does not") {
    core::KioskConfig config;
    config.sync.endpoint = "https://hub.example.org/kiosk/v1/leads";
    config.sync.withdrawUrl = "https://hub.example.org/withdraw";
    Headless h(ImVec2(1920, 1080), config);
    signUp(h, {"irk-valley-hydrogen"});
    const core::Lead lead = h.store->all().value.front();
    const std::string& r = *h.widget("thanks.receipt")->text;
    CHECK(r.substr(r.rfind('\n') + 1) == "https://hub.example.org/withdraw?lead=" + lead.id);

    config.sync.endpoint.clear(); // sync off: the page would know nothing of this lead
    Headless off(ImVec2(1920, 1080), config);
    signUp(off, {"irk-valley-hydrogen"});
    CHECK(off.widget("thanks.receipt")->text->find("withdraw?lead=") == std::string::npos);
}

TEST_CASE("thanks: every QR code is at least 35 mm with modules of at least 0.5 mm, and all fit, at three sizes") {
    struct Size {
        ImVec2 px;
        double inch;
    };
    for (const Size s : {Size{{1920, 1080}, 43}, Size{{1080, 1920}, 43}, Size{{3840, 2160}, 55}})
        for (const char* lang : {"de", "en"}) {
            CAPTURE(s.px.x);
            CAPTURE(lang);
            core::KioskConfig config;
            config.diagonalInch = s.inch;
            config.sync.endpoint = "https://hub.example.org/kiosk/v1/leads";
            config.sync.withdrawUrl = "https://hub.example.org/withdraw"; // the longest receipt
            Headless h(s.px, config);
            signUp(h, kFive, lang);
            const float pxPerMm = kiosk::ui::pixelsPerMm(s.px.x, s.px.y, s.inch, 0);
            std::vector<const WidgetInfo*> codes{h.widget("thanks.receipt")};
            for (const auto& id : kFive) codes.push_back(h.widget("thanks.contact." + id));
            const WidgetInfo* done = h.widget("thanks.done");
            REQUIRE(done);
            CHECK(inside(*done, s.px));
            for (size_t i = 0; i < codes.size(); ++i) {
                REQUIRE(codes[i]);
                CAPTURE(codes[i]->id);
                CHECK(inside(*codes[i], s.px)); // on screen whole, not scrolled away
                CHECK_FALSE(overlap(*codes[i], *done));
                for (size_t j = 0; j < i; ++j) CHECK_FALSE(overlap(*codes[i], *codes[j]));
                const float side = codes[i]->fullMax.x - codes[i]->fullMin.x;
                const core::QrCode qr = core::makeQr(*codes[i]->text);
                REQUIRE(qr.size > 0);
                const float module = std::floor(side / static_cast<float>(qr.size + 8));
                CHECK(module / pxPerMm >= 0.5f);
                CHECK(module * static_cast<float>(qr.size) / pxPerMm >= 35.0f);
            }
        }
}

TEST_CASE("thanks: a countdown from thanks_seconds, then the attract loop; Done goes there at once") {
    Headless h;
    signUp(h, {"irk-valley-hydrogen"});
    CHECK(h.play("expect-text thanks.countdown Diese Seite schließt sich in 30 s.\n") == 0);
    CHECK(h.play("wait 10000\nexpect-text thanks.countdown Diese Seite schließt sich in 20 s.\n") == 0);
    CHECK(h.play("tap lang.en\nexpect-text thanks.countdown This page closes in 20 s.\n") == 0);
    CHECK(h.play("wait 19000\nexpect-screen thanks\n") == 0); // no idle warning or wipe before its time
    CHECK_FALSE(h.app().idleWarningShown());
    CHECK(h.play("wait 1500\nexpect-screen attract\n") == 0);
    CHECK(h.app().state().thanks.leadId.empty()); // gone with the visit, and the receipt's text too
    CHECK(h.app().context().shownTexts.at("thanks.receipt").empty());

    core::KioskConfig config;
    config.thanksSeconds = 90; // longer than the idle timeout: thanks keeps its own time
    Headless longer(ImVec2(1920, 1080), config);
    signUp(longer, {"irk-valley-hydrogen"});
    CHECK(longer.play("wait 80000\nexpect-screen thanks\nexpect-text thanks.countdown Diese Seite schließt sich in 10 s.\n") == 0);
    CHECK(longer.play("tap thanks.done\nexpect-screen attract\n") == 0);
}

TEST_CASE("the form says what happens next: a confirmation email with double opt-in, else who gets in touch") {
    for (const bool doubleOptIn : {false, true}) {
        core::KioskConfig config;
        config.signup.confirmationEmail = doubleOptIn;
        Headless h(ImVec2(1920, 1080), config);
        std::set<std::string> keys;
        h.app().context().lookups = [&](const std::string& k) { keys.insert(k); };
        REQUIRE(h.play("tap attract.start\ntap browse.signup\nexpect-screen signup\n") == 0);
        CHECK(keys.count("signup.next_email") == (doubleOptIn ? 1u : 0u));
        CHECK(keys.count("signup.next_contact") == (doubleOptIn ? 0u : 1u));
    }
}
