/// @brief The on-screen keyboard: German QWERTZ (DIN 2137) and English QWERTY, shift,
/// symbols, accented letters, an email row, repeating backspace, next and done.
///
/// Our fields are our own (not ImGui::InputText), so tapping a key never steals
/// the focus (imgui#5805). The keyboard only reports what was pressed.
#pragma once
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

/// The key ids to tap, from `state`, to type `ch` (one character, UTF-8): a layer or
/// shift key first when needed, the character's key last. Empty when no key has it.
std::vector<std::string> keyPlan(const KeyboardState& state, KeyboardMode mode, const std::string& ch);

} // namespace kiosk::ui
