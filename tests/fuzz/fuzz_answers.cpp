// libFuzzer target: what leads.db holds beside each lead and could hold damaged (a disk error,
// a hand edit): the answers column (answersFromJson) and a form definition of the forms table
// (formFromJson), fed the same bytes. Neither may throw; what they read must write back
// (answersJson, FormDef::json) to JSON that reads to the same thing.
#include "core/leads/form.hpp"
#include "core/leads/lead.hpp"

#include <cstdlib>
#include <string>

using namespace kiosk::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
    const std::string stored(reinterpret_cast<const char*>(data), size);
    Lead lead;
    lead.answers = answersFromJson(stored);
    const std::string once = answersJson(lead.answers);
    if (answersJson(answersFromJson(once)) != once) std::abort();
    (void)leadJson(lead);

    if (const auto form = formFromJson(stored)) {
        const std::string json = form->json();
        const auto again = formFromJson(json);
        if (!again || again->json() != json || again->version != form->version) std::abort();
    }
    return 0;
}
