#include "confirm.hpp"
#include "core/clock.hpp"

#include "../doi.hpp"
#include "../erasure.hpp"
#include "../transport.hpp"
#include "html.hpp"
#include "organiser_data.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>

namespace kiosk::hub::web {

namespace {
using kiosk::core::nowMs;

struct Words {
    const char *title, *ask, *button, *done, *already, *invalid, *failed;
};

const Words& words(bool de, bool confirm) {
    static const Words kConfirmDe{
        "Anmeldung bestätigen",
        "Bitte bestätigen Sie, dass Sie sich am Stand eingetragen haben und der Kontaktaufnahme "
        "zustimmen, wie in der E-Mail beschrieben.",
        "Ja, ich bestätige meine Anmeldung",
        "Vielen Dank: Ihre Bestätigung ist gespeichert.",
        "Zu dieser Anmeldung ist schon eine Antwort gespeichert:",
        "Dieser Link ist nicht (mehr) gültig.",
        "Ihre Antwort konnte gerade nicht gespeichert werden. Bitte versuchen Sie es später noch einmal."};
    static const Words kDeclineDe{
        "Das war ich nicht",
        "Sie wurden mit dieser E-Mail-Adresse am Stand eingetragen, haben das aber nicht selbst "
        "getan? Dann teilen Sie es uns hier mit; die Angaben werden dann nicht verwendet.",
        "Das war ich nicht",
        "Danke: Es ist gespeichert, dass Sie das nicht waren. Die Angaben werden nicht verwendet.",
        kConfirmDe.already,
        kConfirmDe.invalid,
        kConfirmDe.failed};
    static const Words kConfirmEn{
        "Confirm your sign-up",
        "Please confirm that you signed up at the stand and agree to be contacted as the email "
        "describes.",
        "Yes, I confirm my sign-up",
        "Thank you: your confirmation is recorded.",
        "An answer to this sign-up is recorded already:",
        "This link is not valid (any more).",
        "Your answer could not be recorded just now. Please try again later."};
    static const Words kDeclineEn{"This was not me",
                                  "Someone signed up at the stand with this email address, but it was not you? Tell us "
                                  "here, and the details will not be used.",
                                  "This was not me",
                                  "Thank you: it is recorded that this was not you. The details will not be used.",
                                  kConfirmEn.already,
                                  kConfirmEn.invalid,
                                  kConfirmEn.failed};
    return de ? (confirm ? kConfirmDe : kDeclineDe) : (confirm ? kConfirmEn : kDeclineEn);
}

const char* stateWords(DoiState s, bool de) {
    switch (s) {
    case DoiState::Confirmed: return de ? "bestätigt" : "confirmed";
    case DoiState::Declined: return de ? "„Das war ich nicht“" : "“this was not me”";
    case DoiState::Bounced: return de ? "nicht zustellbar" : "not deliverable";
    default: return de ? "offen" : "pending";
    }
}

bool leadIsGerman(const std::string& payload) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    return j.is_object() && j.value("language", "") == "de";
}

/// Where and when, without who: the event, the stand (kiosk) and the time of the sign-up.
std::string context(const std::string& payload, bool de) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return {};
    std::string at = j.value("created_at", "");
    if (at.size() >= 16) at = at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
    return std::string("<p class=\"muted\">") + (de ? "Veranstaltung " : "Event ") + escape(j.value("event_id", "")) +
           (de ? ", Stand " : ", stand ") + escape(j.value("kiosk_id", "")) + ", " + escape(at) + "</p>";
}

void invalid(httplib::Response& res) {
    sendPage(res, 404, "Link",
             std::string("<div class=\"card\"><p>") + words(true, true).invalid + "</p><p lang=\"en\">" +
                 words(false, true).invalid + "</p></div>");
}

void handle(Storage& storage, const std::function<void(const std::string&)>& logLine, const httplib::Request& req,
            httplib::Response& res, bool post) {
    const bool confirm = req.matches[1] == "confirm";
    const std::string token = req.matches[2];
    const std::string path = std::string("/") + (confirm ? "confirm" : "decline") + "/";
    std::optional<DoiLink> link;
    if (auto r = doiByToken(storage, token, link); !r) {
        logLine(req.method + " " + path + "… 503: " + r.error);
        sendPage(res, 503, "kiosk-hub", std::string("<p>") + words(false, confirm).failed + "</p>");
        return;
    }
    if (!link) {
        logLine(req.method + " " + path + "… 404 unknown token from=" + req.remote_addr);
        invalid(res);
        return;
    }
    const bool de = leadIsGerman(link->payload);
    const Words& w = words(de, confirm);
    const std::string where = context(link->payload, de);
    const std::string card = std::string("<div class=\"card\" lang=\"") + (de ? "de" : "en") + "\">";
    if (post) {
        // The form carries its token: a POST assembled elsewhere without it changes nothing.
        if (req.get_param_value("token") != token) {
            sendPage(res, 400, w.title, card + "<p>" + w.invalid + "</p></div>");
            return;
        }
        bool recorded = false;
        std::optional<DoiState> state;
        if (auto r = answerDoi(storage, token, confirm, req.remote_addr, req.get_header_value("User-Agent"), nowMs(),
                               recorded, state);
            !r) {
            logLine("POST " + path + "… 503: " + r.error);
            sendPage(res, 503, w.title, std::string("<p>") + w.failed + "</p>");
            return;
        }
        logLine("POST " + path + "… lead " + link->leadId + (recorded ? " recorded " : " already answered: ") +
                doiName(state.value_or(DoiState::None)) + " from=" + req.remote_addr);
        if (recorded) {
            sendPage(res, 200, w.title,
                     card + "<p class=\"ok\" id=\"done\">" + std::string(w.done) + "</p>" + where + "</div>");
            return;
        }
        link->state = state.value_or(link->state);
    }
    if (link->state != DoiState::Pending) {
        sendPage(res, 200, w.title,
                 card + "<p id=\"answered\">" + std::string(w.already) + " <strong>" + stateWords(link->state, de) +
                     "</strong></p>" + where + "</div>");
        return;
    }
    sendPage(res, 200, w.title,
             card + "<p>" + std::string(w.ask) + "</p>" + where + "<form method=\"post\" action=\"" + path +
                 escape(token) + "\"><input type=\"hidden\" name=\"token\" value=\"" + escape(token) +
                 "\"><button type=\"submit\" id=\"answer\">" + w.button + "</button></form></div>");
}

