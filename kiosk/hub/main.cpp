// kiosk-hub: the organiser's end of the kiosks' sync (docs/hub.md). Commands: serve,
// add-kiosk, revoke-kiosk, kiosks, leads, migrate, add-exhibitor, exhibitors, revoke-exhibitor,
// set-password, doi, erase; each reads --config hub.toml first and stops when it has an error
// (fail closed: no server, no database, on a config it cannot trust).
#include "credentials.hpp"
#include "core/clock.hpp"
#include "doi.hpp"
#include "erasure.hpp"
#include "exhibitor_commands.hpp"
#include "lead_output.hpp"
#include "hub_config.hpp"
#include "kiosk_list.hpp"
#include "migrate.hpp"
#include "server.hpp"
#include "storage.hpp"
#include "web/auth.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace {

using namespace kiosk::hub;

constexpr const char* kDefaultConfig = "/etc/stand-kiosk-hub/hub.toml";

using kiosk::core::nowMs;

/// The config and its database, or a message and nullptr (exit 2).
std::unique_ptr<Storage> open(const std::string& configPath, HubConfig& config) {
    HubConfigLoad load = loadHubConfig(configPath);
    for (const auto& p : load.problems) std::cerr << (p.error ? "" : "warning: ") << p.format() << '\n';
    if (!load.usable()) {
        std::cerr << "kiosk-hub: " << configPath << " has errors: nothing was started\n";
        return nullptr;
    }
    config = load.config;
    StorageResult r;
    auto storage = openStorage(config.database, config.sqlitePath, r);
    if (!storage) std::cerr << "kiosk-hub: " << r.error << '\n';
    return storage;
}

std::string defaultEndpoint(const HubConfig& c) {
    std::string host = c.host;
    if (host == "0.0.0.0" || host == "::") host = "HUB-ADDRESS";
    else if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(c.tls() ? "https" : "http") + "://" + host + ":" + std::to_string(c.port) + "/kiosk/v1/leads";
}

/// One line from stdin, its line end cut; on a terminal asked for and not echoed.
bool readPassword(const std::string& user, std::string& out) {
    termios saved{};
    const bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        std::cerr << "Password for " << user << " (at least " << kiosk::hub::web::kMinPasswordChars
                  << " characters, not shown): " << std::flush;
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    const bool got = static_cast<bool>(std::getline(std::cin, out));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << '\n';
    }
    while (!out.empty() && (out.back() == '\r' || out.back() == '\n')) out.pop_back();
    return got || !out.empty();
}

