#include "toml_reader.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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

const toml::node* TomlReader::getOrMissing(const std::string& key, bool required, const std::string& fix) {
    const toml::node* n = get(key);
    if (!n && required) problem(key, "missing", fix);
    return n;
}

int TomlReader::lineOf(const std::string& key) const {
    if (const auto* n = m_table.get(key)) return lineOfNode(*n);
    return static_cast<int>(m_table.source().begin.line);
}

void TomlReader::problem(const std::string& key, const std::string& what, const std::string& fix, bool error) {
    addProblem(m_problems, {m_file, lineOf(key), path(key), what, fix, error});
}

std::string TomlReader::str(const std::string& key, bool required, size_t maxLen) {
    const toml::node* n = getOrMissing(key, required, "add " + key + " = \"…\"");
    if (!n) return {};
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
    const toml::node* n = getOrMissing(key, required, "add " + key + " = { de = \"…\", en = \"…\" }");
    if (!n) return {};
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

bool TomlReader::section(const std::string& key, bool required, const std::function<void(TomlReader&)>& read) {
    const toml::table* t = table(key, required);
    if (!t) return false;
    TomlReader sub(*t, m_file, m_problems, path(key));
    read(sub);
    sub.finish();
    return true;
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
    const toml::node* n = getOrMissing(key, required, "add " + key + " = [\"…\"]");
    std::vector<std::string> out;
    if (!n) return out;
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
    const toml::node* n = getOrMissing(key, required, "add a [" + path(key) + "] section");
    if (!n) return nullptr;
    if (const auto* t = n->as_table()) return t;
    problem(key, "must be a section", "write it as [" + path(key) + "] with keys below it");
    return nullptr;
}

std::vector<const toml::table*> TomlReader::tables(const std::string& key, bool required) {
    const toml::node* n = getOrMissing(key, required, "add at least one [[" + path(key) + "]] section");
    std::vector<const toml::table*> out;
    if (!n) return out;
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
        addProblem(m_problems, {m_file, lineOfNode(v), path(key), "unknown key",
                                "check the spelling against docs/content.md, or remove it"});
    }
}

namespace {

/// A cheap, conservative estimate of how deeply `text` nests (table headers and dotted keys
/// count a level per dot, inline arrays and tables one each), without parsing it: toml++
/// and our readers recurse per level, so a hostile file must be refused before either sees
/// it. Strings and comments are skipped. Returns the first line deeper than `limit`, or 0.
int tooDeepLine(std::string_view text, int limit) {
    struct Open {
        int depth;
        bool table; ///< '{': keys follow; '[': values
    };
    std::vector<Open> open;
    int header = 0; // the depth of the last [table] header
    int line = 1, dots = 0;
    bool key = true; // at a key (whose dots count), not a value
    auto depthHere = [&] { return (open.empty() ? header : open.back().depth) + dots + 1; };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            if (open.empty()) key = true, dots = 0;
        } else if (c == '#') {
            while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        } else if (c == '"' || c == '\'') {
            const bool multi = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
            const auto closes = [&](size_t j) {
                return text[j] == c && (!multi || (j + 2 < text.size() && text[j + 1] == c && text[j + 2] == c));
            };
            for (i += multi ? 3 : 1; i < text.size() && !closes(i); ++i) {
                if (c == '"' && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
                    ++i; // an escaped character (a line-ending backslash leaves the '\n' to be counted)
                } else if (text[i] == '\n') {
                    if (!multi) { // an unclosed string ends with its line (toml++ reports it)
                        --i;
                        break;
                    }
                    ++line;
                }
            }
            if (multi && i < text.size()) {
                i += 2;
                // Up to two more quotes belong to the string: '''it''''' holds it''.
                for (int extra = 0; extra < 2 && i + 1 < text.size() && text[i + 1] == c; ++extra) ++i;
            }
        } else if (c == '.' && key) {
            ++dots;
        } else if (c == '[' && key && open.empty()) {
            // A [table] or [[array]] header: each dot is a level below the root.
            dots = 0;
            while (i + 1 < text.size() && text[i + 1] == '[') ++i;
            for (++i; i < text.size() && text[i] != '\n' && text[i] != ']'; ++i) {
                if (text[i] == '.') ++dots;
                else if (text[i] == '"' || text[i] == '\'') { // a quoted part may hold dots and ']'
                    const char q = text[i];
                    while (i + 1 < text.size() && text[i + 1] != q && text[i + 1] != '\n') i += (q == '"' && text[i + 1] == '\\') ? 2 : 1;
                    ++i;
                }
            }
            if (i < text.size() && text[i] == '\n') --i; // the loop counts the line
            if (dots + 1 > limit) return line;
            header = dots + 1;
            dots = 0;
            key = false;
        } else if (c == '[' || c == '{') {
            const int d = depthHere();
            if (d > limit) return line;
            open.push_back({d, c == '{'});
            dots = 0;
            key = c == '{';
        } else if (c == ']' || c == '}') {
            if (!open.empty()) open.pop_back();
            dots = 0;
            key = false;
        } else if (c == '=') {
            if (depthHere() > limit) return line;
            key = false;
        } else if (c == ',') {
            dots = 0;
            key = !open.empty() && open.back().table;
        }
    }
    return 0;
}

