#include "config.hpp"

#include "toml_reader.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kiosk::core {

namespace {

/// Where the raw text of a config file assigns a non-empty pin_hash (or holds an Argon2id
/// hash outside a comment), looked for without a TOML parser (the file may not parse): `line`
/// is 0 when it does not; `unknown` when the file exists but cannot be read (too large to look
/// through, or not UTF-8).
struct RawPin {
    int line = 0;
    bool unknown = false;
};

RawPin scanPinHash(const std::filesystem::path& path) {
    RawPin out;
    // O_NONBLOCK: a FIFO in the file's place must not hang the start.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        out.unknown = errno != ENOENT;
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.unknown = true;
        return out;
    }
    std::string text;
    char buf[65536];
    ssize_t n = 0;
    while (text.size() <= kMaxTomlBytes && (n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    // A NUL byte: saved as UTF-16 (Notepad's "Unicode"), so the words below cannot be seen.
    if (n < 0 || text.size() > kMaxTomlBytes || text.find('\0') != std::string::npos) {
        out.unknown = true;
        return out;
    }
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3); // a UTF-8 BOM before the first key
    int lineNo = 0;
    int hashLine = 0; // the first line with an Argon2id hash outside a comment, wherever its key is
    for (size_t pos = 0; pos < text.size();) {
        const size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++lineNo;
        // Only a PIN hash looks like this: under a key the scan below does not know
        // (staff = { pin_hash = … }, staff . pin_hash, an escaped key name) it is a PIN still.
        if (const size_t at = line.find("$argon2id$");
            !hashLine && at != line.npos && line.substr(0, at).find('#') == line.npos)
            hashLine = lineNo;
        const auto skip = [&line] {
            while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        };
        skip();
        for (std::string_view prefix : {"staff.", "\"staff\".", "'staff'."})
            if (line.substr(0, prefix.size()) == prefix) line.remove_prefix(prefix.size());
        bool named = false;
        for (std::string_view key : {"pin_hash", "\"pin_hash\"", "'pin_hash'"})
            if (!named && line.substr(0, key.size()) == key) line.remove_prefix(key.size()), named = true;
        if (!named) continue;
        skip();
        if (line.empty() || line.front() != '=') continue;
        line.remove_prefix(1);
        skip();
        if (line.substr(0, 2) == "\"\"" || line.substr(0, 2) == "''") {
            line.remove_prefix(2);
            skip();
            if (line.empty() || line.front() == '#' || line.front() == '\r') continue; // pin_hash = "": no PIN
        }
        out.line = lineNo;
        return out;
    }
    out.line = hashLine;
    return out;
}

bool isLoopbackHost(std::string host) {
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (host == "localhost") return true;
    unsigned char addr[16];
    if (inet_pton(AF_INET, host.c_str(), addr) == 1) return addr[0] == 127;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        const std::string inner = host.substr(1, host.size() - 2);
        return inet_pton(AF_INET6, inner.c_str(), addr) == 1 && std::memcmp(addr, loop6, 16) == 0;
    }
    return false;
}

} // namespace

std::optional<std::pair<std::string, std::string>> endpointProblem(const std::string& url) {
    CURLU* u = curl_url();
    if (!u) return std::make_pair(std::string("cannot be checked (out of memory)"), std::string("restart the kiosk"));
    auto part = [u](CURLUPart what) {
        char* v = nullptr;
        std::string s;
        if (curl_url_get(u, what, &v, 0) == CURLUE_OK && v) s = v;
        curl_free(v);
        return s;
    };
    std::optional<std::pair<std::string, std::string>> out;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        out = {"is not a web address", "write it as https://host/path"};
    } else if (const std::string scheme = part(CURLUPART_SCHEME); scheme != "https" && scheme != "http") {
        out = {"is not a web address (" + scheme + "://)", "write it as https://host/path"};
    } else if (!part(CURLUPART_USER).empty() || !part(CURLUPART_PASSWORD).empty()) {
        // user:password@ would travel as Basic auth and show in logs and on the panel.
        out = {"has a user name or password in it", "remove the part before @ and put the credential in sync.token"};
    } else if (const std::string host = part(CURLUPART_HOST); scheme == "http" && !isLoopbackHost(host)) {
        // The bearer token and the leads (personal data) would travel in clear.
        out = {"sends leads unencrypted (http://) to " + host + ": sync stays off",
               "use https://; plain http:// is only for a receiver on this PC (127.0.0.1, [::1] or localhost)"};
    }
    curl_url_cleanup(u);
    return out;
}

bool syncConfigBroken(const ConfigLoad& load) {
    // syncRefused as well: a problem folded into "and N more" has lost its key.
    return !load.parsed || load.syncRefused || std::any_of(load.problems.begin(), load.problems.end(),
                                       [](const Problem& p) { return p.error && p.key.rfind("sync.", 0) == 0; });
}

