/// @brief `kiosk-hub leads`: the stored payloads as JSON Lines (as received) or as CSV for a
/// spreadsheet (the core's injection-safe csvCell), optionally for one exhibitor only.
#pragma once
#include "storage.hpp"

#include <string>

namespace kiosk::hub {

/// True when the payload's `exhibitors` list holds `companyId` (always, when it is empty).
/// A payload that is not such JSON matches no exhibitor.
bool leadForExhibitor(const std::string& payload, const std::string& companyId);

/// The CSV header row (UTF-8 BOM first, so that spreadsheets read umlauts right), CRLF-ended.
std::string csvHeader(char delimiter);
/// One lead as a CSV row, CRLF-ended: the payload's fields by name (lists joined with ", "),
/// then when the hub received it. A field the payload lacks is an empty cell.
std::string csvRow(const StoredLead& lead, char delimiter);

} // namespace kiosk::hub
