#!/usr/bin/env python3
"""Erasure across the fleet end to end: a real kiosk (under xvfb-run, heartbeats every second)
syncing into a real `kiosk-hub serve` on loopback.

1. `kiosk-hub erase --email` (in another case and with spaces): the hub has no lead with that
   address at once; after the kiosk's next heartbeat its leads.db has none either, its erasure
   log has the leads, and the hub forgets the request once the kiosk says it is done.
2. `kiosk leads erase --email` on the kiosk while it runs: after its next heartbeat the hub's
   copies are gone too.
3. The hub's erasure log has the hashes, who asked and the counts, and no address.

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import hashlib
import json
import os
import sqlite3
import sys
import http.client
import time
import urllib.parse
import unicodedata

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import harness  # noqa: E402
import hub_support  # noqa: E402
from test_hub import Env, add_kiosk, kiosk_rows  # noqa: E402
from test_hub_status import start_ui  # noqa: E402


def query(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def hub_emails(env):
    return [json.loads(p)["email"] for (p,) in query(env.db, "SELECT CAST(payload AS TEXT) FROM leads")]


def kiosk_emails(data):
    return [json.loads(v["payload"])["email"] for v in kiosk_rows(data).values()]


def email_hash(address):
    return hashlib.sha256(unicodedata.normalize("NFC", address.strip()).lower().encode()).hexdigest()


def main():
    args = hub_support.kiosk_and_hub_args()
    env = Env(args)
    r = harness.Results()
    cfg, _ = add_kiosk(env, r, "stand-erase")
    with open(cfg, "a") as f:
        f.write("status_interval_s = 1\n")
    data = os.path.join(env.out, "data")
    env.run(env.kiosk, "leads", "generate", "--count", "12", "--seed", "5", "--config", cfg, "--data-dir", data)
    hub = env.start()
    kiosk = None
    try:
        kiosk = start_ui(env, cfg, data, "erase")
        synced = harness.wait_for(lambda: env.hub_rows() == 12, 30)
        r.check("the kiosk's 12 leads reach the hub", synced, env.hub_rows())
        emails = sorted(set(kiosk_emails(data)))
        gone_on_hub, gone_on_kiosk = emails[0], emails[1]

        # ---- 1. erased on the hub --------------------------------------------------------------
        p = env.hub_cmd("erase", "--email", "  " + gone_on_hub.upper() + " ", "--by", "organiser e2e")
        r.check("kiosk-hub erase (upper case, spaces) erases the hub's lead at once",
                p.returncode == 0 and "1 lead(s) erased" in p.stdout and gone_on_hub not in hub_emails(env),
                p.stdout + p.stderr)
        r.check("and does not print the address back", gone_on_hub not in (p.stdout + p.stderr).lower())
        t0 = time.monotonic()
        erased = harness.wait_for(lambda: gone_on_hub not in kiosk_emails(data), 15)
        r.check(f"after the kiosk's next heartbeat its leads.db has no row with it ({time.monotonic() - t0:.1f} s)",
                erased and len(kiosk_rows(data)) == 11, len(kiosk_rows(data)))
        r.check("the kiosk's erasure log has it (lead id, no address)",
                len(query(os.path.join(data, "leads.db"), "SELECT lead_id FROM erasures")) == 1)
        forgotten = harness.wait_for(lambda: not query(env.db, "SELECT * FROM erasure_pending"), 10)
        r.check("the hub forgets the request once the kiosk says it is done", forgotten,
                query(env.db, "SELECT kiosk_id FROM erasure_pending"))

        # ---- 2. erased on the kiosk --------------------------------------------------------------
        p, _ = env.run(env.kiosk, "leads", "erase", "--email", gone_on_kiosk, "--config", cfg, "--data-dir", data)
        r.check("kiosk leads erase erases on the kiosk", p.returncode == 0 and gone_on_kiosk not in kiosk_emails(data),
                p.stdout + p.stderr)
        t0 = time.monotonic()
        gone = harness.wait_for(lambda: gone_on_kiosk not in hub_emails(env), 15)
        r.check(f"after its next heartbeat the hub's copy is gone too ({time.monotonic() - t0:.1f} s)",
                gone and env.hub_rows() == 10, env.hub_rows())
        reported = harness.wait_for(lambda: query(os.path.join(data, "leads.db"),
                                          "SELECT count(*) FROM erasure_sync WHERE reported = 0")[0][0] == 0, 10)
        r.check("the kiosk notes that the hub has it (not reported again)", reported)

        # ---- 3. the hub's log ------------------------------------------------------------------
        log = query(env.db, "SELECT email_sha256, who, leads FROM erasure_log ORDER BY erased_ms")
        r.check("the hub's erasure log: both hashes, who asked, the counts",
                [(h, w, n) for h, w, n in log] == [(email_hash(gone_on_hub), "organiser e2e", 1),
                                                   (email_hash(gone_on_kiosk), "kiosk stand-erase", 1)], log)
        r.check("no copy of either address anywhere in the hub's log table",
                all(a.encode() not in json.dumps(log).encode() for a in (gone_on_hub, gone_on_kiosk)))
        hub_log = open(hub.log_path).read()
        r.check("the hub's journal says so without the address",
                "erasure(s) from the kiosk" in hub_log and gone_on_kiosk not in hub_log, hub_log[-800:])

        # ---- 4. the visitor's own withdrawal link (the thank-you screen's receipt) -------------
        rows = kiosk_rows(data)
        lead_id, lead = next(iter(rows.items()))
        address = json.loads(lead["payload"])["email"]

        def page(method, body=None, lead=lead_id):
            c = http.client.HTTPConnection("127.0.0.1", env.port, timeout=30)
            path = "/withdraw" + ("" if method == "POST" else "?lead=" + urllib.parse.quote(lead))
            c.request(method, path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = c.getresponse()
            text = resp.read().decode()
            c.close()
            return resp.status, text

        status, text = page("GET")
        r.check("GET /withdraw?lead=… asks first (a form, nothing erased)",
                status == 200 and 'id="withdraw"' in text and address in hub_emails(env), (status, text[-300:]))
        status, _ = page("GET", lead="not-a-lead-id")
        r.check("an unknown reference is answered 404", status == 404, status)
        status, text = page("POST", body="lead=" + lead_id)
        r.check("POST /withdraw erases the visitor's leads on the hub",
                status == 200 and 'id="done"' in text and address not in hub_emails(env), (status, text[-300:]))
        gone = harness.wait_for(lambda: address not in kiosk_emails(data), 10)
        r.check("and, after the next heartbeat, on the kiosk", gone)
        status, _ = page("GET")
        r.check("the link then finds nothing (404)", status == 404, status)
        who = [w for (w,) in query(env.db, "SELECT who FROM erasure_log")]
        r.check("the erasure log names the visitor's link as who asked", "the visitor (withdrawal link)" in who, who)
    finally:
        if kiosk:
            kiosk.close()
        rc, _ = hub.stop()
    r.check("the hub stops with exit 0", rc == 0)
    sys.exit(r.summary())


if __name__ == "__main__":
    main()
