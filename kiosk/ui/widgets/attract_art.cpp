#include "attract_art.hpp"

#include "../theme.hpp"
#include "widgets.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

constexpr float kPi = 3.14159265f;

float wave(double t, double period, float phase = 0) {
    return std::sin(float(t * 2.0 * kPi / period) + phase);
}

ImVec2 at(ImVec2 c, float x, float y) {
    return ImVec2(c.x + x, c.y + y);
}

ImVec2 bezier(ImVec2 a, ImVec2 ctl, ImVec2 b, float u) {
    const float v = 1 - u;
    return ImVec2(v * v * a.x + 2 * u * v * ctl.x + u * u * b.x, v * v * a.y + 2 * u * v * ctl.y + u * u * b.y);
}

/// A soft light: a few growing, fading discs.
void glow(const ArtBox& a, ImVec2 p, float r, ImU32 c) {
    a.dl->AddCircleFilled(p, r * 2.2f, a.tint(c, 0.18f));
    a.dl->AddCircleFilled(p, r * 1.5f, a.tint(c, 0.35f));
    a.dl->AddCircleFilled(p, r, a.tint(c, 1.0f));
}

} // namespace

ImU32 ArtBox::tint(ImU32 c, float alpha) const {
    const float k = std::clamp(alpha, 0.0f, 1.0f) * float((c >> IM_COL32_A_SHIFT) & 0xFF) / 255.0f;
    auto mix = [&](int shift) {
        const float from = float((bg >> shift) & 0xFF), to = float((c >> shift) & 0xFF);
        return static_cast<ImU32>(std::lround(from + (to - from) * k)) << shift;
    };
    return faded(mix(IM_COL32_R_SHIFT) | mix(IM_COL32_G_SHIFT) | mix(IM_COL32_B_SHIFT) | IM_COL32_A_MASK);
}

void drawBridge(const ArtBox& a, const std::string& left, const std::string& right) {
    const Theme& th = theme();
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float w = a.max.x - a.min.x, s = a.side();
    const float half = std::min(w * 0.5f, s * 0.75f);
    const float deckY = c.y + s * 0.10f;
    const float towerH = s * 0.34f, towerX = half * 0.52f;
    const float thick = std::max(2.0f, s * 0.012f);
    const ImVec2 endL(c.x - half, deckY), endR(c.x + half, deckY);
    const ImVec2 topL(c.x - towerX, deckY - towerH), topR(c.x + towerX, deckY - towerH);
    // The main span sags to just above the deck; the side spans fall to the ends.
    const ImVec2 sag(c.x, deckY + towerH * 0.55f - towerH);
    const ImVec2 ctlL(c.x - towerX - (half - towerX) * 0.35f, deckY - towerH * 0.25f);
    const ImVec2 ctlR(c.x + towerX + (half - towerX) * 0.35f, deckY - towerH * 0.25f);
    const ImVec2 ctlMain(c.x, 2 * sag.y - topL.y);
    const ImU32 ink = a.ink, accent = a.accent;

    for (int i = 1; i < 16; ++i) { // hangers
        const ImVec2 p = bezier(topL, ctlMain, topR, float(i) / 16.0f);
        dl->AddLine(p, ImVec2(p.x, deckY), a.tint(ink, 0.55f), thick * 0.35f);
    }
    dl->AddBezierQuadratic(endL, ctlL, topL, a.tint(ink, 0.9f), thick * 0.6f);
    dl->AddBezierQuadratic(topL, ctlMain, topR, a.tint(ink, 0.9f), thick * 0.6f);
    dl->AddBezierQuadratic(topR, ctlR, endR, a.tint(ink, 0.9f), thick * 0.6f);
    for (float x : {-towerX, towerX}) {
        dl->AddRectFilled(ImVec2(c.x + x - thick, deckY - towerH - thick), ImVec2(c.x + x + thick, deckY + s * 0.07f),
                          a.tint(ink, 1.0f), thick * 0.4f);
    }
    dl->AddRectFilled(ImVec2(endL.x, deckY - thick * 0.6f), ImVec2(endR.x, deckY + thick * 0.9f), a.tint(ink, 1.0f),
                      thick * 0.4f);

    // A light crosses the main cable, and one runs each way on the deck: visitors between the regions.
    const float u = float(std::fmod(a.t / 5.0, 1.0));
    glow(a, bezier(topL, ctlMain, topR, u), thick * 1.2f, accent);
    const float v = float(std::fmod(a.t / 7.0, 1.0));
    glow(a, ImVec2(endL.x + (endR.x - endL.x) * v, deckY - thick * 1.6f), thick * 0.9f, accent);
    glow(a, ImVec2(endR.x - (endR.x - endL.x) * v, deckY - thick * 1.6f), thick * 0.9f, accent);

    // "Greater Manchester × Ruhr" under the deck, in one line, the × in the accent colour.
    const std::string gap = "  \u00D7  ";
    ImFont* f = th.fonts.heading;
    auto width = [&](ImFont* font, const std::string& text) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x;
    };
    if (width(f, left + gap + right) > 2 * half) f = th.fonts.bold;
    const float wl = width(f, left), wg = width(f, gap), wr = width(f, right);
    const float x0 = c.x - (wl + wg + wr) * 0.5f, y = deckY + s * 0.07f + f->FontSize * 0.4f;
    dl->AddText(f, f->FontSize, ImVec2(x0, y), a.tint(ink, 1.0f), left.c_str());
    dl->AddText(f, f->FontSize, ImVec2(x0 + wl, y), a.tint(accent, 1.0f), gap.c_str());
    dl->AddText(f, f->FontSize, ImVec2(x0 + wl + wg, y), a.tint(ink, 1.0f), right.c_str());
}

