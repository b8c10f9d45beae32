#include "app.hpp"

#include "automation/registry.hpp"
#include "core/leads/lead.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace kiosk::ui {

const core::Text* ScreenCtx::text(const std::string& key) const {
    if (const auto& observe = uiContext().lookups) observe(key);
    return content.string(key);
}

const std::string& ScreenCtx::tr(const std::string& key) const {
    if (const core::Text* t = text(key)) return t->in(state.lang);
    std::string& missing = uiContext().missingString;
    missing = key; // check-content reports it; showing the key beats showing nothing
    return missing;
}

App::App(const core::Content& content, const core::KioskConfig& config, const core::Clock& clock, TextureLoader textures,
         LeadSink leads)
    : m_content(content), m_config(config), m_clock(clock), m_textures(std::move(textures)), m_leads(std::move(leads)) {
    m_lastActivity = m_state.screenSince = clock.now();
    setUiContext(&m_ui);
}

App::~App() {
    if (&uiContext() == &m_ui) setUiContext(nullptr);
}

namespace {
template <typename T> void zeroAll(ImVector<T>& v) {
    if (v.Data) std::memset(static_cast<void*>(v.Data), 0, static_cast<size_t>(v.Capacity) * sizeof(T));
}

/// Characters from a physical keyboard or badge scanner wait in ImGui's input queue; it is
/// emptied every frame (resize(0)) but keeps them in its buffer.
void wipeInputQueue() {
    zeroAll(ImGui::GetIO().InputQueueCharacters);
}

/// ImGui's own text-input state and its undo buffer. Our fields are not ImGui::InputText,
/// so it should be empty; should anything ever use it, it must not keep a visitor's text
/// (ClearActiveID leaves TextW, TextA, InitialTextA and the undo characters in place).
void wipeImGuiTextState() {
    ImGui::ClearActiveID();
    ImGuiInputTextState& st = ImGui::GetCurrentContext()->InputTextState;
    zeroAll(st.TextW);
    zeroAll(st.TextA);
    zeroAll(st.InitialTextA);
    st.TextW.clear();
    st.TextA.clear();
    st.InitialTextA.clear();
    std::memset(static_cast<void*>(&st.Stb), 0, sizeof st.Stb);
    st.CurLenW = st.CurLenA = 0;
    st.TextAIsValid = false;
    st.ID = 0;
    wipeInputQueue();
}
} // namespace

void App::wipeForm() {
    SignupState& s = m_state.signup;
    core::wipe(s.input);
    for (std::string* x : {&s.focused, &s.scrollTo, &s.leadId})
        core::wipe(*x);
    // The fields' buffers, zeroed above, stay for the next visitor: they are reserved once.
    auto values = std::move(s.input.values);
    m_state.signup = SignupState{};
    m_state.signup.input.values = std::move(values);
    m_keyboard = KeyboardState{};
    if (ImGui::GetCurrentContext()) wipeImGuiTextState();
}

void App::count(core::Figure f, const std::vector<std::string>& subjects, long long value, bool stand) {
    if (!m_backend.count || value <= 0) return;
    const std::int64_t hour = m_clock.wallMs() / 3'600'000;
    std::vector<core::FigureCount> c;
    if (stand) c.push_back({m_content.event.id, "", f, hour, value});
    for (const auto& s : subjects)
        if (!s.empty()) c.push_back({m_content.event.id, s, f, hour, value});
    if (!c.empty()) m_backend.count(c);
}

void App::countLeaving() {
    if (m_state.screen == Screen::Profile && !m_state.companyId.empty()) {
        // Up to the last touch: a visitor who walked away is not reading for the idle timeout.
        const double s = std::max(0.0, std::min(m_clock.now(), m_lastActivity) - m_state.screenSince);
        count(core::Figure::ProfileSeconds, {m_state.companyId}, std::llround(s));
        count(core::Figure::ProfileTimed, {m_state.companyId});
    }
    if (m_state.screen == Screen::Signup && m_signupOpen) countSignupEnd({});
}

