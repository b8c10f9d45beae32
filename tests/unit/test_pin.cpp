// Unit tests of the staff PIN (core/staff/pin): Argon2id hashing, the 4-8 digit rule,
// and PinGuard's lockout (5 wrong -> 30 s, then 60 s, 120 s, ...), which is written to
// its file before the PIN is checked, so neither a restart nor a kill mid-check resets it.
#include "core/staff/pin.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using kiosk::test::TempDir;
using kiosk::test::readFile;
using namespace kiosk::core;

namespace {

void writeFile(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << s;
    REQUIRE(out.good());
}

constexpr std::int64_t kT0 = 1'780'000'000'000; // some wall-clock time (2026)
constexpr std::int64_t kBoot0 = 7'200'000;       // CLOCK_BOOTTIME at kT0: two hours after boot
const std::string kDemoHash;                    // empty: the demo PIN 1234 works

/// The lockout's clocks, set by each test: the wall clock, the boot clock and the boot id.
struct FakeClock final : PinClock {
    std::int64_t wall = kT0, boot = kBoot0;
    std::string id = "boot-1";
    std::int64_t wallMs() const override { return wall; }
    std::int64_t bootMs() const override { return boot; }
    std::string bootId() const override { return id; }
};
FakeClock gClock;

/// The clocks at wall time `t` on the first boot, both running together.
FakeClock& clockAt(std::int64_t t) {
    gClock.wall = t;
    gClock.boot = kBoot0 + (t - kT0);
    gClock.id = "boot-1";
    return gClock;
}

std::int64_t lockedAt(PinGuard& g, std::int64_t t) {
    clockAt(t);
    return g.lockedForMs();
}

bool attemptAt(PinGuard& g, const std::string& hash, const std::string& pin, std::int64_t t) {
    clockAt(t);
    return g.attempt(hash, pin);
}

/// The attempts file's fields (format v2).
struct FileState {
    std::string version;
    int failures = -1;
    std::int64_t lastWallMs = 0, lastBootMs = 0, lockMs = 0, lockEndBootMs = 0;
    std::string lastBootId, lockBootId;
};
FileState fileState(const fs::path& file) {
    std::istringstream in(readFile(file));
    FileState s;
    in >> s.version >> s.failures >> s.lastWallMs >> s.lastBootMs >> s.lastBootId >> s.lockMs >> s.lockEndBootMs >> s.lockBootId;
    return s;
}
/// The file holds `failures` and no lock.
bool fileCounts(const fs::path& file, int failures) {
    const FileState s = fileState(file);
    return s.version == "v2" && s.failures == failures && s.lockMs == 0 && s.lockBootId == "-";
}

/// n wrong attempts at `now` (none of them may succeed).
void wrong(PinGuard& g, int n, std::int64_t now) {
    for (int i = 0; i < n; ++i) CHECK_FALSE(attemptAt(g, kDemoHash, "9999", now));
}

/// One Argon2id hash for the whole file (each costs ~0.1 s and 64 MiB).
const std::string& hash1234() {
    static const std::string h = hashPin("1234");
    return h;
}

} // namespace

