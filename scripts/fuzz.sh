#!/usr/bin/env bash
# Fuzz the engine with cargo-fuzz (libFuzzer, AddressSanitizer, debug assertions and overflow
# checks on) — see the README's "Reliability" section.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   run each target SECONDS (default 30) on its corpus
#   scripts/fuzz.sh --cmin [TARGET...]      minimise the corpora in fuzz/corpus/, trim them to
#                                           what git keeps (the 400 smallest inputs of at most
#                                           4 KiB: CI starts quickly), then add back the seeds
#                                           (scripts/fuzz_seeds.py)
#   scripts/fuzz.sh --check                 CI: install cargo-fuzz if missing, run every target
#                                           ${FUZZ_SECONDS:-30} s on a copy of the committed corpus
#
# Only the stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets it accept the -Z flags cargo-fuzz
# passes. Every run appends "date target seconds runs result" to fuzz/runs.log (the campaign
# record the README sums up). A crash leaves its input in fuzz/artifacts/TARGET/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
TARGETS_ALL=(validate_bytes validate_mutated package_tgz structure_definition fhirpath profile_set)
FLAGS=(-timeout=30 -rss_limit_mb=4096 -max_len=131072 -print_final_stats=1)

MODE=run SECONDS_EACH=30 LOG=fuzz/runs.log
case "${1:-}" in
  --cmin) MODE=cmin; shift ;;
  --check) MODE=check; SECONDS_EACH="${FUZZ_SECONDS:-30}"; shift; LOG=target/fuzz-ci.log ;;
  ''|*[!0-9]*) ;;
  *) SECONDS_EACH=$1; shift ;;
esac
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${TARGETS_ALL[@]}")

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2 || cargo install cargo-fuzz >&2
fi
(cd fuzz && cargo fuzz build -a >&2)

for t in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$t"
  if [[ $MODE == cmin ]]; then
    (cd fuzz && cargo fuzz cmin -a "$t" -- "${FLAGS[@]}")
    find "$corpus" -type f ! -name 'seed-*' -size +4k -delete
    find "$corpus" -type f ! -name 'seed-*' -printf '%s %p\n' | sort -n | tail -n +401 | cut -d' ' -f2- | xargs -r rm -f
    echo "fuzz: $t: $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)" >&2
    continue
  fi
  if [[ $MODE == check ]]; then
    # CI works on a copy: the committed corpus stays as it is
    work="target/fuzz-corpus/$t"
    rm -rf "$work" && mkdir -p "$work"
    if [[ -d $corpus ]]; then cp "$corpus"/* "$work"/; fi
    corpus="$PWD/$work"
  else
    corpus="$PWD/$corpus"
  fi
  out="target/fuzz-$t.out"
  mkdir -p target
  set +e
  (cd fuzz && cargo fuzz run -a "$t" "$corpus" -- "${FLAGS[@]}" -max_total_time="$SECONDS_EACH") >"$out" 2>&1
  rc=$?
  set -e
  # "Done N runs" at the end of a run; the final stats when it stopped on a crash
  runs=$(grep -o 'Done [0-9]* runs' "$out" | tail -1 | grep -o '[0-9]*' ||
    grep -o 'number_of_executed_units: *[0-9]*' "$out" | tail -1 | grep -o '[0-9]*$' || echo 0)
  result=ok
  [[ $rc == 0 ]] || result="FAILED($rc)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "$SECONDS_EACH" "${runs:-0}" "$result" | tee -a "$LOG"
  if [[ $rc != 0 ]]; then
    grep -v '^ *#[0-9]* *0x' "$out" | tail -40 >&2
    exit 1
  fi
done
[[ $MODE == cmin ]] && python3 scripts/fuzz_seeds.py
exit 0
