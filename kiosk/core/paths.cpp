#include "paths.hpp"

#include <cstdlib>
#include <system_error>

namespace kiosk::core {

namespace fs = std::filesystem;

namespace {
/// An installed kiosk keeps its data in <prefix>/share/stand-kiosk; a build-tree
/// binary uses the source tree it was built from.
fs::path shippedDir(const char* name) {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path installed = exe.parent_path().parent_path() / "share" / "stand-kiosk" / name;
        if (fs::is_directory(installed, ec)) return installed;
    }
    return fs::path(KIOSK_SOURCE_DIR) / name;
}
} // namespace

fs::path shippedContentDir() { return shippedDir("content"); }
fs::path shippedAssetsDir() { return shippedDir("assets"); }

fs::path defaultContentDir() {
    std::error_code ec;
    const fs::path etc = "/etc/stand-kiosk/content";
    return fs::is_directory(etc, ec) ? etc : shippedContentDir();
}

fs::path defaultConfigFile() {
    std::error_code ec;
    const fs::path etc = "/etc/stand-kiosk/kiosk.toml";
    return fs::is_regular_file(etc, ec) ? etc : fs::path();
}

fs::path defaultDataDir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "stand-kiosk";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local" / "share" / "stand-kiosk";
    return fs::path("/var/lib/stand-kiosk");
}

fs::path fontPath(bool bold) {
    return bold ? "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf" : "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
}

} // namespace kiosk::core
