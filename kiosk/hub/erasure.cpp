#include "erasure.hpp"

#include "core/leads/validation.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace kiosk::hub {

namespace {
/// The email of a stored payload, hashed; empty when the payload has none.
std::string payloadEmailHash(const std::string& payload) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return {};
    const auto it = j.find("email");
    if (it == j.end() || !it->is_string()) return {};
    return core::emailSha256(it->get<std::string>());
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
        // Payloads hold the address as the kiosk sent it: read each (an erasure is rare, a
        // column of hashes would be one more copy of personal data to keep in step).
        std::set<std::string> ids;
        for (const auto& row : tx.query("SELECT id, payload FROM leads").rows)
            if (payloadEmailHash(row.text(1)) == hash) ids.insert(row.text(0));
        for (const auto& row : tx.query("SELECT id, payload FROM conflicts").rows)
            if (payloadEmailHash(row.text(1)) == hash) ids.insert(row.text(0));
        count = 0;
        for (const auto& id : ids) {
            count += tx.query("DELETE FROM leads WHERE id = $1", {id}).affected;
            tx.query("DELETE FROM conflicts WHERE id = $1", {id});
            tx.query("DELETE FROM rejected WHERE lead_id = $1", {id});
            tx.query("DELETE FROM doi WHERE lead_id = $1", {id});
        }
        tx.query("INSERT INTO erasure_log(email_sha256, erased_ms, who, leads) VALUES($1, $2, $3, $4)",
                 {hash, nowMs, who, std::int64_t(count)});
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
                            std::vector<std::string>& pending) {
    pending.clear();
    return storage.transaction("reading the kiosk's erasures failed", [&](SqlTx& tx) {
        pending.clear();
        for (const auto& h : done)
            tx.query("DELETE FROM erasure_pending WHERE kiosk_id = $1 AND email_sha256 = $2", {kioskId, h});
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
