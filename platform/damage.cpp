#include "damage.hpp"

#include <algorithm>
#include <cstring>

namespace kiosk::platform {

PixelRect PixelRect::intersect(const PixelRect& o) const {
    const int x0 = std::max(x, o.x), y0 = std::max(y, o.y);
    const int x1 = std::min(x + w, o.x + o.w), y1 = std::min(y + h, o.y + o.h);
    return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

PixelRect PixelRect::join(const PixelRect& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    const int x0 = std::min(x, o.x), y0 = std::min(y, o.y);
    return {x0, y0, std::max(x + w, o.x + o.w) - x0, std::max(y + h, o.y + o.h) - y0};
}

void Hash::add(float f) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    add(std::uint64_t(bits));
}

void DamageGrid::begin(int w, int h, std::uint64_t seed) {
    if (w != m_w || h != m_h) m_lastValid = false;
    m_w = w, m_h = h;
    m_cols = (w + kTile - 1) / kTile, m_rows = (h + kTile - 1) / kTile;
    m_now.assign(size_t(m_cols) * size_t(m_rows), seed);
}

void DamageGrid::mark(const PixelRect& box, std::uint64_t hash) {
    const PixelRect b = box.intersect({0, 0, m_w, m_h});
    if (b.empty()) return;
    const int c1 = (b.x + b.w - 1) / kTile, r1 = (b.y + b.h - 1) / kTile;
    for (int r = b.y / kTile; r <= r1; ++r)
        for (int c = b.x / kTile; c <= c1; ++c) {
            std::uint64_t& s = m_now[size_t(r) * size_t(m_cols) + size_t(c)];
            s = (s ^ hash) * 0x9e3779b97f4a7c15ull; // in order: the same things stacked otherwise differ
            s ^= s >> 31;
        }
}

namespace {
/// In tiles: columns [c0, c1), rows [r0, r1).
struct TileRect {
    int c0, r0, c1, r1;
    long long area() const { return (long long)(c1 - c0) * (r1 - r0); }
    TileRect join(const TileRect& o) const {
        return {std::min(c0, o.c0), std::min(r0, o.r0), std::max(c1, o.c1), std::max(r1, o.r1)};
    }
};

/// Joins the two whose union adds the least area until at most `most` are left.
void mergeDown(std::vector<TileRect>& rects, size_t most) {
    while (rects.size() > most) {
        size_t bi = 0, bj = 1;
        long long best = -1;
        for (size_t i = 0; i < rects.size(); ++i)
            for (size_t j = i + 1; j < rects.size(); ++j) {
                const long long extra = rects[i].join(rects[j]).area() - rects[i].area() - rects[j].area();
                if (best < 0 || extra < best) best = extra, bi = i, bj = j;
            }
        rects[bi] = rects[bi].join(rects[bj]);
        rects.erase(rects.begin() + std::ptrdiff_t(bj));
    }
}
} // namespace

std::vector<PixelRect> DamageGrid::finish(bool everything) {
    std::vector<TileRect> rects;
    if (everything || !m_lastValid) {
        rects.push_back({0, 0, m_cols, m_rows});
    } else {
        // Each row's runs of changed tiles; a run below one of the same columns extends it.
        std::vector<size_t> open, next; // indices into rects ending at the row above
        for (int r = 0; r < m_rows; ++r) {
            next.clear();
            for (int c = 0; c < m_cols;) {
                auto changed = [&](int col) {
                    const size_t i = size_t(r) * size_t(m_cols) + size_t(col);
                    return m_now[i] != m_last[i];
                };
                if (!changed(c)) {
                    ++c;
                    continue;
                }
                int end = c + 1;
                while (end < m_cols && changed(end)) ++end;
                auto above = std::find_if(open.begin(), open.end(),
                                          [&](size_t i) { return rects[i].c0 == c && rects[i].c1 == end; });
                if (above != open.end()) {
                    rects[*above].r1 = r + 1;
                    next.push_back(*above);
                } else {
                    next.push_back(rects.size());
                    rects.push_back({c, r, end, r + 1});
                }
                c = end;
            }
            open.swap(next);
        }
        // Scattered changes make many small pieces: first one band per row, then the cheapest joins.
        if (rects.size() > 4 * kMaxRects) {
            std::vector<TileRect> bands;
            for (const TileRect& t : rects)
                for (int r = t.r0; r < t.r1; ++r) {
                    auto band = std::find_if(bands.begin(), bands.end(), [&](const TileRect& b) { return b.r0 == r; });
                    if (band == bands.end())
                        bands.push_back({t.c0, r, t.c1, r + 1});
                    else
                        *band = band->join({t.c0, r, t.c1, r + 1});
                }
            rects.swap(bands);
        }
        mergeDown(rects, kMaxRects);
    }
    m_last.swap(m_now);
    m_lastValid = true;
    std::vector<PixelRect> out;
    for (const TileRect& t : rects)
        out.push_back(PixelRect{t.c0 * kTile, t.r0 * kTile, (t.c1 - t.c0) * kTile, (t.r1 - t.r0) * kTile}.intersect(
            {0, 0, m_w, m_h}));
    return out;
}

void DamageGrid::growOver(std::vector<PixelRect>& rects, const std::vector<PixelRect>& whole) {
    for (bool grown = true; grown;) { // a grown rectangle may reach into another one
        grown = false;
        for (PixelRect& r : rects)
            for (const PixelRect& b : whole)
                if (const PixelRect in = b.intersect(r); !in.empty() && in != b) r = r.join(b), grown = true;
    }
}

} // namespace kiosk::platform
