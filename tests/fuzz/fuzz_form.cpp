// libFuzzer target: form.toml (parseForm). Beyond not crashing, whatever it accepts is a form
// the rest of the kiosk can rely on: ids unique and widget-safe, a lead contactable, the
// definition surviving leads.db's forms table unchanged, and validation of any answers
// (none, or made up from the input) leaving only what the form allows.
#include "core/leads/form.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"

#include <cstdlib>
#include <random>
#include <set>
#include <string_view>

using namespace kiosk::core;

namespace {

/// The sign-up screen's own widget ids and error fields (kiosk/ui/screens/signup.cpp).
bool reserved(const std::string& id) {
    for (const char* r : {"sector", "sectors", "exhibitor", "exhibitors", "exhibitor_search", "consent", "newsletter",
                          "privacy", "submit", "cancel", "fields_area", "choices_area", "form_area"})
        if (id == r) return true;
    return false;
}

bool idOk(const std::string& id) {
    if (id.empty() || id.size() > 40 || id[0] < 'a' || id[0] > 'z') return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

void require(bool ok) {
    if (!ok) std::abort();
}

void checkForm(const FormDef& form) {
    std::set<std::string> ids;
    bool named = false;
    for (const auto& f : form.fields) {
        require(idOk(f.id) && !reserved(f.id) && ids.insert(f.id).second);
        require(!f.label.de.empty() && !f.label.en.empty());
        if (const StandardField* s = standardField(f.id)) require(s->kind == f.kind);
        named = named || (f.kind == FieldKind::Name && f.required);
        const KindRules& k = rulesOf(f.kind);
        require(isTyped(f.kind) ? f.maxChars >= 1 && f.maxChars <= k.maxChars : f.maxChars == 0);
        require(k.hasOptions ? f.options.size() >= 2 && f.options.size() <= 20 : f.options.empty());
        std::set<std::string> options;
        for (const auto& o : f.options)
            require(idOk(o.id) && options.insert(o.id).second && !o.label.de.empty() && !o.label.en.empty());
    }
    require(form.fields.size() <= 40);
    const FormField* email = form.field("email");
    require(email && email->kind == FieldKind::Email && email->required && named);
    require(!form.version.empty());
    const auto back = formFromJson(form.json());
    require(back && back->json() == form.json() && back->version == form.version);
}

/// What validation leaves must be what the form allows, and must store and travel.
void checkValidated(const FormDef& form, FormInput& in) {
    validateForm(in, form);
    for (const auto& f : form.fields) {
        const Answer& a = in.values.at(f.id);
        if (f.kind == FieldKind::Choice) require(a.text.empty() || f.option(a.text));
        if (f.kind == FieldKind::Multi) {
            const std::set<std::string> unique(a.options.begin(), a.options.end());
            require(unique.size() == a.options.size());
            for (const auto& o : a.options)
                require(f.option(o) != nullptr);
        }
    }
    Lead lead;
    fillLead(lead, in, form);
    const std::string answers = answersJson(lead.answers);
    require(answersJson(answersFromJson(answers)) == answers);
    (void)leadJson(lead);
    wipe(in);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<Problem> problems;
    const auto form = parseForm(text, "form.toml", problems);
    for (const auto& p : problems)
        require(!p.file.empty() && !p.what.empty() && !p.fix.empty() && !p.format().empty());
    if (!form) {
        require(hasErrors(problems));
        return 0;
    }
    checkForm(*form);

    FormInput empty;
    checkValidated(*form, empty);

    // Answers made up from the input: pieces of it as text, option ids real and not, repeated.
    std::minstd_rand rng(static_cast<unsigned>(std::hash<std::string_view>{}(text)));
    const auto piece = [&] {
        const size_t from = size ? rng() % size : 0;
        return std::string(text.substr(from, rng() % 300));
    };
    FormInput random;
    reserveFields(random, *form);
    for (const auto& f : form->fields) {
        Answer& a = random.values[f.id];
        a.text = rng() % 2 && !f.options.empty() ? f.options[rng() % f.options.size()].id : piece();
        for (unsigned n = rng() % 6; n > 0; --n)
            a.options.push_back(rng() % 3 && !f.options.empty() ? f.options[rng() % f.options.size()].id : piece());
        a.yes = rng() % 2;
    }
    random.values[piece()].text = piece(); // a value for no field of the form
    checkValidated(*form, random);
    return 0;
}
