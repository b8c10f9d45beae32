// Unit tests of the lead exports (core/export) and of the store's erase, purge and stats
// (core/leads/lead_store): CSV safe against formula injection, RFC 4180 quoting, golden
// files compared byte for byte, per-exhibitor files, atomic private writes, failures
// that name the path, a 100,000-lead export, and erasures that leave everything else alone.
//
// Golden files: tests/fixtures/export/. After a deliberate format change, regenerate them
// with KIOSK_UPDATE_GOLDEN=1 ./build/ci/bin/unit_tests -tc='export: golden*', review the
// diff by eye (BOM, header, CRLF, quoting, the leading ', umlauts), and commit them.
#include "core/letters.hpp"
#include "core/content/content.hpp"
#include "core/export/export.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/synthetic.hpp"
#include "../support/test_db.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using kiosk::test::RawDb;
using kiosk::test::TempDir;
using kiosk::test::contains;
using kiosk::test::inChild;
using kiosk::test::modeOf;
using kiosk::test::TmpfsMount;
using kiosk::test::readFile;
using namespace kiosk::core;

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

std::string sqlQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

/// A strict RFC 4180 reader: records end with CRLF, quotes only around whole cells.
struct Csv {
    std::vector<std::vector<std::string>> rows;
    std::string error; ///< empty when the text is well-formed
};

Csv parseCsv(std::string_view s, char d) {
    Csv out;
    std::vector<std::string> row;
    std::string cell;
    bool cellStart = true;
    size_t i = 0;
    auto fail = [&](const std::string& why) {
        out.error = why + " at byte " + std::to_string(i) + " (record " + std::to_string(out.rows.size() + 1) + ")";
        return out;
    };
    while (i < s.size()) {
        const char c = s[i];
        if (cellStart && c == '"') {
            ++i;
            for (;;) {
                if (i >= s.size()) return fail("unterminated quoted cell");
                if (s[i] == '"') {
                    if (i + 1 < s.size() && s[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += s[i++];
            }
            if (i < s.size() && s[i] != d && s[i] != '\r') return fail("text after a closing quote");
            cellStart = false;
            continue;
        }
        if (c == d) {
            row.push_back(std::move(cell));
            cell.clear();
            cellStart = true;
            ++i;
        } else if (c == '\r') {
            if (i + 1 >= s.size() || s[i + 1] != '\n') return fail("CR without LF outside quotes");
            row.push_back(std::move(cell));
            cell.clear();
            out.rows.push_back(std::move(row));
            row.clear();
            cellStart = true;
            i += 2;
        } else if (c == '\n') {
            return fail("LF without CR outside quotes");
        } else if (c == '"') {
            return fail("a quote inside an unquoted cell");
        } else {
            cell += c;
            cellStart = false;
            ++i;
        }
    }
    if (!row.empty() || !cell.empty() || !cellStart) return fail("the last record does not end with CRLF");
    return out;
}

constexpr const char* kBom = "\xEF\xBB\xBF";

/// The CSV file without its BOM, parsed; REQUIREs the BOM and a well-formed body.
Csv readCsv(const fs::path& p, char d) {
    const std::string text = readFile(p);
    INFO(p.string());
    REQUIRE(text.size() >= 3);
    REQUIRE(text.compare(0, 3, kBom) == 0);
    Csv c = parseCsv(std::string_view(text).substr(3), d);
    INFO(c.error);
    REQUIRE(c.error.empty());
    return c;
}

bool dangerous(const std::string& cell) { return !cell.empty() && std::strchr("=+-@\t\r\n", cell[0]) != nullptr; }

/// What a value must look like in the CSV after neutralising: a ' before a dangerous first
/// character, and before = + - @ tab that follow a ',' ';' CR or LF (and any quotes after it).
std::string guarded(const std::string& v) {
    std::string out;
    bool afterBreak = false;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i == 0 ? dangerous(v) : afterBreak && std::string_view("=+-@\t").find(v[i]) != std::string_view::npos) out += '\'';
        out += v[i];
        if (std::string_view(",;\r\n").find(v[i]) != std::string_view::npos) afterBreak = true;
        else if (v[i] != '"') afterBreak = false;
    }
    return out;
}

const char* const kHeaderDe[] = {"ID", "Erstellt (UTC)", "Sprache", "Vorname", "Nachname", "E-Mail", "Firma",
                                 "Funktion", "Telefon", "Nachricht", "Branchen", "Aussteller", "Newsletter",
                                 "Einwilligung Fassung", "Einwilligung SHA-256", "Einwilligung Sprache",
                                 "Einwilligung Zeitpunkt (UTC)", "Quelle", "Sync-Status", "Erfassung", "Formular"};
const char* const kHeaderEn[] = {"ID", "Created (UTC)", "Language", "First name", "Last name", "Email", "Company",
                                 "Job title", "Phone", "Message", "Sectors", "Exhibitors", "Newsletter",
                                 "Consent version", "Consent SHA-256", "Consent language", "Consent given (UTC)",
                                 "Source", "Sync state", "Capture", "Form version"};
enum Col { cId, cCreated, cLang, cFirst, cLast, cEmail, cCompany, cJob, cPhone, cMessage, cSectors, cExhibitors,
           cNewsletter, cConsentVersion, cConsentSha, cConsentLang, cConsentAt, cSource, cSync, cCapture, cForm, kCols };

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

/// The row a lead must become (after neutralising), column by column.
std::vector<std::string> expectedRow(const Lead& l, const std::string& syncState) {
    return {guarded(l.id), isoUtc(l.createdMs), guarded(l.lang), guarded(l.firstName), guarded(l.lastName),
            guarded(l.email), guarded(l.company), guarded(l.jobTitle), guarded(l.phone), guarded(l.message),
            joined(l.sectors), joined(l.exhibitors), l.newsletter ? "1" : "0", guarded(l.consent.version),
            guarded(l.consent.sha256), guarded(l.consent.lang), isoUtc(l.consent.atMs), guarded(l.source), syncState,
            guarded(l.capture), guarded(l.formVersion)};
}

// ---------------------------------------------------------------------------------------------
// The fixed leads of the golden files: deterministic ids and times, every hard case.

constexpr std::int64_t kBaseMs = 1779874200000; // 2026-05-27T09:30:00.000Z
const char* const kEvent = "ruhrsummit-innovation-bridge-uk";

Lead baseLead(int n) {
    Lead l;
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
    l.id = id;
    l.createdMs = kBaseMs + n;
    l.kioskId = "kiosk-01";
    l.eventId = kEvent;
    l.lang = "de";
    l.consent = {"2026-05", sha256Hex("consent text " + std::to_string(n)), "de", 0};
    return l;
}

std::vector<Lead> fixedLeads() {
    std::vector<Lead> v;
    {   // 1: plain German, umlauts and ß, an en dash
        Lead l = baseLead(1);
        l.createdMs = kBaseMs + 123;
        l.firstName = "Jürgen";
        l.lastName = "Weiß";
        l.email = "juergen.weiss@example.org";
        l.company = "Stadtwerke Essen";
        l.jobTitle = "Geschäftsführer";
        l.message = "Grüße aus Köln – bis bald!";
        l.sectors = {"hydrogen"};
        l.exhibitors = {"irk-valley-hydrogen"};
        l.newsletter = true;
        v.push_back(l);
    }
    {   // 2: the OWASP CSV-injection payloads, one per field
        Lead l = baseLead(2);
        l.createdMs = kBaseMs + 61'007; // 09:31:01.007
        l.lang = "en";
        l.firstName = "=cmd|' /C calc'!A0";
        l.lastName = "+SUM(1,2)";
        l.email = "-2+3@example.org";
        l.company = "@SUM(1)";
        l.jobTitle = "\t=1";
        l.phone = "+49 201 123";
        l.message = "\r=1";
        l.sectors = {"cybersecurity", "digital-health"};
        l.exhibitors = {"medlock-gas-sensing", "irk-valley-hydrogen"};
        l.consent.lang = "en";
        v.push_back(l);
    }
    {   // 3: quotes, both delimiters, line breaks inside cells; after midnight UTC
        Lead l = baseLead(3);
        l.createdMs = kBaseMs + 15 * 3'600'000LL + 59'999; // 2026-05-28T00:30:59.999Z
        l.firstName = "O\"Brien";
        l.lastName = "Smith; Jones";
        l.email = "o.brien@example.co.uk";
        l.company = "Müller, Lüdenscheidt & Söhne";
        l.jobTitle = "Line1\nLine2";
        l.phone = "(0201) 123-45";
        l.message = "a\r\nb; \"c\", d";
        l.exhibitors = {"bollin-ot-defence"};
        v.push_back(l);
    }
    {   // 4: emoji, a formula in the message, a phone starting with '-'; the day before
        Lead l = baseLead(4);
        l.createdMs = kBaseMs - 86'400'000 + 1;
        l.lang = "en";
        l.firstName = "Zoë 😀";
        l.lastName = "Đorđević";
        l.email = "Zoe@Example.org";
        l.phone = "-0201";
        l.message = "=HYPERLINK(\"http://x\",\"y\")";
        l.sectors = {"digital-health"};
        l.exhibitors = {"medlock-gas-sensing"};
        l.consent.lang = "en";
        l.source = "synthetic";
        v.push_back(l);
    }
    {   // 5: a leading LF, a lone '-' and '+', a leading space (not a formula), more scripts
        Lead l = baseLead(5);
        l.createdMs = kBaseMs + 999;
        l.firstName = "\n=1";
        l.lastName = "-";
        l.email = "x@example.org";
        l.company = " =1";
        l.jobTitle = "'already quoted";
        l.phone = "+";
        l.message = "Ünïcödé ß ẞ € 日本 Ελληνικά";
        l.sectors = {"hydrogen"};
        l.exhibitors = {"irk-valley"}; // shares a prefix with irk-valley-hydrogen
        v.push_back(l);
    }
    {   // 6: an ordinary lead for three exhibitors, later marked synced
        Lead l = baseLead(6);
        l.createdMs = kBaseMs + 2 * 3'600'000LL;
        l.firstName = "Anna";
        l.lastName = "Schmidt";
        l.email = "anna.schmidt@example.de";
        l.company = "Klinikum Bochum";
        l.jobTitle = "Einkauf";
        l.phone = "0201 123456";
        l.sectors = {"digital-health", "hydrogen"};
        l.exhibitors = {"irk-valley-hydrogen", "bollin-ot-defence", "medlock-gas-sensing"};
        l.newsletter = true;
        v.push_back(l);
    }
    for (auto& l : v)
        if (l.consent.atMs == 0) l.consent.atMs = l.createdMs - 4'321;
    return v;
}

/// The sync state each fixed lead gets (by SQL, as the uploader would set it).
std::string fixedSyncState(const Lead& l) {
    if (l.id.back() == '6') return "synced";
    if (l.id.back() == '4') return "failed";
    return "pending";
}

/// A database holding the fixed leads, with sync states set.
fs::path makeFixedDb(const TempDir& t) {
    const fs::path db = t / "data" / "leads.db";
    LeadStore store(db);
    for (const auto& l : fixedLeads()) REQUIRE(store.insert(l));
    RawDb raw(db);
    for (const auto& l : fixedLeads())
        raw.exec("UPDATE leads SET sync_state = " + sqlQuote(fixedSyncState(l)) + " WHERE id = " + sqlQuote(l.id));
    return db;
}

/// Exports with `o` to a fresh file and returns its path (REQUIREs success).
fs::path exportTo(const fs::path& db, const ExportOptions& o, const fs::path& out) {
    const ExportResult r = exportLeads(db, o, out);
    INFO(r.error);
    REQUIRE(r.ok);
    REQUIRE(r.files.size() == 1);
    CHECK(r.files[0].path == out);
    CHECK(r.files[0].bytes == static_cast<long long>(fs::file_size(out)));
    return out;
}

ExportOptions csvOptions(char delimiter, Lang lang, const std::string& company = {}) {
    ExportOptions o;
    o.format = ExportOptions::Format::Csv;
    o.delimiter = delimiter;
    o.headerLang = lang;
    o.company = company;
    return o;
}

ExportOptions jsonlOptions(const std::string& company = {}) {
    ExportOptions o;
    o.format = ExportOptions::Format::Jsonl;
    o.company = company;
    return o;
}

/// Compares `file` byte for byte with the golden file (or writes it, with KIOSK_UPDATE_GOLDEN=1).
void checkGolden(const fs::path& file, const std::string& goldenName) {
    const fs::path golden = fs::path(FIXTURES_DIR) / "export" / goldenName;
    const std::string got = readFile(file);
    if (const char* u = std::getenv("KIOSK_UPDATE_GOLDEN"); u && std::string(u) == "1") {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary | std::ios::trunc) << got;
        MESSAGE("golden file written: " << golden.string() << " - review it before committing");
        return;
    }
    INFO("golden file: ", golden.string(), " (regenerate with KIOSK_UPDATE_GOLDEN=1 after review)");
    REQUIRE(fs::exists(golden));
    const std::string want = readFile(golden);
    if (got != want) {
        size_t i = 0;
        while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
        const auto around = [i](const std::string& s) { return s.substr(i > 40 ? i - 40 : 0, 80); };
        INFO("first difference at byte ", i, "\n got: ", around(got), "\nwant: ", around(want));
        CHECK(got == want);
    }
}