TEST_SUITE("pin") {

// ---------------------------------------------------------------------------------------------
// Hashing and the PIN rule

TEST_CASE("staff PIN: hashPin gives an Argon2id string that verifyPin accepts for the right PIN only") {
    const std::string& h = hash1234();
    REQUIRE_FALSE(h.empty());
    CHECK(h.rfind("$argon2id$", 0) == 0);
    CHECK(h.find("1234") == std::string::npos); // not the PIN in any readable form
    CHECK(verifyPin(h, "1234"));
    CHECK_FALSE(verifyPin(h, "1235"));
    CHECK_FALSE(verifyPin(h, "12345"));
    CHECK_FALSE(verifyPin(h, "123"));
    CHECK_FALSE(verifyPin(h, ""));
    CHECK_FALSE(verifyPin(h, "1234 "));
}

TEST_CASE("staff PIN: two hashes of the same PIN differ (random salt) and both verify") {
    const std::string a = hash1234(), b = hashPin("1234");
    REQUIRE_FALSE(b.empty());
    CHECK(a != b);
    CHECK(verifyPin(b, "1234"));
    const std::string eight = hashPin("87654321");
    REQUIRE_FALSE(eight.empty());
    CHECK(verifyPin(eight, "87654321"));
    CHECK_FALSE(verifyPin(eight, "8765432"));
}

TEST_CASE("staff PIN: verifyPin refuses an empty or damaged hash") {
    CHECK_FALSE(verifyPin("", "1234"));
    CHECK_FALSE(verifyPin("1234", "1234"));
    CHECK_FALSE(verifyPin("$argon2id$garbage", "1234"));
    std::string h = hash1234();
    h.back() = h.back() == 'A' ? 'B' : 'A'; // one character of the digest changed
    CHECK_FALSE(verifyPin(h, "1234"));
}

TEST_CASE("staff PIN: validPin takes 4 to 8 ASCII digits and nothing else") {
    for (const char* ok : {"0000", "1234", "12345", "123456", "1234567", "12345678", "00000000"}) {
        CAPTURE(ok);
        CHECK(validPin(ok));
    }
    for (const char* bad : {"", "1", "123", "123456789", "12a4", "abcd", " 1234", "1234 ", "12 34", "-123", "+1234",
                            "12.4", "1234\n", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94" /* fullwidth 1234 */,
                            "\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4" /* Arabic-Indic digits */}) {
        CAPTURE(bad);
        CHECK_FALSE(validPin(bad));
    }
    CHECK_FALSE(validPin(std::string("12\0004", 4))); // an embedded NUL
}

TEST_CASE("staff PIN: hashPin refuses a PIN that validPin refuses") {
    CHECK(hashPin("123").empty());
    CHECK(hashPin("123456789").empty());
    CHECK(hashPin("12a4").empty());
    CHECK(hashPin("").empty());
}

// ---------------------------------------------------------------------------------------------
// PinGuard

TEST_CASE("staff PIN: PinGuard with no file starts clean and the demo PIN works without a hash") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    CHECK(g.failures() == 0);
    CHECK(lockedAt(g, kT0) == 0);
    CHECK(attemptAt(g, kDemoHash, kDemoPin, kT0));
    CHECK(g.failures() == 0);
    CHECK_FALSE(attemptAt(g, kDemoHash, "4321", kT0));
    CHECK(g.failures() == 1);
}

TEST_CASE("staff PIN: with a hash set only that PIN works, not the demo PIN") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    const std::string h = hashPin("55667788");
    REQUIRE_FALSE(h.empty());
    CHECK_FALSE(attemptAt(g, h, kDemoPin, kT0));
    CHECK(g.failures() == 1);
    CHECK(attemptAt(g, h, "55667788", kT0));
    CHECK(g.failures() == 0);
}

