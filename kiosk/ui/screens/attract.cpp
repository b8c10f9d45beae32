// The attract loop, designed for a passer-by three metres away: the scenes of
// content/attract.toml in turn, each fading out before the next fades in, each a headline (cap
// height >= 40 mm), a line, and a picture that keeps moving (the companies' logos orbiting the
// bridge between the two regions, a sector's illustration in its colour); below, the bilingual
// start button with a gentle pulse. Any touch on the scene starts too.
#include "../context.hpp"
#include "../screen.hpp"
#include "../widgets/attract_art.hpp"

#include <imgui_internal.h> // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

using core::AttractScene;
using core::SceneKind;

// The change at the start of each scene: the colour moves from one scene's to the next over the
// whole of it; the old scene fades out in the first half, the new one in in the second. Two
// scenes at once would put two headlines over each other, and on the software renderer blend
// every pixel twice (4K p90 25 -> 17 ms when this replaced a cross-fade).
constexpr double kFadeSeconds = 0.8;
constexpr size_t kMaxOrbit = 12;     // logos on the orbit; more would crowd it

ImU32 rgbColor(std::uint32_t rgb) {
    return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255);
}

/// `font` at the size that fits `text`'s longest word into `width` (never larger than the font).
float fittingSize(ImFont* font, const std::string& text, float width) {
    float widest = 0;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        widest = std::max(widest,
                          font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str() + start, text.c_str() + end).x);
        start = end + 1;
    }
    return widest > width ? font->FontSize * width / widest : font->FontSize;
}

/// The hero font holds few letters (theme.cpp): a headline with another one is drawn in the
/// display font, scaled to the hero's size.
ImFont* headlineFont(const std::string& text) {
    const Theme& t = theme();
    for (const char* p = text.c_str(); *p;) {
        unsigned int c = 0;
        p += ImTextCharFromUtf8(&c, p, nullptr);
        if (c && !t.fonts.hero->FindGlyphNoFallback(static_cast<ImWchar>(c))) return t.fonts.display;
    }
    return t.fonts.hero;
}

/// A wrapped paragraph on the draw list (at the scene's alpha, as the scene fades).
struct Para {
    ImFont* font;
    float size;
    std::string text;
    float height(float width) const {
        return text.empty() ? 0 : font->CalcTextSizeA(size, FLT_MAX, width, text.c_str()).y;
    }
    void draw(ImDrawList* dl, ImVec2 p, float width, ImU32 color) const {
        if (!text.empty()) dl->AddText(font, size, p, faded(color), text.c_str(), nullptr, width);
    }
};

struct Layout {
    ImVec2 text;     ///< top-left of the text block
    float textW = 0; ///< its width
    ImVec2 artMin, artMax;
    bool landscape = true;
};

/// What a scene says above its headline: where and when, or what kind of scene it is.
std::string kicker(const ScreenCtx& ctx, const AttractScene& s) {
    const auto& e = ctx.content.event;
    switch (s.kind) {
    case SceneKind::Welcome: return ctx.in(e.dates) + " \u2022 " + ctx.in(e.venue);
    case SceneKind::Companies: return ctx.tr("attract.exhibitors");
    case SceneKind::Sector: return ctx.tr("attract.sectors");
    case SceneKind::Summit: return ctx.tr("attract.summit");
    case SceneKind::Signup: break;
    }
    return {};
}

const core::Sector* sectorOf(const ScreenCtx& ctx, const AttractScene& s) {
    return s.kind == SceneKind::Sector ? ctx.content.sector(s.sector) : nullptr;
}