std::vector<std::string> idsIn(const Csv& c) {
    std::vector<std::string> ids;
    for (size_t i = 1; i < c.rows.size(); ++i) ids.push_back(c.rows[i].at(0));
    return ids;
}

std::vector<std::string> idsInJsonl(const fs::path& p) {
    std::vector<std::string> ids;
    std::ifstream in(p, std::ios::binary);
    for (std::string line; std::getline(in, line);) ids.push_back(nlohmann::json::parse(line).at("id").get<std::string>());
    return ids;
}

/// The fixed leads' ids that chose `company`, in storage order.
std::vector<std::string> fixedIdsFor(const std::string& company) {
    std::vector<std::string> ids;
    for (const auto& l : fixedLeads())
        if (company.empty() || std::find(l.exhibitors.begin(), l.exhibitors.end(), company) != l.exhibitors.end())
            ids.push_back(l.id);
    return ids;
}

const char* kAllLeadRows = "SELECT * FROM leads ORDER BY id";



/// leads.db in `t` with 3000 leads whose messages ("MARKER-<n>-" and 300 x) show which page
/// holds which lead; closed, so the WAL is checkpointed into the file.
fs::path markedDb(const TempDir& t) {
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    std::vector<Lead> many;
    for (int n = 0; n < 3000; ++n) {
        Lead l = baseLead(n);
        l.message = "MARKER-" + std::to_string(n) + "-" + std::string(300, 'x');
        many.push_back(l);
    }
    REQUIRE(store.insertBatch(many));
    return db;
}

/// The pages of a closed database file, to overwrite one in place.
struct Pages {
    explicit Pages(const fs::path& file)
        : db(file), bytes(readFile(file)), size(static_cast<size_t>(RawDb(file).integer("PRAGMA page_size"))) {}

    /// The number of the page that holds `marker`.
    size_t of(const std::string& marker) const {
        const size_t at = bytes.find(marker);
        REQUIRE(at != std::string::npos);
        return at / size;
    }
    std::string page(size_t n) const { return bytes.substr(n * size, size); }
    void overwrite(size_t n, const std::string& with) const {
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(n * size));
        f.write(with.data(), static_cast<std::streamsize>(with.size()));
        REQUIRE(f.good());
    }

    fs::path db;
    std::string bytes;
    size_t size;
};

/// exportLeads of a markedDb() as CSV and as JSON Lines into `t`; `check` gets each result
/// and the file it was to write.
void exportBoth(const TempDir& t, const fs::path& db,
                const std::function<void(const ExportResult&, const fs::path&)>& check) {
    for (const bool jsonl : {false, true}) {
        CAPTURE(jsonl);
        const fs::path out = t / (jsonl ? "out.jsonl" : "out.csv");
        const ExportResult r = exportLeads(db, jsonl ? jsonlOptions() : csvOptions(';', Lang::De), out);
        INFO("reported ok=", r.ok, " with ", r.leads(), " of 3000 leads; error: ", r.error);
        check(r, out);
    }
}

} // namespace

