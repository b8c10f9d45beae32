/// @brief Letters of Europe's Latin-script languages (SIL EuroLatin as the checklist), their
/// case mapping and normalisation: from utf8proc, never from a table of our own.
#pragma once
#include "text.hpp"

#include <string>
#include <vector>

namespace kiosk::core {

/// Upper / lower case of one character (UTF-8) by Unicode's simple case mapping;
/// unchanged when it has none (ß, ŉ, digits). Anything longer than one character is unchanged.
std::string upperChar(const std::string& ch);
std::string lowerChar(const std::string& ch);

/// `s` in Unicode NFC (what the visitor typed is stored composed: "e" + U+0301 becomes "é").
/// Invalid UTF-8 is returned unchanged; the library's buffer is zeroed before it is freed.
std::string nfc(const std::string& s);

/// The accented letters that belong to a base letter key (a: à á â …), lower case.
struct LetterGroup {
    std::string base;
    std::vector<std::string> variants;
};

/// Every group, in alphabetical order of the base letter.
const std::vector<LetterGroup>& letterGroups();

/// The variants of `base` ("a" or "A") as the long-press popup shows them: in `upper`
/// case (letters without an upper case left out) and in the order of `lang`'s keyboards
/// (German: ä ö ü ß first). Empty when the base letter has none.
std::vector<std::string> letterVariants(const std::string& base, bool upper, Lang lang);

/// Every non-ASCII letter of the checklist, lower case then upper case per group.
std::vector<std::string> euroLatinLetters();

} // namespace kiosk::core
