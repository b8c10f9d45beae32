#include "upload.hpp"

#include "credentials.hpp"
#include "erasure.hpp"
#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"
#include "core/sync/signing.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace kiosk::hub {

namespace sync = core::sync;

std::string errorBody(const std::string& what) {
    return nlohmann::json{{"error", what}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
UploadAnswer refuse(int status, const std::string& what, const std::string& kioskId = {}) {
    return {status, errorBody(what), kioskId, what, {}};
}

/// The database's own words go to the log only, not to the client.
UploadAnswer unavailable(const std::string& what, const StorageResult& r, const std::string& kioskId = {}) {
    UploadAnswer a = refuse(503, what, kioskId);
    a.note += ": " + r.error;
    return a;
}

std::optional<std::int64_t> parseSeconds(const std::string& s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}
} // namespace

std::optional<KioskRecord> authenticate(Storage& storage, const UploadRequest& req, std::int64_t nowMs,
                                        UploadAnswer& refusal) {
    const auto no = [&](UploadAnswer a) -> std::optional<KioskRecord> {
        refusal = std::move(a);
        return std::nullopt;
    };
    // Who it is first, then whether the signature is theirs; what it says is the caller's.
    constexpr std::string_view kBearer = "Bearer ";
    if (req.authorization.rfind(kBearer, 0) != 0 || req.authorization.size() == kBearer.size())
        return no(refuse(401, "a bearer token is needed (Authorization: Bearer …)"));
    std::optional<KioskRecord> kiosk;
    if (auto r = storage.kioskByToken(tokenHash(req.authorization.substr(kBearer.size())), kiosk); !r)
        return no(unavailable("the hub's database is not available", r));
    if (!kiosk) return no(refuse(401, "unknown token"));
    if (kiosk->revoked) return no(refuse(401, "this kiosk's credentials were revoked", kiosk->id));

    if (req.webhookId.empty() || req.webhookTimestamp.empty() || req.webhookSignature.empty())
        return no(refuse(403, "webhook-id, webhook-timestamp and webhook-signature are needed", kiosk->id));
    if (req.webhookId.size() > 128) return no(refuse(403, "webhook-id is longer than 128 characters", kiosk->id));
    const auto ts = parseSeconds(req.webhookTimestamp);
    if (!ts) return no(refuse(403, "webhook-timestamp is not a number of seconds", kiosk->id));
    const std::int64_t nowS = nowMs / 1000;
    if (*ts < nowS - kToleranceS || *ts > nowS + kToleranceS)
        return no(refuse(403, "webhook-timestamp is more than 5 minutes from the hub's clock — check the kiosk's clock",
                         kiosk->id));
    const sync::SigningKey key = sync::decodeSecret(kiosk->secret);
    if (!key) return no(refuse(500, "the hub cannot use this kiosk's secret", kiosk->id));
    if (!sync::verifySignature(key.bytes, req.webhookId, *ts, req.body, req.webhookSignature))
        return no(refuse(403, "the signature does not match", kiosk->id));
    // Ids are kept twice the tolerance: a replay with a timestamp still inside the window finds its id.
    bool fresh = false;
    if (auto r = storage.claimWebhookId(kiosk->id, req.webhookId, nowS, nowS - 2 * kToleranceS, fresh); !r)
        return no(unavailable("the hub's database is not available", r, kiosk->id));
    if (!fresh) return no(refuse(409, "this webhook-id was used before (a replayed request)", kiosk->id));
    return kiosk;
}

std::optional<UploadAnswer> refuseOtherKiosk(const std::string& bodyKioskId, const KioskRecord& kiosk) {
    if (bodyKioskId == kiosk.id) return std::nullopt;
    return refuse(403, "kiosk_id " + sync::cleanText(bodyKioskId, 64) + " is not the kiosk these credentials belong to",
                  kiosk.id);
}

namespace {
template <class Body>
struct Admitted {
    KioskRecord kiosk;
    Body body;
};

/// A request signed by a known kiosk, its body read by `parse` and naming that kiosk; else
/// none, and `refusal` says why.
template <class Body>
std::optional<Admitted<Body>> admit(Storage& storage, const UploadRequest& req, std::int64_t nowMs,
                                    std::optional<Body> (*parse)(std::string_view, std::string*),
                                    UploadAnswer& refusal) {
    auto kiosk = authenticate(storage, req, nowMs, refusal);
    if (!kiosk) return std::nullopt;
    std::string why;
    auto body = parse(req.body, &why);
    if (!body) {
        refusal = refuse(400, why, kiosk->id);
        return std::nullopt;
    }
    if (auto other = refuseOtherKiosk(body->kioskId, *kiosk)) {
        refusal = std::move(*other);
        return std::nullopt;
    }
    return Admitted<Body>{std::move(*kiosk), std::move(*body)};
}
} // namespace

UploadAnswer handleUpload(Storage& storage, const UploadRequest& req, std::int64_t nowMs) {
    UploadAnswer refusal;
    const auto in = admit(storage, req, nowMs, sync::parseUpload, refusal);
    if (!in) return refusal;
    const auto& [kiosk, up] = *in;
    if (up.leads.empty()) return refuse(400, "leads is empty", kiosk.id);
    // Refused as a whole (not each lead rejected): the kiosk keeps them and tells staff to
    // lower sync.batch_size, instead of marking them failed for good.
    if (up.leads.size() > kMaxBatch)
        return refuse(413, "the batch has " + std::to_string(up.leads.size()) + " leads, at most " +
                               std::to_string(kMaxBatch) + " are taken",
                      kiosk.id);

    std::vector<IncomingLead> incoming;
    std::vector<std::pair<std::string, std::string>> rejected;
    for (const auto& lead : up.leads) {
        if (lead.problem.empty()) incoming.push_back({lead.id, lead.payload});
        else rejected.emplace_back(lead.id, lead.problem);
    }
    std::vector<LeadOutcome> outcomes;
    if (auto r = storage.storeLeads(kiosk.id, incoming, nowMs, outcomes); !r)
        return unavailable("the hub could not store the leads", r, kiosk.id);
    // Counting them is for the organiser; the answer does not depend on it.
    (void)storage.recordRejected(kiosk.id, rejected, nowMs);

    std::vector<std::string> accepted, duplicates;
    long long conflicts = 0;
    for (size_t i = 0; i < incoming.size(); ++i) {
        if (outcomes[i] == LeadOutcome::Accepted) accepted.push_back(incoming[i].id);
        else duplicates.push_back(incoming[i].id);
        conflicts += outcomes[i] == LeadOutcome::Conflict;
    }
    UploadAnswer a{200, sync::buildAck(accepted, duplicates, rejected), kiosk.id, {},
                   {static_cast<long long>(accepted.size()), static_cast<long long>(duplicates.size()) - conflicts,
                    conflicts, static_cast<long long>(rejected.size())}};
    a.note = std::to_string(accepted.size()) + " accepted, " + std::to_string(duplicates.size() - conflicts) +
             " duplicates, " + std::to_string(conflicts) + " conflicts, " + std::to_string(rejected.size()) + " rejected";
    return a;
}

UploadAnswer handleStatus(Storage& storage, const UploadRequest& req, std::int64_t nowMs) {
    UploadAnswer refusal;
    const auto in = admit(storage, req, nowMs, sync::parseStatus, refusal);
    if (!in) return refusal;
    const auto& [kiosk, report] = *in;

    const KioskStatus status{req.body, nowMs, *sync::parseUtcMs(report.clock) - nowMs};
    long long variants = 0;
    if (auto r = storage.recordStatus(kiosk.id, status, report, variants); !r)
        return unavailable("the hub could not store the heartbeat", r, kiosk.id);
    // The kiosk's own erasures are carried out here as the organiser's are, and passed on to
    // the other kiosks; then what this kiosk still has to erase.
    std::vector<std::string> taken, erase;
    long long erasedHere = 0;
    for (const auto& hash : report.erasures) {
        long long n = 0;
        if (auto r = eraseByEmailHash(storage, hash, "kiosk " + kiosk.id, kiosk.id, nowMs, n); !r)
            return unavailable("the hub could not carry out the kiosk's erasures", r, kiosk.id);
        taken.push_back(hash);
        erasedHere += n;
    }
    if (auto r = kioskErasures(storage, kiosk.id, report.erasuresDone, nowMs, erase); !r)
        return unavailable("the hub could not read the kiosk's erasures", r, kiosk.id);
    if (erase.size() > sync::kMaxErasures) erase.resize(sync::kMaxErasures); // the rest with the next heartbeat
    nlohmann::json ack = {
        {"status", "ok"}, {"received_at", core::isoUtc(nowMs)}, {"clock_offset_ms", status.clockOffsetMs}};
    if (!erase.empty()) ack["erase"] = erase;
    if (!taken.empty()) ack["erasures_taken"] = taken;
    UploadAnswer a{200, ack.dump(), kiosk.id, "clock offset " + std::to_string(status.clockOffsetMs) + " ms", {}};
    if (!taken.empty())
        a.note += ", " + std::to_string(taken.size()) + " erasure(s) from the kiosk: " + std::to_string(erasedHere) +
                  " lead(s) erased here";
    if (!report.erasuresDone.empty()) a.note += ", " + std::to_string(report.erasuresDone.size()) + " erasure(s) done";
    if (!erase.empty()) a.note += ", " + std::to_string(erase.size()) + " erasure(s) asked of it";
    a.consentVariants = variants;
    if (variants)
        a.note += ", " + std::to_string(variants) + " consent text(s) differ from the one first seen for that version";
    return a;
}

} // namespace kiosk::hub
