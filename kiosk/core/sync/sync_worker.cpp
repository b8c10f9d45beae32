// Placeholder until the sync engine lands: reports sync as off.
#include "sync_worker.hpp"

namespace kiosk::core {

struct SyncWorker::Impl {
    SyncConfig config;
};

SyncWorker::SyncWorker(std::filesystem::path, SyncConfig config, std::string, std::string)
    : m(std::make_unique<Impl>()) {
    m->config = std::move(config);
}
SyncWorker::~SyncWorker() = default;
void SyncWorker::start() {}
void SyncWorker::stop() {}
void SyncWorker::wake() {}
SyncStatus SyncWorker::status() const { return {}; }

SyncStatus syncOnce(const std::filesystem::path&, const SyncConfig&, const std::string&, const std::string&, double) {
    return {};
}
SyncStatus readSyncStatus(const std::filesystem::path&, const SyncConfig&) { return {}; }

} // namespace kiosk::core
