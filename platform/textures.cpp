#include "textures.hpp"

#include <glad/gl.h>
#include <stb_image.h>

#include <cstdint>
#include <cstdio>

namespace kiosk::platform {

void TextureCache::clear() {
    for (auto& [path, tex] : m_cache) {
        GLuint id = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(tex.id));
        if (id) glDeleteTextures(1, &id);
    }
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
        GLuint id = 0;
        glGenTextures(1, &id);
        glBindTexture(GL_TEXTURE_2D, id);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
        // Logos are drawn far smaller than their files: mipmaps keep them from shimmering.
        glGenerateMipmap(GL_TEXTURE_2D);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        stbi_image_free(px);
        tex = {reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id)), w, h};
    }
    m_cache.emplace(path, tex);
    return tex;
}

} // namespace kiosk::platform
