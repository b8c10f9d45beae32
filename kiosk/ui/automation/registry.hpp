/// @brief Widget registry: every touchable widget records its id and on-screen rectangle each frame.
///
/// The script player taps ids through it, and `ids` lists it, so scripts never
/// depend on the layout. Only the visible part of a widget is recorded.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

namespace kiosk::ui {

struct WidgetInfo {
    std::string id;
    ImVec2 min, max;         ///< visible part, pixels (when visible)
    ImVec2 fullMin, fullMax; ///< the whole widget as laid out, before clipping (layout checks)
    /// A field's value (for expect-text): the UI state's own string, not a copy, so that no
    /// copy of what a visitor typed is left in freed memory. Valid while the App lives.
    const std::string* text = nullptr;
    bool visible = true;         ///< false: scrolled out of its list (it can be scrolled in)
    bool touchable = true;       ///< false: something shown (a note, a QR code), not a control
    ImGuiID list = 0;            ///< the scrolled list it is in, or 0
    float listY = 0, height = 0; ///< its top within the list's content, and its height
    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

class WidgetRegistry {
public:
    void beginFrame() { m_current.clear(); }
    /// The frame is complete: its widgets become what scripts see.
    void endFrame() { m_last.swap(m_current); }
    /// Records `id` at [min,max], clipped to the current window. Call inside an ImGui window.
    /// `text` must outlive the next frame (a field's value in the UI state).
    void add(const std::string& id, ImVec2 min, ImVec2 max, const std::string* text = nullptr);
    /// The same for something that is shown but takes no touch (a note, a QR code): scripts
    /// read it, the touch-target rules do not apply to it.
    void addShown(const std::string& id, ImVec2 min, ImVec2 max, const std::string* text);
    /// Widgets of the last complete frame, on screen or scrolled out of a list.
    const std::vector<WidgetInfo>& widgets() const { return m_last; }
    /// A widget of the last frame (check `visible`).
    const WidgetInfo* find(const std::string& id) const;
    /// A widget that was on screen in the last frame.
    const WidgetInfo* findVisible(const std::string& id) const {
        const WidgetInfo* w = find(id);
        return w && w->visible ? w : nullptr;
    }

private:
    std::vector<WidgetInfo> m_current, m_last;
};

/// The registry of the running App (its UiContext).
WidgetRegistry& registry();

} // namespace kiosk::ui
