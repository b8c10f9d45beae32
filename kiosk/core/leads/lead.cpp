#include "lead.hpp"

#include "validation.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cstdio>
#include <ctime>

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
    const std::time_t s = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
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

std::map<std::string, Answer> answersFromJson(const std::string& json) {
    std::map<std::string, Answer> out;
    auto j = nlohmann::json::parse(json.empty() ? "{}" : json, nullptr, false);
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

} // namespace kiosk::core
