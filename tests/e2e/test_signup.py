#!/usr/bin/env python3
"""Lead capture end to end: the real kiosk, full screen under Xvfb (1920x1080), driven line by
line through `--script -` like a visitor's finger, and the lead database checked with sqlite3.

1. An empty form is submitted: the kiosk stays on the sign-up and stores nothing.
2. A half-filled form is left alone for 61 s: the kiosk returns to attract, and the next
   sign-up starts with every field empty (and nothing was stored).
3. A complete sign-up in German (umlauts, ß, apostrophe, ampersand, spaces around a
   mixed-case email, two sectors, two exhibitors, consent, newsletter) and one in English
   (started from a company's profile, so that exhibitor is preselected; no newsletter):
   each reaches `thanks`, and every column of its row in DATA_DIR/leads.db is checked,
   as is the JSON payload that sync sends.
4. PRAGMA integrity_check, and leads.db (and its -wal/-shm) readable by the owner only.
"""
import hashlib
import json
import os
import re
import sqlite3
import stat
import sys
import time
import tomllib
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

REPO = harness.REPO
EXHIBITORS = ["ancoats-code-assurance", "bollin-ot-defence", "chorlton-care-insights", "etherow-health-link",
              "irk-valley-hydrogen", "medlock-gas-sensing"]
SECTORS = ["hydrogen", "cybersecurity", "digital-health"]


class Driver:
    """Script steps that must succeed; a failing step is a failed check."""

    def __init__(self, kiosk, results):
        self.k = kiosk
        self.r = results

    def do(self, line, check=True):
        ok, answer = self.k.cmd(line)
        if check or not ok:
            self.r.check(line if line.strip() else "(empty line)", ok, answer)
        return ok

    def quiet(self, line):
        """A step checked only when it fails (typing, taps), to keep the report readable."""
        ok, answer = self.k.cmd(line)
        if not ok:
            self.r.check(line, False, answer)
        return ok

    # The form's right column, top to bottom (the demo content's exhibitors and sectors).
    COLUMN = ["signup.exhibitor." + c for c in EXHIBITORS] + ["signup.sector." + s for s in SECTORS] + [
        "signup.consent", "signup.privacy", "signup.newsletter"]

    def reveal(self, widget):
        """Drags the form's right column until `widget` is on screen (a finger could not tap it otherwise)."""
        last = None
        flip = 1
        for _ in range(8):
            on_screen = self.k.ids()
            if widget in on_screen:
                return True
            handles = {w: pos for w, pos in on_screen.items() if w in self.COLUMN}
            if not handles:
                break
            # Below what is visible: drag the column up; above: down. If a drag moved
            # nothing (an end of the column), go the other way.
            at = self.COLUMN.index(widget) if widget in self.COLUMN else len(self.COLUMN)
            up = at > max(self.COLUMN.index(w) for w in handles)
            if handles == last:
                flip = -flip
            last = handles
            handle = max(handles, key=lambda w: handles[w][3])  # the tallest row: easy to hit
            self.quiet(f"drag {handle} 0 {(-400 if up else 400) * flip}")
        self.r.check(f"{widget} can be scrolled into view", False)
        return False

    def tap(self, widget):
        if widget.startswith("signup.exhibitor.") or widget.startswith("signup.sector.") or widget in (
                "signup.consent", "signup.newsletter"):
            if not self.reveal(widget):
                return False
        return self.quiet(f"tap {widget}")


def fill_form(d, values, sectors, exhibitors, consent=True, newsletter=True):
    """Types every field through the on-screen keyboard (Next moves to the following one)."""
    fields = ["first_name", "last_name", "email", "company", "job_title", "phone", "message"]
    d.tap("signup.first_name")
    for i, f in enumerate(fields):
        if f in values:
            d.quiet(f"type {values[f]}")
        d.quiet("tap kbd.next" if i + 1 < len(fields) else "tap kbd.done")
    for f in fields:
        d.do(f"expect-text signup.{f} {values.get(f, '')}")
    for s in sectors:
        d.tap(f"signup.sector.{s}")
    for e in exhibitors:
        d.tap(f"signup.exhibitor.{e}")
    if consent:
        d.tap("signup.consent")
    if newsletter:
        d.tap("signup.newsletter")


