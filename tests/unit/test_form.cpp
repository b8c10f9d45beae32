// The form definition (content/form.toml): check-content's message for each way of getting it
// wrong, the built-in form kept when it is broken, and the answers of choice, multi and yes/no
// fields through validation and leads.db's answers column.
#include "../support/test_db.hpp"
#include "../support/test_support.hpp"
#include "core/content/content.hpp"
#include "core/export/export.hpp"
#include "core/leads/form.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/validation.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <string>
#include <vector>

using namespace kiosk::core;
using kiosk::test::asNobody;
using kiosk::test::TempDir;

namespace {

// Lines 1-5 and 7-11; withField() puts [[field]] on line 13, then id on 14, kind 15, label 16.
const std::string kBase = R"([[field]]
id = "first_name"
kind = "name"
required = true
label = { de = "Vorname", en = "First name" }

[[field]]
id = "email"
kind = "email"
required = true
label = { de = "E-Mail", en = "Email" }
)";

std::string withField(const std::string& entry) {
    return kBase + "\n[[field]]\n" + entry;
}

const std::string kLabel = "label = { de = \"Frage\", en = \"Question\" }\n";
const std::string kTwoOptions =
    "options = [ { id = \"a\", de = \"A\", en = \"A\" }, { id = \"b\", de = \"B\", en = \"B\" } ]\n";

/// Every problem parseForm reports, formatted; `accepted` tells whether it gave a form.
std::vector<std::string> problemsOf(const std::string& toml, bool* accepted = nullptr) {
    std::vector<Problem> problems;
    const auto form = parseForm(toml, "form.toml", problems);
    if (accepted) *accepted = form.has_value();
    std::vector<std::string> out;
    for (const auto& p : problems)
        out.push_back(p.format());
    return out;
}

/// The one problem of a broken definition, which must not be used.
std::string onlyProblem(const std::string& toml) {
    bool accepted = true;
    const auto problems = problemsOf(toml, &accepted);
    CHECK_FALSE(accepted);
    REQUIRE(problems.size() == 1);
    return problems[0];
}

FormDef formOf(const std::string& toml) {
    std::vector<Problem> problems;
    auto form = parseForm(toml, "form.toml", problems);
    for (const auto& p : problems)
        CAPTURE(p.format());
    REQUIRE(form.has_value());
    return *form;
}

const std::string kIdFix = " \u2014 use lower-case letters, digits and '_', starting with a letter";

} // namespace

TEST_CASE("the shipped form.toml and the built-in form are accepted") {
    CHECK(problemsOf(kiosk::test::readFile(KIOSK_SOURCE_DIR "/content/form.toml")).empty());
    CHECK(defaultForm().fields.size() == 7);
    CHECK(formOf(kBase).fields.size() == 2);
}

TEST_CASE("check-content names a bad field id with its line") {
    CHECK(onlyProblem(withField("id = \"Interest\"\nkind = \"text\"\n" + kLabel)) ==
          "form.toml:14: field.id: 'Interest' is not a field id" + kIdFix);
    CHECK(onlyProblem(withField("id = \"how-heard\"\nkind = \"text\"\n" + kLabel)) ==
          "form.toml:14: field.id: 'how-heard' is not a field id" + kIdFix);
    CHECK(onlyProblem(withField("id = \"1st_visit\"\nkind = \"yesno\"\n" + kLabel)) ==
          "form.toml:14: field.id: '1st_visit' is not a field id" + kIdFix);
    // Too long: one problem, not a second "not a field id" for the same cause.
    CHECK(onlyProblem(withField("id = \"" + std::string(41, 'a') + "\"\nkind = \"text\"\n" + kLabel)) ==
          "form.toml:14: field.id: is 41 characters long \u2014 shorten it to at most 40 characters");
    CHECK(formOf(withField("id = \"" + std::string(40, 'a') + "\"\nkind = \"text\"\n" + kLabel)).fields.size() == 3);
}

