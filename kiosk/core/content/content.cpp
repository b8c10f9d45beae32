#include "content.hpp"

#include "../toml_reader.hpp"
#include "attract.hpp"
#include "checks.hpp"

#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <tuple>

namespace kiosk::core {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxLogoPx = 4096;
/// stb_image reads a PNG's data whole before decoding it: the file size is bounded first.
constexpr std::uintmax_t kMaxLogoBytes = 20 * 1024 * 1024;

bool validUrl(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }


/// A content file parsed, with the name its problems give; none when it cannot be read
/// (a problem says why).
struct ContentFile {
    std::string name;
    toml::table doc;
};
std::optional<ContentFile> openContentFile(const fs::path& dir, const fs::path& path, std::vector<Problem>& problems) {
    std::string name = shortName(dir, path);
    auto doc = parseTomlFile(path.string(), name, problems);
    if (!doc) return std::nullopt;
    return ContentFile{std::move(name), std::move(*doc)};
}

/// Reads a content file with `read`, then reports its unknown keys; nothing when it cannot be
/// read (a problem says why).
void readContentFile(const fs::path& dir, const fs::path& path, std::vector<Problem>& problems,
                     const std::function<void(TomlReader&)>& read) {
    const auto file = openContentFile(dir, path, problems);
    if (!file) return;
    TomlReader r(file->doc, file->name, problems);
    read(r);
    r.finish();
}

/// Required texts (both languages), each with its longest length, into members of `into`.
template <class T>
void readTexts(TomlReader& r, T& into, std::initializer_list<std::tuple<const char*, Text T::*, size_t>> texts) {
    for (const auto& [key, member, maxLen] : texts)
        into.*member = r.text(key, true, maxLen);
}

void checkId(TomlReader& r, const std::string& id) {
    if (!id.empty() && !validId(id)) r.problem("id", "is not a valid id", "use lower-case letters, digits and '-'");
}

void checkUrl(TomlReader& r, const std::string& key, const std::string& url) {
    if (!url.empty() && !validUrl(url)) r.problem(key, "is not a web address", "write it as https://…");
}

void flattenStrings(const toml::table& t, const std::string& prefix, const std::string& file,
                    std::map<std::string, Text>& out, std::vector<Problem>& problems, int depth = 1) {
    // parseToml already refuses deeper files; the limit keeps this recursion safe on its own.
    if (depth > kMaxTomlDepth) {
        addProblem(problems, {file, static_cast<int>(t.source().begin.line), prefix, "too deeply nested",
                              "use keys of at most a few parts, like [group.key]"});
        return;
    }
    for (const auto& [k, v] : t) {
        std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        const auto* sub = v.as_table();
        if (!sub) {
            addProblem(problems, {file, static_cast<int>(v.source().begin.line), key, "must give both languages",
                                "write " + std::string(k.str()) + " = { de = \"…\", en = \"…\" }"});
            continue;
        }
        // A leaf holds the two texts; a table of tables is a group (e.g. [lang] de = {…}).
        bool group = false;
        for (const auto& kv : *sub) group = group || kv.second.is_table();
        if (!group) {
            TomlReader r(*sub, file, problems, key);
            Text text;
            text.de = r.str("de", true, 600);
            text.en = r.str("en", true, 600);
            r.finish();
            out[key] = std::move(text);
        } else {
            flattenStrings(*sub, key, file, out, problems, depth + 1);
        }
    }
}

void loadEvent(const fs::path& dir, Content& c, std::vector<Problem>& problems) {
    readContentFile(dir, dir / "event.toml", problems, [&](TomlReader& r) {
        const std::string& name = r.file();
        Event& e = c.event;
        e.id = r.str("id", true, 64);
        checkId(r, e.id);
        r.section("organiser", true, [&](TomlReader& o) {
            e.organiserName = o.str("name", true, 90);
            e.organiserAddress = o.str("address", true, 200);
            e.organiserPhone = o.str("phone", false, 40);
            e.organiserWebsite = o.str("website", true, 200);
            checkUrl(o, "website", e.organiserWebsite);
            e.organiserPrivacyEmail = o.str("privacy_email", false, 120);
            if (!e.organiserPrivacyEmail.empty() && e.organiserPrivacyEmail.find('@') == std::string::npos) {
                o.problem("privacy_email", "is not an email address", "write it as name@example.org");
                e.organiserPrivacyEmail.clear(); // the receipt names the postal address instead
            }
        });
        readTexts(r, e,
                  {{"title", &Event::title, 60},
                   {"subtitle", &Event::subtitle, 90},
                   {"venue", &Event::venue, 90},
                   {"dates", &Event::dates, 60},
                   {"about", &Event::about, 600}});
        auto highlights = r.tables("highlights", true);
        if (highlights.size() > 5) r.problem("highlights", "has more than 5 scenes", "keep 1 to 5 highlights");
        if (highlights.empty() && r.has("highlights"))
            r.problem("highlights", "has no scenes", "add 1 to 5 [[highlights]] sections");
        for (const auto* h : highlights) {
            TomlReader hr(*h, name, problems, "highlights");
            e.highlights.push_back({hr.text("title", true, 60), hr.text("text", true, 160)});
            hr.finish();
        }
        r.section("summit", true, [&](TomlReader& sr) {
            readTexts(sr, e,
                      {{"name", &Event::summitName, 90},
                       {"dates", &Event::summitDates, 60},
                       {"venue", &Event::summitVenue, 90}});
            const auto days = sr.tables("days", true);
            if (days.empty() && sr.has("days")) sr.problem("days", "lists no day", "add a [[summit.days]] section per day");
            for (const auto* d : days) {
                TomlReader dr(*d, name, problems, "summit.days");
                e.summitDays.push_back({dr.text("title", true, 60), dr.text("text", true, 200)});
                dr.finish();
            }
        });
    });
}

std::uint32_t parseColor(TomlReader& r, const std::string& key) {
    std::string s = r.str(key, true, 7);
    const bool hex = s.size() == 7 && s[0] == '#' &&
                     std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    if (!hex) {
        if (!s.empty()) r.problem(key, "is not a colour", "write it as #RRGGBB, e.g. #1F6F55");
        return 0x555555;
    }
    return static_cast<std::uint32_t>(std::stoul(s.substr(1), nullptr, 16));
}

void loadSectors(const fs::path& dir, Content& c, std::vector<Problem>& problems) {
    const auto file = openContentFile(dir, dir / "sectors.toml", problems);
    if (!file) return;
    const std::string& name = file->name;
    TomlReader r(file->doc, name, problems);
    for (const auto* t : r.tables("sector", true)) {
        TomlReader sr(*t, name, problems, "sector");
        Sector s;
        s.id = sr.str("id", true, 40);
        s.name = sr.text("name", true, 30);
        s.text = sr.text("text", true, 300);
        s.rgb = parseColor(sr, "color");
        sr.finish();
        const auto& known = knownSectorIds();
        if (std::find(known.begin(), known.end(), s.id) == known.end()) {
            sr.problem("id", "unknown sector '" + s.id + "'", "use one of hydrogen, cybersecurity, digital-health");
            continue;
        }
        if (c.sector(s.id)) {
            sr.problem("id", "sector '" + s.id + "' is defined twice", "remove one of the two");
            continue;
        }
        c.sectors.push_back(std::move(s));
    }
    r.finish();
    for (const auto& id : knownSectorIds())
        if (!c.sector(id))
            addProblem(problems, {name, 0, "sector", "sector '" + id + "' is missing", "add a [[sector]] with id = \"" + id + "\""});
}

/// A logo is named relative to the content folder, without "..": it can name no file elsewhere.
bool logoPathInside(const std::string& rel) {
    const fs::path p(rel);
    if (p.empty() || p.has_root_path()) return false;
    return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
}

/// Logo lookup: the content folder first (the organiser's own files), then the shipped assets;
/// only a file that really lies inside one of them (a symlink out of it does not count).
fs::path resolveLogo(const fs::path& contentDir, const fs::path& assetsDir, const std::string& rel) {
    if (!logoPathInside(rel)) return {};
    for (const auto& base : {contentDir, assetsDir}) {
        if (base.empty()) continue;
        fs::path p = base / rel;
        std::error_code ec, baseEc;
        const fs::path real = fs::canonical(p, ec), realBase = fs::canonical(base, baseEc);
        if (ec || baseEc || !fs::is_regular_file(real, ec)) continue;
        if (std::mismatch(realBase.begin(), realBase.end(), real.begin(), real.end()).first == realBase.end()) return p;
    }
    return {};
}

} // namespace

