// The frame loop. Thin on purpose: SDL events become FingerEvents for the UI,
// the UI draws, the renderer (OpenGL or software, renderer.hpp) puts it on screen.
// [SECTIONS] signals, watchdog, script host, input, frame statistics, window, loop.
#include "run.hpp"

#include "renderer.hpp"
#include "textures.hpp"
#include "ui/app.hpp"
#include "ui/automation/script.hpp"
#include "ui/theme.hpp"

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace kiosk::platform {

namespace {

// ---- signals ---------------------------------------------------------------------------
// SDL would turn SIGTERM into SDL_QUIT, which kiosk mode ignores; `systemctl stop`
// must still end the kiosk, so we take the signal ourselves.
std::atomic<bool> g_terminate{false};
void onTerminate(int) { g_terminate = true; }

void installSignalHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onTerminate;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

// ---- systemd watchdog -----------------------------------------------------------------
// READY=1 once the first frame is on screen; WATCHDOG=1 from the frame loop, so a
// hung loop stops the pings and systemd restarts the kiosk. Without systemd
// (no NOTIFY_SOCKET) every call is a cheap no-op.
class Watchdog {
public:
    /// `hangAfterS` > 0: the test-only hang (RunOptions::hangAfterS).
    explicit Watchdog(double hangAfterS) : m_hangAfter(hangAfterS) {
        std::uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) m_interval = double(usec) / 1e6 / 2.0; // ping at half
    }
    void ready() { sd_notify(0, "READY=1\nSTATUS=showing the attract loop"); }
    /// Called every loop turn; `now` in seconds.
    void tick(double now) {
        if (m_hangAfter > 0 && now >= m_hangAfter)
            for (;;) pause(); // the test-only hang: the loop stops, and so do the pings
        if (m_interval > 0 && now - m_last >= m_interval) {
            sd_notify(0, "WATCHDOG=1");
            m_last = now;
        }
    }
    /// The longest the loop may block between ticks (also how soon SIGTERM is noticed).
    int maxWaitMs() const { return m_interval > 0 ? std::clamp(int(m_interval * 500.0), 10, 250) : 250; }

private:
    double m_interval = 0, m_last = -1e9, m_hangAfter = 0;
};

// ---- script host -----------------------------------------------------------------------
class Host final : public ui::ScriptHost {
public:
    Host(ui::App& app, const core::Clock& clock, core::VirtualClock* vclock) : m_app(app), m_clock(clock), m_vclock(vclock) {}
    ui::App& app() override { return m_app; }
    double now() const override { return m_clock.now(); }
    bool advanceClock(double s) override {
        if (!m_vclock) return false;
        m_vclock->advance(s);
        return true;
    }
    void requestShot(const std::string& path) override {
        m_shotPath = path;
        m_shotResult.reset();
    }
    std::optional<std::string> shotResult() override { return m_shotResult; }

    std::string m_shotPath;
    std::optional<std::string> m_shotResult;

private:
    ui::App& m_app;
    const core::Clock& m_clock;
    core::VirtualClock* m_vclock;
};

// ---- input -----------------------------------------------------------------------------
/// One finger at a time: the first finger down owns the pointer until it lifts.
struct FingerInput {
    SDL_FingerID finger = -1;
    bool mouseDown = false;

    /// Returns true when the event was input for the UI.
    bool handle(const SDL_Event& e, ui::App& app, int w, int h) {
        using T = ui::FingerEvent::Type;
        switch (e.type) {
        case SDL_FINGERDOWN:
            if (finger != -1) return true;
            finger = e.tfinger.fingerId;
            app.pushFinger({T::Down, ImVec2(e.tfinger.x * w, e.tfinger.y * h)});
            return true;
        case SDL_FINGERMOTION:
            if (e.tfinger.fingerId == finger) app.pushFinger({T::Move, ImVec2(e.tfinger.x * w, e.tfinger.y * h)});
            return true;
        case SDL_FINGERUP:
            if (e.tfinger.fingerId != finger) return true;
            finger = -1;
            app.pushFinger({T::Up, ImVec2(e.tfinger.x * w, e.tfinger.y * h)});
            return true;
        // A mouse works like a finger (desktop development, a touch screen that reports as a mouse).
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) return false;
            mouseDown = true;
            app.pushFinger({T::Down, ImVec2(float(e.button.x), float(e.button.y))});
            return true;
        case SDL_MOUSEBUTTONUP:
            if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT || !mouseDown) return false;
            mouseDown = false;
            app.pushFinger({T::Up, ImVec2(float(e.button.x), float(e.button.y))});
            return true;
        case SDL_MOUSEMOTION:
            if (e.motion.which == SDL_TOUCH_MOUSEID || !mouseDown) return false;
            app.pushFinger({T::Move, ImVec2(float(e.motion.x), float(e.motion.y))});
            return true;
        default: return false;
        }
    }
};

