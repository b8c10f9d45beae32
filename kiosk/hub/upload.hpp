/// @brief POST /kiosk/v1/leads (and /status, the heartbeat) without HTTP: who sent it (token, signature, replay,
/// clock), what is in it, what happened to each lead. A pure function of the request, the storage and the time, so that
/// it is tested without a socket.
#pragma once
#include "metrics.hpp"
#include "storage.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace kiosk::hub {

/// The batch limit of docs/sync-protocol.md (the kiosk's sync.batch_size is 1 to 1000).
constexpr size_t kMaxBatch = 1000;
/// How far webhook-timestamp may be from the hub's clock, either way.
constexpr std::int64_t kToleranceS = 300;

struct UploadRequest {
    std::string authorization; ///< the Authorization header
    std::string webhookId, webhookTimestamp, webhookSignature;
    std::string body;
};

struct UploadAnswer {
    int status = 500;
    std::string body;    ///< JSON: the per-lead answer, or {"error": …}; never a secret
    std::string kioskId; ///< who it was, once the token is known (for the log)
    std::string note;    ///< one line for the log: counts or why it was refused
    UploadCounts counts; ///< what happened to the leads (all 0 when refused)
    long long consentVariants = 0; ///< heartbeats: consent texts that differ from the first seen for their version
};

UploadAnswer handleUpload(Storage& storage, const UploadRequest& request, std::int64_t nowMs);

/// POST /kiosk/v1/status: a heartbeat, authenticated as an upload is, then kept as the kiosk's
/// latest with its clock offset, and its consent texts kept by version, language and hash.
/// 200 {"status":"ok","received_at":…,"clock_offset_ms":…}.
UploadAnswer handleStatus(Storage& storage, const UploadRequest& request, std::int64_t nowMs);

/// The checks every kiosk request passes before its body is read (docs/hub.md "What an upload
/// has to pass"): a token of a kiosk not revoked, the webhook headers, a timestamp within
/// kToleranceS, that kiosk's signature, a webhook-id not used before (claimed now). The kiosk,
/// or nullopt with `refusal` (401/403/409/503) to answer.
std::optional<KioskRecord> authenticate(Storage& storage, const UploadRequest& request, std::int64_t nowMs,
                                        UploadAnswer& refusal);

/// 403 when the body's kiosk_id is not the authenticated kiosk's (a kiosk cannot post as another).
std::optional<UploadAnswer> refuseOtherKiosk(const std::string& bodyKioskId, const KioskRecord& kiosk);

/// {"error": "<what>"}.
std::string errorBody(const std::string& what);

} // namespace kiosk::hub
