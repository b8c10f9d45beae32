// Access for everyone (docs/design.md "Access"): the palettes' contrast, touch targets and
// their gaps on every visitor screen, feedback on touch-down, reach mode, high contrast and A+.
#include "headless.hpp"

#include "ui/theme.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using kiosk::test::Headless;
using kiosk::ui::Palette;
using kiosk::ui::Screen;
using kiosk::ui::WidgetInfo;

namespace {

struct Pair {
    const char* what;
    ImU32 fg, bg;
    double min; ///< 7 body text, 4.5 small text, 3 a control's outline or fill
};

/// Every text/background and control/background pair the widgets and screens draw.
std::vector<Pair> pairsOf(const Palette& p) {
    using kiosk::ui::readableOn;
    return {
        {"text on bg", p.text, p.bg, 7},
        {"text on surface", p.text, p.surface, 7},
        {"text on surfaceAlt", p.text, p.surfaceAlt, 7},
        {"text on buttonPressed (a check row held)", p.text, p.buttonPressed, 7},
        {"textMuted on bg", p.textMuted, p.bg, 7}, // also body-sized (a profile's tagline)
        {"textMuted on surface", p.textMuted, p.surface, 7},
        {"onPrimary on primary", p.onPrimary, p.primary, 7},
        {"onPrimary on primaryPressed", p.onPrimary, p.primaryPressed, 7},
        {"onButton on button", p.onButton, p.button, 7},
        {"onButton on buttonPressed", p.onButton, p.buttonPressed, 7},
        {"onWarning on warning", p.onWarning, p.warning, 7},
        {"error on surface", p.error, p.surface, 7},
        {"error on bg", p.error, p.bg, 7},
        {"textMuted on surfaceAlt (a logo's initials)", p.textMuted, p.surfaceAlt, 4.5},
        {"a tag on border (sample, region)", readableOn(p.border), p.border, 4.5},
        {"a selected chip on primary", readableOn(p.primary), p.primary, 4.5},
        {"border on surface", p.border, p.surface, 3},
        {"border on bg", p.border, p.bg, 3},
        {"border on button (secondary button outline)", p.border, p.button, 3},
        {"primary on bg", p.primary, p.bg, 3},
        {"primary on surface", p.primary, p.surface, 3},
        {"focus on surface (focused field, caret)", p.focus, p.surface, 3},
        {"warning on bg (the idle bar)", p.warning, p.bg, 1}, // its text carries it; listed for the report
    };
}

float gap(const ImVec2& a0, const ImVec2& a1, const ImVec2& b0, const ImVec2& b1) {
    const float dx = std::max({0.0f, b0.x - a1.x, a0.x - b1.x});
    const float dy = std::max({0.0f, b0.y - a1.y, a0.y - b1.y});
    return std::max(dx, dy); // rectangles side by side or stacked: the free space between them
}

/// Two widgets to compare by where they are drawn: laid out (same list, or neither in one), or
/// as visible (a list clips what lies under its edge).
bool comparable(const WidgetInfo& a, const WidgetInfo& b) { return a.list == b.list || (a.visible && b.visible); }

/// The unmarked staff corner, what takes no touches (notes, QR codes), and what the privacy notice covers.
bool skipped(Headless& h, const WidgetInfo& w) {
    if (w.id == "staff.corner" || !w.touchable) return true;
    const bool covered = w.id.rfind("signup.", 0) == 0 || w.id.rfind("kbd.", 0) == 0;
    return covered && h.app().state().signup.privacyOpen;
}

void checkTargets(Headless& h, const std::string& where) {
    const float mm = h.app().context().theme.pxPerMm;
    const auto& all = h.app().context().registry.widgets();
    int checked = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const WidgetInfo& a = all[i];
        if (skipped(h, a)) continue;
        CAPTURE(where);
        CAPTURE(a.id);
        const float w = a.fullMax.x - a.fullMin.x, hgt = a.fullMax.y - a.fullMin.y;
        CHECK(w >= 20.0f * mm - 1.0f);
        CHECK(hgt >= 20.0f * mm - 1.0f);
        ++checked;
        for (size_t j = i + 1; j < all.size(); ++j) {
            const WidgetInfo& b = all[j];
            if (skipped(h, b) || !comparable(a, b)) continue;
            const bool laidOut = a.list == b.list;
            const float g = laidOut ? gap(a.fullMin, a.fullMax, b.fullMin, b.fullMax) : gap(a.min, a.max, b.min, b.max);
            CAPTURE(b.id);
            CHECK(g >= 3.0f * mm - 1.0f);
        }
    }
    CHECK(checked > 0);
    // The field being typed into is wholly in view above the keyboard, however short the area.
    const std::string& focused = h.app().state().signup.focused;
    if (h.app().screen() == Screen::Signup && !focused.empty() && !h.app().state().signup.privacyOpen) {
        const WidgetInfo* f = h.widget("signup." + focused);
        REQUIRE(f);
        CAPTURE(where);
        CAPTURE(focused);
        CHECK(f->visible);
        CHECK(f->min.y == doctest::Approx(f->fullMin.y));
        CHECK(f->max.y == doctest::Approx(f->fullMax.y));
    }
}