std::optional<Problem> staffLock(const ConfigLoad& load, bool pinWasSet) {
    if (!load.config.staff.pinBroken && (load.parsed || !pinWasSet)) {
        // A PIN was set here, and the config (perhaps a fresh copy of the shipped one, or none
        // at all) has none now: the demo PIN would open staff mode to anyone at the stand.
        if (!pinWasSet || !load.config.staff.pinHash.empty()) return std::nullopt;
        return Problem{"", 0, "staff.pin_hash",
                       "a PIN was set on this kiosk, but the configuration has none",
                       "set it again with: kiosk set-pin --config FILE (to go back to the demo PIN, "
                       "delete pin_set in the data folder)"};
    }
    const auto& ps = load.problems;
    auto it = std::find_if(ps.begin(), ps.end(), [](const Problem& p) {
        return p.error && p.key.size() >= 8 && p.key.compare(p.key.size() - 8, 8, "pin_hash") == 0;
    });
    if (it == ps.end()) it = std::find_if(ps.begin(), ps.end(), [](const Problem& p) { return p.error; });
    if (it != ps.end()) return *it;
    return Problem{"", 0, "staff.pin_hash", "cannot be used", "fix the configuration"};
}

namespace {
/// [sync] into out.config.sync. Any problem with where or how leads go leaves sync off
/// (out.syncRefused): the defaults (no token, no signature, the public CAs) would fail open.
void readSync(TomlReader& r, const std::string& file, ConfigLoad& out) {
    SyncConfig& sync = out.config.sync;
    const auto* t = r.table("sync", false);
    if (!t) return;
    TomlReader y(*t, file, out.problems, "sync");
    // Counted, not sized: past kMaxProblemsPerFile a new problem only raises the "more" entry.
    bool refuse = false;
    auto checked = [&](const std::string& key) {
        const long long before = problemCount(out.problems);
        std::string v = y.str(key, false, 500);
        refuse = refuse || problemCount(out.problems) > before;
        return v;
    };
    auto checkedUrl = [&](const std::string& key) {
        std::string v = checked(key);
        if (!v.empty())
            if (const auto bad = endpointProblem(v)) {
                y.problem(key, bad->first, bad->second);
                refuse = true;
            }
        return v;
    };
    sync.endpoint = checkedUrl("endpoint");
    sync.token = checked("token");
    sync.secret = checked("secret");
    if (!sync.secret.empty() && sync.secret.rfind("whsec_", 0) != 0) {
        y.problem("secret", "does not start with whsec_", "paste the secret as the receiver shows it: whsec_ followed by base64");
        refuse = true;
    }
    sync.caFile = checked("ca_file");
    // Heartbeats carry the same token and signature: an address that would leak them turns sync off too.
    sync.statusEndpoint = checkedUrl("status_endpoint");
    if (refuse) sync.endpoint.clear();
    out.syncRefused = refuse;
    sync.batchSize = static_cast<int>(y.number("batch_size", sync.batchSize, 1, 1000));
    sync.timeoutS = y.number("timeout_s", sync.timeoutS, 0.1, 300);
    sync.backoffBaseS = y.number("backoff_base_s", sync.backoffBaseS, 0.01, 600);
    sync.backoffCapS = y.number("backoff_cap_s", sync.backoffCapS, 0.01, 86400);
    sync.statusIntervalS = y.number("status_interval_s", sync.statusIntervalS, 1, 86400);
    // Shown to visitors, not used for sending: a bad one is left out (a warning), sync goes on.
    sync.withdrawUrl = y.str("withdraw_url", false, 300);
    if (!sync.withdrawUrl.empty() && sync.withdrawUrl.rfind("https://", 0) != 0) {
        y.problem("withdraw_url", "is not an https:// address, so the receipt leaves it out",
                  "write it as https://hub.example.org/withdraw", false);
        sync.withdrawUrl.clear();
    }
    y.finish();
}

void readScanner(TomlReader& r, const std::string& file, ConfigLoad& out) {
    const auto* t = r.table("scanner", false);
    if (!t) return;
    TomlReader s(*t, file, out.problems, "scanner");
    ScannerConfig& sc = out.config.scanner;
    if (const std::string layout = s.str("layout", false, 10); !layout.empty()) {
        if (const auto l = scannerLayout(layout)) sc.layout = *l;
        else s.problem("layout", "unknown layout '" + layout + "'", "use \"us\" or \"de\", as the scanner is set (most are set to \"us\")");
    }
    sc.device = s.str("device", false, 200);
    if (!sc.device.empty() && sc.device != "auto" && sc.device.front() != '/') {
        s.problem("device", "is not a device path ('" + sc.device + "')",
                  "use \"auto\" (the first /dev/ttyACM*) or a path like \"/dev/ttyACM0\"; leave it out for a scanner that types");
        sc.device.clear();
    }
    s.finish();
}
} // namespace

