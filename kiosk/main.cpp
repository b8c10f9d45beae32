// The kiosk executable: parses the command line and wires core, UI and platform.
// Commands: (none) runs the kiosk; check-content validates a content folder.
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/leads/lead_store.hpp"
#include "core/sync/status.hpp"
#include "core/sync/sync_worker.hpp"
#include "core/paths.hpp"
#include "backoffice.hpp"
#include "commands.hpp"
#include "run.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <regex>

namespace {

using namespace kiosk;

struct CommonOptions {
    std::string content;
    std::string dataDir;
    std::string config;
};

void printProblems(const std::vector<core::Problem>& problems) {
    for (const auto& p : problems) std::cerr << (p.error ? "" : "warning: ") << p.format() << '\n';
}

std::filesystem::path dataDir(const CommonOptions& c) {
    return c.dataDir.empty() ? core::defaultDataDir() : std::filesystem::path(c.dataDir);
}

cli::Paths paths(const CommonOptions& c) {
    return {c.content.empty() ? core::defaultContentDir() : std::filesystem::path(c.content), dataDir(c),
            c.config.empty() ? core::defaultConfigFile() : std::filesystem::path(c.config)};
}

int runKiosk(const CommonOptions& common, const std::string& windowed, const std::string& script, bool virtualClock) {
    // A broken config must not keep the stand dark: report it and run on defaults for the bad keys
    // (but not with the demo PIN or without sync's safeguards: the Backoffice and loadConfig fail closed).
    const cli::Paths where = paths(common);
    auto loadedConfig = core::loadConfig(where.config);
    printProblems(loadedConfig.problems);
    const core::KioskConfig& config = loadedConfig.config;
    auto loaded = core::loadContent(where.content, {core::shippedAssetsDir(), false});
    printProblems(loaded.problems);

    platform::RunOptions o = platform::RunOptions::fromEnvironment();
    o.script = script;
    o.virtualClock = virtualClock;
    if (!windowed.empty()) {
        std::smatch m;
        static const std::regex re("^([0-9]{2,5})x([0-9]{2,5})$");
        if (!std::regex_match(windowed, m, re)) {
            std::cerr << "kiosk: --windowed " << windowed << ": expected WIDTHxHEIGHT, e.g. 1920x1080\n";
            return 2;
        }
        o.windowed = std::make_pair(std::stoi(m[1]), std::stoi(m[2]));
    }
    // The lead store opens lazily on the first lead, and again after a failure:
    // a full disk at start-up must not keep visitors from browsing.
    core::LeadStore store(where.dataDir / "leads.db");
    store.useForm(loaded.content.form);
    if (auto r = store.open(); !r) std::cerr << "kiosk: " << r.error << " (will retry on the next lead)\n";
    // The uploader has its own connection and thread; a new lead wakes it.
    core::SyncWorker sync(store.path(), config.sync, config.kioskId, loaded.content.event.id);
    sync.enableHeartbeat([&] { return core::sync::statusBase(config, loaded.content, where.content, KIOSK_VERSION); });
    if (!config.sync.endpoint.empty()) sync.start();
    o.onRenderer = [&](const std::string& renderer) { sync.setRenderer(renderer); };
    auto problems = loaded.problems;
    problems.insert(problems.end(), loadedConfig.problems.begin(), loadedConfig.problems.end());
    Backoffice office(store, sync, loadedConfig, loaded.content, std::move(problems), KIOSK_VERSION);
    if (const auto& lock = office.staffLock())
        std::cerr << "kiosk: staff mode is locked, no PIN is accepted, until the config can be used again: " << lock->format()
                  << '\n';
    const auto leadSink = [&](const core::Lead& l) {
        auto r = store.insert(l);
        if (r) sync.wake();
        return r;
    };
    return platform::run(o, loaded.content, config, leadSink, office.backend());
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Stand kiosk: a touch-screen kiosk for trade-fair stands"};
    app.set_version_flag("--version", std::string(KIOSK_VERSION));
    CommonOptions common;
    std::string windowed, script;
    bool virtualClock = false;
    // Shared options work before or after a command's name (docs/automation.md).
    auto addCommon = [&](CLI::App* a) {
        a->add_option("--content", common.content, "content folder (default: /etc/stand-kiosk/content if present, else the shipped demo content)");
        a->add_option("--data-dir", common.dataDir, "where the kiosk keeps its state (leads.db; default: $XDG_DATA_HOME/stand-kiosk)");
        a->add_option("--config", common.config, "the kiosk's TOML configuration (default: /etc/stand-kiosk/kiosk.toml if present)");
    };
    addCommon(&app);
    app.add_option("--windowed", windowed, "a normal window of WxH pixels instead of full screen");
    app.add_option("--script", script, "play a script of touch actions (FILE, or - for stdin), then exit");
    app.add_flag("--virtual-clock", virtualClock, "time advances only by frames and script waits");

    auto* check = app.add_subcommand("check-content", "validate a content folder and list every problem");
    std::string checkDir;
    check->add_option("dir", checkDir, "content folder (default: --content, or the shipped content)");
    addCommon(check);

    auto* leads = app.add_subcommand("leads", "the lead database: generate, list, erase, purge");
    leads->require_subcommand(1);
    addCommon(leads);
    auto* generate = leads->add_subcommand("generate", "add synthetic leads (source 'synthetic') for demos and tests");
    long long count = 100;
    unsigned long long seed = 1;
    generate->add_option("--count", count, "how many")->check(CLI::Range(1LL, 10'000'000LL));
    generate->add_option("--seed", seed, "random seed (the same seed gives the same people)");
    addCommon(generate);
    auto* list = leads->add_subcommand("list", "one line per lead: time, id, sync state, name, email, exhibitors");
    addCommon(list);

    auto* erase = leads->add_subcommand("erase", "remove a visitor's leads (a withdrawal) and log the erasure");
    std::string eraseEmail;
    erase->add_option("--email", eraseEmail, "the visitor's email address")->required();
    addCommon(erase);
    auto* purge = leads->add_subcommand("purge", "retention: remove synced leads older than some days");
    double olderThan = 0;
    bool syncedOnly = false;
    purge->add_flag("--synced", syncedOnly, "only synced leads (required: unsynced leads are never purged)")->required();
    purge->add_option("--older-than", olderThan, "days")->required()->check(CLI::NonNegativeNumber);
    addCommon(purge);

    auto* exp = app.add_subcommand("export", "write leads to a CSV, XLSX or JSON Lines file");
    std::string format = "csv", out, company, delimiter = ";", exportLang = "de";
    exp->add_option("--format", format, "csv, jsonl or xlsx")->check(CLI::IsMember({"csv", "jsonl", "xlsx"}));
    exp->add_option("--out", out, "the file to write")->required();
    exp->add_option("--company", company, "only the leads that chose this exhibitor (its id)");
    exp->add_option("--delimiter", delimiter, "CSV delimiter: ';' (German Excel) or ','")->check(CLI::IsMember({";", ","}));
    exp->add_option("--lang", exportLang, "language of the CSV header: de or en")->check(CLI::IsMember({"de", "en"}));
    addCommon(exp);

    auto* setPin = app.add_subcommand("set-pin", "read a new staff PIN (4-8 digits) from stdin and store its hash in --config");
    addCommon(setPin);

    auto* sync = app.add_subcommand("sync", "send pending leads to the organiser's endpoint");
    bool once = false;
    sync->add_flag("--once", once, "send everything pending, print a summary, exit 0 only when nothing is left");
    addCommon(sync);
    auto* status = app.add_subcommand("status", "lead counts, sync state and the last sync error");
    addCommon(status);

    CLI11_PARSE(app, argc, argv);

    if (*check) {
        cli::Paths p = paths(common);
        if (!checkDir.empty()) p.content = checkDir;
        return cli::checkContent(p);
    }
    if (*generate) return cli::leadsGenerate(paths(common), count, seed);
    if (*list) return cli::leadsList(paths(common));
    if (*erase) return cli::leadsErase(paths(common), eraseEmail);
    if (*purge) return cli::leadsPurge(paths(common), olderThan);
    if (*exp) return cli::exportLeads(paths(common), format, out, company, delimiter, exportLang);
    if (*setPin) return cli::setPin(paths(common));
    if (*sync) return cli::syncOnce(paths(common));
    if (*status) return cli::status(paths(common));
    return runKiosk(common, windowed, script, virtualClock);
}
