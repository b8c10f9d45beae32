#!/usr/bin/env python3
"""Crash safety of lead capture: a lead whose `thanks` the visitor saw survives a SIGKILL.

Each round starts a fresh kiosk (same data dir) under Xvfb, drives short sign-ups line by
line through `--script -` (unique emails), and records every email for which it READ
`ok N expect-screen thanks`. A timer kills the kiosk with SIGKILL at a random moment:
even rounds anywhere (uniform over start-up, navigation, typing, submit and the thanks
screen of about two and a half sign-ups), odd rounds close around the submit of the 1st,
2nd or 3rd sign-up (uniform over 0-250 ms after `tap signup.submit` is sent: before,
during and right after the insert, and the thanks screen).

After each kill a copy of leads.db and leads.db-wal (what a restarted kiosk would find;
the original is left for the next kiosk to recover by itself) is checked with sqlite3:
PRAGMA integrity_check is ok, every acknowledged email is there, no lead is there twice or
torn. At the end a fresh kiosk stores one more lead and exits cleanly, and the database is
checked in place.

  --kills N   rounds (default 8, the CI version; --kills 1000 is the long run)
  --seed S    the random kill times (default: from the clock; printed, to replay a run)
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402


class Kiosk(harness.ScriptedKiosk):
    """The kiosk playing `--script -` with the virtual clock on DATA_DIR. `stage` says what
    the driver is doing and `in_flight` the line sent but not answered yet (read by the
    kill timer)."""

    def __init__(self, binary, data_dir, display, cwd, transcript):
        self.stage = "start-up"
        self.in_flight = ""
        self.started = time.monotonic()
        super().__init__([binary, "--virtual-clock", "--data-dir", data_dir, "--script", "-"], cwd=cwd,
                         env=harness.display_env(display), stderr_path=os.path.join(cwd, "kiosk-stderr.log"),
                         transcript=transcript)

    def cmd(self, line, timeout=None):
        self.in_flight = line
        ok, answer = super().cmd(line, timeout)
        if answer.startswith(("ok ", "fail ")):
            self.in_flight = ""
        return ok, answer


def sign_up(k, email, on_submit=None):
    """One short sign-up from the attract screen. Returns (acknowledged, why it stopped)."""
    steps = [
        ("navigation", "tap attract.start"), ("navigation", "tap browse.signup"),
        ("form", "tap signup.first_name"), ("typing", "type A"), ("form", "tap kbd.next"), ("typing", "type B"),
        ("form", "tap kbd.next"), ("typing", f"type {email}"), ("form", "tap kbd.done"),
        ("form", "tap signup.exhibitor.bollin-ot-defence"), ("form", "tap signup.consent"),
        ("submit", "tap signup.submit"), ("after submit", "expect-screen thanks"),
        ("after submit", "tap thanks.done"),
    ]
    acknowledged = False
    for stage, line in steps:
        k.stage = stage
        if stage == "submit" and on_submit:
            on_submit()
        ok, answer = k.cmd(line)
        if not ok:
            return acknowledged, answer
        if line == "expect-screen thanks":
            acknowledged = True
    return acknowledged, None


def snapshot_check(db_path, snap_dir):
    """Copies leads.db (+ -wal) as they are after the crash and opens the copy: SQLite
    recovers it exactly as a restarted kiosk would. Returns (integrity, [emails], problems)."""
    copy = harness.snapshot_db(db_path, snap_dir)
    if copy is None:
        return "ok", [], []
    return check_db(copy)


def check_db(path):
    problems = []
    con = sqlite3.connect(path)
    try:
        integrity = "\n".join(r[0] for r in con.execute("PRAGMA integrity_check"))
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='leads'").fetchone():
            return integrity, [], []  # killed before the schema was created
        rows = con.execute("SELECT id, email, payload, first_name, last_name, exhibitors FROM leads").fetchall()
    finally:
        con.close()
    emails = [r[1] for r in rows]
    if len(set(emails)) != len(emails):
        problems.append("an email is stored twice")
    for lead_id, email, payload, first, last, exhibitors in rows:
        try:
            p = json.loads(payload)
            whole = (p.get("id") == lead_id and p.get("email") == email and (first, last) == ("A", "B")
                     and json.loads(exhibitors) == ["bollin-ot-defence"])
        except (TypeError, ValueError):
            whole = False
        if not whole:
            problems.append(f"lead {lead_id} ({email}) is not whole")
    return integrity, emails, problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time() * 1000) % 1000000
    rng = random.Random(seed)
    out = harness.fresh_dir(a.out)
    data = os.path.join(out, "data")
    db_path = os.path.join(data, "leads.db")
    kiosk_bin = os.path.abspath(a.kiosk)
    print(f"seed {seed} (replay with --seed {seed}), {a.kills} kills", flush=True)

    r = harness.Results()
    check = r.check

    t_start = time.monotonic()
    xvfb, display = harness.start_xvfb("1920x1080")
    transcript = open(os.path.join(out, "transcript.txt"), "w", encoding="utf-8")
    acknowledged = []  # every email whose thanks screen we saw, over all rounds
    attempted = set()
    stages = {}
    cycles = []  # seconds per acknowledged sign-up, to size the kill window
    try:
        for rnd in range(a.kills):
            transcript.write(f"=== round {rnd}\n")
            k = Kiosk(kiosk_bin, data, display, out, transcript)
            killed = {}

            def kill(k=k, killed=killed):
                killed.update(at=time.monotonic() - k.started, stage=k.stage, line=k.in_flight)
                try:
                    k.proc.send_signal(signal.SIGKILL)
                except OSError:
                    pass

            timers = []
            around_submit = rnd % 2 == 1
            target_lead = rng.choice([0, 1, 2])
            if around_submit:
                mode = f"around the submit of sign-up {target_lead + 1}"
            else:
                cycle = sum(cycles) / len(cycles) if cycles else 5.0
                delay = rng.uniform(0.2, 1.0 + 2.5 * cycle)
                mode = f"anywhere (after {delay:.2f} s)"
                timers.append(threading.Timer(delay, kill))
                timers[-1].start()

            unexpected = None
            n = 0
            while not killed and n < 50:
                email = f"c{rnd}-{n}@example.org"
                attempted.add(email)
                arm = None
                if around_submit and n == target_lead:
                    def arm():
                        t = threading.Timer(rng.uniform(0.0, 0.25), kill)
                        timers.append(t)
                        t.start()
                t0 = time.monotonic()
                ok, why = sign_up(k, email, arm)
                if ok:
                    acknowledged.append(email)
                    if why is None:
                        cycles.append(time.monotonic() - t0)
                if why is not None:
                    # A `fail` line is the kiosk's own failure, not our kill.
                    if why.startswith("fail ") or not killed:
                        unexpected = why
                    break
                n += 1
            if not killed:
                kill()  # a sign-up failed by itself (reported below), or 50 went through
            for t in timers:
                t.join()
            k.close()
            if unexpected:
                check(f"round {rnd}: every step before the kill succeeded", False, unexpected)
            stage = killed.get("stage", "?")
            stages[stage] = stages.get(stage, 0) + 1

            integrity, emails, problems = snapshot_check(db_path, os.path.join(out, "snapshot"))
            found = set(emails)
            missing = [e for e in acknowledged if e not in found]
            strange = sorted(found - attempted)
            ok = integrity == "ok" and not missing and not problems and not strange
            check(f"round {rnd}: killed {mode} at {killed.get('at', 0):.2f} s during {stage} "
                  f"({killed.get('line') or 'between lines'}); acknowledged {len(acknowledged)}, "
                  f"found {len(found)}, missing {len(missing)}, integrity {integrity}", ok,
                  "; ".join(filter(None, [f"missing {missing}" if missing else "", f"unknown {strange}" if strange else "",
                                          *problems])))
            if not ok:
                shutil.copytree(os.path.join(out, "snapshot"), os.path.join(out, f"failed-round-{rnd}"))

        # A fresh kiosk recovers the database as the last kill left it and stores one more lead.
        transcript.write("=== after the last kill\n")
        k = Kiosk(kiosk_bin, data, display, out, transcript)
        ok, why = sign_up(k, "after-crashes@example.org")
        k.cmd("quit")
        code = k.close()
        check("a fresh kiosk after the last kill stores a lead and exits cleanly", ok and why is None and code == 0,
              f"{why}, exit {code}")
        if ok:
            acknowledged.append("after-crashes@example.org")
        integrity, emails, problems = check_db(db_path)
        missing = [e for e in acknowledged if e not in set(emails)]
        check(f"leads.db in place: integrity {integrity}, {len(emails)} leads, missing {len(missing)}",
              integrity == "ok" and not missing and not problems, f"missing {missing}; {problems}")
    finally:
        transcript.close()
        xvfb.terminate()
        xvfb.wait()

    elapsed = time.monotonic() - t_start
    found_total = len(set(emails))
    print(f"kills: {a.kills} ({', '.join(f'{v} during {s}' for s, v in sorted(stages.items()))})")
    print(f"leads acknowledged (thanks read): {len(acknowledged)}")
    print(f"leads found in the database: {found_total} "
          f"(stored but killed before thanks was read: {found_total - len(set(acknowledged) & set(emails))})")
    print(f"missing: {len(missing)}")
    print(f"runtime {elapsed:.1f} s ({elapsed / max(1, a.kills):.2f} s per kill)")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
