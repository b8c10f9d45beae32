// Unit tests of the sign-up form's rules (core/leads/validation): cleaning of
// free text, the email check, the length limits (in characters, not bytes) and
// the errors validateForm() reports, in form order. Table-driven.
#include "core/leads/validation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace kiosk::core;

namespace {

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

/// "field:code,field:code" (or "" when there is no problem): easy to compare and to read in a failure.
std::string joined(const std::vector<FieldError>& errors) {
    std::string s;
    for (const auto& e : errors) s += (s.empty() ? "" : ",") + e.field + ":" + e.code;
    return s;
}

/// A form that passes: each case changes one thing.
FormInput goodForm() {
    FormInput f;
    textOf(f, "first_name") = "Zoë";
    textOf(f, "last_name") = "Müller-Lüdenscheidt";
    textOf(f, "email") = "zoe@example.com";
    f.exhibitors = {"acme"};
    f.consent = true;
    return f;
}

std::string validate(FormInput f) { return joined(validateForm(f, defaultForm())); }

// ---------------------------------------------------------------------------------------------
// cleanText

struct CleanCase {
    const char* what;
    const char* input;
    bool multiline;
    const char* expected;
};

const CleanCase kCleanCases[] = {
    // white space
    {"plain text is kept", "Anna", false, "Anna"},
    {"empty stays empty", "", false, ""},
    {"only spaces become empty", "    ", false, ""},
    {"leading and trailing spaces are trimmed", "  Anna  ", false, "Anna"},
    {"inner runs of spaces are folded", "Anna     Maria", false, "Anna Maria"},
    {"a tab becomes a space", "Anna\tMaria", false, "Anna Maria"},
    {"mixed tabs and spaces fold to one space", "Anna \t \t Maria", false, "Anna Maria"},
    {"a no-break space becomes a space", "Anna\xC2\xA0Maria", false, "Anna Maria"},
    {"leading tabs and no-break spaces are trimmed", "\t\xC2\xA0 Anna", false, "Anna"},
    // line breaks: not in single-line fields
    {"single line: LF becomes a space", "Anna\nMaria", false, "Anna Maria"},
    {"single line: CRLF becomes a space", "Anna\r\nMaria", false, "Anna Maria"},
    {"single line: spaces around a LF fold", "Anna \n Maria", false, "Anna Maria"},
    {"single line: several LFs become one space", "Anna\n\n\nMaria", false, "Anna Maria"},
    {"single line: leading and trailing LFs are trimmed", "\n\nAnna\n\n", false, "Anna"},
    // line breaks: kept in the message
    {"multiline: LF is kept", "Hello\nWorld", true, "Hello\nWorld"},
    {"multiline: CRLF becomes LF", "Hello\r\nWorld", true, "Hello\nWorld"},
    {"multiline: an empty line is kept", "Line 1\n\nLine 3", true, "Line 1\n\nLine 3"},
    {"multiline: spaces at line ends and starts are dropped", "Hello   \n   World", true, "Hello\nWorld"},
    {"multiline: leading and trailing LFs are trimmed", "\n\n Hello \n\n", true, "Hello"},
    {"multiline: runs of spaces inside a line fold", "a    b\nc   d", true, "a b\nc d"},
    {"multiline: a tab becomes a space", "a\tb", true, "a b"},
    {"multiline: only line breaks become empty", "\n\r\n \n", true, ""},
    // control characters
    {"C0 controls are removed", "\x01" "An\x02na\x1F", false, "Anna"},
    {"DEL is removed", "An\x7Fna", false, "Anna"},
    {"bell and escape are removed", "\x07" "Anna\x1B", false, "Anna"},
    {"vertical tab and form feed are removed", "An\x0Bna\x0C", false, "Anna"},
    {"C1 control NEL (U+0085) is removed", "An\xC2\x85na", false, "Anna"},
    {"C1 control U+009F is removed", "An\xC2\x9Fna", false, "Anna"},
    {"zero-width space (U+200B) is removed", "Zo\xE2\x80\x8B\xC3\xAB", false, "Zo\xC3\xAB"},
    {"byte order mark (U+FEFF) is removed", "\xEF\xBB\xBF" "Anna", false, "Anna"},
    {"bidi override RLO (U+202E) is removed", "\xE2\x80\xAE" "annA", false, "annA"},
    {"bidi embeddings and PDF (U+202A..U+202C) are removed", "\xE2\x80\xAA" "A\xE2\x80\xAB" "B\xE2\x80\xAC", false,
     "AB"},
    {"bidi override LRO (U+202D) is removed", "\xE2\x80\xAD" "Anna", false, "Anna"},
    {"bidi isolates (U+2066..U+2069) are removed", "\xE2\x81\xA6" "A\xE2\x81\xA7" "B\xE2\x81\xA8" "C\xE2\x81\xA9", false,
     "ABC"},
    {"a control between spaces leaves one space", "Anna \xE2\x80\x8B Maria", false, "Anna Maria"},
    {"controls before leading spaces are trimmed too", "\x01 \xE2\x80\xAE Anna", false, "Anna"},
    {"a name of controls only becomes empty", "\xE2\x80\x8B\xEF\xBB\xBF\x01", false, ""},
    {"controls are removed from the message too, line breaks kept", "Hi\x01\nthere\xE2\x80\xAE", true, "Hi\nthere"},
    // invalid UTF-8 is dropped, valid UTF-8 kept
    {"a Latin-1 byte is dropped", "M\xFCller", false, "Mller"},
    {"a lone continuation byte is dropped", "\x80" "Anna", false, "Anna"},
    {"a truncated sequence at the end is dropped", "Jos\xC3", false, "Jos"},
    {"a truncated sequence before ASCII is dropped, the ASCII kept", "\xE2\x82" "A", false, "A"},
    {"an overlong encoding is dropped", "\xC0\xAF" "x", false, "x"},
    {"an overlong 3-byte encoding is dropped", "\xE0\x80\xAF" "x", false, "x"},
    {"a UTF-16 surrogate is dropped", "\xED\xA0\x80" "x", false, "x"},
    {"a code point above U+10FFFF is dropped", "\xF4\x90\x80\x80" "x", false, "x"},
    {"a 5-byte form is dropped", "\xF8\x88\x80\x80\x80" "x", false, "x"},
    {"0xFE and 0xFF are dropped", "\xFE\xFF" "x", false, "x"},
    {"umlauts are kept", "Zo\xC3\xAB M\xC3\xBCller", false, "Zo\xC3\xAB M\xC3\xBCller"},
    {"CJK is kept", "\xE7\x8E\x8B", false, "\xE7\x8E\x8B"},
    {"a 4-byte emoji is kept", "hi \xF0\x9F\x98\x80", true, "hi \xF0\x9F\x98\x80"},
    {"the largest code point is kept", "\xF4\x8F\xBF\xBF", false, "\xF4\x8F\xBF\xBF"},
};

// ---------------------------------------------------------------------------------------------
// normalizeEmail

struct EmailCase {
    const char* input;
    bool ok;
    const char* normalized; ///< when ok
};

const EmailCase kEmailCases[] = {
    {"max@example.com", true, "max@example.com"},
    {"Max.Mustermann@Example.COM", true, "Max.Mustermann@example.com"},
    {"MAX@EXAMPLE.DE", true, "MAX@example.de"},
    {"first.last+tag@sub.domain.co.uk", true, "first.last+tag@sub.domain.co.uk"},
    {"O'Brien@Example.IE", true, "O'Brien@example.ie"},
    {"a@b.io", true, "a@b.io"},
    {"user_name-1@my-company.example", true, "user_name-1@my-company.example"},
    {"max@xn--mller-kva.DE", true, "max@xn--mller-kva.de"},
    {"zo\xC3\xAB@m\xC3\xBCller.de", true, "zo\xC3\xAB@m\xC3\xBCller.de"},
    {"", false, ""},
    {"max", false, ""},
    {"max.example.com", false, ""},
    {"max@", false, ""},
    {"@example.com", false, ""},
    {"max@@example.com", false, ""},
    {"max@ex@ample.com", false, ""},
    {"max@example", false, ""},
    {"max@example.c", false, ""},
    {"max@.com", false, ""},
    {"max@example..com", false, ""},
    {"max@example.com.", false, ""},
    {"max@-example.com", false, ""},
    {"max @example.com", false, ""},
    {"max@exa mple.com", false, ""},
    {"max@example.com ", false, ""},
    {".max@example.com", false, ""},
    {"max.@example.com", false, ""},
    {"ma..x@example.com", false, ""},
};

// ---------------------------------------------------------------------------------------------
// validateForm: one change to a good form, and the errors it must give

using Mutate = void (*)(FormInput&);

struct FormCase {
    const char* what;
    Mutate mutate;
    const char* errors; ///< joined(): "" when the form passes
};

const FormCase kFormCases[] = {
    {"the good form passes", [](FormInput&) {}, ""},
    // required fields
    {"first name missing", [](FormInput& f) { textOf(f, "first_name") = ""; }, "first_name:required"},
    {"first name only spaces", [](FormInput& f) { textOf(f, "first_name") = "   "; }, "first_name:required"},
    {"first name only control characters", [](FormInput& f) { textOf(f, "first_name") = "\xE2\x80\x8B\x01\xE2\x80\xAE"; },
     "first_name:required"},
    {"first name only invalid bytes", [](FormInput& f) { textOf(f, "first_name") = "\xFF\xFE\x80"; }, "first_name:required"},
    {"last name missing", [](FormInput& f) { textOf(f, "last_name") = ""; }, "last_name:required"},
    {"last name only tabs and line breaks", [](FormInput& f) { textOf(f, "last_name") = "\t\n\r\n"; }, "last_name:required"},
    {"email missing", [](FormInput& f) { textOf(f, "email") = ""; }, "email:required"},
    {"email only spaces", [](FormInput& f) { textOf(f, "email") = "  \t "; }, "email:required"},
    // optional fields may be empty
    {"company empty", [](FormInput& f) { textOf(f, "company") = ""; }, ""},
    {"all optional fields filled", [](FormInput& f) {
         textOf(f, "company") = "ACME GmbH";
         textOf(f, "job_title") = "Head of Sales";
         textOf(f, "phone") = "+49 30 1234567";
         textOf(f, "message") = "Please call me.\nThanks!";
         f.sectors = {"energy", "mobility"};
         f.newsletter = true;
     }, ""},
    {"no sectors chosen", [](FormInput& f) { f.sectors.clear(); }, ""},
    {"newsletter not wanted", [](FormInput& f) { f.newsletter = false; }, ""},
    {"newsletter wanted", [](FormInput& f) { f.newsletter = true; }, ""},
    // names with any letters
    {"name Zoë", [](FormInput& f) { textOf(f, "first_name") = "Zo\xC3\xAB"; }, ""},
    {"name Łukasz", [](FormInput& f) { textOf(f, "first_name") = "\xC5\x81ukasz"; }, ""},
    {"name Müller-Lüdenscheidt", [](FormInput& f) { textOf(f, "last_name") = "M\xC3\xBCller-L\xC3\xBC" "denscheidt"; }, ""},
    {"name O'Brien", [](FormInput& f) { textOf(f, "last_name") = "O'Brien"; }, ""},
    {"name 王", [](FormInput& f) { textOf(f, "last_name") = "\xE7\x8E\x8B"; }, ""},
    {"name José María", [](FormInput& f) { textOf(f, "first_name") = "Jos\xC3\xA9 Mar\xC3\xAD" "a"; }, ""},
    {"name Nguyễn", [](FormInput& f) { textOf(f, "last_name") = "Nguy\xE1\xBB\x85n"; }, ""},
    {"name Σωκράτης", [](FormInput& f) { textOf(f, "first_name") = "\xCE\xA3\xCF\x89\xCE\xBA\xCF\x81\xCE\xAC\xCF\x84\xCE\xB7\xCF\x82"; },
     ""},
    {"name Иван", [](FormInput& f) { textOf(f, "first_name") = "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"; }, ""},
    {"name محمد", [](FormInput& f) { textOf(f, "first_name") = "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF"; }, ""},
    {"name of one letter", [](FormInput& f) { textOf(f, "last_name") = "X"; }, ""},
    {"name Jean-Luc", [](FormInput& f) { textOf(f, "first_name") = "Jean-Luc"; }, ""},
    {"name with a digit and letters", [](FormInput& f) { textOf(f, "last_name") = "Henry 8th"; }, ""},
    // names without a letter
    {"first name digits only", [](FormInput& f) { textOf(f, "first_name") = "12345"; }, "first_name:name"},
    {"last name a hyphen only", [](FormInput& f) { textOf(f, "last_name") = "-"; }, "last_name:name"},
    {"last name an apostrophe only", [](FormInput& f) { textOf(f, "last_name") = "'"; }, "last_name:name"},
    {"first name dots only", [](FormInput& f) { textOf(f, "first_name") = "..."; }, "first_name:name"},
    {"first name punctuation only", [](FormInput& f) { textOf(f, "first_name") = "!?-_ #"; }, "first_name:name"},
    // name lengths (characters, not bytes)
    {"first name of 60 ASCII letters", [](FormInput& f) { textOf(f, "first_name") = repeat("a", 60); }, ""},
    {"first name of 61 ASCII letters", [](FormInput& f) { textOf(f, "first_name") = repeat("a", 61); }, "first_name:too_long"},
    {"last name of 60 umlauts (120 bytes)", [](FormInput& f) { textOf(f, "last_name") = repeat("\xC3\xA4", 60); }, ""},
    {"last name of 61 umlauts", [](FormInput& f) { textOf(f, "last_name") = repeat("\xC3\xA4", 61); }, "last_name:too_long"},
    {"last name of 60 CJK characters (180 bytes)", [](FormInput& f) { textOf(f, "last_name") = repeat("\xE7\x8E\x8B", 60); }, ""},
    {"a name padded with spaces past the limit is trimmed first",
     [](FormInput& f) { textOf(f, "first_name") = "   " + repeat("a", 60) + "   "; }, ""},
    {"a name with a long inner run of spaces is folded first",
     [](FormInput& f) { textOf(f, "first_name") = repeat("a", 29) + repeat(" ", 40) + repeat("b", 30); }, ""},
    {"too long takes precedence over no letter", [](FormInput& f) { textOf(f, "first_name") = repeat("1", 61); },
     "first_name:too_long"},
    // email
    {"email plausible", [](FormInput& f) { textOf(f, "email") = "Max.Mustermann@Example.COM"; }, ""},
    {"email trimmed", [](FormInput& f) { textOf(f, "email") = "  max@example.com \n"; }, ""},
    {"email without @", [](FormInput& f) { textOf(f, "email") = "max.example.com"; }, "email:email"},
    {"email with two @", [](FormInput& f) { textOf(f, "email") = "max@ex@ample.com"; }, "email:email"},
    {"email without a dot in the domain", [](FormInput& f) { textOf(f, "email") = "max@localhost"; }, "email:email"},
    {"email with a space", [](FormInput& f) { textOf(f, "email") = "max mustermann@example.com"; }, "email:email"},
    {"email with a tab", [](FormInput& f) { textOf(f, "email") = "max\t@example.com"; }, "email:email"},
    {"email with a no-break space", [](FormInput& f) { textOf(f, "email") = "max\xC2\xA0@example.com"; }, "email:email"},
    {"email with a line break", [](FormInput& f) { textOf(f, "email") = "max\n@example.com"; }, "email:email"},
    {"email with an empty local part", [](FormInput& f) { textOf(f, "email") = "@example.com"; }, "email:email"},
    {"email of 254 characters", [](FormInput& f) { textOf(f, "email") = repeat("a", 242) + "@example.com"; }, ""},
    {"email of 255 characters", [](FormInput& f) { textOf(f, "email") = repeat("a", 243) + "@example.com"; }, "email:too_long"},
    {"email too long takes precedence over implausible", [](FormInput& f) { textOf(f, "email") = repeat("a", 255); },
     "email:too_long"},
    // company and job title
    {"company of 100 characters", [](FormInput& f) { textOf(f, "company") = repeat("c", 100); }, ""},
    {"company of 101 characters", [](FormInput& f) { textOf(f, "company") = repeat("c", 101); }, "company:too_long"},
    {"company of 100 umlauts", [](FormInput& f) { textOf(f, "company") = repeat("\xC3\xB6", 100); }, ""},
    {"company of 101 umlauts", [](FormInput& f) { textOf(f, "company") = repeat("\xC3\xB6", 101); }, "company:too_long"},
    {"company of digits only is fine", [](FormInput& f) { textOf(f, "company") = "3M"; }, ""},
    {"job title of 80 characters", [](FormInput& f) { textOf(f, "job_title") = repeat("j", 80); }, ""},
    {"job title of 81 characters", [](FormInput& f) { textOf(f, "job_title") = repeat("j", 81); }, "job_title:too_long"},
    {"job title of 80 CJK characters", [](FormInput& f) { textOf(f, "job_title") = repeat("\xE7\x8E\x8B", 80); }, ""},
    // phone
    {"phone international", [](FormInput& f) { textOf(f, "phone") = "+49 30 1234567"; }, ""},
    {"phone with brackets and a hyphen", [](FormInput& f) { textOf(f, "phone") = "(030) 123-4567"; }, ""},
    {"phone with a slash", [](FormInput& f) { textOf(f, "phone") = "030/1234567"; }, ""},
    {"phone with dots", [](FormInput& f) { textOf(f, "phone") = "+49.30.12345"; }, ""},
    {"phone of exactly 5 digits", [](FormInput& f) { textOf(f, "phone") = "12345"; }, ""},
    {"phone of 4 digits", [](FormInput& f) { textOf(f, "phone") = "1234"; }, "phone:phone"},
    {"phone with letters", [](FormInput& f) { textOf(f, "phone") = "+49 30 CALL ME"; }, "phone:phone"},
    {"phone without digits", [](FormInput& f) { textOf(f, "phone") = "+()-/."; }, "phone:phone"},
    {"phone of 30 characters", [](FormInput& f) { textOf(f, "phone") = repeat("1", 30); }, ""},
    {"phone of 31 characters", [](FormInput& f) { textOf(f, "phone") = repeat("1", 31); }, "phone:too_long"},
    {"phone only spaces is empty and fine", [](FormInput& f) { textOf(f, "phone") = "   "; }, ""},
    // message
    {"message of 500 ASCII characters", [](FormInput& f) { textOf(f, "message") = repeat("m", 500); }, ""},
    {"message of 501 ASCII characters", [](FormInput& f) { textOf(f, "message") = repeat("m", 501); }, "message:too_long"},
    {"message of 500 umlauts (1000 bytes)", [](FormInput& f) { textOf(f, "message") = repeat("\xC3\xBC", 500); }, ""},
    {"message of 501 umlauts", [](FormInput& f) { textOf(f, "message") = repeat("\xC3\xBC", 501); }, "message:too_long"},
    {"message of 500 emoji (2000 bytes)", [](FormInput& f) { textOf(f, "message") = repeat("\xF0\x9F\x98\x80", 500); }, ""},
    {"message of 501 emoji", [](FormInput& f) { textOf(f, "message") = repeat("\xF0\x9F\x98\x80", 501); }, "message:too_long"},
    {"message line breaks count as characters", [](FormInput& f) { textOf(f, "message") = repeat("a\n", 250) + "b"; },
     "message:too_long"},
    {"message of 500 with line breaks", [](FormInput& f) { textOf(f, "message") = repeat("a\n", 249) + "bc"; }, ""},
    {"message CRs do not count", [](FormInput& f) { textOf(f, "message") = repeat("a\r\n", 250); }, ""},
    {"message trailing spaces do not count", [](FormInput& f) { textOf(f, "message") = repeat("m", 500) + "     \n  "; }, ""},
    {"message controls do not count", [](FormInput& f) { textOf(f, "message") = repeat("m\xE2\x80\x8B", 500); }, ""},
    // exhibitors, consent
    {"no exhibitor chosen", [](FormInput& f) { f.exhibitors.clear(); }, "exhibitors:exhibitor"},
    {"several exhibitors chosen", [](FormInput& f) { f.exhibitors = {"acme", "globex", "initech"}; }, ""},
    {"no consent", [](FormInput& f) { f.consent = false; }, "consent:consent"},
    {"no consent but newsletter", [](FormInput& f) {
         f.consent = false;
         f.newsletter = true;
     }, "consent:consent"},
    // several problems: form order, first problem first
    {"an empty form", [](FormInput& f) { f = FormInput{}; },
     "first_name:required,last_name:required,email:required,exhibitors:exhibitor,consent:consent"},
    {"every field wrong", [](FormInput& f) {
         textOf(f, "first_name") = repeat("a", 61);
         textOf(f, "last_name") = "42";
         textOf(f, "email") = "nope";
         textOf(f, "company") = repeat("c", 101);
         textOf(f, "job_title") = repeat("j", 81);
         textOf(f, "phone") = "call me";
         textOf(f, "message") = repeat("m", 501);
         f.exhibitors.clear();
         f.consent = false;
     },
     "first_name:too_long,last_name:name,email:email,company:too_long,job_title:too_long,phone:phone,"
     "message:too_long,exhibitors:exhibitor,consent:consent"},
    {"consent and email wrong: email first", [](FormInput& f) {
         f.consent = false;
         textOf(f, "email") = "x@y";
     }, "email:email,consent:consent"},
    {"phone and last name wrong: last name first", [](FormInput& f) {
         textOf(f, "phone") = "12";
         textOf(f, "last_name") = "";
     }, "last_name:required,phone:phone"},
    {"message and job title too long: job title first", [](FormInput& f) {
         textOf(f, "message") = repeat("m", 600);
         textOf(f, "job_title") = repeat("j", 90);
     }, "job_title:too_long,message:too_long"},
    {"exhibitors and company: company first", [](FormInput& f) {
         f.exhibitors.clear();
         textOf(f, "company") = repeat("c", 200);
     }, "company:too_long,exhibitors:exhibitor"},
};

// validateForm cleans every field in place: what each field holds afterwards.

struct FieldCleanCase {
    const char* what;
    const char* field;
    const char* input;
    const char* expected;
};

const FieldCleanCase kFieldCleanCases[] = {
    {"first name trimmed", "first_name", "  Zo\xC3\xAB  ", "Zo\xC3\xAB"},
    {"first name: line break becomes a space", "first_name", "Anna\nMaria", "Anna Maria"},
    {"first name: bidi override removed", "first_name", "\xE2\x80\xAE" "Anna", "Anna"},
    {"last name: inner spaces folded", "last_name", "van   der  Berg", "van der Berg"},
    {"last name: invalid byte dropped", "last_name", "M\xFC" "ller", "Mller"},
    {"email: domain lower-cased, local part kept", "email", " Max.Muster@Example.COM ",
     "Max.Muster@example.com"},
    {"email: zero-width space removed", "email", "max@exa\xE2\x80\x8Bmple.com", "max@example.com"},
    {"company: line break becomes a space", "company", "ACME\r\nGmbH", "ACME GmbH"},
    {"company: tab folded", "company", "ACME\t\tGmbH ", "ACME GmbH"},
    {"job title: control removed", "job_title", "Head\x07 of Sales", "Head of Sales"},
    {"phone: trimmed and folded", "phone", "  +49  30   123456 ", "+49 30 123456"},
    {"message: line breaks kept, CR removed", "message", "Hello,\r\nplease call.\r\n\r\nBye",
     "Hello,\nplease call.\n\nBye"},
    {"message: trailing line breaks trimmed", "message", "  Hi there \n\n\n", "Hi there"},
    {"message: BOM and zero-width space removed", "message", "\xEF\xBB\xBFHi\xE2\x80\x8B!", "Hi!"},
    {"message: umlauts kept", "message", "Gr\xC3\xBC\xC3\x9F" "e", "Gr\xC3\xBC\xC3\x9F" "e"},
};

} // namespace