/// The logos circle the bridge on a tilted ellipse: the ones in front drawn last.
void orbit(const ScreenCtx& ctx, const AttractScene& s, const ArtBox& a, double t) {
    const Theme& th = theme();
    std::vector<const core::Company*> cos;
    for (const auto& id : s.companies)
        if (const auto* co = ctx.content.company(id)) cos.push_back(co);
    if (s.companies.empty())
        for (const auto& co : ctx.content.companies)
            cos.push_back(&co);
    if (cos.size() > kMaxOrbit) cos.resize(kMaxOrbit);

    const ImVec2 c = a.center();
    const float w = a.max.x - a.min.x, h = a.max.y - a.min.y;
    const float logoSide = std::clamp(a.side() * 0.22f, th.mm(30), th.mm(90));
    const float rx = std::max(0.0f, w * 0.5f - logoSide * 0.55f), ry = std::max(0.0f, h * 0.5f - logoSide * 0.55f);
    const float turn = float(t) * 2.0f * 3.14159265f / 70.0f; // once round in 70 s: a drift, not a spin
    struct Placed {
        const core::Company* co;
        ImVec2 p;
        float depth;
    };
    std::vector<Placed> placed;
    for (size_t i = 0; i < cos.size(); ++i) {
        const float angle = turn + float(i) * 2.0f * 3.14159265f / float(cos.size());
        placed.push_back({cos[i], ImVec2(c.x + rx * std::cos(angle), c.y + ry * std::sin(angle)), std::sin(angle)});
    }
    std::sort(placed.begin(), placed.end(), [](const Placed& x, const Placed& y) { return x.depth < y.depth; });
    // The bridge inside the orbit, so its ends and caption stay clear of the logos at the sides.
    const float inner = std::min(rx * 0.7f, w * 0.5f), innerH = ry * 0.85f;
    const ArtBox bridge{a.dl, ImVec2(c.x - inner, c.y - innerH), ImVec2(c.x + inner, c.y + innerH), t, a.ink, a.accent, a.bg};
    bool bridgeDrawn = false;
    for (const auto& pl : placed) {
        if (!bridgeDrawn && pl.depth >= 0) {
            drawBridge(bridge, ctx.tr("region.greater-manchester"), ctx.tr("region.ruhr"));
            bridgeDrawn = true;
        }
        // One size for all: a logo drawn at a new size each frame is scaled again each frame
        // (2-3 ms at 4K on the software renderer); the order says which is in front.
        const float side = logoSide;
        const ImVec2 min(pl.p.x - side * 0.5f, pl.p.y - side * 0.5f), max(pl.p.x + side * 0.5f, pl.p.y + side * 0.5f);
        const float r = side * 0.14f;
        a.dl->AddRectFilled(ImVec2(min.x, min.y + side * 0.04f), ImVec2(max.x, max.y + side * 0.04f),
                            a.tint(IM_COL32_BLACK, 40.0f / 255.0f), r);
        a.dl->AddRectFilled(min, max, faded(th.colors.surface), r);
        a.dl->AddRect(min, max, faded(th.colors.border), r, 0, std::max(1.0f, th.em(0.06f)));
        const float pad = side * 0.1f;
        const auto tex = ctx.textures ? ctx.textures(pl.co->logo) : Texture{};
        logo(a.dl, ImVec2(min.x + pad, min.y + pad), side - 2 * pad, tex, pl.co->name);
    }
    if (!bridgeDrawn) drawBridge(bridge, ctx.tr("region.greater-manchester"), ctx.tr("region.ruhr"));
}

void art(const ScreenCtx& ctx, const AttractScene& s, const ArtBox& a) {
    if (!s.image.empty() && ctx.textures) {
        if (const Texture tex = ctx.textures(s.image); tex.id && tex.width > 0 && tex.height > 0) {
            // The organiser's picture, fitted, floating gently.
            const float w = a.max.x - a.min.x, h = a.max.y - a.min.y;
            const float k = std::min(w / float(tex.width), h / float(tex.height)) * 0.92f;
            const float bob = std::sin(float(a.t) * 0.9f) * h * 0.015f;
            const ImVec2 c = a.center(), half(float(tex.width) * k * 0.5f, float(tex.height) * k * 0.5f);
            a.dl->AddImageRounded(tex.id, ImVec2(c.x - half.x, c.y - half.y + bob),
                                  ImVec2(c.x + half.x, c.y + half.y + bob), ImVec2(0, 0), ImVec2(1, 1),
                                  faded(IM_COL32_WHITE), theme().em(0.4f));
            return;
        }
    }
    switch (s.kind) {
    case SceneKind::Welcome: drawBridge(a, ctx.tr("region.greater-manchester"), ctx.tr("region.ruhr")); break;
    case SceneKind::Companies: orbit(ctx, s, a, a.t); break;
    case SceneKind::Signup: drawLetter(a); break;
    case SceneKind::Summit: drawCalendar(a); break;
    case SceneKind::Sector:
        if (s.sector == "hydrogen")
            drawHydrogen(a);
        else if (s.sector == "cybersecurity")
            drawShield(a);
        else
            drawHeartbeat(a);
        break;
    }
}

/// A scene's own background: its sector's colour, or the theme's.
ImU32 backgroundOf(const ScreenCtx& ctx, const AttractScene& s) {
    const core::Sector* sec = sectorOf(ctx, s);
    return sec ? rgbColor(sec->rgb) : theme().colors.bg;
}

