/// @brief Full-jitter exponential backoff for the uploader: a pure function of the
/// attempt count and a uniform random number the caller supplies (unit-testable).
#pragma once
#include <algorithm>
#include <cmath>
#include <optional>

namespace kiosk::core::sync {

struct Backoff {
    /// A server's Retry-After is honoured up to this many seconds, so that a typo on the
    /// server cannot silence the kiosk for days (staff "sync now" and a restart skip it too).
    static constexpr double kMaxRetryAfterS = 3600.0;

    double base = 2.0;  ///< seconds: the ceiling of the first wait
    double cap = 300.0; ///< seconds: the ceiling never grows past this
    int attempt = 0;    ///< failures since the last success

    /// min(cap, base * 2^attempt), without overflow.
    double ceiling() const {
        double c = base;
        for (int i = 0; i < attempt && c < cap; ++i) c *= 2.0;
        return std::min(c, cap);
    }

    /// The wait (seconds) after one more failure: uniform01 * ceiling() ("full jitter"),
    /// but at least the server's Retry-After. Counts the failure.
    double next(double uniform01, std::optional<double> retryAfterS = std::nullopt) {
        const double c = ceiling();
        if (attempt < 10'000) ++attempt;
        const double u = std::isfinite(uniform01) ? std::clamp(uniform01, 0.0, 1.0) : 1.0;
        double wait = u * c;
        if (retryAfterS && std::isfinite(*retryAfterS)) wait = std::max(wait, std::clamp(*retryAfterS, 0.0, kMaxRetryAfterS));
        return wait;
    }

    /// After a request that made progress: the next failure starts from `base` again.
    void reset() { attempt = 0; }
};

} // namespace kiosk::core::sync
