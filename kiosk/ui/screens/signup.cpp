// Sign-up ("Stay in touch"): contact fields with the on-screen keyboard, the
// exhibitors who may get in touch, sectors, consent and newsletter. Everything
// it does is returned as an intent::Form; App applies it and stores the lead.
#include "../automation/registry.hpp"
#include "../context.hpp"
#include "../screen.hpp"

#include <algorithm>

namespace kiosk::ui {

std::string* typedText(core::FormInput& in, const core::FormDef& form, const std::string& field) {
    if (field == kExhibitorSearch) return &in.exhibitorSearch;
    const core::FormField* f = form.field(field);
    if (!f || !core::isTyped(f->kind)) return nullptr;
    return &in.values[field].text;
}

std::string nextTypedField(const core::FormDef& form, const std::string& field) {
    bool after = false;
    for (const auto& f : form.fields) {
        if (after && core::isTyped(f.kind)) return f.id;
        after = after || f.id == field;
    }
    return {};
}

KeyboardMode keyboardModeFor(const core::FormDef& form, const std::string& field) {
    const core::FormField* f = form.field(field);
    switch (f ? f->kind : core::FieldKind::Multiline) {
    case core::FieldKind::Email: return KeyboardMode::Email;
    case core::FieldKind::Phone: return KeyboardMode::Phone;
    case core::FieldKind::Name:
    case core::FieldKind::Text: return KeyboardMode::Name; // a capital at the start
    default: return KeyboardMode::Text;
    }
}

std::string fieldLabel(const ScreenCtx& ctx, const std::string& field) {
    const core::FormField* f = ctx.content.form.field(field);
    return f ? ctx.in(f->label) : ctx.tr("signup.label." + field); // exhibitors, consent
}

size_t typedLimit(const core::FormDef& form, const std::string& field) {
    const core::FormField* f = form.field(field);
    return f ? f->maxChars : core::kSearchMaxChars;
}

namespace {

using Op = intent::Form::Op;

const core::Answer& answer(const core::FormInput& in, const std::string& field) {
    static const core::Answer none;
    const auto it = in.values.find(field);
    return it == in.values.end() ? none : it->second;
}

/// A field's label, with "(optional)" when the visitor may leave it out.
std::string labelOf(const ScreenCtx& ctx, const core::FormField& f) {
    return ctx.in(f.label) + (f.required ? "" : " " + ctx.tr("signup.optional"));
}

std::string errorFor(const ScreenCtx& ctx, const std::string& field) {
    for (const auto& e : ctx.state.signup.errors)
        if (e.field == field) return ctx.tr("signup.error." + e.code);
    return {};
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

/// From this many exhibitors on, the list gets a search field and shows at most this many
/// rows besides the chosen ones, so consent and submit stay a short scroll away.
constexpr size_t kListRows = 12;

/// "Who may contact me": a tick per exhibitor; with more than kListRows a search field above
/// and only the matches (the chosen ones always stay listed, ticked).
Intent exhibitorList(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const auto& f = ctx.state.signup;
    Intent out;
    const size_t total = size_t(std::count_if(ctx.content.companies.begin(), ctx.content.companies.end(),
                                              [](const core::Company& c) { return c.exhibitor; }));
    const bool searchable = total > kListRows;
    const std::string search = searchable ? core::foldCase(f.input.exhibitorSearch) : std::string();
    if (searchable) {
        if (f.scrollTo == kExhibitorSearch) ImGui::SetScrollHereY(0.2f);
        if (textField(std::string("signup.") + kExhibitorSearch, ctx.tr("signup.label.exhibitor_search"),
                      f.input.exhibitorSearch, f.focused == kExhibitorSearch, {}, w))
            out = intent::Form{Op::Focus, kExhibitorSearch};
        ImGui::Dummy(ImVec2(0, t.em(0.2f)));
    }
    size_t listed = 0, hidden = 0;
    for (const auto& c : ctx.content.companies) {
        if (!c.exhibitor) continue;
        const bool chosen = contains(f.input.exhibitors, c.id);
        if (!chosen && searchable) {
            if (!search.empty() && core::foldCase(c.name).find(search) == std::string::npos) continue;
            if (listed == kListRows) {
                ++hidden;
                continue;
            }
            ++listed;
        }
        if (checkRow("signup.exhibitor." + c.id, c.name, chosen, w)) out = intent::Form{Op::ToggleExhibitor, c.id};
        ImGui::Dummy(ImVec2(0, t.em(0.1f)));
    }
    if (hidden > 0) {
        std::string more = ctx.tr("signup.exhibitors_more");
        if (auto p = more.find("{n}"); p != std::string::npos) more.replace(p, 3, std::to_string(hidden));
        wrappedText(t.fonts.small, t.colors.textMuted, more, w);
    } else if (searchable && listed == 0 && !search.empty()) {
        wrappedText(t.fonts.small, t.colors.textMuted, ctx.tr("signup.exhibitors_none"), w);
    }
    return out;
}

void appendUtf8(std::string& out, unsigned c) {
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) { out += static_cast<char>(0xC0 | (c >> 6)); out += static_cast<char>(0x80 | (c & 0x3F)); }
    else { out += static_cast<char>(0xE0 | (c >> 12)); out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); out += static_cast<char>(0x80 | (c & 0x3F)); }
}

/// A physical keyboard or a badge scanner (a keyboard wedge) types into the focused field too.
Intent physicalKeys() {
    ImGuiIO& io = ImGui::GetIO();
    std::string typed;
    for (ImWchar c : io.InputQueueCharacters)
        if (c >= 0x20) appendUtf8(typed, c);
    io.InputQueueCharacters.resize(0); // App zeros its buffer after the frame
    if (!typed.empty()) return intent::Form{Op::Type, std::move(typed)};
    if (ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Backspace])) return intent::Form{Op::Backspace, {}};
    if (ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Tab]) || ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_Enter]) ||
        ImGui::IsKeyPressed(io.KeyMap[ImGuiKey_KeyPadEnter]))
        return intent::Form{Op::Next, {}};
    return {};
}

