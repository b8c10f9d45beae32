#include "theme.hpp"

#include "context.hpp"
#include "core/paths.hpp"

#include <imgui_freetype.h>

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {
// ImGui's default range stops at U+00FF: add Latin Extended-A (Łukasz, Zoë's
// neighbours), the few Latin Extended-B and IPA letters Europe's languages use
// (core::letterGroups: Ə Ʒ, Livonian Ǟ Ȫ Ȭ Ȱ, Sámi Ǥ Ǧ Ǩ Ǯ, Romanian Ș Ț, ə ʒ), ẞ, and German
// typography – „ “ ” ‘ ’ • … €. Single code points, not the whole blocks: the atlas stays small.
const ImWchar kBodyRanges[] = {0x0020, 0x017F, 0x018F, 0x018F, 0x01B7, 0x01B7, 0x01DE, 0x01DF, 0x01E4, 0x01E9,
                               0x01EE, 0x01EF, 0x0218, 0x021B, 0x022A, 0x022D, 0x0230, 0x0231, 0x0259, 0x0259,
                               0x0292, 0x0292, 0x1E9E, 0x1E9E, 0x2013, 0x2014, 0x2018, 0x201E, 0x2022, 0x2022,
                               0x2026, 0x2026, 0x20AC, 0x20AC, 0};
// Big sizes only need what titles use; keeps the atlas small at 4K.
const ImWchar kTitleRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2018, 0x201E, 0x2026, 0x2026, 0};
// The headline from afar: ASCII, the German letters and quotes only, since at 4K each glyph is
// ~300 px tall; the attract loop draws a headline with any other letter in the display font.
const ImWchar kHeroRanges[] = {0x0020, 0x007E, 0x00C4, 0x00C4, 0x00D6, 0x00D6, 0x00DC, 0x00DC, 0x00DF, 0x00DF,
                               0x00E4, 0x00E4, 0x00F6, 0x00F6, 0x00FC, 0x00FC, 0x2013, 0x2013, 0x201C, 0x201E, 0};

constexpr ImU32 rgb(unsigned v) {
    return IM_COL32((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, 0xFF);
}

// Both palettes keep body text at >= 7:1 and controls at >= 3:1 against their
// background (WCAG 1.4.6 / 1.4.11); halls are bright, so light is the default.
Palette lightPalette() {
    Palette p{};
    p.bg = rgb(0xEEF1F5);
    p.surface = rgb(0xFFFFFF);
    p.surfaceAlt = rgb(0xE1E6ED);
    p.text = rgb(0x141A22);      // 16.9:1 on white
    p.textMuted = rgb(0x3F4957); // 9.2:1 on white
    p.border = rgb(0x6B7685);    // 4.6:1 on white
    p.primary = rgb(0x0B4A8B);   // white on it: 8.9:1
    p.primaryPressed = rgb(0x06305C);
    p.onPrimary = rgb(0xFFFFFF);
    p.button = rgb(0xFFFFFF);
    p.buttonPressed = rgb(0xC9D3E0);
    p.onButton = rgb(0x0B2545);
    p.focus = rgb(0xC2410C);
    p.warning = rgb(0xFFE7A3);
    p.onWarning = rgb(0x1F1500);
    p.error = rgb(0x9F1A1A); // 7.9:1 on white
    return p;
}

Palette darkPalette() {
    Palette p{};
    p.bg = rgb(0x0E1217);
    p.surface = rgb(0x1A212B);
    p.surfaceAlt = rgb(0x252E3A);
    p.text = rgb(0xF3F6F9);
    p.textMuted = rgb(0xC3CBD6);
    p.border = rgb(0x8390A2);
    p.primary = rgb(0x8CC4FF);
    p.primaryPressed = rgb(0x5E9FE6);
    p.onPrimary = rgb(0x06182C);
    p.button = rgb(0x252E3A);
    p.buttonPressed = rgb(0x3A4656);
    p.onButton = rgb(0xF3F6F9);
    p.focus = rgb(0xFFB37A);
    p.warning = rgb(0xFFD36B);
    p.onWarning = rgb(0x1F1500);
    p.error = rgb(0xFF9C9C);
    return p;
}

ImFont* addFont(ImGuiIO& io, bool bold, float px, const ImWchar* ranges) {
    ImFontConfig cfg;
    cfg.OversampleH = 1; // FreeType hinting makes oversampling unnecessary; keeps the atlas small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    const std::string path = core::fontPath(bold).string();
    ImFont* f = io.Fonts->AddFontFromFileTTF(path.c_str(), std::round(px), &cfg, ranges);
    // Without the Noto package the kiosk still starts (with ImGui's small built-in font).
    if (!f) {
        ImFontConfig fallback;
        fallback.SizePixels = std::round(px);
        f = io.Fonts->AddFontDefault(&fallback);
    }
    return f;
}
} // namespace

float pixelsPerMm(float widthPx, float heightPx, double diagonalInch, double pixelPitchMm) {
    if (pixelPitchMm > 0) return static_cast<float>(1.0 / pixelPitchMm);
    const double diagPx = std::sqrt(double(widthPx) * widthPx + double(heightPx) * heightPx);
    return static_cast<float>(diagPx / (diagonalInch * 25.4));
}

Theme setupTheme(float pxPerMm, const std::string& themeName) {
    ImGuiIO& io = ImGui::GetIO();
    Theme t;
    t.pxPerMm = pxPerMm;
    t.colors = themeName == "dark" ? darkPalette() : lightPalette();
    // docs/design.md: body 12 mm, captions 9 mm, headings 24 mm (at 1080p on 43": 24/18/48 px).
    // The floor keeps small windows (tests, a laptop) readable.
    const float body = std::round(std::max(16.0f, 12.0f * pxPerMm));
    t.setEm(body);
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    t.fonts.body = addFont(io, false, body, kBodyRanges);
    t.fonts.bold = addFont(io, true, body, kBodyRanges);
    t.fonts.small = addFont(io, false, body * 0.75f, kBodyRanges);
    t.fonts.heading = addFont(io, true, body * 2.0f, kTitleRanges);
    t.fonts.display = addFont(io, true, body * 3.0f, kTitleRanges);
    // The size ImGui asks FreeType for is the line height: capitals are 0.53 of it, so 78 mm
    // gives them 41 mm.
    t.fonts.hero = addFont(io, true, std::max(body * 4.0f, 78.0f * pxPerMm), kHeroRanges);
    io.Fonts->Build();
    io.FontDefault = t.fonts.body;

    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    s.WindowPadding = ImVec2(0, 0);
    s.WindowBorderSize = 0;
    s.ChildBorderSize = 0;
    s.FrameRounding = t.em(0.3f);
    s.ItemSpacing = ImVec2(t.em(0.5f), t.em(0.5f));
    s.ScrollbarSize = t.em(0.4f);
    s.ScrollbarRounding = t.em(0.2f);
    s.Colors[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(t.colors.bg);
    s.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    s.Colors[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(t.colors.text);
    s.Colors[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    s.Colors[ImGuiCol_ScrollbarGrab] = ImGui::ColorConvertU32ToFloat4(t.colors.border);
    // Fingers drift: a tap must not turn into a drag before ~3 mm of movement.
    io.MouseDragThreshold = std::max(6.0f, 3.0f * pxPerMm);
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    io.IniFilename = nullptr; // no imgui.ini written into the kiosk's working directory
    io.LogFilename = nullptr;
    return t;
}

const Theme& theme() { return uiContext().theme; }

} // namespace kiosk::ui
