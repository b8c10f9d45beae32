#include "toml_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace kiosk::core {

namespace {
int lineOfNode(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

/// Number of code points, so a length limit means characters on screen, not bytes.
size_t utf8Length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool hasControlChars(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 && c != '\n') return true;
    return false;
}
} // namespace

TomlReader::TomlReader(const toml::table& table, std::string file, std::vector<Problem>& problems, std::string prefix)
    : m_table(table), m_file(std::move(file)), m_problems(problems), m_prefix(std::move(prefix)) {}

const toml::node* TomlReader::get(const std::string& key) {
    m_seen.insert(key);
    return m_table.get(key);
}

int TomlReader::lineOf(const std::string& key) const {
    if (const auto* n = m_table.get(key)) return lineOfNode(*n);
    return static_cast<int>(m_table.source().begin.line);
}

void TomlReader::problem(const std::string& key, const std::string& what, const std::string& fix, bool error) {
    m_problems.push_back({m_file, lineOf(key), path(key), what, fix, error});
}

std::string TomlReader::str(const std::string& key, bool required, size_t maxLen) {
    const toml::node* n = get(key);
    if (!n) {
        if (required) problem(key, "missing", "add " + key + " = \"…\"");
        return {};
    }
    const auto* v = n->as_string();
    if (!v) {
        problem(key, "must be a string", "put the value in double quotes");
        return {};
    }
    std::string s = v->get();
    if (required && s.empty()) problem(key, "is empty", "write a value between the quotes");
    if (utf8Length(s) > maxLen)
        problem(key, "is " + std::to_string(utf8Length(s)) + " characters long",
                "shorten it to at most " + std::to_string(maxLen) + " characters");
    if (hasControlChars(s)) problem(key, "contains a control character", "remove tabs and other invisible characters");
    return s;
}

Text TomlReader::text(const std::string& key, bool required, size_t maxLen) {
    const toml::node* n = get(key);
    if (!n) {
        if (required) problem(key, "missing", "add " + key + " = { de = \"…\", en = \"…\" }");
        return {};
    }
    const auto* t = n->as_table();
    if (!t) {
        problem(key, "must give both languages", "write " + key + " = { de = \"…\", en = \"…\" }");
        return {};
    }
    TomlReader sub(*t, m_file, m_problems, path(key));
    Text out;
    out.de = sub.str("de", true, maxLen);
    out.en = sub.str("en", true, maxLen);
    sub.finish();
    return out;
}

bool TomlReader::boolean(const std::string& key, bool fallback) {
    const toml::node* n = get(key);
    if (!n) return fallback;
    if (const auto* v = n->as_boolean()) return v->get();
    problem(key, "must be true or false", "write " + key + " = true or " + key + " = false (no quotes)");
    return fallback;
}

double TomlReader::number(const std::string& key, double fallback, double min, double max) {
    const toml::node* n = get(key);
    if (!n) return fallback;
    double v;
    if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
    else if (const auto* f = n->as_floating_point()) v = f->get();
    else {
        problem(key, "must be a number", "write a number without quotes");
        return fallback;
    }
    if (!std::isfinite(v) || v < min || v > max) {
        std::ostringstream range;
        range << "use a value from " << min << " to " << max;
        problem(key, "is out of range", range.str());
        return fallback;
    }
    return v;
}

std::vector<std::string> TomlReader::strings(const std::string& key, bool required) {
    const toml::node* n = get(key);
    std::vector<std::string> out;
    if (!n) {
        if (required) problem(key, "missing", "add " + key + " = [\"…\"]");
        return out;
    }
    const auto* arr = n->as_array();
    if (!arr) {
        problem(key, "must be a list", "write " + key + " = [\"a\", \"b\"]");
        return out;
    }
    for (const auto& el : *arr) {
        if (const auto* s = el.as_string()) out.push_back(s->get());
        else problem(key, "holds a value that is not a string", "put every entry in double quotes");
    }
    return out;
}

const toml::table* TomlReader::table(const std::string& key, bool required) {
    const toml::node* n = get(key);
    if (!n) {
        if (required) problem(key, "missing", "add a [" + path(key) + "] section");
        return nullptr;
    }
    if (const auto* t = n->as_table()) return t;
    problem(key, "must be a section", "write it as [" + path(key) + "] with keys below it");
    return nullptr;
}

std::vector<const toml::table*> TomlReader::tables(const std::string& key, bool required) {
    const toml::node* n = get(key);
    std::vector<const toml::table*> out;
    if (!n) {
        if (required) problem(key, "missing", "add at least one [[" + path(key) + "]] section");
        return out;
    }
    const auto* arr = n->as_array();
    if (!arr) {
        problem(key, "must be a list of sections", "write each entry as [[" + path(key) + "]]");
        return out;
    }
    for (const auto& el : *arr) {
        if (const auto* t = el.as_table()) out.push_back(t);
        else problem(key, "holds an entry that is not a section", "write each entry as [[" + path(key) + "]]");
    }
    return out;
}

void TomlReader::finish() {
    for (const auto& [k, v] : m_table) {
        std::string key(k.str());
        if (m_seen.count(key)) continue;
        m_problems.push_back({m_file, lineOfNode(v), path(key), "unknown key",
                              "check the spelling against docs/content.md, or remove it"});
    }
}

std::optional<toml::table> parseTomlFile(const std::string& path, const std::string& displayName,
                                         std::vector<Problem>& problems) {
    // Opened first, to say what is wrong in staff's words: toml++ calls every file it
    // cannot open "not valid TOML". O_NONBLOCK: a FIFO in the file's place must not hang.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    const int openErrno = errno;
    struct stat st {};
    const bool regular = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (fd >= 0) ::close(fd);
    if (fd < 0 && (openErrno == ENOENT || openErrno == ENOTDIR)) {
        problems.push_back({displayName, 0, "", "file not found", "create it (see docs/content.md)"});
        return std::nullopt;
    }
    if (fd < 0) {
        std::string why = std::strerror(openErrno);
        if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
        problems.push_back({displayName, 0, "", "cannot be read: " + why,
                            "let the kiosk's user read it (ls -l shows owner and mode; see docs/deploy.md)"});
        return std::nullopt;
    }
    if (!regular) {
        problems.push_back({displayName, 0, "", "is not a file (a folder, a pipe or a device is in its place)",
                            "put the file itself there"});
        return std::nullopt;
    }
    try {
        return toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        problems.push_back({displayName, static_cast<int>(e.source().begin.line), "",
                            "not valid TOML: " + std::string(e.description()),
                            "check quotes, brackets and '=' on that line"});
    }
    return std::nullopt;
}

} // namespace kiosk::core
