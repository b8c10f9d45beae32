/// @brief HubConfig: the [hub] table of hub.toml (docs/hub.md), loaded and checked once.
#pragma once
#include "core/problem.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::hub {

/// The [doi] table: double opt-in mails (docs/hub.md "Double opt-in").
struct DoiConfig {
    bool enabled = false;
    std::string smtpUrl;            ///< smtp://host:port or smtps://host:port
    std::string smtpUser, smtpPassword;
    std::string from;               ///< "Name <address>" or an address
    std::string baseUrl;            ///< the links start with it: https://hub.example.org (no trailing /)
    bool exhibitorsSeeAll = false;  ///< exhibitors_see = "all"; default "confirmed"
    double retryInitialS = 60;      ///< first retry after a failed send, doubling …
    double retryMaxS = 3600;        ///< … up to this
    /// STARTTLS is demanded unless the SMTP server is on this machine.
    bool smtpLoopback() const;
};

struct HubConfig {
    std::string host = "127.0.0.1";
    int port = 8470;                 ///< 0: any free port (tests)
    std::string database = "sqlite:/var/lib/stand-kiosk-hub/hub.db"; ///< as written: sqlite:PATH or postgresql://…
    std::filesystem::path sqlitePath; ///< the sqlite: path, relative ones resolved against the file's folder
    int maxBodyKib = 2048;           ///< a larger upload is answered 413
    std::string tlsCert, tlsKey;     ///< both set: HTTPS; neither: plain HTTP
    int threads = 8;                 ///< request workers
    double readTimeoutS = 10;        ///< one read on a connection may wait this long
    double silentAfterS = 300;       ///< `kiosks` flags a kiosk SILENT when not heard from for longer
    double requestTimeoutS = 30;     ///< a whole request, first byte to answer sent, may take this long
    double sessionHours = 12;        ///< [web]: an organiser's login lasts at most this long
    double idleMinutes = 60;         ///< [web]: and ends when unused for this long
    bool secureCookie = false;       ///< [web]: mark cookies Secure without tls_cert (TLS at a proxy)

    DoiConfig doi;

    bool tls() const { return !tlsCert.empty(); }
    /// The address the hub's own links start with: base_url, else http(s)://host:port from listen.
    std::string publicBase() const;
};

/// The host of a URL (scheme://[user@]host[:port]/…), without brackets; empty when there is none.
std::string urlHost(const std::string& url);
/// The address in "Name <address>" or a bare address; empty when it is not one.
std::string mailAddress(const std::string& from);
/// localhost, 127.x.x.x, ::1.
bool isLoopbackHost(const std::string& host);

struct HubConfigLoad {
    HubConfig config;
    std::vector<core::Problem> problems;
    /// false when any problem is an error: the hub must not start (nor touch the database).
    bool usable() const { return !core::hasErrors(problems); }
};

/// Reads `path` (it must exist: a hub without its config would run on guesses).
HubConfigLoad loadHubConfig(const std::filesystem::path& path);

/// The listen address parsed: "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:8470". false when it is not one.
bool parseListen(const std::string& text, std::string& host, int& port);

} // namespace kiosk::hub
