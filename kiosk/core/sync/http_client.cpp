#include "http_client.hpp"

#include "protocol.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <mutex>
#include <pthread.h>
#include <strings.h>

namespace kiosk::core::sync {

namespace {

void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
    HttpResponse* r;
    const std::atomic<bool>* abort;
};

size_t onBody(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t len = size * n;
    if (t->r->body.size() + len > HttpClient::kMaxBody) return 0; // fails the transfer: CURLE_WRITE_ERROR
    t->r->body.append(data, len);
    return len;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string_view line(data, size * n);
    if (startsWithNoCase(line, "HTTP/")) t->r->retryAfter.clear(); // a new response (after 100 Continue, say)
    else if (startsWithNoCase(line, "retry-after:")) {
        std::string_view v = line.substr(12);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
        t->r->retryAfter = std::string(v);
    }
    return size * n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->abort && t->abort->load() ? 1 : 0;
}

} // namespace

HttpClient::HttpClient(const std::atomic<bool>* abort) : m_abort(abort) {
    globalInit();
    m_curl = curl_easy_init();
}

HttpClient::~HttpClient() {
    if (m_curl) curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

HttpResponse HttpClient::post(const HttpRequest& rq) {
    HttpResponse r;
    auto* c = static_cast<CURL*>(m_curl);
    if (!c) {
        r.curlCode = CURLE_FAILED_INIT;
        r.curlError = "curl_easy_init failed";
        return r;
    }
    if (m_abort && m_abort->load()) {
        r.aborted = true;
        r.curlCode = CURLE_ABORTED_BY_CALLBACK;
        return r;
    }
    // Options persist on the handle: reset them.
    curl_easy_reset(c);
    Transfer t{&r, m_abort};
    char err[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    for (const auto& h : rq.headers) headers = curl_slist_append(headers, h.c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip

    const long timeoutMs = std::max(100L, static_cast<long>(rq.timeoutS * 1000.0));
    // A short connect timeout: an unreachable network is known quickly, and stop() is never held up by it.
    const long connectMs = std::min(timeoutMs, 10'000L);
    curl_easy_setopt(c, CURLOPT_URL, rq.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    // Plain http:// is only allowed to a receiver on this PC (config.cpp): a proxy from the
    // environment (http_proxy, all_proxy) would get the token and the leads in clear.
    if (strncasecmp(rq.url.c_str(), "https:", 6) != 0) curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(rq.body.size()));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "stand-kiosk-sync/1");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connectMs);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    // A new connection for every request: on a kept-alive connection that closes before the
    // answer, libcurl sends the same request again by itself, the same webhook-id included, and
    // a receiver that processed the first one (kiosk-hub) refuses that copy as a replay (409),
    // which stops the upload. One connection per batch costs a handshake; a stop costs leads.
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    // TLS: always verified. A private CA is added with sync.ca_file, never by switching checks off.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!rq.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, rq.caFile.c_str());
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);

    const CURLcode rc = curl_easy_perform(c);
    r.curlCode = rc;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
        r.curlError = err[0] ? err : curl_easy_strerror(rc);
        r.aborted = rc == CURLE_ABORTED_BY_CALLBACK;
        long osErr = 0;
        curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &osErr);
        r.osErrno = static_cast<int>(osErr);
    }
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    r.requestSent = pretransfer > 0;
    // The handle must not point at our stack or the caller's strings after we return.
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    return r;
}

static_assert(sizeof(sigset_t) <= 128);

SigpipeBlock::SigpipeBlock() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    m_ok = pthread_sigmask(SIG_BLOCK, &block, reinterpret_cast<sigset_t*>(m_old)) == 0;
}

SigpipeBlock::~SigpipeBlock() {
    if (!m_ok) return;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, reinterpret_cast<const sigset_t*>(m_old), nullptr);
}

std::string hostOf(const std::string& url) {
    CURLU* u = curl_url();
    std::string out = url;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char* host = nullptr;
        char* port = nullptr;
        if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
            out = host;
            if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port) out += std::string(":") + port;
        }
        curl_free(host);
        curl_free(port);
    }
    curl_url_cleanup(u);
    return out;
}

bool transportIsPermanent(const HttpResponse& r) {
    return r.curlCode == CURLE_URL_MALFORMAT || r.curlCode == CURLE_UNSUPPORTED_PROTOCOL;
}

std::string transportMessage(const HttpResponse& r, const std::string& url, double timeoutS) {
    const std::string host = hostOf(url);
    switch (r.curlCode) {
    case CURLE_OPERATION_TIMEDOUT:
        if (r.requestSent) return "The server did not answer within " + formatSeconds(timeoutS);
        return "Could not reach " + host + " within " + formatSeconds(std::min(timeoutS, 10.0)) +
               " — is the network up?";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "Cannot find " + host + " (name lookup failed) — is the network up? Check sync.endpoint";
    case CURLE_COULDNT_RESOLVE_PROXY: return "Cannot find the proxy server — is the network up?";
    case CURLE_COULDNT_CONNECT:
        if (r.osErrno == ECONNREFUSED) return "Connection refused by " + host + " — is the network up?";
        if (r.osErrno == ENETUNREACH || r.osErrno == EHOSTUNREACH)
            return "No route to " + host + " — is the network up?";
        return "Could not connect to " + host + " — is the network up?";
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        return "The connection to " + host + " broke off before the server answered";
    case CURLE_PEER_FAILED_VERIFICATION:
        return "The certificate of " + host +
               " could not be verified — check the kiosk's clock, and sync.ca_file for a private CA (" + r.curlError +
               ")";
    case CURLE_SSL_CACERT_BADFILE:
        return "The CA file in sync.ca_file cannot be read (" + r.curlError + ")";
    case CURLE_SSL_CONNECT_ERROR:
        return "The secure connection to " + host + " failed (" + r.curlError + ")";
    case CURLE_URL_MALFORMAT: return "sync.endpoint is not a valid web address — write it as https://…";
    case CURLE_UNSUPPORTED_PROTOCOL: return "sync.endpoint must start with https:// (or http:// for a local test)";
    case CURLE_WRITE_ERROR: return "The server's answer was too large";
    case CURLE_ABORTED_BY_CALLBACK: return "The upload was stopped";
    default: return "Sending to " + host + " failed: " + (r.curlError.empty() ? "unknown error" : r.curlError);
    }
}

} // namespace kiosk::core::sync