int setPasswordCommand(Storage& storage, const std::string& user) {
    namespace web = kiosk::hub::web;
    if (!validKioskId(user)) {
        std::cerr << "kiosk-hub: '" << user << "' cannot be a user name — use 1 to 64 letters, digits, '.', '_', '-'\n";
        return 2;
    }
    std::string password;
    if (!readPassword(user, password)) {
        std::cerr << "kiosk-hub: no password on stdin — type it, or pipe it in: printf '%s\\n' \"$PW\" | kiosk-hub set-password\n";
        return 2;
    }
    const size_t chars = kiosk::core::charCount(password);
    if (chars < web::kMinPasswordChars) {
        kiosk::core::wipe(password);
        std::cerr << "kiosk-hub: that password has " << chars << " characters; it needs at least "
                  << web::kMinPasswordChars << " — nothing was changed\n";
        return 2;
    }
    const auto r = web::setPassword(storage, user, password, nowMs());
    kiosk::core::wipe(password);
    if (!r) {
        std::cerr << "kiosk-hub: " << r.error << '\n';
        return 1;
    }
    std::cout << "Password for " << user << " set; their open sessions are ended. Log in at /login.\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"kiosk-hub: receives the stand kiosks' leads (docs/hub.md)"};
    app.require_subcommand(1);
    std::string configPath = kDefaultConfig;
    const auto withConfig = [&](CLI::App* sub) {
        sub->add_option("--config", configPath, "hub.toml")->capture_default_str();
        return sub;
    };
    auto* serveCmd = withConfig(app.add_subcommand("serve", "Serve POST /kiosk/v1/leads until SIGTERM"));
    std::string kioskId, endpoint, format = "jsonl", exhibitor;
    char delimiter = ';';
    auto* addCmd = withConfig(app.add_subcommand("add-kiosk", "Create a kiosk's credentials and print its [sync] block"));
    addCmd->add_option("id", kioskId, "the kiosk's [kiosk] id")->required();
    addCmd->add_option("--endpoint", endpoint, "the address the kiosk reaches the hub at (default: from listen)");
    auto* revokeCmd = withConfig(app.add_subcommand("revoke-kiosk", "Refuse a kiosk's credentials from now on"));
    revokeCmd->add_option("id", kioskId, "the kiosk's id")->required();
    auto* kiosksCmd = withConfig(app.add_subcommand("kiosks", "List the kiosks"));
    auto* leadsCmd = withConfig(app.add_subcommand("leads", "Print every stored lead"));
    leadsCmd->add_option("--format", format, "jsonl: each payload exactly as received, one per line; csv: for a spreadsheet")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->capture_default_str();
    leadsCmd->add_option("--exhibitor", exhibitor, "only the leads that chose this company id");
    leadsCmd->add_option("--delimiter", delimiter, "CSV delimiter (; for German Excel)")
        ->check(CLI::IsMember({';', ',', '\t'}))
        ->capture_default_str();
    std::string from;
    auto* migrateCmd =
        withConfig(app.add_subcommand("migrate", "Copy another hub's database into the one of --config"));
    migrateCmd
        ->add_option("--from", from, "the database to copy: sqlite:PATH (e.g. sqlite:/var/lib/stand-kiosk-hub/hub.db)")
        ->required();
    ExhibitorCommands exhibitorCmds(app, withConfig);
    std::string user = kiosk::hub::web::kDefaultUser;
    auto* passwordCmd = withConfig(app.add_subcommand(
        "set-password", "Set an organiser's password for the hub's pages (read from stdin)"));
    passwordCmd->add_option("--user", user, "the login name")->capture_default_str();
    auto* doiCmd = withConfig(app.add_subcommand("doi", "List the double opt-in state of every lead that has one"));
    std::string eraseEmail, eraseBy;
    auto* eraseCmd = withConfig(
        app.add_subcommand("erase", "Erase a visitor's leads here and on every kiosk (a withdrawal), and log it"));
    eraseCmd->add_option("--email", eraseEmail, "the visitor's email address")->required();
    eraseCmd->add_option("--by", eraseBy, "who asked for it, for the erasure log (default: $USER)");
    CLI11_PARSE(app, argc, argv);

    HubConfig config;
    auto storage = open(configPath, config);
    if (!storage) return 2;

    if (*serveCmd) return serve(config, *storage, std::cerr);
    if (const auto rc = exhibitorCmds.run(config, *storage, nowMs())) return *rc;
    if (*passwordCmd) return setPasswordCommand(*storage, user);
    if (*migrateCmd) return migrateCommand(from, config, *storage, std::cout, std::cerr);
    if (*addCmd) {
        if (!validKioskId(kioskId)) {
            std::cerr << "kiosk-hub: '" << kioskId << "' cannot be a kiosk id — use 1 to 64 letters, digits, '.', '_', '-'\n";
            return 2;
        }
        const KioskCredentials c = newCredentials();
        if (c.token.empty()) {
            std::cerr << "kiosk-hub: libsodium could not start: no credentials made\n";
            return 1;
        }
        if (auto r = storage->addKiosk(kioskId, tokenHash(c.token), c.secret, nowMs()); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::cerr << "Kiosk " << kioskId << " added. Paste this into its kiosk.toml (the token is shown only now):\n\n";
        std::cout << kioskConfigBlock(kioskId, endpoint.empty() ? defaultEndpoint(config) : endpoint, c);
        return 0;
    }
    if (*revokeCmd) {
        if (auto r = storage->revokeKiosk(kioskId); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::cout << "Kiosk " << kioskId << " revoked: its requests are refused from now on.\n";
        return 0;
    }
    if (*kiosksCmd) {
        std::vector<KioskRecord> list;
        if (auto r = storage->kiosks(list); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::vector<ConsentTextRow> consent;
        if (auto r = storage->consentTexts(consent); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::fputs(kioskTable(list, nowMs(), config.silentAfterS).c_str(), stdout);
        std::fputs(consentWarnings(consent).c_str(), stderr);
        return 0;
    }
    if (*doiCmd) {
        std::vector<DoiRow> rows;
        if (auto r = doiRows(*storage, rows); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::fputs(doiTable(rows).c_str(), stdout);
        if (!config.doi.enabled) std::cerr << "note: [doi] enabled is not true in " << configPath << ": no mails are sent\n";
        return 0;
    }
    if (*eraseCmd) {
        if (eraseBy.empty()) eraseBy = std::getenv("USER") ? std::getenv("USER") : "kiosk-hub erase";
        long long erased = 0;
        if (auto r = eraseByEmail(*storage, eraseEmail, eraseBy, nowMs(), erased); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        // The address is not repeated: terminal logs are kept longer than the erasure.
        std::cout << erased << " lead(s) erased on the hub; every kiosk erases its copies at its next heartbeat. "
                  << "The erasure log keeps the address's hash only.\n";
        return 0;
    }
    if (*leadsCmd) {
        const bool csv = format == "csv";
        if (csv) std::fputs(csvHeader(delimiter).c_str(), stdout);
        const auto r = storage->forEachLead([&](const StoredLead& l) {
            if (!leadForExhibitor(l.payload, exhibitor)) return;
            if (csv) {
                std::fputs(csvRow(l, delimiter).c_str(), stdout);
                return;
            }
            std::fwrite(l.payload.data(), 1, l.payload.size(), stdout);
            std::fputc('\n', stdout);
        });
        if (!r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    return 2;
}
