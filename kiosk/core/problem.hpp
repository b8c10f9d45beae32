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
    long long more = 0; ///< > 0: stands for that many further problems of `file` (see addProblem)

    std::string format() const {
        std::string s = file;
        if (line > 0) s += ":" + std::to_string(line);
        s += ": ";
        if (!key.empty()) s += key + ": ";
        s += more > 0 ? "and " + std::to_string(more) + " more problems" : what;
        if (!fix.empty()) s += " \u2014 " + fix;
        return s;
    }
};

/// At most this many problems are kept per file; the rest are counted in one entry.
constexpr size_t kMaxProblemsPerFile = 1000;

/// Appends `p`, or counts it in the file's "and N more problems" entry once the file has
/// kMaxProblemsPerFile: a file with millions of mistakes must not take the memory with it.
/// Relies on the loaders reporting one file's problems one after the other.
inline void addProblem(std::vector<Problem>& problems, Problem p) {
    if (!problems.empty() && problems.back().more > 0 && problems.back().file == p.file) {
        ++problems.back().more;
        problems.back().error = problems.back().error || p.error;
        return;
    }
    const size_t n = problems.size();
    if (n >= kMaxProblemsPerFile && problems[n - kMaxProblemsPerFile].file == p.file && problems.back().file == p.file) {
        problems.push_back({p.file, 0, "", "more problems", "fix the ones above, then run kiosk check-content again",
                            p.error, 1});
        return;
    }
    problems.push_back(std::move(p));
}

/// How many problems `problems` stands for, counting the ones folded by addProblem.
inline long long problemCount(const std::vector<Problem>& problems) {
    long long n = 0;
    for (const auto& p : problems) n += p.more > 0 ? p.more : 1;
    return n;
}

inline bool hasErrors(const std::vector<Problem>& problems) {
    for (const auto& p : problems)
        if (p.error) return true;
    return false;
}

} // namespace kiosk::core