void App::countSignupEnd(const std::vector<std::string>& lead) {
    if (!m_signupOpen) return;
    m_signupOpen = false;
    // Exhibitors ticked on the form count as started for them too (the stand's own start was
    // counted as the form opened); each one started ends as completed or abandoned, so
    // started = completed + abandoned for every company.
    std::vector<std::string> lateStart, abandoned;
    for (const auto& id : lead.empty() ? m_state.signup.input.exhibitors : lead)
        if (std::find(m_signupFor.begin(), m_signupFor.end(), id) == m_signupFor.end()) lateStart.push_back(id);
    count(core::Figure::SignupsStarted, lateStart, 1, false);
    m_signupFor.insert(m_signupFor.end(), lateStart.begin(), lateStart.end());
    for (const auto& id : m_signupFor)
        if (std::find(lead.begin(), lead.end(), id) == lead.end()) abandoned.push_back(id);
    count(core::Figure::SignupsAbandoned, abandoned, 1, lead.empty());
    if (!lead.empty()) count(core::Figure::SignupsCompleted, lead);
    m_signupFor.clear();
}

void App::go(Screen s) {
    if (s == m_state.screen) return;
    countLeaving();
    // Leaving the form (cancel, back, submitted) forgets what was typed, buffers and all.
    if (screenInfo(m_state.screen).wipeFormOnLeave) {
        wipeForm();
        m_ui.scrolls.clear();
        if (m_state.scanNote.kind != ScanNote::Kind::Unreadable) m_state.scanNote = ScanNote{};
    }
    m_state.screen = s;
    m_state.screenSince = m_clock.now();
    m_settleFrames = 3; // a new screen lays out over a couple of frames
}

void App::resetForNextVisitor() {
    countLeaving();
    wipeForm();
    core::wipe(m_state.pinEntry);
    SignupState emptyForm = std::move(m_state.signup); // keeps the zeroed buffers (wipeForm)
    m_state = UiState{};
    m_state.signup = std::move(emptyForm);
    m_state.screenSince = m_clock.now();
    m_ui.scrolls.clear();
    for (auto& shown : m_ui.shownTexts) shown.second.clear(); // the last receipt goes with its visit
    m_settleFrames = 3;
}

void App::apply(const Intent& i) {
    std::visit(
        [this](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, intent::Goto>) {
                if (v.screen == Screen::Attract) resetForNextVisitor();
                else go(v.screen);
            } else if constexpr (std::is_same_v<T, intent::SetLang>) {
                m_state.lang = v.lang;
                // The keyboard follows the language (QWERTZ for German); kbd.layout still switches.
                m_keyboard.german = v.lang == core::Lang::De;
                m_keyboard.lang = v.lang;
            } else if constexpr (std::is_same_v<T, intent::OpenProfile>) {
                if (m_content.company(v.companyId)) {
                    go(Screen::Profile); // first: the time on the screen before is counted for what it showed
                    m_state.companyId = v.companyId;
                    m_qrCounted = false;
                    count(core::Figure::ProfileViews, {v.companyId});
                }
            } else if constexpr (std::is_same_v<T, intent::SetFilter>) {
                if (!v.sectorId.empty() && v.sectorId != m_state.filter) count(core::Figure::SectorFilter, {v.sectorId});
                m_state.filter = v.sectorId;
            } else if constexpr (std::is_same_v<T, intent::OpenSignup>) {
                go(Screen::Signup);
                wipeForm();
                core::reserveFields(m_state.signup.input, m_content.form);
                m_keyboard.german = m_state.lang == core::Lang::De;
                m_keyboard.lang = m_state.lang;
                m_state.signup.leadId = core::newUuid();
                m_state.signup.confirmationEmail = m_config.signup.confirmationEmail;
                const core::Company* c = m_content.company(v.companyId);
                if (c && c->exhibitor) m_state.signup.input.exhibitors.push_back(c->id);
                // A sign-up is for the exhibitor whose profile it started from (and, when it
                // ends, for every exhibitor ticked then): countSignupEnd.
                if (!m_signupOpen) {
                    m_signupOpen = true;
                    m_signupFor.clear();
                    if (c && c->exhibitor) m_signupFor.push_back(c->id);
                    count(core::Figure::SignupsStarted, m_signupFor);
                }
            } else if constexpr (std::is_same_v<T, intent::Form>) {
                applyForm(v);
            } else if constexpr (std::is_same_v<T, intent::Staff>) {
                applyStaff(v);
            } else if constexpr (std::is_same_v<T, intent::Scan>) {
                applyScan(v);
            } else if constexpr (std::is_same_v<T, intent::Access>) {
                AccessModes& a = m_state.access;
                using M = intent::Access::Mode;
                bool& mode = v.mode == M::Reach ? a.reach : v.mode == M::Contrast ? a.contrast : a.larger;
                mode = !mode;
                m_ui.scrolls.clear(); // lists change size: start them at the top again
            }
        },
        i);
}

