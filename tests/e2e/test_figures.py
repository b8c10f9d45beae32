#!/usr/bin/env python3
"""What exhibitors learn, through the real kiosk under Xvfb (`--script -`, virtual clock):

1. a visit: a sector filter, a profile read for 4 s (its website QR on screen), a sign-up
   begun from it and abandoned (home). After `quit` leads.db's figures table holds those
   counts, per company and for the stand, in the current hour, and nothing else: no lead id,
   no name typed, no time finer than the hour.
2. a restart on the same data: the counts are still there and a second visit adds to them
   (a sign-up sent this time); the staff panel (demo PIN) shows the funnel (screenshot
   panel-figures.png); an Excel export writes each exhibitor's workbook with a second sheet
   "Figures" (read with openpyxl), exhibitor-<id>-figures.csv and the organiser's figures.csv.

Ends with `N passed, M failed`.
"""
import csv
import glob
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

# Debian's python3-openpyxl under another python3 (pyenv).
if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")

COMPANY = "irk-valley-hydrogen"
OTHER = "medlock-gas-sensing"


def figures(db):
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT event_id, subject, metric, hour, value FROM figures").fetchall()
        cols = [r[1] for r in con.execute("PRAGMA table_info(figures)")]
    finally:
        con.close()
    sums = {}
    for _, subject, metric, _, value in rows:
        sums[(subject, metric)] = sums.get((subject, metric), 0) + value
    return rows, cols, sums


def media_mounts():
    n = 0
    with open("/proc/self/mounts") as f:
        for line in f:
            where = line.split()[1]
            if where.startswith("/media/") or where.startswith("/run/media/"):
                n += 1
    return n


