#include "validation.hpp"

#include "../letters.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace kiosk::core {

namespace {

/// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
size_t utf8Len(const std::string& s, size_t i, char32_t& cp) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    if (c < 0x80) { cp = c; return 1; }
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        const unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0; // overlong or not a character
    return n;
}

/// Calls `each(cp, at, n)` for each character of `s`: its n bytes start at `at`; n is 0 for a
/// byte that is not valid UTF-8 (one byte is passed over).
template <class Each>
void forEachChar(const std::string& s, Each each) {
    for (size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const size_t n = utf8Len(s, i, cp);
        each(cp, i, n);
        i += n == 0 ? 1 : n;
    }
}

bool isControl(char32_t cp) {
    // C0/C1 controls, zero-width space, BOM, bidi marks, embeddings, overrides and isolates,
    // the Arabic letter mark and the word joiner. ZWJ/ZWNJ stay: some names need them.
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x200B || cp == 0xFEFF || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C || cp == 0x2060 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/// Letters of the scripts names are written in (no ICU on the kiosk: a table of ranges).
bool isLetter(char32_t cp) {
    static const std::pair<char32_t, char32_t> kRanges[] = {
        {'A', 'Z'}, {'a', 'z'}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2AF},  // Latin
        {0x370, 0x373}, {0x386, 0x386}, {0x388, 0x3FF},                      // Greek
        {0x400, 0x481}, {0x48A, 0x52F}, {0x531, 0x587},                      // Cyrillic, Armenian
        {0x5D0, 0x5EA}, {0x620, 0x64A}, {0x671, 0x6D3}, {0x6FA, 0x6FC},      // Hebrew, Arabic
        {0x900, 0xDFF}, {0xE01, 0xE30}, {0xE40, 0xE46}, {0x10A0, 0x10FF},    // Indic, Thai, Georgian
        {0x1100, 0x11FF}, {0x1E00, 0x1FFF}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, // Hangul Jamo, Latin/Greek ext., kana
        {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0x20000, 0x2FA1F}, // CJK, Hangul
    };
    for (const auto& [a, b] : kRanges)
        if (cp >= a && cp <= b) return true;
    return false;
}

bool hasLetter(const std::string& s) {
    bool found = false;
    forEachChar(s, [&](char32_t cp, size_t, size_t n) { found = found || (n != 0 && isLetter(cp)); });
    return found;
}

} // namespace

size_t charCount(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string validUtf8(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    forEachChar(s, [&](char32_t, size_t i, size_t n) {
        if (n == 0)
            out += "\xEF\xBF\xBD"; // U+FFFD for the byte
        else
            out.append(s, i, n);
    });
    return out;
}

std::string cleanText(const std::string& s, bool multiline) {
    std::string out;
    out.reserve(s.size());
    forEachChar(s, [&](char32_t cp, size_t i, size_t n) {
        if (n == 0 || cp == '\r') return;
        if (cp == '\t' || cp == 0xA0) cp = ' ';
        if (cp == 0x2028 || cp == 0x2029) cp = '\n'; // Unicode line and paragraph separators
        if (cp == '\n' && multiline) {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += '\n';
        } else if (cp == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else if (cp == ' ') {
            if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        } else if (!isControl(cp)) {
            out.append(s, i, n);
        }
    });
    // Trimmed in place: a substr() copy would leave `out` freed with the visitor's text in it.
    const auto a = out.find_first_not_of(" \n");
    if (a == std::string::npos) {
        wipe(out);
        return out;
    }
    out.erase(out.find_last_not_of(" \n") + 1);
    out.erase(0, a);
    // Stored composed: "e" + U+0301 from a pasted or scanned name equals the é of the key.
    std::string composed = nfc(out);
    wipe(out);
    return composed;
}

std::string emailSha256(const std::string& email) {
    const size_t a = email.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return sha256Hex("");
    const size_t b = email.find_last_not_of(" \t\r\n");
    return sha256Hex(foldCase(nfc(email.substr(a, b - a + 1))));
}

std::string foldCase(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    forEachChar(s, [&](char32_t cp, size_t i, size_t n) {
        if (n == 0) { out += s[i]; return; }
        if (cp >= 'A' && cp <= 'Z') cp += 0x20;
        else if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
                 (cp >= 0x410 && cp <= 0x42F)) cp += 0x20;
        else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
        else if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
                 ((cp < 0x139 || (cp > 0x148 && cp < 0x179)) ? !(cp & 1u) : (cp & 1u)))
            cp += 1; // Latin Extended-A: upper/lower pairs (the odd-even swap between 0x139 and 0x148 and from 0x179)
        else if (cp == 0x178) cp = 0xFF;
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
        else out.append(s, i, n); // 3- and 4-byte characters unchanged
    });
    return out;
}

