#include "lead_output.hpp"

#include "core/export/export.hpp"
#include "core/leads/lead.hpp"

#include <nlohmann/json.hpp>

namespace kiosk::hub {

using nlohmann::json;

namespace {
/// Payload paths ("a.b" for nested fields), in column order; the header names them the same.
/// `answers` (the form's own questions) is written as its JSON object: the hub does not
/// know the forms the kiosks showed, so it cannot name a column per question.
const char* const kColumns[] = {"id", "created_at", "kiosk_id", "event_id", "language", "first_name", "last_name",
                                "email", "company", "job_title", "phone", "message", "sectors", "exhibitors",
                                "newsletter", "consent.version", "consent.text_sha256", "consent.language",
                                "consent.given_at", "source", "answers", "form_version", "capture"};

std::string cellText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) out += (out.empty() ? "" : ", ") + cellText(e);
        return out;
    }
    if (v.is_null()) return {};
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

const json* field(const json& lead, const std::string& path) {
    const json* at = &lead;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!at->is_object()) return nullptr;
        const auto it = at->find(key);
        if (it == at->end()) return nullptr;
        at = &*it;
        if (dot == std::string::npos) return at;
        start = dot + 1;
    }
}
} // namespace

bool leadForExhibitor(const std::string& payload, const std::string& companyId) {
    if (companyId.empty()) return true;
    const json j = json::parse(payload, nullptr, false);
    const json* list = j.is_discarded() ? nullptr : field(j, "exhibitors");
    if (!list || !list->is_array()) return false;
    for (const auto& e : *list)
        if (e.is_string() && e.get_ref<const std::string&>() == companyId) return true;
    return false;
}

std::string csvHeader(char delimiter) {
    std::string out = "\xEF\xBB\xBF";
    for (const char* c : kColumns) (out += core::csvCell(c, delimiter)) += delimiter;
    return out + "received_at\r\n";
}

std::string csvRow(const StoredLead& lead, char delimiter) {
    const json j = json::parse(lead.payload, nullptr, false);
    std::string out;
    for (const char* c : kColumns) {
        const json* v = j.is_discarded() ? nullptr : field(j, c);
        (out += core::csvCell(v ? cellText(*v) : std::string(), delimiter)) += delimiter;
    }
    return out + core::isoUtc(lead.receivedMs) + "\r\n";
}

} // namespace kiosk::hub
