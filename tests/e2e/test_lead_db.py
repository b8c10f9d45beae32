#!/usr/bin/env python3
"""The lead database tells the truth, end to end with the real binary:

1. Read-only commands (`status`, `leads list`, `export`), and those that would report on a new
   empty database (`leads erase`, `leads purge`, `sync --once`), on a mistyped --data-dir: each
   exits non-zero naming the path, and creates nothing (no folder, no leads.db, no export file).
2. A real file of 2,001 leads damaged in the middle (page headers overwritten): `leads list`
   exits non-zero saying how far it got, `status` exits non-zero naming the damage.
3. A sign-up on the real kiosk under Xvfb: a few seconds later leads.db alone (a staff copy
   without its -wal file, taken while the kiosk runs) holds the lead.
4. The kiosk started on the damaged file logs the damage on stderr (PRAGMA quick_check at
   start) and keeps running.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402
import test_signup  # noqa: E402  (its Driver and fill_form)


def run(kiosk, *args):
    return subprocess.run([kiosk, *args], capture_output=True, text=True, timeout=120)


def damage_middle(db, pages=6):
    """Overwrites the first 64 bytes of `pages` pages in the middle of the file."""
    n = os.path.getsize(db) // 4096
    with open(db, "r+b") as f:
        for p in range(n // 2, n // 2 + pages):
            f.seek(p * 4096)
            f.write(b"\xa5" * 64)


def count_copy(db, tmp):
    """Copies leads.db alone (not its -wal) and counts the leads in the copy."""
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    shutil.copyfile(db, os.path.join(tmp, "leads.db"))
    con = sqlite3.connect(os.path.join(tmp, "leads.db"))
    try:
        return con.execute("SELECT count(*) FROM leads").fetchone()[0]
    except sqlite3.Error:
        return 0  # not even the table: the schema is still in the WAL
    finally:
        con.close()


def read_only_commands(r, kiosk, out):
    export_to = os.path.join(out, "export.csv")
    config = os.path.join(out, "sync.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write('[sync]\nendpoint = "http://127.0.0.1:9/leads"\n')
    # The read-only commands, and those that would only report on an empty new database.
    for i, args in enumerate((["status"], ["leads", "list"], ["export", "--out", export_to],
                              ["leads", "erase", "--email", "a@example.org"],
                              ["leads", "purge", "--synced", "--older-than", "30"],
                              ["sync", "--once", "--config", config])):
        name = " ".join(args)
        missing = os.path.join(out, f"no-such-dir-{i}")
        p = run(kiosk, *args, "--data-dir", missing)
        r.check(f"{name} --data-dir MISSING: exit non-zero", p.returncode != 0, f"exit {p.returncode}")
        r.check(f"{name}: the message names the path and --data-dir",
                os.path.join(missing, "leads.db") in p.stderr and "--data-dir" in p.stderr, p.stderr.strip())
        r.check(f"{name}: nothing was created", not os.path.exists(missing) and not os.path.exists(export_to),
                str(os.listdir(missing)) if os.path.isdir(missing) else "")


def damaged_file(r, kiosk, out):
    data = os.path.join(out, "damaged")
    p = run(kiosk, "leads", "generate", "--count", "2001", "--data-dir", data)
    r.check("leads generate --count 2001", p.returncode == 0, p.stderr.strip())
    db = os.path.join(data, "leads.db")
    damage_middle(db)
    p = run(kiosk, "leads", "list", "--data-dir", data)
    listed = len(p.stdout.splitlines())
    r.check("leads list on the damaged file: exit non-zero", p.returncode != 0, f"exit {p.returncode}, {listed} lines")
    r.check("leads list: says how many were read and that the list is incomplete",
            f"after {listed} of them" in p.stderr and "incomplete" in p.stderr and db in p.stderr, p.stderr.strip())
    r.check("leads list: fewer than 2001 lines (the readable ones)", listed < 2001, str(listed))
    p = run(kiosk, "status", "--data-dir", data)
    r.check("status on the damaged file: exit non-zero naming the damage",
            p.returncode != 0 and "damaged" in p.stderr and db in p.stderr, f"exit {p.returncode}: {p.stderr.strip()}")
    return data


def staff_copy_after_signup(r, kiosk, out, session):
    data = os.path.join(out, "kiosk-data")
    db = os.path.join(data, "leads.db")
    k = session.start(kiosk, "--data-dir", data)
    try:
        d = test_signup.Driver(k, r)
        d.quiet("tap attract.start")
        d.quiet("tap browse.signup")
        d.do("expect-screen signup")
        test_signup.fill_form(d, {"first_name": "Ada", "last_name": "Kopie", "email": "ada@example.de"},
                              [], ["irk-valley-hydrogen"], newsletter=False)
        d.quiet("tap signup.submit")
        d.do("expect-screen thanks")
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < 15 and n != 1:
            time.sleep(0.5)
            n = count_copy(db, os.path.join(out, "staff-copy"))
        r.check("a copy of leads.db alone, taken while the kiosk runs, holds the lead", n == 1, f"{n} leads in the copy")
        r.check(f"... within {time.monotonic() - t0:.1f} s of the thanks screen (checkpoint when idle)",
                time.monotonic() - t0 < 15)
        wal = db + "-wal"
        r.check("the -wal file is emptied", not os.path.exists(wal) or os.path.getsize(wal) == 0,
                str(os.path.getsize(wal)) if os.path.exists(wal) else "")
    finally:
        r.equal("kiosk exit status", k.close(), 0)


def kiosk_on_damaged_file(r, kiosk, out, display, data):
    log = os.path.join(out, "damaged-stderr.log")
    k = harness.kiosk_script(kiosk, display, "--data-dir", data, cwd=out, stderr_path=log, stderr_mode="w")
    try:
        found = ""
        t0 = time.monotonic()
        while time.monotonic() - t0 < 20 and "is damaged" not in found:
            k.cmd("wait 500")
            found = open(log, encoding="utf-8").read()
        r.check("the kiosk on a damaged file logs it at start (PRAGMA quick_check)",
                "is damaged" in found and os.path.join(data, "leads.db") in found, found.strip()[-400:])
        r.check("... and says whether new leads are still stored", "new leads" in found)
        ok, answer = k.cmd("expect-screen attract")
        r.check("the kiosk keeps running (visitors can still browse)", ok, answer)
    finally:
        r.equal("kiosk exit status", k.close(), 0)


def main() -> int:
    kiosk, out = harness.kiosk_and_out()
    r = harness.Results()
    read_only_commands(r, kiosk, out)
    data = damaged_file(r, kiosk, out)
    with harness.KioskSession(out) as session:
        staff_copy_after_signup(r, kiosk, out, session)
        kiosk_on_damaged_file(r, kiosk, out, session.display, data)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
