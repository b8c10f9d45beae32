#!/usr/bin/env python3
"""The systemd watchdog, end to end: the real kiosk, full screen under Xvfb, talks to a
unix datagram socket that this test listens on, as systemd's notify socket would.

1. Run directly (NOTIFY_SOCKET, WATCHDOG_USEC=1000000, WATCHDOG_PID = the kiosk's own pid,
   set by a `sh -c 'export WATCHDOG_PID=$$; exec kiosk'` wrapper because libsystemd's
   sd_watchdog_enabled() ignores the watchdog when WATCHDOG_PID is not its own pid):
   READY=1 once, then WATCHDOG=1 about every 0.5 s (half of WATCHDOG_USEC) over 4 s, every
   gap well under the 1 s timeout, each datagram sent by the kiosk's pid (SCM_CREDENTIALS).
2. As under cage: the deployed unit's ExecStart runs `cage -- <wrapper> stand-kiosk ...`, so
   systemd's WATCHDOG_PID is cage's pid, not the kiosk's. A shell that stays the parent (like
   cage) exports WATCHDOG_PID=$$ and runs the unit's command after `--` (the wrapper, with the
   built kiosk in place of /usr/bin/stand-kiosk): the kiosk, a child, must still ping.
3. With KIOSK_TEST_HANG_AFTER_MS=2000 (test-only: the frame loop hangs after 2 s) the pings
   stop after ~2 s and none arrives in the following 2.5 s (systemd would now restart it).
4. Under the real cage, when cage and Xwayland are installed (else SKIP; CI's kiosk-dev does
   not install them): the unit's whole ExecStart= (the built kiosk in place of
   /usr/bin/stand-kiosk, a temp data dir) with the unit's Environment= (SDL_VIDEODRIVER=wayland),
   on wlroots' headless backend (WLR_BACKENDS=headless, WLR_RENDERER=pixman), as nobody (cage
   refuses root): READY=1 and the pings come from the kiosk, cage's child. No DRM, no seat,
   no input devices: the rest of the boot path is not exercised here.

Prints one line per check and ends with `N passed, M failed`; exit 1 on failure.
"""
import argparse
import os
import select
import shlex
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402