namespace {
void toggle(std::vector<std::string>& v, const std::string& x) {
    auto it = std::find(v.begin(), v.end(), x);
    if (it == v.end()) v.push_back(x);
    else v.erase(it);
}

void eraseLastChar(std::string& s) {
    if (s.empty()) return;
    size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i; // a whole UTF-8 character
    core::wipe(s, i); // erase() alone keeps the deleted bytes in the buffer
}
} // namespace

std::vector<KeyStep> App::keyPlan(const std::string& ch) const {
    if (m_state.screen != Screen::Signup || m_state.signup.focused.empty()) return {};
    return ui::keyPlan(m_keyboard, keyboardModeFor(m_content.form, m_state.signup.focused), ch);
}

void App::applyForm(const intent::Form& f) {
    using Op = intent::Form::Op;
    SignupState& s = m_state.signup;
    auto focus = [&](const std::string& field) {
        s.focused = field;
        s.scrollTo = field;
        // Names start with a capital: shift is on at the start of an empty name field.
        std::string* v = typedText(s.input, m_content.form, field);
        m_keyboard.layer = 0;
        m_keyboard.popup.clear();
        m_keyboard.shift = v && v->empty() && keyboardModeFor(m_content.form, field) == KeyboardMode::Name;
    };
    switch (f.op) {
    case Op::Focus: focus(f.arg); break;
    case Op::Type:
        if (std::string* v = typedText(s.input, m_content.form, s.focused)) {
            // Past the limit nothing is added, so what is shown is what is stored.
            for (size_t i = 0; i < f.arg.size();) {
                size_t n = 1;
                while (i + n < f.arg.size() && (static_cast<unsigned char>(f.arg[i + n]) & 0xC0) == 0x80) ++n;
                if (core::charCount(*v) >= typedLimit(m_content.form, s.focused)) break;
                v->append(f.arg, i, n);
                i += n;
            }
        }
        break;
    case Op::Backspace:
        if (std::string* v = typedText(s.input, m_content.form, s.focused))
            for (int n = f.arg.empty() ? 1 : std::max(1, std::atoi(f.arg.c_str())); n > 0; --n) eraseLastChar(*v);
        break;
    case Op::Next:
        if (const std::string next = nextTypedField(m_content.form, s.focused); next.empty()) s.focused.clear();
        else focus(next);
        break;
    case Op::HideKeyboard: s.focused.clear(); break;
    case Op::Pick:
        if (const core::FormField* field = m_content.form.field(f.arg)) {
            core::Answer& a = s.input.values[field->id];
            if (field->kind == core::FieldKind::YesNo) a.yes = !a.yes;
            else if (!field->option(f.option)) break;
            else if (field->kind == core::FieldKind::Multi) toggle(a.options, f.option);
            else a.text = a.text == f.option ? std::string() : f.option; // a second tap takes the answer back
            s.focused.clear();
        }
        break;
    case Op::ToggleSector: toggle(s.input.sectors, f.arg); break;
    case Op::ToggleExhibitor: toggle(s.input.exhibitors, f.arg); break;
    case Op::ToggleConsent:
        s.input.consent = !s.input.consent;
        if (s.input.consent) { // what the visitor agreed to is the text on screen as they ticked the box
            s.consentAtMs = m_clock.wallMs();
            s.consentLang = m_state.lang;
        }
        break;
    case Op::ToggleNewsletter: s.input.newsletter = !s.input.newsletter; break;
    case Op::ShowPrivacy: s.privacyOpen = true; break;
    case Op::HidePrivacy: s.privacyOpen = false; break;
    case Op::Submit: submit(); break;
    }
}

