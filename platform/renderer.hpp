/// @brief How ImGui's draw lists reach the screen: OpenGL 3.3 where a GPU is, SDL's
/// software renderer where none is (docs/performance.md has the figures behind the choice).
#pragma once
#include <SDL.h>
#include <imgui.h>

#include <memory>
#include <string>

namespace kiosk::platform {

/// The window both renderers open (SDL_CreateWindow's arguments, minus the GL flag).
struct WindowSpec {
    int x = 0, y = 0, w = 1920, h = 1080;
    Uint32 flags = 0;
    bool vsync = true;
};

/// Owns the window and everything drawn into it. One frame: newFrame(), ImGui,
/// render(), optionally screenshot(), present().
class Renderer {
public:
    virtual ~Renderer() = default;
    SDL_Window* window() const { return m_window; }
    /// "gl (<the GL renderer string>)" or "software": logged at start-up.
    virtual std::string describe() const = 0;
    virtual void drawableSize(int& w, int& h) const = 0;
    /// Hooks the ImGui SDL2 platform backend and this renderer to the current ImGui context.
    virtual void attachImGui() = 0;
    virtual void newFrame() = 0;
    virtual void render(ImDrawData* data, ImU32 clearColor) = 0;
    /// Writes what render() drew as a PNG (call before present()); returns an error or "".
    virtual std::string screenshot(const std::string& path) = 0;
    virtual void present() = 0;
    /// The window lost what it showed (exposed, resized): the next frame draws all of it.
    virtual void invalidate() {}
    /// Waits until the frame is really drawn (benchmarks).
    virtual void finish() {}
    /// RGBA, straight alpha. A null id when the texture cannot be made.
    virtual ImTextureID createTexture(const unsigned char* rgba, int w, int h) = 0;
    virtual void destroyTexture(ImTextureID id) = 0;

protected:
    SDL_Window* m_window = nullptr;
};

/// With `refuseCpuGl`, Mesa's llvmpipe/softpipe count as failure (for "auto").
std::unique_ptr<Renderer> openGlRenderer(const WindowSpec& spec, std::string& error, bool refuseCpuGl = false);
std::unique_ptr<Renderer> openSoftwareRenderer(const WindowSpec& spec, std::string& error);

/// `kind` is the config's [screen] renderer: "gl", "software" or "auto" (GL when a GPU
/// renders it or the window is a Wayland one, the software renderer when there is no GPU
/// or GL would only be Mesa's llvmpipe/softpipe). When the chosen one cannot open, the
/// other is tried.
std::unique_ptr<Renderer> openRenderer(const std::string& kind, const WindowSpec& spec, std::string& error);

/// Writes RGBA rows (top row first) as a PNG with the alpha forced opaque.
std::string writePng(const std::string& path, int w, int h, unsigned char* rgba);

} // namespace kiosk::platform
