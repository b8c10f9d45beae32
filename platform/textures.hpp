/// @brief Logo textures: decoded with stb_image on first use, handed to the renderer, cached by path.
#pragma once
#include "renderer.hpp"
#include "ui/widgets/widgets.hpp"

#include <filesystem>
#include <map>

namespace kiosk::platform {

class TextureCache {
public:
    explicit TextureCache(Renderer& renderer) : m_renderer(renderer) {}
    ~TextureCache() { clear(); }
    /// Frees every texture; call while the renderer is still open.
    void clear();
    /// A missing or undecodable file gives an empty Texture (the UI draws a placeholder);
    /// it is tried only once.
    ui::Texture get(const std::filesystem::path& path);

private:
    Renderer& m_renderer;
    std::map<std::filesystem::path, ui::Texture> m_cache;
};

} // namespace kiosk::platform
