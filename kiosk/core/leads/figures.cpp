#include "figures.hpp"

#include <sqlite3.h>

namespace kiosk::core {

const char* figureName(Figure f) {
    switch (f) {
    case Figure::ProfileViews: return "profile_views";
    case Figure::ProfileSeconds: return "profile_seconds";
    case Figure::ProfileTimed: return "profile_timed";
    case Figure::WebsiteQr: return "website_qr";
    case Figure::SignupsStarted: return "signups_started";
    case Figure::SignupsCompleted: return "signups_completed";
    case Figure::SignupsAbandoned: return "signups_abandoned";
    case Figure::SectorFilter: return "sector_filter";
    }
    return "?";
}

std::optional<Figure> figureNamed(std::string_view name) {
    for (const Figure f : kFigures)
        if (name == figureName(f)) return f;
    return std::nullopt;
}

Status addFigures(sqlite3* db, const std::vector<FigureCount>& counts) {
    if (counts.empty()) return {};
    const auto failed = [&](const char* what) {
        Status s = Status::failed(std::string(what) + ": " + sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return s;
    };
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        return failed("cannot start a transaction");
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO figures (event_id, subject, metric, hour, value) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (event_id, subject, metric, hour) DO UPDATE SET value = value + excluded.value",
                           -1, &st, nullptr) != SQLITE_OK)
        return failed("cannot prepare storing the figures");
    for (const auto& c : counts) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, c.eventId.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, c.subject.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, figureName(c.figure), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c.hour);
        sqlite3_bind_int64(st, 5, c.value);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return failed("storing the figures failed");
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return failed("committing the figures failed");
    return {};
}

Result<std::vector<FigureRow>> readFigures(sqlite3* db, const std::string& eventId, bool perHour,
                                           const std::optional<std::string>& subject) {
    Result<std::vector<FigureRow>> out;
    const std::string sql = std::string("SELECT subject, ") + (perHour ? "hour" : "-1") +
                            ", metric, sum(value) FROM figures WHERE event_id = ?1" +
                            (subject ? " AND subject = ?2" : "") + " GROUP BY 1, 2, 3 ORDER BY 1, 2";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        const std::string why = sqlite3_errmsg(db);
        sqlite3_finalize(st);
        // A file of an earlier schema, read by a command that does not migrate: nothing counted yet.
        if (why.rfind("no such table", 0) == 0) return out;
        return {Status::failed("reading the figures failed: " + why)};
    }
    sqlite3_bind_text(st, 1, eventId.c_str(), -1, SQLITE_TRANSIENT);
    if (subject) sqlite3_bind_text(st, 2, subject->c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const auto* s = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        const std::string name = s ? s : "";
        const std::int64_t hour = sqlite3_column_int64(st, 1);
        if (out.value.empty() || out.value.back().subject != name || out.value.back().hour != hour)
            out.value.push_back({name, hour, {}});
        const auto* m = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
        // A metric of a newer kiosk is kept in the table but not shown by this one.
        if (const auto f = figureNamed(m ? m : "")) out.value.back()[*f] = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return {Status::failed(std::string("reading the figures failed: ") + sqlite3_errmsg(db))};
    return out;
}

} // namespace kiosk::core
