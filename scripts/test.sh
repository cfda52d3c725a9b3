#!/usr/bin/env bash
# Runs Lantern's whole test suite on a fresh machine: installs what the tests need, then builds
# once and runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests need beyond the Rust toolchain, installed only when missing: Debian's Chromium
# for the browser tests (never a downloaded browser), poppler-utils to read printed PDFs back, Node.js with npm to drive it, and Python
# with venv for the third-party FHIR validators that check what Lantern exports.
need_debs=(chromium poppler-utils)
command -v node >/dev/null 2>&1 || need_debs+=(nodejs npm)
command -v python3 >/dev/null 2>&1 || need_debs+=(python3)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need_debs+=(python3-venv)
if [ ${#need_debs[@]} -gt 0 ]; then
  missing=()
  for p in "${need_debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
  fi
fi

# The FHIR validators (fhir.resources and the HL7 R4 JSON Schema) from ../shared/tools, in a venv
# kept under target/ so a second run reuses it.
fhir_venv="$PWD/target/fhir-venv"
if [ ! -x "$fhir_venv/bin/python" ] || ! "$fhir_venv/bin/python" -c "import fhir.resources, jsonschema" >/dev/null 2>&1; then
  rm -rf "$fhir_venv"
  bash ../shared/tools/setup_fhir_validator.sh "$fhir_venv"
fi

# CI builds once from clean, so incremental caches would only take disk. Say how much disk there
# is: a build that runs out of it fails with "No space left on device" half-way through.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
df -h . | tail -1 | awk '{print "disk free for target/: " $4}'

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --all-targets --locked
rm -rf target/fhir-export
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

# Every FHIR bundle the tests exported must pass both third-party validators.
ls target/fhir-export/*.json >/dev/null
"$fhir_venv/bin/python" ../shared/tools/validate_fhir.py target/fhir-export

# Browser end-to-end tests: the real `lantern serve --demo` in headless Chromium, with axe-core.
# Screenshots go to target/screenshots/.
(cd browser-tests && npm ci --no-audit --no-fund --loglevel=error && LANTERN_BIN="$PWD/../target/debug/lantern" node --test --test-concurrency=1)
