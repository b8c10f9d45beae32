#include "context.hpp"

namespace kiosk::ui {

namespace {
UiContext* g_current = nullptr;
}

const core::QrCode& UiContext::qr(const std::string& url) {
    auto it = m_qrCodes.find(url);
    if (it == m_qrCodes.end()) it = m_qrCodes.emplace(url, core::makeQr(url)).first;
    return it->second;
}

const core::QrCode& UiContext::passingQr(const std::string& text) {
    auto it = m_passingQrCodes.find(text);
    if (it != m_passingQrCodes.end()) return it->second;
    if (m_passingQrCodes.size() >= 4) m_passingQrCodes.clear(); // a receipt in both languages, and the next
    return m_passingQrCodes.emplace(text, core::makeQr(text)).first->second;
}

UiContext& uiContext() {
    if (g_current) return *g_current;
    static UiContext none; // before the App exists and after it is gone: nothing drawn is kept
    return none;
}

void setUiContext(UiContext* c) { g_current = c; }

} // namespace kiosk::ui
