#!/usr/bin/env python3
"""The lead form comes from content (issue 11, "Done when"): questions added only in a copy of
content/form.toml, with no rebuild, reach every layer of the real kiosk.

1. A copy of content/ gets a required text field `country` (max_chars 20), a required choice
   `budget` (three options), an optional multi `topics` and an optional yes/no `callback`;
   `kiosk check-content` passes.
2. The real kiosk under Xvfb, driven by script, in German and in English (1920x1080, and a
   look at 1080x1920): the new widgets are there; the option labels are the content's (a
   chip's width follows its label, so a long German and a short English label give chips of
   very different widths, an equal label equal ones); the labels are drawn (the strip above
   the text field differs between the languages); submitting without the required answers
   stays on the sign-up, stores nothing and shows an error next to each new field; text
   past max_chars is cut; answering stores the lead.
3. leads.db: the answers JSON (option ids), form_version (16 hex digits), capture "typed",
   and the forms table holding the definition.
4. `kiosk export`: CSV with a column per new field, its header in the export language and
   the option labels in the cells; JSONL with "answers" of option ids; XLSX read by openpyxl
   (every cell equals the CSV's, no cell is a formula, a typed "=1+2" stays a string, the
   header row frozen), and LibreOffice headless converting the XLSX to CSV gives the kiosk's
   own CSV rows.
5. A mid-fair change of form.toml (topics dropped, a text field `referral` added): one more
   visitor on the same data folder; the export has the old and the new columns, the old
   leads keep their answers and leave the new column empty.
6. Synced: a real kiosk-hub on loopback (add-kiosk); after `kiosk sync --once`, `kiosk-hub
   leads --format jsonl` holds each lead's payload byte for byte as leads.db has it.

Ends with `N passed, M failed`; exit status 0 only when nothing failed. Without LibreOffice
its check is reported as skipped and the rest still runs.
"""
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402
from hub_support import kiosk_and_hub_args  # noqa: E402

# Debian's python3-openpyxl and python3-pil under another python3 (pyenv).
if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")

REPO = harness.REPO

CUSTOM_FIELDS = '''
[[field]]
id = "country"
kind = "text"
required = true
label = { de = "Land", en = "Country of residence" }
max_chars = 20

[[field]]
id = "budget"
kind = "choice"
required = true
label = { de = "Budgetrahmen", en = "Budget" }
options = [
  { id = "small",  de = "Unter zehntausend Euro", en = "Small" },
  { id = "medium", de = "Mittel", en = "Medium" },
  { id = "large",  de = "Groß", en = "Groß" },
]

[[field]]
id = "topics"
kind = "multi"
label = { de = "Themen", en = "Topics" }
options = [
  { id = "ai",       de = "KI",         en = "AI" },
  { id = "security", de = "Sicherheit", en = "Security" },
  { id = "energy",   de = "Energie",    en = "Energy" },
]

[[field]]
id = "callback"
kind = "yesno"
label = { de = "Rückruf erwünscht", en = "Please call me back" }
'''

# The mid-fair change: topics dropped, referral added.
REFERRAL_FIELD = '''
[[field]]
id = "referral"
kind = "text"
label = { de = "Wie haben Sie von uns erfahren?", en = "How did you hear of us?" }
max_chars = 40
'''

HEADERS = {"de": {"country": "Land", "budget": "Budgetrahmen", "topics": "Themen", "callback": "Rückruf erwünscht",
                  "referral": "Wie haben Sie von uns erfahren?"},
           "en": {"country": "Country of residence", "budget": "Budget", "topics": "Topics",
                  "callback": "Please call me back", "referral": "How did you hear of us?"}}
BUDGET = {"small": {"de": "Unter zehntausend Euro", "en": "Small"}, "medium": {"de": "Mittel", "en": "Medium"},
          "large": {"de": "Groß", "en": "Groß"}}
TOPICS = {"ai": {"de": "KI", "en": "AI"}, "security": {"de": "Sicherheit", "en": "Security"},
          "energy": {"de": "Energie", "en": "Energy"}}

FORMULA_START = "=+-@\t\r\n"


