// content/attract.toml: the shipped loop, the built-in one, and every check check-content
// makes of it (each problem as file:line: key: what — fix).
#include "../support/test_support.hpp"
#include "core/content/content.hpp"

#include <doctest/doctest.h>

#include <string>

namespace fs = std::filesystem;
using kiosk::test::TempDir;
using namespace kiosk::core;

namespace {

const fs::path kSource = KIOSK_SOURCE_DIR;

ContentLoad load(const fs::path& dir) {
    return loadContent(dir, {kSource / "assets", true});
}

std::string dump(const std::vector<Problem>& problems) {
    std::string s;
    for (const auto& p : problems)
        s += p.format() + "\n";
    return s;
}

/// The demo content with `scenes` as its attract.toml.
struct WithAttract {
    TempDir t;
    fs::path dir = t.copyOf(kSource / "content", "content");
    ContentLoad loaded;
    explicit WithAttract(const std::string& toml) {
        TempDir::write(dir / "attract.toml", toml);
        loaded = load(dir);
    }
    /// The one error (or warning) of attract.toml.
    Problem problem(bool error = true) const {
        std::vector<Problem> mine;
        for (const auto& p : loaded.problems)
            if (p.file == "content/attract.toml" && p.error == error) mine.push_back(p);
        INFO(dump(loaded.problems));
        REQUIRE(mine.size() == 1);
        return mine.front();
    }
};

const std::string kGood = R"(
[[scene]]
id = "one"
kind = "welcome"
duration_s = 5
headline = { de = "Eins", en = "One" }

[[scene]]
id = "two"
kind = "sector"
sector = "hydrogen"
duration_s = 5
headline = { de = "Zwei", en = "Two" }

[[scene]]
id = "three"
kind = "companies"
companies = ["gdata", "wilo"]
duration_s = 6
headline = { de = "Drei", en = "Three" }
)";

