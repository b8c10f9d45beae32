/// @brief StoreKeeper: looks after leads.db off the frame loop, on a thread and connection
/// of its own: checks it (PRAGMA quick_check) at start, every few minutes and when staff
/// open the panel, and checkpoints the WAL a few seconds after the last write, so that a
/// copy of leads.db alone holds every acknowledged lead. It also writes the anonymous counts
/// (figures.hpp) the UI hands it, so that counting never waits for the disk on the frame loop.
#pragma once
#include "figures.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::core {

/// What staff are told about the lead database.
struct StoreHealth {
    bool checked = false; ///< a check has finished since start
    bool ok = true;       ///< quick_check found nothing and the file opens
    bool canStore = true; ///< when not ok: a small test write still worked
    std::string problem;  ///< what is wrong, with the path; empty when ok
    std::string files;    ///< leads.db or its WAL removed or replaced under the kiosk (what was done), or empty
    std::int64_t checkedMs = 0;
    double seconds = 0; ///< how long the last check took
};

class StoreKeeper {
public:
    struct Options {
        double idleS = 3;                            ///< checkpoint once the WAL has not changed for this long
        double checkEveryS = 600;                    ///< quick_check this often
        double recheckAfterS = 60;                   ///< requestCheck() is ignored for a check younger than this
        double tickS = 1;                            ///< how often the WAL file is looked at (one stat)
        std::function<void(const std::string&)> log; ///< damage and file changes, once each
    };

    StoreKeeper(std::filesystem::path dbPath, Options o);
    ~StoreKeeper(); ///< stops the thread
    StoreKeeper(const StoreKeeper&) = delete;
    StoreKeeper& operator=(const StoreKeeper&) = delete;

    void start();
    /// Stops the thread and stores the counts still waiting.
    void stop();
    /// Adds counts: kept in memory (summed) and stored within a tick, in one transaction.
    /// Counts that cannot be stored wait for the next tick (at most kMaxWaitingFigures rows).
    void count(const std::vector<FigureCount>& counts);
    static constexpr size_t kMaxWaitingFigures = 10000;
    /// The staff panel opened: check again soon unless the last check is recent.
    void requestCheck();
    StoreHealth health() const;
    /// Checkpoints that emptied the WAL since start (tests wait for one).
    long long checkpoints() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace kiosk::core
