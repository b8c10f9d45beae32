/// @brief The wire format of the upload (docs/sync-protocol.md): the request body, the
/// answer, how HTTP statuses are treated and the plain words staff see. Pure functions.
#pragma once
#include <cstdint>
#include <map>
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

/// A heartbeat (POST …/status, docs/sync-protocol.md "Heartbeats"): what the kiosk runs and
/// how it is doing. Filled by sync::gatherStatus on the kiosk, by parseStatus on the hub.
struct StatusReport {
    std::string kioskId, eventId, appVersion, contentVersion, formVersion;
    long long pending = 0, failed = 0, synced = 0, total = 0;
    std::string lastLeadAt; ///< ISO 8601 UTC of the newest lead; empty: none yet (null)
    std::int64_t uptimeS = 0;
    std::string renderer;
    std::int64_t freeDiskBytes = -1; ///< on the data folder's file system; -1: unknown (null)
    std::string clock;               ///< the kiosk's UTC time when it sent this, RFC 3339 with ms
    std::string lastSyncError;       ///< empty: the last upload went fine
    /// consent version -> language -> the exact text shown (ConsentText::shown).
    std::map<std::string, std::map<std::string, std::string>> consent;
    /// Erasures (docs/sync-protocol.md "Erasures"), as hashes of the email (emailSha256):
    /// the kiosk's own (`kiosk leads erase`) until the hub takes them, and the ones the hub
    /// asked for that the kiosk has carried out. Sent only when not empty.
    std::vector<std::string> erasures, erasuresDone;
    /// What exhibitors learn (figures.hpp), summed over the event: subject ("" the stand as a
    /// whole, a company id, a sector id) -> metric name -> count; counts of 0 left out.
    std::map<std::string, std::map<std::string, long long>> figures;

    bool operator==(const StatusReport&) const = default;
};

/// At most this many hashes in each erasure list of a heartbeat or its answer.
constexpr size_t kMaxErasures = 1000;

/// What the hub's 2xx answer to a heartbeat asks of the kiosk (an older hub says nothing).
struct StatusAnswer {
    std::vector<std::string> erase;         ///< email hashes whose leads the kiosk must erase
    std::vector<std::string> erasuresTaken; ///< of the kiosk's `erasures`, the ones the hub has carried out
};
/// {"status":"ok",…,"erase":[…],"erasures_taken":[…]}; nullopt (with `why`) when it is not such
/// an object or a hash is not 64 lower-case hex digits.
std::optional<StatusAnswer> parseStatusAnswer(std::string_view body, std::string* why = nullptr);

/// {"schema":1,"kiosk_id":…,…,"counts":{…},"consent":{version:{lang:text}}}, one line.
std::string buildStatusBody(const StatusReport& report);

/// At most this many consent texts (version × language) in one heartbeat, each at most kMaxConsentBytes.
constexpr size_t kMaxConsentTexts = 64;
constexpr size_t kMaxConsentBytes = 64 * 1024;

/// The hub's side of buildStatusBody. nullopt (with `why`) when the body is not one JSON object
/// of this schema with a kiosk_id and a clock it can read, or a field has the wrong type.
/// Fields it does not know are ignored.
std::optional<StatusReport> parseStatus(std::string_view body, std::string* why = nullptr);

/// Where heartbeats go: `statusEndpoint` when set, else `endpoint` with its last path segment
/// replaced by "status" (…/kiosk/v1/leads -> …/kiosk/v1/status; the query string is kept).
/// Empty when `endpoint` is not a URL.
std::string statusUrl(const std::string& endpoint, const std::string& statusEndpoint = {});

/// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z" (isoUtc's form, RFC 3339 in UTC);
/// nullopt for anything else.
std::optional<std::int64_t> parseUtcMs(std::string_view text);

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
