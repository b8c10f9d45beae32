/// @brief Which parts of the screen a frame changed, for the software renderer: it redraws
/// and presents only those (docs/performance.md). The screen is cut into tiles; each tile's
/// signature is a hash of everything drawn over it, in order; a tile whose signature differs
/// from the last frame's is redrawn. Nothing here knows SDL: unit-tested without a window.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kiosk::platform {

struct PixelRect {
    int x = 0, y = 0, w = 0, h = 0;
    bool empty() const { return w <= 0 || h <= 0; }
    PixelRect intersect(const PixelRect& o) const;
    PixelRect join(const PixelRect& o) const; ///< the smallest rectangle holding both
    bool operator==(const PixelRect&) const = default;
};

/// Hashes of what is drawn, word by word.
struct Hash {
    std::uint64_t value = 0xcbf29ce484222325ull;
    void add(std::uint64_t word) {
        value = (value ^ word) * 0x100000001b3ull;
        value ^= value >> 29;
    }
    void add(float f);
};

class DamageGrid {
public:
    static constexpr int kTile = 32;     ///< pixels a side: 8160 tiles at 3840x2160
    static constexpr size_t kMaxRects = 16; ///< more are merged: every rectangle is one pass over the frame

    /// A new frame of `w` x `h` pixels; `seed` is what is under everything (the clear colour).
    void begin(int w, int h, std::uint64_t seed);
    /// Something drawn inside `box` (already clipped to what it may touch), identified by `hash`.
    void mark(const PixelRect& box, std::uint64_t hash);
    /// The rectangles to redraw, covering every tile that changed since the last frame (all
    /// of the screen when `everything`, the first frame or another size); at most kMaxRects.
    std::vector<PixelRect> finish(bool everything);
    /// Grows each of `rects` that reaches into one of `whole` over all of it, until none cuts
    /// one: what cannot be drawn in pieces (the rectangles may overlap then).
    static void growOver(std::vector<PixelRect>& rects, const std::vector<PixelRect>& whole);

private:
    int m_w = 0, m_h = 0, m_cols = 0, m_rows = 0;
    std::vector<std::uint64_t> m_now, m_last;
    bool m_lastValid = false;
};

} // namespace kiosk::platform