TEST_CASE("check-content names an unknown kind, and nothing the kind would have decided") {
    // Before: a mistyped "choice" with options also got "only choice and multi fields have options".
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"chioce\"\n" + kLabel + kTwoOptions + "max_chars = 3\n")) ==
          "form.toml:15: field.kind: unknown kind 'chioce' \u2014 use one of name | email | phone | text | multiline | "
          "choice | multi | yesno");
}

TEST_CASE("check-content names a field or an option listed twice") {
    CHECK(onlyProblem(withField("id = \"email\"\nkind = \"email\"\n" + kLabel)) ==
          "form.toml:14: field.id: field 'email' is listed twice \u2014 give each field its own id");
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"multi\"\n" + kLabel +
                                "options = [\n  { id = \"a\", de = \"A\", en = \"A\" },\n  { id = \"a\", de = \"B\", "
                                "en = \"B\" },\n]\n")) ==
          "form.toml:19: field.options.id: option 'a' is listed twice \u2014 give each option its own id");
    CHECK(onlyProblem(withField(
              "id = \"interest\"\nkind = \"multi\"\n" + kLabel +
              "options = [ { id = \"A\", de = \"A\", en = \"A\" }, { id = \"b\", de = \"B\", en = \"B\" } ]\n")) ==
          "form.toml:17: field.options.id: 'A' is not an option id" + kIdFix);
}

TEST_CASE("check-content wants at least two options on a choice, and none elsewhere") {
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"choice\"\n" + kLabel)) ==
          "form.toml:13: field.options: missing \u2014 add options = [ { id = \"\u2026\", de = \"\u2026\", en = "
          "\"\u2026\" }, "
          "\u2026 ] with at least two");
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"choice\"\n" + kLabel +
                                "options = [ { id = \"a\", de = \"A\", en = \"A\" } ]\n")) ==
          "form.toml:17: field.options: lists a single option \u2014 give at least two options");
    // Before: `options = []` gave a choice nobody could answer, accepted without a word.
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"multi\"\n" + kLabel + "options = []\n")) ==
          "form.toml:17: field.options: lists no option \u2014 give at least two options");
    CHECK(onlyProblem(withField("id = \"country\"\nkind = \"text\"\n" + kLabel + kTwoOptions)) ==
          "form.toml:17: field.options: only choice and multi fields have options \u2014 remove options, or use kind = "
          "\"choice\"");
}

TEST_CASE("check-content names max_chars where it does not belong or is out of range") {
    CHECK(onlyProblem(withField("id = \"interest\"\nkind = \"choice\"\n" + kLabel + kTwoOptions +
                                "max_chars = 20\n")) == "form.toml:18: field.max_chars: only typed fields have a "
                                                        "length \u2014 remove max_chars from this choice field");
    CHECK(onlyProblem(withField("id = \"country\"\nkind = \"text\"\n" + kLabel + "max_chars = 201\n")) ==
          "form.toml:17: field.max_chars: is out of range \u2014 use a value from 1 to 200");
    CHECK(onlyProblem(withField("id = \"country\"\nkind = \"text\"\n" + kLabel + "max_chars = 0\n")) ==
          "form.toml:17: field.max_chars: is out of range \u2014 use a value from 1 to 200");
    CHECK(onlyProblem(withField("id = \"notes\"\nkind = \"multiline\"\n" + kLabel + "max_chars = 1001\n")) ==
          "form.toml:17: field.max_chars: is out of range \u2014 use a value from 1 to 1000");
    CHECK(formOf(withField("id = \"country\"\nkind = \"text\"\n" + kLabel + "max_chars = 200\n"))
              .field("country")
              ->maxChars == 200);
}

