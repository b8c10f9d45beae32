#!/usr/bin/env python3
"""End-to-end test of `kiosk check-content`: the real binary on the shipped content
and on the fixture folders (tests/fixtures), then hostile files (issue 10): too deep, too
large, unreadable, a huge logo, and the kiosk itself (under a private Xvfb) starting on the
worst of them. Standard library only.

Usage: test_check_content.py --kiosk BIN --content CONTENTDIR --fixtures FIXTURESDIR

Prints one line per check and ends with `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

# `file:line: key: what — fix` (docs/content.md); warnings carry a "warning: " prefix.
PROBLEM_WITH_LINE = re.compile(r"^[^:]+:\d+: [^:]+: .+ — .+$")
PROBLEM_WITHOUT_LINE = re.compile(r"^[^:]+: .+ — .+$")
SUMMARY = re.compile(r"^(?P<dir>.+): (?P<companies>\d+) companies, (?P<sectors>\d+) sectors, "
                     r"(?P<strings>\d+) strings; (?P<errors>\d+) errors, (?P<warnings>\d+) warnings$")


def run(kiosk, *args):
    """Runs the kiosk; returns (exit code, stdout lines, stderr lines)."""
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # check-content must not need a window
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.run([kiosk, *args], capture_output=True, text=True, encoding="utf-8", timeout=60, env=env)
    return proc.returncode, proc.stdout.splitlines(), proc.stderr.splitlines()


def describe(rc, out, err):
    return f"exit {rc}\nstdout:\n" + "\n".join(out) + "\nstderr:\n" + "\n".join(err)


def strip_warning(line):
    return line[len("warning: "):] if line.startswith("warning: ") else line


def summary_of(out):
    matches = [SUMMARY.match(line) for line in out]
    matches = [m for m in matches if m]
    return matches[0] if len(matches) == 1 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--content", required=True)
    ap.add_argument("--fixtures", required=True)
    args = ap.parse_args()

    c = harness.Results("PASS ", details="indented")
    kiosk, content, fixtures = args.kiosk, args.content, args.fixtures
    broken = os.path.join(fixtures, "broken")
    minimal = os.path.join(fixtures, "minimal")

    # 1. The shipped content: exit 0, one summary line, nothing on stderr.
    rc, out, err = run(kiosk, "check-content", content)
    c.check("shipped content: exit 0", rc == 0, describe(rc, out, err))
    m = summary_of(out)
    c.check("shipped content: one summary line on stdout", m is not None, describe(rc, out, err))
    c.check("shipped content: summary counts 9 companies, 3 sectors, 0 errors, 0 warnings",
            m is not None and (m["companies"], m["sectors"], m["errors"], m["warnings"]) == ("9", "3", "0", "0"),
            describe(rc, out, err))
    c.check("shipped content: nothing on stderr", err == [], describe(rc, out, err))

    # 2. The same through --content DIR (after the command's name, and before it).
    rc2, out2, err2 = run(kiosk, "check-content", "--content", content)
    c.check("check-content --content DIR: exit 0 and the same summary",
            rc2 == 0 and summary_of(out2) is not None and out2 == out, describe(rc2, out2, err2))
    rc3, out3, err3 = run(kiosk, "--content", content, "check-content")
    c.check("--content DIR check-content: exit 0 and the same summary",
            rc3 == 0 and out3 == out, describe(rc3, out3, err3))

    # 3. A small valid fixture folder.
    rc, out, err = run(kiosk, "check-content", minimal)
    m = summary_of(out)
    c.check("minimal fixture: exit 0, 1 company, no problems",
            rc == 0 and m is not None and m["companies"] == "1" and m["errors"] == "0" and err == [],
            describe(rc, out, err))

    # 4. The broken fixture folder: non-zero exit, every problem as `file:line: key: what — fix`.
    rc, out, err = run(kiosk, "check-content", broken)
    detail = describe(rc, out, err)
    c.check("broken fixture: non-zero exit", rc != 0, detail)
    m = summary_of(out)
    c.check("broken fixture: summary on stdout counts the errors (and no warnings)",
            m is not None and int(m["errors"]) > 0 and int(m["warnings"]) == 0
            and int(m["errors"]) == len(err), detail)

    def with_line(file_suffix, key=None):
        found = []
        for line in err:
            text = strip_warning(line)
            head = text.split(":", 1)[0]
            if head.endswith(file_suffix) and PROBLEM_WITH_LINE.match(text):
                if key is None or text.split(": ", 2)[1] == key:
                    found.append(text)
        return found

    syntax = with_line("companies/syntax-error.toml")
    c.check("broken fixture: the syntax error is `file:4: …: … — fix`",
            len(syntax) == 1 and re.match(r"^[^:]*companies/syntax-error\.toml:4: ", syntax[0]) is not None, detail)
    typo = with_line("companies/typo-key.toml", "websit")
    c.check("broken fixture: the unknown key is `file:11: websit: unknown key — fix`",
            len(typo) == 1 and re.match(r"^[^:]*companies/typo-key\.toml:11: websit: unknown key — .+$", typo[0])
            is not None, detail)
    sector = with_line("sectors.toml", "sector.color")
    c.check("broken fixture: the bad colour is reported at sectors.toml:12",
            len(sector) == 1 and ":12: " in sector[0], detail)
    lang = with_line("companies/one-language.toml", "tagline.en")
    c.check("broken fixture: the one-language text is reported at one-language.toml:9",
            len(lang) == 1 and ":9: " in lang[0], detail)
    bad = [line for line in err
           if not (PROBLEM_WITH_LINE.match(strip_warning(line)) or PROBLEM_WITHOUT_LINE.match(strip_warning(line)))]
    c.check("broken fixture: every stderr line has the `file[:line]: [key: ]what — fix` form", bad == [],
            "\n".join(bad) or detail)
    # A logo the stand cannot show is an error: check-content is how editors know it looks right.
    logos = [line for line in err if ": logo: " in line]
    c.check("broken fixture: the 4 logo problems are errors with file:line, not warnings",
            len(logos) == 4 and all(PROBLEM_WITH_LINE.match(line) for line in logos), detail)

    # 5. A missing folder: non-zero exit and one problem naming it.
    with tempfile.TemporaryDirectory(prefix="kiosk-e2e-") as tmp:
        missing = os.path.join(tmp, "no-such-content")
        rc, out, err = run(kiosk, "check-content", missing)
        c.check("missing folder: non-zero exit and one problem naming it",
                rc != 0 and len(err) == 1 and err[0].startswith(missing + ": "), describe(rc, out, err))

        # 6. A copy of the minimal fixture with one unknown key: exit 1, exactly that problem.
        copy = os.path.join(tmp, "content")
        shutil.copytree(minimal, copy)
        company = os.path.join(copy, "companies", "example-one.toml")
        with open(company, encoding="utf-8") as f:
            lines = f.read().splitlines(keepends=True)
        lines.insert(2, "regon = \"ruhr\"\n")  # becomes line 3, among the top-level keys
        with open(company, "w", encoding="utf-8") as f:
            f.writelines(lines)
        rc, out, err = run(kiosk, "check-content", "--content", copy)
        c.check("one typo in a copied folder: exit 1 and exactly that problem",
                rc == 1 and len(err) == 1 and PROBLEM_WITH_LINE.match(err[0]) is not None
                and re.search(r"example-one\.toml:3: regon: unknown key — ", err[0]) is not None, describe(rc, out, err))

        # 7. A broken form.toml (issue 11): exit 1 and its one problem with file and line; the
        #    built-in form is what the kiosk would show.
        form_dir = os.path.join(tmp, "broken-form")
        shutil.copytree(minimal, form_dir)
        with open(os.path.join(form_dir, "form.toml"), "w", encoding="utf-8") as f:
            f.write('[[field]]\nid = "first_name"\nkind = "name"\nrequired = true\n'
                    'label = { de = "Vorname", en = "First name" }\n'
                    '[[field]]\nid = "email"\nkind = "email"\nrequired = false\n'
                    'label = { de = "E-Mail", en = "Email" }\n')
        rc, out, err = run(kiosk, "check-content", form_dir)
        c.check("a form.toml with an optional email: exit 1 and `form.toml:9: field.required: …` only",
                rc == 1 and len(err) == 1
                and re.match(r"^.*form\.toml:9: field\.required: the email field must be required: .+ — .+$", err[0])
                is not None, describe(rc, out, err))

        # 8. Hostile files (issue 10): refused with file[:line] and a clear message, quickly.
        hostile_cases(c, kiosk, minimal, tmp)

    return c.summary()


def png_1bit(width, height):
    """A valid 1-bit grey PNG of width x height px, all black; tiny when compressed."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    z = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def timed_run(kiosk, *args, user=None):
    start = time.monotonic()
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    proc = subprocess.run([kiosk, *args], capture_output=True, text=True, encoding="utf-8", timeout=120, env=env,
                          user=user)
    return time.monotonic() - start, proc.returncode, proc.stdout.splitlines(), proc.stderr.splitlines()


