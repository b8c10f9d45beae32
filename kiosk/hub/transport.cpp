#include "transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiosk::hub {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};

/// One connection's bytes, plain or TLS, on a non-blocking socket: each wait polls for at
/// most the I/O timeout and never past the current deadline.
class Connection final : public httplib::Stream {
public:
    Connection(int fd, milliseconds io) : m_fd(fd), m_io(io) {}

    void setSsl(SSL* ssl) { m_ssl = ssl; }
    void setDeadline(Clock::time_point d) {
        m_deadline = d;
        m_expired = false;
    }
    /// true when the last wait failed because the deadline had passed.
    bool expired() const { return m_expired; }

    bool handshake() {
        return sslRetry([&] { return SSL_accept(m_ssl); }) > 0;
    }

    /// Waits at most `idle` for the first byte of the next request on a kept-alive connection.
    bool nextRequest(milliseconds idle) {
        setDeadline(Clock::now() + idle);
        const bool more = is_readable();
        m_expired = false; // an idle connection closing is not a request cut off
        return more;
    }

    bool is_readable() const override { return m_pos < m_len || (m_ssl && SSL_pending(m_ssl) > 0) || wait(POLLIN); }
    bool is_writable() const override { return wait(POLLOUT); }

    ssize_t read(char* ptr, size_t size) override {
        // httplib reads the request line and headers one byte at a time: serve them from a buffer.
        if (m_pos == m_len && size < m_buf.size()) {
            const ssize_t n = receive(m_buf.data(), m_buf.size());
            if (n <= 0) return n;
            m_pos = 0;
            m_len = static_cast<size_t>(n);
        }
        if (m_pos < m_len) {
            const size_t n = std::min(size, m_len - m_pos);
            std::memcpy(ptr, m_buf.data() + m_pos, n);
            m_pos += n;
            return static_cast<ssize_t>(n);
        }
        return receive(ptr, size);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (m_ssl) return sslRetry([&] { return SSL_write(m_ssl, ptr, clampInt(size)); });
        return sysRetry([&] { return ::send(m_fd, ptr, size, MSG_NOSIGNAL); }, POLLOUT);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
    socket_t socket() const override { return m_fd; }

    std::string remoteIp() const {
        std::string ip = "-";
        int port = 0;
        address(true, ip, port);
        return ip;
    }

private:
    static int clampInt(size_t n) { return static_cast<int>(std::min<size_t>(n, INT_MAX)); }

    bool wait(short events) const {
        for (;;) {
            const auto left = std::chrono::duration_cast<milliseconds>(m_deadline - Clock::now());
            if (left.count() <= 0) {
                m_expired = true;
                return false;
            }
            pollfd p{m_fd, events, 0};
            const int n = ::poll(&p, 1, static_cast<int>(std::min(left, m_io).count()));
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 && left <= m_io) m_expired = true;
            // POLLHUP / POLLERR count as ready: the read or write that follows tells what happened.
            return n > 0;
        }
    }

    ssize_t receive(char* ptr, size_t size) {
        if (m_ssl) return sslRetry([&] { return SSL_read(m_ssl, ptr, clampInt(size)); });
        return sysRetry([&] { return ::recv(m_fd, ptr, size, 0); }, POLLIN);
    }

    template <class Op> ssize_t sysRetry(Op op, short events) {
        for (;;) {
            const ssize_t n = op();
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait(events)) return -1;
        }
    }

    template <class Op> ssize_t sslRetry(Op op) {
        for (;;) {
            ERR_clear_error(); // SSL_get_error reads this thread's queue: nothing stale in it
            const int n = op();
            if (n > 0) return n;
            const int e = SSL_get_error(m_ssl, n);
            if (e == SSL_ERROR_ZERO_RETURN) return 0;
            const bool again =
                (e == SSL_ERROR_WANT_READ && wait(POLLIN)) || (e == SSL_ERROR_WANT_WRITE && wait(POLLOUT));
            if (!again) return -1;
        }
    }

    void address(bool remote, std::string& ip, int& port) const {
        sockaddr_storage a{};
        socklen_t len = sizeof(a);
        auto* sa = reinterpret_cast<sockaddr*>(&a);
        if ((remote ? ::getpeername(m_fd, sa, &len) : ::getsockname(m_fd, sa, &len)) != 0) return;
        std::array<char, NI_MAXHOST> host{};
        std::array<char, NI_MAXSERV> serv{};
        if (::getnameinfo(sa, len, host.data(), host.size(), serv.data(), serv.size(),
                          NI_NUMERICHOST | NI_NUMERICSERV) != 0)
            return;
        ip = host.data();
        port = std::atoi(serv.data());
    }

    int m_fd;
    SSL* m_ssl = nullptr;
    milliseconds m_io;
    Clock::time_point m_deadline = Clock::now();
    mutable bool m_expired = false;
    std::array<char, 4096> m_buf{};
    size_t m_pos = 0, m_len = 0;
};

} // namespace

struct HubHttpServer::Tls {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    ~Tls() { SSL_CTX_free(ctx); }
};

HubHttpServer::HubHttpServer(milliseconds ioTimeout, milliseconds requestTimeout)
    : m_io(ioTimeout), m_request(requestTimeout) {}

HubHttpServer::~HubHttpServer() = default;

bool HubHttpServer::useTls(const std::string& certChainFile, const std::string& keyFile) {
    auto tls = std::make_unique<Tls>();
    if (!tls->ctx) return false;
    SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(tls->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(tls->ctx, certChainFile.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls->ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(tls->ctx) != 1) {
        ERR_clear_error();
        return false;
    }
    m_tls = std::move(tls);
    return true;
}

bool HubHttpServer::process_and_close_socket(socket_t sock) {
    // httplib hands the socket over blocking; here every wait is a poll with its own bound.
    ::fcntl(sock, F_SETFL, ::fcntl(sock, F_GETFL) | O_NONBLOCK);
    // httplib writes an answer's head and body separately: without this, Nagle holds the body
    // back until the client acknowledges the head, which it delays (40 ms a request).
    const int one = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Connection c(sock, m_io);
    std::unique_ptr<SSL, SslFree> ssl;
    bool ok = true;
    if (m_tls) {
        ssl.reset(SSL_new(m_tls->ctx));
        ok = ssl && SSL_set_fd(ssl.get(), sock) == 1;
        c.setSsl(ssl.get());
        c.setDeadline(Clock::now() + m_request);
        ok = ok && c.handshake();
    }
    const milliseconds idle(static_cast<long>(keep_alive_timeout_sec_) * 1000);
    for (size_t left = keep_alive_max_count_; ok && left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
        if (!c.nextRequest(idle)) break;
        c.setDeadline(Clock::now() + m_request);
        bool closed = false;
        ok = process_request(c, left == 1, closed, nullptr);
        if (closed) break;
    }
    if (c.expired() && onDeadline) onDeadline(c.remoteIp());
    if (ssl && ok) SSL_shutdown(ssl.get()); // close_notify, without waiting for the client's
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

} // namespace kiosk::hub
