// Unit tests of loadContent(): the shipped content, the broken fixture folder
// (tests/fixtures/broken, one problem per file) and edge cases written to temp dirs.
#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/toml_reader.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
using kiosk::test::TempDir;
using kiosk::test::asNobody;
using kiosk::test::readFile;
using namespace kiosk::core;

namespace {

const fs::path kSource = KIOSK_SOURCE_DIR;
const fs::path kFixtures = FIXTURES_DIR;

ContentLoad loadShipped(bool decode = true) { return loadContent(kSource / "content", {kSource / "assets", decode}); }
ContentLoad loadBroken(bool decode = true) { return loadContent(kFixtures / "broken", {kSource / "assets", decode}); }

std::string dump(const std::vector<Problem>& problems) {
    std::string s;
    for (const auto& p : problems) s += (p.error ? "" : "warning: ") + p.format() + "\n";
    return s.empty() ? "(no problems)" : s;
}

/// Every problem reported for `file` (as loadContent names it) and `key`.
std::vector<Problem> problemsFor(const std::vector<Problem>& problems, const std::string& file, const std::string& key) {
    std::vector<Problem> out;
    for (const auto& p : problems)
        if (p.file == file && p.key == key) out.push_back(p);
    return out;
}

/// The one problem for `file` and `key`; fails the test when there is not exactly one.
Problem theProblem(const std::vector<Problem>& problems, const std::string& file, const std::string& key) {
    auto found = problemsFor(problems, file, key);
    INFO("looking for " << file << " / " << key << " in:\n" << dump(problems));
    REQUIRE(found.size() == 1);
    return found.front();
}

std::vector<std::string> companyIds(const Content& c) {
    std::vector<std::string> ids;
    for (const auto& co : c.companies) ids.push_back(co.id);
    return ids;
}

bool sortedExhibitorsFirst(const std::vector<Company>& companies) {
    for (size_t i = 1; i < companies.size(); ++i) {
        const auto& a = companies[i - 1];
        const auto& b = companies[i];
        if (!a.exhibitor && b.exhibitor) return false;
        if (a.exhibitor == b.exhibitor && b.name < a.name) return false;
    }
    return true;
}

/// Replaces the one line that starts with `start` by `line` (fails when there is none).
void replaceLine(const fs::path& file, const std::string& start, const std::string& line) {
    std::istringstream in(readFile(file));
    std::string out, l;
    bool found = false;
    while (std::getline(in, l)) {
        if (!found && l.rfind(start, 0) == 0) {
            l = line;
            found = true;
        }
        out += l + "\n";
    }
    INFO(file.string() << ": no line starts with " << start);
    REQUIRE(found);
    TempDir::write(file, out);
}

/// The 1-based number of the first line of a file that contains `needle`, or 0.
int lineContaining(const fs::path& file, const std::string& needle) {
    std::istringstream in(readFile(file));
    std::string l;
    for (int n = 1; std::getline(in, l); ++n)
        if (l.find(needle) != std::string::npos) return n;
    return 0;
}

/// Loads a copy of tests/fixtures/minimal after `mutate` changed it.
template <typename F> ContentLoad loadMinimalWith(F mutate, bool decode = true) {
    TempDir tmp;
    const fs::path dir = tmp.copyOf(kFixtures / "minimal", "minimal");
    mutate(dir);
    return loadContent(dir, {kSource / "assets", decode});
}

} // namespace

// ---------------------------------------------------------------- shipped content

TEST_SUITE("content: shipped") {

TEST_CASE("the shipped content loads with zero problems") {
    auto loaded = loadShipped();
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    CHECK(loaded.content.companies.size() == 9);
    CHECK(loaded.content.sectors.size() == 3);
    for (const auto& id : knownSectorIds()) {
        CAPTURE(id);
        CHECK(loaded.content.sector(id) != nullptr);
    }
}

TEST_CASE("the shipped content also loads cleanly when logos are only probed (start-up mode)") {
    auto loaded = loadShipped(false);
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    CHECK(loaded.content.companies.size() == 9);
}

TEST_CASE("every required UI string is present in both languages") {
    auto loaded = loadShipped();
    REQUIRE_FALSE(requiredStringKeys().empty());
    for (const auto& key : requiredStringKeys()) {
        CAPTURE(key);
        const Text* t = loaded.content.string(key);
        REQUIRE(t != nullptr);
        CHECK_FALSE(t->de.empty());
        CHECK_FALSE(t->en.empty());
        CHECK(&t->in(Lang::De) == &t->de);
        CHECK(&t->in(Lang::En) == &t->en);
    }
    CHECK(loaded.content.string("no.such.key") == nullptr);
}

TEST_CASE("every shipped company's logo resolves to a file in assets/") {
    auto loaded = loadShipped();
    for (const auto& co : loaded.content.companies) {
        CAPTURE(co.id);
        REQUIRE_FALSE(co.logo.empty());
        CHECK(fs::is_regular_file(co.logo));
        CHECK(co.logo.parent_path() == kSource / "assets" / "logos");
    }
}

TEST_CASE("shipped companies: exhibitors first, then by name, and ids match the files") {
    auto loaded = loadShipped();
    const auto& cos = loaded.content.companies;
    REQUIRE_FALSE(cos.empty());
    CHECK(cos.front().exhibitor);
    CHECK(std::is_partitioned(cos.begin(), cos.end(), [](const Company& c) { return c.exhibitor; }));
    CHECK(sortedExhibitorsFirst(cos));
    CHECK(std::any_of(cos.begin(), cos.end(), [](const Company& c) { return !c.exhibitor; }));
    for (const auto& co : cos) {
        CAPTURE(co.id);
        CHECK(fs::is_regular_file(kSource / "content" / "companies" / (co.id + ".toml")));
        CHECK(loaded.content.company(co.id) == &co);
        CHECK((co.region == "ruhr" || co.region == "greater-manchester"));
        for (const auto& s : co.sectors) CHECK(loaded.content.sector(s) != nullptr);
        CHECK_FALSE(co.tagline.de.empty());
        CHECK_FALSE(co.tagline.en.empty());
    }
    CHECK(loaded.content.company("no-such-company") == nullptr);
}

TEST_CASE("the shipped event is complete") {
    auto loaded = loadShipped();
    const Event& e = loaded.content.event;
    CHECK_FALSE(e.id.empty());
    CHECK_FALSE(e.title.de.empty());
    CHECK_FALSE(e.title.en.empty());
    CHECK(e.organiserWebsite.rfind("https://", 0) == 0);
    CHECK(e.organiserPrivacyEmail == "datenschutz@business.ruhr"); // the consent receipt names it
    CHECK(e.highlights.size() >= 1);
    CHECK(e.highlights.size() <= 5);
    CHECK_FALSE(e.summitDays.empty());
}

} // TEST_SUITE

