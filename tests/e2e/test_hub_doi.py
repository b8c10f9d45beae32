#!/usr/bin/env python3
"""Double opt-in end to end: a real `kiosk-hub serve` with [doi] on, a real kiosk syncing its
leads into it (`kiosk sync --once`), a local SMTP server started here (aiosmtpd, loopback) and
headless Chromium (tests/support/browser.py).

1. Every lead gets one mail, to its address, in its language (de/en), with the consent text it
   agreed to (by its version: no heartbeat brought the text), the exhibitors chosen, a confirm
   and a decline link; the first two tries of the server answer 451: the
   mails come later, none is lost. A restart of the hub sends no second mail.
2. The confirm link in Chromium: the GET shows one button and changes nothing (still pending);
   pressing it records the confirmation with the address and browser (`kiosk-hub doi`). A
   decline link declines; a wrong token gives the "not valid" page. Screenshots in <out>.
3. SMTP down (the server stopped): a new lead's mail is retried, and arrives once it is back.
4. PostgreSQL: two hub instances on one database, both sending: 40 leads, 40 mails, each
   address once.

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import email
import email.policy
import json
import os
import re
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-aiosmtpd under pyenv's python3
import harness  # noqa: E402
import hub_support  # noqa: E402
from hub_support import start_postgres  # noqa: E402
from test_hub import Env, add_kiosk, kiosk_rows  # noqa: E402

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/(confirm|decline)/([0-9a-f]{64}))")


class Mailbox:
    """An SMTP server on loopback that keeps what it receives; `refuse` DATA commands are
    answered 451 first (a greylisting server)."""

    def __init__(self, port):
        from aiosmtpd.controller import Controller
        self.port = port
        self.mails = []
        self.refuse = 0
        self.refused = 0
        self.lock = threading.Lock()
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with box.lock:
                    if box.refuse > 0:
                        box.refuse -= 1
                        box.refused += 1
                        return "451 4.7.1 greylisted, try again later"
                    box.mails.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def parsed(self):
        with self.lock:
            return [(to, email.message_from_bytes(raw, policy=email.policy.default)) for to, raw in self.mails]


def doi_states(env):
    """lead id -> the fields of its line in `kiosk-hub doi`."""
    p = env.hub_cmd("doi")
    return {f[0]: f for f in (line.split() for line in p.stdout.splitlines()[1:]) if f}


def links(msg):
    return {kind: (url, token) for url, kind, token in LINK.findall(msg.get_body().get_content())}


def main():
    args = hub_support.kiosk_and_hub_args()
    env = Env(args)
    r = harness.Results()
    try:
        import aiosmtpd  # noqa: F401
        import browser
    except ImportError as e:
        sys.exit(harness.skip_script(f"python3-aiosmtpd or selenium is missing: {e}"))
    smtp_port = harness.free_port()
    with open(env.config, "a") as f:
        f.write(f'\n[doi]\nenabled = true\nsmtp_url = "smtp://127.0.0.1:{smtp_port}"\n'
                f'from = "Messe Büro <leads@example.org>"\nbase_url = "http://127.0.0.1:{env.port}"\n'
                f"retry_initial_s = 1\nretry_max_s = 2\n")
    box = Mailbox(smtp_port)
    box.refuse = 2
    hub = env.start()
    try:
        cfg, _ = add_kiosk(env, r, "stand-doi")
        data = os.path.join(env.out, "data")
        env.run(env.kiosk, "leads", "generate", "--count", "6", "--seed", "3", "--config", cfg, "--data-dir", data)
        p, _ = env.run(env.kiosk, "sync", "--once", "--config", cfg, "--data-dir", data)
        leads = {json.loads(v["payload"])["id"]: json.loads(v["payload"]) for v in kiosk_rows(data).values()}
        r.check("6 leads synced into the hub", p.returncode == 0 and env.hub_rows() == 6, p.stdout + p.stderr)
        langs = {lead["language"] for lead in leads.values()}
        r.check(f"the leads are in both languages ({sorted(langs)})", langs == {"de", "en"})

        # ---- 1. one mail per lead, in its language, 451s only delay -------------------------
        t0 = time.monotonic()
        got = harness.wait_for(lambda: len(box.parsed()) >= 6, 30)
        mails = box.parsed()
        r.check(f"6 mails arrive ({time.monotonic() - t0:.1f} s), after the server refused {box.refused} with 451",
                got and len(mails) == 6 and box.refused == 2, [to for to, _ in mails])
        by_to = {}
        for to, msg in mails:
            by_to.setdefault(to[0], []).append(msg)
        r.check("one mail to each lead's address", sorted(by_to) == sorted(lead["email"] for lead in leads.values()) and
                all(len(v) == 1 for v in by_to.values()), sorted(by_to))
        ok_lang, ok_links, ok_headers, ok_agreed = True, True, True, True
        for lead in leads.values():
            msg = by_to.get(lead["email"], [None])[0]
            if msg is None:
                continue
            body = msg.get_body().get_content()
            subject = str(msg["subject"])
            de = lead["language"] == "de"
            ok_lang &= (("Bitte bestätigen" in subject and "Guten Tag" in body) if de else
                        ("Please confirm" in subject and "Hello" in body))
            ok_links &= set(links(msg)) == {"confirm", "decline"}
            # No heartbeat came (sync --once): the consent is named by its version.
            ok_agreed &= lead["consent"]["version"] in body and all(e in body for e in lead["exhibitors"])
            ok_headers &= bool(msg["date"] and msg["message-id"] and "Messe Büro" in str(msg["from"]))
        r.check("each in the lead's language (de: Bitte bestätigen …, en: Please confirm …)", ok_lang)
        r.check("each with a confirm and a decline link", ok_links)
        r.check("each names the consent agreed to and the exhibitors chosen", ok_agreed)
        r.check("Date, Message-ID, an encoded From name", ok_headers)
        log = open(hub.log_path).read()
        r.check("the hub's log names leads and tries, never an address",
                "confirmation mail sent" in log and "next try in" in log and
                not any(lead["email"] in log for lead in leads.values()), log[-1500:])

        # ---- a restart sends no second mail ------------------------------------------------
        hub.stop()
        hub = env.start(name="hub2")
        time.sleep(3)
        r.check("after a hub restart no lead is mailed again", len(box.parsed()) == 6, len(box.parsed()))

        # ---- 2. the confirm link in a real browser -----------------------------------------
        ids = sorted(leads)
        first, second = leads[ids[0]], leads[ids[1]]
        confirm_url, confirm_token = links(by_to[first["email"]][0])["confirm"]
        decline_url, _ = links(by_to[second["email"]][0])["decline"]
        try:
            b = browser.Browser()
        except browser.Unavailable as e:
            r.check(f"headless Chromium is there ({e})", False)
            b = None
        if b:
            with b:
                b.get(confirm_url)
                b.shot(os.path.join(env.out, "confirm-page.png"))
                button = b.find_all("#answer")
                st = doi_states(env).get(first["id"], [])
                r.check("GET /confirm/<token> shows one button and confirms nothing (still pending)",
                        len(button) == 1 and st[1:2] == ["pending"], b.text())
                want = "Anmeldung bestätigen" if first["language"] == "de" else "Confirm your sign-up"
                r.check(f"the page is in the lead's language ({want!r}) and shows no name or address",
                        want in b.text() and first["email"] not in b.driver.page_source, b.text())
                button[0].click()
                harness.wait_for(lambda: b.find_all("#done"), 10)
                b.shot(os.path.join(env.out, "confirm-done.png"))
                st = doi_states(env).get(first["id"], [])
                r.check("pressing it records the confirmation, from 127.0.0.1 (kiosk-hub doi)",
                        b.find_all("#done") and st[1:2] == ["confirmed"] and "127.0.0.1" in st, st)
                b.get(decline_url)
                b.find("#answer").click()
                harness.wait_for(lambda: b.find_all("#done"), 10)
                b.shot(os.path.join(env.out, "decline-done.png"))
                st = doi_states(env).get(second["id"], [])
                r.check("the decline link, pressed, records declined", st[1:2] == ["declined"], st)
                b.get(confirm_url.replace(confirm_token, "0" * 64))
                r.check("a wrong token: the not-valid page", "nicht (mehr) gültig" in b.text(), b.text())
                b.get(confirm_url)
                r.check("the link again: the answer given is shown, no second button",
                        not b.find_all("#answer") and b.find_all("#answered"), b.text())
        agent = env_db(env, f"SELECT answer_agent FROM doi WHERE lead_id = '{first['id']}'")
        r.check("the browser's user agent is kept with the confirmation",
                agent and "Chrome" in (agent[0][0] or ""), agent)
        # A POST without the form's token changes nothing.
        req = urllib.request.Request(links(by_to[leads[ids[2]]["email"]][0])["confirm"][0], data=b"x=1", method="POST")
        try:
            status = urllib.request.urlopen(req, timeout=10).status
        except urllib.error.HTTPError as e:
            status = e.code
        r.check("a POST without the form's token is refused (400) and records nothing",
                status == 400 and doi_states(env).get(ids[2], [])[1:2] == ["pending"], status)

        # ---- 3. SMTP down: retried until it is back -----------------------------------------
        box.stop()
        env.run(env.kiosk, "leads", "generate", "--count", "1", "--seed", "11", "--config", cfg, "--data-dir", data)
        env.run(env.kiosk, "sync", "--once", "--config", cfg, "--data-dir", data)
        retried = harness.wait_for(lambda: open(hub.log_path).read().count("next try in") >= 2, 15)
        r.check("with the SMTP server down, the new lead's mail is retried", retried, open(hub.log_path).read()[-800:])
        box = Mailbox(smtp_port)
        got = harness.wait_for(lambda: len(box.parsed()) == 1, 20)
        r.check("once it is back the mail arrives, once", got and len(box.parsed()) == 1)
        time.sleep(2.5)
        pending = [f for f in doi_states(env).values() if f[1] == "pending" and f[0] not in (ids[2],)]
        r.check("and is recorded sent (a later pass does not send it again)", len(box.parsed()) == 1, pending)
    finally:
        rc, _ = hub.stop()
        box.stop()
    r.check("the hub stops with exit 0", rc == 0)
    phase_postgres(env, r)
    sys.exit(r.summary())


def phase_postgres(env, r):
    url, stop_pg = start_postgres(env.out)
    if url is None:
        r.skip("postgres: two sending hub instances on one PostgreSQL", stop_pg)
        return
    smtp_port = harness.free_port()
    box = Mailbox(smtp_port)
    hubs = []
    try:
        configs = []
        for n in range(2):
            port = harness.free_port()
            cfg = os.path.join(env.out, f"hub-pg-{n}.toml")
            with open(cfg, "w") as f:
                f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "{url}"\n\n[doi]\nenabled = true\n'
                        f'smtp_url = "smtp://127.0.0.1:{smtp_port}"\nfrom = "leads@example.org"\n'
                        f'base_url = "http://127.0.0.1:{port}"\nretry_initial_s = 1\n')
            configs.append((cfg, port))
        hubs = [env.start(cfg, f"hub-pg-{n}") for n, (cfg, _) in enumerate(configs)]
        p, _ = env.run(env.hub, "add-kiosk", "pg-doi", "--config", configs[0][0])
        kcfg = os.path.join(env.out, "pg-doi.toml")
        with open(kcfg, "w") as f:
            f.write(p.stdout + "timeout_s = 10\n")
        data = os.path.join(env.out, "data-pg")
        env.run(env.kiosk, "leads", "generate", "--count", "40", "--seed", "9", "--config", kcfg, "--data-dir", data)
        env.run(env.kiosk, "sync", "--once", "--config", kcfg, "--data-dir", data)
        emails = sorted(json.loads(v["payload"])["email"] for v in kiosk_rows(data).values())
        harness.wait_for(lambda: len(box.parsed()) >= 40, 40)
        time.sleep(3)  # time for a second mail, if one were to come
        got = sorted(to[0] for to, _ in box.parsed())
        sent_by = [open(h.log_path).read().count("confirmation mail sent") for h in hubs]
        r.check(f"two instances on one PostgreSQL: 40 leads, {len(got)} mails, each address once "
                f"(sent by the instances: {sent_by})", got == emails, f"{len(got)} mails, {len(set(got))} addresses")
    finally:
        for h in hubs:
            h.stop()
        box.stop()
        stop_pg()


def env_db(env, sql):
    import sqlite3
    db = sqlite3.connect(env.db)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


if __name__ == "__main__":
    main()
