// libFuzzer target: a heartbeat body as kiosk-hub receives it (POST /kiosk/v1/status,
// docs/sync-protocol.md "Heartbeats"). Whatever parseStatus accepts, buildStatusBody writes
// again and parseStatus reads back the same: the two ends agree on every report.
#include "core/sync/protocol.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    using namespace kiosk::core::sync;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::string why;
    const auto r = parseStatus(body, &why);
    if (!r) return 0;
    const auto again = parseStatus(buildStatusBody(*r), &why);
    if (!again || *again != *r) std::abort();
    (void)parseUtcMs(body.substr(0, body.find('\n')));
    return 0;
}
