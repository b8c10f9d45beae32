/// @brief Erasure on the hub: a visitor withdraws, the organiser erases by email; the leads go,
/// a PII-free entry stays in the erasure log, and the kiosks are told to erase their copies.
/// Kiosks and hub speak of an email only by its hash (core::emailSha256), in the heartbeat.
#pragma once
#include "storage.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::hub {

/// Erases every lead whose email is `email` (compared as the kiosk normalises it), logs the
/// erasure (the email's hash, when, `who`) and queues the kiosks' erasure. `erased`: leads erased.
StorageResult eraseByEmail(Storage& storage, const std::string& email, const std::string& who, std::int64_t nowMs,
                           long long& erased);

/// eraseByEmail by the email's hash (a kiosk's own erasure, reported in its heartbeat): the
/// leads, their double opt-in rows, conflicts and rejected rows go in one transaction, the log
/// gets one entry, and every kiosk but `fromKiosk` is told to erase its copies too.
StorageResult eraseByEmailHash(Storage& storage, const std::string& emailSha256, const std::string& who,
                               const std::string& fromKiosk, std::int64_t nowMs, long long& erased);

/// A heartbeat's part of the erasure: forgets the hashes `kioskId` says it has erased (`done`),
/// erasing too the copies it uploaded meanwhile that were captured before the erasure, and
/// gives the ones it still has to erase.
StorageResult kioskErasures(Storage& storage, const std::string& kioskId, const std::vector<std::string>& done,
                            std::int64_t nowMs, std::vector<std::string>& pending);

/// One entry of the erasure log: no address, no name, only the hash and who asked.
struct ErasureLogEntry {
    std::string emailSha256, who;
    std::int64_t erasedMs = 0;
    long long leads = 0;
};
StorageResult erasureLog(Storage& storage, std::vector<ErasureLogEntry>& out);

/// 64 lower-case hex digits: the only form an email hash is taken in.
bool isEmailHash(const std::string& s);

} // namespace kiosk::hub