/// Every visitor screen in turn (the keyboard open on the form), calling `check` on each.
template <typename Check> void tourVisitorScreens(Headless& h, Check check) {
    h.frames(3);
    check("attract");
    REQUIRE(h.play("tap attract.start\nexpect-screen browse\n") == 0);
    check("browse");
    REQUIRE(h.play("tap browse.card.irk-valley-hydrogen\nexpect-screen profile\n") == 0);
    check("profile");
    REQUIRE(h.play("tap profile.contact\nexpect-screen signup\n") == 0);
    check("signup");
    REQUIRE(h.play("tap signup.first_name\n") == 0);
    check("signup with keyboard");
    REQUIRE(h.play("type Jo\ntap signup.email\n") == 0);
    check("signup with email keyboard");
    REQUIRE(h.play("tap signup.privacy\n") == 0);
    check("privacy notice");
    REQUIRE(h.play("tap privacy.close\ntap signup.first_name\ntype Jo\ntap signup.last_name\ntype Ng\n"
                   "tap signup.email\ntype jo@example.org\ntap kbd.done\ntap signup.consent\ntap signup.submit\n"
                   "expect-screen thanks\n") == 0);
    check("thanks");
}

const ImVec2 kSizes[] = {ImVec2(1920, 1080), ImVec2(1080, 1920), ImVec2(3840, 2160)};

std::string sizeName(ImVec2 s) { return std::to_string(int(s.x)) + "x" + std::to_string(int(s.y)); }

/// Taps the toggles of `modes` ("reach", "contrast", "text") on the attract loop.
void setModes(Headless& h, const std::vector<std::string>& modes) {
    for (const auto& m : modes) REQUIRE(h.play("tap access." + m + "\n") == 0);
}

} // namespace

TEST_CASE("light, dark and high-contrast palettes: body text >= 7:1, small text >= 4.5:1, controls >= 3:1") {
    for (const char* name : {"light", "dark", "high-contrast"}) {
        for (const Pair& p : pairsOf(kiosk::ui::palette(name))) {
            const double r = kiosk::ui::contrastRatio(p.fg, p.bg);
            const std::string palette = name, what = p.what;
            CAPTURE(palette);
            CAPTURE(what);
            CAPTURE(r);
            CHECK(r >= p.min);
        }
    }
    CHECK(kiosk::ui::contrastRatio(IM_COL32_WHITE, IM_COL32(0, 0, 0, 255)) == doctest::Approx(21.0));
    CHECK(kiosk::ui::contrastRatio(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32_WHITE) == doctest::Approx(4.48).epsilon(0.01));
}

TEST_CASE("readableOn keeps a label on any sector colour at >= 4.5:1") {
    for (unsigned rgb : {0x000000u, 0xFFFFFFu, 0x777777u, 0xFFE600u, 0x0E7C86u, 0xC2410Cu, 0x5B3FA8u, 0x8390A2u}) {
        const ImU32 bg = IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255);
        CAPTURE(rgb);
        CHECK(kiosk::ui::contrastRatio(kiosk::ui::readableOn(bg), bg) >= 4.5);
    }
}

