/// @brief What exhibitors learn (docs/staff.md "What the kiosk counts"): anonymous counts per
/// company and hour, kept in leads.db's `figures` table. A row is (event, subject, metric, hour,
/// value): how often something happened, never who did it or when within the hour.
#pragma once
#include "../result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace kiosk::core {

/// What is counted. The names are the `metric` column, the heartbeat's keys and the export's.
enum class Figure {
    ProfileViews,     ///< a company's profile was opened
    ProfileSeconds,   ///< seconds from opening a profile to the last touch on it, summed
    ProfileTimed,     ///< how many profile visits ProfileSeconds sums
    WebsiteQr,        ///< the company's website QR code was on screen, whole (once per visit of the profile)
    SignupsStarted,   ///< a sign-up began for the company (docs/staff.md says for whom)
    SignupsCompleted, ///< a lead was stored that chose the company
    SignupsAbandoned, ///< a sign-up started for the company ended without a lead for it
    SectorFilter,     ///< the browse screen was filtered by a sector (the subject is the sector id)
};
inline constexpr std::array kFigures = {Figure::ProfileViews,     Figure::ProfileSeconds, Figure::ProfileTimed,
                                        Figure::WebsiteQr,        Figure::SignupsStarted, Figure::SignupsCompleted,
                                        Figure::SignupsAbandoned, Figure::SectorFilter};
const char* figureName(Figure f);
std::optional<Figure> figureNamed(std::string_view name);

/// One thing counted, for one subject: a company id, a sector id (SectorFilter), or "" for the
/// stand as a whole (counted once per event however many companies it concerned).
struct FigureCount {
    std::string eventId;
    std::string subject;
    Figure figure = Figure::ProfileViews;
    std::int64_t hour = 0; ///< whole hours since 1970-01-01T00:00Z (UTC)
    long long value = 1;
};

/// The counts of one subject, summed over hours (hour = -1) or for one hour.
struct FigureRow {
    std::string subject;
    std::int64_t hour = -1;
    std::array<long long, kFigures.size()> values{};
    long long& operator[](Figure f) { return values[static_cast<size_t>(f)]; }
    long long operator[](Figure f) const { return values[static_cast<size_t>(f)]; }
};

/// Adds the counts in one transaction (value added to the row of its event, subject, metric and
/// hour). All or none.
Status addFigures(sqlite3* db, const std::vector<FigureCount>& counts);
/// The counts of one event, ordered by subject (the stand's "" first) and hour: one row per
/// subject (summed over hours) or, with `perHour`, one per subject and hour. `subject` set:
/// only that subject's rows. A database without the table (an older schema) has none.
Result<std::vector<FigureRow>> readFigures(sqlite3* db, const std::string& eventId, bool perHour,
                                           const std::optional<std::string>& subject = std::nullopt);

} // namespace kiosk::core
