#!/usr/bin/env python3
"""The software renderer draws what OpenGL draws: the same screens, played with the
virtual clock through both renderers under one Xvfb, compared pixel by pixel.

Anti-aliased edges and glyphs may differ a little (other rasterization rules); a gap,
a seam, a missing or shifted shape makes many pixels differ by a lot."""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

SCRIPT = """wait 1000
shot attract.png
wait 18000
shot attract-companies.png
tap attract.start
expect-screen browse
shot browse.png
tap browse.card.irk-valley-hydrogen
expect-screen profile
shot profile.png
tap profile.contact
expect-screen signup
shot signup.png
quit
"""
SHOTS = ["attract.png", "attract-companies.png", "browse.png", "profile.png", "signup.png"]
# The two rasterisers differ in text and anti-aliased edges only: with the access bar's chips
# and more text on every screen that reached 0.98-1.37/255 and 0.77-1.06% of pixels (measured
# 2026-12-01); a broken renderer (blank, wrong colours, a missing texture) is tens of /255 off.
MAX_MEAN_DIFF = 1.6    # per channel, 0-255
MAX_PERCENT_OFF = 1.5  # pixels with a channel off by more than 64


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--png-stats", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    with open(os.path.join(a.out, "compare.script"), "w") as f:
        f.write(SCRIPT)
    xvfb, display = harness.start_xvfb("1920x1080")
    results = harness.Results()
    try:
        for renderer in ("gl", "software"):
            d = os.path.join(a.out, renderer)
            os.makedirs(d)
            with open(os.path.join(d, "kiosk.toml"), "w") as f:
                f.write(f'[screen]\nrenderer = "{renderer}"\n')
            p = subprocess.run([os.path.abspath(a.kiosk), "--virtual-clock", "--config", "kiosk.toml",
                                "--data-dir", "data", "--script", os.path.join(a.out, "compare.script")],
                               cwd=d, env=dict(os.environ, DISPLAY=display), capture_output=True, text=True,
                               timeout=120)
            results.check(f"{renderer}: the script ran (exit {p.returncode})", p.returncode == 0, p.stderr[-800:])
            results.check(f"{renderer}: drawn by the {renderer} renderer", f"kiosk: renderer: {renderer}" in p.stderr,
                          p.stderr[-300:])
        for shot in SHOTS:
            r = subprocess.run([a.png_stats, os.path.join(a.out, "gl", shot), os.path.join(a.out, "software", shot)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                results.check(f"{shot}: compared", False, r.stderr.strip())
                continue
            mean, off = (float(x) for x in r.stdout.split())
            results.check(f"{shot}: software vs gl: mean difference {mean:.3f}/255, {off:.3f}% of pixels off "
                          f"(at most {MAX_MEAN_DIFF}, {MAX_PERCENT_OFF}%)", mean <= MAX_MEAN_DIFF and off <= MAX_PERCENT_OFF)
    finally:
        xvfb.terminate()
        xvfb.wait()
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
