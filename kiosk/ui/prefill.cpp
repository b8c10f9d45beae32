// A scanned contact into the sign-up form: the one place that writes scan values into the
// form state, so the form's field table can take it over by id.
#include "screen.hpp"

namespace kiosk::ui {

std::vector<std::string> prefillForm(SignupState& signup, const core::FormDef& form, const core::FieldValues& values) {
    std::vector<std::string> filled;
    for (const auto& [id, value] : values) {
        if (id == kExhibitorSearch) continue;
        std::string* field = typedText(signup.input, form, id);
        if (!field || !field->empty()) continue;
        // Whole characters up to the limit, into the buffer reserved for the field (no reallocation).
        size_t end = 0, chars = 0;
        while (end < value.size() && chars < typedLimit(form, id)) {
            ++end;
            while (end < value.size() && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
                ++end;
            ++chars;
        }
        field->append(value, 0, end);
        filled.push_back(id);
    }
    if (!filled.empty()) signup.input.scanned = true;
    return filled;
}

} // namespace kiosk::ui
