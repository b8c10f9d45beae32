/// @brief The hub's tables, written once for both backends: each names its own types.
#pragma once
#include <string>
#include <vector>

namespace kiosk::hub {

constexpr int kHubSchemaVersion = 5;

/// How a backend spells what the schema needs.
struct SqlDialect {
    const char* integer;    ///< a 64-bit integer column
    const char* bytes;      ///< a column of raw bytes
    const char* boolean;    ///< a true/false column
    const char* falseValue; ///< false, as a default
    const char* leadSeq;    ///< a line numbering leads in arrival order ("  seq … ,\n"), or ""
};

/// Entry i takes a database from schema version i to i + 1; kHubSchemaVersion entries.
std::vector<std::string> hubMigrations(const SqlDialect& dialect);

} // namespace kiosk::hub
