// lead-bench: how long a visitor waits for "thank you", and what that costs on this disk.
//  - lead commit latency (p50, p99, max) with synchronous=FULL in WAL mode, one lead per transaction,
//    as the kiosk does it;
//  - next to it the raw latency of a 4 KiB write + fsync on the same filesystem;
//  - the time to open (and migrate-check) a database of 100,000 leads and count them.
// Usage: lead-bench [--dir DIR] [--leads N]
#include "core/content/content.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/synthetic.hpp"
#include "core/paths.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
    double p50, p99, max;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * double(v.size())))]; };
    return {at(0.50), at(0.99), v.back()};
}
} // namespace

int main(int argc, char** argv) {
    fs::path dir = fs::temp_directory_path() / ("lead-bench-" + std::to_string(::getpid()));
    int n = 500;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!std::strcmp(argv[i], "--leads")) n = std::max(10, std::atoi(argv[i + 1]));
    }
    fs::create_directories(dir);
    const auto content = kiosk::core::loadContent(kiosk::core::shippedContentDir(), {kiosk::core::shippedAssetsDir(), false});
    std::mt19937_64 rng(7);

    // Raw: 4 KiB write + fsync, appended to one file (what a WAL commit does at best).
    std::vector<double> raw;
    {
        const fs::path f = dir / "raw.bin";
        const int fd = ::open(f.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        std::vector<char> block(4096, 'x');
        for (int i = 0; i < n; ++i) {
            const auto t0 = Clock::now();
            if (::write(fd, block.data(), block.size()) != 4096 || ::fsync(fd) != 0) return 1;
            raw.push_back(ms(Clock::now() - t0));
        }
        ::close(fd);
        fs::remove(f);
    }

    // The kiosk's path: one lead, one transaction, COMMIT with synchronous=FULL.
    std::vector<double> commit;
    {
        kiosk::core::LeadStore store(dir / "commit.db");
        if (!store.open()) return 1;
        for (int i = 0; i < n; ++i) {
            const auto lead = kiosk::core::syntheticLead(rng, content.content, "bench", 1'780'000'000'000);
            const auto t0 = Clock::now();
            if (!store.insert(lead)) return 1;
            commit.push_back(ms(Clock::now() - t0));
        }
    }

    // Opening a full day (and more) of leads.
    const fs::path big = dir / "big.db";
    {
        kiosk::core::LeadStore store(big);
        std::vector<kiosk::core::Lead> batch;
        for (int i = 0; i < 100'000; ++i) {
            batch.push_back(kiosk::core::syntheticLead(rng, content.content, "bench", 1'780'000'000'000));
            if (batch.size() == 10'000) {
                if (!store.insertBatch(batch)) return 1;
                batch.clear();
            }
        }
    }
    const auto t0 = Clock::now();
    long long count = 0;
    {
        kiosk::core::LeadStore store(big);
        if (!store.open()) return 1;
        count = store.count().value;
    }
    const double openMs = ms(Clock::now() - t0);

    const Stats r = stats(raw), c = stats(commit);
    std::printf("lead-bench on %s (%d samples each)\n", dir.c_str(), n);
    std::printf("  raw 4 KiB write + fsync   p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms\n", r.p50, r.p99, r.max);
    std::printf("  lead commit (FULL, WAL)   p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms\n", c.p50, c.p99, c.max);
    std::printf("  commit p99 / raw p99      %.2fx (target: within 3x)  %s\n", c.p99 / r.p99, c.p99 <= 3 * r.p99 ? "PASS" : "MISS");
    std::printf("  open + count %lld leads   %.1f ms\n", count, openMs);
    fs::remove_all(dir);
    return 0;
}
