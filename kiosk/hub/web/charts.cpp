#include "charts.hpp"

#include "html.hpp"

#include "core/leads/validation.hpp"

#include <algorithm>

namespace kiosk::hub::web {

namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

/// At most `chars` characters (UTF-8 aware), "…" when cut: a long exhibitor id must not run into the bars.
std::string shortLabel(const std::string& s, size_t chars) {
    if (core::charCount(s) <= chars) return s;
    std::string out;
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++n > chars - 1) break;
        out += s[i];
    }
    return out + "\xE2\x80\xA6";
}

/// The smallest of 1, 2, 5, 10, 20, 50 … that gives at most five ticks up to `max`.
long long tickStep(long long max) {
    for (long long decade = 1;; decade *= 10)
        for (long long m : {1, 2, 5})
            if (max <= 5 * m * decade) return m * decade;
}
} // namespace

std::string barChart(std::string_view title, std::string_view unit, const std::vector<Bar>& bars) {
    std::string out = "<figure class=\"chart\"><figcaption>" + escape(title) + "</figcaption>";
    if (bars.empty()) return out + "<p class=\"muted\">No leads yet.</p></figure>";
    constexpr double kLabelW = 170, kBarW = 330, kRowH = 22, kTop = 6, kAxisH = 40;
    long long max = 1;
    for (const auto& b : bars)
        max = std::max(max, b.value);
    const long long step = tickStep(max);
    const long long top = (max + step - 1) / step * step;
    const double height = kTop + kRowH * double(bars.size()) + kAxisH;
    const double width = kLabelW + kBarW + 60;
    const auto x = [&](long long v) { return kLabelW + kBarW * double(v) / double(top); };
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " + num(width) + " " + num(height) +
           "\" width=\"" + num(width) + "\" height=\"" + num(height) + "\"><title>" + escape(title) + "</title>";
    const double axisY = kTop + kRowH * double(bars.size());
    for (long long t = 0; t <= top; t += step) {
        const std::string tx = num(x(t));
        out += "<line class=\"grid\" x1=\"" + tx + "\" x2=\"" + tx + "\" y1=\"" + num(kTop) + "\" y2=\"" +
               num(axisY + 4) + "\"/><text x=\"" + tx + "\" y=\"" + num(axisY + 17) + "\" text-anchor=\"middle\">" +
               std::to_string(t) + "</text>";
    }
    for (size_t i = 0; i < bars.size(); ++i) {
        const double y = kTop + kRowH * double(i);
        const std::string mid = num(y + kRowH / 2 + 4);
        out += "<text x=\"" + num(kLabelW - 8) + "\" y=\"" + mid + "\" text-anchor=\"end\">" +
               escape(shortLabel(bars[i].label, 24)) + "<title>" + escape(bars[i].label) + "</title></text>";
        out += "<rect class=\"bar\" x=\"" + num(kLabelW) + "\" y=\"" + num(y + 3) + "\" width=\"" +
               num(x(bars[i].value) - kLabelW) + "\" height=\"" + num(kRowH - 6) + "\"/>";
        out += "<text class=\"value\" x=\"" + num(x(bars[i].value) + 5) + "\" y=\"" + mid + "\">" +
               std::to_string(bars[i].value) + "</text>";
    }
    out += "<line class=\"axis\" x1=\"" + num(kLabelW) + "\" x2=\"" + num(kLabelW + kBarW) + "\" y1=\"" + num(axisY) +
           "\" y2=\"" + num(axisY) + "\"/><text x=\"" + num(kLabelW + kBarW / 2) + "\" y=\"" + num(axisY + 34) +
           "\" text-anchor=\"middle\">" + escape(unit) + "</text></svg></figure>";
    return out;
}

} // namespace kiosk::hub::web
