// The table of screens. A new screen is a value in the enum, its file in screens/,
// and one row here; the router, scripts and the string tour read the rest from the row.
#include "../screen.hpp"

namespace kiosk::ui {

Intent drawAttract(const ScreenCtx& ctx);
Intent drawBrowse(const ScreenCtx& ctx);
Intent drawProfile(const ScreenCtx& ctx);
Intent drawSignup(const ScreenCtx& ctx);
Intent drawThanks(const ScreenCtx& ctx);
Intent drawPin(const ScreenCtx& ctx);
Intent drawStaff(const ScreenCtx& ctx);

const std::vector<ScreenInfo>& screens() {
    static const std::vector<ScreenInfo> table = {
        {.id = Screen::Attract, .name = "attract", .draw = drawAttract, .frameInterval = 1.0 / 30.0, .idleTimeout = false},
        {.id = Screen::Browse, .name = "browse", .draw = drawBrowse},
        {.id = Screen::Profile, .name = "profile", .draw = drawProfile},
        {.id = Screen::Signup, .name = "signup", .draw = drawSignup, .wipeFormOnLeave = true},
        // It goes back to the attract loop by itself after [kiosk] thanks_seconds, with its own countdown.
        {.id = Screen::Thanks, .name = "thanks", .draw = drawThanks, .idleTimeout = false},
        {.id = Screen::Pin, .name = "pin", .draw = drawPin, .tickSeconds = 1.0, .visitor = false}, // the lock countdown
        {.id = Screen::Staff, .name = "staff", .draw = drawStaff, .visitor = false},
    };
    return table;
}

const ScreenInfo& screenInfo(Screen s) {
    const auto& all = screens();
    const auto i = static_cast<size_t>(s);
    // The rows follow the enum; a screen missing from the table falls back to the attract loop.
    return i < all.size() && all[i].id == s ? all[i] : all.front();
}

const ScreenInfo* findScreen(const std::string& name) {
    for (const auto& s : screens())
        if (name == s.name) return &s;
    return nullptr;
}

} // namespace kiosk::ui
