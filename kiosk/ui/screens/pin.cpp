// The staff PIN pad: ten digits, back, OK, cancel. It shows how many digits were
// typed, never how many the PIN has.
#include "../screen.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace kiosk::ui {

Intent drawPin(const ScreenCtx& ctx) {
    using Op = intent::Staff::Op;
    const Theme& t = theme();
    const float key = t.padKeyHeight(), keyW = t.padKeyWidth(), gap = t.mm(3);
    const float padW = 3 * keyW + 2 * gap;
    const float x0 = (ctx.size.x - padW) * 0.5f;
    float y = std::max(t.em(1.5f), (ctx.size.y - (4 * key + 3 * gap) - t.em(9)) * 0.5f);
    Intent out;

    ImGui::SetCursorScreenPos(ImVec2(x0, y));
    ImGui::BeginGroup();
    wrappedText(t.fonts.heading, t.colors.text, ctx.tr("pin.title"), padW);
    const bool refused = ctx.backend && !ctx.backend->pinRefused.empty();
    const std::int64_t locked = !refused && ctx.backend && ctx.backend->pinLockedForMs ? ctx.backend->pinLockedForMs() : 0;
    const bool keysOff = refused || locked > 0;
    std::string msg;
    ImU32 color = t.colors.textMuted;
    if (refused) {
        msg = ctx.tr("pin.config_locked");
        color = t.colors.error;
    } else if (locked > 0) {
        msg = ctx.tr("pin.locked");
        const std::int64_t secs = (locked + 999) / 1000;
        char mmss[24];
        std::snprintf(mmss, sizeof mmss, "%lld:%02lld", static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
        // {t} is minutes:seconds; {s}, plain seconds, is what older strings files use.
        for (const auto& [slot, value] : {std::pair<std::string, std::string>{"{t}", mmss}, {"{s}", std::to_string(secs)}})
            if (const auto p = msg.find(slot); p != std::string::npos) msg.replace(p, slot.size(), value);
        color = t.colors.error;
    } else if (ctx.state.pinWrong) {
        msg = ctx.tr("pin.wrong");
        color = t.colors.error;
    } else {
        msg = ctx.tr("pin.prompt");
    }
    wrappedText(t.fonts.bold, color, msg, padW);
    if (refused) wrappedText(t.fonts.small, t.colors.text, ctx.backend->pinRefused, padW);
    // One dot per digit typed; nothing hints at the PIN's length.
    const float dotsY = ImGui::GetCursorScreenPos().y + t.em(0.4f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < ctx.state.pinEntry.size(); ++i)
        dl->AddCircleFilled(ImVec2(x0 + t.em(0.5f) + float(i) * t.em(1.2f), dotsY + t.em(0.5f)), t.em(0.35f), t.colors.text);
    ImGui::Dummy(ImVec2(padW, t.em(1.4f)));
    ImGui::EndGroup();

    y = ImGui::GetCursorScreenPos().y + t.em(0.3f);
    const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "ok"};
    for (int i = 0; i < 12; ++i) {
        ImGui::SetCursorScreenPos(ImVec2(x0 + float(i % 3) * (keyW + gap), y + float(i / 3) * (key + gap)));
        const std::string k = keys[i];
        if (k == "back") {
            if (button("pin.back", ctx.tr("pin.back"), ImVec2(keyW, key)) && !keysOff) out = intent::Staff{Op::Back, {}};
        } else if (k == "ok") {
            if (button("pin.ok", "OK", ImVec2(keyW, key), ButtonKind::Primary) && !keysOff) out = intent::Staff{Op::Ok, {}};
        } else if (button("pin.key." + k, k, ImVec2(keyW, key)) && !keysOff) {
            out = intent::Staff{Op::Digit, k};
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(x0, y + 4 * (key + gap) + t.em(0.5f)));
    if (button("pin.cancel", ctx.tr("pin.cancel"), ImVec2(padW, t.smallButton())))
        out = intent::Goto{Screen::Attract};
    return out;
}

} // namespace kiosk::ui