void drawHydrogen(const ArtBox& a) {
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float s = a.side(), h = a.max.y - a.min.y, w = a.max.x - a.min.x;
    for (int i = 0; i < 14; ++i) { // bubbles rising at their own pace
        const float fi = float(i);
        const float speed = 0.05f + 0.02f * float(i % 5);
        const float y = a.max.y - float(std::fmod(a.t * speed + fi * 0.37, 1.0)) * h;
        const float x = a.min.x + w * std::fmod(fi * 0.618f, 1.0f) + wave(a.t, 4.0 + fi * 0.3, fi) * s * 0.02f;
        const float r = s * (0.012f + 0.01f * float(i % 3));
        dl->AddCircle(ImVec2(x, y), r, a.tint(a.ink, 0.55f), 0, std::max(1.5f, s * 0.004f));
    }
    const struct {
        float x, y, r, phase;
    } molecules[] = {{-0.22f, 0.05f, 0.11f, 0.0f}, {0.2f, -0.16f, 0.075f, 2.0f}, {0.17f, 0.24f, 0.06f, 4.0f}};
    ImFont* f = theme().fonts.heading;
    for (const auto& m : molecules) {
        const ImVec2 p =
            at(c, s * m.x + wave(a.t, 9.0, m.phase) * s * 0.03f, s * m.y + wave(a.t, 7.0, m.phase) * s * 0.03f);
        const float r = s * m.r, angle = float(a.t) * 0.25f + m.phase;
        const ImVec2 d(std::cos(angle) * r * 0.75f, std::sin(angle) * r * 0.75f);
        const ImVec2 h1(p.x - d.x, p.y - d.y), h2(p.x + d.x, p.y + d.y);
        dl->AddLine(h1, h2, a.tint(a.ink, 0.9f), r * 0.5f);
        for (ImVec2 q : {h1, h2}) {
            dl->AddCircleFilled(q, r, a.tint(a.ink, 0.92f));
            if (r > f->FontSize * 0.8f) centeredText(dl, f, a.accent, q, "H");
        }
    }
}