TEST_CASE("check-content keeps a lead contactable") {
    std::string emailAsText = kBase;
    emailAsText.replace(emailAsText.find("kind = \"email\""), 14, "kind = \"text\"");
    CHECK(onlyProblem(emailAsText) ==
          "form.toml:9: field.kind: the field email is always of kind email \u2014 write kind = \"email\"");

    const std::string noEmail = kBase.substr(0, kBase.find("\n[[field]]") + 1);
    CHECK(onlyProblem(noEmail) ==
          "form.toml: field: the form has no email field: a lead could not be contacted \u2014 add a "
          "[[field]] with id = \"email\", kind = \"email\", required = true");

    std::string optionalEmail = kBase;
    optionalEmail.replace(optionalEmail.rfind("required = true"), 15, "required = false");
    CHECK(onlyProblem(optionalEmail) ==
          "form.toml:10: field.required: the email field must be required: a lead could not be "
          "contacted \u2014 write required = true in the email [[field]]");
    std::string unsaidEmail = kBase;
    unsaidEmail.erase(unsaidEmail.rfind("required = true"), 16);
    CHECK(onlyProblem(unsaidEmail).rfind("form.toml:7: field.required: the email field must be required", 0) == 0);

    std::string optionalName = kBase;
    optionalName.replace(optionalName.find("required = true"), 15, "required = false");
    CHECK(onlyProblem(optionalName) ==
          "form.toml: field: the form has no required name field \u2014 keep first_name or "
          "last_name with required = true");
}

TEST_CASE("check-content keeps the form at 40 fields") {
    std::string toml = kBase;
    for (int i = 0; i < 38; ++i)
        toml += "[[field]]\nid = \"q" + std::to_string(i) + "\"\nkind = \"yesno\"\n" + kLabel;
    CHECK(formOf(toml).fields.size() == 40);
    toml += "[[field]]\nid = \"one_more\"\nkind = \"yesno\"\n" + kLabel;
    CHECK(onlyProblem(toml) ==
          "form.toml:1: field: lists more than 40 fields \u2014 keep the form short: at most 40 fields");
}

TEST_CASE("check-content names a label without both languages, a typo and a single-bracket [field]") {
    CHECK(onlyProblem(withField("id = \"country\"\nkind = \"text\"\nlabel = { de = \"Land\" }\n")) ==
          "form.toml:16: field.label.en: missing \u2014 add en = \"\u2026\"");
    CHECK(onlyProblem(withField("id = \"country\"\nkind = \"text\"\n" + kLabel + "requried = true\n")) ==
          "form.toml:17: field.requried: unknown key \u2014 check the spelling against docs/content.md, or remove it");
    const auto single = problemsOf("[field]\nid = \"email\"\nkind = \"email\"\nrequired = true\n" + kLabel);
    REQUIRE_FALSE(single.empty());
    CHECK(single[0] == "form.toml:1: field: must be a list of sections \u2014 write each entry as [[field]]");
}

TEST_CASE("check-content on an empty form.toml says what is missing") {
    bool accepted = true;
    const auto problems = problemsOf("", &accepted);
    CHECK_FALSE(accepted);
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] == "form.toml:1: field: missing \u2014 add at least one [[field]] section");
    CHECK(problems[1].rfind("form.toml: field: the form has no email field", 0) == 0);
    CHECK(problems[2].rfind("form.toml: field: the form has no required name field", 0) == 0);
}

TEST_CASE("a form.toml that cannot be read, or is a FIFO, is one problem and no form") {
    TempDir dir("form");
    const auto path = dir / "form.toml";
    TempDir::write(path, kBase);
    REQUIRE(::chmod(path.c_str(), 0) == 0);
    const std::string verdict = asNobody([&]() -> std::string {
        std::vector<Problem> problems;
        if (loadFormFile(path.string(), "form.toml", problems)) return "a form from an unreadable file";
        if (problems.size() != 1) return std::to_string(problems.size()) + " problems";
        return problems[0].format();
    });
    CHECK(verdict == "form.toml: cannot be read: permission denied \u2014 let the kiosk's user read it (e.g. chmod "
                     "a+r), or fix the path");

    const auto fifo = dir / "fifo.toml";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    std::vector<Problem> problems;
    CHECK_FALSE(loadFormFile(fifo.string(), "form.toml", problems).has_value()); // without waiting for a writer
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].format() == "form.toml: is not a regular file \u2014 replace it by a plain text file");
}

