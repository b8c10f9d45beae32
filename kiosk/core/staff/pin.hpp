/// @brief The staff PIN: Argon2id hashes, a lockout that survives a crash and ignores clock
/// jumps, and the marker that a PIN was ever set on this kiosk.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace kiosk::core {

/// Works until a PIN is set; the panel warns while it does (docs/staff.md).
inline constexpr const char* kDemoPin = "1234";

/// true for 4 to 8 digits.
bool validPin(const std::string& pin);
/// Argon2id (libsodium crypto_pwhash_str, interactive limits) of any secret (the hub's
/// passwords too); empty on failure.
std::string hashSecret(const std::string& secret);
bool verifySecret(const std::string& hash, const std::string& secret);
/// hashSecret of a valid PIN (empty for anything else), and its check.
std::string hashPin(const std::string& pin);
bool verifyPin(const std::string& hash, const std::string& pin);

/// DATA_DIR/pin_set: written by `kiosk set-pin` and by a kiosk that runs with a PIN, so that a
/// config that later cannot be read does not bring the demo PIN back.
std::filesystem::path pinSetMarker(const std::filesystem::path& dataDir);
/// Creates the marker (0600, fsynced, and its folder entry) unless it exists; never creates
/// the folder. false when it could not be written.
bool recordPinSet(const std::filesystem::path& dataDir);
/// true when the marker exists, and also when that cannot be told (the folder cannot be
/// searched): fail closed.
bool pinWasSet(const std::filesystem::path& dataDir);

/// The clocks the lockout measures with; tests give their own.
class PinClock {
public:
    virtual ~PinClock() = default;
    /// System time, ms since the epoch: may jump (NTP, someone setting the clock).
    virtual std::int64_t wallMs() const = 0;
    /// CLOCK_BOOTTIME in ms: never jumps, counts suspend, starts again at every boot.
    virtual std::int64_t bootMs() const = 0;
    /// Different after every boot (/proc/sys/kernel/random/boot_id).
    virtual std::string bootId() const = 0;
};
const PinClock& systemPinClock();

/// Failed attempts, kept in a file beside the leads: after 5 wrong PINs the pad locks
/// for 30 s, then 1 min, 2 min, … (at most 64 min). The count is written (and fsynced)
/// *before* a PIN is checked, so killing the kiosk mid-check does not reset it.
///
/// The lock runs on CLOCK_BOOTTIME, so a wall-clock jump either way neither lengthens nor
/// shortens it; after a reboot (another boot id) a lock starts again at its full length.
/// The count halves for every 24 h without a wrong PIN (measured on CLOCK_BOOTTIME within
/// a boot, on the wall clock across boots, where time going backwards counts as none).
class PinGuard {
public:
    explicit PinGuard(std::filesystem::path file, const PinClock& clock = systemPinClock());

    /// Milliseconds until the pad unlocks (0: open). A lock seen to have run out is
    /// cleared in the file, so the next boot does not start it again.
    std::int64_t lockedForMs();
    /// Checks `pin` against `hash` (the demo PIN when `hash` is empty). Returns true when
    /// right; false when wrong or locked.
    bool attempt(const std::string& hash, const std::string& pin);
    /// Wrong PINs counted, after the daily halving.
    int failures() const;

    static constexpr std::int64_t kDecayMs = 24LL * 3600 * 1000;

private:
    struct Instant {
        std::int64_t wallMs = 0, bootMs = 0;
        std::string bootId;
    };
    Instant now() const;
    std::int64_t remaining(const Instant& now) const;
    int decayed(const Instant& now) const;
    void load();
    bool save();

    std::filesystem::path m_file;
    const PinClock& m_clock;
    int m_failures = 0;
    Instant m_lastFailure;
    std::int64_t m_lockMs = 0;        ///< the lock's step; 0: none
    std::int64_t m_lockEndBootMs = 0; ///< on CLOCK_BOOTTIME of m_lockBootId
    std::string m_lockBootId;
    bool m_unsaved = false; ///< the last save failed: memory holds the true count
};

} // namespace kiosk::core
