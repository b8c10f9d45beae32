/// @brief Sending one mail over SMTP (libcurl): the MIME text (text/plain, UTF-8, headers
/// encoded by RFC 2047) and the transfer, with STARTTLS demanded unless the server is local.
#pragma once
#include "hub_config.hpp"

#include <cstdint>
#include <string>

namespace kiosk::hub {

struct Mail {
    std::string to;      ///< a bare address
    std::string subject; ///< UTF-8
    std::string body;    ///< UTF-8, lines separated by \n
};

/// The whole message as sent: Date, Message-ID, From, To, Subject, MIME headers, the body in
/// base64 (any UTF-8 passes any server), every line ended by CRLF.
std::string mimeMessage(const std::string& from, const Mail& mail, std::int64_t nowMs);

/// A header value as RFC 2047 encoded words when it is not plain printable ASCII.
std::string encodeHeader(const std::string& text);

struct SendResult {
    bool ok = false;
    bool permanent = false; ///< the server refused for good (5xx): retrying will not help
    long code = 0;          ///< the server's last reply code, 0 when it never answered
    std::string error;      ///< plain words for the log; never the address or a password
};

/// One try, on the calling thread.
SendResult sendMail(const DoiConfig& config, const Mail& mail, std::int64_t nowMs);

} // namespace kiosk::hub
