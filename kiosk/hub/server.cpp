#include "server.hpp"
#include "core/clock.hpp"

#include "doi.hpp"
#include "transport.hpp"
#include "upload.hpp"
#include "web/confirm.hpp"
#include "web/exhibitor.hpp"
#include "web/html.hpp"
#include "web/organiser.hpp"

#include <httplib.h>
#include <systemd/sd-daemon.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <ostream>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>

namespace kiosk::hub {

namespace {

/// A fixed number of workers and a bounded queue of accepted connections. When it is full,
/// the accept loop waits: the kernel's backlog holds further clients, and a flood of them
/// costs no memory or threads here (httplib's own ThreadPool queues without limit).
class BoundedPool final : public httplib::TaskQueue {
public:
    BoundedPool(size_t threads, size_t queue) : m_max(queue) {
        for (size_t i = 0; i < threads; ++i)
            m_threads.emplace_back([this] { work(); });
    }
    void enqueue(std::function<void()> fn) override {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] { return m_jobs.size() < m_max || m_stop; });
        m_jobs.push_back(std::move(fn));
        m_ready.notify_one();
    }
    void shutdown() override {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_ready.notify_all();
        m_space.notify_all();
        for (auto& t : m_threads)
            t.join();
    }

private:
    void work() {
        for (;;) {
            std::function<void()> fn;
            {
                std::unique_lock lock(m_mutex);
                m_ready.wait(lock, [&] { return !m_jobs.empty() || m_stop; });
                if (m_jobs.empty()) return;
                fn = std::move(m_jobs.front());
                m_jobs.pop_front();
                m_space.notify_one();
            }
            fn();
        }
    }

    size_t m_max;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    bool m_stop = false;
};

using kiosk::core::nowMs;

UploadRequest uploadRequest(const httplib::Request& req) {
    return {req.get_header_value("Authorization"), req.get_header_value("webhook-id"),
            req.get_header_value("webhook-timestamp"), req.get_header_value("webhook-signature"), req.body};
}

void setJson(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}
} // namespace

/// A handler's answer, or a 500 (logged with the cause) when it threw.
template <class Handle> UploadAnswer safely(Handle handle) {
    try {
        return handle();
    } catch (const std::exception& e) {
        return {500, errorBody("the hub failed on this request"), {}, std::string("exception: ") + e.what(), {}};
    }
}

/// The hub's addresses: the kiosks' two POSTs, health and metrics, the pages' stylesheet, and
/// the answers httplib gives itself. Each group of pages adds its own routes beside these.
void addRoutes(HubHttpServer& server, const HubConfig& config, Storage& storage, Metrics& metrics,
               std::function<void(const std::string&)> logLine) {
    // The routes outlive this call: they keep their own copy of logLine.
    server.Post("/kiosk/v1/leads", [&, logLine](const httplib::Request& req, httplib::Response& res) {
        const auto t0 = std::chrono::steady_clock::now();
        const UploadAnswer a = safely([&] { return handleUpload(storage, uploadRequest(req), nowMs()); });
        setJson(res, a.status, a.body);
        const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        metrics.record(a.kioskId, a.status, a.counts, ms / 1000.0, nowMs());
        logLine("POST /kiosk/v1/leads " + std::to_string(a.status) + " kiosk=" + (a.kioskId.empty() ? "-" : a.kioskId) +
                " from=" + req.remote_addr + " bytes=" + std::to_string(req.body.size()) + " " + a.note + " (" +
                std::to_string(static_cast<long>(ms)) + " ms)");
    });
    server.Post("/kiosk/v1/status", [&, logLine](const httplib::Request& req, httplib::Response& res) {
        const UploadAnswer a = safely([&] { return handleStatus(storage, uploadRequest(req), nowMs()); });
        setJson(res, a.status, a.body);
        metrics.recordStatus(a.kioskId, a.status, a.consentVariants, nowMs());
        logLine("POST /kiosk/v1/status " + std::to_string(a.status) +
                " kiosk=" + (a.kioskId.empty() ? "-" : a.kioskId) + " from=" + req.remote_addr + " " + a.note);
    });
    web::addConfirmRoutes(server, storage, logLine);
    server.Get("/healthz", [&, logLine](const httplib::Request&, httplib::Response& res) {
        const StorageResult r = storage.ping();
        if (r)
            setJson(res, 200, "{\"status\":\"ok\"}");
        else {
            setJson(res, 503, errorBody("the database is not reachable"));
            logLine("GET /healthz 503: " + r.error);
        }
    });
    server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics.render(nowMs()), "text/plain; version=0.0.4");
    });
    web::addExhibitorRoutes(server, config, storage, logLine);
    server.Get(web::kStylesheetPath, [](const httplib::Request&, httplib::Response& res) {
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "max-age=3600"); // the only thing on the pages worth caching
        res.set_content(std::string(web::stylesheet()), "text/css; charset=utf-8");
    });
    web::addOrganiserRoutes(server, config, storage, logLine);
    // Statuses httplib answers itself (413 over max_body_kib, 404, 408…) get a JSON body and a log line.
    server.set_error_handler([logLine](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return; // a refusal of ours, already answered and logged
        std::string what = res.status == 413 ? "the upload is larger than the hub's max_body_kib" : "no such address";
        if (res.status != 413 && res.status != 404) what = "the request could not be handled";
        setJson(res, res.status, errorBody(what));
        logLine(req.method + " " + web::loggedPath(req.path) + " " + std::to_string(res.status) +
                " from=" + req.remote_addr + " " + what);
    });
    server.set_exception_handler([&](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        setJson(res, 500, errorBody("the hub failed on this request"));
    });
}

