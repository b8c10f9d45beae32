/// @brief The screen router: current screen, language, idle timeout, and the frame that draws them.
#pragma once
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/leads/lead_store.hpp"
#include "context.hpp"
#include "screen.hpp"
#include "touch.hpp"

namespace kiosk::ui {

/// The highest a control may be above the floor in reach mode (EN 301 549 §8.3.2.5: 1220 mm).
inline constexpr float kReachMm = 1220.0f;

/// Stores a lead durably; returns only after the commit (or the failure).
using LeadSink = std::function<core::StoreResult(const core::Lead&)>;

class App {
public:
    App(const core::Content& content, const core::KioskConfig& config, const core::Clock& clock,
        TextureLoader textures = {}, LeadSink leads = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// The theme from setupTheme (fonts in the current ImGui context).
    void setTheme(const Theme& t) { m_ui.theme = m_baseTheme = t; }
    /// What the UI keeps between frames: theme, widget registry, scrolls, caches.
    UiContext& context() { return m_ui; }
    const UiContext& context() const { return m_ui; }

    /// Input from the touch screen, the mouse or a script.
    void pushFinger(const FingerEvent& e) { m_touch.push(e); }
    /// A code from a badge scanner (typed by a keyboard wedge, read from a serial one) or from a
    /// script's `scan`: opens or fills the sign-up (intent::Scan). The code is zeroed afterwards.
    /// Returns how many fields it filled, or -1 when it is no contact (or was not for this screen).
    int scan(std::string& code);
    /// A physical key was pressed: counts as activity for the idle timeout.
    void noteActivity() { m_lastActivity = m_clock.now(); }

    /// One ImGui frame (NewFrame .. Render) at the given display size.
    void frame(ImVec2 displaySize);

    /// Seconds until the UI needs its next frame (0: now; large: nothing to do).
    double wakeIn() const;
    /// What the renderer clears the screen to before drawing the last frame: the theme's
    /// background, or the screen's own (ScreenCtx::backdrop).
    ImU32 clearColour() const { return m_clearColour; }
    /// The frame interval while animating: 1/60 s under a finger, else the screen's own
    /// (1/30 s for the attract loop's gentle fades: on software GL a frame costs ~25 ms of CPU).
    double frameInterval() const { return m_touch.busy() ? 1.0 / 60.0 : screenInfo(m_state.screen).frameInterval; }

    const UiState& state() const { return m_state; }
    /// The keys to tap to type `ch` into the focused field (empty: no field focused or no key).
    std::vector<KeyStep> keyPlan(const std::string& ch) const;
    /// The back office for the staff screens (without it the PIN pad never opens).
    void setStaffBackend(StaffBackend backend) { m_backend = std::move(backend); m_hasBackend = true; }
    /// Staff chose "exit" on the panel: the only way out of kiosk mode.
    bool quitRequested() const { return m_quit; }
    /// What went wrong with the last lead that could not be stored (for staff), or empty.
    const std::string& lastStoreError() const { return m_lastStoreError; }
    Screen screen() const { return m_state.screen; }
    bool idleWarningShown() const { return m_warning; }

private:
    void apply(const Intent& i);
    void go(Screen s);
    void resetForNextVisitor();
    /// Zeros every buffer that held what the visitor typed, then empties the form.
    void wipeForm();
    void applyForm(const intent::Form& f);
    void applyStaff(const intent::Staff& s);
    Intent drawStaffCorner();
    void submit();
    /// The bottom bar's height at this width: one row, or two when the access bar needs its own.
    float navBarHeight(float width) const;
    Intent drawNavBar(float height);
    /// The three access toggles (access.reach, access.contrast, access.text) in a row at the cursor.
    Intent drawAccessBar(float height);
    float accessBarWidth() const;
    /// Where the screen is drawn: the whole area above the bar, or in reach mode only its part
    /// below kReachMm from the floor (given [screen] mount_bottom_mm and the screen's height).
    struct Area {
        ImVec2 origin, size;
    };
    Area screenArea(ImVec2 display, float navH) const;
    void drawAboveReach(float height);
    Intent drawIdleWarning(float y, float height);
    int applyScan(const intent::Scan& s);
    void drawScanNote(float height);
    /// Anonymous counts (docs/staff.md "What the kiosk counts"): one for each subject and, with
    /// `stand`, one for the stand as a whole, handed to the back office.
    void count(core::Figure f, const std::vector<std::string>& subjects, long long value = 1, bool stand = true);
    /// The screen shown is about to go: the time on a profile, a sign-up left without a lead.
    void countLeaving();
    /// A sign-up ends: completed for the exhibitors of its `lead` ({""}: a lead for none of
    /// them), or abandoned (empty `lead`).
    void countSignupEnd(const std::vector<std::string>& lead);

    UiContext m_ui;
    Theme m_baseTheme; ///< as configured; m_ui.theme is it with the visit's access modes
    const core::Content& m_content;
    const core::KioskConfig& m_config;
    const core::Clock& m_clock;
    TextureLoader m_textures;
    LeadSink m_leads;
    TouchTracker m_touch;
    KeyboardState m_keyboard;
    std::string m_lastStoreError;
    StaffBackend m_backend;
    bool m_hasBackend = false;
    StaffSnapshot m_snapshot;
    double m_snapshotAt = -1e9;
    double m_cornerDownAt = -1;
    bool m_quit = false;
    UiState m_state;
    double m_lastActivity = 0;
    double m_lastFrame = -1;
    double m_wakeAt = 0;
    bool m_animating = true;
    ImU32 m_clearColour = IM_COL32_BLACK;
    bool m_warning = false;
    std::string m_scanNoteText; ///< what the scan note says this frame (expect-text scan.note)
    int m_settleFrames = 3;
    bool m_signupOpen = false;              ///< a sign-up has started and not ended yet
    std::vector<std::string> m_signupFor;   ///< the companies it counted as started for
    bool m_qrCounted = false;               ///< this profile visit's website QR is counted
};

} // namespace kiosk::ui
