#include "store_keeper.hpp"

#include "../background.hpp"
#include "lead_store.hpp"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <tuple>

namespace kiosk::core {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t wallMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

/// What the WAL file looks like from outside: a write changes size or mtime, a removal the inode.
struct WalLook {
    FileId id;
    long long size = 0;
    long long mtimeNs = 0;
    bool operator==(const WalLook&) const = default;
};

WalLook look(const std::filesystem::path& wal) {
    struct stat st {};
    if (::stat(wal.c_str(), &st) != 0) return {};
    return {{static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)},
            static_cast<long long>(st.st_size),
            static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}
} // namespace

struct StoreKeeper::Impl {
    Impl(std::filesystem::path db, Options opts) : dbPath(std::move(db)), o(std::move(opts)), store(dbPath) {}

    const std::filesystem::path dbPath;
    const Options o;
    LeadStore store; // used on the keeper's thread only

    Published<StoreHealth> health;
    mutable std::mutex mutex; // guards waiting and figureProblem
    using FigureKey = std::tuple<std::string, std::string, Figure, std::int64_t>;
    std::map<FigureKey, long long> waiting; // counts not yet stored
    std::string figureProblem;              // the last failure to store them, logged once
    std::atomic<long long> checkpoints{0};
    Background background; // last: stopped before the rest goes

    void run();
    void check();
    void storeFigures();
    void publish(const StoreHealth& h) {
        const StoreHealth before = health.exchange(h);
        const bool changed = h.problem != before.problem || h.files != before.files || h.canStore != before.canStore;
        if (!changed || !o.log) return;
        if (!h.files.empty()) o.log(h.files);
        if (!h.ok) o.log(h.problem + (h.canStore ? "; new leads are still stored" : "; new leads cannot be stored"));
    }
};

StoreKeeper::StoreKeeper(std::filesystem::path dbPath, Options o)
    : m(std::make_unique<Impl>(std::move(dbPath), std::move(o))) {}

StoreKeeper::~StoreKeeper() {
    stop();
}

void StoreKeeper::start() {
    m->background.start([this] { m->run(); });
}

void StoreKeeper::stop() {
    m->background.stop();
    m->storeFigures(); // the thread has ended: its store is free to use here
}

void StoreKeeper::count(const std::vector<FigureCount>& counts) {
    std::lock_guard lock(m->mutex);
    for (const auto& c : counts) {
        const Impl::FigureKey k{c.eventId, c.subject, c.figure, c.hour};
        // A store that fails for hours must not grow without end: new rows are dropped, sums go on.
        if (m->waiting.size() < kMaxWaitingFigures || m->waiting.count(k)) m->waiting[k] += c.value;
    }
}

void StoreKeeper::Impl::storeFigures() {
    std::map<FigureKey, long long> batch;
    {
        std::lock_guard lock(mutex);
        batch.swap(waiting);
    }
    if (batch.empty()) return;
    std::vector<FigureCount> rows;
    for (const auto& [k, v] : batch) rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), v});
    const StoreResult r = store.addFigures(rows);
    if (r.ok) {
        figureProblem.clear();
        return;
    }
    {
        std::lock_guard lock(mutex); // kept for the next try, with what was counted meanwhile
        for (const auto& [k, v] : batch)
            if (waiting.size() < kMaxWaitingFigures || waiting.count(k)) waiting[k] += v;
    }
    if (r.error != figureProblem && o.log) o.log("the visit counts could not be stored (they are kept and tried again): " + r.error);
    figureProblem = r.error;
}

void StoreKeeper::requestCheck() {
    m->background.wake();
}

StoreHealth StoreKeeper::health() const {
    return m->health.get();
}

long long StoreKeeper::checkpoints() const {
    return m->checkpoints.load();
}

void StoreKeeper::Impl::check() {
    StoreHealth h;
    const auto t0 = Clock::now();
    const StoreResult r = store.quickCheck();
    h.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    h.checked = true;
    h.checkedMs = wallMs();
    h.ok = r.ok;
    h.problem = r.error;
    // Keep taking leads as long as SQLite can store them; staff are told either way.
    if (!h.ok) h.canStore = store.probeWrite(h.checkedMs).ok;
    h.files = FileGuard::notice(dbPath);
    if (!FileGuard::refusal(dbPath).empty()) {
        // Not damage: leads.db was replaced under the kiosk (h.files says what was done).
        h.ok = true;
        h.problem.clear();
        h.canStore = false;
    }
    publish(h);
}

void StoreKeeper::Impl::run() {
    const std::filesystem::path wal = dbPath.string() + "-wal";
    Clock::time_point nextCheck = Clock::now(), lastCheck{}, changedAt = Clock::now(), retryAt{};
    WalLook seen = look(wal);
    FileId dbSeen = fileId(dbPath);
    std::string notice;
    for (;;) {
        const Background::Wait woke = background.waitFor(seconds(o.tickS));
        if (woke == Background::Wait::Stopping) break;
        storeFigures();
        const auto now = Clock::now();
        const bool checkNow = woke == Background::Wait::Woken &&
                              (lastCheck == Clock::time_point{} || now - lastCheck >= seconds(o.recheckAfterS));
        if (checkNow || now >= nextCheck) {
            check();
            lastCheck = Clock::now();
            nextCheck = lastCheck + seconds(o.checkEveryS);
        }
        const WalLook current = look(wal);
        const FileId dbNow = fileId(dbPath);
        // A removed or replaced file is dealt with within a tick, lead or not: any use of the
        // store runs its FileGuard, which rescues the leads the old files hold.
        if (!(current.id == seen.id) || !(dbNow == dbSeen)) store.checkpoint();
        dbSeen = dbNow;
        if (!(current == seen)) {
            seen = look(wal);
            changedAt = now;
        }
        if (seen.size > 0 && now - changedAt >= seconds(o.idleS) && now >= retryAt) {
            if (store.checkpoint().ok) {
                ++checkpoints;
                seen = look(wal);
            } else {
                retryAt = now + seconds(10); // a long export is reading: never hold up its writers for long
            }
        }
        if (const auto n = FileGuard::notice(dbPath); n != notice) {
            notice = n;
            check();
        }
    }
}

} // namespace kiosk::core
