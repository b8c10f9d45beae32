#include "status.hpp"

#include "../leads/figures.hpp"
#include "../leads/lead.hpp"
#include "engine.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace kiosk::core::sync {

namespace fs = std::filesystem;

std::string contentVersion(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back(it->path());
    if (ec || files.empty()) return {};
    std::sort(files.begin(), files.end());
    // A hash of per-file hashes: no file needs to be in memory with another.
    std::string index;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        index += f.lexically_relative(dir).generic_string() + '\0' + sha256Hex(bytes.str()) + '\n';
    }
    return sha256Hex(index).substr(0, 16);
}

StatusReport statusBase(const KioskConfig& config, const Content& content, const fs::path& contentDir,
                        const std::string& appVersion) {
    StatusReport r;
    r.kioskId = config.kioskId;
    r.eventId = content.event.id;
    r.appVersion = appVersion;
    r.contentVersion = contentVersion(contentDir);
    r.formVersion = content.form.version;
    r.renderer = config.renderer;
    if (!content.consent.version.empty())
        for (const Lang lang : {Lang::De, Lang::En})
            r.consent[content.consent.version][langCode(lang)] = content.consent.shown(lang);
    return r;
}

StatusReport gatherStatus(StatusReport r, Outbox& outbox, const fs::path& dataDir, std::int64_t uptimeS,
                          std::int64_t nowMs) {
    if (const auto e = outbox.status(key::kLastError)) r.lastSyncError = *e;
    // Counts that cannot be read are said so, not sent as zeros the hub would believe.
    if (const auto c = outbox.counts()) {
        r.pending = c.value.pending;
        r.failed = c.value.failed;
        r.synced = c.value.synced;
        r.total = c.value.pending + c.value.failed + c.value.synced;
    } else {
        r.lastSyncError = c.error;
    }
    if (const auto ms = outbox.lastLeadMs(); ms && ms.value > 0) r.lastLeadAt = isoUtc(ms.value);
    // What exhibitors learn, summed over the event (figures.hpp); none when they cannot be read.
    if (outbox.handle())
        if (const auto rows = readFigures(outbox.handle(), r.eventId, false))
            for (const auto& row : rows.value)
                for (const Figure f : kFigures)
                    if (row[f] != 0) r.figures[row.subject][figureName(f)] = row[f];
    std::error_code ec;
    const fs::space_info space = fs::space(dataDir, ec);
    if (!ec) r.freeDiskBytes = static_cast<std::int64_t>(space.available);
    r.uptimeS = uptimeS;
    r.clock = isoUtc(nowMs);
    return r;
}

StatusSender::StatusSender(SyncConfig config, const std::atomic<bool>* abort)
    : m_config(std::move(config)), m_url(statusUrl(m_config.endpoint, m_config.statusEndpoint)), m_http(abort) {
    if (!m_config.secret.empty()) m_key = decodeSecret(m_config.secret);
}

void addErasures(LeadStore& store, StatusReport& r) {
    if (!store.unreportedErasures(r.erasures, r.erasuresDone)) r.erasures.clear(), r.erasuresDone.clear();
}

std::string applyStatusAnswer(LeadStore& store, const StatusReport& sent, const std::string& answer, std::int64_t nowMs) {
    std::string why;
    const auto a = parseStatusAnswer(answer, &why);
    if (!a) return "the hub's answer to the heartbeat cannot be read: " + why;
    std::string line;
    const auto note = [&](const std::string& s) { line += (line.empty() ? "" : "; ") + s; };
    if (auto r = store.markErasuresReported(sent.erasuresDone, "hub"); !r) note(r.error);
    // Only what the hub says it has: a hub that does not know erasures yet is told again.
    std::vector<std::string> taken;
    for (const auto& h : a->erasuresTaken)
        if (std::find(sent.erasures.begin(), sent.erasures.end(), h) != sent.erasures.end()) taken.push_back(h);
    if (auto r = store.markErasuresReported(taken, "kiosk"); !r) note(r.error);
    if (!taken.empty()) note("the hub has erased its copies of " + std::to_string(taken.size()) + " erasure(s) made here");
    for (const auto& hash : a->erase) {
        std::vector<ErasedLead> erased;
        if (auto r = store.eraseByEmailHash(hash, nowMs, erased); !r) {
            note("the hub asked for an erasure, which failed (asked again at the next heartbeat): " + r.error);
            continue;
        }
        note("erased " + std::to_string(erased.size()) + " lead(s) on the hub's request (email hash " +
             hash.substr(0, 12) + "…, in the erasure log)");
    }
    return line;
}

std::string StatusSender::send(const StatusReport& report, std::string* answer) {
    if (m_url.empty()) return "no address for heartbeats (sync.endpoint is not a URL)";
    if (m_key && !*m_key) return "sync.secret cannot be used: " + m_key->error; // unsigned would fail open
    const HttpResponse r = m_http.post(signedRequest(m_url, m_config, m_key, buildStatusBody(report), unixMs()));
    if (r.aborted) return {};
    if (r.status == 0) return transportMessage(r, m_url, m_config.timeoutS);
    if (classifyStatus(r.status) == Verdict::Ok) {
        if (answer) *answer = r.body;
        return {};
    }
    return "the server answered HTTP " + std::to_string(r.status) + " to " + m_url + " (sync.status_endpoint)";
}

} // namespace kiosk::core::sync
