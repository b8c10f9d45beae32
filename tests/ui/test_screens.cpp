// Headless UI tests: navigation, filter, drag vs tap, language, idle timeout —
// all through synthetic touch input on the real screens.
#include "headless.hpp"

#include "ui/theme.hpp"

#include <doctest/doctest.h>

using kiosk::core::Lang;
using kiosk::test::Headless;
using kiosk::ui::Screen;

namespace {
int count(const Headless& h, const std::string& prefix) {
    int n = 0;
    for (const auto& w : kiosk::ui::registry().widgets())
        if (w.id.rfind(prefix, 0) == 0) ++n;
    (void)h;
    return n;
}
} // namespace

TEST_CASE("the visitor's path: attract, browse, profile, back, home") {
    Headless h;
    CHECK(h.content.problems.empty());
    CHECK(h.app().screen() == Screen::Attract);
    REQUIRE(h.widget("attract.start"));
    h.tap(h.widget("attract.start")->center());
    CHECK(h.app().screen() == Screen::Browse);
    CHECK(count(h, "browse.card.") == 9);
    REQUIRE(h.widget("browse.card.irk-valley-hydrogen"));
    h.tap(h.widget("browse.card.irk-valley-hydrogen")->center());
    CHECK(h.app().screen() == Screen::Profile);
    CHECK(h.app().state().companyId == "irk-valley-hydrogen");
    h.tap(h.widget("profile.back")->center());
    CHECK(h.app().screen() == Screen::Browse);
    h.tap(h.widget("nav.home")->center());
    CHECK(h.app().screen() == Screen::Attract);
}

TEST_CASE("a touch anywhere on the attract loop starts") {
    Headless h;
    h.tap(ImVec2(300, 300));
    CHECK(h.app().screen() == Screen::Browse);
}

TEST_CASE("sector filter shows only that sector's companies") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.filter.hydrogen\n") == 0);
    CHECK(h.app().state().filter == "hydrogen");
    CHECK(count(h, "browse.card.") == 2);
    CHECK(h.widget("browse.card.irk-valley-hydrogen"));
    CHECK_FALSE(h.widget("browse.card.gdata"));
    CHECK(h.play("tap browse.filter.all\n") == 0);
    CHECK(count(h, "browse.card.") == 9);
}

TEST_CASE("a drag scrolls the grid and never opens the card under the finger") {
    kiosk::core::KioskConfig cfg;
    cfg.pixelPitchMm = 0.5; // 1080p-sized UI in a small window: the grid must scroll
    Headless h(ImVec2(1280, 720), cfg);
    CHECK(h.play("tap attract.start\n") == 0);
    const auto* first = h.widget("browse.card.ancoats-code-assurance");
    REQUIRE(first);
    const float y0 = first->min.y;
    CHECK(h.play("drag browse.card.ancoats-code-assurance 0 -200\n") == 0);
    CHECK(h.app().screen() == Screen::Browse);
    h.frames(60); // let the fling settle
    const auto* moved = h.widget("browse.card.ancoats-code-assurance");
    // Scrolled up (partly or wholly out of view), and still on browse.
    CHECK((moved == nullptr || moved->max.y - moved->min.y < 150.0f || moved->min.y < y0));
    CHECK(h.app().screen() == Screen::Browse);
    // A tap still works after the drag.
    const kiosk::ui::WidgetInfo* visible = nullptr;
    for (const auto& w : kiosk::ui::registry().widgets())
        if (w.id.rfind("browse.card.", 0) == 0 && w.max.y - w.min.y > 60.0f) visible = &w;
    REQUIRE(visible);
    const std::string id = visible->id.substr(12);
    h.tap(visible->center());
    CHECK(h.app().screen() == Screen::Profile);
    CHECK(h.app().state().companyId == id);
}

TEST_CASE("language switch changes every string and keeps the place") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.card.gdata\ntap lang.en\n") == 0);
    CHECK(h.app().state().lang == Lang::En);
    CHECK(h.app().screen() == Screen::Profile);
    CHECK(h.app().state().companyId == "gdata");
    CHECK(h.play("tap lang.de\n") == 0);
    CHECK(h.app().state().lang == Lang::De);
}

TEST_CASE("idle: warning with countdown, Continue extends, timeout wipes back to attract") {
    Headless h;
    CHECK(h.play("tap attract.start\ntap browse.filter.cybersecurity\ntap lang.en\n") == 0);
    CHECK(h.play("wait 20000\n") == 0);
    CHECK_FALSE(h.app().idleWarningShown());
    CHECK(h.play("wait 15000\nexpect-visible idle.continue\n") == 0);
    CHECK(h.app().idleWarningShown());
    CHECK(h.play("tap idle.continue\n") == 0);
    CHECK_FALSE(h.app().idleWarningShown());
    CHECK(h.app().screen() == Screen::Browse);
    CHECK(h.play("wait 61000\nexpect-screen attract\n") == 0);
    // Nothing of the last visitor is left: language, filter.
    CHECK(h.app().state().lang == Lang::De);
    CHECK(h.app().state().filter.empty());
}

