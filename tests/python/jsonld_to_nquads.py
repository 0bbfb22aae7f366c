#!/usr/bin/env python3
"""Reads a JSON-LD file with a JSON-LD processor and writes its quads as N-Quads on stdout.

    python3 tests/python/jsonld_to_nquads.py rdflib FILE.jsonld
    python3 tests/python/jsonld_to_nquads.py pyld FILE.jsonld

Used by tests/jsonld.rs to check that what `kgraph export --format jsonld` writes is read by
tools other than Oxigraph as the same quads.
"""
import json
import sys


def with_rdflib(path):
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(path, format="json-ld")
    return dataset.serialize(format="nquads")


def with_pyld(path):
    from pyld import jsonld

    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    return jsonld.to_rdf(document, {"format": "application/n-quads"})


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("rdflib", "pyld"):
        sys.exit(__doc__)
    text = with_rdflib(sys.argv[2]) if sys.argv[1] == "rdflib" else with_pyld(sys.argv[2])
    sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))


if __name__ == "__main__":
    main()
