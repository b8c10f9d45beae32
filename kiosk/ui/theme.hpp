/// @brief Sizes (from millimetres on the real screen), fonts and colours. Every size in the UI is em()-based.
#pragma once
#include <imgui.h>

#include <string>

namespace kiosk::ui {

struct Palette {
    ImU32 bg, surface, surfaceAlt, text, textMuted, border;
    ImU32 primary, primaryPressed, onPrimary; ///< main action buttons
    ImU32 button, buttonPressed, onButton;    ///< secondary buttons and chips
    ImU32 focus, warning, onWarning;
    ImU32 error; ///< error text and borders, >= 7:1 on the surface
};

struct Fonts {
    ImFont* body = nullptr;    ///< ~12 mm, the unit of em()
    ImFont* bold = nullptr;    ///< body size, bold
    ImFont* small = nullptr;   ///< ~9 mm, captions and legal text
    ImFont* heading = nullptr; ///< ~24 mm
    ImFont* display = nullptr; ///< ~36 mm, attract loop
};

struct Theme {
    float pxPerMm = 2.0f;
    Palette colors{};
    Fonts fonts{};

    /// One font unit: the body font's pixel size.
    float em(float n = 1.0f) const { return n * m_em; }
    float mm(float n) const { return n * pxPerMm; }

    void setEm(float px) { m_em = px; }

private:
    float m_em = 24.0f;
};

/// Pixels per millimetre for a screen of `diagonalInch` at `widthPx`×`heightPx`
/// (or the explicit pitch when > 0).
float pixelsPerMm(float widthPx, float heightPx, double diagonalInch, double pixelPitchMm);

/// Builds the font atlas (Noto Sans, German typography included) for this pixel density and
/// sets the ImGui style. Returns the theme, for App::setTheme. Needs a current ImGui context.
Theme setupTheme(float pxPerMm, const std::string& themeName);

/// The theme of the running App (its UiContext; context.hpp).
const Theme& theme();
inline float em(float n = 1.0f) { return theme().em(n); }

} // namespace kiosk::ui