void drawShield(const ArtBox& a) {
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float s = a.side(), lw = std::max(2.0f, s * 0.014f);
    // A ring of dashes turns slowly around the shield.
    const float ring = s * 0.44f, turn = float(a.t) * 0.2f;
    for (int i = 0; i < 24; ++i) {
        const float a0 = turn + float(i) * 2 * kPi / 24, a1 = a0 + kPi / 24;
        dl->PathArcTo(c, ring, a0, a1, 6);
        dl->PathStroke(a.tint(a.ink, 0.45f), 0, lw * 0.6f);
    }
    const float hw = s * 0.26f, top = c.y - s * 0.32f, side = c.y + s * 0.02f, tip = c.y + s * 0.36f;
    auto outline = [&] {
        dl->PathLineTo(ImVec2(c.x - hw, top));
        dl->PathLineTo(ImVec2(c.x + hw, top));
        dl->PathLineTo(ImVec2(c.x + hw, side));
        dl->PathBezierQuadraticCurveTo(ImVec2(c.x + hw, tip - s * 0.1f), ImVec2(c.x, tip));
        dl->PathBezierQuadraticCurveTo(ImVec2(c.x - hw, tip - s * 0.1f), ImVec2(c.x - hw, side));
    };
    outline();
    dl->PathFillConvex(a.tint(a.ink, 0.16f));
    outline();
    dl->PathStroke(a.tint(a.ink, 1.0f), ImDrawFlags_Closed, lw);
    // The scan line sweeps the shield's upright part.
    const float scanY = top + lw + (side - top - 2 * lw) * (0.5f + 0.5f * wave(a.t, 3.0));
    dl->AddLine(ImVec2(c.x - hw + lw, scanY), ImVec2(c.x + hw - lw, scanY), a.tint(a.ink, 0.5f), lw * 0.5f);
    // The lock.
    const float bw = s * 0.2f, bh = s * 0.15f, by = c.y - s * 0.02f;
    dl->PathArcTo(ImVec2(c.x, by), s * 0.065f, kPi, 2 * kPi, 16);
    dl->PathStroke(a.tint(a.ink, 1.0f), 0, lw * 1.3f);
    dl->AddRectFilled(ImVec2(c.x - bw * 0.5f, by), ImVec2(c.x + bw * 0.5f, by + bh), a.tint(a.ink, 1.0f), s * 0.02f);
    dl->AddCircleFilled(ImVec2(c.x, by + bh * 0.4f), s * 0.022f, a.tint(a.accent, 1.0f));
    dl->AddRectFilled(ImVec2(c.x - s * 0.009f, by + bh * 0.4f), ImVec2(c.x + s * 0.009f, by + bh * 0.78f),
                      a.tint(a.accent, 1.0f));
}

void drawHeartbeat(const ArtBox& a) {
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float s = a.side(), w = a.max.x - a.min.x, lw = std::max(2.0f, s * 0.014f);
    const double beat = 1.2; // seconds: a calm resting pulse
    const float since = float(std::fmod(a.t, beat));
    const float pump = std::exp(-since * 5.0f); // 1 at the beat, fading
    // The cross, beating.
    const float arm = s * 0.11f * (1.0f + 0.07f * pump), len = s * 0.3f * (1.0f + 0.07f * pump);
    const ImVec2 cc = at(c, 0, -s * 0.17f);
    dl->AddRectFilled(ImVec2(cc.x - arm * 0.5f, cc.y - len * 0.5f), ImVec2(cc.x + arm * 0.5f, cc.y + len * 0.5f),
                      a.tint(a.ink, 1.0f), arm * 0.2f);
    dl->AddRectFilled(ImVec2(cc.x - len * 0.5f, cc.y - arm * 0.5f), ImVec2(cc.x + len * 0.5f, cc.y + arm * 0.5f),
                      a.tint(a.ink, 1.0f), arm * 0.2f);
    // The trace runs right to left; one beat per `beat` seconds crosses the line.
    const float period = w * 0.5f, base = c.y + s * 0.25f, amp = s * 0.16f;
    const float shift = float(std::fmod(a.t / beat, 1.0)) * period;
    auto pulse = [](float x) { // one beat on [0,1): P wave, QRS spike, T wave
        if (x > 0.10f && x < 0.18f) return 0.12f * std::sin((x - 0.10f) / 0.08f * kPi);
        if (x > 0.24f && x < 0.27f) return -0.2f * (x - 0.24f) / 0.03f;
        if (x >= 0.27f && x < 0.31f) return -0.2f + 1.2f * (x - 0.27f) / 0.04f;
        if (x >= 0.31f && x < 0.35f) return 1.0f - 1.35f * (x - 0.31f) / 0.04f;
        if (x >= 0.35f && x < 0.38f) return -0.35f + 0.35f * (x - 0.35f) / 0.03f;
        if (x > 0.5f && x < 0.66f) return 0.22f * std::sin((x - 0.5f) / 0.16f * kPi);
        return 0.0f;
    };
    const float step = std::max(2.0f, lw * 0.6f);
    for (float x = a.min.x; x <= a.max.x; x += step) {
        const float phase = std::fmod((x - a.min.x + shift) / period, 1.0f);
        dl->PathLineTo(ImVec2(x, base - pulse(phase) * amp));
    }
    dl->PathStroke(a.tint(a.ink, 0.95f), 0, lw);
}

