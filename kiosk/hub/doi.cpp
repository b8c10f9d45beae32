#include "doi.hpp"

#include "core/leads/lead.hpp"
#include "core/sync/protocol.hpp"
#include "credentials.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <chrono>
#include <cstdio>

namespace kiosk::hub {

using json = nlohmann::json;

namespace {
std::int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string str(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string newToken() {
    if (sodium_init() < 0) return {};
    unsigned char bytes[32]; // 256 bits: not guessable, so the link alone proves the mail was read
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    return hex;
}

DoiState stateOf(const std::string& s) {
    if (s == "queued" || s == "sent") return DoiState::Pending;
    if (s == "confirmed") return DoiState::Confirmed;
    if (s == "declined") return DoiState::Declined;
    if (s == "bounced") return DoiState::Bounced;
    return DoiState::None;
}
} // namespace

bool wantsDoi(const std::string& payload) {
    const json j = json::parse(payload, nullptr, false);
    if (!j.is_object() || str(j, "email").empty()) return false;
    const auto consent = j.find("consent");
    const bool contact = consent != j.end() && consent->is_object() && !str(*consent, "version").empty();
    const auto news = j.find("newsletter");
    return contact || (news != j.end() && news->is_boolean() && news->get<bool>());
}

StorageResult loadDoiStates(Storage& storage, std::map<std::string, DoiState>& out) {
    out.clear();
    return storage.transaction("reading the double opt-in states failed", [&](SqlTx& tx) {
        out.clear();
        for (const auto& row : tx.query("SELECT lead_id, state FROM doi WHERE state <> 'none'").rows)
            out[row.text(0)] = stateOf(row.text(1));
    });
}

StorageResult queueDoi(Storage& storage, std::int64_t nowMs, long long& queued) {
    queued = 0;
    long long n = 0;
    const auto r = storage.transaction("queueing double opt-in mails failed", [&](SqlTx& tx) {
        n = 0;
        // The common case, every second: each lead has its row (an erasure takes both). Two
        // counts instead of a scan of every lead (0.1 s of CPU a second with 100,000 of them).
        const auto c = tx.query("SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM doi)");
        if (c.rows.at(0).integer(0) <= c.rows.at(0).integer(1)) return;
        const auto fresh = tx.query("SELECT id, payload FROM leads WHERE id NOT IN (SELECT lead_id FROM doi)");
        for (const auto& row : fresh.rows) {
            const bool wants = wantsDoi(row.text(1));
            // ON CONFLICT: another instance queued it in the meantime; its row stands.
            n += tx.query("INSERT INTO doi(lead_id, state, next_ms, created_ms) VALUES($1, $2, $3, $3) "
                          "ON CONFLICT DO NOTHING",
                          {row.text(0), std::string(wants ? "queued" : "none"), nowMs})
                     .affected *
                 wants;
        }
    });
    if (r) queued = n;
    return r;
}

StorageResult claimDoi(Storage& storage, std::int64_t nowMs, std::int64_t leaseMs, std::optional<DoiJob>& out) {
    out.reset();
    const std::string token = newToken();
    if (token.empty()) return {false, "libsodium could not start: no token made"};
    return storage.transaction("claiming a double opt-in mail failed", [&](SqlTx& tx) {
        out.reset();
        // The condition is checked again on the row itself: of two instances that picked the
        // same row, the second finds it leased (PostgreSQL re-reads a row it waited for).
        const auto claimed =
            tx.query("UPDATE doi SET lease_until_ms = $1, token_hash = $2, attempts = attempts + 1 "
                     "WHERE lead_id = (SELECT lead_id FROM doi WHERE state = 'queued' AND next_ms <= $3 AND "
                     "lease_until_ms <= $3 "
                     "ORDER BY next_ms, lead_id LIMIT 1) AND state = 'queued' AND lease_until_ms <= $3 "
                     "RETURNING lead_id, attempts",
                     {nowMs + leaseMs, tokenHash(token), nowMs});
        if (claimed.empty()) return;
        DoiJob job{claimed.rows[0].text(0), {}, token, {}, claimed.rows[0].integer(1)};
        const auto lead = tx.query("SELECT payload FROM leads WHERE id = $1", {job.leadId});
        if (lead.empty()) return; // erased meanwhile: its row went with it
        job.payload = lead.rows[0].text(0);
        const json j = json::parse(job.payload, nullptr, false);
        if (j.is_object() && j.contains("consent") && j["consent"].is_object()) {
            const json& c = j["consent"];
            const auto text =
                tx.query("SELECT text FROM consent_texts WHERE version = $1 AND language = $2 AND text_sha256 = $3",
                         {str(c, "version"), str(c, "language"), str(c, "text_sha256")});
            if (!text.empty()) job.consentText = text.rows[0].text(0);
        }
        out = std::move(job);
    });
}

StorageResult doiSent(Storage& storage, const std::string& leadId, std::int64_t nowMs) {
    return storage.transaction("recording a sent double opt-in mail failed", [&](SqlTx& tx) {
        tx.query("UPDATE doi SET state = 'sent', sent_ms = $2, lease_until_ms = 0, last_error = '' "
                 "WHERE lead_id = $1 AND state = 'queued'",
                 {leadId, nowMs});
    });
}

std::int64_t doiBackoffMs(long long attempts, std::int64_t initialMs, std::int64_t maxMs) {
    std::int64_t d = initialMs;
    for (long long i = 1; i < attempts && d < maxMs; ++i)
        d *= 2;
    return std::min(d, maxMs);
}

StorageResult doiFailed(Storage& storage, const DoiJob& job, const std::string& error, bool permanent,
                        std::int64_t nowMs, std::int64_t retryInitialMs, std::int64_t retryMaxMs) {
    return storage.transaction("recording a failed double opt-in mail failed", [&](SqlTx& tx) {
        tx.query("UPDATE doi SET state = $2, next_ms = $3, lease_until_ms = 0, last_error = $4 "
                 "WHERE lead_id = $1 AND state = 'queued'",
                 {job.leadId, std::string(permanent ? "bounced" : "queued"),
                  nowMs + doiBackoffMs(job.attempts, retryInitialMs, retryMaxMs), error});
    });
}

bool isDoiToken(const std::string& token) {
    return token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string::npos;
}

StorageResult doiByToken(Storage& storage, const std::string& token, std::optional<DoiLink>& out) {
    out.reset();
    if (!isDoiToken(token)) return {};
    return storage.transaction("reading a double opt-in link failed", [&](SqlTx& tx) {
        const auto rows = tx.query("SELECT d.state, d.lead_id, l.payload FROM doi d JOIN leads l ON l.id = d.lead_id "
                                   "WHERE d.token_hash = $1",
                                   {tokenHash(token)});
        if (rows.empty()) return;
        out = DoiLink{stateOf(rows.rows[0].text(0)), rows.rows[0].text(1), rows.rows[0].text(2)};
    });
}

StorageResult answerDoi(Storage& storage, const std::string& token, bool confirm, const std::string& ip,
                        const std::string& userAgent, std::int64_t nowMs, bool& recorded,
                        std::optional<DoiState>& state) {
    recorded = false;
    state.reset();
    if (!isDoiToken(token)) return {};
    return storage.transaction("recording the answer failed", [&](SqlTx& tx) {
        const std::string hash = tokenHash(token);
        // 'queued' too: a mail that went out although its try was not recorded as sent.
        const auto changed = tx.query(
            "UPDATE doi SET state = $2, answered_ms = $3, answer_ip = $4, answer_agent = $5, lease_until_ms = 0 "
            "WHERE token_hash = $1 AND state IN ('queued', 'sent') RETURNING lead_id",
            {hash, std::string(confirm ? "confirmed" : "declined"), nowMs, ip, core::sync::cleanText(userAgent, 500)});
        recorded = !changed.empty();
        const auto rows = tx.query("SELECT state FROM doi WHERE token_hash = $1", {hash});
        if (!rows.empty()) state = stateOf(rows.rows[0].text(0));
    });
}

Mail doiMail(const DoiJob& job, const std::string& baseUrl) {
    const json j = json::parse(job.payload, nullptr, false);
    const json lead = j.is_object() ? j : json::object();
    const bool de = str(lead, "language") == "de";
    std::string exhibitors;
    if (const auto e = lead.find("exhibitors"); e != lead.end() && e->is_array())
        for (const auto& x : *e)
            if (x.is_string()) exhibitors += (exhibitors.empty() ? "" : ", ") + x.get<std::string>();
    const auto news = lead.find("newsletter");
    const bool newsletter = news != lead.end() && news->is_boolean() && news->get<bool>();
    std::string at = str(lead, "created_at"); // 2026-05-27T09:30:00.123Z
    if (at.size() >= 16) at = at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
    const std::string name = str(lead, "first_name") + " " + str(lead, "last_name");
    const std::string confirmUrl = baseUrl + "/confirm/" + job.token;
    const std::string declineUrl = baseUrl + "/decline/" + job.token;
    const std::string consent = job.consentText.empty()
                                    ? (de ? "(Einwilligung Version " : "(consent version ") +
                                          str(lead.value("consent", json::object()), "version") + ")"
                                    : job.consentText;

    Mail m;
    m.to = str(lead, "email");
    if (de) {
        m.subject = "Bitte bestätigen Sie Ihre Anmeldung bei " + str(lead, "event_id");
        m.body = "Guten Tag " + name + ",\n\n" + "am " + at + " haben Sie sich auf der Veranstaltung „" +
                 str(lead, "event_id") + "“ am Stand „" + str(lead, "kiosk_id") +
                 "“ mit dieser E-Mail-Adresse eingetragen.\n\n" + "Dem haben Sie zugestimmt:\n\n" + consent + "\n\n" +
                 "Ausgewählte Aussteller: " + (exhibitors.empty() ? "keine" : exhibitors) + "\n" +
                 "Newsletter: " + (newsletter ? "ja" : "nein") + "\n\n" +
                 "Wenn das Ihre Anmeldung war, bestätigen Sie sie bitte hier:\n" + confirmUrl + "\n\n" +
                 "Das waren nicht Sie? Dann hier – Ihre Angaben werden dann nicht verwendet:\n" + declineUrl + "\n\n" +
                 "Diese E-Mail wurde einmalig und automatisch versandt, weil diese Adresse am Stand angegeben wurde.\n";
    } else {
        m.subject = "Please confirm your sign-up at " + str(lead, "event_id");
        m.body = "Hello " + name + ",\n\n" + "on " + at + " you signed up with this email address at the event \"" +
                 str(lead, "event_id") + "\", stand \"" + str(lead, "kiosk_id") + "\".\n\n" +
                 "You agreed to this:\n\n" + consent + "\n\n" +
                 "Exhibitors you chose: " + (exhibitors.empty() ? "none" : exhibitors) + "\n" +
                 "Newsletter: " + (newsletter ? "yes" : "no") + "\n\n" + "If this was you, please confirm here:\n" +
                 confirmUrl + "\n\n" + "This was not you? Then here – your details will not be used:\n" + declineUrl +
                 "\n\n" + "This email was sent once, automatically, because this address was given at the stand.\n";
    }
    return m;
}

StorageResult doiRows(Storage& storage, std::vector<DoiRow>& out, const std::string& leadId) {
    out.clear();
    return storage.transaction("reading the double opt-in rows failed", [&](SqlTx& tx) {
        out.clear();
        const std::string sql = "SELECT lead_id, state, attempts, next_ms, sent_ms, answered_ms, answer_ip, "
                                "answer_agent, last_error FROM doi WHERE state <> 'none'" +
                                std::string(leadId.empty() ? "" : " AND lead_id = $1") +
                                " ORDER BY created_ms, lead_id";
        for (const auto& r :
             tx.query(sql, leadId.empty() ? std::vector<SqlParam>{} : std::vector<SqlParam>{leadId}).rows)
            out.push_back({r.text(0), doiName(stateOf(r.text(1))), r.text(8), r.text(6), r.text(7), r.integer(2),
                           r.integer(3), r.integer(4), r.integer(5)});
    });
}

std::string doiTable(const std::vector<DoiRow>& rows) {
    std::string out = "LEAD                                  STATE      TRIES  SENT                      ANSWERED"
                      "                  FROM             NOTE\n";
    const auto when = [](std::int64_t ms) { return ms ? core::isoUtc(ms) : std::string("-"); };
    for (const auto& r : rows) {
        char line[512];
        const std::string note = r.state == "pending" && !r.lastError.empty()
                                     ? "next try " + when(r.nextMs) + ": " + r.lastError
                                 : r.state == "bounced" ? r.lastError
                                                        : std::string();
        std::snprintf(line, sizeof line, "%-37s %-10s %5lld  %-25s %-25s %-16s %s\n", r.leadId.c_str(), r.state.c_str(),
                      r.attempts, when(r.sentMs).c_str(), when(r.answeredMs).c_str(),
                      r.answerIp.empty() ? "-" : r.answerIp.c_str(), note.c_str());
        out += line;
    }
    return out;
}

DoiSender::DoiSender(const DoiConfig& config, Storage& storage, std::function<void(const std::string&)> log)
    : m_config(config), m_storage(storage), m_log(std::move(log)), m_thread([this] { run(); }) {}

DoiSender::~DoiSender() {
    stop();
}

void DoiSender::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_one();
    if (m_thread.joinable()) m_thread.join();
}

bool DoiSender::pass(bool queue) {
    const auto problem = [&](const std::string& what) {
        // Once per change: a database outage should not fill the journal.
        if (what != m_lastProblem) m_log("doi: " + what);
        m_lastProblem = what;
        return false;
    };
    long long queued = 0;
    if (queue) {
        if (auto r = queueDoi(m_storage, wallMs(), queued); !r) return problem(r.error);
        if (queued) m_log("doi: " + std::to_string(queued) + " confirmation mail(s) queued");
    }
    std::optional<DoiJob> job;
    // The lease outlasts a send's libcurl timeouts (20 s to connect, 120 s in all).
    if (auto r = claimDoi(m_storage, wallMs(), 300'000, job); !r) return problem(r.error);
    m_lastProblem.clear();
    if (!job) return false;
    const Mail mail = doiMail(*job, m_config.baseUrl);
    // The address came from a kiosk: one that is not a plain address (a line break would add
    // headers) is not sent to, and counts as undeliverable.
    const SendResult sent = mailAddress(mail.to) == mail.to
                                ? sendMail(m_config, mail, wallMs())
                                : SendResult{false, true, 0, "the lead's email is not a plain address"};
    const std::string lead = "lead " + job->leadId + " try " + std::to_string(job->attempts);
    if (sent.ok) {
        if (auto r = doiSent(m_storage, job->leadId, wallMs()); !r)
            m_log("doi: " + lead + " sent, but " + r.error);
        else
            m_log("doi: " + lead + ": confirmation mail sent");
        return true;
    }
    const auto initial = static_cast<std::int64_t>(m_config.retryInitialS * 1000);
    const auto max = static_cast<std::int64_t>(m_config.retryMaxS * 1000);
    if (auto r = doiFailed(m_storage, *job, sent.error, sent.permanent, wallMs(), initial, max); !r)
        m_log("doi: " + r.error);
    m_log("doi: " + lead + ": " + sent.error +
          (sent.permanent
               ? ": bounced, not retried"
               : ": next try in " + std::to_string(doiBackoffMs(job->attempts, initial, max) / 1000) + " s"));
    // A bounce is this address's; a temporary failure is likely the server's, and the next
    // mail would fail the same way: a second's pause, not a burst through the whole queue.
    return sent.permanent;
}

void DoiSender::run() {
    auto lastQueued = std::chrono::steady_clock::time_point();
    for (;;) {
        // New leads are looked for once a second, also while mails go out one after another.
        const auto now = std::chrono::steady_clock::now();
        const bool queue = now - lastQueued >= std::chrono::seconds(1);
        if (queue) lastQueued = now;
        const bool busy = pass(queue);
        std::unique_lock lock(m_mutex);
        if (m_stop) return;
        if (!busy && m_cv.wait_for(lock, std::chrono::seconds(1), [&] { return m_stop; })) return;
    }
}

} // namespace kiosk::hub