/// A wrapping row of chips at the cursor; returns the index of the one tapped, or -1.
int chipRow(const std::string& idPrefix, const std::vector<std::string>& ids, const std::vector<std::string>& labels,
            const std::vector<bool>& selected, const std::vector<ImU32>& colours, float w) {
    const Theme& t = theme();
    const float chipH = t.chip(), gap = t.em(0.4f);
    const float x0 = ImGui::GetCursorScreenPos().x;
    ImVec2 at = ImGui::GetCursorScreenPos();
    int tapped = -1;
    for (size_t i = 0; i < ids.size(); ++i) {
        const float cw = chipWidth(labels[i]);
        if (at.x > x0 && at.x + cw > x0 + w) at = ImVec2(x0, at.y + chipH + gap);
        ImGui::SetCursorScreenPos(at);
        if (chip(idPrefix + ids[i], labels[i], selected[i], colours[i], chipH)) tapped = int(i);
        at.x += cw + gap;
    }
    ImGui::SetCursorScreenPos(ImVec2(x0, at.y + chipH + gap));
    return tapped;
}

/// One field of the form, drawn by its kind.
Intent field(const ScreenCtx& ctx, const core::FormField& f, float w) {
    const Theme& t = theme();
    const auto& s = ctx.state.signup;
    const core::Answer& a = answer(s.input, f.id);
    const std::string id = "signup." + f.id;
    // A little of the field before it shows too, unless the view is short (the compact form): then its top.
    if (s.scrollTo == f.id) ImGui::SetScrollHereY(ImGui::GetWindowHeight() < t.em(6) ? 0.0f : 0.2f);
    if (core::isTyped(f.kind)) {
        if (textField(id, labelOf(ctx, f), a.text, s.focused == f.id, errorFor(ctx, f.id), w))
            return intent::Form{Op::Focus, f.id};
        return {};
    }
    if (f.kind == core::FieldKind::YesNo) {
        if (auto e = errorFor(ctx, f.id); !e.empty()) wrappedText(t.fonts.bold, t.colors.error, e, w);
        if (checkRow(id, labelOf(ctx, f), a.yes, w)) return intent::Form{Op::Pick, f.id, {}};
        return {};
    }
    wrappedText(t.fonts.bold, t.colors.text, labelOf(ctx, f), w);
    if (auto e = errorFor(ctx, f.id); !e.empty()) wrappedText(t.fonts.bold, t.colors.error, e, w);
    std::vector<std::string> ids, labels;
    std::vector<bool> selected;
    for (const auto& o : f.options) {
        ids.push_back(o.id);
        labels.push_back(ctx.in(o.label));
        selected.push_back(f.kind == core::FieldKind::Choice ? a.text == o.id : contains(a.options, o.id));
    }
    const int tapped = chipRow(id + ".", ids, labels, selected, std::vector<ImU32>(ids.size(), t.colors.primary), w);
    if (tapped >= 0) return intent::Form{Op::Pick, f.id, ids[size_t(tapped)]};
    return {};
}

