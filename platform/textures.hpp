/// @brief Logo textures: decoded with stb_image on first use, uploaded to GL, cached by path.
#pragma once
#include "ui/widgets/widgets.hpp"

#include <filesystem>
#include <map>

namespace kiosk::platform {

class TextureCache {
public:
    ~TextureCache() { clear(); }
    /// Frees every texture; call while the GL context is still current.
    void clear();
    /// A missing or undecodable file gives an empty Texture (the UI draws a placeholder);
    /// it is tried only once.
    ui::Texture get(const std::filesystem::path& path);

private:
    std::map<std::filesystem::path, ui::Texture> m_cache;
};

} // namespace kiosk::platform
