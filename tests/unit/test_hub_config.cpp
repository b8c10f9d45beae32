// kiosk-hub's hub.toml (kiosk/hub/hub_config.*): the keys, their checks with file:line,
// unknown keys, and that every error makes the config unusable (the hub does not start).
#include "hub/hub_config.hpp"

#include "../support/test_support.hpp"

#include <doctest/doctest.h>

using namespace kiosk::hub;
using kiosk::test::contains;
using kiosk::test::TempDir;

namespace {
std::string allProblems(const HubConfigLoad& l) {
    std::string s;
    for (const auto& p : l.problems) s += p.format() + "\n";
    return s;
}

HubConfigLoad loadText(const TempDir& dir, const std::string& text) {
    TempDir::write(dir / "hub.toml", text);
    return loadHubConfig(dir / "hub.toml");
}
} // namespace

TEST_CASE("hub config: every key") {
    TempDir dir("hub-config");
    TempDir::write(dir / "cert.pem", "x");
    TempDir::write(dir / "key.pem", "x");
    const auto l = loadText(dir, "[hub]\nlisten = \"[::1]:9000\"\ndatabase = \"sqlite:data/hub.db\"\nmax_body_kib = 512\n"
                                 "threads = 4\nread_timeout_s = 3\nrequest_timeout_s = 20\ntls_cert = \"" +
                                     (dir / "cert.pem").string() + "\"\ntls_key = \"" + (dir / "key.pem").string() + "\"\n");
    INFO(allProblems(l));
    CHECK(l.usable());
    CHECK(l.problems.empty());
    CHECK(l.config.host == "::1");
    CHECK(l.config.port == 9000);
    CHECK(l.config.sqlitePath == dir / "data/hub.db"); // relative to the config file's folder
    CHECK(l.config.maxBodyKib == 512);
    CHECK(l.config.threads == 4);
    CHECK(l.config.readTimeoutS == 3);
    CHECK(l.config.requestTimeoutS == 20);
    CHECK(l.config.tls());
}

TEST_CASE("hub config: defaults, and an absolute database path") {
    TempDir dir("hub-config");
    const auto l = loadText(dir, "[hub]\ndatabase = \"sqlite:/var/lib/x/hub.db\"\n");
    CHECK(l.usable());
    CHECK(l.config.host == "127.0.0.1");
    CHECK(l.config.port == 8470);
    CHECK(l.config.sqlitePath == "/var/lib/x/hub.db");
    CHECK(l.config.maxBodyKib == 2048);
    CHECK_FALSE(l.config.tls());
}

TEST_CASE("hub config: a PostgreSQL database") {
    TempDir dir("hub-config");
    const auto l = loadText(dir, "[hub]\ndatabase = \"postgresql://hub@db.example.org/hub\"\n");
    CHECK(l.usable());
    CHECK(l.config.database == "postgresql://hub@db.example.org/hub");
    CHECK(l.config.sqlitePath.empty());
}

