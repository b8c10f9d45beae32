// Helpers shared by the doctest suites (unit_tests and ui_tests): a scratch folder
// under the system temp dir, reading a whole file, a tmpfs mounted for one scope,
// file modes, a check run in a child process (as nobody). (A raw SQLite connection:
// test_db.hpp.) Header-only; include it with `#include "../support/test_support.hpp"`
// from tests/unit or tests/ui.
//
// Everything lives in kiosk::test; a test file pulls in what it uses with
// `using kiosk::test::TempDir;` and so on.
#pragma once

#include <doctest/doctest.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <system_error>

namespace kiosk::test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The permission bits of a file or folder (0600, 0700 ...).
inline unsigned modeOf(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// A fresh, empty folder under std::filesystem::temp_directory_path(), named
/// `kiosk-test-<tag>-<random>`, removed with everything in it when the object goes.
/// Ends a test case that cannot run here (not root, no mount) as a skip, not a pass: CTest
/// reports it as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt), doctest prints why.
/// Only before the first check. (doctest's skip() decorator would drop the case from CTest's
/// list altogether: doctest_discover_tests lists test cases without --no-skip.)
#define SKIP_TEST(why)                                                                                                 \
    do {                                                                                                               \
        MESSAGE("[test skipped] " << why);                                                                             \
        return;                                                                                                        \
    } while (0)

/// The constructor fails the current test (REQUIRE) when no folder can be made.
/// Removal never throws: permissions a test took away (a read-only file or folder,
/// to provoke a write failure) are given back first, so that everything can go.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "tmp") {
        std::random_device rd;
        for (int attempt = 0; attempt < 100 && m_dir.empty(); ++attempt) {
            std::filesystem::path p =
                std::filesystem::temp_directory_path() / ("kiosk-test-" + tag + "-" + std::to_string(rd()));
            if (std::filesystem::create_directory(p)) m_dir = p;
        }
        REQUIRE_FALSE(m_dir.empty());
    }
    ~TempDir() {
        namespace fs = std::filesystem;
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(m_dir, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
        fs::permissions(m_dir, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(m_dir, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// The folder itself.
    const std::filesystem::path& path() const { return m_dir; }

    /// `<temp>/<name>` (nothing is created).
    std::filesystem::path operator/(const std::string& name) const { return m_dir / name; }

    /// A recursive copy of a fixture folder, as `<temp>/<name>`.
    std::filesystem::path copyOf(const std::filesystem::path& fixture, const std::string& name) const {
        std::filesystem::path dst = m_dir / name;
        std::filesystem::copy(fixture, dst, std::filesystem::copy_options::recursive);
        return dst;
    }

    /// Writes `text` to `file` (binary, truncating), creating its parent folders;
    /// REQUIREs that the write succeeded.
    static void write(const std::filesystem::path& file, const std::string& text) {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
        REQUIRE(out.good());
    }

private:
    std::filesystem::path m_dir;
};

/// The whole file, byte for byte ("" when it cannot be opened).
inline std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


/// A tmpfs of the given size mounted on `dir` for one scope (needs root).
class TmpfsMount {
public:
    TmpfsMount(const std::filesystem::path& dir, const std::string& options) : m_dir(dir) {
        if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) m_mounted = true;
        else m_error = std::strerror(errno);
    }
    ~TmpfsMount() {
        if (m_mounted && ::umount2(m_dir.c_str(), 0) != 0) ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return m_mounted; }
    const std::string& error() const { return m_error; }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false;
    std::string m_error;
};

/// Runs `body` in a forked child and returns what it returned, its verdict (by convention ""
/// when it passed), passed back through a pipe. The child ends with _exit: nothing `body`
/// leaves open is closed, as after a SIGKILL or a power cut, and no doctest machinery runs
/// there (an exception becomes the verdict instead of running the rest of the suite in the
/// child). REQUIREs that the child exited normally, its verdict passed back whole.
inline std::string inChild(const std::function<std::string()>& body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        std::string verdict;
        try {
            verdict = body();
        } catch (const std::exception& e) {
            verdict = std::string("(the child threw: ") + e.what() + ")";
        } catch (...) {
            verdict = "(the child threw)";
        }
        const ssize_t n = ::write(fds[1], verdict.data(), verdict.size());
        ::_exit(n == ssize_t(verdict.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string verdict;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) verdict.append(buf, size_t(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE_MESSAGE(WEXITSTATUS(status) == 0, "the child could not pass its verdict back");
    return verdict;
}

/// inChild() as nobody (uid and gid 65534) when the tests run as root, where file modes
/// stop no one; as the user the tests run as otherwise. Returns "(setuid failed)" when the
/// child could not give up root.
inline std::string asNobody(const std::function<std::string()>& body) {
    return inChild([&]() -> std::string {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return "(setuid failed)";
        return body();
    });
}

} // namespace kiosk::test
