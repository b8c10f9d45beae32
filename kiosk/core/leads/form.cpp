#include "form.hpp"

#include "../toml_reader.hpp"
#include "lead.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

namespace kiosk::core {

namespace {

constexpr KindRules kKinds[] = {
    {FieldKind::Name, "name", 60, false},       {FieldKind::Email, "email", 254, false},
    {FieldKind::Phone, "phone", 30, false},     {FieldKind::Text, "text", 200, false},
    {FieldKind::Multiline, "multiline", 1000, false}, {FieldKind::Choice, "choice", 0, true},
    {FieldKind::Multi, "multi", 0, true},       {FieldKind::YesNo, "yesno", 0, false},
};

/// The standard fields, in the order of the built-in form (a folder without form.toml).
const StandardField kStandard[] = {
    {"first_name", FieldKind::Name, &Lead::firstName, {"Vorname", "First name"}, true, 60},
    {"last_name", FieldKind::Name, &Lead::lastName, {"Nachname", "Last name"}, true, 60},
    {"email", FieldKind::Email, &Lead::email, {"E-Mail", "Email"}, true, 254},
    {"company", FieldKind::Text, &Lead::company, {"Firma", "Company"}, false, 100},
    {"job_title", FieldKind::Text, &Lead::jobTitle, {"Funktion", "Job title"}, false, 80},
    {"phone", FieldKind::Phone, &Lead::phone, {"Telefon", "Phone"}, false, 30},
    {"message", FieldKind::Multiline, &Lead::message, {"Nachricht", "Message"}, false, 500},
};

/// Ids become widget ids, JSON keys and export column names: lower-case letters, digits, '_'.
constexpr const char* kIdFix = "use lower-case letters, digits and '_', starting with a letter";
bool validFieldId(const std::string& id) {
    return !id.empty() && id.size() <= 40 && (id[0] >= 'a' && id[0] <= 'z') &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

/// Ids the sign-up screen already gives its own widgets and errors (signup.consent,
/// signup.sector.<id>, the scroll areas ...): a field of that id would share them.
constexpr std::string_view kReservedIds[] = {
    "sector",  "sectors", "exhibitor", "exhibitors",  "exhibitor_search", "consent",   "newsletter",
    "privacy", "submit",  "cancel",    "fields_area", "choices_area",     "form_area",
};

bool reservedId(const std::string& id) {
    return std::find(std::begin(kReservedIds), std::end(kReservedIds), id) != std::end(kReservedIds);
}

std::string kindList() {
    std::string s;
    for (const auto& k : kKinds) s += (s.empty() ? "" : " | ") + std::string(k.name);
    return s;
}

/// The form's own rules beyond each entry: ids unique, a lead must be contactable.
/// `emailLine`: the email field's `required` line (or its [[field]]'s), where the fix goes.
void checkWhole(const FormDef& form, int emailLine, std::vector<Problem>& problems, const std::string& name) {
    const FormField* email = form.field("email");
    if (!email)
        addProblem(problems, {name, 0, "field", "the form has no email field: a lead could not be contacted",
                              "add a [[field]] with id = \"email\", kind = \"email\", required = true"});
    else if (!email->required)
        addProblem(problems, {name, emailLine, "field.required",
                              "the email field must be required: a lead could not be contacted",
                              "write required = true in the email [[field]]"});
    const bool named = std::any_of(form.fields.begin(), form.fields.end(),
                                   [](const FormField& f) { return f.kind == FieldKind::Name && f.required; });
    if (!named)
        addProblem(problems, {name, 0, "field", "the form has no required name field",
                              "keep first_name or last_name with required = true"});
}

FormField readField(const toml::table& t, TomlReader& fr, std::vector<Problem>& problems) {
    FormField f;
    f.id = fr.str("id", true, 40);
    if (!f.id.empty() && f.id.size() <= 40 && !validFieldId(f.id)) // a longer one has its problem already
        fr.problem("id", "'" + f.id + "' is not a field id", kIdFix);
    else if (reservedId(f.id))
        fr.problem("id", "'" + f.id + "' is used by the sign-up screen itself (signup." + f.id + ")",
                   "give the field another id (the visitor reads the label, not the id)");
    const std::string kind = fr.str("kind", true, 20);
    const auto* rules = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindRules& k) { return k.name == kind; });
    if (rules == std::end(kKinds)) {
        if (!kind.empty()) fr.problem("kind", "unknown kind '" + kind + "'", "use one of " + kindList());
    } else {
        f.kind = rules->kind;
    }
    if (const StandardField* s = standardField(f.id); s && rules != std::end(kKinds) && s->kind != f.kind)
        fr.problem("kind", "the field " + f.id + " is always of kind " + std::string(rulesOf(s->kind).name),
                   "write kind = \"" + std::string(rulesOf(s->kind).name) + "\"");
    f.required = fr.boolean("required", false);
    f.label = fr.text("label", true, 120);
    if (rules == std::end(kKinds)) {
        // What else the entry says depends on its kind: only the kind's own problem is named.
        fr.number("max_chars", 0, 0, 1e9);
        fr.tables("options", false);
        return f;
    }
    const KindRules& k = rulesOf(f.kind);
    if (isTyped(f.kind)) {
        f.maxChars = size_t(fr.number("max_chars", double(k.maxChars), 1, double(k.maxChars)));
    } else if (t.contains("max_chars")) {
        fr.number("max_chars", 0, 0, 1e9);
        fr.problem("max_chars", "only typed fields have a length", "remove max_chars from this " + std::string(k.name) + " field");
    }
    const auto options = fr.tables("options", false);
    if (k.hasOptions && !t.contains("options"))
        fr.problem("options", "missing",
                   "add options = [ { id = \"…\", de = \"…\", en = \"…\" }, … ] with at least two");
    if (!k.hasOptions && !options.empty())
        fr.problem("options", "only choice and multi fields have options", "remove options, or use kind = \"choice\"");
    if (k.hasOptions && options.size() == 1) fr.problem("options", "lists a single option", "give at least two options");
    if (const auto* list = t["options"].as_array(); k.hasOptions && list && list->empty())
        fr.problem("options", "lists no option", "give at least two options");
    if (options.size() > 20) fr.problem("options", "lists more than 20 options", "keep at most 20 (the visitor reads them standing)");
    for (const auto* o : options) {
        TomlReader orr(*o, fr.file(), problems, fr.path("options"));
        FieldOption opt;
        opt.id = orr.str("id", true, 40);
        if (!opt.id.empty() && opt.id.size() <= 40 && !validFieldId(opt.id))
            orr.problem("id", "'" + opt.id + "' is not an option id", kIdFix);
        else if (f.option(opt.id))
            orr.problem("id", "option '" + opt.id + "' is listed twice", "give each option its own id");
        opt.label.de = orr.str("de", true, 80);
        opt.label.en = orr.str("en", true, 80);
        orr.finish();
        if (k.hasOptions) f.options.push_back(std::move(opt));
    }
    return f;
}

} // namespace