void App::submit() {
    SignupState& s = m_state.signup;
    core::FormInput clean = s.input; // what was typed stays on screen; the cleaned copy is stored
    core::Lead lead;
    // The copies made here are zeroed on every way out (the form itself is wiped with the visit).
    struct WipeCopies {
        core::FormInput& form;
        core::Lead& lead;
        ~WipeCopies() {
            core::wipe(form);
            core::wipe(lead);
        }
    } wipeCopies{clean, lead};
    s.errors = core::validateForm(clean, m_content.form);
    s.storeFailed = false;
    if (!s.errors.empty()) {
        // Focus the first problem: a text field opens with its keyboard.
        const auto& first = s.errors.front().field;
        s.focused = typedText(clean, m_content.form, first) ? first : std::string();
        s.scrollTo = first;
        return;
    }
    lead.id = s.leadId.empty() ? core::newUuid() : s.leadId;
    lead.createdMs = m_clock.wallMs();
    lead.kioskId = m_config.kioskId;
    lead.eventId = m_content.event.id;
    lead.lang = core::langCode(m_state.lang);
    core::fillLead(lead, clean, m_content.form);
    lead.consent = {m_content.consent.version, core::sha256Hex(m_content.consent.shown(s.consentLang)),
                    core::langCode(s.consentLang), s.consentAtMs};
    const core::StoreResult r = m_leads ? m_leads(lead) : core::StoreResult{false, "no lead store configured"};
    if (!r) {
        // The visitor keeps the form and is asked to fetch staff; staff see the cause.
        s.storeFailed = true;
        s.focused.clear();
        m_lastStoreError = r.error;
        std::fprintf(stderr, "kiosk: a lead could not be stored: %s\n", r.error.c_str());
        return;
    }
    m_lastStoreError.clear();
    // A lead without an exhibitor completes the stand's own sign-up.
    countSignupEnd(lead.exhibitors.empty() ? std::vector<std::string>{""} : lead.exhibitors);
    ThanksState thanks{lead.exhibitors, lead.id, lead.consent,
                       m_config.sync.endpoint.empty() ? std::string() : m_config.sync.withdrawUrl, m_config.thanksSeconds};
    go(Screen::Thanks);
    m_state.thanks = std::move(thanks);
}

int App::scan(std::string& code) {
    intent::Scan s{core::parseContact(code)};
    core::wipe(code);
    const int filled = applyScan(s);
    if (s.contact) core::wipe(s.contact->fields);
    return filled;
}

int App::applyScan(const intent::Scan& s) {
    const double now = m_clock.now();
    m_lastActivity = now; // someone is at the kiosk
    // Staff at work on the PIN pad or the panel: a scan is not for them.
    if (m_state.screen == Screen::Pin || m_state.screen == Screen::Staff) return -1;
    m_settleFrames = std::max(m_settleFrames, 2);
    if (!s.contact) { // nothing of the code is kept: only that it could not be used
        m_state.scanNote = {ScanNote::Kind::Unreadable, {}, now};
        return -1;
    }
    // A scan is never consent: the form opens (or stays) with consent as the visitor left it.
    if (m_state.screen != Screen::Signup)
        apply(intent::OpenSignup{m_state.screen == Screen::Profile ? m_state.companyId : std::string()});
    std::vector<std::string> filled = prefillForm(m_state.signup, m_content.form, s.contact->fields);
    const auto kind = filled.empty() ? ScanNote::Kind::NothingNew : ScanNote::Kind::Filled;
    const int n = static_cast<int>(filled.size());
    m_state.scanNote = {kind, std::move(filled), now};
    return n;
}