TEST_SUITE("export") {

// ---------------------------------------------------------------------------------------------
// csvCell

TEST_CASE("export: csvCell puts a ' before every dangerous leading character") {
    struct Case {
        std::string in, semicolon, comma;
    };
    const Case cases[] = {
        {"=1+1", "'=1+1", "'=1+1"},
        {"+49 201 123", "'+49 201 123", "'+49 201 123"},
        {"-2+3", "'-2+3", "'-2+3"},
        {"@SUM(1)", "'@SUM(1)", "'@SUM(1)"},
        {"\t=1", "'\t=1", "'\t=1"},
        {"\r=1", "\"'\r'=1\"", "\"'\r'=1\""}, // a reader that lost the quoting starts a cell after CR
        {"\n=1", "\"'\n'=1\"", "\"'\n'=1\""},
        {"=", "'=", "'="},
        {"+", "'+", "'+"},
        {"-", "'-", "'-"},
        {"@", "'@", "'@"},
        {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
        {"+SUM(1,2)", "\"'+SUM(1,2)\"", "\"'+SUM(1,2)\""},
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
         "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"=1;2", "\"'=1;2\"", "\"'=1;2\""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.in);
        CHECK(csvCell(c.in, ';') == c.semicolon);
        CHECK(csvCell(c.in, ',') == c.comma);
    }
}

TEST_CASE("export: csvCell quotes both delimiters and quotes and CR and LF as RFC 4180 says") {
    CHECK(csvCell("a;b", ';') == "\"a;b\"");
    CHECK(csvCell("a;b", ',') == "\"a;b\"");
    CHECK(csvCell("a,b", ',') == "\"a,b\"");
    CHECK(csvCell("a,b", ';') == "\"a,b\"");
    CHECK(csvCell("say \"hi\"", ';') == "\"say \"\"hi\"\"\"");
    CHECK(csvCell("\"", ',') == "\"\"\"\"");
    CHECK(csvCell("\"\"", ';') == "\"\"\"\"\"\"");
    CHECK(csvCell("line1\nline2", ';') == "\"line1\nline2\"");
    CHECK(csvCell("line1\r\nline2", ',') == "\"line1\r\nline2\"");
    CHECK(csvCell("cr\r", ';') == "\"cr\r\"");
    CHECK(csvCell("Müller, Lüdenscheidt & Söhne", ',') == "\"Müller, Lüdenscheidt & Söhne\"");
}

TEST_CASE("export: csvCell leaves safe values untouched") {
    for (const char* v : {"", "a", "Jürgen", "Weiß", "O'Brien", "'=already", " =1", "1+1", "a=b", "x@example.org",
                          "0201 123", "Zoë 😀", "日本", "a\tb", "(0201) 123-45"}) {
        CAPTURE(v);
        CHECK(csvCell(v, ';') == v);
        CHECK(csvCell(v, ',') == v);
    }
}

TEST_CASE("export: csvCell of random values reads back as the value or ' plus the value") {
    const std::vector<std::string> alphabet = {"=", "+", "-", "@", "\t", "\r", "\n", "\"", ";", ",", "'", " ", "a",
                                               "Z", "1", "ä", "ß", "😀", "|", "!"};
    std::mt19937 rng(20260527);
    for (int n = 0; n < 5000; ++n) {
        std::string v;
        const int len = std::uniform_int_distribution<int>(0, 8)(rng);
        for (int i = 0; i < len; ++i) v += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
        for (const char d : {';', ','}) {
            CAPTURE(v);
            CAPTURE(d);
            const std::string line = csvCell(v, d) + d + csvCell("next", d) + "\r\n";
            const Csv c = parseCsv(line, d);
            REQUIRE(c.error.empty());
            REQUIRE(c.rows.size() == 1);
            REQUIRE(c.rows[0].size() == 2);
            CHECK(c.rows[0][0] == guarded(v));
            CHECK(c.rows[0][1] == "next");
            CHECK_FALSE(dangerous(c.rows[0][0]));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Golden files

TEST_CASE("export: golden CSV with semicolons and the German header") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, csvOptions(';', Lang::De), t / "out.csv"), "leads-semicolon-de.csv");
}

TEST_CASE("export: golden CSV with commas and the English header") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, csvOptions(',', Lang::En), t / "out.csv"), "leads-comma-en.csv");
}

TEST_CASE("export: golden CSV with commas and the German header") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, csvOptions(',', Lang::De), t / "out.csv"), "leads-comma-de.csv");
}

TEST_CASE("export: golden CSV with semicolons and the English header") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, csvOptions(';', Lang::En), t / "out.csv"), "leads-semicolon-en.csv");
}

TEST_CASE("export: golden JSON Lines") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, jsonlOptions(), t / "out.jsonl"), "leads.jsonl");
}

TEST_CASE("export: golden CSV for one exhibitor") {
    TempDir t;
    const auto db = makeFixedDb(t);
    checkGolden(exportTo(db, csvOptions(';', Lang::De, "medlock-gas-sensing"), t / "out.csv"),
                "exhibitor-medlock-gas-sensing.csv");
}

// ---------------------------------------------------------------------------------------------
// The CSV and JSONL contents, independently of the golden files

TEST_CASE("export: every CSV variant has a BOM and the header and CRLF records and every value intact") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const auto leads = fixedLeads();
    for (const char d : {';', ','})
        for (const Lang lang : {Lang::De, Lang::En}) {
            CAPTURE(d);
            CAPTURE(langCode(lang));
            const fs::path out = exportTo(db, csvOptions(d, lang), t / "out.csv");
            const std::string text = readFile(out);
            CHECK(text.compare(0, 3, kBom) == 0);
            CHECK(text.compare(text.size() - 2, 2, "\r\n") == 0);
            const Csv c = readCsv(out, d);
            REQUIRE(c.rows.size() == leads.size() + 1);
            const auto* header = lang == Lang::De ? kHeaderDe : kHeaderEn;
            REQUIRE(c.rows[0].size() == kCols);
            for (int i = 0; i < kCols; ++i) CHECK(c.rows[0][size_t(i)] == header[i]);
            for (size_t r = 0; r < leads.size(); ++r) {
                CAPTURE(leads[r].id);
                REQUIRE(c.rows[r + 1].size() == kCols);
                const auto want = expectedRow(leads[r], fixedSyncState(leads[r]));
                for (int i = 0; i < kCols; ++i) {
                    CAPTURE(i);
                    CHECK(c.rows[r + 1][size_t(i)] == want[size_t(i)]);
                    CHECK_FALSE(dangerous(c.rows[r + 1][size_t(i)]));
                }
            }
        }
}

TEST_CASE("export: the CSV neutralises the OWASP payloads and keeps umlauts as UTF-8") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path out = exportTo(db, csvOptions(';', Lang::De), t / "out.csv");
    const std::string text = readFile(out);
    CHECK(contains(text, ";'=cmd|' /C calc'!A0;"));
    CHECK(contains(text, ";\"'+SUM(1,2)\";"));
    CHECK(contains(text, ";'-2+3@example.org;"));
    CHECK(contains(text, ";'@SUM(1);"));
    CHECK(contains(text, ";'\t=1;"));
    CHECK(contains(text, ";'+49 201 123;"));
    CHECK(contains(text, ";\"'\r'=1\";"));
    CHECK(contains(text, ";\"'\n'=1\";"));
    CHECK(contains(text, ";\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";"));
    CHECK(contains(text, ";Jürgen;Weiß;"));
    CHECK(contains(text, ";Zoë 😀;Đorđević;"));
    CHECK(contains(text, "Ünïcödé ß ẞ € 日本 Ελληνικά"));
    CHECK_FALSE(contains(text, "\xC3\x83")); // no double-encoded UTF-8 (Ã...)
    CHECK_FALSE(contains(text, ";=")); // no cell starts with a formula
    CHECK_FALSE(contains(text, ";+"));
    CHECK_FALSE(contains(text, ";@"));
}

TEST_CASE("export: random values in every text field come out of the CSV as csvCell makes them") {
    // The export copies most cells straight through and only sends some to csvCell: both
    // paths must agree, for both delimiters.
    const std::vector<std::string> alphabet = {"=", "+", "-", "@", "\t", "\r", "\n", "\"", ";", ",", "'", " ", "a",
                                               "ä", "ß", "😀", "1", "x"};
    std::mt19937 rng(4180);
    auto randomText = [&] {
        std::string v;
        const int len = std::uniform_int_distribution<int>(0, 6)(rng);
        for (int i = 0; i < len; ++i) v += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
        return v;
    };
    TempDir t;
    const fs::path db = t / "leads.db";
    std::vector<Lead> leads;
    {
        LeadStore store(db);
        for (int n = 0; n < 400; ++n) {
            Lead l = baseLead(100 + n);
            l.firstName = randomText();
            l.lastName = randomText();
            l.email = randomText();
            l.company = randomText();
            l.jobTitle = randomText();
            l.phone = randomText();
            l.message = randomText();
            l.kioskId = randomText();
            l.consent.version = randomText();
            l.source = randomText();
            l.consent.atMs = l.createdMs;
            leads.push_back(l);
        }
        REQUIRE(store.insertBatch(leads));
    }
    for (const char d : {';', ','}) {
        CAPTURE(d);
        const fs::path out = exportTo(db, csvOptions(d, Lang::En), t / "out.csv");
        const Csv c = readCsv(out, d);
        REQUIRE(c.rows.size() == leads.size() + 1);
        for (size_t r = 0; r < leads.size(); ++r) {
            const auto want = expectedRow(leads[r], "pending");
            for (int i = 0; i < kCols; ++i) {
                CAPTURE(r);
                CAPTURE(i);
                CHECK(c.rows[r + 1][size_t(i)] == want[size_t(i)]);
            }
        }
        CHECK(exportLeads(db, csvOptions(d, Lang::En), t / "again.csv").files.at(0).leads == 400);
    }
}

TEST_CASE("export: CSV times equal isoUtc for many times across days and years") {
    TempDir t;
    const fs::path db = t / "leads.db";
    std::vector<Lead> leads;
    std::mt19937_64 rng(1);
    for (int n = 0; n < 300; ++n) {
        Lead l = baseLead(n);
        l.createdMs = n < 4 ? std::int64_t(n) * 86'399'999 : std::int64_t(rng() % 4'102'444'800'000ULL); // to 2100
        l.consent.atMs = l.createdMs / 2;
        leads.push_back(l);
    }
    {
        LeadStore store(db);
        REQUIRE(store.insertBatch(leads));
    }
    const Csv c = readCsv(exportTo(db, csvOptions(';', Lang::De), t / "out.csv"), ';');
    REQUIRE(c.rows.size() == leads.size() + 1);
    for (size_t r = 0; r < leads.size(); ++r) {
        CAPTURE(leads[r].createdMs);
        CHECK(c.rows[r + 1][cCreated] == isoUtc(leads[r].createdMs));
        CHECK(c.rows[r + 1][cConsentAt] == isoUtc(leads[r].consent.atMs));
    }
}

TEST_CASE("export: JSON Lines are the stored payloads byte for byte with the same fields") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path out = exportTo(db, jsonlOptions(), t / "out.jsonl");
    const std::string text = readFile(out);
    CHECK(text.compare(0, 3, kBom) != 0); // no BOM in JSON Lines
    const auto leads = fixedLeads();
    std::string want;
    for (const auto& l : leads) want += leadJson(l) + "\n";
    CHECK(text == want);
    std::ifstream in(out, std::ios::binary);
    size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) {
        REQUIRE(n < leads.size());
        const auto j = nlohmann::json::parse(line);
        const auto expected = nlohmann::json::parse(leadJson(leads[n]));
        CHECK(j == expected);
        CHECK(j.at("first_name").get<std::string>() == leads[n].firstName);
        CHECK(j.at("message").get<std::string>() == leads[n].message);
        CHECK_FALSE(j.contains("sync_state"));
    }
    CHECK(n == leads.size());
}

