/// @brief KioskConfig: the one plain struct of settings, loaded from TOML and validated once.
#pragma once
#include "problem.hpp"
#include "scan/wedge.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::core {

/// [sync]: where and how leads are sent (docs/sync-protocol.md).
struct SyncConfig {
    std::string endpoint;   ///< https://… (http:// only to a loopback address); empty: sync is off
    std::string token;      ///< Authorization: Bearer …, when set
    std::string secret;     ///< whsec_<base64>: Standard Webhooks signing, when set
    std::string caFile;     ///< a private CA bundle; TLS verification is always on
    int batchSize = 100;
    double timeoutS = 30.0;
    double backoffBaseS = 2.0, backoffCapS = 300.0;
    double statusIntervalS = 60.0; ///< a heartbeat (POST …/status) this often while sync is on
    std::string statusEndpoint; ///< where heartbeats go; empty: the endpoint's last segment replaced (sync::statusUrl)
    /// The hub's page where a visitor withdraws consent; the receipt on the thank-you screen
    /// links it with ?lead=<id> while sync is on. Empty: the receipt names the organiser only.
    std::string withdrawUrl;
};

/// [signup]: what the form tells the visitor about what happens next.
struct SignupConfig {
    bool confirmationEmail = false; ///< double opt-in is on: the visitor gets an email to confirm
};

/// [staff]: the PIN and where exports go.
struct StaffConfig {
    std::string pinHash;   ///< Argon2id (crypto_pwhash_str); empty: the demo PIN works, with a warning
    /// The file names a PIN that cannot be used (pin_hash of the wrong type, not Argon2id, outside
    /// [staff]), or may name one but cannot be read or parsed: no PIN opens staff mode.
    bool pinBroken = false;
    std::string exportDir; ///< offered next to removable media
};

/// [scanner]: a badge scanner (docs/scanner.md).
struct ScannerConfig {
    ScannerLayout layout = ScannerLayout::Us; ///< the layout a keyboard-wedge scanner types in
    std::string device; ///< a serial scanner: a path, or "auto" (the first /dev/ttyACM*); empty: none
};

/// A phone needs this long to scan two or three codes: a shorter thanks_seconds is raised to it.
constexpr double kMinThanksSeconds = 20.0;

struct KioskConfig {
    std::string kioskId = "kiosk-1";
    double idleTimeoutS = 60.0; ///< total idle time on browse/profile before returning to attract
    double idleWarningS = 30.0; ///< the last seconds of it show a countdown with "Continue"
    double thanksSeconds = 30.0; ///< the thank-you screen (receipts to scan) stays this long, at least kMinThanksSeconds
    double diagonalInch = 43.0; ///< screen size, to derive mm -> px (docs/design.md)
    double pixelPitchMm = 0.0;  ///< overrides diagonalInch when > 0
    /// The height of the screen's lower edge (its picture) above the floor, for reach mode
    /// (docs/design.md): a typical floor stand.
    double mountBottomMm = 900.0;
    std::string theme = "light";
    std::string renderer = "auto"; ///< "auto", "gl" or "software" (platform/renderer.hpp)
    SyncConfig sync;
    SignupConfig signup;
    StaffConfig staff;
    ScannerConfig scanner;
};

struct ConfigLoad {
    KioskConfig config;
    std::vector<Problem> problems;
    /// false: the file could not be read or is not valid TOML, so every setting is its default.
    bool parsed = true;
    /// A problem with where or how leads go turned sync off (see loadConfig).
    bool syncRefused = false;
};

/// Reads `path`; an empty path gives the defaults. Unknown keys and bad values are
/// reported with file, line and fix; the default is kept for each bad value, except where
/// that would fail open: a bad sync.endpoint, token, secret or ca_file leaves sync off, and
/// a broken pin_hash sets pinBroken.
ConfigLoad loadConfig(const std::filesystem::path& path);

/// Why no PIN may open staff mode (the problem to show staff, with file and line), or
/// nullopt. Locked when the file names a broken PIN, or when it could not be read or parsed
/// and a PIN was ever set on this kiosk (`pinWasSet`, core::pinWasSet): its defaults would
/// bring back the demo PIN. For the same reason a kiosk that once had a PIN stays locked when
/// its config (or the lack of one) names no PIN any more.
std::optional<Problem> staffLock(const ConfigLoad& load, bool pinWasSet);

/// true when sync is off because of the config (it could not be read or parsed, or a
/// [sync] key has an error), not because no endpoint was set up.
bool syncConfigBroken(const ConfigLoad& load);

/// Empty when `url` may be sync.endpoint; else {what, fix}. https://, or http:// only when the
/// parsed host is a loopback address (127.0.0.0/8, ::1, localhost); never a user or password.
std::optional<std::pair<std::string, std::string>> endpointProblem(const std::string& url);

} // namespace kiosk::core
