/// @brief HubHttpServer: cpp-httplib's routing over the hub's own connection handling, plain
/// or TLS, where every wait is bounded by the read/write timeout and by a deadline per request.
#pragma once
#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::hub {

/// httplib bounds each read by its read timeout, but not a request as a whole: a client that
/// sends one byte every few seconds keeps a worker for as long as it likes. Here a request has
/// `requestTimeout` from its first byte to the last byte of its answer (and a TLS handshake
/// has as long), after which the connection is closed.
class HubHttpServer final : public httplib::Server {
public:
    HubHttpServer(std::chrono::milliseconds ioTimeout, std::chrono::milliseconds requestTimeout);
    ~HubHttpServer() override;

    /// Serve HTTPS with this PEM chain and key; false (and plain HTTP stays off) when they cannot be used.
    bool useTls(const std::string& certChainFile, const std::string& keyFile);

    /// Called (on the worker) with the client's address when a connection is closed at its deadline.
    std::function<void(const std::string& from)> onDeadline;

private:
    bool process_and_close_socket(socket_t sock) override;

    struct Tls;
    std::chrono::milliseconds m_io, m_request;
    std::unique_ptr<Tls> m_tls;
};

} // namespace kiosk::hub
