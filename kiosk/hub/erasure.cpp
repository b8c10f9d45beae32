#include "erasure.hpp"

#include "core/leads/validation.hpp"
#include "core/sync/protocol.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace kiosk::hub {

namespace {
/// The email of a stored payload, hashed (empty when it has none), and when it was captured.
std::pair<std::string, std::int64_t> emailHashAndTime(const std::string& payload) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return {};
    const auto email = j.find("email");
    const auto at = j.find("created_at");
    return {email != j.end() && email->is_string() ? core::emailSha256(email->get<std::string>()) : std::string(),
            at != j.end() && at->is_string() ? core::sync::parseUtcMs(at->get<std::string>()).value_or(0) : 0};
}

/// Deletes the leads whose email hashes to `hash` with their double opt-in rows, conflicts and
/// rejected rows: every one, or (`kioskId` given) those of that kiosk captured before `beforeMs`.
long long deleteLeads(SqlTx& tx, const std::string& hash, const std::string& kioskId = {}, std::int64_t beforeMs = 0) {
    // Payloads hold the address as the kiosk sent it: read each (an erasure is rare, a column
    // of hashes would be one more copy of personal data to keep in step).
    std::set<std::string> ids;
    const auto matches = [&](const SqlRow& row) {
        const auto [h, at] = emailHashAndTime(row.text(1));
        return h == hash && (kioskId.empty() || (row.text(2) == kioskId && at < beforeMs));
    };
    for (const auto& row : tx.query("SELECT id, payload, kiosk_id FROM leads").rows)
        if (matches(row)) ids.insert(row.text(0));
    for (const auto& row : tx.query("SELECT id, payload, kiosk_id FROM conflicts").rows)
        if (matches(row)) ids.insert(row.text(0));
    long long count = 0;
    for (const auto& id : ids) {
        count += tx.query("DELETE FROM leads WHERE id = $1", {id}).affected;
        tx.query("DELETE FROM conflicts WHERE id = $1", {id});
        tx.query("DELETE FROM rejected WHERE lead_id = $1", {id});
        tx.query("DELETE FROM doi WHERE lead_id = $1", {id});
    }
    return count;
}

void logErasure(SqlTx& tx, const std::string& hash, std::int64_t nowMs, const std::string& who, long long count) {
    tx.query("INSERT INTO erasure_log(email_sha256, erased_ms, who, leads) VALUES($1, $2, $3, $4)",
             {hash, nowMs, who, std::int64_t(count)});
}
} // namespace

bool isEmailHash(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

StorageResult eraseByEmail(Storage& storage, const std::string& email, const std::string& who, std::int64_t nowMs,
                           long long& erased) {
    return eraseByEmailHash(storage, core::emailSha256(email), who, {}, nowMs, erased);
}

StorageResult eraseByEmailHash(Storage& storage, const std::string& hash, const std::string& who,
                               const std::string& fromKiosk, std::int64_t nowMs, long long& erased) {
    erased = 0;
    if (!isEmailHash(hash)) return {false, "an email hash must be 64 lower-case hex digits"};
    long long count = 0;
    const auto r = storage.transaction("the erasure failed (nothing was erased)", [&](SqlTx& tx) {
        count = deleteLeads(tx, hash);
        logErasure(tx, hash, nowMs, who, count);
        // Every kiosk may hold a copy (a lead is captured on one, but the visitor may have
        // signed up at several stands): each is told, until it says it is done.
        tx.query("INSERT INTO erasure_pending(kiosk_id, email_sha256, queued_ms) SELECT id, $1, $2 FROM kiosks "
                 "WHERE NOT revoked AND id <> $3 ON CONFLICT DO NOTHING",
                 {hash, nowMs, fromKiosk});
    });
    if (r) erased = count;
    return r;
}

StorageResult kioskErasures(Storage& storage, const std::string& kioskId, const std::vector<std::string>& done,
                            std::int64_t nowMs, std::vector<std::string>& pending) {
    pending.clear();
    return storage.transaction("reading the kiosk's erasures failed", [&](SqlTx& tx) {
        pending.clear();
        for (const auto& h : done) {
            if (tx.query("DELETE FROM erasure_pending WHERE kiosk_id = $1 AND email_sha256 = $2", {kioskId, h})
                    .affected == 0)
                continue;
            // An upload of this kiosk may have arrived after the erasure here but before the
            // kiosk erased its copy: the withdrawal covers every lead captured before it.
            const auto asked = tx.query("SELECT max(erased_ms) FROM erasure_log WHERE email_sha256 = $1", {h});
            if (asked.empty() || asked.rows[0].null(0)) continue;
            if (const long long late = deleteLeads(tx, h, kioskId, asked.rows[0].integer(0)))
                logErasure(tx, h, nowMs, "late copy from kiosk " + kioskId, late);
        }
        for (const auto& row :
             tx.query("SELECT email_sha256 FROM erasure_pending WHERE kiosk_id = $1 ORDER BY queued_ms, email_sha256",
                      {kioskId})
                 .rows)
            pending.push_back(row.text(0));
    });
}

StorageResult erasureLog(Storage& storage, std::vector<ErasureLogEntry>& out) {
    out.clear();
    return storage.transaction("reading the erasure log failed", [&](SqlTx& tx) {
        out.clear();
        for (const auto& row :
             tx.query("SELECT email_sha256, erased_ms, who, leads FROM erasure_log ORDER BY erased_ms").rows)
            out.push_back({row.text(0), row.text(2), row.integer(1), row.integer(3)});
    });
}

} // namespace kiosk::hub
