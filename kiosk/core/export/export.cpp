#include "export.hpp"

#include "../leads/lead.hpp"

#include <sqlite3.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace kiosk::core {

namespace fs = std::filesystem;

long long ExportResult::leads() const {
    long long n = 0;
    for (const auto& f : files) n += f.leads;
    return n;
}

long long ExportResult::bytes() const {
    long long n = 0;
    for (const auto& f : files) n += f.bytes;
    return n;
}

namespace {
/// The characters that end a cell or a record for *some* reader: either delimiter (a file
/// saved with ',' is sometimes opened with ';', and the reverse) and line breaks.
constexpr const char* kBreaks = ",;\r\n";
/// What makes a spreadsheet evaluate a cell when it starts with it (OWASP CSV injection).
constexpr const char* kFormulaStart = "=+-@\t\r\n";

bool in(const char* set, char c) { return c != '\0' && std::strchr(set, c) != nullptr; }

/// Whether csvCell would change the value: it holds a break or a quote, or starts a formula.
/// (Called for nearly every cell of an export: a table, not strchr per byte.)
bool needsCare(const char* p, size_t len) {
    static const auto special = [] {
        std::array<bool, 256> t{};
        for (const char* c = ",;\r\n\""; *c; ++c) t[static_cast<unsigned char>(*c)] = true;
        return t;
    }();
    if (len > 0 && in(kFormulaStart, p[0])) return true;
    for (size_t i = 0; i < len; ++i)
        if (special[static_cast<unsigned char>(p[i])]) return true;
    return false;
}
} // namespace

