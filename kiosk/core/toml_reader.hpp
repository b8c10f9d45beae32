/// @brief Typed, checked access to one TOML table, for files edited by non-programmers.
///
/// Every getter records a Problem (with file and line) instead of throwing, and
/// remembers which keys were read, so `finish()` can report unknown keys (typos).
#pragma once
#include "problem.hpp"
#include "text.hpp"

#include <toml++/toml.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <functional>
#include <vector>

namespace kiosk::core {

class TomlReader {
public:
    TomlReader(const toml::table& table, std::string file, std::vector<Problem>& problems, std::string prefix = {});

    std::string str(const std::string& key, bool required, size_t maxLen = 200);
    Text text(const std::string& key, bool required, size_t maxLen = 2000);
    bool boolean(const std::string& key, bool fallback);
    double number(const std::string& key, double fallback, double min, double max);
    std::vector<std::string> strings(const std::string& key, bool required);
    /// A sub-table, or nullptr (with a problem when required).
    const toml::table* table(const std::string& key, bool required);
    /// Reads the sub-table `key` with `read` (a reader whose problems name key.…), then reports
    /// its unknown keys; false when there is none (a problem when required).
    bool section(const std::string& key, bool required, const std::function<void(TomlReader&)>& read);
    /// An array of tables; empty (with a problem when required) if absent.
    std::vector<const toml::table*> tables(const std::string& key, bool required);

    void problem(const std::string& key, const std::string& what, const std::string& fix, bool error = true);
    int lineOf(const std::string& key) const;
    bool has(const std::string& key) const { return m_table.contains(key); }
    /// Reports every key of the table that no getter asked for.
    void finish();

    const std::string& file() const { return m_file; }
    std::string path(const std::string& key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }

private:
    const toml::node* get(const std::string& key);
    /// The node at `key`, or nullptr when absent: then a problem with `fix` when required.
    const toml::node* getOrMissing(const std::string& key, bool required, const std::string& fix);

    const toml::table& m_table;
    std::string m_file;
    std::vector<Problem>& m_problems;
    std::string m_prefix;
    std::set<std::string> m_seen;
};

/// Files larger than this are refused unread (every shipped file is a few KiB).
constexpr size_t kMaxTomlBytes = 4 * 1024 * 1024;
/// Deeper nesting is refused before parsing: toml++ and the readers recurse per level.
constexpr int kMaxTomlDepth = 64;

/// Parses TOML text named `displayName`; on any failure (too large, too deeply nested,
/// a syntax error) records a problem and returns nullopt.
std::optional<toml::table> parseToml(std::string_view text, const std::string& displayName, std::vector<Problem>& problems);

/// Reads and parses a file. nullopt, with a problem, when it is missing, cannot be read
/// (permissions: "cannot be read: permission denied"), or parseToml refuses it.
std::optional<toml::table> parseTomlFile(const std::string& path, const std::string& displayName,
                                         std::vector<Problem>& problems);

} // namespace kiosk::core
