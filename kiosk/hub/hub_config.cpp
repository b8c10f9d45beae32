#include "hub_config.hpp"

#include "core/toml_reader.hpp"

#include <fstream>

namespace kiosk::hub {

namespace fs = std::filesystem;

bool parseListen(const std::string& text, std::string& host, int& port) {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() - colon > 6) return false;
    std::string h = text.substr(0, colon);
    if (h.front() == '[') {
        if (h.back() != ']' || h.size() < 3) return false;
        h = h.substr(1, h.size() - 2);
    } else if (h.find(':') != std::string::npos) {
        return false; // an IPv6 address needs brackets: [::1]:8470
    }
    int p = 0;
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') return false;
        p = p * 10 + (c - '0');
    }
    if (p > 65535) return false;
    host = h;
    port = p;
    return true;
}

namespace {
bool isLoopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }
} // namespace

std::string HubConfig::publicBase() const {
    if (!doiBaseUrl.empty()) return doiBaseUrl;
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return std::string(tls() ? "https" : "http") + "://" + h + ":" + std::to_string(port);
}

HubConfigLoad loadHubConfig(const fs::path& path) {
    HubConfigLoad out;
    HubConfig& c = out.config;
    const std::string file = path.string();
    auto doc = core::parseTomlFile(file, file, out.problems);
    if (!doc) {
        for (auto& p : out.problems)
            if (p.what == "file not found") p.fix = "pass --config with the hub's hub.toml (see docs/hub.md)";
        return out;
    }
    core::TomlReader r(*doc, file, out.problems);
    const toml::table* t = r.table("hub", true);
    if (t) {
        core::TomlReader h(*t, file, out.problems, "hub");
        if (const std::string listen = h.str("listen", false, 100); !listen.empty() && !parseListen(listen, c.host, c.port))
            h.problem("listen", "'" + listen + "' is not an address and port",
                      "write listen = \"127.0.0.1:8470\" (IPv6: \"[::1]:8470\")");
        if (const std::string db = h.str("database", false, 1000); !db.empty()) c.database = db;
        if (c.database.rfind("sqlite:", 0) == 0 && c.database.size() > 7) {
            fs::path p = c.database.substr(7);
            c.sqlitePath = p.is_relative() ? path.parent_path() / p : p;
        } else if (c.database.rfind("postgresql://", 0) != 0 && c.database.rfind("postgres://", 0) != 0) {
            // Not echoed: a PostgreSQL address may carry a password.
            h.problem("database", "is not a database address",
                      "write database = \"sqlite:/var/lib/stand-kiosk-hub/hub.db\" or \"postgresql://…\"");
        }
        c.maxBodyKib = static_cast<int>(h.number("max_body_kib", c.maxBodyKib, 16, 65536));
        c.threads = static_cast<int>(h.number("threads", c.threads, 1, 256));
        c.readTimeoutS = h.number("read_timeout_s", c.readTimeoutS, 1, 300);
        c.silentAfterS = h.number("silent_after_s", c.silentAfterS, 1, 86400);
        c.requestTimeoutS = h.number("request_timeout_s", c.requestTimeoutS, 1, 3600);
        c.tlsCert = h.str("tls_cert", false, 1000);
        c.tlsKey = h.str("tls_key", false, 1000);
        if (c.tlsCert.empty() != c.tlsKey.empty())
            h.problem(c.tlsCert.empty() ? "tls_cert" : "tls_key", "is missing while its partner is set",
                      "set both tls_cert and tls_key (HTTPS) or neither (plain HTTP behind a proxy)");
        for (const char* key : {"tls_cert", "tls_key"}) {
            const std::string& f = std::string(key) == "tls_cert" ? c.tlsCert : c.tlsKey;
            if (!f.empty() && !readable(f)) h.problem(key, "cannot read " + f, "check the path and its permissions");
        }
        if (!c.tls() && !isLoopback(c.host))
            h.problem("listen", "plain HTTP on " + c.host + ", which is not a loopback address",
                      "set tls_cert and tls_key, or listen on 127.0.0.1 behind a reverse proxy with TLS", false);
        h.finish();
    }
    if (const toml::table* d = r.table("doi", false)) {
        core::TomlReader h(*d, file, out.problems, "doi");
        c.doiEnabled = h.boolean("enabled", c.doiEnabled);
        c.doiBaseUrl = h.str("base_url", false, 1000);
        while (!c.doiBaseUrl.empty() && c.doiBaseUrl.back() == '/') c.doiBaseUrl.pop_back();
        if (!c.doiBaseUrl.empty() && c.doiBaseUrl.rfind("https://", 0) != 0 && c.doiBaseUrl.rfind("http://", 0) != 0)
            h.problem("base_url", "'" + c.doiBaseUrl + "' is not an http(s) address",
                      "write base_url = \"https://leads.example.org\" (the hub's public address)");
        if (const std::string see = h.str("exhibitors_see", false, 20); !see.empty()) {
            c.exhibitorsSeeAll = see == "all";
            if (see != "all" && see != "confirmed")
                h.problem("exhibitors_see", "'" + see + "' is neither \"confirmed\" nor \"all\"",
                          "write exhibitors_see = \"confirmed\" (only confirmed leads) or \"all\"");
        }
        h.finish();
    }
    if (const toml::table* w = r.table("web", false)) {
        core::TomlReader web(*w, file, out.problems, "web");
        c.sessionHours = web.number("session_hours", c.sessionHours, 0.1, 24 * 30);
        c.idleMinutes = web.number("idle_minutes", c.idleMinutes, 1, 24 * 60 * 30);
        c.secureCookie = web.boolean("secure_cookie", c.secureCookie);
        web.finish();
    }
    r.finish();
    for (auto& p : out.problems)
        if (p.what == "unknown key") p.fix = "check the spelling against docs/hub.md, or remove it";
    return out;
}

} // namespace kiosk::hub
