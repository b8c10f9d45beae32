/// @brief The core's one error convention: an operation succeeded, or says why not.
///
/// `error` is for staff: what failed, in plain words, with the path and the cause. A read
/// carries its value; when it fails the value is not a shorter list or a zero to be taken
/// for the truth (a damaged page is an error, not "no leads").
#pragma once
#include <string>

namespace kiosk::core {

struct Status {
    bool ok = true;
    std::string error;
    explicit operator bool() const { return ok; }
    static Status failed(std::string why) { return {false, std::move(why)}; }
};

template <class T> struct Result : Status {
    T value{};
};

} // namespace kiosk::core
