#include "kiosk_list.hpp"

#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"

#include <algorithm>
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
/// A version for one column of the text table: no spaces, so the columns stay splittable.
std::string column(std::string s) {
    std::replace(s.begin(), s.end(), ' ', '_');
    return s;
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

std::vector<KioskHealth> kioskHealth(const std::vector<KioskRecord>& kiosks, std::int64_t nowMs, double silentAfterS) {
    std::vector<KioskHealth> out;
    for (const auto& k : kiosks) {
        std::optional<sync::StatusReport> report;
        if (k.status) report = sync::parseStatus(k.status->body);
        const bool silent = !k.status || static_cast<double>(nowMs - k.status->receivedMs) > silentAfterS * 1000.0;
        const auto dash = [&](auto f) { return report ? f(*report) : std::string("-"); };
        const auto text = [](const std::string& v, size_t width) {
            std::string c = sync::cleanText(v, width);
            return c.empty() ? std::string("-") : c;
        };
        KioskHealth h;
        h.id = k.id;
        h.state = k.revoked ? "revoked" : "active";
        h.added = core::isoUtc(k.createdMs);
        h.leads = k.leads;
        h.conflicts = k.conflicts;
        h.rejected = k.rejected;
        h.seen = k.status ? shortAge(nowMs - k.status->receivedMs) : "never";
        h.flag = k.revoked ? "-" : silent ? "SILENT" : "ok"; // a revoked kiosk is expected to be silent
        h.app = dash([&](const auto& r) { return text(r.appVersion, 12); });
        h.content = dash([&](const auto& r) { return text(r.contentVersion, 16); });
        h.form = dash([&](const auto& r) { return text(r.formVersion, 16); });
        h.onKiosk = dash([](const auto& r) { return std::to_string(r.total); });
        h.pending = dash([](const auto& r) { return std::to_string(r.pending); });
        h.failed = dash([](const auto& r) { return std::to_string(r.failed); });
        h.clock = "-";
        if (k.status) h.clock = line("%+.1fs", static_cast<double>(k.status->clockOffsetMs) / 1000.0);
        h.lastError = report ? text(report->lastSyncError, 160) : "-";
        out.push_back(std::move(h));
    }
    return out;
}

std::string kioskTable(const std::vector<KioskRecord>& kiosks, std::int64_t nowMs, double silentAfterS) {
    constexpr const char* kRow = "%-24s %-8s %-24s %8s %9s %8s %-6s %-6s %-12s %-16s %-16s %8s %7s %6s %9s %s\n";
    std::string out = line(kRow, "KIOSK", "STATE", "ADDED", "LEADS", "CONFLICTS", "REJECTED", "SEEN", "FLAG", "APP",
                           "CONTENT", "FORM", "ON-KIOSK", "PENDING", "FAILED", "CLOCK", "LAST-ERROR");
    for (const auto& h : kioskHealth(kiosks, nowMs, silentAfterS))
        out += line(kRow, h.id.c_str(), h.state.c_str(), h.added.c_str(), std::to_string(h.leads).c_str(),
                    std::to_string(h.conflicts).c_str(), std::to_string(h.rejected).c_str(), h.seen.c_str(),
                    h.flag.c_str(), column(h.app).c_str(), column(h.content).c_str(), column(h.form).c_str(),
                    h.onKiosk.c_str(), h.pending.c_str(), h.failed.c_str(), h.clock.c_str(), h.lastError.c_str());
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
