#include "serial_scanner.hpp"

#include "contact.hpp"
#include "core/leads/lead.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace kiosk::core {

namespace {

std::string firstAcm() {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev", ec))
        if (e.path().filename().string().rfind("ttyACM", 0) == 0) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    return found.empty() ? std::string() : found.front();
}

/// Raw bytes in, nothing echoed or translated (a scanner's CR stays a CR).
bool makeRaw(int fd) {
    termios t{};
    if (::tcgetattr(fd, &t) != 0) return false;
    ::cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &t) != 0) return false;
    ::tcflush(fd, TCIFLUSH); // whatever waited in the buffer is not this visitor's scan
    return true;
}

double secondsNow() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

void SerialScanner::start() {
    m_bg.start([this] { loop(); });
}

void SerialScanner::loop() {
    std::string missing; // logged once per absence, not every retry
    const auto retry =
        std::chrono::duration_cast<Background::Clock::duration>(std::chrono::duration<double>(kSerialRetryS));
    while (!m_bg.stopping()) {
        const std::string path = m_device == "auto" ? firstAcm() : m_device;
        const int fd = path.empty() ? -1 : ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0 && makeRaw(fd)) {
            std::fprintf(stderr, "kiosk: scanner: reading %s\n", path.c_str());
            missing.clear();
            m_connected = true;
            const bool stopped = readFrom(fd);
            m_connected = false;
            ::close(fd);
            if (stopped) return;
            std::fprintf(stderr, "kiosk: scanner: %s is gone; looking for it every %.1f s\n", path.c_str(),
                         kSerialRetryS);
        } else {
            const std::string why = path.empty() ? "no /dev/ttyACM* yet"
                                    : fd >= 0    ? path + " is not a serial device"
                                                 : path + ": " + std::strerror(errno);
            if (fd >= 0) ::close(fd);
            if (why != missing)
                std::fprintf(stderr, "kiosk: scanner: %s; looking again every %.1f s\n", why.c_str(), kSerialRetryS);
            missing = why;
        }
        if (m_bg.waitFor(retry) == Background::Wait::Stopping) return;
    }
}

bool SerialScanner::readFrom(int fd) {
    std::string code;
    bool overflow = false;
    double lastByte = 0;
    char buf[512];
    auto deliver = [&] {
        while (!code.empty() && (code.back() == '\r' || code.back() == '\n'))
            code.pop_back();
        std::string out;
        if (!overflow) out.swap(code);
        wipe(code);
        overflow = false;
        if (m_onCode) m_onCode(std::move(out));
    };
    while (!m_bg.stopping()) {
        const bool pending = !code.empty() || overflow;
        const bool ended = !code.empty() && (code.back() == '\r' || code.back() == '\n');
        const double due = lastByte + (ended ? kSerialEndS : kSerialQuietS);
        const double now = secondsNow();
        if (pending && now >= due) {
            deliver();
            continue;
        }
        const int timeoutMs =
            pending ? std::max(1, static_cast<int>((due - now) * 1000.0) + 1) : 200; // 200: stop is noticed
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, timeoutMs);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        if (r == 0) continue;
        const ssize_t n = (p.revents & POLLIN) ? ::read(fd, buf, sizeof buf) : -1;
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && !(p.revents & (POLLHUP | POLLERR | POLLNVAL))) continue;
        if (n <= 0) { // unplugged: EIO or a hang-up
            wipe(code);
            return false;
        }
        lastByte = secondsNow();
        if (overflow || code.size() + static_cast<size_t>(n) > kMaxCodeBytes) {
            wipe(code);
            overflow = true;
        } else {
            code.append(buf, static_cast<size_t>(n));
        }
        std::fill(buf, buf + sizeof buf, '\0');
    }
    wipe(code);
    return true;
}

} // namespace kiosk::core
