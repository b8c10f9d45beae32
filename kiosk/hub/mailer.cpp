#include "mailer.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <cstring>
#include <ctime>

namespace kiosk::hub {

namespace {
std::string base64(const std::string& bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

std::string rfc5322Date(std::int64_t nowMs) {
    const std::time_t t = static_cast<std::time_t>(nowMs / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

/// "Name <address>" with the name encoded; a bare address as it is.
std::string encodeMailbox(const std::string& mailbox) {
    const size_t lt = mailbox.rfind('<');
    if (lt == std::string::npos) return mailbox;
    std::string name = mailbox.substr(0, lt);
    while (!name.empty() && name.back() == ' ')
        name.pop_back();
    if (name.empty()) return mailbox.substr(lt);
    const std::string enc = encodeHeader(name);
    // A plain name with specials must be quoted; an encoded word stands as it is.
    const bool quote = enc == name && name.find_first_of("()<>@,;:\\\".[]") != std::string::npos;
    return (quote ? "\"" + name + "\"" : enc) + " " + mailbox.substr(lt);
}

struct Upload {
    const std::string* text;
    size_t at = 0;
};

size_t readUpload(char* buf, size_t size, size_t n, void* user) {
    auto* u = static_cast<Upload*>(user);
    const size_t len = std::min(size * n, u->text->size() - u->at);
    std::memcpy(buf, u->text->data() + u->at, len);
    u->at += len;
    return len;
}
} // namespace

std::string encodeHeader(const std::string& text) {
    bool plain = true;
    for (unsigned char c : text)
        plain = plain && c >= 0x20 && c < 0x7f;
    if (plain && text.find("=?") == std::string::npos) return text;
    // Encoded words are at most 75 characters: cut the text into pieces of whole UTF-8
    // characters (45 bytes give 60 base64 characters plus the 12 of =?UTF-8?B?…?=).
    std::string out;
    for (size_t at = 0; at < text.size();) {
        size_t end = std::min(text.size(), at + 45);
        while (end < text.size() && end > at && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(at, end - at)) + "?=";
        at = end;
    }
    return out;
}

std::string mimeMessage(const std::string& from, const Mail& mail, std::int64_t nowMs) {
    unsigned char id[16];
    randombytes_buf(id, sizeof id);
    char hex[sizeof id * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, id, sizeof id);
    const std::string address = mailAddress(from);
    const std::string domain = address.substr(address.find('@') + 1);
    std::string body;
    for (char c : mail.body) {
        if (c == '\n')
            body += "\r\n";
        else if (c != '\r')
            body += c;
    }
    std::string m = "Date: " + rfc5322Date(nowMs) + "\r\n";
    m += "Message-ID: <" + std::string(hex) + "@" + domain + ">\r\n";
    m += "From: " + encodeMailbox(from) + "\r\n";
    m += "To: " + mail.to + "\r\n";
    m += "Subject: " + encodeHeader(mail.subject) + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n";
    // A confirmation, not a campaign: auto-responders should not answer it.
    m += "Auto-Submitted: auto-generated\r\n\r\n";
    const std::string b = base64(body);
    for (size_t at = 0; at < b.size(); at += 76)
        m += b.substr(at, 76) + "\r\n";
    return m;
}

SendResult sendMail(const DoiConfig& config, const Mail& mail, std::int64_t nowMs) {
    SendResult out;
    if (sodium_init() < 0) {
        out.error = "libsodium could not start";
        return out;
    }
    const std::string message = mimeMessage(config.from, mail, nowMs);
    CURL* curl = curl_easy_init();
    if (!curl) {
        out.error = "libcurl could not start";
        return out;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    Upload upload{&message};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + mail.to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, config.smtpUrl.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + mailAddress(config.from) + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    // Personal data and a password cross the wire: without TLS the send fails (fail closed),
    // unless the server is on this machine.
    if (config.smtpUrl.rfind("smtp://", 0) == 0 && !config.smtpLoopback())
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!config.smtpUser.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, config.smtpUser.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, config.smtpPassword.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK) {
        out.ok = true;
        return out;
    }
    // 5xx is final, except the server refusing our login (530/534/535/538): a config matter
    // staff fix, after which the mail still has to go.
    const long c = out.code;
    out.permanent = c >= 500 && c < 600 && c != 530 && c != 534 && c != 535 && c != 538;
    out.error = std::string(errbuf[0] ? errbuf : curl_easy_strerror(rc)) +
                (c ? " (the server answered " + std::to_string(c) + ")" : "");
    return out;
}

} // namespace kiosk::hub
