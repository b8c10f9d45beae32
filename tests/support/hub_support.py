"""Pieces the hub's end-to-end tests and benchmark share (standard library only): a
round-robin TCP balancer, an HTTP fault proxy, a PostgreSQL server of the test's own.

    sys.path.insert(0, os.path.join(REPO, "tests", "support"))
    import hub_support
"""
import argparse
import glob
import os
import pwd
import random
import socket
import ssl
import subprocess
import threading


class RoundRobin:
    """A load balancer of the simplest kind: each TCP connection to its port goes to the next
    of `ports` in turn, bytes copied both ways."""

    def __init__(self, ports):
        self.ports = ports
        self.next = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.served = [0] * len(ports)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            i = self.next % len(self.ports)
            self.next += 1
            self.served[i] += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.ports[i]), timeout=30)
            except OSError:
                client.close()
                continue
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._copy, args=(a, b), daemon=True).start()

    @staticmethod
    def _copy(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.sock.close()



def kiosk_and_hub_args():
    """The command line of a test that runs the kiosk and the hub: --kiosk, --hub, --out."""
    ap = argparse.ArgumentParser()
    for name in ("--kiosk", "--hub", "--out"):
        ap.add_argument(name, required=True)
    return ap.parse_args()

def make_private_ca(folder):
    """A CA and a server certificate for 127.0.0.1 signed by it (openssl), in `folder`:
    returns the paths (ca.pem, server.pem, server.key)."""
    os.makedirs(folder, exist_ok=True)

    def ossl(*a):
        subprocess.run(["openssl", *a], cwd=folder, check=True, capture_output=True)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=kiosk-hub e2e test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(folder, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
         "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return tuple(os.path.join(folder, n) for n in ("ca.pem", "server.pem", "server.key"))


def read_http_message(sock, buf=b""):
    """One HTTP/1.1 message (head and a Content-Length body) from `sock`: (message, the bytes
    read past it), or (None, b"") when the peer closed first."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            return None, b""
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        data = sock.recv(65536)
        if not data:
            return None, b""
        rest += data
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


class FaultProxy:
    """An HTTP proxy in front of `upstream_port` that, for each request, at random (seeded):
    drops the connection before forwarding it ("drop_before"), forwards it and drops the
    connection before the answer ("drop_after": the hub has stored what it answered), answers
    503 itself ("503"), or passes it through ("pass"). `counts` says how often each happened."""

    KINDS = ("drop_before", "drop_after", "503", "pass")

    def __init__(self, upstream_port, seed, drop_before=0.15, drop_after=0.15, unavailable=0.12, tls=None):
        """tls: (ca.pem, server.pem, server.key) to speak HTTPS on both sides (the clients
        trusting ca.pem, the upstream serving that certificate too)."""
        self.upstream_port = upstream_port
        self.server_ctx = self.upstream_ctx = None
        if tls:
            self.server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.server_ctx.load_cert_chain(tls[1], tls[2])
            self.upstream_ctx = ssl.create_default_context(cafile=tls[0])
        self.random = random.Random(seed)
        self.weights = (drop_before, drop_after, unavailable, 1 - drop_before - drop_after - unavailable)
        self.counts = dict.fromkeys(self.KINDS, 0)
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _pick(self):
        with self.lock:
            kind = self.random.choices(self.KINDS, self.weights)[0]
            self.counts[kind] += 1
            return kind

    def _serve(self, client):
        client.settimeout(60)
        buf = b""
        try:
            if self.server_ctx:
                client = self.server_ctx.wrap_socket(client, server_side=True)
            while True:  # one request after the other on a kept-alive connection
                request, buf = read_http_message(client, buf)
                if request is None:
                    return
                kind = self._pick()
                if kind == "drop_before":
                    return
                if kind == "503":
                    body = b'{"error":"the fault proxy says: unavailable"}'
                    client.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                    return
                with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60) as raw:
                    up = self.upstream_ctx.wrap_socket(raw, server_hostname="127.0.0.1") if self.upstream_ctx else raw
                    up.sendall(request)
                    answer, _ = read_http_message(up)
                if answer is None or kind == "drop_after":
                    return
                client.sendall(answer)
        except OSError:
            pass
        finally:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            client.close()

    def close(self):
        self.sock.close()


def start_postgres(out):
    """initdb + pg_ctl on a Unix socket in <out>/pg (as the postgres user under root); returns
    (database URI, stop function), or (None, why)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        return None, "no PostgreSQL server installed"
    bin_dir = os.path.dirname(bins[-1])
    d = os.path.join(out, "pg")
    os.makedirs(d)
    as_user = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(d, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    log = open(os.path.join(out, "pg-commands.log"), "w")
    data = os.path.join(d, "data")
    subprocess.run([*as_user, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--no-sync"], check=True, stdout=log, stderr=log)
    # synchronous_commit stays on: the hub's commits are what is measured.
    subprocess.run([*as_user, f"{bin_dir}/pg_ctl", "-D", data, "-l", os.path.join(d, "server.log"), "-w", "-o",
                    f"-k {d} -c listen_addresses=''", "start"], check=True, stdout=log, stderr=log)

    def stop():
        subprocess.run([*as_user, f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "stop"], stdout=log, stderr=log)
        log.close()

    subprocess.run(["psql", "-h", d, "-U", "postgres", "-q", "-c", "CREATE DATABASE hub"], check=True, stdout=log,
                   stderr=log)
    return f"postgresql:///hub?host={d}&user=postgres", stop
