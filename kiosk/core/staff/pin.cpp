#include "pin.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>
#include <ctime>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace kiosk::core {

bool validPin(const std::string& pin) {
    return pin.size() >= 4 && pin.size() <= 8 && std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string hashSecret(const std::string& secret) {
    if (sodium_init() < 0) return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, secret.c_str(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {};
    return out;
}

bool verifySecret(const std::string& hash, const std::string& secret) {
    if (sodium_init() < 0) return false;
    return crypto_pwhash_str_verify(hash.c_str(), secret.c_str(), secret.size()) == 0;
}

std::string hashPin(const std::string& pin) {
    return validPin(pin) ? hashSecret(pin) : std::string();
}

bool verifyPin(const std::string& hash, const std::string& pin) {
    return verifySecret(hash, pin);
}

namespace {

/// Writes `text` to `file` through a temp file, fsynced and renamed, then fsyncs the
/// folder: a crash or power cut leaves the old file or the new one.
bool writeDurably(const std::filesystem::path& file, const std::string& text) {
    const std::string tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return false;
    }
    const std::string dir = file.parent_path().empty() ? "." : file.parent_path().string();
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

class SystemPinClock final : public PinClock {
public:
    std::int64_t wallMs() const override { return ms(CLOCK_REALTIME); }
    std::int64_t bootMs() const override { return ms(CLOCK_BOOTTIME); }
    std::string bootId() const override { return m_bootId; }

private:
    static std::int64_t ms(clockid_t id) {
        timespec ts{};
        ::clock_gettime(id, &ts);
        return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
    }
    static std::string readBootId() {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string id;
        if (in >> id && !id.empty()) return id;
        // Without it this process counts as its own boot: a restart then starts a lock
        // again at its full length, which can only lengthen it, never end it early.
        return "process-" + std::to_string(::getpid()) + "-" + std::to_string(ms(CLOCK_BOOTTIME));
    }
    const std::string m_bootId = readBootId();
};

constexpr int kLockAfter = 5;
constexpr int kMaxStep = 7; // 30 s << 7: 64 min

std::int64_t stepMs(int failures) { return 30'000LL << std::min(failures - kLockAfter, kMaxStep); }

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }
std::string undash(const std::string& s) { return s == "-" ? std::string() : s; }

} // namespace

const PinClock& systemPinClock() {
    static const SystemPinClock clock;
    return clock;
}

std::filesystem::path pinSetMarker(const std::filesystem::path& dataDir) { return dataDir / "pin_set"; }

bool recordPinSet(const std::filesystem::path& dataDir) {
    const auto marker = pinSetMarker(dataDir);
    struct stat st {};
    if (::stat(marker.c_str(), &st) == 0) return true;
    if (::stat(dataDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    return writeDurably(marker, "A staff PIN was set on this kiosk: a config that cannot be read keeps staff mode locked.\n");
}

bool pinWasSet(const std::filesystem::path& dataDir) {
    struct stat st {};
    if (::stat(pinSetMarker(dataDir).c_str(), &st) == 0) return true;
    return errno != ENOENT; // not searchable, I/O error …: it may be there
}

PinGuard::PinGuard(std::filesystem::path file, const PinClock& clock) : m_file(std::move(file)), m_clock(clock) { load(); }

PinGuard::Instant PinGuard::now() const { return {m_clock.wallMs(), m_clock.bootMs(), m_clock.bootId()}; }

void PinGuard::load() {
    // While the file cannot be written, the count in memory is the truth: reloading
    // an old (or missing) file would forget tries and switch the lockout off.
    if (m_unsaved) return;
    const Instant t = now();
    std::ifstream in(m_file);
    std::string first;
    in >> first;
    m_failures = 0; // missing: start clean
    m_lastFailure = {};
    m_lockMs = m_lockEndBootMs = 0;
    m_lockBootId.clear();
    bool understood = false;
    if (first == "v2") {
        // v2 failures lastWallMs lastBootMs lastBootId lockMs lockEndBootMs lockBootId
        int failures = 0;
        Instant last;
        std::int64_t lockMs = 0, lockEnd = 0;
        std::string lastBoot, lockBoot;
        if (in >> failures >> last.wallMs >> last.bootMs >> lastBoot >> lockMs >> lockEnd >> lockBoot && failures >= 0 &&
            lockMs >= 0 && lockMs <= stepMs(kLockAfter + kMaxStep)) {
            m_failures = failures;
            m_lastFailure = {last.wallMs, last.bootMs, undash(lastBoot)};
            m_lockMs = lockMs;
            m_lockEndBootMs = lockEnd;
            m_lockBootId = undash(lockBoot);
            understood = true;
        }
    } else {
        // The first format, "failures lockedUntilWallMs": the count stays, and a lock
        // (whose end was on the wall clock) starts again at its step's full length.
        std::istringstream old(first);
        int failures = 0;
        std::int64_t until = 0;
        if (old >> failures && in >> until && failures >= 0) {
            m_failures = failures;
            m_lastFailure = t;
            if (until != 0 && failures >= kLockAfter) m_lockMs = stepMs(failures);
            understood = true;
        }
    }
    // A file that is there but cannot be read or understood (damaged, a folder in its place)
    // may have held a lock: fail closed with the first step rather than forget every try.
    std::error_code ec;
    if (!understood && (std::filesystem::exists(m_file, ec) || ec)) {
        m_failures = kLockAfter;
        m_lastFailure = t;
        m_lockMs = stepMs(kLockAfter);
        m_lockBootId.clear(); // armed from now, below
    }
    // A lock from another boot (or the old format): its end on the boot clock means
    // nothing now, so it runs again for its full step from here.
    if (m_lockMs > 0 && m_lockBootId != t.bootId) {
        m_lockEndBootMs = t.bootMs + m_lockMs;
        m_lockBootId = t.bootId;
        m_unsaved = !save();
    }
}

bool PinGuard::save() {
    const std::string s = "v2 " + std::to_string(m_failures) + " " + std::to_string(m_lastFailure.wallMs) + " " +
                          std::to_string(m_lastFailure.bootMs) + " " + orDash(m_lastFailure.bootId) + " " +
                          std::to_string(m_lockMs) + " " + std::to_string(m_lockEndBootMs) + " " + orDash(m_lockBootId) + "\n";
    return writeDurably(m_file, s);
}

std::int64_t PinGuard::remaining(const Instant& t) const {
    if (m_lockMs <= 0) return 0;
    if (m_lockBootId != t.bootId) return m_lockMs; // (load() re-arms it)
    return std::clamp<std::int64_t>(m_lockEndBootMs - t.bootMs, 0, m_lockMs);
}

int PinGuard::decayed(const Instant& t) const {
    if (m_failures == 0) return 0;
    const std::int64_t elapsed = m_lastFailure.bootId == t.bootId ? t.bootMs - m_lastFailure.bootMs
                                                                   : t.wallMs - m_lastFailure.wallMs;
    const std::int64_t halvings = std::max<std::int64_t>(0, elapsed) / kDecayMs;
    return halvings >= 31 ? 0 : m_failures >> halvings;
}

int PinGuard::failures() const { return decayed(now()); }

std::int64_t PinGuard::lockedForMs() {
    const std::int64_t left = remaining(now());
    if (left == 0 && m_lockMs > 0) {
        load(); // another process may have locked again since
        if (m_lockMs > 0 && remaining(now()) == 0) {
            m_lockMs = m_lockEndBootMs = 0;
            m_lockBootId.clear();
            m_unsaved = !save();
        }
        return remaining(now());
    }
    return left;
}

bool PinGuard::attempt(const std::string& hash, const std::string& pin) {
    load(); // another process (or the last run) may have counted too
    const Instant t = now();
    if (remaining(t) > 0) return false;
    // Count the attempt first, so killing the kiosk during the check does not forget it.
    m_failures = std::min(decayed(t) + 1, 1000);
    m_lastFailure = t;
    m_lockMs = m_failures >= kLockAfter ? stepMs(m_failures) : 0;
    m_lockEndBootMs = m_lockMs ? t.bootMs + m_lockMs : 0;
    m_lockBootId = m_lockMs ? t.bootId : std::string();
    // A full or read-only disk must not turn the lockout off: the count stays in memory.
    // (The try is still allowed: staff must be able to get in to export on a full disk.)
    m_unsaved = !save();
    const bool right = hash.empty() ? pin == kDemoPin : verifyPin(hash, pin);
    if (right) {
        m_failures = 0;
        m_lastFailure = {};
        m_lockMs = m_lockEndBootMs = 0;
        m_lockBootId.clear();
        m_unsaved = !save();
    }
    return right;
}

} // namespace kiosk::core