// ---------------------------------------------------------------- the broken fixture folder

TEST_SUITE("content: broken fixture") {

TEST_CASE("loading the broken folder never throws and reports exactly the planted problems") {
    ContentLoad loaded;
    CHECK_NOTHROW(loaded = loadBroken());
    INFO(dump(loaded.problems));

    // (file, line, key, error): one entry per planted problem, nothing else.
    using Row = std::tuple<std::string, int, std::string, bool>;
    std::multiset<Row> actual;
    for (const auto& p : loaded.problems) actual.insert({p.file, p.line, p.key, p.error});
    const std::multiset<Row> expected = {
        {"broken/sectors.toml", 12, "sector.color", true},
        {"broken/sectors.toml", 23, "sector.id", true},
        {"broken/sectors.toml", 29, "sector.id", true},
        {"broken/strings.toml", 35, "browse.german_only.en", true},
        {"broken/companies/bad-url.toml", 8, "website", true},
        {"broken/companies/broken-logo.toml", 4, "logo", true},
        {"broken/companies/long-tagline.toml", 10, "tagline.de", true},
        {"broken/companies/missing-key.toml", 1, "region", true},
        {"broken/companies/missing-logo.toml", 4, "logo", true},
        {"broken/companies/one-language.toml", 9, "tagline.en", true},
        {"broken/companies/syntax-error.toml", 4, "", true},
        {"broken/companies/tiny-logo.toml", 4, "logo", true},
        {"broken/companies/truncated-logo.toml", 4, "logo", true},
        {"broken/companies/typo-key.toml", 11, "websit", true},
        {"broken/companies/unknown-sector.toml", 7, "sectors", true},
        {"broken/companies/wrong-name.toml", 2, "id", true},
    };
    CHECK(actual == expected);
    CHECK(hasErrors(loaded.problems));
}

TEST_CASE("every problem names its file and says what is wrong and how to fix it") {
    auto loaded = loadBroken();
    REQUIRE_FALSE(loaded.problems.empty());
    for (const auto& p : loaded.problems) {
        CAPTURE(p.format());
        CHECK(p.file.rfind("broken/", 0) == 0);
        CHECK(fs::is_regular_file(kFixtures / p.file));
        CHECK(p.line > 0);
        CHECK_FALSE(p.what.empty());
        CHECK_FALSE(p.fix.empty());
    }
}

TEST_CASE("companies with an error are left out, valid ones and ones whose only problem is the logo are kept") {
    auto loaded = loadBroken();
    INFO(dump(loaded.problems));
    auto ids = companyIds(loaded.content);
    std::set<std::string> kept(ids.begin(), ids.end());
    CHECK(kept == std::set<std::string>{"zeta-exhibitor", "alpha-visitor", "missing-logo", "broken-logo",
                                        "truncated-logo", "tiny-logo"});
    CHECK(ids.size() == kept.size());
    // Exhibitors first even though "Alpha Visitor" sorts first by name.
    CHECK(ids.back() == "alpha-visitor");
    CHECK(sortedExhibitorsFirst(loaded.content.companies));

    const Company* zeta = loaded.content.company("zeta-exhibitor");
    REQUIRE(zeta != nullptr);
    CHECK(zeta->name == "Zeta Exhibitor");
    CHECK(zeta->region == "greater-manchester");
    CHECK(zeta->exhibitor);
    CHECK_FALSE(zeta->sample);
    CHECK(zeta->sectors == std::vector<std::string>{"hydrogen"});
    CHECK(zeta->website == "https://example.com/zeta-exhibitor");
    CHECK(zeta->tagline.de == "Kurz");
    CHECK(zeta->tagline.en == "Short");
    CHECK(zeta->contactName == "Erika Muster");
    CHECK(zeta->contactEmail == "erika@example.com");
    CHECK(zeta->contactPhone == "+49 201 0");
}

TEST_CASE("a logo is looked up in the content folder first, then in the shipped assets") {
    auto loaded = loadBroken();
    const Company* zeta = loaded.content.company("zeta-exhibitor");
    const Company* alpha = loaded.content.company("alpha-visitor");
    REQUIRE(zeta != nullptr);
    REQUIRE(alpha != nullptr);
    CHECK(zeta->logo == kFixtures / "broken" / "logos" / "ok.png");
    CHECK(alpha->logo == kSource / "assets" / "logos" / "gdata.png");

    // Without an assets dir the shipped logo is not found: an error, but the company is kept.
    auto noAssets = loadContent(kFixtures / "broken", {{}, true});
    auto p = theProblem(noAssets.problems, "broken/companies/alpha-visitor.toml", "logo");
    CHECK(p.error);
    REQUIRE(noAssets.content.company("alpha-visitor") != nullptr);
    CHECK(noAssets.content.company("alpha-visitor")->logo.empty());
}

TEST_CASE("a TOML syntax error is reported with its line, and the file is left out") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/syntax-error.toml", "");
    CHECK(p.error);
    CHECK(p.line == 4);
    CHECK(p.what.find("not valid TOML") != std::string::npos);
    CHECK_FALSE(p.fix.empty());
    CHECK(loaded.content.company("syntax-error") == nullptr);
}

TEST_CASE("a missing required key is reported") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/missing-key.toml", "region");
    CHECK(p.error);
    CHECK(p.what == "missing");
    CHECK(p.line == 1); // a missing key has no line of its own: the start of its table
    CHECK(p.fix.find("region") != std::string::npos);
    CHECK(loaded.content.company("missing-key") == nullptr);
}

TEST_CASE("an unknown key (a typo) is reported on its line") {
    auto loaded = loadBroken();
    const fs::path file = kFixtures / "broken" / "companies" / "typo-key.toml";
    auto p = theProblem(loaded.problems, "broken/companies/typo-key.toml", "websit");
    CHECK(p.error);
    CHECK(p.line == 11);
    CHECK(p.line == lineContaining(file, "websit ="));
    CHECK(p.what == "unknown key");
    CHECK_FALSE(p.fix.empty());
    CHECK(loaded.content.company("typo-key") == nullptr);
}

TEST_CASE("a text given in one language only is reported") {
    auto loaded = loadBroken();
    SUBCASE("in a company") {
        auto p = theProblem(loaded.problems, "broken/companies/one-language.toml", "tagline.en");
        CHECK(p.error);
        CHECK(p.line == 9);
        CHECK(p.what == "missing");
        CHECK(p.fix.find("en") != std::string::npos);
        CHECK(loaded.content.company("one-language") == nullptr);
        CHECK(problemsFor(loaded.problems, "broken/companies/one-language.toml", "tagline.de").empty());
    }
    SUBCASE("in strings.toml") {
        auto p = theProblem(loaded.problems, "broken/strings.toml", "browse.german_only.en");
        CHECK(p.error);
        CHECK(p.line == lineContaining(kFixtures / "broken" / "strings.toml", "german_only ="));
        CHECK_FALSE(p.fix.empty());
    }
}

