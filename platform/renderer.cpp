// Which renderer draws the kiosk, and the PNG writer both use for screenshots.
#include "renderer.hpp"

#include <stb_image_write.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace kiosk::platform {

namespace {

/// A GPU the kernel drives: a DRM render node (Intel, AMD, Raspberry Pi, nouveau) or NVIDIA's device.
bool hasGpuDevice() {
    for (int i = 128; i < 136; ++i)
        if (access(("/dev/dri/renderD" + std::to_string(i)).c_str(), R_OK | W_OK) == 0) return true;
    return access("/dev/nvidia0", R_OK | W_OK) == 0;
}

} // namespace

std::unique_ptr<Renderer> openRenderer(const std::string& kind, const WindowSpec& spec, std::string& error) {
    auto gl = [&] { return openGlRenderer(spec, error); };
    auto software = [&] { return openSoftwareRenderer(spec, error); };
    // A kiosk must show something: when the chosen renderer cannot open, the other one
    // tries. (SDL 2.26 has no software framebuffer for Wayland windows: under cage the
    // software renderer fails and OpenGL draws; docs/deploy.md.)
    auto firstThen = [&](auto first, auto second, const char* secondName) -> std::unique_ptr<Renderer> {
        if (auto r = first()) return r;
        std::fprintf(stderr, "kiosk: %s; trying %s\n", error.c_str(), secondName);
        error.clear();
        return second();
    };
    if (kind == "gl") return firstThen(gl, software, "the software renderer");
    if (kind == "auto") {
        // Without a GPU, Mesa draws GL with llvmpipe: LLVM alone is ~45 MiB of the
        // process, and every frame runs JIT-compiled shaders on the CPU. SDL's software
        // renderer draws the same ImGui triangles without any of that.
        const char* forced = std::getenv("LIBGL_ALWAYS_SOFTWARE");
        const char* driver = SDL_GetCurrentVideoDriver();
        std::string why;
        if (driver && std::string(driver) == "wayland") {
            return gl(); // the software renderer has no framebuffer there (see above)
        } else if (!hasGpuDevice()) {
            why = "no GPU device";
        } else if (forced && *forced && std::string(forced) != "0") {
            why = "LIBGL_ALWAYS_SOFTWARE is set";
        } else if (auto r = openGlRenderer(spec, why, true)) {
            return r;
        }
        std::fprintf(stderr, "kiosk: %s: using the software renderer\n", why.c_str());
    }
    return firstThen(software, gl, "OpenGL");
}

std::string writePng(const std::string& path, int w, int h, unsigned char* rgba) {
    const size_t n = static_cast<size_t>(w) * h * 4;
    for (size_t i = 3; i < n; i += 4) rgba[i] = 255;
    if (!stbi_write_png(path.c_str(), w, h, 4, rgba, w * 4)) return "cannot write " + path;
    return {};
}

} // namespace kiosk::platform
