/// @brief The organiser's pages (docs/hub.md "The organiser's pages"): login, the overview with
/// charts and kiosk health, the leads with each one's consent proof, exports and erasure.
/// Every page but /login needs a session; every POST needs the session's CSRF token.
#pragma once
#include "../hub_config.hpp"
#include "../storage.hpp"
#include "../transport.hpp"

#include <functional>
#include <string>

namespace kiosk::hub::web {

/// GET /login, POST /login, POST /logout, GET /, GET /leads, GET /leads/<id>, GET /export.csv,
/// GET /export.xlsx, GET and POST /erase. Logins, refusals, exports and erasures are logged
/// through `logLine` (never a password, a token or a visitor's data).
void addOrganiserRoutes(HubHttpServer& server, const HubConfig& config, Storage& storage,
                        std::function<void(const std::string&)> logLine);

} // namespace kiosk::hub::web
