#include "theme.hpp"

#include "context.hpp"
#include "core/paths.hpp"

#include <imgui_freetype.h>
#include <imgui_internal.h> // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace kiosk::ui {

namespace {
// ImGui's default range stops at U+00FF: add Latin Extended-A (Łukasz, Zoë's
// neighbours), the few Latin Extended-B and IPA letters Europe's languages use
// (core::letterGroups: Ə Ʒ, Livonian Ǟ Ȫ Ȭ Ȱ, Sámi Ǥ Ǧ Ǩ Ǯ, Romanian Ș Ț, ə ʒ), ẞ, and German
// typography – „ “ ” ‘ ’ • … €. Single code points, not the whole blocks: the atlas stays small.
const ImWchar kBodyRanges[] = {0x0020, 0x017F, 0x018F, 0x018F, 0x01B7, 0x01B7, 0x01DE, 0x01DF, 0x01E4,
                               0x01E9, 0x01EE, 0x01EF, 0x0218, 0x021B, 0x022A, 0x022D, 0x0230, 0x0231,
                               0x0259, 0x0259, 0x0292, 0x0292, 0x1E9E, 0x1E9E, 0x2013, 0x2014, 0x2018,
                               0x201E, 0x2022, 0x2022, 0x2026, 0x2026, 0x20AC, 0x20AC, 0};
// Big sizes only need what titles use; keeps the atlas small at 4K.
const ImWchar kTitleRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2018, 0x201E, 0x2026, 0x2026, 0};
// The headline from afar: ASCII, the German letters and quotes only, since at 4K each glyph is
// ~300 px tall; the attract loop draws a headline with any other letter in the display font.
const ImWchar kHeroRanges[] = {0x0020, 0x007E, 0x00C4, 0x00C4, 0x00D6, 0x00D6, 0x00DC, 0x00DC, 0x00DF, 0x00DF, 0x00E4,
                               0x00E4, 0x00F6, 0x00F6, 0x00FC, 0x00FC, 0x2013, 0x2013, 0x201C, 0x201E, 0};

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
    p.primaryPressed = rgb(0x6AA8EC); // its label 7.2:1 (0x5E9FE6 gave 6.5:1)
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

// Black and white, with a yellow main action (as on signs and ticket machines): every text
// pair >= 15:1, for visitors with low vision and for a screen in direct sunlight.
Palette highContrastPalette() {
    Palette p{};
    p.bg = rgb(0x000000);
    p.surface = rgb(0x000000);
    p.surfaceAlt = rgb(0x262626);
    p.text = rgb(0xFFFFFF);
    p.textMuted = rgb(0xF0F0F0);
    p.border = rgb(0xFFFFFF);
    p.primary = rgb(0xFFE600);
    p.primaryPressed = rgb(0xB8A600);
    p.onPrimary = rgb(0x000000);
    p.button = rgb(0x000000);
    p.buttonPressed = rgb(0x404040);
    p.onButton = rgb(0xFFFFFF);
    p.focus = rgb(0x00E5FF);
    p.warning = rgb(0xFFE600);
    p.onWarning = rgb(0x000000);
    p.error = rgb(0xFF9E9E);
    return p;
}

