#!/usr/bin/env python3
"""Heartbeats end to end: the real kiosk (under xvfb-run, `--script -`) with
sync.status_interval_s = 1 and the real `kiosk-hub serve` on loopback.

1. The kiosk sends its generated leads and a heartbeat every second: `kiosk-hub kiosks` shows it
   `ok` with the kiosk's version, a content and form version, its own count of leads beside the
   hub's and a clock offset of under 5 s; the hub keeps the consent texts it shows, and every
   lead's consent.text_sha256 is the SHA-256 of one of them (the consent proof). /metrics has
   its last-seen age.
2. Refused heartbeats store nothing: a wrong secret, another kiosk's id.
3. The kiosk stops: after [hub] silent_after_s (3 s here) `kiosk-hub kiosks` flags it SILENT.
4. A heartbeat that hangs (sync.status_endpoint on a socket that never answers, timeout_s 6 s)
   does not hold the uploads back (they arrive within 4 s), a failed heartbeat is not retried
   in a burst (one try per timeout + interval), and the journal says so once.

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import hashlib
import json
import os
import re
import socket
import sqlite3
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import harness  # noqa: E402
from hub_support import kiosk_and_hub_args  # noqa: E402
from test_hub import Env, add_kiosk, body_for, kiosk_rows  # noqa: E402

SILENT_AFTER_S = 3
# The hanging heartbeat waits this long: uploads that waited for it would arrive only after it.
HANG_TIMEOUT_S = 6


def start_ui(env, cfg, data_dir, name, size="1280x720", timeout=60):
    """The kiosk on its own Xvfb of `size`, driven line by line; its stderr in OUT/kiosk-NAME.log."""
    return harness.ScriptedKiosk(
        ["xvfb-run", "-a", "-s", f"-screen 0 {size}x24", env.kiosk, "--virtual-clock", "--windowed", size,
         "--config", cfg, "--data-dir", data_dir, "--script", "-"], cwd=env.out,
        stderr_path=os.path.join(env.out, f"kiosk-{name}.log"), stderr_mode="w", timeout=timeout)


def kiosk_line(env, kiosk_id):
    """The fields of kiosk_id's line in `kiosk-hub kiosks` (None when it has none), and the whole output."""
    p = env.hub_cmd("kiosks")
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == kiosk_id:
            return f, p.stdout + p.stderr
    return None, p.stdout + p.stderr