// ---- frame statistics ------------------------------------------------------------------
/// KIOSK_FRAME_STATS=1 (benchmarks): frame times, printed to stderr at exit for the whole
/// run and per screen. The first frame (fonts, first textures) is shown apart: after it
/// no frame should stall.
class FrameStats {
public:
    void add(ui::Screen screen, double ms) {
        m_all.push_back(ms);
        m_byScreen[ui::screenName(screen)].push_back(ms);
    }
    void print() {
        if (m_all.empty()) return;
        const double first = m_all.front();
        const double laterMax = m_all.size() > 1 ? *std::max_element(m_all.begin() + 1, m_all.end()) : 0.0;
        std::fprintf(stderr, "frame-stats: %s first %.2f ms later-max %.2f ms\n", summary(m_all).c_str(), first, laterMax);
        for (auto& [screen, ms] : m_byScreen) std::fprintf(stderr, "frame-stats %s: %s\n", screen.c_str(), summary(ms).c_str());
    }

private:
    static std::string summary(std::vector<double>& ms) {
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size())))]; };
        char line[160];
        std::snprintf(line, sizeof line, "frames %zu p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms", ms.size(), at(0.5),
                      at(0.9), at(0.99), ms.back());
        return line;
    }
    std::vector<double> m_all;
    std::map<std::string, std::vector<double>> m_byScreen;
};

/// SDL, the window and its renderer, set up for a kiosk; nullptr (after saying why) without a display.
std::unique_ptr<Renderer> openWindow(const RunOptions& o, const core::KioskConfig& config) {
    // No synthetic mouse from touches (we track the finger ourselves, kiosk/ui/touch.hpp),
    // no mouse capture (after SDL_CaptureMouse, SDL on X11 can stop delivering touches:
    // SDL issue 11469), stay visible on focus loss, our own signal handling.
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_AUTO_CAPTURE, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        std::fprintf(stderr, "kiosk: cannot open the display: %s\n", SDL_GetError());
        return nullptr;
    }
    installSignalHandlers();
    WindowSpec spec;
    spec.flags = SDL_WINDOW_ALLOW_HIGHDPI;
    if (o.windowed) {
        std::tie(spec.w, spec.h) = *o.windowed;
        spec.x = spec.y = SDL_WINDOWPOS_CENTERED;
    } else {
        // Borderless at the screen's size now, full screen right after the first frame:
        // on X11 SDL waits up to 100 ms for a window manager to confirm full screen,
        // and that wait should not delay what the visitor sees.
        spec.flags |= SDL_WINDOW_BORDERLESS;
        SDL_DisplayMode desktop{};
        if (SDL_GetDesktopDisplayMode(0, &desktop) == 0) spec.w = desktop.w, spec.h = desktop.h;
    }
    spec.vsync = !o.fastScript();
    std::string error;
    std::unique_ptr<Renderer> renderer = openRenderer(config.renderer, spec, error);
    if (!renderer) {
        std::fprintf(stderr, "kiosk: %s\n", error.c_str());
        SDL_Quit();
        return nullptr;
    }
    std::fprintf(stderr, "kiosk: renderer: %s\n", renderer->describe().c_str());
    if (!o.windowed) {
        SDL_ShowCursor(SDL_DISABLE);
        // Keys like Alt+Tab and Super go to us, not to a window manager (X11); under
        // cage there is nothing else to switch to, and VT switching is off.
        SDL_SetWindowKeyboardGrab(renderer->window(), SDL_TRUE);
    }
    SDL_DisableScreenSaver();
    return renderer;
}

/// The script player for `script` ("-": stdin), none for an empty name; false when unreadable.
bool openScript(const std::string& script, std::optional<ui::ScriptPlayer>& player) {
    if (script.empty()) return true;
    if (script == "-") {
        player.emplace(ui::LineSource::fromStream(std::cin), std::cout);
        return true;
    }
    std::ifstream in(script);
    if (!in) {
        std::fprintf(stderr, "kiosk: cannot read script %s\n", script.c_str());
        return false;
    }
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    player.emplace(ui::LineSource::fromLines(std::move(lines)), std::cout);
    return true;
}

