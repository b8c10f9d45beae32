#!/usr/bin/env python3
"""The hub end to end: the real `kiosk-hub` and the real `kiosk` on loopback (plain HTTP:
the kiosk allows http only to a loopback address).

1. `kiosk-hub serve` on a free port; `add-kiosk` for two kiosks, each kiosk gets its own
   kiosk.toml from the printed [kiosk]/[sync] block; `kiosk leads generate --count 500` and
   `kiosk sync --once` in each data folder, both kiosks at once. `kiosk-hub leads --format jsonl` then holds
   exactly the 1,000 ids, one payload each, byte-identical to the kiosks' leads.db; a second
   sync sends nothing; `leads --exhibitor` (JSON Lines and CSV) holds exactly the leads that
   chose that company; resending everything (the kiosk's rows set back to pending, as
   after lost acks) is answered as duplicates: still 1,000 rows.
2. Refused, nothing stored: a revoked kiosk (through the real kiosk: the credentials message,
   all pending), a wrong secret, a kiosk posting another kiosk's id, a replayed request, a
   body over max_body_kib (413), a stale timestamp.
3. HTTPS: a second `kiosk-hub serve` on the same database with tls_cert/tls_key from a private
   CA made here; a kiosk trusts it only with sync.ca_file, and then sends its leads.
4. A client that stops half-way is disconnected (within 3 × read_timeout_s: 4 s with 2 s).
   A slowloris (one byte a second, over plain HTTP and over TLS) is disconnected after
   request_timeout_s, and a hub with one worker serves another client meanwhile.
5. PostgreSQL: two `kiosk-hub serve` instances on one database (a real server started here)
   behind a round-robin TCP balancer; two kiosks sync 300 leads each through it at once, then
   resend everything: each id stored once, byte for byte; both instances served.
   kiosk-hub migrate copies the SQLite hub into a second, empty PostgreSQL database: the
   same leads byte for byte and in order, the same kiosks, whose credentials work there; a
   second run copies nothing.
6. GET /healthz, GET /metrics; no token or secret in the hub's log; `kiosk-hub kiosks` lists them;
   a config with a typo does not start the hub; SIGTERM stops it with exit 0.

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import base64
import csv
import hashlib
import hmac
import io
import http.client
import json
import os
import re
import select
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
import tomllib
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402
from hub_support import RoundRobin, kiosk_and_hub_args, make_private_ca, start_postgres  # noqa: E402

MAX_BODY_KIB = 512
READ_TIMEOUT_S = 2


def sign(secret, msg_id, ts, body):
    key = base64.b64decode(secret[len("whsec_"):])
    return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()


class Env:
    def __init__(self, args):
        self.kiosk = os.path.abspath(args.kiosk)
        self.hub = os.path.abspath(args.hub)
        self.out = harness.fresh_dir(args.out)
        self.log = open(os.path.join(self.out, "commands.log"), "w")
        self.port = harness.free_port()
        self.config = os.path.join(self.out, "hub.toml")
        with open(self.config, "w") as f:
            f.write(f'[hub]\nlisten = "127.0.0.1:{self.port}"\ndatabase = "sqlite:state/hub.db"\n'
                    f"max_body_kib = {MAX_BODY_KIB}\nthreads = 4\nread_timeout_s = {READ_TIMEOUT_S}\n")
        self.db = os.path.join(self.out, "state", "hub.db")
        self.proc = None

    def run(self, binary, *argv, timeout=600):
        t0 = time.monotonic()
        p = subprocess.run([binary, *argv], capture_output=True, text=True, timeout=timeout, cwd=self.out)
        dt = time.monotonic() - t0
        self.log.write(f"$ {os.path.basename(binary)} {' '.join(argv)}  # exit {p.returncode}, {dt:.1f} s\n"
                       f"{p.stdout}{p.stderr}\n")
        self.log.flush()
        return p, dt

    def hub_cmd(self, *argv):
        return self.run(self.hub, *argv, "--config", self.config)[0]

    def start(self, config=None, name="hub"):
        """Starts `kiosk-hub serve`; its log goes to <out>/<name>.log."""
        return HubProcess(self.hub, config or self.config, os.path.join(self.out, f"{name}.log"))

    def hub_rows(self):
        db = sqlite3.connect(self.db)
        try:
            return db.execute("SELECT count(*) FROM leads").fetchone()[0]
        finally:
            db.close()

    def post(self, body, token, secret, msg_id=None, ts=None, path="/kiosk/v1/leads", port=None):
        msg_id = msg_id or str(uuid.uuid4())
        ts = int(time.time()) if ts is None else ts
        h = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "webhook-id": msg_id,
             "webhook-timestamp": str(ts), "webhook-signature": sign(secret, msg_id, ts, body)}
        c = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        try:
            c.request("POST", path, body=body, headers=h)
            resp = c.getresponse()
            return resp.status, resp.read()
        except (ConnectionError, http.client.HTTPException) as e:
            return None, str(e).encode()
        finally:
            c.close()


class HubProcess:
    def __init__(self, binary, config, log_path):
        self.log_path = log_path
        # A notify socket as systemd gives a Type=notify service (platform/linux/stand-kiosk-hub.service).
        self.notify_path = log_path + ".notify"
        if os.path.exists(self.notify_path):
            os.unlink(self.notify_path)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.notify.settimeout(5)
        self.proc = subprocess.Popen([binary, "serve", "--config", config], stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, NOTIFY_SOCKET=self.notify_path))
        ready, _, _ = select.select([self.proc.stderr], [], [], 10)
        line = self.proc.stderr.readline() if ready else ""
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"kiosk-hub did not start: {line!r}")
        self.log_file = open(log_path, "w")
        self.log_file.write(line)
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self):
        for line in self.proc.stderr:
            self.log_file.write(line)
            self.log_file.flush()

    def notified(self):
        """The next message on the notify socket ("" when none came within 5 s)."""
        try:
            return self.notify.recv(4096).decode()
        except socket.timeout:
            return ""

    def stop(self):
        """SIGTERM; returns the exit status and the whole log."""
        self.proc.send_signal(signal.SIGTERM)
        rc = harness.wait_or_kill(self.proc, 10)
        self.stopping = self.notified()
        self.notify.close()
        self.pump.join(5)
        self.log_file.close()
        with open(self.log_path) as f:
            return rc, f.read()


def kiosk_rows(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "leads.db"))
    try:
        return {r[0]: {"payload": r[1], "state": r[2]} for r in db.execute("SELECT id, payload, sync_state FROM leads")}
    finally:
        db.close()


def add_kiosk(env, r, kiosk_id):
    p = env.hub_cmd("add-kiosk", kiosk_id)
    block = tomllib.loads(p.stdout) if p.returncode == 0 else {}
    sync = block.get("sync", {})
    r.check(f"add-kiosk {kiosk_id} prints [kiosk] id and [sync] endpoint, token, secret",
            block.get("kiosk", {}).get("id") == kiosk_id and
            sync.get("endpoint") == f"http://127.0.0.1:{env.port}/kiosk/v1/leads" and
            sync.get("token", "").startswith("khub_") and sync.get("secret", "").startswith("whsec_"),
            p.stdout + p.stderr)
    cfg = os.path.join(env.out, f"{kiosk_id}.toml")
    with open(cfg, "w") as f:
        f.write(p.stdout + "timeout_s = 10\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.5\n")
    return cfg, sync


def body_for(kiosk_id, leads):
    return json.dumps({"schema": 1, "kiosk_id": kiosk_id, "event_id": "e2e", "sent_at": "2026-01-01T00:00:00.000Z",
                       "leads": leads}, separators=(",", ":")).encode()


def new_lead():
    return {"id": str(uuid.uuid4()), "email": "x@example.org", "first_name": "Test"}


def phase_slow_client(env, r):
    """A client that stops half-way (in the headers, in the body) is cut off: it does not hold a worker."""
    before = env.hub_rows()
    for what, data in (("in the headers", b"POST /kiosk/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor"),
                       ("in the body", b"POST /kiosk/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       b"Content-Length: 1000\r\n\r\n{\"schema\":1,")):
        s = socket.create_connection(("127.0.0.1", env.port), timeout=READ_TIMEOUT_S * 5)
        t0 = time.monotonic()
        s.sendall(data)
        try:
            while s.recv(4096):
                pass
            closed = True
        except (socket.timeout, ConnectionError):
            closed = False
        dt = time.monotonic() - t0
        s.close()
        r.check(f"a client that stops {what} is disconnected within 3 × read_timeout_s ({dt:.1f} s)",
                closed and dt < READ_TIMEOUT_S * 3, f"closed {closed} after {dt:.1f} s")
    r.check("… nothing stored", env.hub_rows() == before)


REQUEST_TIMEOUT_S = 3


def slowloris(port, seconds, wrap=None):
    """A client that sends a request one byte per second (each byte well within read_timeout_s)
    for up to `seconds`; returns how long until the hub closed the connection (None: it never did)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if wrap:
        s = wrap(s)
    s.settimeout(0.2)
    t0 = time.monotonic()
    data = b"POST /kiosk/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    try:
        for byte in data:
            if time.monotonic() - t0 > seconds:
                return None
            readable, _, _ = select.select([s], [], [], 1.0)
            if readable:
                try:
                    if not s.recv(4096):
                        return time.monotonic() - t0
                except (socket.timeout, ssl.SSLWantReadError):
                    pass  # TLS: a session ticket, no application data
            s.sendall(bytes([byte]))
        return None
    except (OSError, ValueError):
        return time.monotonic() - t0
    finally:
        s.close()


