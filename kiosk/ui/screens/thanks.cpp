// Thank you ("after Absenden"): what the visitor takes home on their phone. The chosen
// exhibitors' contacts as vCard QR codes, and a receipt of the consent they gave (its QR code
// and the same text readable on screen), long enough to scan, then back to the attract loop.
#include "../automation/registry.hpp"
#include "../context.hpp"
#include "../screen.hpp"
#include "core/receipt.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

/// The side of a QR code's white square, near `target` px: larger scans from further away, but
/// never a module under 0.5 mm nor a code under 35 mm (a phone at 40–60 cm). The module is
/// whole pixels, as qrCode() draws it.
float qrSide(const core::QrCode& qr, float target) {
    const Theme& t = theme();
    const float cells = static_cast<float>(qr.size + 8); // the code and its quiet zone
    float module = std::max(std::floor(target / cells), std::ceil(t.mm(0.5f)));
    while (module * static_cast<float>(qr.size) < t.mm(35))
        module += 1;
    return module * cells;
}

/// What a contact's QR may measure: the theme's QR size at least, and as large as `n` of them
/// fit in w×h in some number of rows (each row also holding the labels below its codes).
float contactTarget(size_t n, float w, float h, float gap, float labelH) {
    const Theme& t = theme();
    float best = 0;
    for (size_t rows = 1; rows <= n; ++rows) {
        const size_t perRow = (n + rows - 1) / rows;
        const float byWidth = (w + gap) / static_cast<float>(perRow) - gap;
        const float byHeight = (h - static_cast<float>(rows) * (labelH + gap)) / static_cast<float>(rows);
        best = std::max(best, std::min(byWidth, byHeight));
    }
    return std::clamp(best, t.qr(), t.em(13));
}

/// A QR code at the cursor, registered as `id` with the text it holds (for `value`).
void shownQr(const std::string& id, const core::QrCode& qr, float side, const std::string& text) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    qrCode(ImGui::GetWindowDrawList(), p, side, qr);
    registry().addShown(id, p, ImVec2(p.x + side, p.y + side), &text);
    ImGui::Dummy(ImVec2(side, side));
}

std::string replaced(std::string s, const std::string& what, const std::string& with) {
    if (const auto p = s.find(what); p != std::string::npos) s.replace(p, what.size(), with);
    return s;
}

const std::string& receiptText(const ScreenCtx& ctx) {
    const auto& th = ctx.state.thanks;
    const auto& e = ctx.content.event;
    const core::ReceiptFacts facts{th.leadId, th.consent, e.organiserName,
                                   e.organiserPrivacyEmail.empty() ? e.organiserAddress : e.organiserPrivacyEmail,
                                   th.withdrawUrl};
    const core::ReceiptLabels labels{ctx.tr("thanks.receipt_title"), ctx.tr("thanks.receipt_lead"),
                                     ctx.tr("thanks.receipt_consent"), ctx.tr("thanks.receipt_time"),
                                     ctx.tr("thanks.receipt_withdraw")};
    std::string& shown = uiContext().shownTexts["thanks.receipt"];
    shown = core::consentReceipt(facts, labels);
    return shown;
}

/// The receipt: its QR code, and beside it (or below, in a narrow column) what it says.
void receipt(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const std::string& text = receiptText(ctx);
    const core::QrCode& qr = uiContext().passingQr(text);
    const float side = qrSide(qr, std::min(w, t.em(13))); // the densest code: as large as the contacts
    wrappedText(t.fonts.bold, t.colors.text, ctx.tr("thanks.receipt_title"), w);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    shownQr("thanks.receipt", qr, side, text);
    const float gap = t.em(0.8f);
    const bool beside = w - side - gap >= t.em(14);
    if (beside) ImGui::SetCursorScreenPos(ImVec2(at.x + side + gap, at.y));
    ImGui::BeginGroup();
    // The first line is the title above: the rest, as the phone will read it.
    const size_t nl = text.find('\n');
    wrappedText(t.fonts.small, t.colors.text, nl == std::string::npos ? text : text.substr(nl + 1),
                beside ? w - side - gap : w);
    ImGui::EndGroup();
    const float bottom = std::max(at.y + side, ImGui::GetItemRectMax().y);
    ImGui::SetCursorScreenPos(ImVec2(at.x, bottom));
    ImGui::Dummy(ImVec2(0, t.em(0.2f)));
}

