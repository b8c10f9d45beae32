// Shared by the loader fuzz targets: a scratch copy of tests/fixtures/minimal in which one
// file at a time is replaced by the fuzzer's input, so every input goes through the same
// path as a real file (open, size, nesting pre-scan, toml++, the readers) and the rest of
// the folder stays valid for the next input.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <unistd.h>

namespace kiosk::fuzz {

inline const std::filesystem::path& scratchDir() {
    static const std::filesystem::path dir = [] {
        namespace fs = std::filesystem;
        const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        const fs::path d = base / ("kiosk-fuzz-" + std::to_string(::getpid()));
        fs::remove_all(d);
        fs::create_directories(d);
        fs::copy(KIOSK_FIXTURES_DIR "/minimal", d / "minimal", fs::copy_options::recursive);
        std::atexit([] { std::error_code ec; std::filesystem::remove_all(scratchDir(), ec); });
        return d;
    }();
    return dir;
}

inline void writeFile(const std::filesystem::path& p, const std::uint8_t* data, size_t size) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

/// Replaces `rel` in the scratch content folder by the input for the duration of the object.
class Replaced {
public:
    Replaced(const std::string& rel, const std::uint8_t* data, size_t size) : m_path(scratchDir() / "minimal" / rel) {
        static std::map<std::string, std::string> originals;
        auto it = originals.find(rel);
        if (it == originals.end()) {
            std::ifstream in(m_path, std::ios::binary);
            it = originals.emplace(rel, std::string(std::istreambuf_iterator<char>(in), {})).first;
        }
        m_original = &it->second;
        writeFile(m_path, data, size);
    }
    ~Replaced() { writeFile(m_path, reinterpret_cast<const std::uint8_t*>(m_original->data()), m_original->size()); }
    Replaced(const Replaced&) = delete;
    Replaced& operator=(const Replaced&) = delete;

private:
    std::filesystem::path m_path;
    const std::string* m_original;
};

} // namespace kiosk::fuzz