def phase_slowloris(env, r):
    """A hub with one worker: a client trickling one byte a second is cut off after
    request_timeout_s, and a second client is served meanwhile, not only after it."""
    port = harness.free_port()
    config = os.path.join(env.out, "hub-slowloris.toml")
    with open(config, "w") as f:
        f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "sqlite:state/hub.db"\nthreads = 1\n'
                f"read_timeout_s = {READ_TIMEOUT_S}\nrequest_timeout_s = {REQUEST_TIMEOUT_S}\n")
    slow_hub = env.start(config, "hub-slowloris")
    try:
        closed = {}
        t = threading.Thread(target=lambda: closed.__setitem__("after", slowloris(port, 20)))
        t.start()
        time.sleep(0.5)  # the slowloris holds the only worker now
        t0 = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            c.request("GET", "/healthz")
            status = c.getresponse().status
            c.close()
        except (OSError, http.client.HTTPException) as e:
            status = str(e)
        waited = time.monotonic() - t0
        t.join()
        after = closed.get("after")
        r.check(f"a slowloris (1 byte/s) is disconnected after request_timeout_s = {REQUEST_TIMEOUT_S} "
                f"({after if after is None else round(after, 1)} s)",
                after is not None and REQUEST_TIMEOUT_S - 0.5 < after < REQUEST_TIMEOUT_S + 2, str(after))
        r.check(f"… and a second client is served meanwhile by the hub's only worker ({waited:.1f} s)",
                status == 200 and waited < REQUEST_TIMEOUT_S + 2, f"{status} after {waited:.1f} s")
    finally:
        rc, log = slow_hub.stop()
    r.check("… the hub logs the cut-off connection",
            "closed: its request took longer than request_timeout_s" in log, log[-1000:])