TEST_CASE("loadContent with a broken form.toml keeps the built-in form and reports why") {
    TempDir dir("form-content");
    const auto content = dir.copyOf(FIXTURES_DIR "/minimal", "minimal");
    TempDir::write(content / "form.toml", withField("id = \"interest\"\nkind = \"chioce\"\n" + kLabel + kTwoOptions));
    const auto loaded = loadContent(content, {KIOSK_SOURCE_DIR "/assets", true});
    CHECK(loaded.content.form.json() == defaultForm().json());
    CHECK(loaded.content.form.version == defaultForm().version);
    std::vector<std::string> mine;
    for (const auto& p : loaded.problems)
        if (p.file == "minimal/form.toml") mine.push_back(p.format());
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].rfind("minimal/form.toml:15: field.kind: unknown kind 'chioce'", 0) == 0);
    CHECK(hasErrors(loaded.problems));

    TempDir::write(content / "form.toml", withField("id = \"interest\"\nkind = \"choice\"\n" + kLabel + kTwoOptions));
    const auto good = loadContent(content, {KIOSK_SOURCE_DIR "/assets", true});
    CHECK(good.content.form.field("interest") != nullptr);
    CHECK(good.content.form.version != defaultForm().version);
}

TEST_CASE("a field id the sign-up screen uses itself is refused") {
    // Before: `consent` as a question shared signup.consent (and its error) with the consent box.
    for (const char* id : {"sector", "sectors", "exhibitor", "exhibitors", "exhibitor_search", "consent", "newsletter",
                           "privacy", "submit", "cancel", "fields_area", "choices_area", "form_area"}) {
        CAPTURE(id);
        CHECK(onlyProblem(withField("id = \"" + std::string(id) + "\"\nkind = \"yesno\"\n" + kLabel)) ==
              "form.toml:14: field.id: '" + std::string(id) + "' is used by the sign-up screen itself (signup." + id +
                  ") \u2014 give the field another id (the visitor reads the label, not the id)");
    }
    CHECK(formOf(withField("id = \"newsletter_topics\"\nkind = \"multi\"\n" + kLabel + kTwoOptions)).fields.size() ==
          3);
}

TEST_CASE("a form's definition survives leads.db's forms table") {
    const FormDef form = formOf(kiosk::test::readFile(KIOSK_SOURCE_DIR "/content/form.toml"));
    const auto back = formFromJson(form.json());
    REQUIRE(back.has_value());
    CHECK(back->json() == form.json());
    CHECK(back->version == form.version);
    for (const char* damaged :
         {"", "[]", "{}", "{\"fields\":3}", "{\"fields\":[{\"id\":\"a\"}]}", "{\"fields\":[1]}",
          "{\"fields\":[{\"id\":\"a\",\"kind\":\"chioce\",\"required\":true,\"label\":{\"de\":\"x\",\"en\":\"y\"},"
          "\"max_chars\":0,\"options\":[]}]}"}) {
        CAPTURE(damaged);
        CHECK_FALSE(formFromJson(damaged).has_value());
    }
    // Before: a float or negative max_chars was converted (1e300: undefined behaviour) and kept.
    const auto withMax = [](const std::string& max) {
        return "{\"fields\":[{\"id\":\"a\",\"kind\":\"text\",\"required\":true,\"label\":{\"de\":\"x\",\"en\":\"y\"},"
               "\"max_chars\":" +
               max + ",\"options\":[]}]}";
    };
    CHECK(formFromJson(withMax("200")).has_value());
    for (const char* max : {"1e300", "-1", "1.5", "201", "\"9\""}) {
        CAPTURE(max);
        CHECK_FALSE(formFromJson(withMax(max)).has_value());
    }
}

