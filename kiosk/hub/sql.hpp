/// @brief One SQL interface for both backends, so that a feature's queries are written once:
/// `storage.transaction("what", [&](SqlTx& tx) { ... })` runs the body in one transaction
/// (SQLite: BEGIN IMMEDIATE; PostgreSQL: one pooled connection), committed when the body
/// returns, rolled back when it throws.
///
/// The SQL both engines understand: parameters `$1`, `$2` … (the SQLite backend reads them as
/// `?1`, `?2`), `ON CONFLICT … DO NOTHING/UPDATE`, `RETURNING`, `true`/`false`, `count(*)`,
/// `lower(x) LIKE lower($1)` (LIKE's case rules differ between the two), `CAST(x AS …)` (not `::`). Never write `$`
/// inside a string literal; pass such values as parameters. Column types of new tables come from the dialect
/// placeholders in schema.cpp ({int}, {bytes}, {bool}).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kiosk::hub {

/// Raw bytes for a {bytes} column (a plain std::string is bound as text).
struct SqlBytes {
    std::string data;
};

/// A parameter: NULL, text, a 64-bit integer, a boolean or bytes.
using SqlParam = std::variant<std::nullptr_t, std::string, std::int64_t, bool, SqlBytes>;

/// One result row: each value in text form (integers in decimal, a {bytes} column as its bytes),
/// nullopt for NULL.
class SqlRow {
public:
    explicit SqlRow(std::vector<std::optional<std::string>> values) : m_values(std::move(values)) {}
    size_t size() const { return m_values.size(); }
    bool null(size_t i) const { return !m_values.at(i); }
    /// The value, "" for NULL.
    const std::string& text(size_t i) const;
    /// The value as an integer, 0 for NULL; throws SqlError when it is not one.
    std::int64_t integer(size_t i) const;
    /// True for 1/t/true (SQLite keeps booleans as 0/1, PostgreSQL answers t/f).
    bool boolean(size_t i) const;
    const std::optional<std::string>& raw(size_t i) const { return m_values.at(i); }

private:
    std::vector<std::optional<std::string>> m_values;
};

struct SqlResult {
    std::vector<SqlRow> rows;
    long long affected = 0; ///< rows inserted, updated or deleted by the statement
    bool empty() const { return rows.empty(); }
};

/// What a failed statement throws inside a transaction body (the backend's message, never a
/// parameter's value: those may be personal data).
class SqlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SqlTx {
public:
    virtual ~SqlTx() = default;
    /// Runs one statement; throws SqlError when it fails.
    virtual SqlResult query(std::string_view sql, const std::vector<SqlParam>& params = {}) = 0;
};

} // namespace kiosk::hub
