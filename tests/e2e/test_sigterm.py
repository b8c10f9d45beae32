#!/usr/bin/env python3
"""SIGTERM (what `systemctl stop` and a restart send) ends the kiosk within 2 s, exit 0, with
every stored lead intact. The real kiosk, full screen under Xvfb.

1. During a sign-up: 40 generated leads are stored; the kiosk (--virtual-clock, --script -)
   completes one sign-up (thanks screen = committed), then opens a second one and types a
   few letters; SIGTERM. Exit 0 within 2 s; PRAGMA integrity_check ok; exactly the 41 leads
   (the 40 by id, and the completed one by email); the half-typed one is not stored.
2. During a sync: 300 generated leads pending; sync.endpoint points to a loopback server that
   accepts the connection and reads the request but never answers (timeout_s = 60, so the
   request is in flight); SIGTERM once the request has arrived. Exit 0 within 2 s (the sync
   worker's request is aborted); integrity ok; the 300 leads unchanged and still pending.
In both: nothing personal (the leads' emails and surnames) in the kiosk's stderr (the journal).
3. As the service stops it, under the real cage (only when cage and Xwayland are installed, else
   SKIP; CI's kiosk-dev does not install them): the unit's ExecStart= (the built kiosk in place
   of /usr/bin/stand-kiosk, a test config with the silent endpoint, a temp data dir) on wlroots'
   headless backend, as nobody (cage refuses root), with the 300 leads uploading; then the
   unit's ExecStop= with $MAINPID = cage's pid. ExecStop returns within 2 s, cage exits 0 (no
   abort: Debian 12's cage 0.1.4 aborts when it gets SIGTERM itself), the kiosk is gone, the
   connection is closed, and the 300 leads are intact and pending.

Prints one line per check and ends with `N passed, M failed`; exit 1 on failure.
"""
import argparse
import os
import select
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

SIGNUP_EMAIL = "ada.sigterm@example.org"


def db_state(path):
    """(integrity_check result, {id: (email, sync_state)}) from a fresh read-only connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {r[0]: (r[1], r[2]) for r in con.execute("SELECT id, email, sync_state FROM leads")}
        names = [r[0] for r in con.execute("SELECT last_name FROM leads")]
        return integrity, rows, names
    finally:
        con.close()


def generate(kiosk, data, count, seed, config=None):
    args = [kiosk, "leads", "generate", "--count", str(count), "--seed", str(seed), "--data-dir", data]
    if config:
        args += ["--config", config]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return r.returncode == 0, r.stdout + r.stderr


def no_personal_data(res, label, stderr_path, rows, names):
    with open(stderr_path, encoding="utf-8", errors="replace") as f:
        text = f.read().lower()
    leaked = sorted({e for e, _ in rows.values() if e.lower() in text} |
                    {n for n in names if len(n) >= 4 and n.lower() in text})
    res.check(f"{label}: no email or surname of a lead in the kiosk's stderr ({len(text)} bytes)", not leaked,
              f"found {leaked[:3]}")


def phase_signup(res, kiosk, tmp, display):
    data = os.path.join(tmp, "signup")
    ok, out = generate(kiosk, data, 40, 7)
    res.check("sign-up: 40 leads generated", ok, out.strip()[-200:])
    _, before, _ = db_state(os.path.join(data, "leads.db"))
    err_path = os.path.join(tmp, "signup.err")
    k = harness.kiosk_script(kiosk, display, "--data-dir", data, stderr_path=err_path, stderr_mode="w", timeout=60)
    complete = ["tap attract.start", "tap browse.signup", "tap signup.first_name", "type Ada", "tap kbd.next",
                "type Lovelace", "tap kbd.next", f"type {SIGNUP_EMAIL}", "tap kbd.done",
                "tap signup.exhibitor.bollin-ot-defence", "tap signup.consent", "tap signup.submit",
                "expect-screen thanks", "tap thanks.done"]
    partial = ["tap attract.start", "tap browse.signup", "tap signup.first_name", "type Grace", "tap kbd.next",
               "type Hop", "expect-screen signup"]
    ok, why = k.run(complete + partial)
    res.check("sign-up: one sign-up completed (thanks), a second one open with letters typed", ok, why)
    code, took = harness.terminate_timed(k.proc)
    k.close()
    res.check("sign-up: SIGTERM -> exit 0 within 2 s", code == 0 and took < 2.0, f"exit {code} after {took:.2f} s")
    integrity, after, names = db_state(os.path.join(data, "leads.db"))
    res.check("sign-up: PRAGMA integrity_check is ok", integrity == "ok", integrity)
    res.check("sign-up: the 40 earlier leads are all still there, unchanged",
              all(after.get(i) == v for i, v in before.items()), f"{len(after)} leads")
    new = [e for i, (e, _) in after.items() if i not in before]
    res.check("sign-up: exactly one more lead, the completed one; the half-typed one is not stored",
              new == [SIGNUP_EMAIL] and len(after) == 41, f"new {new}")
    no_personal_data(res, "sign-up", err_path, after, names + ["Lovelace"])


class SilentServer:
    """Accepts connections on loopback, reads whatever comes, never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.connections = 0
        self.closed_by_peer = threading.Event()
        self.stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._hold, args=(c,), daemon=True).start()

    def _hold(self, c):
        c.settimeout(0.2)
        while not self.stop:
            try:
                b = c.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not b:
                break
            self.received += b
        self.closed_by_peer.set()
        c.close()

    def close(self):
        self.stop = True
        self.sock.close()


