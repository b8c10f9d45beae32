/// @brief A lead: one visitor's contact, the exhibitors they chose and the consent they gave.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::core {

struct Consent {
    std::string version; ///< the consent text's version id (content/consent.toml)
    std::string sha256;  ///< hex SHA-256 of the exact text shown
    std::string lang;    ///< "de" or "en": the language it was shown in
    std::int64_t atMs = 0;
};

struct Lead {
    std::string id; ///< random UUID: the idempotency key for sync
    std::int64_t createdMs = 0;
    std::string kioskId, eventId, lang;
    std::string firstName, lastName, email, company, jobTitle, phone, message;
    std::vector<std::string> sectors;
    std::vector<std::string> exhibitors; ///< company ids that may contact the visitor
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

/// The lead as JSON, the same bytes every time (keys sorted): the sync payload and
/// the JSON Lines export. Sync state is not part of it.
std::string leadJson(const Lead& lead);

/// UTC time as ISO 8601 with milliseconds, e.g. 2026-05-27T09:30:00.123Z.
std::string isoUtc(std::int64_t ms);

} // namespace kiosk::core
