// A form field may not take an id the sign-up screen uses for its own widgets or errors.
#include "core/leads/form.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace kiosk::core;

namespace {

/// A valid form (email and a required name) plus one yes/no field of id `id`, on line 13.
std::string formWith(const std::string& id) {
    return "[[field]]\nid = \"first_name\"\nkind = \"name\"\nrequired = true\nlabel = { de = \"V\", en = \"F\" }\n"
           "[[field]]\nid = \"email\"\nkind = \"email\"\nrequired = true\nlabel = { de = \"E\", en = \"E\" }\n\n"
           "[[field]]\nid = \"" + id + "\"\nkind = \"yesno\"\nlabel = { de = \"X\", en = \"X\" }\n";
}

} // namespace

TEST_CASE("a field id taken by the sign-up screen's own widgets is refused with file:line: field.id") {
    // signup.consent, signup.newsletter, signup.submit …, signup.sector.<id>, signup.exhibitor.<id>,
    // and the errors of exhibitors and consent: a field of that id would be confused with them.
    for (const char* id : {"consent", "newsletter", "submit", "cancel", "privacy", "sector", "exhibitor", "exhibitors",
                           "exhibitor_search"}) {
        CAPTURE(id);
        std::vector<Problem> problems;
        const auto form = parseForm(formWith(id), "form.toml", problems);
        CHECK_FALSE(form.has_value());
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].format().rfind("form.toml:13: field.id: '" + std::string(id) + "' is taken by the sign-up screen", 0) == 0);
    }
    std::vector<Problem> problems;
    CHECK(parseForm(formWith("consent_answer"), "form.toml", problems).has_value());
    CHECK(problems.empty());
}
