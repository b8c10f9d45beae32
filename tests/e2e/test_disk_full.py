#!/usr/bin/env python3
"""A full disk: the kiosk never thanks a visitor for a lead it could not store.

Needs root: the data dir is a 1 MiB tmpfs (otherwise prints "skipped: <why>" and exits 77: CTest reports it skipped).
A filler file leaves only --free-kb of it; short sign-ups are then submitted one by one
through `--script -` until one does not reach `thanks`. Checked then:
  - the screen stays `signup`, with what the visitor typed, and the "please ask our staff"
    message (screenshot disk-full.png in --out); the kiosk logs the cause on stderr;
  - every lead whose thanks was shown is in the database, the failed one is not, and
    PRAGMA integrity_check is ok (on a copy, so the checker frees no space);
a second tap on submit while still full changes nothing; then the filler is deleted and
the same form is submitted again, in the same process: it reaches `thanks` and is stored
exactly once; one more sign-up works as usual.
The tmpfs is always unmounted.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402


class Failed(Exception):
    pass


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill(path, leave):
    """Grows the filler file until only `leave` bytes of the file system are free."""
    with open(path, "ab") as f:
        while True:
            extra = free_bytes(os.path.dirname(path)) - leave
            if extra <= 0:
                break
            try:
                f.write(b"\0" * min(extra, 64 * 1024))
                f.flush()
                os.fsync(f.fileno())
            except OSError:
                break


def check_copy(db_path, snap_dir):
    """integrity_check and the stored emails, on a copy (db + wal): opening the original
    could checkpoint it and free space behind the kiosk's back."""
    copy = harness.snapshot_db(db_path, snap_dir)
    con = sqlite3.connect(copy)
    try:
        integrity = "\n".join(r[0] for r in con.execute("PRAGMA integrity_check"))
        emails = [r[0] for r in con.execute("SELECT email FROM leads")]
    finally:
        con.close()
    return integrity, emails


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--free-kb", type=int, default=40, help="space left free by the filler file")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    if os.path.ismount(os.path.join(out, "data")):  # left mounted by a run that was killed
        subprocess.run(["umount", "-l", os.path.join(out, "data")], capture_output=True)
    harness.fresh_dir(out)
    mnt = os.path.join(out, "data")
    os.makedirs(mnt)

    if os.geteuid() != 0:
        return harness.skip_script("not root (mounting a tmpfs needs root)")
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mnt], capture_output=True, text=True)
    if m.returncode != 0:
        return harness.skip_script(f"mount -t tmpfs -o size=1m tmpfs {mnt} failed: {' '.join((m.stderr or m.stdout).split())}")

    r = harness.Results()
    check = r.check

    t_start = time.monotonic()
    db_path = os.path.join(mnt, "leads.db")
    filler = os.path.join(mnt, "filler")
    xvfb = kiosk = None
    transcript = open(os.path.join(out, "transcript.txt"), "w", encoding="utf-8")
    try:
        xvfb, display = harness.start_xvfb("1920x1080")
        kiosk = harness.kiosk_script(os.path.abspath(a.kiosk), display, "--data-dir", mnt, cwd=out,
                                     stderr_path=os.path.join(out, "kiosk-stderr.log"), stderr_mode="w",
                                     transcript=transcript)

        def step(line):
            ok, answer = kiosk.cmd(line)
            if not ok:
                raise Failed(f"{line}: {answer}")

        def expect(line):
            ok, answer = kiosk.cmd(line)
            check(line, ok, answer)
            return ok

        def fill_form(email):
            for line in ("tap attract.start", "tap browse.signup", "tap signup.first_name", "type Voll",
                         "tap kbd.next", "type Platte", "tap kbd.next", f"type {email}", "tap kbd.done",
                         "tap signup.exhibitor.medlock-gas-sensing", "tap signup.consent"):
                step(line)

        def submit():
            """Taps submit; True when the kiosk shows thanks, False when it stays on the form."""
            step("tap signup.submit")
            on_screen = kiosk.ids()
            if "thanks.done" in on_screen:
                step("expect-screen thanks")
                return True
            step("expect-screen signup")
            return False

        step("expect-screen attract")  # the store has opened (or failed to) by now
        fill(filler, a.free_kb * 1024)
        print(f"filler {os.path.getsize(filler) // 1024} KiB, {free_bytes(mnt) // 1024} KiB left free", flush=True)

        acknowledged, failed_email = [], None
        for i in range(60):
            email = f"full-{i}@example.org"
            fill_form(email)
            if submit():
                acknowledged.append(email)
                step("tap thanks.done")
                continue
            failed_email = email
            break
        if not check(f"a submit failed once the disk was full (after {len(acknowledged)} stored leads)",
                     failed_email is not None, "60 leads were stored"):
            raise Failed("the disk never filled up")

        # -- what the visitor sees: the form, kept, and a request to ask the staff ----------
        expect("expect-screen signup")
        expect("expect-text signup.first_name Voll")
        expect("expect-text signup.last_name Platte")
        expect(f"expect-text signup.email {failed_email}")
        expect("shot disk-full.png")
        with open(kiosk.stderr_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        check("the kiosk logs why the lead could not be stored", "a lead could not be stored" in log,
              log.strip()[-500:])
        print("kiosk stderr: " + " | ".join(l for l in log.splitlines() if "could not be stored" in l)[:400])

        # -- the database -------------------------------------------------------------------
        integrity, emails = check_copy(db_path, os.path.join(out, "snapshot-full"))
        check("PRAGMA integrity_check with the disk full", integrity == "ok", integrity)
        missing = [e for e in acknowledged if e not in emails]
        check(f"every lead that was thanked is stored ({len(acknowledged)})", not missing, f"missing {missing}")
        check(f"the lead that was not thanked ({failed_email}) is not stored", failed_email not in emails)

        # A second tap while the disk is still full: still no thanks, still nothing stored.
        again = submit()
        integrity, emails = check_copy(db_path, os.path.join(out, "snapshot-again"))
        check("a second submit while the disk is still full stays on the form and stores nothing",
              not again and failed_email not in emails and integrity == "ok",
              f"thanks shown: {again}, stored: {failed_email in emails}, integrity {integrity}")
        if again:
            raise Failed("the kiosk thanked for a lead while the disk was full")

        # -- space again: the same form, submitted again in the same process --------------
        os.remove(filler)
        stored = submit()
        check("after deleting the filler the same form reaches thanks", stored)
        if stored:
            step("tap thanks.done")
            fill_form("after-full@example.org")
            check("and a new sign-up reaches thanks too", submit())
            step("tap thanks.done")
            acknowledged += [failed_email, "after-full@example.org"]
        step("quit")
        code = kiosk.close()
        kiosk = None
        check("kiosk exits 0 at quit", code == 0, f"exit {code}")
        integrity, emails = check_copy(db_path, os.path.join(out, "snapshot-end"))
        check("PRAGMA integrity_check at the end", integrity == "ok", integrity)
        missing = [e for e in acknowledged if e not in emails]
        check(f"every thanked lead is stored ({len(acknowledged)}), none twice",
              not missing and len(emails) == len(set(emails)) == len(acknowledged), f"missing {missing}, stored {emails}")
    except Failed as e:
        check("the sign-ups could be driven", False, str(e))
    finally:
        if kiosk is not None:
            kiosk.proc.kill()
            kiosk.close()
        transcript.close()
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
        u = subprocess.run(["umount", mnt], capture_output=True, text=True)
        if u.returncode != 0:
            u = subprocess.run(["umount", "-l", mnt], capture_output=True, text=True)
        check("tmpfs unmounted", u.returncode == 0, u.stderr.strip())
    print(f"runtime {time.monotonic() - t_start:.1f} s")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