Intent fields(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    Intent out;
    for (const auto& f : ctx.content.form.fields) {
        if (auto i = field(ctx, f, w); !std::holds_alternative<std::monostate>(i)) out = std::move(i);
        ImGui::Dummy(ImVec2(0, t.em(0.2f)));
    }
    return out;
}

Intent choices(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const auto& f = ctx.state.signup;
    Intent out;
    if (f.scrollTo == "exhibitors") ImGui::SetScrollHereY(0.0f);
    wrappedText(t.fonts.bold, t.colors.text, ctx.tr("signup.exhibitors"), w);
    if (auto e = errorFor(ctx, "exhibitors"); !e.empty()) wrappedText(t.fonts.bold, t.colors.error, e, w);
    if (auto i = exhibitorList(ctx, w); !std::holds_alternative<std::monostate>(i)) out = i;

    ImGui::Dummy(ImVec2(0, t.em(0.4f)));
    wrappedText(t.fonts.bold, t.colors.text, ctx.tr("signup.sectors") + " " + ctx.tr("signup.optional"), w);
    std::vector<std::string> ids, names;
    std::vector<bool> chosen;
    std::vector<ImU32> colours;
    for (const auto& s : ctx.content.sectors) {
        ids.push_back(s.id);
        names.push_back(ctx.in(s.name));
        chosen.push_back(contains(f.input.sectors, s.id));
        colours.push_back(IM_COL32((s.rgb >> 16) & 0xFF, (s.rgb >> 8) & 0xFF, s.rgb & 0xFF, 255));
    }
    if (const int i = chipRow("signup.sector.", ids, names, chosen, colours, w); i >= 0)
        out = intent::Form{Op::ToggleSector, ids[size_t(i)]};

    // Consent: never pre-ticked, one box per purpose, the short first layer under it.
    ImGui::Dummy(ImVec2(0, t.em(0.4f)));
    const auto& consent = ctx.content.consent;
    if (f.scrollTo == "consent") ImGui::SetScrollHereY(0.3f);
    if (auto e = errorFor(ctx, "consent"); !e.empty()) wrappedText(t.fonts.bold, t.colors.error, e, w);
    if (checkRow("signup.consent", ctx.in(consent.label), f.input.consent, w, ctx.in(consent.summary)))
        out = intent::Form{Op::ToggleConsent, {}};
    ImGui::Dummy(ImVec2(0, t.em(0.1f)));
    if (button("signup.privacy", ctx.tr("signup.privacy"), ImVec2(std::min(w, t.em(14)), t.touch())))
        out = intent::Form{Op::ShowPrivacy, {}};
    ImGui::Dummy(ImVec2(0, t.em(0.3f)));
    if (checkRow("signup.newsletter", ctx.in(consent.newsletter), f.input.newsletter, w))
        out = intent::Form{Op::ToggleNewsletter, {}};
    return out;
}

