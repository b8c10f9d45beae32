#include "synthetic.hpp"

#include <algorithm>
#include <cstdio>

namespace kiosk::core {

namespace {
const char* const kFirst[] = {"Anna", "Jürgen", "Zoë", "Łukasz", "Sophie", "Oliver", "Ayşe", "Mehmet", "Grace",
                              "Tom", "Lena", "Björn", "Chloé", "Raj", "Siobhan", "Matthias", "Priya", "Jörg"};
const char* const kLast[] = {"Müller", "Schmidt", "O'Brien", "Nowak", "Kemna", "Burnham", "Öztürk", "Smith",
                             "Weiß", "Patel", "Müller-Lüdenscheidt", "Jones", "Krüger", "Davies", "Đorđević"};
const char* const kCompanies[] = {"Stadtwerke Essen", "Ruhr Hydrogen GmbH", "Manchester Digital Ltd",
                                  "Klinikum Bochum", "Cyber Defence Dortmund", "", "Northern Health Tech"};
const char* const kTitles[] = {"CTO", "Geschäftsführerin", "Head of Innovation", "Einkauf", "Researcher", ""};
const char* const kMessages[] = {"", "", "Bitte Unterlagen zu Pilotprojekten schicken.",
                                 "Interested in a pilot in Q3 – please call.", "Grüße vom Stand nebenan!"};

template <size_t N> const char* pick(std::mt19937_64& rng, const char* const (&a)[N]) {
    return a[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

std::string asciiLower(std::string s) {
    std::string out;
    for (unsigned char c : s)
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    return out.empty() ? "guest" : out;
}
/// The form's own questions answered at random; standard fields the form leaves out stay empty.
void fillAnswers(std::mt19937_64& rng, const FormDef& form, Lead& l) {
    for (const auto& f : standardFields())
        if (!form.field(f.id)) l.*f.member = std::string();
    for (const auto& f : form.fields) {
        if (f.standard()) continue;
        Answer a;
        a.kind = f.kind;
        if (f.kind == FieldKind::Choice && !f.options.empty()) {
            a.text = f.options[rng() % f.options.size()].id;
        } else if (f.kind == FieldKind::Multi) {
            for (const auto& o : f.options)
                if (std::bernoulli_distribution(0.4)(rng)) a.options.push_back(o.id);
        } else if (f.kind == FieldKind::YesNo) {
            a.yes = f.required || std::bernoulli_distribution(0.5)(rng);
        } else if (f.required || std::bernoulli_distribution(0.5)(rng)) {
            a.text = f.kind == FieldKind::Email ? l.email : "Synthetic " + f.id;
        }
        if (!a.empty()) l.answers[f.id] = std::move(a);
    }
    l.formVersion = form.version;
}
} // namespace

Lead syntheticLead(std::mt19937_64& rng, const Content& content, const std::string& kioskId, std::int64_t nowMs) {
    Lead l;
    l.id = newUuid();
    l.createdMs = nowMs - std::uniform_int_distribution<std::int64_t>(0, 8LL * 3600 * 1000)(rng);
    l.kioskId = kioskId;
    l.eventId = content.event.id;
    const bool de = std::bernoulli_distribution(0.6)(rng);
    l.lang = de ? "de" : "en";
    l.firstName = pick(rng, kFirst);
    l.lastName = pick(rng, kLast);
    char n[16];
    std::snprintf(n, sizeof n, "%04u", static_cast<unsigned>(rng() % 10000));
    l.email = asciiLower(l.firstName) + "." + asciiLower(l.lastName) + n + "@example.org";
    l.company = pick(rng, kCompanies);
    l.jobTitle = pick(rng, kTitles);
    if (std::bernoulli_distribution(0.3)(rng)) l.phone = "+49 201 " + std::to_string(1000000 + rng() % 9000000);
    l.message = pick(rng, kMessages);
    for (const auto& s : content.sectors)
        if (std::bernoulli_distribution(0.4)(rng)) l.sectors.push_back(s.id);
    std::vector<std::string> exhibitors;
    for (const auto& c : content.companies)
        if (c.exhibitor) exhibitors.push_back(c.id);
    std::shuffle(exhibitors.begin(), exhibitors.end(), rng);
    const size_t k = exhibitors.empty() ? 0 : 1 + rng() % std::min<size_t>(3, exhibitors.size());
    l.exhibitors.assign(exhibitors.begin(), exhibitors.begin() + static_cast<long>(k));
    const Lang lang = de ? Lang::De : Lang::En;
    l.consent = {content.consent.version, sha256Hex(content.consent.shown(lang)), l.lang, l.createdMs};
    l.newsletter = std::bernoulli_distribution(0.25)(rng);
    l.source = "synthetic";
    fillAnswers(rng, content.form, l);
    return l;
}

} // namespace kiosk::core
