/// @brief The exhibitors' pages (docs/hub.md "Exhibitors' links"): `/x/<token>` lists the leads
/// that chose the link's company, `/x/<token>/leads.csv` and `.xlsx` download them. Nothing on
/// them names another exhibitor or a lead id; a wrong, revoked or malformed token is the same
/// 404, and too many of them from one address within a minute are answered 429.
#pragma once
#include "hub/hub_config.hpp"
#include "hub/storage.hpp"
#include "hub/transport.hpp"

#include <functional>
#include <string>

namespace kiosk::hub::web {

/// How many wrong tokens one client address may try per minute before it is refused (429).
inline constexpr int kWrongTokensPerMinute = 20;

/// `path` as a log line may show it: an exhibitor's link (/x/<token>…) as "/x/…".
std::string loggedPath(const std::string& path);

void addExhibitorRoutes(HubHttpServer& server, const HubConfig& config, Storage& storage,
                        std::function<void(const std::string&)> logLine);

} // namespace kiosk::hub::web
