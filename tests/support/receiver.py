#!/usr/bin/env python3
"""A lead receiver for tests and benchmarks: speaks the kiosk's sync protocol
(docs/sync-protocol.md) on loopback, verifies every request, stores leads by id and
injects faults on request.

    python3 receiver.py [--port 0] [--token T] [--secret whsec_…] [--faults drop-before=0.05,503=0.05,…]
                        [--script ok,500,drop-after,…] [--seed N] [--dump FILE] [--tls-cert C --tls-key K]

It prints `PORT <n>` on stdout once it listens (port 0: any free port), then serves
POST <--path, default /leads>. Standard library only (http.server, ThreadingHTTPServer).

Checks on every upload: `Authorization: Bearer <token>` when --token is given (401 if not),
the Standard Webhooks signature when --secret is given (webhook-id, webhook-timestamp within
--tolerance seconds, webhook-signature v1,<base64 HMAC-SHA256(key, id.timestamp.body)>; 403 if
not), then the body (schema 1, a list of leads with string ids; 400 if not). A verified lead
is stored under its id: a new id is "accepted", the same id with the same payload again is a
"duplicate" (counted), the same id with a DIFFERENT payload is a conflict: it is answered as
rejected, recorded, and makes the receiver exit 1 (the kiosk broke its promise).

Fault modes, one per request: chosen from --script (in order; the comma-separated list is
used up first) or else at random with the --faults probabilities, else `ok`:
  ok           answer per the protocol
  drop-before  close the connection before reading the request
  drop-after   read and store the leads, then close without answering (the ack is lost)
  500          answer 500 without storing anything
  503          answer 503 with Retry-After: <--retry-after> (seconds)
  503-date     answer 503 with Retry-After as an HTTP date (<--retry-after> + 1 s from now)
  slow         wait <--slow-s> seconds, then store and answer (the client has usually given up)
  partial      store and mention only the first half of the batch (the rest stay unmentioned)
  reject       reject the first lead of the batch with a reason (the others are accepted);
               that id is rejected from then on, as a real validation rule would
  garbage      store, then answer 200 with a body that is not JSON
  401          answer 401 without storing anything
Leads whose id is in the `reject` map (see /_control/config) are always rejected with the
given reason.

Control (no auth; loopback test tool):
  GET  /_control/state   counts: requests per mode, leads, duplicates, conflicts, seen (per-id arrivals)
  GET  /_control/leads   {"leads": {id: lead}}
  POST /_control/config  JSON, any of: faults {mode: p}, script [modes], reject {id: reason},
                         token, secret, slow_s, retry_after
  POST /_control/dump    writes --dump now
At exit (SIGTERM/SIGINT) it writes --dump and exits 1 if there was any conflict, else 0.
"""
import argparse
import base64
import email.utils
import hashlib
import hmac
import json
import random
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ["ok", "drop-before", "drop-after", "500", "503", "503-date", "slow", "partial", "reject", "garbage", "401"]