// ---------------------------------------------------------------------------------------------
// One exhibitor's leads

TEST_CASE("export: a per-company export holds exactly the leads that chose that company") {
    TempDir t;
    const auto db = makeFixedDb(t);
    for (const std::string company :
         {"irk-valley-hydrogen", "medlock-gas-sensing", "bollin-ot-defence", "irk-valley", "irk", "valley-hydrogen",
          "ancoats-code-assurance"}) {
        CAPTURE(company);
        const auto want = fixedIdsFor(company);
        const fs::path csv = exportTo(db, csvOptions(';', Lang::De, company), t / "c.csv");
        const Csv c = readCsv(csv, ';');
        CHECK(idsIn(c) == want);
        for (size_t r = 1; r < c.rows.size(); ++r) CHECK(contains(", " + c.rows[r][cExhibitors] + ",", " " + company + ","));
        CHECK(exportLeads(db, csvOptions(',', Lang::En, company), t / "c2.csv").leads() == (long long)want.size());
        const fs::path jl = exportTo(db, jsonlOptions(company), t / "c.jsonl");
        CHECK(idsInJsonl(jl) == want);
    }
}

TEST_CASE("export: a company filter that is no id is refused instead of matching other exhibitors' leads") {
    TempDir t;
    const auto db = makeFixedDb(t);
    for (const std::string company : {"\",\"", ",", "irk-valley-hydrogen\",\"medlock-gas-sensing", "\"", "%", "IRK"}) {
        CAPTURE(company);
        const fs::path out = t / "c.csv";
        const ExportResult r = exportLeads(db, csvOptions(';', Lang::De, company), out);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "not a company id"));
        CHECK_FALSE(fs::exists(out));
    }
}

TEST_CASE("export: a company nobody chose gives a header-only CSV and an empty JSONL file") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De, "nobody"), t / "n.csv");
    REQUIRE(r.ok);
    CHECK(r.leads() == 0);
    const Csv c = readCsv(t / "n.csv", ';');
    CHECK(c.rows.size() == 1);
    const ExportResult j = exportLeads(db, jsonlOptions("nobody"), t / "n.jsonl");
    REQUIRE(j.ok);
    CHECK(j.leads() == 0);
    CHECK(fs::file_size(t / "n.jsonl") == 0);
}

TEST_CASE("export: an empty database exports a header-only CSV") {
    TempDir t;
    const fs::path db = t / "leads.db";
    {
        LeadStore store(db);
        REQUIRE(store.open());
    }
    const ExportResult r = exportLeads(db, csvOptions(',', Lang::En), t / "e.csv");
    REQUIRE(r.ok);
    CHECK(r.leads() == 0);
    CHECK(readCsv(t / "e.csv", ',').rows.size() == 1);
}

// ---------------------------------------------------------------------------------------------
// Writing the file

TEST_CASE("export: the file is written atomically with mode 0600 and no .part left") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path out = t / "stick" / "deep" / "leads.csv";
    fs::create_directories(out.parent_path());
    const mode_t old = ::umask(0); // even a permissive umask
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
    ::umask(old);
    REQUIRE(r.ok);
    CHECK(modeOf(out) == 0600);
    CHECK_FALSE(fs::exists(out.string() + ".part"));
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out.parent_path())) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"leads.csv"});
    // An older file (world-readable, other content) is replaced whole, and private again.
    {
        std::ofstream(out, std::ios::trunc) << "old content that is longer than nothing\n";
        fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    }
    const ExportResult again = exportLeads(db, jsonlOptions(), out);
    REQUIRE(again.ok);
    CHECK(modeOf(out) == 0600);
    CHECK_FALSE(contains(readFile(out), "old content"));
    CHECK(again.leads() == 6);
    CHECK_FALSE(fs::exists(out.string() + ".part"));
}

TEST_CASE("export: a symlink where the .part file goes is replaced, not written through") {
    TempDir t;
    const auto db = makeFixedDb(t);
    TempDir::write(t / "victim.txt", "must stay as it is\n");
    const fs::path out = t / "leads.csv";
    fs::create_symlink(t / "victim.txt", out.string() + ".part");
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(readFile(t / "victim.txt") == "must stay as it is\n");
    CHECK(fs::is_regular_file(fs::symlink_status(out)));
    CHECK(r.leads() == 6);
    CHECK_FALSE(fs::exists(fs::symlink_status(out.string() + ".part")));
}

TEST_CASE("export: a destination that cannot be written gives ok=false naming the path and leaves nothing") {
    TempDir t;
    const auto db = makeFixedDb(t);
    SUBCASE("below a regular file") {
        std::ofstream(t / "a-file") << "x";
        const fs::path out = t / "a-file" / "leads.csv";
        const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, out.string()));
        CHECK(r.files.empty());
        CHECK(r.leads() == 0);
    }
    SUBCASE("a folder that cannot be created") {
        const fs::path out = "/proc/kiosk-no-such-stick/leads.csv";
        const ExportResult r = exportLeads(db, jsonlOptions(), out);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, out.string()));
        CHECK(r.files.empty());
    }
    SUBCASE("a read-only folder") {
        if (::geteuid() == 0) {
            MESSAGE("skipped: running as root, chmod does not stop root (the other subcases cover this)");
            return;
        }
        fs::create_directory(t / "ro");
        fs::permissions(t / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        const fs::path out = t / "ro" / "leads.csv";
        const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, out.string()));
        CHECK_FALSE(fs::exists(out));
    }
    SUBCASE("a read-only stand export") {
        std::ofstream(t / "not-a-folder") << "x";
        const ExportResult r = exportForStand(db, {"irk-valley-hydrogen"}, kEvent, csvOptions(';', Lang::De),
                                              t / "not-a-folder", kBaseMs);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, (t / "not-a-folder").string()));
    }
}

TEST_CASE("export: a missing database gives ok=false naming it and writes nothing") {
    TempDir t;
    const fs::path db = t / "nothing-here" / "leads.db";
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), t / "out.csv");
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, db.string()));
    CHECK_FALSE(fs::exists(t / "out.csv"));
    CHECK_FALSE(fs::exists(db)); // the export does not create one
}

TEST_CASE("export: a database that fails half way through the leads gives ok=false and not half an export") {
    // A damaged page in the middle of the leads table: SQLite reports SQLITE_CORRUPT when
    // the scan reaches it. Staff must not get a file with half the leads reported as done.
    TempDir t;
    const fs::path db = markedDb(t);
    const Pages pages(db);
    const size_t page = pages.of("MARKER-1500-");
    REQUIRE(page > 0);
    pages.overwrite(page, std::string(pages.size, '\xA5'));
    exportBoth(t, db, [](const ExportResult& r, const fs::path& out) {
        CHECK_FALSE(r.ok);
        CHECK_FALSE(r.error.empty());
        CHECK_FALSE(fs::exists(out.string() + ".part"));
    });
}