def drop_field(toml_text, field_id):
    """form.toml without the [[field]] entry whose id is `field_id`."""
    parts = re.split(r"(?m)^(?=\[\[field\]\])", toml_text)
    return "".join(p for p in parts if f'id = "{field_id}"' not in p.split("\n", 2)[1])


class Driver:
    """Script steps; a failing step is a failed check (quiet ones print only when they fail)."""

    def __init__(self, kiosk, results):
        self.k = kiosk
        self.r = results

    def send(self, line):
        # A failing line ends the kiosk's script: one failure is reported, not every line after it.
        if self.k.proc.poll() is not None:
            return False, None
        return self.k.cmd(line)

    def do(self, line):
        ok, answer = self.send(line)
        if answer is not None:
            self.r.check(line, ok, answer)
        return ok

    def quiet(self, line):
        ok, answer = self.send(line)
        if not ok and answer is not None:
            self.r.check(line, False, answer)
        return ok

    def reveal(self, widget, handles):
        """Drags the list that holds `handles` (ids in it, top to bottom) until `widget` is on
        screen: expect-visible sees only what is in view, as a visitor does."""
        for flip in (1, -1):
            last = None
            for _ in range(10):
                on = self.k.ids()
                if widget in on:
                    return on
                seen = [h for h in handles if h in on]
                if not seen or [on[h] for h in seen] == last:
                    break
                last = [on[h] for h in seen]
                below = handles.index(widget) > handles.index(seen[-1]) if widget in handles else True
                self.quiet(f"drag {seen[len(seen) // 2]} 0 {(-350 if below else 350) * flip}")
        self.r.check(f"{widget} can be scrolled into view", False)
        return self.k.ids()


def form_column(form):
    """The widget ids of the form's fields column, top to bottom (typed fields and yes/no rows
    as signup.<id>, choices by their options)."""
    ids = []
    for f in form:
        if f["kind"] in ("choice", "multi"):
            ids += [f"signup.{f['id']}.{o['id']}" for o in f["options"]]
        else:
            ids.append(f"signup.{f['id']}")
    return ids


def start_signup(d, lang):
    d.quiet("tap attract.start")
    d.quiet(f"tap lang.{lang}")
    d.quiet("tap browse.signup")
    return d.do("expect-screen signup")


def type_into(d, field, text):
    d.quiet(f"tap signup.{field}")
    d.quiet(f"type {text}")
    d.quiet("tap kbd.done")


def fill_contact(d, first, last, email, exhibitor):
    type_into(d, "first_name", first)
    type_into(d, "last_name", last)
    type_into(d, "email", email)
    d.quiet(f"tap signup.exhibitor.{exhibitor}")
    d.quiet("tap signup.consent")


def png_strip(path, rect, above):
    """The pixels of the `above` rows just above `rect` (x, y, w, h) of a screenshot."""
    from PIL import Image
    x, y, w, _ = rect
    with Image.open(path) as im:
        return im.convert("RGB").crop((x, max(0, y - above), x + w, y)).tobytes()


def signup_session(d, r, lang, column, tag):
    """One visitor in `lang`: the new widgets, an empty submit, max_chars, then a stored lead."""
    start_signup(d, lang)
    fill_contact(d, "Zoë" if lang == "de" else "Sean", "Müller" if lang == "de" else "O'Connor",
                 f"visitor.{lang}@example.org", "irk-valley-hydrogen")
    on = d.reveal("signup.callback", column)
    for w in ("signup.country", "signup.budget.small", "signup.budget.medium", "signup.budget.large",
              "signup.topics.ai", "signup.topics.security", "signup.topics.energy", "signup.callback"):
        d.do(f"expect-visible {w}")
    shot = os.path.join(d.out, f"signup-{tag}.png")
    d.quiet(f"shot {shot}")
    before = d.k.ids()

    # Required answers missing: the form stays, nothing is stored, an error under each new field.
    d.quiet("tap signup.submit")
    d.do("expect-screen signup")
    r.equal(f"[{tag}] leads stored after a submit without country and budget", d.count(), d.stored)
    on = d.reveal("signup.budget.small", column)
    d.quiet(f"shot {os.path.join(d.out, f'signup-{tag}-errors.png')}")
    after = d.k.ids()
    gap = lambda ids: ids["signup.budget.small"][1] - ids["signup.country"][1]  # noqa: E731
    if all(w in ids for ids in (before, after) for w in ("signup.country", "signup.budget.small")):
        r.check(f"[{tag}] errors shown under country and under budget's label (the gap between them grew "
                f"{gap(before)} -> {gap(after)} px)", gap(after) > gap(before) + 20)
    else:
        r.check(f"[{tag}] country and budget on screen together", False, f"{sorted(before)} / {sorted(after)}")
    return shot, before, on


