#!/usr/bin/env python3
"""Visitors' data does not linger: the real kiosk under Xvfb (1920x1080, virtual clock), driven
through `--script -`, and core dumps of the live process taken with gcore (gdb).

A visitor types into the sign-up form and then
1. walks away: the idle timeout wipes the visit (`wait` past kiosk.idle_timeout_s);
2. taps "cancel";
   and again, with the email typed by a badge scanner (a keyboard wedge: xdotool types it
   in one burst through X11, SDL and ImGui's input queue of 16-bit characters);
3. completes a sign-up, with text typed and deleted again and a message whose spacing the
   form cleans before storing it, and taps "done" on the thanks screen;
4. with 500 companies (bench/make_content.py), types into the exhibitor search and cancels.
After each, `gcore` dumps the running kiosk and the dump must not hold the text the visitor
typed and that was not stored, in UTF-8 nor in UTF-16 (ImGui's ImWchar). A dump taken before
the first wipe must hold it: that shows the text reached the process and the search finds it.

How the text gets in without the process keeping a copy of its own: a script line
`type TEXT` would hold the whole text in the stdin buffer, the script player's line and
command, and the `ok N type TEXT` echo on stdout. So the text is tapped key by key
(`tap kbd.char.<c>`, `kbd.space`, `kbd.shift`, `kbd.backspace`; docs/automation.md): no
line, and so no buffer of the script player, ever holds more than one of its characters,
and `expect-text` (whose line would hold it too) is never used with it.

What counts as "the text": every 6-character run of what was typed that is not also part of
something the kiosk stores (the stored lead is in SQLite's page cache, and that is fine).
The markers are runs of rare letters, so a 6-character run shows up nowhere by chance.
Not checked: single characters (a key event, the keyboard's one-letter preview) and the
glyph quads of the last sign-up frame that ImGui's draw lists may still hold (positions and
atlas coordinates, not text).
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import make_content  # noqa: E402

WINDOW = 6
NAME_FIELDS = ("first_name", "last_name", "company", "job_title")


def windows(text):
    return {text[i:i + WINDOW] for i in range(len(text) - WINDOW + 1)}


def patterns(typed, stored=()):
    """The runs of `typed` that must not be in a dump, as UTF-8 and UTF-16LE bytes."""
    keep = set().union(*(windows(s) for s in stored)) if stored else set()
    runs = set().union(*(windows(t) for t in typed)) - keep
    out = {}
    for r in sorted(runs):
        out[r.encode("utf-8")] = f"{r!r} (UTF-8)"
        out[r.encode("utf-16-le")] = f"{r!r} (UTF-16)"
    return out


class Visitor:
    """Taps the on-screen keyboard key by key, tracking its one-shot shift."""

    def __init__(self, kiosk, results):
        self.k = kiosk
        self.r = results
        self.shift = False

    def do(self, line):
        ok, answer = self.k.cmd(line)
        if not ok:
            self.r.check(line, False, answer)
        return ok

    def focus(self, field, empty=True):
        # An empty name field starts with shift on (names start with a capital).
        self.shift = empty and field in NAME_FIELDS
        return self.do(f"tap signup.{field}")

    def keys(self, text):
        for ch in text:
            if ch == " ":
                self.do("tap kbd.space")
                continue
            if ch.isalpha() and ch.isupper() != self.shift:
                self.do("tap kbd.shift")
                self.shift = not self.shift
            self.do(f"tap kbd.char.{ch}")
            if ch.isalpha():
                self.shift = False

    def backspace(self, n):
        for _ in range(n):
            self.do("tap kbd.backspace")

    def fill(self, values):
        for field, text in values.items():
            self.focus(field)
            self.keys(text)
        self.do("tap kbd.done")


def core_dump(pid, prefix):
    """The live process's memory as gcore writes it (the process runs on afterwards)."""
    written = f"{prefix}.{pid}"
    p = subprocess.run(["gcore", "-o", prefix, str(pid)], capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or not os.path.exists(written):
        raise RuntimeError(f"gcore failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    with open(written, "rb") as f:
        data = f.read()
    os.remove(written)
    return data


def found(dump, pats):
    """[(what, count, first offset)] for each pattern present in the dump."""
    hits = []
    for b, what in pats.items():
        at = dump.find(b)
        if at >= 0:
            hits.append((what, dump.count(b), at))
    return hits


def describe(hits, limit=8):
    shown = ", ".join(f"{w} x{n} at {at:#x}" for w, n, at in hits[:limit])
    return shown + (f" and {len(hits) - limit} more" if len(hits) > limit else "")


def main() -> int:
    kiosk_bin, out = harness.kiosk_and_out()
    data = os.path.join(out, "data")
    r = harness.Results()
    if not r.check("gcore is installed (gdb)", shutil.which("gcore"), "apt-get install gdb"):
        return r.summary()
    t_start = time.monotonic()
    dumps = os.path.join(out, "core")
    with harness.KioskSession(out) as session:
        display = session.display
        kiosk = session.start(kiosk_bin, "--data-dir", data)
        v = Visitor(kiosk, r)
        pid = kiosk.proc.pid
        # Longer than 30 characters each, so that heap blocks freed on the way hold the middle of a marker.
        idle = {"first_name": "Zqxjvkwp" * 5, "email": "qxjvkwpzq" * 4, "message": "wpzq xjvk " * 4}

        # -- 1: the idle wipe ---------------------------------------------------------------
        v.do("tap attract.start")
        v.do("tap browse.signup")
        v.do("expect-screen signup")
        v.fill(idle)
        idle_pats = patterns(idle.values())
        hits = found(core_dump(pid, dumps), idle_pats)
        r.check("before the wipe, a core dump holds the typed text (the search finds it)", hits,
                "none found: the typing did not land, or the search is broken")
        r.check("before the wipe, the typed text is found in UTF-8",
                any("UTF-8" in w for w, _, _ in hits), describe(hits))
        v.do("wait 61000")
        r.check("idle timeout: back on attract", v.do("expect-screen attract"))
        hits = found(core_dump(pid, dumps), idle_pats)
        r.check("after the idle wipe, no typed text is left in the process", not hits, describe(hits))

        # -- 2: cancel ----------------------------------------------------------------------
        cancel = {"last_name": "Jzqvxpkw" * 5, "company": "Kwjzqvxp" * 4, "phone": "jzqvxpkw" * 3}
        v.do("tap attract.start")
        v.do("tap browse.signup")
        v.do("expect-screen signup")
        v.fill(cancel)
        v.do("tap signup.cancel")
        r.check("cancel: back on browse", v.do("expect-screen browse"))
        hits = found(core_dump(pid, dumps), patterns(cancel.values()) | idle_pats)
        r.check("after cancel, no typed text is left in the process", not hits, describe(hits))

        # -- 2b: a badge scanner types, then cancel -------------------------------------------
        scanned = "bqxjvkwpzbqxjvkwpz@scan.example"
        scan_pats = patterns([scanned], stored=["scan.example"])
        v.do("tap browse.signup")
        v.focus("email")
        if shutil.which("xdotool"):
            p = subprocess.run(["xdotool", "type", "--delay", "1", scanned], env=harness.display_env(display),
                               capture_output=True, text=True, timeout=60)
            r.check("xdotool typed the scan", p.returncode == 0, p.stderr.strip())
            v.do("wait 200")
            v.do("tap signup.cancel")
            hits = found(core_dump(pid, dumps), scan_pats)
            r.check("after a scanned email and cancel, none of it is left in the process", not hits, describe(hits))
        else:
            r.skip("a badge scanner's text is not left in the process", "xdotool not installed")
            v.do("tap signup.cancel")
        r.check("cancel: back on browse", v.do("expect-screen browse"))

        # -- 3: a completed sign-up, then thanks -> done -------------------------------------
        v.do("tap browse.signup")
        v.do("expect-screen signup")
        deleted = "Vkqwjxpz" * 4  # typed into the last name and deleted again
        raw_message = "mqzj  vxkw  " * 3 + "mqzj"  # stored as "mqzj vxkw ... mqzj": spaces folded
        stored_message = " ".join(raw_message.split())
        v.focus("first_name")
        v.keys("Wipe")
        v.focus("last_name")
        v.keys(deleted)
        v.backspace(len(deleted))
        v.shift = False  # shift is set as a field is focused, not when it becomes empty again
        v.keys("Tester")
        v.focus("email")
        v.keys("wipe@example.de")
        v.focus("message")
        v.keys(raw_message)
        v.do("tap kbd.done")
        v.do("tap signup.exhibitor.ancoats-code-assurance")
        v.do("tap signup.consent")
        v.do("tap signup.submit")
        r.check("sign-up: thanks", v.do("expect-screen thanks"))
        v.do("tap thanks.done")
        r.check("thanks -> done: attract", v.do("expect-screen attract"))
        pats = (patterns([deleted, raw_message], stored=["Tester", stored_message]) | idle_pats
                | patterns(cancel.values()) | scan_pats)
        hits = found(core_dump(pid, dumps), pats)
        r.check("after a sign-up, no text typed but not stored is left (deleted text, the message as typed)",
                not hits, describe(hits))

        r.equal("kiosk exit status at the end of its input", kiosk.close(), 0)

        # -- 4: 500 companies: the exhibitor search, then cancel ------------------------------
        # The sign-up lists more than 12 exhibitors only with a search field; what is typed
        # there is the visitor's text too (longer than 30 characters, as above).
        big = os.path.join(out, "content-500")
        make_content.make(big, companies=500)
        kiosk = session.start(kiosk_bin, "--data-dir", data, "--content", big)
        v = Visitor(kiosk, r)
        searched = "zqxjvkwp" * 5
        v.do("tap attract.start")
        v.do("tap browse.signup")
        v.do("expect-screen signup")
        v.focus("exhibitor_search")
        v.keys(searched)
        v.do("tap kbd.done")
        v.do("tap signup.cancel")
        r.check("500 companies, cancel: back on browse", v.do("expect-screen browse"))
        hits = found(core_dump(kiosk.proc.pid, dumps), patterns([searched]))
        r.check("after a search in the exhibitor list and cancel, none of it is left in the process", not hits,
                describe(hits))
        r.equal("kiosk (500 companies) exit status at the end of its input", kiosk.close(), 0)
    print(f"runtime {time.monotonic() - t_start:.1f} s")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
