#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo fuzz, libFuzzer with AddressSanitizer) of what Lantern reads
# from outside: FHIR documents and back-entry bundles, the nine CSV kinds, and evidence packs
# (raw, and behind a correctly signed manifest). Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
# (default 60). Seeds come from the repository's fixtures (and the external FHIR corpus when it
# is beside the project); the corpus grows in fuzz/corpus/, crashes land in fuzz/artifacts/.
# Prints each target's executions; exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

# cargo-fuzz from crates.io, at the version this was written against. libFuzzer's flags are
# nightly-only; the pinned stable toolchain ships the sanitizer runtimes, so RUSTC_BOOTSTRAP lets
# it take them (no other toolchain is downloaded). Only cargo fuzz gets RUSTC_BOOTSTRAP: set for
# the main build, it would make cargo rebuild the whole workspace.
if ! cargo fuzz --version 2>/dev/null | grep -q '0\.13\.'; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }

# The lantern binary (for the evidence seeds), then the fuzz targets (in fuzz/target).
cargo build -p lantern-cli -p lantern-testkit --locked
fuzz build -O
lantern=target/debug/lantern

corpus=fuzz/corpus
mkdir -p "$corpus"/{fhir_document,csv,evidence_pack,evidence_bundle}
# FHIR: the project's fixtures, good and broken, and small files of the external corpus when
# its locator finds it.
find tests/fixtures/fhir -name '*.json' -exec cp {} "$corpus/fhir_document/" \;
if ext=$(target/debug/fhir-corpus 2>/dev/null); then
  find "$ext" -name '*.json' -size -64k | sort | sed -n '1,200p' | while read -r f; do
    cp "$f" "$corpus/fhir_document/ext-$(basename "$f")"
  done
fi
# CSV: a file of each kind, a Windows-1252 file, and each kind's header-only template.
cp fuzz/seeds/csv/*.csv "$corpus/csv/"
for k in people risks medication mobility communication consent escalation contacts visits; do
  "$lantern" import csv "$k" --template > "$corpus/csv/template-$k.csv"
done
# Evidence: a pack written by a small real node.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LANTERN_DATA="$work/node" LANTERN_NOW=2026-12-01T09:00:00Z
"$lantern" init --org "Fuzz Care" >/dev/null 2>&1
"$lantern" service add home --name "Home care" --kind homecare >/dev/null 2>&1
"$lantern" person add --id p-1 --given Mary --family Jones --dob 1938-04-02 --service home >/dev/null 2>&1
"$lantern" evidence --from 2026-01-01T00:00:00Z --to 2027-01-01T00:00:00Z --out "$work/pack" >/dev/null 2>&1
unset LANTERN_DATA LANTERN_NOW
cp "$work/pack/bundle.json" "$corpus/evidence_bundle/demo-bundle.json"
{ cat "$work/pack/manifest.json"; printf '\0'; cat "$work/pack/bundle.json"; } > "$corpus/evidence_pack/demo-pack"

status=0
for t in fhir_document csv evidence_pack evidence_bundle; do
  log="fuzz/$t.log"
  if fuzz run -O "$t" "$corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 \
      -max_len=262144 -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz $t: ${runs:-?} executions in ${seconds}s, $cov, no findings"
  else
    echo "fuzz $t: FINDING (see $log and fuzz/artifacts/$t/)"
    grep -E 'panicked|ERROR: AddressSanitizer|SUMMARY|Test unit written' "$log" | head -10
    status=1
  fi
done
exit $status
