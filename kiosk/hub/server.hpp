/// @brief The hub's HTTP server (cpp-httplib): POST /kiosk/v1/leads, POST /kiosk/v1/status, GET /healthz, GET /metrics.
#pragma once
#include "hub_config.hpp"
#include "storage.hpp"

#include <iosfwd>

namespace kiosk::hub {

/// Serves until SIGTERM or SIGINT; every request is logged as one line on `log` (no
/// headers, no body: nothing secret). It logs `kiosk-hub: listening on URL` once the socket is bound.
/// Returns the exit status: 0 after a signal, 1 when it could not start.
int serve(const HubConfig& config, Storage& storage, std::ostream& log);

} // namespace kiosk::hub
