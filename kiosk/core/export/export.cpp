#include "export.hpp"

#include "../leads/lead.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

std::string csvCell(const std::string& v, char delimiter) {
    std::string s = v;
    // OWASP CSV injection: these leading characters make a spreadsheet evaluate the cell.
    if (!s.empty() && std::strchr("=+-@\t\r\n", s[0])) s.insert(0, 1, '\'');
    const bool quote = s.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos;
    if (!quote) return s;
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

/// Counts the records of a written file: JSON lines, or CSV rows outside quotes.
long long countRecords(const fs::path& p, bool csv) {
    std::ifstream in(p, std::ios::binary);
    long long n = 0;
    bool quoted = false;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            if (csv && buf[i] == '"') quoted = !quoted;
            else if (buf[i] == '\n' && !quoted) ++n;
        }
    }
    return csv ? n - 1 : n; // the CSV header is not a lead
}

/// Writes `produce`'s output to `out` atomically and reads it back.
ExportResult writeFile(const fs::path& out, bool csv,
                       const std::function<bool(const std::function<bool(const std::string&)>&)>& produce) {
    ExportResult r;
    std::error_code ec;
    fs::create_directories(out.parent_path().empty() ? fs::path(".") : out.parent_path(), ec);
    const fs::path tmp = out.string() + ".part";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return {false, "cannot write " + tmp.string() + ": " + std::strerror(errno), {}};
    const bool ok = produce([fd](const std::string& chunk) { return writeAll(fd, chunk); }) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        fs::remove(tmp, ec);
        return {false, "writing " + out.string() + " failed: " + std::strerror(err), {}};
    }
    fs::rename(tmp, out, ec);
    if (ec) return {false, "cannot rename " + tmp.string() + ": " + ec.message(), {}};
    // The rename itself must reach the stick before anyone pulls it.
    if (const int dfd = ::open(out.parent_path().empty() ? "." : out.parent_path().c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    r.files.push_back({out, countRecords(out, csv), static_cast<long long>(fs::file_size(out, ec))});
    return r;
}

} // namespace

ExportResult exportLeads(const fs::path& dbPath, const ExportOptions& o, const fs::path& out,
                         const std::function<void(double)>& progress) {
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
        sqlite3_prepare_v2(db, "SELECT coalesce(max(rowid), 0) FROM leads", -1, &st, nullptr);
        if (sqlite3_step(st) == SQLITE_ROW) maxRowid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
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
        return {false, "cannot read the leads: " + e, {}};
    }
    if (!o.company.empty()) sqlite3_bind_text(st, 1, o.company.c_str(), -1, SQLITE_TRANSIENT);

    std::string readError;
    auto result = writeFile(out, csv, [&](const std::function<bool(const std::string&)>& write) {
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
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
                        if (!std::strchr("=+-@\t\r\n", p[0]) && !std::memchr(p, '"', size_t(len)) &&
                            !std::memchr(p, o.delimiter, size_t(len)) && !std::memchr(p, '\n', size_t(len)) &&
                            !std::memchr(p, '\r', size_t(len))) {
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
                progress(double(sqlite3_column_int64(st, csv ? 19 : 1)) / double(maxRowid));
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

ExportResult exportForStand(const fs::path& dbPath, const std::vector<std::string>& exhibitorIds,
                            const std::string& eventId, const ExportOptions& options, const fs::path& destination,
                            std::int64_t nowMs, const std::function<void(double)>& progress) {
    // e.g. ruhrsummit-innovation-bridge-uk-2026-05-27T1730
    std::string stamp = isoUtc(nowMs).substr(0, 16);
    stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
    const fs::path dir = destination / (eventId + "-" + stamp);
    const std::string ext = options.format == ExportOptions::Format::Csv ? ".csv" : ".jsonl";
    ExportResult all;
    const size_t steps = exhibitorIds.size() + 1;
    size_t step = 0;
    auto part = [&](double f) { if (progress) progress((double(step) + f) / double(steps + 1)); };
    auto add = [&](const ExportOptions& o, const std::string& name) {
        auto r = exportLeads(dbPath, o, dir / (name + ext), part);
        ++step;
        if (!r.ok) {
            all.ok = false;
            all.error = r.error;
        }
        all.files.insert(all.files.end(), r.files.begin(), r.files.end());
        return r.ok;
    };
    if (!add(options, "all-leads")) return all;
    for (const auto& id : exhibitorIds) {
        ExportOptions o = options;
        o.company = id;
        if (!add(o, "exhibitor-" + id)) return all;
    }
    // The erasure log (no personal data): so the back office erases synced copies too.
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        auto r = writeFile(dir / "erasures.csv", true, [&](const std::function<bool(const std::string&)>& write) {
            std::string buf = "lead_id,erased_at,was_synced\r\n";
            int rc = sqlite3_prepare_v2(db, "SELECT lead_id, erased_ms, was_synced FROM erasures ORDER BY erased_ms", -1, &st, nullptr);
            if (rc == SQLITE_OK)
                while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                    buf += col(st, 0) + "," + isoUtc(sqlite3_column_int64(st, 1)) + "," + (sqlite3_column_int(st, 2) ? "1" : "0") + "\r\n";
            sqlite3_finalize(st);
            return rc == SQLITE_DONE && write(buf);
        });
        sqlite3_close(db);
        if (!r.ok) {
            all.ok = false;
            all.error = r.error;
        }
        all.files.insert(all.files.end(), r.files.begin(), r.files.end());
    }
    if (progress) progress(1.0);
    return all;
}

std::vector<fs::path> exportDestinations(const std::string& configuredDir) {
    // What is actually mounted there (a USB stick), not every folder under /media.
    std::vector<fs::path> out;
    std::ifstream mounts("/proc/self/mounts");
    std::string dev, where, rest;
    while (mounts >> dev >> where && std::getline(mounts, rest)) {
        // /proc/mounts writes a space in a path as \040
        for (size_t p; (p = where.find("\\040")) != std::string::npos;) where.replace(p, 4, " ");
        if (where.rfind("/media/", 0) == 0 || where.rfind("/run/media/", 0) == 0) out.emplace_back(where);
    }
    if (!configuredDir.empty()) out.emplace_back(configuredDir);
    return out;
}

} // namespace kiosk::core
