#!/usr/bin/env python3
"""Sync end to end: the real `kiosk` binary against a real HTTP receiver on loopback
(tests/support/receiver.py) that verifies every request and injects faults.

1. Faults: 2,000 generated leads, `kiosk sync --once` while about a third of the requests
   fail (connection dropped before reading, ack lost after storing, 500, 503 with
   Retry-After in seconds and as a date, an answer slower than timeout_s, a partial answer,
   a 200 that is not JSON). The receiver ends with exactly the 2,000 ids, each with one
   payload (byte-identical to leads.db's payload column), the kiosk reports all synced
   and a second run sends nothing. If the first run stops early (its limits: 8 failed tries
   in a row or 600 s, both unlikely here) it is run once more, as staff would.
2. Authenticity, from Python directly: a correctly signed request is accepted; a tampered
   body, a wrong secret, a stale timestamp, missing signature headers and a wrong or missing
   bearer token are refused (401/403) and store nothing.
3. A rejected lead ends as failed with the receiver's reason in `kiosk status` and `kiosk
   leads list`, and is never sent again.
4. Refused credentials (wrong token: 401, wrong secret: 403): `kiosk sync --once` exits
   non-zero with the credentials message after one request, everything stays pending.
5. TLS with a private CA (openssl): refused without sync.ca_file, works with it.
6. No server at all: `kiosk sync --once` gives up in bounded time with "Connection refused
   by …" and all 2,000 leads pending; the real kiosk (xvfb-run, --script -) with the
   endpoint on a closed port plays every line promptly while pending stays 2,000; with the
   endpoint on a socket that never answers, `quit` still exits at once (stop() aborts the
   request); with a live receiver the background worker sends all 2,000 while the UI plays.

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import select
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

TOKEN = "e2e-token-4f9a"
SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"e2e sync secret").digest()).decode()
WRONG_SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"someone else's secret").digest()).decode()
FAULTS = {"drop-before": 0.05, "drop-after": 0.05, "500": 0.04, "503": 0.03, "503-date": 0.02, "slow": 0.04,
          "partial": 0.04, "garbage": 0.03}  # 30 % of requests
# Every fault mode at least once, early, between successes (so no long runs of failures).
SCRIPT = ["drop-before", "ok", "drop-after", "ok", "500", "ok", "503", "partial", "503-date", "ok", "slow", "ok",
          "garbage", "ok"]


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign(secret, msg_id, ts, body):
    key = base64.b64decode(secret[len("whsec_"):])
    return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()


class Receiver:
    def __init__(self, script, out, name, *args, ca=None):
        self.name = name
        self.dump = os.path.join(out, f"receiver-{name}.json")
        self.stderr = open(os.path.join(out, f"receiver-{name}.log"), "w")
        self.proc = subprocess.Popen([sys.executable, script, "--dump", self.dump, *args], stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        m = re.match(r"PORT (\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"receiver {name} did not start: {line!r}")
        self.port = int(m.group(1))
        self.tls = ca is not None
        self.ctx = ssl.create_default_context(cafile=ca) if ca else None
        self.base = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def endpoint(self):
        return self.base + "/leads"

    def _call(self, path, data=None):
        req = urllib.request.Request(self.base + path, data=None if data is None else json.dumps(data).encode(),
                                     method="GET" if data is None else "POST")
        with urllib.request.urlopen(req, timeout=30, context=self.ctx) as r:
            return json.loads(r.read())

    def state(self):
        return self._call("/_control/state")

    def leads(self):
        return self._call("/_control/leads")["leads"]

    def configure(self, **cfg):
        return self._call("/_control/config", cfg)

    def stop(self):
        self.proc.terminate()
        rc = harness.wait_or_kill(self.proc, 10)
        self.stderr.close()
        return rc


class Env:
    def __init__(self, args):
        self.kiosk = os.path.abspath(args.kiosk)
        self.receiver = os.path.abspath(args.receiver)
        self.out = os.path.abspath(args.out)
        self.log = open(os.path.join(self.out, "commands.log"), "w")

    def run(self, *argv, timeout=900):
        t0 = time.monotonic()
        p = subprocess.run([self.kiosk, *argv], capture_output=True, text=True, timeout=timeout, cwd=self.out)
        dt = time.monotonic() - t0
        self.log.write(f"$ kiosk {' '.join(argv)}  # exit {p.returncode}, {dt:.1f} s\n{p.stdout}{p.stderr}\n")
        self.log.flush()
        return p, dt

    def data_dir(self, name):
        d = os.path.join(self.out, name)
        shutil.rmtree(d, ignore_errors=True)
        return d

    def config(self, name, endpoint, token=TOKEN, secret=SECRET, **extra):
        path = os.path.join(self.out, f"{name}.toml")
        lines = ["[sync]", f'endpoint = "{endpoint}"']
        if token:
            lines.append(f'token = "{token}"')
        if secret:
            lines.append(f'secret = "{secret}"')
        settings = {"timeout_s": 2, "backoff_base_s": 0.05, "backoff_cap_s": 0.5}
        settings.update(extra)
        for k, v in settings.items():
            lines.append(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path


def rows(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "leads.db"))
    try:
        return {r[0]: {"state": r[1], "error": r[2], "payload": r[3], "synced_ms": r[4]}
                for r in db.execute("SELECT id, sync_state, sync_error, payload, synced_ms FROM leads")}
    finally:
        db.close()


def integrity(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "leads.db"))
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def states(rs):
    out = {}
    for r in rs.values():
        out[r["state"]] = out.get(r["state"], 0) + 1
    return out


def generate(env, r, data_dir, count, seed=1):
    p, _ = env.run("leads", "generate", "--count", str(count), "--seed", str(seed), "--data-dir", data_dir)
    return r.check(f"generate {count} leads", p.returncode == 0 and len(rows(data_dir)) == count, p.stderr)


# ---- 1. faults ------------------------------------------------------------------------------

def phase_faults(env, r):
    d = env.data_dir("faults")
    if not generate(env, r, d, 2000, seed=11):
        return
    rec = Receiver(env.receiver, env.out, "faults", "--token", TOKEN, "--secret", SECRET, "--seed", "5",
                   "--faults", ",".join(f"{k}={v}" for k, v in FAULTS.items()), "--script", ",".join(SCRIPT),
                   "--slow-s", "3", "--retry-after", "1")
    cfg = env.config("faults", rec.endpoint())
    try:
        p, dt = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
        runs = 1
        if p.returncode != 0 and "Stopped:" in p.stdout:
            # The documented escape hatch: a run ends early after 8 failed tries in a row or 600 s.
            print(f"note: the first run stopped early, running once more:\n{p.stdout}", flush=True)
            p, dt2 = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
            dt += dt2
            runs = 2
        r.check("faults: kiosk sync --once exits 0 with everything sent", p.returncode == 0 and
                "All leads are sent." in p.stdout, f"exit {p.returncode}\n{p.stdout}{p.stderr}")
        print(f"note: {runs} run(s), {dt:.1f} s", flush=True)
        st = rec.state()
        got = rec.leads()
        rs = rows(d)
        faults = sum(n for m, n in st["requests"].items() if m != "ok")
        total = sum(st["requests"].values())
        print(f"note: receiver requests {st['requests']}, {faults}/{total} faulty "
              f"({100.0 * faults / max(total, 1):.0f} %), {st['duplicates']} duplicates", flush=True)
        r.check("faults: every fault mode was injected", all(st["requests"].get(m, 0) > 0 for m in FAULTS),
                str(st["requests"]))
        r.check("faults: about 30 % or more of the requests failed", 0.2 <= faults / max(total, 1) <= 0.7,
                f"{faults}/{total}")
        r.check("faults: the receiver holds exactly the 2,000 ids", set(got) == set(rs) and len(got) == 2000,
                f"{len(got)} at the receiver, {len(set(got) & set(rs))} in common")
        r.check("faults: no id arrived with two different payloads", not st["conflicts"], str(st["conflicts"][:3]))
        r.check("faults: lost acks were resent and answered as duplicates", st["duplicates"] > 0)
        same = sum(1 for i, lead in got.items() if i in rs and canonical(lead) == rs[i]["payload"])
        r.check("faults: every stored lead is byte-identical to leads.db's payload", same == 2000,
                f"{same} of {len(got)} identical")
        r.check("faults: every lead is marked synced, with synced_ms",
                states(rs) == {"synced": 2000} and all(x["synced_ms"] for x in rs.values()), str(states(rs)))
        p, _ = env.run("status", "--config", cfg, "--data-dir", d)
        r.check("faults: kiosk status says all sent, no error",
                "2000 in total — 0 waiting to be sent, 2000 sent, 0 refused" in p.stdout and
                "Last error: none" in p.stdout and re.search(r"Last successful upload: \d{4}-\d\d-\d\dT", p.stdout),
                p.stdout)
        uploads = rec.state()["uploads"]
        p, _ = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
        r.check("faults: a second run has nothing to send and makes no request",
                p.returncode == 0 and "Nothing to send." in p.stdout and rec.state()["uploads"] == uploads, p.stdout)
        r.check("faults: the database is intact", integrity(d) == "ok")
    finally:
        rc = rec.stop()
    r.check("faults: the receiver exits 0 (no conflicting payloads)", rc == 0, f"exit {rc}")
    try:
        with open(rec.dump) as f:
            dump = json.load(f)
        r.check("faults: the receiver's dump file holds the 2,000 leads", len(dump["leads"]) == 2000)
    except (OSError, ValueError) as e:
        r.check("faults: the receiver's dump file holds the 2,000 leads", False, str(e))


# ---- 2. authenticity ------------------------------------------------------------------------

def phase_authenticity(env, r):
    rec = Receiver(env.receiver, env.out, "auth", "--token", TOKEN, "--secret", SECRET)

    def body_with(lead_id, email="a@example.org"):
        lead = {"id": lead_id, "email": email, "first_name": "Test"}
        return json.dumps({"schema": 1, "kiosk_id": "e2e", "event_id": "e2e", "sent_at": "2026-01-01T00:00:00.000Z",
                           "leads": [lead]}, separators=(",", ":")).encode()

    def post(body, token=TOKEN, secret=SECRET, sign_body=None, ts=None, headers=True):
        msg_id = str(uuid.uuid4())
        ts = int(time.time()) if ts is None else ts
        h = {"Content-Type": "application/json"}
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if headers:
            h.update({"webhook-id": msg_id, "webhook-timestamp": str(ts),
                      "webhook-signature": sign(secret, msg_id, ts, sign_body if sign_body is not None else body)})
        c = http.client.HTTPConnection("127.0.0.1", rec.port, timeout=10)
        c.request("POST", "/leads", body=body, headers=h)
        resp = c.getresponse()
        out = resp.status, resp.read()
        c.close()
        return out

    try:
        good = str(uuid.uuid4())
        status, answer = post(body_with(good))
        r.check("auth: a correctly signed request is accepted",
                status == 200 and json.loads(answer).get("accepted") == [good], f"{status} {answer!r}")
        bad_ids = []
        cases = [
            ("a tampered body (signed before an email was changed)",
             lambda i: post(body_with(i, "evil@example.org"), sign_body=body_with(i))),
            ("a wrong secret", lambda i: post(body_with(i), secret=WRONG_SECRET)),
            ("a timestamp an hour old", lambda i: post(body_with(i), ts=int(time.time()) - 3600)),
            ("no signature headers", lambda i: post(body_with(i), headers=False)),
            ("a wrong bearer token", lambda i: post(body_with(i), token="not-the-token")),
            ("no bearer token", lambda i: post(body_with(i), token=None)),
        ]
        for what, send in cases:
            i = str(uuid.uuid4())
            bad_ids.append(i)
            status, answer = send(i)
            r.check(f"auth: {what} is refused with 401/403", status in (401, 403), f"{status} {answer!r}")
        stored = rec.leads()
        r.check("auth: nothing from the refused requests was stored",
                set(stored) == {good} and not any(i in rec.state()["seen"] for i in bad_ids), str(list(stored)))
    finally:
        rec.stop()


# ---- 3. a rejected lead ---------------------------------------------------------------------

def phase_rejected(env, r):
    d = env.data_dir("rejected")
    if not generate(env, r, d, 30, seed=3):
        return
    ids = sorted(rows(d))
    victim = ids[7]
    reason = "the email domain example.invalid is blocked"
    rec = Receiver(env.receiver, env.out, "rejected", "--token", TOKEN, "--secret", SECRET)
    try:
        rec.configure(reject={victim: reason})
        cfg = env.config("rejected", rec.endpoint(), batch_size=10)
        p, _ = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
        r.check("rejected: kiosk sync --once exits 0 (a rejected lead is not pending)",
                p.returncode == 0 and "29 sent, 1 refused by the server" in p.stdout, p.stdout + p.stderr)
        rs = rows(d)
        r.check("rejected: the lead is failed with the receiver's reason",
                rs[victim]["state"] == "failed" and reason in rs[victim]["error"], str(rs[victim]))
        r.check("rejected: the other 29 are synced", sum(1 for x in rs.values() if x["state"] == "synced") == 29)
        p, _ = env.run("status", "--config", cfg, "--data-dir", d)
        r.check("rejected: kiosk status lists the lead with its reason",
                "1 refused by the server" in p.stdout and re.search(rf"{victim}\s+.*{re.escape(reason)}", p.stdout),
                p.stdout)
        p, _ = env.run("leads", "list", "--data-dir", d)
        r.check("rejected: kiosk leads list shows it as failed", re.search(rf"{victim}\s+failed", p.stdout), p.stdout)
        p, _ = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
        seen = rec.state()["seen"]
        r.check("rejected: it is never sent again", p.returncode == 0 and seen.get(victim) == 1 and
                victim not in rec.leads(), f"seen {seen.get(victim)}; {p.stdout}")
    finally:
        rec.stop()


# ---- 4. refused credentials -----------------------------------------------------------------

def phase_credentials(env, r):
    d = env.data_dir("credentials")
    if not generate(env, r, d, 10, seed=4):
        return
    rec = Receiver(env.receiver, env.out, "credentials", "--token", TOKEN, "--secret", SECRET)
    try:
        for what, cfg, code in (
                ("a wrong token", env.config("wrong-token", rec.endpoint(), token="wrong"), 401),
                ("a wrong secret", env.config("wrong-secret", rec.endpoint(), secret=WRONG_SECRET), 403)):
            before = rec.state()["refused"][str(code)]
            p, dt = env.run("sync", "--once", "--config", cfg, "--data-dir", d)
            r.check(f"credentials: {what} makes sync --once exit non-zero with the credentials message",
                    p.returncode not in (0, None) and
                    f"The server refused the credentials (HTTP {code}" in p.stdout and
                    "check sync.token / sync.secret" in p.stdout and dt < 30, f"exit {p.returncode}\n{p.stdout}")
            r.check(f"credentials: {what}: one request, not retried",
                    rec.state()["refused"][str(code)] - before == 1, str(rec.state()["refused"]))
            rs = rows(d)
            r.check(f"credentials: {what}: all 10 still pending, nothing stored",
                    states(rs) == {"pending": 10} and not rec.leads(), str(states(rs)))
            p, _ = env.run("status", "--config", cfg, "--data-dir", d)
            r.check(f"credentials: {what}: kiosk status says so",
                    f"Last error: The server refused the credentials (HTTP {code}" in p.stdout and
                    "refused the credentials on the last try" in p.stdout, p.stdout)
        # The receiver's injected 401 (right credentials, the server says no): the same.
        rec.configure(script=["401"])
        p, _ = env.run("sync", "--once", "--config", env.config("right", rec.endpoint()), "--data-dir", d)
        r.check("credentials: an injected 401 stops sync --once with the credentials message",
                p.returncode == 1 and "The server refused the credentials (HTTP 401" in p.stdout and
                rec.state()["requests"].get("401") == 1 and states(rows(d)) == {"pending": 10}, p.stdout)
        # With the right credentials again, everything goes.
        p, _ = env.run("sync", "--once", "--config", env.config("right", rec.endpoint()), "--data-dir", d)
        r.check("credentials: fixed, everything is sent and the warning is gone",
                p.returncode == 0 and len(rec.leads()) == 10 and states(rows(d)) == {"synced": 10}, p.stdout)
        p, _ = env.run("status", "--config", env.config("right", rec.endpoint()), "--data-dir", d)
        r.check("credentials: kiosk status is clear again", "Last error: none" in p.stdout and
                "refused the credentials on the last try" not in p.stdout, p.stdout)
    finally:
        rec.stop()


# ---- 5. TLS with a private CA ---------------------------------------------------------------

def phase_tls(env, r):
    if not shutil.which("openssl"):
        r.check("tls: openssl is available to make a test CA", False)
        return
    t = os.path.join(env.out, "tls")
    shutil.rmtree(t, ignore_errors=True)
    os.makedirs(t)

    def ossl(*a):
        subprocess.run(["openssl", *a], cwd=t, check=True, capture_output=True)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=Kiosk e2e test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
         "/CN=127.0.0.1")
    with open(os.path.join(t, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
         "server.pem", "-days", "2", "-extfile", "ext.cnf")
    ca = os.path.join(t, "ca.pem")
    d = env.data_dir("tls-data")
    if not generate(env, r, d, 50, seed=5):
        return
    rec = Receiver(env.receiver, env.out, "tls", "--token", TOKEN, "--secret", SECRET, "--tls-cert",
                   os.path.join(t, "server.pem"), "--tls-key", os.path.join(t, "server.key"), ca=ca)
    try:
        p, _ = env.run("sync", "--once", "--config", env.config("tls-no-ca", rec.endpoint()), "--data-dir", d)
        r.check("tls: without sync.ca_file the private CA is not trusted, nothing is sent",
                p.returncode != 0 and "could not be verified" in p.stdout and not rec.leads() and
                states(rows(d)) == {"pending": 50}, p.stdout)
        p, _ = env.run("sync", "--once", "--config", env.config("tls-ca", rec.endpoint(), ca_file=ca),
                       "--data-dir", d)
        r.check("tls: with sync.ca_file the upload works", p.returncode == 0 and len(rec.leads()) == 50, p.stdout)
    finally:
        rec.stop()


# ---- 6. no server, and the UI keeps rendering -----------------------------------------------

def start_ui(env, cfg, data_dir, name):
    """The real kiosk under xvfb-run playing `--script -` line by line."""
    return harness.ScriptedKiosk(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", env.kiosk, "--virtual-clock", "--config", cfg,
         "--data-dir", data_dir, "--script", "-"], cwd=env.out, stderr_path=os.path.join(env.out, f"kiosk-{name}.log"),
        stderr_mode="w", timeout=60)


UI_SCRIPT = ["tap attract.start", "tap browse.card.gdata", "wait 5000", "expect-screen profile", "tap profile.back",
             "expect-screen browse", "wait 2000", "tap browse.card.vmray", "expect-screen profile"]


def play(env, r, name, cfg, data_dir, per_line_s=10.0):
    k = start_ui(env, cfg, data_dir, name)
    t0 = time.monotonic()
    worst = 0.0
    all_ok = True
    for line in UI_SCRIPT:
        t_line = time.monotonic()
        ok, answer = k.cmd(line)
        dt = time.monotonic() - t_line
        worst = max(worst, dt)
        if not ok or dt > per_line_s:
            all_ok = False
            r.check(f"{name}: '{line}' succeeds within {per_line_s:.0f} s", False, f"{answer} after {dt:.1f} s")
    total = time.monotonic() - t0
    r.check(f"{name}: every script line succeeded promptly (worst {worst:.2f} s, all {total:.1f} s)",
            all_ok and total < 60)
    return k


def phase_offline(env, r):
    d = env.data_dir("offline")
    if not generate(env, r, d, 2000, seed=6):
        return
    before = rows(d)
    port = harness.free_port()  # closed: nothing listens there
    cfg = env.config("offline", f"http://127.0.0.1:{port}/leads")

    p, dt = env.run("sync", "--once", "--config", cfg, "--data-dir", d, timeout=120)
    r.check("offline: kiosk sync --once gives up in bounded time, exit non-zero",
            p.returncode == 1 and dt < 60, f"exit {p.returncode} after {dt:.1f} s")
    r.check("offline: it says the connection was refused, in plain words",
            f"Connection refused by 127.0.0.1:{port} — is the network up?" in p.stdout, p.stdout)
    after = rows(d)
    r.check("offline: nothing lost, all 2,000 still pending with the same payloads",
            states(after) == {"pending": 2000} and all(after[i]["payload"] == before[i]["payload"] for i in before))

    k = play(env, r, "offline ui", cfg, d)
    ok, answer = k.cmd("quit")
    rc = k.close(30)
    r.check("offline ui: quit exits 0", ok and rc == 0, f"{answer}, exit {rc}")
    after = rows(d)
    r.check("offline ui: pending stays 2,000", states(after) == {"pending": 2000}, str(states(after)))
    p, _ = env.run("status", "--config", cfg, "--data-dir", d)
    r.check("offline ui: the worker tried, and kiosk status shows why it could not send",
            "2000 waiting to be sent" in p.stdout and f"Connection refused by 127.0.0.1:{port}" in p.stdout, p.stdout)
    r.check("offline: the database is intact", integrity(d) == "ok")

    # A server that accepts the connection and never answers: quit must not wait for timeout_s.
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(16)
    cfg_hole = env.config("blackhole", f"http://127.0.0.1:{hole.getsockname()[1]}/leads", timeout_s=60)
    try:
        k = play(env, r, "blackhole ui", cfg_hole, d)
        t0 = time.monotonic()
        ok, answer = k.cmd("quit")
        rc = k.close(30)
        dt = time.monotonic() - t0
        r.check(f"blackhole ui: quit exits 0 within 4 s with a request in flight ({dt:.2f} s)",
                ok and rc == 0 and dt < 4.0, f"{answer}, exit {rc}, {dt:.2f} s")
    finally:
        hole.close()
    r.check("blackhole ui: pending stays 2,000", states(rows(d)) == {"pending": 2000})

    # And with a live receiver the background worker sends everything while the UI plays.
    rec = Receiver(env.receiver, env.out, "ui", "--token", TOKEN, "--secret", SECRET)
    try:
        cfg_live = env.config("live", rec.endpoint())
        k = play(env, r, "live ui", cfg_live, d)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(rec.leads()) < 2000:
            time.sleep(0.2)
        ok, answer = k.cmd("quit")
        rc = k.close(30)
        r.check("live ui: quit exits 0", ok and rc == 0, f"{answer}, exit {rc}")
        rs = rows(d)
        r.check("live ui: the background worker sent all 2,000 and marked them synced",
                len(rec.leads()) == 2000 and states(rs) == {"synced": 2000}, f"{len(rec.leads())}, {states(rs)}")
    finally:
        r.check("live ui: the receiver saw no conflicting payloads", rec.stop() == 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--receiver", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="", help="comma-separated phases: faults,auth,rejected,credentials,tls,offline")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    env = Env(args)
    r = harness.Results("PASS ")
    phases = {"faults": phase_faults, "auth": phase_authenticity, "rejected": phase_rejected,
              "credentials": phase_credentials, "tls": phase_tls, "offline": phase_offline}
    only = [p for p in args.only.split(",") if p] or list(phases)
    for name in only:
        t0 = time.monotonic()
        try:
            phases[name](env, r)
        except Exception as e:  # a crash in one phase is a failure, the others still run
            r.check(f"{name}: ran to the end", False, f"{type(e).__name__}: {e}")
        print(f"-- {name}: {time.monotonic() - t0:.1f} s", flush=True)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
