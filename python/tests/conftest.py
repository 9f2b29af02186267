"""Shared fixtures: the repository, the CLI built from it (`cargo build --release`), the
default validator, and the CLI run as the reference the Python and Spark hosts must match."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
HOSTILE = REPO / "tests" / "hostile"
CLI = Path(os.environ.get("FHIRVAL_CLI", REPO / "target" / "release" / "fhirval"))


def cli(*args, ok=(0, 1)):
    """Run the CLI; its stdout (text) and stderr."""
    r = subprocess.run([str(CLI), *map(str, args)], capture_output=True)
    assert r.returncode in ok, f"fhirval {args}: exit {r.returncode}: {r.stderr.decode()[-2000:]}"
    return r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def make_bulk(n, out):
    """NDJSON of n resources from scripts/make_bulk.py (US Core and PDex examples)."""
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_bulk.py"), "ndjson", str(n), str(out)],
        check=True,
    )
    return out


def hostile_cases():
    return [c for m in ("gen.json", "hand.json") for c in json.loads((HOSTILE / m).read_text())]


@pytest.fixture(scope="session")
def validator():
    import fhirval

    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: cargo build --release first")
    return fhirval.Validator()
