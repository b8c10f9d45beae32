#include "exhibitor.hpp"
#include "core/clock.hpp"

#include "html.hpp"
#include "hub/doi_state.hpp"
#include "hub/exhibitors.hpp"
#include "hub/lead_table.hpp"

#include "core/letters.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace kiosk::hub::web {

namespace {

using kiosk::core::nowMs;

/// Wrong tokens per client address over the last minute. While an address is over the limit
/// every /x/ request from it is refused, right tokens included: a 200 among the 429s would still
/// tell a guesser that a guess was right.
class WrongTokens {
public:
    bool limited(const std::string& address, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        const auto it = m_seen.find(address);
        if (it == m_seen.end()) return false;
        prune(it->second, now);
        return it->second.size() >= static_cast<size_t>(kWrongTokensPerMinute);
    }
    void add(const std::string& address, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        // Bounded: a flood from many addresses forgets the quiet ones, not the memory.
        if (m_seen.size() > 10000)
            for (auto it = m_seen.begin(); it != m_seen.end();) {
                prune(it->second, now);
                it = it->second.empty() ? m_seen.erase(it) : std::next(it);
            }
        m_seen[address].push_back(now);
    }

private:
    static void prune(std::deque<std::int64_t>& times, std::int64_t now) {
        while (!times.empty() && times.front() <= now - 60'000)
            times.pop_front();
    }
    std::mutex m_mutex;
    std::unordered_map<std::string, std::deque<std::int64_t>> m_seen;
};

/// Lower-case (per character, through the core's letter table) and composed, for searching.
std::string folded(const std::string& text) {
    const std::string s = core::nfc(text);
    std::string out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        out += core::lowerChar(s.substr(i, n));
        i += n;
    }
    return out;
}

/// The export's columns, plus the double opt-in state when the hub asks for one.
std::vector<core::ExportColumn> columnsFor(const std::vector<core::Lead>& leads, const HubConfig& config,
                                           const std::map<std::string, DoiState>& doi) {
    auto cols = leadTableColumns(leads);
    if (config.doi.enabled)
        cols.push_back({"doi", {"Double-Opt-in", "Double opt-in"}, [&doi](const core::Lead& l, core::Lang) {
                            const auto it = doi.find(l.id);
                            return std::string(doiName(it == doi.end() ? DoiState::None : it->second));
                        }});
    return cols;
}

/// What the page shows of each lead (the downloads have every column): the export's cells by
/// key, the name in one column and the time to the minute, so that the table fits a screen.
struct PageColumn {
    std::string header;
    std::function<std::string(const core::Lead&)> cell;
};

std::vector<PageColumn> pageColumns(const std::vector<core::ExportColumn>& all) {
    const auto by = [&](const char* key) -> const core::ExportColumn* {
        for (const auto& c : all)
            if (c.key == key) return &c;
        return nullptr;
    };
    std::vector<PageColumn> out;
    if (const auto* c = by("created_at"))
        out.push_back({c->header.en, [c](const core::Lead& l) {
                           std::string t = c->cell(l, core::Lang::En).substr(0, 16); // 2026-05-27T09:30
                           if (t.size() > 10) t[10] = ' ';
                           return t;
                       }});
    const auto* first = by("first_name");
    const auto* last = by("last_name");
    if (first && last)
        out.push_back({"Name", [first, last](const core::Lead& l) {
                           return first->cell(l, core::Lang::En) + " " + last->cell(l, core::Lang::En);
                       }});
    for (const char* key : {"email", "company", "job_title", "phone", "message", "language", "doi"})
        if (const auto* c = by(key))
            out.push_back({c->header.en, [c](const core::Lead& l) { return c->cell(l, core::Lang::En); }});
    return out;
}

std::string pageBody(const std::string& token, const ExhibitorLink& link, const std::vector<core::Lead>& leads,
                     const std::vector<core::ExportColumn>& all, const HubConfig& config, const std::string& q) {
    const std::vector<PageColumn> cols = pageColumns(all);
    const std::string base = "/x/" + token;
    std::string html = "<p class=\"muted\">Link " + std::to_string(link.number) +
                       (link.label.empty() ? std::string() : " · " + escape(link.label)) + "</p>";
    if (config.doi.enabled && !config.doi.exhibitorsSeeAll)
        html += "<p class=\"muted\">Only visitors who confirmed their email address (double opt-in) are listed.</p>";
    html += "<form class=\"card\" method=\"get\" action=\"" + escape(base) +
            "\"><input type=\"search\" name=\"q\" size=\"40\" value=\"" + escape(q) +
            "\" placeholder=\"Name, email, company …\"> <button type=\"submit\">Search</button></form>";
    html += "<p class=\"noprint\">Download all: <a href=\"" + escape(base) + "/leads.csv\">CSV</a> · <a href=\"" +
            escape(base) + "/leads.xlsx\">XLSX</a></p>";
    const std::string needle = folded(q);
    std::string rows;
    long long shown = 0;
    for (auto it = leads.rbegin(); it != leads.rend(); ++it) { // newest first
        std::string row, text;
        for (const auto& c : cols) {
            const std::string v = c.cell(*it);
            text += folded(v) + '\n';
            row += "<td>" + escape(v) + "</td>";
        }
        if (!needle.empty() && text.find(needle) == std::string::npos) continue;
        rows += "<tr>" + row + "</tr>";
        ++shown;
    }
    html += "<p id=\"count\">" + std::to_string(shown) + (shown == 1 ? " lead" : " leads") +
            (q.empty() ? std::string() : " matching “" + escape(q) + "”") + "</p>";
    if (shown == 0) return html + "<p class=\"muted\">No leads to show.</p>";
    html += "<table id=\"leads\"><thead><tr>";
    for (const auto& c : cols)
        html += "<th>" + escape(c.header) + "</th>";
    return html + "</tr></thead><tbody>" + rows + "</tbody></table>";
}

void sendNotFound(httplib::Response& res) {
    sendPage(res, 404, "Not found",
             "<p>This address is not (or no longer) an exhibitor's link. Ask the organiser for a new one.</p>");
}

} // namespace

