#!/usr/bin/env bash
# Runs Lantern's whole test suite on a fresh machine: installs what the tests need, then builds
# once and runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs on a fresh clone with nothing beside it; the external FHIR corpus is optional (see below).
#
# What the tests need beyond the Rust toolchain, installed only when missing: Debian's Chromium
# for the browser tests (never a downloaded browser), poppler-utils to read printed PDFs back,
# Node.js with npm to drive it, and Python with venv for the third-party FHIR validators that
# check what Lantern exports.
need_debs=(chromium poppler-utils)
command -v node >/dev/null 2>&1 || need_debs+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need_debs+=(curl)
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

# The toolchain rust-toolchain.toml names. Where rustup holds 1.95.0 only as "stable", name it
# 1.95.0 too, so that nothing is downloaded (rustup can reach no registry of its own here).
if command -v rustup >/dev/null 2>&1; then
  want=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
  if ! rustup toolchain list | grep -q "^$want"; then
    stable_version=$(cd / && rustc +stable --version 2>/dev/null || true)
    if [[ "$stable_version" == "rustc $want "* ]]; then
      rustup toolchain link "$want" "$(cd / && rustc +stable --print sysroot)"
    fi
  fi
fi

# The FHIR validators (fhir.resources and the HL7 R4 JSON Schema, from PyPI), in a venv kept
# under target/ so a second run reuses it.
fhir_venv="$PWD/target/fhir-venv"
if [ ! -x "$fhir_venv/bin/python" ] || ! "$fhir_venv/bin/python" -c "import fhir.resources, jsonschema" >/dev/null 2>&1; then
  rm -rf "$fhir_venv"
  bash scripts/fhir-validator/setup.sh "$fhir_venv"
fi
validate() { "$fhir_venv/bin/python" scripts/fhir-validator/validate_fhir.py "$@"; }

# A real S3-compatible server for the off-site backup tests (moto's, from PyPI), in a venv kept
# under target/; the test starts it on a free port. Required here: the test fails without it.
s3_venv="$PWD/target/s3-venv"
if [ ! -x "$s3_venv/bin/moto_server" ]; then
  rm -rf "$s3_venv"
  python3 -m venv "$s3_venv"
  "$s3_venv/bin/pip" install --quiet --disable-pip-version-check 'moto[s3]==5.2.5' 'flask>=3,<4' 'flask-cors>=5,<7'
fi
export LANTERN_S3_SERVER="$s3_venv/bin/moto_server" LANTERN_REQUIRE_S3=1

# The project's own FHIR fixtures are what the validators say they are: the good ones valid, each
# broken one refused.
validate tests/fixtures/fhir/bundles tests/fixtures/fhir/resources tests/fixtures/fhir/referrals
for f in tests/fixtures/fhir/broken/*.json; do
  if validate "$f" >/dev/null; then echo "fixture $f should be invalid FHIR but passed"; exit 1; fi
done
echo "every broken FHIR fixture is refused by the validators"

# CI builds once from clean, so incremental caches would only take disk. Say how much disk there
# is: a build that runs out of it fails with "No space left on device" half-way through.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
df -h . | tail -1 | awk '{print "disk free for target/: " $4}'

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --all-targets --locked
rm -rf target/fhir-export

# The external FHIR corpus (not part of this repository) is found by one locator,
# crates/testkit; the suites over it live in modules named external_corpus and run only when it
# is there.
if corpus=$(target/debug/fhir-corpus); then
  export LANTERN_FHIR_CORPUS="$corpus"
  echo "external FHIR corpus: $corpus (the external_corpus suites run)"
  skip_nextest=()
  skip_cargo=()
else
  echo "external FHIR corpus NOT FOUND: $corpus"
  echo "These external suites did NOT run (everything else does):"
  if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest list --workspace --locked -E 'test(/^external_corpus::/)' 2>/dev/null | sed 's/^/  /'
  else
    cargo test --workspace --locked -- --list 2>/dev/null | grep 'external_corpus::' | sed 's/^/  /'
  fi
  skip_nextest=(-E 'not test(/^external_corpus::/)')
  skip_cargo=(--skip external_corpus::)
fi
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "${skip_nextest[@]}"
else
  cargo test --workspace --locked --no-fail-fast -- "${skip_cargo[@]}"
fi

# Every FHIR bundle the tests exported must pass both third-party validators.
ls target/fhir-export/*.json >/dev/null
validate target/fhir-export

# Browser end-to-end tests: the real `lantern serve --demo` in headless Chromium, with axe-core.
# Screenshots go to target/screenshots/.
(cd browser-tests && npm ci --no-audit --no-fund --loglevel=error && LANTERN_BIN="$PWD/../target/debug/lantern" node --test --test-concurrency=1)

# The JSON API against its own OpenAPI document (schemathesis, from PyPI): no 5xx, no answer
# outside the documented schema.
bash scripts/schemathesis.sh 25

# Fuzzing: a short run of each cargo fuzz target (FHIR documents, CSV files, evidence packs) with
# seeds from the fixtures; any crash fails the suite. scripts/fuzz.sh SECONDS runs a longer one.
bash scripts/fuzz.sh "${LANTERN_FUZZ_SECONDS:-15}"
