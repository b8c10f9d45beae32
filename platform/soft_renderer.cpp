// SDL's software renderer: ImGui's triangles drawn by the CPU straight into the window's
// framebuffer (XShm / wl_shm). No GL library is loaded, so a stand PC without a GPU
// does not carry Mesa's llvmpipe and LLVM (docs/performance.md).
#include "renderer.hpp"

#include <backends/imgui_impl_sdl.h>

#include <algorithm>
#include <cmath>
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
                drawCommand(vtx + cmd.VtxOffset, list->VtxBuffer.Size - int(cmd.VtxOffset), list->IdxBuffer.Data + cmd.IdxOffset,
                            cmd.ElemCount, static_cast<SDL_Texture*>(cmd.GetTexID()));
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
    /// One ImGui draw command. SDL's rasterizer scans each triangle's whole bounding box,
    /// and ImGui fills a rounded card as a fan of ~30 triangles from one corner, each with a
    /// box nearly the card's size; plain rectangles (the full-screen background: 7.6 ms a
    /// frame) become a scaled, blended copy of the atlas's white pixel. So every one-colour
    /// convex fan (rectangles included) is filled here row by row as SDL fill rects, a
    /// memset per row; untextured triangles go without the texture, so SDL does not sample
    /// it per pixel; the rest (glyphs, logos, anti-aliased edges) is SDL's geometry.
    void drawCommand(const ImDrawVert* v, int vertices, const ImDrawIdx* idx, unsigned count, SDL_Texture* tex) {
        const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
        auto solid = [&](ImDrawIdx i) { return tex == m_font && v[i].uv.x == white.x && v[i].uv.y == white.y; };
        size_t runStart = 0;
        SDL_Texture* runTex = nullptr;
        auto flush = [&](size_t end) {
            if (end > runStart) geometry(v, vertices, idx + runStart, end - runStart, runTex);
            runStart = end;
        };
        for (size_t t = 0; t + 3 <= count;) {
            // A fan of one colour, untextured: (a, b, c), (a, c, d), (a, d, e), ... (With
            // anti-aliasing, the first triangle of the fringe after it continues the chain: the
            // colour check ends the fan there.)
            auto plain = [&](ImDrawIdx i) { return solid(i) && v[i].col == v[idx[t]].col; };
            size_t end = t;
            if (plain(idx[t]) && plain(idx[t + 1]))
                while (end + 3 <= count && idx[end] == idx[t] && (end == t || idx[end + 1] == idx[end - 1]) && plain(idx[end + 2]))
                    end += 3;
            if (end - t >= 6) {
                m_ring.assign({idx[t], idx[t + 1]});
                for (size_t k = t; k < end; k += 3) m_ring.push_back(idx[k + 2]);
                flush(t);
                // Anti-aliased: a fringe follows, drawn by SDL's rasterizer, whose edge rule
                // differs from ours; half a pixel more closes the seam (the fringe blends on top).
                const bool fringe = end + 3 <= count && idx[end] == idx[t] && idx[end + 1] == idx[end - 1];
                fillConvex(v, v[idx[t]].col, fringe ? 0.5f : 0.0f);
                t = runStart = end;
                continue;
            }
            SDL_Texture* want = solid(idx[t]) && solid(idx[t + 1]) && solid(idx[t + 2]) ? nullptr : tex;
            if (want != runTex) {
                flush(t);
                runTex = want;
            }
            t += 3;
        }
        flush(count);
    }

    /// Fills the convex polygon m_ring: the pixels whose centres are inside, as GL does,
    /// or, with `grow`, also those whose centres are up to that far outside.
    void fillConvex(const ImDrawVert* v, ImU32 colour, float grow) {
        const int n = int(m_ring.size());
        auto at = [&](int i) { return v[m_ring[size_t(i)]].pos; };
        float top = at(0).y, bottom = top;
        for (int i = 1; i < n; ++i) top = std::min(top, at(i).y), bottom = std::max(bottom, at(i).y);
        int fbW = 0, fbH = 0;
        drawableSize(fbW, fbH);
        m_rows.clear();
        const int rowEnd = std::min(fbH, int(std::ceil(bottom + grow - 0.5f)));
        for (int py = std::max(0, int(std::ceil(top - grow - 0.5f))); py < rowEnd; ++py) {
            const float cy = std::clamp(float(py) + 0.5f, top + 0.001f, bottom - 0.001f);
            float left = 1e30f, right = -1e30f;
            for (int i = 0; i < n; ++i) {
                const ImVec2 a = at(i), b = at((i + 1) % n);
                if ((a.y <= cy) == (b.y <= cy)) continue; // the edge does not cross this row
                const float x = a.x + (cy - a.y) * (b.x - a.x) / (b.y - a.y);
                left = std::min(left, x), right = std::max(right, x);
            }
            const int x0 = int(std::ceil(left - grow - 0.5f)), x1 = int(std::ceil(right + grow - 0.5f));
            if (x1 <= x0) continue;
            if (!m_rows.empty() && m_rows.back().x == x0 && m_rows.back().w == x1 - x0 && m_rows.back().y + m_rows.back().h == py)
                ++m_rows.back().h; // a rectangle's rows become one fill
            else
                m_rows.push_back({x0, py, x1 - x0, 1});
        }
        const Uint8 alpha = Uint8(colour >> IM_COL32_A_SHIFT);
        SDL_SetRenderDrawBlendMode(m_renderer, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(m_renderer, Uint8(colour >> IM_COL32_R_SHIFT), Uint8(colour >> IM_COL32_G_SHIFT),
                               Uint8(colour >> IM_COL32_B_SHIFT), alpha);
        SDL_RenderFillRects(m_renderer, m_rows.data(), int(m_rows.size()));
    }

    void geometry(const ImDrawVert* v, int vertices, const ImDrawIdx* idx, size_t count, SDL_Texture* tex) {
        if (!tex) SDL_SetRenderDrawBlendMode(m_renderer, SDL_BLENDMODE_BLEND); // untextured triangles blend with it
        const auto* base = reinterpret_cast<const char*>(v);
        SDL_RenderGeometryRaw(m_renderer, tex, reinterpret_cast<const float*>(base + offsetof(ImDrawVert, pos)),
                              sizeof(ImDrawVert), reinterpret_cast<const SDL_Color*>(base + offsetof(ImDrawVert, col)),
                              sizeof(ImDrawVert), reinterpret_cast<const float*>(base + offsetof(ImDrawVert, uv)),
                              sizeof(ImDrawVert), vertices, idx, int(count), sizeof(ImDrawIdx));
    }

    SDL_Renderer* m_renderer = nullptr;
    SDL_Texture* m_font = nullptr;
    bool m_attached = false;
    std::vector<ImDrawIdx> m_ring; // reused every frame
    std::vector<SDL_Rect> m_rows;
};

} // namespace

std::unique_ptr<Renderer> openSoftwareRenderer(const WindowSpec& spec, std::string& error) {
    auto r = std::make_unique<SoftwareRenderer>();
    if (!r->open(spec, error)) return nullptr;
    return r;
}

} // namespace kiosk::platform
