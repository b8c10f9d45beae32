// OpenGL 3.3 core through glad and ImGui's OpenGL3 backend: the renderer for a stand PC with a GPU.
#include "renderer.hpp"

#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <glad/gl.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace kiosk::platform {

namespace {

class GlRenderer final : public Renderer {
public:
    ~GlRenderer() override {
        if (m_attached) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplSDL2_Shutdown();
        }
        if (m_gl) SDL_GL_DeleteContext(m_gl);
        if (m_window) SDL_DestroyWindow(m_window);
    }

    bool open(const WindowSpec& s, std::string& error) {
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
        SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
        // ImGui needs no depth or stencil: on software GL they cost ~7.5 MiB at 1080p.
        SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
        SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
        m_window = SDL_CreateWindow("Stand kiosk", s.x, s.y, s.w, s.h, s.flags | SDL_WINDOW_OPENGL);
        m_gl = m_window ? SDL_GL_CreateContext(m_window) : nullptr;
        if (!m_gl || !gladLoadGL(reinterpret_cast<GLADloadfunc>(SDL_GL_GetProcAddress))) {
            error = std::string("cannot create an OpenGL 3.3 window: ") + SDL_GetError();
            return false;
        }
        SDL_GL_MakeCurrent(m_window, m_gl);
        SDL_GL_SetSwapInterval(s.vsync ? 1 : 0);
        return true;
    }

    /// Mesa's llvmpipe/softpipe: GL drawn by the CPU, with LLVM in memory.
    std::string rendererName() const {
        const auto* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
        return r ? r : "";
    }
    bool isSoftware() const {
        const std::string s = rendererName();
        return s.find("llvmpipe") != std::string::npos || s.find("softpipe") != std::string::npos ||
               s.find("Software Rasterizer") != std::string::npos;
    }

    std::string describe() const override { return "gl (" + rendererName() + ")"; }
    void drawableSize(int& w, int& h) const override { SDL_GL_GetDrawableSize(m_window, &w, &h); }
    void attachImGui() override {
        ImGui_ImplSDL2_InitForOpenGL(m_window, m_gl);
        ImGui_ImplOpenGL3_Init("#version 330 core");
        m_attached = true;
    }
    void newFrame() override { ImGui_ImplOpenGL3_NewFrame(); }
    void render(ImDrawData* data, ImU32 clearColor) override {
        int w = 0, h = 0;
        drawableSize(w, h);
        glViewport(0, 0, w, h);
        const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(clearColor);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(data);
    }
    std::string screenshot(const std::string& path) override {
        int w = 0, h = 0;
        drawableSize(w, h);
        std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadBuffer(GL_BACK);
        glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
        // GL's origin is bottom-left; PNG's is top-left.
        const size_t row = static_cast<size_t>(w) * 4;
        for (int y = 0; y < h / 2; ++y) std::swap_ranges(&px[y * row], &px[y * row] + row, &px[(h - 1 - y) * row]);
        return writePng(path, w, h, px.data());
    }
    void present() override { SDL_GL_SwapWindow(m_window); }
    void finish() override { glFinish(); }

    ImTextureID createTexture(const unsigned char* rgba, int w, int h) override {
        GLuint id = 0;
        glGenTextures(1, &id);
        glBindTexture(GL_TEXTURE_2D, id);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
        // Logos are drawn smaller than their files: mipmaps keep them from shimmering.
        glGenerateMipmap(GL_TEXTURE_2D);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(id));
    }
    void destroyTexture(ImTextureID tex) override {
        GLuint id = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(tex));
        if (id) glDeleteTextures(1, &id);
    }

private:
    SDL_GLContext m_gl = nullptr;
    bool m_attached = false;
};

} // namespace

std::unique_ptr<Renderer> openGlRenderer(const WindowSpec& spec, std::string& error, bool refuseCpuGl) {
    auto r = std::make_unique<GlRenderer>();
    if (!r->open(spec, error)) return nullptr;
    if (refuseCpuGl && r->isSoftware()) {
        error = std::string("OpenGL runs on the CPU here (") + r->rendererName() + ")";
        return nullptr;
    }
    return r;
}

} // namespace kiosk::platform