def hostile_cases(c, kiosk, minimal, tmp):
    def fresh(name):
        d = os.path.join(tmp, name)
        shutil.copytree(minimal, d)
        return d

    for levels in (19000, 60000):
        d = fresh(f"deep-{levels}")
        with open(os.path.join(d, "strings.toml"), "w", encoding="utf-8") as f:
            f.write("[" + "a." * (levels - 1) + "a]\nde = \"x\"\nen = \"y\"\n")
        s, rc, out, err = timed_run(kiosk, "check-content", d)
        found = [line for line in err if re.match(r"^.*strings\.toml:1: too deeply nested .+ — .+$", line)]
        c.check(f"a {levels}-level table header: exit 1 with `strings.toml:1: too deeply nested` in < 2 s ({s:.2f} s)",
                rc == 1 and len(found) == 1 and s < 2, describe(rc, out, err))

    d = fresh("huge")
    with open(os.path.join(d, "event.toml"), "w", encoding="utf-8") as f:
        f.write("# " + "x" * (10 * 1024 * 1024) + "\n")
    s, rc, out, err = timed_run(kiosk, "check-content", d)
    found = [line for line in err if re.match(r"^.*event\.toml: is 10\.0 MiB — max 4\.0 MiB", line)]
    c.check(f"a 10 MiB event.toml: exit 1 with `event.toml: is 10.0 MiB — max 4.0 MiB` in < 2 s ({s:.2f} s)",
            rc == 1 and len(found) == 1 and s < 2, describe(rc, out, err))

    d = fresh("big-logo")
    with open(os.path.join(d, "logos", "ok.png"), "wb") as f:
        f.write(png_1bit(30000, 30000))
    s, rc, out, err = timed_run(kiosk, "check-content", d)
    found = [line for line in err
             if re.match(r"^.*example-one\.toml:4: logo: 'logos/ok\.png' is 30000×30000 px: too large \(max 4096 px\) — ", line)]
    c.check(f"a 30000x30000 px logo: exit 1, `too large (max 4096 px)` on its line in < 1 s ({s:.2f} s)",
            rc == 1 and len(found) == 1 and s < 1, describe(rc, out, err))

    d = fresh("missing-logo")
    os.remove(os.path.join(d, "logos", "ok.png"))
    rc, out, err = run(kiosk, "check-content", d)
    m = summary_of(out)
    c.check("a missing logo is an error: exit 1, `file:4: logo: …` without `warning:`, the company still counted",
            rc == 1 and len(err) == 1 and re.match(r"^.*example-one\.toml:4: logo: .+ — .+$", err[0]) is not None
            and m is not None and m["companies"] == "1", describe(rc, out, err))

    # The kiosk itself on the worst of it: it starts, and shows the company whose logo is
    # missing (with the placeholder) although check-content fails.
    d = fresh("kiosk-survives")
    os.remove(os.path.join(d, "logos", "ok.png"))
    with open(os.path.join(d, "strings.toml"), "w", encoding="utf-8") as f:
        f.write("[" + "a." * 59999 + "a]\n")
    with open(os.path.join(d, "event.toml"), "w", encoding="utf-8") as f:
        f.write("# " + "x" * (10 * 1024 * 1024) + "\n")
    xvfb, display = harness.start_xvfb("1280x720")
    try:
        kiosk_proc = harness.kiosk_script(kiosk, display, "--content", d, "--data-dir", os.path.join(tmp, "data"),
                                          "--windowed", "1280x720", stderr_path=os.path.join(tmp, "kiosk.err"), timeout=60)
        ok, answer = kiosk_proc.run(["tap attract.start", "expect-screen browse"])
        ids = kiosk_proc.ids() if ok else {}
        kiosk_proc.cmd("quit")
        code = kiosk_proc.close()
    finally:
        xvfb.terminate()
        xvfb.wait()
    with open(os.path.join(tmp, "kiosk.err"), encoding="utf-8") as f:
        err = f.read()
    c.check("the kiosk starts on a 60,000-level strings.toml, a 10 MiB event.toml and a missing logo, and shows the company",
            ok and "browse.card.example-one" in ids and code == 0 and "too deeply nested" in err and "10.0 MiB" in err,
            f"{answer}\nexit {code}\nstderr:\n{err[-3000:]}")

    # Unreadable: as root chmod 000 does not stop reading, so the kiosk then runs as nobody.
    d = fresh("unreadable")
    os.chmod(tmp, 0o755)
    os.chmod(os.path.join(d, "consent.toml"), 0)
    user = 65534 if os.geteuid() == 0 else None
    s, rc, out, err = timed_run(kiosk, "check-content", d, user=user)
    found = [line for line in err if re.match(r"^.*consent\.toml: cannot be read: permission denied — .+$", line)]
    c.check("an unreadable consent.toml: exit 1 with `consent.toml: cannot be read: permission denied — …`",
            rc == 1 and len(found) == 1 and not any("not valid TOML" in line or "not found" in line for line in err),
            describe(rc, out, err))


if __name__ == "__main__":
    sys.exit(main())
