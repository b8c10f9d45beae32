// The staff panel: how the day went, sync, export to a USB stick, and the only way out.
#include "../screen.hpp"

#include <algorithm>
#include <cfloat>
#include <cstdio>

namespace kiosk::ui {

namespace {
using Op = intent::Staff::Op;

std::string fmt(const std::string& pattern, const std::string& value, const char* slot = "{n}") {
    std::string s = pattern;
    if (auto p = s.find(slot); p != std::string::npos) s.replace(p, std::string(slot).size(), value);
    return s;
}

std::string bytesText(long long b) {
    char buf[32];
    if (b >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024.0));
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
    else std::snprintf(buf, sizeof buf, "%lld B", b);
    return buf;
}

void line(ImFont* f, ImU32 c, const std::string& s, float w) { wrappedText(f, c, s, w); }

/// Leads per hour of today as bars, each labelled with its hour below and its count above:
/// the usual fair hours (8 to 18) and any other hour with leads.
void hourChart(const std::vector<long long>& perHour, float w, float h) {
    const Theme& t = theme();
    int first = 8, last = 18;
    long long top = 1;
    for (int i = 0; i < 24; ++i)
        if (perHour[size_t(i)] > 0) first = std::min(first, i), last = std::max(last, i), top = std::max(top, perHour[size_t(i)]);
    const int n = last - first + 1;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float labelH = t.fonts.small->FontSize * 1.3f, barW = w / float(n);
    const float base = p.y + h - labelH;
    // Every hour labelled when there is room for "00", else every second one.
    const int every = barW >= t.fonts.small->CalcTextSizeA(t.fonts.small->FontSize, FLT_MAX, 0, "00 ").x ? 1 : 2;
    for (int i = 0; i < n; ++i) {
        const long long v = perHour[size_t(first + i)];
        const float bh = (h - 2 * labelH) * float(v) / float(top);
        const float x = p.x + float(i) * barW;
        dl->AddRectFilled(ImVec2(x + barW * 0.15f, base - bh), ImVec2(x + barW * 0.85f, base), t.colors.primary);
        if (v > 0) centeredText(dl, t.fonts.small, t.colors.text, ImVec2(x + barW * 0.5f, base - bh - labelH * 0.5f), std::to_string(v));
        if ((first + i) % every == 0)
            centeredText(dl, t.fonts.small, t.colors.textMuted, ImVec2(x + barW * 0.5f, base + labelH * 0.5f), std::to_string(first + i));
    }
    dl->AddLine(ImVec2(p.x, base), ImVec2(p.x + w, base), t.colors.border, std::max(1.0f, t.em(0.06f)));
    ImGui::Dummy(ImVec2(w, h));
}

/// One exhibitor's funnel: views, sign-ups started, completed, as bars on one scale (`top`).
void funnel(const ScreenCtx& ctx, const std::string& name, const core::FigureRow& r, long long top, float w) {
    const Theme& t = theme();
    using core::Figure;
    line(t.fonts.bold, t.colors.text, name, w);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float labelW = std::min(w * 0.42f, t.em(11)), rowH = t.fonts.small->FontSize * 1.4f;
    const struct {
        const char* key;
        Figure f;
        ImU32 color;
    } bars[] = {{"staff.funnel_views", Figure::ProfileViews, t.colors.textMuted},
                {"staff.funnel_started", Figure::SignupsStarted, t.colors.focus},
                {"staff.funnel_completed", Figure::SignupsCompleted, t.colors.primary}};
    const float valueW = t.em(2.5f), barMax = std::max(t.em(1), w - labelW - valueW);
    for (const auto& b : bars) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const long long v = r[b.f];
        dl->AddText(t.fonts.small, t.fonts.small->FontSize, ImVec2(p.x, p.y + rowH * 0.12f), t.colors.text, ctx.tr(b.key).c_str());
        const float bw = barMax * float(v) / float(std::max(1LL, top));
        dl->AddRectFilled(ImVec2(p.x + labelW, p.y + rowH * 0.15f), ImVec2(p.x + labelW + bw, p.y + rowH * 0.85f), b.color);
        dl->AddText(t.fonts.small, t.fonts.small->FontSize, ImVec2(p.x + labelW + bw + t.em(0.3f), p.y + rowH * 0.12f),
                    t.colors.text, std::to_string(v).c_str());
        ImGui::Dummy(ImVec2(w, rowH));
    }
    const long long timed = r[Figure::ProfileTimed];
    const std::string avg = timed > 0 ? std::to_string((r[Figure::ProfileSeconds] + timed / 2) / timed) : "–";
    line(t.fonts.small, t.colors.textMuted,
         fmt(fmt(fmt(ctx.tr("staff.funnel_detail"), avg, "{s}"), std::to_string(r[Figure::WebsiteQr]), "{q}"),
             std::to_string(r[Figure::SignupsAbandoned]), "{a}"),
         w);
    ImGui::Dummy(ImVec2(0, t.em(0.3f)));
}

