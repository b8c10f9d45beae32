/// @brief Bilingual text and the UI language: the one type every visible string uses.
#pragma once
#include <string>
#include <string_view>

namespace kiosk::core {

enum class Lang { De, En };

inline const char* langCode(Lang l) { return l == Lang::De ? "de" : "en"; }

/// A text shown to visitors, always present in both languages.
struct Text {
    std::string de;
    std::string en;
    const std::string& in(Lang l) const { return l == Lang::De ? de : en; }
};

} // namespace kiosk::core
