#!/usr/bin/env python3
"""Loads `kgraph export --format kuzu -o DIR` into an embedded Kùzu database, then answers Cypher.

    kgraph export --format kuzu -o kuzu-export
    python3 examples/kuzu_load.py kuzu-export kgraph.kuzu
    python3 examples/kuzu_load.py kuzu-export kgraph.kuzu \
        "MATCH (a:Entity)-[:brokered]->(b:Entity) RETURN a.name, b.name"

DATABASE must not exist yet (it is created and filled by DIR/load.cypher); each QUERY then prints
its rows, one JSON array a line, after a line `# QUERY`. Needs `pip install kuzu` (0.11).
"""
import json
import os
import re
import sys

import kuzu


def statements(script):
    """The statements of load.cypher: each ends with `;` at the end of a line."""
    text = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in re.split(r";[ \t]*$", text, flags=re.M) if s.strip()]


def rows(connection, query):
    result = connection.execute(query)
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def load(export_dir, database):
    """Creates `database` and runs `export_dir/load.cypher` in it (from `export_dir`, whose CSV
    files it names relatively). Returns an open connection."""
    if os.path.exists(database):
        sys.exit(f"kuzu_load: {database} exists already: give a new path")
    database = os.path.abspath(database)
    with open(os.path.join(export_dir, "load.cypher"), encoding="utf-8") as f:
        script = f.read()
    connection = kuzu.Connection(kuzu.Database(database))
    here = os.getcwd()
    os.chdir(export_dir)
    try:
        for statement in statements(script):
            connection.execute(statement)
    finally:
        os.chdir(here)
    return connection


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    connection = load(argv[1], argv[2])
    nodes = rows(connection, "MATCH (n:Entity) RETURN count(n)")[0][0]
    relationships = rows(connection, "MATCH ()-[r]->() RETURN count(r)")[0][0]
    print(f"loaded {nodes} nodes and {relationships} relationships into {argv[2]}", file=sys.stderr)
    for query in argv[3:]:
        print(f"# {query}")
        for row in rows(connection, query):
            print(json.dumps(row, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv)
