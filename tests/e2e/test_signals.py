#!/usr/bin/env python3
"""The real kiosk, full screen under Xvfb: window-close is ignored in kiosk mode and
SIGTERM ends it cleanly (exit 0) within 2 seconds."""
import argparse
import os
import signal
import subprocess
import sys
import time


def start_xvfb():
    for n in range(90, 140):
        if os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
            continue
        xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                return xvfb, f":{n}"
            time.sleep(0.05)
        xvfb.kill()
    raise RuntimeError("no free X display")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--close-request", required=True)
    a = ap.parse_args()
    xvfb, display = start_xvfb()
    results = []
    try:
        env = dict(os.environ, DISPLAY=display)
        kiosk = subprocess.Popen([a.kiosk], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        results.append(("kiosk is running full screen", kiosk.poll() is None))
        # Closing the window (what Alt+F4 asks a window manager to do) must not end a kiosk.
        closed = subprocess.run([a.close_request, "Stand kiosk"], env=env, capture_output=True, text=True)
        results.append(("close request sent to the kiosk window", closed.returncode == 0))
        subprocess.run(["xdotool", "key", "alt+F4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        results.append(("still running after window close and Alt+F4", kiosk.poll() is None))
        t0 = time.monotonic()
        kiosk.send_signal(signal.SIGTERM)
        try:
            code = kiosk.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            code = None
        elapsed = time.monotonic() - t0
        results.append((f"SIGTERM: exit {code} after {elapsed:.2f} s", code == 0 and elapsed < 2.0))
    finally:
        xvfb.terminate()
        xvfb.wait()
    for name, ok in results:
        print(("ok   " if ok else "FAIL ") + name)
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