void App::drawScanNote(float height) {
    const ScanNote& note = m_state.scanNote;
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}}; // for tr()
    if (note.kind == ScanNote::Kind::Unreadable) {
        m_scanNoteText = ctx.tr("scan.unreadable");
    } else if (note.kind == ScanNote::Kind::NothingNew) {
        m_scanNoteText = ctx.tr("scan.nothing_new");
    } else {
        std::string list;
        for (const auto& id : note.fields) list += (list.empty() ? "" : ", ") + fieldLabel(ctx, id);
        m_scanNoteText = ctx.tr("scan.filled");
        if (auto p = m_scanNoteText.find("{fields}"); p != std::string::npos) m_scanNoteText.replace(p, 8, list);
    }
    const Theme& t = theme();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    const float pad = t.em(0.6f);
    // As tall as its text needs (a portrait screen wraps it), on top of the screen's title,
    // and not in the way: taps go through to the screen below.
    const float textH = t.fonts.bold->CalcTextSizeA(t.fonts.bold->FontSize, FLT_MAX, disp.x - pad * 4,
                                                    m_scanNoteText.c_str()).y;
    height = std::max(height, textH + pad * 2);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(disp.x, height));
    ImGui::Begin("##scan", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoInputs |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    const bool warn = note.kind == ScanNote::Kind::Unreadable;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), ImVec2(disp.x, height), warn ? t.colors.warning : t.colors.surfaceAlt);
    ImGui::SetCursorScreenPos(ImVec2(pad * 2, pad));
    wrappedText(t.fonts.bold, warn ? t.colors.onWarning : t.colors.text, m_scanNoteText, disp.x - pad * 4);
    registry().addShown("scan.note", ImVec2(0, 0), ImVec2(disp.x, height), &m_scanNoteText);
    ImGui::End();
}

void App::applyStaff(const intent::Staff& s) {
    using Op = intent::Staff::Op;
    switch (s.op) {
    case Op::OpenPin:
        if (!m_hasBackend) return;
        core::wipe(m_state.pinEntry);
        m_state.pinWrong = false;
        go(Screen::Pin);
        break;
    case Op::Digit:
        if (m_state.pinEntry.size() < 8) m_state.pinEntry += s.arg;
        m_state.pinWrong = false;
        break;
    case Op::Back:
        if (!m_state.pinEntry.empty()) m_state.pinEntry.pop_back();
        break;
    case Op::Ok: {
        // The PIN is checked and then zeroed, here and in the pad's buffer (a move of a
        // short string copies it and leaves the digits behind).
        std::string pin = m_state.pinEntry;
        core::wipe(m_state.pinEntry);
        const bool right = m_backend.checkPin && m_backend.checkPin(pin);
        core::wipe(pin);
        if (right) {
            m_snapshotAt = -1e9; // fresh figures as the panel opens
            go(Screen::Staff);
        } else {
            m_state.pinWrong = true;
        }
        break;
    }
    case Op::SyncNow:
        if (m_backend.syncNow) m_backend.syncNow();
        m_snapshotAt = -1e9;
        break;
    case Op::Export:
        if (m_backend.startExport && !m_state.exportChoice.destination.empty()) m_backend.startExport(m_state.exportChoice);
        m_snapshotAt = -1e9;
        break;
    case Op::Exit: m_quit = true; break;
    case Op::Destination: m_state.exportChoice.destination = s.arg; break;
    case Op::Format:
        if (s.arg == "csv" || s.arg == "jsonl" || s.arg == "xlsx") m_state.exportChoice.format = s.arg;
        break;
    case Op::Delimiter: m_state.exportChoice.delimiter = s.arg.empty() ? ';' : s.arg[0]; break;
    case Op::HeaderLang: m_state.exportChoice.english = s.arg == "en"; break;
    }
}

Intent App::drawStaffCorner() {
    // An unmarked corner: a 3 s press opens the PIN pad. Its own window, on top,
    // so the screen below never sees the press.
    const Theme& t = theme();
    const float size = t.smallButton();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(size, size));
    ImGui::Begin("##corner", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    ImGui::InvisibleButton("staff.corner", ImVec2(size, size));
    m_ui.registry.add("staff.corner", ImVec2(0, 0), ImVec2(size, size));
    Intent out;
    const double now = m_clock.now();
    if (ImGui::IsItemActive()) {
        if (m_cornerDownAt < 0) m_cornerDownAt = now;
        if (now - m_cornerDownAt >= 3.0) {
            out = intent::Staff{intent::Staff::Op::OpenPin, {}};
            m_cornerDownAt = 1e300; // once per press
        }
    } else {
        m_cornerDownAt = -1;
    }
    ImGui::End();
    return out;
}

