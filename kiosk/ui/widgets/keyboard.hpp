/// @brief The on-screen keyboard: German QWERTZ (DIN 2137) and English QWERTY, shift,
/// symbols, accented letters, an email row, repeating backspace, next and done.
///
/// Our fields are our own (not ImGui::InputText), so tapping a key never steals
/// the focus (imgui#5805). The keyboard only reports what was pressed.
#pragma once
#include "core/text.hpp"

#include <imgui.h>

#include <string>
#include <vector>

namespace kiosk::ui {

enum class KeyboardMode { Text, Name, Email, Phone };

struct KeyboardState {
    bool german = true;  ///< QWERTZ with ä ö ü ß; false: QWERTY
    int layer = 0;       ///< 0 letters, 1 symbols, 2 accented letters
    bool shift = false;  ///< one-shot: off again after the next letter
    double backspaceDownAt = -1; ///< while backspace is held
    int backspaceRepeats = 0;
    core::Lang lang = core::Lang::De; ///< the UI language: the order of a long-press popup
    std::string heldKey;   ///< the letter key held down, for the long press
    double heldSince = -1;
    std::string popup;     ///< base letter ("a") whose variants are shown above the finger; empty: none
    ImVec2 popupAnchor;    ///< top centre of that key, pixels
    bool swallow = false;  ///< the touch that opened or closed the popup types nothing
};

struct KeyPress {
    enum class Kind { None, Text, Backspace, Next, Done } kind = Kind::None;
    std::string text;
    int count = 1; ///< Backspace: how many characters (repeat while held)
};

/// Height the keyboard needs at this width (em based).
float keyboardHeight(KeyboardMode mode);

/// Draws the keyboard at the cursor, `width` wide. `now` drives backspace repeat.
KeyPress drawKeyboard(KeyboardState& state, KeyboardMode mode, float width, double now, bool& animating,
                      const std::string& nextLabel, const std::string& doneLabel);

/// How long a letter key is held before its variants pop up.
inline constexpr double kLongPressS = 0.5;

/// One touch of a key plan: a tap, or a press held for kLongPressS (opens the popup).
struct KeyStep {
    std::string id;
    bool hold = false;
};

/// The key touches, from `state`, to type `ch` (one character, UTF-8): a layer or shift
/// key or a long press first when needed, the character's key last. Empty when no key has it.
std::vector<KeyStep> keyPlan(const KeyboardState& state, KeyboardMode mode, const std::string& ch);

} // namespace kiosk::ui
