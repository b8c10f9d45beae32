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
int leadsErase(const Paths& p, const std::string& email);
int leadsPurge(const Paths& p, double olderThanDays);
int exportLeads(const Paths& p, const std::string& format, const std::string& out, const std::string& company,
                const std::string& delimiter, const std::string& lang);
/// Reads a 4-8 digit PIN from stdin and writes its Argon2id hash into the config's [staff] pin_hash.
int setPin(const Paths& p);
int syncOnce(const Paths& p);
int status(const Paths& p);

} // namespace kiosk::cli