TEST_CASE("an unknown sector id in a company is reported and the company left out") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/unknown-sector.toml", "sectors");
    CHECK(p.error);
    CHECK(p.line == 7);
    CHECK(p.what.find("robotics") != std::string::npos);
    CHECK_FALSE(p.fix.empty());
    CHECK(loaded.content.company("unknown-sector") == nullptr);
}

TEST_CASE("a logo that does not exist is an error (check-content fails), but the company is kept with no logo") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/missing-logo.toml", "logo");
    CHECK(p.error);
    CHECK(p.line == 4);
    CHECK(p.what.find("logos/does-not-exist.png") != std::string::npos);
    CHECK_FALSE(p.fix.empty());
    const Company* co = loaded.content.company("missing-logo");
    REQUIRE(co != nullptr);
    CHECK(co->logo.empty());
}

TEST_CASE("a logo that does not decode is an error, but the company is kept with no logo") {
    for (bool decode : {true, false}) {
        CAPTURE(decode);
        auto loaded = loadBroken(decode);
        auto p = theProblem(loaded.problems, "broken/companies/broken-logo.toml", "logo");
        CHECK(p.error);
        CHECK(p.line == 4);
        CHECK_FALSE(p.fix.empty());
        const Company* co = loaded.content.company("broken-logo");
        REQUIRE(co != nullptr);
        CHECK(co->logo.empty());
    }
}

TEST_CASE("a truncated logo is found by a full decode (check-content), not by the start-up header probe") {
    auto full = loadBroken(true);
    auto p = theProblem(full.problems, "broken/companies/truncated-logo.toml", "logo");
    CHECK(p.error);
    REQUIRE(full.content.company("truncated-logo") != nullptr);
    CHECK(full.content.company("truncated-logo")->logo.empty());

    auto probe = loadBroken(false);
    CHECK(problemsFor(probe.problems, "broken/companies/truncated-logo.toml", "logo").empty());
    REQUIRE(probe.content.company("truncated-logo") != nullptr);
    CHECK_FALSE(probe.content.company("truncated-logo")->logo.empty());
}

TEST_CASE("a logo below 32x32 px is an error, but the company is kept with no logo") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/tiny-logo.toml", "logo");
    CHECK(p.error);
    CHECK(p.what.find("8") != std::string::npos);
    REQUIRE(loaded.content.company("tiny-logo") != nullptr);
    CHECK(loaded.content.company("tiny-logo")->logo.empty());
}

TEST_CASE("a company whose id differs from its file name is an error and left out") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/wrong-name.toml", "id");
    CHECK(p.error);
    CHECK(p.line == 2);
    CHECK(p.what.find("right-name") != std::string::npos);
    CHECK(p.fix.find("right-name.toml") != std::string::npos);
    CHECK(loaded.content.company("right-name") == nullptr);
    CHECK(loaded.content.company("wrong-name") == nullptr);
}

TEST_CASE("a sector defined twice is reported on the second one, and the first is kept") {
    auto loaded = loadBroken();
    auto ps = problemsFor(loaded.problems, "broken/sectors.toml", "sector.id");
    auto dup = std::find_if(ps.begin(), ps.end(), [](const Problem& p) { return p.line == 23; });
    REQUIRE(dup != ps.end());
    CHECK(dup->error);
    CHECK(dup->what.find("hydrogen") != std::string::npos);
    CHECK(dup->what.find("twice") != std::string::npos);
    CHECK_FALSE(dup->fix.empty());
    CHECK(loaded.content.sectors.size() == 3);
    const Sector* h = loaded.content.sector("hydrogen");
    REQUIRE(h != nullptr);
    CHECK(h->rgb == 0x1F6F55);
    CHECK(h->name.en == "Hydrogen");
}

TEST_CASE("an unknown sector id in sectors.toml is reported and not loaded") {
    auto loaded = loadBroken();
    auto ps = problemsFor(loaded.problems, "broken/sectors.toml", "sector.id");
    auto unknown = std::find_if(ps.begin(), ps.end(), [](const Problem& p) { return p.line == 29; });
    REQUIRE(unknown != ps.end());
    CHECK(unknown->what.find("robotics") != std::string::npos);
    CHECK(loaded.content.sector("robotics") == nullptr);
}

TEST_CASE("a too-long text is reported in characters, not bytes") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/long-tagline.toml", "tagline.de");
    CHECK(p.error);
    CHECK(p.line == 10);
    CHECK(p.what.find("91") != std::string::npos);
    CHECK(p.fix.find("90") != std::string::npos);
    // The English tagline is 90 umlauts (180 bytes): exactly at the limit, so fine.
    CHECK(problemsFor(loaded.problems, "broken/companies/long-tagline.toml", "tagline.en").empty());
    CHECK(loaded.content.company("long-tagline") == nullptr);
}

TEST_CASE("a bad colour is reported and the sector gets the neutral fallback colour") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/sectors.toml", "sector.color");
    CHECK(p.error);
    CHECK(p.line == 12);
    CHECK(p.fix.find("#RRGGBB") != std::string::npos);
    const Sector* cyber = loaded.content.sector("cybersecurity");
    REQUIRE(cyber != nullptr);
    CHECK(cyber->rgb == 0x555555);
    // Lower-case hex digits are a valid colour.
    const Sector* health = loaded.content.sector("digital-health");
    REQUIRE(health != nullptr);
    CHECK(health->rgb == 0x8A2F6B);
}

TEST_CASE("an invalid web address is reported and the company left out") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/bad-url.toml", "website");
    CHECK(p.error);
    CHECK(p.line == 8);
    CHECK(p.fix.find("https://") != std::string::npos);
    CHECK(loaded.content.company("bad-url") == nullptr);
}

TEST_CASE("files in companies/ that are not .toml are ignored") {
    REQUIRE(fs::is_regular_file(kFixtures / "broken" / "companies" / "README.txt"));
    auto loaded = loadBroken();
    for (const auto& p : loaded.problems) CHECK(p.file.find("README") == std::string::npos);
}

} // TEST_SUITE

// ---------------------------------------------------------------- more cases, written to temp dirs