def main() -> int:
    a = kiosk_and_hub_args()
    kiosk_bin, hub_bin, out = os.path.abspath(a.kiosk), os.path.abspath(a.hub), harness.fresh_dir(a.out)
    r = harness.Results()
    t_start = time.monotonic()
    log = open(os.path.join(out, "commands.log"), "w")

    def run(binary, *argv, timeout=120):
        p = subprocess.run([binary, *argv], capture_output=True, text=True, timeout=timeout, cwd=out)
        log.write(f"$ {os.path.basename(binary)} {' '.join(argv)}  # exit {p.returncode}\n{p.stdout}{p.stderr}\n")
        log.flush()
        return p

    # -- 1: the content copy ----------------------------------------------------------------
    content = os.path.join(out, "content")
    shutil.copytree(os.path.join(REPO, "content"), content)
    form_path = os.path.join(content, "form.toml")
    with open(form_path, encoding="utf-8") as f:
        shipped_form = f.read()
    with open(form_path, "w", encoding="utf-8") as f:
        f.write(shipped_form + CUSTOM_FIELDS)
    p = run(kiosk_bin, "check-content", content)
    r.check("kiosk check-content passes on the copy with the four new fields", p.returncode == 0, p.stderr)
    # A broken definition is caught precisely: file:line: key of each mistake.
    broken = os.path.join(out, "content-broken")
    shutil.copytree(content, broken)
    bad = (shipped_form + CUSTOM_FIELDS).replace('kind = "choice"\nrequired = true\nlabel = { de = "Budgetrahmen"',
                                                  'kind = "choise"\nrequired = true\nlabel = { de = "Budgetrahmen"')
    bad = bad.replace('id = "callback"', 'id = "consent"')
    with open(os.path.join(broken, "form.toml"), "w", encoding="utf-8") as f:
        f.write(bad)
    line_of = lambda s: bad[:bad.index(s)].count("\n") + 1  # noqa: E731
    p = run(kiosk_bin, "check-content", broken)
    errors = [x for x in p.stderr.splitlines() if not x.startswith("warning:")]
    kind_line, id_line = line_of('kind = "choise"'), line_of('id = "consent"')
    want = [f"form.toml:{kind_line}: field.kind: unknown kind 'choise'", f"form.toml:{id_line}: field.id: 'consent' is used by the sign-up screen itself"]
    r.check("check-content: a misspelt kind and a field id the screen uses itself, each with file:line: key",
            p.returncode == 1 and all(any(w in e for e in errors) for w in want), f"exit {p.returncode}: {errors}")
    with open(form_path, "rb") as f:
        form = tomllib.load(f)["field"]
    column = form_column(form)

    # The hub first: the kiosk syncs while it runs, and `kiosk sync --once` sends what is left.
    port = harness.free_port()
    hub_cfg = os.path.join(out, "hub.toml")
    with open(hub_cfg, "w") as f:
        f.write(f'[hub]\nlisten = "127.0.0.1:{port}"\ndatabase = "sqlite:hub.db"\n')
    p = run(hub_bin, "add-kiosk", "form-kiosk", "--config", hub_cfg)
    kiosk_cfg = os.path.join(out, "kiosk.toml")
    with open(kiosk_cfg, "w") as f:
        f.write(p.stdout + "timeout_s = 10\nbackoff_base_s = 0.05\nbackoff_cap_s = 0.5\n")
    r.check("kiosk-hub add-kiosk prints the kiosk's [sync] block", p.returncode == 0 and "[sync]" in p.stdout, p.stderr)
    hub_log = open(os.path.join(out, "hub.log"), "w")
    hub = subprocess.Popen([hub_bin, "serve", "--config", hub_cfg], cwd=out, stdout=hub_log, stderr=hub_log)

    data = os.path.join(out, "data")
    db_path = os.path.join(data, "leads.db")

    def db_rows():
        if not os.path.exists(db_path):
            return []
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        try:
            return [dict(x) for x in con.execute("SELECT * FROM leads ORDER BY rowid")]
        finally:
            con.close()

    try:
        # -- 2: two visitors, German and English, at 1920x1080 ---------------------------------
        shots = {}
        with harness.KioskSession(harness.fresh_dir(os.path.join(out, "run-1"))) as session:
            k = session.start(kiosk_bin, "--content", content, "--data-dir", data, "--config", kiosk_cfg)
            d = Driver(k, r)
            d.out, d.stored, d.count = out, 0, lambda: len(db_rows())
            d.do("expect-screen attract")
            chips, rects = {}, {}
            for lang in ("de", "en"):
                shots[lang], before, on = signup_session(d, r, lang, column, lang)
                rects[lang] = before
                chips[lang] = {o: before.get(f"signup.budget.{o}", (0, 0, 0, 0))[2] for o in BUDGET}
                if lang == "de":
                    # max_chars: 28 characters typed (ü is one), the first 20 kept.
                    type_into(d, "country", "Baden-Württemberg und Bayern")
                    d.do("expect-text signup.country Baden-Württemberg un")
                    d.quiet("tap signup.submit")
                    d.do("expect-screen signup")  # budget is still missing
                    r.equal("[de] leads stored with budget still missing", d.count(), 0)
                    d.quiet("tap signup.budget.small")
                    d.do("expect-text signup.budget.small true")
                    d.quiet("tap signup.topics.ai")
                    d.quiet("tap signup.topics.energy")
                    d.do("expect-text signup.topics.security false")
                    d.quiet("tap signup.callback")
                    d.do("expect-text signup.callback true")
                else:
                    # What a spreadsheet would run as a formula: stays text everywhere.
                    type_into(d, "country", "=1+2")
                    d.do("expect-text signup.country =1+2")
                    d.quiet("tap signup.budget.large")
                    d.quiet("tap signup.budget.medium")  # a choice holds one option
                    d.do("expect-text signup.budget.large false")
                    d.do("expect-text signup.budget.medium true")
                d.quiet("tap signup.submit")
                d.do("expect-screen thanks")
                d.stored += 1
                d.quiet("tap thanks.done")
            r.equal("kiosk exit status at the end of its input", k.close(), 0)

        # The labels are the content's, per language: a chip is as wide as its label.
        de, en = chips["de"], chips["en"]
        r.check(f"budget chips follow their labels: 'Unter zehntausend Euro' wider than 'Small' ({de['small']} vs "
                f"{en['small']} px), 'Groß' the same in both ({de['large']} vs {en['large']} px)",
                de["small"] > en["small"] * 2 and de["large"] == en["large"] > 0)
        try:
            strips = {lang: png_strip(shots[lang], rects[lang]["signup.country"], 30) for lang in shots}
            r.check("the label above the country field is drawn, and differs between German and English",
                    strips["de"] != strips["en"] and len(set(strips["de"])) > 3)
        except (ImportError, KeyError, OSError) as e:
            r.check("the label strip above the country field can be read", False, repr(e))

        # Portrait (1080x1920, one column): the new widgets fit on screen in both languages.
        with harness.KioskSession(harness.fresh_dir(os.path.join(out, "portrait")), "1080x1920") as session:
            k = session.start(kiosk_bin, "--content", content, "--data-dir", os.path.join(out, "portrait", "data"))
            d = Driver(k, r)
            for lang in ("de", "en"):
                start_signup(d, lang)
                on = d.reveal("signup.callback", column)
                for w in ("signup.country", "signup.budget.small", "signup.budget.large", "signup.topics.energy",
                          "signup.callback"):
                    x, y, w_, h = on.get(w, (0, 0, 0, 0))
                    r.check(f"[{lang}, 1080x1920] {w} wholly on screen", w in on and x >= 0 and x + w_ <= 1080 and
                            h > 0, repr(on.get(w)))
                d.quiet(f"shot {os.path.join(out, f'signup-{lang}-1080x1920.png')}")
                d.quiet("tap nav.home")
            r.equal("kiosk exit status (portrait)", k.close(), 0)

        # -- 3: leads.db ---------------------------------------------------------------------
        rows = db_rows()
        r.equal("leads stored", len(rows), 2)
        want = [{"country": "Baden-Württemberg un", "budget": "small", "topics": ["ai", "energy"], "callback": True},
                {"country": "=1+2", "budget": "medium"}]
        for row, w in zip(rows, want):
            tag = f"[{row['lang']}]"
            answers = json.loads(row.get("answers") or "null")
            r.equal(f"{tag} answers column", answers, w)
            r.check(f"{tag} form_version is 16 hex digits", re.fullmatch(r"[0-9a-f]{16}", row.get("form_version") or ""),
                    repr(row.get("form_version")))
            r.equal(f"{tag} capture", row.get("capture"), "typed")
            pl = json.loads(row["payload"])
            r.equal(f"{tag} payload answers", pl.get("answers"), w)
            r.equal(f"{tag} payload form_version", pl.get("form_version"), row.get("form_version"))
            r.equal(f"{tag} payload capture", pl.get("capture"), "typed")
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            forms = {v: json.loads(dfn) for v, dfn in con.execute("SELECT version, definition FROM forms")}
        except sqlite3.Error as e:
            forms = {}
            r.check("leads.db has a forms table (version, definition)", False, str(e))
        finally:
            con.close()
        version1 = rows[0].get("form_version") if rows else None
        stored = forms.get(version1, {}).get("fields", [])
        r.check("the forms table holds the definition the leads were captured with (the four new fields, their "
                "options and labels)",
                [(f["id"], f["kind"]) for f in stored] == [(f["id"], f["kind"]) for f in form] and
                any(f["id"] == "budget" and [o["id"] for o in f["options"]] == list(BUDGET) and
                    f["label"] == {"de": "Budgetrahmen", "en": "Budget"} for f in stored), repr(stored)[:400])

        # -- 4: exports ----------------------------------------------------------------------
        def export(fmt, name, *extra):
            path = os.path.join(out, name)
            p = run(kiosk_bin, "export", "--format", fmt, "--out", path, "--content", content, "--data-dir", data, *extra)
            r.check(f"kiosk export --format {fmt} {' '.join(extra)}", p.returncode == 0, p.stderr)
            return path

        def read_csv(path, delimiter=";"):
            with open(path, encoding="utf-8-sig", newline="") as f:
                return list(csv.reader(f, delimiter=delimiter))

        csv_de = read_csv(export("csv", "leads-de.csv", "--lang", "de"))
        csv_en = read_csv(export("csv", "leads-en.csv", "--lang", "en", "--delimiter", ","), ",")
        for lang, table in (("de", csv_de), ("en", csv_en)):
            head = table[0] if table else []
            missing = [HEADERS[lang][f] for f in ("country", "budget", "topics", "callback") if HEADERS[lang][f] not in head]
            r.check(f"CSV ({lang}): a column per new field, headed in {lang}", not missing and len(table) == 3,
                    f"missing {missing} in {head}")
            if missing or len(table) != 3:
                continue
            cell = lambda row, f: table[row][head.index(HEADERS[lang][f])]  # noqa: E731,B023
            r.equal(f"CSV ({lang}) lead 1 country", cell(1, "country"), "Baden-Württemberg un")
            r.equal(f"CSV ({lang}) lead 1 budget (the option's label)", cell(1, "budget"), BUDGET["small"][lang])
            r.equal(f"CSV ({lang}) lead 1 topics (labels)", cell(1, "topics"),
                    f"{TOPICS['ai'][lang]}, {TOPICS['energy'][lang]}")
            r.equal(f"CSV ({lang}) lead 1 callback", cell(1, "callback"), "ja" if lang == "de" else "yes")
            r.equal(f"CSV ({lang}) lead 2 country (guarded against injection)", cell(2, "country"), "'=1+2")
            r.equal(f"CSV ({lang}) lead 2 budget", cell(2, "budget"), BUDGET["medium"][lang])
            r.equal(f"CSV ({lang}) lead 2 topics", cell(2, "topics"), "")
            r.equal(f"CSV ({lang}) lead 2 callback (not ticked)", cell(2, "callback"), "nein" if lang == "de" else "no")

        jsonl = os.path.join(out, "leads.jsonl")
        export("jsonl", "leads.jsonl")
        with open(jsonl, encoding="utf-8") as f:
            lines = f.read().splitlines()
        r.check("JSONL: one line per lead, each the stored payload byte for byte, with answers of option ids",
                lines == [x["payload"] for x in rows] and [json.loads(x).get("answers") for x in lines] == want,
                f"{len(lines)} lines")

        xlsx_path = export("xlsx", "leads.xlsx", "--lang", "de")
        check_xlsx(r, xlsx_path, csv_de)
        check_libreoffice(r, xlsx_path, csv_de, out)

        # -- 5: the form changes mid-fair ------------------------------------------------------
        with open(form_path, "w", encoding="utf-8") as f:
            f.write(drop_field(shipped_form + CUSTOM_FIELDS, "topics") + REFERRAL_FIELD)
        p = run(kiosk_bin, "check-content", content)
        r.check("check-content passes on the changed form (topics dropped, referral added)", p.returncode == 0, p.stderr)
        with harness.KioskSession(harness.fresh_dir(os.path.join(out, "run-2"))) as session:
            k = session.start(kiosk_bin, "--content", content, "--data-dir", data, "--config", kiosk_cfg)
            d = Driver(k, r)
            d.do("expect-screen attract")
            start_signup(d, "en")
            fill_contact(d, "Ada", "Lovelace", "ada@example.org", "irk-valley-hydrogen")
            type_into(d, "country", "Wales")
            d.quiet("tap signup.budget.large")
            type_into(d, "referral", "A colleague")
            d.do("expect-text signup.referral A colleague")
            ids = k.ids()
            r.check("the dropped field has no widget any more", not any(w.startswith("signup.topics") for w in ids))
            d.quiet("tap signup.submit")
            d.do("expect-screen thanks")
            r.equal("kiosk exit status (after the form change)", k.close(), 0)
        rows = db_rows()
        r.equal("leads stored after the change", len(rows), 3)
        if len(rows) == 3:
            r.check("the new lead has another form_version", rows[2]["form_version"] != rows[0]["form_version"] and
                    re.fullmatch(r"[0-9a-f]{16}", rows[2]["form_version"]), rows[2]["form_version"])
            r.equal("the new lead's answers", json.loads(rows[2]["answers"]),
                    {"country": "Wales", "budget": "large", "referral": "A colleague"})
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        r.equal("the forms table holds both definitions", con.execute("SELECT count(*) FROM forms").fetchone()[0], 2)
        con.close()
        table = read_csv(export("csv", "leads-after-change.csv", "--lang", "en", "--delimiter", ","), ",")
        head = table[0] if table else []
        cols = {f: head.index(HEADERS["en"][f]) if HEADERS["en"][f] in head else None
                for f in ("country", "budget", "topics", "callback", "referral")}
        r.check("after the change the export has the old and the new columns", None not in cols.values() and
                len(table) == 4, f"{cols}, {len(table)} rows")
        if None not in cols.values() and len(table) == 4:
            got = [[row[cols[f]] for f in ("country", "budget", "topics", "callback", "referral")] for row in table[1:]]
            r.equal("old leads keep their answers, the new column empty for them; the new lead has no topics", got, [
                ["Baden-Württemberg un", "Small", "AI, Energy", "yes", ""],
                ["'=1+2", "Medium", "", "no", ""],
                ["Wales", "Groß", "", "no", "A colleague"]])
        xlsx2 = export("xlsx", "leads-after-change.xlsx", "--lang", "en")
        check_xlsx(r, xlsx2, table, "after the change")

        # -- 6: synced into the hub --------------------------------------------------------------
        p = run(kiosk_bin, "sync", "--once", "--config", kiosk_cfg, "--data-dir", data, timeout=60)
        r.check("kiosk sync --once: nothing left to send", p.returncode == 0, p.stdout + p.stderr)
        p = run(hub_bin, "leads", "--format", "jsonl", "--config", hub_cfg)
        hub_lines = p.stdout.splitlines()
        by_id = {json.loads(x)["id"]: x for x in hub_lines if x.strip()}
        rows = db_rows()
        r.check("kiosk-hub leads: every lead's payload byte for byte as in leads.db (answers included)",
                p.returncode == 0 and len(hub_lines) == len(rows) == 3 and
                all(by_id.get(x["id"]) == x["payload"] for x in rows) and
                all("answers" in json.loads(x) and json.loads(x)["answers"] for x in hub_lines),
                f"{len(hub_lines)} hub lines, {len(rows)} leads; {p.stderr}")
    finally:
        hub.terminate()
        harness.wait_or_kill(hub, 10)
        hub_log.close()
        log.close()
    print(f"runtime {time.monotonic() - t_start:.1f} s")
    return r.summary()


