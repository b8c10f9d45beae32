#!/usr/bin/env python3
"""The organiser's pages in a real browser: the real `kiosk-hub serve` on loopback, a real kiosk
(under xvfb-run, `--script -`) syncing generated leads and two visitors signed up through its
on-screen keyboard, and headless Chromium (tests/support/browser.py).

1. `kiosk-hub set-password` refuses a short password and stores a long one.
2. Logged out, a page sends the browser to /login; a POST is refused.
3. Log in; the overview's lead count is the hub's, and the kiosk health row shows the kiosk's
   own count equal to the hub's.
4. The visitors named `<img src=x onerror=alert(1)>` and `"><script>alert(1)</script>` are
   found by search and shown as text: no such element in the DOM, no alert, no CSP refusal in
   the console; every page has the Content-Security-Policy header.
5. A lead's consent proof: the text shown, its SHA-256 equal to the lead's, "match"; the
   print view (emulated print media) hides the menu and the forms.
6. The XLSX export, read back with openpyxl: every lead, the visitors' names as text, the doi
   and received columns; CSV with a filter.
7. A POST without the CSRF token is refused (403); the erase form asks before it erases.
8. Six wrong passwords: the sixth try is answered 429 with a clear message.

Screenshots of each page land in --out. Ends with `N passed, M failed`.
"""
import argparse
import hashlib
import http.client
import json
import os
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import browser  # noqa: E402
import harness  # noqa: E402
from test_hub import Env, add_kiosk, kiosk_rows  # noqa: E402
from test_hub_status import kiosk_line, start_ui  # noqa: E402
from test_signup import Driver, fill_form  # noqa: E402

if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")

PASSWORD = "Messe-Hub-2026-sicher"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'
GENERATED = 60  # more than a page of the lead list (50)


