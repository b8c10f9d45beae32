/// @brief The attract loop's project-made illustrations, drawn with the ImGui draw list in
/// the current style alpha: the bridge between the two regions, and one picture per sector
/// and per scene kind. Each moves slowly with the time `t` (seconds).
#pragma once
#include <imgui.h>

#include <string>

namespace kiosk::ui {

/// Where and in what an illustration is drawn: inside [min,max], lines in `ink`, details
/// in `accent`.
struct ArtBox {
    ImDrawList* dl;
    ImVec2 min, max;
    double t;
    ImU32 ink, accent;
    ImU32 bg; ///< the scene's background under the picture (opaque)
    /// `c` at `alpha` over `bg` as one opaque colour, in the current fade: the software
    /// renderer fills an opaque shape a row at a time, a translucent one pixel by pixel.
    ImU32 tint(ImU32 c, float alpha) const;

    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
    float side() const { return std::min(max.x - min.x, max.y - min.y); }
};

/// A suspension bridge, `left` and `right` at its ends and "×" between them; a light runs
/// along its cable.
void drawBridge(const ArtBox& a, const std::string& left, const std::string& right);
/// Hydrogen: H₂ molecules turning slowly, bubbles rising.
void drawHydrogen(const ArtBox& a);
/// Cybersecurity: a shield with a lock, a ring turning around it, a scan line.
void drawShield(const ArtBox& a);
/// Digital health: a pulsing cross over a running heartbeat trace.
void drawHeartbeat(const ArtBox& a);
/// Staying in touch: a letter with a tick, rings going out from it.
void drawLetter(const ArtBox& a);
/// The summit: a calendar page whose two days glow.
void drawCalendar(const ArtBox& a);

} // namespace kiosk::ui