TEST_SUITE("content: edge cases") {

TEST_CASE("the minimal fixture is valid (the base of the cases below)") {
    auto loaded = loadContent(kFixtures / "minimal", {kSource / "assets", true});
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    REQUIRE(loaded.content.companies.size() == 1);
    const Company& co = loaded.content.companies.front();
    CHECK(co.id == "example-one");
    CHECK(co.sample);
    CHECK(co.sectors == std::vector<std::string>{"hydrogen", "digital-health"});
    CHECK(co.description.de == "Eine Beschreibung über zwei Zeilen.");
    CHECK(co.lookingFor.en == "Partners");
    CHECK(co.logo == kFixtures / "minimal" / "logos" / "ok.png");
    CHECK(loaded.content.event.id == "fixture-event");
    CHECK(loaded.content.event.organiserPhone.empty()); // optional
    CHECK(loaded.content.event.highlights.size() == 1);
    CHECK(loaded.content.event.summitDays.size() == 1);
}

TEST_CASE("a missing content folder gives exactly one problem") {
    TempDir tmp;
    const fs::path missing = tmp.path() / "no-such-folder";
    ContentLoad loaded;
    CHECK_NOTHROW(loaded = loadContent(missing, {kSource / "assets", true}));
    REQUIRE(loaded.problems.size() == 1);
    const Problem& p = loaded.problems.front();
    CHECK(p.error);
    CHECK(p.file == missing.string());
    CHECK(p.line == 0);
    CHECK_FALSE(p.what.empty());
    CHECK_FALSE(p.fix.empty());
    CHECK(loaded.content.companies.empty());
    CHECK(loaded.content.sectors.empty());
    CHECK(loaded.content.strings.empty());

    SUBCASE("a file instead of a folder is the same") {
        TempDir::write(tmp.path() / "a-file", "x");
        auto f = loadContent(tmp.path() / "a-file", {});
        CHECK(f.problems.size() == 1);
    }
    SUBCASE("an empty path is the same") {
        auto e = loadContent(fs::path(), {});
        CHECK(e.problems.size() == 1);
    }
}

TEST_CASE("an empty content folder reports every missing file and never throws") {
    TempDir tmp;
    const fs::path dir = tmp.path() / "empty";
    fs::create_directory(dir);
    ContentLoad loaded;
    CHECK_NOTHROW(loaded = loadContent(dir, {kSource / "assets", true}));
    INFO(dump(loaded.problems));
    std::set<std::string> files;
    for (const auto& p : loaded.problems) {
        CHECK(p.error);
        CHECK_FALSE(p.fix.empty());
        files.insert(p.file);
    }
    CHECK(files == std::set<std::string>{"empty/event.toml", "empty/sectors.toml", "empty/strings.toml", "empty/consent.toml",
                                         "empty/companies"});
}

TEST_CASE("hostile files never make loading throw") {
    TempDir tmp;
    const fs::path dir = tmp.copyOf(kFixtures / "minimal", "hostile");
    TempDir::write(dir / "companies" / "empty.toml", "");
    TempDir::write(dir / "companies" / "binary.toml", std::string("\x00\x01\x02\xff\xfe\x89PNG", 10));
    TempDir::write(dir / "companies" / "latin1.toml", "id = \"latin1\"\nname = \"M\xfcller\"\n");
    TempDir::write(dir / "companies" / "arrays.toml", "id = [1, 2]\nname = { de = 1 }\nsectors = \"hydrogen\"\n"
                                                      "tagline = \"plain\"\ncontact = 5\nlogo = \"logos\"\n");
    TempDir::write(dir / "companies" / "nested.toml", "[[id]]\n[[id]]\n[a.b.c.d]\ne = 1\n");
    fs::create_directory(dir / "companies" / "folder.toml");
    TempDir::write(dir / "strings.toml", "lang = 5\n[nav]\nhome = \"Start\"\n[browse.title]\nde = 1\nen = [\"x\"]\n");
    ContentLoad loaded;
    CHECK_NOTHROW(loaded = loadContent(dir, {kSource / "assets", true}));
    INFO(dump(loaded.problems));
    CHECK(hasErrors(loaded.problems));
    CHECK(companyIds(loaded.content) == std::vector<std::string>{"example-one"});
    for (const auto& p : loaded.problems) {
        CAPTURE(p.format());
        CHECK_FALSE(p.file.empty());
        CHECK_FALSE(p.what.empty());
        CHECK_FALSE(p.fix.empty());
    }
    CHECK_FALSE(problemsFor(loaded.problems, "hostile/companies/binary.toml", "").empty());
    CHECK_FALSE(problemsFor(loaded.problems, "hostile/companies/latin1.toml", "").empty());
    CHECK(theProblem(loaded.problems, "hostile/companies/arrays.toml", "id").what == "must be a string");
    CHECK(theProblem(loaded.problems, "hostile/companies/arrays.toml", "sectors").what == "must be a list");
    CHECK(theProblem(loaded.problems, "hostile/companies/arrays.toml", "contact").what == "must be a section");
    CHECK(theProblem(loaded.problems, "hostile/strings.toml", "lang").what == "must give both languages");
    // [nav] with only a plain string looks like a text: nav.de/nav.en are missing, home is unknown.
    auto home = problemsFor(loaded.problems, "hostile/strings.toml", "nav.home");
    CHECK(std::any_of(home.begin(), home.end(), [](const Problem& p) { return p.line == 3 && p.what == "unknown key"; }));
    CHECK(theProblem(loaded.problems, "hostile/strings.toml", "browse.title.en").line == 6);
}

TEST_CASE("files saved with Windows line ends or a UTF-8 byte order mark load cleanly") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        for (const char* name : {"event.toml", "companies/example-one.toml"}) {
            std::string text = readFile(dir / name), crlf;
            for (char c : text) {
                if (c == '\n') crlf += '\r';
                crlf += c;
            }
            TempDir::write(dir / name, crlf);
        }
        TempDir::write(dir / "sectors.toml", "\xEF\xBB\xBF" + readFile(dir / "sectors.toml"));
    });
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    REQUIRE(loaded.content.companies.size() == 1);
    CHECK(loaded.content.companies.front().description.de == "Eine Beschreibung über zwei Zeilen.");
}

TEST_CASE("single-key mistakes in a company are reported on their line") {
    struct Case {
        const char* name;
        const char* start; ///< the line replaced
        const char* line;
        const char* key;   ///< expected problem key
        bool error;
    };
    const Case cases[] = {
        {"unknown region", "region =", "region = \"bavaria\"", "region", true},
        {"a bool in quotes", "exhibitor =", "exhibitor = \"yes\"", "exhibitor", true},
        {"an empty name", "name =", "name = \"\"", "name", true},
        {"a name over 40 characters", "name =", "name = \"12345678901234567890123456789012345678901\"", "name", true},
        {"a tab in a name", "name =", "name = \"Example\\tOne\"", "name", true},
        {"a sector that is not a string", "sectors =", "sectors = [\"hydrogen\", 3]", "sectors", true},
        {"a text that is a plain string", "tagline =", "tagline = \"only one language\"", "tagline", true},
        {"a third language", "tagline =", "tagline = { de = \"a\", en = \"b\", fr = \"c\" }", "tagline.fr", true},
        {"an empty English text", "tagline =", "tagline = { de = \"a\", en = \"\" }", "tagline.en", true},
        {"a website without a scheme", "website =", "website = \"example.com\"", "website", true},
        {"a typo in a contact key", "email =", "mail = \"erika@example.com\"", "contact.mail", true},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        int line = 0;
        auto loaded = loadMinimalWith([&](const fs::path& dir) {
            const fs::path file = dir / "companies" / "example-one.toml";
            replaceLine(file, c.start, c.line);
            line = lineContaining(file, c.line);
        });
        INFO(dump(loaded.problems));
        auto p = theProblem(loaded.problems, "minimal/companies/example-one.toml", c.key);
        CHECK(p.error == c.error);
        CHECK(p.line == line);
        CHECK_FALSE(p.fix.empty());
        CHECK(loaded.content.companies.empty()); // an error leaves the only company out
    }
}

