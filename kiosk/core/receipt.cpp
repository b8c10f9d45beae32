#include "receipt.hpp"

namespace kiosk::core {

namespace {

/// RFC 2426 §4 text value: backslash, semicolon, comma and line breaks are escaped; a CR
/// (alone or before LF) is one line break.
std::string escaped(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' || c == ';' || c == ',') {
            out += '\\';
            out += c;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

/// A URI value is not escaped, but a line break in it would end the property.
std::string oneLine(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '\r' && c != '\n') out += c;
    return out;
}

std::string trimmed(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

} // namespace

std::string vcard(const Company& c) {
    const std::string person = trimmed(c.contactName);
    std::string out = "BEGIN:VCARD\r\nVERSION:3.0\r\n";
    // N is required: family name last word, given names before it; without a person, empty.
    std::string family, given;
    if (const size_t sp = person.rfind(' '); sp != std::string::npos) {
        family = trimmed(person.substr(sp + 1));
        given = trimmed(person.substr(0, sp));
    } else {
        family = person;
    }
    out += "N:" + escaped(family) + ";" + escaped(given) + ";;;\r\n";
    out += "FN:" + escaped(person.empty() ? c.name : person) + "\r\n";
    out += "ORG:" + escaped(c.name) + "\r\n";
    if (!c.contactEmail.empty()) out += "EMAIL;TYPE=INTERNET,WORK:" + escaped(c.contactEmail) + "\r\n";
    if (!c.contactPhone.empty()) out += "TEL;TYPE=WORK,VOICE:" + escaped(c.contactPhone) + "\r\n";
    if (!c.website.empty()) out += "URL:" + oneLine(c.website) + "\r\n";
    out += "END:VCARD\r\n";
    return out;
}

std::string withdrawLink(const std::string& url, const std::string& leadId) {
    if (url.empty()) return {};
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "lead=" + leadId;
}

std::string consentReceipt(const ReceiptFacts& f, const ReceiptLabels& l) {
    std::string out = l.title + "\n";
    out += l.lead + ": " + f.leadId + "\n";
    out += l.consent + ": " + f.consent.version + "\n";
    out += "SHA-256: " + f.consent.sha256 + "\n";
    out += l.time + ": " + isoUtc(f.consent.atMs) + "\n";
    std::string who = f.organiser;
    if (!f.contact.empty()) who += (who.empty() ? "" : ", ") + f.contact;
    out += l.withdraw + ": " + who;
    if (const std::string link = withdrawLink(f.withdrawUrl, f.leadId); !link.empty()) out += "\n" + link;
    return out;
}

} // namespace kiosk::core
