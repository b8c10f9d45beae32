#!/usr/bin/env python3
"""export-bench: `kiosk export` of 100,000 leads to CSV next to `sqlite3 -csv` selecting the
same columns from the same file (target: no slower than the sqlite3 shell). Median of 5 runs
each, output to /dev/shm so the disk does not decide. Our export does more: ISO dates, the
CSV-injection guard, the BOM, an fsync and a read-back count."""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ("id, created_ms, lang, first_name, last_name, email, company, job_title, phone, message, sectors, "
           "exhibitors, newsletter, consent_version, consent_sha256, consent_lang, consent_ms, source, sync_state")


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=kw.get("stdout", subprocess.DEVNULL), stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", default=os.path.join(REPO, "build", "release", "bin", "kiosk"))
    ap.add_argument("--count", type=int, default=100_000)
    a = ap.parse_args()
    if not shutil.which("sqlite3"):
        print("export-bench: needs the sqlite3 shell (apt-get install sqlite3)")
        return 2
    work = tempfile.mkdtemp(prefix="export-bench-")
    out = tempfile.mkdtemp(prefix="export-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        subprocess.run([a.kiosk, "leads", "generate", "--count", str(a.count), "--data-dir", work], check=True,
                       stdout=subprocess.DEVNULL)
        db = os.path.join(work, "leads.db")
        ours, theirs = [], []
        for _ in range(5):
            ours.append(timed([a.kiosk, "export", "--format", "csv", "--out", os.path.join(out, "k.csv"), "--data-dir", work]))
            with open(os.path.join(out, "s.csv"), "wb") as f:
                theirs.append(timed(["sqlite3", "-csv", db, f"SELECT {COLUMNS} FROM leads"], stdout=f))
        k, s = statistics.median(ours), statistics.median(theirs)
        print(f"export-bench: {a.count} leads to CSV (median of 5)")
        print(f"  kiosk export     {k * 1000:7.0f} ms  ({os.path.getsize(os.path.join(out, 'k.csv')) / 2**20:.1f} MiB)")
        print(f"  sqlite3 -csv     {s * 1000:7.0f} ms  ({os.path.getsize(os.path.join(out, 's.csv')) / 2**20:.1f} MiB)")
        print(f"  ratio            {k / s:.2f}x (target: <= 1.0x, within noise)  {'PASS' if k <= s * 1.05 else 'MISS'}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
