/// @brief A badge scanner in serial mode (USB CDC-ACM, /dev/ttyACM*): read on a thread of its
/// own, one code per scan, found again when it is unplugged and plugged back in.
#pragma once
#include "core/background.hpp"

#include <atomic>
#include <functional>
#include <string>

namespace kiosk::core {

/// A code ends this long after a CR or LF with nothing after it (a vCard has line breaks
/// inside, all sent at once), or after kSerialQuietS without one (a scanner set to no suffix).
inline constexpr double kSerialEndS = 0.03;
inline constexpr double kSerialQuietS = 0.2;
/// How often a missing or unplugged scanner is looked for.
inline constexpr double kSerialRetryS = 0.5;

class SerialScanner {
public:
    /// Gets each code (without its final CR/LF) on the reader's thread; "" for a code longer
    /// than kMaxCodeBytes (it cannot be a contact).
    using OnCode = std::function<void(std::string code)>;
    /// `device`: a path (a symlink is fine), or "auto" for the first /dev/ttyACM*.
    SerialScanner(std::string device, OnCode onCode) : m_device(std::move(device)), m_onCode(std::move(onCode)) {}
    ~SerialScanner() { stop(); }

    void start();
    void stop() { m_bg.stop(); }
    /// The device is open and set up (raw, no echo).
    bool connected() const { return m_connected; }

private:
    void loop();
    /// Reads `fd` until it goes away (false) or stop (true).
    bool readFrom(int fd);

    std::string m_device;
    OnCode m_onCode;
    Background m_bg;
    std::atomic<bool> m_connected{false};
};

} // namespace kiosk::core
