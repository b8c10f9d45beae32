"""Shared pieces of the end-to-end tests in tests/e2e (standard library only).

A test imports it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import harness

and uses what it needs:

- kiosk_and_out(): the command line of a test that takes only --kiosk and --out.
- Results: counts checks, prints one line per check and the final `N passed, M failed`.
- start_xvfb(), display_env(): a private Xvfb on a free display number.
- ScriptedKiosk, kiosk_script(): the kiosk playing `--script -`, driven one line at a time.
- KioskSession: Xvfb, a transcript and one scripted kiosk, all ended on the way out.
- wait_or_kill(), terminate_timed(), stop_group(): ending a kiosk (and the processes it started).
- cage_unavailable(), cage_env(): the deployed unit's command under the real cage, headless.
- fresh_dir(), remove_unless(), snapshot_db(), unit_values(): small helpers several tests need.
"""
import argparse
import os
import queue
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(REPO, "platform", "linux", "stand-kiosk.service")


# ---- command line ---------------------------------------------------------------------------

def kiosk_and_out(content=False):
    """Parses the command line of a test that takes `--kiosk BINARY --out FOLDER` (and, with
    `content`, `--content FOLDER`, the shipped content by default); returns the kiosk's absolute
    path, the --out folder, made fresh (fresh_dir), and with `content` the content's absolute path."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--out", required=True)
    if content:
        ap.add_argument("--content", default=os.path.join(REPO, "content"))
    a = ap.parse_args()
    found = (os.path.abspath(a.kiosk), fresh_dir(a.out))
    return (*found, os.path.abspath(a.content)) if content else found


def wait_for(pred, timeout):
    """pred()'s first true value within `timeout` seconds (asked every 0.2 s), else its last one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    return pred()


# ---- results --------------------------------------------------------------------------------

# The exit status of a script that could not run here (CTest's SKIP_RETURN_CODE in
# tests/CMakeLists.txt): reported as skipped, never as passed.
SKIPPED = 77


def skip_script(why):
    """Says why the whole script cannot run here; returns SKIPPED for main() to return."""
    print(f"skipped: {why}", flush=True)
    return SKIPPED


class Results:
    """Counts checks and prints one line for each; summary() prints `N passed, M failed`.

    The tests print their check lines in a few styles, kept as they were:
      pass_label  what starts a passed line ("ok   " or "PASS "); a failed one starts "FAIL ".
      details     "on-failure": `: detail` after a failed check's name only;
                  "always":     ` (detail)` after any check's name when there is a detail;
                  "indented":   a failed check's detail on the lines below it, indented.
    """

    def __init__(self, pass_label="ok   ", details="on-failure"):
        self.pass_label = pass_label
        self.details = details
        self.passed = self.failed = self.skipped = 0

    def check(self, name, ok, detail=""):
        """Records one check and prints its line; returns whether it passed."""
        ok = bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        line = (self.pass_label if ok else "FAIL ") + name
        if self.details == "always" and detail:
            line += f" ({detail})"
        elif self.details == "on-failure" and detail and not ok:
            line += f": {detail}"
        elif self.details == "indented" and not ok:
            line += "".join(f"\n     {d}" for d in str(detail).splitlines())
        print(line, flush=True)
        return ok

    def equal(self, name, got, want):
        """A check that `got == want`, showing what came instead when it fails."""
        return self.check(f"{name} == {want!r}", got == want, f"got {got!r}")

    def skip(self, name, why):
        """A check that could not run here: counted apart and said so, never a failure."""
        self.skipped += 1
        print(f"SKIP {name} ({why})", flush=True)

    def summary(self):
        """Prints the last line, `N passed, M failed` (`, K skipped` when any were);
        returns the exit status: 1 when anything failed, SKIPPED when nothing could run
        here (everything was skipped), else 0."""
        print(f"{self.passed} passed, {self.failed} failed" + (f", {self.skipped} skipped" if self.skipped else ""))
        if self.failed:
            return 1
        return SKIPPED if self.skipped and not self.passed else 0


# ---- files ----------------------------------------------------------------------------------