TEST_CASE("staff PIN: 4 wrong PINs do not lock, the 5th locks for exactly 30 s") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    wrong(g, 4, kT0);
    CHECK(g.failures() == 4);
    CHECK(lockedAt(g, kT0) == 0);
    CHECK(lockedAt(g, kT0 + 1'000'000) == 0);
    wrong(g, 1, kT0 + 500);
    CHECK(g.failures() == 5);
    CHECK(lockedAt(g, kT0 + 500) == 30'000);
    CHECK(lockedAt(g, kT0 + 500 + 29'999) == 1);
    CHECK(lockedAt(g, kT0 + 500 + 30'000) == 0);
}

TEST_CASE("staff PIN: while locked even the right PIN is refused and the attempt is not counted") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    wrong(g, 5, kT0);
    const std::string before = readFile(t / "pin_attempts");
    CHECK_FALSE(attemptAt(g, kDemoHash, kDemoPin, kT0 + 1'000));
    CHECK_FALSE(attemptAt(g, kDemoHash, kDemoPin, kT0 + 29'999));
    CHECK_FALSE(attemptAt(g, kDemoHash, "0000", kT0 + 15'000));
    CHECK(g.failures() == 5);
    CHECK(lockedAt(g, kT0 + 1'000) == 29'000); // the lock is not extended by tries during it
    CHECK(readFile(t / "pin_attempts") == before);
    // Once it has run out, the right PIN opens and everything is reset.
    CHECK(attemptAt(g, kDemoHash, kDemoPin, kT0 + 30'000));
    CHECK(g.failures() == 0);
    CHECK(lockedAt(g, kT0 + 30'000) == 0);
}

TEST_CASE("staff PIN: the lock grows 30 s, 60 s, 120 s, 240 s ... and stops growing") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    std::int64_t now = kT0;
    wrong(g, 5, now);
    std::int64_t expected = 30'000;
    std::int64_t last = 0;
    for (int round = 0; round < 12; ++round) {
        CAPTURE(round);
        const std::int64_t locked = lockedAt(g, now);
        if (round < 8) CHECK(locked == expected);
        else CHECK(locked == last); // capped
        CHECK(locked <= 3'840'000);  // 30 s << 7: 64 min at most
        last = locked;
        if (expected < 3'840'000) expected *= 2;
        now += locked; // wait it out
        CHECK(lockedAt(g, now) == 0);
        wrong(g, 1, now); // one more wrong PIN locks again at once, for longer
    }
    CHECK(g.failures() == 5 + 12);
}

TEST_CASE("staff PIN: the right PIN resets the count, so 4 more wrong ones do not lock") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    wrong(g, 4, kT0);
    CHECK(attemptAt(g, kDemoHash, kDemoPin, kT0));
    CHECK(g.failures() == 0);
    CHECK(fileCounts(t / "pin_attempts", 0));
    wrong(g, 4, kT0);
    CHECK(lockedAt(g, kT0) == 0);
    wrong(g, 1, kT0);
    CHECK(lockedAt(g, kT0) == 30'000); // back to the first step, not 60 s
}

TEST_CASE("staff PIN: after a lock ran out the right PIN resets it to the first step") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0));
    wrong(g, 6, kT0);          // 5th locks; the 6th is refused (locked) and not counted
    CHECK(g.failures() == 5);
    CHECK(attemptAt(g, kDemoHash, kDemoPin, kT0 + 30'000));
    wrong(g, 5, kT0 + 40'000);
    CHECK(lockedAt(g, kT0 + 40'000) == 30'000);
}

TEST_CASE("staff PIN: the count is in the file after every wrong attempt, and a second PinGuard sees it") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard a(file, clockAt(kT0));
    for (int i = 1; i <= 4; ++i) {
        CAPTURE(i);
        CHECK_FALSE(attemptAt(a, kDemoHash, "0000", kT0));
        CHECK(fileCounts(file, i));
        PinGuard b(file, clockAt(kT0)); // a restarted kiosk
        CHECK(b.failures() == i);
        CHECK(lockedAt(b, kT0) == 0);
    }
    CHECK_FALSE(attemptAt(a, kDemoHash, "0000", kT0));
    const FileState locked = fileState(file);
    CHECK(locked.failures == 5);
    CHECK(locked.lockMs == 30'000);
    CHECK(locked.lockEndBootMs == kBoot0 + 30'000); // on the boot clock, not the wall clock
    CHECK(locked.lockBootId == "boot-1");
    PinGuard b(file, clockAt(kT0));
    CHECK(b.failures() == 5);
    CHECK(lockedAt(b, kT0 + 10'000) == 20'000);
    CHECK_FALSE(attemptAt(b, kDemoHash, kDemoPin, kT0 + 10'000)); // the lock survived the "restart"
}

TEST_CASE("staff PIN: the file is private (0600) and no temp file is left beside it") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard g(file, clockAt(kT0));
    wrong(g, 2, kT0);
    struct stat st{};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(fs::exists(file.string() + ".tmp"));
}

TEST_CASE("staff PIN: two guards on one file (two processes) count together") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard a(file, clockAt(kT0)), b(file, clockAt(kT0));
    for (int i = 0; i < 5; ++i) wrong(i % 2 ? b : a, 1, kT0);
    // a made the 5th attempt and knows; b has not re-read the file since its last one ...
    CHECK(lockedAt(a, kT0) == 30'000);
    CHECK(lockedAt(b, kT0) == 0);
    CHECK_FALSE(attemptAt(b, kDemoHash, kDemoPin, kT0)); // ... but attempt() does, and refuses
    CHECK(PinGuard(file, clockAt(kT0)).lockedForMs() == 30'000);
}

TEST_CASE("staff PIN: the count is written before the PIN is checked (watched during a real Argon2id check)") {
    // With the right PIN the count ends at 0 again, so seeing "1" in the file while
    // attempt() runs proves it was written (and renamed into place) before the check.
    TempDir t;
    const fs::path file = t / "pin_attempts";
    const std::string& h = hash1234();
    PinGuard g(file, clockAt(kT0));
    std::atomic<bool> done{false}, sawOne{false};
    std::thread watcher([&] {
        while (!done.load()) {
            if (readFile(file).rfind("v2 1 ", 0) == 0) sawOne = true;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    const bool right = attemptAt(g, h, "1234", kT0);
    done = true;
    watcher.join();
    CHECK(right);
    CHECK(sawOne.load());
    CHECK(fileCounts(file, 0));
}

TEST_CASE("staff PIN: a kiosk killed (SIGKILL) while checking the PIN keeps the attempt counted") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    writeFile(file, "4 0\n");
    const std::string& h = hash1234();
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(ready[0]);
        PinGuard g(file, clockAt(kT0));
        (void)!::write(ready[1], "x", 1);
        // The right PIN: if it got to the end, the count would be 0 again.
        const bool ok = attemptAt(g, h, "1234", kT0);
        ::_exit(ok ? 0 : 1);
    }
    ::close(ready[1]);
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    // Kill as soon as the count is on disk (during the Argon2id check: tens of ms).
    bool killed = false;
    for (int i = 0; i < 200000 && !killed; ++i) {
        if (readFile(file).rfind("v2 5 ", 0) == 0) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
        MESSAGE("the check finished before the kill (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
                                                           << "); nothing to conclude this time");
        return;
    }
    PinGuard after(file, clockAt(kT0)); // the restarted kiosk
    CHECK(after.failures() == 5);
    CHECK(lockedAt(after, kT0) == 30'000); // the 5th attempt was counted and locked, though unfinished
}

TEST_CASE("staff PIN: a missing file starts clean; an empty, damaged or unreadable one locks for the first step") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    // Damaged files could have held a lock: forgetting every try would reopen the pad to guessing.
    for (const std::string& content :
         {std::string(), std::string("garbage\n"), std::string("3"), std::string("x 123\n"), std::string("\x01\x02\xFF\xFE"),
          std::string("\n\n"), std::string("abc def ghi")}) {
        CAPTURE(content);
        writeFile(file, content);
        PinGuard g(file, clockAt(kT0));
        CHECK(g.failures() == 5);
        CHECK(lockedAt(g, kT0) == 30'000);
        CHECK_FALSE(attemptAt(g, kDemoHash, kDemoPin, kT0)); // locked
        CHECK(attemptAt(g, kDemoHash, kDemoPin, kT0 + 30'000)); // and works once the step ran out
        CHECK(fileCounts(file, 0));                              // and repairs the file
    }
    // A folder where the file should be: cannot be read or written, locked all the same.
    fs::remove(file);
    fs::create_directories(file);
    {
        PinGuard g(file, clockAt(kT0));
        CHECK(lockedAt(g, kT0) == 30'000);
    }
    fs::remove(file);
    PinGuard g(file, clockAt(kT0));
    CHECK(g.failures() == 0);
    wrong(g, 1, kT0);
    CHECK(fileCounts(file, 1));
}

TEST_CASE("staff PIN: a lock in the file from the last run is honoured") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    writeFile(file, "7 " + std::to_string(kT0 + 120'000) + "\n");
    PinGuard g(file, clockAt(kT0));
    CHECK(g.failures() == 7);
    CHECK(lockedAt(g, kT0) == 120'000);
    CHECK_FALSE(attemptAt(g, kDemoHash, kDemoPin, kT0 + 60'000));
    // After it, the next wrong PIN locks for the next step (8th failure: 30 s << 3).
    wrong(g, 1, kT0 + 120'000);
    CHECK(lockedAt(g, kT0 + 120'000) == 240'000);
}

TEST_CASE("staff PIN: the lockout holds even when the attempts file cannot be written") {
    // A full or read-only data disk must not turn the lockout off: 5 wrong PINs still lock
    // this kiosk (at least until it restarts). The guard's folder does not exist here, so
    // every save fails (this works as root too).
    TempDir t;
    const fs::path file = t / "no-such-folder" / "pin_attempts";
    PinGuard g(file, clockAt(kT0));
    wrong(g, 5, kT0);
    CHECK(g.failures() >= 5);
    CHECK(lockedAt(g, kT0) > 0);
    CHECK_FALSE(attemptAt(g, kDemoHash, kDemoPin, kT0 + 1'000));
    // A sixth, seventh ... wrong try: still no way to try on without a pause.
    int refusedByLock = 0;
    for (int i = 0; i < 20; ++i) {
        if (lockedAt(g, kT0 + 2'000) > 0) ++refusedByLock;
        (void)attemptAt(g, kDemoHash, "0000", kT0 + 2'000);
    }
    CHECK(refusedByLock == 20);
}

// ---------------------------------------------------------------------------------------------
// The lock follows elapsed time, not the wall clock (issue 10)

TEST_CASE("staff PIN: a lock taken with the clock a day ahead ends 30 s later when NTP puts the clock back") {
    TempDir t;
    PinGuard g(t / "pin_attempts", clockAt(kT0 + PinGuard::kDecayMs));
    wrong(g, 5, kT0 + PinGuard::kDecayMs); // the clock is a day ahead
    CHECK(lockedAt(g, kT0 + PinGuard::kDecayMs) == 30'000);
    // NTP corrects the wall clock by a day; 10 s pass on the boot clock.
    gClock.wall -= PinGuard::kDecayMs - 10'000;
    gClock.boot += 10'000;
    CHECK(g.lockedForMs() == 20'000);
    CHECK(PinGuard(t / "pin_attempts", gClock).lockedForMs() == 20'000); // a restarted kiosk too
    gClock.wall += 20'000;
    gClock.boot += 20'000;
    CHECK(g.lockedForMs() == 0);
    CHECK(g.attempt(kDemoHash, kDemoPin));
}

TEST_CASE("staff PIN: a wall clock set forward does not end a lock early") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard g(file, clockAt(kT0));
    wrong(g, 5, kT0);
    gClock.wall += 7 * PinGuard::kDecayMs; // a week ahead, no time passed
    CHECK(g.lockedForMs() == 30'000);
    CHECK_FALSE(g.attempt(kDemoHash, kDemoPin));
    CHECK(PinGuard(file, gClock).lockedForMs() == 30'000);
    gClock.wall -= 14 * PinGuard::kDecayMs; // and a week behind
    CHECK(g.lockedForMs() == 30'000);
}

TEST_CASE("staff PIN: after a reboot a running lock starts again at its full length, whatever the clocks say") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    {
        PinGuard g(file, clockAt(kT0));
        wrong(g, 6, kT0);              // the 6th is refused (locked)
        CHECK(lockedAt(g, kT0 + 20'000) == 10'000);
    }
    for (const std::int64_t wall : {kT0 + 30 * PinGuard::kDecayMs, kT0 - PinGuard::kDecayMs}) {
        CAPTURE(wall);
        gClock.id = "boot-2-" + std::to_string(wall); // a new boot: the boot clock starts again
        gClock.boot = 15'000;
        gClock.wall = wall;
        PinGuard g(file, gClock);
        CHECK(g.lockedForMs() == 30'000);
        CHECK_FALSE(g.attempt(kDemoHash, kDemoPin));
        const FileState s = fileState(file);
        CHECK(s.lockBootId == gClock.id);
        CHECK(s.lockEndBootMs == 45'000);
    }
    // On this boot it runs out as usual.
    gClock.boot = 45'000;
    PinGuard g(file, gClock);
    CHECK(g.lockedForMs() == 0);
    CHECK(fileState(file).lockMs == 0); // seen to run out: the next boot does not start it again
    gClock.id = "boot-3";
    gClock.boot = 1'000;
    CHECK(PinGuard(file, gClock).lockedForMs() == 0);
    CHECK(PinGuard(file, gClock).attempt(kDemoHash, kDemoPin));
}

TEST_CASE("staff PIN: a damaged lock length in the file cannot lock longer than the longest step") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    writeFile(file, "v2 9 0 0 boot-1 999999999999 999999999999 boot-1\n");
    PinGuard g(file, clockAt(kT0));
    CHECK(g.lockedForMs() == 30'000); // refused as damaged: the first step, as for any damaged file
    writeFile(file, "v2 9 0 0 boot-1 60000 999999999999 boot-1\n");
    PinGuard h(file, clockAt(kT0));
    CHECK(h.lockedForMs() == 60'000); // an end beyond its step is cut to the step
}

TEST_CASE("staff PIN: the count halves for every day without a wrong PIN, so a busy fair does not ratchet") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard g(file, clockAt(kT0));
    wrong(g, 5, kT0);
    wrong(g, 1, kT0 + 30'000); // 6 failures, locked 60 s
    CHECK(g.failures() == 6);
    CHECK(lockedAt(g, kT0 + 30'000 + PinGuard::kDecayMs - 1) == 0);
    CHECK(g.failures() == 6); // not a full day yet
    clockAt(kT0 + 30'000 + PinGuard::kDecayMs);
    CHECK(g.failures() == 3);
    CHECK(PinGuard(file, gClock).failures() == 3);
    wrong(g, 1, kT0 + 30'000 + PinGuard::kDecayMs); // 4: no lock
    CHECK(g.failures() == 4);
    CHECK(g.lockedForMs() == 0);
    clockAt(kT0 + 30'000 + 3 * PinGuard::kDecayMs + 1);
    CHECK(g.failures() == 1); // two days: a quarter
    clockAt(kT0 + 30'000 + 60 * PinGuard::kDecayMs);
    CHECK(g.failures() == 0);
}

TEST_CASE("staff PIN: across a reboot the count decays by the wall clock, never by time going backwards") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    PinGuard g(file, clockAt(kT0));
    wrong(g, 4, kT0);
    gClock.id = "boot-2";
    gClock.boot = 5'000;
    gClock.wall = kT0 - 3 * PinGuard::kDecayMs; // the new boot's clock is behind
    CHECK(PinGuard(file, gClock).failures() == 4);
    gClock.wall = kT0 + PinGuard::kDecayMs + 1; // a day later (the kiosk was off overnight)
    CHECK(PinGuard(file, gClock).failures() == 2);
    // Within a boot the wall clock does not count: set a week ahead, nothing decays.
    PinGuard h(file, clockAt(kT0));
    wrong(h, 1, kT0);
    gClock.wall += 7 * PinGuard::kDecayMs;
    CHECK(h.failures() == 5);
}

TEST_CASE("staff PIN: the first file format still loads: the count stays and a lock starts again at its step") {
    TempDir t;
    const fs::path file = t / "pin_attempts";
    // Written by the old kiosk with the clock a day ahead: its lock would have lasted a day.
    writeFile(file, "5 " + std::to_string(kT0 + PinGuard::kDecayMs) + "\n");
    PinGuard g(file, clockAt(kT0));
    CHECK(g.failures() == 5);
    CHECK(g.lockedForMs() == 30'000);
    CHECK(fileState(file).version == "v2"); // migrated
    writeFile(file, "3 0\n");
    PinGuard h(file, clockAt(kT0));
    CHECK(h.failures() == 3);
    CHECK(h.lockedForMs() == 0);
}

TEST_CASE("staff PIN: the system clocks: CLOCK_BOOTTIME moves, the boot id is the kernel's") {
    const PinClock& c = systemPinClock();
    const std::int64_t b = c.bootMs();
    CHECK(b > 0);
    CHECK(c.wallMs() > kT0 - 400LL * PinGuard::kDecayMs);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(c.bootMs() >= b + 15);
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    if (in >> id) CHECK(c.bootId() == id);
    CHECK_FALSE(c.bootId().empty());
}

TEST_CASE("staff PIN: the marker that a PIN was set is private, durable, never makes its folder, and is kept") {
    TempDir t;
    CHECK_FALSE(pinWasSet(t.path()));
    CHECK(recordPinSet(t.path()));
    CHECK(pinWasSet(t.path()));
    CHECK(kiosk::test::modeOf(pinSetMarker(t.path())) == 0600);
    CHECK_FALSE(fs::exists(pinSetMarker(t.path()).string() + ".tmp"));
    CHECK(recordPinSet(t.path())); // already there: fine
    CHECK_FALSE(recordPinSet(t / "missing"));
    CHECK_FALSE(fs::exists(t / "missing"));
    CHECK_FALSE(pinWasSet(t / "missing"));
    // A file where the data folder should be: it cannot be told, so it counts as set.
    TempDir::write(t / "file", "x");
    CHECK(pinWasSet(t / "file"));
}

} // TEST_SUITE pin