/// Every exhibitor's funnel, then which sector filters were used.
void funnels(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const StaffSnapshot& s = *ctx.staff;
    line(t.fonts.bold, t.colors.text, ctx.tr("staff.funnel_title"), w);
    const auto rowOf = [&](const std::string& id) -> const core::FigureRow* {
        for (const auto& r : s.figures)
            if (r.subject == id) return &r;
        return nullptr;
    };
    long long top = 0;
    for (const auto& r : s.figures)
        if (!r.subject.empty()) top = std::max(top, r[core::Figure::ProfileViews]);
    if (s.figures.empty()) line(t.fonts.body, t.colors.textMuted, ctx.tr("staff.funnel_none"), w);
    // The most viewed first: what staff want to see is at the top of the scroll.
    const core::FigureRow none;
    std::vector<std::pair<const core::Company*, const core::FigureRow*>> shown;
    for (const auto& c : ctx.content.companies)
        if (c.exhibitor) shown.emplace_back(&c, rowOf(c.id) ? rowOf(c.id) : &none);
    std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
        return (*a.second)[core::Figure::ProfileViews] > (*b.second)[core::Figure::ProfileViews];
    });
    for (const auto& [c, r] : shown) funnel(ctx, c->name, *r, top, w);
    std::string list;
    for (const auto& sector : ctx.content.sectors)
        if (const core::FigureRow* r = rowOf(sector.id); r && (*r)[core::Figure::SectorFilter] > 0)
            list += (list.empty() ? "" : ", ") + ctx.in(sector.name) + " " + std::to_string((*r)[core::Figure::SectorFilter]);
    line(t.fonts.small, t.colors.text, fmt(ctx.tr("staff.filters"), list.empty() ? "–" : list, "{list}"), w);
}
} // namespace

ShownProblems showProblems(const std::vector<core::Problem>& problems, size_t max, size_t maxBytes) {
    ShownProblems out;
    for (const auto& p : problems) {
        if (out.lines.size() == max || p.more > 0) {
            out.more += p.more > 0 ? p.more : 1;
            continue;
        }
        std::string text = p.format();
        if (text.size() > maxBytes) {
            size_t cut = maxBytes;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // a whole character
            text = text.substr(0, cut) + "…";
        }
        out.lines.push_back({std::move(text), p.error});
    }
    return out;
}