Intent privacyOverlay(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ctx.origin);
    ImGui::SetNextWindowSize(ImVec2(disp.x, ctx.size.y));
    ImGui::Begin("##privacy", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    const float m = t.margin(), w = disp.x - 2 * m;
    ImGui::SetCursorScreenPos(ctx.at(m, m));
    wrappedText(t.fonts.heading, t.colors.text, ctx.tr("signup.privacy_title"), w);
    const float btnH = t.button();
    const float top = ImGui::GetCursorScreenPos().y + t.em(0.5f);
    const bool wide = disp.x > disp.y;
    const float qr = t.qr();
    const float textW = wide ? std::min(t.em(40), w - qr - t.em(2)) : w;
    ImGui::SetCursorScreenPos(ImVec2(m, top));
    const float textH = ctx.bottom() - top - btnH - 2 * m - (wide ? 0.0f : qr + t.em(2.5f));
    beginTouchScroll("privacy.text", ImVec2(textW + t.em(0.8f), textH));
    wrappedText(t.fonts.body, t.colors.text, ctx.in(ctx.content.consent.notice), textW - t.em(0.6f));
    if (endTouchScroll()) ctx.animating = true;
    // The online policy as a QR code, to read it later on a phone.
    const ImVec2 q = wide ? ImVec2(m + textW + t.em(2), top) : ImVec2(m, top + textH + t.em(0.5f));
    qrCode(ImGui::GetWindowDrawList(), q, qr, uiContext().qr(ctx.content.consent.policyUrl));
    ImGui::SetCursorScreenPos(ImVec2(q.x, q.y + qr + t.em(0.3f)));
    wrappedText(t.fonts.small, t.colors.textMuted, ctx.tr("profile.scan"), qr * 1.6f);
    Intent out;
    ImGui::SetCursorScreenPos(ImVec2(m, ctx.bottom() - btnH - m));
    if (button("privacy.close", ctx.tr("signup.privacy_close"), ImVec2(t.em(10), btnH), ButtonKind::Primary))
        out = intent::Form{Op::HidePrivacy, {}};
    ImGui::End();
    return out;
}

} // namespace

