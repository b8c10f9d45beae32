#include "export.hpp"

#include "../leads/figures.hpp"
#include "../leads/lead_store.hpp"
#include "../leads/validation.hpp"

#include <sqlite3.h>
#include <xlsxwriter.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

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

/// A character set as a table: csvCell and needsCare ask it of nearly every byte of an export.
struct CharSet {
    explicit CharSet(const char* set) {
        for (; *set; ++set) m_in[static_cast<unsigned char>(*set)] = true;
    }
    bool operator()(char c) const { return m_in[static_cast<unsigned char>(c)]; }

private:
    std::array<bool, 256> m_in{};
};
const CharSet kIsBreak(kBreaks), kIsFormulaStart(kFormulaStart), kIsFormulaAfterBreak("=+-@\t");

/// Whether csvCell would change the value: it holds a break or a quote, or starts a formula.
bool needsCare(const std::string& v) {
    if (!v.empty() && kIsFormulaStart(v[0])) return true;
    // strcspn is glibc's vector scan; it stops at a NUL too, so one found early is checked on.
    constexpr const char* kSpecial = ",;\r\n\"";
    for (size_t at = std::strcspn(v.c_str(), kSpecial); at < v.size(); at += 1 + std::strcspn(v.c_str() + at + 1, kSpecial))
        if (v[at] != '\0') return true;
    return false;
}
} // namespace

namespace {
/// csvCell, appended to `out` in one pass (an export's cells go straight into its buffer).
void appendCell(std::string& out, const std::string& v) {
    // A reader that splits on the other delimiter (or loses the quoting) starts a cell after
    // any break inside the value: what follows a break gets the same leading ' as the value's
    // start, past any quotes (a reader may take those as the cell's own quoting).
    const size_t start = out.size();
    out.resize(start + 2 * v.size() + 2); // a byte gets at most a ' or a second " beside it
    char* o = out.data() + start;
    *o++ = '"'; // taken back below when the cell needs no quotes
    bool afterBreak = false, quote = false;
    for (size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (i == 0 ? kIsFormulaStart(c) : afterBreak && kIsFormulaAfterBreak(c)) *o++ = '\'';
        if (c == '"') *o++ = '"', quote = true;
        *o++ = c;
        if (kIsBreak(c)) afterBreak = quote = true;
        else if (c != '"') afterBreak = false;
    }
    // Quoted whatever delimiter this file uses: either one may be the one it is opened with.
    if (quote) *o++ = '"';
    out.resize(static_cast<size_t>(o - out.data()));
    if (!quote) out.erase(start, 1);
}
} // namespace

std::string csvCell(const std::string& v, char /*delimiter*/) {
    std::string s;
    appendCell(s, v);
    return s;
}

