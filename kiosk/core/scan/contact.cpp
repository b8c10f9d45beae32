#include "contact.hpp"

#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"
#include "core/letters.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace kiosk::core {

const std::string* Contact::value(std::string_view id) const {
    for (const auto& [k, v] : fields)
        if (k == id) return &v;
    return nullptr;
}

void wipe(FieldValues& values) {
    for (auto& [k, v] : values)
        wipe(v);
    values.clear();
}

namespace {

char upperAscii(char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(),
                                                   [](char a, char b) { return upperAscii(a) == upperAscii(b); });
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), upperAscii);
    return out;
}

bool validUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    for (size_t i = 0; i < s.size();) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
        if (n <= 0) return false;
        i += static_cast<size_t>(n);
    }
    return true;
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = upperAscii(c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/// `=XX` (quoted-printable) or `%XX` (a URI) as bytes; anything else as it is.
std::string unhex(std::string_view s, char mark) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == mark && i + 2 < s.size()) {
            const int hi = hexDigit(s[i + 1]), lo = hexDigit(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string latin1ToUtf8(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x80)
            out += static_cast<char>(c);
        else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

/// Splits at `sep` where it is not escaped by a backslash; the pieces keep their escapes.
std::vector<std::string_view> splitUnescaped(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == sep) {
            out.push_back(s.substr(from, i - from));
            from = i + 1;
        }
    }
    out.push_back(s.substr(std::min(from, s.size())));
    return out;
}

/// vCard and MeCard escapes: \n is a line break, any other escaped character stands for itself.
std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            ++i;
            out += s[i] == 'n' || s[i] == 'N' ? '\n' : s[i];
        } else {
            out += s[i];
        }
    }
    return out;
}

/// Multiple values of one component ("Anna,Maria") become one, separated by spaces.
std::string joinValues(std::string_view component) {
    std::string out;
    for (auto part : splitUnescaped(component, ',')) {
        if (!out.empty()) out += ' ';
        out += unescape(part);
    }
    return out;
}

/// A value as the form takes it: cleaned like typed text, NFC.
std::string tidy(const std::string& s) {
    return nfc(cleanText(s));
}

std::optional<std::string> plausibleEmail(std::string_view raw) {
    std::string e = tidy(std::string(raw));
    if (startsWithNoCase(e, "mailto:")) e.erase(0, 7);
    if (e.size() > rulesOf(FieldKind::Email).maxChars || !normalizeEmail(e)) return std::nullopt;
    return e;
}

/// The parts of a contact, gathered from whichever format.
struct Draft {
    std::string first, last, fullName, email, company, title, phone;
    int emailRank = 1 << 30, phoneRank = 1 << 30;

    Draft() = default;
    Draft(const Draft&) = delete;
    Draft& operator=(const Draft&) = delete;
    ~Draft() { // what was not handed on (an email passed over, a code refused) is a visitor's data still
        for (std::string* s : {&first, &last, &fullName, &email, &company, &title, &phone})
            wipe(*s);
    }

    void offerEmail(std::string_view raw, int rank) {
        if (rank >= emailRank) return;
        if (auto e = plausibleEmail(raw)) email = *e, emailRank = rank;
    }
    void offerPhone(std::string_view raw, int rank) {
        std::string p = tidy(std::string(raw));
        if (startsWithNoCase(p, "tel:")) p = tidy(p.substr(4));
        if (rank >= phoneRank || std::none_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }))
            return;
        phone = p, phoneRank = rank;
    }
    /// "Zoë Anna Müller": the last word is the last name.
    void splitFullName() {
        if (!first.empty() || !last.empty() || fullName.empty()) return;
        const auto sp = fullName.rfind(' ');
        if (sp == std::string::npos)
            first = fullName;
        else
            first = fullName.substr(0, sp), last = fullName.substr(sp + 1);
    }
    std::optional<Contact> finish(Contact::Format format) {
        splitFullName();
        Contact c;
        c.format = format;
        for (auto [id, v] : {std::pair{field::firstName, &first},
                             {field::lastName, &last},
                             {field::email, &email},
                             {field::company, &company},
                             {field::jobTitle, &title},
                             {field::phone, &phone}})
            if (!v->empty()) c.fields.emplace_back(id, std::move(*v));
        wipe(fullName);
        if (c.fields.empty()) return std::nullopt;
        return c;
    }
};

