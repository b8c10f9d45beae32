#include "keyboard.hpp"

#include "../automation/registry.hpp"
#include "../theme.hpp"
#include "widgets.hpp"

#include "core/leads/validation.hpp"
#include "core/letters.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

enum class Special { Char, Shift, Backspace, Space, Symbols, Letters, Accents, Layout, Next, Done };

struct Key {
    std::string out;   ///< what a Char key types (before shift)
    Special special = Special::Char;
    float units = 1.0f; ///< width in key units
};

using Row = std::vector<Key>;

Row chars(const char* const* list, size_t n) {
    Row r;
    for (size_t i = 0; i < n; ++i) r.push_back({list[i]});
    return r;
}
template <size_t N> Row chars(const char* const (&list)[N]) { return chars(list, N); }

std::string upper(const std::string& s) { return core::upperChar(s); }

bool isLetterKey(const Key& k) {
    return k.special == Special::Char && k.out.size() <= 2 && upper(k.out) != k.out;
}

std::vector<Row> layout(const KeyboardState& s, KeyboardMode mode) {
    std::vector<Row> rows;
    if (mode == KeyboardMode::Email) rows.push_back(chars({"@", ".", "-", "_", ".de", ".com", ".co.uk"}));
    if (s.layer == 0) {
        // DIN 2137: ß right of 0, ü right of P, ö ä right of L.
        if (s.german) {
            rows.push_back(chars({"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "ß"}));
            rows.push_back(chars({"q", "w", "e", "r", "t", "z", "u", "i", "o", "p", "ü"}));
            rows.push_back(chars({"a", "s", "d", "f", "g", "h", "j", "k", "l", "ö", "ä"}));
            Row r{{"", Special::Shift, 1.5f}};
            for (const char* c : {"y", "x", "c", "v", "b", "n", "m", "-", "'"}) r.push_back({c});
            r.push_back({"", Special::Backspace, 1.5f});
            rows.push_back(r);
        } else {
            rows.push_back(chars({"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}));
            rows.push_back(chars({"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"}));
            rows.push_back(chars({"a", "s", "d", "f", "g", "h", "j", "k", "l", "'"}));
            Row r{{"", Special::Shift, 1.5f}};
            for (const char* c : {"z", "x", "c", "v", "b", "n", "m", "-"}) r.push_back({c});
            r.push_back({"", Special::Backspace, 1.5f});
            rows.push_back(r);
        }
    } else if (s.layer == 1) {
        rows.push_back(chars({"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}));
        rows.push_back(chars({"+", "-", "_", "/", "(", ")", "&", ",", ".", "?", "!"}));
        rows.push_back(chars({"@", "#", "€", "%", "*", "=", ":", ";", "\"", "'", "$"}));
        Row r = chars({"<", ">", "[", "]", "\\", "|", "–", "~", "…"});
        r.push_back({"", Special::Backspace, 1.5f});
        rows.push_back(r);
    } else {
        rows.push_back(chars({"à", "á", "â", "ã", "å", "æ", "ç", "è", "é", "ê", "ë"}));
        rows.push_back(chars({"ì", "í", "î", "ï", "ñ", "ò", "ó", "ô", "õ", "ø", "œ"}));
        rows.push_back(chars({"ù", "ú", "û", "ý", "ÿ", "ł", "ń", "ś", "ź", "ż", "š"}));
        Row r{{"", Special::Shift, 1.5f}};
        for (const char* c : {"ć", "č", "ę", "ě", "ř", "ž", "ğ", "ş"}) r.push_back({c});
        r.push_back({"", Special::Backspace, 1.5f});
        rows.push_back(r);
    }
    Row bottom;
    bottom.push_back({"", s.layer == 1 ? Special::Letters : Special::Symbols, 1.5f});
    bottom.push_back({"", s.layer == 2 ? Special::Letters : Special::Accents, 1.5f});
    if (s.layer != 1) bottom.push_back({"@"});
    bottom.push_back({"", Special::Space, 4.0f});
    if (s.layer != 1) bottom.push_back({"."});
    bottom.push_back({"", Special::Layout, 1.5f});
    bottom.push_back({"", Special::Next, 2.0f});
    bottom.push_back({"", Special::Done, 2.0f});
    rows.push_back(bottom);
    return rows;
}

std::string output(const Key& k, const KeyboardState& s) { return s.shift && isLetterKey(k) ? upper(k.out) : k.out; }

std::string keyId(const Key& k, const KeyboardState& s) {
    switch (k.special) {
    case Special::Char: return "kbd.char." + output(k, s);
    case Special::Shift: return "kbd.shift";
    case Special::Backspace: return "kbd.backspace";
    case Special::Space: return "kbd.space";
    case Special::Symbols: return "kbd.layer.symbols";
    case Special::Letters: return "kbd.layer.letters";
    case Special::Accents: return "kbd.layer.accents";
    case Special::Layout: return "kbd.layout";
    case Special::Next: return "kbd.next";
    case Special::Done: return "kbd.done";
    }
    return {};
}

std::string label(const Key& k, const KeyboardState& s, const std::string& next, const std::string& done) {
    switch (k.special) {
    case Special::Char: return output(k, s);
    case Special::Shift: return s.shift ? "\u2022 Shift" : "Shift";
    case Special::Backspace: return "\u2190"; // drawn as an arrow shape below
    case Special::Space: return " ";
    case Special::Symbols: return "?123";
    case Special::Letters: return "ABC";
    case Special::Accents: return "\u00E0\u00E9\u00F1";
    case Special::Layout: return s.german ? "QWERTZ" : "QWERTY";
    case Special::Next: return next;
    case Special::Done: return done;
    }
    return {};
}

constexpr float kMaxUnits = 13.0f; // the widest row, in key units, with gaps

float keyUnitPx(float width) {
    // ~22 mm keys with 3 mm gaps (docs/design.md), narrower only if the screen is.
    return std::min(theme().keyPitch(), width / kMaxUnits);
}

struct AltKey {
    std::string text;
    ImVec2 min, max;
};

/// The popup's keys: rows of up to seven above the held key, the first row nearest the
/// finger, kept inside the keyboard's width.
std::vector<AltKey> popupKeys(const KeyboardState& s, float unit, float gap, float left, float right) {
    std::vector<AltKey> out;
    if (s.popup.empty()) return out;
    const auto variants = core::letterVariants(s.popup, s.shift, s.lang);
    constexpr size_t kPerRow = 7;
    const float rowW = static_cast<float>(std::min(variants.size(), kPerRow)) * unit;
    const float x0 = std::clamp(s.popupAnchor.x - rowW * 0.5f, left, std::max(left, right - rowW));
    for (size_t i = 0; i < variants.size(); ++i) {
        const ImVec2 a(x0 + static_cast<float>(i % kPerRow) * unit,
                       s.popupAnchor.y - gap - static_cast<float>(i / kPerRow + 1) * unit);
        out.push_back({variants[i], a, ImVec2(a.x + unit - gap, a.y + unit - gap)});
    }
    return out;
}

bool inside(ImVec2 p, ImVec2 a, ImVec2 b) { return p.x >= a.x && p.x < b.x && p.y >= a.y && p.y < b.y; }

/// Chooses from the popup on a release over one of its keys (a tap, or the end of a slide
/// from the held key); a new touch outside it closes it. Its keys sit in a window of their
/// own on top, so a tap on one never reaches the form or a key below.
KeyPress drawPopup(KeyboardState& s, float unit, float gap, float left, float right, bool outsideCloses, KeyPress press) {
    const Theme& t = theme();
    const ImGuiIO& io = ImGui::GetIO();
    const auto alts = popupKeys(s, unit, gap, left, right);
    const AltKey* over = nullptr;
    for (const auto& a : alts)
        if (inside(io.MousePos, a.min, a.max)) over = &a;
    if (io.MouseReleased[0] && over) {
        press = {KeyPress::Kind::Text, over->text};
        s.popup.clear();
        s.shift = false; // one-shot, as for a letter key
        return press;
    }
    if (io.MouseClicked[0] && !over && outsideCloses) {
        s.popup.clear();
        s.swallow = true;
        return press;
    }
    ImVec2 a = alts.front().min, b = alts.front().max;
    for (const auto& k : alts) {
        a = ImVec2(std::min(a.x, k.min.x), std::min(a.y, k.min.y));
        b = ImVec2(std::max(b.x, k.max.x), std::max(b.y, k.max.y));
    }
    const float pad = gap;
    a = ImVec2(a.x - pad, a.y - pad);
    b = ImVec2(b.x + pad, b.y + pad);
    ImGui::SetNextWindowPos(a);
    ImGui::SetNextWindowSize(ImVec2(b.x - a.x, b.y - a.y));
    ImGui::Begin("##kbd.popup", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(a, b, t.colors.surfaceAlt, t.em(0.3f));
    dl->AddRect(a, b, t.colors.border, t.em(0.3f), 0, 2.0f);
    for (const auto& k : alts) {
        const bool hot = io.MouseDown[0] && &k == over;
        dl->AddRectFilled(k.min, k.max, hot ? t.colors.primary : t.colors.button, t.em(0.25f));
        dl->AddRect(k.min, k.max, t.colors.border, t.em(0.25f));
        centeredText(dl, t.fonts.bold, hot ? t.colors.onPrimary : t.colors.onButton,
                     ImVec2((k.min.x + k.max.x) * 0.5f, (k.min.y + k.max.y) * 0.5f), k.text);
        registry().add("kbd.alt." + k.text, k.min, k.max);
    }
    ImGui::End();
    return press;
}

} // namespace

namespace {
/// Above and below the keys: millimetres, not font units, so A+ does not make the keyboard
/// taller than its keys need (a short area in reach mode has no room to spare).
float keyboardPad() { return theme().mm(3.5f); } // also the gap to a field right above it
} // namespace

float keyboardHeight(KeyboardMode mode) {
    const float rows = mode == KeyboardMode::Email ? 6.0f : 5.0f;
    return rows * theme().keyPitch() + 2 * keyboardPad();
}

namespace {
/// What one pass over the keys found: the press to report, and what the finger is on.
struct KeysPass {
    KeyboardState& s;
    double now;
    bool& animating;
    bool ignoreKeys; ///< only shift works (the popup is open, or this touch opened or closed it)
    KeyPress press;
    bool onShift = false, letterHeld = false;
    std::string preview; ///< the character under the finger, to magnify
    ImVec2 previewAt;
};

void paintKey(ImDrawList* dl, const Key& k, const KeyboardState& s, ImVec2 a, ImVec2 b, bool held,
              const std::string& nextLabel, const std::string& doneLabel) {
    const Theme& t = theme();
    const bool active = (k.special == Special::Shift && s.shift) || k.special == Special::Next;
    const ImU32 bg = held ? t.colors.buttonPressed : active ? t.colors.primary : t.colors.button;
    const ImU32 fg = active && !held ? t.colors.onPrimary : t.colors.onButton;
    dl->AddRectFilled(a, b, bg, t.em(0.25f));
    dl->AddRect(a, b, t.colors.border, t.em(0.25f));
    const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    if (k.special == Special::Backspace) { // an arrow with a tail, no glyph needed
        const float r = (b.y - a.y) * 0.22f;
        dl->AddTriangleFilled(ImVec2(c.x - r * 1.6f, c.y), ImVec2(c.x - r * 0.4f, c.y - r), ImVec2(c.x - r * 0.4f, c.y + r), fg);
        dl->AddRectFilled(ImVec2(c.x - r * 0.5f, c.y - r * 0.35f), ImVec2(c.x + r * 1.4f, c.y + r * 0.35f), fg);
    } else {
        const std::string text = label(k, s, nextLabel, doneLabel);
        centeredText(dl, k.special == Special::Char && core::charCount(text) == 1 ? t.fonts.bold : t.fonts.small, fg, c, text);
    }
}

/// Delete on touch-down, then repeat while held: after 0.5 s, 12 a second. Counted from
/// the clock, not from frames, so a slow frame deletes as many.
void backspace(KeysPass& p, bool held) {
    constexpr double kDelay = 0.5, kEvery = 1.0 / 12.0;
    KeyboardState& s = p.s;
    if (!held) {
        s.backspaceDownAt = -1;
        return;
    }
    p.animating = true;
    if (s.backspaceDownAt < 0) {
        s.backspaceDownAt = p.now;
        s.backspaceRepeats = 0;
        p.press.kind = KeyPress::Kind::Backspace;
    } else if (p.now - s.backspaceDownAt > kDelay) {
        const int due = static_cast<int>((p.now - s.backspaceDownAt - kDelay) / kEvery);
        if (due > s.backspaceRepeats) {
            p.press = {KeyPress::Kind::Backspace, {}, due - s.backspaceRepeats};
            s.backspaceRepeats = due;
        }
    }
}

/// A character key under the finger: magnified; held long enough, a letter with variants
/// shows them above the finger.
void holdChar(KeysPass& p, const Key& k, const std::string& id, ImVec2 top) {
    KeyboardState& s = p.s;
    p.preview = output(k, s);
    p.previewAt = top;
    if (s.layer != 0 || core::letterVariants(k.out, false, s.lang).empty()) return;
    p.letterHeld = true;
    p.animating = true;
    if (s.heldKey != id) {
        s.heldKey = id;
        s.heldSince = p.now;
    } else if (p.now - s.heldSince >= kLongPressS) {
        s.popup = k.out;
        s.popupAnchor = top;
        s.swallow = true; // lifting the finger here keeps the popup and types nothing
        p.preview.clear();
    }
}

void release(KeysPass& p, const Key& k) {
    KeyboardState& s = p.s;
    switch (k.special) {
    case Special::Char: p.press = {KeyPress::Kind::Text, output(k, s)}; break;
    case Special::Space: p.press = {KeyPress::Kind::Text, " "}; break;
    case Special::Shift: s.shift = !s.shift; break;
    case Special::Symbols: s.layer = 1; s.shift = false; break;
    case Special::Letters: s.layer = 0; break;
    case Special::Accents: s.layer = 2; break;
    case Special::Layout: s.german = !s.german; break;
    case Special::Next: p.press.kind = KeyPress::Kind::Next; break;
    case Special::Done: p.press.kind = KeyPress::Kind::Done; break;
    default: break;
    }
    if (k.special == Special::Char && isLetterKey(k)) s.shift = false; // one-shot shift
}

/// The pressed key, magnified above the finger: the finger hides the key itself.
void magnify(const std::string& preview, ImVec2 at, float unit, float gap) {
    const Theme& t = theme();
    const float bw = unit * 1.3f, bh = unit * 1.3f;
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    const ImVec2 a(at.x - bw * 0.5f, at.y - bh - gap);
    fg->AddRectFilled(a, ImVec2(a.x + bw, a.y + bh), t.colors.primary, t.em(0.3f));
    // The big font has Latin-1 only (a small atlas): ł and the like are magnified in bold.
    unsigned cp = 0;
    ImTextCharFromUtf8(&cp, preview.c_str(), nullptr);
    ImFont* font = t.fonts.heading->FindGlyphNoFallback(static_cast<ImWchar>(cp)) ? t.fonts.heading : t.fonts.bold;
    centeredText(fg, font, t.colors.onPrimary, ImVec2(at.x, a.y + bh * 0.5f), preview);
}
} // namespace

KeyPress drawKeyboard(KeyboardState& s, KeyboardMode mode, float width, double now, bool& animating,
                      const std::string& nextLabel, const std::string& doneLabel) {
    const Theme& t = theme();
    const float unit = keyUnitPx(width), gap = std::max(2.0f, unit * 0.12f);
    const auto rows = layout(s, mode);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + keyboardHeight(mode)), t.colors.surfaceAlt);

    ImGuiIO& io = ImGui::GetIO();
    // While the popup is open (and for the touch that opened or closed it) only shift
    // works: a tap elsewhere closes the popup and types nothing.
    const bool popupWasOpen = !s.popup.empty();
    KeysPass p{s, now, animating, popupWasOpen || s.swallow, {}, false, false, {}, {}};
    float y = origin.y + keyboardPad();
    for (size_t r = 0; r < rows.size(); ++r) {
        float rowUnits = 0;
        for (const auto& k : rows[r]) rowUnits += k.units;
        float x = origin.x + (width - rowUnits * unit) * 0.5f;
        ImGui::PushID(static_cast<int>(r));
        for (size_t i = 0; i < rows[r].size(); ++i) {
            const Key& k = rows[r][i];
            const ImVec2 a(x, y), b(x + k.units * unit - gap, y + unit - gap);
            const std::string id = keyId(k, s);
            ImGui::SetCursorScreenPos(a);
            ImGui::PushID(static_cast<int>(i));
            const bool released = ImGui::InvisibleButton(id.c_str(), ImVec2(b.x - a.x, b.y - a.y));
            const bool held = ImGui::IsItemActive();
            ImGui::PopID();
            registry().add(id, a, b);
            paintKey(dl, k, s, a, b, held, nextLabel, doneLabel);
            if (k.special == Special::Shift && inside(io.MousePos, a, b)) p.onShift = true;
            if (p.ignoreKeys && k.special != Special::Shift) s.backspaceDownAt = -1;
            else if (k.special == Special::Backspace) backspace(p, held);
            else if (held && k.special == Special::Char) holdChar(p, k, id, ImVec2((a.x + b.x) * 0.5f, y));
            else if (released) release(p, k);
            x += k.units * unit;
        }
        ImGui::PopID();
        y += unit;
    }
    if (!p.letterHeld) s.heldKey.clear();
    if (!s.popup.empty()) p.press = drawPopup(s, unit, gap, origin.x, origin.x + width, popupWasOpen && !p.onShift, p.press);
    if (!io.MouseDown[0]) s.swallow = false;
    if (!p.preview.empty()) magnify(p.preview, p.previewAt, unit, gap);
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + keyboardHeight(mode)));
    return p.press;
}

namespace {
bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
} // namespace

std::vector<KeyStep> keyPlan(const KeyboardState& state, KeyboardMode mode, const std::string& ch) {
    if (!state.popup.empty()) {
        for (bool shift : {state.shift, !state.shift})
            if (has(core::letterVariants(state.popup, shift, state.lang), ch)) {
                if (shift == state.shift) return {{"kbd.alt." + ch}};
                return {{"kbd.shift"}, {"kbd.alt." + ch}};
            }
        // Elsewhere: a tap on the held key closes the popup (and types nothing).
        KeyboardState closed = state;
        closed.popup.clear();
        auto rest = keyPlan(closed, mode, ch);
        if (!rest.empty()) rest.insert(rest.begin(), {"kbd.char." + (state.shift ? upper(state.popup) : state.popup)});
        return rest;
    }
    if (ch == " ") return {{"kbd.space"}};
    // Try the current layer first, then the others; shift toggled when needed.
    const int order[3] = {state.layer, (state.layer + 1) % 3, (state.layer + 2) % 3};
    for (int layer : order) {
        for (bool shift : {state.shift, !state.shift}) {
            KeyboardState s = state;
            s.layer = layer;
            s.shift = shift;
            for (const auto& row : layout(s, mode))
                for (const auto& k : row) {
                    if (k.special != Special::Char || output(k, s) != ch) continue;
                    std::vector<KeyStep> plan;
                    if (layer != state.layer)
                        plan.push_back({layer == 0 ? "kbd.layer.letters" : layer == 1 ? "kbd.layer.symbols" : "kbd.layer.accents"});
                    if (shift != state.shift && isLetterKey(k)) plan.push_back({"kbd.shift"});
                    plan.push_back({"kbd.char." + ch});
                    return plan;
                }
        }
    }
    // Then as a finger finds the others: a long press of the base letter, then its variant.
    for (bool shift : {state.shift, !state.shift})
        for (const auto& g : core::letterGroups()) {
            if (!has(core::letterVariants(g.base, shift, state.lang), ch)) continue;
            std::vector<KeyStep> plan;
            if (state.layer != 0) plan.push_back({"kbd.layer.letters"});
            if (shift != state.shift) plan.push_back({"kbd.shift"});
            plan.push_back({"kbd.char." + (shift ? upper(g.base) : g.base), true});
            plan.push_back({"kbd.alt." + ch});
            return plan;
        }
    return {};
}

} // namespace kiosk::ui
