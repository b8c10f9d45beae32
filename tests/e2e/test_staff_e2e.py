#!/usr/bin/env python3
"""Staff mode of the real kiosk under Xvfb, driven line by line through `--script -` with
the virtual clock:

1. long press on the hidden corner, 5 wrong PINs: the pad locks, and the attempts file
   (DATA/pin_attempts) holds the count and the lock's end; then SIGKILL.
2. restart on the same data: the pad is still locked (the lock message is drawn in the
   error colour on the screenshot; the right PIN does not open the panel), the file is
   unchanged.
3. an attempts file of the first format (a lock a day long by the wall clock) is migrated to
   a 30 s lock on the boot clock. The lock runs on CLOCK_BOOTTIME (same boot id), so instead
   of waiting 30 s the file is set to a lock that ran out a second ago: the right PIN opens
   the panel and resets the file; an export to a temp export_dir writes all-leads, one file
   per exhibitor (only its leads) and erasures.csv; close returns to attract. The test reads
   leads.db meanwhile, and the kiosk does not report its -wal file removed.
4. exit on the panel ends the kiosk with status 0.
5. `kiosk set-pin` (PIN from stdin): then only that PIN opens the panel, not the demo PIN;
   DATA/pin_set records that a PIN was set.
6. that config broken (a typo, then a pin_hash of the wrong type): the pad refuses every
   PIN, says why in the error colour, and stderr (the journal) names the file and line.
   Without a PIN ever set, a broken config still lets the demo PIN in (as before).

Ends with `N passed, M failed`.
"""
import csv
import glob
import json
import os
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import time
import tomllib
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

ERROR_RGB = (0x9F, 0x1A, 0x1A)  # the light theme's error colour (kiosk/ui/theme.cpp)


def pin_lines(pin):
    return [f"tap pin.key.{d}" for d in pin] + ["tap pin.ok"]