double linear(unsigned channel) {
    const double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(ImU32 c) {
    return 0.2126 * linear((c >> IM_COL32_R_SHIFT) & 0xFF) + 0.7152 * linear((c >> IM_COL32_G_SHIFT) & 0xFF) +
           0.0722 * linear((c >> IM_COL32_B_SHIFT) & 0xFF);
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
/// The glyph ranges of exactly the letters in `text` (pairs, 0-terminated), or none when empty.
std::vector<ImWchar> rangesOf(const std::string& text) {
    std::set<ImWchar> letters;
    for (const char* p = text.c_str(); *p;) {
        unsigned int c = 0;
        p += ImTextCharFromUtf8(&c, p, nullptr);
        if (c >= 0x20 && c <= 0xFFFF) letters.insert(static_cast<ImWchar>(c));
    }
    std::vector<ImWchar> out;
    for (ImWchar c : letters)
        out.insert(out.end(), {c, c});
    if (!out.empty()) out.push_back(0);
    return out;
}

Fonts addFonts(ImGuiIO& io, float body, float pxPerMm, const ImWchar* heroRanges) {
    Fonts f;
    f.body = addFont(io, false, body, kBodyRanges);
    f.bold = addFont(io, true, body, kBodyRanges);
    f.small = addFont(io, false, body * 0.75f, kBodyRanges);
    f.heading = addFont(io, true, body * 2.0f, kTitleRanges);
    f.display = addFont(io, true, body * 3.0f, kTitleRanges);
    // The size ImGui asks FreeType for is the line height: capitals are 0.53 of it, so 78 mm
    // gives them 41 mm.
    f.hero = addFont(io, true, std::max(body * 4.0f, 78.0f * pxPerMm), heroRanges);
    return f;
}
} // namespace

Palette palette(const std::string& name) {
    if (name == "dark") return darkPalette();
    if (name == "high-contrast") return highContrastPalette();
    return lightPalette();
}

double contrastRatio(ImU32 a, ImU32 b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 readableOn(ImU32 bg) {
    const ImU32 white = IM_COL32_WHITE, black = IM_COL32(0, 0, 0, 255);
    return contrastRatio(white, bg) >= contrastRatio(black, bg) ? white : black;
}

Theme Theme::forAccess(const AccessModes& m) const {
    Theme t = *this;
    t.colors = m.contrast ? highContrastPalette() : base;
    if (m.larger && largerFonts.body) {
        t.fonts = largerFonts;
        t.m_em = m_em * kLargerText;
    }
    return t;
}

float pixelsPerMm(float widthPx, float heightPx, double diagonalInch, double pixelPitchMm) {
    if (pixelPitchMm > 0) return static_cast<float>(1.0 / pixelPitchMm);
    const double diagPx = std::sqrt(double(widthPx) * widthPx + double(heightPx) * heightPx);
    return static_cast<float>(diagPx / (diagonalInch * 25.4));
}

Theme setupTheme(float pxPerMm, const std::string& themeName, const std::string& heroText) {
    ImGuiIO& io = ImGui::GetIO();
    Theme t;
    t.pxPerMm = pxPerMm;
    t.colors = palette(themeName);
    // docs/design.md: body 12 mm, captions 9 mm, headings 24 mm (at 1080p on 43": 24/18/48 px).
    // The floor keeps small windows (tests, a laptop) readable.
    const float body = std::round(std::max(16.0f, 12.0f * pxPerMm));
    t.setEm(body);
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    // The headline type is huge (a 78 mm line): only the letters the headlines use go into the
    // atlas, else at 4K it alone would take a quarter of it (a letter it lacks falls back).
    const std::vector<ImWchar> hero = rangesOf(heroText);
    t.fonts = addFonts(io, body, pxPerMm, hero.empty() ? kHeroRanges : hero.data());
    // A+ is built now too: toggling it mid-visit swaps fonts instead of rebuilding the atlas.
    // Headings and the attract loop's display type are 24-36 mm already: A+ shares them, which
    // keeps the atlas at its size (at 4K a larger display font alone doubles it).
    t.largerFonts = t.fonts;
    const float larger = std::round(body * kLargerText);
    t.largerFonts.body = addFont(io, false, larger, kBodyRanges);
    t.largerFonts.bold = addFont(io, true, larger, kBodyRanges);
    t.largerFonts.small = addFont(io, false, larger * 0.75f, kBodyRanges);
    io.Fonts->Build();
    io.FontDefault = t.fonts.body;
    t.base = t.colors;
    applyStyle(t);
    // Fingers drift: a tap must not turn into a drag before ~3 mm of movement.
    io.MouseDragThreshold = std::max(6.0f, 3.0f * pxPerMm);
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    io.IniFilename = nullptr; // no imgui.ini written into the kiosk's working directory
    io.LogFilename = nullptr;
    return t;
}

void applyStyle(const Theme& t) {
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
}

const Theme& theme() {
    return uiContext().theme;
}

} // namespace kiosk::ui
