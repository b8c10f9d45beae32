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

bool isLoopbackHost(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string urlHost(const std::string& url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    std::string rest = url.substr(scheme + 3, url.find_first_of("/?#", scheme + 3) - scheme - 3);
    if (const size_t at = rest.rfind('@'); at != std::string::npos) rest.erase(0, at + 1);
    if (!rest.empty() && rest.front() == '[') {
        const size_t close = rest.find(']');
        return close == std::string::npos ? std::string() : rest.substr(1, close - 1);
    }
    return rest.substr(0, rest.find(':'));
}

bool DoiConfig::smtpLoopback() const { return isLoopbackHost(urlHost(smtpUrl)); }

namespace {

} // namespace

std::string mailAddress(const std::string& from) {
    std::string a = from;
    if (const size_t lt = from.rfind('<'); lt != std::string::npos) {
        if (from.back() != '>') return {};
        a = from.substr(lt + 1, from.size() - lt - 2);
    }
    const size_t at = a.find('@');
    if (at == std::string::npos || at == 0 || a.find_first_of(" <>\"\\") != std::string::npos ||
        a.find('.', at) == std::string::npos)
        return {};
    // A control character in an address would end a header line (and start another).
    for (unsigned char c : a)
        if (c < 0x20 || c == 0x7f) return {};
    return a;
}

namespace {
/// The [doi] table, checked: with enabled = true everything a mail needs must be there.
void readDoi(core::TomlReader& r, std::vector<core::Problem>& problems, DoiConfig& d) {
    const toml::table* t = r.table("doi", false);
    if (!t) return;
    core::TomlReader h(*t, r.file(), problems, "doi");
    d.enabled = h.boolean("enabled", false);
    d.smtpUrl = h.str("smtp_url", d.enabled, 1000);
    d.smtpUser = h.str("smtp_user", false, 200);
    d.smtpPassword = h.str("smtp_password", false, 500);
    d.from = h.str("from", d.enabled, 300);
    d.baseUrl = h.str("base_url", d.enabled, 500);
    while (!d.baseUrl.empty() && d.baseUrl.back() == '/') d.baseUrl.pop_back();
    d.retryInitialS = h.number("retry_initial_s", d.retryInitialS, 1, 86400);
    d.retryMaxS = h.number("retry_max_s", d.retryMaxS, 1, 7 * 86400);
    if (const std::string see = h.str("exhibitors_see", false, 20); !see.empty()) {
        if (see == "all") d.exhibitorsSeeAll = true;
        else if (see != "confirmed")
            h.problem("exhibitors_see", "'" + see + "' is neither \"confirmed\" nor \"all\"",
                      "write exhibitors_see = \"confirmed\" (the default) or \"all\"");
    }
    // Not echoed: an SMTP address may carry a password.
    if (!d.smtpUrl.empty() && ((d.smtpUrl.rfind("smtp://", 0) != 0 && d.smtpUrl.rfind("smtps://", 0) != 0) ||
                               urlHost(d.smtpUrl).empty()))
        h.problem("smtp_url", "is not an SMTP address",
                  "write smtp_url = \"smtp://mail.example.org:587\" (STARTTLS) or \"smtps://mail.example.org:465\"");
    if (!d.from.empty() && mailAddress(d.from).empty())
        h.problem("from", "'" + d.from + "' is not an email address",
                  "write from = \"Fair Organiser <leads@example.org>\" or an address");
    const bool https = d.baseUrl.rfind("https://", 0) == 0;
    const bool loopbackHttp = d.baseUrl.rfind("http://", 0) == 0 && isLoopbackHost(urlHost(d.baseUrl));
    if (!d.baseUrl.empty() && (urlHost(d.baseUrl).empty() || (!https && !loopbackHttp)))
        h.problem("base_url", "'" + d.baseUrl + "' is not an https:// address",
                  "write base_url = \"https://hub.example.org\": the public address the links in the mails start with");
    h.finish();
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }
} // namespace

std::string HubConfig::publicBase() const {
    if (!doi.baseUrl.empty()) return doi.baseUrl;
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
        if (!c.tls() && !isLoopbackHost(c.host))
            h.problem("listen", "plain HTTP on " + c.host + ", which is not a loopback address",
                      "set tls_cert and tls_key, or listen on 127.0.0.1 behind a reverse proxy with TLS", false);
        h.finish();
    }
    readDoi(r, out.problems, c.doi);
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
