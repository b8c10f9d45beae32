/// @brief `kiosk-hub kiosks`: every kiosk with what the hub holds for it and what its latest
/// heartbeat said (versions, its own counts, clock offset, last error), flagged SILENT when it
/// has not been heard from for longer than [hub] silent_after_s (or never was).
#pragma once
#include "storage.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::hub {

/// One kiosk as `kiosk-hub kiosks` and the organiser's overview show it. Text from a heartbeat
/// is cleaned of control characters and cut to its column; "-" stands for nothing known.
struct KioskHealth {
    std::string id, state, added;                     ///< state: active or revoked; added: ISO UTC
    long long leads = 0, conflicts = 0, rejected = 0; ///< what the hub holds from it
    std::string seen;                                 ///< how long ago the last heartbeat came ("never")
    std::string flag;                                 ///< ok, SILENT, or "-" for a revoked kiosk
    std::string app, content, form;                   ///< versions from the heartbeat
    std::string onKiosk, pending, failed;             ///< the kiosk's own counts
    std::string clock;                                ///< offset of its clock, "+1.2s"
    std::string lastError;
};
std::vector<KioskHealth> kioskHealth(const std::vector<KioskRecord>& kiosks, std::int64_t nowMs, double silentAfterS);

/// A header line and one line per kiosk. Text from a heartbeat is cleaned of control
/// characters (no terminal escapes from a kiosk) and cut to its column.
std::string kioskTable(const std::vector<KioskRecord>& kiosks, std::int64_t nowMs, double silentAfterS);

/// One line per consent version and language that arrived with more than one text; empty when none.
std::string consentWarnings(const std::vector<ConsentTextRow>& texts);

/// "12s", "5m", "3h", "2d": how long ago, short.
std::string shortAge(std::int64_t ms);

} // namespace kiosk::hub