std::string shortName(const fs::path& dir, const fs::path& file) {
    std::error_code ec;
    // "content" and "content/" must name files the same way.
    fs::path base = dir.lexically_normal();
    if (!base.has_filename()) base = base.parent_path();
    auto rel = fs::relative(file, base.parent_path(), ec);
    return ec || rel.empty() ? file.string() : rel.string();
}

// A loop, not std::regex: libstdc++'s regex recurses per character, and an id can be
// megabytes long.
bool validId(const std::string& id) {
    bool afterDash = true; // no leading '-'
    for (char c : id) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (c != '-' || afterDash)) return false;
        afterDash = c == '-';
    }
    return !afterDash; // neither empty nor ending in '-'
}

/// A picture the kiosk cannot show is an error for check-content (the stand would show a
/// placeholder), but the item that names it is kept. The header comes first: a huge image is
/// refused from its dimensions before anything is decoded.
fs::path checkedImage(TomlReader& r, const std::string& key, const fs::path& dir, const std::string& rel,
                      const LoadOptions& opt) {
    if (!logoPathInside(rel)) {
        r.problem(key, "'" + rel + "' is not inside the content folder",
                  "name the file relative to the content folder, without '..', e.g. " +
                      std::string(key == "logo" ? "logos/" : "attract/") + fs::path(rel).filename().string());
        return {};
    }
    const fs::path path = resolveLogo(dir, opt.assetsDir, rel);
    if (path.empty()) {
        r.problem(key, "file '" + rel + "' not found", "put the image in the content folder or fix the path");
        return {};
    }
    std::error_code ec;
    if (const auto bytes = fs::file_size(path, ec); !ec && bytes > kMaxLogoBytes) {
        r.problem(key, "'" + rel + "' is " + std::to_string(bytes / (1024 * 1024)) + " MiB: too large (max " +
                           std::to_string(kMaxLogoBytes / (1024 * 1024)) + " MiB)",
                  "export it again as PNG of at most 4096×4096 px (512×512 is ideal)");
        return {};
    }
    int w = 0, h = 0, n = 0;
    bool ok = stbi_info(path.c_str(), &w, &h, &n) != 0;
    if (ok && (w > kMaxLogoPx || h > kMaxLogoPx)) {
        r.problem(key, "'" + rel + "' is " + std::to_string(w) + "×" + std::to_string(h) + " px: too large (max " +
                           std::to_string(kMaxLogoPx) + " px)",
                  "scale it down to at most " + std::to_string(kMaxLogoPx) + "×" + std::to_string(kMaxLogoPx) +
                      " px (512×512 is ideal)");
        return {};
    }
    if (ok && opt.decodeImages) {
        unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, 4);
        ok = px != nullptr;
        stbi_image_free(px);
    }
    if (!ok) {
        r.problem(key, "'" + rel + "' is not a readable PNG or JPEG", "export it again as PNG");
        return {};
    }
    if (w < 32 || h < 32) {
        r.problem(key, "'" + rel + "' is " + std::to_string(w) + "×" + std::to_string(h) + " px",
                  "use an image between 32×32 and 4096×4096 px (512×512 is ideal)");
        return {};
    }
    return path;
}

