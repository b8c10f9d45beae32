#include "widgets.hpp"

#include "../automation/registry.hpp"
#include "../context.hpp"
#include "../theme.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

ImU32 faded(ImU32 color) {
    const float a = ImGui::GetStyle().Alpha;
    if (a >= 1.0f) return color;
    const unsigned alpha = static_cast<unsigned>(((color >> IM_COL32_A_SHIFT) & 0xFF) * a);
    return (color & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
}

void centeredText(ImDrawList* dl, ImFont* font, ImU32 color, ImVec2 center, const std::string& text) {
    ImVec2 sz = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str());
    dl->AddText(font, font->FontSize, ImVec2(std::floor(center.x - sz.x * 0.5f), std::floor(center.y - sz.y * 0.5f)),
                faded(color), text.c_str());
}

bool button(const std::string& id, const std::string& label, ImVec2 size, ButtonKind kind) {
    const Theme& t = theme();
    ImVec2 pos = ImGui::GetCursorScreenPos();
    bool clicked = ImGui::InvisibleButton(id.c_str(), size);
    bool held = ImGui::IsItemActive();
    registry().add(id, pos, ImVec2(pos.x + size.x, pos.y + size.y));

    ImU32 bg, fg;
    switch (kind) {
    case ButtonKind::Primary:
        bg = held ? t.colors.primaryPressed : t.colors.primary;
        fg = t.colors.onPrimary;
        break;
    case ButtonKind::Secondary:
        bg = held ? t.colors.buttonPressed : t.colors.button;
        fg = t.colors.onButton;
        break;
    default:
        bg = held ? t.colors.buttonPressed : 0;
        fg = t.colors.onButton;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 max(pos.x + size.x, pos.y + size.y);
    const float r = t.em(0.35f);
    if (bg) dl->AddRectFilled(pos, max, faded(bg), r);
    if (kind == ButtonKind::Secondary) dl->AddRect(pos, max, faded(t.colors.border), r, 0, std::max(1.0f, t.em(0.08f)));

    const size_t nl = label.find('\n');
    ImVec2 c((pos.x + max.x) * 0.5f, (pos.y + max.y) * 0.5f);
    if (nl == std::string::npos) {
        centeredText(dl, t.fonts.bold, fg, c, label);
    } else {
        const float h1 = t.fonts.bold->FontSize, h2 = t.fonts.small->FontSize;
        const float top = c.y - (h1 + h2) * 0.5f;
        centeredText(dl, t.fonts.bold, fg, ImVec2(c.x, top + h1 * 0.5f), label.substr(0, nl));
        centeredText(dl, t.fonts.small, fg, ImVec2(c.x, top + h1 + h2 * 0.5f), label.substr(nl + 1));
    }
    return clicked;
}

namespace {
/// What expect-text reads of a toggle.
const std::string* boolText(bool on) {
    static const std::string yes = "true", no = "false";
    return on ? &yes : &no;
}
} // namespace

float chipWidth(const std::string& label) {
    ImFont* f = theme().fonts.bold;
    return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, label.c_str()).x + em(2.5f);
}

bool chip(const std::string& id, const std::string& label, bool selected, ImU32 selectedColor, float height) {
    const Theme& t = theme();
    ImFont* f = t.fonts.bold;
    const float w = chipWidth(label);
    ImVec2 pos = ImGui::GetCursorScreenPos();
    bool clicked = ImGui::InvisibleButton(id.c_str(), ImVec2(w, height));
    bool held = ImGui::IsItemActive();
    ImVec2 max(pos.x + w, pos.y + height);
    registry().add(id, pos, max, boolText(selected));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 bg = selected ? selectedColor : (held ? t.colors.buttonPressed : t.colors.button);
    ImU32 fg = selected ? readableOn(selectedColor) : t.colors.onButton;
    dl->AddRectFilled(pos, max, faded(bg), height * 0.5f);
    if (!selected) dl->AddRect(pos, max, faded(t.colors.border), height * 0.5f, 0, std::max(1.0f, t.em(0.08f)));
    // Selection is shown by a tick as well as by colour (not by colour alone).
    std::string text = selected ? "\u2022 " + label : label;
    centeredText(dl, f, fg, ImVec2((pos.x + max.x) * 0.5f, (pos.y + max.y) * 0.5f), text);
    return clicked;
}

