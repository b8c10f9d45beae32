/// @brief The organiser's login: passwords (Argon2id, set by `kiosk-hub set-password`), sessions
/// (a random 256-bit id in a cookie, only its SHA-256 in the database, ended by age and by
/// idleness), CSRF tokens compared in constant time, and a limit on failed logins.
#pragma once
#include "../storage.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::hub::web {

/// A shorter password is refused by set-password.
constexpr size_t kMinPasswordChars = 12;
/// The user set-password and the login form assume when none is named.
inline constexpr const char* kDefaultUser = "organiser";
/// The session cookie's name.
inline constexpr const char* kSessionCookie = "hub_session";

/// Stores `password`'s Argon2id hash for `user` (created or replaced) and ends the user's
/// sessions: a changed password logs everyone out who knew the old one.
StorageResult setPassword(Storage& storage, const std::string& user, const std::string& password, std::int64_t nowMs);
/// True when `user` exists and `password` is theirs. Takes as long for a user that does not
/// exist (a hash is checked either way), so the answer's time does not tell which users exist.
StorageResult checkPassword(Storage& storage, const std::string& user, const std::string& password, bool& ok);

struct Session {
    std::string user;
    std::string csrf; ///< the token every form of this session carries
    std::int64_t createdMs = 0, lastMs = 0;
};

/// How long a session lives: from its login at most `maxAgeMs`, and `idleMs` after its last use.
struct SessionLimits {
    std::int64_t maxAgeMs = 12LL * 3600 * 1000;
    std::int64_t idleMs = 3600LL * 1000;
};

/// A new session for `user`; `cookieId` (64 hex digits, 256 random bits) is for the browser
/// only: the database keeps its SHA-256. Expired sessions of anyone are deleted on the way.
StorageResult createSession(Storage& storage, const std::string& user, std::int64_t nowMs, const SessionLimits& limits,
                            std::string& cookieId, Session& out);
/// The live session of `cookieId`, its last use moved to now; nullopt when there is none or
/// it expired (then it is deleted). Ids of the wrong shape are not looked up.
StorageResult findSession(Storage& storage, const std::string& cookieId, std::int64_t nowMs,
                          const SessionLimits& limits, std::optional<Session>& out);
StorageResult endSession(Storage& storage, const std::string& cookieId);

/// 64 hex digits of fresh randomness (libsodium); empty when libsodium cannot start.
std::string randomToken();
/// Equal, in time that depends only on the lengths (a CSRF token, a cookie).
bool sameSecret(std::string_view a, std::string_view b);
/// The value of cookie `name` in a Cookie header; empty when it is not there.
std::string cookieValue(std::string_view header, std::string_view name);
/// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure when `secure`; an empty
/// `value` with maxAgeS 0 deletes the cookie.
std::string cookieHeader(std::string_view name, std::string_view value, bool secure, std::int64_t maxAgeS);

/// Failed logins, per address and per user name: after `maxFailures` within `windowMs`, a
/// further try waits until the oldest of them is `windowMs` old. Kept in memory (a restart
/// forgets it; each hub instance counts its own).
class LoginLimiter {
public:
    explicit LoginLimiter(int maxFailures = 5, std::int64_t windowMs = 15LL * 60 * 1000)
        : m_max(maxFailures), m_window(windowMs) {}
    /// Milliseconds until `ip` may try `user` again; 0: now.
    std::int64_t waitMs(const std::string& ip, const std::string& user, std::int64_t nowMs);
    void failed(const std::string& ip, const std::string& user, std::int64_t nowMs);
    /// A right password clears the user's count (not the address's: one known account must not
    /// reset the guessing of others from there).
    void succeeded(const std::string& user);

private:
    std::int64_t waitFor(const std::string& key, std::int64_t nowMs);
    void prune(std::int64_t nowMs);

    int m_max;
    std::int64_t m_window;
    std::mutex m_mutex;
    std::map<std::string, std::deque<std::int64_t>> m_failures; ///< "ip " / "user " + key -> times
};

} // namespace kiosk::hub::web