TEST_CASE("export: a full USB stick (256 KiB tmpfs) gives ok=false naming the file and leaves no .part") {
    if (::geteuid() != 0) SKIP_TEST("not root, cannot mount a tmpfs");
    TempDir t;
    const fs::path db = t / "leads.db";
    {
        LeadStore store(db);
        std::vector<Lead> many;
        for (int n = 0; n < 3000; ++n) {
            Lead l = baseLead(1000 + n);
            l.firstName = "Jürgen";
            l.message = std::string(200, 'x');
            l.exhibitors = {"irk-valley-hydrogen"};
            many.push_back(l);
        }
        REQUIRE(store.insertBatch(many));
    }
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    TmpfsMount mount(stick, "size=256k,mode=0700");
    if (!mount.mounted()) SKIP_TEST("mount -t tmpfs failed: " << mount.error());
    const fs::path out = stick / "leads.csv";
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, out.string()));
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out.string() + ".part"));
    // The stand export stops at the first failure and says where.
    const ExportResult s = exportForStand(db, {"irk-valley-hydrogen"}, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
    CHECK_FALSE(s.ok);
    CHECK(contains(s.error, stick.string()));
    for (const auto& e : fs::recursive_directory_iterator(stick)) CHECK(e.path().extension() != ".part");
}

// ---------------------------------------------------------------------------------------------
// The stand export

TEST_CASE("export: exportForStand writes all-leads, one file per exhibitor and erasures.csv in a stamped folder") {
    TempDir t;
    const auto db = makeFixedDb(t);
    // Two withdrawals first: one never synced, one synced.
    std::vector<ErasedLead> erased;
    {
        LeadStore store(db);
        REQUIRE(store.eraseByEmail("ZOE@example.ORG", kBaseMs + 5'000, erased)); // lead 4, stored as Zoe@Example.org
        REQUIRE(erased.size() == 1);
        REQUIRE(store.eraseByEmail("anna.schmidt@example.de", kBaseMs + 6'000, erased)); // lead 6, synced
        REQUIRE(erased.size() == 1);
    }
    const std::vector<std::string> exhibitors = {"irk-valley-hydrogen", "medlock-gas-sensing", "bollin-ot-defence",
                                                 "ancoats-code-assurance"};
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    const std::int64_t now = kBaseMs + 8 * 3'600'000LL; // 17:30 UTC
    for (const bool jsonl : {false, true}) {
        CAPTURE(jsonl);
        const ExportOptions o = jsonl ? jsonlOptions() : csvOptions(';', Lang::De);
        const ExportResult r = exportForStand(db, exhibitors, kEvent, o, stick, now + (jsonl ? 60'000 : 0));
        INFO(r.error);
        REQUIRE(r.ok);
        const fs::path dir = stick / (std::string(kEvent) + (jsonl ? "-2026-05-27T1731" : "-2026-05-27T1730"));
        REQUIRE(fs::is_directory(dir));
        const std::string ext = jsonl ? ".jsonl" : ".csv";
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) {
            names.insert(e.path().filename().string());
            CHECK(modeOf(e.path()) == 0600);
        }
        std::set<std::string> want = {"all-leads" + ext, "erasures.csv", "figures.csv"};
        for (const auto& id : exhibitors) want.insert({"exhibitor-" + id + ext, "exhibitor-" + id + "-figures.csv"});
        CHECK(names == want);
        REQUIRE(r.files.size() == want.size());
        CHECK(r.files.front().path == dir / ("all-leads" + ext));
        CHECK(r.files.back().path == dir / "erasures.csv");

        auto idsOf = [&](const std::string& name) {
            return jsonl && name != "erasures.csv" ? idsInJsonl(dir / name) : idsIn(readCsv(dir / name, jsonl ? ',' : ';'));
        };
        // What is left after the erasures: leads 1, 2, 3, 5.
        auto left = [](std::vector<std::string> ids) {
            ids.erase(std::remove_if(ids.begin(), ids.end(), [](const std::string& id) {
                          return id.back() == '4' || id.back() == '6';
                      }), ids.end());
            return ids;
        };
        CHECK(idsOf("all-leads" + ext) == left(fixedIdsFor("")));
        long long sum = 0;
        for (const auto& id : exhibitors) {
            CAPTURE(id);
            const auto got = idsOf("exhibitor-" + id + ext);
            CHECK(got == left(fixedIdsFor(id)));
            sum += static_cast<long long>(got.size());
        }
        CHECK(idsOf("exhibitor-ancoats-code-assurance" + ext).empty());
        CHECK(r.leads() == 4 + sum + 2); // all-leads, the exhibitor files, and 2 erasures
        long long bytes = 0;
        for (const auto& f : r.files) bytes += static_cast<long long>(fs::file_size(f.path));
        CHECK(r.bytes() == bytes);

        // The erasure log: no BOM, ',' and CRLF; id, time, was_synced; no personal data.
        const std::string log = readFile(dir / "erasures.csv");
        CHECK(log == "lead_id,erased_at,was_synced\r\n"
                     "00000000-0000-4000-8000-000000000004,2026-05-27T09:30:05.000Z,0\r\n"
                     "00000000-0000-4000-8000-000000000006,2026-05-27T09:30:06.000Z,1\r\n");
    }
}

TEST_CASE("export: progress runs from 0 to 1 and never goes back") {
    TempDir t;
    const fs::path db = t / "leads.db";
    {
        LeadStore store(db);
        std::vector<Lead> many;
        for (int n = 0; n < 9000; ++n) {
            Lead l = baseLead(n);
            l.exhibitors = {n % 2 ? "irk-valley-hydrogen" : "medlock-gas-sensing"};
            many.push_back(l);
        }
        REQUIRE(store.insertBatch(many));
    }
    std::vector<double> seen;
    fs::create_directory(t / "stick");
    const ExportResult r = exportForStand(db, {"irk-valley-hydrogen", "medlock-gas-sensing"}, kEvent,
                                          csvOptions(';', Lang::De), t / "stick", kBaseMs, [&](double p) { seen.push_back(p); });
    REQUIRE(r.ok);
    REQUIRE(seen.size() > 3);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen.front() >= 0.0);
    CHECK(seen.back() == 1.0);
    for (double p : seen) CHECK(p <= 1.0);
}

TEST_CASE("export: 100000 synthetic leads export with the right counts") {
    TempDir t;
    const fs::path db = t / "leads.db";
    const auto content = loadContent(fs::path(KIOSK_SOURCE_DIR) / "content", {fs::path(KIOSK_SOURCE_DIR) / "assets", false});
    REQUIRE(content.problems.empty());
    std::vector<std::string> exhibitors;
    for (const auto& c : content.content.companies)
        if (c.exhibitor) exhibitors.push_back(c.id);
    REQUIRE_FALSE(exhibitors.empty());
    std::map<std::string, long long> perExhibitor;
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    {
        LeadStore store(db);
        std::mt19937_64 rng(42);
        for (int batch = 0; batch < 10; ++batch) {
            std::vector<Lead> leads;
            leads.reserve(10'000);
            for (int i = 0; i < 10'000; ++i) {
                leads.push_back(syntheticLead(rng, content.content, "kiosk-01", kBaseMs));
                for (const auto& e : leads.back().exhibitors) ++perExhibitor[e];
            }
            REQUIRE(store.insertBatch(leads));
        }
        REQUIRE(store.count().value == 100'000);
    }
    const double insertS = std::chrono::duration<double>(clock::now() - t0).count();

    t0 = clock::now();
    const ExportResult csv = exportLeads(db, csvOptions(';', Lang::De), t / "all.csv");
    const double csvS = std::chrono::duration<double>(clock::now() - t0).count();
    REQUIRE(csv.ok);
    CHECK(csv.leads() == 100'000);
    const Csv parsed = readCsv(t / "all.csv", ';'); // an independent count
    CHECK(parsed.rows.size() == 100'001);
    for (size_t r = 1; r < parsed.rows.size(); ++r)
        for (const auto& cell : parsed.rows[r])
            if (dangerous(cell)) FAIL_CHECK("row " << r << " has a dangerous cell: " << cell);

    t0 = clock::now();
    const ExportResult jl = exportLeads(db, jsonlOptions(), t / "all.jsonl");
    const double jsonlS = std::chrono::duration<double>(clock::now() - t0).count();
    REQUIRE(jl.ok);
    CHECK(jl.leads() == 100'000);

    t0 = clock::now();
    fs::create_directory(t / "stick");
    const ExportResult stand = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), t / "stick", kBaseMs);
    const double standS = std::chrono::duration<double>(clock::now() - t0).count();
    REQUIRE(stand.ok);
    REQUIRE(stand.files.size() == 2 * exhibitors.size() + 3); // + the figures files
    CHECK(stand.files.front().leads == 100'000);
    for (size_t i = 0; i < exhibitors.size(); ++i) {
        CAPTURE(exhibitors[i]);
        CHECK(stand.files[i + 1].leads == perExhibitor[exhibitors[i]]);
    }
    MESSAGE("100000 leads: insert " << insertS << " s, CSV " << csvS << " s (" << csv.bytes() / 1024 << " KiB), JSONL "
                                    << jsonlS << " s (" << jl.bytes() / 1024 << " KiB), stand export ("
                                    << stand.files.size() << " files) " << standS << " s");
}

// ---------------------------------------------------------------------------------------------
// Files go only where staff chose: the destination, names from content, a pulled stick

/// Every file and folder below `dir` (relative paths), hidden ones too.
std::set<std::string> treeOf(const fs::path& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        out.insert(fs::relative(it->path(), dir).string());
    return out;
}

/// The leads export `dir` holds (one stamped folder), REQUIREd to be complete.
void checkOneCompleteExport(const fs::path& dir, const std::string& folder, size_t exhibitors) {
    const auto tree = treeOf(dir);
    INFO(joined({tree.begin(), tree.end()}));
    REQUIRE(tree.size() == 2 * exhibitors + 4); // the folder, all-leads, the exhibitors and their figures, figures, erasures
    CHECK(tree.count(folder) == 1);
    CHECK(tree.count(folder + "/all-leads.csv") == 1);
    CHECK(tree.count(folder + "/erasures.csv") == 1);
}

TEST_CASE("export: the stand export creates neither a missing destination nor the configured folder") {
    TempDir t;
    const auto db = makeFixedDb(t);
    for (const fs::path& missing : {t / "usb", t / "not" / "there"}) {
        CAPTURE(missing.string());
        const ExportResult r = exportForStand(db, {"irk-valley-hydrogen"}, kEvent, csvOptions(';', Lang::De), missing, kBaseMs);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, missing.string()));
        CHECK(contains(r.error, "is not there"));
        CHECK(r.files.empty());
        CHECK_FALSE(fs::exists(missing));
        CHECK_FALSE(fs::exists(missing.parent_path()) != (missing.parent_path() == t.path()));
    }
    // The configured folder is offered (so the panel can say what is wrong) but not made.
    const auto offered = exportDestinations((t / "usb").string());
    CHECK(std::find(offered.begin(), offered.end(), t / "usb") != offered.end());
    CHECK_FALSE(fs::exists(t / "usb"));
}

TEST_CASE("export: --out naming a folder is refused") {
    TempDir t;
    const auto db = makeFixedDb(t);
    for (const std::string& out : std::vector<std::string>{(t / "x").string() + "/", (t / ".").string(), (t / "..").string()}) {
        CAPTURE(out);
        const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "name a file"));
    }
    CHECK_FALSE(fs::exists(t / ".part"));
    CHECK_FALSE(fs::exists(t / "x"));
}

TEST_CASE("export: exportLeads creates no folder for --out") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path out = t / "media" / "usb" / "leads.csv"; // a stick that is not mounted
    const ExportResult r = exportLeads(db, csvOptions(';', Lang::De), out);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, out.string()));
    CHECK(contains(r.error, "does not exist"));
    CHECK_FALSE(fs::exists(t / "media"));
}

TEST_CASE("export: ids from the content never leave the destination") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path stick = t / "a" / "b" / "stick";
    fs::create_directories(stick);
    SUBCASE("a hostile event id gives the folder a plain name inside the destination") {
        for (const std::string& event : std::vector<std::string>{"../../x", "..", "/etc/cron.d/x", "a/b", "", "Event Name", "x\n", std::string(120, 'a')}) {
            CAPTURE(event);
            fs::remove_all(stick);
            fs::create_directory(stick);
            const ExportResult r = exportForStand(db, {"irk-valley-hydrogen"}, event, csvOptions(';', Lang::De), stick, kBaseMs);
            INFO(r.error);
            REQUIRE(r.ok);
            checkOneCompleteExport(stick, "leads-2026-05-27T0930", 1);
            for (const auto& f : r.files) CHECK(f.path.parent_path() == stick / "leads-2026-05-27T0930");
            CHECK(treeOf(t.path() / "a") == std::set<std::string>{"b", "b/stick", "b/stick/leads-2026-05-27T0930",
                                                                  "b/stick/leads-2026-05-27T0930/all-leads.csv",
                                                                  "b/stick/leads-2026-05-27T0930/exhibitor-irk-valley-hydrogen.csv",
                                                                  "b/stick/leads-2026-05-27T0930/exhibitor-irk-valley-hydrogen-figures.csv",
                                                                  "b/stick/leads-2026-05-27T0930/figures.csv",
                                                                  "b/stick/leads-2026-05-27T0930/erasures.csv"});
        }
    }
    SUBCASE("a hostile exhibitor id refuses the export and writes nothing") {
        for (const std::string& id : std::vector<std::string>{"../../../evil", "..", "a/b", "", "/tmp/x", "Irk", "x.csv", "a\"b"}) {
            CAPTURE(id);
            const ExportResult r = exportForStand(db, {"irk-valley-hydrogen", id}, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
            CHECK_FALSE(r.ok);
            CHECK(contains(r.error, "'" + id + "'"));
            CHECK(contains(r.error, "check-content"));
            CHECK(r.files.empty());
            CHECK(treeOf(t.path() / "a") == std::set<std::string>{"b", "b/stick"});
        }
        CHECK_FALSE(fs::exists(t / "evil"));
        CHECK_FALSE(fs::exists(t.path().parent_path() / "evil"));
    }
}

TEST_CASE("export: a failed stand export leaves nothing in the destination, not even a folder") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    // The erasure log cannot be read: the last file fails after the others were written.
    {
        RawDb raw(db);
        raw.exec("DROP TABLE erasures");
    }
    const ExportResult r = exportForStand(db, {"irk-valley-hydrogen", "medlock-gas-sensing"}, kEvent,
                                          csvOptions(';', Lang::De), stick, kBaseMs);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, "erasure"));
    CHECK(contains(r.error, "nothing was saved in " + stick.string()));
    CHECK(r.files.empty());
    CHECK(treeOf(stick).empty());
}

