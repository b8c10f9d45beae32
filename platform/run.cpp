// The frame loop. Thin on purpose: SDL events become FingerEvents for the UI,
// the UI draws, the renderer (OpenGL or software, renderer.hpp) puts it on screen.
// [SECTIONS] signals, watchdog, script host, input, frame statistics, window, loop.
#include "run.hpp"

#include "core/leads/lead.hpp"
#include "core/scan/serial_scanner.hpp"
#include "core/scan/wedge.hpp"
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
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace kiosk::platform {

namespace {

// ---- signals ---------------------------------------------------------------------------
// SDL would turn SIGTERM into SDL_QUIT, which kiosk mode ignores; `systemctl stop`
// must still end the kiosk, so we take the signal ourselves.
std::atomic<bool> g_terminate{false};
void onTerminate(int) {
    g_terminate = true;
}

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
            for (;;)
                pause(); // the test-only hang: the loop stops, and so do the pings
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
    Host(ui::App& app, const core::Clock& clock, core::VirtualClock* vclock)
        : m_app(app), m_clock(clock), m_vclock(vclock) {}
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

// ---- badge scanner ---------------------------------------------------------------------
/// A keyboard-wedge scanner types its code. While a burst of keys may be one (core::WedgeDecoder),
/// its key and text events are held back here, so a scan never reaches the focused field as
/// typing; a person's key press is delivered at most kMaxScanKeyGapS late.
class WedgeInput {
public:
    explicit WedgeInput(core::ScannerLayout layout) : m_decoder(layout) {}
    ~WedgeInput() { drop(); }

    /// A key or text event: the events to deliver now (none while a burst is held).
    std::vector<SDL_Event> feed(const SDL_Event& e, ui::App& app) {
        std::vector<SDL_Event> out;
        if (e.type == SDL_TEXTINPUT) {
            if (m_decoder.holding())
                m_held.push_back(e);
            else
                out.push_back(e);
            return out;
        }
        const SDL_Keymod mod = static_cast<SDL_Keymod>(e.key.keysym.mod);
        core::WedgeKey k;
        k.usage = e.key.keysym.scancode; // SDL_Scancode values are USB HID usages
        k.down = e.type == SDL_KEYDOWN;
        k.shift = (mod & KMOD_SHIFT) != 0;
        k.altGr = (mod & (KMOD_RALT | KMOD_MODE)) != 0;
        k.other = (mod & (KMOD_CTRL | KMOD_LALT | KMOD_GUI)) != 0;
        k.repeat = e.key.repeat != 0;
        k.t = e.key.timestamp / 1000.0;
        settle(m_decoder.idle(k.t), app, out); // a gap before this key ends what came before
        m_held.push_back(e);
        settle(m_decoder.key(k), app, out);
        return out;
    }
    /// Called every loop turn: what is held once the gap has passed.
    std::vector<SDL_Event> tick(ui::App& app) {
        std::vector<SDL_Event> out;
        settle(m_decoder.idle(SDL_GetTicks() / 1000.0), app, out);
        return out;
    }
    bool holding() const { return m_decoder.holding(); }
    /// How long the loop may wait before tick() is due (ms).
    int waitMs() const {
        if (!holding()) return 1 << 20;
        return std::max(1, static_cast<int>(std::ceil((m_decoder.deadline() - SDL_GetTicks() / 1000.0) * 1000.0)) + 1);
    }
    /// SDL_GetTicks() at the last scan's last key, 0 when that was reported.
    Uint32 scanAtMs = 0;
    int scanFilled = 0;

private:
    void settle(core::WedgeDecoder::Verdict v, ui::App& app, std::vector<SDL_Event>& out) {
        if (v == core::WedgeDecoder::Verdict::Release) {
            out.insert(out.end(), m_held.begin(), m_held.end());
            drop();
        } else if (v == core::WedgeDecoder::Verdict::Scan) {
            drop();
            scanAtMs = std::max<Uint32>(1, static_cast<Uint32>(m_decoder.lastKeyAt() * 1000.0));
            std::string code = m_decoder.takeScan();
            scanFilled = app.scan(code);
        }
    }
    /// Held text events carry what was scanned or typed: zeroed, not just forgotten.
    void drop() {
        for (auto& e : m_held)
            if (e.type == SDL_TEXTINPUT) std::memset(e.text.text, 0, sizeof e.text.text);
        m_held.clear();
    }
    core::WedgeDecoder m_decoder;
    std::deque<SDL_Event> m_held;
};

/// Codes from a serial scanner's thread, for the frame loop; `wake` brings the loop round.
class SerialInput {
public:
    SerialInput(const std::string& device, std::function<void()> wake)
        : m_reader(device, [this, wake = std::move(wake)](std::string code) {
              {
                  std::lock_guard lock(m_mutex);
                  m_codes.emplace_back(std::move(code), SDL_GetTicks());
              }
              if (wake) wake();
          }) {
        m_reader.start();
    }
    ~SerialInput() {
        m_reader.stop();
        for (auto& c : m_codes)
            core::wipe(c.first);
    }
    /// Applies the codes that arrived; returns SDL_GetTicks() of the last one's arrival (0: none).
    Uint32 apply(ui::App& app, int& filled) {
        std::deque<std::pair<std::string, Uint32>> codes;
        {
            std::lock_guard lock(m_mutex);
            codes.swap(m_codes);
        }
        Uint32 at = 0;
        for (auto& [code, t] : codes) {
            filled = app.scan(code);
            at = t;
        }
        return at;
    }

private:
    std::mutex m_mutex;
    std::deque<std::pair<std::string, Uint32>> m_codes;
    core::SerialScanner m_reader; // last: its thread stops before the queue goes
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
        std::fprintf(stderr, "frame-stats: %s first %.2f ms later-max %.2f ms\n", summary(m_all).c_str(), first,
                     laterMax);
        for (auto& [screen, ms] : m_byScreen)
            std::fprintf(stderr, "frame-stats %s: %s\n", screen.c_str(), summary(ms).c_str());
    }

private:
    static std::string summary(std::vector<double>& ms) {
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size())))]; };
        char line[160];
        std::snprintf(line, sizeof line, "frames %zu p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms", ms.size(),
                      at(0.5), at(0.9), at(0.99), ms.back());
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
    if (o.onRenderer) o.onRenderer(renderer->describe());
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
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    player.emplace(ui::LineSource::fromLines(std::move(lines)), std::cout);
    return true;
}

