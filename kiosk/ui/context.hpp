/// @brief Everything the UI remembers between frames besides UiState: the theme, the widget
/// registry, scroll positions and flings, QR codes, measured heights. One per App.
///
/// Widgets and screens reach it through uiContext(), the context of the App whose frame is
/// running (as ImGui reaches its own context), so that no widget signature carries it; a new
/// App starts from an empty one, and tests need no resets.
#pragma once
#include "automation/registry.hpp"
#include "core/qr.hpp"
#include "theme.hpp"

#include <array>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

namespace kiosk::ui {

/// Every UI string key looked up through ScreenCtx is passed here (tests: which keys a tour
/// used); empty in the kiosk.
using StringLookupObserver = std::function<void(const std::string& key)>;

struct ScrollState {
    float velocity = 0.0f; ///< px/s, after release
    bool dragging = false;
};

struct UiContext {
    Theme theme;
    WidgetRegistry registry;

    std::unordered_map<ImGuiID, ScrollState> scrolls; ///< per drag-to-scroll list
    ImGuiID currentScroll = 0;                        ///< the list being drawn
    struct ScrollRequest {
        ImGuiID list = 0;
        float y = 0, height = 0;
    } scrollRequest; ///< a script asked to bring this into view

    StringLookupObserver lookups;
    std::string missingString; ///< what tr() shows for a key the content lacks: the key

    /// The QR code of `url`, encoded once (a handful of URLs: websites, the privacy policy).
    const core::QrCode& qr(const std::string& url);
    /// The QR code of a text that changes with every visit (a consent receipt): only the last
    /// few are kept, so a day of visitors does not pile up.
    const core::QrCode& passingQr(const std::string& text);

    /// Texts a screen shows that scripts read (`value`, `expect-text`), by widget id. Entries
    /// are overwritten, never erased: the registry points at them.
    std::map<std::string, std::string> shownTexts;

private:
    std::map<std::string, core::QrCode> m_qrCodes, m_passingQrCodes;
};

/// The context of the App whose frame runs (or that was made last); outside any App an
/// empty one with the default theme.
UiContext& uiContext();
/// Makes `c` current (nullptr: none). App does this.
void setUiContext(UiContext* c);

} // namespace kiosk::ui
