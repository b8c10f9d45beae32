/// @brief KioskConfig: the one plain struct of settings, loaded from TOML and validated once.
#pragma once
#include "problem.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::core {

struct KioskConfig {
    std::string kioskId = "kiosk-1";
    double idleTimeoutS = 60.0; ///< total idle time on browse/profile before returning to attract
    double idleWarningS = 30.0; ///< the last seconds of it show a countdown with "Continue"
    double diagonalInch = 43.0; ///< screen size, to derive mm -> px (DESIGN.md)
    double pixelPitchMm = 0.0;  ///< overrides diagonalInch when > 0
    std::string theme = "light";
};

struct ConfigLoad {
    KioskConfig config;
    std::vector<Problem> problems;
};

/// Reads `path`; an empty path gives the defaults. Unknown keys and bad values are
/// reported with file, line and fix; the default is kept for each bad value.
ConfigLoad loadConfig(const std::filesystem::path& path);

} // namespace kiosk::core
