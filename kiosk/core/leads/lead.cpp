#include "lead.hpp"

#include "validation.hpp"

#include "../sync/protocol.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>


namespace kiosk::core {

namespace {
void ensureSodium() {
    static const bool ok = sodium_init() >= 0;
    (void)ok;
}
} // namespace

void wipe(std::string& s, size_t from) {
    if (from >= s.capacity()) return;
    sodium_memzero(s.data() + from, s.capacity() - from);
    s.resize(from);
}

void wipe(Lead& l) {
    for (const auto& f : standardFields()) wipe(l.*f.member);
    for (auto& [id, a] : l.answers) {
        wipe(a.text);
        for (auto& o : a.options) wipe(o);
    }
    l.answers.clear();
    for (auto* list : {&l.sectors, &l.exhibitors}) {
        for (auto& s : *list)
            wipe(s);
        list->clear();
    }
}

std::string newUuid() {
    ensureSodium();
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
    char s[37];
    std::snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                  b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return s;
}

std::string sha256Hex(const std::string& text) {
    ensureSodium();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

std::string isoUtc(std::int64_t ms) {
    // By hand (days to a civil date, H. Hinnant's algorithm) rather than gmtime + snprintf:
    // an export writes two per lead.
    std::int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
    const std::int64_t rest = ms - days * 86'400'000;
    days += 719'468;
    const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const std::int64_t doe = days - era * 146'097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int d = int(doy - (153 * mp + 2) / 5 + 1), m = int(mp < 10 ? mp + 3 : mp - 9);
    const std::int64_t y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999) return "0000-00-00T00:00:00.000Z";
    const int h = int(rest / 3'600'000), mi = int(rest / 60'000 % 60), sec = int(rest / 1000 % 60), milli = int(rest % 1000);
    char b[24] = {char('0' + y / 1000), char('0' + y / 100 % 10), char('0' + y / 10 % 10), char('0' + y % 10), '-',
                  char('0' + m / 10), char('0' + m % 10), '-', char('0' + d / 10), char('0' + d % 10), 'T',
                  char('0' + h / 10), char('0' + h % 10), ':', char('0' + mi / 10), char('0' + mi % 10), ':',
                  char('0' + sec / 10), char('0' + sec % 10), '.', char('0' + milli / 100), char('0' + milli / 10 % 10),
                  char('0' + milli % 10), 'Z'};
    return std::string(b, sizeof b);
}

namespace {
nlohmann::json toJson(const std::map<std::string, Answer>& answers) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [id, a] : answers) {
        if (a.kind == FieldKind::Multi) j[id] = a.options;
        else if (a.kind == FieldKind::YesNo) j[id] = a.yes;
        else j[id] = a.text;
    }
    return j;
}
} // namespace

std::string answersJson(const std::map<std::string, Answer>& answers) {
    return toJson(answers).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
/// {"id":"text",…} in plain ASCII without escapes, the common shape (choices' option ids), read
/// without a JSON parser; false (and `out` empty) for anything else, which the parser reads.
bool flatStrings(const std::string& json, std::map<std::string, Answer>& out) {
    if (json.front() != '{' || json.back() != '}' ||
        std::any_of(json.begin(), json.end(), [](char c) { return c == '\\' || static_cast<unsigned char>(c) >= 0x80; }))
        return false;
    size_t i = 1;
    while (i < json.size() && json[i] == '"') {
        const size_t keyEnd = json.find('"', i + 1);
        if (keyEnd == std::string::npos || keyEnd + 2 >= json.size() || json[keyEnd + 1] != ':' || json[keyEnd + 2] != '"') break;
        const size_t valueEnd = json.find('"', keyEnd + 3);
        if (valueEnd == std::string::npos) break;
        out[json.substr(i + 1, keyEnd - i - 1)].text = json.substr(keyEnd + 3, valueEnd - keyEnd - 3);
        i = valueEnd + 1;
        if (json[i] == ',') ++i;
        else if (json[i] == '}' && i + 1 == json.size()) return true;
        else break;
    }
    out.clear();
    return false;
}
} // namespace

