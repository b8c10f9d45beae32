#include "commands.hpp"
#include "core/clock.hpp"

#include "core/config.hpp"
#include "core/content/content.hpp"
#include "core/export/export.hpp"
#include "core/leads/lead_store.hpp"
#include "core/leads/synthetic.hpp"
#include "core/paths.hpp"
#include "core/staff/pin.hpp"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <random>
#include <sstream>

namespace kiosk::cli {

namespace {
void printProblems(const std::vector<core::Problem>& problems) {
    for (const auto& p : problems) std::cerr << (p.error ? "" : "warning: ") << p.format() << '\n';
}

using kiosk::core::nowMs;

/// `text` with its pin_hash line replaced by `line`, or `line` added below [staff] (a new
/// [staff] at the end when there is none). Line by line, not std::regex: libstdc++'s regex
/// recurses per character, and a megabyte-long line would overflow the stack.
std::string withPinHash(const std::string& text, const std::string& line) {
    const auto startsWithKey = [](std::string_view l, std::string_view key) {
        const size_t b = l.find_first_not_of(" \t");
        if (b == std::string_view::npos || l.substr(b, key.size()) != key) return false;
        if (key.front() == '[') return true;
        const size_t e = l.find_first_not_of(" \t", b + key.size());
        return e != std::string_view::npos && l[e] == '=';
    };
    size_t staffEnd = std::string::npos;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view l(text.data() + pos, end - pos);
        if (startsWithKey(l, "pin_hash")) return text.substr(0, pos) + line + text.substr(end);
        if (staffEnd == std::string::npos && startsWithKey(l, "[staff]")) staffEnd = end;
        pos = end + 1;
    }
    if (staffEnd != std::string::npos) return text.substr(0, staffEnd) + "\n" + line + text.substr(staffEnd);
    return text + (text.empty() || text.back() == '\n' ? "" : "\n") + "\n[staff]\n" + line + "\n";
}
} // namespace

int checkContent(const Paths& p) {
    auto loaded = core::loadContent(p.content, {core::shippedAssetsDir(), true});
    printProblems(loaded.problems);
    const auto& c = loaded.content;
    size_t errors = 0, warnings = 0;
    for (const auto& q : loaded.problems) (q.error ? errors : warnings) += q.more > 0 ? size_t(q.more) : 1;
    std::printf("%s: %zu companies, %zu sectors, %zu strings; %zu errors, %zu warnings\n", p.content.c_str(),
                c.companies.size(), c.sectors.size(), c.strings.size(), errors, warnings);
    return errors ? 1 : 0;
}

int leadsGenerate(const Paths& p, long long count, unsigned long long seed) {
    auto content = core::loadContent(p.content, {core::shippedAssetsDir(), false});
    auto config = core::loadConfig(p.config);
    printProblems(config.problems);
    core::LeadStore store(p.dataDir / "leads.db");
    store.useForm(content.content.form);
    std::mt19937_64 rng(seed);
    const auto now = nowMs();
    // In batches: one transaction (and one fsync) per 5,000 leads.
    for (long long done = 0; done < count;) {
        std::vector<core::Lead> batch;
        for (; done < count && batch.size() < 5000; ++done)
            batch.push_back(core::syntheticLead(rng, content.content, config.config.kioskId, now));
        if (auto r = store.insertBatch(batch); !r) {
            std::cerr << "kiosk: " << r.error << '\n';
            return 1;
        }
    }
    std::printf("%lld synthetic leads added to %s (%lld in total)\n", count, store.path().c_str(), store.count().value);
    return 0;
}

