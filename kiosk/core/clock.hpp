/// @brief Injectable time source, so timeouts and animations are testable and scripts deterministic.
#pragma once
#include <chrono>
#include <cstdint>

namespace kiosk::core {

/// The system's wall clock, milliseconds since the Unix epoch (UTC): for commands and the hub,
/// which need no injected clock.
inline std::int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

class Clock {
public:
    virtual ~Clock() = default;
    /// Monotonic seconds since an arbitrary start.
    virtual double now() const = 0;
    /// Wall-clock time, milliseconds since the Unix epoch (UTC).
    virtual std::int64_t wallMs() const = 0;
};

class SteadyClock final : public Clock {
public:
    double now() const override {
        using namespace std::chrono;
        return duration<double>(steady_clock::now() - m_start).count();
    }
    std::int64_t wallMs() const override { return nowMs(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

/// Time moves only when told to: by frames and by script `wait` lines.
class VirtualClock final : public Clock {
public:
    explicit VirtualClock(std::int64_t startWallMs = 1'780'000'000'000) : m_startWallMs(startWallMs) {}
    double now() const override { return m_now; }
    std::int64_t wallMs() const override { return m_startWallMs + static_cast<std::int64_t>(m_now * 1000.0); }
    void advance(double seconds) { m_now += seconds; }

private:
    double m_now = 0.0;
    std::int64_t m_startWallMs;
};

} // namespace kiosk::core
