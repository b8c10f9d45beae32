#include "erasure.hpp"

namespace kiosk::hub {

StorageResult eraseByEmail(Storage&, const std::string&, const std::string&, std::int64_t, long long& erased) {
    erased = 0;
    return {false, "erasure on the hub is not there yet"}; // fails closed until erasure.cpp is written
}

} // namespace kiosk::hub
