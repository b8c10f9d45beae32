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

UiContext& uiContext() {
    if (g_current) return *g_current;
    static UiContext none; // before the App exists and after it is gone: nothing drawn is kept
    return none;
}

void setUiContext(UiContext* c) { g_current = c; }

} // namespace kiosk::ui