namespace {

void loadCompany(const fs::path& dir, const fs::path& path, const LoadOptions& opt, Content& c,
                 std::vector<Problem>& problems) {
    const size_t before = problems.size();
    const auto file = openContentFile(dir, path, problems);
    if (!file) return;
    const std::string& name = file->name;
    TomlReader r(file->doc, name, problems);
    Company co;
    co.id = r.str("id", true, 40);
    checkId(r, co.id);
    if (!co.id.empty() && co.id != path.stem().string())
        r.problem("id", "'" + co.id + "' differs from the file name", "rename the file to " + co.id + ".toml");
    co.name = r.str("name", true, 40);
    std::string logo = r.str("logo", true, 200);
    co.region = r.str("region", true, 40);
    if (!co.region.empty() && co.region != "ruhr" && co.region != "greater-manchester")
        r.problem("region", "unknown region '" + co.region + "'", "use \"ruhr\" or \"greater-manchester\"");
    co.exhibitor = r.boolean("exhibitor", true);
    co.sample = r.boolean("sample", false);
    co.sectors = r.strings("sectors", true);
    for (const auto& s : co.sectors)
        if (!c.sector(s)) r.problem("sectors", "unknown sector '" + s + "'", "use hydrogen, cybersecurity or digital-health");
    co.website = r.str("website", false, 200);
    checkUrl(r, "website", co.website);
    readTexts(r, co,
              {{"tagline", &Company::tagline, 90},
               {"description", &Company::description, 900},
               {"looking_for", &Company::lookingFor, 500}});
    r.section("contact", false, [&](TomlReader& cr) {
        co.contactName = cr.str("name", false, 80);
        co.contactEmail = cr.str("email", false, 120);
        co.contactPhone = cr.str("phone", false, 40);
    });
    r.finish();
    const size_t logoProblems = problems.size(); // an error for check-content; the kiosk keeps the company
    if (!logo.empty()) co.logo = checkedImage(r, "logo", dir, logo, opt);
    if (c.company(co.id)) {
        r.problem("id", "company '" + co.id + "' is defined twice", "give each company its own id");
        return;
    }
    // A company with errors is left out; one whose only problem is its logo is kept, with
    // the placeholder: the stand shows it even though check-content fails.
    for (size_t i = before; i < logoProblems; ++i)
        if (problems[i].error) return;
    c.companies.push_back(std::move(co));
}

void loadConsent(const fs::path& dir, Content& c, std::vector<Problem>& problems) {
    readContentFile(dir, dir / "consent.toml", problems, [&](TomlReader& r) {
        ConsentText& k = c.consent;
        k.version = r.str("version", true, 40);
        k.policyUrl = r.str("policy_url", true, 200);
        checkUrl(r, "policy_url", k.policyUrl);
        k.label = r.text("label", true, 300);
        k.summary = r.text("summary", true, 700);
        k.notice = r.text("notice", true, 6000);
        k.newsletter = r.text("newsletter", true, 300);
    });
}

/// form.toml is optional: without it the kiosk asks what it always asked. A form with
/// errors is not used (the built-in one stays), and check-content names every problem.
void loadForm(const fs::path& dir, Content& c, std::vector<Problem>& problems) {
    const fs::path path = dir / "form.toml";
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return;
    const std::string name = shortName(dir, path);
    if (auto form = loadFormFile(path.string(), name, problems)) c.form = std::move(*form);
}

void loadStrings(const fs::path& dir, Content& c, std::vector<Problem>& problems) {
    const auto file = openContentFile(dir, dir / "strings.toml", problems);
    if (!file) return;
    const std::string& name = file->name;
    flattenStrings(file->doc, "", name, c.strings, problems);
    for (const auto& key : requiredStringKeys())
        if (!c.strings.count(key))
            addProblem(problems, {name, 0, key, "missing", "add [" + key + "] with de = \"…\" and en = \"…\""});
}

} // namespace

