#!/usr/bin/env python3
"""The .deb, end to end: built by cpack from the CI build tree (no extra configure), then
inspected, its files run, its unit verified and its maintainer scripts run.

1. `cpack --config <build-dir>/CPackConfig.cmake -G DEB -B <tmp>` makes two .debs, one per
   component: stand-kiosk (checked here) and stand-kiosk-hub (tests/e2e/test_package_hub.py).
2. Control fields (dpkg-deb -f): Package, Version (= the project's), Architecture (= dpkg's),
   Depends names cage, fonts-noto-core, libsdl2, libsqlite3, libcurl, libsodium, systemd,
   adduser, and libgl1 + libegl1 (SDL dlopens libGL.so.1 / libEGL.so.1, which shlibdeps
   cannot see), xwayland (Debian 12's cage will not start without it) and procps (pkill, in
   the unit's ExecStop=).
3. Files (dpkg-deb -c): /usr/bin/stand-kiosk 0755; every content/**/*.toml and every
   assets/logos/*.png of the source tree under /usr/share/stand-kiosk (and no build script);
   /etc/stand-kiosk/kiosk.toml; /lib/systemd/system/stand-kiosk.service; the docs (README,
   deploy.md) in /usr/share/doc/stand-kiosk; everything root-owned.
4. Control archive (dpkg-deb -e): postinst, prerm, postrm executable and `sh -n` clean;
   conffiles lists exactly /etc/stand-kiosk/kiosk.toml.
5. The default config: parses as TOML (tomllib), every key has a comment right above it,
   every key the loader reads (kiosk/core/config.cpp) is there; the packaged binary run as
   `stand-kiosk --config <that kiosk.toml> status --data-dir <tmp>` prints no problem lines on
   stderr; `stand-kiosk check-content` accepts the packaged content with the packaged assets.
6. The unit: `systemd-analyze verify --man=no` on a copy. verify insists that ExecStart's
   binary exists: when /usr/bin/cage is missing (CI does not install cage) the copy points at
   a stub script in the temp dir instead, and the test says so. Accepted output: nothing about
   stand-kiosk.service at all; lines about other units (the OS's own, loaded as dependencies)
   are printed as notes and not counted. verify does not need the stand-kiosk user to exist
   (systemd 252). The unit's settings are checked too (Type=notify, WatchdogSec, Restart=always
   with a short RestartSec, the user, tty1, SDL_VIDEODRIVER=wayland, cage without -s, the
   paths that the package installs, LimitCORE=0 so that a crash never dumps visitor data).
7. Maintainer scripts, really run: not with `dpkg -i` (it would need cage and its Wayland stack
   installed, and changes this machine) nor `dpkg --root` (needs a whole chroot for the scripts),
   but in a private mount namespace (unshare --mount) where /etc is a tmpfs copy of the real
   one and /var and /run are empty tmpfs: postinst configure (twice, as an upgrade does) creates
   the system user and group, /var/lib/stand-kiosk 0700 owned by it, kiosk.toml root:stand-kiosk
   0640; the packaged binary, as that user, stores leads in /var/lib/stand-kiosk and reads the
   config without problems, also after `stand-kiosk set-pin` (run as root, as docs/deploy.md
   says); prerm/postrm remove keep the leads; postrm purge keeps leads.db; a purge with no
   leads removes the folder. Afterwards the real machine is checked to be untouched (no user,
   no /var/lib/stand-kiosk, no /etc/stand-kiosk). Skipped (and said so) when not root or when
   unshare is not allowed.

Prints one line per check and ends with `N passed, M failed`; exit 1 on failure.
"""
import argparse
import glob
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

UNIT_NAME = "stand-kiosk.service"
DEPENDS = ["cage", "fonts-noto-core", "libsdl2", "libsqlite3", "libcurl", "libsodium", "systemd", "adduser",
           "libgl1", "libegl1", "xwayland", "procps"]


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run(args, **kw)