namespace {
const FormDef& questions() {
    static const FormDef form =
        formOf(kBase + "[[field]]\nid = \"interest\"\nkind = \"choice\"\nrequired = true\n" + kLabel + kTwoOptions +
               "[[field]]\nid = \"topics\"\nkind = \"multi\"\nrequired = true\n" + kLabel + kTwoOptions +
               "[[field]]\nid = \"demo\"\nkind = \"yesno\"\nrequired = true\n" + kLabel +
               "[[field]]\nid = \"later\"\nkind = \"yesno\"\n" + kLabel +
               "[[field]]\nid = \"country\"\nkind = \"text\"\n" + kLabel);
    return form;
}

FormInput filled() {
    FormInput in;
    reserveFields(in, questions());
    textOf(in, "first_name") = "Zoë";
    textOf(in, "email") = "zoe@example.org";
    in.exhibitors = {"example-one"};
    in.consent = true;
    return in;
}

std::string codes(const std::vector<FieldError>& errors) {
    std::string s;
    for (const auto& e : errors)
        s += e.field + "=" + e.code + " ";
    return s;
}
} // namespace

TEST_CASE("choice, multi and yes/no answers: required means answered") {
    FormInput in = filled();
    CHECK(codes(validateForm(in, questions())) == "interest=choose topics=choose demo=required ");
    in.values["interest"].text = "b";
    in.values["topics"].options = {"a"};
    in.values["demo"].yes = true;
    CHECK(codes(validateForm(in, questions())) == "");
}

TEST_CASE("validateForm drops option ids that are not the field's") {
    FormInput in = filled();
    in.values["interest"].text = "c";
    in.values["topics"].options = {"x", "b", "", "A"};
    in.values["demo"].yes = true;
    CHECK(codes(validateForm(in, questions())) == "interest=choose ");
    CHECK(in.values["interest"].text.empty());
    CHECK(in.values["topics"].options == std::vector<std::string>{"b"});
}

TEST_CASE("validateForm keeps each option of a multi answer once, in the order chosen") {
    // Before: a damaged state repeating an option stored and exported it twice.
    FormInput in = filled();
    in.values["topics"].options = {"b", "a", "b", "b", "zz", "a"};
    validateForm(in, questions());
    CHECK(in.values["topics"].options == std::vector<std::string>{"b", "a"});
    Lead lead;
    fillLead(lead, in, questions());
    CHECK(answersJson(lead.answers).find("\"topics\":[\"b\",\"a\"]") != std::string::npos);
}

TEST_CASE("validateForm keeps only the part of an answer its field's kind uses") {
    // Before: stray text under an untouched toggle, or options under a text field, stored an answer.
    FormInput in = filled();
    in.values["later"].text = "junk";
    in.values["country"].options = {"a"};
    in.values["country"].yes = true;
    in.values["interest"].options = {"a", "b"};
    validateForm(in, questions());
    Lead lead;
    fillLead(lead, in, questions());
    CHECK(lead.answers.count("later") == 0);
    CHECK(lead.answers.count("country") == 0);
    CHECK(lead.answers.count("interest") == 0);
}

TEST_CASE("a custom field named like a standard one of its kind is the standard field") {
    const FormDef form = formOf(withField("id = \"phone\"\nkind = \"phone\"\n" + kLabel) +
                                "[[field]]\nid = \"company\"\nkind = \"text\"\nmax_chars = 50\n" + kLabel +
                                "[[field]]\nid = \"id\"\nkind = \"text\"\n" + kLabel);
    FormInput in;
    reserveFields(in, form);
    textOf(in, "first_name") = "Zoë";
    textOf(in, "email") = "zoe@example.org";
    textOf(in, "phone") = "+49 30 1234567";
    textOf(in, "company") = "Acme";
    textOf(in, "id") = "badge 17";
    in.exhibitors = {"example-one"};
    in.consent = true;
    REQUIRE(codes(validateForm(in, form)) == "");
    Lead lead;
    lead.id = "9abbccdb-3c4a-41d8-9f76-ad435c5fdf98";
    fillLead(lead, in, form);
    CHECK(lead.phone == "+49 30 1234567");
    CHECK(lead.company == "Acme");
    CHECK(lead.answers.size() == 1);
    // A custom "id" stays among the answers: the lead's own id is not touched.
    const auto j = nlohmann::json::parse(leadJson(lead));
    CHECK(j["id"] == lead.id);
    CHECK(j["phone"] == "+49 30 1234567");
    CHECK(j["answers"] == nlohmann::json{{"id", "badge 17"}});
}

