// SDL's software renderer: ImGui's triangles drawn by the CPU straight into the window's
// framebuffer (XShm / wl_shm). No GL library is loaded, so a stand PC without a GPU
// does not carry Mesa's llvmpipe and LLVM (docs/performance.md).
#include "renderer.hpp"

#include <backends/imgui_impl_sdl.h>

#include <cstddef>
#include <vector>

namespace kiosk::platform {

namespace {

class SoftwareRenderer final : public Renderer {
public:
    ~SoftwareRenderer() override {
        if (m_attached) ImGui_ImplSDL2_Shutdown();
        if (m_font) SDL_DestroyTexture(m_font);
        if (m_renderer) SDL_DestroyRenderer(m_renderer);
        if (m_window) SDL_DestroyWindow(m_window);
    }

    bool open(const WindowSpec& s, std::string& error) {
        // Otherwise SDL backs the window's framebuffer with an OpenGL texture when it
        // can, and llvmpipe is back in the process.
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        m_window = SDL_CreateWindow("Stand kiosk", s.x, s.y, s.w, s.h, s.flags);
        m_renderer = m_window ? SDL_CreateRenderer(m_window, -1, SDL_RENDERER_SOFTWARE) : nullptr;
        if (!m_renderer) {
            error = std::string("cannot open a window: ") + SDL_GetError();
            return false;
        }
        return true;
    }

    std::string describe() const override { return "software"; }
    void drawableSize(int& w, int& h) const override { SDL_GetRendererOutputSize(m_renderer, &w, &h); }

    void attachImGui() override {
        ImGui_ImplSDL2_InitForSDLRenderer(m_window);
        ImGuiIO& io = ImGui::GetIO();
        io.BackendRendererName = "kiosk_software";
        io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        m_font = static_cast<SDL_Texture*>(createTexture(px, w, h));
        // Glyphs are drawn 1:1 from the atlas: nearest sampling is exact and fastest.
        SDL_SetTextureScaleMode(m_font, SDL_ScaleModeNearest);
        io.Fonts->SetTexID(m_font);
        m_attached = true;
    }
    void newFrame() override {}

    void render(ImDrawData* data, ImU32 clearColor) override {
        const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(clearColor);
        SDL_RenderSetClipRect(m_renderer, nullptr);
        SDL_SetRenderDrawColor(m_renderer, Uint8(bg.x * 255), Uint8(bg.y * 255), Uint8(bg.z * 255), 255);
        SDL_RenderClear(m_renderer);
        int fbW = 0, fbH = 0;
        drawableSize(fbW, fbH);
        const ImVec2 off = data->DisplayPos;
        for (int n = 0; n < data->CmdListsCount; ++n) {
            const ImDrawList* list = data->CmdLists[n];
            const ImDrawVert* vtx = list->VtxBuffer.Data;
            for (const ImDrawCmd& cmd : list->CmdBuffer) {
                if (cmd.UserCallback) {
                    if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
                    continue;
                }
                const float x0 = std::max(0.0f, cmd.ClipRect.x - off.x), y0 = std::max(0.0f, cmd.ClipRect.y - off.y);
                const float x1 = std::min(float(fbW), cmd.ClipRect.z - off.x), y1 = std::min(float(fbH), cmd.ClipRect.w - off.y);
                if (x1 <= x0 || y1 <= y0) continue;
                const SDL_Rect clip{int(x0), int(y0), int(x1 - x0), int(y1 - y0)};
                SDL_RenderSetClipRect(m_renderer, &clip);
                const ImDrawVert* v = vtx + cmd.VtxOffset;
                const auto* base = reinterpret_cast<const char*>(v);
                SDL_RenderGeometryRaw(m_renderer, static_cast<SDL_Texture*>(cmd.GetTexID()),
                                      reinterpret_cast<const float*>(base + offsetof(ImDrawVert, pos)), sizeof(ImDrawVert),
                                      reinterpret_cast<const SDL_Color*>(base + offsetof(ImDrawVert, col)), sizeof(ImDrawVert),
                                      reinterpret_cast<const float*>(base + offsetof(ImDrawVert, uv)), sizeof(ImDrawVert),
                                      list->VtxBuffer.Size - int(cmd.VtxOffset), list->IdxBuffer.Data + cmd.IdxOffset,
                                      int(cmd.ElemCount), sizeof(ImDrawIdx));
            }
        }
        SDL_RenderSetClipRect(m_renderer, nullptr);
    }

    std::string screenshot(const std::string& path) override {
        int w = 0, h = 0;
        drawableSize(w, h);
        std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
        if (SDL_RenderReadPixels(m_renderer, nullptr, SDL_PIXELFORMAT_RGBA32, px.data(), w * 4) != 0)
            return std::string("cannot read the screen: ") + SDL_GetError();
        return writePng(path, w, h, px.data());
    }
    void present() override { SDL_RenderPresent(m_renderer); }

    ImTextureID createTexture(const unsigned char* rgba, int w, int h) override {
        SDL_Texture* t = SDL_CreateTexture(m_renderer, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
        if (!t) return nullptr;
        SDL_UpdateTexture(t, nullptr, rgba, w * 4);
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
        return t;
    }
    void destroyTexture(ImTextureID id) override {
        if (id) SDL_DestroyTexture(static_cast<SDL_Texture*>(id));
    }

private:
    SDL_Renderer* m_renderer = nullptr;
    SDL_Texture* m_font = nullptr;
    bool m_attached = false;
};

} // namespace

std::unique_ptr<Renderer> openSoftwareRenderer(const WindowSpec& spec, std::string& error) {
    auto r = std::make_unique<SoftwareRenderer>();
    if (!r->open(spec, error)) return nullptr;
    return r;
}

} // namespace kiosk::platform
