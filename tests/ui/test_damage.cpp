// The software renderer's damage grid (platform/damage.hpp): which rectangles a frame redraws.
#include <doctest/doctest.h>

#include "damage.hpp"

using kiosk::platform::DamageGrid;
using kiosk::platform::PixelRect;

namespace {
long long covered(const std::vector<PixelRect>& rects, int x, int y) {
    long long n = 0;
    for (const auto& r : rects) n += x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
    return n;
}
} // namespace

TEST_CASE("damage: the first frame and another size are redrawn whole, an unchanged frame not at all") {
    DamageGrid g;
    g.begin(1920, 1080, 7);
    g.mark({0, 0, 1920, 1080}, 1);
    CHECK(g.finish(false) == std::vector<PixelRect>{{0, 0, 1920, 1080}});
    g.begin(1920, 1080, 7);
    g.mark({0, 0, 1920, 1080}, 1);
    CHECK(g.finish(false).empty());
    g.begin(1920, 1080, 7);
    g.mark({0, 0, 1920, 1080}, 1);
    CHECK(g.finish(true) == std::vector<PixelRect>{{0, 0, 1920, 1080}}); // asked for (window exposed)
    g.begin(1080, 1920, 7);
    g.mark({0, 0, 1080, 1920}, 1);
    CHECK(g.finish(false) == std::vector<PixelRect>{{0, 0, 1080, 1920}});
    g.begin(1080, 1920, 8); // another clear colour: everything
    g.mark({0, 0, 1080, 1920}, 1);
    CHECK(g.finish(false) == std::vector<PixelRect>{{0, 0, 1080, 1920}});
}

TEST_CASE("damage: a moved thing redraws where it was and where it is; the same things in another order too") {
    DamageGrid g;
    auto frame = [&](std::vector<std::pair<PixelRect, std::uint64_t>> things) {
        g.begin(1920, 1080, 0);
        for (auto& [box, hash] : things) g.mark(box, hash);
        return g.finish(false);
    };
    frame({{{0, 0, 1920, 1080}, 1}, {{100, 100, 50, 50}, 2}});
    auto moved = frame({{{0, 0, 1920, 1080}, 1}, {{400, 300, 50, 50}, 3}});
    CHECK(covered(moved, 120, 120) >= 1);
    CHECK(covered(moved, 420, 320) >= 1);
    CHECK(covered(moved, 1000, 800) == 0);
    for (const auto& r : moved) CHECK(r.x + r.w <= 1920);
    // Two overlapping things swapped: the overlap looks different.
    frame({{{0, 0, 1920, 1080}, 1}, {{500, 500, 100, 100}, 4}, {{550, 550, 100, 100}, 5}});
    frame({{{0, 0, 1920, 1080}, 1}, {{500, 500, 100, 100}, 4}, {{550, 550, 100, 100}, 5}});
    auto swapped = frame({{{0, 0, 1920, 1080}, 1}, {{550, 550, 100, 100}, 5}, {{500, 500, 100, 100}, 4}});
    CHECK(covered(swapped, 575, 575) >= 1);
}

TEST_CASE("damage: scattered changes become at most kMaxRects rectangles that still cover every change") {
    DamageGrid g;
    auto frame = [&](std::uint64_t salt) {
        g.begin(3840, 2160, 0);
        for (int i = 0; i < 300; ++i)
            g.mark({(i * 397) % 3800, (i * 211) % 2130, 8, 8}, salt + std::uint64_t(i % 3 ? 0 : i));
        return g.finish(false);
    };
    frame(1);
    const auto rects = frame(2);
    CHECK(rects.size() <= DamageGrid::kMaxRects);
    for (int i = 0; i < 300; i += 3)
        if (i) CHECK(covered(rects, (i * 397) % 3800 + 4, (i * 211) % 2130 + 4) >= 1);
}

TEST_CASE("damage: a rectangle that reaches into what is drawn whole grows over it, and over what that reaches") {
    // Scaled glyphs of one headline: a dirty rectangle cutting one must hold the whole line.
    std::vector<PixelRect> rects{{0, 0, 64, 64}, {500, 500, 32, 32}};
    DamageGrid::growOver(rects, {{50, 10, 30, 20}, {78, 10, 30, 20}, {300, 300, 10, 10}, {505, 505, 8, 8}, {}});
    CHECK(rects == std::vector<PixelRect>{{0, 0, 108, 64}, {500, 500, 32, 32}});
    CHECK(PixelRect{1, 2, 3, 4}.join({}) == PixelRect{1, 2, 3, 4});
}