TEST_CASE("export: the erasure log is guarded against CSV injection like the leads") {
    TempDir t;
    const auto db = makeFixedDb(t);
    {
        RawDb raw(db);
        raw.exec("INSERT INTO erasures (lead_id, erased_ms, was_synced) VALUES ('=cmd|'' /C calc''!A0', 0, 0), ('a;+1', 0, 1)");
    }
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    const ExportResult r = exportForStand(db, {}, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
    INFO(r.error);
    REQUIRE(r.ok);
    const std::string log = readFile(r.files.back().path);
    CHECK(log == "lead_id,erased_at,was_synced\r\n'=cmd|' /C calc'!A0,1970-01-01T00:00:00.000Z,0\r\n"
                 "\"a;'+1\",1970-01-01T00:00:00.000Z,1\r\n");
}

TEST_CASE("export: a second stand export in the same minute gets a folder of its own") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    const ExportResult a = exportForStand(db, {"irk-valley-hydrogen"}, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
    const ExportResult b = exportForStand(db, {"irk-valley-hydrogen"}, kEvent, jsonlOptions(), stick, kBaseMs + 1000);
    REQUIRE(a.ok);
    REQUIRE(b.ok);
    const std::string folder = std::string(kEvent) + "-2026-05-27T0930";
    CHECK(a.files.front().path == stick / folder / "all-leads.csv");
    CHECK(b.files.front().path == stick / (folder + "-2") / "all-leads.jsonl");
    CHECK(fs::exists(stick / folder / "all-leads.csv")); // the first one is left alone
    CHECK(fs::exists(b.files.front().path));
}

/// Runs `body` in a child process with a mount namespace of its own and a tmpfs on /media,
/// so that mounting and "pulling" sticks there touches none of the machine's mounts.
/// Returns body's verdict ("" when it passed), or a reason starting with "skip:".
std::string inOwnMediaNamespace(const std::function<std::string()>& body) {
    if (::geteuid() != 0) return "skip: not root, cannot mount";
    if (!fs::is_directory("/media")) return "skip: no /media on this machine";
    return inChild([&]() -> std::string {
        if (::unshare(CLONE_NEWNS) != 0) return std::string("skip: unshare(CLONE_NEWNS): ") + std::strerror(errno);
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            return std::string("skip: mount --make-rprivate /: ") + std::strerror(errno);
        if (::mount("tmpfs", "/media", "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755") != 0)
            return std::string("skip: tmpfs on /media: ") + std::strerror(errno);
        return body();
    });
}

TEST_CASE("export: a USB stick pulled after it was chosen fails the export and nothing lands on the internal disk") {
    TempDir t;
    const auto db = makeFixedDb(t);
    const std::vector<std::string> exhibitors = {"irk-valley-hydrogen", "medlock-gas-sensing"};
    const std::string verdict = inOwnMediaNamespace([&]() -> std::string {
        const fs::path stick = "/media/KIOSK-STICK";
        fs::create_directory(stick);
        if (::mount("tmpfs", stick.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0) return "skip: tmpfs on the stick";
        const auto listed = exportDestinations("");
        if (std::find(listed.begin(), listed.end(), stick) == listed.end()) return "the mounted stick is not offered";
        const ExportResult ok = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
        if (!ok.ok) return "export to the mounted stick failed: " + ok.error;
        if (treeOf(stick).size() != 2 * exhibitors.size() + 4) return "the mounted stick does not hold one export";
        // Pulled: the automounter took the mount away, the bare mount point stays on "the disk".
        if (::umount2(stick.c_str(), 0) != 0) return std::string("umount: ") + std::strerror(errno);
        const auto after = exportDestinations("");
        if (std::find(after.begin(), after.end(), stick) != after.end()) return "the pulled stick is still offered";
        const ExportResult r = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), stick, kBaseMs + 60'000);
        if (r.ok) return "the export to a pulled stick reported ok with " + std::to_string(r.files.size()) + " files";
        if (!contains(r.error, stick.string()) || !contains(r.error, "no USB stick is mounted")) return "error: " + r.error;
        if (!r.files.empty()) return "files reported";
        if (!treeOf(stick).empty()) return "something was written to the bare mount point";
        // kiosk export --out onto the pulled stick: the same.
        const ExportResult cli = exportLeads(db, csvOptions(';', Lang::De), stick / "leads.csv");
        if (cli.ok || !contains(cli.error, "no USB stick is mounted")) return "export --out to a pulled stick: " + cli.error;
        if (!treeOf(stick).empty()) return "export --out wrote to the bare mount point";
        // A mount point that is gone altogether (udisks removes it) is not made again.
        fs::remove(stick);
        const ExportResult gone = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), stick, kBaseMs);
        if (gone.ok || !contains(gone.error, stick.string())) return "export to a removed mount point: " + gone.error;
        if (fs::exists(stick)) return "the mount point was created again";
        // A folder elsewhere that is a symlink to the bare mount point: the same.
        fs::create_directory(stick);
        const fs::path link = db.parent_path() / "link-to-stick";
        fs::create_symlink(stick, link);
        const ExportResult viaLink = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), link, kBaseMs);
        fs::remove(link);
        if (viaLink.ok || !treeOf(stick).empty()) return "export through a symlink to a bare mount point: " + viaLink.error;
        fs::remove(stick);
        // A folder on a stick (not the mount point itself) is checked the same way.
        fs::create_directories(stick / "exports");
        const ExportResult sub = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), stick / "exports", kBaseMs);
        if (sub.ok || !treeOf(stick / "exports").empty()) return "export below a bare mount point: " + sub.error;
        // A label with a space, a tab or a backslash is offered as the path it is mounted on.
        const fs::path odd = "/media/My Stick\t\\2";
        fs::create_directory(odd);
        if (::mount("tmpfs", odd.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0) return "skip: tmpfs on the odd stick";
        const auto withOdd = exportDestinations("");
        if (std::find(withOdd.begin(), withOdd.end(), odd) == withOdd.end()) return "a stick with an odd label is not offered";
        const ExportResult oddOk = exportForStand(db, exhibitors, kEvent, csvOptions(';', Lang::De), odd, kBaseMs);
        if (!oddOk.ok) return "export to a stick with an odd label: " + oddOk.error;
        return "";
    });
    if (verdict.rfind("skip:", 0) == 0) SKIP_TEST(verdict);
    CHECK_MESSAGE(verdict.empty(), verdict);
}

