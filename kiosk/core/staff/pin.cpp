#include "pin.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace kiosk::core {

bool validPin(const std::string& pin) {
    return pin.size() >= 4 && pin.size() <= 8 && std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string hashPin(const std::string& pin) {
    if (sodium_init() < 0 || !validPin(pin)) return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, pin.c_str(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {};
    return out;
}

bool verifyPin(const std::string& hash, const std::string& pin) {
    if (sodium_init() < 0) return false;
    return crypto_pwhash_str_verify(hash.c_str(), pin.c_str(), pin.size()) == 0;
}

void PinGuard::load() {
    // While the file cannot be written, the count in memory is the truth: reloading
    // an old (or missing) file would forget tries and switch the lockout off.
    if (m_unsaved) return;
    std::ifstream in(m_file);
    int failures = 0;
    std::int64_t until = 0;
    if (in >> failures >> until && failures >= 0) {
        m_failures = failures;
        m_lockedUntilMs = until;
    } else {
        m_failures = 0; // missing or damaged: start clean
        m_lockedUntilMs = 0;
    }
}

bool PinGuard::save() {
    // Write a new file and rename it over the old one: a crash leaves one or the other.
    const std::string tmp = m_file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const std::string s = std::to_string(m_failures) + " " + std::to_string(m_lockedUntilMs) + "\n";
    const bool ok = ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), m_file.c_str()) != 0) return false;
    // The rename must survive a power cut too.
    const std::string dir = m_file.parent_path().empty() ? "." : m_file.parent_path().string();
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

std::int64_t PinGuard::lockedForMs(std::int64_t nowMs) const { return std::max<std::int64_t>(0, m_lockedUntilMs - nowMs); }

bool PinGuard::attempt(const std::string& hash, const std::string& pin, std::int64_t nowMs) {
    load(); // another process (or the last run) may have counted too
    if (lockedForMs(nowMs) > 0) return false;
    // Count the attempt first, so killing the kiosk during the check does not forget it.
    ++m_failures;
    if (m_failures >= 5) {
        const int step = std::min(m_failures - 5, 7); // 30 s, 1 min, 2 min … 1 h 4 min at most
        m_lockedUntilMs = nowMs + (30'000LL << step);
    }
    // A full or read-only disk must not turn the lockout off: the count stays in memory.
    // (The try is still allowed: staff must be able to get in to export on a full disk.)
    m_unsaved = !save();
    const bool right = hash.empty() ? pin == kDemoPin : verifyPin(hash, pin);
    if (right) {
        m_failures = 0;
        m_lockedUntilMs = 0;
        m_unsaved = !save();
    }
    return right;
}

} // namespace kiosk::core
