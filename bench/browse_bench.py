#!/usr/bin/env python3
"""browse-bench: does a bigger stand make the screen slow?

The real kiosk (full screen 1920x1080 under xvfb-run, the renderer the config chooses:
`auto`, which is the software renderer where there is no GPU) measures its own frame times
(KIOSK_FRAME_STATS). Two figures:

1. Browse with 9 (the demo) and 500 companies (bench/make_content.py): a script with
   --virtual-clock (every frame rendered back to back) opens the browse screen, waits, and
   drags the grid up and down. Target: p90 frame time with 500 companies at most 2x that
   with 9.
2. Nine 4096x4096 logos: real clock, the script waits on the attract screen, taps it and
   stays on the browse screen for 2 s. Reported: the first frame and the longest frame after
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import make_content  # noqa: E402

REPO = make_content.REPO
STATS = re.compile(r"frame-stats: frames (\d+) p50 ([\d.]+) ms p90 ([\d.]+) ms p99 ([\d.]+) ms max ([\d.]+) ms"
                   r" first ([\d.]+) ms later-max ([\d.]+) ms")
CONFIG = '[kiosk]\nid = "browse-bench"\nidle_timeout_s = 600\n'


def browse_script(card):
    lines = ["tap attract.start", "wait 1000"]
    for _ in range(6):
        lines += [f"drag browse.card.{card} 0 -700", "wait 300", f"drag browse.card.{card} 0 -700", "wait 300",
                  "wait 500"]
    return "\n".join(lines + ["quit", ""])


DECODE_SCRIPT = "wait 1500\ntap attract.start\nwait 2000\nexpect-screen browse\nquit\n"


def run(kiosk, work, content, script, virtual_clock):
    path = os.path.join(work, "bench.script")
    with open(path, "w") as f:
        f.write(script)
    cfg = os.path.join(work, "kiosk.toml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    data = tempfile.mkdtemp(dir=work)
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", kiosk, "--config", cfg, "--data-dir", data,
           "--content", content, "--script", path] + (["--virtual-clock"] if virtual_clock else [])
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, KIOSK_FRAME_STATS="1"), timeout=600)
    m = STATS.search(p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"kiosk failed ({p.returncode}): {p.stdout[-800:]} {p.stderr[-800:]}")
    keys = ("frames", "p50", "p90", "p99", "max", "first", "later")
    return {k: (int(v) if k == "frames" else float(v)) for k, v in zip(keys, m.groups())}


def median_of(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build", "release", "bin", "kiosk"))
    ap.add_argument("--runs", type=int, default=3, help="runs of each case; the median of each figure is shown")
    ap.add_argument("--companies", type=int, default=500)
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
        small = median_of([run(a.kiosk, work, demo, script, True) for _ in range(a.runs)])
        large = median_of([run(a.kiosk, work, big, script, True) for _ in range(a.runs)])
        logos = median_of([run(a.kiosk, work, huge, DECODE_SCRIPT, False) for _ in range(a.runs)])
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"browse-bench: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"browse-bench: frame times the kiosk measured (median of {a.runs} runs)")
    print(f"  {'':30} {'frames':>7} {'p50':>9} {'p90':>9} {'p99':>9} {'first':>9} {'max later':>10}")
    for name, r in ((f"browse, 9 companies", small), (f"browse, {a.companies} companies", large),
                    ("nine 4096x4096 logos", logos)):
        print(f"  {name:30} {r['frames']:7.0f} {r['p50']:7.2f}ms {r['p90']:7.2f}ms {r['p99']:7.2f}ms"
              f" {r['first']:7.2f}ms {r['later']:8.2f}ms")
    scale_ok = large["p90"] <= 2.0 * small["p90"]
    decode_ok = logos["later"] <= 50.0
    print(f"  {a.companies} companies: p90 {large['p90'] / small['p90']:.2f}x that of 9 (target <= 2x)"
          f"  {'PASS' if scale_ok else 'MISS'}")
    print(f"  big logos: longest frame after the first {logos['later']:.1f} ms (target <= 50 ms)"
          f"  {'PASS' if decode_ok else 'MISS'}")
    return 0 if scale_ok and decode_ok else 1


if __name__ == "__main__":
    sys.exit(main())
