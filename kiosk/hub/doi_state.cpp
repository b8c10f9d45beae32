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

// loadDoiStates is in doi.cpp, beside the table it reads.

} // namespace kiosk::hub
