// Unit tests of loadConfig(): defaults, a valid file, and every kind of bad value,
// each reported with file and line while the default is kept.
#include "core/config.hpp"
#include "../support/test_support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include <random>
#include <string>

namespace fs = std::filesystem;
using kiosk::test::TempDir;
using kiosk::test::asNobody;
using namespace kiosk::core;

namespace {

std::string dump(const std::vector<Problem>& problems) {
    std::string s;
    for (const auto& p : problems) s += p.format() + "\n";
    return s.empty() ? "(no problems)" : s;
}

/// One config file in a fresh temp dir, removed at the end of the test.
class TempConfig {
public:
    explicit TempConfig(const std::string& text) : m_file(m_dir / "kiosk.toml") { TempDir::write(m_file, text); }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;

    const fs::path& path() const { return m_file; }
    ConfigLoad load() const { return loadConfig(m_file); }

private:
    TempDir m_dir;
    fs::path m_file;
};

void checkDefaults(const KioskConfig& c) {
    const KioskConfig d;
    CHECK(c.kioskId == d.kioskId);
    CHECK(c.idleTimeoutS == d.idleTimeoutS);
    CHECK(c.idleWarningS == d.idleWarningS);
    CHECK(c.diagonalInch == d.diagonalInch);
    CHECK(c.pixelPitchMm == d.pixelPitchMm);
    CHECK(c.mountBottomMm == 900.0);
    CHECK(c.theme == d.theme);
    CHECK(c.renderer == d.renderer);
}

/// The one problem of a load; fails the test when there is not exactly one.
Problem onlyProblem(const ConfigLoad& loaded) {
    INFO(dump(loaded.problems));
    REQUIRE(loaded.problems.size() == 1);
    return loaded.problems.front();
}

} // namespace

