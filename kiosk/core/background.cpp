#include "background.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <utility>

namespace kiosk::core {

Background::~Background() {
    stop();
}

void Background::start(std::function<void()> loop) {
    if (m_thread.joinable()) return;
    m_stopping = false;
    m_thread = std::thread([loop = std::move(loop)] {
        // Yields to the frame loop: on a 2-core stand PC with software GL every CPU cycle
        // the back office takes would come out of a frame.
        ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
        loop();
    });
}

void Background::stop() {
    if (!m_thread.joinable()) return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

void Background::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
}

Background::Wait Background::waitUntil(std::optional<Clock::time_point> due) {
    std::unique_lock lock(m_mutex);
    const auto ready = [&] { return m_stopping.load() || m_woken; };
    if (!due) m_cv.wait(lock, ready);
    else m_cv.wait_until(lock, *due, ready);
    if (m_stopping) return Wait::Stopping;
    return std::exchange(m_woken, false) ? Wait::Woken : Wait::Due;
}

} // namespace kiosk::core