def unguarded(v):
    """A CSV cell as the spreadsheet cell it stands for: the export's leading ' against
    formula injection (csvCell) is the CSV's own, an XLSX string cell needs none."""
    return v[1:] if v[:1] == "'" and v[1:2] != "" and v[1] in FORMULA_START else v


def check_xlsx(r, path, csv_table, tag="export"):
    """Every cell of the XLSX equals the CSV's for the same row and column; no formulas."""
    try:
        import openpyxl
    except ImportError as e:
        r.check("openpyxl can be imported (python3-openpyxl)", False, str(e))
        return
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cells = [[c for c in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(csv_table[0]))]
    values = [["" if c.value is None else c.value for c in row] for row in cells]
    want = [[unguarded(v) for v in row] for row in csv_table]
    diff = [(i, j, values[i][j], want[i][j]) for i in range(min(len(values), len(want)))
            for j in range(len(want[i])) if values[i][j] != want[i][j]]
    r.check(f"XLSX ({tag}): {len(want)} rows x {len(want[0])} columns, every cell equal to the CSV's",
            len(values) == len(want) and ws.max_column == len(want[0]) and not diff,
            f"{len(values)}x{ws.max_column}; first differences {diff[:4]}")
    kinds = {c.data_type for row in cells for c in row if c.value is not None}
    r.check(f"XLSX ({tag}): no cell is a formula, every cell a string", kinds == {"s"}, repr(kinds))
    crafted = [c for row in cells for c in row if c.value == "=1+2"]
    r.check(f"XLSX ({tag}): the typed '=1+2' is a string cell", len(crafted) == 1 and crafted[0].data_type == "s",
            repr([(c.coordinate, c.data_type) for c in crafted]))
    r.equal(f"XLSX ({tag}): header row frozen", ws.freeze_panes, "A2")