def iso(ms):
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def check_lead(r, row, want, consent, event_id, window_ms):
    """Every column of one stored lead, then its JSON payload against the columns."""
    tag = f"[{want['lang']}]"
    r.check(f"{tag} id is a random (v4) UUID", re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row["id"] or ""), repr(row["id"]))
    lo, hi = window_ms
    r.check(f"{tag} created_ms is a time during this run", isinstance(row["created_ms"], int) and lo <= row["created_ms"] <= hi,
            f"{row['created_ms']!r} not in [{lo}, {hi}]")
    r.equal(f"{tag} kiosk_id", row["kiosk_id"], "kiosk-1")
    r.equal(f"{tag} event_id", row["event_id"], event_id)
    r.equal(f"{tag} lang", row["lang"], want["lang"])
    for col in ("first_name", "last_name", "email", "company", "job_title", "phone", "message"):
        r.equal(f"{tag} {col}", row[col], want[col])
    for col in ("sectors", "exhibitors"):
        try:
            v = json.loads(row[col])
        except (TypeError, ValueError) as e:
            r.check(f"{tag} {col} is JSON", False, f"{row[col]!r}: {e}")
            continue
        r.check(f"{tag} {col} is a JSON list of strings without repeats",
                isinstance(v, list) and all(isinstance(x, str) for x in v) and len(set(v)) == len(v), repr(v))
        r.check(f"{tag} {col} == {sorted(want[col])} (in any order)", isinstance(v, list) and sorted(v) == sorted(want[col]),
                repr(v))
    r.equal(f"{tag} consent_version (content/consent.toml)", row["consent_version"], consent["version"])
    r.check(f"{tag} consent_sha256 is 64 hex digits", re.fullmatch(r"[0-9a-f]{64}", row["consent_sha256"] or ""),
            repr(row["consent_sha256"]))
    lang = want["lang"]
    shown = consent["label"][lang] + "\n\n" + consent["summary"][lang]
    r.equal(f"{tag} consent_sha256 is the SHA-256 of the {lang} label and summary", row["consent_sha256"],
            hashlib.sha256(shown.encode("utf-8")).hexdigest())
    r.equal(f"{tag} consent_lang", row["consent_lang"], lang)
    r.check(f"{tag} consent_ms is a time during this run, not after created_ms",
            isinstance(row["consent_ms"], int) and lo <= row["consent_ms"] <= (row["created_ms"] or 0),
            f"consent_ms {row['consent_ms']!r}, created_ms {row['created_ms']!r}")
    r.equal(f"{tag} newsletter", row["newsletter"], 1 if want["newsletter"] else 0)
    r.equal(f"{tag} source", row["source"], "kiosk")
    r.equal(f"{tag} sync_state", row["sync_state"], "pending")
    r.equal(f"{tag} sync_error", row["sync_error"], "")
    r.equal(f"{tag} synced_ms", row["synced_ms"], None)

    try:
        p = json.loads(row["payload"])
    except (TypeError, ValueError) as e:
        r.check(f"{tag} payload is JSON", False, f"{row['payload']!r}: {e}")
        return
    r.check(f"{tag} payload is a JSON object", isinstance(p, dict), repr(p))
    if not isinstance(p, dict):
        return
    expected = {
        "id": row["id"], "created_at": iso(row["created_ms"]), "kiosk_id": row["kiosk_id"], "event_id": row["event_id"],
        "language": row["lang"], "first_name": row["first_name"], "last_name": row["last_name"],
        "email": row["email"], "company": row["company"], "job_title": row["job_title"], "phone": row["phone"],
        "message": row["message"], "sectors": json.loads(row["sectors"]), "exhibitors": json.loads(row["exhibitors"]),
        "consent": {"version": row["consent_version"], "text_sha256": row["consent_sha256"],
                    "language": row["consent_lang"], "given_at": iso(row["consent_ms"])},
        "newsletter": bool(row["newsletter"]), "source": row["source"],
        "answers": want["answers"], "capture": "typed", "form_version": row["form_version"],
    }
    r.equal(f"{tag} answers column", json.loads(row["answers"]), want["answers"])
    r.check(f"{tag} form_version is the form's hash", len(row["form_version"]) == 16, row["form_version"])
    for key, value in expected.items():
        r.equal(f"{tag} payload.{key}", p.get(key, "<missing>"), value)
    extra = sorted(set(p) - set(expected))
    r.check(f"{tag} payload has no other keys", not extra, repr(extra))