def hub_db(env, sql):
    db = sqlite3.connect(env.db)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def main():
    args = kiosk_and_hub_args()
    env = Env(args)
    with open(env.config, "a") as f:
        f.write(f"silent_after_s = {SILENT_AFTER_S}\n")
    r = harness.Results()
    version = env.run(env.kiosk, "--version")[0].stdout.strip()

    cfg, creds = add_kiosk(env, r, "stand-hb")
    with open(cfg, "a") as f:
        f.write("status_interval_s = 1\n")
    data = os.path.join(env.out, "data-hb")
    p, _ = env.run(env.kiosk, "leads", "generate", "--count", "20", "--config", cfg, "--data-dir", data)
    r.check("20 leads generated", p.returncode == 0 and len(kiosk_rows(data)) == 20, p.stderr)

    hub = env.start()
    kiosk = None
    try:
        fields, out = kiosk_line(env, "stand-hb")
        r.check("before any heartbeat the kiosk is listed as never seen, SILENT",
                fields is not None and fields[6:8] == ["never", "SILENT"], out)

        # ---- 1. heartbeats every second -----------------------------------------------------
        kiosk = start_ui(env, cfg, data, "hb")
        t0 = time.monotonic()

        def seen_with_all():
            f, _ = kiosk_line(env, "stand-hb")
            return f if f and f[7] == "ok" and f[3] == "20" and f[11] == "20" and f[12] == "0" else None

        fields = harness.wait_for(seen_with_all, 30)
        _, out = kiosk_line(env, "stand-hb")
        r.check(f"kiosk-hub kiosks shows it ok, 20 leads on the hub and on the kiosk, 0 pending "
                f"({time.monotonic() - t0:.1f} s after start)", fields is not None, out)
        if fields:
            r.check(f"with the kiosk's version {version}, a content and a form version",
                    fields[8] == version and re.fullmatch(r"[0-9a-f]{16}", fields[9]) and
                    re.fullmatch(r"[0-9a-f]{16}", fields[10]), out)
            offset = re.fullmatch(r"([+-][0-9]+\.[0-9])s", fields[14])
            r.check("and a clock offset (same machine: under 5 s)", offset and abs(float(offset.group(1))) < 5, out)
        beats = lambda: sum("POST /kiosk/v1/status 200" in line for line in open(hub.log_path))  # noqa: E731
        n0 = beats()
        time.sleep(3.5)
        n1 = beats()
        r.check(f"a heartbeat about every second ({n1 - n0} in 3.5 s)", 2 <= n1 - n0 <= 5)

        texts = hub_db(env, "SELECT version, language, text_sha256, text FROM consent_texts ORDER BY language")
        r.check("the hub keeps the consent text shown, in de and en",
                [t[1] for t in texts] == ["de", "en"] and all(hashlib.sha256(t[3].encode()).hexdigest() == t[2]
                                                              for t in texts), texts)
        proofs = {(t[0], t[1], t[2]) for t in texts}
        leads = [json.loads(v["payload"]) for v in kiosk_rows(data).values()]
        r.check("every lead's consent (version, language, text_sha256) is one of the texts the hub holds",
                all((lead["consent"]["version"], lead["consent"]["language"], lead["consent"]["text_sha256"]) in proofs
                    for lead in leads), [lead["consent"] for lead in leads[:2]])
        with urllib.request.urlopen(f"http://127.0.0.1:{env.port}/metrics", timeout=10) as resp:
            metrics = resp.read().decode()
        r.check("/metrics has the kiosk's last-seen age and the heartbeats answered",
                'kiosk_hub_kiosk_last_seen_age_seconds{kiosk="stand-hb"}' in metrics and
                'kiosk_hub_status_requests_total{status="200"}' in metrics, metrics[-600:])

        # ---- 2. refused heartbeats store nothing --------------------------------------------
        hb = json.dumps({"schema": 1, "kiosk_id": "stand-hb", "clock": "2026-01-01T00:00:00.000Z",
                         "app_version": "forged", "consent": {"forged": {"de": "x"}}}).encode()
        wrong = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
        status, _ = env.post(hb, creds["token"], wrong, path="/kiosk/v1/status")
        other = json.dumps({"schema": 1, "kiosk_id": "someone-else", "clock": "2026-01-01T00:00:00.000Z"}).encode()
        status2, answer2 = env.post(other, creds["token"], creds["secret"], path="/kiosk/v1/status")
        status3, answer3 = env.post(body_for("stand-hb", []), creds["token"], creds["secret"], path="/kiosk/v1/status")
        kiosk.close()
        kiosk = None
        kept = hub_db(env, "SELECT kiosk_id, body FROM kiosk_status")
        forged = hub_db(env, "SELECT count(*) FROM consent_texts WHERE version = 'forged'")[0][0]
        r.check("a wrong secret (403), another kiosk's id (403), a body with no clock (400) are refused",
                (status, status2, status3) == (403, 403, 400), f"{status} {status2} {answer2} {status3} {answer3}")
        r.check("and store nothing", forged == 0 and [k for k, _ in kept] == ["stand-hb"] and
                all("forged" not in str(b) for _, b in kept), kept)

        # ---- 3. a kiosk that stops is SILENT after silent_after_s -----------------------------
        time.sleep(SILENT_AFTER_S + 1.5)
        fields, out = kiosk_line(env, "stand-hb")
        r.check(f"the stopped kiosk is SILENT after {SILENT_AFTER_S} s, its versions still listed",
                fields is not None and fields[7] == "SILENT" and fields[8] == version, out)

        # ---- 4. a hanging heartbeat does not hold the uploads back --------------------------
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)
        held = []

        def accept():
            while True:
                try:
                    c, _ = hole.accept()
                except OSError:
                    return
                held.append(c)  # kept open, never answered

        threading.Thread(target=accept, daemon=True).start()
        cfg2, _ = add_kiosk(env, r, "stand-slow")
        with open(cfg2, "a") as f:
            f.write(f'status_interval_s = 1\nstatus_endpoint = "http://127.0.0.1:{hole.getsockname()[1]}/status"\n')
        with open(cfg2) as f:
            text = f.read()
        with open(cfg2, "w") as f:
            f.write(text.replace("timeout_s = 10\n", f"timeout_s = {HANG_TIMEOUT_S}\n"))
        data2 = os.path.join(env.out, "data-slow")
        env.run(env.kiosk, "leads", "generate", "--count", "10", "--seed", "7", "--config", cfg2, "--data-dir", data2)
        kiosk = start_ui(env, cfg2, data2, "slow")
        t0 = time.monotonic()
        ok = harness.wait_for(lambda: (kiosk_line(env, "stand-slow")[0] or [""] * 4)[3] == "10", 20)
        dt = time.monotonic() - t0
        r.check(f"with heartbeats hanging, its 10 leads reach the hub ({dt:.1f} s after start)",
                ok and dt < HANG_TIMEOUT_S - 2,
                kiosk_line(env, "stand-slow")[1])
        time.sleep(2 * HANG_TIMEOUT_S)
        spent = time.monotonic() - t0
        r.check(f"failed heartbeats are not retried in a burst ({len(held)} tries in {spent:.0f} s, "
                f"each a {HANG_TIMEOUT_S} s timeout + the 1 s interval)",
                1 <= len(held) <= spent / (HANG_TIMEOUT_S + 1) + 1)
        kiosk.close()
        kiosk = None
        with open(os.path.join(env.out, "kiosk-slow.log")) as f:
            log = f.read()
        r.check("the kiosk's journal says the heartbeat failed, once", log.count("kiosk: heartbeat:") == 1, log[-800:])
        hole.close()
    finally:
        if kiosk is not None:
            kiosk.kill()
        rc, log = hub.stop()
        r.check("the hub stops on SIGTERM (exit 0)", rc == 0, log[-500:])
        r.check("no token or secret in the hub's log", creds["token"] not in log and creds["secret"] not in log)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
