/// @brief A lead's double opt-in state, as the pages and the exports show it. The double opt-in
/// itself (mails, confirm links) lives in doi.*; this is what the rest of the hub reads.
#pragma once
#include "storage.hpp"

#include <map>
#include <string>

namespace kiosk::hub {

enum class DoiState {
    None,      ///< no confirmation asked (double opt-in off, or the lead asked for no email contact)
    Pending,   ///< mail queued or sent, no answer yet
    Confirmed, ///< the visitor confirmed by the link
    Declined,  ///< the visitor said "this was not me"
    Bounced,   ///< the mail could not be delivered
};

/// "none", "pending", "confirmed", "declined", "bounced": the words exports and pages use.
const char* doiName(DoiState state);

/// The state of every lead that has one (a lead missing from `out` is None).
StorageResult loadDoiStates(Storage& storage, std::map<std::string, DoiState>& out);

} // namespace kiosk::hub
