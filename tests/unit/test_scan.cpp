// Badge and phone codes (kiosk/core/scan): contacts in vCard 2.1/3.0/4.0, MeCard, mailto: and
// plain addresses as field values; the keyboard-wedge burst decoder; the serial reader on a pty.
#include "../support/test_support.hpp"
#include "core/config.hpp"
#include "core/scan/contact.hpp"
#include "core/scan/serial_scanner.hpp"
#include "core/scan/wedge.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace kiosk::core;

namespace {
/// "first_name=Zoë|last_name=Müller|…" for compact checks; "-" for nothing.
std::string fields(std::string_view code) {
    const auto c = parseContact(code);
    if (!c) return "-";
    std::string out;
    for (const auto& [id, v] : c->fields)
        out += (out.empty() ? "" : "|") + id + "=" + v;
    return out;
}
} // namespace

TEST_CASE("vCard 3.0 and 4.0: name, several emails (the preferred one), organisation, title, phone") {
    CHECK(fields(
              "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Zoë;;Dr.;\r\nFN:Dr. Zoë Müller\r\n"
              "EMAIL;TYPE=INTERNET,WORK:zoe@work.example.de\r\nEMAIL;TYPE=INTERNET,PREF:Zoe.Mueller@Home.Example.DE\r\n"
              "ORG:Ruhr Wasserstoff GmbH;Forschung\r\nTITLE:Leiterin Forschung\r\nTEL;TYPE=CELL:+49 170 1234567\r\n"
              "END:VCARD\r\n") ==
          "first_name=Zoë|last_name=Müller|email=Zoe.Mueller@home.example.de|company=Ruhr Wasserstoff GmbH|"
          "job_title=Leiterin Forschung|phone=+49 170 1234567");
    // 4.0: PREF=1 beats PREF=2 whatever the order; tel: URIs; groups (item1.); LF line ends.
    CHECK(fields("BEGIN:VCARD\nVERSION:4.0\nFN:Łukasz Żółć\nitem1.EMAIL;PREF=2:b@x.pl\nEMAIL;PREF=1:a@x.pl\n"
                 "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+48-22-555-0101\nEND:VCARD") ==
          "first_name=Łukasz|last_name=Żółć|email=a@x.pl|phone=+48-22-555-0101");
    // The first plausible email when none is preferred; an implausible preferred one is passed over.
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane\nEMAIL;TYPE=PREF:not-an-address\nEMAIL:jane@doe.example\n"
                 "EMAIL:second@doe.example\nEND:VCARD") == "first_name=Jane|last_name=Doe|email=jane@doe.example");
}

TEST_CASE("vCard 2.1: quoted-printable umlauts with soft line breaks, CHARSET=UTF-8 and ISO-8859-1") {
    CHECK(fields("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\r\n"
                 "ORG;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Stra=C3=9Fen- und Br=C3=BCckenbau Gelsen=\r\n"
                 "kirchen GmbH\r\nEMAIL;PREF;INTERNET:zoe@example.de\r\nEND:VCARD\r\n") ==
          "first_name=Zoë|last_name=Müller|email=zoe@example.de|company=Straßen- und Brückenbau Gelsenkirchen GmbH");
    // Latin-1, quoted-printable and raw bytes; the bare QUOTED-PRINTABLE parameter of 2.1.
    CHECK(fields("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:J=F6rg;M=FC=DFig\r\n"
                 "TITLE;CHARSET=ISO-8859-1:Gesch\xE4"
                 "ftsf\xFChrer\r\nEND:VCARD") == "first_name=Müßig|last_name=Jörg|job_title=Geschäftsführer");
}

