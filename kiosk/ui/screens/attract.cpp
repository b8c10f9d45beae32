// The attract loop: rotating scenes that say what a visitor gets here, and one
// big bilingual start button. Any touch on the scene starts too.
#include "../context.hpp"
#include "../screen.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

constexpr double kSceneSeconds = 6.0;
constexpr double kFadeSeconds = 0.2; // out, then in: ~12 frames at 30 fps per change

void heading(ImFont* font, const std::string& text, float width) { wrappedText(font, theme().colors.text, text, width); }

void sceneWelcome(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const auto& e = ctx.content.event;
    heading(t.fonts.display, ctx.in(e.title), w);
    wrappedText(t.fonts.heading, t.colors.text, ctx.in(e.subtitle), w);
    ImGui::Dummy(ImVec2(0, t.em(0.5f)));
    wrappedText(t.fonts.bold, t.colors.textMuted, ctx.in(e.dates) + " \u2022 " + ctx.in(e.venue), w);
    ImGui::Dummy(ImVec2(0, t.em(0.5f)));
    wrappedText(t.fonts.body, t.colors.text, ctx.in(e.about), std::min(w, t.em(40)));
}

/// Tiles laid out in a row (landscape) or a column (portrait).
template <typename DrawTile>
void tiles(size_t n, float w, float h, DrawTile draw) {
    const Theme& t = theme();
    const ImVec2 screen = ImGui::GetIO().DisplaySize;
    const bool row = screen.x > screen.y; // side by side on a landscape screen, stacked on a portrait one
    const float gap = t.em(0.8f);
    const float tw = row ? (w - gap * float(n - 1)) / float(n) : w;
    const float th = row ? h : std::min(t.em(6), (screen.y * 0.6f - gap * float(n - 1)) / float(n));
    ImVec2 origin = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < n; ++i) {
        ImVec2 p = row ? ImVec2(origin.x + float(i) * (tw + gap), origin.y) : ImVec2(origin.x, origin.y + float(i) * (th + gap));
        draw(i, p, ImVec2(tw, th));
    }
    // Take up the tiles' space, so the scene's height (for centring) includes them.
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(w, row ? th : float(n) * (th + gap) - gap));
}

void tileText(ImVec2 p, ImVec2 size, ImU32 bg, ImU32 fg, const std::string& title, const std::string& text) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), faded(bg), t.em(0.5f));
    const float pad = t.em(0.8f);
    ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
    wrappedText(t.fonts.heading, fg, title, size.x - 2 * pad);
    ImGui::SetCursorScreenPos(ImVec2(p.x + pad, ImGui::GetCursorScreenPos().y));
    wrappedText(t.fonts.body, fg, text, size.x - 2 * pad);
}

void sceneHighlights(const ScreenCtx& ctx, float w, float h) {
    const auto& hl = ctx.content.event.highlights;
    if (hl.empty()) return;
    const Theme& t = theme();
    tiles(hl.size(), w, std::min(h, t.em(9)), [&](size_t i, ImVec2 p, ImVec2 s) {
        tileText(p, s, t.colors.surface, t.colors.text, ctx.in(hl[i].title), ctx.in(hl[i].text));
    });
}

void sceneHeading(const std::string& title, float w) {
    const Theme& t = theme();
    heading(t.fonts.heading, title, w);
    ImGui::Dummy(ImVec2(0, t.em(0.5f)));
}

void sceneSectors(const ScreenCtx& ctx, float w, float h) {
    const Theme& t = theme();
    sceneHeading(ctx.tr("attract.sectors"), w);
    const auto& secs = ctx.content.sectors;
    if (secs.empty()) return;
    const float top = ImGui::GetCursorScreenPos().y;
    tiles(secs.size(), w, std::min(h - (top - ImGui::GetWindowPos().y), t.em(9)), [&](size_t i, ImVec2 p, ImVec2 s) {
        const ImU32 c = IM_COL32((secs[i].rgb >> 16) & 0xFF, (secs[i].rgb >> 8) & 0xFF, secs[i].rgb & 0xFF, 255);
        tileText(p, s, c, IM_COL32_WHITE, ctx.in(secs[i].name), ctx.in(secs[i].text));
    });
}