namespace {
struct AccessToggle {
    const char* id;
    intent::Access::Mode mode;
};
constexpr AccessToggle kAccessToggles[] = {{"access.reach", intent::Access::Mode::Reach},
                                           {"access.contrast", intent::Access::Mode::Contrast},
                                           {"access.text", intent::Access::Mode::Text}};

float navPad() { return em(0.6f); }
float navRowHeight() { return em(2.2f); }
float navHomeWidth() { return em(7); }
float navLangWidth() { return em(6.5f); }
float navGap() { return em(0.3f); }
} // namespace

float App::accessBarWidth() const {
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}}; // for tr()
    float w = 0;
    for (const auto& a : kAccessToggles) w += chipWidth(ctx.tr(a.id)) + em(0.5f);
    return w - em(0.5f);
}

float App::navBarHeight(float width) const {
    const float oneRow = navRowHeight() + 2 * navPad();
    if (!screenInfo(m_state.screen).visitor) return oneRow;
    // Home, the toggles and the languages in one row when they fit (landscape), else the toggles above.
    const float row = navHomeWidth() + 2 * navLangWidth() + navGap() + accessBarWidth() + 2 * em(1.0f) + 2 * navPad();
    return row <= width ? oneRow : oneRow + navRowHeight() + navPad();
}

Intent App::drawAccessBar(float height) {
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}}; // for tr()
    const AccessModes& on = m_state.access;
    const bool state[] = {on.reach, on.contrast, on.larger};
    Intent out;
    ImVec2 at = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < std::size(kAccessToggles); ++i) {
        const auto& a = kAccessToggles[i];
        ImGui::SetCursorScreenPos(at);
        if (chip(a.id, ctx.tr(a.id), state[i], theme().colors.primary, height)) out = intent::Access{a.mode};
        at.x += chipWidth(ctx.tr(a.id)) + em(0.5f);
    }
    return out;
}

Intent App::drawNavBar(float height) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    const float top = disp.y - height;
    dl->AddRectFilled(ImVec2(0, top), disp, t.colors.surface);
    dl->AddLine(ImVec2(0, top), ImVec2(disp.x, top), t.colors.border, std::max(1.0f, t.em(0.06f)));

    Intent out;
    const float pad = navPad(), bh = navRowHeight(), rowY = disp.y - pad - bh;
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}}; // for tr()
    ImGui::SetCursorScreenPos(ImVec2(pad, rowY));
    if (button("nav.home", ctx.tr("nav.home"), ImVec2(navHomeWidth(), bh), ButtonKind::Secondary))
        out = intent::Goto{Screen::Attract};

    // "Deutsch | English" as words, on every screen, within reach (docs/design.md).
    const float lw = navLangWidth();
    const float langX = disp.x - pad - 2 * lw - navGap();
    ImGui::SetCursorScreenPos(ImVec2(langX, rowY));
    using core::Lang;
    const bool de = m_state.lang == Lang::De;
    if (button("lang.de", ctx.tr("lang.de"), ImVec2(lw, bh), de ? ButtonKind::Primary : ButtonKind::Secondary))
        out = intent::SetLang{Lang::De};
    ImGui::SameLine(0, navGap());
    if (button("lang.en", ctx.tr("lang.en"), ImVec2(lw, bh), de ? ButtonKind::Secondary : ButtonKind::Primary))
        out = intent::SetLang{Lang::En};

    if (screenInfo(m_state.screen).visitor) {
        // Between home and the languages, or on a row of its own above them.
        const bool ownRow = height > bh + 2 * pad + 1.0f;
        const float w = accessBarWidth();
        ImGui::SetCursorScreenPos(ownRow ? ImVec2(pad, top + pad) : ImVec2((pad + navHomeWidth() + langX - w) * 0.5f, rowY));
        if (Intent a = drawAccessBar(bh); !std::holds_alternative<std::monostate>(a)) out = a;
    }
    return out;
}

void App::drawAboveReach(float height) {
    // Nothing to touch up there: the event's name, so the screen does not look switched off.
    const Theme& t = theme();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}};
    const float w = std::min(disp.x - 2 * t.wideMargin(), t.em(40));
    ImFont* f = t.fonts.heading;
    const std::string& title = ctx.in(m_content.event.title);
    const ImVec2 sz = f->CalcTextSizeA(f->FontSize, FLT_MAX, w, title.c_str());
    ImGui::SetCursorScreenPos(ImVec2((disp.x - std::min(w, sz.x)) * 0.5f, std::max(0.0f, (height - sz.y) * 0.5f)));
    wrappedText(f, t.colors.textMuted, title, w);
}