TEST_CASE("vCard: folded lines, escapes, decomposed input becomes NFC, only the first card") {
    CHECK(fields("BEGIN:VCARD\r\nVERSION:3.0\r\nN:O'Brien\\, Jr.;Se\r\n \xC3\xA1n\r\nORG:Smith \\; Sons\\\\Partners\r\n"
                 "TITLE:Head of\\nSales\r\nEND:VCARD\r\nBEGIN:VCARD\r\nN:Other;Person\r\nEND:VCARD\r\n") ==
          "first_name=Seán|last_name=O'Brien, Jr.|company=Smith ; Sons\\Partners|job_title=Head of Sales");
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Zo\xCC\x88"
                 "e;Ana\nEND:VCARD") == "first_name=Ana|last_name=Zöe");
    // Several given names in one component.
    CHECK(fields("BEGIN:VCARD\nVERSION:3.0\nN:Schmidt;Anna,Maria\nEND:VCARD") ==
          "first_name=Anna Maria|last_name=Schmidt");
}

TEST_CASE("MeCard with its escapes, N as last,first") {
    CHECK(fields("MECARD:N:Müller,Zoë;EMAIL:zoe@example.de;TEL:+4920112345;ORG:A\\;B \\: C;;") ==
          "first_name=Zoë|last_name=Müller|email=zoe@example.de|company=A;B : C|phone=+4920112345");
    CHECK(fields("MECARD:N:Dupont\\,Fils,Jean;EMAIL:bad;EMAIL:jean@dupont.example.fr;NOTE:x;;") ==
          "first_name=Jean|last_name=Dupont,Fils|email=jean@dupont.example.fr");
    CHECK(fields("mecard:N:Zoë Müller;;") == "first_name=Zoë|last_name=Müller");
}

TEST_CASE("mailto: URIs and plain addresses") {
    CHECK(fields("mailto:zo%C3%AB.m%C3%BCller@Example.DE?subject=Hallo&cc=boss@example.de") ==
          "email=zoë.müller@example.de");
    CHECK(fields("mailto:?to=jan%40example.nl&cc=x@y.example") == "email=jan@example.nl");
    CHECK(fields("mailto:bad,second@example.org") == "email=second@example.org");
    CHECK(fields("MAILTO:") == "-");
    CHECK(fields("mailto:%C3%28@example.de") == "-"); // percent-decodes to invalid UTF-8
    CHECK(fields("  Zoe@Example.DE\r\n") == "email=Zoe@example.de");
}

TEST_CASE("codes that cannot fill the form give nothing") {
    for (const char* code :
         {"", "   ", "TKT-2026-000123", "4006381333931", "https://messe.example/t/8f3a2c",
          "WIFI:S:Stand;T:WPA;P:secret;;", "BEGIN:VCARD\r\nVERSION:3.0\r\nURL:https://x.example\r\nEND:VCARD",
          "BEGIN:VCARD\r\nEND:VCARD", "MECARD:;;", "MECARD:URL:https://x.example;;", "a@b", "two words@x.de",
          "@example.de", "BEGIN:VCARD\nN:Zo\xC3", "MECARD:N:M\xFCller,Zo\xEB;;", "zo\xEB@example.de",
          "BEGIN:VCARD\nN;CHARSET=UTF-8:M\xFCller;Zo\xEB\nEND:VCARD"}) {
        CAPTURE(code);
        CHECK(fields(code) == "-");
    }
    CHECK(fields(std::string_view("a@b.de\0x", 8)) == "-");
}

TEST_CASE("10 KB of noise and long inputs return nothing, fast") {
    std::mt19937 rng(12);
    std::string noise(10 * 1024, '\0');
    for (auto& ch : noise)
        ch = static_cast<char>(rng());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(!parseContact(noise));
    // Within the limit: a vCard of 4 KB folded lines and escapes, and 4 KB of noise behind BEGIN:VCARD.
    std::string folded = "BEGIN:VCARD\nN:";
    while (folded.size() < kMaxCodeBytes - 20)
        folded += "\n \\;\\,=";
    CHECK(parseContact(folded + "\nEND:VCARD")->value("last_name")->size() > 1500); // ";,=" hundreds of times
    std::string vnoise = "BEGIN:VCARD\n" + noise.substr(0, kMaxCodeBytes - 12);
    (void)parseContact(vnoise);
    (void)parseContact("MECARD:" + noise.substr(0, kMaxCodeBytes - 7));
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("noise parsed in " << ms << " ms");
    CHECK(ms < 50);
    CHECK(!parseContact(std::string(kMaxCodeBytes + 1, 'a') + "@example.de"));
}

