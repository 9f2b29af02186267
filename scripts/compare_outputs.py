#!/usr/bin/env python3
"""Record the CLI's outputs on the corpus and the hostile suite, to prove a refactor changes none.

    scripts/compare_outputs.py record DIR [--bin target/release/fhirval]
    scripts/compare_outputs.py diff DIR_A DIR_B

`record` runs `fhirval validate --format json` on every Bundle in ../shared/corpus, every input of
the hostile suite (tests/hostile/gen, tests/hostile/hand), the corpus folder as one input (a Bundle
of outcomes) and an NDJSON file of the corpus and the hand-written hostile inputs (written beside
DIR), each in standard and `--mode pdex`, and writes stdout, stderr and the exit status of each
run to DIR (one file per run). Hostile cases
whose manifest options the CLI can express (allowComments, maxDepth, maxIssues, securityChecks)
are run a second time with them. `diff` compares two recordings byte for byte and exits 1 on any
difference; with `--ignore-extension URL`, JSON outputs are compared without that extension
(both sides re-written the same way), to show that a change only added it. The default profile set comes from $FHIRVAL_CACHE (compiled on the first run).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI_FLAGS = {
    "allowComments": lambda v: ["--allow-comments"] if v else [],
    "securityChecks": lambda v: ["--security-checks"] if v else [],
    "maxDepth": lambda v: ["--max-depth", str(v)],
    "maxIssues": lambda v: ["--max-issues", str(v)],
}


def runs():
    """(name, args) of every run."""
    out = []
    corpus = ROOT.parent / "shared" / "corpus"
    inputs = [("corpus", p, []) for p in sorted(corpus.glob("*.json"))]
    for manifest in ("gen.json", "hand.json"):
        for case in json.loads((ROOT / "tests/hostile" / manifest).read_text()):
            path = ROOT / "tests/hostile" / case["file"]
            inputs.append(("hostile", path, []))
            flags = [f for k, v in case.get("options", {}).items() if k in CLI_FLAGS for f in CLI_FLAGS[k](v)]
            if flags:
                inputs.append(("hostile-opt", path, flags))
    for group, path, flags in inputs:
        for mode in ("standard", "pdex"):
            name = f"{group}__{path.parent.name}__{path.name}__{mode}"
            args = ["validate", "--format", "json", "--mode", mode, *flags, str(path)]
            out.append((name, args))
    # several inputs at once: a Bundle of OperationOutcomes, and the summary on stderr
    for mode in ("standard", "pdex"):
        out.append((f"corpus-dir__{mode}", ["validate", "--format", "json", "--mode", mode, str(corpus)]))
    # NDJSON: the corpus Bundles and the hostile hand inputs, one per line (written by `record`)
    for mode in ("standard", "pdex"):
        out.append((f"ndjson__{mode}", ["validate", "--format", "json", "--mode", mode, "NDJSON"]))
    return out


def ndjson_text() -> str:
    corpus = ROOT.parent / "shared" / "corpus"
    files = sorted(corpus.glob("*.json")) + sorted((ROOT / "tests/hostile/hand").glob("*.json"))
    lines = []
    for f in files:
        try:
            lines.append(json.dumps(json.loads(f.read_text()), ensure_ascii=False))
        except (ValueError, UnicodeDecodeError):
            lines.append(f.read_bytes().decode("utf-8", "replace").replace("\n", " "))
    return "\n".join(lines) + "\n"


def record(dest: Path, binary: Path):
    dest.mkdir(parents=True, exist_ok=True)
    # compile (or load) the default set once before running in parallel
    subprocess.run([str(binary), "validate", "--format", "json", str(ROOT / "tests/hostile/gen/empty.json")],
                   capture_output=True, check=False)

    nd_path = dest.parent / (dest.name + "-input.ndjson")
    nd_path.write_text(ndjson_text())

    def one(item):
        name, args = item
        args = [str(nd_path) if a == "NDJSON" else a for a in args]
        p = subprocess.run([str(binary), *args], capture_output=True, cwd=ROOT, check=False)
        (dest / (name + ".out")).write_bytes(p.stdout)
        (dest / (name + ".err")).write_bytes(p.stderr)
        (dest / (name + ".rc")).write_text(f"{p.returncode}\n")

    items = runs()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        list(ex.map(one, items))
    print(f"recorded {len(items)} runs in {dest}")


def without_extension(data: bytes, url: str) -> bytes:
    """The JSON text `data` with every extension of this URL removed (an emptied `extension`
    array too), written back in the CLI's layout; other text unchanged."""
    try:
        doc = json.loads(data)
    except ValueError:
        return data

    def strip(v):
        if isinstance(v, dict):
            if isinstance(v.get("extension"), list):
                kept = [e for e in v["extension"] if not (isinstance(e, dict) and e.get("url") == url)]
                if kept:
                    v["extension"] = kept
                else:
                    del v["extension"]
            for x in v.values():
                strip(x)
        elif isinstance(v, list):
            for x in v:
                strip(x)

    strip(doc)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()


def diff(a: Path, b: Path, ignore: str | None = None) -> int:
    fa = {p.name for p in a.iterdir()}
    fb = {p.name for p in b.iterdir()}

    def read(d: Path, n: str) -> bytes:
        data = (d / n).read_bytes()
        return without_extension(data, ignore) if ignore and n.endswith(".out") else data

    bad = sorted(fa ^ fb) + sorted(n for n in fa & fb if read(a, n) != read(b, n))
    for n in bad[:50]:
        print(f"differs: {n}")
    print(f"{len(fa & fb)} files compared, {len(bad)} differ")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("dir", type=Path)
    r.add_argument("--bin", type=Path, default=ROOT / "target/release/fhirval")
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    d.add_argument("--ignore-extension", metavar="URL",
                   help="compare JSON outputs without the extensions of this URL (an added extension)")
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.dir, args.bin)
        return 0
    return diff(args.a, args.b, args.ignore_extension)


if __name__ == "__main__":
    sys.exit(main())
