#include "letters.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace kiosk::core {

namespace {

/// The one code point of `ch`, or -1 when `ch` is not exactly one valid character.
utf8proc_int32_t single(const std::string& ch) {
    utf8proc_int32_t cp = -1;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(ch.data()),
                                    static_cast<utf8proc_ssize_t>(ch.size()), &cp);
    return n > 0 && static_cast<size_t>(n) == ch.size() ? cp : -1;
}

std::string encode(utf8proc_int32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(cp, buf);
    return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

std::string mapped(const std::string& ch, utf8proc_int32_t (*map)(utf8proc_int32_t)) {
    const auto cp = single(ch);
    return cp < 0 ? ch : encode(map(cp));
}

bool isCase(const std::string& ch, utf8proc_category_t cat) {
    const auto cp = single(ch);
    return cp >= 0 && utf8proc_category(cp) == cat;
}

} // namespace

std::string upperChar(const std::string& ch) { return mapped(ch, utf8proc_toupper); }
std::string lowerChar(const std::string& ch) { return mapped(ch, utf8proc_tolower); }

std::string nfc(const std::string& s) {
    utf8proc_uint8_t* out = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                static_cast<utf8proc_ssize_t>(s.size()), &out,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) return s;
    std::string r(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::memset(out, 0, static_cast<size_t>(n)); // it held what the visitor typed
    std::free(out);
    return r;
}

const std::vector<LetterGroup>& letterGroups() {
    // SIL EuroLatin's letters: Latin-1, Latin Extended-A and the Latin Extended-B letters in
    // use (Romanian ș ț, Sámi ǥ ǧ ǩ ǯ ʒ, Azerbaijani ə, Livonian ǟ ȫ ȭ ȱ). Lower case here; the
    // upper case comes from utf8proc. İ is listed for Turkish and Azerbaijani: its lower case is i.
    // Within a group the order is roughly how common the letter is across Europe.
    static const std::vector<LetterGroup> groups = {
        {"a", {"à", "á", "â", "ä", "ã", "å", "æ", "ā", "ă", "ą", "ǟ"}},
        {"c", {"ç", "ć", "č", "ĉ", "ċ"}},
        {"d", {"đ", "ď", "ð"}},
        {"e", {"é", "è", "ê", "ë", "ē", "ė", "ę", "ě", "ĕ", "ə"}},
        {"g", {"ğ", "ģ", "ĝ", "ġ", "ǧ", "ǥ"}},
        {"h", {"ĥ", "ħ"}},
        {"i", {"í", "ì", "î", "ï", "ī", "į", "ı", "İ", "ĩ", "ĭ", "ĳ"}},
        {"j", {"ĵ"}},
        {"k", {"ķ", "ǩ", "ĸ"}},
        {"l", {"ł", "ľ", "ĺ", "ļ", "ŀ"}},
        {"n", {"ñ", "ń", "ň", "ņ", "ŋ", "ŉ"}},
        {"o", {"ó", "ò", "ô", "ö", "õ", "ø", "œ", "ō", "ő", "ŏ", "ȫ", "ȭ", "ȱ"}},
        {"r", {"ř", "ŕ", "ŗ"}},
        {"s", {"ß", "š", "ś", "ş", "ș", "ŝ"}},
        {"t", {"ț", "ţ", "ť", "þ", "ŧ"}},
        {"u", {"ú", "ù", "û", "ü", "ū", "ů", "ű", "ų", "ũ", "ŭ"}},
        {"w", {"ŵ"}},
        {"y", {"ý", "ÿ", "ŷ"}},
        {"z", {"ž", "ż", "ź", "ʒ", "ǯ"}},
    };
    return groups;
}

std::vector<std::string> letterVariants(const std::string& base, bool upper, Lang lang) {
    const std::string key = lowerChar(base);
    const auto g = std::find_if(letterGroups().begin(), letterGroups().end(),
                                [&](const LetterGroup& x) { return x.base == key; });
    if (g == letterGroups().end()) return {};
    std::vector<std::string> out;
    for (const auto& v : g->variants) {
        const std::string c = upper ? upperChar(v) : lowerChar(v);
        // ı's upper case is the base key's I, İ's lower case its i; ß and ŉ have no upper case.
        if (c == (upper ? upperChar(key) : key) || !isCase(c, upper ? UTF8PROC_CATEGORY_LU : UTF8PROC_CATEGORY_LL))
            continue;
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
    if (lang == Lang::De) { // the letters of the language itself come first, as on phone keyboards
        const std::vector<std::string> own = {"ä", "ö", "ü", "ß"};
        std::stable_partition(out.begin(), out.end(), [&](const std::string& c) {
            return std::find(own.begin(), own.end(), lowerChar(c)) != own.end();
        });
    }
    return out;
}

std::vector<std::string> euroLatinLetters() {
    std::vector<std::string> out;
    for (const auto& g : letterGroups())
        for (bool upper : {false, true})
            for (auto& c : letterVariants(g.base, upper, Lang::En)) out.push_back(std::move(c));
    return out;
}

} // namespace kiosk::core
