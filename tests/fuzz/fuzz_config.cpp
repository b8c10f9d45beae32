// libFuzzer target: the kiosk's configuration file (kiosk.toml, loadConfig).
#include "core/config.hpp"
#include "fuzz_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const auto path = kiosk::fuzz::scratchDir() / "kiosk.toml";
    kiosk::fuzz::writeFile(path, data, size);
    const auto loaded = kiosk::core::loadConfig(path);
    for (const auto& p : loaded.problems) (void)p.format();
    return 0;
}
