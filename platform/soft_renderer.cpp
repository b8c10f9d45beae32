// SDL's software renderer: ImGui's triangles drawn by the CPU straight into the window's
// framebuffer (XShm; SDL 2.26 has none for Wayland windows). No GL library is loaded, so
// a stand PC without a GPU does not carry Mesa's llvmpipe and LLVM (docs/performance.md).
// [SECTIONS] images (logos at their drawn size), the renderer, drawing one ImGui command
// (one-colour and image fans row by row, the rest as SDL geometry).
#include "damage.hpp"
#include "renderer.hpp"

#include <backends/imgui_impl_sdl.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace kiosk::platform {

namespace {

/// In the window's own byte order (ARGB on X11), so that SDL blends a copy of it without
/// converting every pixel (0.5 of 11 ms in a 4K frame of the orbiting logos).
SDL_Texture* makeTexture(SDL_Renderer* r, const unsigned char* rgba, int w, int h) {
    SDL_Texture* t = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!t) return nullptr;
    std::vector<unsigned char> argb(size_t(w) * size_t(h) * 4);
    SDL_ConvertPixels(w, h, SDL_PIXELFORMAT_RGBA32, rgba, w * 4, SDL_PIXELFORMAT_ARGB8888, argb.data(), w * 4);
    SDL_UpdateTexture(t, nullptr, argb.data(), w * 4);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

/// A logo: its pixels, and SDL textures of them at the sizes it is drawn at (a card, a
/// profile, the attract loop: a few, so a few are kept).
struct Image {
    std::vector<unsigned char> rgba;
    int w = 0, h = 0;
    std::uint64_t serial = 0; ///< names its pixels in the damage hashes (an address may be reused)
    std::vector<std::pair<SDL_Point, SDL_Texture*>> sized;

    ~Image() {
        for (auto& [size, t] : sized) SDL_DestroyTexture(t);
    }