TEST_CASE("an invalid company id is reported (and, being invalid, differs from the file name)") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        replaceLine(dir / "companies" / "example-one.toml", "id =", "id = \"Example One\"");
    });
    auto ps = problemsFor(loaded.problems, "minimal/companies/example-one.toml", "id");
    INFO(dump(loaded.problems));
    REQUIRE(ps.size() == 2);
    CHECK(ps[0].what == "is not a valid id");
    CHECK(ps[0].line == 2);
    CHECK(ps[1].line == 2);
    CHECK(loaded.content.companies.empty());
}

TEST_CASE("optional company keys may be left out") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        TempDir::write(dir / "companies" / "example-one.toml",
                       "id = \"example-one\"\nname = \"Example One\"\nlogo = \"logos/ok.png\"\nregion = \"ruhr\"\n"
                       "sectors = []\ntagline = { de = \"a\", en = \"b\" }\ndescription = { de = \"c\", en = \"d\" }\n"
                       "looking_for = { de = \"e\", en = \"f\" }\n");
    });
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    REQUIRE(loaded.content.companies.size() == 1);
    const Company& co = loaded.content.companies.front();
    CHECK(co.exhibitor); // default true
    CHECK_FALSE(co.sample);
    CHECK(co.sectors.empty());
    CHECK(co.website.empty());
    CHECK(co.contactName.empty());
}

TEST_CASE("content/companies missing or empty is reported") {
    auto loaded = loadMinimalWith([](const fs::path& dir) { fs::remove_all(dir / "companies"); });
    auto p = theProblem(loaded.problems, "minimal/companies", "");
    CHECK(p.error);
    CHECK_FALSE(p.fix.empty());
}

TEST_CASE("a syntax error in event.toml is reported with its line and the rest still loads") {
    int line = 0;
    auto loaded = loadMinimalWith([&](const fs::path& dir) {
        replaceLine(dir / "event.toml", "venue =", "venue = { de = \"Halle 1\", en = \"Hall 1\"");
        line = lineContaining(dir / "event.toml", "venue =");
    });
    INFO(dump(loaded.problems));
    REQUIRE(loaded.problems.size() == 1);
    const Problem& p = loaded.problems.front();
    CHECK(p.file == "minimal/event.toml");
    CHECK(p.line == line);
    CHECK(p.error);
    CHECK(loaded.content.companies.size() == 1);
    CHECK(loaded.content.sectors.size() == 3);
}

TEST_CASE("event.toml: bad values are reported with their key path") {
    SUBCASE("an organiser website without https") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            replaceLine(dir / "event.toml", "website =", "website = \"example.org\"");
        });
        auto p = theProblem(loaded.problems, "minimal/event.toml", "organiser.website");
        CHECK(p.line == 12);
    }
    SUBCASE("a privacy email that is no email address") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            replaceLine(dir / "event.toml", "website =", "website = \"https://example.org\"\nprivacy_email = \"datenschutz\"");
        });
        auto p = theProblem(loaded.problems, "minimal/event.toml", "organiser.privacy_email");
        CHECK(p.line == 13);
        CHECK(loaded.content.event.organiserPrivacyEmail.empty()); // the receipt names the postal address instead
    }
    SUBCASE("more than 5 highlights") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            std::string text = readFile(dir / "event.toml");
            for (int i = 0; i < 5; ++i)
                text += "\n[[highlights]]\ntitle = { de = \"T\", en = \"T\" }\ntext = { de = \"X\", en = \"X\" }\n";
            TempDir::write(dir / "event.toml", text);
        });
        INFO(dump(loaded.problems));
        auto p = theProblem(loaded.problems, "minimal/event.toml", "highlights");
        CHECK(p.error);
        CHECK_FALSE(p.fix.empty());
    }
    SUBCASE("a typo in a highlight") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            replaceLine(dir / "event.toml", "text = { de = \"Erster", "txt = { de = \"Erster Text\", en = \"First text\" }");
        });
        INFO(dump(loaded.problems));
        CHECK(theProblem(loaded.problems, "minimal/event.toml", "highlights.txt").line == 16);
        CHECK(theProblem(loaded.problems, "minimal/event.toml", "highlights.text").what == "missing");
    }
    SUBCASE("an invalid event id") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            replaceLine(dir / "event.toml", "id =", "id = \"Fixture Event\"");
        });
        CHECK(theProblem(loaded.problems, "minimal/event.toml", "id").line == 2);
    }
}

TEST_CASE("sectors.toml: a sector left out is reported") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        std::string text = readFile(dir / "sectors.toml");
        text = text.substr(0, text.find("[[sector]]\nid = \"digital-health\""));
        TempDir::write(dir / "sectors.toml", text);
    });
    INFO(dump(loaded.problems));
    auto p = theProblem(loaded.problems, "minimal/sectors.toml", "sector");
    CHECK(p.what.find("digital-health") != std::string::npos);
    CHECK_FALSE(p.fix.empty());
    // The company lists digital-health, which is now unknown: it is left out.
    CHECK_FALSE(problemsFor(loaded.problems, "minimal/companies/example-one.toml", "sectors").empty());
    CHECK(loaded.content.companies.empty());
}

TEST_CASE("strings.toml: a missing required string is reported") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        std::string text = readFile(dir / "strings.toml");
        const std::string line = "back = { de = \"Zurück\", en = \"Back\" }\n";
        REQUIRE(text.find(line) != std::string::npos);
        text.erase(text.find(line), line.size());
        TempDir::write(dir / "strings.toml", text);
    });
    auto p = theProblem(loaded.problems, "minimal/strings.toml", "nav.back");
    CHECK(p.error);
    CHECK(p.what == "missing");
    CHECK_FALSE(p.fix.empty());
    CHECK(loaded.content.string("nav.back") == nullptr);
    CHECK(loaded.content.string("nav.home") != nullptr);
}

