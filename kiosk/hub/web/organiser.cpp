#include "organiser.hpp"
#include "core/clock.hpp"

#include "auth.hpp"
#include "charts.hpp"
#include "html.hpp"
#include "organiser_data.hpp"

#include "../credentials.hpp"
#include "../doi.hpp"
#include "../erasure.hpp"
#include "../kiosk_list.hpp"

#include "core/leads/validation.hpp"
#include "core/sync/protocol.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>

namespace kiosk::hub::web {

namespace {

using httplib::Request;
using httplib::Response;

using kiosk::core::nowMs;

constexpr size_t kLeadsPerPage = 50;

struct Context {
    Context(const HubConfig& c, Storage& s, std::function<void(const std::string&)> log)
        : config(c), storage(s),
          logLine(std::move(log)), limits{static_cast<std::int64_t>(c.sessionHours * 3600 * 1000),
                                          static_cast<std::int64_t>(c.idleMinutes * 60 * 1000)} {}
    const HubConfig& config;
    Storage& storage;
    std::function<void(const std::string&)> logLine;
    SessionLimits limits;
    LoginLimiter limiter;

    /// Cookies are Secure when the browser reaches the hub over TLS: its own, or a proxy's.
    bool secure() const { return config.tls() || config.secureCookie; }

    void log(const Request& req, int status, const std::string& what) const {
        logLine(req.method + " " + req.path + " " + std::to_string(status) + " from=" + req.remote_addr + " " + what);
    }
};

std::string percent(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out += static_cast<char>(c);
        else
            (out += '%') += {hex[c >> 4], hex[c & 15]};
    }
    return out;
}

std::string hidden(const char* name, const std::string& value) {
    return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + escape(value) + "\">";
}

/// "2026-12-01 14:39 UTC": for lists; the lead's own page keeps the full ISO times (the proof).
std::string shortTime(std::int64_t ms) {
    std::string t = core::isoUtc(ms).substr(0, 16);
    if (t.size() > 10) t[10] = ' ';
    return t;
}

std::string td(const std::string& text) {
    return "<td>" + escape(text) + "</td>";
}
std::string tdTime(std::int64_t ms) {
    return "<td class=\"time\">" + escape(shortTime(ms)) + "</td>";
}
std::string tdNum(long long n) {
    return "<td class=\"num\">" + std::to_string(n) + "</td>";
}
std::string th(std::initializer_list<const char*> names) {
    std::string out = "<tr>";
    for (const char* n : names)
        (out += "<th>") += std::string(n) + "</th>";
    return out + "</tr>";
}

/// A table of `rows` under `names`, or "None." when there are none.
std::string tableOrNone(std::initializer_list<const char*> names, const std::string& rows) {
    return rows.empty() ? "<p class=\"muted\">None.</p>" : "<table>" + th(names) + rows + "</table>";
}

std::string nav(const Session& s) {
    return "<a href=\"/\">Overview</a><a href=\"/leads\">Leads</a><a href=\"/erase\">Erase</a>"
           "<form method=\"post\" action=\"/logout\">" +
           hidden("csrf", s.csrf) + "<button type=\"submit\">Log out " + escape(s.user) + "</button></form>";
}

void problemPage(Response& res, int status, const std::string& title, const std::string& text) {
    sendPage(res, status, title,
             "<p class=\"card\">" + escape(text) + "</p><p class=\"noprint\"><a href=\"/\">Back</a></p>");
}

void storageFailed(const Context& c, const Request& req, Response& res, const StorageResult& r) {
    c.log(req, 500, r.error);
    problemPage(res, 500, "The hub's database failed",
                "The page could not be read from the database; see the hub's log. Nothing was changed.");
}

void redirect(Response& res, const std::string& to) {
    setSecurityHeaders(res);
    res.status = 303;
    res.set_header("Location", to);
}

using Page = std::function<void(const Request&, Response&, const Session&)>;

/// A page for a logged-in organiser: without a live session a GET goes to /login and anything
/// else is refused; a POST without the session's CSRF token is refused.
httplib::Server::Handler organiserPage(const std::shared_ptr<Context>& c, Page page) {
    return [c, page = std::move(page)](const Request& req, Response& res) {
        std::optional<Session> s;
        if (auto r = findSession(c->storage, cookieValue(req.get_header_value("Cookie"), kSessionCookie), nowMs(),
                                 c->limits, s);
            !r)
            return storageFailed(*c, req, res, r);
        if (!s) {
            if (req.method == "GET") return redirect(res, "/login");
            c->log(req, 403, "refused: not logged in");
            return problemPage(res, 403, "Not logged in", "Log in first; your session may have expired.");
        }
        if (req.method == "POST" && !sameSecret(s->csrf, req.get_param_value("csrf"))) {
            c->log(req, 403, "refused: no or wrong CSRF token");
            return problemPage(res, 403, "Refused",
                               "This form did not come from this session of the hub (its CSRF token is missing or "
                               "wrong). Open the page again and repeat.");
        }
        page(req, res, *s);
    };
}

// ---- login -------------------------------------------------------------------------------

constexpr const char* kLoginCookie = "hub_login";

void loginPage(const Context& c, Response& res, int status, const std::string& token, const std::string& user,
               const std::string& message) {
    std::string body;
    if (!message.empty()) body += "<p class=\"card bad\" role=\"alert\">" + escape(message) + "</p>";
    body +=
        "<form class=\"card login\" method=\"post\" action=\"/login\">" + hidden("csrf", token) +
        "<label>User<br><input name=\"user\" autocomplete=\"username\" required value=\"" + escape(user) +
        "\"></label><br><label>Password<br><input name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\" required autofocus></label><br><button type=\"submit\">Log in</button>"
        "</form><p class=\"muted\">Set a password on the hub's machine with <code>kiosk-hub set-password</code>.</p>";
    res.set_header("Set-Cookie", cookieHeader(kLoginCookie, token, c.secure(), 3600));
    sendPage(res, status, "Log in", body);
}

void getLogin(const Context& c, const Request& req, Response& res) {
    std::optional<Session> s;
    if (findSession(c.storage, cookieValue(req.get_header_value("Cookie"), kSessionCookie), nowMs(), c.limits, s) && s)
        return redirect(res, "/");
    const std::string token = randomToken();
    if (token.empty()) return problemPage(res, 500, "Log in", "libsodium could not start: no login possible");
    loginPage(c, res, 200, token, kDefaultUser, "");
}

void postLogin(Context& c, const Request& req, Response& res) {
    const std::string token = cookieValue(req.get_header_value("Cookie"), kLoginCookie);
    if (!sameSecret(token, req.get_param_value("csrf"))) {
        c.log(req, 403, "refused: login without its CSRF token");
        return problemPage(res, 403, "Refused",
                           "This login form did not come from this hub, or it expired. Open /login again.");
    }
    const std::string user = req.get_param_value("user");
    const std::string shownUser = core::sync::cleanText(user, 64);
    const std::int64_t now = nowMs();
    if (const std::int64_t wait = c.limiter.waitMs(req.remote_addr, user, now); wait > 0) {
        const long long minutes = (wait + 59999) / 60000;
        res.set_header("Retry-After", std::to_string((wait + 999) / 1000));
        c.log(req, 429, "login refused: too many failures, user=" + shownUser);
        return loginPage(c, res, 429, token, user,
                         "Too many failed logins. Wait " + std::to_string(minutes) +
                             (minutes == 1 ? " minute" : " minutes") + ", then try again.");
    }
    bool ok = false;
    if (auto r = checkPassword(c.storage, user, req.get_param_value("password"), ok); !r)
        return storageFailed(c, req, res, r);
    if (!ok) {
        c.limiter.failed(req.remote_addr, user, now);
        c.log(req, 401, "login failed: wrong user or password, user=" + shownUser);
        return loginPage(c, res, 401, token, user, "Wrong user or password.");
    }
    c.limiter.succeeded(user);
    std::string id;
    Session s;
    if (auto r = createSession(c.storage, user, now, c.limits, id, s); !r) return storageFailed(c, req, res, r);
    c.log(req, 303, "logged in: user=" + shownUser);
    res.set_header("Set-Cookie", cookieHeader(kSessionCookie, id, c.secure(), -1));
    res.set_header("Set-Cookie", cookieHeader(kLoginCookie, "", c.secure(), 0));
    redirect(res, "/");
}

void postLogout(const Context& c, const Request& req, Response& res) {
    if (auto r = endSession(c.storage, cookieValue(req.get_header_value("Cookie"), kSessionCookie)); !r)
        return storageFailed(c, req, res, r);
    res.set_header("Set-Cookie", cookieHeader(kSessionCookie, "", c.secure(), 0));
    redirect(res, "/login");
}

// ---- overview ----------------------------------------------------------------------------

std::vector<Bar> countBy(const std::vector<HubLead>& leads,
                         const std::function<std::vector<std::string>(const HubLead&)>& keys, bool byKey, size_t most) {
    std::map<std::string, long long> n;
    for (const auto& l : leads)
        for (const auto& k : keys(l))
            ++n[k.empty() ? "(none)" : k];
    std::vector<Bar> bars;
    for (const auto& [k, v] : n)
        bars.push_back({k, v});
    if (byKey) {
        // The latest `most`, in time order.
        if (bars.size() > most) bars.erase(bars.begin(), bars.end() - static_cast<long>(most));
        return bars;
    }
    std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
    if (bars.size() > most) bars.resize(most);
    return bars;
}

std::string healthTable(const std::vector<KioskHealth>& kiosks) {
    std::string out = "<table class=\"health\">" +
                      th({"Kiosk", "State", "Last seen", "Leads on the hub", "On the kiosk", "Pending", "Failed",
                          "Conflicts", "Rejected", "App", "Content", "Form", "Clock", "Last error"});
    for (const auto& k : kiosks) {
        const bool silent = k.flag == "SILENT";
        out += "<tr" + std::string(silent ? " class=\"silent\"" : "") + ">" + td(k.id) + "<td class=\"" +
               (silent           ? "bad"
                : k.flag == "ok" ? "ok"
                                 : "muted") +
               "\">" + escape(k.state == "revoked" ? "revoked" : k.flag) + "</td>" + td(k.seen) + tdNum(k.leads) +
               "<td class=\"num\">" + escape(k.onKiosk) + "</td><td class=\"num\">" + escape(k.pending) +
               "</td><td class=\"num\">" + escape(k.failed) + "</td>" + tdNum(k.conflicts) + tdNum(k.rejected) +
               td(k.app) + td(k.content) + td(k.form) + td(k.clock) + td(k.lastError) + "</tr>";
    }
    return out + "</table>";
}

/// What visitors looked at, per exhibitor, summed over every kiosk's latest heartbeat (the
/// kiosks count anonymously: docs/staff.md "What the kiosk counts"); "" when none sent any.
std::string figuresTable(const std::vector<KioskRecord>& kiosks) {
    std::map<std::string, std::map<std::string, long long>> sum;
    for (const auto& k : kiosks)
        if (k.status)
            if (const auto r = core::sync::parseStatus(k.status->body))
                for (const auto& [subject, metrics] : r->figures)
                    if (!subject.empty())
                        for (const auto& [metric, n] : metrics)
                            sum[subject][metric] += n;
    const auto get = [](const std::map<std::string, long long>& m, const char* key) {
        const auto it = m.find(key);
        return std::to_string(it == m.end() ? 0 : it->second);
    };
    std::string out;
    for (const auto& [subject, m] : sum) {
        if (!m.count("profile_views") && !m.count("signups_started")) continue; // a sector's filter count
        out += "<tr><td>" + escape(subject) + "</td>";
        for (const char* key :
             {"profile_views", "website_qr", "signups_started", "signups_completed", "signups_abandoned"})
            out += "<td class=\"num\">" + get(m, key) + "</td>";
        out += "</tr>";
    }
    if (out.empty()) return {};
    return "<h2>What visitors looked at</h2><p class=\"muted\">Counted anonymously on the kiosks (no visitor, no "
           "lead), as their latest heartbeats report it.</p><table id=\"figures\">" +
           th({"Exhibitor", "Profile views", "Website QR shown", "Sign-ups started", "completed", "abandoned"}) + out +
           "</table>";
}

void getOverview(const Context& c, const Request& req, Response& res, const Session& s) {
    std::vector<HubLead> leads;
    std::vector<KioskRecord> kiosks;
    std::vector<ConflictRow> conflicts;
    std::vector<RejectedRow> rejected;
    std::vector<ConsentTextRow> texts;
    for (const StorageResult& r : {loadLeads(c.storage, leads), c.storage.kiosks(kiosks),
                                   loadReview(c.storage, 50, conflicts, rejected), c.storage.consentTexts(texts)})
        if (!r) return storageFailed(c, req, res, r);
    const std::int64_t now = nowMs();
    const auto health = kioskHealth(kiosks, now, c.config.silentAfterS);
    long long silent = 0, totalConflicts = 0, totalRejected = 0;
    for (const auto& k : health) {
        silent += k.flag == "SILENT";
        totalConflicts += k.conflicts;
        totalRejected += k.rejected;
    }
    std::string body =
        "<div class=\"tiles\"><div class=\"card tile\"><span id=\"total-leads\" class=\"big\">" +
        std::to_string(leads.size()) + "</span> leads</div><div class=\"card tile\"><span class=\"big\">" +
        std::to_string(health.size()) + "</span> kiosks</div><div class=\"card tile\"><span class=\"big" +
        (silent ? " bad" : "") + "\">" + std::to_string(silent) +
        "</span> silent</div><div class=\"card tile\"><span class=\"big\">" +
        std::to_string(totalConflicts + totalRejected) + "</span> to review</div></div>";
    body += "<h2>Leads</h2><div class=\"charts\">";
    body += barChart("Leads per event", "leads",
                     countBy(
                         leads, [](const HubLead& l) { return std::vector{l.lead.eventId}; }, false, 12));
    body += barChart("Leads per stand (kiosk)", "leads",
                     countBy(
                         leads, [](const HubLead& l) { return std::vector{l.stored.kioskId}; }, false, 12));
    body += barChart("Leads per exhibitor chosen", "leads",
                     countBy(
                         leads, [](const HubLead& l) { return l.lead.exhibitors; }, false, 12));
    body += barChart("Leads per hour (UTC, month-day hour), the latest 24", "leads",
                     countBy(
                         leads,
                         [](const HubLead& l) { return std::vector{shortTime(l.lead.createdMs).substr(5, 8) + ":00"}; },
                         true, 24));
    body += "</div>" + figuresTable(kiosks) + "<h2>Kiosk health</h2>";
    body += health.empty() ? "<p class=\"muted\">No kiosk added yet (kiosk-hub add-kiosk).</p>" : healthTable(health);
    if (const std::string w = consentWarnings(texts); !w.empty()) body += "<pre class=\"bad\">" + escape(w) + "</pre>";
    std::string conflictRows, rejectedRows;
    for (const auto& x : conflicts)
        conflictRows += "<tr><td><a href=\"/leads/" + percent(x.leadId) + "\">" + escape(x.leadId) + "</a></td>" +
                        td(x.kioskId) + tdTime(x.firstMs) + tdTime(x.lastMs) + tdNum(x.times) + "</tr>";
    for (const auto& x : rejected)
        rejectedRows +=
            "<tr>" + td(x.kioskId) + td(x.leadId) + td(x.reason) + tdTime(x.lastMs) + tdNum(x.times) + "</tr>";
    body += "<h2>To review</h2><h3>Conflicts: the same lead id with other content</h3>" +
            tableOrNone({"Lead", "Kiosk", "First", "Last", "Times"}, conflictRows) + "<h3>Rejected leads</h3>" +
            tableOrNone({"Kiosk", "Lead", "Reason", "Last", "Times"}, rejectedRows);
    body += "<p class=\"muted\">As of " + escape(shortTime(now)) + " UTC" + ".</p>";
    sendPage(res, 200, "Overview", body, nav(s));
}

// ---- leads -------------------------------------------------------------------------------

std::string fullName(const core::Lead& l) {
    return l.firstName + (l.firstName.empty() || l.lastName.empty() ? "" : " ") + l.lastName;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

bool matchesSearch(const HubLead& h, const std::string& folded) {
    if (folded.empty()) return true;
    const core::Lead& l = h.lead;
    for (const std::string& field : {fullName(l), l.email, l.company, joined(l.exhibitors), l.id})
        if (core::foldCase(field).find(folded) != std::string::npos) return true;
    return false;
}

std::string exportForm(const std::vector<HubLead>& leads) {
    std::set<std::string> exhibitors;
    for (const auto& l : leads)
        exhibitors.insert(l.lead.exhibitors.begin(), l.lead.exhibitors.end());
    std::string out = "<form class=\"card\" method=\"get\" action=\"/export.csv\"><strong>Export</strong> "
                      "<label>Exhibitor <select name=\"exhibitor\"><option value=\"\">all</option>";
    for (const auto& e : exhibitors)
        out += "<option>" + escape(e) + "</option>";
    out += "</select></label> <label>From <input type=\"date\" name=\"from\"></label> "
           "<label>To <input type=\"date\" name=\"to\"></label> <label>Double opt-in <select name=\"doi\">"
           "<option value=\"\">any</option>";
    for (DoiState d : {DoiState::None, DoiState::Pending, DoiState::Confirmed, DoiState::Declined, DoiState::Bounced})
        out += "<option>" + std::string(doiName(d)) + "</option>";
    return out + "</select></label> <button type=\"submit\">CSV</button> "
                 "<button type=\"submit\" formaction=\"/export.xlsx\">XLSX</button></form>";
}

void getLeads(const Context& c, const Request& req, Response& res, const Session& s) {
    std::vector<HubLead> leads;
    std::map<std::string, DoiState> states;
    for (const StorageResult& r : {loadLeads(c.storage, leads), loadDoiStates(c.storage, states)})
        if (!r) return storageFailed(c, req, res, r);
    const std::string q = core::sync::cleanText(req.get_param_value("q"), 200);
    const std::string folded = core::foldCase(q);
    std::vector<const HubLead*> hits;
    for (auto it = leads.rbegin(); it != leads.rend(); ++it) // newest first
        if (matchesSearch(*it, folded)) hits.push_back(&*it);
    const size_t pages = std::max<size_t>(1, (hits.size() + kLeadsPerPage - 1) / kLeadsPerPage);
    size_t page = 1;
    try {
        page = std::clamp<size_t>(std::stoul(req.get_param_value("page")), 1, pages);
    } catch (const std::exception&) {
    }
    std::string body = "<form class=\"card search\" method=\"get\" action=\"/leads\"><label>Search <input "
                       "type=\"search\" name=\"q\" value=\"" +
                       escape(q) +
                       "\" placeholder=\"name, email, company, exhibitor\"></label> <button "
                       "type=\"submit\">Search</button></form>";
    body += exportForm(leads);
    body += "<p id=\"lead-count\">" + std::to_string(hits.size()) + (hits.size() == 1 ? " lead" : " leads") +
            (q.empty() ? "" : " match “" + escape(q) + "”") + ".</p>";
    body += "<table class=\"leads\">" +
            th({"Created (UTC)", "Name", "Email", "Company", "Exhibitors", "Kiosk", "Double opt-in"});
    for (size_t i = (page - 1) * kLeadsPerPage; i < std::min(hits.size(), page * kLeadsPerPage); ++i) {
        const core::Lead& l = hits[i]->lead;
        const std::string name = fullName(l);
        body += "<tr>" + tdTime(l.createdMs) + "<td><a href=\"/leads/" + percent(l.id) + "\">" +
                escape(name.empty() ? l.id : name) + "</a></td>" + td(l.email) + td(l.company) +
                td(joined(l.exhibitors)) + td(hits[i]->stored.kioskId) + td(doiName(doiOf(states, l.id))) + "</tr>";
    }
    body += "</table>";
    if (pages > 1) {
        body += "<p class=\"pager noprint\">Page " + std::to_string(page) + " of " + std::to_string(pages);
        const auto link = [&](size_t p, const char* label) {
            return " <a href=\"/leads?q=" + percent(q) + "&amp;page=" + std::to_string(p) + "\">" + label + "</a>";
        };
        if (page > 1) body += link(page - 1, "previous");
        if (page < pages) body += link(page + 1, "next");
        body += "</p>";
    }
    sendPage(res, 200, "Leads", body, nav(s));
}

std::string row(const char* label, const std::string& value) {
    return std::string("<tr><th>") + label + "</th><td>" + escape(value) + "</td></tr>";
}

void getLead(const Context& c, const Request& req, Response& res, const Session& s) {
    std::optional<HubLead> found;
    std::map<std::string, DoiState> states;
    for (const StorageResult& r : {loadLead(c.storage, req.matches[1].str(), found), loadDoiStates(c.storage, states)})
        if (!r) return storageFailed(c, req, res, r);
    if (!found)
        return sendPage(res, 404, "No such lead", "<p class=\"card\">The hub holds no lead with this id.</p>", nav(s));
    const core::Lead& l = found->lead;
    ConsentProof proof;
    if (auto r = consentProof(c.storage, l, proof); !r) return storageFailed(c, req, res, r);
    const std::string name = fullName(l);
    std::string body = "<p class=\"noprint muted\">Print this page with the browser (Ctrl+P): the print view "
                       "leaves out the menu and the forms.</p>";
    body += "<div class=\"card\"><h2>Contact</h2><table class=\"fields\">" + row("Name", name) + row("Email", l.email) +
            row("Company", l.company) + row("Job title", l.jobTitle) + row("Phone", l.phone) +
            row("Message", l.message) + row("Exhibitors chosen", joined(l.exhibitors)) +
            row("Sectors", joined(l.sectors)) + row("Newsletter", l.newsletter ? "yes" : "no") +
            row("Language", l.lang) + row("Created (UTC)", core::isoUtc(l.createdMs)) +
            row("Kiosk", found->stored.kioskId) + row("Event", l.eventId) +
            row("Received by the hub (UTC)", core::isoUtc(found->stored.receivedMs)) + row("Captured", l.capture) +
            row("Lead id", l.id) + "</table></div>";
    body += "<div class=\"card\" id=\"consent-proof\"><h2>Consent proof</h2><table class=\"fields\">" +
            row("Consent version", l.consent.version) + row("Language shown", l.consent.lang) +
            row("Given at (UTC)", core::isoUtc(l.consent.atMs)) +
            row("Kiosk", l.kioskId.empty() ? found->stored.kioskId : l.kioskId) +
            row("SHA-256 in the lead", l.consent.sha256);
    if (proof.found) {
        body += row("SHA-256 of the text below", proof.textSha256) +
                "<tr><th>Check</th><td id=\"consent-check\" class=\"" +
                (proof.matches ? "ok\">match" : "bad\">MISMATCH: the text below is not the one this lead agreed to") +
                "</td></tr>" + row("Text first reported", proof.firstKioskId + ", " + core::isoUtc(proof.firstMs)) +
                "</table><h3>The text shown</h3><pre id=\"consent-text\">" + escape(proof.text) + "</pre>";
    } else {
        body += "<tr><th>Check</th><td id=\"consent-check\" class=\"bad\">NOT PROVABLE YET: no text of this version "
                "and language has reached the hub (its kiosk sends them with its heartbeat)</td></tr></table>";
    }
    body += "</div><div class=\"card\" id=\"doi-record\"><h2>Double opt-in</h2><p>State: <strong id=\"doi-state\">" +
            std::string(doiName(doiOf(states, l.id))) + "</strong></p>";
    // The confirmation itself, as the proof of the consent asks: when the mail went, when and
    // from where (address, browser) the visitor answered.
    std::vector<DoiRow> doi;
    if (doiRows(c.storage, doi, l.id) && !doi.empty()) {
        const DoiRow& d = doi.front();
        const auto when = [](std::int64_t ms) { return ms ? core::isoUtc(ms) : std::string("-"); };
        body += "<table>" + row("Mail sent (UTC)", when(d.sentMs)) + row("Tries", std::to_string(d.attempts)) +
                row("Answered (UTC)", when(d.answeredMs)) + row("From address", d.answerIp.empty() ? "-" : d.answerIp) +
                row("Browser", d.answerAgent.empty() ? "-" : d.answerAgent) +
                (d.lastError.empty() ? std::string() : row("Last mail error", d.lastError)) + "</table>";
    }
    body += "</div>";
    sendPage(res, 200, name.empty() ? "Lead" : "Lead: " + name, body, nav(s));
}

// ---- exports -----------------------------------------------------------------------------

bool validDay(const std::string& d) {
    return d.empty() || (d.size() == 10 && d[4] == '-' && d[7] == '-' && std::all_of(d.begin(), d.end(), [](char ch) {
                             return ch == '-' || std::isdigit(static_cast<unsigned char>(ch));
                         }));
}

void getExport(const Context& c, const Request& req, Response& res, const Session& s,
               core::ExportOptions::Format format) {
    ExportFilter f{req.get_param_value("exhibitor"), req.get_param_value("from"), req.get_param_value("to"), {}};
    if (!validDay(f.fromDay) || !validDay(f.toDay))
        return problemPage(res, 400, "Export", "From and to are days written YYYY-MM-DD; nothing was exported.");
    if (const std::string d = req.get_param_value("doi"); !d.empty()) {
        for (DoiState st :
             {DoiState::None, DoiState::Pending, DoiState::Confirmed, DoiState::Declined, DoiState::Bounced})
            if (d == doiName(st)) f.doi = st;
        if (!f.doi)
            return problemPage(res, 400, "Export",
                               "The double opt-in filter is one of none, pending, confirmed, "
                               "declined, bounced; nothing was exported.");
    }
    std::vector<HubLead> leads;
    std::map<std::string, DoiState> states;
    for (const StorageResult& r : {loadLeads(c.storage, leads), loadDoiStates(c.storage, states)})
        if (!r) return storageFailed(c, req, res, r);
    core::ExportOptions o;
    o.format = format;
    o.headerLang = req.get_param_value("lang") == "en" ? core::Lang::En : core::Lang::De;
    std::string body, error;
    long long count = 0;
    if (!exportTable(leads, states, f, o, body, count, error)) {
        c.log(req, 500, "export failed: " + error);
        return problemPage(res, 500, "Export", "The export failed: " + error);
    }
    const std::string stamp = core::isoUtc(nowMs()).substr(0, 16);
    std::string name = "leads-" + stamp.substr(0, 10) + "-" + stamp.substr(11, 2) + stamp.substr(14, 2);
    if (!f.exhibitor.empty() && validKioskId(f.exhibitor)) name += "-" + f.exhibitor;
    name += core::exportExtension(format);
    setSecurityHeaders(res);
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    res.set_content(body, format == core::ExportOptions::Format::Xlsx
                              ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                              : "text/csv; charset=utf-8");
    c.log(req, 200, "export by " + s.user + ": " + std::to_string(count) + " leads");
}

// ---- erasure -----------------------------------------------------------------------------

std::string eraseForm(const Session& s, const std::string& email, bool confirm) {
    return "<form class=\"card\" method=\"post\" action=\"/erase\">" + hidden("csrf", s.csrf) +
           (confirm ? hidden("email", email) + hidden("confirm", "yes")
                    : "<label>Email of the visitor <input type=\"email\" name=\"email\" required size=\"40\" value=\"" +
                          escape(email) + "\"></label> ") +
           "<button type=\"submit\">" + (confirm ? "Erase them now" : "Find their leads") + "</button></form>";
}

void getErase(const Context&, const Request&, Response& res, const Session& s) {
    sendPage(res, 200, "Erase a visitor's leads",
             "<p>A visitor who withdraws their consent has all their leads erased: on the hub, and the kiosks are "
             "told to erase their copies. A log entry without personal data stays.</p>" +
                 eraseForm(s, "", false),
             nav(s));
}

void postErase(const Context& c, const Request& req, Response& res, const Session& s) {
    std::string email = core::cleanText(req.get_param_value("email"));
    if (!core::normalizeEmail(email))
        return sendPage(res, 400, "Erase a visitor's leads",
                        "<p class=\"card bad\">That is not an email address.</p>" + eraseForm(s, email, false), nav(s));
    if (req.get_param_value("confirm") != "yes") {
        std::vector<HubLead> leads;
        if (auto r = loadLeads(c.storage, leads); !r) return storageFailed(c, req, res, r);
        const std::string folded = core::foldCase(email);
        long long n = 0;
        for (const auto& l : leads) {
            std::string e = l.lead.email;
            n += core::normalizeEmail(e) && core::foldCase(e) == folded;
        }
        return sendPage(res, 200, "Erase a visitor's leads",
                        "<p class=\"card\">The hub holds <strong id=\"erase-count\">" + std::to_string(n) +
                            "</strong> " + (n == 1 ? "lead" : "leads") + " of <strong>" + escape(email) +
                            "</strong>. Erasing cannot be undone.</p>" + eraseForm(s, email, true) +
                            "<p><a href=\"/erase\">Cancel</a></p>",
                        nav(s));
    }
    long long erased = 0;
    const StorageResult r = eraseByEmail(c.storage, email, s.user, nowMs(), erased);
    if (!r) {
        c.log(req, 500, "erasure failed: " + r.error);
        return sendPage(res, 500, "Erase a visitor's leads",
                        "<p class=\"card bad\" id=\"erase-result\">Nothing was erased: " + escape(r.error) + "</p>",
                        nav(s));
    }
    c.log(req, 200, "erased by " + s.user + ": " + std::to_string(erased) + " leads");
    sendPage(res, 200, "Erase a visitor's leads",
             "<p class=\"card ok\" id=\"erase-result\">" + std::to_string(erased) + (erased == 1 ? " lead" : " leads") +
                 " erased; the kiosks are told to erase their copies.</p>",
             nav(s));
}

} // namespace

void addOrganiserRoutes(HubHttpServer& server, const HubConfig& config, Storage& storage,
                        std::function<void(const std::string&)> logLine) {
    auto c = std::make_shared<Context>(config, storage, std::move(logLine));
    using Format = core::ExportOptions::Format;
    server.Get("/login", [c](const Request& req, Response& res) { getLogin(*c, req, res); });
    server.Post("/login", [c](const Request& req, Response& res) { postLogin(*c, req, res); });
    server.Post("/logout",
                organiserPage(c, [c](const Request& req, Response& res, const Session&) { postLogout(*c, req, res); }));
    const auto page = [&](auto fn) {
        return organiserPage(c, [c, fn](const Request& req, Response& res, const Session& s) { fn(*c, req, res, s); });
    };
    server.Get("/", page(getOverview));
    server.Get("/leads", page(getLeads));
    server.Get(R"(/leads/([0-9a-fA-F-]{1,64}))", page(getLead));
    server.Get("/export.csv", page([](const Context& cx, const Request& req, Response& res, const Session& s) {
                   getExport(cx, req, res, s, Format::Csv);
               }));
    server.Get("/export.xlsx", page([](const Context& cx, const Request& req, Response& res, const Session& s) {
                   getExport(cx, req, res, s, Format::Xlsx);
               }));
    server.Get("/erase", page(getErase));
    server.Post("/erase", page(postErase));
}

} // namespace kiosk::hub::web
