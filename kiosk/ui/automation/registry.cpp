#include "registry.hpp"

#include <imgui_internal.h>

#include <algorithm>

namespace kiosk::ui {

void WidgetRegistry::add(const std::string& id, ImVec2 min, ImVec2 max, std::optional<std::string> text) {
    ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
    ImVec2 a(std::max(min.x, clip.Min.x), std::max(min.y, clip.Min.y));
    ImVec2 b(std::min(max.x, clip.Max.x), std::min(max.y, clip.Max.y));
    if (b.x - a.x < 1.0f || b.y - a.y < 1.0f) return; // scrolled out of view
    m_current.push_back({id, a, b, std::move(text)});
}

const WidgetInfo* WidgetRegistry::find(const std::string& id) const {
    for (const auto& w : m_last)
        if (w.id == id) return &w;
    return nullptr;
}

WidgetRegistry& registry() {
    static WidgetRegistry r;
    return r;
}

} // namespace kiosk::ui
