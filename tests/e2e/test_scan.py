#!/usr/bin/env python3
"""Badge scans end to end: the real kiosk, full screen under Xvfb with the X keyboard layout set to
German (setxkbmap de), and the two kinds of USB scanner.

1. Keyboard wedge: the key events a scanner set to US sends for a vCard (2.1, quoted-printable
   umlauts, @ = Shift+2, y and z) are injected by keycode through XTest, a few ms apart, on the
   attract screen: the sign-up opens with the fields filled (a German layout would have made
   the @ a " and swapped y and z), consent unticked. Then, in a focused field holding typed
   text, a MeCard burst fills only the empty fields and leaves no trace in the focused one; keys
   pressed as slowly as a person types pass through to the field; a ticket number gets the
   "cannot fill the form" note.
2. Serial: a MeCard written into a pseudo-terminal configured as [scanner] device fills the form.
The time from a scan's last key (or its arrival on the serial line) to the filled form on
screen is printed from the kiosk's log.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

# The X keycodes (evdev: Linux key code + 8) of the key positions a US layout types each character with.
ROWS = [("1234567890-=", "!@#$%^&*()_+", 10), ("qwertyuiop[]", "QWERTYUIOP{}", 24),
        ("asdfghjkl;'", "ASDFGHJKL:\"", 38), ("zxcvbnm,./", "ZXCVBNM<>?", 52)]
US = {" ": (65, False), "\n": (36, False), "\t": (23, False), "`": (49, False), "~": (49, True),
      "\\": (51, False), "|": (51, True)}
for plain, shifted, first in ROWS:
    for i, (p, s) in enumerate(zip(plain, shifted)):
        US[p] = (first + i, False)
        US[s] = (first + i, True)
SHIFT_L = 50

VCARD = ("BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\n"
         "EMAIL;PREF;INTERNET:zoe.yz@ruhr-example.de\nORG:Zeche Zollverein Sensorik\nTITLE:Leiterin Forschung\n"
         "END:VCARD\n")


class Scanner:
    """A keyboard-wedge scanner set to US, typing into the X display by keycode (XTest)."""

    def __init__(self, display):
        from Xlib import X, display as xdisplay
        from Xlib.ext import xtest
        self.X, self.xtest = X, xtest
        self.d = xdisplay.Display(display)

    def key(self, code, down):
        self.xtest.fake_input(self.d, self.X.KeyPress if down else self.X.KeyRelease, code)
        self.d.sync()

    def send(self, text, gap_s=0.002, end="\n"):
        for ch in text + end:
            code, shift = US[ch]
            if shift:
                self.key(SHIFT_L, True)
                time.sleep(gap_s)
            self.key(code, True)
            time.sleep(gap_s)
            self.key(code, False)
            time.sleep(gap_s)
            if shift:
                self.key(SHIFT_L, False)
                time.sleep(gap_s)


def value(kiosk, widget):
    """What field or note `widget` holds now, or None when it is not there (script command `value`)."""
    kiosk.cmd(f"value {widget}")
    return next((line[2:] for line in kiosk.output if line.startswith("= ")), None)


def until(kiosk, widget, want, seconds=10):
    """Waits until `widget` holds `want` (a scan arrives outside the script): (ok, what it held)."""
    deadline = time.monotonic() + seconds
    while True:
        got = value(kiosk, widget)
        if got == want or time.monotonic() > deadline:
            return got == want, f"holds {got!r}"
        time.sleep(0.05)


def scan_times(log_path):
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return [int(m.group(1)) for m in re.finditer(r"kiosk: scan: .*? (\d+) ms after the scan", f.read())]


def main() -> int:
    kiosk_bin, out = harness.kiosk_and_out()
    r = harness.Results()
    try:
        import Xlib  # noqa: F401
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-xlib under another python3 (pyenv)
    try:
        import Xlib  # noqa: F401,F811
    except ImportError:
        r.check("python3-xlib is installed (platform/linux/kiosk-dev installs it)", False)
        return r.summary()
    wedge_out, serial_out = os.path.join(out, "wedge"), os.path.join(out, "serial")
    os.makedirs(wedge_out)
    os.makedirs(serial_out)

    # -- 1: keyboard wedge on a German X layout ----------------------------------------------------
    config = os.path.join(wedge_out, "kiosk.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write('[scanner]\nlayout = "us"\n')
    with harness.KioskSession(wedge_out) as session:
        env = harness.display_env(session.display)
        # Connected first: Xvfb resets its keymap when its last client leaves.
        scanner = Scanner(session.display)
        subprocess.run(["setxkbmap", "de"], env=env, check=True)
        layout = subprocess.run(["setxkbmap", "-query"], env=env, capture_output=True, text=True).stdout
        r.check("the X layout is German", re.search(r"layout:\s+de", layout) is not None, layout)
        kiosk = session.start(kiosk_bin, "--data-dir", os.path.join(out, "data"), "--config", config)
        r.check("expect-screen attract", *kiosk.cmd("expect-screen attract"))
        scanner.send(VCARD)
        r.check("a vCard scanned on attract opens the sign-up, filled", *until(kiosk, "signup.first_name", "Zoë"))
        r.check("expect-screen signup", *kiosk.cmd("expect-screen signup"))
        for field, want in [("first_name", "Zoë"), ("last_name", "Müller"), ("email", "zoe.yz@ruhr-example.de"),
                            ("company", "Zeche Zollverein Sensorik"), ("job_title", "Leiterin Forschung"), ("phone", "")]:
            r.check(f"signup.{field} holds {want!r}", *kiosk.cmd(f"expect-text signup.{field} {want}"))
        r.check("the note says what was filled", *kiosk.cmd(
            "expect-text scan.note Aus Ihrem Code übernommen: Vorname, Nachname, E-Mail, Firma, Funktion. "
            "Bitte prüfen Sie die Angaben."))
        r.check("consent stays unticked: the form is not sent", *kiosk.cmd("tap signup.submit"))
        r.check("… and shows the consent error", *kiosk.cmd("expect-screen signup"))

        # A focused field with typed text: a burst (all its fields are filled already) leaves the field alone.
        kiosk.cmd("tap signup.phone")
        kiosk.cmd("type 0201")
        scanner.send("MECARD:N:Other,Person;TEL:+4917012345;EMAIL:x@y.example;;")
        r.check("a MeCard burst is taken as a scan that adds nothing", *until(
            kiosk, "scan.note", "Ihr Code hat nichts ergänzt: Diese Felder sind schon ausgefüllt."))
        r.check("the focused field got none of the burst", *kiosk.cmd("expect-text signup.phone 0201"))
        r.check("names already there are kept", *kiosk.cmd("expect-text signup.last_name Müller"))
        # Keys as slow as a person's: typed into the focused field, through the PC's German layout
        # (the key a US layout calls z types y).
        for code in (US["1"][0], US["2"][0], US["z"][0]):
            scanner.key(code, True)
            time.sleep(0.03)
            scanner.key(code, False)
            time.sleep(0.12)
        r.check("keys pressed at a person's pace reach the focused field", *until(kiosk, "signup.phone", "020112y", 5))
        kiosk.cmd("wait 7000")  # the note fades
        scanner.send("TKT-2026-000123")
        r.check("a ticket number gets the friendly note", *until(
            kiosk, "scan.note", "Dieser Code kann das Formular nicht ausfüllen – bitte tippen Sie."))
        r.check("… and fills nothing", *kiosk.cmd("expect-text signup.phone 020112y"))
        kiosk.cmd("quit")
        r.equal("the kiosk ends normally", kiosk.close(), 0)
    wedge_ms = scan_times(os.path.join(wedge_out, "kiosk-stderr.log"))
    r.check("the kiosk logged the scans' time to the screen", len(wedge_ms) >= 3, str(wedge_ms))

    # -- 2: a serial scanner on a pseudo-terminal ------------------------------------------------
    master, slave = os.openpty()
    config = os.path.join(serial_out, "kiosk.toml")
    log = os.path.join(serial_out, "kiosk-stderr.log")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f'[scanner]\ndevice = "{os.ttyname(slave)}"\n')
    with harness.KioskSession(serial_out) as session:
        kiosk = session.start(kiosk_bin, "--data-dir", os.path.join(out, "data2"), "--config", config)
        r.check("expect-screen attract", *kiosk.cmd("expect-screen attract"))
        deadline = time.monotonic() + 10
        while "scanner: reading" not in open(log, encoding="utf-8", errors="replace").read() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.close(slave)
        kiosk.cmd("tap attract.start")
        kiosk.cmd("tap browse.card.irk-valley-hydrogen")
        os.write(master, "MECARD:N:Müller,Zoë;EMAIL:zoe@example.de;TEL:+49 201 12345;;\r\n".encode())
        r.check("a MeCard from the serial scanner on a profile opens the sign-up, filled",
                *until(kiosk, "signup.first_name", "Zoë"))
        r.check("… with that exhibitor chosen", *kiosk.cmd("expect-visible signup.exhibitor.irk-valley-hydrogen"))
        for field, want in [("first_name", "Zoë"), ("last_name", "Müller"), ("email", "zoe@example.de"),
                            ("phone", "+49 201 12345")]:
            r.check(f"signup.{field} holds {want!r}", *kiosk.cmd(f"expect-text signup.{field} {want}"))
        ok, _ = kiosk.cmd("expect-text signup.company ")
        r.check("company stays empty", ok)
        kiosk.cmd("quit")
        r.equal("the kiosk ends normally", kiosk.close(), 0)
    os.close(master)
    serial_ms = scan_times(log)
    r.check("the serial scan's time was logged", len(serial_ms) == 1, str(serial_ms))
    print(f"scan-to-prefill (last key / code read -> form on screen): keyboard wedge {wedge_ms} ms, serial {serial_ms} ms")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