def main() -> int:
    kiosk_bin, out, content = harness.kiosk_and_out(content=True)
    data = os.path.join(out, "data")
    db = os.path.join(data, "leads.db")
    export_dir = os.path.join(out, "usb")
    os.makedirs(export_dir)
    config = os.path.join(out, "kiosk.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f'[kiosk]\nid = "kiosk-figures"\n\n[staff]\nexport_dir = "{export_dir}"\n')
    common = ["--data-dir", data, "--config", config, "--content", content]
    results = harness.Results()
    check = results.check

    with harness.KioskSession(out) as session:
        # ---- 1: a visit, abandoned
        k = session.start(kiosk_bin, *common)
        ok, why = k.run(["tap attract.start", "tap browse.filter.hydrogen", f"tap browse.card.{COMPANY}",
                         "expect-screen profile", "wait 4000", "tap profile.contact", "expect-screen signup",
                         f"tap signup.exhibitor.{OTHER}", "tap signup.first_name", "type Zoë", "tap nav.home",
                         "expect-screen attract", "quit"])
        check("a visit: filter, profile, 4 s, sign-up begun, another exhibitor ticked, home", ok, why)
        check("the kiosk exits 0", k.close() == 0)
        hour = int(time.time() // 3600)
        rows, cols, s = figures(db)
        check("the table has exactly event, subject, metric, hour and value", cols == ["event_id", "subject", "metric", "hour", "value"], str(cols))
        check("profile view, website QR, sign-up started and abandoned counted for the company",
              s.get((COMPANY, "profile_views")) == 1 and s.get((COMPANY, "website_qr")) == 1
              and s.get((COMPANY, "signups_started")) == 1 and s.get((COMPANY, "signups_abandoned")) == 1, str(s))
        check("about 4 s on the profile, one timed visit", 4 <= s.get((COMPANY, "profile_seconds"), 0) <= 6
              and s.get((COMPANY, "profile_timed")) == 1, str(s))
        check("the exhibitor ticked on the form: started and abandoned for it too",
              s.get((OTHER, "signups_started")) == 1 and s.get((OTHER, "signups_abandoned")) == 1, str(s))
        check("the stand: one sign-up started and abandoned, one filter",
              s.get(("", "signups_started")) == 1 and s.get(("", "signups_abandoned")) == 1
              and s.get(("hydrogen", "sector_filter")) == 1, str(s))
        text = repr(rows)
        check("nothing typed, no lead, only whole hours", "Zo" not in text and all(abs(r[3] - hour) <= 1 for r in rows)
              and sqlite3.connect(db).execute("SELECT count(*) FROM leads").fetchone()[0] == 0, text[:300])

        # ---- 2: restart, a completed sign-up, the panel, an Excel export
        k = session.start(kiosk_bin, *common)
        ok, why = k.run(["tap attract.start", f"tap browse.card.{COMPANY}", "wait 2000", "tap profile.contact",
                         "tap signup.first_name", "type Zoë", "tap signup.last_name", "type Müller", "tap signup.email",
                         "type zoe@example.com", "tap kbd.done", "tap signup.consent", "tap signup.submit",
                         "expect-screen thanks", "tap thanks.done", "expect-screen attract"])
        check("after a restart: a second visit, sign-up sent", ok, why)
        ok, why = k.run(["longpress staff.corner 3100", "expect-screen pin", "tap pin.key.1", "tap pin.key.2",
                         "tap pin.key.3", "tap pin.key.4", "tap pin.ok", "expect-screen staff", "wait 2500",
                         "shot panel-figures.png"])
        check("the staff panel opens (demo PIN) and is photographed", ok, why)
        ok, why = k.run([f"tap staff.dest.{media_mounts()}", "tap staff.format.xlsx", "tap staff.header.en", "tap staff.export"])
        check("an Excel export with English headers is started", ok, why)
        folder = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and folder is None:
            for d in glob.glob(os.path.join(export_dir, "*", "erasures.csv")):
                folder = os.path.dirname(d)
            time.sleep(0.1)
        time.sleep(0.5)
        ok, why = k.run(["quit"])
        k.close()
        rows, cols, s = figures(db)
        check("the counts survived the restart and the second visit added to them",
              s.get((COMPANY, "profile_views")) == 2 and s.get((COMPANY, "signups_started")) == 2
              and s.get((COMPANY, "signups_completed")) == 1 and s.get((COMPANY, "signups_abandoned")) == 1
              and s.get(("", "signups_completed")) == 1, str(s))
        check("the export folder appears", folder is not None, str(os.listdir(export_dir)))
        if folder:
            names = set(os.listdir(folder))
            check("figures.csv and each exhibitor's figures CSV are there", "figures.csv" in names
                  and f"exhibitor-{COMPANY}-figures.csv" in names and f"exhibitor-{OTHER}-figures.csv" in names, str(sorted(names)))
            with open(os.path.join(folder, f"exhibitor-{COMPANY}-figures.csv"), encoding="utf-8-sig", newline="") as f:
                table = list(csv.reader(f, delimiter=";"))
            check("the exhibitor's CSV: its own total first (2 views, 1 completed), no other subject",
                  table[0][:3] == ["Hour (UTC)", "Exhibitor or sector", "Profile views"] and table[1][:3] == ["total", COMPANY, "2"]
                  and all(r[1] == COMPANY for r in table[1:]), str(table[:3]))
            try:
                import openpyxl
            except ImportError as e:
                check("openpyxl can be imported (python3-openpyxl)", False, str(e))
                return results.summary()
            wb = openpyxl.load_workbook(os.path.join(folder, f"exhibitor-{COMPANY}.xlsx"))
            check("the exhibitor's workbook has the sheets Leads and Figures", wb.sheetnames == ["Leads", "Figures"], str(wb.sheetnames))
            if "Figures" in wb.sheetnames:
                sheet = [[c.value for c in r] for r in wb["Figures"].iter_rows()]
                head = sheet[0]
                total = sheet[1]
                completed = head.index("Sign-ups completed")
                check("its Figures sheet: the total row with numbers (2 views, 1 sign-up completed), only this exhibitor",
                      total[0] == "total" and total[1] == COMPANY and total[2] == 2 and total[completed] == 1
                      and all(r[1] == COMPANY for r in sheet[1:]), str(sheet[:2]))
            wb = openpyxl.load_workbook(os.path.join(folder, "all-leads.xlsx"))
            subjects = {r[1].value for r in wb["Figures"].iter_rows(min_row=2)} if "Figures" in wb.sheetnames else set()
            check("the organiser's workbook: every subject (the stand, both exhibitors, the sector)",
                  {"whole stand", COMPANY, OTHER, "hydrogen"} <= subjects, str(subjects))
        shot = os.path.join(out, "panel-figures.png")
        check("the panel screenshot was written", os.path.exists(shot) and os.path.getsize(shot) > 10_000)
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