namespace {
/// Title and kiosk, then what staff must see first: the demo PIN, a damaged database, content problems.
void header(const ScreenCtx& ctx, float w) {
    const Theme& t = theme();
    const StaffSnapshot& s = *ctx.staff;
    const StaffBackend& b = *ctx.backend;
    line(t.fonts.heading, t.colors.text, ctx.tr("staff.title"), w);
    line(t.fonts.small, t.colors.textMuted, fmt(fmt(ctx.tr("staff.kiosk"), b.kioskId, "{id}"), b.version, "{v}"), w);
    if (b.demoPin) line(t.fonts.bold, t.colors.error, ctx.tr("staff.demo_pin"), w);
    if (!s.store.ok) {
        line(t.fonts.bold, t.colors.error, fmt(ctx.tr("staff.db_damaged"), s.store.problem, "{problem}"), w);
        line(t.fonts.body, t.colors.error, ctx.tr(s.store.canStore ? "staff.db_still_storing" : "staff.db_not_storing"), w);
    }
    if (!s.store.files.empty()) line(t.fonts.bold, t.colors.error, s.store.files, w);
    for (const auto& p : b.contentProblems.lines) line(t.fonts.small, p.error ? t.colors.error : t.colors.textMuted, p.text, w);
    if (b.contentProblems.more > 0)
        line(t.fonts.small, t.colors.textMuted,
             "… and " + std::to_string(b.contentProblems.more) + " more problems: kiosk check-content lists them all", w);
}

/// One question's options as labelled bars: the label, the number of leads at the right, and
/// a bar as long as the share of the most chosen option.
void answerBars(const std::vector<std::pair<std::string, long long>>& rows, float w) {
    const Theme& t = theme();
    ImFont* f = t.fonts.small;
    long long top = 1;
    for (const auto& [label, n] : rows) top = std::max(top, n);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float textH = f->FontSize * 1.3f, barH = t.em(0.35f);
    for (const auto& [label, n] : rows) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const std::string count = std::to_string(n);
        const float countW = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, count.c_str()).x;
        const ImVec4 clip(p.x, p.y, p.x + w - countW - t.em(0.5f), p.y + textH);
        dl->AddText(f, f->FontSize, p, t.colors.text, label.c_str(), nullptr, 0, &clip);
        dl->AddText(f, f->FontSize, ImVec2(p.x + w - countW, p.y), t.colors.text, count.c_str());
        const float y = p.y + textH;
        dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w, y + barH), t.colors.surfaceAlt);
        if (n > 0) dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w * float(n) / float(top), y + barH), t.colors.primary);
        ImGui::Dummy(ImVec2(w, textH + barH + t.em(0.3f)));
    }
}

/// The form's own questions (choice, multi, yes/no): how many leads chose each option.
void questionFigures(const ScreenCtx& ctx, float colW) {
    const Theme& t = theme();
    bool headed = false;
    for (const auto& f : ctx.content.form.fields) {
        const auto counts = ctx.staff->answers.find(f.id);
        if (counts == ctx.staff->answers.end()) continue;
        const auto leads = [&](const std::string& option) {
            const auto it = counts->second.find(option);
            return it == counts->second.end() ? 0LL : it->second;
        };
        std::vector<std::pair<std::string, long long>> rows;
        if (f.kind == core::FieldKind::YesNo)
            rows = {{ctx.tr("staff.answer_yes"), leads("yes")}, {ctx.tr("staff.answer_no"), leads("no")}};
        for (const auto& o : f.options) rows.emplace_back(ctx.in(o.label), leads(o.id));
        if (!headed) {
            ImGui::Dummy(ImVec2(0, t.em(0.4f)));
            line(t.fonts.bold, t.colors.text, ctx.tr("staff.questions"), colW);
            headed = true;
        }
        line(t.fonts.body, t.colors.text, ctx.in(f.label), colW);
        answerBars(rows, colW - t.em(0.5f));
    }
}

/// The day in figures: leads today and in all, per exhibitor, per hour.
void figures(const ScreenCtx& ctx, float colW) {
    const Theme& t = theme();
    const StaffSnapshot& s = *ctx.staff;
    line(t.fonts.bold, t.colors.text, fmt(fmt(ctx.tr("staff.leads"), std::to_string(s.stats.today)), std::to_string(s.stats.total), "{t}"), colW);
    for (const auto& [id, n] : s.stats.perExhibitor) {
        const core::Company* c = ctx.content.company(id);
        line(t.fonts.body, t.colors.text, (c ? c->name : id) + ": " + std::to_string(n), colW);
    }
    ImGui::Dummy(ImVec2(0, t.em(0.4f)));
    line(t.fonts.bold, t.colors.text, ctx.tr("staff.per_hour"), colW);
    hourChart(s.stats.perHourToday, colW - t.em(0.5f), t.em(6));
    questionFigures(ctx, colW);
    ImGui::Dummy(ImVec2(0, t.em(0.6f)));
    funnels(ctx, colW - t.em(0.5f));
}