    /// `drawn`: the size in pixels the whole image would cover on screen. A size pushed out
    /// goes to `retired`, not away: an earlier part of the frame being collected may draw it.
    SDL_Texture* at(SDL_Renderer* r, ImVec2 drawn, std::vector<SDL_Texture*>& retired) {
        SDL_Point size{std::clamp(int(std::lround(drawn.x)), 1, 4096), std::clamp(int(std::lround(drawn.y)), 1, 4096)};
        if (std::abs(size.x - w) <= 1 && std::abs(size.y - h) <= 1) size = {w, h};
        for (auto& [s, t] : sized)
            if (s.x == size.x && s.y == size.y) return t;
        if (sized.size() >= 4) {
            retired.push_back(sized.front().second);
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
        m_fullRedraw = std::getenv("KIOSK_FULL_REDRAW") != nullptr;
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
        int fbW = 0, fbH = 0;
        drawableSize(fbW, fbH);
        m_prims.clear();
        m_rings.clear();
        m_whole.clear();
        const ImVec2 off = data->DisplayPos;
        for (int n = 0; n < data->CmdListsCount; ++n) {
            const ImDrawList* list = data->CmdLists[n];
            const ImDrawVert* vtx = list->VtxBuffer.Data;
            for (const ImDrawCmd& cmd : list->CmdBuffer) {
                if (cmd.UserCallback) continue; // the kiosk adds none; ImGui's reset needs nothing here
                const float x0 = std::max(0.0f, cmd.ClipRect.x - off.x), y0 = std::max(0.0f, cmd.ClipRect.y - off.y);
                const float x1 = std::min(float(fbW), cmd.ClipRect.z - off.x), y1 = std::min(float(fbH), cmd.ClipRect.w - off.y);
                if (x1 <= x0 || y1 <= y0) continue;
                const SDL_Rect clip{int(x0), int(y0), int(x1 - x0), int(y1 - y0)};
                const ImDrawVert* v = vtx + cmd.VtxOffset;
                const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
                SDL_Texture* tex = m_font;
                std::uint64_t texKey = 1; // which pixels: the vertices decide which of its sizes
                if (cmd.GetTexID() != m_font) {
                    Image& image = *static_cast<Image*>(cmd.GetTexID());
                    tex = image.at(m_renderer, drawnSize(v, idx, cmd.ElemCount, image), m_retired);
                    if (!tex) continue;
                    texKey = image.serial;
                }
                collect(v, list->VtxBuffer.Size - int(cmd.VtxOffset), idx, cmd.ElemCount, tex, texKey, clip);
            }
        }
        // Only what changed is drawn again, and presented: a slow drift across a still scene
        // costs its own pixels, not the screen's (33 MB at 4K).
        m_damage.begin(fbW, fbH, clearColor);
        for (const Prim& p : m_prims) m_damage.mark(p.box, p.hash.value);
        m_dirty = m_damage.finish(m_fullRedraw || std::exchange(m_invalid, false));
        DamageGrid::growOver(m_dirty, m_whole);
        for (const PixelRect& d : m_dirty) {
            const SDL_Rect area{d.x, d.y, d.w, d.h};
            SDL_RenderSetClipRect(m_renderer, &area);
            SDL_SetRenderDrawBlendMode(m_renderer, SDL_BLENDMODE_NONE);
            SDL_SetRenderDrawColor(m_renderer, Uint8(clearColor >> IM_COL32_R_SHIFT), Uint8(clearColor >> IM_COL32_G_SHIFT),
                                   Uint8(clearColor >> IM_COL32_B_SHIFT), 255);
            SDL_RenderFillRect(m_renderer, &area);
            drawPrims(d);
        }
        SDL_RenderSetClipRect(m_renderer, nullptr);
        for (SDL_Texture* t : m_retired) SDL_DestroyTexture(t); // SDL first draws what it queued with it
        m_retired.clear();
    }

    void invalidate() override { m_invalid = true; }

    std::string screenshot(const std::string& path) override {
        int w = 0, h = 0;
        drawableSize(w, h);
        std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
        if (SDL_RenderReadPixels(m_renderer, nullptr, SDL_PIXELFORMAT_RGBA32, px.data(), w * 4) != 0)
            return std::string("cannot read the screen: ") + SDL_GetError();
        return writePng(path, w, h, px.data());
    }
    /// Sends the changed rectangles only (SDL_RenderPresent sends the whole window).
    void present() override {
        SDL_RenderFlush(m_renderer);
        std::vector<SDL_Rect> rects;
        for (const PixelRect& d : m_dirty) rects.push_back({d.x, d.y, d.w, d.h});
        if (!rects.empty()) SDL_UpdateWindowSurfaceRects(m_window, rects.data(), int(rects.size()));
        m_dirty.clear();
    }

    /// Images (logos) are kept as pixels and handed to SDL scaled to the size they are
    /// drawn at: SDL samples textured triangles nearest-neighbour, which makes a logo
    /// drawn at 0.8× its file jagged; a copy scaled once with a proper filter is not.
    ImTextureID createTexture(const unsigned char* rgba, int w, int h) override {
        return new Image{std::vector<unsigned char>(rgba, rgba + size_t(w) * h * 4), w, h, ++m_images, {}};
    }
    void destroyTexture(ImTextureID id) override { delete static_cast<Image*>(id); }

private:
    /// One thing to draw: a one-colour or image convex polygon (one of ImGui's fans, filled
    /// row by row), or triangles for SDL's rasterizer (one ImGui primitive: a glyph, an
    /// anti-aliased fringe, a line's piece).
    struct Prim {
        enum class Kind : unsigned char { Fill, Copy, Triangles } kind = Kind::Triangles;
        PixelRect box; ///< every pixel it may touch, inside its clip
        SDL_Rect clip{};
        const ImDrawVert* v = nullptr; ///< its command's vertices
        int vertices = 0;
        SDL_Texture* tex = nullptr;     ///< Triangles: nullptr when untextured
        const ImDrawIdx* idx = nullptr; ///< Triangles: its indices
        size_t first = 0, count = 0;    ///< Fill, Copy: its ring in m_rings; Triangles: its index count
        ImU32 colour = 0;
        SDL_Point origin{}; ///< Copy: where the texture's top-left pixel lands
        float grow = 0;     ///< Fill, Copy: half a pixel when an anti-aliased fringe follows
        Hash hash;
    };

    /// One ImGui draw command, as Prims. SDL's rasterizer scans each triangle's whole bounding
    /// box, and ImGui fills a rounded card as a fan of ~30 triangles from one corner, each with
    /// a box nearly the card's size; plain rectangles become a scaled, blended copy of the
    /// atlas's white pixel. So every one-colour convex fan (rectangles included) is filled by
    /// rows as SDL fill rects, a memset per row, and an image or a glyph shown 1:1 is blitted
    /// (a tinted copy of the atlas's rectangle); untextured triangles go without the texture,
    /// so SDL does not sample it per pixel; the rest (scaled images and glyphs, anti-aliased
    /// edges) is SDL's geometry.
    void collect(const ImDrawVert* v, int vertices, const ImDrawIdx* idx, unsigned count, SDL_Texture* tex,
                 std::uint64_t texKey, const SDL_Rect& clip) {
        const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
        auto solid = [&](ImDrawIdx i) { return tex == m_font && v[i].uv.x == white.x && v[i].uv.y == white.y; };
        const size_t firstPrim = m_prims.size();
        size_t open = SIZE_MAX; // the Triangles prim that the next triangle may extend
        ImDrawIdx openMax = 0;
        for (size_t t = 0; t + 3 <= count;) {
            // A fan of one colour: (a, b, c), (a, c, d), (a, d, e), ..., untextured, or an image
            // (ImGui's rounded images are fans too). With anti-aliasing the first triangle of
            // the fringe continues the chain; the colour check ends the fan there.
            // A glyph (a quad of the atlas, not its white pixel) is an image of the atlas too.
            const bool glyph = tex == m_font && !solid(idx[t]);
            auto plain = [&](ImDrawIdx i) {
                return (tex != m_font || solid(i) != glyph) && v[i].col == v[idx[t]].col;
            };
            size_t end = t;
            if (plain(idx[t]) && plain(idx[t + 1]))
                while (end + 3 <= count && idx[end] == idx[t] && (end == t || idx[end + 1] == idx[end - 1]) && plain(idx[end + 2]))
                    end += 3;
            if (end - t >= 6) {
                const size_t ringAt = m_rings.size();
                m_rings.insert(m_rings.end(), {idx[t], idx[t + 1]});
                for (size_t k = t; k < end; k += 3) m_rings.push_back(idx[k + 2]);
                const std::span<const ImDrawIdx> ring(m_rings.data() + ringAt, m_rings.size() - ringAt);
                const bool fill = tex == m_font && !glyph;
                std::optional<SDL_Point> origin;
                if (!fill) origin = imageOrigin(v, ring, tex);
                if (fill || origin) {
                    Prim p = prim(fill ? Prim::Kind::Fill : Prim::Kind::Copy, clip, v, vertices, tex);
                    p.first = ringAt, p.count = ring.size(), p.colour = v[idx[t]].col, p.origin = origin.value_or(SDL_Point{});
                    // Anti-aliased: a fringe follows, drawn by SDL's rasterizer, whose edge rule
                    // differs from ours; half a pixel more closes the seam (the fringe blends on top).
                    p.grow = end + 3 <= count && idx[end] == idx[t] && idx[end + 1] == idx[end - 1] ? 0.5f : 0.0f;
                    p.hash.add(std::uint64_t(p.kind) << 32 | p.colour);
                    p.hash.add(p.grow);
                    if (!fill) p.hash.add(texKey);
                    for (ImDrawIdx i : ring) addVertex(p, v[i], !fill);
                    m_prims.push_back(p);
                    open = SIZE_MAX;
                    t = end;
                    continue;
                }
                m_rings.resize(ringAt);
            }
            SDL_Texture* want = solid(idx[t]) && solid(idx[t + 1]) && solid(idx[t + 2]) ? nullptr : tex;
            const ImDrawIdx lo = std::min({idx[t], idx[t + 1], idx[t + 2]}), hi = std::max({idx[t], idx[t + 1], idx[t + 2]});
            // ImGui gives every primitive vertices of its own: one that starts past the last
            // one's vertices is the next primitive (a glyph's quad after another).
            if (open == SIZE_MAX || m_prims[open].tex != want || lo > openMax) {
                open = m_prims.size();
                m_prims.push_back(prim(Prim::Kind::Triangles, clip, v, vertices, want));
                m_prims.back().idx = idx + t;
                m_prims.back().hash.add(want ? texKey : 0);
                openMax = 0;
            }
            Prim& p = m_prims[open];
            p.count += 3;
            openMax = std::max(openMax, hi);
            for (size_t k = t; k < t + 3; ++k) addVertex(p, v[idx[k]], true);
            t += 3;
        }
        const PixelRect clipRect{clip.x, clip.y, clip.w, clip.h};
        for (size_t i = firstPrim; i < m_prims.size(); ++i) {
            Prim& p = m_prims[i];
            p.hash.add(std::uint64_t(clip.x) << 48 | std::uint64_t(clip.y) << 32 | std::uint64_t(clip.w) << 16 | std::uint64_t(clip.h));
            p.box = boxOf(p).intersect(clipRect);
            if (drawnAsBlit(p)) m_whole.push_back(p.box);
        }
    }

    /// SDL's software renderer draws two textured triangles that make a rectangle of one colour
    /// as a blit, a scaled one unless it is 1:1 (a glyph or a logo at another size than its
    /// texture). A clipped scaled blit samples its texture elsewhere than a whole one: a glyph cut
    /// by a dirty rectangle came out a pixel off here and there, and stayed so until it changed.
    /// So such a prim is redrawn whole or not at all.
    static bool drawnAsBlit(const Prim& p) {
        if (p.kind != Prim::Kind::Triangles || !p.tex) return false;
        for (size_t k = 1; k < p.count; ++k)
            if (p.v[p.idx[k]].col != p.v[p.idx[0]].col) return false;
        return true;
    }

    static Prim prim(Prim::Kind kind, const SDL_Rect& clip, const ImDrawVert* v, int vertices, SDL_Texture* tex) {
        Prim p;
        p.kind = kind, p.clip = clip, p.v = v, p.vertices = vertices, p.tex = tex;
        return p;
    }

    /// A vertex into a prim's hash (its colour and, when sampled, its texture coordinates too).
    static void addVertex(Prim& p, const ImDrawVert& vert, bool sampled) {
        p.hash.add(vert.pos.x);
        p.hash.add(vert.pos.y);
        p.hash.add(std::uint64_t(vert.col));
        if (sampled) {
            p.hash.add(vert.uv.x);
            p.hash.add(vert.uv.y);
        }
    }

    /// The pixels a prim may touch: its vertices' bounds, two pixels wider (rasterizers round,
    /// and a fan grows by half a pixel).
    PixelRect boxOf(const Prim& p) const {
        float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
        auto add = [&](ImDrawIdx i) {
            x0 = std::min(x0, p.v[i].pos.x), y0 = std::min(y0, p.v[i].pos.y);
            x1 = std::max(x1, p.v[i].pos.x), y1 = std::max(y1, p.v[i].pos.y);
        };
        if (p.kind == Prim::Kind::Triangles)
            for (size_t k = 0; k < p.count; ++k) add(p.idx[k]);
        else
            for (size_t k = 0; k < p.count; ++k) add(m_rings[p.first + k]);
        if (x1 < x0) return {};
        const int l = int(std::floor(x0)) - 2, t = int(std::floor(y0)) - 2;
        return {l, t, int(std::ceil(x1)) + 2 - l, int(std::ceil(y1)) + 2 - t};
    }

    /// Draws the prims that touch `area`, clipped to it (the rest of the screen stays as it was).
    void drawPrims(const PixelRect& area) {
        const Prim* batch = nullptr; // triangles of one texture, vertices and clip go to SDL at once
        SDL_Rect batchClip{};
        auto flush = [&] {
            if (batch && !m_batch.empty()) {
                SDL_RenderSetClipRect(m_renderer, &batchClip);
                geometry(batch->v, batch->vertices, m_batch.data(), m_batch.size(), batch->tex);
            }
            m_batch.clear();
            batch = nullptr;
        };
        for (const Prim& p : m_prims) {
            if (p.box.intersect(area).empty()) continue;
            const PixelRect c = PixelRect{p.clip.x, p.clip.y, p.clip.w, p.clip.h}.intersect(area);
            const SDL_Rect clip{c.x, c.y, c.w, c.h};
            if (p.kind == Prim::Kind::Triangles) {
                if (batch && (batch->tex != p.tex || batch->v != p.v || !SDL_RectEquals(&batchClip, &clip))) flush();
                if (!batch) batch = &p, batchClip = clip;
                if (p.box.intersect(c) == p.box) {
                    m_batch.insert(m_batch.end(), p.idx, p.idx + p.count);
                    continue;
                }
                // Partly inside: only its triangles that reach in (SDL's cost is per triangle too).
                for (size_t k = 0; k < p.count; k += 3) {
                    const ImVec2 a = p.v[p.idx[k]].pos, b = p.v[p.idx[k + 1]].pos, d = p.v[p.idx[k + 2]].pos;
                    if (std::max({a.x, b.x, d.x}) + 2 < float(c.x) || std::min({a.x, b.x, d.x}) - 2 > float(c.x + c.w) ||
                        std::max({a.y, b.y, d.y}) + 2 < float(c.y) || std::min({a.y, b.y, d.y}) - 2 > float(c.y + c.h))
                        continue;
                    m_batch.insert(m_batch.end(), p.idx + k, p.idx + k + 3);
                }
                continue;
            }
            flush();
            SDL_RenderSetClipRect(m_renderer, &clip);
            convexRows(p, clip);
            if (p.kind == Prim::Kind::Fill)
                fillRows(p.colour);
            else
                copyRows(p.tex, p.origin, p.colour);
        }
        flush();
    }

    /// The rows of a Fill or Copy's polygon, into m_rows: the pixels whose centres are
    /// inside, as GL covers them, or, with its `grow`, also those up to that far outside.
    /// Rows outside `clip` are skipped (SDL would clip them anyway: a scrolled-away card costs nothing).
    void convexRows(const Prim& p, const SDL_Rect& clip) {
        const int n = int(p.count);
        auto at = [&](int i) { return p.v[m_rings[p.first + size_t(i)]].pos; };
        const float grow = p.grow;
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

    /// Where the texture's top-left pixel lands on screen, when the polygon `ring` shows
    /// it 1:1 (Image::at scaled it to the drawn size); nothing when it does not.
    static std::optional<SDL_Point> imageOrigin(const ImDrawVert* v, std::span<const ImDrawIdx> ring, SDL_Texture* tex) {
        int tw = 0, th = 0;
        SDL_QueryTexture(tex, nullptr, nullptr, &tw, &th);
        const ImDrawVert& first = v[ring[0]];
        const ImVec2 o(first.pos.x - first.uv.x * float(tw), first.pos.y - first.uv.y * float(th));
        for (ImDrawIdx i : ring)
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
    std::uint64_t m_images = 1; // serials of images; 1 is the font atlas
    bool m_fullRedraw = false; // KIOSK_FULL_REDRAW: every frame whole (tests compare)
    bool m_invalid = true;     // the window lost what it showed (exposed, resized)
    DamageGrid m_damage;
    std::vector<PixelRect> m_dirty; // what render() drew, for present()
    std::vector<SDL_Texture*> m_retired; // image sizes pushed out during the frame (Image::at)
    std::vector<PixelRect> m_whole; // boxes of the prims that no dirty rectangle may cut (drawnAsBlit)
    // Reused every frame:
    std::vector<Prim> m_prims;
    std::vector<ImDrawIdx> m_rings, m_batch;
    std::vector<SDL_Rect> m_rows;
};

} // namespace

std::unique_ptr<Renderer> openSoftwareRenderer(const WindowSpec& spec, std::string& error) {
    auto r = std::make_unique<SoftwareRenderer>();
    if (!r->open(spec, error)) return nullptr;
    return r;
}

} // namespace kiosk::platform
