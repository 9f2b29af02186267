#!/usr/bin/env bash
# The README's Rust example, as a user would build it: the first ```rust block under the README's
# "## Rust" heading becomes src/main.rs of a new crate (outside this workspace) that depends on
# fhirval by path; its output on a corpus Bundle and a hostile input must be byte-identical to
# `fhirval validate --format json FILE` (stdout and exit status).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
python3 - "$tmp/src/main.rs" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
section = text.split("\n## Rust\n", 1)[1]
block = re.search(r"```rust\n(.*?)```", section, re.S)
if not block:
    sys.exit("README.md: no ```rust block under ## Rust")
open(sys.argv[1], "w").write(block.group(1))
PY
cat > "$tmp/Cargo.toml" <<TOML
[package]
name = "readme-example"
version = "0.1.0"
edition = "2024"

[dependencies]
fhirval = { path = "$root" }

[workspace]
TOML
# the same dependency versions as this checkout, and its target dir: only the example is built
cp Cargo.lock "$tmp/Cargo.lock"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" cargo build --release --quiet --manifest-path "$tmp/Cargo.toml"
example="${CARGO_TARGET_DIR:-$root/target}/release/readme-example"
cargo build --release --quiet
for input in ../shared/corpus/uscore_bundle_patient_355.json tests/hostile/hand/uscore-patient-missing.json tests/hostile/gen/empty.json; do
  set +e
  "$example" "$input" >"$tmp/example.json"; a=$?
  target/release/fhirval validate --format json "$input" >"$tmp/cli.json"; b=$?
  set -e
  cmp "$tmp/example.json" "$tmp/cli.json" || { echo "README example differs from the CLI on $input" >&2; exit 1; }
  [[ $a == "$b" ]] || { echo "README example exits $a, the CLI $b, on $input" >&2; exit 1; }
  echo "README example = CLI on $input ($(wc -c <"$tmp/cli.json") bytes, exit $a)"
done
