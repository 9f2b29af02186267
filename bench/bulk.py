#!/usr/bin/env python3
"""Bulk-data benchmark: the three hosts against the CLI in one run, as ratios.

  1. Spark local[2] (fhirval.spark.validate_ndjson, forced with the `noop` writer; the session
     already up, as on a cluster) vs `fhirval validate` on the same NDJSON;
  2. the npm package's validateNdjsonStream with 2 workers vs the CLI, same file;
  3. Python `Validator.validate` per Bundle vs the CLI per Bundle (the CLI's marginal time per
     Bundle: a run over K copies minus a run over one, over K - 1).

usage: bench/bulk.py [--resources N] [--repeat R] [--skip-spark] [--skip-node]
Run from the repository with the venv of scripts/python-env.sh, `pip install ./python`, the CLI
built (cargo build --release) and the npm package built (scripts/build-pkg.sh). Each timing is
repeated R times; the figures are medians with the spread (min-max) of the ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(REPO, "target", "release", "fhirval")

NODE_STREAM = r"""
const fs = require('node:fs');
const { Validator } = require(process.argv[2]);
(async () => {
  const v = await Validator.create();
  const t0 = process.hrtime.bigint();
  let n = 0;
  for await (const _ of v.validateNdjsonStream(fs.createReadStream(process.argv[3]), { workers: Number(process.argv[4]) })) n++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ n, s }));
})();
"""


def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def spread(xs):
    return f"{min(xs):.2f}-{max(xs):.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-node", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="fhirval-bench-")
    nd = os.path.join(tmp, "bulk.ndjson")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "make_bulk.py"), "ndjson", str(a.resources), nd], check=True)
    size = os.path.getsize(nd)
    print(f"NDJSON: {a.resources} resources, {size / 1e6:.0f} MB; {os.cpu_count()} cores", flush=True)
    wall([CLI, "validate", "--format", "json", nd])  # the set into the cache, the file into the page cache
    results = {}

    if not a.skip_spark:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ["PYSPARK_PYTHON"] = sys.executable
        from pyspark.sql import SparkSession

        from fhirval import spark as fvs

        spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                 .config("spark.driver.memory", "2g").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        fvs.validate_ndjson(spark, nd).limit(1).collect()  # workers and JIT warm
        ratios, cli_t, spark_t = [], [], []
        for _ in range(a.repeat):
            c = wall([CLI, "validate", "--format", "json", nd])
            t = time.perf_counter()
            fvs.validate_ndjson(spark, nd).write.format("noop").mode("overwrite").save()
            s = time.perf_counter() - t
            cli_t.append(c)
            spark_t.append(s)
            ratios.append(s / c)
            print(f"  spark {s:.1f} s, cli {c:.1f} s", flush=True)
        spark.stop()
        results["spark"] = (statistics.median(spark_t), statistics.median(cli_t), statistics.median(ratios), spread(ratios))

    if not a.skip_node:
        script = os.path.join(tmp, "stream.cjs")
        with open(script, "w") as f:
            f.write(NODE_STREAM)
        ratios, cli_t, node_t = [], [], []
        for _ in range(a.repeat):
            c = wall([CLI, "validate", "--format", "json", nd])
            out = subprocess.run(["node", script, os.path.join(REPO, "pkg", "index.cjs"), nd, "2"],
                                 capture_output=True, text=True, check=True)
            s = json.loads(out.stdout)["s"]
            cli_t.append(c)
            node_t.append(s)
            ratios.append(s / c)
            print(f"  node stream (2 workers) {s:.1f} s, cli {c:.1f} s", flush=True)
        results["node"] = (statistics.median(node_t), statistics.median(cli_t), statistics.median(ratios), spread(ratios))

    # Python per Bundle vs the CLI per Bundle
    import fhirval

    bundle = os.path.join(tmp, "bundle.json")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "make_bulk.py"), "bundle", "300", bundle], check=True)
    data = open(bundle, "rb").read()
    k = 20
    v = fhirval.Validator()
    v.validate(data)
    ratios, cli_t, py_t = [], [], []
    for _ in range(a.repeat):
        many = wall([CLI, "validate", "--format", "json"] + [bundle] * k)
        one = wall([CLI, "validate", "--format", "json", bundle])
        c = (many - one) / (k - 1)
        t = time.perf_counter()
        for _ in range(k):
            v.validate(data)
        p = (time.perf_counter() - t) / k
        cli_t.append(c)
        py_t.append(p)
        ratios.append(p / c)
        print(f"  python {p * 1e3:.1f} ms per Bundle, cli {c * 1e3:.1f} ms", flush=True)
    results["python"] = (statistics.median(py_t), statistics.median(cli_t), statistics.median(ratios), spread(ratios))

    print()
    print("| host | time | CLI, same run | ratio (median, spread) |")
    print("| --- | --- | --- | --- |")
    names = {"spark": f"Spark local[2], {a.resources} resources", "node": f"Node stream, 2 workers, {a.resources} resources",
             "python": "Python validate, per Bundle of 300 resources"}
    for key, (h, c, r, sp) in results.items():
        unit = (lambda x: f"{x * 1e3:.1f} ms") if key == "python" else (lambda x: f"{x:.1f} s")
        print(f"| {names[key]} | {unit(h)} | {unit(c)} | {r:.2f}x ({sp}) |")


if __name__ == "__main__":
    main()
