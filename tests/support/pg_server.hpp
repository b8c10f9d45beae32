// A real PostgreSQL server for the hub's storage tests, started once per test binary on a
// Unix socket in a temporary folder (initdb + pg_ctl from Debian's postgresql package; as
// the postgres user when the tests run as root, since PostgreSQL refuses to run as root),
// stopped at exit. KIOSK_TEST_PG_URL (postgresql://… of a database whose user may CREATE
// DATABASE) uses a server of your own instead. Header-only; everything in kiosk::test.
#pragma once

#include <doctest/doctest.h>

#include <pwd.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace kiosk::test {

class PgServer {
public:
    static PgServer& instance() {
        static PgServer server;
        return server;
    }

    /// Empty when a server runs; else why not (the test is then skipped).
    const std::string& unavailable() const { return m_why; }
    /// PostgreSQL is installed but would not start: a failure, not a skip.
    bool broken() const { return m_broken; }

    /// A new, empty database on the server; its postgresql:// URL.
    std::string freshDatabase() {
        const std::string name = "hub_test_" + std::to_string(::getpid()) + "_" + std::to_string(++m_count);
        const int rc = std::system((m_psql + " -q -c 'CREATE DATABASE " + name + "' >> " + m_log + " 2>&1").c_str());
        REQUIRE_MESSAGE(rc == 0, "CREATE DATABASE failed, see " << m_log);
        return m_url.empty() ? "postgresql:///" + name + "?host=" + m_dir.string() + "&user=postgres"
                             : m_url.substr(0, m_url.rfind('/') + 1) + name;
    }

    /// Runs `sql` on the database at `url` with psql (behind the storage's back); true when it worked.
    bool exec(const std::string& url, const std::string& sql) {
        return std::system(("psql '" + url + "' -q -v ON_ERROR_STOP=1 -c \"" + sql + "\" >> " + m_log + " 2>&1").c_str()) == 0;
    }

    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

private:
    PgServer() {
        namespace fs = std::filesystem;
        if (const char* url = std::getenv("KIOSK_TEST_PG_URL"); url && *url) {
            m_url = url;
            m_psql = "psql '" + m_url + "'";
            m_log = "/dev/null";
            return;
        }
        fs::path bin;
        for (const char* v : {"17", "16", "15", "14", "13"})
            if (fs::exists(fs::path("/usr/lib/postgresql") / v / "bin/initdb")) {
                bin = fs::path("/usr/lib/postgresql") / v / "bin";
                break;
            }
        if (bin.empty()) {
            m_why = "no PostgreSQL server installed (postgresql package; see platform/linux/kiosk-dev)";
            return;
        }
        m_dir = fs::temp_directory_path() / ("kiosk-test-pg-" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_log = (m_dir / "server.log").string();
        std::string as;
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (!pw || ::chown(m_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                m_why = "running as root and there is no postgres user to run PostgreSQL as";
                return;
            }
            as = "runuser -u postgres -- ";
        }
        m_pgctl = as + (bin / "pg_ctl").string() + " -D " + (m_dir / "data").string();
        const std::string init = as + (bin / "initdb").string() + " -D " + (m_dir / "data").string() +
                                 " -A trust -U postgres -E UTF8 --no-sync >> " + m_log + " 2>&1";
        // The server writes its own log (as postgres): the root-owned one is for the commands.
        const std::string start = m_pgctl + " -l " + (m_dir / "postgres.log").string() + " -w -o \"-k " + m_dir.string() +
                                  " -c listen_addresses='' -c fsync=off\" start >> " + m_log + " 2>&1";
        if (std::system(init.c_str()) != 0 || std::system(start.c_str()) != 0) {
            m_why = "PostgreSQL did not start, see " + m_log + " and postgres.log beside it";
            m_broken = true;
            m_pgctl.clear();
            return;
        }
        m_psql = "psql -h " + m_dir.string() + " -U postgres -d postgres";
    }

    ~PgServer() {
        if (!m_pgctl.empty()) {
            const std::string stop = m_pgctl + " -m immediate stop >> " + m_log + " 2>&1";
            (void)std::system(stop.c_str());
        }
        std::error_code ec;
        if (!m_dir.empty() && m_why.empty()) std::filesystem::remove_all(m_dir, ec);
    }

    std::filesystem::path m_dir;
    std::string m_url, m_psql, m_pgctl, m_log, m_why;
    int m_count = 0;
    bool m_broken = false;
};

} // namespace kiosk::test