def phase_sync(res, kiosk, tmp, display):
    server = SilentServer()
    data = os.path.join(tmp, "sync")
    os.makedirs(data)
    config = os.path.join(tmp, "sync.toml")
    with open(config, "w") as f:
        f.write(f'[kiosk]\nid = "sigterm-test"\n\n[sync]\nendpoint = "http://127.0.0.1:{server.port}/leads"\n'
                f'timeout_s = 60\nbatch_size = 100\n')
    ok, out = generate(kiosk, data, 300, 11, config)
    _, before, _ = db_state(os.path.join(data, "leads.db"))
    res.check("sync: 300 leads generated, all pending",
              ok and len(before) == 300 and all(s == "pending" for _, s in before.values()), out.strip()[-200:])
    err_path = os.path.join(tmp, "sync.err")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([kiosk, "--config", config, "--data-dir", data], env=dict(os.environ, DISPLAY=display),
                                stdout=subprocess.DEVNULL, stderr=err)
        end = time.monotonic() + 20
        while time.monotonic() < end and b"\r\n\r\n" not in server.received and proc.poll() is None:
            time.sleep(0.05)
        res.check("sync: the kiosk's upload reached the silent server (request in flight)",
                  server.received.startswith(b"POST ") and b"\r\n\r\n" in server.received,
                  f"{server.connections} connection(s), {len(server.received)} bytes")
        time.sleep(0.5)
        code, took = harness.terminate_timed(proc)
    res.check("sync: SIGTERM during the upload -> exit 0 within 2 s", code == 0 and took < 2.0,
              f"exit {code} after {took:.2f} s")
    res.check("sync: the kiosk closed the connection (worker stopped, request aborted)",
              server.closed_by_peer.wait(2.0))
    server.close()
    integrity, after, names = db_state(os.path.join(data, "leads.db"))
    res.check("sync: PRAGMA integrity_check is ok", integrity == "ok", integrity)
    res.check("sync: the 300 leads are all still there, unchanged and pending", after == before,
              f"{len(after)} leads, {sum(s == 'pending' for _, s in after.values())} pending")
    st = subprocess.run([kiosk, "status", "--config", config, "--data-dir", data], capture_output=True, text=True,
                        timeout=30)
    res.check("sync: `kiosk status` agrees: 300 waiting to be sent", "300 waiting" in st.stdout,
              st.stdout.splitlines()[0] if st.stdout else st.stderr.strip())
    no_personal_data(res, "sync", err_path, after, names)


def systemd_words(value, mainpid):
    """A unit's command line as systemd runs it: $$ is a literal $, a word $MAINPID the main pid."""
    return [str(mainpid) if w == "$MAINPID" else w.replace("$$", "$") for w in shlex.split(value.lstrip("-@:+!"))]


