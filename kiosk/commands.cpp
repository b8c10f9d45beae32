#include "commands.hpp"

#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/synthetic.hpp"
#include "core/paths.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

namespace kiosk::cli {

namespace {
void printProblems(const std::vector<core::Problem>& problems) {
    for (const auto& p : problems) std::cerr << (p.error ? "" : "warning: ") << p.format() << '\n';
}

std::int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
} // namespace

int checkContent(const Paths& p) {
    auto loaded = core::loadContent(p.content, {core::shippedAssetsDir(), true});
    printProblems(loaded.problems);
    const auto& c = loaded.content;
    size_t errors = 0, warnings = 0;
    for (const auto& q : loaded.problems) (q.error ? errors : warnings)++;
    std::printf("%s: %zu companies, %zu sectors, %zu strings; %zu errors, %zu warnings\n", p.content.c_str(),
                c.companies.size(), c.sectors.size(), c.strings.size(), errors, warnings);
    return errors ? 1 : 0;
}

int leadsGenerate(const Paths& p, long long count, unsigned long long seed) {
    auto content = core::loadContent(p.content, {core::shippedAssetsDir(), false});
    auto config = core::loadConfig(p.config);
    printProblems(config.problems);
    core::LeadStore store(p.dataDir / "leads.db");
    std::mt19937_64 rng(seed);
    const auto now = nowMs();
    // In batches: one transaction (and one fsync) per 5,000 leads.
    for (long long done = 0; done < count;) {
        std::vector<core::Lead> batch;
        for (; done < count && batch.size() < 5000; ++done)
            batch.push_back(core::syntheticLead(rng, content.content, config.config.kioskId, now));
        if (auto r = store.insertBatch(batch); !r) {
            std::cerr << "kiosk: " << r.error << '\n';
            return 1;
        }
    }
    std::printf("%lld synthetic leads added to %s (%lld in total)\n", count, store.path().c_str(), store.count());
    return 0;
}

int leadsList(const Paths& p) {
    core::LeadStore store(p.dataDir / "leads.db");
    if (auto r = store.open(); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    for (const auto& l : store.all()) {
        std::string ex;
        for (const auto& e : l.exhibitors) ex += (ex.empty() ? "" : ",") + e;
        std::printf("%s  %s  %-8s %s %s <%s>  %s\n", core::isoUtc(l.createdMs).c_str(), l.id.c_str(),
                    l.syncState.c_str(), l.firstName.c_str(), l.lastName.c_str(), l.email.c_str(), ex.c_str());
    }
    return 0;
}

} // namespace kiosk::cli