App::Area App::screenArea(ImVec2 display, float navH) const {
    const float full = display.y - navH;
    if (!m_state.access.reach || !screenInfo(m_state.screen).visitor) return {ImVec2(0, 0), ImVec2(display.x, full)};
    const Theme& t = theme();
    // The screen's top edge is mount_bottom_mm + its height above the floor; everything above
    // kReachMm stays empty. A band too low to hold a screen gets the lowest one that does.
    const float topAboveFloorMm = static_cast<float>(m_config.mountBottomMm) + display.y / t.pxPerMm;
    const float y = std::clamp((topAboveFloorMm - kReachMm) * t.pxPerMm, 0.0f, std::max(0.0f, full - t.em(14)));
    return {ImVec2(0, std::floor(y)), ImVec2(display.x, full - std::floor(y))};
}

Intent App::drawIdleWarning(float y, float height) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    // Drawn in its own window on top so it also takes the "Continue" tap.
    ImGui::SetNextWindowPos(ImVec2(0, y));
    ImGui::SetNextWindowSize(ImVec2(disp.x, height));
    ImGui::Begin("##idle", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, y), ImVec2(disp.x, y + height), t.colors.warning);
    const ScreenCtx ctx{m_content, m_state, 0, m_textures, {}}; // for tr()
    const double left = m_config.idleTimeoutS - (m_clock.now() - m_lastActivity);
    const int secs = std::max(0, static_cast<int>(std::ceil(left)));
    std::string text = ctx.tr("idle.text");
    if (auto p = text.find("{s}"); p != std::string::npos) text.replace(p, 3, std::to_string(secs));
    const float pad = t.em(0.6f), bw = t.em(11);
    ImGui::SetCursorScreenPos(ImVec2(pad, y + pad));
    wrappedText(t.fonts.bold, t.colors.onWarning, ctx.tr("idle.title"), disp.x - bw - 3 * pad);
    ImGui::SetCursorScreenPos(ImVec2(pad, ImGui::GetCursorScreenPos().y));
    wrappedText(t.fonts.body, t.colors.onWarning, text, disp.x - bw - 3 * pad);
    ImGui::SetCursorScreenPos(ImVec2(disp.x - bw - pad, y + pad));
    Intent out;
    if (button("idle.continue", ctx.tr("idle.continue"), ImVec2(bw, height - 2 * pad), ButtonKind::Primary))
        out = intent::StayActive{};
    ImGui::End();
    return out;
}

