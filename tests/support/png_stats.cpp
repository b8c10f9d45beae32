// With one PNG: prints "WIDTH HEIGHT COLOURS DOMINANT_PERCENT", so end-to-end tests can
// reject a blank or all-one-colour screenshot without an image library in Python.
// With two of the same size: prints "MEAN_ABS_DIFF PERCENT_OFF DIFFERENT", the mean absolute
// difference per channel (0-255), the share of pixels where a channel differs by more than
// 64 (a gap, a missing shape, a shifted glyph), to compare two renderers, and how many
// pixels differ at all (0: the same picture). Either may be a PNG or a PPM.
// With --colour RRGGBB and one PNG: prints how many pixels have about that colour.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

namespace {

unsigned char* load(const char* path, int& w, int& h) {
    int n = 0;
    unsigned char* px = stbi_load(path, &w, &h, &n, 3);
    if (!px) std::fprintf(stderr, "png_stats: %s: %s\n", path, stbi_failure_reason());
    return px;
}

int compare(const char* a, const char* b) {
    int w = 0, h = 0, w2 = 0, h2 = 0;
    unsigned char* pa = load(a, w, h);
    unsigned char* pb = load(b, w2, h2);
    if (!pa || !pb) return 1;
    if (w != w2 || h != h2) {
        std::fprintf(stderr, "png_stats: %dx%d and %dx%d differ in size\n", w, h, w2, h2);
        return 1;
    }
    const size_t total = static_cast<size_t>(w) * h;
    double sum = 0;
    size_t off = 0, different = 0;
    for (size_t i = 0; i < total; ++i) {
        int worst = 0;
        for (int c = 0; c < 3; ++c) {
            const int d = std::abs(int(pa[i * 3 + c]) - int(pb[i * 3 + c]));
            sum += d;
            worst = d > worst ? d : worst;
        }
        off += worst > 64;
        different += worst > 0;
    }
    std::printf("%.3f %.3f %zu\n", sum / double(total * 3), 100.0 * double(off) / double(total), different);
    stbi_image_free(pa);
    stbi_image_free(pb);
    return 0;
}

/// `--colour RRGGBB FILE`: how many pixels are within 8 per channel of that colour (is a logo drawn?).
int countColour(const char* hex, const char* path) {
    int w = 0, h = 0;
    unsigned char* px = load(path, w, h);
    if (!px) return 1;
    const unsigned long rgb = std::strtoul(hex, nullptr, 16);
    const int want[3] = {int(rgb >> 16) & 0xFF, int(rgb >> 8) & 0xFF, int(rgb) & 0xFF};
    size_t n = 0;
    for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i)
        n += std::abs(px[i * 3] - want[0]) <= 8 && std::abs(px[i * 3 + 1] - want[1]) <= 8 && std::abs(px[i * 3 + 2] - want[2]) <= 8;
    std::printf("%zu\n", n);
    stbi_image_free(px);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string_view(argv[1]) == "--colour") return countColour(argv[2], argv[3]);
    if (argc == 3) return compare(argv[1], argv[2]);
    if (argc != 2) {
        std::fprintf(stderr, "usage: png_stats FILE.png [OTHER.png] | --colour RRGGBB FILE.png\n");
        return 2;
    }
    int w = 0, h = 0;
    unsigned char* px = load(argv[1], w, h);
    if (!px) return 1;
    std::unordered_map<unsigned, size_t> counts;
    const size_t total = static_cast<size_t>(w) * h;
    for (size_t i = 0; i < total; ++i)
        ++counts[(unsigned(px[i * 3]) << 16) | (unsigned(px[i * 3 + 1]) << 8) | px[i * 3 + 2]];
    size_t dominant = 0;
    for (const auto& [c, k] : counts) dominant = k > dominant ? k : dominant;
    std::printf("%d %d %zu %.2f\n", w, h, counts.size(), 100.0 * double(dominant) / double(total));
    stbi_image_free(px);
    return 0;
}
