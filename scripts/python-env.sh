#!/usr/bin/env bash
# The Python environment of the tests and benchmarks (idempotent): a venv at $FHIRVAL_VENV
# (default target/venv) with maturin (builds python/), pytest, and PySpark 4.3.0 with pyarrow
# and pandas < 3 (PySpark does not support pandas 3 yet). Spark also needs Java (17 or 21):
# .ci/run installs Debian's when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${FHIRVAL_VENV:-target/venv}"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV" 2>/dev/null || {
    rm -rf "$VENV"
    apt-get update && apt-get install -y python3-venv
    python3 -m venv "$VENV"
  }
fi
"$VENV/bin/python" -m pip install -q "maturin>=1.16,<1.17" "pytest>=8" "pyspark==4.3.0" "pyarrow>=14" "pandas<3" numpy
