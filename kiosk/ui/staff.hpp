/// @brief What the staff screens need from the back office (store, sync, export), as plain
/// functions wired in main.cpp: screens stay free of SQLite and threads.
#pragma once
#include "core/leads/lead_store.hpp"
#include "core/leads/store_keeper.hpp"
#include "core/problem.hpp"
#include "core/sync/sync_worker.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kiosk::ui {

struct ExportRequest {
    std::string destination;
    std::string format = "csv"; ///< csv, jsonl or xlsx
    char delimiter = ';';
    bool english = false;
};

struct ExportJob {
    bool running = false, done = false, ok = false;
    double progress = 0;
    long long files = 0, leads = 0, bytes = 0;
    std::string folder; ///< where the files went
    std::string error;  ///< for staff, with the path
};

/// Everything the staff panel shows, refreshed every few seconds while it is open.
struct StaffSnapshot {
    core::LeadStats stats;
    core::AnswerCounts answers; ///< the form's own questions: leads per option
    core::StoreHealth store; ///< PRAGMA quick_check and files changed under the kiosk
    core::SyncStatus sync;
    std::vector<std::string> destinations; ///< mounted USB sticks, then the export folder
    std::vector<core::FigureRow> figures;  ///< what exhibitors learn, per subject ("" the stand first)
    ExportJob job;
};

/// Content and config problems as the panel shows them: formatted once, when the back
/// office is wired (not every frame), at most a few lines, and how many are not shown.
struct ShownProblems {
    struct Line {
        std::string text;
        bool error = true;
    };
    std::vector<Line> lines;
    long long more = 0;
};

/// The first `max` problems, each cut to `maxBytes` (a key can be as long as its file).
ShownProblems showProblems(const std::vector<core::Problem>& problems, size_t max = 8, size_t maxBytes = 300);

struct StaffBackend {
    std::function<bool(const std::string&)> checkPin;  ///< counts the try, then checks
    std::function<std::int64_t()> pinLockedForMs;
    bool demoPin = true;                                ///< no PIN set yet: the demo PIN works
    /// Non-empty: no PIN opens staff mode, because the config cannot be used
    /// (core::staffLock), as `file:line: what — fix` for staff.
    std::string pinRefused;
    bool syncConfigBroken = false; ///< sync is off because of a problem in the config, not by choice
    std::function<StaffSnapshot()> snapshot;
    std::function<void()> syncNow;
    std::function<void(const ExportRequest&)> startExport;
    /// Anonymous counts from the visitor screens (figures.hpp): stored off the frame loop.
    std::function<void(const std::vector<core::FigureCount>&)> count;
    ShownProblems contentProblems; ///< see showProblems()
    std::string kioskId, version;
};

} // namespace kiosk::ui