class NotifySocket:
    """systemd's side of sd_notify(): a datagram socket that records (time, sender pid, message)."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(path)
        self.messages = []

    def drain(self, seconds):
        """Receives for `seconds`; returns what arrived meanwhile."""
        end = time.monotonic() + seconds
        got = []
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
            pid = None
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", payload[:12])[0]
            m = (time.monotonic(), pid, data.decode(errors="replace"))
            self.messages.append(m)
            got.append(m)

    def wait_for(self, needle, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for m in self.drain(min(0.1, max(0.0, end - time.monotonic()))):
                if needle in m[2].split("\n"):
                    return m
        return None

    def close(self):
        self.sock.close()
        os.unlink(self.path)


def kiosk_env(display, notify_path, extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_SOCKET", "WATCHDOG_"))}
    env.update(DISPLAY=display, NOTIFY_SOCKET=notify_path, WATCHDOG_USEC="1000000")
    env.pop("KIOSK_TEST_HANG_AFTER_MS", None)
    env.update(extra or {})
    return env


def pings_of(messages, pid=None):
    return [t for t, p, m in messages if "WATCHDOG=1" in m.split("\n") and (pid is None or p == pid)]


def unit_wrapper():
    """The argv the deployed unit runs between `cage ... --` and /usr/bin/stand-kiosk."""
    with open(harness.UNIT, encoding="utf-8") as f:
        for line in f:
            if line.startswith("ExecStart="):
                argv = shlex.split(line[len("ExecStart="):].lstrip("-@:+!"))
                if "--" in argv and "/usr/bin/stand-kiosk" in argv:
                    return argv[argv.index("--") + 1:argv.index("/usr/bin/stand-kiosk")]
                return None
    return None


def cage_phase(res, kiosk, tmp):
    """The unit's ExecStart under the real cage, headless. Returns nothing; records checks or a SKIP."""
    why, as_user = harness.cage_unavailable(kiosk)
    if why:
        print(f"SKIP under the real cage: {why}", flush=True)
        return
    argv = shlex.split(harness.unit_values("ExecStart")[-1].lstrip("-@:+!"))
    argv = [kiosk if w == "/usr/bin/stand-kiosk" else w for w in argv]
    # No config file (defaults), and a data dir this user may write.
    if "--config" in argv:
        i = argv.index("--config")
        del argv[i:i + 2]
    data, env = harness.cage_env(tmp, as_user)
    argv[argv.index("--data-dir") + 1] = data
    ns = NotifySocket(os.path.join(tmp, "notify4.sock"))
    os.chmod(ns.path, 0o777)
    env.update(NOTIFY_SOCKET=ns.path, WATCHDOG_USEC="1000000")
    err_path = os.path.join(tmp, "cage.err")
    with open(err_path, "w") as err:
        # systemd's WATCHDOG_PID is the main pid: cage's (exec keeps the shell's pid).
        proc = subprocess.Popen(as_user + ["sh", "-c", 'export WATCHDOG_PID=$$; exec "$@"', "sh", *argv], env=env,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        ready = ns.wait_for("READY=1", 20)
        tail = lambda: open(err_path, errors="replace").read()[-300:].strip()
        res.check("under cage: READY=1 from the kiosk, cage's child", ready is not None and ready[1] != proc.pid,
                  f"kiosk pid {ready[1]}, cage pid {proc.pid}" if ready else f"nothing in 20 s; {tail()}")
        if ready:
            pings = [p for t, p, m in ns.drain(3.0) if "WATCHDOG=1" in m.split("\n")]
            res.check("under cage: WATCHDOG=1 from the kiosk every ~0.5 s (3 s: 4-8 pings)",
                      4 <= len(pings) <= 8 and set(pings) == {ready[1]}, f"{len(pings)} pings")
        ns.close()
        harness.stop_group(proc)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    a = ap.parse_args()
    res = harness.Results("PASS ", details="always")
    tmp = tempfile.mkdtemp(prefix="kiosk-watchdog-")
    xvfb, display = harness.start_xvfb("1280x720")
    t_start = time.monotonic()
    try:
        # ---- 1. direct: READY=1, then WATCHDOG=1 every ~0.5 s ----------------------------
        ns = NotifySocket(os.path.join(tmp, "notify.sock"))
        err = open(os.path.join(tmp, "kiosk1.err"), "w")
        proc = subprocess.Popen(["sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"', a.kiosk,
                                 "--data-dir", os.path.join(tmp, "data1")],
                                env=kiosk_env(display, ns.path), stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        t0 = time.monotonic()
        ready = ns.wait_for("READY=1", 20)
        res.check("READY=1 arrives once the first frame is shown", ready is not None,
                  f"after {ready[0] - t0:.2f} s" if ready else "nothing within 20 s")
        if ready:
            res.check("READY=1 comes from the kiosk's own pid", ready[1] == proc.pid, f"sender {ready[1]}, kiosk {proc.pid}")
            window = ns.drain(4.0)
            pings = pings_of(window)
            gaps = [b - a_ for a_, b in zip(pings, pings[1:])]
            res.check("4 s after READY=1: 5 to 10 WATCHDOG=1 (expected ~8 at WATCHDOG_USEC/2)", 5 <= len(pings) <= 10,
                      f"{len(pings)} pings")
            res.check("every gap between pings is 0.25-0.95 s (systemd's timeout here is 1 s)",
                      bool(gaps) and all(0.25 <= g <= 0.95 for g in gaps),
                      "gaps " + ", ".join(f"{g:.2f}" for g in gaps))
            res.check("every ping is sent by the kiosk's pid", bool(pings) and all(p == proc.pid for _, p, m in window
                                                                                  if "WATCHDOG=1" in m),
                      f"kiosk {proc.pid}")
            res.check("READY=1 is sent once", sum("READY=1" in m.split("\n") for _, _, m in ns.messages) == 1)
        res.check("the kiosk is still running", proc.poll() is None)
        ns.close()  # before stopping: a full, unread datagram queue would block sd_notify()
        harness.stop_group(proc)
        err.close()

        # ---- 2. as under cage: the kiosk is a child of WATCHDOG_PID's process ---------------
        wrapper = unit_wrapper()
        res.check("the unit's ExecStart runs /usr/bin/stand-kiosk under cage after `--`", wrapper is not None,
                  f"wrapper {wrapper}")
        ns = NotifySocket(os.path.join(tmp, "notify2.sock"))
        err = open(os.path.join(tmp, "kiosk2.err"), "w")
        # `"$@"; exit $?` (no exec): the shell stays the parent and its pid is WATCHDOG_PID, like cage's.
        proc = subprocess.Popen(["sh", "-c", 'export WATCHDOG_PID=$$; "$@"; exit $?', "sh", *(wrapper or []), a.kiosk,
                                 "--data-dir", os.path.join(tmp, "data2")],
                                env=kiosk_env(display, ns.path), stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        ready = ns.wait_for("READY=1", 20)
        res.check("as cage's child: READY=1 arrives (NotifyAccess=all accepts it)", ready is not None)
        if ready:
            window = ns.drain(3.0)
            pings = pings_of(window)
            res.check("as cage's child, with the unit's wrapper " + shlex.join(wrapper or []) +
                      ": WATCHDOG=1 still every ~0.5 s (else systemd would kill it after WatchdogSec)",
                      4 <= len(pings) <= 8 and ready[1] != proc.pid,
                      f"{len(pings)} pings in 3 s; kiosk pid {ready[1]}, WATCHDOG_PID {proc.pid}")
        ns.close()
        harness.stop_group(proc)
        err.close()

        # ---- 3. a hung frame loop stops the pings ----------------------------------------------
        ns = NotifySocket(os.path.join(tmp, "notify3.sock"))
        err = open(os.path.join(tmp, "kiosk3.err"), "w")
        proc = subprocess.Popen(["sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"', a.kiosk,
                                 "--data-dir", os.path.join(tmp, "data3")],
                                env=kiosk_env(display, ns.path, {"KIOSK_TEST_HANG_AFTER_MS": "2000"}),
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        t0 = time.monotonic()
        ready = ns.wait_for("READY=1", 20)
        res.check("hang run: READY=1 arrives", ready is not None)
        # The hang is timed from the start of the frame loop (just before the first frame).
        ns.drain(max(0.0, 5.5 - (time.monotonic() - t0)) if ready else 0)
        pings = pings_of(ns.messages)
        if pings:
            last = pings[-1]
            quiet = time.monotonic() - last
            res.check("hang run: pings came before the hang", len(pings) >= 3, f"{len(pings)} pings")
            res.check("hang run: the last ping is ~2 s into the loop (0.5-3.5 s after READY=1)",
                      ready is not None and 0.5 <= last - ready[0] <= 3.5,
                      f"{last - ready[0]:.2f} s after READY=1" if ready else "")
            extra = ns.drain(max(0.0, 2.5 - quiet))
            quiet = time.monotonic() - last
            res.check("hang run: no ping for >= 2.5 s after the hang", not pings_of(extra) and quiet >= 2.5,
                      f"quiet for {quiet:.2f} s")
        else:
            res.check("hang run: pings came before the hang", False, "no ping at all")
        res.check("hang run: the process is still there, hung (systemd, not the kiosk, ends it)", proc.poll() is None)
        ns.close()
        harness.stop_group(proc)
        err.close()

        # ---- 4. the unit's command line under the real cage --------------------------------
        cage_phase(res, a.kiosk, tmp)
    finally:
        xvfb.terminate()
        xvfb.wait()
        harness.remove_unless(res.failed, tmp, "kiosk stderr and notify sockets")
    print(f"(runtime {time.monotonic() - t_start:.1f} s; under Xvfb, the notify socket is this test's, not systemd's)")
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