def canonical(obj):
    """The serialisation the kiosk uses (nlohmann::json dump: sorted keys, no spaces, UTF-8)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def decode_secret(secret):
    if not secret.startswith("whsec_"):
        raise ValueError("secret must start with whsec_")
    return base64.b64decode(secret[len("whsec_"):], validate=True)


def sign(key, msg_id, timestamp, body):
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.token = args.token
        self.secret = args.secret
        self.tolerance = args.tolerance
        self.slow_s = args.slow_s
        self.retry_after = args.retry_after
        self.faults = parse_faults(args.faults)
        self.script = [m for m in args.script.split(",") if m] if args.script else []
        self.reject = {}
        self.leads = {}       # id -> lead (parsed)
        self.canon = {}       # id -> canonical JSON text
        self.seen = {}        # id -> arrivals in verified requests
        self.duplicates = 0
        self.conflicts = []   # {"id", "first", "second"}
        self.requests = {}    # mode -> count
        self.refused = {"401": 0, "403": 0, "400": 0}
        self.uploads = 0      # verified upload requests that reached the protocol
        self.dump_path = args.dump

    def pick_mode(self):
        with self.lock:
            if self.script:
                mode = self.script.pop(0)
            else:
                mode = "ok"
                x = self.rng.random()
                acc = 0.0
                for m, p in self.faults.items():
                    acc += p
                    if x < acc:
                        mode = m
                        break
            self.requests[mode] = self.requests.get(mode, 0) + 1
            return mode

    def snapshot(self):
        with self.lock:
            return {
                "leads": len(self.leads),
                "duplicates": self.duplicates,
                "conflicts": list(self.conflicts),
                "requests": dict(self.requests),
                "refused": dict(self.refused),
                "uploads": self.uploads,
                "seen": dict(self.seen),
                "script_left": list(self.script),
            }

    def dump(self):
        if not self.dump_path:
            return
        with self.lock:
            data = {"leads": dict(self.leads), "duplicates": self.duplicates, "conflicts": list(self.conflicts),
                    "requests": dict(self.requests), "refused": dict(self.refused), "seen": dict(self.seen)}
        tmp = self.dump_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        import os
        os.replace(tmp, self.dump_path)


def parse_faults(text):
    out = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        mode, _, p = part.partition("=")
        if mode not in MODES:
            raise SystemExit(f"receiver: unknown fault mode {mode!r} (one of {', '.join(MODES)})")
        out[mode] = float(p or "0")
    if sum(out.values()) > 1.0:
        raise SystemExit("receiver: the fault probabilities add up to more than 1")
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would
    # http.server writes the headers and the body in two send() calls: with Nagle's algorithm
    # on, the body then waits for the client's delayed ACK (40 ms a request on Linux). Real
    # servers set TCP_NODELAY; so does this one.
    disable_nagle_algorithm = True
    server_version = "test-receiver/1"
    state = None   # set in main
    path_ = "/leads"
    log = None

    def log_message(self, fmt, *args):
        if self.log:
            self.log.write("%s %s\n" % (self.log_date_time_string(), fmt % args))
            self.log.flush()

    # ---- helpers -------------------------------------------------------------------------

    def send_json(self, code, obj, extra_headers=None):
        body = json.dumps(obj).encode()
        self.send_bytes(code, body, "application/json", extra_headers)

    def send_bytes(self, code, body, ctype="application/json", extra_headers=None):
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra_headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def drop(self):
        """Closes the connection without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # ---- control -------------------------------------------------------------------------

    def do_GET(self):
        s = self.state
        if self.path == "/_control/state":
            self.send_json(200, s.snapshot())
        elif self.path == "/_control/leads":
            with s.lock:
                leads = dict(s.leads)
            self.send_json(200, {"leads": leads})
        else:
            self.send_json(404, {"error": "not found"})

    def control_post(self):
        s = self.state
        body = self.read_body()
        if self.path == "/_control/dump":
            s.dump()
            self.send_json(200, {"ok": True})
            return
        if self.path != "/_control/config":
            self.send_json(404, {"error": "not found"})
            return
        cfg = json.loads(body or b"{}")
        with s.lock:
            if "faults" in cfg:
                s.faults = parse_faults(",".join(f"{k}={v}" for k, v in cfg["faults"].items()))
            if "script" in cfg:
                s.script = list(cfg["script"])
            if "reject" in cfg:
                s.reject = dict(cfg["reject"])
            for k in ("token", "secret", "slow_s", "retry_after"):
                if k in cfg:
                    setattr(s, k, cfg[k])
        self.send_json(200, {"ok": True})

    # ---- uploads -------------------------------------------------------------------------

    def do_POST(self):
        if self.path.startswith("/_control/"):
            self.control_post()
            return
        if self.path != self.path_:
            self.read_body()
            self.send_json(404, {"error": f"POST {self.path_}"})
            return
        s = self.state
        mode = s.pick_mode()
        if mode == "drop-before":
            self.drop()
            return
        body = self.read_body()
        if mode == "500":
            self.send_json(500, {"error": "injected 500"})
            return
        if mode == "503":
            self.send_json(503, {"error": "injected 503"}, {"Retry-After": str(int(s.retry_after))})
            return
        if mode == "503-date":
            when = email.utils.formatdate(time.time() + s.retry_after + 1, usegmt=True)
            self.send_json(503, {"error": "injected 503"}, {"Retry-After": when})
            return
        if mode == "401":
            self.send_json(401, {"error": "injected 401"})
            return
        refusal = self.verify(body)
        if refusal:
            code, why = refusal
            with s.lock:
                s.refused[str(code)] = s.refused.get(str(code), 0) + 1
            self.send_json(code, {"error": why})
            return
        try:
            doc = json.loads(body)
            if not isinstance(doc, dict) or doc.get("schema") != 1 or not isinstance(doc.get("leads"), list):
                raise ValueError("expected {schema: 1, leads: [...]}")
            for k in ("kiosk_id", "event_id", "sent_at"):
                if not isinstance(doc.get(k), str):
                    raise ValueError(f"{k} is missing")
        except ValueError as e:
            with s.lock:
                s.refused["400"] += 1
            self.send_json(400, {"error": f"bad body: {e}"})
            return
        if mode == "slow":
            time.sleep(s.slow_s)
        leads = doc["leads"]
        take = leads[: len(leads) // 2] if mode == "partial" else leads
        answer = self.process(take, reject_first=(mode == "reject"))
        if mode == "drop-after":
            self.drop()
            return
        if mode == "garbage":
            self.send_bytes(200, b"<html><body>Thanks!</body></html>", "text/html")
            return
        self.send_json(200, answer)

    def verify(self, body):
        """None when the request is authentic, else (status, why)."""
        s = self.state
        if s.token:
            got = self.headers.get("Authorization", "")
            if not hmac.compare_digest(got.encode(), f"Bearer {s.token}".encode()):
                return 401, "bad or missing bearer token"
        if s.secret:
            msg_id = self.headers.get("webhook-id")
            ts = self.headers.get("webhook-timestamp")
            sigs = self.headers.get("webhook-signature")
            if not msg_id or not ts or not sigs:
                return 403, "missing webhook-id / webhook-timestamp / webhook-signature"
            try:
                t = int(ts)
            except ValueError:
                return 403, "webhook-timestamp is not a number"
            if abs(time.time() - t) > s.tolerance:
                return 403, "webhook-timestamp is too far from now"
            want = sign(decode_secret(s.secret), msg_id, ts, body)
            if not any(hmac.compare_digest(want.encode(), sig.encode()) for sig in sigs.split(" ")):
                return 403, "signature mismatch"
        return None

    def process(self, leads, reject_first=False):
        s = self.state
        accepted, duplicates, rejected = [], [], []
        with s.lock:
            s.uploads += 1
            for i, lead in enumerate(leads):
                lid = lead.get("id") if isinstance(lead, dict) else None
                if not isinstance(lid, str) or not lid:
                    rejected.append({"id": str(lid), "reason": "a lead without an id"})
                    continue
                s.seen[lid] = s.seen.get(lid, 0) + 1
                if lid in s.reject:
                    rejected.append({"id": lid, "reason": s.reject[lid]})
                    continue
                if reject_first and i == 0 and lid not in s.leads:
                    # Consistent from now on, like a real validation rule: a slow request still
                    # in flight with this lead must not store it after all.
                    s.reject[lid] = "injected: this lead is refused"
                    rejected.append({"id": lid, "reason": s.reject[lid]})
                    continue
                c = canonical(lead)
                if lid in s.leads:
                    if s.canon[lid] != c:
                        s.conflicts.append({"id": lid, "first": s.canon[lid], "second": c})
                        rejected.append({"id": lid, "reason": "a different payload was already stored for this id"})
                    else:
                        s.duplicates += 1
                        duplicates.append(lid)
                    continue
                s.leads[lid] = lead
                s.canon[lid] = c
                accepted.append(lid)
        return {"accepted": accepted, "duplicates": duplicates, "rejected": rejected}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--path", default="/leads")
    ap.add_argument("--token", default="")
    ap.add_argument("--secret", default="")
    ap.add_argument("--tolerance", type=float, default=300.0, help="webhook-timestamp tolerance, seconds")
    ap.add_argument("--faults", default="", help="mode=probability,… (see above)")
    ap.add_argument("--script", default="", help="modes for the next requests, in order")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow-s", type=float, default=3.0)
    ap.add_argument("--retry-after", type=float, default=1.0)
    ap.add_argument("--dump", default="")
    ap.add_argument("--log", default="", help="request log file")
    ap.add_argument("--tls-cert", default="")
    ap.add_argument("--tls-key", default="")
    args = ap.parse_args()
    if args.secret:
        decode_secret(args.secret)

    state = State(args)
    Handler.state = state
    Handler.path_ = args.path
    Handler.log = open(args.log, "a") if args.log else None
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    state.dump()
    if state.conflicts:
        print(f"receiver: {len(state.conflicts)} ids arrived with two different payloads", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
