/// @brief Finger-sized widgets: buttons, chips, tags, logos, QR codes and the drag-to-scroll area.
///
/// Every interactive widget takes a stable automation id (docs/automation.md) that is
/// also its ImGui id, and records its rectangle in the widget registry.
#pragma once
#include "core/qr.hpp"

#include <imgui.h>

#include <string>

namespace kiosk::ui {

enum class ButtonKind { Primary, Secondary, Quiet };

/// A tap target of `size` (feedback on touch-down, true on release over it).
/// `label` may hold two lines separated by '\n': the second is drawn smaller.
bool button(const std::string& id, const std::string& label, ImVec2 size, ButtonKind kind = ButtonKind::Secondary);

/// A toggle chip for filters; `rgb` colours it when selected.
bool chip(const std::string& id, const std::string& label, bool selected, ImU32 selectedColor, float height);
float chipWidth(const std::string& label);

/// A non-interactive coloured tag (sector on a card); returns its width.
float tag(ImDrawList* dl, ImVec2 pos, const std::string& label, ImU32 color, ImFont* font);
float tagWidth(const std::string& label, ImFont* font);

/// Logo texture fitted into a box, or a placeholder with the company's initials.
struct Texture {
    ImTextureID id = nullptr;
    int width = 0, height = 0;
};
void logo(ImDrawList* dl, ImVec2 min, float size, const Texture& tex, const std::string& name);

/// A one-line text field: label above, the value in a finger-high box, the caret
/// at the end when focused, an error below. Returns true when tapped (to focus it).
/// The registry points at `value`, for `expect-text`: pass the UI state's own string.
bool textField(const std::string& id, const std::string& label, const std::string& value, bool focused,
               const std::string& error, float width);

/// A checkbox row: the whole row is the tap area (docs/design.md). Returns true when tapped.
bool checkRow(const std::string& id, const std::string& label, bool checked, float width,
              const std::string& detail = {});

/// Draws the QR code with its quiet zone on a white square of `size` px.
void qrCode(ImDrawList* dl, ImVec2 min, float size, const core::QrCode& qr);

/// Word-wrapped text in `font` and `color` at the cursor, `width` wide.
void wrappedText(ImFont* font, ImU32 color, const std::string& text, float width);
/// Centred single line.
void centeredText(ImDrawList* dl, ImFont* font, ImU32 color, ImVec2 center, const std::string& text);

/// Applies the current style alpha (fades) to a colour.
ImU32 faded(ImU32 color);

/// A child region scrolled by dragging a finger, with inertia; a drag never
/// fires the button under the finger (imgui#3379). Returns true while it moves
/// on its own, so the caller keeps rendering frames.
void beginTouchScroll(const char* id, ImVec2 size);
bool endTouchScroll();
/// Forgets every scroll position and fling (the idle wipe).
void resetTouchScrolls();
/// Scrolls the list `list` (an ImGui window id) so that content at `y` (with `height`) is centred,
/// on the next frame. Used by scripts to reach a widget as a finger would, by scrolling.
void scrollListTo(ImGuiID list, float y, float height);

} // namespace kiosk::ui
