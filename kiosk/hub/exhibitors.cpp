#include "exhibitors.hpp"

#include "doi_state.hpp"
#include "lead_table.hpp"

#include <algorithm>
#include <functional>

#include <sodium.h>

namespace kiosk::hub {

namespace {
constexpr size_t kTokenBytes = 32;
/// sodium_base64_ENCODED_LEN(32, URLSAFE_NO_PADDING) without its terminating NUL.
constexpr size_t kTokenChars = 43;

constexpr const char* kColumns = "company_id, link_no, label, created_ms, last_used_ms, revoked_ms";

ExhibitorLink linkOf(const SqlRow& row) {
    ExhibitorLink l{row.text(0), row.integer(1), row.text(2), row.integer(3), std::nullopt, std::nullopt};
    if (!row.null(4)) l.lastUsedMs = row.integer(4);
    if (!row.null(5)) l.revokedMs = row.integer(5);
    return l;
}

bool urlSafe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
} // namespace

bool validCompanyId(const std::string& id) {
    if (id.empty() || id.size() > 100) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return true;
}

std::string newExhibitorToken() {
    if (sodium_init() < 0) return {};
    unsigned char bytes[kTokenBytes];
    randombytes_buf(bytes, sizeof bytes);
    std::string out(sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    out.resize(kTokenChars);
    return out;
}

bool exhibitorTokenShape(const std::string& text) {
    if (text.size() != kTokenChars) return false;
    for (char c : text)
        if (!urlSafe(c)) return false;
    return true;
}

std::string exhibitorTokenHash(const std::string& token) {
    if (sodium_init() < 0) return {};
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    char hex[sizeof h * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

StorageResult addExhibitorLink(Storage& storage, const std::string& companyId, const std::string& label,
                               const std::string& tokenHash, std::int64_t nowMs, long long& number) {
    // Two instances adding a link for one company at once: the second fails on the unique
    // (company_id, link_no) and is run again by whoever typed it.
    return storage.transaction("cannot add the exhibitor link", [&](SqlTx& tx) {
        number =
            tx.query("SELECT coalesce(max(link_no), 0) + 1 FROM exhibitor_links WHERE company_id = $1", {companyId})
                .rows.at(0)
                .integer(0);
        tx.query("INSERT INTO exhibitor_links(token_hash, company_id, link_no, label, created_ms) "
                 "VALUES ($1, $2, $3, $4, $5)",
                 {tokenHash, companyId, std::int64_t{number}, label, nowMs});
    });
}

StorageResult exhibitorLinks(Storage& storage, std::vector<ExhibitorLink>& out) {
    out.clear();
    return storage.transaction("cannot read the exhibitor links", [&](SqlTx& tx) {
        for (const auto& row :
             tx.query(std::string("SELECT ") + kColumns + " FROM exhibitor_links ORDER BY company_id, link_no").rows)
            out.push_back(linkOf(row));
    });
}

StorageResult revokeExhibitorLinks(Storage& storage, const std::string& companyId, long long number, std::int64_t nowMs,
                                   long long& revoked) {
    revoked = 0;
    return storage.transaction("cannot revoke the exhibitor link", [&](SqlTx& tx) {
        const char* sql = "UPDATE exhibitor_links SET revoked_ms = $2 WHERE company_id = $1 AND revoked_ms IS NULL";
        if (number == 0) {
            revoked = tx.query(sql, {companyId, nowMs}).affected;
            return;
        }
        revoked = tx.query(std::string(sql) + " AND link_no = $3", {companyId, nowMs, std::int64_t{number}}).affected;
    });
}

StorageResult exhibitorByToken(Storage& storage, const std::string& tokenHash, std::int64_t nowMs,
                               std::optional<ExhibitorLink>& out) {
    out.reset();
    return storage.transaction("cannot look up the exhibitor link", [&](SqlTx& tx) {
        const auto r = tx.query(std::string("UPDATE exhibitor_links SET last_used_ms = $2 WHERE token_hash = $1 AND "
                                            "revoked_ms IS NULL RETURNING ") +
                                    kColumns,
                                {tokenHash, nowMs});
        if (!r.empty()) out = linkOf(r.rows.front());
    });
}

namespace {
/// Calls `each` with every stored lead (in arrival order) whose exhibitors list names `companyId`.
StorageResult forEachLeadOf(Storage& storage, const std::string& companyId,
                            const std::function<void(core::Lead&)>& each) {
    const std::string quoted = "\"" + companyId + "\"";
    return storage.forEachLead([&](const StoredLead& stored) {
        core::Lead l;
        // A lead that chose the company has its id between quotes in its bytes: the others are
        // mostly skipped unparsed. (An id written with JSON escapes, which no kiosk does, would be
        // missed: the exhibitor then sees less, never more.)
        if (stored.payload.find(quoted) == std::string::npos || !coreLead(stored.payload, l)) return;
        if (std::find(l.exhibitors.begin(), l.exhibitors.end(), companyId) != l.exhibitors.end()) each(l);
    });
}
} // namespace

StorageResult companyHasLeads(Storage& storage, const std::string& companyId, bool& has) {
    has = false;
    return forEachLeadOf(storage, companyId, [&](core::Lead&) { has = true; });
}

StorageResult exhibitorLeads(Storage& storage, const HubConfig& config, const std::string& companyId,
                             std::vector<core::Lead>& out, std::map<std::string, DoiState>& doi) {
    out.clear();
    if (auto r = loadDoiStates(storage, doi); !r) return r;
    return forEachLeadOf(storage, companyId, [&](core::Lead& l) {
        const auto state = doi.find(l.id);
        const bool confirmed = state != doi.end() && state->second == DoiState::Confirmed;
        if (config.doi.enabled && !config.doi.exhibitorsSeeAll && !confirmed) return;
        l.exhibitors = {companyId};
        out.push_back(std::move(l));
    });
}

} // namespace kiosk::hub
