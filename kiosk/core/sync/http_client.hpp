/// @brief A small libcurl POST client for the uploader: one easy handle (kept, so the
/// connection is reused), TLS verification always on, abortable from another thread.
#pragma once
#include <atomic>
#include <string>
#include <vector>

namespace kiosk::core::sync {

struct HttpResponse {
    long status = 0;        ///< 0: no HTTP answer (see curlCode)
    std::string body;       ///< at most kMaxBody bytes
    std::string retryAfter; ///< the Retry-After header, raw
    int curlCode = 0;       ///< CURLcode
    int osErrno = 0;        ///< errno of a failed connect
    bool requestSent = false; ///< the connection was up and the request went out
    bool aborted = false;   ///< stopped by the abort flag
    std::string curlError;  ///< libcurl's own words (for the log, not for staff)
};

struct HttpRequest {
    std::string url;
    std::vector<std::string> headers; ///< "Name: value"
    std::string body;
    double timeoutS = 30.0;
    std::string caFile; ///< CURLOPT_CAINFO when not empty
};

class HttpClient {
public:
    static constexpr size_t kMaxBody = 8u << 20;
    /// `abort` (may be null) is polled during the transfer (about once a second, or sooner).
    explicit HttpClient(const std::atomic<bool>* abort = nullptr);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse post(const HttpRequest& request);

private:
    void* m_curl = nullptr;
    const std::atomic<bool>* m_abort;
};

/// Blocks SIGPIPE for the calling thread while alive (libcurl with CURLOPT_NOSIGNAL does not
/// guard against it, and a TLS write to a closed connection must not end the kiosk): a write
/// to a dead socket then fails with EPIPE instead. Pending SIGPIPEs are discarded at the end.
class SigpipeBlock {
public:
    SigpipeBlock();
    ~SigpipeBlock();
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    unsigned char m_old[128]; ///< the previous sigset_t
    bool m_ok = false;
};

/// "host" or "host:port" of a URL (for messages); the URL itself when it cannot be parsed.
std::string hostOf(const std::string& url);

/// Plain words for a failed transfer (no HTTP status), e.g. "The server did not answer within 30 s".
std::string transportMessage(const HttpResponse& r, const std::string& url, double timeoutS);

/// A transport failure that no retry can fix (a malformed URL, an unsupported scheme).
bool transportIsPermanent(const HttpResponse& r);

} // namespace kiosk::core::sync
