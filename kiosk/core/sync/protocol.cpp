#include "protocol.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_set>

namespace kiosk::core::sync {

using nlohmann::json;

namespace {
std::string jsonString(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* reasonPhrase(long status) {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

std::string httpLabel(long status) {
    std::string s = "HTTP " + std::to_string(status);
    if (const char* p = reasonPhrase(status); *p) s += std::string(" ") + p;
    return s;
}
} // namespace

std::string buildBody(std::string_view kioskId, std::string_view eventId, std::string_view sentAt,
                      const std::vector<OutboxLead>& leads) {
    size_t size = 128 + kioskId.size() + eventId.size();
    for (const auto& l : leads) size += l.payload.size() + 1;
    std::string body;
    body.reserve(size);
    body += "{\"schema\":";
    body += std::to_string(kSchemaVersion);
    body += ",\"kiosk_id\":";
    body += jsonString(kioskId);
    body += ",\"event_id\":";
    body += jsonString(eventId);
    body += ",\"sent_at\":";
    body += jsonString(sentAt);
    body += ",\"leads\":[";
    for (size_t i = 0; i < leads.size(); ++i) {
        if (i) body += ',';
        body += leads[i].payload;
    }
    body += "]}";
    return body;
}

namespace {
constexpr size_t kBad = std::string_view::npos;

size_t skipSpace(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    return i;
}

/// The end of the JSON value starting at `i` (structure only: strings, brackets, commas;
/// the pieces are parsed by nlohmann afterwards), or kBad when it is malformed or nested
/// deeper than kMaxJsonDepth. The recursion is bounded by that depth.
size_t valueEnd(std::string_view s, size_t i, int depth) {
    if (i >= s.size()) return kBad;
    const char c = s[i];
    if (c == '"') {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '\\') ++i;
            else if (s[i] == '"') return i + 1;
        }
        return kBad;
    }
    if (c == '{' || c == '[') {
        if (depth >= kMaxJsonDepth) return kBad;
        const char close = c == '{' ? '}' : ']';
        i = skipSpace(s, i + 1);
        if (i < s.size() && s[i] == close) return i + 1;
        for (;;) {
            if (c == '{') {
                if (i >= s.size() || s[i] != '"') return kBad;
                i = skipSpace(s, valueEnd(s, i, depth + 1));
                if (i >= s.size() || s[i] != ':') return kBad;
                i = skipSpace(s, i + 1);
            }
            i = valueEnd(s, i, depth + 1);
            if (i == kBad) return kBad;
            i = skipSpace(s, i);
            if (i >= s.size()) return kBad;
            if (s[i] == close) return i + 1;
            if (s[i] != ',') return kBad;
            i = skipSpace(s, i + 1);
        }
    }
    const size_t start = i;
    while (i < s.size() && std::string_view(",]} \t\r\n").find(s[i]) == std::string_view::npos) ++i;
    return i == start ? kBad : i;
}

/// Calls `each(begin, end)` for every element of the array (or, with `object`, every
/// key/value pair: `each` gets the key's span, then the value's) starting at `i`.
/// false when the structure is malformed.
template <typename F>
bool forEachMember(std::string_view s, size_t i, bool object, F&& each) {
    i = skipSpace(s, i);
    if (i >= s.size() || s[i] != (object ? '{' : '[')) return false;
    const char close = object ? '}' : ']';
    i = skipSpace(s, i + 1);
    if (i < s.size() && s[i] == close) return true;
    for (;;) {
        size_t keyBegin = 0, keyEnd = 0;
        if (object) {
            keyBegin = i;
            keyEnd = valueEnd(s, i, 1);
            if (keyEnd == kBad || s[keyBegin] != '"') return false;
            i = skipSpace(s, keyEnd);
            if (i >= s.size() || s[i] != ':') return false;
            i = skipSpace(s, i + 1);
        }
        const size_t begin = i, end = valueEnd(s, i, 1);
        if (end == kBad) return false;
        if (object) each(s.substr(keyBegin, keyEnd - keyBegin), s.substr(begin, end - begin));
        else each(std::string_view(), s.substr(begin, end - begin));
        i = skipSpace(s, end);
        if (i >= s.size()) return false;
        if (s[i] == close) return skipSpace(s, i + 1) == s.size() || !object;
        if (s[i] != ',') return false;
        i = skipSpace(s, i + 1);
    }
}

std::string leadProblem(const json& lead) {
    if (!lead.is_object()) return "the lead is not a JSON object";
    const auto id = lead.find("id");
    if (id == lead.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return "the lead has no id";
    if (!isUuid(id->get_ref<const std::string&>())) return "the lead's id is not a UUID";
    const auto email = lead.find("email");
    if (email == lead.end() || !email->is_string() || email->get_ref<const std::string&>().empty())
        return "the lead has no email";
    return {};
}
} // namespace

bool isUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (s[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

std::optional<ReceivedUpload> parseUpload(std::string_view body, std::string* why) {
    const auto fail = [&](const std::string& w) -> std::optional<ReceivedUpload> {
        if (why) *why = w;
        return std::nullopt;
    };
    ReceivedUpload up;
    bool valid = true, sawLeads = false;
    std::string bad;
    const auto parse = [&](std::string_view piece) {
        json j = json::parse(piece.begin(), piece.end(), nullptr, false);
        if (j.is_discarded()) valid = false;
        return j;
    };
    const bool structured = forEachMember(body, 0, true, [&](std::string_view rawKey, std::string_view value) {
        const json key = parse(rawKey);
        if (!valid) return;
        const auto& k = key.get_ref<const std::string&>();
        if (k == "leads") {
            if (sawLeads) bad = "leads appears twice";
            sawLeads = true;
            if (!forEachMember(value, 0, false, [&](std::string_view, std::string_view lead) {
                    const json j = parse(lead);
                    if (!valid) return;
                    ReceivedLead r{std::string(lead), {}, leadProblem(j)};
                    if (j.is_object() && j.contains("id") && j.at("id").is_string()) r.id = j.at("id").get<std::string>();
                    up.leads.push_back(std::move(r));
                }))
                bad = "leads is not a list";
            return;
        }
        const json v = parse(value);
        if (!valid) return;
        if (k == "schema" && v.is_number_integer()) up.schema = v.get<int>();
        else if (k == "kiosk_id" && v.is_string()) up.kioskId = v.get<std::string>();
        else if (k == "event_id" && v.is_string()) up.eventId = v.get<std::string>();
        else if (k == "sent_at" && v.is_string()) up.sentAt = v.get<std::string>();
        else if (k == "schema" || k == "kiosk_id" || k == "event_id" || k == "sent_at") bad = k + " has the wrong type";
    });
    if (!structured || !valid)
        return fail(body.empty() ? "the body is empty"
                                 : "the body is not valid JSON (or nested deeper than " + std::to_string(kMaxJsonDepth) + ")");
    if (!bad.empty()) return fail(bad);
    if (up.schema != kSchemaVersion) return fail("schema must be " + std::to_string(kSchemaVersion));
    if (up.kioskId.empty()) return fail("kiosk_id is missing");
    if (!sawLeads) return fail("leads is missing");
    return up;
}

std::string buildAck(const std::vector<std::string>& accepted, const std::vector<std::string>& duplicates,
                     const std::vector<std::pair<std::string, std::string>>& rejected) {
    json rej = json::array();
    for (const auto& [id, reason] : rejected) rej.push_back({{"id", id}, {"reason", reason}});
    const json j = {{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rej}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Ack> parseAck(std::string_view body, const std::vector<std::string>& sentIds, std::string* why) {
    const auto fail = [&](const std::string& w) -> std::optional<Ack> {
        if (why) *why = w;
        return std::nullopt;
    };
    const json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) return fail(body.empty() ? "the answer was empty" : "the answer is not JSON");
    if (!j.is_object()) return fail("the answer is not a JSON object");
    if (!j.contains("accepted") && !j.contains("duplicates") && !j.contains("rejected"))
        return fail("the answer has none of accepted, duplicates, rejected");

    const std::unordered_set<std::string> sent(sentIds.begin(), sentIds.end());
    std::unordered_set<std::string> synced, rejected;
    Ack ack;
    for (const char* key : {"accepted", "duplicates"}) {
        if (!j.contains(key)) continue;
        const json& a = j.at(key);
        if (!a.is_array()) return fail(std::string(key) + " is not a list");
        for (const json& e : a) {
            if (!e.is_string()) return fail(std::string(key) + " holds something other than an id");
            const auto& id = e.get_ref<const std::string&>();
            if (sent.count(id) && synced.insert(id).second) ack.synced.push_back(id);
        }
    }
    if (j.contains("rejected")) {
        const json& a = j.at("rejected");
        if (!a.is_array()) return fail("rejected is not a list");
        for (const json& e : a) {
            if (!e.is_object() || !e.contains("id") || !e.at("id").is_string())
                return fail("rejected holds something other than {\"id\": …, \"reason\": …}");
            const auto& id = e.at("id").get_ref<const std::string&>();
            if (!sent.count(id) || synced.count(id) || !rejected.insert(id).second) continue;
            std::string reason;
            if (e.contains("reason") && e.at("reason").is_string()) reason = cleanText(e.at("reason").get<std::string>());
            if (reason.empty()) reason = "no reason given";
            ack.rejected.emplace_back(id, "rejected by the server: " + reason);
        }
    }
    return ack;
}

std::string buildStatusBody(const StatusReport& r) {
    json consent = json::object();
    for (const auto& [version, texts] : r.consent)
        consent[version] = texts;
    // {"stand":{metric:n},"companies":{id:{metric:n}},"sectors":{id:n}}
    json figures = {{"stand", json::object()}, {"companies", json::object()}, {"sectors", json::object()}};
    for (const auto& [subject, metrics] : r.figures)
        for (const auto& [metric, n] : metrics) {
            if (subject.empty()) figures["stand"][metric] = n;
            else if (metric == "sector_filter") figures["sectors"][subject] = n;
            else figures["companies"][subject][metric] = n;
        }
    // Sorted keys (nlohmann's object order), no spaces: the same report gives the same bytes.
    json j = {
        {"schema", kSchemaVersion},
        {"kiosk_id", r.kioskId},
        {"event_id", r.eventId},
        {"app_version", r.appVersion},
        {"content_version", r.contentVersion},
        {"form_version", r.formVersion},
        {"counts", {{"pending", r.pending}, {"failed", r.failed}, {"synced", r.synced}, {"total", r.total}}},
        {"last_lead_at", r.lastLeadAt.empty() ? json() : json(r.lastLeadAt)},
        {"uptime_s", r.uptimeS},
        {"renderer", r.renderer},
        {"free_disk_bytes", r.freeDiskBytes < 0 ? json() : json(r.freeDiskBytes)},
        {"clock", r.clock},
        {"last_sync_error", r.lastSyncError},
        {"consent", consent}};
    // Absent when empty: a heartbeat with no counts and no erasures is byte for byte what it was before.
    if (!r.figures.empty()) j["figures"] = figures;
    if (!r.erasures.empty()) j["erasures"] = r.erasures;
    if (!r.erasuresDone.empty()) j["erasures_done"] = r.erasuresDone;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {
bool isCount(const json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<std::int64_t>::max());
    return v.is_number_integer() && v.get<std::int64_t>() >= 0;
}

/// The list of email hashes under `key` (absent or null: none); false with `bad` when it is not
/// a list of at most kMaxErasures 64-digit lower-case hex strings.
bool readHashes(const json& j, const char* key, std::vector<std::string>& out, std::string& bad) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (!it->is_array() || it->size() > kMaxErasures) {
        bad = std::string(key) + " is not a list of at most " + std::to_string(kMaxErasures) + " email hashes";
        return false;
    }
    for (const auto& h : *it) {
        if (!h.is_string() || h.get_ref<const std::string&>().size() != 64 ||
            h.get_ref<const std::string&>().find_first_not_of("0123456789abcdef") != std::string::npos) {
            bad = std::string(key) + " holds something that is not an email hash (64 lower-case hex digits)";
            return false;
        }
        out.push_back(h.get<std::string>());
    }
    return true;
}
} // namespace

std::optional<StatusAnswer> parseStatusAnswer(std::string_view body, std::string* why) {
    const json j = json::parse(body.begin(), body.end(), nullptr, false);
    std::string bad = "the answer is not a JSON object";
    StatusAnswer a;
    if (j.is_object() && readHashes(j, "erase", a.erase, bad) && readHashes(j, "erasures_taken", a.erasuresTaken, bad))
        return a;
    if (why) *why = bad;
    return std::nullopt;
}

std::optional<StatusReport> parseStatus(std::string_view body, std::string* why) {
    const auto fail = [&](const std::string& w) -> std::optional<StatusReport> {
        if (why) *why = w;
        return std::nullopt;
    };
    // The structure (and its depth) first, so that nlohmann never recurses deeper than kMaxJsonDepth.
    const size_t start = skipSpace(body, 0);
    const size_t end = valueEnd(body, start, 0);
    if (end == kBad || skipSpace(body, end) != body.size())
        return fail(body.empty()
                        ? "the body is empty"
                        : "the body is not valid JSON (or nested deeper than " + std::to_string(kMaxJsonDepth) + ")");
    const json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) return fail("the body is not valid JSON");
    if (!j.is_object()) return fail("the body is not a JSON object");
    std::string bad;
    // An absent or null key leaves `out` as it is; a value of another type is `bad`.
    const auto typed = [&](const json& o, const char* key, bool (json::*is)() const) -> const json* {
        const auto it = o.find(key);
        if (it == o.end() || it->is_null()) return nullptr;
        if (((*it).*is)()) return &*it;
        bad = std::string(key) + " has the wrong type";
        return nullptr;
    };
    const auto text = [&](const json& o, const char* key, std::string& out) {
        if (const json* v = typed(o, key, &json::is_string)) out = v->get<std::string>();
    };
    // A count, a size or a duration is a whole number from 0 to 2^63-1: a negative one (or one
    // that would wrap) means nothing, and -1 of free_disk_bytes is how the report says "unknown".
    const auto number = [&](const json& o, const char* key, auto& out) {
        if (const json* v = typed(o, key, &json::is_number_integer)) {
            if (isCount(*v)) out = v->get<std::int64_t>();
            else bad = std::string(key) + " is not a whole number from 0 to 2^63-1";
        }
    };
    if (!j.contains("schema") || !j.at("schema").is_number_integer() || j.at("schema").get<int>() != kSchemaVersion)
        return fail("schema must be " + std::to_string(kSchemaVersion));
    StatusReport r;
    text(j, "kiosk_id", r.kioskId);
    text(j, "event_id", r.eventId);
    text(j, "app_version", r.appVersion);
    text(j, "content_version", r.contentVersion);
    text(j, "form_version", r.formVersion);
    text(j, "last_lead_at", r.lastLeadAt);
    text(j, "renderer", r.renderer);
    text(j, "clock", r.clock);
    text(j, "last_sync_error", r.lastSyncError);
    number(j, "uptime_s", r.uptimeS);
    number(j, "free_disk_bytes", r.freeDiskBytes);
    if (const auto c = j.find("counts"); c != j.end()) {
        if (!c->is_object()) return fail("counts is not an object");
        number(*c, "pending", r.pending);
        number(*c, "failed", r.failed);
        number(*c, "synced", r.synced);
        number(*c, "total", r.total);
    }
    if (const auto c = j.find("consent"); c != j.end()) {
        if (!c->is_object()) return fail("consent is not an object of version -> {language: text}");
        size_t n = 0;
        for (const auto& [version, texts] : c->items()) {
            if (!texts.is_object())
                return fail("consent " + cleanText(version, 64) + " is not an object of language -> text");
            for (const auto& [lang, t] : texts.items()) {
                if (!t.is_string())
                    return fail("consent " + cleanText(version, 64) + " " + cleanText(lang, 16) + " is not a text");
                if (++n > kMaxConsentTexts)
                    return fail("more than " + std::to_string(kMaxConsentTexts) + " consent texts");
                if (t.get_ref<const std::string&>().find('\0') != std::string::npos)
                    return fail("a consent text holds a NUL character");
                if (t.get_ref<const std::string&>().size() > kMaxConsentBytes)
                    return fail("a consent text is longer than " + std::to_string(kMaxConsentBytes) + " bytes");
                r.consent[version][lang] = t.get<std::string>();
            }
        }
    }
    for (const auto& [key, list] : {std::pair{"erasures", &r.erasures}, std::pair{"erasures_done", &r.erasuresDone}})
        if (!readHashes(j, key, *list, bad)) return fail(bad);
    if (const auto f = j.find("figures"); f != j.end() && !f->is_null()) {
        // An earlier kiosk sends none; anything but counts is refused like a wrong type.
        std::string problem;
        const auto counts = [&](const json& o, const std::string& what, const auto& keep) {
            if (!o.is_object()) problem = what + " is not an object of names and counts";
            for (auto it = o.begin(); problem.empty() && it != o.end(); ++it) {
                if (it.key().empty()) problem = what + " holds an empty name";
                else if (isCount(*it)) keep(it.key(), it->get<long long>());
                else problem = what + " " + cleanText(it.key(), 64) + " is not a count";
            }
        };
        if (!f->is_object()) problem = "figures is not an object";
        else {
            if (const auto c = f->find("stand"); c != f->end())
                counts(*c, "figures.stand", [&](const std::string& m, long long n) { r.figures[""][m] = n; });
            if (const auto c = f->find("sectors"); c != f->end())
                counts(*c, "figures.sectors", [&](const std::string& s, long long n) { r.figures[s]["sector_filter"] = n; });
            // In the report a company and a sector share one map of subjects: a sector's one
            // metric, sector_filter, is no company's, and no subject but the stand is "".
            if (const auto c = f->find("companies"); c != f->end()) {
                if (!c->is_object()) problem = "figures.companies is not an object";
                for (auto it = c->begin(); problem.empty() && it != c->end(); ++it) {
                    const std::string what = "figures.companies." + cleanText(it.key(), 64);
                    if (it.key().empty()) problem = "figures.companies holds an empty company id";
                    else if (it->is_object() && it->contains("sector_filter"))
                        problem = what + ".sector_filter is a sector's figure, not a company's";
                    else
                        counts(*it, what, [&, id = it.key()](const std::string& m, long long n) { r.figures[id][m] = n; });
                }
            }
        }
        if (!problem.empty()) return fail(problem);
    }
    if (!bad.empty()) return fail(bad);
    if (r.kioskId.empty()) return fail("kiosk_id is missing");
    if (!parseUtcMs(r.clock)) return fail("clock is not a UTC time like 2026-05-27T09:30:00.123Z");
    return r;
}

std::string statusUrl(const std::string& endpoint, const std::string& statusEndpoint) {
    if (!statusEndpoint.empty()) return statusEndpoint;
    CURLU* u = curl_url();
    if (!u) return {};
    std::string out;
    char* path = nullptr;
    if (curl_url_set(u, CURLUPART_URL, endpoint.c_str(), 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path) {
        std::string p = path;
        p = p.substr(0, p.rfind('/') + 1) + "status"; // a path always starts with '/'
        char* url = nullptr;
        if (curl_url_set(u, CURLUPART_PATH, p.c_str(), 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK && url)
            out = url;
        curl_free(url);
    }
    curl_free(path);
    curl_url_cleanup(u);
    return out;
}

std::optional<std::int64_t> parseUtcMs(std::string_view t) {
    const auto digits = [&](size_t at, size_t n, int& out) {
        if (at + n > t.size()) return false;
        out = 0;
        for (size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return false;
            out = out * 10 + (t[i] - '0');
        }
        return true;
    };
    int y, mo, d, h, mi, s;
    if (t.size() < 20 || !digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
        (t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
        !digits(17, 2, s))
        return std::nullopt;
    size_t i = 19;
    int ms = 0, scale = 100;
    if (t[i] == '.') {
        const size_t first = ++i;
        for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, scale /= 10)
            ms += (t[i] - '0') * scale;
        if (i == first) return std::nullopt;
    }
    if (i + 1 != t.size() || (t[i] != 'Z' && t[i] != 'z')) return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    const auto at = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
    return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

Verdict classifyStatus(long status) {
    if (status >= 200 && status < 300) return Verdict::Ok;
    if (status == 401 || status == 403) return Verdict::Credentials;
    if (status == 408 || status == 429 || (status >= 500 && status < 600)) return Verdict::Retry;
    return Verdict::Stop;
}

std::optional<double> parseRetryAfter(std::string_view value, std::int64_t nowUnixS) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' || value.back() == '\n'))
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    bool digits = true;
    for (char c : value) digits = digits && c >= '0' && c <= '9';
    if (digits) {
        if (value.size() > 9) return 1e9; // absurd; the backoff caps it
        return static_cast<double>(std::stol(std::string(value)));
    }
    // An HTTP date (IMF-fixdate, RFC 850 or asctime): curl_getdate parses all three.
    const std::string s(value);
    if (s.find(',') == std::string::npos && s.find(' ') == std::string::npos) return std::nullopt;
    const time_t t = curl_getdate(s.c_str(), nullptr);
    if (t == static_cast<time_t>(-1)) return std::nullopt;
    return std::max(0.0, static_cast<double>(t) - static_cast<double>(nowUnixS));
}

std::string formatSeconds(double s) {
    char buf[32];
    if (std::fabs(s - std::round(s)) < 0.05 || s >= 10) std::snprintf(buf, sizeof buf, "%.0f s", s);
    else std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

std::string statusMessage(long status, const std::string& host) {
    const std::string http = httpLabel(status);
    if (status == 401 || status == 403)
        return "The server refused the credentials (" + http + ") — check sync.token / sync.secret";
    if (status == 408) return "The server gave up waiting for the upload (" + http + ")";
    if (status == 429) return "The server asked the kiosk to slow down (" + http + ")";
    if (status >= 500 && status < 600) return "The server " + host + " has a problem (" + http + ")";
    if (status >= 300 && status < 400)
        return "The server sent the upload elsewhere (" + http + ") — set sync.endpoint to the final address";
    if (status == 404 || status == 405 || status == 410)
        return "The server has no upload address there (" + http + ") — check sync.endpoint";
    if (status == 413) return "The server found the upload too large (" + http + ") — lower sync.batch_size";
    if (status == 400 || status == 415 || status == 422)
        return "The server did not accept the upload's format (" + http + ") — it must speak sync protocol schema " +
               std::to_string(kSchemaVersion);
    return "The server refused the upload (" + http + ")";
}

std::string cleanText(std::string_view s, size_t maxBytes) {
    // Round-trip through nlohmann's replacing serializer would escape; do it by hand instead.
    std::string out;
    out.reserve(std::min(s.size(), maxBytes));
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = n > 0 && i + n <= s.size();
        for (size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        std::string_view piece;
        if (!valid) {
            piece = "\xEF\xBF\xBD"; // U+FFFD
            n = 1;
        } else if (n == 1 && (c < 0x20 || c == 0x7F)) {
            piece = " ";
        } else {
            piece = s.substr(i, n);
        }
        if (out.size() + piece.size() > maxBytes) break;
        out += piece;
        i += n;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

} // namespace kiosk::core::sync