def phase_tls(env, r):
    """A second hub on the same database serving HTTPS itself, with a certificate from a
    private CA made here: a kiosk with that CA in sync.ca_file sends to it; without, it does not."""
    t = os.path.join(env.out, "tls")
    make_private_ca(t)
    port = harness.free_port()
    config = os.path.join(env.out, "hub-tls.toml")
    with open(config, "w") as f:
        f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "sqlite:state/hub.db"\n'
                f'tls_cert = "{t}/server.pem"\ntls_key = "{t}/server.key"\nrequest_timeout_s = {REQUEST_TIMEOUT_S}\n')
    tls_hub = env.start(config, "hub-tls")
    try:
        ctx = ssl.create_default_context(cafile=os.path.join(t, "ca.pem"))
        after = slowloris(port, 20, wrap=lambda s: ctx.wrap_socket(s, server_hostname="127.0.0.1"))
        r.check(f"over TLS too, a slowloris is disconnected after request_timeout_s "
                f"({after if after is None else round(after, 1)} s)",
                after is not None and REQUEST_TIMEOUT_S - 0.5 < after < REQUEST_TIMEOUT_S + 2, str(after))
        p, _ = env.run(env.hub, "add-kiosk", "kiosk-tls", "--config", config)
        r.check("add-kiosk on a TLS hub prints an https:// endpoint",
                f'endpoint = "https://127.0.0.1:{port}/kiosk/v1/leads"' in p.stdout, p.stdout)
        d = os.path.join(env.out, "data-kiosk-tls")
        cfg = os.path.join(env.out, "kiosk-tls.toml")
        with open(cfg, "w") as f:
            f.write(p.stdout + "timeout_s = 5\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.2\n")
        env.run(env.kiosk, "leads", "generate", "--count", "50", "--config", cfg, "--data-dir", d)
        before = env.hub_rows()
        p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfg, "--data-dir", d)
        r.check("without the private CA the kiosk does not trust the hub: nothing sent",
                p.returncode == 1 and "certificate" in p.stdout and env.hub_rows() == before, p.stdout)
        with open(cfg, "a") as f:
            f.write(f'ca_file = "{t}/ca.pem"\n')
        p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfg, "--data-dir", d)
        r.check("with sync.ca_file the kiosk sends its 50 leads over HTTPS to the second hub instance",
                p.returncode == 0 and "All leads are sent." in p.stdout and env.hub_rows() == before + 50,
                p.stdout + p.stderr)
    finally:
        rc, _ = tls_hub.stop()
    r.check("the TLS hub stops with exit 0", rc == 0, f"exit {rc}")


