/// @brief Where the shipped content, assets and fonts are, for an installed or a build-tree binary.
#pragma once
#include <filesystem>

namespace kiosk::core {

std::filesystem::path shippedContentDir();
/// The content to show when --content is not given: the organiser's override in
/// /etc/stand-kiosk/content when present, else the shipped demo content.
std::filesystem::path defaultContentDir();
/// /etc/stand-kiosk/kiosk.toml when present (the installed package's), else empty (defaults).
std::filesystem::path defaultConfigFile();
std::filesystem::path shippedAssetsDir();
/// Where state lives when --data-dir is not given: $XDG_DATA_HOME/stand-kiosk,
/// else ~/.local/share/stand-kiosk.
std::filesystem::path defaultDataDir();
/// Noto Sans from fonts-noto-core; `bold` picks the bold face.
std::filesystem::path fontPath(bool bold);

} // namespace kiosk::core
