/// @brief What the organiser's pages read: the stored leads parsed back into core leads, the
/// conflicts and rejections to review, a lead's consent proof, and the export with the kiosk's
/// columns. Kept apart from the routes so that the unit tests reach it without HTTP.
#pragma once
#include "../doi_state.hpp"
#include "../storage.hpp"

#include "core/export/export.hpp"
#include "core/leads/lead.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::hub::web {

/// A stored lead and its payload read as a core lead (a payload that is no JSON object gives
/// a lead with only its id).
struct HubLead {
    StoredLead stored;
    core::Lead lead;
};
StorageResult loadLeads(Storage& storage, std::vector<HubLead>& out);
/// The lead stored under `id`; nullopt when there is none.
StorageResult loadLead(Storage& storage, const std::string& id, std::optional<HubLead>& out);

struct ConflictRow {
    std::string leadId, kioskId;
    std::int64_t firstMs = 0, lastMs = 0;
    long long times = 0;
};
struct RejectedRow {
    std::string kioskId, leadId, reason;
    std::int64_t lastMs = 0;
    long long times = 0;
};
/// The latest `limit` of each, newest first.
StorageResult loadReview(Storage& storage, size_t limit, std::vector<ConflictRow>& conflicts,
                         std::vector<RejectedRow>& rejected);

/// The consent text a lead's proof rests on.
struct ConsentProof {
    bool found = false;     ///< a text of the lead's version and language reached the hub
    std::string text;       ///< the one whose hash is the lead's, else the first seen
    std::string textSha256; ///< computed here from `text`, not taken from the database
    bool matches = false;   ///< textSha256 is the lead's consent hash
    std::string firstKioskId;
    std::int64_t firstMs = 0;
};
StorageResult consentProof(Storage& storage, const core::Lead& lead, ConsentProof& out);

/// The export's filters; empty ones let everything through.
struct ExportFilter {
    std::string exhibitor;      ///< a company id the lead chose
    std::string fromDay, toDay; ///< YYYY-MM-DD, inclusive, of the lead's creation (UTC)
    std::optional<DoiState> doi;
    bool matches(const HubLead& l, const std::map<std::string, DoiState>& states) const;
};
/// A lead's state in `states` (None when missing).
DoiState doiOf(const std::map<std::string, DoiState>& states, const std::string& leadId);

/// The organiser's CSV or XLSX: the kiosk's export columns (core::exportColumns) and, through
/// the same descriptors, the kiosk and event, the double opt-in state and when the hub received it.
bool exportTable(const std::vector<HubLead>& leads, const std::map<std::string, DoiState>& states,
                 const ExportFilter& filter, const core::ExportOptions& options, std::string& body, long long& count,
                 std::string& error);

} // namespace kiosk::hub::web