std::span<const KindRules> kindRules() { return kKinds; }

const KindRules& rulesOf(FieldKind kind) {
    for (const auto& k : kKinds)
        if (k.kind == kind) return k;
    return kKinds[0];
}

bool isTyped(FieldKind kind) { return rulesOf(kind).maxChars > 0; }

std::span<const StandardField> standardFields() { return kStandard; }

const StandardField* standardField(std::string_view id) {
    for (const auto& s : kStandard)
        if (s.id == id) return &s;
    return nullptr;
}

const FieldOption* FormField::option(std::string_view oid) const {
    for (const auto& o : options)
        if (o.id == oid) return &o;
    return nullptr;
}

const FormField* FormDef::field(std::string_view fid) const {
    for (const auto& f : fields)
        if (f.id == fid) return &f;
    return nullptr;
}

std::string FormDef::json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : fields) {
        nlohmann::json options = nlohmann::json::array();
        for (const auto& o : f.options) options.push_back({{"id", o.id}, {"de", o.label.de}, {"en", o.label.en}});
        list.push_back({{"id", f.id},
                        {"kind", rulesOf(f.kind).name},
                        {"required", f.required},
                        {"label", {{"de", f.label.de}, {"en", f.label.en}}},
                        {"max_chars", f.maxChars},
                        {"options", options}});
    }
    return nlohmann::json{{"fields", list}}.dump();
}