def phase_postgres(env, r):
    """Two hub instances on one PostgreSQL database behind a round-robin balancer; two kiosks
    sync through it at once: each id stored once, byte for byte, both instances served."""
    url, stop_pg = start_postgres(env.out)
    if url is None:
        r.skip("postgres: two hub instances on one PostgreSQL", stop_pg)
        return
    hubs, configs = [], []
    try:
        for n in range(2):
            cfg = os.path.join(env.out, f"hub-pg-{n}.toml")
            with open(cfg, "w") as f:
                f.write(f'[hub]\nlisten = "127.0.0.1:{harness.free_port()}"\ndatabase = "{url}"\nthreads = 4\n')
            configs.append(cfg)
        hubs = [env.start(cfg, f"hub-pg-{n}") for n, cfg in enumerate(configs)]  # both migrate at once
        ports = [int(re.search(r"listen = \"127.0.0.1:(\d+)\"", open(c).read()).group(1)) for c in configs]
        lb = RoundRobin(ports)
        dirs, cfgs = {}, {}
        for n, k in enumerate(("pg-a", "pg-b")):
            p, _ = env.run(env.hub, "add-kiosk", k, "--config", configs[n], "--endpoint",
                           f"http://127.0.0.1:{lb.port}/kiosk/v1/leads")
            cfgs[k] = os.path.join(env.out, f"{k}.toml")
            with open(cfgs[k], "w") as f:
                f.write(p.stdout + "batch_size = 50\ntimeout_s = 10\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.5\n")
            dirs[k] = os.path.join(env.out, f"data-{k}")
            env.run(env.kiosk, "leads", "generate", "--count", "300", "--seed", str(20 + n), "--config", cfgs[k],
                    "--data-dir", dirs[k])
        results = {}

        def sync_all():
            threads = [threading.Thread(target=lambda k=k: results.__setitem__(
                k, env.run(env.kiosk, "sync", "--once", "--config", cfgs[k], "--data-dir", dirs[k])[0]))
                for k in dirs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return all(p.returncode == 0 and "All leads are sent." in p.stdout for p in results.values())

        t0 = time.monotonic()
        ok = sync_all()
        wall = time.monotonic() - t0
        r.check("postgres: two kiosks sync 600 leads through the balancer to two hub instances", ok,
                "\n".join(p.stdout + p.stderr for p in results.values()))
        print(f"note: PostgreSQL, two instances: 600 leads in {wall:.2f} s ({600 / wall:.0f} leads/s, batch 50, "
              f"connections per instance {lb.served})", flush=True)
        r.check("postgres: both instances served requests", all(n > 0 for n in lb.served), str(lb.served))
        p, _ = env.run(env.hub, "leads", "--format", "jsonl", "--config", configs[1])
        lines = p.stdout.splitlines()
        stored = {i: x for k in dirs for i, x in kiosk_rows(dirs[k]).items()}
        got = {}
        for line in lines:
            got.setdefault(json.loads(line)["id"], []).append(line)
        r.check("postgres: exactly the 600 ids, one payload each, byte-identical to the kiosks'",
                len(lines) == 600 and set(got) == set(stored) and
                all(len(v) == 1 and v[0] == stored[i]["payload"] for i, v in got.items()), f"{len(lines)} lines")
        for k in dirs:
            db = sqlite3.connect(os.path.join(dirs[k], "leads.db"))
            db.execute("UPDATE leads SET sync_state = 'pending', synced_ms = NULL")
            db.commit()
            db.close()
        ok = sync_all()
        p, _ = env.run(env.hub, "leads", "--format", "jsonl", "--config", configs[0])
        r.check("postgres: everything resent at once through both instances: duplicates, still 600 rows",
                ok and len(p.stdout.splitlines()) == 600, f"{len(p.stdout.splitlines())} rows")
        lb.close()
        phase_migrate(env, r, url)
    finally:
        for h in hubs:
            rc, _ = h.stop()
            r.check("postgres: a hub instance stops with exit 0", rc == 0, f"exit {rc}")
        stop_pg()


def phase_migrate(env, r, url):
    """kiosk-hub migrate copies the SQLite hub into an empty PostgreSQL database: the same leads
    byte for byte in the same order, the same kiosks, whose credentials work there; a second
    run copies nothing."""
    pg_dir = os.path.join(env.out, "pg")
    subprocess.run(["psql", "-h", pg_dir, "-U", "postgres", "-q", "-c", "CREATE DATABASE moved"], check=True,
                   capture_output=True)
    port = harness.free_port()
    config = os.path.join(env.out, "hub-moved.toml")
    with open(config, "w") as f:
        f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "{url.replace("/hub?", "/moved?")}"\n')
    p, dt = env.run(env.hub, "migrate", "--from", "sqlite:state/hub.db", "--config", config)
    rows = env.hub_rows()
    r.check(f"migrate: the SQLite hub's {rows} leads copied into PostgreSQL ({dt:.1f} s), counts reported",
            p.returncode == 0 and re.search(rf"leads\s+{rows} rows,\s+{rows} copied", p.stdout) and
            re.search(r"kiosks\s+\d+ rows", p.stdout), p.stdout + p.stderr)
    old = env.hub_cmd("leads", "--format", "jsonl").stdout
    new, _ = env.run(env.hub, "leads", "--format", "jsonl", "--config", config)
    r.check("migrate: kiosk-hub leads prints the same bytes in the same order from both",
            new.returncode == 0 and new.stdout == old and len(old) > 0, f"{len(new.stdout)} vs {len(old)} bytes")
    old_kiosks = env.hub_cmd("kiosks").stdout
    new_kiosks, _ = env.run(env.hub, "kiosks", "--config", config)
    r.check("migrate: the same kiosks, states and counts", new_kiosks.stdout == old_kiosks, new_kiosks.stdout)
    p, _ = env.run(env.hub, "migrate", "--from", "sqlite:state/hub.db", "--config", config)
    copied = [int(n) for n in re.findall(r"(\d+) copied", p.stdout)]
    r.check("migrate: a second run copies nothing", p.returncode == 0 and copied and not any(copied), p.stdout)
    moved = env.start(config, "hub-moved")
    try:
        a = tomllib.loads(open(os.path.join(env.out, "kiosk-a.toml")).read())["sync"]
        status, answer = env.post(body_for("kiosk-a", [new_lead()]), a["token"], a["secret"], port=port)
        r.check("migrate: kiosk-a's token and secret are accepted by the hub on PostgreSQL",
                status == 200 and len(json.loads(answer)["accepted"]) == 1, f"{status} {answer!r}")
    finally:
        moved.stop()


def main():
    args = kiosk_and_hub_args()
    env = Env(args)
    r = harness.Results()

    # A typo in the config: nothing starts, the message names file, line and key.
    bad = os.path.join(env.out, "bad.toml")
    with open(bad, "w") as f:
        f.write('[hub]\nlisten = "127.0.0.1:1"\ndatabse = "sqlite:x.db"\n')
    p, _ = env.run(env.hub, "serve", "--config", bad, timeout=10)
    r.check("a config with an unknown key does not start the hub (exit 2, file:line: key)",
            p.returncode == 2 and "bad.toml:3: hub.databse: unknown key" in p.stderr, p.stderr)

    creds = {}
    cfgs = {}
    for k in ("kiosk-a", "kiosk-b"):
        cfgs[k], creds[k] = add_kiosk(env, r, k)
    hub = env.start()
    r.check("kiosk-hub serve tells systemd READY=1 once it listens", hub.notified() == "READY=1")
    try:
        # ---- 1. two kiosks, 500 leads each --------------------------------------------------
        dirs = {}
        for n, k in enumerate(("kiosk-a", "kiosk-b")):
            d = dirs[k] = os.path.join(env.out, f"data-{k}")
            p, _ = env.run(env.kiosk, "leads", "generate", "--count", "500", "--seed", str(n + 1), "--config",
                           cfgs[k], "--data-dir", d)
            r.check(f"{k}: 500 leads generated", p.returncode == 0 and len(kiosk_rows(d)) == 500, p.stderr)
        # Both kiosks at once, as on a stand with several screens.
        results = {}
        threads = [threading.Thread(target=lambda k=k: results.__setitem__(
            k, env.run(env.kiosk, "sync", "--once", "--config", cfgs[k], "--data-dir", dirs[k]))) for k in dirs]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
        for k, (p, _) in sorted(results.items()):
            r.check(f"{k}: kiosk sync --once sends everything", p.returncode == 0 and "All leads are sent." in p.stdout,
                    p.stdout + p.stderr)
        print(f"note: 1,000 leads from two kiosks syncing at once in {wall:.2f} s ({1000 / wall:.0f} leads/s, "
              f"batch 100, the two `kiosk sync --once` processes included)", flush=True)
        p = env.hub_cmd("leads", "--format", "jsonl")
        lines = p.stdout.split("\n")
        r.check("kiosk-hub leads --format jsonl ends with a newline", p.returncode == 0 and lines[-1] == "", p.stderr)
        lines = lines[:-1]
        by_id = {}
        for line in lines:
            by_id.setdefault(json.loads(line)["id"], []).append(line)
        stored = {i: x for k in dirs for i, x in kiosk_rows(dirs[k]).items()}
        r.check("the hub holds exactly the 1,000 ids, one payload each",
                len(lines) == 1000 and set(by_id) == set(stored) and all(len(v) == 1 for v in by_id.values()),
                f"{len(lines)} lines, {len(set(by_id) & set(stored))} ids in common")
        same = sum(1 for i, v in by_id.items() if i in stored and v[0] == stored[i]["payload"])
        r.check("every payload is byte-identical to the kiosk's leads.db", same == 1000, f"{same} of 1000")
        company = json.loads(next(iter(stored.values()))["payload"])["exhibitors"][0]
        want = {i for i, x in stored.items() if company in json.loads(x["payload"])["exhibitors"]}
        p = env.hub_cmd("leads", "--format", "jsonl", "--exhibitor", company)
        got_ids = {json.loads(line)["id"] for line in p.stdout.splitlines()}
        r.check(f"leads --exhibitor {company}: exactly the {len(want)} leads that chose it",
                p.returncode == 0 and got_ids == want and 0 < len(want) < 1000, f"{len(got_ids)} of {len(want)}")
        p = env.hub_cmd("leads", "--format", "csv", "--exhibitor", company)
        rows = list(csv.reader(io.StringIO(p.stdout.removeprefix("\ufeff")), delimiter=";"))
        r.check("leads --format csv: a header and one row per lead, names and ids as the kiosks stored them",
                p.returncode == 0 and rows[0][:3] == ["id", "created_at", "kiosk_id"] and len(rows) == len(want) + 1 and
                {row[0] for row in rows[1:]} == want and
                all(row[7] == json.loads(stored[row[0]]["payload"])["email"] for row in rows[1:]), p.stdout[:300])
        r.check("both kiosks mark all their leads synced",
                all(x["state"] == "synced" for x in stored.values()), "")
        p = env.hub_cmd("kiosks")
        r.check("kiosk-hub kiosks lists both with 500 leads each",
                re.search(r"kiosk-a\s+active\s+\S+\s+500\s+0\s+0", p.stdout) and
                re.search(r"kiosk-b\s+active\s+\S+\s+500\s+0\s+0", p.stdout), p.stdout)

        for k in dirs:
            p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfgs[k], "--data-dir", dirs[k])
            r.check(f"{k}: a second sync has nothing to send", p.returncode == 0 and "Nothing to send." in p.stdout,
                    p.stdout)
        db = sqlite3.connect(os.path.join(dirs["kiosk-a"], "leads.db"))
        db.execute("UPDATE leads SET sync_state = 'pending', synced_ms = NULL")
        db.commit()
        db.close()
        p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfgs["kiosk-a"], "--data-dir", dirs["kiosk-a"])
        r.check("kiosk-a resending all 500 (lost acks) ends synced", p.returncode == 0 and
                all(x["state"] == "synced" for x in kiosk_rows(dirs["kiosk-a"]).values()), p.stdout + p.stderr)
        r.check("… answered as duplicates: still 1,000 rows", env.hub_rows() == 1000, str(env.hub_rows()))

        # ---- 2. refused, nothing stored ----------------------------------------------------
        a, b = creds["kiosk-a"], creds["kiosk-b"]
        cfg_c, c = add_kiosk(env, r, "kiosk-c")
        p = env.hub_cmd("revoke-kiosk", "kiosk-c")
        r.check("revoke-kiosk kiosk-c", p.returncode == 0, p.stderr)
        d = os.path.join(env.out, "data-kiosk-c")
        env.run(env.kiosk, "leads", "generate", "--count", "5", "--config", cfg_c, "--data-dir", d)
        p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfg_c, "--data-dir", d)
        r.check("a revoked kiosk is refused: sync --once exits 1 with the credentials message, all pending",
                p.returncode == 1 and "The server refused the credentials (HTTP 401" in p.stdout and
                all(x["state"] == "pending" for x in kiosk_rows(d).values()), p.stdout)
        r.check("… nothing stored", env.hub_rows() == 1000)

        wrong = "whsec_" + base64.b64encode(hashlib.sha256(b"not the secret").digest()).decode()
        body = body_for("kiosk-a", [new_lead()])
        status, answer = env.post(body, a["token"], wrong)
        r.check("a wrong secret is refused with 403", status == 403, f"{status} {answer!r}")
        status, answer = env.post(body, b["token"], b["secret"])
        r.check("kiosk-b posting as kiosk-a is refused with 403", status == 403 and b"kiosk_id" in answer,
                f"{status} {answer!r}")
        status, answer = env.post(body, a["token"], a["secret"], ts=int(time.time()) - 301)
        r.check("a timestamp 301 s old is refused with 403", status == 403, f"{status} {answer!r}")
        r.check("… nothing stored", env.hub_rows() == 1000)

        msg_id = str(uuid.uuid4())
        ts = int(time.time())
        status, answer = env.post(body, a["token"], a["secret"], msg_id=msg_id, ts=ts)
        r.check("a correctly signed request from Python is accepted",
                status == 200 and len(json.loads(answer)["accepted"]) == 1, f"{status} {answer!r}")
        status, answer = env.post(body, a["token"], a["secret"], msg_id=msg_id, ts=ts)
        r.check("the same request replayed is refused (409), stored once",
                status == 409 and env.hub_rows() == 1001, f"{status} {answer!r} rows {env.hub_rows()}")

        big = body_for("kiosk-a", [dict(new_lead(), message="x" * 1000) for _ in range(MAX_BODY_KIB + 10)])
        status, answer = env.post(big, a["token"], a["secret"])
        r.check(f"a {len(big) // 1024} KiB body (over max_body_kib {MAX_BODY_KIB}) is refused with 413",
                status == 413, f"{status} {answer[:200]!r}")
        r.check("… nothing stored", env.hub_rows() == 1001)

        # ---- 3. health, log ----------------------------------------------------------------
        c2 = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        c2.request("GET", "/healthz")
        resp = c2.getresponse()
        r.check("GET /healthz answers 200 ok", resp.status == 200 and b"ok" in resp.read())
        c2.close()
        # Requests one after the other on one kept-alive connection: no stall between them
        # (an answer's head and body are two writes; with Nagle the body waited for the
        # client's delayed ACK, 40 ms each time).
        c2 = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        t0 = time.monotonic()
        for _ in range(40):
            c2.request("GET", "/healthz")
            c2.getresponse().read()
        per = (time.monotonic() - t0) / 40 * 1000
        c2.close()
        r.check(f"40 requests on kept-alive connections: {per:.1f} ms each (under 10 ms: no Nagle stall)", per < 10)
        c2 = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        c2.request("GET", "/metrics")
        resp = c2.getresponse()
        metrics = resp.read().decode()
        c2.close()
        r.check("GET /metrics counts per kiosk and outcome, per status, and the kiosks' last-seen age",
                resp.status == 200 and 'kiosk_hub_leads_total{kiosk="kiosk-b",outcome="accepted"} 500' in metrics and
                'kiosk_hub_leads_total{kiosk="kiosk-a",outcome="duplicate"} 500' in metrics and
                'kiosk_hub_upload_requests_total{status="409"} 1' in metrics and
                'kiosk_hub_upload_requests_total{status="401"} 1' in metrics and
                'kiosk_hub_kiosk_last_seen_age_seconds{kiosk="kiosk-a"}' in metrics and
                not any(x in metrics for cr in creds.values() for x in (cr["token"], cr["secret"])), metrics[:1500])
        phase_slow_client(env, r)
        phase_slowloris(env, r)
        phase_tls(env, r)
        phase_postgres(env, r)
    finally:
        rc, log = hub.stop()
    r.check("SIGTERM stops kiosk-hub with exit 0, after STOPPING=1", rc == 0 and hub.stopping == "STOPPING=1",
            f"exit {rc}, {hub.stopping!r}")
    secrets = [x for cr in (creds["kiosk-a"], creds["kiosk-b"], c) for x in (cr["token"], cr["secret"])]
    r.check("the hub logged every request, without a token or secret",
            log.count("POST /kiosk/v1/leads") >= 20 and not any(s in log for s in secrets) and
            "POST /kiosk/v1/leads 413" in log, log[-2000:])
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