// ---- loop ------------------------------------------------------------------------------
/// The frame loop: wait for input or the UI's next timed change, draw a frame, repeat.
class FrameLoop {
public:
    FrameLoop(const RunOptions& o, const core::Content& content, Renderer& renderer, ui::App& app, TextureCache& textures,
              Uint32 logoReady, std::optional<ui::ScriptPlayer>& player, Host& host, core::VirtualClock& virt)
        : m_o(o), m_content(content), m_renderer(renderer), m_app(app), m_textures(textures), m_logoReady(logoReady),
          m_player(player), m_host(host), m_virt(virt), m_watchdog(o.hangAfterS) {
        m_renderer.drawableSize(m_w, m_h);
    }

    /// Until quit (script end, staff exit, SIGTERM); returns the exit code.
    int run() {
        while (!g_terminate && !m_app.quitRequested()) {
            m_watchdog.tick(m_loopClock.now());
            if (!waitForWork()) continue;
            if (g_terminate) break;
            if (auto code = frame()) return *code;
        }
        return 0;
    }

    ~FrameLoop() {
        if (m_o.frameStats) m_stats.print();
    }

private:
    void handle(const SDL_Event& ev) {
        if (m_input.handle(ev, m_app, m_w, m_h)) m_gotEvent = true;
        else if (ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP || ev.type == SDL_TEXTINPUT) {
            ImGui_ImplSDL2_ProcessEvent(&ev);
            m_app.noteActivity();
            m_gotEvent = true;
        } else if (ev.type == SDL_WINDOWEVENT || ev.type == m_logoReady) {
            m_gotEvent = true; // exposed, resized, focus, a logo decoded: draw again
        } else if (ev.type == SDL_QUIT && m_o.windowed) {
            g_terminate = true; // a developer's window may close; a kiosk's may not
        }
    }

    /// Blocks until input or the UI's next timed change; renders nothing meanwhile. True: draw a frame.
    bool waitForWork() {
        SDL_Event e;
        m_gotEvent = false;
        if (!m_player && !m_needFrame) {
            const double wait = m_app.wakeIn();
            // Cap the wait so a SIGTERM is noticed soon and the watchdog is fed.
            const int ms = static_cast<int>(std::min(double(m_watchdog.maxWaitMs()), std::ceil(wait * 1000.0)));
            if (ms > 0 && SDL_WaitEventTimeout(&e, ms)) handle(e);
        }
        while (SDL_PollEvent(&e)) handle(e);
        if (g_terminate) return true;
        if (m_textures.upload()) m_needFrame = true;
        return m_needFrame || m_gotEvent || m_player || m_app.wakeIn() <= 0.0;
    }

    /// One frame (after the script's step); the exit code once the script ended.
    std::optional<int> frame() {
        const Uint64 frameStart = SDL_GetPerformanceCounter();
        if (m_player) {
            if (auto code = m_player->step(m_host)) return code;
            // Waiting for the next stdin line: no frame, and virtual time stands still,
            // so a slow driver never lets the idle timeout run out by accident.
            if (m_player->waitingForInput() && !m_needFrame && m_app.wakeIn() > 0.0) {
                SDL_WaitEventTimeout(nullptr, 5);
                return std::nullopt;
            }
        }
        if (m_o.virtualClock) m_virt.advance(1.0 / 60.0);
        m_renderer.drawableSize(m_w, m_h);
        m_renderer.newFrame();
        const ui::Screen drawn = m_app.screen(); // the frame may switch it
        m_app.frame(ImVec2(float(m_w), float(m_h)));
        m_renderer.render(ImGui::GetDrawData(), m_app.context().theme.colors.bg);
        Uint64 shotTicks = 0; // a script's screenshot (PNG encoding) is not the frame's time
        if (!m_host.m_shotPath.empty()) {
            const Uint64 shotStart = SDL_GetPerformanceCounter();
            m_host.m_shotResult = m_renderer.screenshot(m_host.m_shotPath);
            m_host.m_shotPath.clear();
            shotTicks = SDL_GetPerformanceCounter() - shotStart;
        }
        m_renderer.present();
        if (m_o.frameStats)
            m_stats.add(drawn, 1000.0 * double(SDL_GetPerformanceCounter() - frameStart - shotTicks) /
                                   double(SDL_GetPerformanceFrequency()));
        if (m_firstFrame) afterFirstFrame();
        m_needFrame = m_app.wakeIn() <= 0.0;
        // Animations and drags: at most 60 frames a second (30 for the attract loop's
        // fades), even without vsync (Xvfb).
        if (m_needFrame && !m_o.fastScript()) {
            const double spent = double(SDL_GetPerformanceCounter() - frameStart) / double(SDL_GetPerformanceFrequency());
            const int rest = static_cast<int>((m_app.frameInterval() - spent) * 1000.0);
            SDL_Event e;
            if (rest > 0 && SDL_WaitEventTimeout(&e, rest)) handle(e);
        }
        return std::nullopt;
    }

