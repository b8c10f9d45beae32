/// @brief Sizes (from millimetres on the real screen), fonts and colours. Every size in the UI is em()-based.
#pragma once
#include <imgui.h>

#include <algorithm>
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
    ImFont* hero = nullptr;    ///< ~78 mm line (cap height >= 40 mm): the attract loop's headline, read from 3 m
};

/// The visit's own choices on the access bar (access.contrast, access.text); reset with the visit.
struct AccessModes {
    bool reach = false;    ///< "Alles nach unten": every control below 1220 mm from the floor
    bool contrast = false; ///< the high-contrast palette
    bool larger = false;   ///< A+: every font and font unit ×kLargerText
    bool operator==(const AccessModes&) const = default;
};

/// A+ makes text this much larger (its fonts are built with the others at start: no atlas rebuild mid-visit).
inline constexpr float kLargerText = 1.25f;

struct Theme {
    float pxPerMm = 2.0f;
    Palette colors{};
    Fonts fonts{};
    Fonts largerFonts{}; ///< the same fonts ×kLargerText, for A+
    Palette base{};      ///< the configured palette (light or dark), when high contrast is off

    /// This theme with the visit's modes applied: larger fonts and units, the high-contrast palette.
    Theme forAccess(const AccessModes& m) const;

    /// One font unit: the body font's pixel size.
    float em(float n = 1.0f) const { return n * m_em; }
    float mm(float n) const { return n * pxPerMm; }

    void setEm(float px) { m_em = px; }

    // The size vocabulary (docs/design.md). Each is at least a physical size for the finger or
    // the eye, and at least so many font units, so text always fits what holds it.
    float touch() const { return atLeast(20, 1.8f); }       ///< the smallest target: chips, small links, check rows
    float chip() const { return touch(); }                  ///< a toggle chip (staff choices, sectors on the form)
    float field() const { return atLeast(20, 1.9f); }       ///< a text field; the browse filter chips, as tall
    float smallButton() const { return atLeast(22, 2.0f); } ///< beside its kind (PIN cancel); the staff corner
    float button() const { return atLeast(25, 2.2f); }      ///< back, close, sync, export, contact
    float largeButton() const { return atLeast(30, 2.5f); } ///< the one action of a screen: submit, done
    float startButton() const { return atLeast(40, 3.5f); } ///< the attract loop's start, read from afar
    float padKeyHeight() const { return atLeast(25, 2.4f); } ///< a PIN pad key
    float padKeyWidth() const { return atLeast(32, 4.5f); }
    float keyPitch() const { return mm(25); }               ///< the on-screen keyboard's key, at most
    float card() const { return atLeast(45, 6.5f); }        ///< a company card on browse
    float qr() const { return atLeast(35, 7.5f); }          ///< a QR code: ~35 mm scans from a phone at arm's length
    float margin() const { return em(1.5f); }               ///< the screen's edge (browse, profile, privacy)
    float tightMargin() const { return em(1.2f); }          ///< dense screens: the form, the staff panel
    float wideMargin() const { return em(2.0f); }           ///< calm screens: attract, thanks

private:
    float atLeast(float millimetres, float fontUnits) const { return std::max(mm(millimetres), em(fontUnits)); }
    float m_em = 24.0f;
};

/// Pixels per millimetre for a screen of `diagonalInch` at `widthPx`×`heightPx`
/// (or the explicit pitch when > 0).
float pixelsPerMm(float widthPx, float heightPx, double diagonalInch, double pixelPitchMm);

/// The palette called `name`: "light", "dark" or "high-contrast" (anything else: light).
Palette palette(const std::string& name);
/// WCAG 2.x contrast ratio of two opaque colours, 1 … 21.
double contrastRatio(ImU32 a, ImU32 b);
/// White or black, whichever reads better on `bg` (a sector's colour, the theme's primary): >= 4.5:1 on any colour.
ImU32 readableOn(ImU32 bg);

/// Builds the font atlas (Noto Sans, German typography included) for this pixel density and
/// sets the ImGui style. Returns the theme, for App::setTheme. Needs a current ImGui context.
Theme setupTheme(float pxPerMm, const std::string& themeName, const std::string& heroText = {});

/// Sets ImGui's style (spacing, rounding, colours) from `t`: at start and when a visit's modes change.
void applyStyle(const Theme& t);

/// The theme of the running App (its UiContext; context.hpp).
const Theme& theme();
inline float em(float n = 1.0f) { return theme().em(n); }

} // namespace kiosk::ui
