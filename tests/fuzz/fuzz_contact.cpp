// libFuzzer target: a scanned code (vCard, MeCard, mailto:, an address, anything a badge holds).
// Beyond not crashing: whatever comes out is non-empty NFC UTF-8 under a known field id.
#include "core/letters.hpp"
#include "core/scan/contact.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string_view code(reinterpret_cast<const char*>(data), size);
    const auto contact = kiosk::core::parseContact(code);
    if (!contact) return 0;
    if (contact->fields.empty()) std::abort();
    for (const auto& [id, v] : contact->fields) {
        const bool known = id == "first_name" || id == "last_name" || id == "email" || id == "company" ||
                           id == "job_title" || id == "phone";
        if (!known || v.empty() || kiosk::core::nfc(v) != v) std::abort();
        if (id == "email" && v.find('@') == std::string::npos) std::abort();
    }
    return 0;
}
