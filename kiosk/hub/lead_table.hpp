/// @brief The hub's leads in the kiosk's export columns: payloads read into core leads, then CSV
/// or XLSX made from core::exportColumns, so that a download from the hub has the columns,
/// headers and cell rules (formula-safe CSV, string-only XLSX) of the kiosk's own export.
#pragma once
#include "core/export/export.hpp"
#include "core/leads/lead.hpp"

#include <string>
#include <vector>

namespace kiosk::hub {

/// The payload as a core lead (sync state "synced": it reached the hub); false when it is not a
/// lead's JSON object. Fields it lacks keep the Lead's defaults.
bool coreLead(const std::string& payload, core::Lead& out);

/// The export columns for `leads`: the built-in form's fields, and one column per answer of the
/// form's own questions the leads hold (the hub does not know the kiosks' form.toml: such a
/// column is headed by the field id, a choice shows its option id).
std::vector<core::ExportColumn> leadTableColumns(const std::vector<core::Lead>& leads);

/// CSV as the kiosk writes it: UTF-8 BOM, a header row in `lang`, CRLF, core::csvCell per cell.
std::string leadTableCsv(const std::vector<core::ExportColumn>& columns, const std::vector<core::Lead>& leads,
                         core::Lang lang, char delimiter);
/// An XLSX workbook of one sheet "Leads" (header row bold and frozen, every cell a string);
/// false and `error` when libxlsxwriter fails.
bool leadTableXlsx(const std::vector<core::ExportColumn>& columns, const std::vector<core::Lead>& leads,
                   core::Lang lang, std::string& out, std::string& error);

} // namespace kiosk::hub