void App::frame(ImVec2 displaySize) {
    setUiContext(&m_ui); // widgets and screens draw into this App's context
    ImGuiIO& io = ImGui::GetIO();
    const double now = m_clock.now();
    io.DeltaTime = m_lastFrame < 0 ? 1.0f / 60.0f : std::clamp(static_cast<float>(now - m_lastFrame), 1e-4f, 0.1f);
    m_lastFrame = now;
    io.DisplaySize = displaySize;
    m_touch.apply(io);
    if (m_touch.busy()) m_lastActivity = now; // any touch extends the idle timeout

    // Idle: the whole visit is wiped when nobody touched the screen for the timeout.
    const double idle = now - m_lastActivity;
    if (screenInfo(m_state.screen).idleTimeout && idle >= m_config.idleTimeoutS) resetForNextVisitor();
    m_warning = screenInfo(m_state.screen).idleTimeout && idle >= m_config.idleTimeoutS - m_config.idleWarningS;

    // The visit's access modes: another palette and larger fonts, from the fonts built at start.
    // The PIN pad and the staff panel keep the configured theme: they are laid out for staff.
    const bool visitor = screenInfo(m_state.screen).visitor;
    m_ui.theme = visitor ? m_baseTheme.forAccess(m_state.access) : m_baseTheme;
    applyStyle(m_ui.theme);
    m_ui.registry.beginFrame();
    ImGui::NewFrame();
    const Theme& t = theme();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(displaySize);
    // No background of its own: the renderer clears the screen to clearColour() (a full-screen
    // fill of the same colour again cost 1-2 ms a frame at 4K on the software renderer).
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBackground);
    const float navH = navBarHeight(displaySize.x);
    // The panel's figures: refreshed every 2 s, and often while an export runs.
    if (m_state.screen == Screen::Staff && m_backend.snapshot &&
        now - m_snapshotAt >= (m_snapshot.job.running ? 0.25 : 2.0)) {
        m_snapshot = m_backend.snapshot();
        m_snapshotAt = now;
        if (m_state.exportChoice.destination.empty() && !m_snapshot.destinations.empty())
            m_state.exportChoice.destination = m_snapshot.destinations.front();
    }
    const Area area = screenArea(displaySize, navH);
    ScreenCtx ctx{m_content, m_state, now, m_textures, area.size, &m_keyboard,
                  m_hasBackend ? &m_backend : nullptr, &m_snapshot, m_clock.wallMs()};
    ctx.origin = area.origin;
    if (area.origin.y > 0) drawAboveReach(area.origin.y);
    Intent screenIntent;
    ImGui::SetCursorScreenPos(area.origin);
    ImGui::BeginChild("screen", ctx.size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    screenIntent = screenInfo(m_state.screen).draw(ctx);
    ImGui::EndChild();
    if (ctx.websiteQrShown && m_state.screen == Screen::Profile && !m_qrCounted) {
        m_qrCounted = true;
        count(core::Figure::WebsiteQr, {m_state.companyId});
    }
    Intent navIntent = drawNavBar(navH);
    ImGui::End();
    Intent warnIntent;
    if (m_warning) warnIntent = drawIdleWarning(displaySize.y - navH - t.em(4.2f), t.em(4.2f));
    // What a scan did, for a few seconds.
    constexpr double kScanNoteS = 6.0;
    if (m_state.scanNote.kind != ScanNote::Kind::None && now - m_state.scanNote.at >= kScanNoteS)
        m_state.scanNote = ScanNote{};
    if (m_state.scanNote.kind != ScanNote::Kind::None) drawScanNote(t.em(3.2f));
    Intent cornerIntent = m_hasBackend ? drawStaffCorner() : Intent{};
    ImGui::Render();
    m_ui.registry.endFrame();

    m_state.signup.scrollTo.clear(); // it was drawn once
    for (const Intent* i : {&cornerIntent, &warnIntent, &navIntent, &screenIntent})
        if (!std::holds_alternative<std::monostate>(*i)) {
            apply(*i);
            m_settleFrames = std::max(m_settleFrames, 2);
            break;
        }
    // A typed character travels in an intent: not kept past its frame.
    if (auto* f = std::get_if<intent::Form>(&screenIntent)) core::wipe(f->arg);
    wipeInputQueue();

    // When the next frame is due: now while anything moves, else at the next
    // timed change (a scene of the attract loop, the idle warning, its countdown).
    m_clearColour = ctx.backdrop.value_or(t.colors.bg);
    m_animating = ctx.animating || m_touch.busy() || m_settleFrames > 0;
    if (m_settleFrames > 0) --m_settleFrames;
    m_wakeAt = ctx.wakeAt;
    if (m_state.screen == Screen::Staff) m_wakeAt = std::min(m_wakeAt, m_snapshotAt + (m_snapshot.job.running ? 0.25 : 2.0));
    const ScreenInfo& shown = screenInfo(m_state.screen);
    if (shown.tickSeconds > 0) m_wakeAt = std::min(m_wakeAt, now + shown.tickSeconds);
    if (m_state.scanNote.kind != ScanNote::Kind::None) m_wakeAt = std::min(m_wakeAt, m_state.scanNote.at + kScanNoteS);
    if (shown.idleTimeout) {
        const double warnAt = m_lastActivity + m_config.idleTimeoutS - m_config.idleWarningS;
        const double resetAt = m_lastActivity + m_config.idleTimeoutS;
        const double nextTick = m_lastActivity + std::floor(now - m_lastActivity) + 1.0; // countdown digits
        m_wakeAt = std::min(m_wakeAt, now < warnAt ? warnAt : std::min(resetAt, nextTick));
    }
}

double App::wakeIn() const {
    if (m_animating) return 0.0;
    return std::max(0.0, m_wakeAt - m_clock.now());
}

} // namespace kiosk::ui