def fresh_dir(path):
    """Deletes `path` if it exists and creates it empty; returns it as an absolute path."""
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def remove_unless(keep, tmp, what="files"):
    """Deletes the temp folder `tmp`, or when `keep` (say, a check failed) leaves it for a
    look and prints `(WHAT kept in TMP)`."""
    if keep:
        print(f"({what} kept in {tmp})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def snapshot_db(db_path, snap_dir):
    """Copies an SQLite database and its -wal file (as they are, e.g. after a crash) into a
    fresh `snap_dir`; returns the copy's path, or None when there is no database yet.
    Opening the copy recovers it as a restarted kiosk would, and leaves the original alone
    (opening that could checkpoint it, and free space behind the kiosk's back)."""
    shutil.rmtree(snap_dir, ignore_errors=True)
    os.makedirs(snap_dir)
    if not os.path.exists(db_path):
        return None
    copy = os.path.join(snap_dir, os.path.basename(db_path))
    shutil.copy2(db_path, copy)
    if os.path.exists(db_path + "-wal"):
        shutil.copy2(db_path + "-wal", copy + "-wal")
    return copy


def unit_values(key, unit=UNIT):
    """Every value of `key=` in the systemd unit file (platform/linux/stand-kiosk.service)."""
    with open(unit, encoding="utf-8") as f:
        return [line.split("=", 1)[1].strip() for line in f if line.startswith(key + "=")]


# ---- X display ------------------------------------------------------------------------------

def start_xvfb(size="1920x1080", fbdir=None):
    """Starts Xvfb on the first free display from :90 with one screen of `size` ("WxH");
    returns (the Xvfb process, ":N") once its socket is there. Stop it with
    terminate() and wait(). With `fbdir`, the screen's pixels are also the file
    fbdir/Xvfb_screen0 (XWD format; read_xvfb_screen reads it)."""
    for n in range(90, 200):
        if os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
            continue
        xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{size}x24", "-nolisten", "tcp",
                                 *(["-fbdir", fbdir] if fbdir else [])],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                return xvfb, f":{n}"
            if xvfb.poll() is not None:
                break
            time.sleep(0.05)
        xvfb.kill()
        xvfb.wait()
    raise RuntimeError("no free X display")


def read_xvfb_screen(fbdir):
    """What Xvfb's screen shows now, from start_xvfb's `fbdir`: (width, height, RGB bytes)."""
    with open(os.path.join(fbdir, "Xvfb_screen0"), "rb") as f:
        data = f.read()
    word = lambda i: struct.unpack(">I", data[4 * i:4 * i + 4])[0]  # noqa: E731
    header, w, h, bytes_per_line, colours = word(0), word(4), word(5), word(12), word(19)
    start = header + colours * 12
    rgb = bytearray()
    for y in range(h):  # 32-bit pixels, B G R x in memory
        row = data[start + y * bytes_per_line:start + y * bytes_per_line + 4 * w]
        px = bytearray(3 * w)
        px[0::3], px[1::3], px[2::3] = row[2::4], row[1::4], row[0::4]
        rgb += px
    return w, h, bytes(rgb)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def display_env(display, **extra):
    """This process's environment with DISPLAY (and any `extra` variables) set."""
    return dict(os.environ, DISPLAY=display, **extra)


# ---- the kiosk driven line by line ----------------------------------------------------------