def read_png_rgb(path):
    """Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what the kiosk writes) to (w, h, rows of bytes)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def error_pixels(path):
    """How many pixels are (nearly) the error colour: text in it means a warning is shown."""
    w, h, bpp, rows = read_png_rgb(path)
    n = 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            if abs(row[x] - ERROR_RGB[0]) < 12 and abs(row[x + 1] - ERROR_RGB[1]) < 12 and abs(row[x + 2] - ERROR_RGB[2]) < 12:
                n += 1
    return n


def exhibitor_ids(content):
    ids = []
    for path in sorted(glob.glob(os.path.join(content, "companies", "*.toml"))):
        with open(path, "rb") as f:
            c = tomllib.load(f)
        if c.get("exhibitor"):
            ids.append(c.get("id") or os.path.splitext(os.path.basename(path))[0])
    return ids


def media_mounts():
    """How many destinations come before the configured folder (core::exportDestinations)."""
    n = 0
    with open("/proc/self/mounts") as f:
        for line in f:
            where = line.split()[1].replace("\\040", " ")
            if where.startswith("/media/") or where.startswith("/run/media/"):
                n += 1
    return n


def read_pin_file(path):
    """(failures, lock end on CLOCK_BOOTTIME in ms or 0) from DATA/pin_attempts (format v2)."""
    try:
        version, failures, _, _, _, lock_ms, lock_end, lock_boot = open(path).read().split()
        if version != "v2" or (int(lock_ms) > 0 and lock_boot != boot_id()):
            return None
        return int(failures), int(lock_end) if int(lock_ms) > 0 else 0
    except (OSError, ValueError):
        return None


def boot_id():
    return open("/proc/sys/kernel/random/boot_id").read().strip()


def boot_ms():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1000)


def main() -> int:
    kiosk_bin, out, content = harness.kiosk_and_out(content=True)
    data = os.path.join(out, "data")
    export_dir = os.path.join(out, "usb")
    os.makedirs(export_dir)
    pin_file = os.path.join(data, "pin_attempts")
    config = os.path.join(out, "kiosk.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f'[kiosk]\nid = "kiosk-e2e"\n\n[staff]\nexport_dir = "{export_dir}"\n')
    common = ["--data-dir", data, "--config", config, "--content", content]
    transcript = open(os.path.join(out, "transcript.txt"), "w", encoding="utf-8")
    results = harness.Results()
    check = results.check
    t0 = time.monotonic()

    def start_kiosk(args):
        return harness.kiosk_script(kiosk_bin, display, *args, cwd=out, transcript=transcript, timeout=60,
                                    stderr_path=os.path.join(out, "kiosk-stderr.log"))

    xvfb, display = harness.start_xvfb("1920x1080")
    try:
        # ---- 1: five wrong PINs, then SIGKILL
        k = start_kiosk(common)
        ok, why = k.run(["longpress staff.corner 1000", "expect-screen attract"])
        check("a 1 s press on the corner does not open the pad", ok, why)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin", "shot pad-fresh.png"])
        check("a 3 s long press opens the PIN pad", ok, why)
        for i in range(1, 5):
            ok, why = k.run(pin_lines("0000") + ["expect-screen pin"])
            state = read_pin_file(pin_file)
            check(f"wrong PIN {i}: still on the pad, the file counts {i}", ok and state == (i, 0), f"{why} {state}")
        wall = boot_ms()
        ok, why = k.run(pin_lines("9999") + ["expect-screen pin", "shot pad-locked.png"])
        state = read_pin_file(pin_file)
        check("wrong PIN 5: the file holds 5 and a lock of about 30 s", ok and state is not None and state[0] == 5
              and 25_000 <= state[1] - wall <= 31_000, f"{why} {state}")
        ok, why = k.run(pin_lines("1234") + ["expect-screen pin"])
        check("while locked the right PIN does not open the panel", ok, why)
        check("... and is not counted", read_pin_file(pin_file) == state, f"{read_pin_file(pin_file)}")
        code = k.kill()
        check("the kiosk is killed (SIGKILL)", code == -signal.SIGKILL, f"exit {code}")
        check("after the kill the file still holds the count and the lock", read_pin_file(pin_file) == state,
              f"{read_pin_file(pin_file)}")
        check("the attempts file is private (0600)", stat.S_IMODE(os.stat(pin_file).st_mode) == 0o600)
        fresh = error_pixels(os.path.join(out, "pad-fresh.png"))
        locked = error_pixels(os.path.join(out, "pad-locked.png"))
        check(f"the locked pad shows a message in the error colour ({locked} px; a fresh pad {fresh} px)",
              fresh < 50 and locked > 300)

        # ---- 2: restart on the same data: still locked
        k = start_kiosk(common)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin", "shot pad-after-restart.png"])
        check("after the restart the long press opens the pad", ok, why)
        restarted = error_pixels(os.path.join(out, "pad-after-restart.png"))
        check(f"after the restart the pad shows the lock message ({restarted} px in the error colour)", restarted > 300)
        ok, why = k.run(pin_lines("1234") + ["expect-screen pin"])
        check("after the restart the right PIN does not open the panel", ok, why)
        check("after the restart the file is unchanged (the try was not counted)", read_pin_file(pin_file) == state,
              f"{read_pin_file(pin_file)}")
        ok, why = k.run(["tap pin.cancel", "expect-screen attract", "quit"])
        check("cancel returns to attract", ok, why)
        code = k.close()
        check("quit exits 0", code == 0, f"exit {code}")

        # ---- 3: the lock ran out; the right PIN opens the panel; export to the folder
        g = subprocess.run([kiosk_bin, "leads", "generate", "--count", "120", "--seed", "11", *common],
                           capture_output=True, text=True, timeout=120)
        check("120 synthetic leads generated", g.returncode == 0, g.stderr.strip())
        con = sqlite3.connect(os.path.join(data, "leads.db"))
        victim = con.execute("SELECT id, email FROM leads ORDER BY rowid LIMIT 1").fetchone()
        con.close()
        e = subprocess.run([kiosk_bin, "leads", "erase", "--email", victim[1], *common], capture_output=True, text=True)
        check("one lead erased (for the erasure log)", e.returncode == 0 and victim[0] in e.stdout, e.stderr.strip())
        # The first file format, written by an earlier kiosk with the clock a day ahead: migrated
        # to a lock of its step's length (30 s), not a day; the count stays.
        with open(pin_file, "w") as f:
            f.write(f"5 {int(time.time() * 1000) + 86_400_000}\n")
        k = start_kiosk(common)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin"] + pin_lines("1234") + ["expect-screen pin", "quit"])
        check("an attempts file of the first format keeps its lock (the right PIN does not open)", ok, why)
        k.close()
        state = read_pin_file(pin_file)
        check("... migrated to v2 with a lock of 30 s on the boot clock, not a day",
              state is not None and state[0] == 5 and 20_000 <= state[1] - boot_ms() <= 30_000, str(state))
        with open(pin_file, "w") as f:
            now = boot_ms()
            f.write(f"v2 5 {int(time.time() * 1000)} {now - 31_000} {boot_id()} 30000 {now - 1000} {boot_id()}\n")
        k = start_kiosk(common)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin"] + pin_lines("1234") + ["expect-screen staff"])
        check("once the lock has run out the right PIN opens the panel", ok, why)
        check("... and resets the attempts file", read_pin_file(pin_file) == (0, 0), f"{read_pin_file(pin_file)}")
        dest = f"staff.dest.{media_mounts()}"
        started = time.time()
        ok, why = k.run([f"tap {dest}", "tap staff.format.csv", "tap staff.delimiter.semicolon", "tap staff.header.de",
                         "tap staff.export"])
        check(f"export chosen ({dest}, CSV, ';', German header) and started", ok, why)
        folder = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and folder is None:
            for d in glob.glob(os.path.join(export_dir, "*", "erasures.csv")):
                folder = os.path.dirname(d)
            time.sleep(0.1)
        check("the export folder appears in export_dir", folder is not None, str(os.listdir(export_dir)))
        if folder:
            time.sleep(0.5)  # the export thread ends right after erasures.csv is renamed into place
            exhibitors = exhibitor_ids(content)
            want = {"all-leads.csv", "erasures.csv", "figures.csv"} | {f"exhibitor-{x}.csv" for x in exhibitors} \
                | {f"exhibitor-{x}-figures.csv" for x in exhibitors}
            names = set(os.listdir(folder))
            check(f"the folder holds all-leads.csv, erasures.csv, figures.csv and {len(exhibitors)} exhibitor files (leads, figures)", names == want,
                  f"extra {sorted(names - want)}, missing {sorted(want - names)}")
            check("no .part files and every file 0600",
                  all(not n.endswith(".part") and stat.S_IMODE(os.stat(os.path.join(folder, n)).st_mode) == 0o600
                      for n in names))
            con = sqlite3.connect(os.path.join(data, "leads.db"))
            stored = {r[0]: json.loads(r[1]) for r in con.execute("SELECT id, exhibitors FROM leads")}
            con.close()

            def ids(name):
                with open(os.path.join(folder, name), encoding="utf-8-sig", newline="") as f:
                    rows = list(csv.reader(f, delimiter=";", strict=True))
                return rows[0], [r[0] for r in rows[1:]]

            header, all_ids = ids("all-leads.csv")
            check("all-leads.csv: the German header and every stored lead", header[:2] == ["ID", "Erstellt (UTC)"]
                  and sorted(all_ids) == sorted(stored) and victim[0] not in all_ids, f"{len(all_ids)} of {len(stored)}")
            wrong = []
            for x in exhibitors:
                if f"exhibitor-{x}.csv" not in names:
                    continue
                _, got = ids(f"exhibitor-{x}.csv")
                if sorted(got) != sorted(i for i, ex in stored.items() if x in ex):
                    wrong.append(x)
            check("every exhibitor file holds exactly that exhibitor's leads", not wrong, str(wrong))
            log = open(os.path.join(folder, "erasures.csv"), encoding="utf-8", newline="").read()
            check("erasures.csv logs the erased lead, without its email",
                  log.startswith("lead_id,erased_at,was_synced\r\n") and f"\r\n{victim[0]}," in log and victim[1] not in log,
                  repr(log[:200]))
            check("the folder is named after the event and the time",
                  os.path.basename(folder).startswith("ruhrsummit-innovation-bridge-uk-" + time.strftime("%Y-%m-", time.gmtime(started))))
        # The export folder goes away (a stick that held it was pulled): the next export fails,
        # says so with the path, and creates neither the folder nor anything in it.
        ok, why = k.run(["wait 2500", "expect-screen staff", "shot panel-exported.png"])
        check("the panel shows the finished export", ok, why)
        away = export_dir + "-away"
        os.rename(export_dir, away)
        ok, why = k.run(["tap staff.export", "wait 1500", "expect-screen staff", "shot panel-export-failed.png"])
        check("export to the vanished folder: the panel stays", ok, why)
        log = open(os.path.join(out, "kiosk-stderr.log"), encoding="utf-8", errors="replace").read()
        check("export to the vanished folder fails, naming it", f"export to {export_dir} failed" in log
              and f"{export_dir} is not there" in log, log[-400:])
        check("... and the folder is not created again", not os.path.exists(export_dir), str(os.listdir(out)))
        os.rename(away, export_dir)
        ok, why = k.run(["wait 2500", "expect-screen staff", "tap staff.close",
                         "expect-screen attract", "quit"])
        check("close returns to attract", ok, why)
        code = k.close()
        check("quit exits 0", code == 0, f"exit {code}")
        # The test read leads.db above while the kiosk ran: a reader of another process must
        # find the kiosk's locks and leave the -wal file alone (no notice to staff).
        log = open(os.path.join(out, "kiosk-stderr.log"), encoding="utf-8", errors="replace").read()
        check("nothing touched the WAL: no 'was removed or replaced' notice", "was removed or replaced" not in log,
              [line for line in log.splitlines() if "was removed or replaced" in line])

        # ---- 4: exit on the panel ends the kiosk
        k = start_kiosk(common)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin"] + pin_lines("1234") + ["expect-screen staff"])
        check("the panel opens again", ok, why)
        k.cmd("tap staff.exit", timeout=10)  # the kiosk may end before it answers
        try:
            code = k.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            code = None
        check("staff.exit ends the kiosk with status 0", code == 0, f"exit {code}")
        k.close()

        # ---- 5: set-pin: then only that PIN works
        config2 = os.path.join(out, "kiosk-pin.toml")
        with open(config2, "w", encoding="utf-8") as f:
            f.write('# staff keep this comment\n[kiosk]\nid = "kiosk-e2e"\n')
        bad = subprocess.run([kiosk_bin, "set-pin", "--config", config2], input="12\n", capture_output=True, text=True)
        check("set-pin refuses a 2-digit PIN", bad.returncode != 0 and "pin_hash" not in open(config2).read(),
              bad.stderr.strip())
        s = subprocess.run([kiosk_bin, "set-pin", "--config", config2], input="24680\n", capture_output=True, text=True)
        text = open(config2, encoding="utf-8").read()
        check("set-pin stores an Argon2id hash and keeps the comments", s.returncode == 0
              and 'pin_hash = "$argon2id$' in text and "# staff keep this comment" in text and "24680" not in text,
              s.stderr.strip())
        # set-pin edits the file line by line: a megabyte-long pin_hash line once overflowed
        # the stack of the regex it used (exit 139); a [staff] section gets the line below it.
        config3 = os.path.join(out, "kiosk-longline.toml")
        with open(config3, "w", encoding="utf-8") as f:
            f.write('[staff]\nexport_dir = "/tmp"\n[sync]\n# pin_hash = "x"\npin_hash = "' + "a" * 1_000_000 + '"\n')
        s3 = subprocess.run([kiosk_bin, "set-pin", "--config", config3], input="24680\n", capture_output=True, text=True)
        text3 = open(config3, encoding="utf-8").read()
        check("set-pin on a megabyte-long pin_hash line replaces it, no crash", s3.returncode in (0, 1)
              and "a" * 1000 not in text3 and text3.count('pin_hash = "$argon2id$') == 1 and "# pin_hash" in text3,
              f"exit {s3.returncode}: {s3.stderr.strip()[:300]}")
        config4 = os.path.join(out, "kiosk-staff.toml")
        with open(config4, "w", encoding="utf-8") as f:
            f.write('[staff]\nexport_dir = "/tmp"\n\n[kiosk]\nid = "k"\n')
        s4 = subprocess.run([kiosk_bin, "set-pin", "--config", config4], input="24680\n", capture_output=True, text=True)
        check("set-pin puts the hash below an existing [staff]", s4.returncode == 0
              and open(config4, encoding="utf-8").read().startswith('[staff]\npin_hash = "$argon2id$'), s4.stderr.strip())
        folder = os.path.join(out, "config-is-a-folder")
        os.makedirs(folder, exist_ok=True)
        s5 = subprocess.run([kiosk_bin, "set-pin", "--config", folder], input="24680\n", capture_output=True, text=True)
        check("set-pin on a config it cannot read changes nothing", s5.returncode != 0 and os.path.isdir(folder),
              f"exit {s5.returncode}: {s5.stderr.strip()}")
        # A config that is a symlink (e.g. into a managed folder): the PIN goes into the file it
        # names. Replacing the link by a copy would leave the old hash there, to come back
        # with the next roll-out of that folder.
        managed = os.path.join(out, "managed")
        os.makedirs(managed, exist_ok=True)
        target = os.path.join(managed, "kiosk.toml")
        link = os.path.join(out, "kiosk-link.toml")
        with open(target, "w", encoding="utf-8") as f:
            f.write('[kiosk]\nid = "kiosk-e2e"\n\n[staff]\npin_hash = ""\n')
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(target, link)
        s = subprocess.run([kiosk_bin, "set-pin", "--config", link], input="13579\n", capture_output=True, text=True)
        check("set-pin through a symlinked config writes the file it names and keeps the link",
              s.returncode == 0 and os.path.islink(link) and 'pin_hash = "$argon2id$' in open(target).read(),
              f"{s.stderr.strip()} link kept: {os.path.islink(link)}")
        data2 = os.path.join(out, "data-pin")
        k = start_kiosk(["--data-dir", data2, "--config", config2, "--content", content])
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin"] + pin_lines("1234") + ["expect-screen pin"])
        check("with a PIN set the demo PIN 1234 does not open the panel", ok, why)
        ok, why = k.run(pin_lines("24680") + ["expect-screen staff", "tap staff.close", "quit"])
        check("the PIN that was set opens the panel", ok, why)
        k.close()
        check("the kiosk noted that a PIN is set (DATA/pin_set, 0600)", os.path.exists(os.path.join(data2, "pin_set"))
              and stat.S_IMODE(os.stat(os.path.join(data2, "pin_set")).st_mode) == 0o600)

        # ---- 6: the config with the PIN is broken: staff mode stays locked
        good = open(config2, encoding="utf-8").read()
        stderr_log = os.path.join(out, "kiosk-stderr.log")
        for name, broken, line in (("a typo (idle_timeout_s = 60s)", good.replace('id = "kiosk-e2e"', 'id = "kiosk-e2e"\nidle_timeout_s = 60s'), 4),
                                   ("a pin_hash of the wrong type", good.split("pin_hash")[0] + "pin_hash = 24680\n", None)):
            with open(config2, "w", encoding="utf-8") as f:
                f.write(broken)
            before = os.path.getsize(stderr_log)
            k = start_kiosk(["--data-dir", data2, "--config", config2, "--content", content])
            shot = f"pad-config-locked-{line or 'type'}.png"
            ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin", f"shot {shot}"] + pin_lines("1234")
                            + ["expect-screen pin"] + pin_lines("24680") + ["expect-screen pin", "quit"])
            check(f"{name}: neither the demo PIN nor the PIN that was set opens the panel", ok, why)
            k.close()
            red = error_pixels(os.path.join(out, shot))
            check(f"{name}: the pad says why in the error colour ({red} px)", red > 300)
            log = open(stderr_log, encoding="utf-8").read()[before:]
            want = f"{config2}:{line}:" if line else "staff.pin_hash"
            check(f"{name}: stderr (the journal) says staff mode is locked and names {want}",
                  "staff mode is locked" in log and want in log, log[-500:])
            check(f"{name}: the tries were not counted", read_pin_file(os.path.join(data2, "pin_attempts")) in ((0, 0), None),
                  str(read_pin_file(os.path.join(data2, "pin_attempts"))))
        # Without a PIN ever set here (a fresh data folder), a typo does not lock staff out.
        with open(config2, "w", encoding="utf-8") as f:
            f.write('[kiosk]\nidle_timeout_s = 60s\n')
        k = start_kiosk(["--data-dir", os.path.join(out, "data-fresh"), "--config", config2, "--content", content])
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin"] + pin_lines("1234") + ["expect-screen staff", "quit"])
        check("no PIN ever set: a broken config keeps the demo PIN (as before)", ok, why)
        k.close()
    finally:
        xvfb.terminate()
        xvfb.wait()
        transcript.close()

    print(f"runtime {time.monotonic() - t0:.1f} s")
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
