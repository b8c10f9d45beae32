/// @brief What every page of the hub shares: escaping, the page shell and the headers that make
/// a browser refuse anything but our own markup and stylesheet (no script runs on these pages).
/// Every value that came from a kiosk, a visitor or a URL goes through escape() on its way into
/// HTML; the pages never build markup from such text any other way.
#pragma once
#include <string>
#include <string_view>

namespace httplib {
struct Response;
}

namespace kiosk::hub::web {

/// Text made safe for HTML element content and for double- or single-quoted attribute values.
std::string escape(std::string_view text);

/// The security headers every HTML answer gets: a Content-Security-Policy that allows only the
/// hub's own stylesheet and inline SVG/data images (no script at all), no framing, no referrer
/// (exhibitor links carry their token in the path), no caching (pages hold personal data).
void setSecurityHeaders(httplib::Response& res);

/// Answers `status` with a whole page: `title` (escaped here) and `bodyHtml` (already HTML, built
/// with escape()), the shared stylesheet linked; `nav` (HTML) is shown above the content.
void sendPage(httplib::Response& res, int status, std::string_view title, std::string_view bodyHtml,
              std::string_view nav = {});

/// The stylesheet of every page (screen and print), served at kStylesheetPath.
inline constexpr const char* kStylesheetPath = "/hub.css";
std::string_view stylesheet();

} // namespace kiosk::hub::web
