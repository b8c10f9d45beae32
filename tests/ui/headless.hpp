/// @brief A kiosk without a window: real App, real screens, real script player, no GL.
#pragma once
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/leads/lead_store.hpp"
#include "ui/app.hpp"
#include "ui/automation/registry.hpp"
#include "ui/automation/script.hpp"

#include <memory>
#include <sstream>
#include <string>

namespace kiosk::test {

class Headless final : public ui::ScriptHost {
public:
    explicit Headless(ImVec2 size = ImVec2(1920, 1080), core::KioskConfig config = {},
                      const std::string& contentDir = KIOSK_SOURCE_DIR "/content");
    ~Headless() override;

    /// Renders n frames; the virtual clock advances 1/60 s per frame.
    void frames(int n = 1);
    /// Plays script lines (docs/automation.md); returns the exit code. Output in `out`.
    int play(const std::string& script);

    void tap(ImVec2 p);
    const ui::WidgetInfo* widget(const std::string& id) const { return m_app->context().registry.find(id); }

    ui::App& app() override { return *m_app; }
    double now() const override { return clock.now(); }
    bool advanceClock(double s) override {
        clock.advance(s);
        return true;
    }
    void requestShot(const std::string&) override {}
    std::optional<std::string> shotResult() override { return std::string("no renderer in headless tests"); }

    /// A real SQLite store in a temp folder; `failWrites` makes the sink fail (disk full).
    std::filesystem::path dataDir;
    std::unique_ptr<core::LeadStore> store;
    bool failWrites = false;
    core::ContentLoad content;
    core::KioskConfig config;
    core::VirtualClock clock;
    ImVec2 size;
    std::ostringstream out;

private:
    ImGuiContext* m_imgui = nullptr;
    std::unique_ptr<ui::App> m_app;
};

/// A content folder with the demo's 9 companies and made-up exhibitors big-10 … big-500
/// ("Werk N"; big-250 is the only "Zeche Zollverein Sensorik"), written once per test run.
std::string bigContent();

} // namespace kiosk::test