const Sector* Content::sector(const std::string& id) const {
    for (const auto& s : sectors)
        if (s.id == id) return &s;
    return nullptr;
}

const Company* Content::company(const std::string& id) const {
    for (const auto& co : companies)
        if (co.id == id) return &co;
    return nullptr;
}

const Text* Content::string(const std::string& key) const {
    auto it = strings.find(key);
    return it == strings.end() ? nullptr : &it->second;
}

const std::vector<std::string>& knownSectorIds() {
    static const std::vector<std::string> ids = {"hydrogen", "cybersecurity", "digital-health"};
    return ids;
}

ContentLoad loadContent(const fs::path& dir, const LoadOptions& options) {
    ContentLoad out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        addProblem(out.problems, {dir.string(), 0, "", "content folder not found", "pass --content with the right folder"});
        return out;
    }
    loadEvent(dir, out.content, out.problems);
    loadSectors(dir, out.content, out.problems);
    loadStrings(dir, out.content, out.problems);
    loadConsent(dir, out.content, out.problems);
    loadForm(dir, out.content, out.problems);

    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir / "companies", ec))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty())
        addProblem(out.problems, {shortName(dir, dir / "companies"), 0, "", "no company files",
                                "add one companies/<id>.toml per company"});
    for (const auto& f : files) loadCompany(dir, f, options, out.content, out.problems);
    loadAttract(dir, options, out.content, out.problems);

    // Exhibitors on the stand first: they are who the visitor came to see.
    std::stable_sort(out.content.companies.begin(), out.content.companies.end(), [](const Company& a, const Company& b) {
        if (a.exhibitor != b.exhibitor) return a.exhibitor;
        return a.name < b.name;
    });
    return out;
}

} // namespace kiosk::core
