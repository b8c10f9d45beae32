#!/usr/bin/env python3
"""The exhibitors' links end to end: a real `kiosk-hub`, a real kiosk syncing into it, and
headless Chromium (tests/support/browser.py) on the exhibitors' pages.

1. Leads: visitors sign up on the real kiosk under Xvfb through its on-screen keyboard, for
   exhibitor A, for B, for both, and one named `<img src=x onerror=alert(1)>`
   `"><script>alert(1)</script>` for A; `kiosk leads generate` adds synthetic ones for every
   exhibitor; the kiosk syncs them all. A second client posts (signed, as the protocol says)
   two leads today's kiosk never sends: one that chose nobody (an empty exhibitors list) and
   one for a company whose id merely starts with A's.
2. `kiosk-hub add-exhibitor` for A (two links), for B, and for an id no lead names (a warning);
   `kiosk-hub exhibitors` lists them without any token.
3. In the browser, A's link shows exactly the leads that chose A (their count, their emails,
   the names typed on the kiosk), none of B's only, none that chose nobody; no lead id on the
   page, no other exhibitor's id; the hostile name is text, no element, and the CSP header
   is there. Searching A's page for B's visitor finds nothing; for A's, one.
4. Guessing: another random token, A's token with /../, with a lead id after it, A's
   downloads with parameters naming B, POST to A's link: nothing of B (404 or A's own).
5. Downloads from the page: the CSV and the XLSX (openpyxl) hold exactly A's lead ids, and
   the exhibitors column names A only.
6. `revoke-exhibitor A --link 1`: that link answers 404 like a wrong one; A's second link
   still works; then `--all`.
7. 25 wrong tokens from one address within a minute: answered 429, then B's right link too;
   the hub's log holds no token.

Screenshots go into --out (exhibitor-a.png, its whole page exhibitor-a-full.png, search.png,
not-found.png); --screenshot copies exhibitor-a.png (docs/screenshots/hub-exhibitor.png).
Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import argparse
import csv
import http.client
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import browser  # noqa: E402
import harness  # noqa: E402
from test_hub import HubProcess, body_for, sign  # noqa: E402
from test_signup import Driver, fill_form  # noqa: E402

A = "medlock-gas-sensing"
B = "irk-valley-hydrogen"
XSS_FIRST = "<img src=x onerror=alert(1)>"
XSS_LAST = '"><script>alert(1)</script>'
VISITORS = [
    ({"first_name": "Anna", "last_name": "Alpha", "email": "anna.alpha@example.org"}, [A]),
    ({"first_name": "Bernd", "last_name": "Beta", "email": "bernd.beta@example.org"}, [B]),
    ({"first_name": "Clara", "last_name": "Both", "email": "clara.both@example.org"}, [A, B]),
    ({"first_name": XSS_FIRST, "last_name": XSS_LAST, "email": "xss@example.org"}, [A]),
]
GENERATED = 120


class Hub:
    def __init__(self, binary, out):
        self.binary, self.out = binary, out
        self.port = harness.free_port()
        self.config = os.path.join(out, "hub.toml")
        with open(self.config, "w") as f:
            f.write(f'[hub]\nlisten = "127.0.0.1:{self.port}"\ndatabase = "sqlite:state/hub.db"\nthreads = 4\n')
        self.log = open(os.path.join(out, "commands.log"), "w")
        self.proc = None

    def run(self, binary, *argv, timeout=120):
        p = subprocess.run([binary, *argv], capture_output=True, text=True, timeout=timeout, cwd=self.out)
        self.log.write(f"$ {os.path.basename(binary)} {' '.join(argv)}  # exit {p.returncode}\n{p.stdout}{p.stderr}\n")
        self.log.flush()
        return p

    def cmd(self, *argv):
        return self.run(self.binary, *argv, "--config", self.config)

    def request(self, method, path, body=None):
        """(status, headers, body) of one request, the path sent exactly as given."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path, body=body)
            resp = c.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            c.close()