TEST_SUITE("validation") {

TEST_CASE("cleanText cleans free text as the table says") {
    for (const auto& c : kCleanCases) {
        const std::string what = c.what;
        CAPTURE(what);
        CHECK(cleanText(c.input, c.multiline) == std::string(c.expected));
    }
}

TEST_CASE("cleanText removes an embedded NUL byte") {
    CHECK(cleanText(std::string("An\0na", 5)) == "Anna");
    CHECK(cleanText(std::string("\0\0", 2)) == "");
}

TEST_CASE("cleanText is idempotent on every table case") {
    for (const auto& c : kCleanCases) {
        const std::string what = c.what;
        CAPTURE(what);
        const std::string once = cleanText(c.input, c.multiline);
        CHECK(cleanText(once, c.multiline) == once);
    }
}

TEST_CASE("charCount counts characters not bytes") {
    struct Case {
        const char* s;
        size_t n;
    };
    const Case cases[] = {
        {"", 0},
        {"abc", 3},
        {"Zo\xC3\xAB", 3},
        {"\xE7\x8E\x8B", 1},
        {"\xF0\x9F\x98\x80", 1},
        {"M\xC3\xBCller-L\xC3\xBC" "denscheidt", 19},
        {"a\nb", 3},
    };
    for (const auto& c : cases) {
        const std::string text = c.s;
        CAPTURE(text);
        CHECK(charCount(c.s) == c.n);
    }
}

TEST_CASE("normalizeEmail accepts plausible addresses and lower-cases only the domain") {
    for (const auto& c : kEmailCases) {
        const std::string input = c.input;
        CAPTURE(input);
        std::string email = c.input;
        const bool ok = normalizeEmail(email);
        CHECK(ok == c.ok);
        if (c.ok) CHECK(email == std::string(c.normalized));
        else CHECK(email == std::string(c.input)); // a rejected address is left as typed
    }
}

TEST_CASE("validateForm gives the errors the table says, in form order") {
    for (const auto& c : kFormCases) {
        const std::string what = c.what;
        CAPTURE(what);
        FormInput f = goodForm();
        c.mutate(f);
        CHECK(validate(f) == std::string(c.errors));
    }
}

TEST_CASE("validateForm cleans every field in place") {
    for (const auto& c : kFieldCleanCases) {
        const std::string what = c.what;
        CAPTURE(what);
        FormInput f = goodForm();
        textOf(f, c.field) = c.input;
        const auto errors = validateForm(f, defaultForm());
        CHECK(joined(errors) == "");
        CHECK(textOf(f, c.field) == std::string(c.expected));
    }
}

TEST_CASE("validateForm keeps the choices as given") {
    FormInput f = goodForm();
    f.sectors = {"energy", "mobility"};
    f.exhibitors = {"acme", "globex"};
    f.newsletter = true;
    REQUIRE(validateForm(f, defaultForm()).empty());
    CHECK(f.sectors == std::vector<std::string>{"energy", "mobility"});
    CHECK(f.exhibitors == std::vector<std::string>{"acme", "globex"});
    CHECK(f.consent);
    CHECK(f.newsletter);
}

TEST_CASE("validateForm reports each problem once with the documented field ids and codes") {
    FormInput f; // everything empty, no consent
    textOf(f, "phone") = "x";
    const auto errors = validateForm(f, defaultForm());
    const std::vector<std::string> fields = {"first_name", "last_name", "email", "company", "job_title",
                                             "phone",      "message",   "exhibitors", "consent"};
    const std::vector<std::string> codes = {"required", "too_long", "name", "email", "phone", "exhibitor", "consent"};
    for (const auto& e : errors) {
        CAPTURE(e.field);
        CAPTURE(e.code);
        CHECK(std::find(fields.begin(), fields.end(), e.field) != fields.end());
        CHECK(std::find(codes.begin(), codes.end(), e.code) != codes.end());
    }
    CHECK(joined(errors) == "first_name:required,last_name:required,email:required,phone:phone,"
                            "exhibitors:exhibitor,consent:consent");
}

TEST_CASE("validateForm is stable: a cleaned form validates to the same result") {
    for (const auto& c : kFormCases) {
        const std::string what = c.what;
        CAPTURE(what);
        FormInput f = goodForm();
        c.mutate(f);
        const std::string first = joined(validateForm(f, defaultForm()));
        const FormInput cleaned = f;
        CHECK(joined(validateForm(f, defaultForm())) == first);
        CHECK(textOf(f, "first_name") == textOf(cleaned, "first_name"));
        CHECK(textOf(f, "last_name") == textOf(cleaned, "last_name"));
        CHECK(textOf(f, "email") == textOf(cleaned, "email"));
        CHECK(textOf(f, "message") == textOf(cleaned, "message"));
    }
}

// ---------------------------------------------------------------------------------------------
// Edge cases found while writing these tests (each was a bug once).

TEST_CASE("a name of non-ASCII symbols without any letter is rejected") {
    const char* const noLetter[] = {
        "\xE2\x80\x94",                 // — em dash
        "\xE2\x82\xAC",                 // €
        "\xF0\x9F\x98\x80",             // 😀
        "\xC2\xBD",                     // ½
        "\xC2\xBF?",                    // ¿?
        "\xC2\xB7\xC2\xB7",             // ··
        "\xC2\xA9\xC2\xAE",             // ©®
        "\xD9\xA3",                     // ٣ Arabic-Indic digit three
        "\xEF\xBC\x91\xEF\xBC\x92",     // １２ fullwidth digits
    };
    for (const char* name : noLetter) {
        const std::string shown = name;
        CAPTURE(shown);
        FormInput f = goodForm();
        textOf(f, "first_name") = name;
        CHECK(validate(f) == "first_name:name");
    }
}

TEST_CASE("an email domain starting with a dot is rejected") {
    // normalizeEmail() checks for empty labels with "..", a leading '-' and a trailing '.', but
    // not a leading '.': "max@.example.com" passes.
    std::string email = "max@.example.com";
    CHECK_FALSE(normalizeEmail(email));
    FormInput f = goodForm();
    textOf(f, "email") = "max@.example.com";
    CHECK(validate(f) == "email:email");
}

TEST_CASE("Unicode line and paragraph separators are not kept in single-line fields") {
    // U+2028 and U+2029 are line breaks, but cleanText() keeps them in a name.
    CHECK(cleanText("Anna\xE2\x80\xA8Maria") == "Anna Maria");
    CHECK(cleanText("Anna\xE2\x80\xA9Maria") == "Anna Maria");
}

TEST_CASE("invisible bidi marks and the word joiner are removed") {
    // The bidi embeddings, overrides and isolates are removed, the bidi marks are not.
    CHECK(cleanText("Anna\xE2\x80\x8E") == "Anna"); // U+200E LEFT-TO-RIGHT MARK
    CHECK(cleanText("Anna\xE2\x80\x8F") == "Anna"); // U+200F RIGHT-TO-LEFT MARK
    CHECK(cleanText("Anna\xD8\x9C") == "Anna");     // U+061C ARABIC LETTER MARK
    CHECK(cleanText("An\xE2\x81\xA0na") == "Anna"); // U+2060 WORD JOINER (zero width)
}

} // TEST_SUITE
