/// @brief Lead exports for staff: CSV that is safe to open in any spreadsheet, and JSON Lines.
#pragma once
#include "../leads/form.hpp"
#include "../text.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::core {

struct Lead;

struct ExportOptions {
    enum class Format { Csv, Jsonl, Xlsx } format = Format::Csv;
    char delimiter = ';';      ///< German Excel expects ';'
    Lang headerLang = Lang::De; ///< the header row's language (CSV, XLSX), and of choice labels in cells
    std::string company;       ///< only the leads that chose this exhibitor; empty: all
    FormDef form = defaultForm(); ///< the form on screen now; the forms kept in leads.db add their columns
    /// XLSX: a second sheet "Kennzahlen"/"Figures" with what was counted for this event
    /// (figures.hpp), for `company` only or, without one, for every company and sector.
    std::optional<std::string> figuresOfEvent;
};

struct FigureRow;
/// The figures as a table (header, then rows of cells), for `company` only (its rows and no
/// sector-filter column) or, empty, for all: one row per subject and hour (UTC), and per
/// subject one "total" row first. The CSV and the XLSX sheet are made from it.
std::vector<std::vector<std::string>> figuresTable(const std::vector<FigureRow>& perHour, const std::string& company, Lang lang);

/// One column of a CSV or XLSX export: its header in both languages and its cell.
struct ExportColumn {
    std::string key; ///< the lead JSON's name for it (an answer: its field id)
    Text header;
    std::function<std::string(const Lead&, Lang)> cell;
    /// Set where the cell is this member of the lead as it is: the exports read it in place
    /// instead of calling `cell` for a copy (100,000 leads × a dozen columns).
    std::string Lead::*member = nullptr;
};

/// The columns for leads captured with any of `forms` (the first one's order first): the
/// lead's own columns, one per form field, then consent and bookkeeping. Every export
/// format and the hub's exports are made from these.
std::vector<ExportColumn> exportColumns(const std::vector<FormDef>& forms);

/// Where writeLeadTable takes its leads from: fills `lead` and returns true, false at the end.
using NextLead = std::function<bool(Lead& lead)>;

/// The table of `columns` for every lead `next` yields, as CSV (UTF-8 BOM, `o.delimiter`, cells
/// through csvCell) or XLSX (every cell a string) by `o.format`, headers in `o.headerLang`,
/// handed to `write` in pieces (false from it stops the table). `count`: leads written. The
/// kiosk's exports and the hub's are made by this one writer.
bool writeLeadTable(const std::vector<ExportColumn>& columns, const ExportOptions& o, const NextLead& next,
                    const std::function<bool(const std::string&)>& write, long long& count, std::string& error);

/// The file name ending of a format: ".csv", ".jsonl", ".xlsx"; and a format by its name
/// (csv, jsonl, xlsx; anything else is CSV).
const char* exportExtension(ExportOptions::Format format);
ExportOptions::Format exportFormatNamed(const std::string& name);

struct ExportedFile {
    std::filesystem::path path;
    long long leads = 0;
    long long bytes = 0;
};

struct ExportResult {
    bool ok = true;
    std::string error; ///< for staff: what failed, with the path
    std::vector<ExportedFile> files;
    long long leads() const;
    long long bytes() const;
};

/// One cell, RFC 4180 quoted when needed, and neutralised against CSV injection:
/// a value starting with = + - @ tab CR or LF gets a leading ' (phone numbers
/// like +49… too), so no spreadsheet runs it as a formula. A value holding either
/// delimiter (',' or ';'), a quote or a line break is quoted, whichever delimiter the
/// file uses, and = + - @ tab right after one of those breaks (past any quotes) gets a '
/// too: a file opened with the other delimiter then never yields a formula cell either.
std::string csvCell(const std::string& value, char delimiter);

/// Writes one export file at `out` atomically (temp file, fsync, rename), mode 0600,
/// then reads it back to count what is in it. `progress` gets 0..1. The folder must
/// exist: none is created. A read step that fails, or rows out of rowid order (a
/// damaged file), fails the export and leaves no file.
ExportResult exportLeads(const std::filesystem::path& dbPath, const ExportOptions& options,
                         const std::filesystem::path& out, const std::function<void(double)>& progress = {});

/// The staff export to a folder (a USB stick): one file per exhibitor holding only
/// the leads that chose it, plus all-leads and the erasure log, and the anonymous figures
/// (exhibitor-<id>-figures.csv for each, figures.csv for all; in XLSX also as a second sheet), in a subfolder named
/// after the event and the time. Returns every file written.
///
/// Nothing but that subfolder is created: `destination` must exist, and below /media or
/// /run/media it must be a mounted file system (a pulled stick leaves a bare mount point).
/// Files are written through a descriptor of the destination into a hidden `.….part`
/// folder, the destination is checked again after every file, and the folder gets its
/// name only when everything is complete; on any failure it is removed and the error
/// says so. Exhibitor ids that are no plain file name ([a-z0-9_-]) refuse the export; an
/// event id that is none gives the folder the name `leads-<time>`.
ExportResult exportForStand(const std::filesystem::path& dbPath, const std::vector<std::string>& exhibitorIds,
                            const std::string& eventId, const ExportOptions& options,
                            const std::filesystem::path& destination, std::int64_t nowMs,
                            const std::function<void(double)>& progress = {});

/// Mounted removable media (/media/*, /media/*/*, /run/media/*/*) and the configured folder.
std::vector<std::filesystem::path> exportDestinations(const std::string& configuredDir);

} // namespace kiosk::core