def sign_up(r, kiosk, cfg, data, out):
    """The visitors sign up on the real kiosk; it syncs in the background (and sync --once after)."""
    xvfb, display = harness.start_xvfb()
    ui = None
    try:
        ui = harness.kiosk_script(kiosk, display, "--config", cfg, "--data-dir", data, cwd=out,
                                  stderr_path=os.path.join(out, "kiosk.log"), stderr_mode="w", timeout=60)
        d = Driver(ui, r)
        d.do("expect-screen attract")
        for values, chosen in VISITORS:
            d.quiet("tap attract.start")
            d.quiet("tap browse.signup")
            d.do("expect-screen signup", check=False)
            fill_form(d, values, [], chosen, newsletter=False)
            d.quiet("tap signup.submit")
            d.do("expect-screen thanks")
            d.quiet("tap thanks.done")
        ok, answer = ui.cmd("quit")
        r.check("the kiosk quits with exit 0", ok and ui.close(30) == 0, answer)
    finally:
        if ui and ui.proc.returncode is None:
            ui.kill()
        xvfb.terminate()
        xvfb.wait()


def lead(first, last, email, exhibitors):
    i = str(uuid.uuid4())
    return {"id": i, "created_at": "2026-05-27T09:30:00.000Z", "kiosk_id": "stand-2", "event_id": "e2e",
            "language": "en", "first_name": first, "last_name": last, "email": email, "exhibitors": exhibitors,
            "sectors": [], "newsletter": False, "source": "kiosk"}


def post_leads(hub, sync, leads):
    body = body_for("stand-2", leads)
    msg_id, ts = str(uuid.uuid4()), int(time.time())
    c = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
    try:
        c.request("POST", "/kiosk/v1/leads", body=body,
                  headers={"Content-Type": "application/json", "Authorization": f"Bearer {sync['token']}",
                           "webhook-id": msg_id, "webhook-timestamp": str(ts),
                           "webhook-signature": sign(sync["secret"], msg_id, ts, body)})
        return c.getresponse().status
    finally:
        c.close()


def add_kiosk(hub, r, kiosk_id):
    import tomllib
    p = hub.cmd("add-kiosk", kiosk_id)
    r.check(f"add-kiosk {kiosk_id}", p.returncode == 0, p.stderr)
    cfg = os.path.join(hub.out, f"{kiosk_id}.toml")
    with open(cfg, "w") as f:
        f.write(p.stdout + "timeout_s = 10\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.5\n")
    return cfg, tomllib.loads(p.stdout)["sync"]


def add_exhibitor(hub, r, company, *extra):
    p = hub.cmd("add-exhibitor", company, *extra)
    lines = p.stdout.split()
    ok = p.returncode == 0 and len(lines) == 2 and lines[0] == f"http://127.0.0.1:{hub.port}{lines[1]}" and \
        re.fullmatch(r"/x/[A-Za-z0-9_-]{43}", lines[1])
    r.check(f"add-exhibitor {company} prints the link's URL and path (43 URL-safe characters: 256 bits)", ok,
            p.stdout + p.stderr)
    return (lines[1] if ok else "/x/missing"), p


