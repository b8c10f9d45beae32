/// @brief The staff PIN: Argon2id hashes, and a lockout that survives a crash.
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
/// Argon2id (libsodium crypto_pwhash_str, interactive limits); empty on failure.
std::string hashPin(const std::string& pin);
bool verifyPin(const std::string& hash, const std::string& pin);

/// Failed attempts, kept in a file beside the leads: after 5 wrong PINs the pad locks
/// for 30 s, then 1 min, 2 min, … (at most 64 min). The count is written (and fsynced)
/// *before* a PIN is checked, so killing the kiosk mid-check does not reset it.
class PinGuard {
public:
    explicit PinGuard(std::filesystem::path file) : m_file(std::move(file)) { load(); }

    /// Milliseconds until the pad unlocks (0: open).
    std::int64_t lockedForMs(std::int64_t nowMs) const;
    /// Checks `pin` against `hash` (the demo PIN when `hash` is empty). Returns true when
    /// right; false when wrong or locked.
    bool attempt(const std::string& hash, const std::string& pin, std::int64_t nowMs);
    int failures() const { return m_failures; }

private:
    void load();
    bool save();

    std::filesystem::path m_file;
    int m_failures = 0;
    std::int64_t m_lockedUntilMs = 0;
    bool m_unsaved = false; ///< the last save failed: memory holds the true count
};

} // namespace kiosk::core
