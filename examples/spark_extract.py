#!/usr/bin/env python3
"""kgraph on Apache Spark: `kgraph extract -` as the map step of a JSON Lines corpus.

Each partition of the corpus (one article a line: id, title, date, url, text) is piped through
`kgraph extract -` (`rdd.pipe`); the N-Quads come back as text files, one per partition, which
`kgraph load` puts into one store (or any store's bulk loader reads):

    python3 examples/spark_extract.py --master local[2] corpus.jsonl out/
    kgraph --quiet extract --with-ontology > out/ontology.nq
    kgraph --store merged.store load --format nquads out/part-* out/ontology.nq
    kgraph --store merged.store resolve

Point --master at your cluster (spark://HOST:7077, yarn, k8s://…) and the corpus at storage the
executors read (hdfs://…, s3a://…); kgraph must be installed at the same path on every executor
(--kgraph PATH, default: `kgraph` on their PATH). Run it with python3 (pip install pyspark) or with
spark-submit. Needs Java 17 or later.
"""
import argparse
import os
import shutil
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSON Lines: one article a line")
    parser.add_argument("output", help="folder for the N-Quads (part-00000, …); must not exist")
    parser.add_argument("--master", default="local[2]", help="Spark master URL (default local[2])")
    parser.add_argument("--partitions", type=int, default=None, help="at least this many partitions")
    parser.add_argument("--kgraph", default=shutil.which("kgraph") or "kgraph", help="kgraph on the executors")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(args.master)
        .appName("kgraph extract")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        start = time.monotonic()
        corpus = os.path.abspath(args.corpus) if "://" not in args.corpus else args.corpus
        lines = spark.sparkContext.textFile(corpus, minPartitions=args.partitions or 2)
        # Blank lines would only be skipped by kgraph; a partition without any article gives
        # no quads, so an empty part file.
        quads = lines.filter(lambda line: line.strip() != "").pipe(f"{args.kgraph} --quiet extract -")
        output = os.path.abspath(args.output) if "://" not in args.output else args.output
        quads.saveAsTextFile(output)
        print(
            f"spark: {lines.getNumPartitions()} partitions of {args.corpus} through `kgraph extract -` "
            f"into {args.output} in {time.monotonic() - start:.1f}s (master {args.master})",
            file=sys.stderr,
        )
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
