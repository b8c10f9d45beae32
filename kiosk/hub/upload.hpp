/// @brief POST /kiosk/v1/leads without HTTP: who sent it (token, signature, replay, clock),
/// what is in it, what happened to each lead. A pure function of the request, the storage
/// and the time, so that it is tested without a socket.
#pragma once
#include "metrics.hpp"
#include "storage.hpp"

#include <cstdint>
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
};

UploadAnswer handleUpload(Storage& storage, const UploadRequest& request, std::int64_t nowMs);

/// {"error": "<what>"}.
std::string errorBody(const std::string& what);

} // namespace kiosk::hub
