// libFuzzer target: what a sync receiver sends back (docs/sync-protocol.md): the JSON
// answer to an upload, and a Retry-After header value (the input's first line).
#include "core/sync/protocol.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    using namespace kiosk::core::sync;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    static const std::vector<std::string> sent = {"a", "b", "0b9f5a3e-2d4c-4f43-9d0e-3b7a1c2d4e5f"};
    std::string why;
    if (const auto ack = parseAck(body, sent, &why)) {
        for (const auto& [id, reason] : ack->rejected) (void)cleanText(reason);
    }
    (void)parseRetryAfter(body.substr(0, body.find('\n')), 1'779'874'200);
    (void)cleanText(body, 64);
    return 0;
}
