#!/usr/bin/env python3
"""Instructions per validation (valgrind's callgrind): deterministic where timings on a shared
machine are not, so the A/B figure of a change. For each CLI build given, validates a corpus
Bundle once and twice in one process, counting only inside `Validator::validate_against`, and
prints the second validation's count (the first decodes the structures and value sets it
meets: start-up work), in standard mode and everything on (`--mode pdex --security-checks`).

usage: scripts/instr_count.py [--file CORPUS_FILE] CLI [CLI ...]
       (default file: uscore_bundle_patient_355.json; needs `valgrind`: apt-get install valgrind)
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus")
MODES = (("standard", []), ("everything on", ["--mode", "pdex", "--security-checks"]))


def cache_of(cli):
    """A profile-set cache of the build's own (keyed by the binary's bytes), warmed by one run
    outside valgrind: builds of different profile-set formats sharing one cache would each find
    the other's set there and recompile it, which changes what a validation decodes."""
    with open(cli, "rb") as f:
        digest = hashlib.sha1(f.read()).hexdigest()[:16]
    cache = os.path.join(tempfile.gettempdir(), "fhirval-instr-cache", digest)
    if not os.path.isdir(cache):
        os.makedirs(cache)
        subprocess.run([cli, "validate", "--format", "json", os.path.join(CORPUS, "pdex_everything_response.json")],
                       env={**os.environ, "FHIRVAL_CACHE": cache}, stdout=subprocess.DEVNULL, check=False)
    return cache


def collected(cli, flags, inputs):
    """Instructions executed inside validate_against for one CLI run over `inputs`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=no",
             "--toggle-collect=*validate_against*", cli, "validate", "--format", "json", *flags,
             *inputs],
            env={**os.environ, "FHIRVAL_CACHE": cache_of(cli)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if not found:
        sys.exit(f"no count from valgrind for {cli}:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main():
    args = sys.argv[1:]
    name = "uscore_bundle_patient_355.json"
    if "--file" in args:
        at = args.index("--file")
        name = args[at + 1]
        del args[at:at + 2]
    if not args:
        sys.exit(__doc__)
    path = os.path.join(CORPUS, name)
    first = {}
    for label, flags in MODES:
        for cli in args:
            once = collected(cli, flags, [path])
            steady = collected(cli, flags, [path, path]) - once
            base = first.setdefault(label, steady)
            print(f"{label:>13} {cli}: {steady:,} instructions per validation "
                  f"({steady / base:.3f}x the first build)")


if __name__ == "__main__":
    main()