/// One QR code per chosen exhibitor, in a grid of equal cells with the company's name under it.
void contacts(const ScreenCtx& ctx, float w, float h) {
    const Theme& t = theme();
    std::vector<const core::Company*> chosen;
    for (const auto& id : ctx.state.thanks.exhibitors)
        if (const core::Company* c = ctx.content.company(id)) chosen.push_back(c);
    if (chosen.empty()) return;
    wrappedText(t.fonts.bold, t.colors.text, ctx.tr("thanks.contacts"), w);
    const float gap = t.em(1.0f);
    const float target = contactTarget(chosen.size(), w, h - ImGui::GetTextLineHeightWithSpacing(), gap, t.em(3.6f));
    std::vector<const std::string*> cards;
    float side = 0;
    for (const core::Company* c : chosen) {
        std::string& card = uiContext().shownTexts["thanks.contact." + c->id];
        card = core::vcard(*c);
        cards.push_back(&card);
        side = std::max(side, qrSide(uiContext().qr(card), target));
    }
    // As many rows as the width needs, the codes spread evenly over them (3 + 2, not 4 + 1).
    const size_t fit = std::max<size_t>(1, static_cast<size_t>((w + gap) / (side + gap)));
    const size_t rows = (chosen.size() + fit - 1) / fit;
    const int perRow = static_cast<int>((chosen.size() + rows - 1) / rows);
    const float x0 = ImGui::GetCursorScreenPos().x;
    float rowTop = ImGui::GetCursorScreenPos().y, rowBottom = rowTop;
    for (size_t i = 0; i < chosen.size(); ++i) {
        const int col = static_cast<int>(i) % perRow;
        if (col == 0 && i > 0) rowTop = rowBottom + gap * 0.5f;
        ImGui::SetCursorScreenPos(ImVec2(x0 + static_cast<float>(col) * (side + gap), rowTop));
        ImGui::BeginGroup();
        shownQr("thanks.contact." + chosen[i]->id, uiContext().qr(*cards[i]), side, *cards[i]);
        wrappedText(t.fonts.bold, t.colors.text, chosen[i]->name, side);
        if (!chosen[i]->contactName.empty())
            wrappedText(t.fonts.small, t.colors.textMuted, chosen[i]->contactName, side);
        ImGui::EndGroup();
        rowBottom = std::max(rowBottom, ImGui::GetItemRectMax().y);
    }
    ImGui::SetCursorScreenPos(ImVec2(x0, rowBottom));
    ImGui::Dummy(ImVec2(0, t.em(0.2f)));
}

} // namespace

Intent drawThanks(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const auto& th = ctx.state.thanks;
    // Back to the attract loop by itself once there was time to scan: the next visitor must not see this.
    const double left = th.seconds - (ctx.now - ctx.state.screenSince);
    if (left <= 0) return intent::Goto{Screen::Attract};
    // The next frame when the countdown's number changes (whole seconds of a whole-second wait).
    ctx.wakeAt = std::min(ctx.wakeAt, ctx.state.screenSince +
                                          std::min(th.seconds, std::floor(ctx.now - ctx.state.screenSince) + 1));

    const float m = t.margin(), w = ctx.size.x - 2 * m;
    ImGui::SetCursorScreenPos(ctx.at(m, m)); // the screen's area: lower in reach mode
    ImGui::BeginGroup();
    wrappedText(t.fonts.heading, t.colors.text, ctx.tr("thanks.title"), w);
    wrappedText(t.fonts.body, t.colors.text, ctx.tr("thanks.text"), w);
    ImGui::EndGroup();

    const float btnH = t.largeButton();
    const float footerY = ctx.bottom() - btnH - m * 0.6f;
    const float top = ImGui::GetCursorScreenPos().y + t.em(0.4f);
    const float bodyH = std::max(t.em(3), footerY - top - t.em(0.4f));
    // Wide: the receipt in a column on the left, the contacts beside it; tall: one above the other.
    const bool wide = ctx.size.x > ctx.size.y;
    const float receiptW = wide ? std::min(w * 0.4f, t.em(24)) : w;
    ImGui::SetCursorScreenPos(ImVec2(m, top));
    beginTouchScroll("thanks.body", ImVec2(w + t.em(0.8f), bodyH));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    receipt(ctx, receiptW);
    ImGui::EndGroup();
    if (wide)
        ImGui::SetCursorScreenPos(ImVec2(origin.x + receiptW + t.em(2), origin.y));
    else
        ImGui::Dummy(ImVec2(0, t.em(0.6f)));
    const float contactsTop = ImGui::GetCursorScreenPos().y;
    ImGui::BeginGroup();
    contacts(ctx, wide ? w - receiptW - t.em(2) : w, bodyH - (wide ? 0.0f : contactsTop - origin.y));
    ImGui::EndGroup();
    if (endTouchScroll()) ctx.animating = true;

    ImGui::SetCursorScreenPos(ImVec2(m, footerY));
    const float doneW = t.em(10);
    Intent out;
    if (button("thanks.done", ctx.tr("thanks.done"), ImVec2(doneW, btnH), ButtonKind::Primary))
        out = intent::Goto{Screen::Attract};
    // The countdown, in whole seconds.
    std::string& countdown = uiContext().shownTexts["thanks.countdown"];
    countdown = replaced(ctx.tr("thanks.countdown"), "{s}", std::to_string(static_cast<int>(std::ceil(left))));
    const float cx = m + doneW + t.em(1);
    const ImVec2 textSize =
        t.fonts.body->CalcTextSizeA(t.fonts.body->FontSize, FLT_MAX, w - doneW - t.em(1), countdown.c_str());
    const ImVec2 at(cx, footerY + (btnH - textSize.y) * 0.5f);
    ImGui::SetCursorScreenPos(at);
    wrappedText(t.fonts.body, t.colors.textMuted, countdown, w - doneW - t.em(1));
    registry().addShown("thanks.countdown", at, ImVec2(at.x + textSize.x, at.y + textSize.y), &countdown);
    return out;
}

} // namespace kiosk::ui
