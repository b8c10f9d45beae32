// SDL's software renderer: ImGui's triangles drawn by the CPU straight into the window's
// framebuffer (XShm; SDL 2.26 has none for Wayland windows). No GL library is loaded, so
// a stand PC without a GPU does not carry Mesa's llvmpipe and LLVM (docs/performance.md).
// [SECTIONS] images (logos at their drawn size), the renderer, drawing one ImGui command
// (one-colour and image fans row by row, the rest as SDL geometry).
#include "renderer.hpp"

#include <backends/imgui_impl_sdl.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

namespace kiosk::platform {

namespace {

SDL_Texture* makeTexture(SDL_Renderer* r, const unsigned char* rgba, int w, int h) {
    SDL_Texture* t = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!t) return nullptr;
    SDL_UpdateTexture(t, nullptr, rgba, w * 4);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

/// A logo: its pixels, and SDL textures of them at the sizes it is drawn at (a card, a
/// profile, the attract loop: a few, so a few are kept).
struct Image {
    std::vector<unsigned char> rgba;
    int w = 0, h = 0;
    std::vector<std::pair<SDL_Point, SDL_Texture*>> sized;

    ~Image() {
        for (auto& [size, t] : sized) SDL_DestroyTexture(t);
    }

    /// `drawn`: the size in pixels the whole image would cover on screen.
    SDL_Texture* at(SDL_Renderer* r, ImVec2 drawn) {
        SDL_Point size{std::clamp(int(std::lround(drawn.x)), 1, 4096), std::clamp(int(std::lround(drawn.y)), 1, 4096)};
        if (std::abs(size.x - w) <= 1 && std::abs(size.y - h) <= 1) size = {w, h};
        for (auto& [s, t] : sized)
            if (s.x == size.x && s.y == size.y) return t;
        if (sized.size() >= 4) {
            SDL_DestroyTexture(sized.front().second);
            sized.erase(sized.begin());
        }
        std::vector<unsigned char> scaled;
        const unsigned char* px = rgba.data();
        if (size.x != w || size.y != h) {
            scaled.resize(size_t(size.x) * size.y * 4);
            // sRGB-correct, with alpha: no dark seams where a logo turns transparent.
            stbir_resize_uint8_srgb(rgba.data(), w, h, 0, scaled.data(), size.x, size.y, 0, 4, 3, 0);
            px = scaled.data();
        }
        SDL_Texture* t = makeTexture(r, px, size.x, size.y);
        if (t) sized.emplace_back(size, t);
        return t;
    }
};

/// How big an image would be on screen, from its vertices: position span over UV span.
/// ImGui clamps the UVs of a rounded image's anti-aliasing fringe to 0..1 while its
/// positions go half a pixel further, so vertices at UV 0 or 1 count only when no
/// others do (a plain image: four corners).
ImVec2 drawnSize(const ImDrawVert* v, const ImDrawIdx* idx, unsigned count, const Image& image) {
    auto scale = [&](int axis, float fallback) {
        for (bool inner : {true, false}) {
            float pMin = 1e30f, pMax = -1e30f, uMin = 1e30f, uMax = -1e30f;
            for (unsigned i = 0; i < count; ++i) {
                const float p = axis ? v[idx[i]].pos.y : v[idx[i]].pos.x, u = axis ? v[idx[i]].uv.y : v[idx[i]].uv.x;
                if (inner && (u <= 0.0f || u >= 1.0f)) continue;
                pMin = std::min(pMin, p), pMax = std::max(pMax, p), uMin = std::min(uMin, u), uMax = std::max(uMax, u);
            }
            if (uMax - uMin > 0.05f) return (pMax - pMin) / (uMax - uMin);
        }
        return fallback;
    };
    return ImVec2(scale(0, float(image.w)), scale(1, float(image.h)));
}

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
        // SDL's rasterizer draws ImGui's anti-aliased outlines (a core thinner than a pixel
        // between two fading fringes) about half as dark as GL does: borders lose contrast.
        // Without anti-aliasing an outline is one-colour quads, filled row by row like the rest.
        ImGui::GetStyle().AntiAliasedLines = false;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        m_font = makeTexture(m_renderer, px, w, h);
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
                const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
                SDL_Texture* tex = m_font;
                if (cmd.GetTexID() != m_font) {
                    Image& image = *static_cast<Image*>(cmd.GetTexID());
                    tex = image.at(m_renderer, drawnSize(v, idx, cmd.ElemCount, image));
                    if (!tex) continue;
                }
                drawCommand(v, list->VtxBuffer.Size - int(cmd.VtxOffset), idx, cmd.ElemCount, tex, clip);
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