std::string loggedPath(const std::string& path) {
    return path.rfind("/x/", 0) == 0 ? "/x/…" : path;
}

void addExhibitorRoutes(HubHttpServer& server, const HubConfig& config, Storage& storage,
                        std::function<void(const std::string&)> logLine) {
    auto wrong = std::make_shared<WrongTokens>();
    // The path holds the token: it is never logged, only what became of the request.
    server.Get("/x/(.*)", [&config, &storage, logLine, wrong](const httplib::Request& req, httplib::Response& res) {
        const std::int64_t now = nowMs();
        const std::string& from = req.remote_addr;
        const std::string rest = req.matches[1];
        const size_t slash = rest.find('/');
        const std::string token = rest.substr(0, slash),
                          what = slash == std::string::npos ? "" : rest.substr(slash + 1);
        const auto log = [&](int status, const std::string& note) {
            logLine("GET /x/… " + std::to_string(status) + " from=" + from + " " + note);
        };
        if (wrong->limited(from, now)) {
            res.set_header("Retry-After", "60");
            sendPage(res, 429, "Too many wrong links",
                     "<p>Too many wrong exhibitor links came from this address. Try again in a minute.</p>");
            return log(429, "too many wrong exhibitor links from this address");
        }
        std::optional<ExhibitorLink> link;
        if (exhibitorTokenShape(token))
            if (const auto r = exhibitorByToken(storage, exhibitorTokenHash(token), now, link); !r) {
                sendPage(res, 500, "Not available", "<p>The hub cannot read its database just now.</p>");
                return log(500, r.error);
            }
        if (!link) {
            wrong->add(from, now);
            sendNotFound(res);
            return log(404, "wrong or revoked exhibitor link");
        }
        const std::string who = "exhibitor=" + link->companyId + " link=" + std::to_string(link->number);
        if (!what.empty() && what != "leads.csv" && what != "leads.xlsx") {
            sendNotFound(res);
            return log(404, who + " no such page");
        }
        std::vector<core::Lead> leads;
        std::map<std::string, DoiState> doi;
        if (const auto r = exhibitorLeads(storage, config, link->companyId, leads, doi); !r) {
            sendPage(res, 500, "Not available", "<p>The hub cannot read its database just now.</p>");
            return log(500, who + " " + r.error);
        }
        const auto cols = columnsFor(leads, config, doi);
        const std::string count = " leads=" + std::to_string(leads.size());
        if (what.empty()) {
            const std::string q = req.get_param_value("q");
            sendPage(res, 200, "Leads for " + link->companyId, pageBody(token, *link, leads, cols, config, q));
            return log(200, who + count + (q.empty() ? "" : " (search)"));
        }
        // The downloads take no parameters: always every lead of this page, nothing else.
        std::string body, error;
        const bool csv = what == "leads.csv";
        if (!csv && !leadTableXlsx(cols, leads, core::Lang::De, body, error)) {
            sendPage(res, 500, "Not available", "<p>The XLSX file could not be made.</p>");
            return log(500, who + " " + error);
        }
        if (csv) body = leadTableCsv(cols, leads, core::Lang::De, ';');
        setSecurityHeaders(res);
        res.set_header("Content-Disposition",
                       "attachment; filename=\"leads-" + link->companyId + "." + (csv ? "csv" : "xlsx") + "\"");
        res.set_content(body, csv ? "text/csv; charset=utf-8"
                                  : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        log(200, who + count + " " + what);
    });
    // Nothing under /x/ takes another method; answered here so that no log line shows the path.
    const auto refuse = [logLine](const httplib::Request& req, httplib::Response& res) {
        sendNotFound(res);
        logLine(req.method + " /x/… 404 from=" + req.remote_addr + " exhibitor pages take GET only");
    };
    server.Post("/x/.*", refuse);
    server.Put("/x/.*", refuse);
    server.Patch("/x/.*", refuse);
    server.Delete("/x/.*", refuse);
    server.Options("/x/.*", refuse);
}

} // namespace kiosk::hub::web
