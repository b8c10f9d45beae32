#include "app.hpp"

#include "automation/registry.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

const char* screenName(Screen s) {
    switch (s) {
    case Screen::Attract: return "attract";
    case Screen::Browse: return "browse";
    case Screen::Profile: return "profile";
    case Screen::Signup: return "signup";
    case Screen::Thanks: return "thanks";
    case Screen::Pin: return "pin";
    case Screen::Staff: return "staff";
    }
    return "?";
}

const std::string& ScreenCtx::tr(const std::string& key) const {
    if (const core::Text* t = content.string(key)) return t->in(state.lang);
    static thread_local std::string missing;
    missing = key; // check-content reports it; showing the key beats showing nothing
    return missing;
}

App::App(const core::Content& content, const core::KioskConfig& config, const core::Clock& clock, TextureLoader textures)
    : m_content(content), m_config(config), m_clock(clock), m_textures(std::move(textures)) {
    m_lastActivity = m_state.screenSince = clock.now();
}

void App::go(Screen s) {
    if (s == m_state.screen) return;
    m_state.screen = s;
    m_state.screenSince = m_clock.now();
    m_settleFrames = 3; // a new screen lays out over a couple of frames
}

void App::resetForNextVisitor() {
    m_state = UiState{};
    m_state.screenSince = m_clock.now();
    resetTouchScrolls();
    ImGui::ClearActiveID();
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
            } else if constexpr (std::is_same_v<T, intent::OpenProfile>) {
                if (m_content.company(v.companyId)) {
                    m_state.companyId = v.companyId;
                    go(Screen::Profile);
                }
            } else if constexpr (std::is_same_v<T, intent::SetFilter>) {
                m_state.filter = v.sectorId;
            }
        },
        i);
}

Intent App::drawNavBar(float height) {
    const Theme& t = theme();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    const float top = disp.y - height;
    dl->AddRectFilled(ImVec2(0, top), disp, t.colors.surface);
    dl->AddLine(ImVec2(0, top), ImVec2(disp.x, top), t.colors.border, std::max(1.0f, t.em(0.06f)));

    Intent out;
    const float pad = t.em(0.6f), bh = height - 2 * pad;
    ScreenCtx ctx{m_content, m_state, 0, m_textures, {}};
    ImGui::SetCursorScreenPos(ImVec2(pad, top + pad));
    if (button("nav.home", ctx.tr("nav.home"), ImVec2(t.em(7), bh), ButtonKind::Secondary))
        out = intent::Goto{Screen::Attract};

    // "Deutsch | English" as words, on every screen, within reach (DESIGN.md 10).
    const float lw = t.em(6.5f);
    ImGui::SetCursorScreenPos(ImVec2(disp.x - pad - 2 * lw - t.em(0.3f), top + pad));
    using core::Lang;
    const bool de = m_state.lang == Lang::De;
    if (button("lang.de", ctx.tr("lang.de"), ImVec2(lw, bh), de ? ButtonKind::Primary : ButtonKind::Secondary))
        out = intent::SetLang{Lang::De};
    ImGui::SameLine(0, t.em(0.3f));
    if (button("lang.en", ctx.tr("lang.en"), ImVec2(lw, bh), de ? ButtonKind::Secondary : ButtonKind::Primary))
        out = intent::SetLang{Lang::En};
    return out;
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
    ScreenCtx ctx{m_content, m_state, 0, m_textures, {}};
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
    ImGuiIO& io = ImGui::GetIO();
    const double now = m_clock.now();
    io.DeltaTime = m_lastFrame < 0 ? 1.0f / 60.0f : std::clamp(static_cast<float>(now - m_lastFrame), 1e-4f, 0.1f);
    m_lastFrame = now;
    io.DisplaySize = displaySize;
    m_touch.apply(io);
    if (m_touch.busy()) m_lastActivity = now; // any touch extends the idle timeout

    // Idle: the whole visit is wiped when nobody touched the screen for the timeout.
    const double idle = now - m_lastActivity;
    if (m_state.screen != Screen::Attract && idle >= m_config.idleTimeoutS) resetForNextVisitor();
    m_warning = m_state.screen != Screen::Attract && idle >= m_config.idleTimeoutS - m_config.idleWarningS;

    registry().beginFrame();
    ImGui::NewFrame();
    const Theme& t = theme();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(displaySize);
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    const float navH = t.em(3.4f);
    ScreenCtx ctx{m_content, m_state, now, m_textures, ImVec2(displaySize.x, displaySize.y - navH)};
    Intent screenIntent;
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    ImGui::BeginChild("screen", ctx.size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    switch (m_state.screen) {
    case Screen::Attract: screenIntent = drawAttract(ctx); break;
    case Screen::Browse: screenIntent = drawBrowse(ctx); break;
    case Screen::Profile: screenIntent = drawProfile(ctx); break;
    default: screenIntent = intent::Goto{Screen::Attract}; break;
    }
    ImGui::EndChild();
    Intent navIntent = drawNavBar(navH);
    ImGui::End();
    Intent warnIntent;
    if (m_warning) warnIntent = drawIdleWarning(displaySize.y - navH - t.em(4.2f), t.em(4.2f));
    ImGui::Render();
    registry().endFrame();

    for (const Intent* i : {&warnIntent, &navIntent, &screenIntent})
        if (!std::holds_alternative<std::monostate>(*i)) {
            apply(*i);
            m_settleFrames = std::max(m_settleFrames, 2);
            break;
        }

    // When the next frame is due: now while anything moves, else at the next
    // timed change (a scene of the attract loop, the idle warning, its countdown).
    m_animating = ctx.animating || m_touch.busy() || m_settleFrames > 0;
    if (m_settleFrames > 0) --m_settleFrames;
    m_wakeAt = ctx.wakeAt;
    if (m_state.screen != Screen::Attract) {
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