def main() -> int:
    kiosk_bin, out = harness.kiosk_and_out()
    data = os.path.join(out, "data")  # created by the kiosk itself
    db_path = os.path.join(data, "leads.db")
    with open(os.path.join(REPO, "content", "consent.toml"), "rb") as f:
        consent = tomllib.load(f)
    with open(os.path.join(REPO, "content", "event.toml"), "rb") as f:
        event_id = tomllib.load(f)["id"]

    r = harness.Results()
    t_start = time.monotonic()

    def leads():
        if not os.path.exists(db_path):
            return None
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        try:
            return [dict(x) for x in con.execute("SELECT * FROM leads ORDER BY created_ms")]
        finally:
            con.close()

    with harness.KioskSession(out) as session:
        wall_start = int(time.time() * 1000) - 1000
        kiosk = session.start(kiosk_bin, "--data-dir", data)
        d = Driver(kiosk, r)

        # -- 1: an empty form is not stored ------------------------------------------------
        d.do("expect-screen attract")
        d.quiet("tap attract.start")
        d.do("expect-screen browse")
        d.quiet("tap browse.signup")
        d.do("expect-screen signup")
        d.quiet("tap signup.submit")
        d.do("expect-screen signup")  # validation errors: the form stays
        d.do("expect-text signup.first_name ")
        r.check("the data folder and leads.db exist (the store opens at start-up)", os.path.exists(db_path))
        rows = leads()
        r.equal("leads stored after an empty submit", len(rows or []), 0)
        d.quiet("shot validation-errors.png")

        # -- 2: a half-filled form is wiped after 60 s without a touch ----------------------
        d.quiet("tap signup.first_name")
        d.quiet("type Halb")
        d.quiet("tap kbd.next")
        d.quiet("type Ausgefüllt")
        d.quiet("tap kbd.next")
        d.quiet("type halb@example.de")
        d.quiet("tap kbd.done")
        d.tap("signup.exhibitor.bollin-ot-defence")
        d.tap("signup.consent")
        d.do("expect-text signup.last_name Ausgefüllt")
        d.do("wait 61000")
        d.do("expect-screen attract")
        d.quiet("tap attract.start")
        d.quiet("tap browse.signup")
        d.do("expect-screen signup")
        for f in ("first_name", "last_name", "email", "company", "job_title", "phone", "message"):
            d.do(f"expect-text signup.{f} ")
        r.equal("leads stored after the idle reset", len(leads() or []), 0)

        # -- 3a: a complete sign-up in German ---------------------------------------------
        de = {
            "first_name": "Zoë", "last_name": "Müller-Lüdenscheidt", "email": "  Zoe.Mueller@Example.DE ",
            "company": "O'Brien & Söhne GmbH", "job_title": "Leiterin Einkauf", "phone": "+49 201 632488-0",
            "message": "Grüße aus Essen: Straße, Maße, Größe. ÄÖÜ äöü ß!",
        }
        fill_form(d, de, ["hydrogen", "digital-health"], ["irk-valley-hydrogen", "etherow-health-link"])
        d.quiet("shot signup-de.png")
        d.quiet("tap signup.submit")
        d.do("expect-screen thanks")
        d.quiet("shot thanks-de.png")
        # While the kiosk runs, the -wal and -shm files hold lead data too.
        for suffix in ("", "-wal", "-shm"):
            path = db_path + suffix
            r.check(f"file mode of leads.db{suffix} while the kiosk runs is 0600", os.path.exists(path)
                    and stat.S_IMODE(os.stat(path).st_mode) == 0o600,
                    oct(stat.S_IMODE(os.stat(path).st_mode)) if os.path.exists(path) else "missing")
        d.quiet("tap thanks.done")
        d.do("expect-screen attract")

        # -- 3b: in English, from a company's profile --------------------------------------
        d.quiet("tap attract.start")
        d.quiet("tap lang.en")
        d.quiet("tap browse.card.medlock-gas-sensing")
        d.do("expect-screen profile")
        d.quiet("tap profile.contact")
        d.do("expect-screen signup")
        # The previous visitor scrolled this column down to reach the newsletter; a new
        # visit starts at its top (nothing of the last visitor is left, not even a scroll).
        r.check("a new visit's form starts scrolled to the top",
                "signup.exhibitor.ancoats-code-assurance" in kiosk.ids())
        en = {
            # Letters on no layer of the keyboard: typed by long presses (ș ă), stored NFC as typed.
            "first_name": "Łukasz", "last_name": "Żółć-Ștefănescu O'Connor", "email": "Sean.OConnor@Mail.Example.CO.UK  ",
            "company": "Smith & Jones Ltd", "job_title": "CTO", "phone": "+44 (0)161 555 0199",
            "message": "Hello from Manchester; café, naïve façade?",
        }
        fill_form(d, en, ["cybersecurity", "hydrogen"], ["ancoats-code-assurance"], newsletter=False)
        # The shipped form's own question (content/form.toml): a choice, answered by a chip.
        d.tap("signup.interest.partnership")
        d.do("expect-text signup.interest.partnership true")
        d.quiet("shot signup-en.png")
        d.quiet("tap signup.submit")
        d.do("expect-screen thanks")
        d.quiet("shot thanks-en.png")
        r.equal("kiosk exit status at the end of its input", kiosk.close(), 0)
        wall_end = int(time.time() * 1000)

        # -- the database -------------------------------------------------------------------
        rows = leads() or []
        r.equal("leads stored", len(rows), 2)
        # The virtual clock starts at the wall clock and runs ahead of it (every frame is 1/60 s).
        window = (wall_start, wall_end + 30 * 60 * 1000)
        for want in (
            dict(de, lang="de", email="Zoe.Mueller@example.de", sectors=["hydrogen", "digital-health"],
                 exhibitors=["irk-valley-hydrogen", "etherow-health-link"], newsletter=True, answers={}),
            dict(en, lang="en", email="Sean.OConnor@mail.example.co.uk", sectors=["cybersecurity", "hydrogen"],
                 exhibitors=["medlock-gas-sensing", "ancoats-code-assurance"], newsletter=False,
                 answers={"interest": "partnership"}),
        ):
            mine = [x for x in rows if x["lang"] == want["lang"]]
            if not r.check(f"one {want['lang']} lead stored", len(mine) == 1, f"{len(mine)} found"):
                continue
            check_lead(r, mine[0], want, consent, event_id, window)
        r.check("the two leads have different ids", len({x["id"] for x in rows}) == len(rows))
        r.check("nothing of the wiped form was stored", not any("Halb" in json.dumps(x) for x in rows))

        con = sqlite3.connect(db_path)
        try:
            r.equal("PRAGMA integrity_check", [x[0] for x in con.execute("PRAGMA integrity_check")], ["ok"])
        finally:
            con.close()
        r.equal("file mode of leads.db", oct(stat.S_IMODE(os.stat(db_path).st_mode)), "0o600")
        r.equal("file mode of the data folder it created", oct(stat.S_IMODE(os.stat(data).st_mode)), "0o700")
    print(f"runtime {time.monotonic() - t_start:.1f} s")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