Intent drawSignup(const ScreenCtx& ctx) {
    const Theme& t = theme();
    const auto& f = ctx.state.signup;
    const float m = t.tightMargin(), w = ctx.size.x - 2 * m;
    Intent out;

    const KeyboardMode mode = keyboardModeFor(ctx.content.form, f.focused);
    const float kbH = f.focused.empty() ? 0.0f : keyboardHeight(mode);
    const float btnH = t.largeButton();
    // A short area (reach mode, A+) with the keyboard open keeps the fields and the keyboard;
    // its "Fertig / Done" brings back the title and the buttons.
    const bool compact = kbH > 0 && ctx.size.y - kbH < btnH + t.em(12);
    ImGui::SetCursorScreenPos(ctx.at(m, compact ? 0.0f : m));
    if (!compact) {
        ImGui::BeginGroup(); // keeps the header's lines at the margin
        wrappedText(t.fonts.heading, t.colors.text, ctx.tr("signup.title"), w);
        // What happens after "send", before the visitor types anything (docs/design.md).
        wrappedText(t.fonts.body, t.colors.text,
                    ctx.tr(f.confirmationEmail ? "signup.next_email" : "signup.next_contact"), w);
        // Say up front that the form clears itself (docs/design.md).
        wrappedText(t.fonts.small, t.colors.textMuted, ctx.tr("signup.reset_note"), w);
        if (f.storeFailed) {
            ImGui::Dummy(ImVec2(0, t.em(0.2f)));
            wrappedText(t.fonts.bold, t.colors.error, ctx.tr("signup.store_failed"), w);
        } else if (!f.errors.empty()) {
            // A summary at the top, and each error next to its field (GOV.UK pattern).
            std::string list;
            for (const auto& e : f.errors) {
                list += (list.empty() ? "" : ", ") + fieldLabel(ctx, e.field);
            }
            ImGui::Dummy(ImVec2(0, t.em(0.2f)));
            wrappedText(t.fonts.bold, t.colors.error, ctx.tr("signup.error_summary") + " " + list, w);
        }
        ImGui::EndGroup();
    }

    const float top = ImGui::GetCursorScreenPos().y + (compact ? 0.0f : t.em(0.4f));
    const float footerY = compact ? ctx.bottom() - kbH : ctx.bottom() - kbH - btnH - m * 0.6f;
    const float bodyH = std::max(t.em(3), footerY - top - (compact ? 0.0f : t.em(0.4f)));
    const bool twoColumns = ctx.size.x > ctx.size.y;
    if (twoColumns) {
        const float colW = (w - t.em(2)) * 0.5f;
        ImGui::SetCursorScreenPos(ImVec2(m, top));
        beginTouchScroll("signup.fields_area", ImVec2(colW + t.em(0.8f), bodyH));
        if (auto i = fields(ctx, colW - t.em(0.2f)); !std::holds_alternative<std::monostate>(i)) out = i;
        if (endTouchScroll()) ctx.animating = true;
        ImGui::SetCursorScreenPos(ImVec2(m + colW + t.em(2), top));
        beginTouchScroll("signup.choices_area", ImVec2(colW + t.em(0.8f), bodyH));
        if (auto i = choices(ctx, colW - t.em(0.2f)); !std::holds_alternative<std::monostate>(i)) out = i;
        if (endTouchScroll()) ctx.animating = true;
    } else {
        ImGui::SetCursorScreenPos(ImVec2(m, top));
        beginTouchScroll("signup.form_area", ImVec2(w + t.em(0.8f), bodyH));
        if (auto i = fields(ctx, w - t.em(0.4f)); !std::holds_alternative<std::monostate>(i)) out = i;
        ImGui::Dummy(ImVec2(0, t.em(0.6f)));
        if (auto i = choices(ctx, w - t.em(0.4f)); !std::holds_alternative<std::monostate>(i)) out = i;
        if (endTouchScroll()) ctx.animating = true;
    }

    // Submit and cancel stay in view, above the keyboard.
    if (!compact) {
        ImGui::SetCursorScreenPos(ImVec2(m, footerY));
        if (button("signup.cancel", ctx.tr("signup.cancel"), ImVec2(t.em(8), btnH))) out = intent::Goto{Screen::Browse};
        ImGui::SetCursorScreenPos(ImVec2(m + w - t.em(14), footerY));
        if (button("signup.submit", ctx.tr("signup.submit"), ImVec2(t.em(14), btnH), ButtonKind::Primary))
            out = intent::Form{Op::Submit, {}};
    }

    if (!f.focused.empty() && ctx.keyboard) {
        ImGui::SetCursorScreenPos(ImVec2(0, ctx.bottom() - kbH));
        const KeyPress k = drawKeyboard(*ctx.keyboard, mode, ctx.size.x, ctx.now, ctx.animating,
                                        ctx.tr(nextTypedField(ctx.content.form, f.focused).empty() ? "kbd.done" : "kbd.next"),
                                        ctx.tr("kbd.done"));
        switch (k.kind) {
        case KeyPress::Kind::Text: out = intent::Form{Op::Type, k.text}; break;
        case KeyPress::Kind::Backspace: out = intent::Form{Op::Backspace, std::to_string(k.count)}; break;
        case KeyPress::Kind::Next: out = intent::Form{Op::Next, {}}; break;
        case KeyPress::Kind::Done: out = intent::Form{Op::HideKeyboard, {}}; break;
        default: break;
        }
        if (auto i = physicalKeys(); !std::holds_alternative<std::monostate>(i)) out = std::move(i);
    }
    if (f.privacyOpen) out = privacyOverlay(ctx);
    return out;
}

} // namespace kiosk::ui
