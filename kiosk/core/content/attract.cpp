#include "attract.hpp"

#include "checks.hpp"
#include "content.hpp"

#include <cmath>
#include <numeric>

namespace kiosk::core {

namespace fs = std::filesystem;

namespace {

struct KindName {
    SceneKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {{SceneKind::Welcome, "welcome"},
                               {SceneKind::Companies, "companies"},
                               {SceneKind::Sector, "sector"},
                               {SceneKind::Signup, "signup"},
                               {SceneKind::Summit, "summit"}};

/// A cycle a passer-by takes in: every scene within half a minute, none rushed.
constexpr double kMinCycleSeconds = 15, kMaxCycleSeconds = 30;

bool parseKind(const std::string& s, SceneKind& out) {
    for (const auto& k : kKinds)
        if (s == k.name) {
            out = k.kind;
            return true;
        }
    return false;
}

std::optional<AttractScene> readScene(TomlReader& r, const fs::path& dir, const LoadOptions& opt, const Content& c,
                                      const std::vector<AttractScene>& before) {
    AttractScene s;
    s.id = r.str("id", true, 40);
    bool ok = !s.id.empty();
    if (ok && !validId(s.id)) {
        r.problem("id", "'" + s.id + "' is not a valid id", "use lower-case letters, digits and '-'");
        ok = false;
    }
    for (const auto& b : before)
        if (ok && b.id == s.id) {
            r.problem("id", "scene '" + s.id + "' is defined twice", "give each scene its own id");
            ok = false;
        }
    const std::string kind = r.str("kind", true, 20);
    if (!kind.empty() && !parseKind(kind, s.kind)) {
        r.problem("kind", "unknown scene kind '" + kind + "'", "use welcome, companies, sector, signup or summit");
        ok = false;
    }
    ok = ok && !kind.empty();
    s.headline = r.text("headline", true, 40);
    s.line = r.text("line", false, 120);
    s.cta = r.text("cta", false, 40);
    s.seconds = r.number("duration_s", 6, kMinSceneSeconds, kMaxSceneSeconds);
    if (s.kind == SceneKind::Sector) {
        s.sector = r.str("sector", true, 40);
        if (!s.sector.empty() && !c.sector(s.sector)) {
            r.problem("sector", "unknown sector '" + s.sector + "'", "use hydrogen, cybersecurity or digital-health");
            ok = false;
        }
    }
    if (s.kind == SceneKind::Companies) {
        s.companies = r.strings("companies", false);
        for (const auto& id : s.companies)
            if (!c.company(id)) {
                r.problem("companies", "unknown company '" + id + "'",
                          "use the id of a file in companies/ (its name without .toml)");
                ok = false;
            }
    }
    const std::string image = r.str("image", false, 200);
    if (!image.empty()) s.image = checkedImage(r, "image", dir, image, opt); // a scene without its picture still shows
    r.finish();
    if (!ok || s.headline.de.empty() || s.headline.en.empty()) return std::nullopt;
    return s;
}

} // namespace

const char* sceneKindName(SceneKind k) {
    for (const auto& n : kKinds)
        if (n.kind == k) return n.name;
    return "welcome";
}

double AttractLoop::cycleSeconds() const {
    return std::accumulate(scenes.begin(), scenes.end(), 0.0,
                           [](double sum, const AttractScene& s) { return sum + s.seconds; });
}

std::string AttractLoop::headlines() const {
    std::string out;
    for (const auto& s : scenes)
        out += s.headline.de + s.headline.en;
    return out;
}

ScenePosition AttractLoop::at(double t) const {
    const double cycle = cycleSeconds();
    if (scenes.empty() || !(cycle > 0)) return {};
    double local = std::fmod(std::max(0.0, t), cycle);
    for (size_t i = 0; i < scenes.size(); ++i) {
        if (local < scenes[i].seconds) return {i, local};
        local -= scenes[i].seconds;
    }
    return {scenes.size() - 1, scenes.back().seconds}; // rounding at the very end of a cycle
}

AttractLoop defaultAttractLoop(const Content& c) {
    const Event& e = c.event;
    auto scene = [](const char* id, SceneKind kind, const Text& headline, const Text& line, double seconds) {
        AttractScene s;
        s.id = id;
        s.kind = kind;
        s.headline = headline;
        s.line = line;
        s.seconds = seconds;
        return s;
    };
    AttractLoop loop;
    loop.scenes.push_back(scene("welcome", SceneKind::Welcome, e.title, e.subtitle, 6));
    // The first highlight says what the visitor finds here (the old loop's scenes).
    const bool hl = !e.highlights.empty();
    loop.scenes.push_back(scene("companies", SceneKind::Companies, hl ? e.highlights.front().title : e.title,
                                hl ? e.highlights.front().text : e.subtitle, 8));
    if (!e.summitName.de.empty()) {
        const Text when{e.summitDates.de + " \u2022 " + e.summitVenue.de,
                        e.summitDates.en + " \u2022 " + e.summitVenue.en};
        loop.scenes.push_back(scene("summit", SceneKind::Summit, e.summitName, when, 6));
    }
    return loop;
}

void loadAttract(const fs::path& dir, const LoadOptions& options, Content& c, std::vector<Problem>& problems) {
    const fs::path path = dir / "attract.toml";
    std::error_code ec;
    c.attract = defaultAttractLoop(c);
    if (!fs::exists(fs::symlink_status(path, ec))) return;
    const std::string name = shortName(dir, path);
    auto doc = parseTomlFile(path.string(), name, problems);
    if (!doc) return; // the built-in loop stays
    TomlReader r(*doc, name, problems);
    AttractLoop loop;
    loop.fromFile = true;
    const auto tables = r.tables("scene", true);
    for (const auto* t : tables) {
        TomlReader sr(*t, name, problems, "scene");
        if (auto s = readScene(sr, dir, options, c, loop.scenes)) loop.scenes.push_back(std::move(*s));
    }
    r.finish();
    if (tables.size() > kMaxScenes)
        r.problem("scene", "has " + std::to_string(tables.size()) + " scenes", "keep 3 to 5 scenes (at most 8)");
    const double cycle = loop.cycleSeconds();
    if (!loop.scenes.empty() && (cycle < kMinCycleSeconds || cycle > kMaxCycleSeconds)) {
        const long secs = std::lround(cycle);
        r.problem("scene", "the scenes take " + std::to_string(secs) + " s together",
                  "make the loop 15 to 30 s long (change duration_s)", false);
    }
    if (loop.scenes.size() > kMaxScenes) loop.scenes.resize(kMaxScenes);
    if (!loop.scenes.empty()) c.attract = std::move(loop);
}

} // namespace kiosk::core
