#!/usr/bin/env python3
"""browse-bench: does a bigger stand make the screen slow?

The real kiosk (full screen 1920x1080 under xvfb-run, the renderer the config chooses:
`auto`, which is the software renderer where there is no GPU) measures its own frame times
(KIOSK_FRAME_STATS). Two figures:

1. Browse with 9 (the demo) and 500 companies (bench/make_content.py): once the kiosk says
   every logo is decoded, a script (real clock, on stdin; a script makes the kiosk draw every
   frame, at most 60 a second) opens the browse screen and drags the grid up and down. The
   frames drawn on the browse screen count. Target: p90 frame time with 500 companies at
   most 2x that with 9.
2. Nine 4096x4096 logos: the script waits 1.5 s on the attract screen, taps it and stays on
   the browse screen for 3 s, while the logos are still being decoded. Reported: the first frame and the longest frame after
   it. Target: no frame after the first longer than 50 ms.

    python3 bench/browse_bench.py [--kiosk build/release/bin/kiosk] [--runs 3]

Exit status: 0 both targets met, 1 one missed, 2 the benchmark could not run. Run it on a
quiet machine: the figures are wall times.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import make_content  # noqa: E402

REPO = make_content.REPO
STATS = r"frames (\d+) p50 ([\d.]+) ms p90 ([\d.]+) ms p99 ([\d.]+) ms max ([\d.]+) ms"
ALL = re.compile(r"frame-stats: " + STATS + r" first ([\d.]+) ms later-max ([\d.]+) ms")
BROWSE = re.compile(r"frame-stats browse: " + STATS)
LOGOS = re.compile(r"kiosk: (\d+) logos decoded on the loader thread in (\d+) ms")
CONFIG = '[kiosk]\nid = "browse-bench"\nidle_timeout_s = 600\n'
KEYS = ("frames", "p50", "p90", "p99", "max", "first", "later")


def browse_script(card):
    lines = ["tap attract.start", "wait 1000"]
    for _ in range(6):
        lines += [f"drag browse.card.{card} 0 -700", "wait 300", f"drag browse.card.{card} 0 -700", "wait 300",
                  "wait 500"]
    return lines + ["quit"]


# Tapped while the big logos are still being decoded: the browse screen must not wait for them.
DECODE_SCRIPT = ["wait 1500", "tap attract.start", "wait 3000", "expect-screen browse", "quit"]


def run(kiosk, work, content, script, logos_first, logo_wait=300.0):
    """Plays `script` on stdin with the real clock; with `logos_first` only once every logo is
    decoded (the steady state). Returns the frame figures of the whole run and of browse."""
    cfg = os.path.join(work, "kiosk.toml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    data = tempfile.mkdtemp(dir=work)
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", kiosk, "--config", cfg, "--data-dir", data,
           "--content", content, "--script", "-"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, KIOSK_FRAME_STATS="1"))
    err, decoded = [], threading.Event()

    def read_stderr():
        for line in p.stderr:
            err.append(line)
            if LOGOS.search(line):
                decoded.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        if logos_first and not decoded.wait(logo_wait):
            # A kiosk that decodes logos when first drawn never says so: measured as it is.
            print(f"browse-bench: no 'logos decoded' from the kiosk within {logo_wait:.0f} s; measuring anyway",
                  file=sys.stderr)
        p.stdin.write("\n".join(script) + "\n")
        p.stdin.close()
        out = p.stdout.read()  # stderr is the reader's
        p.wait(timeout=600)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    reader.join(5)
    text = "".join(err)
    whole, browse = ALL.search(text), BROWSE.search(text)
    if p.returncode != 0 or not whole:
        raise RuntimeError(f"kiosk failed ({p.returncode}): {out[-800:]} {text[-800:]}")
    r = {k: (int(v) if k == "frames" else float(v)) for k, v in zip(KEYS, whole.groups())}
    # An older kiosk has no per-screen figures: then the whole run (nearly all of it browse).
    r.update({"browse_" + k: float(v) for k, v in zip(KEYS, (browse or whole).groups())})
    m = LOGOS.search(text)
    r["decode_ms"] = float(m[2]) if m else float("nan")
    return r


def median_of(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build", "release", "bin", "kiosk"))
    ap.add_argument("--runs", type=int, default=3, help="runs of each case; the median of each figure is shown")
    ap.add_argument("--companies", type=int, default=500)
    ap.add_argument("--logo-wait", type=float, default=300.0,
                    help="seconds to wait for the kiosk to say its logos are decoded (an older kiosk never does)")
    a = ap.parse_args()
    if not os.access(a.kiosk, os.X_OK):
        print(f"browse-bench: no kiosk at {a.kiosk} (build it, or pass --kiosk)", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="browse-bench-")
    try:
        big = make_content.make(os.path.join(work, "big"), a.companies)
        huge = make_content.make(os.path.join(work, "huge-logos"), 9, big_logos=9)
        demo = os.path.join(REPO, "content")
        # The first card of the grid, to drag it: the demo's first company in both contents.
        first = sorted(f[:-5] for f in os.listdir(os.path.join(demo, "companies")) if f.endswith(".toml"))[0]
        script = browse_script(first)
        small = median_of([run(a.kiosk, work, demo, script, True, a.logo_wait) for _ in range(a.runs)])
        large = median_of([run(a.kiosk, work, big, script, True, a.logo_wait) for _ in range(a.runs)])
        logos = median_of([run(a.kiosk, work, huge, DECODE_SCRIPT, False) for _ in range(a.runs)])
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"browse-bench: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"browse-bench: frame times the kiosk measured (median of {a.runs} runs)")
    print(f"  {'browse screen, logos decoded':34} {'frames':>7} {'p50':>9} {'p90':>9} {'p99':>9} {'max':>9}")
    for name, r in (("9 companies (the demo)", small), (f"{a.companies} companies", large)):
        print(f"  {name:34} {r['browse_frames']:7.0f} {r['browse_p50']:7.2f}ms {r['browse_p90']:7.2f}ms"
              f" {r['browse_p99']:7.2f}ms {r['browse_max']:7.2f}ms")
    print(f"  {'nine 4096x4096 logos, whole run':34} {'frames':>7} {'first':>9} {'max later':>10} {'decoded in':>11}")
    print(f"  {'':34} {logos['frames']:7.0f} {logos['first']:7.2f}ms {logos['later']:8.2f}ms"
          f" {logos['decode_ms']:9.0f}ms")
    scale_ok = large["browse_p90"] <= 2.0 * small["browse_p90"]
    decode_ok = logos["later"] <= 50.0
    print(f"  {a.companies} companies: browse p90 {large['browse_p90'] / small['browse_p90']:.2f}x that of 9"
          f" (target <= 2x)  {'PASS' if scale_ok else 'MISS'}")
    print(f"  big logos: longest frame after the first {logos['later']:.1f} ms (target <= 50 ms)"
          f"  {'PASS' if decode_ok else 'MISS'}")
    return 0 if scale_ok and decode_ok else 1


if __name__ == "__main__":
    sys.exit(main())
