#!/usr/bin/env python3
"""Lockdown: no key combination leaves or hides the kiosk. The real binary, full screen
(kiosk mode: no --windowed) under Xvfb with no window manager; xdotool sends real X key
events (XTEST) for each of Alt+F4, Alt+Tab, Ctrl+Alt+BackSpace, Ctrl+Alt+F1 ... F12,
Super_L, Escape, Ctrl+Q, Ctrl+W. After each: the process still runs, and its window
("Stand kiosk") is still mapped (IsViewable) at 0,0 with the screen's size. Then a
WM_DELETE_WINDOW close request (what a window manager sends for Alt+F4 or the close
button; tests/support/x_close_request) is ignored too. Also checked: the kiosk holds an
active keyboard grab (another client's XGrabKeyboard gets AlreadyGrabbed), so a window
manager's shortcuts (Alt+Tab, Super) would not see those keys.

What this does NOT verify: under Xvfb there is no window manager and no virtual terminal,
so nothing here would act on Alt+Tab, Ctrl+Alt+F1 or Ctrl+Alt+BackSpace anyway; this test
verifies the kiosk's own handling (it neither quits, hides, minimises nor resizes on any of
them). On the stand, cage (no -s: no VT switching), Xorg's DontZap and logind's key handling
cover the rest (docs/deploy.md, "Lockdown").

Prints one line per check and ends with `N passed, M failed`; exit 1 on failure.
"""
import argparse
import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

SIZE = (1280, 720)
KEYS = ["alt+F4", "alt+Tab", "ctrl+alt+BackSpace"] + [f"ctrl+alt+F{n}" for n in range(1, 13)] + \
       ["Super_L", "Escape", "ctrl+q", "ctrl+w"]


def kiosk_windows(env):
    r = subprocess.run(["xdotool", "search", "--name", "^Stand kiosk$"], env=env, capture_output=True, text=True)
    return [int(w) for w in r.stdout.split()]


def window_state(env, wid):
    """(map state, x, y, width, height) from xwininfo."""
    r = subprocess.run(["xwininfo", "-id", str(wid)], env=env, capture_output=True, text=True)
    def field(name):
        m = re.search(rf"^\s*{name}:\s*(\S+)", r.stdout, re.M)
        return m.group(1) if m else None
    try:
        return (field("Map State"), int(field("Absolute upper-left X")), int(field("Absolute upper-left Y")),
                int(field("Width")), int(field("Height")))
    except (TypeError, ValueError):
        return (None, None, None, None, None)


def full_screen_mapped(env, wid):
    st = window_state(env, wid)
    return st == ("IsViewable", 0, 0, SIZE[0], SIZE[1]), st


def keyboard_grabbed_by_someone(display):
    """True when XGrabKeyboard from a fresh client fails with AlreadyGrabbed (1)."""
    lib = ctypes.util.find_library("X11") or "libX11.so.6"
    x = ctypes.CDLL(lib)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XGrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                ctypes.c_ulong]
    x.XUngrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    d = x.XOpenDisplay(display.encode())
    if not d:
        return None
    try:
        status = x.XGrabKeyboard(d, x.XDefaultRootWindow(d), 0, 1, 1, 0)  # GrabModeAsync, CurrentTime
        if status == 0:
            x.XUngrabKeyboard(d, 0)
        return status == 1  # AlreadyGrabbed
    finally:
        x.XCloseDisplay(d)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--close-request", help="x_close_request (default: next to the kiosk binary)")
    a = ap.parse_args()
    close_request = a.close_request or os.path.join(os.path.dirname(os.path.abspath(a.kiosk)), "x_close_request")
    res = harness.Results("PASS ", details="always")
    t_start = time.monotonic()
    print("note: Xvfb has no window manager and no virtual terminals; these checks verify the kiosk's own "
          "handling of the keys, not cage's, Xorg's or logind's", flush=True)
    tmp = tempfile.mkdtemp(prefix="kiosk-escape-")
    xvfb, display = harness.start_xvfb(f"{SIZE[0]}x{SIZE[1]}")
    env = dict(os.environ, DISPLAY=display)
    err = open(os.path.join(tmp, "kiosk.err"), "w")
    kiosk = subprocess.Popen([a.kiosk, "--data-dir", os.path.join(tmp, "data")], env=env,
                             stdout=subprocess.DEVNULL, stderr=err)
    try:
        wins = []
        for _ in range(100):
            wins = kiosk_windows(env)
            if wins and full_screen_mapped(env, wins[0])[0]:
                break
            time.sleep(0.1)
        if not res.check('the kiosk shows one window "Stand kiosk"', len(wins) == 1, f"windows {wins}"):
            return 1
        wid = wins[0]
        ok, st = full_screen_mapped(env, wid)
        res.check(f"it is mapped and covers the whole {SIZE[0]}x{SIZE[1]} screen", ok, f"{st}")
        time.sleep(0.5)  # the keyboard grab follows input focus
        grabbed = keyboard_grabbed_by_someone(display)
        res.check("the kiosk holds the keyboard (another client's XGrabKeyboard: AlreadyGrabbed)", grabbed is True,
                  f"{grabbed}")
        for key in KEYS:
            sent = subprocess.run(["xdotool", "key", "--clearmodifiers", key], env=env, capture_output=True, text=True)
            time.sleep(0.3)
            alive = kiosk.poll() is None
            ok, st = full_screen_mapped(env, wid) if alive else (False, None)
            res.check(f"{key}: still running, mapped and full screen", sent.returncode == 0 and alive and ok,
                      f"xdotool rc {sent.returncode}, running {alive}, window {st}")
        closed = subprocess.run([close_request, "Stand kiosk"], env=env, capture_output=True, text=True)
        time.sleep(0.5)
        alive = kiosk.poll() is None
        ok, st = full_screen_mapped(env, wid) if alive else (False, None)
        res.check("WM_DELETE_WINDOW close request: ignored, still running, mapped and full screen",
                  closed.returncode == 0 and alive and ok, f"{closed.stdout.strip()}, window {st}")
        res.check("still exactly one kiosk window", kiosk_windows(env) == [wid])
        # The way out that must keep working: systemctl stop.
        code, took = harness.terminate_timed(kiosk)
        res.check("SIGTERM still ends it: exit 0 within 2 s", code == 0 and took < 2.0,
                  f"exit {code} after {took:.2f} s")
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
        err.close()
        xvfb.terminate()
        xvfb.wait()
        harness.remove_unless(res.failed, tmp, "kiosk stderr")
    print(f"(runtime {time.monotonic() - t_start:.1f} s)")
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
