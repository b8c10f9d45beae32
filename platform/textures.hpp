/// @brief Logo textures: decoded and scaled down on a loader thread, uploaded by the frame loop.
#pragma once
#include "renderer.hpp"
#include "ui/widgets/widgets.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace kiosk::platform {

/// The frame loop never decodes an image: a 4096² PNG takes ~0.4 s, and nine of them
/// froze the first tap for 3.75 s. A logo not decoded yet is an empty Texture (the UI
/// draws its placeholder) until the loader thread has it; then upload() makes the texture.
class TextureCache {
public:
    /// `limitPx`: the longest side a texture gets (logos are scaled down once, to the size
    /// they are drawn at). `wake` is called on the loader thread when a logo is ready.
    TextureCache(Renderer& renderer, int limitPx, std::function<void()> wake);
    ~TextureCache();
    TextureCache(const TextureCache&) = delete;
    TextureCache& operator=(const TextureCache&) = delete;

    /// Queues logos for decoding, in this order (the first screen's first). Cheap.
    void preload(const std::vector<std::filesystem::path>& paths);
    /// Scripts with the virtual clock: get() waits for the decode, so every run draws the
    /// same frames (screenshots compared between runs and renderers).
    void waitForDecode(bool on) { m_waitForDecode = on; }
    /// Frame loop: makes textures of what the loader finished; true when any is new (draw again).
    bool upload();
    /// Stops the loader and frees every texture; call while the renderer is still open.
    void clear();
    /// The texture, or an empty one while it is being decoded or when the file is missing or
    /// does not decode (tried only once). Never decodes; queues a path it has not seen.
    ui::Texture get(const std::filesystem::path& path);

private:
    struct Decoded {
        std::filesystem::path path;
        std::vector<unsigned char> rgba; ///< empty: the file did not decode
        int w = 0, h = 0;
    };
    void queue(const std::filesystem::path& path);
    void work();
    Decoded decode(const std::filesystem::path& path) const;

    Renderer& m_renderer;
    const int m_limit;
    std::function<void()> m_wake;
    bool m_waitForDecode = false;
    std::map<std::filesystem::path, ui::Texture> m_cache; ///< frame loop only
    std::set<std::filesystem::path> m_seen;               ///< frame loop only: queued or done

    std::mutex m_mutex; // guards what follows
    std::condition_variable m_cv, m_doneCv;
    std::deque<std::filesystem::path> m_todo;
    std::vector<Decoded> m_done;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace kiosk::platform
