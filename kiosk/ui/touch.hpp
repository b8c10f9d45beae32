/// @brief One-finger touch tracking that feeds ImGui's mouse, shared by the touch screen, the mouse and scripts.
///
/// Dear ImGui 1.86 polls the mouse and ignores SDL finger events, so the platform
/// (and the script player) push FingerEvents here and `apply()` writes
/// io.MousePos / io.MouseDown before each frame.
#pragma once
#include <imgui.h>

#include <deque>

namespace kiosk::ui {

struct FingerEvent {
    enum class Type { Down, Move, Up } type;
    ImVec2 pos; ///< pixels
};

class TouchTracker {
public:
    void push(const FingerEvent& e) { m_queue.push_back(e); }
    /// Consumes this frame's events. A down and up between two frames still shows
    /// "down" for one frame; one frame after a release the pointer leaves the
    /// screen so nothing stays hovered.
    void apply(ImGuiIO& io);
    /// True while a finger is down or input is queued: the UI must keep rendering.
    bool busy() const { return m_down || !m_queue.empty() || m_releasedFrames < 2; }
    bool down() const { return m_down; }
    void reset() {
        m_queue.clear();
        m_down = false;
    }

private:
    std::deque<FingerEvent> m_queue;
    ImVec2 m_pos{-1, -1};
    bool m_down = false;
    int m_releasedFrames = 2; ///< frames since the last release
};

} // namespace kiosk::ui
