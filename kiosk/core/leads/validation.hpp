/// @brief The sign-up form's rules: what is required, what a plausible email is, how input is cleaned.
#pragma once
#include "lead.hpp"

#include <map>
#include <string>
#include <vector>

namespace kiosk::core {

/// The form as the visitor filled it in (before cleaning).
struct FormInput {
    std::map<std::string, Answer> values; ///< every field of the form by id (reserveFields makes them)
    std::string exhibitorSearch; ///< what the visitor typed to find exhibitors: wiped with the form, never stored
    std::vector<std::string> sectors, exhibitors;
    bool consent = false;
    bool newsletter = false;
    bool scanned = false; ///< a badge scan filled fields of it (the lead's capture = "scan")
};

/// The typed text of field `id` (made empty when the form has no value for it yet).
inline std::string& textOf(FormInput& in, const std::string& id) { return in.values[id].text; }
inline const std::string& textOf(const FormInput& in, const std::string& id) {
    static const std::string none;
    const auto it = in.values.find(id);
    return it == in.values.end() ? none : it->second.text;
}

/// Makes an empty value for every field of `form`, each typed one with room for its longest
/// text, so that typing never moves a field to a bigger buffer (the old one would be freed
/// with the text still in it).
void reserveFields(FormInput& input, const FormDef& form);
/// Zeros every text field's buffer and empties the form (core::wipe on each field).
void wipe(FormInput& form);

/// One problem with one field. `field` is the widget suffix (signup.<field>);
/// `code` selects the message (signup.error.<code>) in the visitor's language.
struct FieldError {
    std::string field;
    std::string code;
};

/// The exhibitor search field's limit, in characters (the form's own fields have max_chars).
inline constexpr size_t kSearchMaxChars = 60;

/// Removes control characters (keeps line breaks in `multiline`), trims white
/// space and folds runs of spaces. Invalid UTF-8 bytes are dropped.
std::string cleanText(const std::string& s, bool multiline = false);

/// Length in characters (UTF-8 code points).
size_t charCount(const std::string& s);

/// `s` with each byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string validUtf8(const std::string& s);

/// Cleans every field in place and returns the problems in form order
/// (first problem first: the UI focuses it). Options that are not the field's are dropped.
std::vector<FieldError> validateForm(FormInput& input, const FormDef& form);

/// The cleaned form into the lead: standard fields to their members, the others to
/// `answers` (empty ones left out), and the form's version.
void fillLead(Lead& lead, const FormInput& cleaned, const FormDef& form);

/// Lower case for comparing (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic):
/// "ZOË.MÜLLER@X.DE" and "zoë.müller@x.de" fold the same.
std::string foldCase(const std::string& s);

/// Hex SHA-256 of an email as erasures compare it (trimmed, NFC, foldCase): what the kiosk and
/// the hub tell each other instead of the address (docs/sync-protocol.md "Erasures").
std::string emailSha256(const std::string& email);

/// true when `email` (already cleaned) looks deliverable: one @, a dot in the
/// domain, no spaces. Lower-cases the domain in place.
bool normalizeEmail(std::string& email);

} // namespace kiosk::core
