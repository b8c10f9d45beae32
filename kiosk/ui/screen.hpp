/// @brief What every screen gets (read-only state) and what it returns (an intent).
///
/// Screens are small functions that draw and return at most one intent per frame;
/// the App applies it after the frame. A screen never touches storage or network.
#pragma once
#include "core/content/content.hpp"
#include "core/leads/lead.hpp"
#include "core/leads/validation.hpp"
#include "core/scan/contact.hpp"
#include "staff.hpp"
#include "theme.hpp"
#include "widgets/keyboard.hpp"
#include "widgets/widgets.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace kiosk::ui {

/// The screens; what each one is and does is its row in screens() (screens/screens.cpp).
enum class Screen { Attract, Browse, Profile, Signup, Thanks, Pin, Staff };

namespace intent {
struct Goto { Screen screen; };
struct SetLang { core::Lang lang; };
struct OpenProfile { std::string companyId; };
struct SetFilter { std::string sectorId; }; ///< empty: all sectors
struct StayActive {};                        ///< "Continue" on the idle warning
/// A toggle of the access bar (access.reach, access.contrast, access.text).
struct Access { enum class Mode { Reach, Contrast, Text } mode; };
struct OpenSignup { std::string companyId; }; ///< preselects that exhibitor (may be empty)
/// Everything the sign-up form does, as one intent with an operation.
struct Form {
    enum class Op { Focus, Type, Backspace, Next, HideKeyboard, Pick, ToggleSector, ToggleExhibitor, ToggleConsent,
                    ToggleNewsletter, ShowPrivacy, HidePrivacy, Submit } op;
    std::string arg;    ///< field id, text, sector or company id
    std::string option = {}; ///< Pick: the option of field `arg` (empty: a yes/no toggle)
};
/// The staff PIN pad and panel.
struct Staff {
    enum class Op { OpenPin, Digit, Back, Ok, SyncNow, Export, Exit, Destination, Format, Delimiter, HeaderLang } op;
    std::string arg;
};
/// A badge or phone code was scanned (App::scan): its contact, or none when it cannot fill the form.
struct Scan {
    std::optional<core::Contact> contact;
};
} // namespace intent
using Intent = std::variant<std::monostate, intent::Goto, intent::SetLang, intent::OpenProfile, intent::SetFilter,
                            intent::StayActive, intent::OpenSignup, intent::Form, intent::Staff, intent::Scan,
                            intent::Access>;

/// The sign-up form while a visitor fills it in. Wiped with the visit.
struct SignupState {
    core::FormInput input;
    std::string focused;                  ///< field id (first_name, email, …) or empty: no keyboard
    std::vector<core::FieldError> errors; ///< from the last submit
    std::string leadId;                   ///< chosen when the form opens: one form, one lead, however often submitted
    std::int64_t consentAtMs = 0;         ///< wall clock when the consent box was last ticked
    core::Lang consentLang = core::Lang::De; ///< the language its text was shown in then
    bool privacyOpen = false;
    bool storeFailed = false;             ///< the last submit could not be stored
    std::string scrollTo;                 ///< a field or row to bring into view on the next frame
    bool confirmationEmail = false;       ///< [signup] confirmation_email: the form says an email follows
};

/// What the thank-you screen shows after a lead was stored: the receipt's facts (no personal
/// data: the lead id links it) and the exhibitors whose contacts the visitor may take.
struct ThanksState {
    std::vector<std::string> exhibitors; ///< company ids, as chosen
    std::string leadId;
    core::Consent consent;
    std::string withdrawUrl; ///< [sync] withdraw_url while sync is on, else empty
    double seconds = 30;     ///< [kiosk] thanks_seconds: then back to the attract loop
};

/// What the last scan did, shown briefly on top of the screen (App::drawScanNote).
struct ScanNote {
    enum class Kind { None, Filled, NothingNew, Unreadable } kind = Kind::None;
    std::vector<std::string> fields; ///< Filled: the field ids, in form order
    double at = 0;                   ///< when (the UI clock)
};

