// Prints "WIDTH HEIGHT COLOURS DOMINANT_PERCENT" for a PNG, so end-to-end tests can
// reject a blank or all-one-colour screenshot without an image library in Python.
#include <stb_image.h>

#include <cstdio>
#include <unordered_map>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: png_stats FILE.png\n");
        return 2;
    }
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
    if (!px) {
        std::fprintf(stderr, "png_stats: %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
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
