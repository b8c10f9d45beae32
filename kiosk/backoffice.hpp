/// @brief Wires the staff screens to the store, the sync worker, the PIN guard and exports.
#pragma once
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/export/export.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/store_keeper.hpp"
#include "core/staff/pin.hpp"
#include "core/sync/sync_worker.hpp"
#include "ui/staff.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace kiosk {

/// The export the panel asked for, as the core's options.
core::ExportOptions exportOptions(const ui::ExportRequest& r, const core::FormDef& form);
/// What the panel shows of a finished export to `destination`.
ui::ExportJob finishedJob(const core::ExportResult& res, const std::string& destination);

/// The clocks of the back office; tests pass their own, the kiosk the system's.
struct BackofficeClocks {
    const core::PinClock* pin = nullptr;       ///< nullptr: core::systemPinClock()
    std::function<std::int64_t()> wallMs = {}; ///< empty: the system clock
};

class Backoffice {
public:
    /// Records DATA_DIR/pin_set when the config holds a usable PIN, and locks staff mode
    /// when it cannot be used (core::staffLock).
    Backoffice(core::LeadStore& store, core::SyncWorker& sync, const core::ConfigLoad& config,
               const core::Content& content, std::vector<core::Problem> contentProblems, std::string version,
               BackofficeClocks clocks = {});
    ~Backoffice(); ///< waits for an export under way: its files must be complete

    ui::StaffBackend backend();
    /// Why no PIN opens staff mode, or nullopt.
    const std::optional<core::Problem>& staffLock() const { return m_staffLock; }

private:
    ui::StaffSnapshot snapshot();
    void startExport(const ui::ExportRequest& r);

    core::LeadStore& m_store;
    core::SyncWorker& m_sync;
    const core::KioskConfig& m_config;
    std::optional<core::Problem> m_staffLock;
    bool m_syncConfigBroken = false;
    const core::Content& m_content;
    std::vector<core::Problem> m_problems;
    std::string m_version;
    std::function<std::int64_t()> m_wallMs;
    core::PinGuard m_pin;
    std::mutex m_jobMutex;
    ui::ExportJob m_job;
    std::atomic<double> m_progress{0};
    std::thread m_exporter;
    core::StoreKeeper m_keeper; ///< checks and checkpoints leads.db on its own thread
};

} // namespace kiosk
