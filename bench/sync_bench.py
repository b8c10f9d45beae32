#!/usr/bin/env python3
"""sync-bench: how fast `kiosk sync --once` empties a backlog to a receiver on loopback.

Generates N leads (default 10,000) with `kiosk leads generate`, starts the test receiver
(tests/support/receiver.py: Python http.server, signature and token checked, no faults)
and times `kiosk sync --once` (wall time, leads per second), then checks that the
receiver holds exactly the N ids and the kiosk marked them all synced. Repeats for each
--batch-size (default: 100, the shipped default, and 500) on a fresh copy of the
database. Not a test: it wants a quiet machine.

    python3 bench/sync_bench.py [--kiosk build/ci/bin/kiosk] [--count 10000] [--batch-size 100,500]

Target: 10,000 leads in under 5 s at the default batch size. Exit status: 0 target met,
1 missed (or the upload was incomplete), 2 the benchmark could not run.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_S = 5.0
TOKEN = "bench-token"
SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"bench secret").digest()).decode()


def start_receiver(receiver, workdir):
    log = open(os.path.join(workdir, "receiver.log"), "w")
    p = subprocess.Popen([sys.executable, receiver, "--token", TOKEN, "--secret", SECRET], stdout=subprocess.PIPE,
                         stderr=log, text=True)
    ready, _, _ = select.select([p.stdout], [], [], 10)
    m = re.match(r"PORT (\d+)", p.stdout.readline() if ready else "")
    if not m:
        p.kill()
        raise RuntimeError("the receiver did not start")
    return p, int(m.group(1))


def receiver_state(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_control/state", timeout=60) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build", "ci", "bin", "kiosk"))
    ap.add_argument("--receiver", default=os.path.join(REPO, "tests", "support", "receiver.py"))
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--batch-size", default="100,500")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    if not os.access(args.kiosk, os.X_OK):
        print(f"sync-bench: no kiosk binary at {args.kiosk} (build it, or pass --kiosk)", file=sys.stderr)
        return 2

    work = tempfile.mkdtemp(prefix="kiosk-sync-bench-")
    seed_dir = os.path.join(work, "seed")
    t0 = time.monotonic()
    p = subprocess.run([args.kiosk, "leads", "generate", "--count", str(args.count), "--data-dir", seed_dir],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"sync-bench: leads generate failed: {p.stderr}", file=sys.stderr)
        return 2
    db = sqlite3.connect(os.path.join(seed_dir, "leads.db"))
    payload_bytes = db.execute("SELECT sum(length(payload)) FROM leads").fetchone()[0]
    db.close()
    print(f"{args.count} leads generated in {time.monotonic() - t0:.1f} s "
          f"({payload_bytes / args.count:.0f} bytes of JSON per lead, {payload_bytes / 1e6:.1f} MB in all)")
    print(f"{os.cpu_count()} CPUs; receiver: Python {sys.version.split()[0]} http.server (ThreadingHTTPServer), "
          "bearer token and Standard Webhooks signature checked on every request")
    print()
    print(f"{'batch':>6} {'requests':>9} {'wall s':>8} {'leads/s':>9} {'ms/request':>11}  result")

    status = 0
    sizes = [int(s) for s in args.batch_size.split(",") if s]
    for size in sizes:
        d = os.path.join(work, f"batch-{size}")
        shutil.copytree(seed_dir, d)
        rec, port = start_receiver(args.receiver, work)
        cfg = os.path.join(work, f"batch-{size}.toml")
        with open(cfg, "w") as f:
            f.write(f'[sync]\nendpoint = "http://127.0.0.1:{port}/leads"\ntoken = "{TOKEN}"\nsecret = "{SECRET}"\n'
                    f"batch_size = {size}\n")
        try:
            t0 = time.monotonic()
            p = subprocess.run([args.kiosk, "sync", "--once", "--config", cfg, "--data-dir", d], capture_output=True,
                               text=True, timeout=600)
            wall = time.monotonic() - t0
            st = receiver_state(port)
        finally:
            rec.terminate()
            rec.wait(10)
        db = sqlite3.connect(os.path.join(d, "leads.db"))
        synced = db.execute("SELECT count(*) FROM leads WHERE sync_state = 'synced'").fetchone()[0]
        db.close()
        requests = st["uploads"]
        complete = p.returncode == 0 and st["leads"] == args.count and synced == args.count and not st["conflicts"]
        met = complete and (size != 100 or args.count != 10_000 or wall < TARGET_S)
        result = "ok" if complete else f"INCOMPLETE (exit {p.returncode}, {st['leads']} received, {synced} synced)"
        if complete and size == 100 and args.count == 10_000:
            result += f", target < {TARGET_S:.0f} s {'met' if wall < TARGET_S else 'MISSED'}"
        print(f"{size:>6} {requests:>9} {wall:>8.2f} {args.count / wall:>9.0f} {1000 * wall / max(requests, 1):>11.1f}"
              f"  {result}", flush=True)
        if not met:
            status = 1
    if args.keep:
        print(f"work folder: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
