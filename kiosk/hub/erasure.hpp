/// @brief Erasure on the hub: a visitor withdraws, the organiser erases by email; the leads go,
/// a PII-free entry stays in the erasure log, and the kiosks are told to erase their copies.
#pragma once
#include "storage.hpp"

#include <cstdint>
#include <string>

namespace kiosk::hub {

/// Erases every lead whose email is `email` (compared as the kiosk normalises it), logs the
/// erasure (the email's hash, when, `who`) and queues the kiosks' erasure. `erased`: leads erased.
StorageResult eraseByEmail(Storage& storage, const std::string& email, const std::string& who, std::int64_t nowMs,
                           long long& erased);

} // namespace kiosk::hub
