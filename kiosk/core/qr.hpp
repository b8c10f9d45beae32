/// @brief QR code modules for a URL (libqrencode), drawn by the UI as plain rectangles.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::core {

struct QrCode {
    int size = 0;                      ///< modules per side; 0 when encoding failed
    std::vector<std::uint8_t> modules; ///< size*size, 1 = dark
    bool dark(int x, int y) const { return modules[static_cast<size_t>(y * size + x)] != 0; }
};

QrCode makeQr(const std::string& text);

} // namespace kiosk::core