int leadsList(const Paths& p) {
    // Reading must not create: a mistyped --data-dir is an error, not an empty list.
    core::LeadStore store(p.dataDir / "leads.db");
    if (auto r = store.openReadOnly(); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    const auto leads = store.all();
    // What could be read is listed, then the damage: staff see both, scripts see the exit code.
    for (const auto& l : leads.value) {
        std::string ex;
        for (const auto& e : l.exhibitors) ex += (ex.empty() ? "" : ",") + e;
        std::printf("%s  %s  %-8s %s %s <%s>  %s\n", core::isoUtc(l.createdMs).c_str(), l.id.c_str(),
                    l.syncState.c_str(), l.firstName.c_str(), l.lastName.c_str(), l.email.c_str(), ex.c_str());
    }
    if (!leads) {
        std::fflush(stdout);
        std::cerr << "kiosk: " << leads.error << " — the list above is incomplete\n";
        return 1;
    }
    return 0;
}

int leadsErase(const Paths& p, const std::string& email) {
    core::LeadStore store(p.dataDir / "leads.db");
    std::vector<core::ErasedLead> erased;
    // "0 erased" from a new, empty database on a mistyped --data-dir would be a lie.
    if (auto r = core::LeadStore::present(store.path()); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    if (auto r = store.eraseByEmail(email, nowMs(), erased); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    for (const auto& e : erased)
        std::printf("erased %s (%s)\n", e.id.c_str(), e.wasSynced ? "had been synced: erase it in the CRM too" : "never synced");
    std::printf("%zu lead(s) erased for %s; the erasure log is exported with the leads, and the hub (if any) is told "
                "at the next heartbeat\n",
                erased.size(), email.c_str());
    return 0;
}

int leadsPurge(const Paths& p, double olderThanDays) {
    core::LeadStore store(p.dataDir / "leads.db");
    long long removed = 0;
    const auto before = nowMs() - static_cast<std::int64_t>(olderThanDays * 86'400'000.0);
    if (auto r = core::LeadStore::present(store.path()); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    if (auto r = store.purgeSynced(before, removed); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    std::printf("%lld synced lead(s) older than %g days removed\n", removed, olderThanDays);
    return 0;
}

namespace {
bool within(const std::filesystem::path& base, const std::filesystem::path& p) {
    const auto [b, _] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
    return b == base.end();
}

/// Why `out` must not take an export, or "". Compared after resolving symlinks and "..":
/// never into the data folder (the lead database and its journal, the PIN state), never
/// over the config or into the content, never over anything but a regular file.
std::string exportOutProblem(const Paths& p, const std::filesystem::path& out) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(fs::absolute(out, ec), ec);
    if (ec) return "cannot resolve " + out.string() + ": " + ec.message();
    auto resolved = [](const fs::path& x) {
        std::error_code e;
        return x.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(x, e), e);
    };
    if (const auto data = resolved(p.dataDir); !data.empty() && within(data, target))
        return out.string() + " is inside the data folder " + p.dataDir.string() +
               " (the lead database lives there): write the export somewhere else";
    if (const auto config = resolved(p.config); !config.empty() && target == config)
        return out.string() + " is the kiosk's config file: write the export somewhere else";
    if (const auto content = resolved(p.content); !content.empty() && within(content, target))
        return out.string() + " is inside the content folder " + p.content.string() + ": write the export somewhere else";
    if (const auto st = fs::symlink_status(out, ec); !ec && st.type() != fs::file_type::regular && st.type() != fs::file_type::not_found)
        return out.string() + " exists and is not a regular file: name a new file or an old export";
    return "";
}
} // namespace

int exportLeads(const Paths& p, const std::string& format, const std::string& out, const std::string& company,
                const std::string& delimiter, const std::string& lang) {
    if (const auto why = exportOutProblem(p, out); !why.empty()) {
        std::cerr << "kiosk: " << why << '\n';
        return 1;
    }
    core::ExportOptions o;
    o.format = core::exportFormatNamed(format);
    // The columns of the form on screen now; leads.db adds those of every earlier form.
    o.form = core::loadContent(p.content, {core::shippedAssetsDir(), false}).content.form;
    o.delimiter = delimiter.empty() ? ';' : delimiter[0];
    o.headerLang = lang == "en" ? core::Lang::En : core::Lang::De;
    o.company = company;
    const auto db = p.dataDir / "leads.db";
    if (auto r = core::LeadStore(db).openReadOnly(); !r) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    const auto r = core::exportLeads(db, o, out);
    if (!r.ok) {
        std::cerr << "kiosk: " << r.error << '\n';
        return 1;
    }
    std::printf("%s: %lld leads, %lld bytes\n", out.c_str(), r.leads(), r.bytes());
    return 0;
}

int setPin(const Paths& p) {
    if (p.config.empty()) {
        std::cerr << "kiosk: set-pin needs --config FILE (the hash is stored there)\n";
        return 2;
    }
    std::string pin;
    std::getline(std::cin, pin);
    while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
    if (!core::validPin(pin)) {
        std::cerr << "kiosk: the PIN must be 4 to 8 digits\n";
        return 2;
    }
    const std::string hash = core::hashPin(pin);
    if (hash.empty()) {
        std::cerr << "kiosk: hashing the PIN failed\n";
        return 1;
    }
    // A symlinked config (into a managed folder, say) is edited where it points: replacing
    // the link by a copy would leave the old hash in the real file, to come back later.
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(p.config, ec);
    const std::filesystem::path& file = ec ? p.config : real;
    // Edit the file as text, so the comments staff rely on stay where they are.
    std::string text;
    if (std::filesystem::exists(file, ec)) {
        // A file that exists but cannot be read must not be replaced by one holding only the PIN.
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        if (!in || !(ss << in.rdbuf()) || in.bad()) {
            std::cerr << "kiosk: cannot read " << file << ": " << std::strerror(errno) << " — nothing changed\n";
            return 1;
        }
        text = ss.str();
    }
    text = withPinHash(text, "pin_hash = \"" + hash + "\"");
    // The new file takes the old one's owner, group and mode (the package makes it
    // root:stand-kiosk 0640 so the service can read it), never readable by others,
    // and is 0600 from its first byte: it holds the PIN hash and sync secrets.
    const std::string tmp = file.string() + ".tmp";
    struct stat old {};
    const bool existed = ::stat(file.c_str(), &old) == 0;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::cerr << "kiosk: cannot write " << tmp << ": " << std::strerror(errno) << '\n';
        return 1;
    }
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (existed) {
        ok = ok && ::fchown(fd, old.st_uid, old.st_gid) == 0;
        ok = ok && ::fchmod(fd, old.st_mode & 0660) == 0;
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
        std::cerr << "kiosk: cannot replace " << file << ": " << std::strerror(errno) << '\n';
        std::filesystem::remove(tmp);
        return 1;
    }
    auto check = core::loadConfig(file);
    if (check.config.staff.pinHash != hash) {
        std::cerr << "kiosk: the PIN was written but " << file << " does not read back; check its [staff] section\n";
        return 1;
    }
    std::printf("PIN set in %s\n", file.c_str());
    // So that a config that later cannot be read keeps staff mode locked (docs/staff.md);
    // the kiosk also records it whenever it starts with a PIN.
    if (core::recordPinSet(p.dataDir)) std::printf("Noted in %s\n", core::pinSetMarker(p.dataDir).c_str());
    else
        std::cerr << "kiosk: note: " << p.dataDir << " is not there, so the PIN is noted there when the kiosk next starts "
                  << "(pass --data-dir of the kiosk, e.g. /var/lib/stand-kiosk, to note it now)\n";
    return 0;
}

} // namespace kiosk::cli
