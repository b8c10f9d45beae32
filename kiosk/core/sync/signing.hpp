/// @brief Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
/// "{webhook-id}.{webhook-timestamp}.{body}", sent as "v1,<base64>".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core::sync {

struct SigningKey {
    std::vector<unsigned char> bytes; ///< the HMAC key; empty when `error` is set
    std::string error;                ///< plain words: why the secret is not usable
    explicit operator bool() const { return error.empty(); }
};

/// Decodes "whsec_" + base64 (standard alphabet, with padding) into the key bytes.
/// Surrounding spaces are ignored; a missing prefix, bad base64 or a key shorter than
/// 16 bytes is an error.
SigningKey decodeSecret(std::string_view secret);

/// "v1," + base64(HMAC-SHA256(key, msgId + "." + timestamp + "." + body)).
std::string signPayload(const std::vector<unsigned char>& key, std::string_view msgId, std::int64_t timestamp,
                        std::string_view body);

/// The receiving end: true when one of the space-separated signatures in `header`
/// ("v1,<base64> v1,<base64>…", as Standard Webhooks allows several) is signPayload's for
/// this key, id, timestamp and body. Compared in constant time.
bool verifySignature(const std::vector<unsigned char>& key, std::string_view msgId, std::int64_t timestamp,
                     std::string_view body, std::string_view header);

} // namespace kiosk::core::sync
