/// @brief Per-kiosk credentials: a bearer token (stored hashed) and a Standard Webhooks secret.
#pragma once
#include <string>

namespace kiosk::hub {

struct KioskCredentials {
    std::string token;  ///< shown once, at add-kiosk; the hub keeps only tokenHash(token)
    std::string secret; ///< whsec_ + base64 of 32 random bytes
};

KioskCredentials newCredentials();

/// Hex BLAKE2b-256 (libsodium crypto_generichash) of the token: what the database holds. A
/// token is 32 random bytes, so a fast hash is enough (no password stretching needed).
std::string tokenHash(const std::string& token);

/// Letters, digits, '.', '_', '-'; 1 to 64 of them (the kiosk's [kiosk] id).
bool validKioskId(const std::string& id);

/// What to paste into the kiosk's kiosk.toml.
std::string kioskConfigBlock(const std::string& kioskId, const std::string& endpoint, const KioskCredentials& c);

} // namespace kiosk::hub
