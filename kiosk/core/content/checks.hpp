/// @brief Checks the content files share: ids, and pictures (logos, attract scenes).
#pragma once
#include "../toml_reader.hpp"
#include "content.hpp"

#include <filesystem>
#include <string>

namespace kiosk::core {

/// Lower-case letters and digits in groups joined by single '-'.
bool validId(const std::string& id);
/// How problems name `file` of the content folder `dir`: "content/companies/gdata.toml".
std::string shortName(const std::filesystem::path& dir, const std::filesystem::path& file);

/// The file `rel` (relative to the content folder `dir`, then the shipped assets) when the
/// kiosk can show it; otherwise empty, with a problem on `key`: outside the folder, missing,
/// too large, too small, not a PNG or JPEG (decoded only with options.decodeImages).
std::filesystem::path checkedImage(TomlReader& r, const std::string& key, const std::filesystem::path& dir,
                                   const std::string& rel, const LoadOptions& options);

} // namespace kiosk::core