TEST_SUITE("config") {

TEST_CASE("an empty path gives the defaults and no problems") {
    auto loaded = loadConfig({});
    CHECK(loaded.problems.empty());
    checkDefaults(loaded.config);
    CHECK(loaded.config.kioskId == "kiosk-1");
    CHECK(loaded.config.idleTimeoutS == 60.0);
    CHECK(loaded.config.idleWarningS == 30.0);
    CHECK(loaded.config.diagonalInch == 43.0);
    CHECK(loaded.config.pixelPitchMm == 0.0);
    CHECK(loaded.config.theme == "light");
}

TEST_CASE("an empty file gives the defaults and no problems") {
    TempConfig f("# nothing set\n");
    auto loaded = f.load();
    CHECK(loaded.problems.empty());
    checkDefaults(loaded.config);
}

TEST_CASE("a valid config file is read") {
    TempConfig f(R"(# A stand kiosk.
[kiosk]
id = "stand-essen-2"
idle_timeout_s = 90
idle_warning_s = 12.5

[screen]
diagonal_inch = 55
pixel_pitch_mm = 0.63
mount_bottom_mm = 720
theme = "dark"
renderer = "software"
)");
    auto loaded = f.load();
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    const KioskConfig& c = loaded.config;
    CHECK(c.kioskId == "stand-essen-2");
    CHECK(c.idleTimeoutS == 90.0);
    CHECK(c.idleWarningS == 12.5);
    CHECK(c.diagonalInch == 55.0);
    CHECK(c.pixelPitchMm == doctest::Approx(0.63));
    CHECK(c.mountBottomMm == 720.0);
    CHECK(c.theme == "dark");
    CHECK(c.renderer == "software");
}

TEST_CASE("a file with only some keys keeps the defaults for the others") {
    TempConfig f("[screen]\ntheme = \"light\"\n");
    auto loaded = f.load();
    CHECK(loaded.problems.empty());
    checkDefaults(loaded.config);
}

TEST_CASE("the range limits themselves are accepted") {
    TempConfig f("[kiosk]\nidle_timeout_s = 15\nidle_warning_s = 0\n[screen]\ndiagonal_inch = 120\npixel_pitch_mm = 5\n");
    auto loaded = f.load();
    INFO(dump(loaded.problems));
    CHECK(loaded.problems.empty());
    CHECK(loaded.config.idleTimeoutS == 15.0);
    CHECK(loaded.config.idleWarningS == 0.0);
    CHECK(loaded.config.diagonalInch == 120.0);
    CHECK(loaded.config.pixelPitchMm == 5.0);
}

TEST_CASE("an unknown key is reported with file and line and changes nothing") {
    SUBCASE("in a section") {
        TempConfig f("[kiosk]\nid = \"k\"\nidle_timout_s = 20\n");
        auto loaded = f.load();
        auto p = onlyProblem(loaded);
        CHECK(p.file == f.path().string());
        CHECK(p.line == 3);
        CHECK(p.key == "kiosk.idle_timout_s");
        CHECK(p.what == "unknown key");
        CHECK_FALSE(p.fix.empty());
        CHECK(p.error);
        CHECK(loaded.config.kioskId == "k");
        CHECK(loaded.config.idleTimeoutS == 60.0);
    }
    SUBCASE("a misspelt section") {
        TempConfig f("\n[scren]\ntheme = \"dark\"\n");
        auto loaded = f.load();
        auto p = onlyProblem(loaded);
        CHECK(p.file == f.path().string());
        CHECK(p.line == 2);
        CHECK(p.key == "scren");
        CHECK(loaded.config.theme == "light");
    }
    SUBCASE("at the top level") {
        TempConfig f("theme = \"dark\"\n");
        auto p = onlyProblem(f.load());
        CHECK(p.line == 1);
        CHECK(p.key == "theme");
    }
}

TEST_CASE("an out-of-range number is reported with file and line and keeps the default") {
    struct Case {
        const char* text;
        const char* key;
        int line;
    };
    const Case cases[] = {
        {"[kiosk]\nidle_timeout_s = 5\n", "kiosk.idle_timeout_s", 2},
        {"[kiosk]\nidle_timeout_s = 3601\n", "kiosk.idle_timeout_s", 2},
        {"[kiosk]\nidle_timeout_s = nan\n", "kiosk.idle_timeout_s", 2},
        {"[kiosk]\nidle_timeout_s = inf\n", "kiosk.idle_timeout_s", 2},
        {"[kiosk]\n\nidle_warning_s = -1\n", "kiosk.idle_warning_s", 3},
        {"[kiosk]\nidle_warning_s = 121\n", "kiosk.idle_warning_s", 2},
        {"[screen]\ndiagonal_inch = 6.9\n", "screen.diagonal_inch", 2},
        {"[screen]\ndiagonal_inch = 200\n", "screen.diagonal_inch", 2},
        {"[screen]\npixel_pitch_mm = -0.1\n", "screen.pixel_pitch_mm", 2},
        {"[screen]\npixel_pitch_mm = 5.5\n", "screen.pixel_pitch_mm", 2},
        {"[screen]\nmount_bottom_mm = -1\n", "screen.mount_bottom_mm", 2},
        {"[screen]\nmount_bottom_mm = 2501\n", "screen.mount_bottom_mm", 2},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        TempConfig f(c.text);
        auto loaded = f.load();
        auto p = onlyProblem(loaded);
        CHECK(p.file == f.path().string());
        CHECK(p.line == c.line);
        CHECK(p.key == c.key);
        CHECK(p.what == "is out of range");
        CHECK(p.fix.find("use a value from") != std::string::npos);
        CHECK(p.error);
        checkDefaults(loaded.config);
    }
}

TEST_CASE("a value of the wrong type is reported with file and line and keeps the default") {
    struct Case {
        const char* text;
        const char* key;
        int line;
        const char* what;
    };
    const Case cases[] = {
        {"[kiosk]\nidle_timeout_s = \"90\"\n", "kiosk.idle_timeout_s", 2, "must be a number"},
        {"[kiosk]\nidle_warning_s = true\n", "kiosk.idle_warning_s", 2, "must be a number"},
        {"[kiosk]\nid = 7\n", "kiosk.id", 2, "must be a string"},
        {"[screen]\ndiagonal_inch = [43]\n", "screen.diagonal_inch", 2, "must be a number"},
        {"[screen]\ntheme = 1\n", "screen.theme", 2, "must be a string"},
        {"kiosk = \"kiosk-1\"\n", "kiosk", 1, "must be a section"},
        {"\nscreen = 43\n", "screen", 2, "must be a section"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        TempConfig f(c.text);
        auto loaded = f.load();
        auto p = onlyProblem(loaded);
        CHECK(p.file == f.path().string());
        CHECK(p.line == c.line);
        CHECK(p.key == c.key);
        CHECK(p.what == c.what);
        CHECK_FALSE(p.fix.empty());
        checkDefaults(loaded.config);
    }
}

TEST_CASE("an unknown renderer is reported with the choices and keeps auto") {
    TempConfig f("[screen]\nrenderer = \"vulkan\"\n");
    auto loaded = f.load();
    auto p = onlyProblem(loaded);
    CHECK(p.line == 2);
    CHECK(p.key == "screen.renderer");
    CHECK(p.what.find("vulkan") != std::string::npos);
    CHECK(p.fix.find("software") != std::string::npos);
    CHECK(loaded.config.renderer == "auto");
}

TEST_CASE("a bad theme is reported with file and line and keeps the light theme") {
    TempConfig f("[screen]\ndiagonal_inch = 32\ntheme = \"blue\"\n");
    auto loaded = f.load();
    auto p = onlyProblem(loaded);
    CHECK(p.file == f.path().string());
    CHECK(p.line == 3);
    CHECK(p.key == "screen.theme");
    CHECK(p.what.find("blue") != std::string::npos);
    CHECK(p.fix.find("dark") != std::string::npos);
    CHECK(loaded.config.theme == "light");
    CHECK(loaded.config.diagonalInch == 32.0); // the good key next to it is still read

    SUBCASE("themes are case-sensitive") {
        TempConfig upper("[screen]\ntheme = \"Dark\"\n");
        auto l = upper.load();
        CHECK(l.problems.size() == 1);
        CHECK(l.config.theme == "light");
    }
}

TEST_CASE("an idle warning not shorter than the timeout is reported on its line") {
    SUBCASE("equal") {
        TempConfig f("[kiosk]\nidle_timeout_s = 30\nidle_warning_s = 30\n");
        auto p = onlyProblem(f.load());
        CHECK(p.file == f.path().string());
        CHECK(p.line == 3);
        CHECK(p.key == "kiosk.idle_warning_s");
        CHECK(p.error);
        CHECK_FALSE(p.fix.empty());
    }
    SUBCASE("longer") {
        TempConfig f("[kiosk]\nidle_warning_s = 100\nidle_timeout_s = 20\n");
        auto p = onlyProblem(f.load());
        CHECK(p.line == 2);
        CHECK(p.key == "kiosk.idle_warning_s");
    }
    SUBCASE("a short timeout against the default warning: reported at the [kiosk] line") {
        TempConfig f("\n[kiosk]\nidle_timeout_s = 20\n");
        auto p = onlyProblem(f.load());
        CHECK(p.line == 2);
        CHECK(p.key == "kiosk.idle_warning_s");
    }
    SUBCASE("a timeout out of range is not compared: only the range is reported") {
        TempConfig f("[kiosk]\nidle_timeout_s = 10\nidle_warning_s = 20\n");
        auto loaded = f.load();
        auto p = onlyProblem(loaded);
        CHECK(p.key == "kiosk.idle_timeout_s");
        CHECK(loaded.config.idleTimeoutS == 60.0);
        CHECK(loaded.config.idleWarningS == 20.0);
    }
}

TEST_CASE("after a warning >= timeout problem the config is still usable (warning < timeout)") {
    TempConfig f("[kiosk]\nidle_timeout_s = 20\nidle_warning_s = 25\n");
    auto loaded = f.load();
    CHECK(loaded.problems.size() == 1);
    CHECK(loaded.config.idleWarningS < loaded.config.idleTimeoutS);
}

TEST_CASE("several problems in one file are all reported, each with its own line") {
    TempConfig f(R"([kiosk]
id = "stand-3"
idle_timeout_s = 1
idel_warning_s = 10
[screen]
diagonal_inch = "43"
theme = "neon"
)");
    auto loaded = f.load();
    INFO(dump(loaded.problems));
    REQUIRE(loaded.problems.size() == 4);
    CHECK(loaded.problems[0].key == "kiosk.idle_timeout_s");
    CHECK(loaded.problems[0].line == 3);
    CHECK(loaded.problems[1].key == "kiosk.idel_warning_s");
    CHECK(loaded.problems[1].line == 4);
    CHECK(loaded.problems[2].key == "screen.diagonal_inch");
    CHECK(loaded.problems[2].line == 6);
    CHECK(loaded.problems[3].key == "screen.theme");
    CHECK(loaded.problems[3].line == 7);
    CHECK(loaded.config.kioskId == "stand-3");
    CHECK(loaded.config.idleTimeoutS == 60.0);
    CHECK(loaded.config.diagonalInch == 43.0);
    CHECK(loaded.config.theme == "light");
    for (const auto& p : loaded.problems) {
        CAPTURE(p.format());
        CHECK(p.format().rfind(f.path().string() + ":" + std::to_string(p.line) + ": " + p.key + ": ", 0) == 0);
    }
}

TEST_CASE("a syntax error is reported with file and line, and the defaults are used") {
    TempConfig f("[kiosk]\nid = \"stand-1\"\nidle_timeout_s = = 90\n");
    auto loaded = f.load();
    auto p = onlyProblem(loaded);
    CHECK(p.file == f.path().string());
    CHECK(p.line == 3);
    CHECK(p.what.find("not valid TOML") != std::string::npos);
    CHECK_FALSE(p.fix.empty());
    CHECK(p.error);
    checkDefaults(loaded.config);

    SUBCASE("an unclosed section header") {
        TempConfig g("[kiosk]\nid = \"a\"\n\n[screen\ntheme = \"dark\"\n");
        auto q = onlyProblem(g.load());
        CHECK(q.line == 4);
    }
    SUBCASE("a key given twice") {
        TempConfig g("[kiosk]\nid = \"a\"\nid = \"b\"\n");
        auto q = onlyProblem(g.load());
        CHECK(q.line == 3);
        CHECK(q.what.find("not valid TOML") != std::string::npos);
    }
}

TEST_CASE("a config file that does not exist is reported and the defaults are used") {
    const fs::path missing = fs::temp_directory_path() / "kiosk-test-config-does-not-exist" / "kiosk.toml";
    ConfigLoad loaded;
    CHECK_NOTHROW(loaded = loadConfig(missing));
    auto p = onlyProblem(loaded);
    CHECK(p.file == missing.string());
    CHECK(p.error);
    checkDefaults(loaded.config);
}

// ---------------------------------------------------------------------------------------------
// Fail closed (issue 10): a config that cannot be used must not bring back the demo PIN or
// send leads where staff did not mean them to go.

namespace {
const char* const kHash = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

std::string withPin(const std::string& rest) { return rest + "\n[staff]\npin_hash = \"" + kHash + "\"\n"; }
} // namespace

TEST_CASE("fail closed: a config that does not parse, once a PIN was set, locks staff mode with file and line") {
    struct Case {
        const char* name;
        std::string text;
        int line;
    };
    const Case cases[] = {
        {"a unit after a number", "[kiosk]\nid = \"stand-1\"\nidle_timeout_s = 60s\n", 3},
        {"an unclosed quote", "[kiosk]\nid = \"stand-1\n[screen]\ntheme = \"dark\"\n", 2},
        {"an unclosed section", "\n[kiosk\nid = \"x\"\n", 2},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        TempConfig f(c.text);
        auto loaded = f.load();
        CHECK_FALSE(loaded.parsed);
        CHECK(loaded.config.staff.pinHash.empty());
        // The file does not name a PIN: only a PIN set before locks.
        CHECK_FALSE(loaded.config.staff.pinBroken);
        CHECK_FALSE(staffLock(loaded, false));
        const auto lock = staffLock(loaded, true);
        REQUIRE(lock);
        CHECK(lock->file == f.path().string());
        CHECK(lock->line == c.line);
        CHECK_FALSE(lock->fix.empty());
    }
}

TEST_CASE("fail closed: a file that does not parse but names a pin_hash locks even without the marker") {
    for (const std::string& text :
         {withPin("[kiosk]\nidle_timeout_s = 60s\n"), std::string("[staff]\npin_hash = \"$argon2id$v=19$trunc\n"),
          "staff.pin_hash = '" + std::string(kHash) + "'\n[kiosk]\nid = = 1\n", std::string("  \"pin_hash\"= 7 7\n")}) {
        CAPTURE(text);
        TempConfig f(text);
        auto loaded = f.load();
        CHECK_FALSE(loaded.parsed);
        CHECK(loaded.config.staff.pinBroken);
        const auto lock = staffLock(loaded, false);
        REQUIRE(lock);
        CHECK(lock->file == f.path().string());
        CHECK(lock->line > 0);
    }
    // An empty pin_hash, or one in a comment, names no PIN.
    for (const char* text : {"[staff]\npin_hash = \"\" # none yet\n[kiosk]\nid = = 1\n", "# pin_hash = \"$argon2id$…\"\n[kiosk\n"}) {
        CAPTURE(text);
        TempConfig f(text);
        auto loaded = f.load();
        CHECK_FALSE(loaded.parsed);
        CHECK_FALSE(loaded.config.staff.pinBroken);
        CHECK_FALSE(staffLock(loaded, false));
    }
}

TEST_CASE("fail closed: a PIN the line scan cannot see still locks a file that does not parse, without the marker") {
    const std::string hash = kHash;
    const std::string typo = "[kiosk]\nidle_timeout_s = 60s\n";
    std::string utf16 = "\xFF\xFE";
    for (char ch : "[staff]\npin_hash = \"" + hash + "\"\n" + typo)
        utf16 += std::string{ch, '\0'};
    for (const std::string& text :
         {"\xEF\xBB\xBFpin_hash = \"" + hash + "\"\n" + typo, "staff = { pin_hash = \"" + hash + "\" }\n" + typo,
          "staff . pin_hash = \"" + hash + "\"\n" + typo, "[staff]\n\"pin\\u005fhash\" = \"" + hash + "\"\n" + typo,
          utf16}) {
        CAPTURE(text);
        TempConfig f(text);
        auto loaded = f.load();
        CHECK_FALSE(loaded.parsed);
        CHECK(loaded.config.staff.pinBroken);
        CHECK(staffLock(loaded, false));
    }
    // A UTF-8 BOM in front of a pin_hash outside [staff] in a file that parses: still outside.
    TempConfig bom("\xEF\xBB\xBFpin_hash = \"" + hash + "\"\n");
    auto loaded = bom.load();
    CHECK(loaded.parsed);
    CHECK(loaded.config.staff.pinBroken);
    const auto lock = staffLock(loaded, false);
    REQUIRE(lock);
    CHECK(lock->line == 1);
}

TEST_CASE("fail closed: a pin_hash of the wrong type or not Argon2id locks staff mode; the rest of the file works") {
    for (const std::string& value : {std::string("1234"), std::string("\"1234\""), std::string("[\"$argon2id$\"]"),
                                     std::string("{ hash = \"x\" }"), std::string("\"   \"")}) {
        CAPTURE(value);
        TempConfig f("[kiosk]\nid = \"stand-7\"\n\n[staff]\npin_hash = " + value + "\nexport_dir = \"/srv/x\"\n");
        auto loaded = f.load();
        CHECK(loaded.parsed);
        CHECK(loaded.config.kioskId == "stand-7");
        CHECK(loaded.config.staff.exportDir == "/srv/x");
        CHECK(loaded.config.staff.pinHash.empty());
        CHECK(loaded.config.staff.pinBroken);
        const auto lock = staffLock(loaded, false);
        REQUIRE(lock);
        CHECK(lock->key == "staff.pin_hash");
        CHECK(lock->line == 5);
        CHECK(lock->file == f.path().string());
    }
}

TEST_CASE("fail closed: a pin_hash outside [staff] locks staff mode") {
    TempConfig f(std::string("[stafff]\npin_hash = \"") + kHash + "\"\n");
    auto loaded = f.load();
    CHECK(loaded.parsed);
    CHECK(loaded.config.staff.pinBroken);
    const auto lock = staffLock(loaded, false);
    REQUIRE(lock);
    CHECK(lock->line == 2);
}

TEST_CASE("fail closed: a readable file with one bad key keeps the PIN; no PIN ever set keeps the demo PIN") {
    TempConfig f(withPin("[kiosk]\nidle_timeout_s = \"60s\"\n"));
    auto loaded = f.load();
    CHECK(loaded.parsed);
    CHECK(loaded.problems.size() == 1);
    CHECK(loaded.config.staff.pinHash == kHash);
    CHECK_FALSE(loaded.config.staff.pinBroken);
    CHECK_FALSE(staffLock(loaded, true));
    // A readable file with pin_hash = "" (the shipped one, say after an upgrade replaced the
    // config) or no config at all: the demo PIN only while no PIN was ever set here.
    TempConfig shipped("[staff]\npin_hash = \"\"\n");
    CHECK_FALSE(staffLock(shipped.load(), false));
    CHECK_FALSE(staffLock(loadConfig({}), false));
    for (const auto& lock : {staffLock(shipped.load(), true), staffLock(loadConfig({}), true)}) {
        REQUIRE(lock);
        CHECK(lock->key == "staff.pin_hash");
        CHECK(lock->fix.find("kiosk set-pin") != std::string::npos);
    }
}

TEST_CASE("fail closed: a missing config locks staff mode only once a PIN was set") {
    TempDir t;
    auto loaded = loadConfig(t / "kiosk.toml");
    CHECK_FALSE(loaded.parsed);
    CHECK_FALSE(loaded.config.staff.pinBroken);
    CHECK_FALSE(staffLock(loaded, false));
    const auto lock = staffLock(loaded, true);
    REQUIRE(lock);
    CHECK(lock->file == (t / "kiosk.toml").string());
}

TEST_CASE("fail closed: a config the kiosk may not read locks staff mode, marker or not") {
    // As root every file is readable: the check runs in a child that gives up root.
    TempConfig f(withPin("[kiosk]\nid = \"stand-1\"\n"));
    REQUIRE(::chmod(f.path().c_str(), 0600) == 0);
    REQUIRE(::chmod(f.path().parent_path().c_str(), 0755) == 0);
    const std::string verdict = asNobody([&]() -> std::string {
        const auto loaded = loadConfig(f.path());
        if (loaded.parsed) return "parsed";
        if (!loaded.config.staff.pinBroken) return "not pinBroken";
        const auto lock = staffLock(loaded, false);
        if (!lock || lock->file != f.path().string()) return "no lock naming the file";
        // Its own words, not "not valid TOML": the file is fine, its permissions are not.
        if (lock->what != "cannot be read: permission denied") return "said: " + lock->what;
        return "";
    });
    CHECK_MESSAGE(verdict.empty(), verdict);

    SUBCASE("a FIFO where the file should be: no hang, locked") {
        TempDir t;
        REQUIRE(::mkfifo((t / "kiosk.toml").c_str(), 0600) == 0);
        auto loaded = loadConfig(t / "kiosk.toml");
        CHECK_FALSE(loaded.parsed);
        CHECK(loaded.config.staff.pinBroken);
        REQUIRE(loaded.problems.size() == 1);
        CHECK(loaded.problems[0].what == "is not a regular file");
    }
    SUBCASE("a folder where the file should be") {
        TempDir t;
        fs::create_directories(t / "kiosk.toml");
        auto loaded = loadConfig(t / "kiosk.toml");
        CHECK_FALSE(loaded.parsed);
        CHECK(loaded.config.staff.pinBroken);
        CHECK(staffLock(loaded, false));
        REQUIRE(loaded.problems.size() == 1);
        CHECK(loaded.problems[0].what == "cannot be read: is a directory");
    }
}

TEST_CASE("fail closed: sync.endpoint over plain http only to a loopback host, by the parsed host") {
    for (const char* ok : {"https://hub.example/x", "https://hub.example:8443/leads?k=1", "http://127.0.0.1:8080/x",
                           "http://127.0.0.2:8080/x", "http://127.255.255.254/x", "http://[::1]:9/x", "http://localhost/x",
                           "http://LOCALHOST:81/x", "HTTP://127.0.0.1/x"}) {
        CAPTURE(ok);
        CHECK_FALSE(endpointProblem(ok));
    }
    for (const char* bad : {"http://127.0.0.1@other.example/", "http://localhost.other.example/", "http://localhost@evil.example/",
                            "http://hub.example/x", "http://10.0.0.1/x", "http://128.0.0.1/x", "http://[::2]/x",
                            "http://[::ffff:8.8.8.8]/x", "http://127.0.0.1.nip.io/x", "http://0x7f000001.evil/x",
                            "https://user:secret@hub.example/x", "https://token@hub.example/x", "ftp://hub.example/x",
                            "hub.example/x", "https://", "javascript:alert(1)", "http:///x"}) {
        CAPTURE(bad);
        CHECK(endpointProblem(bad));
    }
    // In the config: refused, sync stays off, the reason on the endpoint's line.
    for (const char* bad : {"http://127.0.0.1@other.example/", "http://localhost.other.example/", "http://hub.example/leads"}) {
        CAPTURE(bad);
        TempConfig f(std::string("[sync]\ntoken = \"t\"\nendpoint = \"") + bad + "\"\n");
        auto loaded = f.load();
        CHECK(loaded.config.sync.endpoint.empty());
        auto p = onlyProblem(loaded);
        CHECK(p.key == "sync.endpoint");
        CHECK(p.line == 3);
        CHECK(p.error);
        CHECK(syncConfigBroken(loaded)); // the panel: "off because of the config", not "not set up"
    }
    TempConfig good("[sync]\nendpoint = \"http://127.0.0.2:8080/x\"\n");
    auto loaded = good.load();
    CHECK(loaded.problems.empty());
    CHECK(loaded.config.sync.endpoint == "http://127.0.0.2:8080/x");
    CHECK_FALSE(syncConfigBroken(loaded));
    CHECK_FALSE(syncConfigBroken(loadConfig({})));
    TempConfig other("[kiosk]\nidle_timeout_s = 1\n");
    CHECK_FALSE(syncConfigBroken(other.load())); // a problem elsewhere is not sync's
}

TEST_CASE("fail closed: a bad sync token, secret or CA file leaves sync off instead of sending without it") {
    for (const char* line : {"token = 7", "secret = \"plain\"", "secret = [\"whsec_x\"]", "ca_file = 1"}) {
        CAPTURE(line);
        TempConfig f(std::string("[sync]\nendpoint = \"https://hub.example/leads\"\n") + line + "\n");
        auto loaded = f.load();
        CHECK(loaded.config.sync.endpoint.empty());
        CHECK(hasErrors(loaded.problems));
    }
    TempConfig fine("[sync]\nendpoint = \"https://hub.example/leads\"\nbatch_size = 5000\n");
    CHECK(fine.load().config.sync.endpoint == "https://hub.example/leads"); // a bad batch size: default, still on
}

TEST_CASE("fail closed: a bad sync token or pin_hash still counts after a thousand other problems in the file") {
    // Past kMaxProblemsPerFile problems are folded into one "and N more" entry: the list
    // stops growing, and a check that only compared its size let these through.
    std::string text = "[kiosk]\n";
    for (size_t i = 0; i < kMaxProblemsPerFile + 5; ++i) text += "unknown_" + std::to_string(i) + " = 1\n";
    text += "[sync]\nendpoint = \"https://hub.example/leads\"\ntoken = 7\n[staff]\npin_hash = \"1234\"\n";
    TempConfig f(text);
    auto loaded = f.load();
    CHECK(loaded.config.sync.endpoint.empty());
    CHECK(syncConfigBroken(loaded));
    CHECK(loaded.config.staff.pinBroken);
    CHECK(loaded.config.staff.pinHash.empty());
}

TEST_CASE("fail closed: a config that does not parse reports parsed = false, so staff are told why sync is off") {
    TempConfig f("[sync]\nendpoint = \"https://hub.example/leads\"\n[kiosk]\nidle_timeout_s = 60s\n");
    auto loaded = f.load();
    CHECK_FALSE(loaded.parsed);
    CHECK(loaded.config.sync.endpoint.empty());
    CHECK(hasErrors(loaded.problems));
    CHECK(syncConfigBroken(loaded));
    TempConfig ok("[kiosk]\nid = \"a\"\n");
    CHECK(ok.load().parsed);
    CHECK(loadConfig({}).parsed);
}

} // TEST_SUITE

TEST_CASE("thanks_seconds: 30 by default, a value of 20 or more is kept, a lower one is raised to 20 with a warning") {
    CHECK(KioskConfig{}.thanksSeconds == 30);
    CHECK(TempConfig("[kiosk]\nthanks_seconds = 45\n").load().config.thanksSeconds == 45);
    const auto low = TempConfig("[kiosk]\nid = \"k\"\nthanks_seconds = 5\n").load();
    CHECK(low.config.thanksSeconds == kMinThanksSeconds);
    const Problem p = onlyProblem(low);
    CHECK(p.line == 3);
    CHECK(p.key == "kiosk.thanks_seconds");
    CHECK_FALSE(p.error); // the kiosk runs on, staff see the warning
    CHECK(p.fix.find("20") != std::string::npos);
}

TEST_CASE("[signup] confirmation_email and [sync] withdraw_url are read; a bad withdraw_url is left out with a warning") {
    const auto c = TempConfig("[signup]\nconfirmation_email = true\n[sync]\nendpoint = \"https://hub.example.org/kiosk/v1/leads\"\n"
                              "withdraw_url = \"https://hub.example.org/withdraw\"\n")
                       .load();
    INFO(dump(c.problems));
    CHECK(c.problems.empty());
    CHECK(c.config.signup.confirmationEmail);
    CHECK(c.config.sync.withdrawUrl == "https://hub.example.org/withdraw");
    CHECK_FALSE(KioskConfig{}.signup.confirmationEmail);

    const auto bad = TempConfig("[sync]\nendpoint = \"https://hub.example.org/kiosk/v1/leads\"\nwithdraw_url = \"hub.example.org/w\"\n").load();
    const Problem p = onlyProblem(bad);
    CHECK(p.key == "sync.withdraw_url");
    CHECK(p.line == 3);
    CHECK_FALSE(p.error);
    CHECK(bad.config.sync.withdrawUrl.empty());
    CHECK(bad.config.sync.endpoint == "https://hub.example.org/kiosk/v1/leads"); // sync stays on
    CHECK_FALSE(syncConfigBroken(bad));
}
