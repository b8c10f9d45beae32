#include "lead_table.hpp"

#include "core/sync/protocol.hpp"

#include <nlohmann/json.hpp>
#include <xlsxwriter.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace kiosk::hub {

using nlohmann::json;

namespace {
std::string str(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t utcMs(const json& j, const char* key) {
    return core::sync::parseUtcMs(str(j, key)).value_or(0);
}

std::vector<std::string> strings(const json& j, const char* key) {
    std::vector<std::string> out;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& e : *it)
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}
} // namespace

bool coreLead(const std::string& payload, core::Lead& l) {
    const json j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    l = core::Lead{};
    l.id = str(j, "id");
    l.createdMs = utcMs(j, "created_at");
    l.kioskId = str(j, "kiosk_id");
    l.eventId = str(j, "event_id");
    l.lang = str(j, "language");
    for (const auto& f : core::standardFields())
        l.*f.member = str(j, std::string(f.id).c_str());
    l.sectors = strings(j, "sectors");
    l.exhibitors = strings(j, "exhibitors");
    if (const auto a = j.find("answers"); a != j.end() && a->is_object())
        l.answers = core::answersFromJson(a->dump(-1, ' ', false, json::error_handler_t::replace));
    l.formVersion = str(j, "form_version");
    if (const std::string c = str(j, "capture"); !c.empty()) l.capture = c;
    if (const auto c = j.find("consent"); c != j.end() && c->is_object()) {
        l.consent = {str(*c, "version"), str(*c, "text_sha256"), str(*c, "language"), utcMs(*c, "given_at")};
    }
    const auto n = j.find("newsletter");
    l.newsletter = n != j.end() && n->is_boolean() && n->get<bool>();
    if (const std::string s = str(j, "source"); !s.empty()) l.source = s;
    l.syncState = "synced";
    return true;
}

std::vector<core::ExportColumn> leadTableColumns(const std::vector<core::Lead>& leads) {
    // The questions only the kiosks' forms know, as a form of their own; its version matches no
    // lead, so an unanswered yes/no stays blank rather than claiming "no".
    core::FormDef extra;
    extra.version = "(answers the hub found)";
    std::map<std::string, core::FieldKind> seen;
    for (const auto& l : leads)
        for (const auto& [id, a] : l.answers) {
            if (core::defaultForm().field(id) || seen.count(id)) continue;
            const auto kind = !a.options.empty()                          ? core::FieldKind::Multi
                              : a.kind == core::FieldKind::YesNo || a.yes ? core::FieldKind::YesNo
                                                                          : core::FieldKind::Text;
            seen[id] = kind;
            extra.fields.push_back({id, kind, false, {id, id}, 0, {}});
        }
    return core::exportColumns({core::defaultForm(), extra});
}

std::string leadTableCsv(const std::vector<core::ExportColumn>& columns, const std::vector<core::Lead>& leads,
                         core::Lang lang, char delimiter) {
    std::string out = "\xEF\xBB\xBF";
    const auto row = [&](auto cell) {
        for (size_t i = 0; i < columns.size(); ++i) {
            if (i) out += delimiter;
            out += core::csvCell(cell(columns[i]), delimiter);
        }
        out += "\r\n";
    };
    row([&](const core::ExportColumn& c) { return c.header.in(lang); });
    for (const auto& l : leads)
        row([&](const core::ExportColumn& c) { return c.cell(l, lang); });
    return out;
}

bool leadTableXlsx(const std::vector<core::ExportColumn>& columns, const std::vector<core::Lead>& leads,
                   core::Lang lang, std::string& out, std::string& error) {
    // libxlsxwriter writes to a path: a memory file, so that no lead touches the hub's disk.
    const int mem = ::memfd_create("hub-leads.xlsx", MFD_CLOEXEC);
    if (mem < 0) {
        error = std::string("cannot make the XLSX file: ") + std::strerror(errno);
        return false;
    }
    const std::string path = "/proc/self/fd/" + std::to_string(mem);
    lxw_workbook* book = workbook_new(path.c_str());
    lxw_worksheet* sheet = book ? workbook_add_worksheet(book, "Leads") : nullptr;
    lxw_format* bold = book ? workbook_add_format(book) : nullptr;
    lxw_error rc = sheet && bold ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (bold) format_set_bold(bold);
    if (sheet) worksheet_freeze_panes(sheet, 1, 0);
    for (size_t i = 0; i < columns.size() && rc == LXW_NO_ERROR; ++i) {
        const std::string& h = columns[i].header.in(lang);
        worksheet_set_column(sheet, lxw_col_t(i), lxw_col_t(i), std::clamp(double(h.size()) + 2, 12.0, 40.0), nullptr);
        rc = worksheet_write_string(sheet, 0, lxw_col_t(i), h.c_str(), bold);
    }
    for (size_t r = 0; r < leads.size() && rc == LXW_NO_ERROR; ++r)
        for (size_t i = 0; i < columns.size() && rc == LXW_NO_ERROR; ++i)
            if (const std::string v = columns[i].cell(leads[r], lang); !v.empty())
                rc = worksheet_write_string(sheet, lxw_row_t(r + 1), lxw_col_t(i), v.c_str(), nullptr);
    const lxw_error closed = book ? workbook_close(book) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    bool ok = rc == LXW_NO_ERROR && closed == LXW_NO_ERROR;
    if (!ok) error = std::string("writing the XLSX file failed: ") + lxw_strerror(rc != LXW_NO_ERROR ? rc : closed);
    out.clear();
    if (ok && ::lseek(mem, 0, SEEK_SET) == 0) {
        char chunk[1 << 16];
        for (ssize_t got; (got = ::read(mem, chunk, sizeof chunk)) > 0;)
            out.append(chunk, size_t(got));
    }
    ::close(mem);
    return ok && !out.empty();
}

} // namespace kiosk::hub