TEST_CASE("answersFromJson reads a damaged answers column without throwing") {
    for (const char* damaged : {"", "[1,2]", "3", "\"x\"", "null", "{\"a\":", "{{{{", "true", "[\"\xff\"]"}) {
        CAPTURE(damaged);
        CHECK(answersFromJson(damaged).empty());
    }
    const auto a = answersFromJson(R"({"n":3,"o":{"x":"y"},"z":null,"s":"ok","m":["a",1,{"b":2},["c"],"d"],"y":true})");
    CHECK(a.size() == 3);
    CHECK(a.at("s").text == "ok");
    CHECK(a.at("m").options == std::vector<std::string>{"a", "d"});
    CHECK(a.at("y").yes);
    // Before: one byte that is not UTF-8 (a Latin-1 hand edit) lost every answer of the lead.
    const auto latin1 = answersFromJson("{\"country\":\"Espa\xf1"
                                        "a\",\"interest\":\"pilot\",\"topics\":[\"a\xff\",\"b\"]}");
    CHECK(latin1.at("country").text == "Espa\uFFFDa");
    CHECK(latin1.at("interest").text == "pilot");
    CHECK(latin1.at("topics").options == std::vector<std::string>{"a\uFFFD", "b"});
    CHECK(validUtf8("ok \xc3\xa4 \xc3 \xed\xa0\x80") == "ok \xc3\xa4 \uFFFD \uFFFD\uFFFD\uFFFD");
    std::string huge = "{\"m\":[";
    for (int i = 0; i < 200000; ++i)
        huge += "\"a\",";
    huge += "\"b\"], \"deep\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const auto h = answersFromJson(huge);
    CHECK(h.at("m").options.size() == 200001);
    CHECK(h.at("deep").options.empty());
}

TEST_CASE("a lead whose answers column was edited in Latin-1 keeps its answers") {
    TempDir dir("form-db");
    LeadStore store(dir / "leads.db");
    REQUIRE(store.open());
    Lead lead;
    lead.id = newUuid();
    lead.createdMs = 1779874200000;
    lead.kioskId = "kiosk-01";
    lead.eventId = "fair-2026";
    lead.lang = "de";
    lead.firstName = "Zo\xC3\xAB";
    lead.email = "zoe@example.org";
    lead.exhibitors = {"example-one"};
    lead.consent = {"2026-05", sha256Hex("I agree"), "de", lead.createdMs};
    lead.answers["country"].text = "Spain";
    lead.answers["interest"].text = "pilot";
    REQUIRE(store.insert(lead).ok);
    {
        kiosk::test::RawDb raw(dir / "leads.db");
        // "España" as Latin-1: the byte 0xF1 alone is not UTF-8.
        kiosk::test::execOk(raw.get(),
                            "UPDATE leads SET answers = CAST(X'" // {"country":"Espa\xF1a","interest":"pilot"}
                            "7B22636F756E747279223A2245737061F161222C22696E746572657374223A2270696C6F74227D' AS TEXT)");
    }
    const auto all = store.all();
    REQUIRE(all.ok);
    REQUIRE(all.value.size() == 1);
    const auto& answers = all.value[0].answers;
    REQUIRE(answers.size() == 2);
    CHECK(answers.at("country").text == "Espa\uFFFDa");
    CHECK(answers.at("interest").text == "pilot");
}