TEST_CASE("every control on every visitor screen is >= 20 mm with >= 3 mm gaps, at three sizes and in each mode") {
    const std::vector<std::vector<std::string>> modeSets = {{}, {"text"}, {"reach"}, {"contrast", "text", "reach"}};
    for (ImVec2 size : kSizes) {
        for (const auto& modes : modeSets) {
            Headless h(size);
            setModes(h, modes);
            std::string label = sizeName(size);
            for (const auto& m : modes) label += " " + m;
            tourVisitorScreens(h, [&](const std::string& screen) { checkTargets(h, label + " " + screen); });
        }
    }
}

TEST_CASE("a touch-down is drawn pressed in the very next frame") {
    // The frame after the finger goes down draws the button in its pressed colour (virtual clock, 1/60 s a frame).
    Headless h;
    REQUIRE(h.play("tap attract.start\nexpect-screen browse\n") == 0);
    const WidgetInfo* back = h.widget("nav.home");
    REQUIRE(back);
    const ImVec2 c = back->center();
    const ImU32 pressed = h.app().context().theme.colors.buttonPressed;
    auto drawnPressed = [&] {
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l)
            for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
                if (v.col == pressed && std::fabs(v.pos.y - c.y) < (back->max.y - back->min.y) * 0.5f &&
                    v.pos.x >= back->min.x && v.pos.x <= back->max.x)
                    return true;
        return false;
    };
    CHECK_FALSE(drawnPressed());
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Down, c});
    int frames = 0;
    while (!drawnPressed() && frames < 10) {
        h.frames(1);
        ++frames;
    }
    CHECK(frames == 1);
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Up, c});
    h.frames(3);
    CHECK(h.app().screen() == Screen::Attract);
}

TEST_CASE("reach mode puts every control below 1220 mm from the floor, the keyboard too") {
    for (ImVec2 size : kSizes) {
        for (double mount : {900.0, 700.0}) {
            kiosk::core::KioskConfig cfg;
            cfg.mountBottomMm = mount;
            Headless h(size, cfg);
            setModes(h, {"reach"});
            CHECK(h.app().state().access.reach);
            const float mm = h.app().context().theme.pxPerMm;
            // Floor height of a pixel row: the screen's bottom edge is at `mount`.
            auto aboveFloor = [&](float y) { return mount + (size.y - y) / mm; };
            tourVisitorScreens(h, [&](const std::string& screen) {
                for (const auto& w : h.app().context().registry.widgets()) {
                    if (w.id == "staff.corner" || w.id == "scan.note" || !w.visible) continue;
                    CAPTURE(sizeName(size));
                    CAPTURE(mount);
                    CAPTURE(screen);
                    CAPTURE(w.id);
                    CHECK(aboveFloor(w.min.y) <= 1220.0 + 0.5);
                }
                if (screen == "signup with keyboard") CHECK(h.widget("kbd.space"));
            });
        }
    }
}

TEST_CASE("without reach mode browse's sign-up button is above 1220 mm on a portrait screen (what reach mode fixes)") {
    Headless h(ImVec2(1080, 1920));
    const float mm = h.app().context().theme.pxPerMm;
    REQUIRE(h.play("tap attract.start\n") == 0);
    const WidgetInfo* signup = h.widget("browse.signup");
    REQUIRE(signup);
    CHECK(900.0 + (1920 - signup->min.y) / mm > 1220.0);
    REQUIRE(h.play("tap access.reach\n") == 0);
    signup = h.widget("browse.signup");
    REQUIRE(signup);
    CHECK(900.0 + (1920 - signup->min.y) / mm <= 1220.0);
}