namespace {
void stamp(FormDef& form) { form.version = sha256Hex(form.json()).substr(0, 16); }
} // namespace

namespace {
std::optional<FormDef> readForm(const toml::table& doc, const std::string& name, std::vector<Problem>& problems) {
    const size_t before = problems.size();
    TomlReader r(doc, name, problems);
    FormDef form;
    int emailLine = 0;
    const auto entries = r.tables("field", true);
    if (entries.size() > 40) r.problem("field", "lists more than 40 fields", "keep the form short: at most 40 fields");
    for (const auto* t : entries) {
        TomlReader fr(*t, name, problems, "field");
        FormField f = readField(*t, fr, problems);
        fr.finish();
        if (!f.id.empty() && form.field(f.id)) {
            fr.problem("id", "field '" + f.id + "' is listed twice", "give each field its own id");
            continue;
        }
        if (f.id == "email") emailLine = fr.lineOf("required");
        form.fields.push_back(std::move(f));
    }
    r.finish();
    checkWhole(form, emailLine, problems, name);
    for (size_t i = before; i < problems.size(); ++i)
        if (problems[i].error) return std::nullopt;
    stamp(form);
    return form;
}
} // namespace

std::optional<FormDef> parseForm(std::string_view toml, const std::string& name, std::vector<Problem>& problems) {
    auto doc = parseToml(toml, name, problems);
    return doc ? readForm(*doc, name, problems) : std::nullopt;
}

std::optional<FormDef> loadFormFile(const std::string& path, const std::string& name, std::vector<Problem>& problems) {
    auto doc = parseTomlFile(path, name, problems);
    return doc ? readForm(*doc, name, problems) : std::nullopt;
}

std::optional<FormDef> formFromJson(std::string_view text) {
    try {
        const auto j = nlohmann::json::parse(text);
        FormDef form;
        for (const auto& f : j.at("fields")) {
            FormField field;
            field.id = f.at("id").get<std::string>();
            const auto kind = f.at("kind").get<std::string>();
            const auto* k = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindRules& r) { return r.name == kind; });
            if (k == std::end(kKinds)) return std::nullopt;
            field.kind = k->kind;
            field.required = f.at("required").get<bool>();
            field.label = {f.at("label").at("de").get<std::string>(), f.at("label").at("en").get<std::string>()};
            // Only what parseForm could have written: a float or a negative number would wrap.
            const auto& maxChars = f.at("max_chars");
            if (!maxChars.is_number_unsigned() || maxChars.get<std::uint64_t>() > k->maxChars) return std::nullopt;
            field.maxChars = maxChars.get<size_t>();
            for (const auto& o : f.at("options"))
                field.options.push_back({o.at("id").get<std::string>(), {o.at("de").get<std::string>(), o.at("en").get<std::string>()}});
            form.fields.push_back(std::move(field));
        }
        stamp(form);
        return form;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

const FormDef& defaultForm() {
    static const FormDef form = [] {
        FormDef f;
        for (const auto& s : kStandard) f.fields.push_back({std::string(s.id), s.kind, s.required, s.label, s.maxChars, {}});
        stamp(f);
        return f;
    }();
    return form;
}

} // namespace kiosk::core