/// A lead id as kiosks make them (a UUID): anything else is not looked up.
bool isLeadId(const std::string& id) {
    if (id.size() != 36) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

/// The receipt's withdrawal link (/withdraw?lead=<id>, the thank-you screen's QR code): the lead
/// id is a random UUID only the visitor's receipt (and the organiser) holds. GET asks (a link
/// scanner must not withdraw anything); the POST erases the visitor's leads across the fleet
/// as the organiser's erasure does, and keeps only the erasure log's PII-free entry.
void withdraw(Storage& storage, const std::function<void(const std::string&)>& logLine, const httplib::Request& req,
              httplib::Response& res, bool post) {
    const std::string id = req.get_param_value("lead");
    std::optional<HubLead> lead;
    if (isLeadId(id)) {
        if (auto r = loadLead(storage, id, lead); !r) {
            logLine(req.method + " /withdraw 503: " + r.error);
            sendPage(res, 503, "kiosk-hub", std::string("<p>") + words(false, true).failed + "</p>");
            return;
        }
    }
    if (!lead) {
        sendPage(res, 404, "Widerruf / Withdrawal",
                 "<div class=\"card\"><p id=\"unknown\">Zu dieser Kennung sind keine Angaben (mehr) gespeichert.</p>"
                 "<p lang=\"en\">No details are stored (any more) under this reference.</p></div>");
        return;
    }
    const bool de = leadIsGerman(lead->stored.payload);
    const std::string card = std::string("<div class=\"card\" lang=\"") + (de ? "de" : "en") + "\">";
    const std::string where = context(lead->stored.payload, de);
    const char* title = de ? "Einwilligung widerrufen" : "Withdraw your consent";
    if (!post) {
        sendPage(res, 200, title,
                 card + "<p>" +
                     (de ? "Ihre Angaben von diesem Stand werden gelöscht, beim Veranstalter und auf den Kiosks, "
                           "und niemand meldet sich deswegen bei Ihnen."
                         : "Your details from this stand are erased, at the organiser's and on the kiosks, and "
                           "nobody will contact you about them.") +
                     "</p>" + where +
                     "<form method=\"post\" action=\"/withdraw\"><input type=\"hidden\" name=\"lead\" value=\"" +
                     escape(id) + "\"><button type=\"submit\" id=\"withdraw\">" +
                     (de ? "Widerrufen und löschen" : "Withdraw and erase") + "</button></form></div>");
        return;
    }
    long long erased = 0;
    if (auto r = eraseByEmail(storage, lead->lead.email, "the visitor (withdrawal link)", nowMs(), erased); !r) {
        logLine("POST /withdraw 503: " + r.error);
        sendPage(res, 503, title, std::string("<p>") + words(de, true).failed + "</p>");
        return;
    }
    logLine("POST /withdraw lead " + id + ": " + std::to_string(erased) + " lead(s) erased from=" + req.remote_addr);
    sendPage(res, 200, title,
             card + "<p class=\"ok\" id=\"done\">" +
                 (de ? "Ihre Einwilligung ist widerrufen und Ihre Angaben sind gelöscht."
                     : "Your consent is withdrawn and your details are erased.") +
                 "</p></div>");
}
} // namespace

void addConfirmRoutes(HubHttpServer& server, Storage& storage, std::function<void(const std::string&)> logLine) {
    const std::string pattern = R"(/(confirm|decline)/([^/]*))";
    server.Get(pattern, [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        handle(storage, logLine, req, res, false);
    });
    server.Post(pattern, [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        handle(storage, logLine, req, res, true);
    });
    server.Get("/withdraw", [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        withdraw(storage, logLine, req, res, false);
    });
    server.Post("/withdraw", [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        withdraw(storage, logLine, req, res, true);
    });
}

} // namespace kiosk::hub::web
