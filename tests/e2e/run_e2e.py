#!/usr/bin/env python3
"""Plays a script on the real kiosk binary under Xvfb, full screen at the given size,
and checks that every line succeeded and every screenshot shows something."""
import argparse
import os
import re
import shutil
import subprocess
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--png-stats", required=True)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--out", required=True)
    ap.add_argument("--renderer", help="the config's [screen] renderer; checked against the kiosk's log")
    ap.add_argument("script")
    a = ap.parse_args()

    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    width, height = (int(v) for v in a.size.split("x"))
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {a.size}x24", os.path.abspath(a.kiosk), "--virtual-clock",
           "--data-dir", os.path.join(a.out, "data"), "--script", os.path.abspath(a.script)]
    if a.renderer:
        config = os.path.join(a.out, "kiosk.toml")
        with open(config, "w") as f:
            f.write(f'[screen]\nrenderer = "{a.renderer}"\n')
        cmd += ["--config", config]
    proc = subprocess.run(cmd, cwd=a.out, capture_output=True, text=True, timeout=240)
    print(proc.stdout, end="")
    failures = []
    if proc.returncode != 0:
        failures.append(f"kiosk exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    if a.renderer and f"kiosk: renderer: {a.renderer}" not in proc.stderr:
        failures.append(f"the kiosk did not draw with the {a.renderer} renderer: {proc.stderr.strip()[-500:]}")
    script_lines = [l for l in open(a.script, encoding="utf-8") if l.strip() and not l.lstrip().startswith("#")]
    oks = [l for l in proc.stdout.splitlines() if l.startswith("ok ")]
    if len(oks) != len(script_lines):
        failures.append(f"{len(oks)} of {len(script_lines)} script lines succeeded")

    shots = re.findall(r"^ok \d+ shot (\S+)$", proc.stdout, re.M)
    for name in shots:
        path = os.path.join(a.out, name)
        r = subprocess.run([os.path.abspath(a.png_stats), path], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{name}: {r.stderr.strip()}")
            continue
        w, h, colours, dominant = r.stdout.split()
        if (int(w), int(h)) != (width, height):
            failures.append(f"{name}: {w}x{h}, expected {a.size}")
        # A real screen has text and images: many colours, no colour covering everything.
        if int(colours) < 50 or float(dominant) > 97.0:
            failures.append(f"{name}: looks blank ({colours} colours, {dominant}% one colour)")
        else:
            print(f"checked {name}: {colours} colours, {dominant}% background")

    for f in failures:
        print("FAIL:", f)
    # Counted per script line and per screenshot.
    bad_shots = sum(1 for f in failures if f.split(":")[0] in shots)
    passed = len(oks) + len(shots) - bad_shots
    failed = len(script_lines) - len(oks) + bad_shots
    print(f"{passed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