int serve(const HubConfig& config, Storage& storage, std::ostream& log) {
    std::mutex logMutex;
    const auto logLine = [&](const std::string& line) {
        std::lock_guard lock(logMutex);
        log << line << std::endl;
    };

    Metrics metrics;
    const auto timeout = std::chrono::milliseconds(static_cast<long>(config.readTimeoutS * 1000));
    auto server = std::make_unique<HubHttpServer>(
        timeout, std::chrono::milliseconds(static_cast<long>(config.requestTimeoutS * 1000)));
    if (config.tls() && !server->useTls(config.tlsCert, config.tlsKey)) {
        logLine("kiosk-hub: tls_cert / tls_key cannot be used (not a PEM certificate and its key?)");
        return 1;
    }
    server->onDeadline = [&](const std::string& from) {
        logLine("connection from=" + from + " closed: its request took longer than request_timeout_s");
    };
    const size_t threads = static_cast<size_t>(config.threads);
    server->new_task_queue = [threads] { return new BoundedPool(threads, threads * 4); };
    // httplib binds with SO_REUSEPORT, which lets a second hub (on another database, say) share
    // the port and take part of the requests; SO_REUSEADDR alone still allows a quick restart.
    server->set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server->set_keep_alive_timeout(static_cast<time_t>(config.readTimeoutS));
    server->set_payload_max_length(static_cast<size_t>(config.maxBodyKib) * 1024);

    addRoutes(*server, config, storage, metrics, logLine);

    int port = config.port;
    if (port == 0)
        port = server->bind_to_any_port(config.host);
    else if (!server->bind_to_port(config.host, port))
        port = -1;
    if (port <= 0) {
        logLine("kiosk-hub: cannot listen on " + config.host + ":" + std::to_string(config.port) +
                " — is another hub running there, or is the address wrong?");
        return 1;
    }

    // Signals are taken by one thread with sigwait (the others block them), which then stops the
    // server from outside a signal handler.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&sigs, &sig);
        logLine(std::string("kiosk-hub: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
        server->stop();
    });
    const std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    logLine("kiosk-hub: listening on " + std::string(config.tls() ? "https" : "http") + "://" + host + ":" +
            std::to_string(port) + " (POST /kiosk/v1/leads, POST /kiosk/v1/status, GET /healthz, GET /metrics)");
    // Under systemd (Type=notify) it counts as started once the socket is bound; elsewhere a no-op.
    sd_notify(0, "READY=1");
    std::optional<DoiSender> doi;
    if (config.doi.enabled) doi.emplace(config.doi, storage, logLine);
    const bool ok = server->listen_after_bind();
    doi.reset(); // a mail being sent is finished first (or its lease lets another instance retry it)
    sd_notify(0, "STOPPING=1");
    if (!ok) {
        // listen ended by itself: wake the stopper so it can be joined.
        pthread_kill(stopper.native_handle(), SIGTERM);
    }
    stopper.join();
    return ok ? 0 : 1;
}

} // namespace kiosk::hub
