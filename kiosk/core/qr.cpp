#include "qr.hpp"

#include <qrencode.h>

namespace kiosk::core {

QrCode makeQr(const std::string& text) {
    QrCode qr;
    // Level M survives a smudged or glare-hit screen better than L and stays small for URLs.
    QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
    if (!code) return qr;
    qr.size = code->width;
    qr.modules.resize(static_cast<size_t>(code->width * code->width));
    for (size_t i = 0; i < qr.modules.size(); ++i) qr.modules[i] = code->data[i] & 1u;
    QRcode_free(code);
    return qr;
}

} // namespace kiosk::core
