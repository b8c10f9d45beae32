/// @brief The wire format of the upload (docs/sync-protocol.md): the request body, the
/// answer, how HTTP statuses are treated and the plain words staff see. Pure functions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::core::sync {

constexpr int kSchemaVersion = 1;

/// One queued lead: its UUID and the exact JSON stored at insert (sent verbatim).
struct OutboxLead {
    std::string id;
    std::string payload;
};

/// {"schema":1,"kiosk_id":…,"event_id":…,"sent_at":…,"leads":[payload,…]}: the payloads
/// are spliced in byte for byte, so a lead is the same bytes on every retry.
std::string buildBody(std::string_view kioskId, std::string_view eventId, std::string_view sentAt,
                      const std::vector<OutboxLead>& leads);

/// What a 2xx answer says about the leads that were sent.
struct Ack {
    std::vector<std::string> synced;                           ///< accepted + duplicates
    std::vector<std::pair<std::string, std::string>> rejected; ///< id, reason (cleaned up for display)
};

/// Parses {"accepted":[ids],"duplicates":[ids],"rejected":[{"id","reason"}]}. Ids that were
/// not sent are ignored; an id both accepted and rejected counts as accepted. nullopt (with
/// `why`) when the body is not such an object: then nothing may be marked.
std::optional<Ack> parseAck(std::string_view body, const std::vector<std::string>& sentIds, std::string* why = nullptr);

/// How the uploader treats an HTTP status.
enum class Verdict {
    Ok,          ///< 2xx: read the answer
    Retry,       ///< 408, 429, 5xx: back off and send again
    Credentials, ///< 401, 403: stop until staff act
    Stop,        ///< any other status: stop (the leads stay pending) and tell staff
};
Verdict classifyStatus(long status);

/// Retry-After as delta-seconds or an HTTP date, in seconds from `nowUnixS` (a date in
/// the past gives 0). nullopt when the value is neither.
std::optional<double> parseRetryAfter(std::string_view value, std::int64_t nowUnixS);

/// "2 s", "0.5 s", "30 s".
std::string formatSeconds(double s);

/// The plain words for a status that is not 2xx; `host` names the server.
std::string statusMessage(long status, const std::string& host);

/// A server-supplied text made safe to show: control characters become spaces,
/// invalid UTF-8 is replaced, at most `maxBytes` bytes (cut at a character boundary).
std::string cleanText(std::string_view s, size_t maxBytes = 300);

} // namespace kiosk::core::sync