    /// Images (logos) are kept as pixels and handed to SDL scaled to the size they are
    /// drawn at: SDL samples textured triangles nearest-neighbour, which makes a logo
    /// drawn at 0.8× its file jagged; a copy scaled once with a proper filter is not.
    ImTextureID createTexture(const unsigned char* rgba, int w, int h) override {
        return new Image{std::vector<unsigned char>(rgba, rgba + size_t(w) * h * 4), w, h, {}};
    }
    void destroyTexture(ImTextureID id) override { delete static_cast<Image*>(id); }

private:
    /// One ImGui draw command. SDL's rasterizer scans each triangle's whole bounding box,
    /// and ImGui fills a rounded card as a fan of ~30 triangles from one corner, each with a
    /// box nearly the card's size; plain rectangles (the full-screen background: 7.6 ms a
    /// frame) become a scaled, blended copy of the atlas's white pixel. So every one-colour
    /// convex fan (rectangles included) is filled here row by row as SDL fill rects, a
    /// memset per row; untextured triangles go without the texture, so SDL does not sample
    /// it per pixel; the rest (glyphs, logos, anti-aliased edges) is SDL's geometry.
    void drawCommand(const ImDrawVert* v, int vertices, const ImDrawIdx* idx, unsigned count, SDL_Texture* tex,
                     const SDL_Rect& clip) {
        const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
        auto solid = [&](ImDrawIdx i) { return tex == m_font && v[i].uv.x == white.x && v[i].uv.y == white.y; };
        size_t runStart = 0;
        SDL_Texture* runTex = nullptr;
        auto flush = [&](size_t end) {
            if (end > runStart) geometry(v, vertices, idx + runStart, end - runStart, runTex);
            runStart = end;
        };
        for (size_t t = 0; t + 3 <= count;) {
            // A fan of one colour: (a, b, c), (a, c, d), (a, d, e), ..., untextured, or an image
            // (ImGui's rounded images are fans too). With anti-aliasing the first triangle of
            // the fringe continues the chain; the colour check ends the fan there.
            auto plain = [&](ImDrawIdx i) { return (tex != m_font || solid(i)) && v[i].col == v[idx[t]].col; };
            size_t end = t;
            if (plain(idx[t]) && plain(idx[t + 1]))
                while (end + 3 <= count && idx[end] == idx[t] && (end == t || idx[end + 1] == idx[end - 1]) && plain(idx[end + 2]))
                    end += 3;
            if (end - t >= 6) {
                m_ring.assign({idx[t], idx[t + 1]});
                for (size_t k = t; k < end; k += 3) m_ring.push_back(idx[k + 2]);
                // Anti-aliased: a fringe follows, drawn by SDL's rasterizer, whose edge rule
                // differs from ours; half a pixel more closes the seam (the fringe blends on top).
                const bool fringe = end + 3 <= count && idx[end] == idx[t] && idx[end + 1] == idx[end - 1];
                const ImU32 colour = v[idx[t]].col;
                std::optional<SDL_Point> origin;
                if (tex != m_font) origin = imageOrigin(v, tex);
                if (tex == m_font || origin) {
                    flush(t);
                    convexRows(v, fringe ? 0.5f : 0.0f, clip);
                    if (tex == m_font) fillRows(colour);
                    else copyRows(tex, *origin, colour);
                    t = runStart = end;
                    continue;
                }
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

    /// The rows of the convex polygon m_ring, into m_rows: the pixels whose centres are
    /// inside, as GL covers them, or, with `grow`, also those up to that far outside. Rows
    /// outside `clip` are skipped (SDL would clip them anyway: a scrolled-away card costs nothing).
    void convexRows(const ImDrawVert* v, float grow, const SDL_Rect& clip) {
        const int n = int(m_ring.size());
        auto at = [&](int i) { return v[m_ring[size_t(i)]].pos; };
        float top = at(0).y, bottom = top;
        for (int i = 1; i < n; ++i) top = std::min(top, at(i).y), bottom = std::max(bottom, at(i).y);
        m_rows.clear();
        const int rowEnd = std::min(clip.y + clip.h, int(std::ceil(bottom + grow - 0.5f)));
        for (int py = std::max(clip.y, int(std::ceil(top - grow - 0.5f))); py < rowEnd; ++py) {
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
                ++m_rows.back().h; // a rectangle's rows become one
            else
                m_rows.push_back({x0, py, x1 - x0, 1});
        }
    }

    void fillRows(ImU32 colour) {
        const Uint8 alpha = Uint8(colour >> IM_COL32_A_SHIFT);
        SDL_SetRenderDrawBlendMode(m_renderer, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(m_renderer, Uint8(colour >> IM_COL32_R_SHIFT), Uint8(colour >> IM_COL32_G_SHIFT),
                               Uint8(colour >> IM_COL32_B_SHIFT), alpha);
        SDL_RenderFillRects(m_renderer, m_rows.data(), int(m_rows.size()));
    }

    /// Where the texture's top-left pixel lands on screen, when the polygon m_ring shows
    /// it 1:1 (Image::at scaled it to the drawn size); nothing when it does not.
    std::optional<SDL_Point> imageOrigin(const ImDrawVert* v, SDL_Texture* tex) const {
        int tw = 0, th = 0;
        SDL_QueryTexture(tex, nullptr, nullptr, &tw, &th);
        const ImDrawVert& first = v[m_ring[0]];
        const ImVec2 o(first.pos.x - first.uv.x * float(tw), first.pos.y - first.uv.y * float(th));
        for (ImDrawIdx i : m_ring)
            if (std::abs(v[i].pos.x - v[i].uv.x * float(tw) - o.x) > 0.75f || std::abs(v[i].pos.y - v[i].uv.y * float(th) - o.y) > 0.75f)
                return std::nullopt;
        return SDL_Point{int(std::lround(o.x)), int(std::lround(o.y))};
    }

    /// Copies the texture into m_rows: unscaled blits, with the vertices' colour as tint.
    void copyRows(SDL_Texture* tex, SDL_Point origin, ImU32 colour) {
        int tw = 0, th = 0;
        SDL_QueryTexture(tex, nullptr, nullptr, &tw, &th);
        SDL_SetTextureColorMod(tex, Uint8(colour >> IM_COL32_R_SHIFT), Uint8(colour >> IM_COL32_G_SHIFT),
                               Uint8(colour >> IM_COL32_B_SHIFT));
        SDL_SetTextureAlphaMod(tex, Uint8(colour >> IM_COL32_A_SHIFT));
        for (const SDL_Rect& row : m_rows) {
            const int x0 = std::max(0, row.x - origin.x), x1 = std::min(tw, row.x + row.w - origin.x);
            const int y0 = std::max(0, row.y - origin.y), y1 = std::min(th, row.y + row.h - origin.y);
            if (x1 <= x0 || y1 <= y0) continue;
            const SDL_Rect src{x0, y0, x1 - x0, y1 - y0}, dst{x0 + origin.x, y0 + origin.y, x1 - x0, y1 - y0};
            SDL_RenderCopy(m_renderer, tex, &src, &dst);
        }
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