// ---- keyboard wedge -------------------------------------------------------------------------

namespace {
/// The key events a scanner set to `layout` sends for `text` (down and up, Shift or AltGr around
/// a key that needs it), `dt` apart: found through the layout table itself.
std::vector<WedgeKey> scannerKeys(ScannerLayout layout, const std::string& text, double t0, double dt) {
    std::vector<WedgeKey> out;
    double t = t0;
    auto add = [&](int usage, bool down, bool shift, bool altGr) {
        out.push_back({usage, down, shift, altGr, false, false, t});
        t += dt;
    };
    for (size_t i = 0; i < text.size();) {
        size_t n = 1;
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80)
            ++n;
        const std::string ch = text.substr(i, n);
        i += n;
        bool found = false;
        for (int level = 0; level < 3 && !found; ++level)
            for (int usage = 4; usage <= 0x64 && !found; ++usage) {
                const bool shift = level == 1, altGr = level == 2;
                if (scannerChar(layout, usage, shift, altGr) != ch) continue;
                found = true;
                const int mod = shift ? 0xE1 : 0xE6;
                if (shift || altGr) add(mod, true, shift, altGr);
                add(usage, true, shift, altGr);
                add(usage, false, shift, altGr);
                if (shift || altGr) add(mod, false, false, false);
            }
        REQUIRE_MESSAGE(found, "no key for " << ch);
    }
    return out;
}

struct Fed {
    int released = 0, scans = 0;
    std::string code;
};

/// Feeds events as the platform does (idle before each key, then once after the last).
Fed feed(WedgeDecoder& d, const std::vector<WedgeKey>& keys) {
    Fed f;
    int held = 0;
    auto verdict = [&](WedgeDecoder::Verdict v) {
        if (v == WedgeDecoder::Verdict::Release) f.released += held, held = 0;
        if (v == WedgeDecoder::Verdict::Scan) ++f.scans, held = 0, f.code = d.takeScan();
    };
    for (const auto& k : keys) {
        verdict(d.idle(k.t));
        ++held;
        verdict(d.key(k));
    }
    verdict(d.idle(keys.back().t + 1.0));
    return f;
}
} // namespace

TEST_CASE("a US scanner's burst is decoded from key positions, not from the PC's layout") {
    // What a German layout would make of it: "BEGIN:VCARD" fine, but y/z swapped and no @.
    const std::string vcard =
        "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\n"
        "EMAIL:zoe.yz@example.de\nEND:VCARD\n";
    WedgeDecoder d(ScannerLayout::Us);
    const auto keys = scannerKeys(ScannerLayout::Us, vcard, 10.0, 0.004);
    const Fed f = feed(d, keys);
    CHECK(f.scans == 1);
    CHECK(f.released == 0);
    CHECK(f.code == vcard.substr(0, vcard.size() - 1)); // the closing Enter is the end, not the code
    CHECK(fields(f.code) == "first_name=Zoë|last_name=Müller|email=zoe.yz@example.de");
    // The @ is Shift + the 2 key on US, AltGr + Q on a scanner set to German.
    CHECK(scannerChar(ScannerLayout::Us, 0x1F, true, false) == "@");
    CHECK(scannerChar(ScannerLayout::De, 0x14, false, true) == "@");
    CHECK(scannerChar(ScannerLayout::De, 0x1D, false, false) == "y");
    CHECK(scannerChar(ScannerLayout::Us, 0x1D, false, false) == "z");
}

TEST_CASE("a scanner set to German: the same code through the German table") {
    WedgeDecoder d(ScannerLayout::De);
    const Fed f = feed(d, scannerKeys(ScannerLayout::De, "MECARD:N:Müller,Zoe;EMAIL:zoe@example.de;;\t", 0, 0.002));
    CHECK(f.scans == 1);
    CHECK(f.code == "MECARD:N:Müller,Zoe;EMAIL:zoe@example.de;;");
}

