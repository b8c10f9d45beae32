#include "organiser_data.hpp"

#include <set>

namespace kiosk::hub::web {

namespace {
HubLead parsed(const StoredLead& s) {
    std::optional<core::Lead> l = core::leadFromJson(s.payload);
    if (!l) l.emplace();
    if (l->id.empty()) l->id = s.id;
    return {s, std::move(*l)};
}
} // namespace

StorageResult loadLeads(Storage& storage, std::vector<HubLead>& out) {
    out.clear();
    return storage.forEachLead([&](const StoredLead& s) { out.push_back(parsed(s)); });
}

StorageResult loadLead(Storage& storage, const std::string& id, std::optional<HubLead>& out) {
    out.reset();
    return storage.transaction("reading a lead", [&](SqlTx& tx) {
        const SqlResult rows = tx.query("SELECT kiosk_id, payload, received_ms FROM leads WHERE id = $1", {id});
        if (!rows.empty()) out = parsed({id, rows.rows[0].text(0), rows.rows[0].text(1), rows.rows[0].integer(2)});
    });
}

StorageResult loadReview(Storage& storage, size_t limit, std::vector<ConflictRow>& conflicts,
                         std::vector<RejectedRow>& rejected) {
    conflicts.clear();
    rejected.clear();
    const auto n = static_cast<std::int64_t>(limit);
    return storage.transaction("reading the conflicts and rejections", [&](SqlTx& tx) {
        for (const SqlRow& r : tx.query("SELECT id, kiosk_id, first_ms, last_ms, times FROM conflicts "
                                        "ORDER BY last_ms DESC, id LIMIT $1",
                                        {n})
                                   .rows)
            conflicts.push_back({r.text(0), r.text(1), r.integer(2), r.integer(3), r.integer(4)});
        for (const SqlRow& r : tx.query("SELECT kiosk_id, lead_id, reason, last_ms, times FROM rejected "
                                        "ORDER BY last_ms DESC, lead_id LIMIT $1",
                                        {n})
                                   .rows)
            rejected.push_back({r.text(0), r.text(1), r.text(2), r.integer(3), r.integer(4)});
    });
}

StorageResult consentProof(Storage& storage, const core::Lead& lead, ConsentProof& out) {
    out = {};
    return storage.transaction("reading a consent text", [&](SqlTx& tx) {
        const SqlResult rows = tx.query("SELECT text, first_kiosk_id, first_ms FROM consent_texts "
                                        "WHERE version = $1 AND language = $2 ORDER BY first_ms",
                                        {lead.consent.version, lead.consent.lang});
        for (const SqlRow& r : rows.rows) {
            // The hash is computed from the text itself: a proof must not rest on a stored claim.
            const std::string sha = core::sha256Hex(r.text(0));
            if (out.found && sha != lead.consent.sha256) continue;
            out = {true, r.text(0), sha, sha == lead.consent.sha256, r.text(1), r.integer(2)};
            if (out.matches) return;
        }
    });
}

DoiState doiOf(const std::map<std::string, DoiState>& states, const std::string& leadId) {
    const auto it = states.find(leadId);
    return it == states.end() ? DoiState::None : it->second;
}

bool ExportFilter::matches(const HubLead& l, const std::map<std::string, DoiState>& states) const {
    if (!exhibitor.empty() &&
        std::find(l.lead.exhibitors.begin(), l.lead.exhibitors.end(), exhibitor) == l.lead.exhibitors.end())
        return false;
    const std::string day = core::isoUtc(l.lead.createdMs).substr(0, 10);
    if (!fromDay.empty() && day < fromDay) return false;
    if (!toDay.empty() && day > toDay) return false;
    return !doi || doiOf(states, l.lead.id) == *doi;
}

bool exportTable(const std::vector<HubLead>& leads, const std::map<std::string, DoiState>& states,
                 const ExportFilter& filter, const core::ExportOptions& options, std::string& body, long long& count,
                 std::string& error) {
    using L = const core::Lead&;
    using core::Lang;
    const HubLead* current = nullptr;
    std::vector<core::ExportColumn> columns = core::exportColumns({core::defaultForm()});
    // What only the hub knows, as columns of the same kind: the writers treat them alike.
    std::set<std::string> formFields;
    for (const auto& f : core::defaultForm().fields)
        formFields.insert(f.id);
    const std::vector<core::ExportColumn> more = {
        {"kiosk_id", {"Kiosk", "Kiosk"}, [](L l, Lang) { return l.kioskId; }},
        {"event_id", {"Messe", "Event"}, [](L l, Lang) { return l.eventId; }},
        // Answers to a kiosk's own form fields, which the hub has no form for.
        {"answers",
         {"Weitere Antworten", "Other answers"},
         [&](L l, Lang) {
             std::map<std::string, core::Answer> rest;
             for (const auto& [id, a] : l.answers)
                 if (!formFields.count(id)) rest.emplace(id, a);
             return rest.empty() ? std::string() : core::answersJson(rest);
         }},
        {"doi",
         {"Double-Opt-in", "Double opt-in"},
         [&](L l, Lang) { return std::string(doiName(doiOf(states, l.id))); }},
        {"received",
         {"Empfangen (UTC)", "Received (UTC)"},
         [&](L, Lang) { return current ? core::isoUtc(current->stored.receivedMs) : std::string(); }},
    };
    columns.insert(columns.end(), more.begin(), more.end());
    // The kiosk's own sync state says nothing on the hub: every lead here arrived.
    std::erase_if(columns, [](const core::ExportColumn& c) { return c.key == "sync_state"; });
    size_t next = 0;
    const core::NextLead source = [&](core::Lead& out) {
        while (next < leads.size() && !filter.matches(leads[next], states))
            ++next;
        if (next == leads.size()) return false;
        current = &leads[next++];
        out = current->lead;
        return true;
    };
    body.clear();
    return core::writeLeadTable(
        columns, options, source,
        [&](const std::string& piece) {
            body += piece;
            return true;
        },
        count, error);
}

} // namespace kiosk::hub::web
