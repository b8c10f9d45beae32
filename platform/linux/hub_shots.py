#!/usr/bin/env python3
"""kiosk-dev run, without a display: screenshots of the local demo hub's pages in headless
Chromium, after the demo tour synced into it. The organiser's overview and a lead's consent
proof (logged in with a demo password set here), and one exhibitor's page (a link made here).

    hub_shots.py --hub BIN --config HUB_TOML --out FOLDER
"""
import argparse
import os
import secrets
import subprocess
import sys
import time
import tomllib

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import browser  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.config, "rb") as f:
        base = "http://" + tomllib.load(f)["hub"]["listen"]
    os.makedirs(a.out, exist_ok=True)
    # A fresh password each run, kept beside the hub's files for whoever wants to log in too.
    password = secrets.token_urlsafe(12)
    subprocess.run([a.hub, "set-password", "--config", a.config], input=password + "\n", text=True, check=True,
                   capture_output=True)
    with open(os.path.join(os.path.dirname(a.config), "organiser-password.txt"), "w") as f:
        f.write(f"user organiser, password {password}\n")
    jsonl = subprocess.run([a.hub, "leads", "--format", "jsonl", "--config", a.config], text=True,
                           capture_output=True).stdout.splitlines()
    chosen = next((c for line in jsonl for c in (__import__("json").loads(line).get("exhibitors") or [])), None)
    link = None
    if chosen:
        p = subprocess.run([a.hub, "add-exhibitor", chosen, "--config", a.config, "--label", "demo"], text=True,
                           capture_output=True)
        if p.returncode == 0 and len(p.stdout.split()) == 2:
            link = p.stdout.split()[1]
    shots = []
    try:
        with browser.Browser(width=1440, height=900) as b:
            b.get(base + "/login")
            b.find("input[name=password]").send_keys(password)
            b.find("form.login button").click()
            time.sleep(0.5)
            shots.append(b.shot(os.path.join(a.out, "hub-overview.png")))
            b.get(base + "/leads")
            first = b.find_all("table a[href^='/leads/']")
            if first:
                b.get(first[0].get_attribute("href"))
                shots.append(b.shot(os.path.join(a.out, "hub-lead.png")))
            if link:
                b.get(base + link)
                shots.append(b.shot(os.path.join(a.out, "hub-exhibitor.png")))
    except browser.Unavailable as e:
        print(f"kiosk-dev: no screenshots of the hub's pages: {e}")
        return 0
    except Exception as e:  # a demo, not a test: say what failed and go on
        print(f"kiosk-dev: the hub's pages could not be photographed: {e}")
        return 0
    for s in shots:
        print(f"kiosk-dev: hub page screenshot {s}")
    print(f"kiosk-dev: log in at {base}/login as organiser (password in "
          f"{os.path.join(os.path.dirname(a.config), 'organiser-password.txt')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
