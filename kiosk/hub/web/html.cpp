#include "html.hpp"

#include <httplib.h>

namespace kiosk::hub::web {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char ch : text) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += ch;
        }
    }
    return out;
}

void setSecurityHeaders(httplib::Response& res) {
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
}

void sendPage(httplib::Response& res, int status, std::string_view title, std::string_view bodyHtml,
              std::string_view nav) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>";
    html += escape(title);
    html += " · kiosk-hub</title><link rel=\"stylesheet\" href=\"";
    html += kStylesheetPath;
    html += "\"></head><body>";
    if (!nav.empty()) {
        html += "<nav>";
        html += nav;
        html += "</nav>";
    }
    html += "<main><h1>";
    html += escape(title);
    html += "</h1>";
    html += bodyHtml;
    html += "</main></body></html>\n";
    res.status = status;
    setSecurityHeaders(res);
    res.set_content(html, "text/html; charset=utf-8");
}

std::string_view stylesheet() {
    return R"css(
:root { --ink: #1b1f24; --muted: #5a6270; --line: #d5d9e0; --accent: #0b5cad; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
nav { display: flex; gap: 1.2em; align-items: center; padding: .7em 1.5em; background: #12263f; }
nav a, nav button { color: #fff; text-decoration: none; font: inherit; background: none; border: 0; cursor: pointer; }
nav form { margin-left: auto; }
main { max-width: 72em; margin: 0 auto; padding: 1.2em 1.5em 3em; }
h1 { font-size: 1.6em; margin: .4em 0 .8em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .6em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1em 1.2em; margin: 0 0 1em; }
.bad { color: #a4000f; font-weight: 600; }
.ok { color: #0a6b2d; font-weight: 600; }
.muted { color: var(--muted); }
input, select, button { font: inherit; padding: .35em .6em; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
pre { white-space: pre-wrap; background: #fff; border: 1px solid var(--line); padding: .8em; }
svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg .bar { fill: var(--accent); }
svg .value { fill: var(--ink); font-weight: 600; }
svg .grid { stroke: var(--line); }
svg .axis { stroke: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(34em, 1fr)); gap: 1em; }
figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8em 1em; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: .4em; }
.tiles { display: flex; gap: 1em; flex-wrap: wrap; }
.tile { flex: 1; min-width: 10em; }
.big { display: block; font-size: 2em; font-weight: 700; }
table.fields th { width: 14em; }
table.health td, table.health th { font-size: .9em; }
td.time, table.health td:first-child { white-space: nowrap; }
form.login label { display: inline-block; margin: 0 0 .7em; }
.card.login { max-width: 24em; }
code { background: #eef0f3; padding: 0 .25em; }
.card > h2:first-child { margin-top: 0; }
@media print {
  nav, form, .noprint { display: none !important; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .card { border: 0; padding: 0; }
  figure.chart, table.fields { break-inside: avoid; }
  pre { border: 1px solid #999; }
  a { color: inherit; text-decoration: none; }
}
)css";
}

} // namespace kiosk::hub::web
