#include "backoffice.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace kiosk {

namespace {
std::int64_t systemWallMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Local midnight and the local UTC offset, for "today" on the panel.
std::pair<std::int64_t, std::int64_t> localDay(std::int64_t nowMs) {
    const std::time_t t = static_cast<std::time_t>(nowMs / 1000);
    std::tm local{};
    localtime_r(&t, &local);
    const std::int64_t offsetMs = static_cast<std::int64_t>(local.tm_gmtoff) * 1000;
    const std::int64_t dayStart = ((nowMs + offsetMs) / 86'400'000) * 86'400'000 - offsetMs;
    return {dayStart, offsetMs};
}
} // namespace

core::ExportOptions exportOptions(const ui::ExportRequest& r, const core::FormDef& form) {
    core::ExportOptions o;
    o.format = core::exportFormatNamed(r.format);
    o.form = form;
    o.delimiter = r.delimiter;
    o.headerLang = r.english ? core::Lang::En : core::Lang::De;
    return o;
}

ui::ExportJob finishedJob(const core::ExportResult& res, const std::string& destination) {
    ui::ExportJob job;
    job.done = true;
    job.ok = res.ok;
    job.error = res.error;
    job.files = static_cast<long long>(res.files.size());
    for (const auto& f : res.files)
        if (f.path.filename().string().rfind("all-leads", 0) == 0) job.leads = f.leads;
    job.bytes = res.bytes();
    job.folder = res.files.empty() ? destination : res.files.front().path.parent_path().string();
    return job;
}

Backoffice::Backoffice(core::LeadStore& store, core::SyncWorker& sync, const core::ConfigLoad& config,
                       const core::Content& content, std::vector<core::Problem> contentProblems, std::string version,
                       BackofficeClocks clocks)
    : m_store(store), m_sync(sync), m_config(config.config), m_content(content), m_problems(std::move(contentProblems)),
      m_version(std::move(version)), m_wallMs(clocks.wallMs ? std::move(clocks.wallMs) : systemWallMs),
      m_pin(store.path().parent_path() / "pin_attempts", clocks.pin ? *clocks.pin : core::systemPinClock()),
      m_keeper(store.path(), {.log = [](const std::string& m) { std::cerr << "kiosk: " << m << '\n'; }}) {
    m_keeper.start(); // its first quick_check runs now, beside the first frames
    const auto dataDir = store.path().parent_path();
    // Remembered beside the leads: should the config later not be readable, its defaults
    // must not bring back the demo PIN.
    if (config.parsed && !m_config.staff.pinHash.empty() && !m_config.staff.pinBroken) core::recordPinSet(dataDir);
    m_staffLock = core::staffLock(config, core::pinWasSet(dataDir));
    m_syncConfigBroken = core::syncConfigBroken(config);
}

Backoffice::~Backoffice() {
    if (m_exporter.joinable()) m_exporter.join();
}

ui::StaffBackend Backoffice::backend() {
    ui::StaffBackend b;
    // Refused here, not only on the pad: with a broken config no PIN may open staff mode.
    b.checkPin = [this](const std::string& pin) { return !m_staffLock && m_pin.attempt(m_config.staff.pinHash, pin); };
    b.pinLockedForMs = [this] { return m_pin.lockedForMs(); };
    b.demoPin = m_config.staff.pinHash.empty() && !m_staffLock;
    if (m_staffLock) b.pinRefused = m_staffLock->format();
    b.syncConfigBroken = m_syncConfigBroken;
    b.snapshot = [this] { return snapshot(); };
    b.syncNow = [this] { m_sync.wake(); };
    b.startExport = [this](const ui::ExportRequest& r) { startExport(r); };
    b.count = [this](const std::vector<core::FigureCount>& c) { m_keeper.count(c); };
    b.contentProblems = ui::showProblems(m_problems);
    b.kioskId = m_config.kioskId;
    b.version = m_version;
    return b;
}

ui::StaffSnapshot Backoffice::snapshot() {
    ui::StaffSnapshot s;
    const auto [dayStart, offset] = localDay(m_wallMs());
    auto stats = m_store.stats(dayStart, offset);
    s.stats = std::move(stats.value);
    if (auto answers = m_store.answerCounts(m_content.form)) s.answers = std::move(answers.value);
    m_keeper.requestCheck(); // the panel is open: a check unless one ran in the last minute
    s.store = m_keeper.health();
    if (!stats && s.store.ok) {
        s.store.ok = false;
        s.store.problem = stats.error;
    }
    if (auto figures = m_store.figures(m_content.event.id)) s.figures = std::move(figures.value);
    s.sync = m_sync.status();
    for (const auto& d : core::exportDestinations(m_config.staff.exportDir)) s.destinations.push_back(d.string());
    std::lock_guard lock(m_jobMutex);
    s.job = m_job;
    s.job.progress = m_progress.load();
    return s;
}

void Backoffice::startExport(const ui::ExportRequest& r) {
    {
        std::lock_guard lock(m_jobMutex);
        if (m_job.running) return;
        m_job = ui::ExportJob{};
        m_job.running = true;
    }
    if (m_exporter.joinable()) m_exporter.join();
    m_progress = 0;
    std::vector<std::string> exhibitors;
    for (const auto& c : m_content.companies)
        if (c.exhibitor) exhibitors.push_back(c.id);
    // On its own thread: a slow USB stick must not freeze the panel.
    m_exporter = std::thread([this, r, exhibitors, db = m_store.path(), event = m_content.event.id] {
        const core::ExportOptions o = exportOptions(r, m_content.form);
        // The choice was made on an earlier frame: the stick may have been pulled since.
        const auto now = core::exportDestinations(m_config.staff.exportDir);
        core::ExportResult res;
        if (std::find(now.begin(), now.end(), std::filesystem::path(r.destination)) == now.end())
            res = {false, "the USB stick " + r.destination + " is not mounted any more: plug it in again and choose it", {}};
        else
            res = core::exportForStand(db, exhibitors, event, o, r.destination, m_wallMs(), [this](double p) { m_progress = p; });
        // The journal keeps what the panel shows only until the next export.
        if (!res.ok) std::fprintf(stderr, "kiosk: export to %s failed: %s\n", r.destination.c_str(), res.error.c_str());
        std::lock_guard lock(m_jobMutex);
        m_job = finishedJob(res, r.destination);
    });
}

} // namespace kiosk
