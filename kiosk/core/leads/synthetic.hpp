/// @brief Synthetic leads (source "synthetic") for demos, load tests and benchmarks.
#pragma once
#include "../content/content.hpp"
#include "lead.hpp"

#include <random>

namespace kiosk::core {

/// A plausible lead for the content's exhibitors, created around `nowMs`.
/// Deterministic for a given generator state.
Lead syntheticLead(std::mt19937_64& rng, const Content& content, const std::string& kioskId, std::int64_t nowMs);

} // namespace kiosk::core
