#include "touch.hpp"

#include <cfloat>

namespace kiosk::ui {

void TouchTracker::apply(ImGuiIO& io) {
    bool wentDown = false, wentUp = false;
    while (!m_queue.empty()) {
        const FingerEvent& e = m_queue.front();
        // A press and a release each need their own frame, or ImGui never sees the click.
        if (e.type == FingerEvent::Type::Up && wentDown) break;
        if (e.type == FingerEvent::Type::Down && wentUp) break;
        m_pos = e.pos;
        if (e.type == FingerEvent::Type::Down) {
            m_down = true;
            wentDown = true;
        } else if (e.type == FingerEvent::Type::Up) {
            m_down = false;
            wentUp = true;
            m_releasedFrames = 0;
        }
        m_queue.pop_front();
    }
    io.MouseDown[0] = m_down;
    if (m_down || wentUp) {
        io.MousePos = m_pos;
    } else {
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        if (m_releasedFrames < 2) ++m_releasedFrames;
    }
}

} // namespace kiosk::ui
