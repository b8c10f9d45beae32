#include "credentials.hpp"

#include <sodium.h>


namespace kiosk::hub {

namespace {
std::string base64(const unsigned char* bytes, size_t n, int variant) {
    std::string out(sodium_base64_encoded_len(n, variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, n, variant);
    out.resize(out.size() - 1); // the terminating NUL
    return out;
}
} // namespace

KioskCredentials newCredentials() {
    if (sodium_init() < 0) return {};
    unsigned char token[32], key[32];
    randombytes_buf(token, sizeof token);
    randombytes_buf(key, sizeof key);
    KioskCredentials c{"khub_" + base64(token, sizeof token, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                       "whsec_" + base64(key, sizeof key, sodium_base64_VARIANT_ORIGINAL)};
    sodium_memzero(token, sizeof token);
    sodium_memzero(key, sizeof key);
    return c;
}

std::string tokenHash(const std::string& token) {
    if (sodium_init() < 0) return {};
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
    char hex[sizeof h * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

bool validKioskId(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

std::string kioskConfigBlock(const std::string& kioskId, const std::string& endpoint, const KioskCredentials& c) {
    return "[kiosk]\nid = \"" + kioskId + "\"\n\n[sync]\nendpoint = \"" + endpoint + "\"\ntoken = \"" + c.token +
           "\"\nsecret = \"" + c.secret + "\"\n";
}

} // namespace kiosk::hub
