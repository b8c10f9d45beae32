/// @brief The sign-up form's rules: what is required, what a plausible email is, how input is cleaned.
#pragma once
#include <string>
#include <vector>

namespace kiosk::core {

/// The form as the visitor filled it in (before cleaning).
struct FormInput {
    std::string firstName, lastName, email, company, jobTitle, phone, message;
    std::string exhibitorSearch; ///< what the visitor typed to find exhibitors: wiped with the form, never stored
    std::vector<std::string> sectors, exhibitors;
    bool consent = false;
    bool newsletter = false;
};

/// Room for the longest value of every text field, so that typing never moves a field
/// to a bigger buffer (the old one would be freed with the text still in it).
void reserveFields(FormInput& form);
/// Zeros every text field's buffer and empties the form (core::wipe on each field).
void wipe(FormInput& form);

/// One problem with one field. `field` is the widget suffix (signup.<field>);
/// `code` selects the message (signup.error.<code>) in the visitor's language.
struct FieldError {
    std::string field;
    std::string code;
};

/// Field limits, in characters.
struct FieldLimits {
    static constexpr size_t name = 60, email = 254, company = 100, jobTitle = 80, phone = 30, message = 500;
};

/// Removes control characters (keeps line breaks in `multiline`), trims white
/// space and folds runs of spaces. Invalid UTF-8 bytes are dropped.
std::string cleanText(const std::string& s, bool multiline = false);

/// Length in characters (UTF-8 code points).
size_t charCount(const std::string& s);

/// Cleans every field in place and returns the problems in form order
/// (first problem first: the UI focuses it).
std::vector<FieldError> validateForm(FormInput& form);

/// Lower case for comparing (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic):
/// "ZOË.MÜLLER@X.DE" and "zoë.müller@x.de" fold the same.
std::string foldCase(const std::string& s);

/// true when `email` (already cleaned) looks deliverable: one @, a dot in the
/// domain, no spaces. Lower-cases the domain in place.
bool normalizeEmail(std::string& email);

} // namespace kiosk::core
