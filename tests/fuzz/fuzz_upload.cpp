// libFuzzer target: an upload's request body as the hub receives it (parseUpload, docs/sync-protocol.md).
// Beyond not crashing, what the hub relies on: every lead it would store is valid JSON with a
// UUID id, and a body rebuilt from what was parsed (buildBody, the kiosk's side) parses to the
// same leads, byte for byte.
#include "core/sync/protocol.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {
void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz_upload: %s\n", what);
    std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    using namespace kiosk::core::sync;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::string why;
    const auto up = parseUpload(body, &why);
    if (!up) {
        require(!why.empty(), "a refused body without a reason");
        return 0;
    }
    require(up->schema == kSchemaVersion && !up->kioskId.empty(), "accepted without schema 1 and a kiosk_id");
    std::vector<OutboxLead> again;
    for (const auto& l : up->leads) {
        require(nlohmann::json::accept(l.payload), "a lead's bytes are not JSON on their own");
        if (l.problem.empty()) require(isUuid(l.id), "a storable lead without a UUID id");
        again.push_back({l.id, l.payload});
    }
    const auto rebuilt = parseUpload(buildBody(up->kioskId, up->eventId, up->sentAt, again));
    require(rebuilt.has_value(), "the rebuilt body is refused");
    require(rebuilt->kioskId == up->kioskId && rebuilt->eventId == up->eventId && rebuilt->sentAt == up->sentAt,
            "the rebuilt body has other header fields");
    require(rebuilt->leads.size() == up->leads.size(), "the rebuilt body has another number of leads");
    for (size_t i = 0; i < up->leads.size(); ++i)
        require(rebuilt->leads[i].payload == up->leads[i].payload && rebuilt->leads[i].id == up->leads[i].id &&
                    rebuilt->leads[i].problem == up->leads[i].problem,
                "a lead differs after the round trip");
    return 0;
}