// ---- loop ------------------------------------------------------------------------------
/// The frame loop: wait for input or the UI's next timed change, draw a frame, repeat.
class FrameLoop {
public:
    FrameLoop(const RunOptions& o, const core::Content& content, const core::ScannerConfig& scanner, Renderer& renderer,
              ui::App& app, TextureCache& textures, Uint32 logoReady, std::optional<ui::ScriptPlayer>& player,
              Host& host, core::VirtualClock& virt)
        : m_o(o), m_content(content), m_renderer(renderer), m_app(app), m_textures(textures), m_logoReady(logoReady),
          m_player(player), m_host(host), m_virt(virt), m_watchdog(o.hangAfterS), m_wedge(scanner.layout) {
        m_renderer.drawableSize(m_w, m_h);
        // A serial scanner's code wakes the loop like a decoded logo.
        if (!scanner.device.empty())
            m_serial.emplace(scanner.device, [scanReady = m_scanReady] {
                if (scanReady == static_cast<Uint32>(-1)) return; // the loop still finds the code within 250 ms
                SDL_Event ev{};
                ev.type = scanReady;
                SDL_PushEvent(&ev);
            });
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
        if (m_input.handle(ev, m_app, m_w, m_h))
            m_gotEvent = true;
        else if (ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP || ev.type == SDL_TEXTINPUT) {
            deliver(m_wedge.feed(ev, m_app));
            scanned();
        } else if (ev.type == SDL_WINDOWEVENT || ev.type == m_logoReady || ev.type == m_scanReady) {
            // What the window showed may be gone: the next frame draws all of it.
            if (ev.type == SDL_WINDOWEVENT &&
                (ev.window.event == SDL_WINDOWEVENT_EXPOSED || ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                 ev.window.event == SDL_WINDOWEVENT_SHOWN || ev.window.event == SDL_WINDOWEVENT_RESTORED)) {
                m_renderer.invalidate();
                m_repaint = true;
            }
            m_gotEvent = true; // exposed, resized, focus, a logo decoded: draw again
        } else if (ev.type == SDL_QUIT && m_o.windowed) {
            g_terminate = true; // a developer's window may close; a kiosk's may not
        }
    }

    /// Key events the wedge scanner's decoder let through, to ImGui.
    void deliver(std::vector<SDL_Event>&& keys) {
        for (SDL_Event& k : keys) {
            ImGui_ImplSDL2_ProcessEvent(&k);
            if (k.type == SDL_TEXTINPUT) std::memset(k.text.text, 0, sizeof k.text.text); // a copy of what was typed
            m_app.noteActivity();
            m_gotEvent = true;
        }
    }
    /// A wedge scan was applied: its time-to-screen is logged after the next frame.
    void scanned() {
        if (!m_wedge.scanAtMs) return;
        m_scanAtMs = std::exchange(m_wedge.scanAtMs, 0);
        m_scanFilled = m_wedge.scanFilled;
        m_gotEvent = true;
    }