TEST_CASE("script player reports each line and stops at the first failure") {
    Headless h;
    const int code = h.play("# comment\n\nexpect-screen attract\nexpect-screen browse\ntap attract.start\n");
    CHECK(code == 1);
    const std::string out = h.out.str();
    CHECK(out.find("ok 3 expect-screen attract") != std::string::npos);
    CHECK(out.find("fail 4 expect-screen browse: screen is 'attract'") != std::string::npos);
    CHECK(out.find("tap attract.start") == std::string::npos); // stopped there
}

TEST_CASE("ids lists every widget with its rectangle, unknown ids and commands fail") {
    Headless h;
    CHECK(h.play("ids\n") == 0);
    CHECK(h.out.str().find("id attract.start ") != std::string::npos);
    CHECK(h.out.str().find("id lang.de ") != std::string::npos);
    CHECK(h.play("tap no.such.widget\n") == 1);
    CHECK(h.play("frobnicate\n") == 1);
}

TEST_CASE("broken or missing content never crashes a screen") {
    for (const char* dir : {KIOSK_SOURCE_DIR "/tests/fixtures/broken", "/nonexistent/content"}) {
        CAPTURE(dir);
        Headless h(ImVec2(1080, 1920), {}, dir);
        CHECK_FALSE(h.content.problems.empty());
        h.frames(400); // every attract scene
        CHECK(h.play("tap attract.start\nexpect-screen browse\nwait 1000\n") == 0);
        for (const auto& c : h.content.content.companies) {
            CHECK(h.play("tap browse.card." + c.id + "\nexpect-screen profile\ntap profile.back\n") == 0);
        }
    }
}

TEST_CASE("portrait and 4K layouts keep every control on screen") {
    for (ImVec2 size : {ImVec2(1080, 1920), ImVec2(3840, 2160)}) {
        Headless h(size);
        CHECK(h.play("expect-visible attract.start\ntap attract.start\nexpect-visible browse.filter.digital-health\n"
                     "tap browse.card.gdata\nexpect-visible profile.back\nexpect-visible lang.en\n") == 0);
        // The rectangles as laid out, not as clipped: a clipped one always fits the screen.
        const float mm = h.app().context().theme.pxPerMm;
        for (const auto& w : h.app().context().registry.widgets()) {
            CAPTURE(w.id);
            CHECK(w.fullMin.x >= 0.0f);
            CHECK(w.fullMax.x <= size.x);
            if (!w.list) { // in a scrolled list it may lie below the fold: scrolling brings it in
                CHECK(w.fullMin.y >= 0.0f);
                CHECK(w.fullMax.y <= size.y);
            }
            // docs/design.md: touch targets at least 20 mm (the theme's px per mm at 43")
            CHECK(w.fullMax.y - w.fullMin.y >= 20.0f * mm - 1.0f);
        }
    }
}

TEST_CASE("500 companies: the browse grid draws only the rows in view, and a card far down can still be tapped") {
    auto browseVertices = [](const std::string& content, int& cards, int& visible) {
        Headless h(ImVec2(1920, 1080), {}, content);
        REQUIRE(h.play("tap attract.start\nexpect-screen browse\n") == 0);
        h.frames(2);
        cards = count(h, "browse.card.");
        visible = 0;
        for (const auto& w : kiosk::ui::registry().widgets()) visible += w.id.rfind("browse.card.", 0) == 0 && w.visible;
        return ImGui::GetDrawData()->TotalVtxCount;
    };
    int cards9 = 0, visible9 = 0, cards500 = 0, visible500 = 0;
    const int demo = browseVertices(KIOSK_SOURCE_DIR "/content", cards9, visible9);
    const int big = browseVertices(kiosk::test::bigContent(), cards500, visible500);
    CHECK(cards9 == 9);
    CHECK(cards500 == 500); // every card is registered, for scripts
    CHECK(visible500 < 50); // a screenful
    CHECK(big < demo * 2); // drawing every card made it ~50 times as many

    Headless h(ImVec2(1920, 1080), {}, kiosk::test::bigContent());
    CHECK(h.play("tap attract.start\ntap browse.card.big-480\nexpect-screen profile\n") == 0);
    CHECK(h.app().state().companyId == "big-480");
}

TEST_CASE("two kiosks in one process keep their own widgets, scrolls and theme") {
    // Each App owns its UI context: nothing of one leaks into the other, so no test resets anything.
    Headless a;
    Headless b(ImVec2(1080, 1920), [] {
        kiosk::core::KioskConfig c;
        c.pixelPitchMm = 0.25; // a different density: other fonts, other sizes
        return c;
    }());
    CHECK(b.play("tap attract.start\nexpect-screen browse\n") == 0);
    CHECK(a.app().screen() == Screen::Attract);
    CHECK(a.widget("attract.start"));
    CHECK_FALSE(a.widget("browse.signup"));
    CHECK(b.widget("browse.signup"));
    CHECK(a.app().context().theme.pxPerMm != b.app().context().theme.pxPerMm);
    a.frames(3);
    CHECK(a.play("tap attract.start\nexpect-screen browse\ntap browse.card.gdata\nexpect-screen profile\n") == 0);
    CHECK(b.play("tap browse.card.gdata\nexpect-screen profile\n") == 0);
}
