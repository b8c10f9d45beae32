#!/usr/bin/env python3
"""Two stands sync into a real kiosk-hub through a network that fails: the real `kiosk-hub
serve` (SQLite, HTTPS with a certificate from a private CA made here) behind a fault proxy
(tests/support/hub_support.py: FaultProxy, seeded, HTTPS on both sides) that drops
connections before forwarding a request, drops them after forwarding it but before the
answer (the hub stored the leads, the kiosk never hears so), and answers 503 itself.

1. `kiosk-hub add-kiosk` for two kiosks, whose endpoint is the proxy (https://, the CA in
   sync.ca_file); each gets
   `kiosk leads generate` leads (batch size 10, so that there are many requests).
2. Both real kiosks run at once under one Xvfb (`--script -`), and visitors sign up on each
   through the on-screen keyboard (umlauts, ß, accents, an apostrophe); the kiosks' own
   background sync sends everything through the proxy while the screens are used.
3. The end: every kiosk's leads.db has every lead synced, and `kiosk status` says so; the
   hub holds exactly the kiosks' lead ids, one payload each, byte-identical to the kiosks';
   no conflicts, no rejections; the hub answered every request that reached it with 200 (none
   refused as a replayed webhook-id); each kind of fault happened.

All of it twice: first against one hub on SQLite, then against two hub instances on one
PostgreSQL server of the test's own (hub_support.start_postgres; skipped, and said so, where
no PostgreSQL server is installed, as in test_hub.py) with the proxy in front of a
round-robin balancer over both; there uploads must also have reached each instance (counted
in each instance's log).

Ends with a line `N passed, M failed`; exit status 0 only when nothing failed.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402
from hub_support import FaultProxy, RoundRobin, kiosk_and_hub_args, make_private_ca, start_postgres  # noqa: E402
from test_hub import HubProcess  # noqa: E402
from test_signup import Driver, fill_form  # noqa: E402

SEED = 13
GENERATED = 300
VISITORS = {
    "kiosk-a": [{"first_name": "Jürgen", "last_name": "Weiß-Öztürk", "email": "juergen.weiss@example.de",
                 "company": "Röhren & Söhne GmbH", "message": "Grüße vom Stand!"},
                {"first_name": "Siobhán", "last_name": "O'Connor", "email": "siobhan@example.ie",
                 "company": "Cork Sensors Ltd"}],
    "kiosk-b": [{"first_name": "Zoë", "last_name": "Mäkelä", "email": "zoe.makela@example.fi",
                 "company": "Tampere Grid Oy", "job_title": "Ingénieure"},
                {"first_name": "Łukasz", "last_name": "Nowak", "email": "l.nowak@example.pl"}],
}


def kiosk_rows(data_dir):
    db = sqlite3.connect(f"file:{os.path.join(data_dir, 'leads.db')}?mode=ro", uri=True)
    try:
        return {r[0]: {"payload": r[1], "state": r[2]} for r in db.execute("SELECT id, payload, sync_state FROM leads")}
    finally:
        db.close()


class Stand:
    """One kiosk: its credentials from add-kiosk (endpoint: the proxy), its data folder."""

    def __init__(self, out, hub, hub_config, kiosk, name, proxy_port, ca, log):
        self.name, self.kiosk, self.out, self.log = name, kiosk, out, log
        self.data = os.path.join(out, f"data-{name}")
        p = self.run(hub, "add-kiosk", name, "--config", hub_config, "--endpoint",
                     f"https://127.0.0.1:{proxy_port}/kiosk/v1/leads")
        self.added = p.returncode == 0 and "[sync]" in p.stdout
        self.config = os.path.join(out, f"{name}.toml")
        with open(self.config, "w") as f:
            f.write(p.stdout + f'batch_size = 10\ntimeout_s = 5\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.3\n'
                    f'ca_file = "{ca}"\n')
        self.ui = None

    def run(self, binary, *argv, timeout=120):
        p = subprocess.run([binary, *argv], capture_output=True, text=True, timeout=timeout, cwd=self.out)
        self.log.write(f"$ {os.path.basename(binary)} {' '.join(argv)}  # exit {p.returncode}\n{p.stdout}{p.stderr}\n")
        self.log.flush()
        return p

    def sign_up(self, r, display, transcript):
        """Starts the real kiosk and signs its visitors up; the kiosk keeps running (and syncing)."""
        self.ui = harness.kiosk_script(self.kiosk, display, "--config", self.config, "--data-dir", self.data,
                                       cwd=self.out, stderr_path=os.path.join(self.out, f"kiosk-{self.name}.log"),
                                       stderr_mode="w", transcript=transcript, timeout=60)
        d = Driver(self.ui, r)
        d.do("expect-screen attract")
        for v in VISITORS[self.name]:
            d.quiet("tap attract.start")
            d.quiet("tap browse.signup")
            d.do("expect-screen signup", check=False)
            fill_form(d, v, ["hydrogen"], ["irk-valley-hydrogen"], newsletter=False)
            d.quiet("tap signup.submit")
            d.do("expect-screen thanks", check=False)
            d.quiet("tap thanks.done")


def scenario(r, label, out, kiosk, hub_bin, tls, database, instances):
    """The whole run (steps 1-3 above) in <out>/<label> against `instances` hub processes on
    `database`, the fault proxy in front of them (through a round-robin balancer when more
    than one); every check is named with `label`."""
    t_start = time.monotonic()
    out = os.path.join(out, label)
    os.makedirs(out)
    log = open(os.path.join(out, "commands.log"), "w")
    configs, ports = [], []
    for n in range(instances):
        configs.append(os.path.join(out, f"hub-{n}.toml"))
        ports.append(harness.free_port())
        with open(configs[-1], "w") as f:
            f.write(f'[hub]\nlisten = "127.0.0.1:{ports[-1]}"\ndatabase = "{database}"\nthreads = 4\n'
                    f'tls_cert = "{tls[1]}"\ntls_key = "{tls[2]}"\n')
    # The proxy opens a connection upstream for each request it forwards, so that the balancer
    # spreads the requests of one kept-alive kiosk connection over the instances.
    lb = RoundRobin(ports) if instances > 1 else None
    proxy = FaultProxy(lb.port if lb else ports[0], SEED, tls=tls)
    stands = [Stand(out, hub_bin, configs[0], kiosk, name, proxy.port, tls[0], log) for name in VISITORS]
    r.check(f"{label}: add-kiosk for both kiosks, endpoint the fault proxy", all(s.added for s in stands))
    for n, s in enumerate(stands):
        p = s.run(kiosk, "leads", "generate", "--count", str(GENERATED), "--seed", str(SEED + n), "--config",
                  s.config, "--data-dir", s.data)
        r.check(f"{label}: {s.name}: {GENERATED} leads generated", p.returncode == 0, p.stderr)

    hubs = [HubProcess(hub_bin, c, os.path.join(out, f"hub-{n}.log")) for n, c in enumerate(configs)]
    xvfb, display = harness.start_xvfb()
    transcript = open(os.path.join(out, "transcript.txt"), "w", encoding="utf-8")
    try:
        # Both stands at once: their visitors sign up while the kiosks sync in the background.
        threads = [threading.Thread(target=s.sign_up, args=(r, display, transcript)) for s in stands]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        want = {s.name: len(VISITORS[s.name]) + GENERATED for s in stands}
        rows = {s.name: kiosk_rows(s.data) for s in stands}
        r.check(f"{label}: each kiosk stored its generated leads and its visitors' sign-ups",
                {n: len(x) for n, x in rows.items()} == want, str({n: len(x) for n, x in rows.items()}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = {s.name: kiosk_rows(s.data) for s in stands}
            if all(x["state"] == "synced" for v in rows.values() for x in v.values()):
                break
            time.sleep(0.3)
        waited = time.monotonic() - t_start
        for s in stands:
            states = {}
            for x in rows[s.name].values():
                states[x["state"]] = states.get(x["state"], 0) + 1
            r.check(f"{label}: {s.name}: the kiosk's background sync marked all {want[s.name]} synced through the "
                    f"faults", states == {"synced": want[s.name]}, str(states))
            ok, answer = s.ui.cmd("quit")
            rc = s.ui.close(30)
            r.check(f"{label}: {s.name}: quit exits 0", ok and rc == 0, f"{answer}, exit {rc}")
            p = s.run(kiosk, "status", "--config", s.config, "--data-dir", s.data)
            r.check(f"{label}: {s.name}: kiosk status reports all sent",
                    p.returncode == 0 and f"{want[s.name]} in total — 0 waiting to be sent, {want[s.name]} sent, "
                    f"0 refused" in p.stdout, p.stdout)
    finally:
        for s in stands:
            if s.ui and s.ui.proc.returncode is None:
                s.ui.kill()
        transcript.close()
        xvfb.terminate()
        xvfb.wait()
        stopped = [h.stop() for h in hubs]
        proxy.close()
        if lb:
            lb.close()
    for n, (rc, _) in enumerate(stopped):
        r.check(f"{label}: kiosk-hub instance {n} stops with exit 0", rc == 0, f"exit {rc}")
    # The faults are the network's: the hub itself refuses nothing. A kiosk that resent a
    # request with its webhook-id (libcurl does so by itself on a kept-alive connection that
    # closed before the answer) would be refused as a replay (409), and its upload would stop.
    statuses = [x for _, hub_log in stopped for x in re.findall(r"^(?:POST|GET) \S+ (\d{3}) ", hub_log, re.M)]
    refused = [x for x in statuses if x != "200"]
    r.check(f"{label}: the hub answered all {len(statuses)} requests that reached it with 200 (no replay refused)",
            statuses and not refused, f"refused: {sorted(set(refused))}, {len(refused)} times")
    uploads = [len(re.findall(r"^POST /kiosk/v1/leads ", hub_log, re.M)) for _, hub_log in stopped]
    if lb:
        r.check(f"{label}: uploads reached every instance (per instance: {uploads})", all(uploads), str(uploads))

    # The instances share one database: ask the last one what it holds.
    p = stands[0].run(hub_bin, "leads", "--format", "jsonl", "--config", configs[-1])
    lines = p.stdout.splitlines()
    got = {}
    for line in lines:
        got.setdefault(json.loads(line)["id"], []).append(line)
    stored = {i: x for s in stands for i, x in kiosk_rows(s.data).items()}
    r.check(f"{label}: the hub holds exactly the kiosks' {len(stored)} lead ids, one payload each",
            len(lines) == len(stored) and set(got) == set(stored) and all(len(v) == 1 for v in got.values()),
            f"{len(lines)} lines, {len(set(got) & set(stored))} ids in common, {len(stored)} at the kiosks")
    same = sum(1 for i, v in got.items() if i in stored and v[0] == stored[i]["payload"])
    r.check(f"{label}: every payload is byte-identical to the kiosk's leads.db", same == len(stored),
            f"{same} of {len(stored)}")
    signed_up = [json.loads(x["payload"]) for x in stored.values() if json.loads(x["payload"]).get("source") != "synthetic"]
    names = sorted(f"{p['first_name']} {p['last_name']}" for p in signed_up)
    want_names = sorted(f"{v['first_name']} {v['last_name']}" for vs in VISITORS.values() for v in vs)
    r.check(f"{label}: … the visitors' sign-ups among them, names exactly as typed", names == want_names, str(names))
    p = stands[0].run(hub_bin, "kiosks", "--config", configs[-1])
    r.check(f"{label}: kiosk-hub kiosks: no conflicts, no rejections for either kiosk",
            all(re.search(rf"{s.name}\s+active\s+\S+\s+{want[s.name]}\s+0\s+0", p.stdout) for s in stands), p.stdout)
    r.check(f"{label}: every kind of fault happened (seed {SEED}): {proxy.counts}",
            all(proxy.counts[k] > 0 for k in FaultProxy.KINDS), str(proxy.counts))
    print(f"note: {label}: {sum(proxy.counts.values())} requests through the proxy {proxy.counts}"
          + (f", uploads per instance {uploads}" if lb else "")
          + f"; all synced after {waited:.1f} s; whole run {time.monotonic() - t_start:.1f} s", flush=True)
    log.close()


def main():
    args = kiosk_and_hub_args()
    kiosk, hub_bin = os.path.abspath(args.kiosk), os.path.abspath(args.hub)
    out = harness.fresh_dir(args.out)
    r = harness.Results()
    tls = make_private_ca(os.path.join(out, "tls"))
    scenario(r, "sqlite", out, kiosk, hub_bin, tls, "sqlite:state/hub.db", 1)
    url, stop_pg = start_postgres(out)
    if url is None:
        r.skip("postgres: two hub instances on one PostgreSQL through the fault proxy", stop_pg)
    else:
        try:
            scenario(r, "postgres", out, kiosk, hub_bin, tls, url, 2)
        finally:
            stop_pg()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
