#include "auth.hpp"

#include "core/leads/lead.hpp"
#include "core/staff/pin.hpp"

#include <sodium.h>

#include <algorithm>

namespace kiosk::hub::web {

namespace {
bool hexId(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// A real Argon2id hash of nothing anyone knows, checked when the user does not exist.
const std::string& decoyHash() {
    static const std::string hash = core::hashSecret(randomToken());
    return hash;
}
} // namespace

StorageResult setPassword(Storage& storage, const std::string& user, const std::string& password, std::int64_t nowMs) {
    const std::string hash = core::hashSecret(password); // Argon2id, as the kiosk's PIN
    if (hash.empty()) return {false, "libsodium could not hash the password (out of memory?)"};
    return storage.transaction("setting the password of " + user, [&](SqlTx& tx) {
        tx.query(
            "INSERT INTO web_users(name, password_hash, changed_ms) VALUES ($1, $2, $3) "
            "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash, changed_ms = excluded.changed_ms",
            {user, hash, nowMs});
        tx.query("DELETE FROM web_sessions WHERE user_name = $1", {user});
    });
}

StorageResult checkPassword(Storage& storage, const std::string& user, const std::string& password, bool& ok) {
    ok = false;
    std::optional<std::string> hash;
    const StorageResult r = storage.transaction("reading the login of " + user, [&](SqlTx& tx) {
        const SqlResult rows = tx.query("SELECT password_hash FROM web_users WHERE name = $1", {user});
        if (!rows.empty()) hash = rows.rows[0].text(0);
    });
    if (!r) return r;
    const bool right = core::verifySecret(hash ? *hash : decoyHash(), password);
    ok = hash.has_value() && right;
    return {};
}

StorageResult createSession(Storage& storage, const std::string& user, std::int64_t nowMs, const SessionLimits& limits,
                            std::string& cookieId, Session& out) {
    cookieId = randomToken();
    out = {user, randomToken(), nowMs, nowMs};
    if (cookieId.empty() || out.csrf.empty()) return {false, "libsodium could not start: no session made"};
    return storage.transaction("starting a session", [&](SqlTx& tx) {
        tx.query("DELETE FROM web_sessions WHERE created_ms < $1 OR last_ms < $2",
                 {nowMs - limits.maxAgeMs, nowMs - limits.idleMs});
        tx.query(
            "INSERT INTO web_sessions(id_sha256, user_name, csrf, created_ms, last_ms) VALUES ($1, $2, $3, $4, $4)",
            {core::sha256Hex(cookieId), user, out.csrf, nowMs});
    });
}

StorageResult findSession(Storage& storage, const std::string& cookieId, std::int64_t nowMs,
                          const SessionLimits& limits, std::optional<Session>& out) {
    out.reset();
    if (!hexId(cookieId)) return {};
    const std::string key = core::sha256Hex(cookieId);
    return storage.transaction("reading a session", [&](SqlTx& tx) {
        const SqlResult rows =
            tx.query("SELECT user_name, csrf, created_ms, last_ms FROM web_sessions WHERE id_sha256 = $1", {key});
        if (rows.empty()) return;
        const SqlRow& row = rows.rows[0];
        Session s{row.text(0), row.text(1), row.integer(2), row.integer(3)};
        if (nowMs - s.createdMs > limits.maxAgeMs || nowMs - s.lastMs > limits.idleMs) {
            tx.query("DELETE FROM web_sessions WHERE id_sha256 = $1", {key});
            return;
        }
        tx.query("UPDATE web_sessions SET last_ms = $1 WHERE id_sha256 = $2 AND last_ms < $1", {nowMs, key});
        s.lastMs = std::max(s.lastMs, nowMs);
        out = std::move(s);
    });
}

StorageResult endSession(Storage& storage, const std::string& cookieId) {
    if (!hexId(cookieId)) return {};
    return storage.transaction("ending a session", [&](SqlTx& tx) {
        tx.query("DELETE FROM web_sessions WHERE id_sha256 = $1", {core::sha256Hex(cookieId)});
    });
}

std::string randomToken() {
    if (sodium_init() < 0) return {};
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    return hex;
}

bool sameSecret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string cookieValue(std::string_view header, std::string_view name) {
    size_t at = 0;
    while (at < header.size()) {
        size_t end = header.find(';', at);
        if (end == std::string_view::npos) end = header.size();
        std::string_view part = header.substr(at, end - at);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
            return std::string(part.substr(name.size() + 1));
        at = end + 1;
    }
    return {};
}

std::string cookieHeader(std::string_view name, std::string_view value, bool secure, std::int64_t maxAgeS) {
    std::string out = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict";
    if (maxAgeS >= 0) out += "; Max-Age=" + std::to_string(maxAgeS);
    if (secure) out += "; Secure";
    return out;
}

namespace {
/// The key of a user name: cut, so that names of a megabyte each cannot fill memory.
std::string userKey(const std::string& user) {
    return "user " + user.substr(0, 64);
}
} // namespace

std::int64_t LoginLimiter::waitFor(const std::string& key, std::int64_t nowMs) {
    auto it = m_failures.find(key);
    if (it == m_failures.end()) return 0;
    auto& times = it->second;
    while (!times.empty() && times.front() <= nowMs - m_window)
        times.pop_front();
    if (static_cast<int>(times.size()) < m_max) return 0;
    return times[times.size() - static_cast<size_t>(m_max)] + m_window - nowMs;
}

std::int64_t LoginLimiter::waitMs(const std::string& ip, const std::string& user, std::int64_t nowMs) {
    std::lock_guard lock(m_mutex);
    return std::max(waitFor("ip " + ip, nowMs), waitFor(userKey(user), nowMs));
}

void LoginLimiter::failed(const std::string& ip, const std::string& user, std::int64_t nowMs) {
    std::lock_guard lock(m_mutex);
    if (m_failures.size() > 10000) prune(nowMs); // a flood of names must not grow it without end
    for (const std::string& key : {"ip " + ip, userKey(user)}) {
        auto& times = m_failures[key];
        times.push_back(nowMs);
        // Only the last m_max count for the wait.
        while (static_cast<int>(times.size()) > m_max)
            times.pop_front();
    }
}

void LoginLimiter::succeeded(const std::string& user) {
    std::lock_guard lock(m_mutex);
    m_failures.erase(userKey(user));
}

void LoginLimiter::prune(std::int64_t nowMs) {
    for (auto it = m_failures.begin(); it != m_failures.end();)
        it = !it->second.empty() && it->second.back() > nowMs - m_window ? std::next(it) : m_failures.erase(it);
}

} // namespace kiosk::hub::web
