// libFuzzer target: a lead's stored answers (leads.db's answers column, answersFromJson), which
// a damaged or hand-edited database can hold in any shape. It must never throw, and what it
// reads must write back (answersJson) to JSON that reads to the same thing.
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
    return 0;
}