TEST_CASE("an empty highlights or summit.days list is reported") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        std::string text = readFile(dir / "event.toml");
        auto cut = [&](const std::string& from, const std::string& to) {
            auto a = text.find(from);
            auto b = text.find(to, a);
            REQUIRE(a != std::string::npos);
            text.erase(a, b == std::string::npos ? std::string::npos : b - a);
        };
        cut("[[highlights]]", "[summit]");
        cut("[[summit.days]]", "\n\n");
        text.replace(text.find("[organiser]"), 0, "highlights = []\n\n");
        text.replace(text.find("[summit]") + 8, 0, "\ndays = []");
        TempDir::write(dir / "event.toml", text);
    });
    INFO(dump(loaded.problems));
    CHECK(loaded.content.event.highlights.empty());
    CHECK(loaded.content.event.summitDays.empty());
    CHECK(problemsFor(loaded.problems, "minimal/event.toml", "highlights").size() == 1);
    CHECK(problemsFor(loaded.problems, "minimal/event.toml", "summit.days").size() == 1);
}

TEST_CASE("a missing file is reported as missing, not as invalid TOML") {
    auto loaded = loadMinimalWith([](const fs::path& dir) { fs::remove(dir / "strings.toml"); });
    auto p = theProblem(loaded.problems, "minimal/strings.toml", "");
    CHECK(p.what.find("not valid TOML") == std::string::npos);
    CHECK(p.fix.find("quotes") == std::string::npos);
}

TEST_CASE("problem file names do not depend on a trailing slash") {
    auto withSlash = loadContent(kFixtures.string() + "/broken/", {kSource / "assets", true});
    REQUIRE_FALSE(withSlash.problems.empty());
    CHECK(withSlash.problems.front().file.rfind("broken/", 0) == 0);
}

} // TEST_SUITE

// ---------------------------------------------------------------- Problem

TEST_SUITE("problem") {

TEST_CASE("Problem::format gives `file:line: key: what — fix`") {
    CHECK(Problem{"companies/x.toml", 7, "tagline.en", "missing", "add en = \"…\""}.format() ==
          "companies/x.toml:7: tagline.en: missing \u2014 add en = \"…\"");
    SUBCASE("no line") { CHECK(Problem{"f.toml", 0, "k", "w", "x"}.format() == "f.toml: k: w \u2014 x"); }
    SUBCASE("no key") { CHECK(Problem{"f.toml", 3, "", "w", "x"}.format() == "f.toml:3: w \u2014 x"); }
    SUBCASE("no fix") { CHECK(Problem{"f.toml", 3, "k", "w", ""}.format() == "f.toml:3: k: w"); }
    SUBCASE("a warning formats the same") {
        Problem w{"f.toml", 3, "logo", "w", "x", false};
        CHECK(w.format() == "f.toml:3: logo: w \u2014 x");
        CHECK_FALSE(hasErrors({w}));
        CHECK(hasErrors({w, Problem{"f.toml", 1, "k", "w", "x"}}));
        CHECK_FALSE(hasErrors({}));
    }
}

TEST_CASE("loaded problems format as `file:line: key: what — fix`") {
    auto loaded = loadBroken();
    auto p = theProblem(loaded.problems, "broken/companies/typo-key.toml", "websit");
    CHECK(p.format() ==
          "broken/companies/typo-key.toml:11: websit: unknown key \u2014 check the spelling against docs/content.md, or remove it");
    const std::regex re("^[^:]+:\\d+: [^:]+: .+ \u2014 .+$");
    for (const auto& q : loaded.problems) {
        CAPTURE(q.format());
        CHECK(std::regex_match(q.format(), re));
    }
}

} // TEST_SUITE