// ---- vCard 2.1 / 3.0 / 4.0 ----------------------------------------------------------------

struct Property {
    std::string name;
    std::vector<std::string> params; ///< upper case
    std::string value;               ///< still escaped
};

/// Physical lines joined into logical ones: a line starting with a space or tab continues the
/// one before (folding), as does the line after a quoted-printable soft line break ("=" at the end).
std::vector<std::string> logicalLines(std::string_view text) {
    std::vector<std::string> out;
    auto quotedPrintable = [](const std::string& l) {
        const auto colon = l.find(':');
        return !l.empty() && l.back() == '=' && colon != std::string::npos &&
               upper(std::string_view(l).substr(0, colon)).find("QUOTED-PRINTABLE") != std::string::npos;
    };
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + (text.substr(end, 2) == "\r\n" ? 2 : 1);
        if (!out.empty() && quotedPrintable(out.back())) {
            out.back().pop_back();
            out.back() += line;
        } else if (!out.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            out.back() += line.substr(1);
        } else if (!line.empty()) {
            out.emplace_back(line);
        }
    }
    return out;
}

std::optional<Property> property(const std::string& line) {
    bool quoted = false;
    size_t colon = std::string::npos;
    for (size_t i = 0; i < line.size() && colon == std::string::npos; ++i) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (line[i] == ':' && !quoted)
            colon = i;
    }
    if (colon == std::string::npos) return std::nullopt;
    Property p;
    const auto head = splitUnescaped(std::string_view(line).substr(0, colon), ';');
    p.name = upper(head.front());
    if (const auto dot = p.name.rfind('.'); dot != std::string::npos) p.name.erase(0, dot + 1); // item1.EMAIL
    for (size_t i = 1; i < head.size(); ++i)
        p.params.push_back(upper(head[i]));
    p.value = line.substr(colon + 1);
    return p;
}

/// PREF=n, a bare PREF (2.1) or pref in TYPE=… (3.0): lower is preferred; 1000 without.
int prefRank(const Property& p) {
    for (const auto& param : p.params) {
        if (param.rfind("PREF=", 0) == 0) {
            const int n = std::atoi(param.c_str() + 5);
            return n > 0 ? std::min(n, 100) : 100;
        }
        if (param == "PREF") return 1;
        if (param.rfind("TYPE=", 0) == 0)
            for (auto t : splitUnescaped(std::string_view(param).substr(5), ','))
                if (t == "PREF" || t == "\"PREF\"") return 1;
    }
    return 1000;
}

/// The value as UTF-8 bytes, or nullopt: base64 (a photo) or bytes that are not valid text.
std::optional<std::string> decodedValue(const Property& p, bool& invalid) {
    bool qp = false;
    std::string charset = "UTF-8";
    for (const auto& param : p.params) {
        if (param == "QUOTED-PRINTABLE" || param == "ENCODING=QUOTED-PRINTABLE")
            qp = true;
        else if (param == "BASE64" || param == "ENCODING=BASE64" || param == "ENCODING=B")
            return std::nullopt;
        else if (param.rfind("CHARSET=", 0) == 0)
            charset = param.substr(8);
    }
    std::string v = qp ? unhex(p.value, '=') : p.value;
    charset.erase(std::remove(charset.begin(), charset.end(), '"'), charset.end());
    if (charset == "ISO-8859-1" || charset == "ISO8859-1" || charset == "LATIN1" || charset == "WINDOWS-1252" ||
        charset == "CP1252")
        v = latin1ToUtf8(v);
    if (!validUtf8(v)) {
        invalid = true;
        return std::nullopt;
    }
    return v;
}

