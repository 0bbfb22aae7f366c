#!/usr/bin/env python3
"""Quick self-check of ontology/gazetteer/{countries,regions,cities}.tsv.

Prints row counts and filled/empty QID counts; exits 1 when:
  * a row has the wrong number of columns, or a field has stray whitespace, an empty or
    leading/trailing '|' segment;
  * a wikidata / capital_wikidata value is not of the form Q[0-9]+;
  * a UN member state lacks name, demonym or capital, or there are not exactly 193 of them;
  * a country name or alias is used by two different countries;
  * a status / kind / iso2 / population / geonames value is malformed.
Standard library only.
"""

import os
import re
import sys
import unicodedata

GAZ = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gazetteer"))
QID = re.compile(r"^Q[0-9]+$")
ISO2 = re.compile(r"^[A-Z]{2}$")
ISO3 = re.compile(r"^[A-Z]{3}$")

SPECS = {
    "countries.tsv": ["wikidata", "iso2", "iso3", "name", "aliases", "demonyms", "capital",
                      "capital_wikidata", "capital_aliases", "status"],
    "regions.tsv": ["wikidata", "name", "aliases", "demonyms", "located_in_iso2", "kind"],
    "cities.tsv": ["geonames", "wikidata", "name", "aliases", "country_iso2", "population"],
}
LIST_FIELDS = {"aliases", "demonyms", "capital_aliases"}
STATUSES = {"un_member", "observer", "partially_recognised"}
KINDS = {"disputed", "region", "province", "supranational", "exclave"}

errors = []


def err(msg):
    errors.append(msg)


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold().strip()


def load(fname):
    cols = SPECS[fname]
    path = os.path.join(GAZ, fname)
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "#" + "\t".join(cols):
        err(f"{fname}: header must be '#{chr(9).join(cols)}'")
    for n, line in enumerate(lines[1:], start=2):
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != len(cols):
            err(f"{fname}:{n}: {len(parts)} columns, expected {len(cols)}")
            continue
        row = dict(zip(cols, parts))
        for c, v in row.items():
            if v != v.strip() or "\r" in v:
                err(f"{fname}:{n}: {c} has stray whitespace: {v!r}")
            if "|" in v and c not in LIST_FIELDS:
                err(f"{fname}:{n}: '|' in single-valued field {c}: {v!r}")
            if c in LIST_FIELDS and v and any(seg.strip() == "" or seg != seg.strip() for seg in v.split("|")):
                err(f"{fname}:{n}: bad '|' list in {c}: {v!r}")
            if c in ("wikidata", "capital_wikidata") and v and not QID.match(v):
                err(f"{fname}:{n}: {c} is not a QID: {v!r}")
        row["_line"] = n
        rows.append(row)
    return rows


def split(v):
    return [x for x in v.split("|") if x]


def main():
    countries = load("countries.tsv")
    regions = load("regions.tsv")
    cities = load("cities.tsv")

    un = [r for r in countries if r["status"] == "un_member"]
    for r in countries:
        n = r["_line"]
        if r["status"] not in STATUSES:
            err(f"countries.tsv:{n}: bad status {r['status']!r}")
        if r["iso2"] and not ISO2.match(r["iso2"]):
            err(f"countries.tsv:{n}: bad iso2 {r['iso2']!r}")
        if r["iso3"] and not ISO3.match(r["iso3"]):
            err(f"countries.tsv:{n}: bad iso3 {r['iso3']!r}")
        if not r["name"] or not split(r["demonyms"]) or not r["capital"]:
            err(f"countries.tsv:{n}: {r['name'] or '?'} lacks name, demonym or capital")
        if r["status"] == "un_member" and not (r["iso2"] and r["iso3"]):
            err(f"countries.tsv:{n}: UN member {r['name']} lacks ISO codes")
    if len(un) != 193:
        err(f"countries.tsv: {len(un)} UN members, expected 193")

    owner = {}
    for r in countries:
        ident = r["iso2"] or r["wikidata"] or r["name"]
        for s in [r["name"]] + split(r["aliases"]):
            k = fold(s)
            if k in owner and owner[k][0] != ident:
                err(f"countries.tsv: {s!r} names both {owner[k][1]} and {r['name']}")
            owner.setdefault(k, (ident, r["name"]))
    for key in ("iso2", "iso3", "wikidata"):
        seen = {}
        for r in countries:
            v = r[key]
            if v and v in seen:
                err(f"countries.tsv: {key} {v} used by {seen[v]} and {r['name']}")
            seen[v] = r["name"]

    iso_codes = {r["iso2"] for r in countries if r["iso2"]}
    for r in regions:
        n = r["_line"]
        if r["kind"] not in KINDS:
            err(f"regions.tsv:{n}: bad kind {r['kind']!r}")
        if r["located_in_iso2"] and r["located_in_iso2"] not in iso_codes:
            err(f"regions.tsv:{n}: located_in_iso2 {r['located_in_iso2']!r} is not in countries.tsv")
        if not r["name"]:
            err(f"regions.tsv:{n}: empty name")

    prev = None
    for r in cities:
        n = r["_line"]
        if not r["geonames"].isdigit():
            err(f"cities.tsv:{n}: bad geonames id {r['geonames']!r}")
        if not r["population"].isdigit():
            err(f"cities.tsv:{n}: bad population {r['population']!r}")
        if not ISO2.match(r["country_iso2"]):
            err(f"cities.tsv:{n}: bad country_iso2 {r['country_iso2']!r}")
        if not r["name"]:
            err(f"cities.tsv:{n}: empty name")
        cur = (fold(r["name"]), r["name"], r["country_iso2"], r["geonames"])
        if prev is not None and cur < prev:
            err(f"cities.tsv:{n}: not sorted by name, then country")
        prev = cur
    ids = [r["geonames"] for r in cities]
    if len(ids) != len(set(ids)):
        err("cities.tsv: duplicate geonames ids")

    def qids(rows, col):
        filled = sum(1 for r in rows if r[col])
        return f"{filled} filled / {len(rows) - filled} empty"

    print(f"countries.tsv: {len(countries)} rows ({len(un)} UN members, "
          f"{sum(1 for r in countries if r['status'] == 'observer')} observers, "
          f"{sum(1 for r in countries if r['status'] == 'partially_recognised')} partially recognised); "
          f"wikidata {qids(countries, 'wikidata')}; capital_wikidata {qids(countries, 'capital_wikidata')}")
    print(f"regions.tsv: {len(regions)} rows; wikidata {qids(regions, 'wikidata')}")
    print(f"cities.tsv: {len(cities)} rows; wikidata {qids(cities, 'wikidata')}")
    if errors:
        for e in errors[:200]:
            print("ERROR:", e)
        print(f"{len(errors)} error(s)")
        return 1
    print("gazetteer OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
