// Browse: sector filter chips and a drag-scrolled grid of company cards.
#include "../automation/registry.hpp"
#include "../screen.hpp"

#include <algorithm>

namespace kiosk::ui {

namespace {

ImU32 sectorColor(const core::Sector& s) {
    return IM_COL32((s.rgb >> 16) & 0xFF, (s.rgb >> 8) & 0xFF, s.rgb & 0xFF, 255);
}

bool matches(const core::Company& c, const std::string& filter) {
    return filter.empty() || std::find(c.sectors.begin(), c.sectors.end(), filter) != c.sectors.end();
}

/// One card: logo, name, tagline, sector tags. Returns true when tapped.
bool card(const ScreenCtx& ctx, const core::Company& c, ImVec2 size) {
    const Theme& t = theme();
    const std::string id = "browse.card." + c.id;
    ImVec2 p = ImGui::GetCursorScreenPos();
    const bool tapped = ImGui::InvisibleButton(id.c_str(), size);
    const bool held = ImGui::IsItemActive();
    ImVec2 q(p.x + size.x, p.y + size.y);
    registry().add(id, p, q);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = t.em(0.5f), pad = t.em(0.8f);
    dl->AddRectFilled(p, q, held ? t.colors.buttonPressed : t.colors.surface, r);
    dl->AddRect(p, q, t.colors.border, r, 0, std::max(1.0f, t.em(0.06f)));

    const float ls = size.y - 2 * pad;
    const Texture tex = ctx.textures ? ctx.textures(c.logo) : Texture{};
    logo(dl, ImVec2(p.x + pad, p.y + pad), ls, tex, c.name);

    const float x = p.x + 2 * pad + ls, w = q.x - x - pad;
    float y = p.y + pad;
    dl->PushClipRect(ImVec2(x, p.y), ImVec2(q.x - pad, q.y), true);
    dl->AddText(t.fonts.bold, t.fonts.bold->FontSize, ImVec2(x, y), t.colors.text, c.name.c_str());
    y += t.fonts.bold->FontSize * 1.25f;
    const std::string& tagline = ctx.in(c.tagline);
    dl->AddText(t.fonts.small, t.fonts.small->FontSize, ImVec2(x, y), t.colors.textMuted, tagline.c_str(), nullptr, w);

    // Bottom row: sector tags, then region or "sample".
    float tx = x;
    const float ty = q.y - pad - t.fonts.small->FontSize * 1.5f;
    for (const auto& sid : c.sectors)
        if (const core::Sector* s = ctx.content.sector(sid))
            tx += tag(dl, ImVec2(tx, ty), ctx.in(s->name), sectorColor(*s), t.fonts.small) + t.em(0.3f);
    if (c.sample) tag(dl, ImVec2(tx, ty), ctx.tr("common.sample"), t.colors.border, t.fonts.small);
    else if (!c.exhibitor) tag(dl, ImVec2(tx, ty), ctx.tr("region.ruhr"), t.colors.border, t.fonts.small);
    dl->PopClipRect();
    return tapped;
}

} // namespace

Intent drawBrowse(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const float margin = t.margin();
    const float w = ctx.size.x - 2 * margin;
    Intent out;

    // "Stay in touch" without choosing a company first.
    const float sw = std::min(t.em(13), w * 0.45f), sh = t.button();
    ImGui::SetCursorScreenPos(ctx.at(margin + w - sw, margin));
    if (button("browse.signup", ctx.tr("browse.signup"), ImVec2(sw, sh), ButtonKind::Primary)) out = intent::OpenSignup{};
    ImGui::SetCursorScreenPos(ctx.at(margin, margin));
    wrappedText(t.fonts.heading, t.colors.text, ctx.tr("browse.title"), w - sw - t.em(1));

    // Filter chips: "All" and one per sector.
    const float chipH = t.field();
    ImGui::SetCursorScreenPos(ImVec2(margin, ImGui::GetCursorScreenPos().y + t.em(0.3f)));
    // Chips flow left to right and wrap on a narrow (portrait) screen.
    const float chipGap = t.em(0.5f);
    ImVec2 at = ImGui::GetCursorScreenPos();
    auto place = [&](const std::string& label) {
        const float cw = chipWidth(label);
        if (at.x > margin && at.x + cw > margin + w) at = ImVec2(margin, at.y + chipH + chipGap);
        ImGui::SetCursorScreenPos(at);
        at.x += cw + chipGap;
    };
    place(ctx.tr("browse.filter_all"));
    if (chip("browse.filter.all", ctx.tr("browse.filter_all"), ctx.state.filter.empty(), t.colors.primary, chipH))
        out = intent::SetFilter{""};
    for (const auto& s : ctx.content.sectors) {
        place(ctx.in(s.name));
        if (chip("browse.filter." + s.id, ctx.in(s.name), ctx.state.filter == s.id, sectorColor(s), chipH))
            out = intent::SetFilter{ctx.state.filter == s.id ? "" : s.id};
    }
    ImGui::SetCursorScreenPos(ImVec2(margin, at.y + chipH + chipGap));

    std::vector<const core::Company*> shown;
    for (const auto& c : ctx.content.companies)
        if (matches(c, ctx.state.filter)) shown.push_back(&c);
    std::string count = ctx.tr("browse.count");
    if (auto p = count.find("{n}"); p != std::string::npos) count.replace(p, 3, std::to_string(shown.size()));
    ImGui::SetCursorScreenPos(ImVec2(margin, ImGui::GetCursorScreenPos().y + t.em(0.2f)));
    wrappedText(t.fonts.small, t.colors.textMuted, count, w);

    // The grid: as many columns of at least 17 em as fit.
    const float gap = t.em(0.8f);
    const int cols = std::max(1, static_cast<int>((w + gap) / (t.em(17) + gap)));
    const float cw = (w - gap * float(cols - 1)) / float(cols), ch = t.card();
    const float top = ImGui::GetCursorScreenPos().y + t.em(0.3f);
    ImGui::SetCursorScreenPos(ImVec2(margin, top));
    beginTouchScroll("browse.grid", ImVec2(w + margin * 0.5f, ctx.bottom() - top - t.em(0.5f)));
    if (shown.empty()) wrappedText(t.fonts.body, t.colors.textMuted, ctx.tr("browse.empty"), w);
    // Only the rows in view are drawn (500 companies cost what 9 do); the others are only
    // registered, so a script can still scroll a card into view and tap it.
    const size_t rows = (shown.size() + size_t(cols) - 1) / size_t(cols);
    const float pitch = ch + gap + ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float viewTop = ImGui::GetWindowPos().y, viewBottom = viewTop + ImGui::GetWindowHeight();
    for (size_t i = 0; i < shown.size(); ++i) {
        const size_t row = i / size_t(cols), col = i % size_t(cols);
        const ImVec2 p(origin.x + float(col) * (cw + gap), origin.y + float(row) * pitch);
        if (p.y + ch < viewTop || p.y > viewBottom) {
            registry().add("browse.card." + shown[i]->id, p, ImVec2(p.x + cw, p.y + ch));
            continue;
        }
        ImGui::SetCursorScreenPos(p);
        if (card(ctx, *shown[i], ImVec2(cw, ch))) out = intent::OpenProfile{shown[i]->id};
    }
    if (rows > 0) {
        ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + float(rows) * pitch - ImGui::GetStyle().ItemSpacing.y));
        ImGui::Dummy(ImVec2(0, 0)); // the grid's full height, for the scroll range
    }
    if (endTouchScroll()) ctx.animating = true;
    return out;
}

} // namespace kiosk::ui