/// What the uploader has done, and "sync now".
Intent sync(const ScreenCtx& ctx, float colW, float btnH) {
    const Theme& t = theme();
    const StaffSnapshot& s = *ctx.staff;
    line(t.fonts.bold, t.colors.text, ctx.tr("staff.sync_title"), colW);
    std::string counts = fmt(fmt(fmt(ctx.tr("staff.sync_counts"), std::to_string(s.stats.pending)), std::to_string(s.stats.synced), "{s}"),
                             std::to_string(s.stats.failed), "{f}");
    line(t.fonts.body, t.colors.text, counts, colW);
    if (!s.sync.enabled && ctx.backend->syncConfigBroken) line(t.fonts.bold, t.colors.error, ctx.tr("staff.sync_off_config"), colW);
    else if (!s.sync.enabled) line(t.fonts.body, t.colors.textMuted, ctx.tr("staff.sync_off"), colW);
    else {
        line(t.fonts.body, t.colors.text, ctx.tr("staff.last_sync") + " " + (s.sync.lastSuccessMs ? core::isoUtc(s.sync.lastSuccessMs).substr(0, 19) + " UTC" : ctx.tr("staff.never")), colW);
        if (!s.sync.lastError.empty()) line(t.fonts.bold, t.colors.error, s.sync.lastError, colW);
    }
    if (button("staff.sync", ctx.tr("staff.sync"), ImVec2(std::min(colW, t.em(12)), btnH))) return intent::Staff{Op::SyncNow, {}};
    return {};
}

/// The export: where to, which format, delimiter and header language, the button and its progress.
Intent exportChoices(const ScreenCtx& ctx, float colW, float btnH) {
    const Theme& t = theme();
    const StaffSnapshot& s = *ctx.staff;
    Intent out;
    line(t.fonts.bold, t.colors.text, ctx.tr("staff.export_title"), colW);
    line(t.fonts.small, t.colors.textMuted, ctx.tr("staff.export_where"), colW);
    const float chipH = t.chip();
    if (s.destinations.empty()) line(t.fonts.body, t.colors.error, ctx.tr("staff.no_destination"), colW);
    for (size_t i = 0; i < s.destinations.size(); ++i) {
        if (checkRow("staff.dest." + std::to_string(i), s.destinations[i], ctx.state.exportChoice.destination == s.destinations[i], colW))
            out = intent::Staff{Op::Destination, s.destinations[i]};
    }
    const auto& choice = ctx.state.exportChoice;
    const float x0 = ImGui::GetCursorScreenPos().x;
    auto chipAt = [&](const std::string& id, const std::string& label, bool on, Op op, const std::string& arg) {
        if (chip(id, label, on, t.colors.primary, chipH)) out = intent::Staff{op, arg};
        ImGui::SameLine(0, t.em(0.4f));
    };
    ImGui::Dummy(ImVec2(0, t.em(0.2f)));
    ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
    chipAt("staff.format.csv", "CSV", choice.format == "csv", Op::Format, "csv");
    chipAt("staff.format.xlsx", "Excel (XLSX)", choice.format == "xlsx", Op::Format, "xlsx");
    chipAt("staff.format.jsonl", "JSON Lines", choice.format == "jsonl", Op::Format, "jsonl");
    ImGui::NewLine();
    ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
    chipAt("staff.delimiter.semicolon", "; (Excel DE)", choice.delimiter == ';', Op::Delimiter, ";");
    chipAt("staff.delimiter.comma", ", (Excel EN)", choice.delimiter == ',', Op::Delimiter, ",");
    ImGui::NewLine();
    ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
    chipAt("staff.header.de", "Deutsch", !choice.english, Op::HeaderLang, "de");
    chipAt("staff.header.en", "English", choice.english, Op::HeaderLang, "en");
    ImGui::NewLine();
    ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
    const bool canExport = !s.job.running && !choice.destination.empty();
    if (button("staff.export", ctx.tr("staff.export"), ImVec2(std::min(colW, t.em(12)), btnH), ButtonKind::Primary) && canExport)
        out = intent::Staff{Op::Export, {}};
    if (s.job.running) {
        ctx.animating = false;
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p, ImVec2(p.x + colW, p.y + t.em(0.8f)), t.colors.surfaceAlt, t.em(0.2f));
        dl->AddRectFilled(p, ImVec2(p.x + colW * float(s.job.progress), p.y + t.em(0.8f)), t.colors.primary, t.em(0.2f));
        ImGui::Dummy(ImVec2(colW, t.em(1.0f)));
    } else if (s.job.done) {
        if (s.job.ok)
            line(t.fonts.body, t.colors.text,
                 fmt(fmt(fmt(ctx.tr("staff.export_done"), std::to_string(s.job.files)), std::to_string(s.job.leads), "{l}"),
                     bytesText(s.job.bytes), "{b}") + "\n" + s.job.folder, colW);
        else line(t.fonts.bold, t.colors.error, s.job.error, colW);
    }
    return out;
}
} // namespace

