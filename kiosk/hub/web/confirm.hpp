/// @brief The visitor's pages of the double opt-in: /confirm/<token> and /decline/<token>.
/// GET shows one button and changes nothing (mail scanners fetch every link in a mail); the
/// button POSTs to the same address, and only that records the answer with time, address and
/// browser. The pages show no personal data: a forwarded link reveals nothing.
#pragma once
#include "../storage.hpp"

#include <functional>
#include <string>

namespace kiosk::hub {
class HubHttpServer;
}

namespace kiosk::hub::web {

/// The visitor's pages: /confirm/<token> and /decline/<token> (the double opt-in mail's links),
/// /withdraw?lead=<id> (the receipt's link on the thank-you screen).
void addConfirmRoutes(HubHttpServer& server, Storage& storage, std::function<void(const std::string&)> logLine);

} // namespace kiosk::hub::web