    /// Blocks until input or the UI's next timed change; renders nothing meanwhile. True: draw a frame.
    bool waitForWork() {
        SDL_Event e;
        m_gotEvent = false;
        if (!m_player && !m_needFrame) {
            const double wait = m_app.wakeIn();
            // Cap the wait so a SIGTERM is noticed soon and the watchdog is fed.
            const int ms = static_cast<int>(
                std::min({double(m_watchdog.maxWaitMs()), std::ceil(wait * 1000.0), double(m_wedge.waitMs())}));
            if (ms > 0 && SDL_WaitEventTimeout(&e, ms)) handle(e);
        }
        while (SDL_PollEvent(&e))
            handle(e);
        deliver(m_wedge.tick(m_app));
        scanned();
        if (m_serial)
            if (const Uint32 at = m_serial->apply(m_app, m_scanFilled)) m_scanAtMs = at, m_gotEvent = true;
        if (g_terminate) return true;
        // A burst that may be a scan: no frame meanwhile (nothing of it is shown yet), so its
        // keys are read, and stamped, as they come.
        if (m_wedge.holding()) {
            if (SDL_WaitEventTimeout(&e, m_wedge.waitMs())) handle(e);
            return false;
        }
        if (m_textures.upload()) m_needFrame = true;
        return m_needFrame || m_gotEvent || m_player || m_app.wakeIn() <= 0.0;
    }

    /// One frame (after the script's step); the exit code once the script ended.
    std::optional<int> frame() {
        const Uint64 frameStart = SDL_GetPerformanceCounter();
        bool timeStands = false;
        if (m_player) {
            if (auto code = m_player->step(m_host)) return code;
            // Waiting for the next stdin line: no frame, and virtual time stands still,
            // so a slow driver never lets the idle timeout run out by accident. A window that
            // lost what it showed (exposed, resized) is drawn again meanwhile, at the same time.
            if (m_player->waitingForInput() && !m_needFrame && m_app.wakeIn() > 0.0) {
                if (!m_repaint) {
                    SDL_WaitEventTimeout(nullptr, 5);
                    return std::nullopt;
                }
                timeStands = true;
            }
        }
        m_repaint = false;
        if (m_o.virtualClock && !timeStands) m_virt.advance(1.0 / 60.0);
        m_renderer.drawableSize(m_w, m_h);
        m_renderer.newFrame();
        const ui::Screen drawn = m_app.screen(); // the frame may switch it
        m_app.frame(ImVec2(float(m_w), float(m_h)));
        m_renderer.render(ImGui::GetDrawData(), m_app.clearColour());
        Uint64 shotTicks = 0; // a script's screenshot (PNG encoding) is not the frame's time
        if (!m_host.m_shotPath.empty()) {
            const Uint64 shotStart = SDL_GetPerformanceCounter();
            m_host.m_shotResult = m_renderer.screenshot(m_host.m_shotPath);
            m_host.m_shotPath.clear();
            shotTicks = SDL_GetPerformanceCounter() - shotStart;
        }
        m_renderer.present();
        if (m_scanAtMs) {
            // From the scan's last key (or the serial code's arrival) to the filled form on screen.
            if (m_scanFilled < 0)
                std::fprintf(stderr, "kiosk: scan: no contact, said so %u ms after the scan\n",
                             SDL_GetTicks() - m_scanAtMs);
            else
                std::fprintf(stderr, "kiosk: scan: %d fields filled, on screen %u ms after the scan\n", m_scanFilled,
                             SDL_GetTicks() - m_scanAtMs);
            m_scanAtMs = 0;
        }
        if (m_o.frameStats)
            m_stats.add(drawn, 1000.0 * double(SDL_GetPerformanceCounter() - frameStart - shotTicks) /
                                   double(SDL_GetPerformanceFrequency()));
        if (m_firstFrame) afterFirstFrame();
        m_needFrame = m_app.wakeIn() <= 0.0;
        // Animations and drags: at most 60 frames a second (30 for the attract loop's
        // fades), even without vsync (Xvfb).
        if (m_needFrame && !m_o.fastScript()) {
            const double spent =
                double(SDL_GetPerformanceCounter() - frameStart) / double(SDL_GetPerformanceFrequency());
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
        for (const auto& c : m_content.companies)
            logos.push_back(c.logo);
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
    bool m_repaint = false; ///< the window lost what it showed: draw it again even while a script waits
    const Uint32 m_scanReady = SDL_RegisterEvents(1);
    WedgeInput m_wedge;
    std::optional<SerialInput> m_serial;
    Uint32 m_scanAtMs = 0; // a scan was applied (SDL_GetTicks() of its last key or arrival)
    int m_scanFilled = 0;
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
        ui::setupTheme(ui::pixelsPerMm(float(w), float(h), config.diagonalInch, config.pixelPitchMm), config.theme,
                       content.attract.headlines());
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
    ui::App app(
        content, config, clock, [&textures](const std::filesystem::path& p) { return textures.get(p); },
        std::move(leads));
    app.setTheme(theme);
    app.setStaffBackend(std::move(staff));

    std::optional<ui::ScriptPlayer> player;
    if (!openScript(o.script, player)) return 2;
    Host host(app, clock, o.virtualClock ? &virt : nullptr);
    int exitCode = 0;
    {
        FrameLoop loop(o, content, config.scanner, *renderer, app, textures, logoReady, player, host, virt);
        exitCode = loop.run();
    }
    textures.clear();
    renderer.reset();
    ImGui::DestroyContext();
    SDL_Quit();
    return exitCode;
}

} // namespace kiosk::platform
