#include "confirm.hpp"

#include "../doi.hpp"
#include "../transport.hpp"
#include "html.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace kiosk::hub::web {

namespace {
std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

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
} // namespace

void addConfirmRoutes(HubHttpServer& server, Storage& storage, std::function<void(const std::string&)> logLine) {
    const std::string pattern = R"(/(confirm|decline)/([^/]*))";
    server.Get(pattern, [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        handle(storage, logLine, req, res, false);
    });
    server.Post(pattern, [&storage, logLine](const httplib::Request& req, httplib::Response& res) {
        handle(storage, logLine, req, res, true);
    });
}

} // namespace kiosk::hub::web
