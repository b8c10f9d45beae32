#include "engine.hpp"

#include "../leads/lead.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <random>
#include <thread>

namespace kiosk::core::sync {

std::int64_t unixMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

HttpRequest signedRequest(const std::string& url, const SyncConfig& config, const std::optional<SigningKey>& key,
                          std::string body, std::int64_t nowMs) {
    HttpRequest rq;
    rq.url = url;
    rq.timeoutS = config.timeoutS;
    rq.caFile = config.caFile;
    rq.body = std::move(body);
    rq.headers.push_back("Content-Type: application/json");
    rq.headers.push_back("Accept: application/json");
    if (!config.token.empty()) rq.headers.push_back("Authorization: Bearer " + config.token);
    if (key) {
        const std::string msgId = newUuid();
        const std::int64_t ts = nowMs / 1000;
        rq.headers.push_back("webhook-id: " + msgId);
        rq.headers.push_back("webhook-timestamp: " + std::to_string(ts));
        rq.headers.push_back("webhook-signature: " + signPayload(key->bytes, msgId, ts, rq.body));
    }
    return rq;
}

Uploader::Uploader(std::filesystem::path dbPath, SyncConfig config, std::string kioskId, std::string eventId,
                   const std::atomic<bool>* abort)
    : m_config(std::move(config)), m_kioskId(std::move(kioskId)), m_eventId(std::move(eventId)),
      m_outbox(std::move(dbPath)), m_http(abort) {}

Attempt Uploader::finish(Attempt a) {
    if (a.kind == Attempt::Retry || a.kind == Attempt::Stop) m_outbox.recordError(a.error, a.credentials, unixMs());
    return a;
}

namespace {
Attempt ended(Attempt a, Attempt::Kind kind, std::string error) {
    a.kind = kind;
    a.error = std::move(error);
    return a;
}
} // namespace

std::optional<Attempt> Uploader::configProblem() {
    if (m_config.endpoint.empty()) return ended({}, Attempt::Stop, "No sync.endpoint is set: sync is off");
    if (!m_config.secret.empty() && !m_key) m_key = decodeSecret(m_config.secret);
    if (m_key && !*m_key)
        return finish(ended({}, Attempt::Stop,
                            "sync.secret cannot be used: " + m_key->error +
                                " — paste the secret exactly as the receiver shows it (whsec_…)"));
    return std::nullopt;
}

bool Uploader::holdDamaged(std::vector<OutboxLead>& batch, Attempt& a) {
    // A payload that is not valid JSON would spoil the whole request: hold it for staff.
    std::vector<std::pair<std::string, std::string>> damaged;
    std::erase_if(batch, [&](const OutboxLead& l) {
        if (nlohmann::json::accept(l.payload)) return false;
        damaged.emplace_back(l.id, "the stored copy of this lead is damaged (not valid JSON); it was not sent");
        return true;
    });
    if (damaged.empty()) return true;
    std::string dbError;
    if (!m_outbox.markFailed(damaged, &dbError)) {
        a = finish(ended(a, Attempt::Retry, dbError));
        return false;
    }
    a.kind = Attempt::Progress;
    a.rejected = static_cast<int>(damaged.size());
    return true;
}

Attempt Uploader::attempt() {
    if (auto stop = configProblem()) return *stop;
    std::string dbError;
    auto batch = m_outbox.nextBatch(std::max(1, m_config.batchSize), &dbError);
    if (!batch) return finish(ended({}, Attempt::Retry, dbError));
    if (batch->empty()) return {}; // Idle
    Attempt a;
    if (!holdDamaged(*batch, a)) return a;
    if (batch->empty()) return a;

    std::vector<std::string> ids;
    ids.reserve(batch->size());
    for (const auto& l : *batch) ids.push_back(l.id);
    const std::int64_t now = unixMs();
    const HttpRequest rq =
        signedRequest(m_config.endpoint, m_config, m_key, buildBody(m_kioskId, m_eventId, isoUtc(now), *batch), now);
    a.sent = static_cast<int>(batch->size());
    return answered(a, m_http.post(rq), ids);
}

Attempt Uploader::answered(Attempt a, const HttpResponse& r, const std::vector<std::string>& ids) {
    a.httpStatus = r.status;
    if (r.aborted) return ended(a, Attempt::Aborted, "The upload was stopped");
    const std::string host = hostOf(m_config.endpoint);
    if (r.status == 0)
        return finish(ended(a, transportIsPermanent(r) ? Attempt::Stop : Attempt::Retry,
                            transportMessage(r, m_config.endpoint, m_config.timeoutS)));
    switch (classifyStatus(r.status)) {
    case Verdict::Ok: break;
    case Verdict::Retry:
        a.retryAfterS = parseRetryAfter(r.retryAfter, unixMs() / 1000); // a date counts from the answer
        return finish(ended(a, Attempt::Retry, statusMessage(r.status, host)));
    case Verdict::Credentials:
        a.credentials = true;
        return finish(ended(a, Attempt::Stop, statusMessage(r.status, host)));
    case Verdict::Stop: return finish(ended(a, Attempt::Stop, statusMessage(r.status, host)));
    }

    std::string why;
    const auto ack = parseAck(r.body, ids, &why);
    if (!ack) // Nothing is marked: the leads go again, and the server answers "duplicates" for any it kept.
        return finish(ended(a, Attempt::Retry,
                            "The server's answer was not understood (HTTP " + std::to_string(r.status) + ": " + why + ")"));
    if (ack->synced.empty() && ack->rejected.empty()) {
        if (a.rejected > 0) return a; // Progress: the damaged ones were held
        // A 2xx that took nothing: without a pause this would loop as fast as the server answers.
        return finish(ended(a, Attempt::Retry, "The server took none of the " + std::to_string(a.sent) + " leads sent"));
    }
    std::string dbError;
    if (!m_outbox.apply(*ack, unixMs(), &dbError)) // the server has them; the next try gets "duplicates"
        return finish(ended(a, Attempt::Retry, dbError));
    a.synced = static_cast<int>(ack->synced.size());
    a.rejected += static_cast<int>(ack->rejected.size());
    a.kind = Attempt::Progress;
    return a;
}

SyncStatus Uploader::status() {
    SyncStatus s;
    s.enabled = !m_config.endpoint.empty();
    if (auto c = m_outbox.counts()) {
        s.pending = c.value.pending;
        s.synced = c.value.synced;
        s.failed = c.value.failed;
    } else {
        s.lastError = c.error;
        return s;
    }
    if (auto v = m_outbox.status(key::kLastSuccessMs); v && !v->empty()) s.lastSuccessMs = std::stoll(*v);
    if (auto v = m_outbox.status(key::kLastError)) s.lastError = *v;
    if (auto v = m_outbox.status(key::kCredentialsRefused)) s.credentialsRefused = *v == "1";
    return s;
}

OnceResult runOnce(const std::filesystem::path& dbPath, const SyncConfig& config, const std::string& kioskId,
                   const std::string& eventId, const OnceOptions& o) {
    using Clock = std::chrono::steady_clock;
    const SigpipeBlock noSigpipe;
    const auto deadline = Clock::now() + std::chrono::duration<double>(o.maxSeconds);
    Uploader up(dbPath, config, kioskId, eventId);
    Backoff backoff{config.backoffBaseS, config.backoffCapS, 0};
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    OnceResult out;
    int inARow = 0;
    for (;;) {
        if (Clock::now() >= deadline) {
            out.stoppedBecause = "the time limit of " + formatSeconds(o.maxSeconds) + " was reached";
            break;
        }
        const Attempt a = up.attempt();
        if (a.sent > 0) ++out.requests;
        double wait = 0;
        if (a.kind == Attempt::Retry) {
            ++out.failures;
            wait = backoff.next(uniform(rng), a.retryAfterS);
        } else if (a.kind == Attempt::Progress) {
            backoff.reset();
            inARow = 0;
        }
        if (o.progress) o.progress(a, wait);
        if (a.kind == Attempt::Idle) break;
        if (a.kind == Attempt::Stop || a.kind == Attempt::Aborted) {
            out.stoppedBecause = a.error;
            break;
        }
        if (a.kind == Attempt::Retry) {
            if (++inARow >= o.maxFailuresInARow) {
                out.stoppedBecause = std::to_string(inARow) + " tries in a row failed (last: " + a.error + ")";
                break;
            }
            if (Clock::now() + std::chrono::duration<double>(wait) >= deadline) {
                out.stoppedBecause = "the time limit of " + formatSeconds(o.maxSeconds) + " was reached (last error: " +
                                     a.error + ")";
                break;
            }
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        }
    }
    out.status = up.status();
    return out;
}

} // namespace kiosk::core::sync
