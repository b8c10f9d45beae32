// Case mapping, NFC and the EuroLatin letter list (kiosk/core/letters.hpp), checked against utf8proc.
#include "core/leads/validation.hpp"
#include "core/letters.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace kiosk::core;

TEST_CASE("upper and lower case follow Unicode, also where code points are not odd/even pairs") {
    // Ĺ–ň and Ź–ž have the upper case on the odd code point: a hand-written "odd is upper" breaks them.
    const char* pairs[][2] = {{"Ł", "ł"}, {"Ĺ", "ĺ"}, {"Ļ", "ļ"}, {"Ľ", "ľ"}, {"Ŀ", "ŀ"}, {"Ń", "ń"}, {"Ņ", "ņ"},
                              {"Ň", "ň"}, {"Ź", "ź"}, {"Ż", "ż"}, {"Ž", "ž"}, {"Ÿ", "ÿ"}, {"Ș", "ș"}, {"Ț", "ț"},
                              {"Ǧ", "ǧ"}, {"Ə", "ə"}, {"Đ", "đ"}, {"Ʒ", "ʒ"}, {"Ä", "ä"}, {"Z", "z"}};
    for (const auto& p : pairs) {
        CAPTURE(p[0]);
        CHECK(upperChar(p[1]) == p[0]);
        CHECK(lowerChar(p[0]) == p[1]);
    }
    CHECK(upperChar("ß") == "ẞ"); // utf8proc ≥ 2.8: the capital sharp s of German orthography since 2017
    CHECK(lowerChar("ẞ") == "ß");
    CHECK(upperChar("ŉ") == "ŉ");
    CHECK(upperChar("1") == "1");
    CHECK(upperChar(".com") == ".com");
}

TEST_CASE("text is stored NFC: decomposed input becomes the composed letters") {
    CHECK(nfc("Z\xC5\x82" "o" "\xCC\x81" "\xC5\x82\x63\xCC\x81") == "Złółć"); // ó and ć decomposed
    CHECK(nfc("S\xCC\xA6tefa\xCC\x86nescu") == "Ștefănescu");
    CHECK(nfc("plain") == "plain");
    CHECK(cleanText("  Lo\xCC\x88we ") == "Löwe");
    FormInput f;
    textOf(f, "first_name") = "Zoe\xCC\x88";
    validateForm(f, kiosk::core::defaultForm());
    CHECK(textOf(f, "first_name") == "Zoë");
}

TEST_CASE("every letter of the EuroLatin list has its other case in the list") {
    const auto all = euroLatinLetters();
    const std::set<std::string> set(all.begin(), all.end());
    CHECK(set.size() == all.size()); // no letter twice
    auto listed = [&](const std::string& c) { return set.count(c) || (c.size() == 1 && std::isalpha(static_cast<unsigned char>(c[0]))); };
    for (const auto& c : all) {
        CAPTURE(c);
        CHECK(nfc(c) == c);
        CHECK(listed(upperChar(c)));
        CHECK(listed(lowerChar(c)));
    }
    for (const char* c : {"Ł", "ł", "Ș", "ș", "Ț", "ț", "Ǧ", "ǧ", "Ə", "ə", "Đ", "đ", "Ŀ", "ŀ", "ŉ", "İ", "ı", "ß", "Ÿ", "ÿ"})
        CHECK(set.count(c) == 1);
    // Every letter of Latin-1 and Latin Extended-A is in (ſ and the ĸ-like archaic ones excepted).
    for (char32_t cp = 0xC0; cp <= 0x17F; ++cp) {
        if (cp == 0xD7 || cp == 0xF7 || cp == 0x17F) continue;
        std::string s;
        if (cp < 0x800) s = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
        CAPTURE(s);
        CHECK(set.count(s));
    }
}

TEST_CASE("the popup order follows the UI language: German puts ä ö ü ß first") {
    CHECK(letterVariants("a", false, Lang::De).front() == "ä");
    CHECK(letterVariants("A", true, Lang::De).front() == "Ä");
    CHECK(letterVariants("s", false, Lang::De).front() == "ß");
    CHECK(letterVariants("a", false, Lang::En).front() == "à");
    const auto upperS = letterVariants("s", true, Lang::En);
    CHECK(std::find(upperS.begin(), upperS.end(), "ß") == upperS.end());
    CHECK(std::find(upperS.begin(), upperS.end(), "ẞ") != upperS.end());
    CHECK(letterVariants("b", false, Lang::En).empty());
    const auto upperN = letterVariants("n", true, Lang::En);
    CHECK(std::find(upperN.begin(), upperN.end(), "ŉ") == upperN.end());
    const auto lowerI = letterVariants("i", false, Lang::En), upperI = letterVariants("i", true, Lang::En);
    CHECK(std::find(lowerI.begin(), lowerI.end(), "ı") != lowerI.end());
    CHECK(std::find(upperI.begin(), upperI.end(), "İ") != upperI.end());
}
