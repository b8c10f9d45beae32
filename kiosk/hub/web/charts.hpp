/// @brief Bar charts as inline SVG, drawn by the server: the pages run no script, and the hub
/// may be on a fair's network without internet (no chart library from a CDN).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::hub::web {

struct Bar {
    std::string label;
    long long value = 0;
};

/// One horizontal bar per entry, its label on the left and its value at its end, under an axis
/// from 0 to the largest value with ticks, named `unit`. Every text is escaped. An empty list
/// gives a short note instead of a chart.
std::string barChart(std::string_view title, std::string_view unit, const std::vector<Bar>& bars);

} // namespace kiosk::hub::web
