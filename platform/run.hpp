/// @brief The kiosk's window and frame loop: SDL2 + Dear ImGui + a renderer (OpenGL 3.3 or software), touch input, power saving.
#pragma once
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "ui/app.hpp"

#include <functional>
#include <optional>
#include <string>

namespace kiosk::platform {

struct RunOptions {
    std::optional<std::pair<int, int>> windowed; ///< WxH; full screen (kiosk mode) when absent
    std::string script;                          ///< file, "-" for stdin, empty for none
    bool virtualClock = false;
    std::function<void(const std::string&)> onRenderer; ///< told the renderer opened (Renderer::describe), once
    // Hooks for tests and benchmarks, from the environment (fromEnvironment):
    bool frameStats = false;          ///< KIOSK_FRAME_STATS: frame times to stderr at exit
    bool exitAfterFirstFrame = false; ///< KIOSK_EXIT_AFTER_FIRST_FRAME: kiosk-bench's time to the first frame
    double hangAfterS = 0;            ///< KIOSK_TEST_HANG_AFTER_MS: the loop hangs then (the watchdog's test)

    /// The hooks as the environment sets them; the rest at its defaults.
    static RunOptions fromEnvironment();
    /// A script on the virtual clock: frames as fast as they can be drawn, no vsync.
    bool fastScript() const { return !script.empty() && virtualClock; }
};

/// Runs until quit (script end, staff exit, SIGTERM). Returns the exit code.
int run(const RunOptions& options, const core::Content& content, const core::KioskConfig& config, ui::LeadSink leads,
        ui::StaffBackend staff);

} // namespace kiosk::platform
