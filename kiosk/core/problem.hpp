/// @brief A problem found in a staff-edited file, reported as `file:line: key: what — fix`.
#pragma once
#include <string>
#include <vector>

namespace kiosk::core {

struct Problem {
    std::string file;
    int line = 0;
    std::string key;
    std::string what;
    std::string fix;
    bool error = true; ///< false: a warning; the kiosk still shows the item

    std::string format() const {
        std::string s = file;
        if (line > 0) s += ":" + std::to_string(line);
        s += ": ";
        if (!key.empty()) s += key + ": ";
        s += what;
        if (!fix.empty()) s += " \u2014 " + fix;
        return s;
    }
};

inline bool hasErrors(const std::vector<Problem>& problems) {
    for (const auto& p : problems)
        if (p.error) return true;
    return false;
}

} // namespace kiosk::core
