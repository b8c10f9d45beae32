#include "textures.hpp"

#include "ui/theme.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace kiosk::platform {

void TextureCache::clear() {
    for (auto& [path, tex] : m_cache) m_renderer.destroyTexture(tex.id);
    m_cache.clear();
}

ui::Texture TextureCache::get(const std::filesystem::path& path) {
    if (path.empty()) return {};
    auto it = m_cache.find(path);
    if (it != m_cache.end()) return it->second;

    ui::Texture tex;
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 4); // RGBA, straight alpha
    if (!px) {
        std::fprintf(stderr, "kiosk: %s: cannot decode image (%s); showing a placeholder\n", path.c_str(),
                     stbi_failure_reason());
    } else {
        // Logos are drawn at most ~8 em wide: a 512 px file is scaled down once here
        // (with software rendering every texture byte is process memory).
        const int limit = std::max(64, static_cast<int>(ui::em(10.0f)));
        if (std::max(w, h) > limit) {
            const float s = float(limit) / float(std::max(w, h));
            const int nw = std::max(1, int(float(w) * s)), nh = std::max(1, int(float(h) * s));
            std::vector<unsigned char> small(size_t(nw) * nh * 4);
            if (stbir_resize_uint8_srgb(px, w, h, 0, small.data(), nw, nh, 0, 4, 3, 0)) { // alpha-aware: no dark seams
                stbi_image_free(px);
                px = static_cast<unsigned char*>(std::malloc(small.size()));
                std::memcpy(px, small.data(), small.size());
                w = nw;
                h = nh;
            }
        }
        if (ImTextureID id = m_renderer.createTexture(px, w, h)) tex = {id, w, h};
        stbi_image_free(px);
    }
    m_cache.emplace(path, tex);
    return tex;
}

} // namespace kiosk::platform
