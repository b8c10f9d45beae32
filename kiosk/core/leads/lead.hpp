/// @brief A lead: one visitor's contact, the exhibitors they chose and the consent they gave.
#pragma once
#include "form.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core {

struct Consent {
    std::string version; ///< the consent text's version id (content/consent.toml)
    std::string sha256;  ///< hex SHA-256 of the exact text shown
    std::string lang;    ///< "de" or "en": the language it was shown in
    std::int64_t atMs = 0;
};

/// The value of one form field: typed text (a choice: the option id), the options of a
/// multi field, or a yes/no toggle. Which part counts follows the field's kind.
struct Answer {
    FieldKind kind = FieldKind::Text;
    std::string text;
    std::vector<std::string> options;
    bool yes = false;

    bool empty() const { return text.empty() && options.empty() && !yes; }
};

struct Lead {
    std::string id; ///< random UUID: the idempotency key for sync
    std::int64_t createdMs = 0;
    std::string kioskId, eventId, lang;
    std::string firstName, lastName, email, company, jobTitle, phone, message;
    std::vector<std::string> sectors;
    std::vector<std::string> exhibitors; ///< company ids that may contact the visitor
    std::map<std::string, Answer> answers; ///< the form's fields without a column of their own, by field id
    std::string formVersion;               ///< FormDef::version of the form it was captured with
    std::string capture = "typed";         ///< "typed", or "scan" when a badge scan filled the form
    Consent consent;
    bool newsletter = false;
    std::string source = "kiosk"; ///< "kiosk", or "synthetic" for generated data
    std::string syncState = "pending"; ///< pending, synced, failed
};

/// Overwrites the buffer of `s` with zeros from `from` to its capacity (clear() and
/// erase() leave the old characters in place, and freed memory keeps them) and cuts it there.
void wipe(std::string& s, size_t from = 0);
/// wipe() on every field a visitor typed or chose.
void wipe(Lead& lead);

/// A random (version 4) UUID, from libsodium's CSPRNG.
std::string newUuid();

/// Hex SHA-256 of `text` (the consent text's fingerprint).
std::string sha256Hex(const std::string& text);

/// An answer as it travels in the lead's "answers" object: a string, a list of option
/// ids (multi) or true/false (yesno); and back (a string reads as Text).
std::string answersJson(const std::map<std::string, Answer>& answers);
std::map<std::string, Answer> answersFromJson(const std::string& json);

/// The lead as JSON, the same bytes every time (keys sorted): the sync payload and
/// the JSON Lines export. Sync state is not part of it.
std::string leadJson(const Lead& lead);
/// The other way (the hub reads the payloads kiosks sent): nullopt when `json` is no JSON
/// object. A missing or mistyped field stays at its default; times it cannot read are 0.
std::optional<Lead> leadFromJson(std::string_view json);

/// UTC time as ISO 8601 with milliseconds, e.g. 2026-05-27T09:30:00.123Z.
std::string isoUtc(std::int64_t ms);

} // namespace kiosk::core
