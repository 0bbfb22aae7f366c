#!/usr/bin/env python3
"""Sanity checks of the files ontology/tools/gen_petrarch.py writes (standard library only).

    python3 ontology/tools/check_petrarch.py [CONTRACT.md]

Exits non-zero when a check fails; prints counts and the ambiguity figures a loader should
know about (aliases shared by several people, one-word aliases, people with many roles).
"""

import collections
import datetime
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
ONTO = os.path.join(ROOT, "ontology")
CONTRACT = os.path.normpath(os.path.join(ROOT, "..", "shared", "CONTRACT.md"))

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def rows(rel, ncols):
    path = os.path.join(ONTO, rel)
    size = os.path.getsize(path)
    if size > 3 * 1024 * 1024:
        fail(f"{rel}: {size} bytes, over 3 MB")
    out, cols_line, sources = [], None, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("# source:"):
                sources += 1
                continue
            if line.startswith("#"):
                if "\t" in line:
                    cols_line = line
                continue
            vals = line.split("\t")
            if len(vals) != ncols:
                fail(f"{rel}:{n}: {len(vals)} fields, expected {ncols}")
                continue
            out.append((n, vals))
    if not sources:
        fail(f"{rel}: no '# source:' line")
    if cols_line is None:
        fail(f"{rel}: no column line")
    print(f"{rel}: {len(out)} rows, {size} bytes")
    return out


def main():
    contract = sys.argv[1] if len(sys.argv) > 1 else CONTRACT
    with open(contract, encoding="utf-8") as f:
        text = f.read()
    section = text.split("## 3. Relations", 1)[1].split("## 4.", 1)[0]
    predicates = set(re.findall(r"^\|\s*`(\w+)`", section, re.M))
    if len(predicates) != 24:
        fail(f"CONTRACT.md: {len(predicates)} predicates read, expected 24")

    codes = {v[0]: v for _, v in rows("actors/codes.tsv", 7)}
    people = rows("actors/people.tsv", 3)
    agents = rows("actors/agents.tsv", 4)
    preds = rows("lexicon/cameo_predicates.tsv", 4)
    verbs = rows("lexicon/cameo_verbs.tsv", 4)
    synsets = {v[0] for _, v in rows("lexicon/cameo_synsets.tsv", 2)}

    def pieces_known(code, where):
        if len(code) % 3 or not re.fullmatch(r"[A-Z0-9]+", code):
            fail(f"{where}: bad code {code!r}")
            return
        for i in range(0, len(code), 3):
            if code[i:i + 3] not in codes:
                fail(f"{where}: code piece {code[i:i + 3]} of {code} not in codes.tsv")

    # people
    role_re = re.compile(r"([A-Z0-9]+)(?:@(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?)?")
    alias_owner = collections.defaultdict(set)
    one_word_alias = 0
    many_roles = 0
    names = collections.Counter()
    for n, (name, aliases, roles) in people:
        where = f"people.tsv:{n}"
        if not name.strip() or len(name.replace(" ", "").replace(".", "")) < 2:
            fail(f"{where}: empty or one-letter name {name!r}")
        if re.fullmatch(r"[\d\W]+", name):
            fail(f"{where}: name without letters {name!r}")
        if not roles:
            fail(f"{where}: no roles")
        names[name.lower()] += 1
        for a in [name] + [a for a in aliases.split("|") if a]:
            key = re.sub(r"[^a-z0-9]+", " ", a.lower()).strip()
            alias_owner[key].add(n)
            if a != name and " " not in a:
                one_word_alias += 1
            if a.strip() != a or not a:
                fail(f"{where}: alias {a!r} with blanks")
        items = roles.split(";")
        if len(items) >= 8:
            many_roles += 1
        for item in items:
            m = role_re.fullmatch(item)
            if not m:
                fail(f"{where}: role {item!r} unreadable")
                continue
            pieces_known(m.group(1), where)
            a, b = m.group(2), m.group(3)
            try:
                da = datetime.date.fromisoformat(a) if a else None
                db = datetime.date.fromisoformat(b) if b else None
            except ValueError:
                fail(f"{where}: role {item!r}: bad date")
                continue
            if da and db and da > db:
                fail(f"{where}: role {item!r} ends before it starts")
            if da and da.year > 2016:
                fail(f"{where}: role {item!r} starts after the lists end (century rule?)")
    shared = sum(1 for owners in alias_owner.values() if len(owners) > 1)
    print(f"  people: {len(people)}; names on several rows: "
          f"{sum(1 for c in names.values() if c > 1)}; name/alias keys shared by several rows: {shared}; "
          f"one-word aliases: {one_word_alias}; people with 8+ roles: {many_roles}")

    # agents
    for n, (noun, aliases, code, cls) in agents:
        where = f"agents.tsv:{n}"
        if not noun or len(noun.replace(" ", "")) < 2:
            fail(f"{where}: empty noun")
        if cls not in ("Group", "Organization", "Person"):
            fail(f"{where}: class {cls!r}")
        if not re.fullmatch(r"~[A-Z]+|[A-Z]+~", code):
            fail(f"{where}: code {code!r}")
        pieces_known(code.strip("~"), where)
    print("  agents by class:", dict(collections.Counter(v[3] for _, v in agents)))

    # predicates
    table = collections.defaultdict(list)
    for n, (code, pred, cond, reason) in preds:
        where = f"cameo_predicates.tsv:{n}"
        if not re.fullmatch(r"\d{2,4}", code):
            fail(f"{where}: code {code!r}")
        if pred and pred not in predicates:
            fail(f"{where}: {pred!r} is not a contract predicate")
        if not reason:
            fail(f"{where}: no reason")
        if pred and "object=" not in cond:
            fail(f"{where}: mapped row without object= in its condition")
        for term in filter(None, cond.split(";")):
            if not re.fullmatch(r"(object=(noun|target)|noun=[\w|]+|target=[\w|]+|lemma=[\w|]+|third_party|forward|reverse)", term):
                fail(f"{where}: condition term {term!r}")
        table[code].append(pred)
    used = collections.Counter(p for _, (c, p, *_r) in preds if p)
    print("  predicates used:", dict(sorted(used.items())))

    def resolves(code):
        for k in range(len(code), 1, -1):
            if code[:k] in table:
                return any(table[code[:k]])
        return False

    # verbs
    for n, (lemma, forms, pattern, code) in verbs:
        where = f"cameo_verbs.tsv:{n}"
        if not lemma or lemma != lemma.lower():
            fail(f"{where}: lemma {lemma!r}")
        if "*" not in pattern:
            fail(f"{where}: pattern without '*': {pattern!r}")
        parts = [p for p in code.split(":") if p]
        if not parts or not all(re.fullmatch(r"\d{3,4}", p) for p in parts):
            fail(f"{where}: code {code!r}")
        elif not any(resolves(p) for p in parts):
            fail(f"{where}: code {code} maps to no predicate")
        for s in re.findall(r"&\w+", pattern):
            if s not in synsets:
                fail(f"{where}: synset {s} not in cameo_synsets.tsv")
    print(f"  verb lemmas: {len({v[0] for _, v in verbs})}")

    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
