#!/usr/bin/env bash
# All tests: formatting, lints, unit/integration/conformance tests, CLI throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
test -d ../shared/fhir-packages || { echo "../shared/fhir-packages is missing beside the checkout" >&2; exit 2; }
cargo fmt --all -- --check
cargo clippy --release --all-targets -- -D warnings
# the crate's documentation builds without a warning (broken or private links included)
RUSTDOCFLAGS='-D warnings' cargo doc --no-deps --quiet
# the hostile-input suite's generated inputs match scripts/gen_hostile.py; the fuzz crate
# (its own workspace) is formatted
python3 scripts/gen_hostile.py --check
(cd fuzz && cargo fmt -- --check)
cargo build --release
python3 scripts/cli_speed.py
cargo test --release
# FHIRPath differential: fhirpath.js on the (example node, invariant) pairs that
# tests/integration/fhirpath_differential.rs just wrote; unexplained disagreements fail (tests/differential/)
(cd tests/differential && npm ci --no-audit --no-fund >/dev/null)
node tests/differential/compare.mjs

# JavaScript / WebAssembly (pkg/, www/): build the npm package, then its Node tests and the page in
# Chromium (skipped outside CI when /usr/bin/chromium is missing; .ci/run installs it).
./scripts/build-pkg.sh
cargo clippy --release --lib --no-default-features --target wasm32-unknown-unknown -- -D warnings
(cd tests/js && npm ci --no-audit --no-fund >/dev/null)
node --test tests/js/

# Python (python/): the package built and installed from the checkout as `pip install ./python`
# does it (maturin; no build isolation, the venv has maturin), its crate's lints, then pytest:
# the API against the CLI, and Spark in a real local[2] session (FHIRVAL_REQUIRE_SPARK: no skip).
VENV="${FHIRVAL_VENV:-target/venv}"
test -x "$VENV/bin/python" || { echo "$VENV is missing: run scripts/python-env.sh (.ci/run does)" >&2; exit 2; }
(cd python && cargo fmt -- --check && CARGO_TARGET_DIR="$PWD/../target" cargo clippy --release -- -D warnings)
# (maturin's build hook runs the `maturin` command: the venv's bin/ goes first on PATH)
PATH="$(cd "$VENV" && pwd)/bin:$PATH" CARGO_TARGET_DIR="$PWD/target" "$VENV/bin/python" -m pip install -q --no-build-isolation --force-reinstall --no-deps ./python
FHIRVAL_REQUIRE_SPARK=1 SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$VENV/bin/python" \
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider python/tests

# Fuzzing: every cargo-fuzz target for FHIRVAL_FUZZ_SECONDS seconds on a copy of its committed
# corpus (.ci/run sets 30; unset locally, where scripts/fuzz.sh runs longer campaigns).
if [[ -n "${FHIRVAL_FUZZ_SECONDS:-}" ]]; then
  FUZZ_SECONDS="$FHIRVAL_FUZZ_SECONDS" ./scripts/fuzz.sh --check
fi
