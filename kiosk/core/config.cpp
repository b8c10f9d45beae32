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
        c.renderer = s.str("renderer", false, 10);
        if (c.renderer.empty()) c.renderer = "auto";
        if (c.renderer != "auto" && c.renderer != "gl" && c.renderer != "software") {
            s.problem("renderer", "unknown renderer '" + c.renderer + "'", "use \"auto\", \"gl\" or \"software\"");
            c.renderer = "auto";
        }
        s.finish();
    }
    if (const auto* t = r.table("sync", false)) {
        TomlReader y(*t, path.string(), out.problems, "sync");
        c.sync.endpoint = y.str("endpoint", false, 500);
        if (!c.sync.endpoint.empty() && c.sync.endpoint.rfind("https://", 0) != 0 && c.sync.endpoint.rfind("http://", 0) != 0)
            y.problem("endpoint", "is not a web address", "write it as https://…");
        // Plain http only for a receiver on this machine (tests); leads are personal data.
        if (c.sync.endpoint.rfind("http://", 0) == 0 && c.sync.endpoint.rfind("http://127.", 0) != 0 &&
            c.sync.endpoint.rfind("http://localhost", 0) != 0 && c.sync.endpoint.rfind("http://[::1]", 0) != 0)
            y.problem("endpoint", "sends leads unencrypted (http://)", "use https:// for any server that is not on this PC", false);
        c.sync.token = y.str("token", false, 500);
        c.sync.secret = y.str("secret", false, 500);
        if (!c.sync.secret.empty() && c.sync.secret.rfind("whsec_", 0) != 0)
            y.problem("secret", "does not start with whsec_", "paste the secret as the receiver shows it: whsec_ followed by base64");
        c.sync.caFile = y.str("ca_file", false, 500);
        c.sync.batchSize = static_cast<int>(y.number("batch_size", c.sync.batchSize, 1, 1000));
        c.sync.timeoutS = y.number("timeout_s", c.sync.timeoutS, 0.1, 300);
        c.sync.backoffBaseS = y.number("backoff_base_s", c.sync.backoffBaseS, 0.01, 600);
        c.sync.backoffCapS = y.number("backoff_cap_s", c.sync.backoffCapS, 0.01, 86400);
        y.finish();
    }
    if (const auto* t = r.table("staff", false)) {
        TomlReader st(*t, path.string(), out.problems, "staff");
        c.staff.pinHash = st.str("pin_hash", false, 300);
        if (!c.staff.pinHash.empty() && c.staff.pinHash.rfind("$argon2id$", 0) != 0)
            st.problem("pin_hash", "is not an Argon2id hash", "set the PIN with: kiosk set-pin --config FILE");
        c.staff.exportDir = st.str("export_dir", false, 500);
        st.finish();
    }
    r.finish();
    return out;
}

} // namespace kiosk::core
