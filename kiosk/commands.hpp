/// @brief The staff commands of the kiosk binary (check-content, leads …): no window needed.
#pragma once
#include <filesystem>
#include <string>

namespace kiosk::cli {

struct Paths {
    std::filesystem::path content; ///< content folder
    std::filesystem::path dataDir; ///< holds leads.db
    std::filesystem::path config;  ///< may be empty
};

int checkContent(const Paths& p);
int leadsGenerate(const Paths& p, long long count, unsigned long long seed);
int leadsList(const Paths& p);

} // namespace kiosk::cli