/// The exhibitor list's search field (more than 12 exhibitors): a text field, not walked by "next".
inline constexpr const char* kExhibitorSearch = "exhibitor_search";
/// The typed text of a field (one filled with the keyboard, or kExhibitorSearch), nullptr otherwise.
std::string* typedText(core::FormInput& in, const core::FormDef& form, const std::string& field);
/// The typed field after `field` in form order ("next"), empty after the last.
std::string nextTypedField(const core::FormDef& form, const std::string& field);
/// Which keyboard a field gets, and how many characters it takes.
KeyboardMode keyboardModeFor(const core::FormDef& form, const std::string& field);
size_t typedLimit(const core::FormDef& form, const std::string& field);
/// Writes (field id, value) pairs into the form's empty typed fields, cut to each field's
/// limit; a field the visitor already filled, or an id the form does not have, is left alone.
/// Marks the form as scanned when anything was filled. Returns the ids it filled.
std::vector<std::string> prefillForm(SignupState& signup, const core::FormDef& form, const core::FieldValues& values);

/// The UI state a screen may read.
struct UiState {
    Screen screen = Screen::Attract;
    core::Lang lang = core::Lang::De;
    std::string filter;    ///< browse: selected sector id, empty = all
    std::string companyId; ///< profile: the company shown
    double screenSince = 0; ///< when the current screen was entered (seconds)
    SignupState signup;
    std::string pinEntry;    ///< digits typed on the PIN pad
    bool pinWrong = false;   ///< the last PIN was wrong
    ExportRequest exportChoice;
    ThanksState thanks;
    ScanNote scanNote;
    AccessModes access; ///< the access bar's toggles: for this visit only
};

using TextureLoader = std::function<Texture(const std::filesystem::path&)>;

struct ScreenCtx {
    const core::Content& content;
    const UiState& state;
    double now;
    const TextureLoader& textures;
    ImVec2 size;
    KeyboardState* keyboard = nullptr; ///< widget state of the on-screen keyboard
    const StaffBackend* backend = nullptr;
    const StaffSnapshot* staff = nullptr;
    std::int64_t wallMs = 0;                 ///< the screen's area above the navigation bar
    mutable bool animating = false; ///< set by a screen that needs the next frame soon
    mutable double wakeAt = 1e300;  ///< or a time when it needs its next frame
    /// The top-left corner of the screen's area: (0, 0), or lower in reach mode (App::screenArea).
    /// A screen lays out in [origin, origin + size] and places things with at() and bottom().
    ImVec2 origin = {};

    ImVec2 at(float x, float y) const { return ImVec2(origin.x + x, origin.y + y); }
    float bottom() const { return origin.y + size.y; }
    /// Set by the profile when the company's own website QR code is on screen, whole (App counts it).
    mutable bool websiteQrShown = false;
    /// Set by a screen whose whole background is one colour other than the theme's (an attract
    /// scene of a sector): the renderer clears the screen to it, which costs nothing, where a
    /// full-screen fill over the theme's colour costs milliseconds on the software renderer at 4K.
    mutable std::optional<ImU32> backdrop = std::nullopt;

    /// The UI string `key` in the visitor's language (the key itself when missing).
    const std::string& tr(const std::string& key) const;
    /// The UI string `key` in both languages, or nullptr when the content lacks it.
    const core::Text* text(const std::string& key) const;
    const std::string& in(const core::Text& t) const { return t.in(state.lang); }
};

/// What a field is called on screen: its label in the form, or signup.label.<field>.
std::string fieldLabel(const ScreenCtx& ctx, const std::string& field);

/// One row per screen: everything the router, the frame loop and scripts know about it.
struct ScreenInfo {
    Screen id;
    const char* name;                      ///< for expect-screen, frame statistics and logs
    Intent (*draw)(const ScreenCtx& ctx); ///< in screens/<name>.cpp
    /// Frame pacing while it animates and no finger is down (1/30 s: gentle fades cost
    /// half the CPU of 1/60 s on software GL).
    double frameInterval = 1.0 / 60.0;
    /// > 0: it shows something that changes by the second (a countdown) and wakes that often.
    double tickSeconds = 0;
    bool idleTimeout = true; ///< the idle warning and the wipe back to attract apply on it
    bool wipeFormOnLeave = false; ///< leaving it forgets the form and every scroll position
    bool visitor = true; ///< a visitor's screen: the access bar is shown (not on the PIN pad and staff panel)
};

/// Every screen, in the order of the enum.
const std::vector<ScreenInfo>& screens();
const ScreenInfo& screenInfo(Screen s);
inline const char* screenName(Screen s) { return screenInfo(s).name; }
/// The screen called `name`, or nullptr.
const ScreenInfo* findScreen(const std::string& name);

} // namespace kiosk::ui