Intent drawStaff(const ScreenCtx& ctx) {
    const Theme& t = theme();
    Intent out;
    if (!ctx.staff || !ctx.backend) return intent::Goto{Screen::Attract};
    const float m = t.tightMargin(), w = ctx.size.x - 2 * m;
    const bool wide = ctx.size.x > ctx.size.y;
    const float colW = wide ? (w - t.em(2)) * 0.5f : w;
    const float btnH = t.button();

    ImGui::SetCursorScreenPos(ImVec2(m, m));
    ImGui::BeginGroup();
    header(ctx, w);
    ImGui::EndGroup();
    const float top = ImGui::GetCursorScreenPos().y + t.em(0.5f);
    const float bodyH = ctx.size.y - top - btnH - 2 * m;

    // Left: the day in figures.
    ImGui::SetCursorScreenPos(ImVec2(m, top));
    beginTouchScroll("staff.figures", ImVec2(colW + t.em(0.8f), wide ? bodyH : bodyH * 0.45f));
    figures(ctx, colW);
    if (endTouchScroll()) ctx.animating = true;

    // Right: sync and export.
    ImGui::SetCursorScreenPos(wide ? ImVec2(m + colW + t.em(2), top) : ImVec2(m, top + bodyH * 0.45f + t.em(0.5f)));
    beginTouchScroll("staff.actions", ImVec2(colW + t.em(0.8f), wide ? bodyH : bodyH * 0.55f - t.em(0.5f)));
    Intent syncIntent = sync(ctx, colW, btnH);
    ImGui::Dummy(ImVec2(0, t.em(0.6f)));
    Intent exportIntent = exportChoices(ctx, colW, btnH);
    if (endTouchScroll()) ctx.animating = true;
    // As before the split: the last control drawn that fired wins.
    if (!std::holds_alternative<std::monostate>(exportIntent)) out = exportIntent;
    else if (!std::holds_alternative<std::monostate>(syncIntent)) out = syncIntent;

    ImGui::SetCursorScreenPos(ImVec2(m, ctx.size.y - btnH - m));
    if (button("staff.close", ctx.tr("staff.close"), ImVec2(t.em(10), btnH), ButtonKind::Primary)) out = intent::Goto{Screen::Attract};
    ImGui::SetCursorScreenPos(ImVec2(m + w - t.em(10), ctx.size.y - btnH - m));
    if (button("staff.exit", ctx.tr("staff.exit"), ImVec2(t.em(10), btnH))) out = intent::Staff{Op::Exit, {}};
    return out;
}

} // namespace kiosk::ui
