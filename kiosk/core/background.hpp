/// @brief Background: the thread of a back-office loop that runs beside the frame loop (the
/// uploader, the store keeper), with what such a loop needs between its steps: a wait that
/// wake() ends early and stop() ends for good.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace kiosk::core {

class Background {
public:
    using Clock = std::chrono::steady_clock;
    /// What ended a wait.
    enum class Wait { Due, Woken, Stopping };

    Background() = default;
    ~Background(); ///< stops the thread
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    /// Runs `loop` on a thread of its own at a lower priority; nothing when one runs already.
    void start(std::function<void()> loop);
    /// Makes the loop's current or next wait return Stopping and joins the thread.
    void stop();
    /// Makes the loop's current or next wait return Woken (a wake before the wait is kept).
    void wake();
    /// Waits until `due` (for wake() or stop() only, when nullopt).
    Wait waitUntil(std::optional<Clock::time_point> due);
    Wait waitFor(Clock::duration d) { return waitUntil(Clock::now() + d); }
    /// Set by stop() until the next start(), for work under way to give up (a request in libcurl).
    const std::atomic<bool>& stopping() const { return m_stopping; }

private:
    std::thread m_thread;
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_woken = false; ///< guarded by m_mutex
};

/// A value a back-office loop publishes and the frame loop reads (a status, a health), behind
/// its own mutex: readers get a copy, never a reference into what the loop is changing.
template <class T>
class Published {
public:
    T get() const {
        std::lock_guard lock(m_mutex);
        return m_value;
    }
    /// Replaces the value; returns the one it replaced.
    T exchange(T value) {
        std::lock_guard lock(m_mutex);
        std::swap(m_value, value);
        return value;
    }
    void set(T value) { exchange(std::move(value)); }

private:
    mutable std::mutex m_mutex;
    T m_value{};
};

} // namespace kiosk::core