std::optional<Contact> parseVCard(std::string_view text) {
    Draft d;
    bool invalid = false, ended = false;
    auto lines = logicalLines(text);
    for (size_t i = 1; i < lines.size() && !ended && !invalid; ++i) {
        const auto p = property(lines[i]);
        if (!p) continue;
        if (p->name == "END") {
            ended = true;
            continue;
        }
        if (p->name != "N" && p->name != "FN" && p->name != "EMAIL" && p->name != "ORG" && p->name != "TITLE" &&
            p->name != "TEL")
            continue;
        auto v = decodedValue(*p, invalid);
        if (!v) continue;
        if (p->name == "N") {
            const auto parts = splitUnescaped(*v, ';'); // family;given;additional;prefix;suffix
            d.last = tidy(joinValues(parts[0]));
            if (parts.size() > 1) d.first = tidy(joinValues(parts[1]));
        } else if (p->name == "FN") {
            d.fullName = tidy(unescape(*v));
        } else if (p->name == "EMAIL") {
            d.offerEmail(unescape(*v), prefRank(*p));
        } else if (p->name == "ORG") {
            if (d.company.empty()) d.company = tidy(unescape(splitUnescaped(*v, ';').front())); // not the department
        } else if (p->name == "TITLE") {
            if (d.title.empty()) d.title = tidy(unescape(*v));
        } else if (p->name == "TEL") {
            d.offerPhone(unescape(*v), prefRank(*p));
        }
        wipe(*v);
    }
    for (auto& l : lines)
        wipe(l);
    if (invalid) return std::nullopt;
    return d.finish(Contact::Format::VCard);
}

// ---- MeCard, mailto:, a plain address -------------------------------------------------------

std::optional<Contact> parseMeCard(std::string_view body) {
    Draft d;
    int order = 0;
    for (auto item : splitUnescaped(body, ';')) {
        if (item.empty()) break; // ";;" ends the card
        const auto colon = item.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string key = upper(item.substr(0, colon));
        const std::string_view v = item.substr(colon + 1);
        ++order;
        if (key == "N") {
            const auto parts = splitUnescaped(v, ','); // last,first
            if (parts.size() > 1) {
                d.last = tidy(unescape(parts[0]));
                d.first = tidy(unescape(parts[1]));
            } else {
                d.fullName = tidy(unescape(v));
            }
        } else if (key == "EMAIL") {
            d.offerEmail(unescape(v), order);
        } else if (key == "TEL") {
            d.offerPhone(unescape(v), order);
        } else if (key == "ORG") {
            if (d.company.empty()) d.company = tidy(unescape(v));
        } else if (key == "TITLE") {
            if (d.title.empty()) d.title = tidy(unescape(v));
        }
    }
    return d.finish(Contact::Format::MeCard);
}

std::optional<Contact> parseMailto(std::string_view uri) {
    Draft d;
    const auto q = uri.find('?');
    int rank = 0;
    auto offer = [&](std::string_view list) {
        for (auto addr : splitUnescaped(list, ',')) {
            const std::string decoded = unhex(addr, '%');
            if (!validUtf8(decoded)) return false;
            d.offerEmail(decoded, ++rank);
        }
        return true;
    };
    if (!offer(uri.substr(0, q))) return std::nullopt;
    // Without an address before "?", the first to= is the one; cc, bcc, subject and body are not the visitor's.
    if (d.email.empty() && q != std::string_view::npos)
        for (auto param : splitUnescaped(uri.substr(q + 1), '&'))
            if (startsWithNoCase(param, "to=") && !offer(param.substr(3))) return std::nullopt;
    if (d.email.empty()) return std::nullopt;
    return d.finish(Contact::Format::Mailto);
}

std::string_view trimmed(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::optional<Contact> parseContact(std::string_view code) {
    if (code.size() > kMaxCodeBytes) return std::nullopt;
    const std::string_view s = trimmed(code);
    if (s.empty() || s.find('\0') != std::string_view::npos) return std::nullopt;
    // A vCard's values may be in another charset (declared per value); everything else is UTF-8.
    if (startsWithNoCase(s, "BEGIN:VCARD")) return parseVCard(s);
    if (!validUtf8(s)) return std::nullopt;
    if (startsWithNoCase(s, "MECARD:")) return parseMeCard(s.substr(7));
    if (startsWithNoCase(s, "mailto:")) return parseMailto(s.substr(7));
    if (s.size() > rulesOf(FieldKind::Email).maxChars ||
        std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }))
        return std::nullopt;
    Draft d;
    d.offerEmail(s, 0);
    return d.finish(Contact::Format::Email);
}

} // namespace kiosk::core
