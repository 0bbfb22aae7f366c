#!/usr/bin/env python3
"""kgraph on Dask: `kgraph extract -` as the map step of a JSON Lines corpus.

The corpus (one article a line: id, title, date, url, text) is cut into partitions of whole
lines; each is piped through `kgraph extract -` by a Dask worker, and the N-Quads of partition i
are written to OUTPUT/part-0000i.nq, which `kgraph load` puts into one store:

    python3 examples/dask_extract.py corpus.jsonl out/                 # a local cluster, 2 workers
    python3 examples/dask_extract.py --scheduler tcp://HOST:8786 corpus.jsonl out/
    kgraph --quiet extract --with-ontology > out/ontology.nq
    kgraph --store merged.store load out/*.nq
    kgraph --store merged.store resolve

With --scheduler, kgraph must be installed at the same path on every worker (--kgraph PATH,
default: `kgraph` on their PATH); the corpus is read here and sent to the workers, the N-Quads
come back here. Needs `pip install "dask[distributed]"`.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time


def extract(kgraph, lines):
    """One partition through `kgraph extract -` (runs on a worker)."""
    done = subprocess.run(
        [kgraph, "--quiet", "extract", "-"], input="".join(lines).encode("utf-8"), capture_output=True
    )
    if done.returncode not in (0, 1):  # 1: some article was bad, reported; the others are out
        raise RuntimeError(f"kgraph extract failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return done.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSON Lines: one article a line")
    parser.add_argument("output", help="folder for the N-Quads (part-00000.nq, …); must not exist")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the local cluster (default 2)")
    parser.add_argument("--partitions", type=int, default=None, help="partitions (default: 2 per worker)")
    parser.add_argument("--kgraph", default=shutil.which("kgraph") or "kgraph", help="kgraph on the workers")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    start = time.monotonic()
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        with open(args.corpus, encoding="utf-8") as f:
            lines = [line if line.endswith("\n") else line + "\n" for line in f if line.strip()]
        workers = len(client.scheduler_info()["workers"]) or 1
        n = max(1, min(len(lines), args.partitions or 2 * workers))
        parts = [lines[i::n] for i in range(n)]
        futures = client.map(extract, [args.kgraph] * n, parts, pure=False)
        os.makedirs(args.output)
        quads = 0
        for i, (future, data) in enumerate(zip(futures, client.gather(futures))):
            with open(os.path.join(args.output, f"part-{i:05}.nq"), "wb") as out:
                out.write(data)
            quads += data.count(b"\n")
        print(
            f"dask: {n} partitions of {args.corpus} through `kgraph extract -` on {workers} workers "
            f"into {args.output}: {quads} quads in {time.monotonic() - start:.1f}s",
            file=sys.stderr,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
