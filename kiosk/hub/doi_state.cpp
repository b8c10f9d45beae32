#include "doi_state.hpp"

namespace kiosk::hub {

const char* doiName(DoiState state) {
    switch (state) {
    case DoiState::None: return "none";
    case DoiState::Pending: return "pending";
    case DoiState::Confirmed: return "confirmed";
    case DoiState::Declined: return "declined";
    case DoiState::Bounced: return "bounced";
    }
    return "none";
}

StorageResult loadDoiStates(Storage&, std::map<std::string, DoiState>& out) {
    out.clear(); // until the double opt-in is there (doi.*), no lead has a state
    return {};
}

} // namespace kiosk::hub