def request(env, method, path, cookie=None, form=None):
    """One request without following redirects: (status, headers, body text)."""
    c = http.client.HTTPConnection("127.0.0.1", env.port, timeout=30)
    h = {}
    body = None
    if cookie:
        h["Cookie"] = cookie
    if form is not None:
        body = urllib.parse.urlencode(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        c.request(method, path, body=body, headers=h)
        resp = c.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        c.close()


def shot(b, folder, name):
    """A full-page PNG; the window starts from its own size each time (shot() only grows it)."""
    b.driver.set_window_size(1280, 900)
    b.shot(os.path.join(folder, name))


def submit(b, css):
    """Clicks `css` and waits until the page it leads to has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    old = b.find("html")
    b.find(css).click()

    def replaced(_):
        # Chromium reports the old page's node as stale, or (mid-navigation) as not in the document.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(b.driver, 15).until(replaced)


def sign_up(d, first, last, email):
    d.quiet("tap attract.start")
    d.quiet("tap browse.signup")
    d.do("expect-screen signup")
    fill_form(d, {"first_name": first, "last_name": last, "email": email}, [], ["irk-valley-hydrogen"],
              newsletter=False)
    d.quiet("tap signup.submit")
    d.do("expect-screen thanks")
    d.quiet("tap thanks.done")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--hub", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    env = Env(args)
    r = harness.Results()
    try:
        b = browser.Browser(width=1280, height=900)
    except browser.Unavailable as e:
        r.skip("the organiser's pages in Chromium", str(e))
        return r.summary()

    # ---- 1. set-password -----------------------------------------------------------------
    p = subprocess.run([env.hub, "set-password", "--config", env.config], input="too-short\n", capture_output=True,
                       text=True, timeout=60)
    r.check("set-password refuses a password under 12 characters (exit 2, says why)",
            p.returncode == 2 and "at least 12" in p.stderr, p.stderr)
    p = subprocess.run([env.hub, "set-password", "--config", env.config], input=PASSWORD + "\n",
                       capture_output=True, text=True, timeout=60)
    r.check("set-password stores a long one (read from stdin)", p.returncode == 0, p.stdout + p.stderr)

    cfg, _ = add_kiosk(env, r, "stand-web")
    with open(cfg, "a") as f:
        f.write("status_interval_s = 1\n")
    data = os.path.join(env.out, "data-web")
    p, _ = env.run(env.kiosk, "leads", "generate", "--count", str(GENERATED), "--config", cfg, "--data-dir", data)
    r.check(f"{GENERATED} leads generated on the kiosk", p.returncode == 0, p.stderr)

    hub = env.start()
    try:
        p = subprocess.run([env.hub, "serve", "--config", env.config], capture_output=True, text=True, timeout=10)
        second = (p.returncode, p.stderr)
    except subprocess.TimeoutExpired:
        second = ("still running after 10 s: it shares the port", "")
    r.check("a second hub on the same port does not start beside the first (exit 1, says why)",
            second[0] == 1 and "cannot listen" in second[1], second)
    kiosk = None
    shots = env.out
    base = f"http://127.0.0.1:{env.port}"
    try:
        kiosk = start_ui(env, cfg, data, "web", size="1920x1080", timeout=120)
        d = Driver(kiosk, r)
        d.do("expect-screen attract")
        sign_up(d, IMG, "Bild", "img@example.org")
        sign_up(d, SCRIPT, "Skript", "script@example.org")
        total = GENERATED + 2
        synced = harness.wait_for(lambda: env.hub_rows() == total, 30)
        r.check(f"the kiosk synced all {total} leads to the hub", synced, env.hub_rows())
        # Its heartbeat carries its own count and the consent texts.
        harness.wait_for(lambda: (kiosk_line(env, "stand-web")[0] or [""] * 12)[11] == str(total), 20)

        # ---- 2. logged out -----------------------------------------------------------------
        status, headers, _ = request(env, "GET", "/leads")
        r.check("logged out, GET /leads is answered 303 to /login",
                status == 303 and headers.get("location") == "/login", f"{status} {headers}")
        status, _, _ = request(env, "POST", "/erase", form={"email": "img@example.org"})
        r.check("logged out, POST /erase is refused (403)", status == 403, status)
        b.get(base + "/leads")
        r.check("the browser lands on the login page", b.driver.current_url.endswith("/login"), b.driver.current_url)
        shot(b, shots, "login.png")

        # ---- 3. log in, the overview --------------------------------------------------------
        b.find("input[name=password]").send_keys(PASSWORD)
        submit(b, "form.login button")
        r.check("after logging in the browser is on the overview", b.driver.current_url == base + "/",
                b.driver.current_url)
        cookies = {c["name"]: c for c in b.driver.get_cookies()}
        sc = cookies.get("hub_session", {})
        r.check("the session cookie is HttpOnly and SameSite=Strict",
                sc.get("httpOnly") is True and sc.get("sameSite") == "Strict", sc)
        cookie = f"hub_session={sc.get('value', '')}"
        r.equal("the overview's lead count is the hub's", b.find("#total-leads").text, str(env.hub_rows()))
        row = [td.text for td in b.find_all("table.health tr")[1].find_elements("css selector", "td")]
        r.check(f"the kiosk health row: stand-web ok, {total} on the hub and {total} on the kiosk, 0 pending",
                row[:2] == ["stand-web", "ok"] and row[3] == str(total) and row[4] == str(total) and row[5] == "0",
                row)
        r.check("four charts with bars drawn as inline SVG",
                len(b.find_all("figure.chart svg")) == 4 and len(b.find_all("svg rect.bar")) >= 4)
        shot(b, shots, "overview.png")

        # ---- 4. hostile names as text ---------------------------------------------------------
        b.get(base + "/leads?q=" + urllib.parse.quote("onerror"))
        r.check("searching 'onerror' finds the one visitor", "1 lead match" in b.find("#lead-count").text,
                b.find("#lead-count").text)
        b.get(base + "/leads")
        text = b.text()
        r.check("both hostile names appear as text on the leads page", IMG in text and SCRIPT in text)
        r.check("and as no element: no <img>, no <script> in the DOM",
                not b.find_all("img") and not b.find_all("script"))
        shot(b, shots, "leads.png")
        r.check("the list shows 50 leads a page, with a link to the next",
                len(b.find_all("table.leads tr")) == 51 and "Page 1 of 2" in b.find(".pager").text)
        submit(b, ".pager a")
        r.check(f"page 2 has the other {GENERATED + 2 - 50}", len(b.find_all("table.leads tr")) == GENERATED + 2 - 50 + 1,
                len(b.find_all("table.leads tr")))
        b.get(base + "/leads?q=Skript")
        submit(b, "table.leads a")
        r.check("the lead page shows the name as text", SCRIPT in b.find("h1").text, b.find("h1").text)
        r.check("and no script or image element", not b.find_all("script") and not b.find_all("img"))
        alerts = [m for m in b.console() if "alert" in m.get("message", "") or
                  "Content Security Policy" in m.get("message", "")]
        r.check("the console has no alert and no CSP refusal", not alerts, alerts)
        for path in ("/", "/leads", "/login"):
            _, headers, _ = request(env, "GET", path, cookie=cookie)
            csp = headers.get("content-security-policy", "")
            r.check(f"GET {path} has a strict Content-Security-Policy (no script)",
                    "default-src 'none'" in csp and "script-src" not in csp, csp)

        # ---- 5. a lead's consent proof, printable ------------------------------------------------
        payloads = {k: json.loads(v["payload"]) for k, v in kiosk_rows(data).items()}
        lead_id, lead = next((k, v) for k, v in payloads.items() if v.get("source") == "synthetic")
        status, _, _ = request(env, "GET", "/leads/00000000-0000-4000-8000-000000000000", cookie=cookie)
        r.check("a lead id the hub does not hold is answered 404", status == 404, status)
        b.get(f"{base}/leads/{lead_id}")
        shown = b.find("#consent-text").text
        r.check("the consent proof says match", b.find("#consent-check").text == "match", b.find("#consent-check").text)
        r.check("the text shown hashes to the lead's consent.text_sha256",
                hashlib.sha256(shown.encode()).hexdigest() == lead["consent"]["text_sha256"], shown[:80])
        r.check("with the lead's version, language and kiosk",
                lead["consent"]["version"] in b.text() and "stand-web" in b.text())
        r.check("the double opt-in record has its place", b.find("#doi-state").text in
                ("none", "pending", "confirmed", "declined", "bounced"))
        shot(b, shots, "lead.png")
        b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        r.check("in print the menu and the forms are hidden",
                not b.find("nav").is_displayed() and all(not f.is_displayed() for f in b.find_all("form")))
        shot(b, shots, "lead-print.png")
        b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

        # ---- 6. exports ----------------------------------------------------------------------------
        status, headers, body = request(env, "GET", "/export.xlsx", cookie=cookie)
        r.check("GET /export.xlsx is an attachment .xlsx",
                status == 200 and headers.get("content-disposition", "").startswith("attachment; filename=\"leads-")
                and headers.get("content-disposition", "").endswith(".xlsx\""), headers)
        xlsx = os.path.join(env.out, "export.xlsx")
        with open(xlsx, "wb") as f:
            f.write(body)
        import openpyxl
        sheet = openpyxl.load_workbook(xlsx, read_only=True).active
        rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
        head = rows[0] if rows else []
        r.check("the XLSX has a header with the kiosk's columns, doi and received",
                all(h in head for h in ("ID", "E-Mail", "Einwilligung SHA-256", "Double-Opt-in", "Empfangen (UTC)")),
                head)
        if rows and "ID" in head:
            ids = {row[head.index("ID")] for row in rows[1:]}
            r.check(f"and one row per lead on the kiosk ({len(ids)})", ids == set(payloads), ids ^ set(payloads))
            first = head.index(next(h for h in head if h in ("Vorname", "First name")))
            names = {row[first] for row in rows[1:]}
            r.check("the hostile names are cells of text", IMG in names and SCRIPT in names)
        status, headers, body = request(env, "GET", "/export.csv?exhibitor=irk-valley-hydrogen&doi=none",
                                        cookie=cookie)
        lines = body.decode("utf-8-sig").strip().split("\r\n")
        want = sum("irk-valley-hydrogen" in v.get("exhibitors", []) for v in payloads.values())
        r.check(f"the CSV for one exhibitor has its {want} leads", status == 200 and len(lines) == want + 1,
                f"{status} {len(lines)} {headers}")

        # ---- 7. CSRF, erasure ---------------------------------------------------------------------
        status, _, body = request(env, "POST", "/erase", cookie=cookie, form={"email": "img@example.org"})
        r.check("POST /erase without the CSRF token is refused (403)", status == 403, status)
        status, _, _ = request(env, "POST", "/erase", cookie=cookie,
                               form={"email": "img@example.org", "csrf": "0" * 64})
        r.check("and with a wrong one (403)", status == 403, status)
        status, _, _ = request(env, "POST", "/logout", cookie=cookie, form={})
        r.check("POST /logout without it too (403)", status == 403, status)
        b.get(base + "/erase")
        b.find("input[name=email]").send_keys("IMG@example.org")
        submit(b, "main form button")
        r.check("the erase form asks first, with the number of leads of that email",
                b.find("#erase-count").text == "1", b.text()[:300])
        shot(b, shots, "erase-confirm.png")
        submit(b, "main form button")
        result = b.find("#erase-result").text
        r.check("then erases, or says why it could not", "erased" in result or "Nothing was erased" in result, result)

        # ---- 8. logout, then the login limit --------------------------------------------------------
        b.get(base + "/")
        submit(b, "nav form button")
        r.check("logging out leads to the login page", b.driver.current_url.endswith("/login"))
        status, _, _ = request(env, "GET", "/", cookie=cookie)
        r.check("and the old session cookie opens nothing (303)", status == 303, status)
        statuses = []
        for _ in range(6):
            b.find("input[name=password]").send_keys("wrong password!")
            submit(b, "form.login button")
            statuses.append(b.find("[role=alert]").text)
        r.check("five wrong passwords say so, the sixth is refused: wait",
                statuses[:5] == ["Wrong user or password."] * 5 and statuses[5].startswith("Too many failed logins"),
                statuses)
        tok = b.find("input[name=csrf]").get_attribute("value")
        login_cookie = next(c["value"] for c in b.driver.get_cookies() if c["name"] == "hub_login")
        status, headers, _ = request(env, "POST", "/login", cookie=f"hub_login={login_cookie}",
                                     form={"csrf": tok, "user": "organiser", "password": PASSWORD})
        r.check("even the right password now waits: 429 with Retry-After",
                status == 429 and int(headers.get("retry-after", "0")) > 0, f"{status} {headers}")
        shot(b, shots, "login-limited.png")
        log = open(hub.log_path).read()
        r.check("the hub's log names the failed logins, never the password",
                "login failed" in log and PASSWORD not in log and "wrong password!" not in log)
    finally:
        b.close()
        if kiosk:
            kiosk.close()
        hub.stop()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
