#include "metrics.hpp"

#include <cstdio>

namespace kiosk::hub {

namespace {
/// A label value as Prometheus wants it: backslash, quote and newline escaped.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
} // namespace

const std::vector<double>& Metrics::buckets() {
    static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return b;
}

void Metrics::record(const std::string& kioskId, int status, const UploadCounts& counts, double seconds,
                     std::int64_t nowMs) {
    std::lock_guard lock(m_mutex);
    ++m_requests[status];
    ++m_count;
    m_sum += seconds;
    for (size_t i = 0; i < buckets().size(); ++i)
        if (seconds <= buckets()[i]) ++m_bucketCounts[i];
    if (kioskId.empty()) return;
    PerKiosk& k = m_kiosks[kioskId];
    k.leads.accepted += counts.accepted;
    k.leads.duplicates += counts.duplicates;
    k.leads.conflicts += counts.conflicts;
    k.leads.rejected += counts.rejected;
    k.lastSeenMs = nowMs;
}

void Metrics::recordStatus(const std::string& kioskId, int status, long long consentVariants, std::int64_t nowMs) {
    std::lock_guard lock(m_mutex);
    ++m_statusRequests[status];
    m_consentVariants += consentVariants;
    // Only an accepted heartbeat says the kiosk is there: a refused one may come from anyone with its token.
    if (!kioskId.empty() && status == 200) m_kiosks[kioskId].lastSeenMs = nowMs;
}

std::string Metrics::render(std::int64_t nowMs) const {
    std::lock_guard lock(m_mutex);
    std::string out = "# HELP kiosk_hub_leads_total Leads received by this instance, by kiosk and outcome.\n"
                      "# TYPE kiosk_hub_leads_total counter\n";
    for (const auto& [id, k] : m_kiosks) {
        const std::pair<const char*, long long> outcomes[] = {{"accepted", k.leads.accepted},
                                                               {"duplicate", k.leads.duplicates},
                                                               {"conflict", k.leads.conflicts},
                                                               {"rejected", k.leads.rejected}};
        for (const auto& [name, n] : outcomes)
            out += "kiosk_hub_leads_total{kiosk=\"" + label(id) + "\",outcome=\"" + name + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP kiosk_hub_upload_requests_total Upload requests answered, by HTTP status.\n"
           "# TYPE kiosk_hub_upload_requests_total counter\n";
    for (const auto& [status, n] : m_requests)
        out += "kiosk_hub_upload_requests_total{status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    out += "# HELP kiosk_hub_upload_duration_seconds Time from the body received to the answer.\n"
           "# TYPE kiosk_hub_upload_duration_seconds histogram\n";
    for (size_t i = 0; i < buckets().size(); ++i)
        out += "kiosk_hub_upload_duration_seconds_bucket{le=\"" + number(buckets()[i]) + "\"} " +
               std::to_string(m_bucketCounts[i]) + "\n";
    out += "kiosk_hub_upload_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(m_count) + "\n";
    out += "kiosk_hub_upload_duration_seconds_sum " + number(m_sum) + "\n";
    out += "kiosk_hub_upload_duration_seconds_count " + std::to_string(m_count) + "\n";
    out += "# HELP kiosk_hub_status_requests_total Heartbeats (POST /kiosk/v1/status) answered, by HTTP status.\n"
           "# TYPE kiosk_hub_status_requests_total counter\n";
    for (const auto& [status, n] : m_statusRequests)
        out += "kiosk_hub_status_requests_total{status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    out += "# HELP kiosk_hub_consent_text_variants_total Consent texts received that differ from the first one seen "
           "for their version and language.\n"
           "# TYPE kiosk_hub_consent_text_variants_total counter\n"
           "kiosk_hub_consent_text_variants_total " +
           std::to_string(m_consentVariants) + "\n";
    out += "# HELP kiosk_hub_kiosk_last_seen_age_seconds Seconds since this instance last answered the kiosk (an "
           "upload or a heartbeat).\n"
           "# TYPE kiosk_hub_kiosk_last_seen_age_seconds gauge\n";
    for (const auto& [id, k] : m_kiosks)
        out += "kiosk_hub_kiosk_last_seen_age_seconds{kiosk=\"" + label(id) + "\"} " +
               number(static_cast<double>(nowMs - k.lastSeenMs) / 1000.0) + "\n";
    return out;
}

} // namespace kiosk::hub
