// kiosk sync --once, kiosk status.
#include "commands.hpp"

#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/paths.hpp"
#include "core/sync/sync_worker.hpp"

#include <cstdio>
#include <iostream>

namespace kiosk::cli {

int syncOnce(const Paths& p) {
    auto config = core::loadConfig(p.config);
    for (const auto& q : config.problems) std::cerr << q.format() << '\n';
    if (config.config.sync.endpoint.empty()) {
        std::cerr << "kiosk: no [sync] endpoint in the config — set sync.endpoint = \"https://…\"\n";
        return 2;
    }
    auto content = core::loadContent(p.content, {core::shippedAssetsDir(), false});
    const auto s = core::syncOnce(p.dataDir / "leads.db", config.config.sync, config.config.kioskId,
                                  content.content.event.id, 600.0);
    std::printf("pending %lld, synced %lld, failed %lld%s%s\n", s.pending, s.synced, s.failed,
                s.lastError.empty() ? "" : "; last error: ", s.lastError.c_str());
    return s.pending == 0 ? 0 : 1;
}

int status(const Paths& p) {
    auto config = core::loadConfig(p.config);
    const auto s = core::readSyncStatus(p.dataDir / "leads.db", config.config.sync);
    std::printf("pending %lld, synced %lld, failed %lld\n", s.pending, s.synced, s.failed);
    std::printf("sync: %s\n", s.enabled ? config.config.sync.endpoint.c_str() : "off (no sync.endpoint)");
    std::printf("last success: %s\n", s.lastSuccessMs ? std::to_string(s.lastSuccessMs).c_str() : "never");
    std::printf("last error: %s\n", s.lastError.empty() ? "none" : s.lastError.c_str());
    return 0;
}

} // namespace kiosk::cli
