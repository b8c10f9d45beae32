#!/usr/bin/env python3
"""The real kiosk, full screen under Xvfb: window-close is ignored in kiosk mode and
SIGTERM ends it cleanly (exit 0) within 2 seconds."""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--close-request", required=True)
    a = ap.parse_args()
    xvfb, display = harness.start_xvfb("1280x720")
    results = harness.Results()
    try:
        env = dict(os.environ, DISPLAY=display)
        kiosk = subprocess.Popen([a.kiosk], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        results.check("kiosk is running full screen", kiosk.poll() is None)
        # Closing the window (what Alt+F4 asks a window manager to do) must not end a kiosk.
        closed = subprocess.run([a.close_request, "Stand kiosk"], env=env, capture_output=True, text=True)
        results.check("close request sent to the kiosk window", closed.returncode == 0)
        subprocess.run(["xdotool", "key", "alt+F4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        results.check("still running after window close and Alt+F4", kiosk.poll() is None)
        code, elapsed = harness.terminate_timed(kiosk)
        results.check(f"SIGTERM: exit {code} after {elapsed:.2f} s", code == 0 and elapsed < 2.0)
    finally:
        xvfb.terminate()
        xvfb.wait()
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