TEST_CASE("export: a stick pulled during the export fails it and nothing is left under the mount point") {
    if (::geteuid() != 0) SKIP_TEST("not root, cannot mount a tmpfs");
    TempDir t;
    const auto db = makeFixedDb(t);
    const fs::path stick = t / "stick";
    fs::create_directory(stick);
    TmpfsMount mount(stick, "size=1m,mode=0700");
    if (!mount.mounted()) SKIP_TEST("mount -t tmpfs failed: " << mount.error());
    bool pulled = false;
    const ExportResult r = exportForStand(db, {"irk-valley-hydrogen", "medlock-gas-sensing", "bollin-ot-defence"}, kEvent,
                                          csvOptions(';', Lang::De), stick, kBaseMs, [&](double p) {
                                              // After the first file: the files still open keep the mount busy.
                                              if (!pulled && p > 0.3) pulled = ::umount2(stick.c_str(), MNT_DETACH) == 0;
                                          });
    REQUIRE(pulled);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error, stick.string()));
    CHECK(contains(r.error, "went away during the export"));
    CHECK(r.files.empty());
    CHECK(treeOf(stick).empty()); // the folder below the mount point, on the disk the test runs on
}

TEST_CASE("export: a page overwritten with another valid page fails the export instead of exporting wrong leads") {
    // SQLite reads such a file without an error: the same leads twice, others missing.
    TempDir t;
    const fs::path db = markedDb(t);
    const Pages pages(db);
    const size_t early = pages.of("MARKER-10-"), late = pages.of("MARKER-2500-");
    REQUIRE(early > 0);
    REQUIRE(late > early);
    pages.overwrite(late, pages.page(early));
    exportBoth(t, db, [](const ExportResult& r, const fs::path& out) {
        CHECK_FALSE(r.ok);
        CHECK(contains(r.error, "damaged"));
        CHECK_FALSE(fs::exists(out));
        CHECK_FALSE(fs::exists(out.string() + ".part"));
    });
}

// ---------------------------------------------------------------------------------------------
// CSV opened with the other delimiter

/// How Excel, LibreOffice and Python's csv module read a line they were given with some
/// delimiter: a quote is special only at the start of a cell, anything after a closing
/// quote is kept, and a line break outside quotes ends the record.
std::vector<std::string> lenientCells(std::string_view s, char d) {
    std::vector<std::string> cells;
    std::string cell;
    bool start = true, quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') cell += '"', ++i;
            else if (c == '"') quoted = false;
            else cell += c;
        } else if (start && c == '"') {
            quoted = true;
            start = false;
        } else if (c == d || c == '\r' || c == '\n') {
            cells.push_back(std::move(cell));
            cell.clear();
            start = true;
        } else {
            cell += c;
            start = false;
        }
    }
    cells.push_back(std::move(cell));
    return cells;
}

