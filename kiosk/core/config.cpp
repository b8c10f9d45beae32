#include "config.hpp"

#include "toml_reader.hpp"

namespace kiosk::core {

ConfigLoad loadConfig(const std::filesystem::path& path) {
    ConfigLoad out;
    if (path.empty()) return out;
    auto doc = parseTomlFile(path.string(), path.string(), out.problems);
    if (!doc) return out;
    KioskConfig& c = out.config;
    TomlReader r(*doc, path.string(), out.problems);
    if (const auto* t = r.table("kiosk", false)) {
        TomlReader k(*t, path.string(), out.problems, "kiosk");
        if (auto id = k.str("id", false, 64); !id.empty()) c.kioskId = id;
        c.idleTimeoutS = k.number("idle_timeout_s", c.idleTimeoutS, 15, 3600);
        c.idleWarningS = k.number("idle_warning_s", c.idleWarningS, 0, 120);
        if (c.idleWarningS >= c.idleTimeoutS) {
            k.problem("idle_warning_s", "is not shorter than idle_timeout_s", "make the warning shorter than the timeout");
            // Both back to the defaults: otherwise the countdown would show from the first second.
            c.idleTimeoutS = KioskConfig{}.idleTimeoutS;
            c.idleWarningS = KioskConfig{}.idleWarningS;
        }
        k.finish();
    }
    if (const auto* t = r.table("screen", false)) {
        TomlReader s(*t, path.string(), out.problems, "screen");
        c.diagonalInch = s.number("diagonal_inch", c.diagonalInch, 7, 120);
        c.pixelPitchMm = s.number("pixel_pitch_mm", c.pixelPitchMm, 0, 5);
        c.theme = s.str("theme", false, 10);
        if (c.theme.empty()) c.theme = "light";
        if (c.theme != "light" && c.theme != "dark") {
            s.problem("theme", "unknown theme '" + c.theme + "'", "use \"light\" or \"dark\"");
            c.theme = "light";
        }
        s.finish();
    }
    r.finish();
    return out;
}

} // namespace kiosk::core
