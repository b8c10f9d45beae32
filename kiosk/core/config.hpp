/// @brief KioskConfig: the one plain struct of settings, loaded from TOML and validated once.
#pragma once
#include "problem.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::core {

/// [sync]: where and how leads are sent (docs/sync-protocol.md).
struct SyncConfig {
    std::string endpoint;   ///< https://…; empty: sync is off
    std::string token;      ///< Authorization: Bearer …, when set
    std::string secret;     ///< whsec_<base64>: Standard Webhooks signing, when set
    std::string caFile;     ///< a private CA bundle; TLS verification is always on
    int batchSize = 100;
    double timeoutS = 30.0;
    double backoffBaseS = 2.0, backoffCapS = 300.0;
};

/// [staff]: the PIN and where exports go.
struct StaffConfig {
    std::string pinHash;   ///< Argon2id (crypto_pwhash_str); empty: the demo PIN works, with a warning
    std::string exportDir; ///< offered next to removable media
};

struct KioskConfig {
    std::string kioskId = "kiosk-1";
    double idleTimeoutS = 60.0; ///< total idle time on browse/profile before returning to attract
    double idleWarningS = 30.0; ///< the last seconds of it show a countdown with "Continue"
    double diagonalInch = 43.0; ///< screen size, to derive mm -> px (DESIGN.md)
    double pixelPitchMm = 0.0;  ///< overrides diagonalInch when > 0
    std::string theme = "light";
    std::string renderer = "auto"; ///< "auto", "gl" or "software" (platform/renderer.hpp)
    SyncConfig sync;
    StaffConfig staff;
};

struct ConfigLoad {
    KioskConfig config;
    std::vector<Problem> problems;
};

/// Reads `path`; an empty path gives the defaults. Unknown keys and bad values are
/// reported with file, line and fix; the default is kept for each bad value.
ConfigLoad loadConfig(const std::filesystem::path& path);

} // namespace kiosk::core
