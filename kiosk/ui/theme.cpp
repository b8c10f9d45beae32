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

// Light and dark keep body text at >= 7:1 and controls at >= 3:1 against their background
// (WCAG 1.4.6 / 1.4.11); halls are bright, so light is the default. High contrast is black and
// white with a yellow main action (as on signs and ticket machines): every text pair >= 15:1,
// for visitors with low vision and for a screen in direct sunlight. tests/ui/test_access.cpp
// computes every pair.
struct PaletteRow {
    ImU32 Palette::*colour;
    unsigned light, dark, contrast;
};
// colour, light, dark, high contrast
const PaletteRow kPalettes[] = {
    {&Palette::bg, 0xEEF1F5, 0x0E1217, 0x000000},
    {&Palette::surface, 0xFFFFFF, 0x1A212B, 0x000000},
    {&Palette::surfaceAlt, 0xE1E6ED, 0x252E3A, 0x262626},
    {&Palette::text, 0x141A22, 0xF3F6F9, 0xFFFFFF},           // light: 16.9:1 on white
    {&Palette::textMuted, 0x3F4957, 0xC3CBD6, 0xF0F0F0},      // light: 9.2:1 on white
    {&Palette::border, 0x6B7685, 0x8390A2, 0xFFFFFF},         // light: 4.6:1 on white
    {&Palette::primary, 0x0B4A8B, 0x8CC4FF, 0xFFE600},        // light: white on it: 8.9:1
    {&Palette::primaryPressed, 0x06305C, 0x6AA8EC, 0xB8A600}, // dark: its label 7.2:1 (0x5E9FE6 gave 6.5:1)
    {&Palette::onPrimary, 0xFFFFFF, 0x06182C, 0x000000},
    {&Palette::button, 0xFFFFFF, 0x252E3A, 0x000000},
    {&Palette::buttonPressed, 0xC9D3E0, 0x3A4656, 0x404040},
    {&Palette::onButton, 0x0B2545, 0xF3F6F9, 0xFFFFFF},
    {&Palette::focus, 0xC2410C, 0xFFB37A, 0x00E5FF},
    {&Palette::warning, 0xFFE7A3, 0xFFD36B, 0xFFE600},
    {&Palette::onWarning, 0x1F1500, 0x1F1500, 0x000000},
    {&Palette::error, 0x9F1A1A, 0xFF9C9C, 0xFF9E9E}, // light: 7.9:1 on white
};

Palette paletteColumn(unsigned PaletteRow::*column) {
    Palette p{};
    for (const auto& row : kPalettes)
        p.*row.colour = rgb(row.*column);
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
    if (name == "dark") return paletteColumn(&PaletteRow::dark);
    if (name == "high-contrast") return paletteColumn(&PaletteRow::contrast);
    return paletteColumn(&PaletteRow::light);
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
    t.colors = m.contrast ? paletteColumn(&PaletteRow::contrast) : base;
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