std::string mib(unsigned long long bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

void tooLarge(unsigned long long bytes, const std::string& displayName, std::vector<Problem>& problems) {
    addProblem(problems, {displayName, 0, "", "is " + mib(bytes) + " MiB \u2014 max " + mib(kMaxTomlBytes) + " MiB",
                          "content and settings files are text of a few KiB: is it the right file?"});
}

} // namespace

std::optional<toml::table> parseToml(std::string_view text, const std::string& displayName, std::vector<Problem>& problems) {
    if (text.size() > kMaxTomlBytes) {
        tooLarge(text.size(), displayName, problems);
        return std::nullopt;
    }
    if (const int line = tooDeepLine(text, kMaxTomlDepth)) {
        addProblem(problems, {displayName, line, "", "too deeply nested (more than " + std::to_string(kMaxTomlDepth) + " levels)",
                              "use short [section] names and only a few levels of { } and [ ]"});
        return std::nullopt;
    }
    try {
        return toml::parse(text, displayName);
    } catch (const toml::parse_error& e) {
        addProblem(problems, {displayName, static_cast<int>(e.source().begin.line), "",
                              "not valid TOML: " + std::string(e.description()),
                              "check quotes, brackets and '=' on that line"});
    }
    return std::nullopt;
}

std::optional<toml::table> parseTomlFile(const std::string& path, const std::string& displayName,
                                         std::vector<Problem>& problems) {
    const auto unreadable = [&](int err) -> std::optional<toml::table> {
        std::string why = std::strerror(err);
        if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
        addProblem(problems, {displayName, 0, "", "cannot be read: " + why,
                              "let the kiosk's user read it (e.g. chmod a+r), or fix the path"});
        return std::nullopt;
    };
    // Non-blocking: a FIFO in the content folder must not hang the kiosk at start-up.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR) return unreadable(errno);
        addProblem(problems, {displayName, 0, "", "file not found", "create it (see docs/content.md)"});
        return std::nullopt;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return unreadable(errno);
    if (S_ISDIR(st.st_mode)) return unreadable(EISDIR);
    if (!S_ISREG(st.st_mode)) {
        addProblem(problems, {displayName, 0, "", "is not a regular file", "replace it by a plain text file"});
        return std::nullopt;
    }
    // The size before reading: a huge file is refused without loading it.
    if (static_cast<unsigned long long>(st.st_size) > kMaxTomlBytes) {
        tooLarge(static_cast<unsigned long long>(st.st_size), displayName, problems);
        return std::nullopt;
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return unreadable(errno);
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxTomlBytes) break; // it grew while being read: parseToml refuses it
    }
    return parseToml(text, displayName, problems);
}

} // namespace kiosk::core