TEST_CASE("a selected chip's label is readable in every theme (dark: white on light blue was 1.8:1)") {
    for (const char* name : {"light", "dark"}) {
        kiosk::core::KioskConfig cfg;
        cfg.theme = name;
        Headless h(ImVec2(1920, 1080), cfg);
        for (bool contrast : {false, true}) {
            if (contrast) REQUIRE(h.play("tap access.contrast\n") == 0);
            REQUIRE(h.play("tap attract.start\nexpect-text browse.filter.all true\n") == 0);
            const WidgetInfo* chip = h.widget("browse.filter.all");
            REQUIRE(chip);
            const ImU32 fill = h.app().context().theme.colors.primary;
            // The glyphs are the opaque vertices inside the chip that are not its fill.
            int glyphs = 0;
            const ImDrawData* dd = ImGui::GetDrawData();
            for (int l = 0; l < dd->CmdListsCount; ++l)
                for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
                    const bool inside = v.pos.x > chip->min.x + 2 && v.pos.x < chip->max.x - 2 &&
                                        v.pos.y > chip->min.y + 2 && v.pos.y < chip->max.y - 2;
                    if (!inside || v.col == fill || (v.col >> IM_COL32_A_SHIFT) != 0xFF) continue;
                    ++glyphs;
                    const std::string themeName = name;
                    CAPTURE(themeName);
                    CAPTURE(contrast);
                    CHECK(kiosk::ui::contrastRatio(v.col, fill) >= 4.5);
                }
            CHECK(glyphs > 0);
            REQUIRE(h.play("tap nav.home\n") == 0);
        }
    }
}

TEST_CASE("the access toggles: on every visitor screen, expect-text true/false, reset with the visit") {
    Headless h;
    for (const char* id : {"access.reach", "access.contrast", "access.text"}) CHECK(h.widget(id));
    const float em = h.app().context().theme.em();
    const ImU32 bg = h.app().context().theme.colors.bg;
    CHECK(h.play("tap access.contrast\ntap access.text\nexpect-text access.contrast true\nexpect-text access.text true\n"
                 "expect-text access.reach false\n") == 0);
    CHECK(h.app().context().theme.em() == doctest::Approx(em * kiosk::ui::kLargerText).epsilon(0.02));
    CHECK(h.app().context().theme.colors.bg != bg);
    CHECK(h.app().context().theme.colors.bg == kiosk::ui::palette("high-contrast").bg);
    // Kept through the visit …
    CHECK(h.play("tap attract.start\ntap browse.card.gdata\nexpect-text access.contrast true\n") == 0);
    // … and gone for the next visitor: home …
    CHECK(h.play("tap nav.home\nexpect-text access.contrast false\nexpect-text access.text false\n") == 0);
    CHECK(h.app().context().theme.em() == doctest::Approx(em));
    // … or the idle timeout.
    CHECK(h.play("tap access.reach\ntap attract.start\nexpect-text access.reach true\nwait 61000\nexpect-screen attract\n"
                 "expect-text access.reach false\n") == 0);
    // Not on the staff screens: the PIN pad is for staff.
    kiosk::ui::AccessModes none;
    CHECK(h.app().state().access == none);
}

TEST_CASE("the PIN pad shows no access toggles and keeps the configured theme, whatever the visit switched on") {
    Headless h(ImVec2(1080, 1920));
    kiosk::ui::StaffBackend staff;
    staff.checkPin = [](const std::string&) { return false; };
    h.app().setStaffBackend(std::move(staff));
    const float em = h.app().context().theme.em();
    REQUIRE(h.play("tap access.reach\ntap access.contrast\ntap access.text\nlongpress staff.corner 3100\nexpect-screen pin\n") == 0);
    CHECK_FALSE(h.widget("access.reach"));
    CHECK(h.app().context().theme.em() == doctest::Approx(em));
    CHECK(h.app().context().theme.colors.bg == kiosk::ui::palette("light").bg);
    const WidgetInfo* key = h.widget("pin.key.1");
    REQUIRE(key);
    CHECK(key->min.y < 1920 * 0.5f); // laid out on the whole screen, not in the reach band
}

TEST_CASE("A+ needs no font atlas rebuild: its fonts are built at start") {
    Headless h(ImVec2(3840, 2160));
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    const int fonts = atlas->Fonts.Size;
    const ImFont* larger = h.app().context().theme.largerFonts.body;
    REQUIRE(larger);
    CHECK(larger->FontSize == doctest::Approx(h.app().context().theme.em() * kiosk::ui::kLargerText).epsilon(0.03));
    REQUIRE(h.play("tap access.text\n") == 0);
    CHECK(h.app().context().theme.fonts.body == larger);
    CHECK(atlas->Fonts.Size == fonts);
    std::printf("font atlas at 3840x2160 with A+: %d x %d px, %d fonts\n", atlas->TexWidth, atlas->TexHeight, fonts);
}