TEST_CASE("export: a CSV opened with the other delimiter has no cell that starts a formula") {
    const std::vector<std::string> hostile = {"a;=cmd()", "x,+1", "\"; @SUM(A1)", "\",=1", "a,\"=HYPERLINK(\"\"x\"\")",
                                              "1;-2", "a\n=1", "a\r\n@x", "ok;\t=1", "a,,=1", "a;\";+1", "=1,=2;=3"};
    for (const char d : {';', ','}) {
        const char other = d == ';' ? ',' : ';';
        for (const auto& v : hostile) {
            CAPTURE(d);
            CAPTURE(v);
            // The value alone, and between other cells (its start is then no cell start for the other reader).
            const std::string line = csvCell(v, d) + d + "mid" + d + csvCell(v, d) + d + csvCell(v, d) + "\r\n";
            for (const std::string& cell : lenientCells(line, other)) CHECK_FALSE(dangerous(cell));
            // Split by hand, quotes and all, as a careless import does.
            for (const std::string& cell : lenientCells(line, '\x01')) CHECK_FALSE(dangerous(cell));
            std::string naive;
            for (char c : line) {
                if (c == other || c == '\r' || c == '\n') {
                    CHECK_FALSE(dangerous(naive));
                    naive.clear();
                } else {
                    naive += c;
                }
            }
            // With its own delimiter, it still reads back as the value with its guards.
            const Csv c = parseCsv(line, d);
            REQUIRE(c.error.empty());
            REQUIRE(c.rows.size() == 1);
            CHECK(c.rows[0] == std::vector<std::string>{guarded(v), "mid", guarded(v), guarded(v)});
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Erase (withdrawal) and purge (retention)

TEST_CASE("leads erase: removes exactly the leads with that email in any letter case and nothing else") {
    TempDir t;
    const fs::path db = t / "leads.db";
    std::vector<Lead> leads;
    const std::vector<std::string> emails = {"visitor@example.org", "VISITOR@Example.ORG", "other@example.org",
                                             "visitor@example.org.evil", "xvisitor@example.org", "visitor@example.or",
                                             "Visitor@example.org"};
    for (size_t i = 0; i < emails.size(); ++i) {
        Lead l = baseLead(int(i) + 1);
        l.email = emails[i];
        l.firstName = "Vorname " + std::to_string(i);
        l.exhibitors = {"irk-valley-hydrogen"};
        leads.push_back(l);
    }
    LeadStore store(db);
    REQUIRE(store.insertBatch(leads));
    RawDb raw(db);
    raw.exec("UPDATE leads SET sync_state = 'synced', synced_ms = 1 WHERE email = 'VISITOR@Example.ORG'");
    const auto before = raw.rows(kAllLeadRows);

    std::vector<ErasedLead> erased;
    REQUIRE(store.eraseByEmail("Visitor@Example.Org", kBaseMs + 1'000, erased));
    std::set<std::string> erasedIds;
    for (const auto& e : erased) erasedIds.insert(e.id);
    CHECK(erasedIds == std::set<std::string>{leads[0].id, leads[1].id, leads[6].id});
    for (const auto& e : erased) CHECK(e.wasSynced == (e.id == leads[1].id));

    // Every other row is unchanged, every column of it.
    std::vector<std::string> want;
    for (const auto& row : before)
        if (!erasedIds.count(row.substr(0, row.find('\x1f')))) want.push_back(row);
    CHECK(raw.rows(kAllLeadRows) == want);
    CHECK(store.count().value == 4);
    CHECK(store.integrityCheck() == "ok");
}

TEST_CASE("leads erase: the erasure log gets id and time and was_synced and no personal data") {
    TempDir t;
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    const auto leads = fixedLeads();
    REQUIRE(store.insertBatch(leads));
    RawDb raw(db);
    raw.exec("UPDATE leads SET sync_state = 'synced' WHERE id = " + sqlQuote(leads[0].id));
    std::vector<ErasedLead> erased;
    REQUIRE(store.eraseByEmail(leads[0].email, kBaseMs + 77, erased));
    REQUIRE(store.eraseByEmail(leads[2].email, kBaseMs + 88, erased));
    // The table has exactly these three columns.
    CHECK(raw.rows("SELECT name FROM pragma_table_info('erasures') ORDER BY cid") ==
          std::vector<std::string>{"lead_id", "erased_ms", "was_synced"});
    CHECK(raw.rows("SELECT lead_id, erased_ms, was_synced FROM erasures ORDER BY erased_ms") ==
          std::vector<std::string>{leads[0].id + "\x1f" + std::to_string(kBaseMs + 77) + "\x1f" "1",
                                   leads[2].id + "\x1f" + std::to_string(kBaseMs + 88) + "\x1f" "0"});
    // Nothing of the person is anywhere in the log.
    std::string all;
    for (const auto& r : raw.rows("SELECT * FROM erasures")) all += r + "\n";
    for (const auto* l : {&leads[0], &leads[2]})
        for (const std::string& pii : {l->email, l->firstName, l->lastName, l->company, l->phone, l->message})
            if (!pii.empty()) CHECK_FALSE(contains(all, pii));
    // And the leads themselves are gone.
    CHECK_FALSE(store.get(leads[0].id).value.has_value());
    CHECK_FALSE(store.get(leads[2].id).value.has_value());
}

TEST_CASE("leads erase: an unknown email erases nothing and logs nothing") {
    TempDir t;
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    REQUIRE(store.insertBatch(fixedLeads()));
    RawDb raw(db);
    const auto before = raw.rows(kAllLeadRows);
    std::vector<ErasedLead> erased = {{"stale", true}};
    REQUIRE(store.eraseByEmail("nobody@example.org", kBaseMs, erased));
    CHECK(erased.empty());
    REQUIRE(store.eraseByEmail("", kBaseMs, erased));
    CHECK(erased.empty());
    CHECK(raw.rows(kAllLeadRows) == before);
    CHECK(raw.integer("SELECT count(*) FROM erasures") == 0);
}

TEST_CASE("leads erase: the email is matched exactly apart from case - no wildcards and no trimming") {
    TempDir t;
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    std::vector<Lead> leads;
    for (const char* e : {"a_b@example.org", "axb@example.org", "a%b@example.org", "ayyb@example.org"}) {
        Lead l = baseLead(int(leads.size()) + 1);
        l.email = e;
        leads.push_back(l);
    }
    REQUIRE(store.insertBatch(leads));
    std::vector<ErasedLead> erased;
    REQUIRE(store.eraseByEmail("a_b@example.org", kBaseMs, erased));
    CHECK(erased.size() == 1);
    REQUIRE(store.eraseByEmail("a%b@example.org", kBaseMs, erased));
    CHECK(erased.size() == 1);
    REQUIRE(store.eraseByEmail(" axb@example.org", kBaseMs, erased));
    CHECK(erased.empty());
    REQUIRE(store.eraseByEmail("%", kBaseMs, erased));
    CHECK(erased.empty());
    CHECK(store.count().value == 2);
}

TEST_CASE("leads erase: letter case is ignored for non-ASCII letters too") {
    // Visitors type umlauts in the local part (the form keeps it as typed); staff erasing
    // "ZOË@…" for "zoë@…" must hit it just as "ZOE@…" hits "zoe@…".
    TempDir t;
    LeadStore store(t / "leads.db");
    Lead l = baseLead(1);
    l.email = "zoë.müller@example.org";
    REQUIRE(store.insert(l));
    std::vector<ErasedLead> erased;
    REQUIRE(store.eraseByEmail("ZOË.MÜLLER@EXAMPLE.ORG", kBaseMs, erased));
    CHECK(erased.size() == 1);
    CHECK(store.count().value == 0);
}

TEST_CASE("leads purge: removes only synced leads created before the cut-off") {
    TempDir t;
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    const std::int64_t cut = kBaseMs;
    struct Row {
        std::int64_t created;
        const char* state;
        bool goes;
    };
    const Row rows[] = {
        {cut - 40 * 86'400'000LL, "synced", true},   {cut - 1, "synced", true},
        {cut, "synced", false},                      {cut + 1, "synced", false},
        {cut - 40 * 86'400'000LL, "pending", false}, {cut - 40 * 86'400'000LL, "failed", false},
        {cut - 1, "pending", false},                 {cut + 86'400'000LL, "pending", false},
    };
    std::vector<Lead> leads;
    for (const auto& r : rows) {
        Lead l = baseLead(int(leads.size()) + 1);
        l.createdMs = r.created;
        l.email = "p" + std::to_string(leads.size()) + "@example.org";
        leads.push_back(l);
    }
    REQUIRE(store.insertBatch(leads));
    RawDb raw(db);
    for (size_t i = 0; i < leads.size(); ++i)
        raw.exec(std::string("UPDATE leads SET sync_state = '") + rows[i].state + "' WHERE id = " + sqlQuote(leads[i].id));
    const auto before = raw.rows(kAllLeadRows);
    long long removed = -1;
    REQUIRE(store.purgeSynced(cut, removed));
    CHECK(removed == 2);
    std::set<std::string> gone;
    for (size_t i = 0; i < leads.size(); ++i)
        if (rows[i].goes) gone.insert(leads[i].id);
    std::vector<std::string> want;
    for (const auto& row : before)
        if (!gone.count(row.substr(0, row.find('\x1f')))) want.push_back(row);
    CHECK(raw.rows(kAllLeadRows) == want);
    // Again: nothing more to do.
    REQUIRE(store.purgeSynced(cut, removed));
    CHECK(removed == 0);
    CHECK(raw.rows(kAllLeadRows) == want);
    CHECK(store.integrityCheck() == "ok");
}

TEST_CASE("leads stats: totals, today, sync states, per exhibitor and per hour") {
    TempDir t;
    const fs::path db = t / "leads.db";
    LeadStore store(db);
    const auto leads = fixedLeads();
    REQUIRE(store.insertBatch(leads));
    RawDb raw(db);
    for (const auto& l : leads)
        raw.exec("UPDATE leads SET sync_state = " + sqlQuote(fixedSyncState(l)) + " WHERE id = " + sqlQuote(l.id));
    // "Today" in a UTC-10 zone: local midnight of 2026-05-27 is 2026-05-27T10:00Z, so
    // leads 1, 2, 5 (09:3xZ) are yesterday evening there, and 4 is two days back.
    const std::int64_t offset = -10 * 3'600'000LL;
    const std::int64_t dayStart = 1779876000000; // 2026-05-27T10:00:00Z
    const LeadStats s = store.stats(dayStart, offset).value;
    CHECK(s.total == 6);
    CHECK(s.today == 2); // leads 3 and 6
    CHECK(s.pending == 4);
    CHECK(s.synced == 1);
    CHECK(s.failed == 1);
    const std::vector<std::pair<std::string, long long>> per = {
        {"bollin-ot-defence", 2}, {"irk-valley", 1}, {"irk-valley-hydrogen", 3}, {"medlock-gas-sensing", 3}};
    CHECK(s.perExhibitor == per);
    std::vector<long long> hours(24, 0);
    hours[1] = 1;  // lead 6: 11:30Z = 01:30 local
    hours[14] = 1; // lead 3: 00:30Z on the 28th = 14:30 local on the 27th
    CHECK(s.perHourToday == hours);
}

} // TEST_SUITE export

TEST_CASE("export: every EuroLatin letter, both cases, comes out of CSV and JSON Lines byte for byte") {
    TempDir t;
    const fs::path db = t / "data" / "leads.db";
    std::string all;
    for (const auto& c : kiosk::core::euroLatinLetters()) all += c;
    {
        LeadStore store(db);
        Lead l = baseLead(1);
        l.firstName = "Łukasz";
        l.lastName = "Żółć-Ștefănescu";
        l.message = all;
        REQUIRE(store.insert(l));
    }
    for (const bool jsonl : {false, true}) {
        const std::string text = readFile(exportTo(db, jsonl ? jsonlOptions() : csvOptions(';', Lang::De),
                                                   t / (jsonl ? "out.jsonl" : "out.csv")));
        CHECK(contains(text, "Łukasz"));
        CHECK(contains(text, "Żółć-Ștefănescu"));
        CHECK(contains(text, all));
    }
}