class ScriptedKiosk:
    """A kiosk started with `--script -` somewhere in `argv`: cmd() writes one script line and
    waits for the kiosk's answer to it, `ok N ...` or `fail N ...: reason`.

    stderr_path  the kiosk's stderr goes to this file (opened with stderr_mode), else it is
                 inherited; close() and kill() close it.
    transcript   an open text file that gets every line sent (`> line`) and every line read.
    timeout      cmd()'s default: seconds to wait for an answer.
    """

    def __init__(self, argv, cwd=None, env=None, stderr_path=None, stderr_mode="a", transcript=None, timeout=120):
        self.n = 0
        self.output = []  # what the kiosk printed before the last answer (e.g. `ids` lines)
        self.transcript = transcript
        self.timeout = timeout
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, stderr_mode) if stderr_path else None
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, encoding="utf-8")
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # end of output: the kiosk has exited

    def _log(self, text):
        if self.transcript:
            self.transcript.write(text + "\n")

    def cmd(self, line, timeout=None):
        """Sends one script line; returns (ok, answer): the kiosk's `ok N ...` / `fail N ...`
        line, or why there is none (not running, no answer in time, exited)."""
        timeout = self.timeout if timeout is None else timeout
        self.n += 1
        self.output = []
        self._log(f"> {line}")
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except OSError:
            return False, "the kiosk is not running"
        deadline = time.monotonic() + timeout
        while True:
            try:
                out = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return False, f"no answer within {timeout} s"
            if out is None:
                self.lines.put(None)
                return False, f"the kiosk exited ({self.proc.wait()})"
            self._log(out)
            if out.startswith(f"ok {self.n} ") or out.startswith(f"fail {self.n} "):
                return out.startswith("ok "), out
            self.output.append(out)

    def run(self, lines):
        """Sends the lines one by one while they succeed; returns (ok, the first failing answer or "")."""
        for line in lines:
            ok, answer = self.cmd(line)
            if not ok:
                return False, answer
        return True, ""

    def ids(self):
        """{widget id: (x, y, w, h)} of what is on screen now (the script's `ids` line)."""
        self.cmd("ids")
        found = {}
        for line in self.output:
            p = line.split(" ")
            if len(p) == 6 and p[0] == "id":
                found[p[1]] = tuple(int(v) for v in p[2:])
        return found

    def close(self, timeout=30):
        """Ends the script (end of input) and waits for the kiosk to exit, killing it after
        `timeout` seconds; returns its exit status."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        code = wait_or_kill(self.proc, timeout)
        if self.stderr:
            self.stderr.close()
        return code

    def kill(self):
        """SIGKILL; returns the exit status (-9)."""
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait()
        if self.stderr:
            self.stderr.close()
        return code


def kiosk_script(binary, display, *args, **kw):
    """The kiosk binary on `display` with the virtual clock, playing `--script -`, then `args`
    (ScriptedKiosk's keyword arguments in `kw`)."""
    return ScriptedKiosk([binary, "--virtual-clock", "--script", "-", *args], env=display_env(display), **kw)


class KioskSession:
    """A private Xvfb (`display`) and OUT/transcript.txt, for kiosks started with start():
    playing `--script -`, stderr appended to OUT/kiosk-stderr.log. Use it in a `with`: on
    the way out a kiosk the test did not close() is killed, then the transcript is closed
    and Xvfb stopped."""

    def __init__(self, out, size="1920x1080"):
        self.out = out
        self.xvfb, self.display = start_xvfb(size)
        self.transcript = open(os.path.join(out, "transcript.txt"), "w", encoding="utf-8")
        self.kiosk = None

    def start(self, binary, *args):
        """The kiosk `binary` with `args` (a ScriptedKiosk)."""
        self.kiosk = kiosk_script(binary, self.display, *args, cwd=self.out,
                                  stderr_path=os.path.join(self.out, "kiosk-stderr.log"), transcript=self.transcript)
        return self.kiosk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.kiosk is not None and self.kiosk.proc.returncode is None:
            self.kiosk.proc.kill()
            self.kiosk.close()
        self.transcript.close()
        self.xvfb.terminate()
        self.xvfb.wait()
        return False


# ---- ending processes -----------------------------------------------------------------------

def wait_or_kill(proc, timeout):
    """Waits up to `timeout` s for `proc` to exit, then kills it; returns its exit status."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def terminate_timed(proc, timeout=5):
    """SIGTERM, as `systemctl stop` sends; returns (exit status or None if it did not exit
    within `timeout` s, seconds it took). A process still running then is killed."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    took = time.monotonic() - t0
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    return code, took


def stop_group(proc):
    """Ends a process started with start_new_session=True and everything in its process
    group (a wrapper shell and the kiosk, cage and its children): SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=3)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # a hung kiosk ignores SIGTERM; the group may still hold it
    except ProcessLookupError:
        pass
    proc.wait()


# ---- the deployed unit under the real cage --------------------------------------------------

def cage_unavailable(kiosk):
    """Returns (why the kiosk cannot run under the real cage here, or None; the command prefix
    that runs a program as nobody, since cage refuses root: empty when not root)."""
    if not shutil.which("cage") or not os.path.exists("/usr/bin/Xwayland"):
        return "cage and/or Xwayland not installed (apt-get install cage xwayland)", []
    as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
    if as_user and subprocess.run(as_user + ["test", "-x", kiosk]).returncode != 0:
        return f"nobody cannot run {kiosk} (a parent folder is not world-readable)", as_user
    return None, as_user


def cage_env(tmp, as_user):
    """Prepares `tmp` for cage run with the `as_user` prefix: tmp/cage-data (the kiosk's data
    dir) and tmp/cage-run (XDG_RUNTIME_DIR), 0700 and nobody's when as_user is set. Returns
    (the data dir, the environment): the unit's Environment= on wlroots' headless backend
    (no DRM, no seat, no input devices)."""
    os.chmod(tmp, 0o755)
    data, run_dir = os.path.join(tmp, "cage-data"), os.path.join(tmp, "cage-run")
    for d in (data, run_dir):
        os.makedirs(d)
        if as_user:
            os.chown(d, 65534, 65534)
        os.chmod(d, 0o700)
    env = {"PATH": "/usr/bin:/bin", "HOME": tmp}
    for v in unit_values("Environment"):
        for kv in shlex.split(v):
            k, _, val = kv.partition("=")
            env[k] = val
    env.update(XDG_RUNTIME_DIR=run_dir, WLR_BACKENDS="headless", WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1")
    return data, env
