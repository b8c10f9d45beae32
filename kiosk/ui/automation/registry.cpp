#include "registry.hpp"

#include "../context.hpp"

#include <imgui_internal.h>

#include <algorithm>

namespace kiosk::ui {

void WidgetRegistry::add(const std::string& id, ImVec2 min, ImVec2 max, const std::string* text) {
    ImGuiWindow* win = ImGui::GetCurrentWindow();
    ImRect clip = win->ClipRect;
    ImVec2 a(std::max(min.x, clip.Min.x), std::max(min.y, clip.Min.y));
    ImVec2 b(std::min(max.x, clip.Max.x), std::min(max.y, clip.Max.y));
    WidgetInfo w{id, a, b, min, max, text};
    w.visible = b.x - a.x >= 1.0f && b.y - a.y >= 1.0f;
    // Inside a scrolled list: remember where, so a script can scroll it into view.
    if (win->ScrollMax.y > 0.0f) {
        w.list = win->ID;
        w.listY = min.y - win->Pos.y + win->Scroll.y;
        w.height = max.y - min.y;
    } else if (!w.visible) {
        return; // off screen for good
    }
    m_current.push_back(std::move(w));
}

void WidgetRegistry::addShown(const std::string& id, ImVec2 min, ImVec2 max, const std::string* text) {
    add(id, min, max, text);
    if (!m_current.empty() && m_current.back().id == id) m_current.back().touchable = false;
}

const WidgetInfo* WidgetRegistry::find(const std::string& id) const {
    for (const auto& w : m_last)
        if (w.id == id) return &w;
    return nullptr;
}

WidgetRegistry& registry() {
    return uiContext().registry;
}

} // namespace kiosk::ui
