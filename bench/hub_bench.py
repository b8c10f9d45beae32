#!/usr/bin/env python3
"""hub-bench: many kiosks syncing into kiosk-hub at once, on SQLite and on PostgreSQL.

For each set-up (SQLite, one instance; PostgreSQL, one instance; PostgreSQL, two instances
behind a round-robin TCP balancer) it starts the hub(s) on loopback, adds --kiosks kiosks,
generates --count leads in each kiosk's data folder (`kiosk leads generate`) and runs every
kiosk's `kiosk sync --once` at the same time. It prints leads per second (all leads over the
wall time from the first start to the last exit), the hub's request latency p50 / p99 (from
its log lines: receiving the body to the answer) and checks that the hub holds each id
exactly once. PostgreSQL is started by the benchmark (tests/support/hub_support.py).

    python3 bench/hub_bench.py [--kiosk build/release/bin/kiosk] [--hub build/release/bin/kiosk-hub]
                               [--kiosks 20] [--count 5000] [--batch-size 100] [--setups sqlite,pg1,pg2]

Targets (docs/hub.md): >= 5,000 leads/s, p99 < 250 ms. Not a test: it wants a quiet
machine. Exit status: 0 targets met, 1 missed or incomplete, 2 could not run.
"""
import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "support"))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from hub_support import RoundRobin, start_postgres  # noqa: E402

TARGET_LEADS_S = 5000
TARGET_P99_MS = 250


def start_hub(hub, config, log_path):
    log = open(log_path, "w")
    p = subprocess.Popen([hub, "serve", "--config", config], stderr=log)
    for _ in range(100):
        time.sleep(0.05)
        with open(log_path) as f:
            if "listening on" in f.read():
                return p, log
    p.kill()
    raise RuntimeError(f"kiosk-hub did not start, see {log_path}")


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run_setup(args, name, work):
    os.makedirs(work)
    stop_pg = None
    if name == "sqlite":
        databases, instances = "sqlite:hub.db", 1
    else:
        url, stop_pg = start_postgres(work)
        if url is None:
            print(f"{name}: skipped ({stop_pg})")
            return None
        databases, instances = url, 2 if name == "pg2" else 1
    configs, ports = [], []
    for n in range(instances):
        port = harness.free_port()
        cfg = os.path.join(work, f"hub-{n}.toml")
        with open(cfg, "w") as f:
            f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "{databases}"\nthreads = 8\n')
        configs.append(cfg)
        ports.append(port)
    hubs = [start_hub(args.hub, c, os.path.join(work, f"hub-{n}.log")) for n, c in enumerate(configs)]
    lb = RoundRobin(ports) if instances > 1 else None
    endpoint = f"http://127.0.0.1:{lb.port if lb else ports[0]}/kiosk/v1/leads"
    try:
        kiosks = []
        for i in range(args.kiosks):
            k = f"bench-{i:02d}"
            p = subprocess.run([args.hub, "add-kiosk", k, "--config", configs[0], "--endpoint", endpoint],
                               capture_output=True, text=True, check=True)
            cfg = os.path.join(work, f"{k}.toml")
            with open(cfg, "w") as f:
                f.write(p.stdout + f"batch_size = {args.batch_size}\ntimeout_s = 30\n")
            d = os.path.join(work, f"data-{k}")
            subprocess.run([args.kiosk, "leads", "generate", "--count", str(args.count), "--seed", str(i + 1),
                            "--config", cfg, "--data-dir", d], capture_output=True, check=True)
            kiosks.append((cfg, d))
        t0 = time.monotonic()
        procs = [subprocess.Popen([args.kiosk, "sync", "--once", "--config", c, "--data-dir", d],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c, d in kiosks]
        rcs = [p.wait() for p in procs]
        wall = time.monotonic() - t0
        total = args.kiosks * args.count
        p = subprocess.run([args.hub, "leads", "--format", "jsonl", "--config", configs[0]], capture_output=True,
                           text=True, check=True)
        lines = p.stdout.splitlines()
        ids = {re.search(r'"id":"([^"]+)"', line).group(1) for line in lines}
        pending = 0
        for _, d in kiosks:
            db = sqlite3.connect(os.path.join(d, "leads.db"))
            pending += db.execute("SELECT count(*) FROM leads WHERE sync_state != 'synced'").fetchone()[0]
            db.close()
    finally:
        for proc, log in hubs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            log.close()
        if lb:
            lb.close()
        if stop_pg:
            stop_pg()
    ms = []
    for n in range(instances):
        with open(os.path.join(work, f"hub-{n}.log")) as f:
            ms += [int(x) for x in re.findall(r"POST /kiosk/v1/leads 200 .*\((\d+) ms\)", f.read())]
    complete = all(rc == 0 for rc in rcs) and len(lines) == total and len(ids) == total and pending == 0
    res = {"name": name, "leads_s": total / wall, "wall": wall, "p50": percentile(ms, 0.5), "p99": percentile(ms, 0.99),
           "requests": len(ms), "complete": complete}
    print(f"{name:7s} {args.kiosks} kiosks x {args.count} leads, batch {args.batch_size}: {wall:6.2f} s, "
          f"{res['leads_s']:7.0f} leads/s, {len(ms)} requests, hub latency p50 {res['p50']} ms, p99 {res['p99']} ms, "
          f"{len(lines)} rows / {len(ids)} distinct ids, {pending} not synced" + ("" if complete else "  INCOMPLETE"),
          flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build", "release", "bin", "kiosk"))
    ap.add_argument("--hub", default=os.path.join(REPO, "build", "release", "bin", "kiosk-hub"))
    ap.add_argument("--kiosks", type=int, default=20)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--setups", default="sqlite,pg1,pg2")
    args = ap.parse_args()
    for b in (args.kiosk, args.hub):
        if not os.access(b, os.X_OK):
            print(f"hub-bench: {b} is not built", file=sys.stderr)
            return 2
    work = tempfile.mkdtemp(prefix="hub-bench-")
    if os.geteuid() == 0:
        os.chmod(work, 0o755)  # PostgreSQL runs as postgres inside it
    try:
        results = [r for r in (run_setup(args, s, os.path.join(work, s)) for s in args.setups.split(",")) if r]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = all(r["complete"] and r["leads_s"] >= TARGET_LEADS_S and r["p99"] < TARGET_P99_MS for r in results)
    print(f"targets: >= {TARGET_LEADS_S} leads/s and p99 < {TARGET_P99_MS} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
