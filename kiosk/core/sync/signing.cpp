#include "signing.hpp"

#include <sodium.h>

#include <string>

namespace kiosk::core::sync {

namespace {
constexpr std::string_view kPrefix = "whsec_";
constexpr size_t kMinKeyBytes = 16;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}
} // namespace

SigningKey decodeSecret(std::string_view secret) {
    SigningKey out;
    if (sodium_init() < 0) {
        out.error = "libsodium could not start";
        return out;
    }
    secret = trim(secret);
    if (secret.substr(0, kPrefix.size()) != kPrefix) {
        out.error = "it does not start with whsec_";
        return out;
    }
    const std::string_view b64 = secret.substr(kPrefix.size());
    if (b64.empty()) {
        out.error = "there is nothing after whsec_";
        return out;
    }
    std::vector<unsigned char> key(b64.size()); // base64 never decodes to more bytes than characters
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(key.data(), key.size(), b64.data(), b64.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64.data() + b64.size()) {
        out.error = "the part after whsec_ is not valid base64";
        return out;
    }
    if (len < kMinKeyBytes) {
        out.error = "the key is only " + std::to_string(len) + " bytes long (at least " + std::to_string(kMinKeyBytes) +
                    " are needed; Standard Webhooks secrets have 24 to 64)";
        return out;
    }
    key.resize(len);
    out.bytes = std::move(key);
    return out;
}

std::string signPayload(const std::vector<unsigned char>& key, std::string_view msgId, std::int64_t timestamp,
                        std::string_view body) {
    if (sodium_init() < 0) return {};
    crypto_auth_hmacsha256_state st;
    // The _init/_update/_final form takes a key of any length (crypto_auth_hmacsha256 wants exactly 32 bytes).
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    const std::string ts = std::to_string(timestamp);
    const auto update = [&](std::string_view s) {
        crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    };
    update(msgId);
    update(".");
    update(ts);
    update(".");
    update(body);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return std::string("v1,") + b64;
}

bool verifySignature(const std::vector<unsigned char>& key, std::string_view msgId, std::int64_t timestamp,
                     std::string_view body, std::string_view header) {
    const std::string want = signPayload(key, msgId, timestamp, body);
    if (want.empty()) return false;
    bool match = false;
    size_t i = 0;
    while (i < header.size()) {
        size_t end = header.find(' ', i);
        if (end == std::string_view::npos) end = header.size();
        const std::string_view candidate = header.substr(i, end - i);
        // Every candidate is compared (no early exit) so the time does not say which one matched.
        if (candidate.size() == want.size() && sodium_memcmp(candidate.data(), want.data(), want.size()) == 0)
            match = true;
        i = end + 1;
    }
    return match;
}

} // namespace kiosk::core::sync