TEST_CASE("a form kept in leads.db keeps the version its leads were stamped with") {
    // Before: the version was hashed again from the stored JSON, so a definition written by
    // another release's FormDef::json() (here one key more) lost its leads.
    TempDir dir("form-versions");
    LeadStore store(dir / "leads.db");
    REQUIRE(store.open());
    {
        kiosk::test::RawDb raw(dir / "leads.db");
        kiosk::test::execOk(raw.get(), "INSERT INTO forms (version, definition, first_ms) VALUES ('0123456789abcdef', "
                                       "'{\"fields\":[{\"hint\":\"\",\"id\":\"email\",\"kind\":\"email\",\"label\":"
                                       "{\"de\":\"E-Mail\",\"en\":\"Email\"},\"max_chars\":254,\"options\":[],"
                                       "\"required\":true}]}', 1)");
    }
    const auto forms = store.forms();
    REQUIRE(forms.ok);
    REQUIRE(forms.value.size() == 1);
    CHECK(forms.value[0].version == "0123456789abcdef");
    CHECK(forms.value[0].field("email") != nullptr);
}

TEST_CASE("a field whose kind changed between form versions exports each lead through its own version") {
    // Before: the column read every lead through the first form's field, so the answers of
    // leads captured while "topic" was a multi choice (options, yes/no) came out blank once it
    // became a text field.
    const std::string options =
        "options = [ { id = \"a\", de = \"Eins\", en = \"One\" }, { id = \"b\", de = \"Zwei\", en = \"Two\" } ]\n";
    const FormDef before = formOf(kBase + "[[field]]\nid = \"topic\"\nkind = \"multi\"\n" + kLabel + options +
                                  "[[field]]\nid = \"demo\"\nkind = \"yesno\"\n" + kLabel);
    const FormDef now = formOf(kBase + "[[field]]\nid = \"topic\"\nkind = \"text\"\n" + kLabel +
                               "[[field]]\nid = \"demo\"\nkind = \"choice\"\n" + kLabel + options);
    REQUIRE(before.version != now.version);
    const auto columns = exportColumns({now, before});
    const auto cell = [&](const std::string& key, const Lead& l, Lang lang) {
        for (const auto& c : columns)
            if (c.key == key) return c.cell(l, lang);
        FAIL("no column " << key);
        return std::string();
    };
    Lead old;
    old.formVersion = before.version;
    old.answers["topic"] = Answer{FieldKind::Multi, "", {"a", "b"}, false};
    old.answers["demo"] = Answer{FieldKind::YesNo, "", {}, true};
    CHECK(cell("topic", old, Lang::En) == "One, Two");
    CHECK(cell("topic", old, Lang::De) == "Eins, Zwei");
    CHECK(cell("demo", old, Lang::De) == "ja");
    old.answers.erase("demo"); // an untouched toggle of the form that had it
    CHECK(cell("demo", old, Lang::En) == "no");

    Lead fresh;
    fresh.formVersion = now.version;
    fresh.answers["topic"] = Answer{FieldKind::Text, "hydrogen buses", {}, false};
    fresh.answers["demo"] = Answer{FieldKind::Choice, "b", {}, false};
    CHECK(cell("topic", fresh, Lang::En) == "hydrogen buses");
    CHECK(cell("demo", fresh, Lang::En) == "Two");
    fresh.answers.erase("demo");
    CHECK(cell("demo", fresh, Lang::En).empty()); // not a toggle in this form: no "no"

    // A form the export does not know (not in leads.db): the answer as it was stored.
    Lead stranger;
    stranger.formVersion = "ffffffffffffffff";
    stranger.answers["topic"] = Answer{FieldKind::Multi, "", {"a", "b"}, false};
    stranger.answers["demo"] = Answer{FieldKind::YesNo, "", {}, false};
    CHECK(cell("topic", stranger, Lang::En) == "a, b");
    CHECK(cell("demo", stranger, Lang::En) == "no");
}
