/// @brief GET /metrics: this instance's counters in the Prometheus text format (leads per
/// kiosk and outcome, upload and heartbeat requests per status, upload latency, each kiosk's
/// last-seen age, consent texts that changed under one version). In memory, since the start of the process: Prometheus
/// adds up the instances.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kiosk::hub {

struct UploadCounts {
    long long accepted = 0, duplicates = 0, conflicts = 0, rejected = 0;
};

class Metrics {
public:
    /// One answered upload; `kioskId` empty when the sender was not known.
    void record(const std::string& kioskId, int status, const UploadCounts& counts, double seconds, std::int64_t nowMs);
    /// One answered heartbeat (POST /kiosk/v1/status): counted by status; a known kiosk counts as seen.
    void recordStatus(const std::string& kioskId, int status, long long consentVariants, std::int64_t nowMs);
    std::string render(std::int64_t nowMs) const;

    /// Upper bounds of the latency histogram, in seconds.
    static const std::vector<double>& buckets();

private:
    struct PerKiosk {
        UploadCounts leads;
        std::int64_t lastSeenMs = 0;
    };
    mutable std::mutex m_mutex;
    std::map<std::string, PerKiosk> m_kiosks;
    std::map<int, long long> m_requests;
    std::map<int, long long> m_statusRequests;
    long long m_consentVariants = 0;
    std::vector<long long> m_bucketCounts = std::vector<long long>(buckets().size(), 0);
    long long m_count = 0;
    double m_sum = 0;
};

} // namespace kiosk::hub