/// The background, `in` of the way from `from` to `to`: the colour the screen is cleared to
/// when the scene's area reaches the top (the bar below paints its own), else (reach mode:
/// the band above stays the theme's) a rectangle.
void background(const ScreenCtx& ctx, ImU32 from, ImU32 to, float in) {
    const ImU32 colour = ImGui::ColorConvertFloat4ToU32(
        ImLerp(ImGui::ColorConvertU32ToFloat4(from), ImGui::ColorConvertU32ToFloat4(to), in));
    if (ctx.origin.y <= 0)
        ctx.backdrop = colour;
    else if (colour != theme().colors.bg)
        ImGui::GetWindowDrawList()->AddRectFilled(ctx.origin, ctx.at(ctx.size.x, ctx.size.y), colour);
}

void content(const ScreenCtx& ctx, const AttractScene& s, const Layout& l, float alpha) {
    const Theme& t = theme();
    const core::Sector* sec = sectorOf(ctx, s);
    const ImU32 ink = sec ? IM_COL32_WHITE : t.colors.text;
    const ImU32 muted = sec ? IM_COL32(255, 255, 255, 230) : t.colors.textMuted;
    const double time = ctx.now - ctx.state.screenSince;
    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, alpha);
    ImDrawList* dl = ImGui::GetWindowDrawList();

    const std::string& headline = ctx.in(s.headline);
    const Para kick{t.fonts.bold, t.fonts.bold->FontSize, kicker(ctx, s)};
    ImFont* heroFont = headlineFont(headline);
    const float heroScale = t.fonts.hero->FontSize / heroFont->FontSize;
    const Para head{heroFont, fittingSize(heroFont, headline, l.textW / heroScale) * heroScale, headline};
    const Para line{t.fonts.heading, t.fonts.heading->FontSize, ctx.in(s.line)};
    const float gap = t.em(0.6f);
    float total = kick.height(l.textW) + gap + head.height(l.textW) + gap + line.height(l.textW);
    // A short area (reach mode) keeps the headline and drops the line under it rather than
    // letting it run under the start button.
    const bool withLine = !l.landscape || total <= l.artMax.y - l.text.y;
    if (!withLine) total -= gap + line.height(l.textW);
    // Landscape: the text centred beside the picture; portrait: at the top, above it.
    float y = l.landscape ? std::max(l.text.y, l.text.y + (l.artMax.y - l.artMin.y - total) * 0.5f) : l.text.y;
    kick.draw(dl, ImVec2(l.text.x, y), l.textW, muted);
    y += kick.height(l.textW) + gap;
    head.draw(dl, ImVec2(l.text.x, y), l.textW, ink);
    y += head.height(l.textW);
    if (withLine) {
        line.draw(dl, ImVec2(l.text.x, y + gap), l.textW, ink);
        y += gap + line.height(l.textW);
    }

    ArtBox box{dl,
               l.artMin,
               l.artMax,
               time,
               sec ? IM_COL32_WHITE : t.colors.primary,
               sec ? rgbColor(sec->rgb) : t.colors.focus,
               backgroundOf(ctx, s)};
    if (!l.landscape) box.min.y = std::max(box.min.y, y + t.em(1.0f));
    if (box.max.y - box.min.y > t.em(4)) art(ctx, s, box);
    ImGui::PopStyleVar();
}

Layout layout(ImVec2 size, float top, float bottom) {
    const Theme& t = theme();
    const float m = t.wideMargin();
    Layout l;
    l.landscape = size.x > size.y * 1.2f;
    if (l.landscape) {
        const float w = size.x - 2 * m;
        l.textW = w * 0.58f; // a 40 mm capital is wide: the headline gets the larger part
        l.text = ImVec2(m, top);
        l.artMin = ImVec2(m + l.textW + t.em(1.5f), top);
        l.artMax = ImVec2(size.x - m, bottom);
    } else {
        l.textW = size.x - 2 * m;
        l.text = ImVec2(m, top);
        l.artMin = ImVec2(m, top); // moved below the text once its height is known
        l.artMax = ImVec2(size.x - m, bottom);
    }
    return l;
}