def phase_cage(res, kiosk, tmp):
    why, as_user = harness.cage_unavailable(kiosk)
    if why:
        print(f"SKIP under cage, stopped as the unit does: {why}", flush=True)
        return
    data, env = harness.cage_env(tmp, as_user)
    server = SilentServer()
    config = os.path.join(tmp, "cage.toml")
    with open(config, "w") as f:
        f.write(f'[sync]\nendpoint = "http://127.0.0.1:{server.port}/leads"\ntimeout_s = 60\n')
    os.chmod(config, 0o644)
    r = subprocess.run(as_user + [kiosk, "leads", "generate", "--count", "300", "--seed", "13", "--data-dir", data],
                       capture_output=True, text=True, timeout=60)
    _, before, _ = db_state(os.path.join(data, "leads.db"))
    res.check("under cage: 300 leads generated (as nobody)", r.returncode == 0 and len(before) == 300,
              (r.stdout + r.stderr).strip()[-200:])
    argv = [kiosk if w == "/usr/bin/stand-kiosk" else w for w in systemd_words(harness.unit_values("ExecStart")[-1], 0)]
    argv[argv.index("--config") + 1] = config
    argv[argv.index("--data-dir") + 1] = data
    notify = os.path.join(tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify)
    os.chmod(notify, 0o777)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    env.update(NOTIFY_SOCKET=notify)
    err_path = os.path.join(tmp, "cage.err")
    err = open(err_path, "w")
    cage = subprocess.Popen(as_user + argv, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    kiosk_pid, end = None, time.monotonic() + 20
    while time.monotonic() < end and kiosk_pid is None:  # READY=1 tells the kiosk's pid
        if select.select([sock], [], [], 0.2)[0]:
            msg, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
            if b"READY=1" in msg.split(b"\n"):
                kiosk_pid = next(int.from_bytes(d[:4], "little") for l, t, d in anc if t == socket.SCM_CREDENTIALS)
    sock.close()  # from here on sd_notify() gets ECONNREFUSED, never blocks
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end and b"\r\n\r\n" not in server.received and cage.poll() is None:
            time.sleep(0.05)
        res.check("under cage: the kiosk is up (READY=1) and its upload is in flight",
                  kiosk_pid is not None and b"\r\n\r\n" in server.received,
                  f"kiosk pid {kiosk_pid}, {len(server.received)} bytes; {open(err_path).read()[-200:].strip()}")
        stop_argv = systemd_words(harness.unit_values("ExecStop")[-1], cage.pid)
        t0 = time.monotonic()
        # Like systemd (cage's parent there), reap cage while ExecStop waits for it to go.
        stopper = subprocess.Popen(as_user + stop_argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            code = cage.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        try:
            stop_rc = stopper.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stopper.kill()
            stop_rc = stopper.wait()
        took = time.monotonic() - t0
        res.check("under cage: the unit's ExecStop= returns within 2 s and cage exits 0 (no abort)",
                  stop_rc == 0 and took < 2.0 and code == 0, f"ExecStop exit {stop_rc} after {took:.2f} s, cage exit {code}")
        res.check("under cage: the kiosk is gone, the upload connection closed",
                  kiosk_pid is not None and not os.path.exists(f"/proc/{kiosk_pid}") and server.closed_by_peer.wait(2))
    finally:
        if cage.poll() is None:
            os.killpg(cage.pid, signal.SIGKILL)
            cage.wait()
        if kiosk_pid and os.path.exists(f"/proc/{kiosk_pid}"):
            os.kill(kiosk_pid, signal.SIGKILL)
        err.close()
        server.close()
    integrity, after, _ = db_state(os.path.join(data, "leads.db"))
    res.check("under cage: integrity ok, the 300 leads unchanged and pending", integrity == "ok" and after == before,
              f"{integrity}, {len(after)} leads")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    a = ap.parse_args()
    res = harness.Results("PASS ", details="always")
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="kiosk-sigterm-")
    xvfb, display = harness.start_xvfb("1280x720")
    try:
        phase_signup(res, a.kiosk, tmp, display)
        phase_sync(res, a.kiosk, tmp, display)
        phase_cage(res, a.kiosk, tmp)
    finally:
        xvfb.terminate()
        xvfb.wait()
        harness.remove_unless(res.failed, tmp)
    print(f"(runtime {time.monotonic() - t_start:.1f} s)")
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