TEST_CASE("a logo outside the content folder (absolute, or with ..) is an error, and the company is kept with the placeholder") {
    TempDir t;
    const fs::path content = t.copyOf(kSource / "content", "content");
    // A file that exists outside the content folder, reachable by each of these paths.
    const fs::path outside = kSource / "assets" / "logos" / "gdata.png";
    REQUIRE(fs::is_regular_file(outside));
    fs::create_directories(content / "logos");
    fs::copy_file(outside, t / "secret.png");
    const std::vector<std::string> hostile = {outside.string(), "../secret.png", "logos/../../secret.png",
                                              "../../" + fs::relative(outside, t.path()).string(), "/etc/passwd"};
    for (const auto& logo : hostile) {
        CAPTURE(logo);
        std::string toml = readFile(kSource / "content" / "companies" / "gdata.toml");
        toml = std::regex_replace(toml, std::regex(R"((^|\n)logo = "[^"]*")"), "$1logo = \"" + logo + "\"");
        REQUIRE(toml.find("logo = \"" + logo + "\"") != std::string::npos);
        TempDir::write(content / "companies" / "gdata.toml", toml);
        auto loaded = loadContent(content, {kSource / "assets", true});
        auto p = theProblem(loaded.problems, "content/companies/gdata.toml", "logo");
        CHECK(p.error); // check-content exits non-zero
        CHECK(p.line == 6); // the logo line of gdata.toml
        CHECK(p.what.find(logo) != std::string::npos);
        CHECK(p.what.find("not inside the content folder") != std::string::npos);
        const Company* gdata = loaded.content.company("gdata");
        REQUIRE(gdata != nullptr); // the kiosk still shows the company
        CHECK(gdata->logo.empty());  // with the placeholder
    }
    // A symlink inside the content folder that points out of it is not followed either.
    fs::create_symlink(t / "secret.png", content / "logos" / "link.png");
    std::string toml = readFile(kSource / "content" / "companies" / "gdata.toml");
    toml = std::regex_replace(toml, std::regex(R"((^|\n)logo = "[^"]*")"), "$1logo = \"logos/link.png\"");
    TempDir::write(content / "companies" / "gdata.toml", toml);
    auto loaded = loadContent(content, {kSource / "assets", true});
    REQUIRE(loaded.content.company("gdata") != nullptr);
    CHECK(loaded.content.company("gdata")->logo.empty());
}

// ---------------------------------------------------------------- files that must not take the kiosk down

TEST_SUITE("content: hostile files") {

namespace {

/// Loads a copy of the minimal fixture with `file` replaced by `text`; fails the test when
/// that takes longer than `maxSeconds` (a hostile file must be refused, not worked through).
ContentLoad loadMinimalWithFile(const std::string& file, const std::string& text, double maxSeconds = 2.0) {
    const auto start = std::chrono::steady_clock::now();
    auto loaded = loadMinimalWith([&](const fs::path& dir) { TempDir::write(dir / file, text); }, false);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(s < maxSeconds);
    return loaded;
}

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

/// The one problem of minimal/`file`; REQUIREs that there is one.
Problem fileProblem(const ContentLoad& loaded, const std::string& file) {
    return theProblem(loaded.problems, "minimal/" + file, "");
}

} // namespace

TEST_CASE("a dotted table header of 19,000 or 60,000 levels is refused as too deeply nested, not a crash") {
    // 19,000 levels overflowed the stack in flattenStrings, 60,000 inside toml++.
    for (size_t levels : {19'000u, 60'000u}) {
        CAPTURE(levels);
        const std::string text = "[" + repeat("a.", levels - 1) + "a]\nde = \"x\"\nen = \"y\"\n";
        auto loaded = loadMinimalWithFile("strings.toml", text);
        const Problem p = fileProblem(loaded, "strings.toml");
        CHECK(p.error);
        CHECK(p.line == 1);
        CHECK(p.what.find("too deeply nested") != std::string::npos);
        CHECK(p.format().rfind("minimal/strings.toml:1: too deeply nested", 0) == 0);
        CHECK(loaded.content.strings.empty());
        CHECK(loaded.content.companies.size() == 1); // the other files still load
    }
}

TEST_CASE("deep nesting of every kind is refused on its line before parsing") {
    const std::string deep = "id = \"x\"\n";
    const struct {
        const char* name;
        std::string text;
    } cases[] = {
        {"dotted key", deep + repeat("a.", 30'000) + "a = 1\n"},
        {"nested arrays", deep + "a = " + repeat("[", 100'000) + repeat("]", 100'000) + "\n"},
        {"nested inline tables", deep + "a = " + repeat("{ b = ", 50'000) + "1" + repeat(" }", 50'000) + "\n"},
        {"an array of tables", deep + "[[" + repeat("a.", 20'000) + "a]]\n"},
        {"arrays after multi-line strings that end in quotes",
         deep + "a = [\'\'\'x\'\'\'\', \"\"\"y\"\"\"\", " + repeat("[", 100'000) + repeat("]", 100'000) + "]\n"},
        {"inline tables with dotted keys", deep + "a = { " + repeat("b.", 40) + "c = { " + repeat("d.", 40) + "e = 1 } }\n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto loaded = loadMinimalWithFile("companies/example-one.toml", c.text);
        const Problem p = fileProblem(loaded, "companies/example-one.toml");
        CHECK(p.line == 2);
        CHECK(p.what.find("too deeply nested") != std::string::npos);
        CHECK(loaded.content.companies.empty());
    }
}

TEST_CASE("ordinary nesting, dots in strings, comments and values are not counted as levels") {
    std::vector<Problem> problems;
    const std::string text = "[a.b.c]\n"
                             "d.e = { f = [1.5, 2.5, [3.5, { g.h = \"x.y.z" + repeat(".", 200) + "\" }]] }\n"
                             "# " + repeat("[{.", 200) + "\n"
                             "\"quoted.key.with.dots" + repeat(".", 100) + "\" = '''" + repeat("[.", 100) + "'''\n"
                             "big = [" + repeat("1.0, ", 1000) + "]\n"
                             "[\"" + repeat(".", 100) + "\".x]\n"
                             "ok = 1\n";
    const auto doc = parseToml(text, "nest.toml", problems);
    INFO(dump(problems));
    CHECK(problems.empty());
    REQUIRE(doc.has_value());
    CHECK(doc->at_path("a.b.c.d.e.f").is_array());

    // Lines are counted across multi-line strings, line-ending backslashes and unclosed strings.
    problems.clear();
    CHECK_FALSE(parseToml("a = \"\"\"x \\\n y\n\"\"\"\nb = '''\n'''\nc = \"open\n" + repeat("d.", 80) + "d = 1\n", "l.toml", problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems.front().line == 7);
    CHECK(problems.front().what.find("too deeply nested") != std::string::npos);

    // 60 levels in all is still fine; 70 is not.
    for (auto [levels, ok] : {std::pair{60, true}, std::pair{70, false}}) {
        CAPTURE(levels);
        problems.clear();
        const auto d = parseToml("[" + repeat("a.", size_t(levels) - 1) + "a]\n", "n.toml", problems);
        CHECK(d.has_value() == ok);
        CHECK(problems.empty() == ok);
    }
}

TEST_CASE("a 10 MiB content file is refused from its size, unread") {
    const std::string text = "# " + std::string(10 * 1024 * 1024, 'x') + "\n";
    auto loaded = loadMinimalWithFile("event.toml", text, 1.0);
    const Problem p = fileProblem(loaded, "event.toml");
    CHECK(p.error);
    CHECK(p.format().rfind("minimal/event.toml: is 10.0 MiB \u2014 max 4.0 MiB", 0) == 0);
    CHECK_FALSE(p.fix.empty());
}

TEST_CASE("a content file that exists but cannot be read says so, not 'file not found' or 'not valid TOML'") {
    SUBCASE("a folder where the file should be") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            fs::remove(dir / "strings.toml");
            fs::create_directory(dir / "strings.toml");
        });
        CHECK(fileProblem(loaded, "strings.toml").what == "cannot be read: is a directory");
    }
    SUBCASE("a FIFO does not hang the loader") {
        auto loaded = loadMinimalWith([](const fs::path& dir) {
            fs::remove(dir / "strings.toml");
            REQUIRE(::mkfifo((dir / "strings.toml").c_str(), 0644) == 0);
        });
        CHECK(fileProblem(loaded, "strings.toml").what == "is not a regular file");
    }
    SUBCASE("no read permission (as an unprivileged user when the tests run as root)") {
        TempDir tmp;
        const fs::path dir = tmp.copyOf(kFixtures / "minimal", "minimal");
        fs::permissions(dir / "strings.toml", fs::perms::none);
        // chmod 000 does not stop root: the check then runs in a child as nobody.
        std::string what;
        if (::geteuid() != 0) {
            what = theProblem(loadContent(dir, {}).problems, "minimal/strings.toml", "").what;
        } else {
            what = asNobody([&] {
                std::string out = "(no problem)";
                for (const auto& p : loadContent(dir, {}).problems)
                    if (p.file == "minimal/strings.toml") out = p.what;
                return out;
            });
        }
        CHECK(what == "cannot be read: permission denied");
    }
}

TEST_CASE("kiosk.toml goes through the same bounds: too deep or too large is one problem, never a crash") {
    TempDir tmp;
    const fs::path path = tmp / "kiosk.toml";
    TempDir::write(path, "[kiosk]\nid = \"k\"\n[" + repeat("sync.", 59'999) + "x]\n");
    auto deep = loadConfig(path);
    REQUIRE(deep.problems.size() == 1);
    CHECK(deep.problems.front().line == 3);
    CHECK(deep.problems.front().what.find("too deeply nested") != std::string::npos);
    TempDir::write(path, std::string(5 * 1024 * 1024, '#'));
    auto large = loadConfig(path);
    REQUIRE(large.problems.size() == 1);
    CHECK(large.problems.front().what == "is 5.0 MiB \u2014 max 4.0 MiB");
}

TEST_CASE("a megabyte-long company id or colour is reported, not a crash (std::regex recursed per character)") {
    auto loaded = loadMinimalWithFile("companies/example-one.toml",
                                      std::regex_replace(readFile(kFixtures / "minimal" / "companies" / "example-one.toml"),
                                                         std::regex("id = \"example-one\""), "id = \"" + repeat("a-", 500'000) + "a\""));
    auto ps = problemsFor(loaded.problems, "minimal/companies/example-one.toml", "id");
    INFO(dump(loaded.problems));
    CHECK(std::any_of(ps.begin(), ps.end(), [](const Problem& p) { return p.what.find("characters long") != std::string::npos; }));
    CHECK(loaded.content.companies.empty());

    auto colour = loadMinimalWithFile("sectors.toml", "[[sector]]\nid = \"hydrogen\"\nname = { de = \"a\", en = \"b\" }\n"
                                                      "text = { de = \"a\", en = \"b\" }\ncolor = \"#" + repeat("0", 1'000'000) + "\"\n");
    const auto cs = problemsFor(colour.problems, "minimal/sectors.toml", "sector.color");
    CHECK(std::any_of(cs.begin(), cs.end(), [](const Problem& p) { return p.what == "is not a colour"; }));
}

TEST_CASE("ids: lower-case letters and digits in groups joined by single '-'") {
    for (const char* ok : {"a", "example-one", "x1-2-y", "0"}) {
        CAPTURE(ok);
        auto loaded = loadMinimalWith([&](const fs::path& dir) { replaceLine(dir / "event.toml", "id =", std::string("id = \"") + ok + "\""); }, false);
        CHECK(problemsFor(loaded.problems, "minimal/event.toml", "id").empty());
    }
    for (const char* bad : {"-a", "a-", "a--b", "A", "a_b", "a b", "\u00e4"}) {
        CAPTURE(bad);
        auto loaded = loadMinimalWith([&](const fs::path& dir) { replaceLine(dir / "event.toml", "id =", std::string("id = \"") + bad + "\""); }, false);
        CHECK(theProblem(loaded.problems, "minimal/event.toml", "id").what == "is not a valid id");
    }
}

TEST_CASE("300,000 unknown keys give at most 1,000 problems and one 'and N more' for the file") {
    std::string text = readFile(kFixtures / "minimal" / "companies" / "example-one.toml");
    text = text.substr(0, text.find("tagline")); // the plain top-level keys
    text += "tagline = { de = \"a\", en = \"b\" }\ndescription = { de = \"a\", en = \"b\" }\nlooking_for = { de = \"a\", en = \"b\" }\n";
    for (int i = 0; i < 300'000; ++i) text += "k" + std::to_string(i) + "=1\n";
    auto loaded = loadMinimalWithFile("companies/example-one.toml", text, 10.0);
    std::vector<Problem> mine;
    for (const auto& p : loaded.problems)
        if (p.file == "minimal/companies/example-one.toml") mine.push_back(p);
    REQUIRE(mine.size() == kMaxProblemsPerFile + 1);
    CHECK(mine.back().more == 300'000 - long(kMaxProblemsPerFile));
    CHECK(mine.back().error);
    CHECK(mine.back().format().rfind("minimal/companies/example-one.toml: and 299000 more problems \u2014 ", 0) == 0);
    CHECK(problemCount(mine) == 300'000);
    CHECK(loaded.content.companies.empty());
}

} // TEST_SUITE

TEST_SUITE("content: logos") {

namespace {

std::uint32_t crc32(const std::string& bytes) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string chunk(const std::string& type, const std::string& data) {
    return be32(std::uint32_t(data.size())) + type + data + be32(crc32(type + data));
}

/// A PNG file of a few bytes that claims `w`×`h` px (1-bit grey); its image data is a
/// single empty zlib block, so only the header is of any use.
std::string pngHeaderOnly(std::uint32_t w, std::uint32_t h) {
    const std::string ihdr = be32(w) + be32(h) + std::string("\x01\x00\x00\x00\x00", 5);
    const std::string idat("\x78\x01\x01\x00\x00\xff\xff\x00\x00\x00\x01", 11);
    return "\x89PNG\r\n\x1a\n" + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", "");
}

} // namespace

TEST_CASE("a 30000x30000 px logo is too large from its header, in milliseconds, and the company is kept") {
    for (bool decode : {true, false}) {
        CAPTURE(decode);
        const auto start = std::chrono::steady_clock::now();
        auto loaded = loadMinimalWith([](const fs::path& dir) { TempDir::write(dir / "logos" / "ok.png", pngHeaderOnly(30000, 30000)); },
                                      decode);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
        INFO(dump(loaded.problems));
        auto p = theProblem(loaded.problems, "minimal/companies/example-one.toml", "logo");
        CHECK(p.error);
        CHECK(p.line == 4);
        CHECK(p.what == "'logos/ok.png' is 30000×30000 px: too large (max 4096 px)");
        REQUIRE(loaded.content.companies.size() == 1);
        CHECK(loaded.content.companies.front().logo.empty());
    }
}

TEST_CASE("a logo file over 20 MiB is refused from its size, before stb_image reads its data whole") {
    const auto start = std::chrono::steady_clock::now();
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        // 64x64 px, then one IDAT chunk that claims (and, sparse, has) 1 GiB.
        const fs::path logo = dir / "logos" / "ok.png";
        std::string png = pngHeaderOnly(64, 64);
        png = png.substr(0, 8 + 25) + be32(0x40000000u) + "IDAT";
        TempDir::write(logo, png);
        fs::resize_file(logo, png.size() + 0x40000000u + 12);
    });
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    INFO(dump(loaded.problems));
    auto p = theProblem(loaded.problems, "minimal/companies/example-one.toml", "logo");
    CHECK(p.error);
    CHECK(p.what == "'logos/ok.png' is 1024 MiB: too large (max 20 MiB)");
    REQUIRE(loaded.content.companies.size() == 1);
}

TEST_CASE("a logo problem next to a real error: both are reported and the company is left out") {
    auto loaded = loadMinimalWith([](const fs::path& dir) {
        replaceLine(dir / "companies" / "example-one.toml", "logo =", "logo = \"logos/nope.png\"");
        replaceLine(dir / "companies" / "example-one.toml", "region =", "region = \"bavaria\"");
    });
    CHECK(theProblem(loaded.problems, "minimal/companies/example-one.toml", "logo").error);
    CHECK(theProblem(loaded.problems, "minimal/companies/example-one.toml", "region").error);
    CHECK(loaded.content.companies.empty());
}

} // TEST_SUITE
