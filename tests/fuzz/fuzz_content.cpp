// libFuzzer target: a content file. The first byte picks which one ('0' event, '1' sectors,
// '2' a company, '3' consent, by value modulo 4); the rest replaces it in a valid folder.
#include "core/content/content.hpp"
#include "fuzz_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static const char* const files[] = {"event.toml", "sectors.toml", "companies/example-one.toml", "consent.toml"};
    // strings.toml has its own target; here it would only cost time on every input.
    static kiosk::fuzz::Replaced noStrings("strings.toml", nullptr, 0);
    kiosk::fuzz::Replaced file(files[data[0] % 4], data + 1, size - 1);
    const auto loaded = kiosk::core::loadContent(kiosk::fuzz::scratchDir() / "minimal", {KIOSK_SOURCE_DIR "/assets", true});
    for (const auto& p : loaded.problems) (void)p.format();
    return 0;
}