TEST_CASE("a person's typing passes through: slow keys, short bursts, no Enter at the end, Ctrl") {
    WedgeDecoder d;
    // 80 ms apart: every key is released once the gap has passed, at most kMaxScanKeyGapS late.
    const auto slow = scannerKeys(ScannerLayout::Us, "zoe@example.de\n", 0, 0.08);
    Fed f = feed(d, slow);
    CHECK(f.scans == 0);
    CHECK(f.released == int(slow.size()));
    WedgeDecoder d1;
    CHECK(d1.key({0x1D, true, false, false, false, false, 5.0}) == WedgeDecoder::Verdict::Hold);
    CHECK(d1.deadline() == doctest::Approx(5.0 + kMaxScanKeyGapS));
    CHECK(d1.idle(5.0 + kMaxScanKeyGapS / 2) == WedgeDecoder::Verdict::Hold);
    CHECK(d1.idle(5.0 + kMaxScanKeyGapS + 0.001) == WedgeDecoder::Verdict::Release);
    CHECK(!d1.holding());
    // Fast but short, or fast without Enter/Tab: typing (a person's rollover, a paste).
    WedgeDecoder d2;
    f = feed(d2, scannerKeys(ScannerLayout::Us, "abc\n", 0, 0.005));
    CHECK((f.scans == 0 && f.released == 8));
    WedgeDecoder d3;
    f = feed(d3, scannerKeys(ScannerLayout::Us, "abcdefghij", 0, 0.005));
    CHECK(f.scans == 0);
    // Enter or Backspace alone is never held.
    WedgeDecoder d4;
    CHECK(d4.key({0x28, true, false, false, false, false, 0}) == WedgeDecoder::Verdict::Release);
    CHECK(d4.key({0x2A, true, false, false, false, false, 0}) == WedgeDecoder::Verdict::Release);
    // Ctrl in the middle: a person (Ctrl+V), everything goes through.
    WedgeDecoder d5;
    auto keys = scannerKeys(ScannerLayout::Us, "abcdefgh\n", 0, 0.005);
    for (size_t i = 4; i < keys.size(); ++i)
        keys[i].other = true; // Ctrl held from here on
    keys.insert(keys.begin() + 4, WedgeKey{0xE0, true, false, false, false, false, keys[3].t});
    f = feed(d5, keys);
    CHECK(f.scans == 0);
    CHECK(f.released == int(keys.size()));
}

TEST_CASE("a burst with a key the scanner's layout has no character for is a scan that cannot be read") {
    WedgeDecoder d(ScannerLayout::De);
    auto keys = scannerKeys(ScannerLayout::De, "TKT12345\n", 0, 0.003);
    keys.insert(keys.begin() + 2, WedgeKey{0x2E, true, false, false, false, false, keys[1].t}); // ´, a dead key
    const Fed f = feed(d, keys);
    CHECK(f.scans == 1);
    CHECK(f.code.empty());
    // Longer than any code (a stuck key, a scanner gone wild): a scan that cannot be read, not typing.
    WedgeDecoder d2;
    const Fed g = feed(d2, scannerKeys(ScannerLayout::Us, std::string(kMaxCodeBytes + 1, 'x') + "\n", 0, 0.001));
    CHECK(g.scans == 1);
    CHECK(g.code.empty());
}

TEST_CASE("[scanner] in kiosk.toml: layout and device, every mistake with file, line and fix") {
    kiosk::test::TempDir dir("scanner");
    const auto file = dir.path() / "kiosk.toml";
    kiosk::test::TempDir::write(file, "[scanner]\nlayout = \"de\"\ndevice = \"auto\"\n");
    ConfigLoad ok = loadConfig(file);
    CHECK(ok.problems.empty());
    CHECK(ok.config.scanner.layout == ScannerLayout::De);
    CHECK(ok.config.scanner.device == "auto");
    CHECK(loadConfig({}).config.scanner.layout == ScannerLayout::Us);
    CHECK(loadConfig({}).config.scanner.device.empty());

    kiosk::test::TempDir::write(file, "[scanner]\nlayout = \"fr\"\ndevice = \"ttyACM0\"\nlayuot = \"us\"\n");
    const ConfigLoad bad = loadConfig(file);
    std::string all;
    for (const auto& p : bad.problems)
        all += p.format() + "\n";
    CAPTURE(all);
    REQUIRE(bad.problems.size() == 3);
    CHECK(bad.problems[0].format() == file.string() +
                                          ":2: scanner.layout: unknown layout 'fr' \u2014 use \"us\" or \"de\", "
                                          "as the scanner is set (most are set to \"us\")");
    CHECK(bad.problems[1].line == 3);
    CHECK(bad.problems[1].key == "scanner.device");
    CHECK(bad.problems[2].key.find("layuot") != std::string::npos);
    CHECK(bad.config.scanner.layout == ScannerLayout::Us); // the default stays
    CHECK(bad.config.scanner.device.empty());
}

