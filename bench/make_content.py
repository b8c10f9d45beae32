#!/usr/bin/env python3
"""Writes a content folder for the scale benchmarks: the demo content plus made-up companies.

    python3 bench/make_content.py OUT [--companies 500] [--logo-size 256] [--big-logos N]

OUT gets a copy of content/ (the demo's nine companies, their logos found in assets/ as
usual) and companies/bench-NNN.toml up to --companies in all, every other one an exhibitor,
each with its own logo logos/bench-NNN.png (--logo-size px square, a coloured tile with
stripes; standard library only, deterministic). --big-logos N instead replaces the first N
demo logos with 4096x4096 PNGs of the same kind in OUT/logos (the largest a logo may be), for
the decode benchmark and test; with it, --companies may stay 9.

Used by bench/browse_bench.py and tests/e2e/test_logo_decode.py; importable (make()).
"""
import argparse
import os
import shutil
import struct
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTORS = ["hydrogen", "cybersecurity", "digital-health"]


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(size, seed):
    """A size x size RGBA PNG: a tile in a colour from `seed` with lighter diagonal-free stripes."""
    r, g, b = (seed * 67) % 200 + 30, (seed * 131) % 200 + 30, (seed * 29) % 200 + 30
    band = max(1, size // 16)
    dark = bytes((r, g, b, 255)) * band
    light = bytes((255, 255, 255, 255)) * band
    stripes = (dark + light) * (size // (2 * band)) + dark * 2
    stripes = stripes[: size * 4]
    plain = bytes((r, g, b, 255)) * size
    rows = []
    for y in range(size):
        rows.append(b"\x00" + (stripes if (y // band) % 4 == 1 else plain))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(
        b"IEND", b"")


COMPANY = """# written by bench/make_content.py: a made-up company for the scale benchmarks
id = "{id}"
name = "{name}"
logo = "logos/{id}.png"
region = "ruhr"
exhibitor = {exhibitor}
sample = true
sectors = ["{sector}"]
tagline = {{ de = "Testfirma Nummer {n} für die Last-Messung", en = "Test company number {n} for the load benchmark" }}

[description]
de = "Eine ausgedachte Firma, damit die Inhalte so groß sind wie auf einem großen Stand."
en = "A made-up company, so that the content is as large as on a big stand."

[looking_for]
de = "Nichts: sie ist nur ein Messpunkt."
en = "Nothing: it is only a data point."

[contact]
name = "Test Person {n}"
email = "person{n}@bench-{n}.example"
phone = "+49 201 000 {n:04d}"
"""

WORDS = ["Rhein", "Ruhr", "Emscher", "Lippe", "Volme", "Lenne", "Wupper", "Erft", "Sieg", "Agger"]
KINDS = ["Wasserstoff", "Cyber", "Health", "Sensorik", "Netze", "Daten", "Labor", "Energie"]


def make(out, companies=500, logo_size=256, big_logos=0):
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(os.path.join(REPO, "content"), out)
    logos = os.path.join(out, "logos")
    os.makedirs(logos, exist_ok=True)
    demo = sorted(f[:-5] for f in os.listdir(os.path.join(out, "companies")) if f.endswith(".toml"))
    if big_logos:
        big = png(4096, 7)
        for cid in demo[:big_logos]:
            with open(os.path.join(logos, cid + ".png"), "wb") as f:
                f.write(big)  # found before the shipped one in assets/
    for n in range(len(demo) + 1, companies + 1):
        cid = f"bench-{n:03d}"
        name = f"{WORDS[n % len(WORDS)]} {KINDS[(n // len(WORDS)) % len(KINDS)]} {n}"
        with open(os.path.join(out, "companies", cid + ".toml"), "w", encoding="utf-8") as f:
            f.write(COMPANY.format(id=cid, name=name, exhibitor="true" if n % 2 else "false",
                                   sector=SECTORS[n % 3], n=n))
        with open(os.path.join(logos, cid + ".png"), "wb") as f:
            f.write(png(logo_size, n))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--companies", type=int, default=500)
    ap.add_argument("--logo-size", type=int, default=256)
    ap.add_argument("--big-logos", type=int, default=0)
    a = ap.parse_args()
    make(a.out, a.companies, a.logo_size, a.big_logos)
    print(a.out)


if __name__ == "__main__":
    main()