void drawLetter(const ArtBox& a) {
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float s = a.side(), lw = std::max(2.0f, s * 0.012f);
    const float hw = s * 0.32f, hh = s * 0.21f;
    const ImVec2 tl(c.x - hw, c.y - hh), br(c.x + hw, c.y + hh);
    dl->AddRectFilled(tl, br, a.tint(a.ink, 0.14f), s * 0.02f);
    dl->AddRect(tl, br, a.tint(a.ink, 1.0f), s * 0.02f, 0, lw);
    dl->AddLine(tl, ImVec2(c.x, c.y + hh * 0.15f), a.tint(a.ink, 1.0f), lw);
    dl->AddLine(ImVec2(br.x, tl.y), ImVec2(c.x, c.y + hh * 0.15f), a.tint(a.ink, 1.0f), lw);
    const ImVec2 badge(br.x - s * 0.02f, tl.y + s * 0.02f);
    const float r = s * 0.09f;
    for (int i = 0; i < 3; ++i) { // rings going out, one after the other
        const float u = float(std::fmod(a.t / 3.0 + i / 3.0, 1.0));
        dl->AddCircle(badge, r * (1.0f + 1.6f * u), a.tint(a.accent, 0.6f * (1.0f - u)), 0, lw * 0.7f);
    }
    dl->AddCircleFilled(badge, r, a.tint(a.accent, 1.0f));
    dl->PathLineTo(ImVec2(badge.x - r * 0.45f, badge.y + r * 0.02f));
    dl->PathLineTo(ImVec2(badge.x - r * 0.12f, badge.y + r * 0.35f));
    dl->PathLineTo(ImVec2(badge.x + r * 0.48f, badge.y - r * 0.3f));
    dl->PathStroke(a.tint(a.ink == a.accent ? IM_COL32_WHITE : a.ink, 1.0f), 0, lw * 1.2f);
}

void drawCalendar(const ArtBox& a) {
    ImDrawList* dl = a.dl;
    const ImVec2 c = a.center();
    const float s = a.side(), lw = std::max(2.0f, s * 0.012f);
    const float hw = s * 0.3f, top = c.y - s * 0.26f, bottom = c.y + s * 0.3f, band = s * 0.12f;
    const float bob = wave(a.t, 6.0) * s * 0.015f;
    const ImVec2 tl(c.x - hw, top + bob), br(c.x + hw, bottom + bob);
    dl->AddRectFilled(tl, br, a.tint(a.ink, 0.14f), s * 0.02f);
    dl->AddRectFilled(tl, ImVec2(br.x, tl.y + band), a.tint(a.accent, 1.0f), s * 0.02f, ImDrawFlags_RoundCornersTop);
    dl->AddRect(tl, br, a.tint(a.ink, 1.0f), s * 0.02f, 0, lw);
    for (float x : {-hw * 0.5f, hw * 0.5f})
        dl->AddRectFilled(ImVec2(c.x + x - lw, tl.y - s * 0.05f), ImVec2(c.x + x + lw, tl.y + s * 0.03f),
                          a.tint(a.ink, 1.0f), lw);
    const int cols = 7, rows = 4;
    const float gx = (2 * hw - 2 * lw) / cols, gy = (br.y - tl.y - band - 2 * lw) / rows;
    const float glowing = 0.55f + 0.45f * wave(a.t, 2.4);
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < cols; ++k) {
            const ImVec2 p(tl.x + lw + k * gx + gx * 0.18f, tl.y + band + lw + r * gy + gy * 0.18f);
            const bool day = r == 2 && (k == 3 || k == 4); // the summit's two days
            dl->AddRectFilled(p, ImVec2(p.x + gx * 0.64f, p.y + gy * 0.64f),
                              day ? a.tint(a.accent, glowing) : a.tint(a.ink, 0.35f), gx * 0.12f);
        }
}

} // namespace kiosk::ui
