/// @brief Exhibitors' links (`/x/<token>`, docs/hub.md "Exhibitors' links"): each one a personal,
/// revocable address for one company id, kept as the SHA-256 of its token only. Written once
/// for both backends through Storage::transaction.
#pragma once
#include "core/leads/lead.hpp"
#include "doi_state.hpp"
#include "hub_config.hpp"
#include "storage.hpp"

#include <map>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::hub {

struct ExhibitorLink {
    std::string companyId;
    long long number = 0; ///< 1, 2, … per company id: what --link names
    std::string label;    ///< who it is for (free text from add-exhibitor --label)
    std::int64_t createdMs = 0;
    std::optional<std::int64_t> lastUsedMs, revokedMs;
};

/// A company id as kiosks send it in a lead's `exhibitors` list: 1 to 100 of [a-z0-9_-].
bool validCompanyId(const std::string& id);

/// A new link token: 32 random bytes, URL-safe base64 without padding (43 characters); "" when
/// libsodium cannot start.
std::string newExhibitorToken();
/// Whether `text` has the shape of a token (checked before any database lookup).
bool exhibitorTokenShape(const std::string& text);
/// Hex SHA-256 of a token: all the database keeps.
std::string exhibitorTokenHash(const std::string& token);

/// Stores a link for `companyId` under `tokenHash`; `number` is its number for the company.
StorageResult addExhibitorLink(Storage& storage, const std::string& companyId, const std::string& label,
                               const std::string& tokenHash, std::int64_t nowMs, long long& number);
/// Every link, by company id and number (never a token: the database has none).
StorageResult exhibitorLinks(Storage& storage, std::vector<ExhibitorLink>& out);
/// Revokes link `number` of `companyId`, or all its links when `number` is 0; `revoked` counts
/// the links revoked now (ones revoked before are left as they were).
StorageResult revokeExhibitorLinks(Storage& storage, const std::string& companyId, long long number, std::int64_t nowMs,
                                   long long& revoked);
/// The link whose token hashes to `tokenHash` if it is not revoked (and notes it as used now);
/// nullopt for an unknown or a revoked one alike.
StorageResult exhibitorByToken(Storage& storage, const std::string& tokenHash, std::int64_t nowMs,
                               std::optional<ExhibitorLink>& out);
/// Whether any stored lead names `companyId` in its exhibitors list (add-exhibitor warns when not).
StorageResult companyHasLeads(Storage& storage, const std::string& companyId, bool& has);

/// The leads a link of `companyId` may see, in arrival order: those whose exhibitors list names
/// it (an empty list chose nobody); with the double opt-in on, only confirmed ones unless
/// `[doi] exhibitors_see = "all"`. Each keeps only `companyId` in its exhibitors list: which
/// others the visitor chose is theirs to know. `doi`: every lead's state (loadDoiStates).
StorageResult exhibitorLeads(Storage& storage, const HubConfig& config, const std::string& companyId,
                             std::vector<core::Lead>& out, std::map<std::string, DoiState>& doi);

} // namespace kiosk::hub