ConfigLoad loadConfig(const std::filesystem::path& path) {
    ConfigLoad out;
    if (path.empty()) return out;
    auto doc = parseTomlFile(path.string(), path.string(), out.problems);
    // Looked for in the text too: a PIN in a file that does not parse, or outside [staff],
    // must not leave the demo PIN working.
    const RawPin raw = scanPinHash(path);
    KioskConfig& c = out.config;
    if (!doc) {
        out.parsed = false;
        c.staff.pinBroken = raw.unknown || raw.line > 0;
        return out;
    }
    TomlReader r(*doc, path.string(), out.problems);
    if (const auto* t = r.table("kiosk", false)) {
        TomlReader k(*t, path.string(), out.problems, "kiosk");
        if (auto id = k.str("id", false, 64); !id.empty()) c.kioskId = id;
        c.idleTimeoutS = k.number("idle_timeout_s", c.idleTimeoutS, 15, 3600);
        c.idleWarningS = k.number("idle_warning_s", c.idleWarningS, 0, 120);
        c.thanksSeconds = k.number("thanks_seconds", c.thanksSeconds, 1, 600);
        if (c.thanksSeconds < kMinThanksSeconds) {
            k.problem("thanks_seconds", "is shorter than a visitor needs to scan the codes: 20 s are used",
                      "use 20 or more (the default is 30)", false);
            c.thanksSeconds = kMinThanksSeconds;
        }
        if (c.idleWarningS >= c.idleTimeoutS) {
            k.problem("idle_warning_s", "is not shorter than idle_timeout_s", "make the warning shorter than the timeout");
            // Both back to the defaults: otherwise the countdown would show from the first second.
            c.idleTimeoutS = KioskConfig{}.idleTimeoutS;
            c.idleWarningS = KioskConfig{}.idleWarningS;
        }
        k.finish();
    }
    if (const auto* t = r.table("screen", false)) {
        TomlReader s(*t, path.string(), out.problems, "screen");
        c.diagonalInch = s.number("diagonal_inch", c.diagonalInch, 7, 120);
        c.pixelPitchMm = s.number("pixel_pitch_mm", c.pixelPitchMm, 0, 5);
        c.mountBottomMm = s.number("mount_bottom_mm", c.mountBottomMm, 0, 2500);
        c.theme = s.str("theme", false, 10);
        if (c.theme.empty()) c.theme = "light";
        if (c.theme != "light" && c.theme != "dark") {
            s.problem("theme", "unknown theme '" + c.theme + "'", "use \"light\" or \"dark\"");
            c.theme = "light";
        }
        c.renderer = s.str("renderer", false, 10);
        if (c.renderer.empty()) c.renderer = "auto";
        if (c.renderer != "auto" && c.renderer != "gl" && c.renderer != "software") {
            s.problem("renderer", "unknown renderer '" + c.renderer + "'", "use \"auto\", \"gl\" or \"software\"");
            c.renderer = "auto";
        }
        s.finish();
    }
    readSync(r, path.string(), out);
    if (const auto* t = r.table("signup", false)) {
        TomlReader s(*t, path.string(), out.problems, "signup");
        c.signup.confirmationEmail = s.boolean("confirmation_email", c.signup.confirmationEmail);
        s.finish();
    }
    readScanner(r, path.string(), out);
    if (const auto* t = r.table("staff", false)) {
        TomlReader st(*t, path.string(), out.problems, "staff");
        const long long before = problemCount(out.problems);
        c.staff.pinHash = st.str("pin_hash", false, 300);
        if (!c.staff.pinHash.empty() && c.staff.pinHash.rfind("$argon2id$", 0) != 0)
            st.problem("pin_hash", "is not an Argon2id hash", "set the PIN with: kiosk set-pin --config FILE");
        if (problemCount(out.problems) > before) {
            // A PIN was meant to be set: the demo PIN must not take its place.
            c.staff.pinBroken = true;
            c.staff.pinHash.clear();
        }
        c.staff.exportDir = st.str("export_dir", false, 500);
        st.finish();
    }
    if (!c.staff.pinBroken && c.staff.pinHash.empty() && raw.line > 0) {
        out.problems.push_back({path.string(), raw.line, "pin_hash", "is outside [staff], so no PIN works",
                                "move it under [staff] (kiosk set-pin --config FILE writes it there)"});
        c.staff.pinBroken = true;
    }
    r.finish();
    return out;
}

} // namespace kiosk::core
