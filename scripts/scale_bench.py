#!/usr/bin/env python3
"""Linear scaling of member-history validation: Bundles and NDJSON of 100, 1,000, 10,000 and
100,000 resources made from the package examples (scripts/make_bulk.py), validated by the
release CLI in member-history mode (`--mode pdex`). Prints the time per entry after start-up
(start-up = a 1-resource input) and checks that the per-entry cost at 100,000 is within
MAX_RATIO of that at 1,000.

usage: scripts/scale_bench.py [path/to/fhirval] [--max N]
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_RATIO = 1.3
SIZES = [100, 1_000, 10_000, 100_000]


def run(cli, path):
    best = None
    runs = 3 if os.path.getsize(path) < 50_000_000 else 1
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([cli, "validate", "--mode", "pdex", "--max-input-mb", "4096", "--format", "json", path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cli = args[0] if args else os.path.join(HERE, "..", "target", "release", "fhirval")
    sizes = SIZES
    if "--max" in sys.argv:
        top = int(sys.argv[sys.argv.index("--max") + 1])
        sizes = [s for s in SIZES if s <= top]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for kind, ext in (("bundle", "json"), ("ndjson", "ndjson")):
            paths = {}
            for n in [1] + sizes:
                paths[n] = os.path.join(tmp, f"{kind}-{n}.{ext}")
                subprocess.run([sys.executable, os.path.join(HERE, "make_bulk.py"), kind, str(n), paths[n]], check=True)
            run(cli, paths[1])  # warm the profile-set cache
            start = run(cli, paths[1])
            per = {}
            for n in sizes:
                t = run(cli, paths[n])
                per[n] = max(t - start, 1e-9) / n
                print(f"{kind:>7} {n:>7} entries: {t * 1000:9.1f} ms, {per[n] * 1e6:7.2f} us/entry")
                os.remove(paths[n])
            if 1_000 in per and sizes[-1] > 1_000:
                ratio = per[sizes[-1]] / per[1_000]
                print(f"{kind:>7}: per-entry cost at {sizes[-1]:,} = {ratio:.2f}x that at 1,000")
                ok = ok and ratio <= MAX_RATIO
    print("scale bench: " + ("1 passed, 0 failed" if ok else "0 passed, 1 failed"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