// ---- serial -----------------------------------------------------------------------------------

namespace {
/// A pseudo-terminal standing in for a USB CDC-ACM scanner, reachable under `link`.
struct FakeScanner {
    int master = -1;
    std::filesystem::path link;
    explicit FakeScanner(std::filesystem::path at) : link(std::move(at)) {
        master = ::posix_openpt(O_RDWR | O_NOCTTY);
        REQUIRE(master >= 0);
        REQUIRE(::grantpt(master) == 0);
        REQUIRE(::unlockpt(master) == 0);
        std::filesystem::create_symlink(::ptsname(master), link);
    }
    void send(std::string_view bytes) const {
        REQUIRE(::write(master, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
    }
    ~FakeScanner() { unplug(); }
    void unplug() {
        if (master < 0) return;
        ::close(master);
        master = -1;
        std::filesystem::remove(link);
    }
};

struct Codes {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::string> got;
    void add(std::string c) {
        std::lock_guard lock(mutex);
        got.push_back(std::move(c));
        cv.notify_all();
    }
    /// The n-th code (from 0), waiting up to 3 s for it.
    std::string wait(size_t n) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, std::chrono::seconds(3), [&] { return got.size() > n; });
        return got.size() > n ? got[n] : "(none)";
    }
};

bool waitFor(const std::function<bool()>& ready) {
    for (int i = 0; i < 300 && !ready(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return ready();
}
} // namespace

TEST_CASE("serial scanner on a pseudo-terminal: one code per scan, line breaks inside a vCard, replugged") {
    kiosk::test::TempDir dir("serial");
    const auto device = dir.path() / "ttyACM0";
    Codes codes;
    auto fake = std::make_unique<FakeScanner>(device);
    SerialScanner reader(device.string(), [&](std::string c) { codes.add(std::move(c)); });
    reader.start();
    REQUIRE(waitFor([&] { return reader.connected(); }));

    fake->send("MECARD:N:M\xC3\xBCller,Zo\xC3\xAB;EMAIL:zoe@example.de;;\r\n");
    CHECK(codes.wait(0) == "MECARD:N:Müller,Zoë;EMAIL:zoe@example.de;;");
    // A vCard arrives in pieces with CR LF inside: one code, after the last line's CR LF.
    fake->send("BEGIN:VCARD\r\nVERSION:3.0\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    fake->send("N:Doe;Jane\r\nEND:VCARD\r\n");
    CHECK(codes.wait(1) == "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane\r\nEND:VCARD");
    // No suffix: the quiet gap ends it.
    fake->send("TKT-2026-000123");
    CHECK(codes.wait(2) == "TKT-2026-000123");
    // More than a code can be: reported as nothing readable, not cut.
    fake->send(std::string(kMaxCodeBytes + 10, 'x') + "\r");
    CHECK(codes.wait(3).empty());

    // Unplugged, and back (a new pseudo-terminal under the same name).
    fake->unplug();
    REQUIRE(waitFor([&] { return !reader.connected(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    fake = std::make_unique<FakeScanner>(device);
    REQUIRE(waitFor([&] { return reader.connected(); }));
    fake->send("zoe@example.de\r");
    CHECK(codes.wait(4) == "zoe@example.de");
    const auto t0 = std::chrono::steady_clock::now();
    reader.stop();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
    CHECK(codes.got.size() == 5);
}
