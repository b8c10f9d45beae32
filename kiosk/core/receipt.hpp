/// @brief What the visitor takes home from the thank-you screen: an exhibitor's contact as a
/// vCard, and a receipt of the consent they gave (both the text of a QR code).
#pragma once
#include "content/content.hpp"
#include "leads/lead.hpp"

#include <string>

namespace kiosk::core {

/// The company's contact as a vCard 3.0 (RFC 2426): name, contact person, email, phone and
/// website as far as the content has them. Text values are escaped (\\ \; \, \n), lines end
/// in CRLF; UTF-8 throughout.
std::string vcard(const Company& company);

/// The labels of the receipt's lines, in the visitor's language (UI strings).
struct ReceiptLabels {
    std::string title, lead, consent, time, withdraw;
};

/// What the receipt says: which lead, which consent text, when, and how to withdraw it.
/// Nothing else about the visitor: the lead id is all that links the receipt to them.
struct ReceiptFacts {
    std::string leadId;
    Consent consent;         ///< version, sha256 and atMs are used
    std::string organiser;   ///< who to write to: the organiser's name
    std::string contact;     ///< and its privacy email (or postal address)
    std::string withdrawUrl; ///< the hub's withdrawal page, or empty (no hub)
};

/// The receipt as plain lines (shown on screen and encoded in its QR code, the same text).
std::string consentReceipt(const ReceiptFacts& facts, const ReceiptLabels& labels);

/// `url` with the lead id as its `lead` parameter (`?lead=` or `&lead=`); empty when `url` is.
std::string withdrawLink(const std::string& url, const std::string& leadId);

} // namespace kiosk::core