std::map<std::string, Answer> answersFromJson(const std::string& json) {
    std::map<std::string, Answer> out;
    if (json.empty() || json == "{}") return out; // no questions of its own answered
    if (flatStrings(json, out)) return out;
    auto j = nlohmann::json::parse(json, nullptr, false);
    // One damaged byte (a hand edit in Latin-1, say) must not cost the lead all its answers.
    if (j.is_discarded()) j = nlohmann::json::parse(validUtf8(json), nullptr, false);
    if (!j.is_object()) return out;
    for (const auto& [id, v] : j.items()) {
        Answer a;
        if (v.is_string()) a.text = v.get<std::string>();
        else if (v.is_boolean()) {
            a.kind = FieldKind::YesNo;
            a.yes = v.get<bool>();
        } else if (v.is_array()) {
            a.kind = FieldKind::Multi;
            for (const auto& o : v)
                if (o.is_string()) a.options.push_back(o.get<std::string>());
        } else {
            continue;
        }
        out[id] = std::move(a);
    }
    return out;
}

std::string leadJson(const Lead& l) {
    // nlohmann::json objects keep keys sorted: the serialisation is stable.
    nlohmann::json j = {
        {"id", l.id},
        {"created_at", isoUtc(l.createdMs)},
        {"kiosk_id", l.kioskId},
        {"event_id", l.eventId},
        {"language", l.lang},
        {"sectors", l.sectors},
        {"exhibitors", l.exhibitors},
        {"consent",
         {{"version", l.consent.version},
          {"text_sha256", l.consent.sha256},
          {"language", l.consent.lang},
          {"given_at", isoUtc(l.consent.atMs)}}},
        {"newsletter", l.newsletter},
        {"source", l.source},
        {"answers", toJson(l.answers)},
        {"form_version", l.formVersion},
        {"capture", l.capture},
    };
    for (const auto& f : standardFields()) j[std::string(f.id)] = l.*f.member;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<Lead> leadFromJson(std::string_view text) {
    using nlohmann::json;
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    const auto str = [](const json& o, const char* key) {
        const auto it = o.find(key);
        return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const auto ms = [&](const json& o, const char* key) { return sync::parseUtcMs(str(o, key)).value_or(0); };
    const auto ids = [](const json& o, const char* key) {
        std::vector<std::string> out;
        if (const auto it = o.find(key); it != o.end() && it->is_array())
            for (const auto& e : *it)
                if (e.is_string()) out.push_back(e.get<std::string>());
        return out;
    };
    Lead l;
    l.id = str(j, "id");
    l.createdMs = ms(j, "created_at");
    l.kioskId = str(j, "kiosk_id");
    l.eventId = str(j, "event_id");
    l.lang = str(j, "language");
    for (const auto& f : standardFields())
        l.*f.member = str(j, std::string(f.id).c_str());
    l.sectors = ids(j, "sectors");
    l.exhibitors = ids(j, "exhibitors");
    if (const auto it = j.find("answers"); it != j.end() && it->is_object()) l.answers = answersFromJson(it->dump());
    l.formVersion = str(j, "form_version");
    if (const std::string c = str(j, "capture"); !c.empty()) l.capture = c;
    if (const auto it = j.find("consent"); it != j.end() && it->is_object()) {
        l.consent.version = str(*it, "version");
        l.consent.sha256 = str(*it, "text_sha256");
        l.consent.lang = str(*it, "language");
        l.consent.atMs = ms(*it, "given_at");
    }
    if (const auto it = j.find("newsletter"); it != j.end() && it->is_boolean()) l.newsletter = it->get<bool>();
    if (const std::string s = str(j, "source"); !s.empty()) l.source = s;
    l.syncState = "synced"; // it reached the hub
    return l;
}

} // namespace kiosk::core
