#!/usr/bin/env python3
"""The thank-you screen's QR codes read by a real QR decoder (issue 15, "After Absenden").

The real kiosk under Xvfb at 1920x1080, 1080x1920 and 3840x2160, in German and in English:
a visitor signs up choosing five exhibitors; on `thanks` the script's `ids` gives the
rectangles of `thanks.receipt` and `thanks.contact.<id>`, `value` the text each code should
hold, and a screenshot of the frame is cropped to each rectangle and decoded with zbarimg
(Debian zbar-tools): what the phone would read must be exactly the kiosk's text. The receipt
holds the stored lead's id and the withdrawal link with it, and nothing the visitor typed.
The screenshots stay in --out to look at: thanks-<size>-<lang>.png, and signup-<size>-<lang>.png
(the form filled in, saying what happens next: German with confirmation_email = true, English
without).

Ends with `N passed, M failed`; without zbarimg or PIL the decoding is skipped (exit 77).
"""
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

if "/usr/lib/python3/dist-packages" not in sys.path:  # Debian's python3-pil under pyenv
    sys.path.append("/usr/lib/python3/dist-packages")

REPO = harness.REPO
EXHIBITORS = ["ancoats-code-assurance", "bollin-ot-defence", "chorlton-care-insights",
              "etherow-health-link", "irk-valley-hydrogen"]
WITHDRAW = "https://hub.example.org/withdraw"


def unescape(s):
    """`value`'s one-line form back to the text (\\n, \\r, \\t, \\\\)."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "nrt\\":
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def value(k, widget):
    ok, _ = k.cmd(f"value {widget}")
    lines = [l for l in k.output if l.startswith("= ")]
    return unescape(lines[0][2:]) if ok and lines else None


def decode(image, rect, tmp):
    """The QR code zbarimg reads in `rect` (x, y, w, h) of the screenshot, or None."""
    x, y, w, h = rect
    pad = max(4, w // 20)  # a little of the white around it
    crop = image.crop((max(0, x - pad), max(0, y - pad), x + w + pad, y + h + pad))
    path = os.path.join(tmp, "crop.png")
    crop.save(path)
    p = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", path],
                       capture_output=True, timeout=60)
    return p.stdout.decode("utf-8", "replace") if p.returncode == 0 else None


def one_run(r, kiosk_bin, out, size, lang, Image):
    tag = f"{size}-{lang}"
    run_dir = harness.fresh_dir(os.path.join(out, tag))
    data = os.path.join(run_dir, "data")
    config = os.path.join(run_dir, "kiosk.toml")
    diagonal = 55 if size == "3840x2160" else 43
    with open(config, "w", encoding="utf-8") as f:
        # Sync on (towards nothing: no upload will succeed) so the receipt carries the link.
        # German with double opt-in, English without: both of the form's "what happens next".
        f.write(f'[screen]\ndiagonal_inch = {diagonal}\n[signup]\nconfirmation_email = {"true" if lang == "de" else "false"}\n'
                f'[sync]\nendpoint = "https://127.0.0.1:9/kiosk/v1/leads"\nwithdraw_url = "{WITHDRAW}"\n')
    with harness.KioskSession(run_dir, size) as session:
        k = session.start(kiosk_bin, "--content", os.path.join(REPO, "content"), "--data-dir", data,
                          "--config", config)
        steps = [f"tap lang.{lang}", "tap attract.start", "tap browse.signup", "tap signup.first_name", "type Ada",
                 "tap kbd.next", "type Lovelace", "tap kbd.next", "type ada@example.org", "tap kbd.done"]
        steps += [f"tap signup.exhibitor.{e}" for e in EXHIBITORS]
        steps += ["tap signup.consent", f"shot {os.path.join(out, f'signup-{tag}.png')}", "tap signup.submit",
                  "expect-screen thanks"]
        ok, why = k.run(steps)
        if not r.check(f"{tag}: signed up, thanks shows", ok, why):
            return
        shot = os.path.join(out, f"thanks-{tag}.png")
        k.cmd(f"shot {shot}")
        ids = k.ids()
        texts = {w: value(k, w) for w in ["thanks.receipt"] + [f"thanks.contact.{e}" for e in EXHIBITORS]}
        k.cmd("quit")
        k.close()
    db = sqlite3.connect(os.path.join(data, "leads.db"))
    lead_id = db.execute("SELECT id FROM leads").fetchone()[0]
    db.close()
    receipt = texts["thanks.receipt"] or ""
    r.check(f"{tag}: the receipt holds the stored lead's id and the withdrawal link",
            receipt.endswith(f"{WITHDRAW}?lead={lead_id}"), receipt)
    r.check(f"{tag}: … and nothing the visitor typed",
            not any(p in receipt for p in ("Ada", "Lovelace", "ada@example.org")), receipt)
    if not os.path.exists(shot):
        r.check(f"{tag}: screenshot written", False, shot)
        return
    image = Image.open(shot).convert("RGB")
    for widget, want in texts.items():
        rect = ids.get(widget)
        if not r.check(f"{tag}: {widget} on screen", rect is not None and want is not None, f"ids: {sorted(ids)}"):
            continue
        got = decode(image, rect, run_dir)
        # zbarimg ends what it read with a line break of its own (the vCard's last CRLF merges into it).
        same = got is not None and got.rstrip("\r\n") == want.rstrip("\r\n")
        r.check(f"{tag}: zbarimg reads {widget} as the kiosk's text", same,
                f"read {got!r}, want {want!r}")


def main():
    kiosk_bin, out = harness.kiosk_and_out()
    if shutil.which("zbarimg") is None:
        return harness.skip_script("no zbarimg (Debian zbar-tools; platform/linux/kiosk-dev installs it)")
    try:
        from PIL import Image
    except ImportError:
        return harness.skip_script("no PIL (Debian python3-pil)")
    r = harness.Results()
    for size in ("1920x1080", "1080x1920", "3840x2160"):
        for lang in ("de", "en"):
            one_run(r, kiosk_bin, out, size, lang, Image)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