void sceneExhibitors(const ScreenCtx& ctx, float w, float h) {
    const Theme& t = theme();
    sceneHeading(ctx.tr("attract.exhibitors"), w);
    const auto& cos = ctx.content.companies;
    if (cos.empty()) return;
    // One row when the companies fit, else as many rows as needed.
    const float cell = std::max(t.em(6), std::min(t.em(8.5f), w / float(cos.size())));
    const int cols = std::max(1, static_cast<int>(w / cell));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float avail = h - (origin.y - ImGui::GetWindowPos().y);
    const int rows = std::max(1, static_cast<int>(avail / (cell * 1.05f)));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const size_t shown = std::min(cos.size(), static_cast<size_t>(rows * cols));
    const float x0 = origin.x + (w - cell * float(std::min<size_t>(shown, size_t(cols)))) * 0.5f;
    for (size_t i = 0; i < shown; ++i) {
        const float x = x0 + float(i % size_t(cols)) * cell, y = origin.y + float(i / size_t(cols)) * cell * 1.05f;
        const float ls = cell * 0.62f;
        const auto tex = ctx.textures ? ctx.textures(cos[i].logo) : Texture{};
        logo(dl, ImVec2(x + (cell - ls) * 0.5f, y), ls, tex, cos[i].name);
        ImFont* f = t.fonts.small;
        std::string name = cos[i].name;
        centeredText(dl, f, t.colors.text, ImVec2(x + cell * 0.5f, y + ls + f->FontSize), name);
    }
}

void sceneSummit(const ScreenCtx& ctx, float w, float h) {
    const Theme& t = theme();
    const auto& e = ctx.content.event;
    wrappedText(t.fonts.bold, t.colors.textMuted, ctx.tr("attract.summit"), w);
    heading(t.fonts.heading, ctx.in(e.summitName), w);
    wrappedText(t.fonts.bold, t.colors.text, ctx.in(e.summitDates) + " \u2022 " + ctx.in(e.summitVenue), w);
    ImGui::Dummy(ImVec2(0, t.em(0.8f)));
    const float top = ImGui::GetCursorScreenPos().y - ImGui::GetWindowPos().y;
    if (e.summitDays.empty()) return;
    tiles(e.summitDays.size(), w, std::min(h - top, t.em(8)), [&](size_t i, ImVec2 p, ImVec2 s) {
        tileText(p, s, t.colors.surface, t.colors.text, ctx.in(e.summitDays[i].title), ctx.in(e.summitDays[i].text));
    });
}

} // namespace

Intent drawAttract(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const ImVec2 size = ctx.size;
    const float margin = t.wideMargin();
    const float btnH = t.startButton();
    const float btnW = std::min(size.x - 2 * margin, t.em(26));
    const float sceneH = size.y - btnH - 3 * margin;

    // Which scene, and how visible: gentle fades, and no frames between them.
    const int scenes = 5;
    const double since = ctx.now - ctx.state.screenSince;
    const double cycle = kSceneSeconds * scenes;
    const double inCycle = std::fmod(since, cycle);
    const int scene = static_cast<int>(inCycle / kSceneSeconds);
    const double local = inCycle - scene * kSceneSeconds;
    float alpha = 1.0f;
    if (local < kFadeSeconds) alpha = static_cast<float>(local / kFadeSeconds);
    else if (local > kSceneSeconds - kFadeSeconds) alpha = static_cast<float>((kSceneSeconds - local) / kFadeSeconds);
    if (alpha < 1.0f) ctx.animating = true;
    else ctx.wakeAt = ctx.now + (kSceneSeconds - kFadeSeconds - local);

    Intent out;
    // The start button first: it wins the touch over the full-screen target below.
    ImGui::SetCursorScreenPos(ctx.at((size.x - btnW) * 0.5f, size.y - btnH - margin));
    const core::Lang other = ctx.state.lang == core::Lang::De ? core::Lang::En : core::Lang::De;
    const core::Text* start = ctx.text("attract.start");
    const std::string label = start ? start->in(ctx.state.lang) + "\n" + start->in(other) : "attract.start";
    if (button("attract.start", label, ImVec2(btnW, btnH), ButtonKind::Primary)) out = intent::Goto{Screen::Browse};

    ImGui::SetCursorScreenPos(ctx.origin);
    if (ImGui::InvisibleButton("attract.anywhere", ImVec2(size.x, size.y - btnH - margin)))
        out = intent::Goto{Screen::Browse};

    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, alpha);
    const float w = size.x - 2 * margin;
    // Centred in the space above the button; a scene's height is known from its
    // previous frame (the first frame of a scene is invisible: it fades in).
    auto& heights = uiContext().sceneHeights;
    static_assert(scenes <= std::tuple_size_v<std::decay_t<decltype(heights)>>);
    const float top = std::max(margin, (sceneH + margin - heights[size_t(scene)]) * 0.5f);
    ImGui::SetCursorScreenPos(ctx.at(margin, top));
    ImGui::BeginGroup();
    switch (scene) {
    case 0: sceneWelcome(ctx, w); break;
    case 1: sceneHighlights(ctx, w, sceneH); break;
    case 2: sceneSectors(ctx, w, sceneH); break;
    case 3: sceneExhibitors(ctx, w, sceneH); break;
    default: sceneSummit(ctx, w, sceneH); break;
    }
    ImGui::EndGroup();
    heights[size_t(scene)] = ImGui::GetItemRectSize().y;
    ImGui::PopStyleVar();
    return out;
}

} // namespace kiosk::ui
