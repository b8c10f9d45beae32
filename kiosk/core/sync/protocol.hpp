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

/// The receiving end (kiosk-hub) of buildBody: one lead as it arrived, its raw bytes cut out
/// of the body unchanged, and what a receiver must check before storing it.
struct ReceivedLead {
    std::string payload; ///< the lead's bytes exactly as in the body
    std::string id;      ///< its "id" when that is a string, else empty
    std::string problem; ///< why it cannot be stored (no id, not a UUID, no email, …); empty: fine
};

struct ReceivedUpload {
    int schema = 0;
    std::string kioskId, eventId, sentAt;
    std::vector<ReceivedLead> leads;
};

/// JSON nested deeper than this is refused before it is parsed (no recursion bomb).
constexpr int kMaxJsonDepth = 32;

/// Parses a request body built by buildBody. nullopt (with `why`) when the body is not
/// one JSON object of this schema with a `leads` list: then the whole request is refused.
/// A lead that is valid JSON but not storable is kept with its `problem` set.
std::optional<ReceivedUpload> parseUpload(std::string_view body, std::string* why = nullptr);

/// "8-4-4-4-12" hexadecimal digits, as newUuid() makes them (either case).
bool isUuid(std::string_view s);

/// The answer parseAck reads: {"accepted":[…],"duplicates":[…],"rejected":[{"id","reason"}]}.
std::string buildAck(const std::vector<std::string>& accepted, const std::vector<std::string>& duplicates,
                     const std::vector<std::pair<std::string, std::string>>& rejected);

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
