#include "kiosk_list.hpp"

#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"

#include <cstdarg>
#include <cstdio>
#include <map>

namespace kiosk::hub {

namespace sync = core::sync;

std::string shortAge(std::int64_t ms) {
    const std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
    if (s < 120) return std::to_string(s) + "s";
    if (s < 120 * 60) return std::to_string(s / 60) + "m";
    if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

namespace {
/// A heartbeat's text for one column: no control characters, no spaces (the columns stay
/// splittable), "-" when empty.
std::string cell(const std::string& s, size_t width) {
    std::string out = sync::cleanText(s, width);
    for (char& c : out)
        if (c == ' ') c = '_';
    return out.empty() ? "-" : out;
}

std::string line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string line(const char* format, ...) {
    char buf[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    return buf;
}
} // namespace

std::string kioskTable(const std::vector<KioskRecord>& kiosks, std::int64_t nowMs, double silentAfterS) {
    constexpr const char* kRow = "%-24s %-8s %-24s %8s %9s %8s %-6s %-6s %-12s %-16s %-16s %8s %7s %6s %9s %s\n";
    std::string out = line(kRow, "KIOSK", "STATE", "ADDED", "LEADS", "CONFLICTS", "REJECTED", "SEEN", "FLAG", "APP",
                           "CONTENT", "FORM", "ON-KIOSK", "PENDING", "FAILED", "CLOCK", "LAST-ERROR");
    for (const auto& k : kiosks) {
        std::optional<sync::StatusReport> report;
        if (k.status) report = sync::parseStatus(k.status->body);
        const bool silent = !k.status || static_cast<double>(nowMs - k.status->receivedMs) > silentAfterS * 1000.0;
        const auto dash = [&](auto f) { return report ? f(*report) : std::string("-"); };
        char offset[32] = "-";
        if (k.status)
            std::snprintf(offset, sizeof offset, "%+.1fs", static_cast<double>(k.status->clockOffsetMs) / 1000.0);
        out += line(
            kRow, k.id.c_str(), k.revoked ? "revoked" : "active", core::isoUtc(k.createdMs).c_str(),
            std::to_string(k.leads).c_str(), std::to_string(k.conflicts).c_str(), std::to_string(k.rejected).c_str(),
            k.status ? shortAge(nowMs - k.status->receivedMs).c_str() : "never",
            // A revoked kiosk is expected to be silent.
            k.revoked ? "-"
            : silent  ? "SILENT"
                      : "ok",
            dash([](const auto& r) { return cell(r.appVersion, 12); }).c_str(),
            dash([](const auto& r) { return cell(r.contentVersion, 16); }).c_str(),
            dash([](const auto& r) { return cell(r.formVersion, 16); }).c_str(),
            dash([](const auto& r) { return std::to_string(r.total); }).c_str(),
            dash([](const auto& r) { return std::to_string(r.pending); }).c_str(),
            dash([](const auto& r) { return std::to_string(r.failed); }).c_str(), offset,
            report && !report->lastSyncError.empty() ? sync::cleanText(report->lastSyncError, 160).c_str() : "-");
    }
    return out;
}

std::string consentWarnings(const std::vector<ConsentTextRow>& texts) {
    std::map<std::pair<std::string, std::string>, long long> variants;
    for (const auto& t : texts)
        ++variants[{t.version, t.language}];
    std::string out;
    for (const auto& [key, n] : variants)
        if (n > 1)
            out += "warning: consent version " + sync::cleanText(key.first, 64) + " (" +
                   sync::cleanText(key.second, 16) + ") arrived with " + std::to_string(n) +
                   " different texts: the first is kept, the others beside it — give a changed text a new version\n";
    return out;
}

} // namespace kiosk::hub
