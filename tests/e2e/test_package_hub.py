#!/usr/bin/env python3
"""The stand-kiosk-hub .deb, end to end, like the kiosk's (tests/e2e/test_package.py, whose
helpers it uses): built by cpack from the CI build tree beside stand-kiosk, then inspected,
its unit verified and its maintainer scripts run.

1. cpack makes stand-kiosk and stand-kiosk-hub; this test takes the hub's.
2. Control fields: Package, Version (the project's), Architecture, Depends names adduser,
   systemd and the libraries kiosk-hub links (cpp-httplib, libpqxx, OpenSSL, SQLite,
   libsodium, libsystemd: found by shlibdeps).
3. Files: /usr/bin/kiosk-hub 0755, /etc/stand-kiosk-hub/hub.toml, the unit in
   /lib/systemd/system, docs/hub.md in /usr/share/doc/stand-kiosk-hub; nothing of the
   kiosk's; everything root-owned.
4. Control archive: postinst, prerm, postrm 0755 and `sh -n` clean; conffiles is exactly
   /etc/stand-kiosk-hub/hub.toml.
5. hub.toml: parses as TOML, every key has a comment right above it, every key the loader
   reads (kiosk/hub/hub_config.cpp) is there (tls_cert/tls_key commented out, as they have
   no default); the packaged binary reads it without a problem line.
6. The unit: Type=notify, its own user, ProtectSystem=strict, StateDirectory, ExecStart the
   packaged binary with the packaged config; `systemd-analyze verify` on a copy whose
   ExecStart points at the extracted binary.
7. Maintainer scripts, really run, in a private mount namespace (unshare --mount; /etc a
   tmpfs copy, /var and /run empty tmpfs): postinst configure (twice) creates the system user
   stand-kiosk-hub, /var/lib/stand-kiosk-hub 0700 and hub.toml root:stand-kiosk-hub 0640; as
   that user `kiosk-hub add-kiosk` with the packaged config makes hub.db 0600 there and
   `kiosk-hub kiosks` lists the kiosk; another user cannot read the config; prerm/postrm
   remove keep hub.db, purge keeps it and says so, a purge without it removes the folder.
   The real machine is checked to be untouched. Skipped when not root or unshare is refused.

Prints one line per check and ends with `N passed, M failed`; exit 1 on failure.
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402
from test_package import build_deb, list_files, project_version, run, unit_settings  # noqa: E402

PACKAGE = "stand-kiosk-hub"
USER = "stand-kiosk-hub"
UNIT = "stand-kiosk-hub.service"
CONF = "/etc/stand-kiosk-hub/hub.toml"
STATE = "/var/lib/stand-kiosk-hub"
DEPENDS = ["adduser", "systemd", "libcpp-httplib", "libpqxx", "libssl3", "libsqlite3", "libsodium", "libsystemd0"]


def check_fields(res, deb, source_dir):
    f = {k: run(["dpkg-deb", "-f", deb, k]).stdout.strip() for k in ("Package", "Version", "Architecture", "Depends")}
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    res.check(f"Package: {PACKAGE}", f["Package"] == PACKAGE, f["Package"])
    res.check("Version is the project's", f["Version"] == project_version(source_dir), f["Version"])
    res.check(f"Architecture: {arch}", f["Architecture"] == arch, f["Architecture"])
    names = [alt.strip().split()[0] for dep in f["Depends"].split(",") for alt in dep.split("|") if alt.strip()]
    missing = [d for d in DEPENDS if not any(n.startswith(d) for n in names)]
    res.check("Depends names " + ", ".join(DEPENDS), not missing, f"missing {missing}; Depends: {f['Depends']}")


def check_files(res, deb):
    files = list_files(deb)
    res.check("usr/bin/kiosk-hub, -rwxr-xr-x", files.get("usr/bin/kiosk-hub", ("",))[0] == "-rwxr-xr-x",
              str(files.get("usr/bin/kiosk-hub")))
    for p in [CONF.lstrip("/"), f"lib/systemd/system/{UNIT}", "usr/share/doc/stand-kiosk-hub/hub.md"]:
        res.check(f"{p} is in the package", p in files and files[p][0].startswith("-rw-r--r--"), str(files.get(p)))
    kiosk = [p for p in files if p.startswith(("usr/bin/stand-kiosk", "usr/share/stand-kiosk/", "etc/stand-kiosk/"))]
    res.check("nothing of the kiosk's package in it", not kiosk, str(kiosk[:3]))
    not_root = [p for p, (_, owner) in files.items() if owner != "root/root"]
    res.check("every file is owned by root/root", not not_root, f"{not_root[:3]}")


def check_control(res, deb, control):
    run(["dpkg-deb", "-e", deb, control])
    for s in ("postinst", "prerm", "postrm"):
        p = os.path.join(control, s)
        mode = os.stat(p).st_mode if os.path.exists(p) else 0
        syntax = run(["sh", "-n", p]) if mode else None
        res.check(f"control: {s} is 0755 and `sh -n` clean",
                  mode and stat.S_IMODE(mode) == 0o755 and syntax.returncode == 0, f"mode {oct(stat.S_IMODE(mode))}")
    p = os.path.join(control, "conffiles")
    conffiles = open(p).read().split() if os.path.exists(p) else None
    res.check(f"control: conffiles is exactly {CONF}", conffiles == [CONF], str(conffiles))


def loader_keys(source_dir):
    with open(os.path.join(source_dir, "kiosk", "hub", "hub_config.cpp"), encoding="utf-8") as f:
        return set(re.findall(r'\bh\.(?:str|number)\("(\w+)"', f.read()))


def check_config(res, root, source_dir, tmp):
    path = os.path.join(root, CONF.lstrip("/"))
    text = open(path, encoding="utf-8").read()
    try:
        doc = tomllib.loads(text)
        res.check("hub.toml parses as TOML (tomllib)", "hub" in doc, str(list(doc)))
    except tomllib.TOMLDecodeError as e:
        res.check("hub.toml parses as TOML (tomllib)", False, str(e))
        return
    lines = text.splitlines()
    bare = [l.split("=")[0].strip() for i, l in enumerate(lines)
            if re.match(r"\s*\w+\s*=", l) and not (i > 0 and lines[i - 1].lstrip().startswith("#"))]
    res.check("every key in hub.toml has a comment right above it", not bare, f"uncommented: {bare}")
    want = loader_keys(source_dir)
    there = set(doc.get("hub", {})) | set(re.findall(r"^#\s*(\w+)\s*=", text, re.M))
    res.check(f"hub.toml has every key the loader reads ({len(want)} in hub_config.cpp), set or commented out",
              want and not (want - there), f"missing {sorted(want - there)}")
    # The packaged binary on the packaged config, with the database moved into the temp dir.
    copy = os.path.join(tmp, "hub.toml")
    with open(copy, "w") as f:
        f.write(re.sub(r'^database = .*$', 'database = "sqlite:state/hub.db"', text, flags=re.M))
    r = run([os.path.join(root, "usr", "bin", "kiosk-hub"), "kiosks", "--config", copy], timeout=60)
    res.check("packaged kiosk-hub kiosks --config hub.toml: exit 0, no problem lines",
              r.returncode == 0 and not r.stderr.strip(), f"exit {r.returncode}: {r.stderr.strip()[:300]}")


def check_unit(res, root, tmp):
    src = os.path.join(root, "lib", "systemd", "system", UNIT)
    s = unit_settings(src)
    one = lambda k: (s.get(k) or [""])[-1]
    exec_start = one("ExecStart").split()
    for name, ok in [
        ("Type=notify", one("Type") == "notify"),
        (f"User={USER}, Group={USER}", one("User") == USER and one("Group") == USER),
        ("ProtectSystem=strict", one("ProtectSystem") == "strict"),
        ("StateDirectory=stand-kiosk-hub, mode 0700", one("StateDirectory") == "stand-kiosk-hub"
         and one("StateDirectoryMode") == "0700"),
        (f"ExecStart is /usr/bin/kiosk-hub serve --config {CONF}", exec_start == ["/usr/bin/kiosk-hub", "serve",
                                                                                   "--config", CONF]),
        ("the paths in ExecStart are in the package",
         all(os.path.exists(os.path.join(root, p.lstrip("/"))) for p in ("/usr/bin/kiosk-hub", CONF))),
        ("NoNewPrivileges=yes, ProtectHome=yes, PrivateTmp=yes", one("NoNewPrivileges") == "yes"
         and one("ProtectHome") == "yes" and one("PrivateTmp") == "yes"),
        ("LimitCORE=0 (no core dump of the leads)", one("LimitCORE") == "0"),
        ("Restart=on-failure", one("Restart") == "on-failure"),
        ("WantedBy=multi-user.target", "multi-user.target" in " ".join(s.get("WantedBy", []))),
    ]:
        res.check("unit: " + name, ok)
    if not shutil.which("systemd-analyze"):
        res.skip("unit: systemd-analyze verify", "systemd-analyze not installed")
        return
    vdir = os.path.join(tmp, "verify")
    os.makedirs(vdir)
    text = open(src, encoding="utf-8").read().replace("ExecStart=/usr/bin/kiosk-hub",
                                                      "ExecStart=" + os.path.join(root, "usr", "bin", "kiosk-hub"))
    with open(os.path.join(vdir, UNIT), "w") as f:
        f.write(text)
    r = run(["systemd-analyze", "verify", "--man=no", os.path.join(vdir, UNIT)], timeout=120)
    lines = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
    ours = [l for l in lines if "stand-kiosk-hub" in l]
    for l in lines:
        if l not in ours:
            print(f"note: systemd-analyze verify, about another unit (not counted): {l}", flush=True)
    res.check("unit: systemd-analyze verify --man=no (ExecStart: the extracted binary): nothing about it",
              r.returncode == 0 and not ours, f"exit {r.returncode}: {ours[:3]}")


def real_machine_state():
    return {"user": run(["getent", "passwd", USER]).stdout.strip(), "var": os.path.exists(STATE),
            "etc": os.path.exists(os.path.dirname(CONF))}


def owner_mode(p):
    st = os.stat(p)
    return (run(["id", "-nu", str(st.st_uid)]).stdout.strip() or str(st.st_uid),
            run(["getent", "group", str(st.st_gid)]).stdout.split(":")[0] or str(st.st_gid), oct(stat.S_IMODE(st.st_mode)))


def in_namespace(root, control, out_json):
    """Runs inside `unshare --mount --propagation private`: nothing here reaches the real machine."""
    results = []
    check = lambda name, ok, detail="": results.append((name, bool(ok), str(detail)))
    stage = tempfile.mkdtemp(prefix="ns-", dir=os.path.dirname(out_json))
    sh = lambda cmd: subprocess.run(cmd, shell=True, check=True)
    sh(f"mount -t tmpfs tmpfs {stage} && mkdir {stage}/etc && cp -a /etc/. {stage}/etc/ && mount --bind {stage}/etc /etc")
    sh("mount -t tmpfs tmpfs /var && mkdir -p /var/lib /var/log /var/tmp /var/cache && mount -t tmpfs tmpfs /run")
    shutil.copytree(os.path.join(root, "etc", "stand-kiosk-hub"), os.path.dirname(CONF))
    exe = os.path.join(root, "usr", "bin", "kiosk-hub")
    script = lambda name, *args: run([os.path.join(control, name), *args], timeout=120)
    as_hub = ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups", "--"]

    r = script("postinst", "configure", "")
    check("postinst configure: exit 0", r.returncode == 0, r.stderr.strip())
    pw = run(["getent", "passwd", USER]).stdout.strip().split(":")
    check(f"postinst: created the system user {USER} (uid < 1000, no login shell, home {STATE})",
          len(pw) == 7 and int(pw[2]) < 1000 and pw[6].endswith(("nologin", "false")) and pw[5] == STATE, ":".join(pw))
    check(f"postinst: {STATE} is a folder, {USER}:{USER} 0700",
          os.path.isdir(STATE) and owner_mode(STATE) == (USER, USER, "0o700"),
          owner_mode(STATE) if os.path.exists(STATE) else "missing")
    check(f"postinst: {CONF} is root:{USER} 0640", owner_mode(CONF) == ("root", USER, "0o640"), owner_mode(CONF))
    r = script("postinst", "configure", "0.0.9")
    check("postinst configure again (an upgrade): exit 0, still one user",
          r.returncode == 0 and run(["grep", "-c", f"^{USER}:", "/etc/passwd"]).stdout.strip() == "1", r.stderr.strip())
    r = run(as_hub + [exe, "add-kiosk", "stand-1", "--config", CONF])
    check(f"as {USER}: kiosk-hub add-kiosk stand-1 with the packaged config prints the [sync] block",
          r.returncode == 0 and "[sync]" in r.stdout and "token = \"khub_" in r.stdout, r.stderr.strip()[-300:])
    db = f"{STATE}/hub.db"
    check(f"{db} belongs to {USER}, 0600", os.path.exists(db) and owner_mode(db)[0] == USER
          and owner_mode(db)[2] == "0o600", owner_mode(db) if os.path.exists(db) else "missing")
    r = run(as_hub + [exe, "kiosks", "--config", CONF])
    check(f"as {USER}: kiosk-hub kiosks lists stand-1, no problem lines",
          r.returncode == 0 and "stand-1" in r.stdout and not r.stderr.strip(), (r.stdout + r.stderr).strip()[-300:])
    r = run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", exe, "kiosks", "--config", CONF])
    check("another user cannot read hub.toml: kiosk-hub refuses (exit 2), touches no database",
          r.returncode == 2 and "hub.toml" in r.stderr, f"exit {r.returncode}: {r.stderr.strip()[:200]}")
    r1, r2 = script("prerm", "remove"), script("postrm", "remove")
    check("prerm remove, postrm remove: exit 0, hub.db kept",
          r1.returncode == 0 and r2.returncode == 0 and os.path.exists(db), (r1.stderr + r2.stderr).strip())
    r = script("postrm", "purge")
    check("postrm purge: exit 0, hub.db kept, and it says so",
          r.returncode == 0 and os.path.exists(db) and "hub.db" in r.stderr, r.stderr.strip())
    for f in os.listdir(STATE):
        os.remove(os.path.join(STATE, f))
    r = script("postrm", "purge")
    check(f"postrm purge with no hub.db: exit 0, {STATE} removed", r.returncode == 0 and not os.path.exists(STATE),
          r.stderr.strip())
    with open(out_json, "w") as f:
        json.dump(results, f)
    return 0


def check_scripts(res, root, control, tmp):
    if os.geteuid() != 0:
        res.skip("maintainer scripts in a mount namespace", "needs root")
        return
    if run(["unshare", "--mount", "--propagation", "private", "true"]).returncode != 0:
        res.skip("maintainer scripts in a mount namespace", "unshare --mount is not allowed here")
        return
    before = real_machine_state()
    for d in (tmp, root, os.path.join(root, "usr"), os.path.join(root, "usr", "bin")):
        os.chmod(d, 0o755)  # the packaged binary must be reachable by the hub's user
    out_json = os.path.join(tmp, "ns-results.json")
    r = run(["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__),
             "--in-namespace", "--root", root, "--control", control, "--out-json", out_json], timeout=300)
    if not os.path.exists(out_json):
        res.check("maintainer scripts ran in the namespace", False, (r.stdout + r.stderr).strip()[-500:])
    else:
        for name, ok, detail in json.load(open(out_json)):
            res.check(name, ok, detail if not ok else "")
    after = real_machine_state()
    res.check(f"the real machine is untouched (no {USER} user, no {STATE}, no {os.path.dirname(CONF)})",
              after == before, f"before {before}, after {after}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir")
    ap.add_argument("--source-dir")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--control", help=argparse.SUPPRESS)
    ap.add_argument("--out-json", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.in_namespace:
        return in_namespace(a.root, a.control, a.out_json)
    if not a.build_dir or not a.source_dir:
        ap.error("--build-dir and --source-dir are required")
    res = harness.Results("PASS ", details="always")
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="kiosk-hub-package-")
    try:
        deb = build_deb(res, os.path.abspath(a.build_dir), os.path.join(tmp, "cpack"), PACKAGE)
        if deb:
            check_fields(res, deb, a.source_dir)
            check_files(res, deb)
            control = os.path.join(tmp, "control")
            check_control(res, deb, control)
            root = os.path.join(tmp, "root")
            run(["dpkg-deb", "-x", deb, root])
            check_config(res, root, a.source_dir, tmp)
            check_unit(res, root, tmp)
            check_scripts(res, root, control, tmp)
    finally:
        harness.remove_unless(a.keep or res.failed, tmp)
    print(f"(runtime {time.monotonic() - t_start:.1f} s)")
    return res.summary()


if __name__ == "__main__":
    sys.exit(main())
