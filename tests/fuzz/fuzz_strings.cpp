// libFuzzer target: strings.toml (the UI texts, a tree of groups and de/en leaves).
#include "core/content/content.hpp"
#include "fuzz_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    kiosk::fuzz::Replaced file("strings.toml", data, size);
    const auto loaded = kiosk::core::loadContent(kiosk::fuzz::scratchDir() / "minimal", {KIOSK_SOURCE_DIR "/assets", false});
    for (const auto& p : loaded.problems) (void)p.format();
    return 0;
}
