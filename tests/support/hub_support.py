"""Pieces the hub's end-to-end test and benchmark share (standard library only): a
round-robin TCP balancer, a PostgreSQL server of the test's own.

    sys.path.insert(0, os.path.join(REPO, "tests", "support"))
    import hub_support
"""
import glob
import os
import pwd
import socket
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
