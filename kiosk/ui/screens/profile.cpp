// Profile: one company — logo, tagline, description, what it is looking for,
// its website as a QR code, and the way back.
#include "../context.hpp"
#include "../screen.hpp"

namespace kiosk::ui {

namespace {

std::string withoutScheme(const std::string& url) {
    const auto p = url.find("://");
    return p == std::string::npos ? url : url.substr(p + 3);
}

void section(const std::string& title, const std::string& text, float w) {
    const Theme& t = theme();
    ImGui::Dummy(ImVec2(0, t.em(0.4f)));
    wrappedText(t.fonts.bold, t.colors.text, title, w);
    wrappedText(t.fonts.body, t.colors.text, text, w);
}

/// The QR card: the company's website, or the organiser's for companies not on the stand.
void qrPanel(const ScreenCtx& ctx, const core::Company& c, float w) {
    const Theme& t = theme();
    const bool own = !c.website.empty();
    const std::string& url = own ? c.website : ctx.content.event.organiserWebsite;
    if (url.empty()) return;
    wrappedText(t.fonts.bold, t.colors.text, own ? ctx.tr("profile.website") : ctx.tr("profile.organiser"), w);
    const float qs = std::min(w, t.qr());
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    qrCode(dl, p, qs, uiContext().qr(url));
    // Scannable only when all of it is in view (in portrait it scrolls with the text).
    const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
    if (own && p.x >= lo.x && p.y >= lo.y && p.x + qs <= hi.x && p.y + qs <= hi.y) ctx.websiteQrShown = true;
    ImGui::Dummy(ImVec2(qs, qs));
    wrappedText(t.fonts.small, t.colors.textMuted, ctx.tr("profile.scan"), w);
    wrappedText(t.fonts.body, t.colors.text, withoutScheme(url), w);
    if (!c.contactName.empty()) {
        ImGui::Dummy(ImVec2(0, t.em(0.4f)));
        wrappedText(t.fonts.bold, t.colors.text, ctx.tr("profile.contact_person"), w);
        wrappedText(t.fonts.body, t.colors.text, c.contactName, w);
        if (!c.contactEmail.empty()) wrappedText(t.fonts.small, t.colors.textMuted, c.contactEmail, w);
        if (!c.contactPhone.empty()) wrappedText(t.fonts.small, t.colors.textMuted, c.contactPhone, w);
    }
}

} // namespace

Intent drawProfile(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const core::Company* c = ctx.content.company(ctx.state.companyId);
    if (!c) return intent::Goto{Screen::Browse};
    Intent out;
    const float margin = t.margin();
    const bool landscape = ctx.size.x > ctx.size.y;
    const float w = ctx.size.x - 2 * margin;
    ImDrawList* dl = ImGui::GetWindowDrawList();

    // Header: logo beside name, tagline and tags.
    const float ls = t.em(6);
    const ImVec2 h0 = ctx.at(margin, margin);
    const Texture tex = ctx.textures ? ctx.textures(c->logo) : Texture{};
    logo(dl, h0, ls, tex, c->name);
    const float tx = h0.x + ls + t.em(1);
    ImGui::SetCursorScreenPos(ImVec2(tx, h0.y));
    wrappedText(t.fonts.heading, t.colors.text, c->name, w - ls - t.em(1));
    ImGui::SetCursorScreenPos(ImVec2(tx, ImGui::GetCursorScreenPos().y));
    wrappedText(t.fonts.body, t.colors.textMuted, ctx.in(c->tagline), w - ls - t.em(1));
    float x = tx;
    const float ty = ImGui::GetCursorScreenPos().y + t.em(0.2f);
    for (const auto& sid : c->sectors)
        if (const core::Sector* s = ctx.content.sector(sid))
            x += tag(dl, ImVec2(x, ty), ctx.in(s->name), IM_COL32((s->rgb >> 16) & 0xFF, (s->rgb >> 8) & 0xFF, s->rgb & 0xFF, 255), t.fonts.small) + t.em(0.3f);
    const std::string where = ctx.tr("region." + c->region) + (c->sample ? " \u2022 " + ctx.tr("common.sample") : "");
    dl->AddText(t.fonts.small, t.fonts.small->FontSize, ImVec2(x + t.em(0.3f), ty + t.fonts.small->FontSize * 0.25f), t.colors.textMuted, where.c_str());

    // Body: scrolled text on the left (or everything, in portrait), QR panel on the right.
    const float bodyTop = std::max(h0.y + ls, ty + t.fonts.small->FontSize * 1.5f) + t.em(1);
    const float btnH = t.button();
    const float bodyH = ctx.bottom() - bodyTop - btnH - 2 * margin;
    const float qrW = landscape ? std::min(t.em(14), w * 0.35f) : 0.0f;
    // ~70 characters a line: longer lines are hard to follow standing at a screen.
    const float textW = landscape ? std::min(w - qrW - t.em(3), t.em(36)) : w;
    ImGui::SetCursorScreenPos(ImVec2(margin, bodyTop));
    beginTouchScroll("profile.text", ImVec2(textW + t.em(0.8f), bodyH));
    const float inner = textW - t.em(0.6f);
    wrappedText(t.fonts.body, t.colors.text, ctx.in(c->description), inner);
    section(ctx.tr("profile.looking_for"), ctx.in(c->lookingFor), inner);
    if (!c->exhibitor) {
        ImGui::Dummy(ImVec2(0, t.em(0.4f)));
        wrappedText(t.fonts.small, t.colors.textMuted, ctx.tr("common.not_at_stand"), inner);
    }
    if (!landscape) {
        ImGui::Dummy(ImVec2(0, t.em(1)));
        qrPanel(ctx, *c, inner);
    }
    if (endTouchScroll()) ctx.animating = true;
    if (landscape) {
        // Scrolled too: in a short area (reach mode, A+) the contact person lies below the fold.
        ImGui::SetCursorScreenPos(ImVec2(margin + textW + t.em(3), bodyTop));
        beginTouchScroll("profile.qr", ImVec2(qrW + t.em(0.8f), bodyH));
        qrPanel(ctx, *c, qrW);
        if (endTouchScroll()) ctx.animating = true;
    }

    ImGui::SetCursorScreenPos(ImVec2(margin, ctx.bottom() - btnH - margin));
    if (button("profile.back", ctx.tr("nav.back"), ImVec2(t.em(8), btnH))) out = intent::Goto{Screen::Browse};
    // Every profile leads to the sign-up; an exhibitor on the stand comes preselected.
    const float cw = std::min(t.em(14), w - t.em(9));
    ImGui::SetCursorScreenPos(ImVec2(margin + w - cw, ctx.bottom() - btnH - margin));
    if (button("profile.contact", ctx.tr("profile.contact"), ImVec2(cw, btnH), ButtonKind::Primary))
        out = intent::OpenSignup{c->id};
    return out;
}

} // namespace kiosk::ui
