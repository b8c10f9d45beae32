#include "textures.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

namespace kiosk::platform {

TextureCache::TextureCache(Renderer& renderer, int limitPx, std::function<void()> wake)
    : m_renderer(renderer), m_limit(std::max(64, limitPx)), m_wake(std::move(wake)) {}

TextureCache::~TextureCache() { clear(); }

void TextureCache::preload(const std::vector<std::filesystem::path>& paths) {
    for (const auto& p : paths) queue(p);
}

void TextureCache::queue(const std::filesystem::path& path) {
    if (path.empty() || !m_seen.insert(path).second) return;
    std::lock_guard lock(m_mutex);
    if (m_stop) return;
    m_todo.push_back(path);
    if (!m_thread.joinable()) m_thread = std::thread([this] { work(); });
    m_cv.notify_one();
}

void TextureCache::work() {
    pthread_setname_np(pthread_self(), "kiosk-logos");
    // Below the frame loop: on a busy two-core stand PC a decode takes only what frames leave.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    auto start = std::chrono::steady_clock::now();
    int count = 0;
    for (;;) {
        std::filesystem::path path;
        {
            std::unique_lock lock(m_mutex);
            if (m_todo.empty() && count > 0 && !m_stop) {
                const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                std::fprintf(stderr, "kiosk: %d logos decoded on the loader thread in %.0f ms\n", count, ms);
                count = 0; // said once per batch
            }
            m_cv.wait(lock, [this] { return m_stop || !m_todo.empty(); });
            if (m_stop) return;
            if (count == 0) start = std::chrono::steady_clock::now(); // a batch's time, not since the first one
            path = std::move(m_todo.front());
            m_todo.pop_front();
        }
        Decoded d = decode(path);
        ++count;
        {
            std::lock_guard lock(m_mutex);
            m_done.push_back(std::move(d));
        }
        m_doneCv.notify_one();
        if (m_wake) m_wake();
    }
}

TextureCache::Decoded TextureCache::decode(const std::filesystem::path& path) const {
    Decoded d{path, {}, 0, 0};
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 4); // RGBA, straight alpha
    if (!px) {
        std::fprintf(stderr, "kiosk: %s: cannot decode image (%s); showing a placeholder\n", path.c_str(),
                     stbi_failure_reason());
        return d;
    }
    // Logos are drawn at most ~8 em wide: a 512 px file is scaled down once here
    // (with software rendering every texture byte is process memory).
    if (std::max(w, h) > m_limit) {
        const float s = float(m_limit) / float(std::max(w, h));
        const int nw = std::max(1, int(float(w) * s)), nh = std::max(1, int(float(h) * s));
        d.rgba.resize(size_t(nw) * size_t(nh) * 4);
        if (stbir_resize_uint8_srgb(px, w, h, 0, d.rgba.data(), nw, nh, 0, 4, 3, 0)) { // alpha-aware: no dark seams
            d.w = nw;
            d.h = nh;
            stbi_image_free(px);
            return d;
        }
    }
    d.rgba.assign(px, px + size_t(w) * size_t(h) * 4);
    d.w = w;
    d.h = h;
    stbi_image_free(px);
    return d;
}

bool TextureCache::upload() {
    std::vector<Decoded> done;
    {
        std::lock_guard lock(m_mutex);
        done.swap(m_done);
    }
    for (auto& d : done) {
        ui::Texture tex;
        if (!d.rgba.empty())
            if (ImTextureID id = m_renderer.createTexture(d.rgba.data(), d.w, d.h)) tex = {id, d.w, d.h};
        m_cache[d.path] = tex;
    }
    return !done.empty();
}

void TextureCache::clear() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_todo.clear();
    }
    m_cv.notify_one();
    if (m_thread.joinable()) m_thread.join(); // at most the logo being decoded
    m_done.clear();
    for (auto& [path, tex] : m_cache)
        if (tex.id) m_renderer.destroyTexture(tex.id);
    m_cache.clear();
}

ui::Texture TextureCache::get(const std::filesystem::path& path) {
    if (path.empty()) return {};
    auto it = m_cache.find(path);
    if (it != m_cache.end()) return it->second;
    queue(path);
    while (m_waitForDecode && !m_cache.count(path)) {
        {
            std::unique_lock lock(m_mutex);
            m_doneCv.wait(lock, [this] { return !m_done.empty() || m_stop; });
            if (m_stop) return {};
        }
        upload();
    }
    auto ready = m_cache.find(path);
    return ready != m_cache.end() ? ready->second : ui::Texture{};
}

} // namespace kiosk::platform