bool normalizeEmail(std::string& email) {
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) return false;
    if (email.find(' ') != std::string::npos) return false;
    // Checked and lower-cased in place: no copies of the address are left behind.
    const std::string_view domain = std::string_view(email).substr(at + 1);
    const auto dot = domain.rfind('.');
    // a dot inside the domain, no empty labels, a top-level domain of 2+ characters
    if (dot == std::string::npos || dot == 0 || domain.size() - dot - 1 < 2) return false;
    if (domain.find("..") != std::string::npos || domain.front() == '-' || domain.front() == '.' ||
        domain.back() == '.' || domain.find("-.") != std::string::npos || domain.find(".-") != std::string::npos)
        return false;
    const std::string_view local = std::string_view(email).substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
    std::transform(email.begin() + static_cast<std::ptrdiff_t>(at) + 1, email.end(),
                   email.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return true;
}

void reserveFields(FormInput& input, const FormDef& form) {
    constexpr size_t kMaxUtf8 = 4; // bytes per character
    for (const auto& f : form.fields) {
        Answer& a = input.values[f.id];
        a.kind = f.kind;
        if (isTyped(f.kind)) a.text.reserve(f.maxChars * kMaxUtf8);
    }
    input.exhibitorSearch.reserve(kSearchMaxChars * kMaxUtf8);
}

void wipe(FormInput& f) {
    for (auto& [id, a] : f.values) {
        wipe(a.text);
        for (auto& o : a.options) wipe(o);
        a.options.clear();
        a.yes = false;
    }
    wipe(f.exhibitorSearch);
    f.sectors.clear();
    f.exhibitors.clear();
    f.consent = f.newsletter = f.scanned = false;
}

namespace {
/// `field` becomes `cleaned`; the raw text it held is zeroed first, and so is what is left
/// of `cleaned` (a short string is copied, not moved).
void replaceWiped(std::string& field, std::string cleaned) {
    wipe(field);
    field = std::move(cleaned);
    wipe(cleaned);
}

bool plausiblePhone(const std::string& p) {
    return std::all_of(p.begin(), p.end(), [](unsigned char c) {
               return std::isdigit(c) || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '/' || c == '.';
           }) && std::count_if(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }) >= 5;
}

/// The error code for one cleaned value of `f`, or "" when it is fine. The system's rules
/// per kind live here: a new kind is one case.
std::string check(const FormField& f, Answer& a) {
    switch (f.kind) {
    case FieldKind::Name:
    case FieldKind::Email:
    case FieldKind::Phone:
    case FieldKind::Text:
    case FieldKind::Multiline:
        replaceWiped(a.text, cleanText(a.text, f.kind == FieldKind::Multiline));
        if (a.text.empty()) return f.required ? "required" : "";
        if (charCount(a.text) > f.maxChars) return "too_long";
        if (f.kind == FieldKind::Name && !hasLetter(a.text)) return "name";
        if (f.kind == FieldKind::Email && !normalizeEmail(a.text)) return "email";
        if (f.kind == FieldKind::Phone && !plausiblePhone(a.text)) return "phone";
        return "";
    case FieldKind::Choice:
        if (!f.option(a.text)) a.text.clear();
        return a.text.empty() && f.required ? "choose" : "";
    case FieldKind::Multi: {
        // Each of the field's options once, in the order chosen: a damaged state may repeat one.
        size_t kept = 0;
        for (auto& o : a.options)
            if (f.option(o) && std::find(a.options.begin(), a.options.begin() + std::ptrdiff_t(kept), o) ==
                                   a.options.begin() + std::ptrdiff_t(kept))
                std::swap(a.options[kept++], o);
        a.options.resize(kept);
        return a.options.empty() && f.required ? "choose" : "";
    }
    case FieldKind::YesNo: return !a.yes && f.required ? "required" : "";
    }
    return "";
}

/// Empties the parts of `a` its kind does not use: stray text under a toggle (a damaged or
/// scanned state) would make an untouched field count as answered.
void keepOwnPart(FieldKind kind, Answer& a) {
    if (kind != FieldKind::Multi) {
        for (auto& o : a.options)
            wipe(o);
        a.options.clear();
    }
    if (kind == FieldKind::Multi || kind == FieldKind::YesNo) wipe(a.text);
    if (kind != FieldKind::YesNo) a.yes = false;
}
} // namespace

std::vector<FieldError> validateForm(FormInput& input, const FormDef& form) {
    std::vector<FieldError> out;
    for (const auto& f : form.fields) {
        Answer& a = input.values[f.id];
        a.kind = f.kind;
        keepOwnPart(f.kind, a);
        if (auto code = check(f, a); !code.empty()) out.push_back({f.id, std::move(code)});
    }
    if (input.exhibitors.empty()) out.push_back({"exhibitors", "exhibitor"});
    if (!input.consent) out.push_back({"consent", "consent"});
    return out;
}

void fillLead(Lead& lead, const FormInput& in, const FormDef& form) {
    for (const auto& f : form.fields) {
        const auto it = in.values.find(f.id);
        if (it == in.values.end() || it->second.empty()) continue;
        if (const StandardField* s = standardField(f.id)) lead.*s->member = it->second.text;
        else lead.answers[f.id] = it->second;
    }
    lead.sectors = in.sectors;
    lead.exhibitors = in.exhibitors;
    lead.newsletter = in.newsletter;
    lead.formVersion = form.version;
    lead.capture = in.scanned ? "scan" : "typed";
}

} // namespace kiosk::core