/// The start button: both languages, the visitor's first and larger, with a halo that
/// swells and fades every few seconds.
bool startButton(const ScreenCtx& ctx, const AttractScene& s, double t, float& top) {
    const Theme& th = theme();
    const float m = th.wideMargin();
    const core::Lang other = ctx.state.lang == core::Lang::De ? core::Lang::En : core::Lang::De;
    const core::Text* fallback = ctx.text("attract.start");
    const core::Text& label = !s.cta.de.empty() ? s.cta : fallback ? *fallback : s.cta;
    const std::string first = label.de.empty() ? "attract.start" : label.in(ctx.state.lang), second = label.in(other);
    ImFont* big = th.fonts.heading;
    ImFont* small = th.fonts.bold;
    const float textW = std::max(big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, first.c_str()).x,
                                 small->CalcTextSizeA(small->FontSize, FLT_MAX, 0, second.c_str()).x);
    const float h = std::max(th.startButton(), big->FontSize + small->FontSize + th.em(1.4f));
    const float w = std::min(ctx.size.x - 2 * m, std::max(th.em(22), textW + th.em(4)));
    const ImVec2 min = ctx.at((ctx.size.x - w) * 0.5f, ctx.size.y - h - m), max(min.x + w, min.y + h);
    top = min.y;

    ImGui::SetCursorScreenPos(min);
    const bool clicked = ImGui::InvisibleButton("attract.start", ImVec2(w, h));
    const bool held = ImGui::IsItemActive();
    registry().add("attract.start", min, max);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = h * 0.5f;
    const float u = float(std::fmod(t / 2.5, 1.0)); // the pulse
    const float grow = th.em(1.2f) * u;
    dl->AddRect(ImVec2(min.x - grow, min.y - grow), ImVec2(max.x + grow, max.y + grow),
                faded((th.colors.primary & ~IM_COL32_A_MASK) | (static_cast<ImU32>(160 * (1 - u)) << IM_COL32_A_SHIFT)),
                r + grow, 0, th.em(0.25f));
    dl->AddRectFilled(min, max, faded(held ? th.colors.primaryPressed : th.colors.primary), r);
    const float y0 = min.y + (h - big->FontSize - small->FontSize) * 0.5f;
    centeredText(dl, big, th.colors.onPrimary, ImVec2((min.x + max.x) * 0.5f, y0 + big->FontSize * 0.5f), first);
    centeredText(dl, small, th.colors.onPrimary,
                 ImVec2((min.x + max.x) * 0.5f, y0 + big->FontSize + small->FontSize * 0.5f), second);
    return clicked;
}

} // namespace

Intent drawAttract(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const auto& loop = ctx.content.attract;
    Intent out;
    ctx.animating = true; // it always moves: paced by the screen's frame interval
    const double since = ctx.now - ctx.state.screenSince;
    if (loop.scenes.empty()) { // nothing loaded at all: the start button alone
        float top = 0;
        if (startButton(ctx, AttractScene{}, since, top)) out = intent::Goto{Screen::Browse};
        return out;
    }
    const core::ScenePosition pos = loop.at(since);
    const AttractScene& scene = loop.scenes[pos.index];
    const AttractScene& previous = loop.scenes[(pos.index + loop.scenes.size() - 1) % loop.scenes.size()];
    // The very first scene appears at once; every later one fades in after the one before.
    const float in = since < kFadeSeconds ? 1.0f : static_cast<float>(std::min(1.0, pos.local / kFadeSeconds));
    const float m = t.wideMargin();

    // The button's height decides the scene's; its drawing comes last, on top.
    float ctaTop = 0;
    ImDrawListSplitter split;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    split.Split(dl, 2);
    split.SetCurrentChannel(dl, 1);
    if (startButton(ctx, scene, since, ctaTop)) out = intent::Goto{Screen::Browse};
    split.SetCurrentChannel(dl, 0);
    // In reach mode (App::screenArea) the area starts lower: everything keeps to it.
    const Layout l = layout(ctx.size, ctx.origin.y + m, ctaTop - m);
    background(ctx, backgroundOf(ctx, previous), backgroundOf(ctx, scene), in);
    if (in < 0.5f) content(ctx, previous, l, 1.0f - 2.0f * in);
    else content(ctx, scene, l, 2.0f * in - 1.0f);
    split.Merge(dl);

    ImGui::SetCursorScreenPos(ctx.origin);
    if (ImGui::InvisibleButton("attract.anywhere", ImVec2(ctx.size.x, std::max(1.0f, ctaTop - ctx.origin.y))))
        out = intent::Goto{Screen::Browse};
    // A margin short of the button, as targets keep their distance (docs/design.md); the touch
    // area above stays whole.
    registry().add("attract.scene", ctx.origin,
                   ImVec2(ctx.origin.x + ctx.size.x, std::max(ctx.origin.y + 1.0f, ctaTop - m)), &scene.id);
    return out;
}

} // namespace kiosk::ui