def check_libreoffice(r, path, csv_table, out):
    """LibreOffice headless reads the XLSX and writes it as CSV: the kiosk's own CSV rows."""
    soffice = shutil.which("soffice")
    if not soffice:
        r.skip("LibreOffice converts the XLSX to the kiosk's CSV", "soffice not installed (libreoffice-calc-nogui)")
        return
    lo_out = harness.fresh_dir(os.path.join(out, "lo"))
    profile = os.path.join(out, "lo-profile")
    t0 = time.monotonic()
    try:
        # 44: ',' 34: '"' 76: UTF-8, from row 1
        p = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                            "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", lo_out, path],
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        r.check("LibreOffice converts the XLSX within 300 s", False)
        return
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    converted = os.path.join(lo_out, os.path.splitext(os.path.basename(path))[0] + ".csv")
    if not r.check(f"LibreOffice headless converts the XLSX to CSV ({time.monotonic() - t0:.0f} s)",
                   p.returncode == 0 and os.path.exists(converted), p.stdout + p.stderr):
        return
    with open(converted, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f, delimiter=","))
    want = [[unguarded(v) for v in row] for row in csv_table]
    diff = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    r.check("LibreOffice's CSV of the XLSX has the kiosk's CSV rows (formula guard aside)",
            len(got) == len(want) and not diff, f"{len(got)} vs {len(want)} rows; {diff[:2]}")


if __name__ == "__main__":
    sys.exit(main())