namespace {

std::string col(sqlite3_stmt* st, int i) {
    const auto* p = sqlite3_column_text(st, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

std::string joinedIds(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) (out += out.empty() ? "" : ", ") += id;
    return out;
}

/// A choice's option (or a multi field's options) in the export's language; an id the
/// definition no longer lists is written as it is.
std::string optionLabels(const FormField& f, const std::vector<std::string>& ids, Lang lang) {
    std::string out;
    for (const auto& id : ids) {
        const FieldOption* o = f.option(id);
        (out += out.empty() ? "" : ", ") += o ? o->label.in(lang) : id;
    }
    return out;
}

/// An answer as it was stored, for a lead whose form the export does not know.
std::string storedAnswer(const Answer& a, Lang lang) {
    if (a.kind == FieldKind::YesNo) return a.yes ? (lang == Lang::De ? "ja" : "yes") : (lang == Lang::De ? "nein" : "no");
    if (a.kind == FieldKind::Multi) return joinedIds(a.options);
    return a.text;
}

/// The cell of one form field. Each lead is read through the field as its own form defined
/// it (`byVersion`: kind, options and their labels), since a field may change kind between
/// versions mid-fair; an answer of a form not known here, or not of its field's shape, is
/// written as stored. An untouched yes/no toggle reads "no" for the forms that had it and
/// stays blank for leads of other forms.
ExportColumn fieldColumn(const FormField& first, std::map<std::string, FormField> byVersion) {
    if (const StandardField* s = standardField(first.id))
        return {first.id, first.label, [m = s->member](const Lead& l, Lang) { return l.*m; }, s->member};
    return {first.id, first.label,
            [id = first.id, byVersion = std::move(byVersion)](const Lead& l, Lang lang) -> std::string {
                const auto it = l.answers.find(id);
                const Answer* a = it == l.answers.end() ? nullptr : &it->second;
                const auto own = byVersion.find(l.formVersion);
                if (own == byVersion.end()) return a ? storedAnswer(*a, lang) : "";
                const FormField& f = own->second;
                const auto shaped = [&](FieldKind k) { return a && a->kind == k; };
                switch (f.kind) {
                case FieldKind::YesNo:
                    if (a && !shaped(FieldKind::YesNo)) return storedAnswer(*a, lang);
                    return a && a->yes ? (lang == Lang::De ? "ja" : "yes") : (lang == Lang::De ? "nein" : "no");
                case FieldKind::Multi:
                    if (!a) return "";
                    return shaped(FieldKind::Multi) ? optionLabels(f, a->options, lang) : storedAnswer(*a, lang);
                case FieldKind::Choice:
                    if (!a) return "";
                    return shaped(FieldKind::Multi) || shaped(FieldKind::YesNo) ? storedAnswer(*a, lang)
                                                                                : optionLabels(f, {a->text}, lang);
                default: return a ? storedAnswer(*a, lang) : "";
                }
            }};
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
        // From quote to quote with memchr, counting line ends only outside quotes.
        for (const char *p = buf, *end = buf + got; p < end;) {
            const char* q = csv ? static_cast<const char*>(std::memchr(p, '"', size_t(end - p))) : nullptr;
            if (!quoted)
                for (const char* stop = q ? q : end; (p = static_cast<const char*>(std::memchr(p, '\n', size_t(stop - p))));)
                    ++n, ++p;
            if (!q) break;
            quoted = !quoted;
            p = q + 1;
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
/// `csv`: the file is counted as CSV rows, else as lines; `produced`, when given, is the count
/// instead (an XLSX file is a zip: its rows are the ones written).
ExportResult writeFile(int dir, const fs::path& shown, const std::string& name, bool csv, const Produce& produce,
                       const long long* produced = nullptr) {
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
    r.files.push_back({out, produced ? *produced : countRecords(rfd, csv), static_cast<long long>(st.st_size)});
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

/// The leads of one export, read in rowid order from a read-only connection.
class LeadRows {
public:
    LeadRows(const fs::path& dbPath, const ExportOptions& o) : m_path(dbPath) {
        // NOMUTEX: the connection is this export's alone, so SQLite need not lock it per call
        // (a dozen column reads per lead).
        if (sqlite3_open_v2(dbPath.c_str(), &m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            m_error = "cannot read " + dbPath.string() + ": " + (m_db ? sqlite3_errmsg(m_db) : "cannot open");
            return;
        }
        sqlite3_busy_timeout(m_db, 5000);
        // Progress by rowid: counting first would read the whole table twice.
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT coalesce(max(rowid), 0) FROM leads", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            m_maxRowid = sqlite3_column_int64(st, 0);
        else
            m_error = "cannot read the leads from " + dbPath.string() + ": " + sqlite3_errmsg(m_db);
        sqlite3_finalize(st);
        if (!m_error.empty()) return;
        if (o.format != ExportOptions::Format::Jsonl) {
            auto stored = storedForms(m_db);
            if (!stored) {
                m_error = stored.error + " (" + dbPath.string() + ")";
                return;
            }
            std::vector<FormDef> forms = {o.form};
            forms.insert(forms.end(), stored.value.begin(), stored.value.end());
            forms.push_back(defaultForm()); // leads from before forms came from content
            columns = exportColumns(forms);
        }
        // The filter matches the id between quotes in the stored JSON list (checked to be a plain id).
        const std::string where = o.company.empty() ? "" : " WHERE instr(exhibitors, '\"' || ?1 || '\"') > 0";
        // Rowid order is the order leads were stored in, and a plain table scan (fast).
        const std::string sql = (o.format == ExportOptions::Format::Jsonl ? std::string("SELECT payload, rowid FROM leads")
                                                                          : leadSelectSql(", rowid", false)) +
                                where + " ORDER BY rowid";
        m_rowidCol = o.format == ExportOptions::Format::Jsonl ? 1 : leadSelectColumns();
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &m_st, nullptr) != SQLITE_OK) {
            m_error = "cannot read the leads from " + dbPath.string() + ": " + sqlite3_errmsg(m_db);
            return;
        }
        if (!o.company.empty()) sqlite3_bind_text(m_st, 1, o.company.c_str(), -1, SQLITE_TRANSIENT);
    }
    ~LeadRows() {
        sqlite3_finalize(m_st);
        sqlite3_close(m_db);
    }
    LeadRows(const LeadRows&) = delete;
    LeadRows& operator=(const LeadRows&) = delete;

    const std::string& error() const { return m_error; }
    /// The next row, or false at the end or on an error (then error() says which).
    bool next() {
        const int rc = sqlite3_step(m_st);
        if (rc != SQLITE_ROW) {
            // A damaged or unreadable database must not pass for a complete export.
            if (rc != SQLITE_DONE) m_error = "reading the leads from " + m_path.string() + " failed: " + sqlite3_errmsg(m_db);
            return false;
        }
        // A table scan yields rising rowids. A page overwritten with another valid page
        // does not make SQLite fail, but shows as rowids out of order.
        const std::int64_t rowid = sqlite3_column_int64(m_st, m_rowidCol);
        if (rowid <= m_lastRowid) {
            m_error = "reading the leads from " + m_path.string() + " failed: the lead database is damaged (rowid " +
                      std::to_string(rowid) + " after " + std::to_string(m_lastRowid) +
                      "): run kiosk status, and restore leads.db from a copy";
            return false;
        }
        m_lastRowid = rowid;
        return true;
    }
    void lead(Lead& l) const { readLead(m_st, l); }
    sqlite3* db() const { return m_db; }
    std::string payload() const { return col(m_st, 0); }
    double done() const { return m_maxRowid > 0 ? double(m_lastRowid) / double(m_maxRowid) : 1.0; }

    std::vector<ExportColumn> columns; ///< CSV and XLSX

private:
    fs::path m_path;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_st = nullptr;
    std::string m_error;
    std::int64_t m_maxRowid = 0, m_lastRowid = INT64_MIN;
    int m_rowidCol = 0;
};

using Write = std::function<bool(const std::string&)>;

/// Buffers output and hands it on in chunks of about a MiB.
class Chunked {
public:
    explicit Chunked(const Write& write) : m_write(write) { m_buf.reserve(1 << 20); }
    std::string& buf() { return m_buf; }
    bool flush(bool always = false) {
        if (!always && m_buf.size() < (1 << 20) - 4096) return true;
        const bool ok = m_write(m_buf);
        m_buf.clear();
        return ok;
    }

private:
    const Write& m_write;
    std::string m_buf;
};

void appendCsv(std::string& buf, const std::string& v, char /*delimiter: cells are safe for both*/) {
    // Most cells need neither quotes nor a guard: copy them straight through.
    if (!needsCare(v)) buf += v;
    else appendCell(buf, v);
}

bool produceCsv(const std::vector<ExportColumn>& columns, const ExportOptions& o, const NextLead& next,
                const Write& write, long long& count) {
    Chunked out(write);
    std::string& buf = out.buf();
    buf += "\xEF\xBB\xBF"; // UTF-8 BOM: Excel then reads umlauts right
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) buf += o.delimiter;
        appendCsv(buf, columns[i].header.in(o.headerLang), o.delimiter);
    }
    buf += "\r\n";
    for (Lead l; next(l); ++count) {
        for (size_t i = 0; i < columns.size(); ++i) {
            if (i) buf += o.delimiter;
            const ExportColumn& c = columns[i];
            if (c.member) appendCsv(buf, l.*c.member, o.delimiter); // no copy: a conditional would make one
            else appendCsv(buf, c.cell(l, o.headerLang), o.delimiter);
        }
        buf += "\r\n"; // RFC 4180 line ends
        if (!out.flush()) return false;
    }
    return out.flush(true);
}

bool produceJsonl(LeadRows& rows, const Write& write, const std::function<void(double)>& progress) {
    Chunked out(write);
    for (long long n = 1; rows.next(); ++n) {
        out.buf() += rows.payload(); // the exact bytes sync sends
        out.buf() += '\n';
        if (!out.flush()) return false;
        if (progress && n % 2000 == 0) progress(rows.done());
    }
    return rows.error().empty() && out.flush(true);
}

/// The sheet "Kennzahlen" / "Figures" (figuresTable); with constant_memory it comes after the
/// leads' sheet is complete.
lxw_error figuresSheet(lxw_workbook* book, lxw_format* bold, sqlite3* db, const std::string& eventId,
                       const ExportOptions& o, std::string& error) {
    const auto rows = readFigures(db, eventId, true);
    if (!rows) {
        error = rows.error;
        return LXW_ERROR_PARAMETER_VALIDATION;
    }
    lxw_worksheet* sheet = workbook_add_worksheet(book, o.headerLang == Lang::De ? "Kennzahlen" : "Figures");
    if (!sheet) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_freeze_panes(sheet, 1, 0);
    worksheet_set_column(sheet, 0, 1, 26, nullptr);
    const auto table = figuresTable(rows.value, o.company, o.headerLang);
    lxw_error rc = LXW_NO_ERROR;
    for (size_t r = 0; r < table.size() && rc == LXW_NO_ERROR; ++r)
        for (size_t c = 0; c < table[r].size() && rc == LXW_NO_ERROR; ++c) {
            const std::string& v = table[r][c];
            // Counts as numbers (they are summed in Excel); names and times as text.
            if (r > 0 && c >= 2) rc = worksheet_write_number(sheet, lxw_row_t(r), lxw_col_t(c), std::stod(v), nullptr);
            else rc = worksheet_write_string(sheet, lxw_row_t(r), lxw_col_t(c), v.c_str(), r == 0 ? bold : nullptr);
        }
    return rc;
}

/// XLSX through libxlsxwriter, which writes to a path: a memory file (memfd), so the leads
/// touch no disk but the destination, and reach it through the same checked descriptor as
/// every other export. Every cell is a string: no cell can be a formula. With `figuresDb`
/// and o.figuresOfEvent, a second sheet holds the event's figures.
bool produceXlsx(const std::vector<ExportColumn>& columns, const ExportOptions& o, const NextLead& next,
                 const Write& write, long long& count, std::string& error, sqlite3* figuresDb = nullptr) {
    const int mem = ::memfd_create("lead-export.xlsx", MFD_CLOEXEC);
    if (mem < 0) {
        error = std::string("cannot make the XLSX file: ") + std::strerror(errno);
        return false;
    }
    const std::string path = "/proc/self/fd/" + std::to_string(mem);
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE; // rows go out as they are written
    lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
    lxw_worksheet* sheet = book ? workbook_add_worksheet(book, "Leads") : nullptr;
    lxw_format* bold = book ? workbook_add_format(book) : nullptr;
    if (!sheet || !bold) {
        if (book) workbook_close(book);
        ::close(mem);
        error = "cannot make the XLSX file";
        return false;
    }
    format_set_bold(bold);
    worksheet_freeze_panes(sheet, 1, 0);
    for (size_t i = 0; i < columns.size(); ++i) {
        const std::string& h = columns[i].header.in(o.headerLang);
        // Wide enough for the header, and for an email or a sentence without being a wall.
        const double width = std::clamp(double(charCount(h)) + 2, columns[i].key == "id" ? 38.0 : 12.0, 40.0);
        worksheet_set_column(sheet, lxw_col_t(i), lxw_col_t(i), width, nullptr);
        worksheet_write_string(sheet, 0, lxw_col_t(i), h.c_str(), bold);
    }
    lxw_row_t row = 0;
    lxw_error rc = LXW_NO_ERROR;
    std::string made;
    for (Lead l; rc == LXW_NO_ERROR && next(l);) {
        ++row;
        for (size_t i = 0; i < columns.size() && rc == LXW_NO_ERROR; ++i) {
            const ExportColumn& c = columns[i];
            const std::string& v = c.member ? l.*c.member : (made = c.cell(l, o.headerLang));
            if (!v.empty()) rc = worksheet_write_string(sheet, row, lxw_col_t(i), v.c_str(), nullptr);
        }
    }
    if (rc == LXW_NO_ERROR && figuresDb && o.figuresOfEvent)
        rc = figuresSheet(book, bold, figuresDb, *o.figuresOfEvent, o, error);
    const lxw_error closed = workbook_close(book);
    count = row;
    bool ok = rc == LXW_NO_ERROR && closed == LXW_NO_ERROR;
    if (!ok) error = std::string("writing the XLSX file failed: ") + lxw_strerror(rc != LXW_NO_ERROR ? rc : closed);
    if (ok && ::lseek(mem, 0, SEEK_SET) == 0) {
        std::string chunk(1 << 16, '\0');
        for (ssize_t got; ok && (got = ::read(mem, chunk.data(), chunk.size())) > 0;)
            ok = write(std::string(chunk.data(), size_t(got)));
    }
    ::close(mem);
    return ok;
}

} // namespace

bool writeLeadTable(const std::vector<ExportColumn>& columns, const ExportOptions& o, const NextLead& next,
                    const std::function<bool(const std::string&)>& write, long long& count, std::string& error) {
    count = 0;
    if (o.format == ExportOptions::Format::Xlsx) return produceXlsx(columns, o, next, write, count, error);
    return produceCsv(columns, o, next, write, count);
}

namespace {

/// The export of the leads as `name` in the open folder `dir` (`shown` is its path, for messages).
ExportResult exportLeadsAt(const fs::path& dbPath, const ExportOptions& o, int dir, const fs::path& shown,
                           const std::string& name, const std::function<void(double)>& progress) {
    // The filter matches the id between quotes in the stored JSON list: anything but an id
    // (a ',' or a '"') would match leads that chose other exhibitors.
    if (!o.company.empty() && !safeFileName(o.company))
        return failed("'" + o.company + "' is not a company id (lower-case letters, digits, '-'): nothing exported");
    LeadRows rows(dbPath, o);
    if (!rows.error().empty()) return failed(rows.error());
    std::string error;
    long long count = 0;
    const bool csv = o.format == ExportOptions::Format::Csv, xlsx = o.format == ExportOptions::Format::Xlsx;
    long long n = 0;
    const NextLead next = [&](Lead& l) {
        if (!rows.next()) return false;
        rows.lead(l); // in place: the caller's Lead keeps its strings' memory from row to row
        if (progress && ++n % 2000 == 0) progress(rows.done());
        return true;
    };
    auto result = writeFile(
        dir, shown, name, csv,
        [&](const Write& write) {
            if (o.format == ExportOptions::Format::Jsonl) return produceJsonl(rows, write, progress);
            long long written = 0;
            // A read that failed midway must not pass for a complete file.
            const bool ok = xlsx ? produceXlsx(rows.columns, o, next, write, count, error, rows.db())
                                 : writeLeadTable(rows.columns, o, next, write, written, error);
            return ok && rows.error().empty();
        },
        xlsx ? &count : nullptr);
    if (!rows.error().empty()) result = failed(rows.error());
    else if (!error.empty()) result = failed(error + " (" + (shown / name).string() + ")");
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

const char* exportExtension(ExportOptions::Format format) {
    switch (format) {
    case ExportOptions::Format::Csv: return ".csv";
    case ExportOptions::Format::Jsonl: return ".jsonl";
    case ExportOptions::Format::Xlsx: return ".xlsx";
    }
    return ".csv";
}

ExportOptions::Format exportFormatNamed(const std::string& name) {
    if (name == "jsonl") return ExportOptions::Format::Jsonl;
    if (name == "xlsx") return ExportOptions::Format::Xlsx;
    return ExportOptions::Format::Csv;
}

namespace {
Text figureHeader(Figure f) {
    switch (f) {
    case Figure::ProfileViews: return {"Profil angesehen", "Profile views"};
    case Figure::ProfileSeconds: return {"Sekunden auf dem Profil (Summe)", "Seconds on the profile (sum)"};
    case Figure::ProfileTimed: return {"Profilbesuche mit Zeit", "Profile visits timed"};
    case Figure::WebsiteQr: return {"Website-QR gezeigt", "Website QR shown"};
    case Figure::SignupsStarted: return {"Anmeldungen begonnen", "Sign-ups started"};
    case Figure::SignupsCompleted: return {"Anmeldungen abgeschickt", "Sign-ups completed"};
    case Figure::SignupsAbandoned: return {"Anmeldungen abgebrochen", "Sign-ups abandoned"};
    case Figure::SectorFilter: return {"Branchenfilter benutzt", "Sector filter used"};
    }
    return {};
}
} // namespace

std::vector<std::vector<std::string>> figuresTable(const std::vector<FigureRow>& perHour, const std::string& company, Lang lang) {
    const bool de = lang == Lang::De;
    std::vector<Figure> metrics;
    for (const Figure f : kFigures)
        if (company.empty() || f != Figure::SectorFilter) metrics.push_back(f);
    std::vector<std::vector<std::string>> out(1);
    out[0] = {de ? "Stunde (UTC)" : "Hour (UTC)", de ? "Aussteller oder Branche" : "Exhibitor or sector"};
    for (const Figure f : metrics) out[0].push_back(figureHeader(f).in(lang));
    const auto row = [&](const std::string& when, const FigureRow& r) {
        std::vector<std::string> cells = {when, r.subject.empty() ? (de ? "Stand gesamt" : "whole stand") : r.subject};
        for (const Figure f : metrics) cells.push_back(std::to_string(r[f]));
        out.push_back(std::move(cells));
    };
    for (size_t i = 0; i < perHour.size();) {
        const std::string& subject = perHour[i].subject;
        size_t end = i;
        FigureRow total{subject, -1, {}};
        for (; end < perHour.size() && perHour[end].subject == subject; ++end)
            for (size_t m = 0; m < total.values.size(); ++m) total.values[m] += perHour[end].values[m];
        if (company.empty() || subject == company) {
            row(de ? "gesamt" : "total", total);
            for (; i < end; ++i) row(isoUtc(perHour[i].hour * 3'600'000), perHour[i]);
        }
        i = end;
    }
    return out;
}

std::vector<ExportColumn> exportColumns(const std::vector<FormDef>& forms) {
    using L = const Lead&;
    std::vector<ExportColumn> cols = {
        {"id", {"ID", "ID"}, [](L l, Lang) { return l.id; }, &Lead::id},
        {"created_at", {"Erstellt (UTC)", "Created (UTC)"}, [](L l, Lang) { return isoUtc(l.createdMs); }},
        {"language", {"Sprache", "Language"}, [](L l, Lang) { return l.lang; }, &Lead::lang},
    };
    // One column per field id, in the first form's order, then what only other forms had.
    std::vector<const FormField*> fields;
    std::map<std::string, std::map<std::string, FormField>> versions; // field id -> version -> its definition
    for (const auto& form : forms)
        for (const auto& f : form.fields) {
            auto& v = versions[f.id];
            if (v.empty()) fields.push_back(&f);
            v.emplace(form.version, f); // a version listed twice: the first stays
        }
    for (const FormField* f : fields) cols.push_back(fieldColumn(*f, versions[f->id]));
    const std::vector<ExportColumn> rest = {
        {"sectors", {"Branchen", "Sectors"}, [](L l, Lang) { return joinedIds(l.sectors); }},
        {"exhibitors", {"Aussteller", "Exhibitors"}, [](L l, Lang) { return joinedIds(l.exhibitors); }},
        {"newsletter", {"Newsletter", "Newsletter"}, [](L l, Lang) { return std::string(l.newsletter ? "1" : "0"); }},
        {"consent_version", {"Einwilligung Fassung", "Consent version"}, [](L l, Lang) { return l.consent.version; }},
        {"consent_text_sha256", {"Einwilligung SHA-256", "Consent SHA-256"}, [](L l, Lang) { return l.consent.sha256; }},
        {"consent_language", {"Einwilligung Sprache", "Consent language"}, [](L l, Lang) { return l.consent.lang; }},
        {"consent_given_at", {"Einwilligung Zeitpunkt (UTC)", "Consent given (UTC)"},
         [](L l, Lang) { return isoUtc(l.consent.atMs); }},
        {"source", {"Quelle", "Source"}, [](L l, Lang) { return l.source; }, &Lead::source},
        {"sync_state", {"Sync-Status", "Sync state"}, [](L l, Lang) { return l.syncState; }, &Lead::syncState},
        {"capture", {"Erfassung", "Capture"}, [](L l, Lang) { return l.capture; }, &Lead::capture},
        {"form_version", {"Formular", "Form version"}, [](L l, Lang) { return l.formVersion; }, &Lead::formVersion},
    };
    cols.insert(cols.end(), rest.begin(), rest.end());
    return cols;
}

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

    const std::string ext = exportExtension(options.format);
    const size_t steps = 2 * exhibitorIds.size() + 2;
    size_t step = 0;
    auto part = [&](double f) { if (progress) progress((double(step) + f) / double(steps + 1)); };
    auto add = [&](ExportResult r) {
        ++step;
        all.files.insert(all.files.end(), r.files.begin(), r.files.end());
        if (r.ok) why = destinationMoved(destination, dest.get());
        else why = r.error;
        return why.empty();
    };
    ExportOptions withFigures = options;
    withFigures.figuresOfEvent = eventId;
    if (!add(exportLeadsAt(dbPath, withFigures, tmp.get(), shown, "all-leads" + ext, part))) return abandon(why);
    for (const auto& id : exhibitorIds) {
        ExportOptions o = withFigures;
        o.company = id;
        if (!add(exportLeadsAt(dbPath, o, tmp.get(), shown, "exhibitor-" + id + ext, part))) return abandon(why);
    }
    sqlite3* db = nullptr;
    std::string readError;
    if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) readError = "cannot open it";
    // What was counted (no personal data): each exhibitor gets its own, the organiser all.
    auto figures = readError.empty() ? readFigures(db, eventId, true) : Result<std::vector<FigureRow>>{Status::failed(readError)};
    if (!figures) {
        sqlite3_close(db);
        return abandon("reading the figures from " + dbPath.string() + " failed: " + figures.error);
    }
    const auto figuresFile = [&](const std::string& company, const std::string& name) {
        ExportResult r = writeFile(tmp.get(), shown, name, true, [&](const Write& write) {
            std::string buf = "\xEF\xBB\xBF";
            for (const auto& cells : figuresTable(figures.value, company, options.headerLang)) {
                for (size_t i = 0; i < cells.size(); ++i) buf += (i ? std::string(1, options.delimiter) : "") + csvCell(cells[i], options.delimiter);
                buf += "\r\n";
            }
            return write(buf);
        });
        for (auto& f : r.files) f.leads = 0; // rows of counts, not leads
        return r;
    };
    for (const auto& id : exhibitorIds)
        if (!add(figuresFile(id, "exhibitor-" + id + "-figures.csv"))) {
            sqlite3_close(db);
            return abandon(why);
        }
    if (!add(figuresFile("", "figures.csv"))) {
        sqlite3_close(db);
        return abandon(why);
    }
    // The erasure log (no personal data): so the back office erases synced copies too.
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