TEST_CASE("hub config: each mistake is named with file, line, key and fix, and fails closed") {
    TempDir dir("hub-config");
    const struct {
        std::string text, expect;
    } cases[] = {
        {"[hub]\nlisten = \"8470\"\n", "hub.toml:2: hub.listen: '8470' is not an address and port — write listen"},
        {"[hub]\nlisten = \"::1:8470\"\n", "hub.listen: '::1:8470' is not an address and port"},
        {"[hub]\nlisten = \"127.0.0.1:99999\"\n", "hub.listen"},
        {"[hub]\ndatabase = \"mysql://u:pw@x\"\n", "hub.toml:2: hub.database: is not a database address — write"},
        {"[hub]\nmax_body_kib = 1\n", "hub.toml:2: hub.max_body_kib: is out of range — use a value from 16 to 65536"},
        {"[hub]\ntls_cert = \"/nonexistent/c.pem\"\ntls_key = \"/nonexistent/k.pem\"\n",
         "hub.toml:2: hub.tls_cert: cannot read /nonexistent/c.pem"},
        {"[hub]\ntls_key = \"/etc/hostname\"\n", "hub.tls_cert: is missing while its partner is set"},
        {"[hub]\nlisten = \"127.0.0.1:1\"\nlistne = \"x\"\n",
         "hub.toml:3: hub.listne: unknown key — check the spelling against docs/hub.md, or remove it"},
        {"[hubb]\n", "hub: missing"},
        {"[hub]\nlisten = \"127.0.0.1:1\n", "not valid TOML"},
    };
    for (const auto& c : cases) {
        const auto l = loadText(dir, c.text);
        INFO(c.text, "\n", allProblems(l));
        CHECK_FALSE(l.usable());
        CHECK(contains(allProblems(l), c.expect));
    }
    CHECK_FALSE(contains(allProblems(loadText(dir, "[hub]\ndatabase = \"mysql://u:pw@x\"\n")), "pw@"));
    const auto missing = loadHubConfig(dir / "nope.toml");
    CHECK_FALSE(missing.usable());
    CHECK(contains(allProblems(missing), "file not found — pass --config"));
}

TEST_CASE("hub config: plain HTTP beyond loopback is a warning, not an error") {
    TempDir dir("hub-config");
    const auto l = loadText(dir, "[hub]\nlisten = \"0.0.0.0:8470\"\n");
    CHECK(l.usable());
    CHECK(contains(allProblems(l), "plain HTTP on 0.0.0.0"));
}

TEST_CASE("hub config: the shipped platform/linux/hub.toml loads without a problem and says the defaults") {
    const auto l = loadHubConfig(std::filesystem::path(KIOSK_SOURCE_DIR) / "platform/linux/hub.toml");
    INFO(allProblems(l));
    CHECK(l.problems.empty());
    const HubConfig d;
    CHECK(l.config.host == d.host);
    CHECK(l.config.port == d.port);
    CHECK(l.config.database == d.database);
    CHECK(l.config.maxBodyKib == d.maxBodyKib);
    CHECK(l.config.threads == d.threads);
    CHECK(l.config.readTimeoutS == d.readTimeoutS);
    CHECK(l.config.requestTimeoutS == d.requestTimeoutS);
    CHECK_FALSE(l.config.tls());
}

TEST_CASE("hub config: [doi] as the exhibitors' pages read it (base_url, exhibitors_see)") {
    TempDir dir("hub-config");
    auto l = loadText(dir, "[hub]\nlisten = \"127.0.0.1:9000\"\n");
    CHECK_FALSE(l.config.doi.enabled);
    CHECK_FALSE(l.config.doi.exhibitorsSeeAll); // "confirmed" unless told otherwise
    CHECK(l.config.publicBase() == "http://127.0.0.1:9000");
    l = loadText(dir, "[hub]\n[doi]\nenabled = true\nsmtp_url = \"smtp://127.0.0.1:2525\"\nfrom = \"leads@example.org\"\n"
                      "base_url = \"https://leads.example.org/\"\nexhibitors_see = \"all\"\n");
    INFO(allProblems(l));
    CHECK(l.usable());
    CHECK(l.config.doi.enabled);
    CHECK(l.config.doi.exhibitorsSeeAll);
    CHECK(l.config.publicBase() == "https://leads.example.org");
    l = loadText(dir, "[hub]\n[doi]\nbase_url = \"leads.example.org\"\nexhibitors_see = \"some\"\n");
    CHECK_FALSE(l.usable());
    CHECK(contains(allProblems(l), "hub.toml:3: doi.base_url: 'leads.example.org' is not an https:// address"));
    CHECK(contains(allProblems(l), "hub.toml:4: doi.exhibitors_see: 'some' is neither \"confirmed\" nor \"all\""));
    CHECK_FALSE(l.config.doi.exhibitorsSeeAll); // a typo never shows more
}
