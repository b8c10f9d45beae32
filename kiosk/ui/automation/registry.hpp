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
    ImVec2 min, max;       ///< visible part, pixels
    std::optional<std::string> text; ///< a field's value (for expect-text)
    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

class WidgetRegistry {
public:
    void beginFrame() { m_current.clear(); }
    /// The frame is complete: its widgets become what scripts see.
    void endFrame() { m_last.swap(m_current); }
    /// Records `id` at [min,max], clipped to the current window. Call inside an ImGui window.
    void add(const std::string& id, ImVec2 min, ImVec2 max, std::optional<std::string> text = std::nullopt);
    /// Widgets of the last complete frame.
    const std::vector<WidgetInfo>& widgets() const { return m_last; }
    const WidgetInfo* find(const std::string& id) const;

private:
    std::vector<WidgetInfo> m_current, m_last;
};

/// The registry of the running UI (one kiosk per process).
WidgetRegistry& registry();

} // namespace kiosk::ui
