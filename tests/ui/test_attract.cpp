// The attract loop on the real screen: its scenes in order under the virtual clock, sizes
// read from three metres, and a touch starting the visit whatever scene shows.
#include "headless.hpp"

#include <doctest/doctest.h>

#include <string>

using kiosk::test::Headless;
using kiosk::ui::Screen;

TEST_CASE("the virtual clock steps through the loop: every scene, in order, then the first again") {
    Headless h;
    const auto& loop = h.content.content.attract;
    REQUIRE(loop.fromFile);
    REQUIRE(loop.scenes.size() == 5);
    // The middle of each scene (the first frames of the script warm up, well under a second).
    std::string script;
    double at = 0;
    for (const auto& s : loop.scenes) {
        const double mid = at + s.seconds * 0.5;
        script += "wait " + std::to_string(static_cast<int>((mid - h.now()) * 1000)) + "\n";
        script += "expect-text attract.scene " + s.id + "\n";
        at += s.seconds;
        CHECK(h.play(script) == 0);
        script.clear();
    }
    CHECK(h.play("wait " + std::to_string(static_cast<int>((at + 1 - h.now()) * 1000)) +
                 "\nexpect-text attract.scene " + loop.scenes.front().id + "\n") == 0);
    CHECK(h.out.str().find("fail") == std::string::npos);
    CHECK(h.app().screen() == Screen::Attract);
}

TEST_CASE("from three metres: a headline with capitals of at least 40 mm, a start button at least 40 mm tall") {
    for (ImVec2 size : {ImVec2(1920, 1080), ImVec2(1080, 1920), ImVec2(3840, 2160)}) {
        CAPTURE(size.x);
        Headless h(size);
        h.frames(2);
        const auto& th = h.app().context().theme;
        const ImFontGlyph* cap = th.fonts.hero->FindGlyph('H');
        REQUIRE(cap);
        CHECK((cap->Y1 - cap->Y0) / th.pxPerMm >= 40.0f);
        const auto* start = h.widget("attract.start");
        REQUIRE(start);
        CHECK((start->fullMax.y - start->fullMin.y) / th.pxPerMm >= 40.0f);
        CHECK(start->fullMax.y <= size.y);
        CHECK(start->fullMin.x >= 0);
        CHECK(start->fullMax.x <= size.x);
    }
}

TEST_CASE("a touch on any scene starts the visit, the start button too") {
    Headless h;
    const auto& loop = h.content.content.attract;
    double at = 0;
    for (const auto& s : loop.scenes) {
        CAPTURE(s.id);
        Headless k;
        k.clock.advance(at + s.seconds * 0.5);
        k.frames(2);
        CHECK(k.play("expect-text attract.scene " + s.id + "\n") == 0);
        k.tap(ImVec2(200, 200));
        CHECK(k.app().screen() == Screen::Browse);
        at += s.seconds;
    }
    CHECK(h.play("wait 9000\ntap attract.start\nexpect-screen browse\n") == 0);
}

TEST_CASE("the attract loop asks for its next frame at once: it always moves") {
    Headless h;
    h.frames(3);
    CHECK(h.app().wakeIn() == 0.0);
    CHECK(h.app().frameInterval() == doctest::Approx(1.0 / 30.0)); // paced: 30 frames a second, not 60
}