std::string csvCell(const std::string& v, char /*delimiter*/) {
    // A reader that splits on the other delimiter (or loses the quoting) starts a cell after
    // any break inside the value: what follows a break gets the same leading ' as the value's
    // start, past any quotes (a reader may take those as the cell's own quoting).
    std::string s;
    s.reserve(v.size() + 2);
    bool afterBreak = false;
    for (size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (i == 0 ? in(kFormulaStart, c) : afterBreak && in("=+-@\t", c)) s += '\'';
        s += c;
        if (in(kBreaks, c)) afterBreak = true;
        else if (c != '"') afterBreak = false;
    }
    // Quoted whatever delimiter this file uses: either one may be the one it is opened with.
    if (s.find_first_of("\",;\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + '"';
}

namespace {

const char* const kColumns[] = {"id", "created_at", "language", "first_name", "last_name", "email", "company",
                                "job_title", "phone", "message", "sectors", "exhibitors", "newsletter",
                                "consent_version", "consent_text_sha256", "consent_language", "consent_given_at",
                                "source", "sync_state"};
const char* const kColumnsDe[] = {"ID", "Erstellt (UTC)", "Sprache", "Vorname", "Nachname", "E-Mail", "Firma",
                                  "Funktion", "Telefon", "Nachricht", "Branchen", "Aussteller", "Newsletter",
                                  "Einwilligung Fassung", "Einwilligung SHA-256", "Einwilligung Sprache",
                                  "Einwilligung Zeitpunkt (UTC)", "Quelle", "Sync-Status"};
const char* const kColumnsEn[] = {"ID", "Created (UTC)", "Language", "First name", "Last name", "Email", "Company",
                                  "Job title", "Phone", "Message", "Sectors", "Exhibitors", "Newsletter",
                                  "Consent version", "Consent SHA-256", "Consent language", "Consent given (UTC)",
                                  "Source", "Sync state"};

std::string col(sqlite3_stmt* st, int i) {
    const auto* p = sqlite3_column_text(st, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

/// isoUtc without snprintf: the date is formatted once per day, the time by hand
/// (an export formats two timestamps per lead).
class IsoFormatter {
public:
    void append(std::string& out, std::int64_t ms) {
        const std::int64_t day = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
        if (day != m_day) {
            m_day = day;
            m_date = isoUtc(day * 86'400'000).substr(0, 11); // "YYYY-MM-DDT"
        }
        std::int64_t rest = ms - day * 86'400'000;
        const int h = int(rest / 3'600'000), m = int(rest / 60'000 % 60), sec = int(rest / 1000 % 60), milli = int(rest % 1000);
        out += m_date;
        char t[13] = {char('0' + h / 10), char('0' + h % 10), ':', char('0' + m / 10), char('0' + m % 10), ':',
                      char('0' + sec / 10), char('0' + sec % 10), '.', char('0' + milli / 100), char('0' + milli / 10 % 10),
                      char('0' + milli % 10), 'Z'};
        out.append(t, sizeof t);
    }

private:
    std::int64_t m_day = INT64_MIN;
    std::string m_date;
};

/// ["a","b"] -> "a, b" (ids are plain tokens: no escapes to undo).
std::string listCell(const std::string& json) {
    std::string out;
    for (char c : json)
        if (c == ',') out += ", ";
        else if (c != '[' && c != ']' && c != '"') out += c;
    return out;
}

bool writeAll(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

ExportResult failed(std::string error) { return {false, std::move(error), {}}; }

/// Counts the records of a written file, read through `fd`: JSON lines, or CSV rows outside quotes.
long long countRecords(int fd, bool csv) {
    long long n = 0;
    bool quoted = false;
    char buf[1 << 16];
    for (ssize_t got; (got = ::read(fd, buf, sizeof buf)) > 0;) {
        for (ssize_t i = 0; i < got; ++i) {
            if (csv && buf[i] == '"') quoted = !quoted;
            else if (buf[i] == '\n' && !quoted) ++n;
        }
    }
    return csv ? n - 1 : n; // the CSV header is not a lead
}

/// A folder held open. Files are made relative to it, so they land in the folder that was
/// checked even when its path has come to mean another one (a stick pulled, its mount point bare).
class DirFd {
public:
    explicit DirFd(int fd = -1) : m_fd(fd) {}
    ~DirFd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    DirFd(DirFd&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    DirFd& operator=(DirFd&&) = delete;
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }

private:
    int m_fd;
};

using Produce = std::function<bool(const std::function<bool(const std::string&)>&)>;

/// Writes `produce`'s output as `name` in the open folder `dir` atomically (a .part file,
/// fsync, rename, fsync of the folder) and reads it back. `shown`: the folder's path, for messages.
ExportResult writeFile(int dir, const fs::path& shown, const std::string& name, bool csv, const Produce& produce) {
    const fs::path out = shown / name;
    const std::string tmp = name + ".part";
    // A .part left behind, or put there (a symlink to some other file), is ours to replace, never to write through.
    ::unlinkat(dir, tmp.c_str(), 0);
    const int fd = ::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return failed("cannot write " + (shown / tmp).string() + ": " + std::strerror(errno));
    const bool ok = produce([fd](const std::string& chunk) { return writeAll(fd, chunk); }) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok || ::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
        const int why = ok ? errno : err;
        ::unlinkat(dir, tmp.c_str(), 0);
        return failed((ok ? "cannot rename " + (shown / tmp).string() : "writing " + out.string() + " failed") + ": " +
                      std::strerror(why));
    }
    // The rename itself must reach the stick before anyone pulls it.
    ::fsync(dir);
    const int rfd = ::openat(dir, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st {};
    if (rfd < 0 || ::fstat(rfd, &st) != 0) {
        const int why = errno;
        if (rfd >= 0) ::close(rfd);
        return failed("cannot read back " + out.string() + ": " + std::strerror(why));
    }
    ExportResult r;
    r.files.push_back({out, countRecords(rfd, csv), static_cast<long long>(st.st_size)});
    ::close(rfd);
    return r;
}

/// Names built from content become file names only when they are plain tokens: no '/', no
/// "..", nothing a file system or a shell could take for more than a name.
bool safeFileName(const std::string& name) {
    return !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

/// Where removable media are mounted. A destination below one of them must be on a file
/// system of its own: a pulled stick leaves its bare mount point on the internal disk.
constexpr const char* kMediaRoots[] = {"/media", "/run/media"};

/// Opens the folder an export goes to without creating anything; on failure `why` says why.
DirFd openDestination(const fs::path& destination, std::string& why) {
    DirFd fd(::open(destination.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        why = errno == ENOENT ? destination.string() + " is not there (a USB stick that was pulled, or a folder that "
                                                      "does not exist): plug the stick in again, or create the folder"
                              : "cannot open the folder " + destination.string() + ": " + std::strerror(errno);
        return DirFd();
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        why = "cannot open " + destination.string() + ": " + std::strerror(errno);
        return DirFd();
    }
    // By the path as given and as resolved: a symlink elsewhere may lead to a bare mount point.
    std::error_code ec;
    const std::string paths[] = {fs::absolute(destination, ec).lexically_normal().string(),
                                 fs::canonical(destination, ec).string()};
    for (const char* root : kMediaRoots) {
        struct stat rs {};
        const std::string below = std::string(root) + "/";
        const bool under = paths[0].rfind(below, 0) == 0 || paths[1].rfind(below, 0) == 0;
        if (under && ::stat(root, &rs) == 0 && rs.st_dev == st.st_dev) {
            why = "no USB stick is mounted at " + destination.string() + " any more: plug it in again and choose it";
            return DirFd();
        }
    }
    return fd;
}

/// Why `destination` no longer is the folder `fd` was opened on, or "".
std::string destinationMoved(const fs::path& destination, int fd) {
    struct stat now {}, then {};
    if (::stat(destination.c_str(), &now) == 0 && ::fstat(fd, &then) == 0 && now.st_dev == then.st_dev &&
        now.st_ino == then.st_ino)
        return "";
    return "the USB stick or folder " + destination.string() + " went away during the export";
}

/// Removes the export's own temp folder `name` in `dir` and the files in it (never anything else).
bool removeTemp(int dir, const std::string& name) {
    const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return errno == ENOENT;
    if (DIR* d = ::fdopendir(fd)) {
        while (const dirent* e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ::unlinkat(fd, e->d_name, 0);
        ::closedir(d); // closes fd
    } else {
        ::close(fd);
    }
    return ::unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0;
}

/// The export of the leads as `name` in the open folder `dir` (`shown` is its path, for messages).
ExportResult exportLeadsAt(const fs::path& dbPath, const ExportOptions& o, int dir, const fs::path& shown,
                           const std::string& name, const std::function<void(double)>& progress) {
    // The filter matches the id between quotes in the stored JSON list: anything but an id
    // (a ',' or a '"') would match leads that chose other exhibitors.
    if (!o.company.empty() && !safeFileName(o.company))
        return failed("'" + o.company + "' is not a company id (lower-case letters, digits, '-'): nothing exported");
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string e = db ? sqlite3_errmsg(db) : "cannot open";
        sqlite3_close(db);
        return {false, "cannot read " + dbPath.string() + ": " + e, {}};
    }
    sqlite3_busy_timeout(db, 5000);
    const bool csv = o.format == ExportOptions::Format::Csv;
    const std::string where = o.company.empty() ? "" : " WHERE instr(exhibitors, '\"' || ?1 || '\"') > 0";
    // Progress by rowid: counting first would read the whole table twice.
    long long maxRowid = 0;
    {
        sqlite3_stmt* st = nullptr;
        const bool ok = sqlite3_prepare_v2(db, "SELECT coalesce(max(rowid), 0) FROM leads", -1, &st, nullptr) == SQLITE_OK &&
                        sqlite3_step(st) == SQLITE_ROW;
        if (ok) maxRowid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (!ok) {
            std::string e = sqlite3_errmsg(db);
            sqlite3_close(db);
            return failed("cannot read the leads from " + dbPath.string() + ": " + e);
        }
    }
    // Rowid order is the order leads were stored in, and a plain table scan (fast).
    const std::string sql = std::string(csv ? "SELECT id, created_ms, lang, first_name, last_name, email, company, job_title, "
                                              "phone, message, sectors, exhibitors, newsletter, consent_version, "
                                              "consent_sha256, consent_lang, consent_ms, source, sync_state, rowid"
                                            : "SELECT payload, rowid") +
                            " FROM leads" + where + " ORDER BY rowid";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string e = sqlite3_errmsg(db);
        sqlite3_close(db);
        return failed("cannot read the leads from " + dbPath.string() + ": " + e);
    }
    if (!o.company.empty()) sqlite3_bind_text(st, 1, o.company.c_str(), -1, SQLITE_TRANSIENT);

    std::string readError;
    auto result = writeFile(dir, shown, name, csv, [&](const std::function<bool(const std::string&)>& write) {
        std::string buf;
        buf.reserve(1 << 20);
        if (csv) {
            buf += "\xEF\xBB\xBF"; // UTF-8 BOM: Excel then reads umlauts right
            const char* const* names = o.headerLang == Lang::De ? kColumnsDe : kColumnsEn;
            for (size_t i = 0; i < std::size(kColumns); ++i) (buf += i ? std::string(1, o.delimiter) : "") += csvCell(names[i], o.delimiter);
            buf += "\r\n";
        }
        long long n = 0;
        std::string v;
        IsoFormatter iso;
        int rc;
        std::int64_t lastRowid = INT64_MIN;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            // A table scan yields rising rowids. A page overwritten with another valid page
            // does not make SQLite fail, but shows as rowids out of order.
            const std::int64_t rowid = sqlite3_column_int64(st, csv ? 19 : 1);
            if (rowid <= lastRowid) {
                readError = "the lead database is damaged (rowid " + std::to_string(rowid) + " after " +
                            std::to_string(lastRowid) + "): run kiosk status, and restore leads.db from a copy";
                return false;
            }
            lastRowid = rowid;
            if (csv) {
                for (int i = 0; i < 19; ++i) {
                    if (i) buf += o.delimiter;
                    if (i == 1 || i == 16) {
                        iso.append(buf, sqlite3_column_int64(st, i));
                        continue;
                    } else if (i == 10 || i == 11) v = listCell(col(st, i));
                    else if (i == 12) v = sqlite3_column_int(st, i) ? "1" : "0";
                    else {
                        // Most cells need neither quotes nor a guard: copy them straight through.
                        const char* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
                        const int len = sqlite3_column_bytes(st, i);
                        if (!p || len == 0) continue;
                        if (!needsCare(p, size_t(len))) {
                            buf.append(p, size_t(len));
                            continue;
                        }
                        v.assign(p, size_t(len));
                    }
                    buf += csvCell(v, o.delimiter);
                }
                buf += "\r\n"; // RFC 4180 line ends
            } else {
                buf += col(st, 0);
                buf += '\n';
            }
            if (buf.size() > (1 << 20) - 4096) {
                if (!write(buf)) return false;
                buf.clear();
            }
            if (progress && (++n % 2000 == 0) && maxRowid > 0)
                progress(double(rowid) / double(maxRowid));
        }
        // A damaged or unreadable database must not pass for a complete export.
        if (rc != SQLITE_DONE) {
            readError = sqlite3_errmsg(db);
            return false;
        }
        return write(buf);
    });
    if (!readError.empty()) result = {false, "reading the leads from " + dbPath.string() + " failed: " + readError, {}};
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (progress) progress(1.0);
    return result;
}

/// /proc/mounts writes space, tab, newline and backslash in a path as \040 \011 \012 \134.
std::string unescapeMountPath(const std::string& s) {
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
            out += char((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

ExportResult exportLeads(const fs::path& dbPath, const ExportOptions& o, const fs::path& out,
                         const std::function<void(double)>& progress) {
    // Into a folder that exists, never one of its own: a mistyped path, or a stick that is
    // not mounted, must not leave leads on the internal disk.
    const fs::path parent = out.parent_path();
    if (const auto file = out.filename(); file.empty() || file == "." || file == "..")
        return failed("cannot write " + out.string() + ": name a file, not a folder");
    std::string why;
    const DirFd dir = openDestination(parent.empty() ? fs::path(".") : parent, why);
    if (!dir) return failed("cannot write " + out.string() + ": " + why);
    return exportLeadsAt(dbPath, o, dir.get(), parent, out.filename().string(), progress);
}

ExportResult exportForStand(const fs::path& dbPath, const std::vector<std::string>& exhibitorIds,
                            const std::string& eventId, const ExportOptions& options, const fs::path& destination,
                            std::int64_t nowMs, const std::function<void(double)>& progress) {
    for (const auto& id : exhibitorIds)
        if (!safeFileName(id))
            return failed("the exhibitor id '" + id + "' cannot be a file name: fix it in the content (kiosk check-content)");
    // e.g. ruhrsummit-innovation-bridge-uk-2026-05-27T1730; an event id that is no file name
    // (check-content reports it) must not steer the folder elsewhere: "leads-…" then.
    std::string stamp = isoUtc(nowMs).substr(0, 16);
    stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
    const std::string folder = (safeFileName(eventId) ? eventId : std::string("leads")) + "-" + stamp;
    std::string why;
    const DirFd dest = openDestination(destination, why);
    if (!dest) return failed(why);
    // Everything goes into a hidden folder that is renamed once every file is complete and
    // checked: a failed export leaves nothing that could pass for one.
    const std::string tmpName = "." + folder + ".part";
    removeTemp(dest.get(), tmpName); // what a crash left behind
    if (::mkdirat(dest.get(), tmpName.c_str(), 0700) != 0)
        return failed("cannot create a folder in " + destination.string() + ": " + std::strerror(errno));
    const DirFd tmp(::openat(dest.get(), tmpName.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    const fs::path shown = destination / folder;
    ExportResult all;
    auto abandon = [&](const std::string& error) {
        const bool cleaned = removeTemp(dest.get(), tmpName);
        return failed(error + (cleaned ? "; the export was cancelled and nothing was saved in " + destination.string()
                                       : "; the export was cancelled: delete " + (destination / tmpName).string()));
    };
    if (!tmp) return abandon("cannot open " + (destination / tmpName).string() + ": " + std::strerror(errno));

    const std::string ext = options.format == ExportOptions::Format::Csv ? ".csv" : ".jsonl";
    const size_t steps = exhibitorIds.size() + 1;
    size_t step = 0;
    auto part = [&](double f) { if (progress) progress((double(step) + f) / double(steps + 1)); };
    auto add = [&](ExportResult r) {
        ++step;
        all.files.insert(all.files.end(), r.files.begin(), r.files.end());
        if (r.ok) why = destinationMoved(destination, dest.get());
        else why = r.error;
        return why.empty();
    };
    if (!add(exportLeadsAt(dbPath, options, tmp.get(), shown, "all-leads" + ext, part))) return abandon(why);
    for (const auto& id : exhibitorIds) {
        ExportOptions o = options;
        o.company = id;
        if (!add(exportLeadsAt(dbPath, o, tmp.get(), shown, "exhibitor-" + id + ext, part))) return abandon(why);
    }
    // The erasure log (no personal data): so the back office erases synced copies too.
    sqlite3* db = nullptr;
    std::string readError;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) readError = "cannot open it";
    auto log = writeFile(tmp.get(), shown, "erasures.csv", true, [&](const std::function<bool(const std::string&)>& write) {
        if (!readError.empty()) return false;
        std::string buf = "lead_id,erased_at,was_synced\r\n";
        sqlite3_stmt* st = nullptr;
        int rc = sqlite3_prepare_v2(db, "SELECT lead_id, erased_ms, was_synced FROM erasures ORDER BY erased_ms", -1, &st, nullptr);
        if (rc == SQLITE_OK)
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                buf += csvCell(col(st, 0), ',') + "," + isoUtc(sqlite3_column_int64(st, 1)) + "," + (sqlite3_column_int(st, 2) ? "1" : "0") + "\r\n";
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) readError = sqlite3_errmsg(db);
        return rc == SQLITE_DONE && write(buf);
    });
    sqlite3_close(db);
    if (!readError.empty()) log = failed("reading the erasure log from " + dbPath.string() + " failed: " + readError);
    if (!add(std::move(log))) return abandon(why);

    // Complete and checked: give the folder its name (a second export in the same minute gets "-2").
    std::string name = folder;
    for (int n = 2; ::renameat(dest.get(), tmpName.c_str(), dest.get(), name.c_str()) != 0; ++n) {
        if ((errno != ENOTEMPTY && errno != EEXIST) || n > 99)
            return abandon("cannot rename " + (destination / tmpName).string() + ": " + std::strerror(errno));
        name = folder + "-" + std::to_string(n);
    }
    ::fsync(dest.get());
    for (auto& f : all.files) f.path = destination / name / f.path.filename();
    if (progress) progress(1.0);
    return all;
}

std::vector<fs::path> exportDestinations(const std::string& configuredDir) {
    // What is actually mounted there (a USB stick), not every folder under /media.
    std::vector<fs::path> out;
    std::ifstream mounts("/proc/self/mounts");
    std::string dev, where, rest;
    while (mounts >> dev >> where && std::getline(mounts, rest)) {
        where = unescapeMountPath(where);
        if (where.rfind("/media/", 0) == 0 || where.rfind("/run/media/", 0) == 0) out.emplace_back(where);
    }
    if (!configuredDir.empty()) out.emplace_back(configuredDir);
    return out;
}

} // namespace kiosk::core