def wait_text(b, css, want, timeout=10):
    """Waits until the element `css` holds `want` (a page being replaced may lose it meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if want in b.find(css).text:
                return True
        except Exception:  # noqa: BLE001 (no such element yet, or a stale one)
            pass
        time.sleep(0.1)
    return False


def wait_file(folder, suffix, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [f for f in os.listdir(folder) if f.endswith(suffix)]
        if done:
            time.sleep(0.3)
            return os.path.join(folder, done[0])
        time.sleep(0.2)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--hub", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--screenshot", help="copy the exhibitor page's screenshot here (docs/screenshots/hub-exhibitor.png)")
    args = ap.parse_args()
    kiosk, hub_bin = os.path.abspath(args.kiosk), os.path.abspath(args.hub)
    out = harness.fresh_dir(args.out)
    r = harness.Results()
    try:
        b = browser.Browser(width=1400, height=900, downloads=os.path.join(out, "downloads"))
    except browser.Unavailable as e:
        return harness.skip_script(str(e))

    hub = Hub(hub_bin, out)
    server = HubProcess(hub_bin, hub.config, os.path.join(out, "hub.log"))
    tokens = []
    try:
        # 1. Leads from a real kiosk, and two the protocol allows that it never sends.
        cfg, _ = add_kiosk(hub, r, "stand-1")
        data = os.path.join(out, "data")
        p = hub.run(kiosk, "leads", "generate", "--count", str(GENERATED), "--seed", "7", "--config", cfg,
                    "--data-dir", data)
        r.check(f"{GENERATED} synthetic leads generated", p.returncode == 0, p.stderr)
        sign_up(r, kiosk, cfg, data, out)
        p = hub.run(kiosk, "sync", "--once", "--config", cfg, "--data-dir", data)
        r.check("kiosk sync --once: everything sent", p.returncode == 0, p.stdout + p.stderr)
        _, sync2 = add_kiosk(hub, r, "stand-2")
        nobody = lead("Nora", "Nobody", "nora.nobody@example.org", [])
        near = lead("Paul", "Prefix", "paul.prefix@example.org", [A + "-2"])
        r.equal("a signed upload of a lead that chose nobody and one for another id starting with A's",
                post_leads(hub, sync2, [nobody, near]), 200)

        stored = [json.loads(x) for x in hub.cmd("leads", "--format", "jsonl").stdout.splitlines()]
        want_a = {x["id"]: x for x in stored if A in x.get("exhibitors", [])}
        only_b = {x["id"]: x for x in stored if B in x["exhibitors"] and A not in x["exhibitors"]}
        r.check(f"the hub holds {GENERATED + len(VISITORS) + 2} leads: {len(want_a)} chose A, {len(only_b)} B only",
                len(stored) == GENERATED + len(VISITORS) + 2 and len(want_a) > 10 and len(only_b) > 10,
                f"{len(stored)} stored")
        p = hub.cmd("leads", "--format", "jsonl", "--exhibitor", A)
        r.check("kiosk-hub leads --exhibitor A: the same leads (not the one that chose nobody)",
                [json.loads(x)["id"] for x in p.stdout.splitlines()] == [x["id"] for x in stored if x["id"] in want_a])
        signed_up = {x["email"] for x in stored if x.get("source") == "kiosk"}
        r.check("the visitors' sign-ups arrived", all(v["email"] in signed_up for v, _ in VISITORS), str(signed_up))

        # 2. The links.
        path_a, p = add_exhibitor(hub, r, A, "--label", "Anna at the stand")
        r.check("no warning for a company that leads chose", "warning" not in p.stderr, p.stderr)
        path_a2, _ = add_exhibitor(hub, r, A, "--label", "second person")
        path_b, _ = add_exhibitor(hub, r, B)
        _, p = add_exhibitor(hub, r, "nobody-chose-this")
        r.check("add-exhibitor warns (and still adds) when no stored lead names the company",
                p.returncode == 0 and "warning: no stored lead chose 'nobody-chose-this'" in p.stderr, p.stderr)
        tokens = [x.rsplit("/", 1)[1] for x in (path_a, path_a2, path_b)]
        p = hub.cmd("exhibitors")
        r.check("kiosk-hub exhibitors lists the four links, with labels, without a token",
                p.returncode == 0 and len(p.stdout.splitlines()) == 5 and "Anna at the stand" in p.stdout and
                not any(t in p.stdout for t in tokens), p.stdout)
        with sqlite3.connect(os.path.join(out, "state", "hub.db")) as db:
            dump = "\n".join(db.iterdump())
        r.check("the database holds no token (only their SHA-256)", not any(t in dump for t in tokens))

        # 3. A's page in the browser.
        base = f"http://127.0.0.1:{hub.port}"
        html = b.get(base + path_a)
        rows = b.find_all("#leads tbody tr")
        page_emails = {row.find_elements("css selector", "td")[2].text for row in rows}
        r.equal("A's page lists as many leads as chose A", len(rows), len(want_a))
        r.check("… exactly their emails", page_emails == {x["email"] for x in want_a.values()},
                str(page_emails ^ {x["email"] for x in want_a.values()}))
        r.check(f"… and says so: '{len(want_a)} leads'", b.find("#count").text == f"{len(want_a)} leads",
                b.find("#count").text)
        text = b.text()
        r.check("… the names typed on the kiosk (A and A+B), not B's only", "Anna" in text and "Clara" in text and
                "Bernd" not in text, text[:400])
        r.check("… nothing of a lead that chose nobody, nor of the company with a similar id",
                "Nora" not in text and "nora.nobody" not in html and "Prefix" not in text)
        r.check("… none of B's only leads by email", not any(x["email"] in html for x in only_b.values()))
        all_ids = [x["id"] for x in stored]
        r.check("… no lead id anywhere in the page", not any(i in html for i in all_ids))
        r.check("… no other exhibitor's id anywhere in the page", B not in html and "nobody-chose-this" not in html)
        r.check("the hostile name shows as text", XSS_FIRST in text and XSS_LAST in text, text[:600])
        r.check("… and made no element (no img src=x, no script)",
                not b.find_all("img") and not b.find_all("script"))
        alerts = [m for m in b.console() if "alert" in m.get("message", "")]
        r.check("… and ran nothing (no alert in the console)", not alerts, str(alerts))
        b.shot(os.path.join(out, "exhibitor-a-full.png"))
        b.driver.set_window_size(1280, 860)
        b.shot(os.path.join(out, "exhibitor-a.png"), full_page=False)
        status, headers, _ = hub.request("GET", path_a)
        csp = headers.get("Content-Security-Policy", "")
        r.check("the page has the strict CSP (no script), no referrer, no caching",
                status == 200 and "default-src 'none'" in csp and "script-src" not in csp and
                headers.get("Referrer-Policy") == "no-referrer" and headers.get("Cache-Control") == "no-store",
                str(headers))

        # Search within A's leads only.
        b.get(base + path_a + "?q=Bernd")
        r.equal("searching A's page for B's visitor finds nothing", b.find("#count").text, "0 leads matching “Bernd”")
        b.find("input[name=q]").clear()
        b.find("input[name=q]").send_keys("anna.ALPHA")
        b.find("button[type=submit]").click()
        wait_text(b, "#count", "anna.ALPHA")  # the click navigates: wait for the answer's page
        r.check("searching it (case-insensitively) for A's visitor finds exactly that one",
                len(b.find_all("#leads tbody tr")) == 1 and "anna.alpha@example.org" in b.text() and
                path_a in b.driver.current_url, b.driver.current_url)
        b.shot(os.path.join(out, "search.png"))
        b.get(base + path_a + "?q=" + B)
        r.equal("searching it for B's company id finds nothing", b.find("#count").text, f"0 leads matching “{B}”")

        # 4. Guessing.
        b.get(base + "/x/" + secrets.token_urlsafe(32))
        r.check("another (random) token: 404 page", "not (or no longer) an exhibitor's link" in b.text(), b.text())
        b.shot(os.path.join(out, "not-found.png"))
        some_b = next(iter(only_b))
        probes = [path_a + "/../", path_a + "/..%2F", path_a + "/" + some_b, path_a + "/leads/" + some_b,
                  "/x/" + some_b, "/x/" + B, "/x/" + tokens[0].upper(), "/x/" + tokens[0][:-1],
                  "/x/" + tokens[0] + "x", "/x/" + tokens[0] + "/leads.jsonl"]
        for path in probes:
            status, _, body = hub.request("GET", path)
            shown = path.replace(tokens[0], "<A>")
            r.check(f"GET {shown}: 404, nothing of B", status == 404 and B.encode() not in body and
                    not any(x["email"].encode() in body for x in only_b.values()), f"{status}")
        status, _, _ = hub.request("POST", path_a, body=b"q=Bernd")
        r.equal("POST to A's link is refused", status, 404)
        status, _, _ = hub.request("POST", path_b, body=b"x" * (3 << 20))
        r.equal("a body over max_body_kib to B's link: 413 (and its log line has no token: below)", status, 413)
        plain_status, _, plain = hub.request("GET", path_a + "/leads.csv")
        for query in (f"?exhibitor={B}", f"?company={B}&q=Bernd", f"?exhibitors={B}&token={tokens[2]}"):
            status, _, body = hub.request("GET", path_a + "/leads.csv" + query)
            r.check(f"A's CSV with {query.replace(tokens[2], '<B token>')}: A's CSV, the same bytes",
                    status == 200 and plain_status == 200 and body == plain and b"Bernd" not in body)

        # 5. The downloads, from the page's links.
        b.get(base + path_a)
        b.find(f"a[href='{path_a}/leads.csv']").click()
        got = wait_file(b.downloads, ".csv")
        r.check("the CSV link downloads a file", got is not None, str(os.listdir(b.downloads)))
        if got:
            with open(got, encoding="utf-8-sig", newline="") as f:
                table = list(csv.reader(f, delimiter=";"))
            head, body = table[0], table[1:]
            ids = {row[head.index("ID")] for row in body}
            r.check(f"… with exactly A's {len(want_a)} lead ids", ids == set(want_a), f"{len(ids)} ids")
            r.check("… its exhibitors column names A only", {row[head.index("Aussteller")] for row in body} == {A})
            r.check("… the hostile name as it was typed", any(row[head.index("Vorname")] == XSS_FIRST for row in body))
        b.find(f"a[href='{path_a}/leads.xlsx']").click()
        got = wait_file(b.downloads, ".xlsx")
        r.check("the XLSX link downloads a file", got is not None, str(os.listdir(b.downloads)))
        if got:
            if "/usr/lib/python3/dist-packages" not in sys.path:
                sys.path.append("/usr/lib/python3/dist-packages")
            import openpyxl
            sheet = openpyxl.load_workbook(got, read_only=True).active
            rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
            head, body = rows[0], rows[1:]
            ids = {row[head.index("ID")] for row in body}
            r.check(f"… its sheet holds exactly A's {len(want_a)} lead ids", ids == set(want_a), f"{len(ids)} ids")
            r.check("… its exhibitors column names A only", {row[head.index("Aussteller")] for row in body} == {A})

        # 6. Revoking.
        p = hub.cmd("revoke-exhibitor", A, "--link", "1")
        r.check("revoke-exhibitor A --link 1", p.returncode == 0 and "1 link of" in p.stdout, p.stdout + p.stderr)
        b.get(base + path_a)
        r.check("the revoked link answers the 404 page of a wrong one",
                "not (or no longer) an exhibitor's link" in b.text())
        status, _, wrong_body = hub.request("GET", "/x/" + secrets.token_urlsafe(32))
        rev_status, _, rev_body = hub.request("GET", path_a)
        r.check("… the same status and bytes as a wrong token (no oracle)", rev_status == status == 404 and
                rev_body == wrong_body)
        status, _, _ = hub.request("GET", path_a + "/leads.csv")
        r.equal("… its download too", status, 404)
        status, _, body = hub.request("GET", path_a2)
        r.check("A's second link still works", status == 200 and b"anna.alpha@example.org" in body, str(status))
        p = hub.cmd("revoke-exhibitor", A, "--all")
        status, _, _ = hub.request("GET", path_a2)
        r.check("revoke-exhibitor A --all: the second link is gone too", p.returncode == 0 and status == 404,
                p.stdout + p.stderr)
        p = hub.cmd("exhibitors")
        r.check("kiosk-hub exhibitors shows both of A's links revoked, last used",
                len(re.findall(rf"^{A}\s+\d+\s+\S+\s+20\S+\s+20\S+", p.stdout, re.M)) == 2, p.stdout)

        # 7. Brute force.
        statuses = [hub.request("GET", "/x/" + secrets.token_urlsafe(32))[0] for _ in range(25)]
        # Wrong ones so far: 1 random in the browser, probes with a wrong token (9 of 10 are
        # wrong or no token), the revoked links (counted as wrong too) …
        r.check("25 wrong tokens in a row from one address: refused with 429 before the end",
                statuses[-1] == 429 and statuses[0] in (404, 429), str(statuses))
        status, headers, _ = hub.request("GET", path_b)
        r.check("… and then B's right link from that address as well (no oracle while limited)",
                status == 429 and headers.get("Retry-After") == "60", str(status))
    finally:
        b.close()
        rc, hub_log = server.stop()
    r.equal("kiosk-hub stops with exit 0", rc, 0)
    r.check("the hub's log holds no token", tokens and not any(t in hub_log for t in tokens))
    r.check("… and logs the exhibitor requests without them", "GET /x/… 200" in hub_log and
            "GET /x/… 404" in hub_log and "GET /x/… 429" in hub_log)
    if args.screenshot and os.path.exists(os.path.join(out, "exhibitor-a.png")):
        shutil.copy(os.path.join(out, "exhibitor-a.png"), args.screenshot)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