# ---- 1-4: build and inspect ----------------------------------------------------------------

PACKAGES = ("stand-kiosk", "stand-kiosk-hub")


def build_deb(res, build_dir, out, package="stand-kiosk"):
    """cpack makes one .deb per component (the kiosk's and the hub's); returns `package`'s."""
    t0 = time.monotonic()
    r = run(["cpack", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-G", "DEB", "-B", out])
    debs = {run(["dpkg-deb", "-f", d, "Package"]).stdout.strip(): d for d in glob.glob(os.path.join(out, "*.deb"))}
    res.check(f"cpack -G DEB from {build_dir} makes the two .debs {', '.join(PACKAGES)}",
              r.returncode == 0 and sorted(debs) == sorted(PACKAGES),
              f"{time.monotonic() - t0:.1f} s, {[os.path.basename(d) for d in debs.values()]}"
              + ("" if r.returncode == 0 else ": " + (r.stdout + r.stderr)[-500:]))
    return debs.get(package)


def project_version(source_dir):
    with open(os.path.join(source_dir, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(\s*\w+\s+VERSION\s+([0-9.]+)", f.read())
    return m.group(1) if m else None


def check_fields(res, deb, source_dir):
    f = {k: run(["dpkg-deb", "-f", deb, k]).stdout.strip() for k in ("Package", "Version", "Architecture", "Depends")}
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    res.check("Package: stand-kiosk", f["Package"] == "stand-kiosk", f["Package"])
    res.check("Version is the project's", f["Version"] == project_version(source_dir), f["Version"])
    res.check(f"Architecture: {arch}", f["Architecture"] == arch, f["Architecture"])
    names = [alt.strip().split()[0] for dep in f["Depends"].split(",") for alt in dep.split("|") if alt.strip()]
    missing = [d for d in DEPENDS if not any(n == d or n.startswith(d) for n in names)]
    res.check("Depends names " + ", ".join(DEPENDS), not missing, f"missing {missing}; Depends: {f['Depends']}")


def list_files(deb):
    """{path without ./: (mode string, owner)} from dpkg-deb -c."""
    out = {}
    for line in run(["dpkg-deb", "-c", deb]).stdout.splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6:
            path = parts[5].split(" -> ")[0]
            out[path[2:] if path.startswith("./") else path] = (parts[0], parts[1])
    return out


def check_files(res, deb, source_dir):
    files = list_files(deb)
    res.check("usr/bin/stand-kiosk, -rwxr-xr-x", files.get("usr/bin/stand-kiosk", ("",))[0] == "-rwxr-xr-x",
              str(files.get("usr/bin/stand-kiosk")))
    content = sorted(os.path.relpath(p, source_dir) for p in glob.glob(os.path.join(source_dir, "content", "**", "*.toml"),
                                                                         recursive=True))
    missing = [c for c in content if f"usr/share/stand-kiosk/{c}" not in files]
    res.check(f"all {len(content)} content/**/*.toml under usr/share/stand-kiosk", content and not missing,
              f"missing {missing}")
    logos = sorted(os.path.relpath(p, source_dir) for p in glob.glob(os.path.join(source_dir, "assets", "logos", "*.png")))
    missing = [c for c in logos if f"usr/share/stand-kiosk/{c}" not in files]
    res.check(f"all {len(logos)} assets/logos/*.png under usr/share/stand-kiosk", logos and not missing,
              f"missing {missing}")
    res.check("no build scripts in the assets", not [p for p in files if p.startswith("usr/share/stand-kiosk/")
                                                      and p.endswith(".sh")])
    for p in ["etc/stand-kiosk/kiosk.toml", f"lib/systemd/system/{UNIT_NAME}", "usr/share/doc/stand-kiosk/README.md",
              "usr/share/doc/stand-kiosk/deploy.md"]:
        res.check(f"{p} is in the package", p in files and files[p][0].startswith("-rw-r--r--"), str(files.get(p)))
    not_root = [p for p, (_, owner) in files.items() if owner != "root/root"]
    res.check("every file is owned by root/root", not not_root, f"{not_root[:3]}")
    return files


def check_control(res, deb, control):
    run(["dpkg-deb", "-e", deb, control])
    for s in ("postinst", "prerm", "postrm"):
        p = os.path.join(control, s)
        mode = os.stat(p).st_mode if os.path.exists(p) else 0
        syntax = run(["sh", "-n", p]) if mode else None
        res.check(f"control: {s} is 0755 and `sh -n` clean", mode and stat.S_IMODE(mode) == 0o755
                  and syntax.returncode == 0, f"mode {oct(stat.S_IMODE(mode))}" + (f", {syntax.stderr.strip()}"
                                                                                   if syntax and syntax.returncode else ""))
    conffiles = open(os.path.join(control, "conffiles")).read().split() if os.path.exists(
        os.path.join(control, "conffiles")) else None
    res.check("control: conffiles is exactly /etc/stand-kiosk/kiosk.toml", conffiles == ["/etc/stand-kiosk/kiosk.toml"],
              str(conffiles))


# ---- 5: the default config and the packaged binary ------------------------------------------

def loader_keys(source_dir):
    """{table: {keys}} that kiosk/core/config.cpp reads: r.table("t") then X.str/number("k")."""
    keys, table = {}, None
    with open(os.path.join(source_dir, "kiosk", "core", "config.cpp"), encoding="utf-8") as f:
        for line in f:
            m = re.search(r'r\.table\("(\w+)"', line)
            if m:
                table = m.group(1)
                keys[table] = set()
            for k in re.findall(r'\b\w+\.(?:str|number|integer|boolean|flag|array|strings)\("(\w+)"', line):
                if table:
                    keys[table].add(k)
    return keys


def check_config(res, root, source_dir, tmp):
    path = os.path.join(root, "etc", "stand-kiosk", "kiosk.toml")
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        res.check("kiosk.toml parses as TOML (tomllib)", True, ", ".join(f"[{t}]" for t in doc))
    except (OSError, tomllib.TOMLDecodeError) as e:
        res.check("kiosk.toml parses as TOML (tomllib)", False, str(e))
        return
    lines = open(path, encoding="utf-8").read().splitlines()
    bare = [l.split("=")[0].strip() for i, l in enumerate(lines)
            if re.match(r"\s*\w+\s*=", l) and not (i > 0 and lines[i - 1].lstrip().startswith("#"))]
    res.check("every key in kiosk.toml has a comment right above it", not bare, f"uncommented: {bare}")
    want = loader_keys(source_dir)
    missing = [f"{t}.{k}" for t, ks in want.items() for k in sorted(ks) if k not in doc.get(t, {})]
    res.check(f"kiosk.toml has every key the loader reads ({sum(len(v) for v in want.values())} in config.cpp)",
              bool(want) and not missing, f"missing {missing}")
    exe = os.path.join(root, "usr", "bin", "stand-kiosk")
    # status only reads (a missing data dir is an error): give it a database first.
    run([exe, "--config", path, "leads", "generate", "--count", "1", "--data-dir", os.path.join(tmp, "status-data")],
        timeout=60)
    r = run([exe, "--config", path, "status", "--data-dir", os.path.join(tmp, "status-data")], timeout=60)
    res.check("packaged stand-kiosk --config kiosk.toml status: exit 0, no problem lines on stderr",
              r.returncode == 0 and not r.stderr.strip(), f"exit {r.returncode}, stderr {r.stderr.strip()[:300]!r}")
    r = run([exe, "check-content", os.path.join(root, "usr", "share", "stand-kiosk", "content")], timeout=60)
    res.check("packaged stand-kiosk check-content accepts the packaged content and logos", r.returncode == 0,
              f"exit {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}")


# ---- 6: the unit ----------------------------------------------------------------------------

def unit_settings(path):
    s = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            k, v = line.split("=", 1)
            s.setdefault(k.strip(), []).append(v.strip())
    return s


def check_unit(res, root, tmp):
    src = os.path.join(root, "lib", "systemd", "system", UNIT_NAME)
    s = unit_settings(src)
    one = lambda k: (s.get(k) or [""])[-1]
    exec_start = one("ExecStart").split()
    checks = [
        ("Type=notify", one("Type") == "notify"),
        ("NotifyAccess=all (the kiosk is cage's child)", one("NotifyAccess") == "all"),
        ("WatchdogSec set", one("WatchdogSec") not in ("", "0")),
        ("Restart=always", one("Restart") == "always"),
        ("RestartSec <= 5 s", re.fullmatch(r"[0-5](\.\d+)?s?", one("RestartSec") or "x") is not None),
        ("User=stand-kiosk, Group=stand-kiosk", one("User") == "stand-kiosk" and one("Group") == "stand-kiosk"),
        ("TTYPath=/dev/tty1, Conflicts=getty@tty1.service", one("TTYPath") == "/dev/tty1"
         and "getty@tty1.service" in " ".join(s.get("Conflicts", []))),
        ("Environment SDL_VIDEODRIVER=wayland", "SDL_VIDEODRIVER=wayland" in " ".join(s.get("Environment", []))),
        ("ExecStart is cage without -s (no VT switching)", exec_start[:1] == ["/usr/bin/cage"]
         and "-s" not in exec_start[:exec_start.index("--") if "--" in exec_start else len(exec_start)]),
        ("ExecStart runs /usr/bin/stand-kiosk with /etc/stand-kiosk/kiosk.toml and /var/lib/stand-kiosk",
         "/usr/bin/stand-kiosk" in exec_start and "/etc/stand-kiosk/kiosk.toml" in exec_start
         and "/var/lib/stand-kiosk" in exec_start and one("StateDirectory") == "stand-kiosk"),
        ("the paths in ExecStart are in the package", all(os.path.exists(os.path.join(root, p.lstrip("/")))
                                                          for p in ("usr/bin/stand-kiosk", "etc/stand-kiosk/kiosk.toml"))),
        ("TimeoutStopSec leaves room for the 2 s shutdown", one("TimeoutStopSec") not in ("", "0")),
        ("LimitCORE=0 (a crash writes no visitor data to disk)", one("LimitCORE") == "0"),
        ("WantedBy=graphical.target", "graphical.target" in " ".join(s.get("WantedBy", []))),
    ]
    for name, ok in checks:
        res.check("unit: " + name, ok)
    if not shutil.which("systemd-analyze"):
        res.skip("unit: systemd-analyze verify", "systemd-analyze not installed")
        return
    vdir = os.path.join(tmp, "verify")
    os.makedirs(vdir)
    text = open(src, encoding="utf-8").read()
    missing_bins = sorted({a for v in s.get("ExecStart", []) for a in v.split()[:1] if not os.access(a, os.X_OK)})
    for b in missing_bins:
        stub = os.path.join(vdir, "stub-" + os.path.basename(b))
        with open(stub, "w") as f:
            f.write("#!/bin/sh\n# stand-in for %s during systemd-analyze verify\nexit 0\n" % b)
        os.chmod(stub, 0o755)
        text = re.sub(r"(ExecStart=[-@:+!]*)" + re.escape(b) + r"\b", lambda m: m.group(1) + stub, text)
        print(f"note: {b} is not installed here; the verified copy of the unit runs a stub at {stub} instead "
              f"(apt-get install cage to verify against the real one)", flush=True)
    with open(os.path.join(vdir, UNIT_NAME), "w") as f:
        f.write(text)
    r = run(["systemd-analyze", "verify", "--man=no", os.path.join(vdir, UNIT_NAME)], timeout=120)
    lines = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
    ours = [l for l in lines if "stand-kiosk" in l]
    for l in lines:
        if l not in ours:
            print(f"note: systemd-analyze verify, about another unit (not counted): {l}", flush=True)
    res.check("unit: systemd-analyze verify --man=no: exit 0, nothing about stand-kiosk.service"
              + (" (cage stubbed)" if missing_bins else ""), r.returncode == 0 and not ours,
              f"exit {r.returncode}: {ours[:3]}")


# ---- 7: maintainer scripts in a private mount namespace -------------------------------------

def real_machine_state():
    return {"user": run(["getent", "passwd", "stand-kiosk"]).stdout.strip(),
            "group": run(["getent", "group", "stand-kiosk"]).stdout.strip(),
            "var": os.path.exists("/var/lib/stand-kiosk"), "etc": os.path.exists("/etc/stand-kiosk")}


def in_namespace(root, control, out_json):
    """Runs inside `unshare --mount --propagation private`: nothing here reaches the real machine."""
    results = []
    check = lambda name, ok, detail="": results.append((name, bool(ok), str(detail)))
    stage = tempfile.mkdtemp(prefix="ns-", dir=os.path.dirname(out_json))
    sh = lambda cmd: subprocess.run(cmd, shell=True, check=True)
    sh(f"mount -t tmpfs tmpfs {stage} && mkdir {stage}/etc && cp -a /etc/. {stage}/etc/ && mount --bind {stage}/etc /etc")
    sh("mount -t tmpfs tmpfs /var && mkdir -p /var/lib /var/log /var/tmp /var/cache && mount -t tmpfs tmpfs /run")
    shutil.copytree(os.path.join(root, "etc", "stand-kiosk"), "/etc/stand-kiosk")
    exe = os.path.join(root, "usr", "bin", "stand-kiosk")
    script = lambda name, *args: run([os.path.join(control, name), *args], timeout=120)
    as_kiosk = ["setpriv", "--reuid=stand-kiosk", "--regid=stand-kiosk", "--init-groups", "--"]
    conf, state = "/etc/stand-kiosk/kiosk.toml", "/var/lib/stand-kiosk"

    def owner_mode(p):
        st = os.stat(p)
        return (run(["id", "-nu", str(st.st_uid)]).stdout.strip() or str(st.st_uid),
                run(["getent", "group", str(st.st_gid)]).stdout.split(":")[0] or str(st.st_gid),
                oct(stat.S_IMODE(st.st_mode)))

    r = script("postinst", "configure", "")
    check("postinst configure: exit 0", r.returncode == 0, r.stderr.strip())
    pw = run(["getent", "passwd", "stand-kiosk"]).stdout.strip().split(":")
    check("postinst: created the system user stand-kiosk (uid < 1000, no login shell, home /var/lib/stand-kiosk)",
          len(pw) == 7 and int(pw[2]) < 1000 and pw[6].endswith(("nologin", "false")) and pw[5] == state, ":".join(pw))
    check("postinst: created the group stand-kiosk", run(["getent", "group", "stand-kiosk"]).returncode == 0)
    check(f"postinst: {state} is a folder, stand-kiosk:stand-kiosk 0700",
          os.path.isdir(state) and owner_mode(state) == ("stand-kiosk", "stand-kiosk", "0o700"),
          owner_mode(state) if os.path.exists(state) else "missing")
    check(f"postinst: {conf} is root:stand-kiosk 0640 (it holds secrets)",
          owner_mode(conf) == ("root", "stand-kiosk", "0o640"), owner_mode(conf))
    r = script("postinst", "configure", "0.0.9")
    check("postinst configure again (an upgrade): exit 0, still one user",
          r.returncode == 0 and run(["grep", "-c", "^stand-kiosk:", "/etc/passwd"]).stdout.strip() == "1",
          r.stderr.strip())
    r = run(as_kiosk + [exe, "leads", "generate", "--count", "5", "--config", conf, "--data-dir", state])
    check("as stand-kiosk: the packaged binary stores leads in /var/lib/stand-kiosk/leads.db",
          r.returncode == 0 and os.path.exists(f"{state}/leads.db"), (r.stdout + r.stderr).strip()[-200:])
    if os.path.exists(f"{state}/leads.db"):
        check("leads.db belongs to stand-kiosk, 0600", owner_mode(f"{state}/leads.db")[0] == "stand-kiosk"
              and owner_mode(f"{state}/leads.db")[2] == "0o600", owner_mode(f"{state}/leads.db"))
    r = run(as_kiosk + [exe, "status", "--config", conf, "--data-dir", state])
    check("as stand-kiosk: status reads the config with no problem lines", r.returncode == 0 and not r.stderr.strip()
          and "5 in total" in r.stdout, r.stderr.strip()[:200])
    r = run([exe, "set-pin", "--config", conf], input="2468\n")
    check("as root: stand-kiosk set-pin --config /etc/stand-kiosk/kiosk.toml: exit 0", r.returncode == 0,
          (r.stdout + r.stderr).strip())
    check("after set-pin: kiosk.toml is still root:stand-kiosk 0640", owner_mode(conf) == ("root", "stand-kiosk", "0o640"),
          owner_mode(conf))
    r = run(as_kiosk + [exe, "status", "--config", conf, "--data-dir", state])
    check("after set-pin, as stand-kiosk: the config still reads without problems (else the kiosk runs on defaults "
          "and the demo PIN)", r.returncode == 0 and not r.stderr.strip(), r.stderr.strip()[:200])
    r1, r2 = script("prerm", "remove"), script("postrm", "remove")
    check("prerm remove, postrm remove: exit 0, leads.db kept", r1.returncode == 0 and r2.returncode == 0
          and os.path.exists(f"{state}/leads.db"), (r1.stderr + r2.stderr).strip())
    r = script("postrm", "purge")
    check("postrm purge: exit 0, leads.db kept, and it says so", r.returncode == 0 and os.path.exists(f"{state}/leads.db")
          and "leads.db" in r.stderr, r.stderr.strip())
    for f in glob.glob(f"{state}/leads.db*"):
        os.remove(f)
    r = script("postrm", "purge")
    check("postrm purge with no leads.db: exit 0, /var/lib/stand-kiosk removed", r.returncode == 0
          and not os.path.exists(state), r.stderr.strip())
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
    if before["user"] or before["var"]:
        print(f"note: this machine already has a stand-kiosk user or /var/lib/stand-kiosk: {before}", flush=True)
    # The packaged binary must be reachable by the stand-kiosk user.
    for d in (tmp, root, os.path.join(root, "usr"), os.path.join(root, "usr", "bin")):
        os.chmod(d, 0o755)
    out_json = os.path.join(tmp, "ns-results.json")
    r = run(["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__),
             "--in-namespace", "--root", root, "--control", control, "--out-json", out_json], timeout=300)
    if not os.path.exists(out_json):
        res.check("maintainer scripts ran in the namespace", False, (r.stdout + r.stderr).strip()[-500:])
    else:
        for name, ok, detail in json.load(open(out_json)):
            res.check(name, ok, detail if not ok or detail.count(":") > 3 else "")
    after = real_machine_state()
    res.check("the real machine is untouched (no new user, no /var/lib/stand-kiosk, no /etc/stand-kiosk)",
              after == before, f"before {before}, after {after}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", help="the built kiosk (informational; the package test runs the packaged binary)")
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
    tmp = tempfile.mkdtemp(prefix="kiosk-package-")
    try:
        deb = build_deb(res, os.path.abspath(a.build_dir), os.path.join(tmp, "cpack"))
        if deb:
            check_fields(res, deb, a.source_dir)
            check_files(res, deb, a.source_dir)
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
