/// @brief What a badge or phone code says about its owner (vCard, MeCard, mailto:, an email
/// address), as values for the sign-up form's fields, addressed by the fields' ids.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::core {

/// Longer codes are not contacts: a QR code holds at most 2953 bytes, and a vCard with a
/// photo is not something a badge carries. Bounds the work a scan can cause.
inline constexpr size_t kMaxCodeBytes = 4096;

/// The form's field ids a code can fill (standard field ids: kiosk/core/leads/form.cpp).
namespace field {
inline constexpr const char* firstName = "first_name";
inline constexpr const char* lastName = "last_name";
inline constexpr const char* email = "email";
inline constexpr const char* company = "company";
inline constexpr const char* jobTitle = "job_title";
inline constexpr const char* phone = "phone";
} // namespace field

/// (field id, value) pairs: NFC UTF-8, cleaned like typed input (cleanText), never empty.
using FieldValues = std::vector<std::pair<std::string, std::string>>;

struct Contact {
    enum class Format { VCard, MeCard, Mailto, Email } format = Format::Email;
    FieldValues fields; ///< in form order; at least one
    /// The value for `id`, or nullptr.
    const std::string* value(std::string_view id) const;
};

/// The contact in a scanned code, or nullopt when the code cannot fill the form: a ticket
/// number, a web address, a code longer than kMaxCodeBytes, invalid UTF-8 (after the
/// code's own charset and quoted-printable are undone), a vCard or MeCard without a usable
/// name, email, company, title or phone. An email is only taken when it is plausible
/// (normalizeEmail); of several, the preferred one, else the first plausible one.
std::optional<Contact> parseContact(std::string_view code);

/// Zeros the values' buffers (they are a visitor's personal data) and empties the list.
void wipe(FieldValues& values);

} // namespace kiosk::core