bool textField(const std::string& id, const std::string& label, const std::string& value, bool focused,
               const std::string& error, float width) {
    const Theme& t = theme();
    wrappedText(t.fonts.bold, t.colors.text, label, width);
    const float h = t.field();
    ImVec2 p = ImGui::GetCursorScreenPos();
    const bool tapped = ImGui::InvisibleButton(id.c_str(), ImVec2(width, h));
    ImVec2 q(p.x + width, p.y + h);
    registry().add(id, p, q, &value);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = t.em(0.25f);
    dl->AddRectFilled(p, q, t.colors.surface, r);
    const ImU32 border = !error.empty() ? t.colors.error : focused ? t.colors.focus : t.colors.border;
    dl->AddRect(p, q, border, r, 0, focused || !error.empty() ? t.em(0.15f) : std::max(1.0f, t.em(0.06f)));
    // Show the end of a long value: that is where the visitor is typing.
    const float pad = t.em(0.5f), avail = width - 2 * pad - t.em(0.3f);
    ImFont* f = t.fonts.body;
    const char* start = value.c_str();
    const char* end = start + value.size();
    while (start < end && f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, start, end).x > avail) {
        ++start;
        while (start < end && (static_cast<unsigned char>(*start) & 0xC0) == 0x80) ++start;
    }
    const float ty = p.y + (h - f->FontSize) * 0.5f;
    dl->PushClipRect(p, q, true);
    dl->AddText(f, f->FontSize, ImVec2(p.x + pad, ty), t.colors.text, start, end);
    if (focused) {
        const float cx = p.x + pad + f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, start, end).x + 1.0f;
        dl->AddRectFilled(ImVec2(cx, ty), ImVec2(cx + std::max(2.0f, t.em(0.1f)), ty + f->FontSize), t.colors.focus);
    }
    dl->PopClipRect();
    if (!error.empty()) wrappedText(t.fonts.bold, t.colors.error, error, width);
    return tapped;
}

bool checkRow(const std::string& id, const std::string& label, bool checked, float width, const std::string& detail) {
    const Theme& t = theme();
    const float box = t.em(1.5f), pad = t.em(0.5f), textX = box + 2 * pad, textW = width - textX - pad;
    ImFont* f = t.fonts.body;
    const float labelH = f->CalcTextSizeA(f->FontSize, FLT_MAX, textW, label.c_str()).y;
    const float detailH = detail.empty() ? 0.0f
        : t.fonts.small->CalcTextSizeA(t.fonts.small->FontSize, FLT_MAX, textW, detail.c_str()).y + t.em(0.3f);
    const float h = std::max(t.touch(), labelH + detailH + 2 * pad);
    ImVec2 p = ImGui::GetCursorScreenPos();
    const bool tapped = ImGui::InvisibleButton(id.c_str(), ImVec2(width, h));
    const bool held = ImGui::IsItemActive();
    ImVec2 q(p.x + width, p.y + h);
    registry().add(id, p, q, boolText(checked));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, q, held ? t.colors.buttonPressed : t.colors.surface, t.em(0.3f));
    const ImVec2 b0(p.x + pad, p.y + pad), b1(b0.x + box, b0.y + box);
    dl->AddRectFilled(b0, b1, checked ? t.colors.primary : t.colors.surface, t.em(0.2f));
    dl->AddRect(b0, b1, checked ? t.colors.primary : t.colors.border, t.em(0.2f), 0, t.em(0.12f));
    if (checked) { // a tick, drawn: no glyph needed
        const ImVec2 pts[3] = {ImVec2(b0.x + box * 0.22f, b0.y + box * 0.52f), ImVec2(b0.x + box * 0.42f, b0.y + box * 0.72f),
                               ImVec2(b0.x + box * 0.78f, b0.y + box * 0.3f)};
        dl->AddPolyline(pts, 3, t.colors.onPrimary, 0, t.em(0.16f));
    }
    dl->AddText(f, f->FontSize, ImVec2(p.x + textX, p.y + pad), t.colors.text, label.c_str(), nullptr, textW);
    if (!detail.empty())
        dl->AddText(t.fonts.small, t.fonts.small->FontSize, ImVec2(p.x + textX, p.y + pad + labelH + t.em(0.3f)),
                    t.colors.textMuted, detail.c_str(), nullptr, textW);
    return tapped;
}

float tagWidth(const std::string& label, ImFont* font) {
    return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, label.c_str()).x + font->FontSize;
}

float tag(ImDrawList* dl, ImVec2 pos, const std::string& label, ImU32 color, ImFont* font) {
    const float w = tagWidth(label, font), h = font->FontSize * 1.5f;
    dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), faded(color), h * 0.5f);
    centeredText(dl, font, readableOn(color), ImVec2(pos.x + w * 0.5f, pos.y + h * 0.5f), label);
    return w;
}

void logo(ImDrawList* dl, ImVec2 min, float size, const Texture& tex, const std::string& name) {
    const Theme& t = theme();
    ImVec2 max(min.x + size, min.y + size);
    const float r = size * 0.12f;
    if (tex.id && tex.width > 0 && tex.height > 0) {
        // Fit, keeping the aspect ratio; rounded corners so every logo sits in the same frame.
        const float s = size / static_cast<float>(std::max(tex.width, tex.height));
        const float w = tex.width * s, h = tex.height * s;
        ImVec2 a(min.x + (size - w) * 0.5f, min.y + (size - h) * 0.5f);
        dl->AddImageRounded(tex.id, a, ImVec2(a.x + w, a.y + h), ImVec2(0, 0), ImVec2(1, 1), faded(IM_COL32_WHITE), r);
        return;
    }
    // Placeholder: initials on a neutral tile, so a missing logo never leaves a hole.
    dl->AddRectFilled(min, max, faded(t.colors.surfaceAlt), r);
    std::string initials;
    bool start = true;
    for (char ch : name) {
        if (ch == ' ' || ch == '-') start = true;
        else if (start && initials.size() < 2 && static_cast<unsigned char>(ch) < 0x80) {
            initials += ch;
            start = false;
        }
    }
    ImFont* f = size > t.em(4) ? t.fonts.heading : t.fonts.bold;
    centeredText(dl, f, t.colors.textMuted, ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f), initials);
}