/// kGood with `from` replaced by `to` (once).
std::string good(const std::string& from, const std::string& to) {
    std::string s = kGood;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("the shipped attract loop: five scenes, 15 to 30 s, every sector, no problem") {
    const auto loaded = load(kSource / "content");
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    const AttractLoop& loop = loaded.content.attract;
    CHECK(loop.fromFile);
    REQUIRE(loop.scenes.size() == 5);
    CHECK(loop.cycleSeconds() >= 15);
    CHECK(loop.cycleSeconds() <= 30);
    for (const auto& sector : knownSectorIds()) {
        bool shown = false;
        for (const auto& s : loop.scenes)
            shown = shown || (s.kind == SceneKind::Sector && s.sector == sector);
        CHECK_MESSAGE(shown, sector);
    }
}

TEST_CASE("without attract.toml the loop is built from event.toml") {
    TempDir t;
    const fs::path dir = t.copyOf(kSource / "content", "content");
    fs::remove(dir / "attract.toml");
    const auto loaded = load(dir);
    CHECK(loaded.problems.empty());
    const AttractLoop& loop = loaded.content.attract;
    CHECK_FALSE(loop.fromFile);
    REQUIRE(loop.scenes.size() == 3);
    CHECK(loop.scenes[0].id == "welcome");
    CHECK(loop.scenes[0].headline.de == loaded.content.event.title.de);
    CHECK(loop.scenes[1].kind == SceneKind::Companies);
    CHECK(loop.scenes[2].headline.en == loaded.content.event.summitName.en);
    CHECK(loop.cycleSeconds() >= 15);
}

TEST_CASE("a good attract.toml is read as written") {
    WithAttract w(kGood);
    INFO(dump(w.loaded.problems));
    CHECK(w.loaded.problems.empty());
    const auto& scenes = w.loaded.content.attract.scenes;
    REQUIRE(scenes.size() == 3);
    CHECK(scenes[1].sector == "hydrogen");
    CHECK(scenes[2].companies == std::vector<std::string>{"gdata", "wilo"});
    CHECK(w.loaded.content.attract.cycleSeconds() == 16);
}

TEST_CASE("which scene shows when: in order, then again from the first") {
    WithAttract w(kGood);
    const AttractLoop& loop = w.loaded.content.attract;
    CHECK(loop.at(0).index == 0);
    CHECK(loop.at(4.9).index == 0);
    CHECK(loop.at(5.0).index == 1);
    CHECK(loop.at(10.5).index == 2);
    CHECK(loop.at(10.5).local == doctest::Approx(0.5));
    CHECK(loop.at(16.0).index == 0);
    CHECK(loop.at(16.0 * 1000 + 7).index == 1);
}

TEST_CASE("attract.toml problems name the line, the key and the fix") {
    struct Case {
        std::string from, to, key, what, fix;
        int line;
    };
    const Case cases[] = {
        {"kind = \"welcome\"", "kind = \"teaser\"", "scene.kind", "unknown scene kind 'teaser'",
         "use welcome, companies, sector, signup or summit", 4},
        {"[\"gdata\", \"wilo\"]", "[\"gdata\", \"nobody\"]", "scene.companies", "unknown company 'nobody'",
         "use the id of a file in companies/ (its name without .toml)", 18},
        {"sector = \"hydrogen\"", "sector = \"steel\"", "scene.sector", "unknown sector 'steel'",
         "use hydrogen, cybersecurity or digital-health", 11},
        {"duration_s = 5", "duration_s = 2", "scene.duration_s", "is out of range", "use a value from 3 to 15", 5},
        {"duration_s = 6", "duration_s = 16", "scene.duration_s", "is out of range", "use a value from 3 to 15", 19},
        {"{ de = \"Eins\", en = \"One\" }", "{ de = \"Eins\" }", "scene.headline.en", "missing", "add en = \"…\"", 6},
        {"id = \"two\"", "id = \"one\"", "scene.id", "scene 'one' is defined twice", "give each scene its own id", 9},
    };
    for (const auto& c : cases) {
        CAPTURE(c.to);
        WithAttract w(good(c.from, c.to));
        const Problem p = w.problem();
        CHECK(p.error);
        CHECK(p.key == c.key);
        CHECK(p.what == c.what);
        CHECK(p.fix == c.fix);
        CHECK(p.line == c.line);
    }
}

TEST_CASE("a scene image: missing, undecodable or outside the folder is an error; the scene still shows") {
    TempDir t;
    const fs::path dir = t.copyOf(kSource / "content", "content");
    fs::create_directories(dir / "attract");
    TempDir::write(dir / "attract" / "broken.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, 'x'));
    fs::copy_file(kSource / "assets" / "logos" / "gdata.png", dir / "attract" / "good.png");
    const std::pair<std::string, std::string> cases[] = {
        {"attract/none.png", "file 'attract/none.png' not found"},
        {"attract/broken.png", "'attract/broken.png' is not a readable PNG or JPEG"},
        {"../secret.png", "'../secret.png' is not inside the content folder"},
    };
    for (const auto& [image, what] : cases) {
        CAPTURE(image);
        TempDir::write(dir / "attract.toml", good("duration_s = 5\n", "duration_s = 5\nimage = \"" + image + "\"\n"));
        const auto loaded = load(dir);
        REQUIRE(loaded.problems.size() == 1);
        CHECK(loaded.problems[0].key == "scene.image");
        CHECK(loaded.problems[0].what == what);
        CHECK(loaded.problems[0].line == 6);
        REQUIRE(loaded.content.attract.scenes.size() == 3);
        CHECK(loaded.content.attract.scenes[0].image.empty());
    }
    TempDir::write(dir / "attract.toml", good("duration_s = 5\n", "duration_s = 5\nimage = \"attract/good.png\"\n"));
    const auto loaded = load(dir);
    CHECK(loaded.problems.empty());
    CHECK(loaded.content.attract.scenes[0].image == dir / "attract" / "good.png");
}

TEST_CASE("a loop of the wrong length is a warning; one with no usable scene keeps the built-in loop") {
    {
        WithAttract w(good("duration_s = 6", "duration_s = 3"));
        const Problem p = w.problem(false);
        CHECK(p.what == "the scenes take 13 s together");
    }
    {
        WithAttract w("[[scene]]\nid = \"x\"\nkind = \"nope\"\nheadline = { de = \"X\", en = \"X\" }\n");
        CHECK(w.problem().key == "scene.kind");
        CHECK_FALSE(w.loaded.content.attract.fromFile);
        CHECK(w.loaded.content.attract.scenes.size() == 3);
    }
}
