/// @brief Double opt-in (docs/hub.md "Double opt-in"): one row per lead in `doi`, queued when
/// the lead is stored, claimed by one sender at a time (several hub instances may share a
/// PostgreSQL database), mailed with a confirm and a decline link, answered from the pages in
/// web/confirm.*. The states the rest of the hub reads are in doi_state.hpp.
#pragma once
#include "doi_state.hpp"
#include "hub_config.hpp"
#include "mailer.hpp"
#include "storage.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::hub {

/// Does this stored payload ask for a confirmation? An email and a consent to be contacted
/// (every kiosk lead has one), or the newsletter.
bool wantsDoi(const std::string& payload);

/// Gives every lead without a row one: `queued` when it wants a confirmation, else `none`.
/// Run again at will (each instance's start, each sender pass): a lead gets one row, ever.
StorageResult queueDoi(Storage& storage, std::int64_t nowMs, long long& queued);

/// A claimed mail: the lead, its new token (only here in clear; the row holds its hash), the
/// consent text the kiosk showed (from its heartbeats; empty when none arrived).
struct DoiJob {
    std::string leadId, payload, token, consentText;
    long long attempts = 0; ///< this try included
};

/// Claims the row due first (nothing claimed: `out` empty) for `leaseMs`: no other sender
/// takes it meanwhile. Each try gets a fresh token: a mail that failed carries no valid link.
StorageResult claimDoi(Storage& storage, std::int64_t nowMs, std::int64_t leaseMs, std::optional<DoiJob>& out);

/// After a try: sent, or failed (permanent: bounced; else retried after a delay doubling
/// from `retryInitialMs` to `retryMaxMs`).
StorageResult doiSent(Storage& storage, const std::string& leadId, std::int64_t nowMs);
StorageResult doiFailed(Storage& storage, const DoiJob& job, const std::string& error, bool permanent,
                        std::int64_t nowMs, std::int64_t retryInitialMs, std::int64_t retryMaxMs);
/// The delay before try `attempts + 1`.
std::int64_t doiBackoffMs(long long attempts, std::int64_t initialMs, std::int64_t maxMs);

/// A row as a link finds it: its state and the lead's payload (for the page's language).
struct DoiLink {
    DoiState state = DoiState::None;
    std::string leadId, payload;
};
/// The row whose token this is; `out` empty when none (a wrong or replaced token).
StorageResult doiByToken(Storage& storage, const std::string& token, std::optional<DoiLink>& out);

/// The visitor's answer from the page: recorded with time, address and browser when the lead
/// has not answered yet (`recorded`); the first answer stands. `state`: the state after.
StorageResult answerDoi(Storage& storage, const std::string& token, bool confirm, const std::string& ip,
                        const std::string& userAgent, std::int64_t nowMs, bool& recorded,
                        std::optional<DoiState>& state);

/// 64 lower-case hex digits: the only form a token is looked up in.
bool isDoiToken(const std::string& token);

/// The confirmation mail of `job` in the lead's language; the links start with `baseUrl`.
Mail doiMail(const DoiJob& job, const std::string& baseUrl);

/// `kiosk-hub doi`: every row, for the organiser (or only `leadId`'s: a lead's page).
struct DoiRow {
    std::string leadId, state, lastError, answerIp, answerAgent;
    long long attempts = 0;
    std::int64_t nextMs = 0, sentMs = 0, answeredMs = 0;
};
StorageResult doiRows(Storage& storage, std::vector<DoiRow>& out, const std::string& leadId = {});
std::string doiTable(const std::vector<DoiRow>& rows);

/// The thread in `serve` that queues and sends, until stop().
class DoiSender {
public:
    DoiSender(const DoiConfig& config, Storage& storage, std::function<void(const std::string&)> log);
    ~DoiSender();
    DoiSender(const DoiSender&) = delete;
    DoiSender& operator=(const DoiSender&) = delete;
    void stop();

private:
    void run();
    /// One pass: queue new leads (when `queue`), send one mail that is due. true: go on at
    /// once (a mail went out or bounced); false: wait a second.
    bool pass(bool queue);

    DoiConfig m_config;
    Storage& m_storage;
    std::function<void(const std::string&)> m_log;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::string m_lastProblem;
    std::thread m_thread;
};

} // namespace kiosk::hub