    void afterFirstFrame() {
        m_firstFrame = false;
        m_watchdog.ready();
        if (m_o.exitAfterFirstFrame) { // kiosk-bench: the time to the first frame, not to shut-down
            m_renderer.finish();
            std::fflush(nullptr);
            std::_Exit(0);
        }
        if (!m_o.windowed) SDL_SetWindowFullscreen(m_renderer.window(), SDL_WINDOW_FULLSCREEN_DESKTOP);
        // The font atlas now lives in the renderer's texture: the CPU copies are not needed any more,
        // and start-up's freed memory goes back to the system.
        ImGui::GetIO().Fonts->ClearTexData();
        std::vector<std::filesystem::path> logos;
        for (const auto& c : m_content.companies) logos.push_back(c.logo);
        m_textures.preload(logos);
    }

    const RunOptions& m_o;
    const core::Content& m_content;
    Renderer& m_renderer;
    ui::App& m_app;
    TextureCache& m_textures;
    const Uint32 m_logoReady;
    std::optional<ui::ScriptPlayer>& m_player;
    Host& m_host;
    core::VirtualClock& m_virt;
    Watchdog m_watchdog;
    core::SteadyClock m_loopClock;
    FingerInput m_input;
    FrameStats m_stats;
    int m_w = 0, m_h = 0;
    bool m_needFrame = true, m_firstFrame = true, m_gotEvent = false;
};

} // namespace

RunOptions RunOptions::fromEnvironment() {
    RunOptions o;
    o.frameStats = std::getenv("KIOSK_FRAME_STATS") != nullptr;
    o.exitAfterFirstFrame = std::getenv("KIOSK_EXIT_AFTER_FIRST_FRAME") != nullptr;
    if (const char* h = std::getenv("KIOSK_TEST_HANG_AFTER_MS")) o.hangAfterS = std::atof(h) / 1000.0;
    return o;
}

int run(const RunOptions& o, const core::Content& content, const core::KioskConfig& config, ui::LeadSink leads,
        ui::StaffBackend staff) {
    std::unique_ptr<Renderer> renderer = openWindow(o, config);
    if (!renderer) return 2;
    int w = 0, h = 0;
    renderer->drawableSize(w, h);
    ImGui::CreateContext();
    const ui::Theme theme =
        ui::setupTheme(ui::pixelsPerMm(float(w), float(h), config.diagonalInch, config.pixelPitchMm), config.theme);
    renderer->attachImGui();

    core::SteadyClock steady;
    core::VirtualClock virt(steady.wallMs());
    const core::Clock& clock = o.virtualClock ? static_cast<const core::Clock&>(virt) : steady;
    // Logos are decoded on a loader thread (right after the first frame, so start-up does not
    // share the CPU with it); the first tap never waits for a decode. A ready logo wakes the
    // loop with this event.
    // Without a free user event type (SDL has 32,767) the loop still uploads ready logos on
    // its next wake-up; it just is not woken for them.
    const Uint32 logoReady = SDL_RegisterEvents(1);
    std::function<void()> wake;
    if (logoReady != static_cast<Uint32>(-1))
        wake = [logoReady] {
            SDL_Event ev{};
            ev.type = logoReady;
            SDL_PushEvent(&ev);
        };
    TextureCache textures(*renderer, static_cast<int>(theme.em(10.0f)), std::move(wake));
    textures.waitForDecode(o.virtualClock);
    ui::App app(content, config, clock, [&textures](const std::filesystem::path& p) { return textures.get(p); },
                std::move(leads));
    app.setTheme(theme);
    app.setStaffBackend(std::move(staff));

    std::optional<ui::ScriptPlayer> player;
    if (!openScript(o.script, player)) return 2;
    Host host(app, clock, o.virtualClock ? &virt : nullptr);
    int exitCode = 0;
    {
        FrameLoop loop(o, content, *renderer, app, textures, logoReady, player, host, virt);
        exitCode = loop.run();
    }
    textures.clear();
    renderer.reset();
    ImGui::DestroyContext();
    SDL_Quit();
    return exitCode;
}

} // namespace kiosk::platform