void qrCode(ImDrawList* dl, ImVec2 min, float size, const core::QrCode& qr) {
    dl->AddRectFilled(min, ImVec2(min.x + size, min.y + size), faded(IM_COL32_WHITE));
    if (qr.size == 0) return;
    const int quiet = 4; // the quiet zone scanners need around the code
    const float m = std::floor(size / static_cast<float>(qr.size + 2 * quiet));
    const float off = std::floor((size - m * static_cast<float>(qr.size)) * 0.5f);
    const ImU32 black = faded(IM_COL32(0, 0, 0, 255));
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            if (qr.dark(x, y)) {
                ImVec2 a(min.x + off + x * m, min.y + off + y * m);
                dl->AddRectFilled(a, ImVec2(a.x + m, a.y + m), black);
            }
}

void wrappedText(ImFont* font, ImU32 color, const std::string& text, float width) {
    ImGui::PushFont(font);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

// ---- drag to scroll -------------------------------------------------------------

void beginTouchScroll(const char* id, ImVec2 size) {
    UiContext& ui = uiContext();
    ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
    ui.currentScroll = ImGui::GetCurrentWindow()->ID;
    // First use since a reset (a new visitor): start at the top, not where the last one left it.
    if (ui.scrolls.try_emplace(ui.currentScroll).second) ImGui::SetScrollY(0.0f);
    if (ui.scrollRequest.list == ui.currentScroll) {
        const float view = ImGui::GetWindowHeight();
        ImGui::SetScrollY(std::max(0.0f, ui.scrollRequest.y - (view - ui.scrollRequest.height) * 0.5f));
        ui.scrolls[ui.currentScroll] = ScrollState{};
        ui.scrollRequest = {};
    }
}

void scrollListTo(ImGuiID list, float y, float height) { uiContext().scrollRequest = {list, y, height}; }

bool endTouchScroll() {
    ImGuiIO& io = ImGui::GetIO();
    UiContext& ui = uiContext();
    ScrollState& s = ui.scrolls[ui.currentScroll];
    const float dt = std::clamp(io.DeltaTime, 1e-4f, 0.1f);
    const bool hovered = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem |
                                                ImGuiHoveredFlags_ChildWindows);
    bool moving = false;
    if (io.MouseDown[0] && (s.dragging || (hovered && ImGui::IsMouseDragging(0)))) {
        if (!s.dragging) {
            // The finger moved: this is a scroll, not a tap. Release the button under it.
            ImGui::ClearActiveID();
            s.dragging = true;
            s.velocity = 0.0f;
        }
        const float dy = io.MouseDelta.y;
        ImGui::SetScrollY(ImGui::GetScrollY() - dy);
        // Smoothed finger speed, for the fling after release.
        s.velocity = 0.7f * s.velocity + 0.3f * (-dy / dt);
        moving = true;
    } else {
        if (s.dragging) s.dragging = false;
        if (std::fabs(s.velocity) > 20.0f) {
            const float y = ImGui::GetScrollY() + s.velocity * dt;
            ImGui::SetScrollY(std::clamp(y, 0.0f, ImGui::GetScrollMaxY()));
            s.velocity *= std::exp(-4.0f * dt); // friction: a fling runs for about a second
            if (y <= 0.0f || y >= ImGui::GetScrollMaxY()) s.velocity = 0.0f;
            moving = true;
        } else {
            s.velocity = 0.0f;
        }
        if (io.MouseDown[0] && hovered) s.velocity = 0.0f; // a touch stops the fling
    }
    // A thin position indicator (the content is dragged, not the bar).
    if (ImGui::GetScrollMaxY() > 0.0f) {
        ImGuiWindow* w = ImGui::GetCurrentWindow();
        const float viewH = w->Size.y, contentH = viewH + ImGui::GetScrollMaxY();
        const float barH = std::max(em(2.0f), viewH * viewH / contentH);
        const float y = w->Pos.y + (viewH - barH) * (ImGui::GetScrollY() / ImGui::GetScrollMaxY());
        const float x = w->Pos.x + w->Size.x - em(0.3f);
        w->DrawList->AddRectFilled(ImVec2(x, y), ImVec2(x + em(0.25f), y + barH), faded(theme().colors.border), em(0.2f));
    }
    ImGui::EndChild();
    return moving;
}

void resetTouchScrolls() { uiContext().scrolls.clear(); }

} // namespace kiosk::ui
