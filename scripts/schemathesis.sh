#!/usr/bin/env bash
# Property-based testing of the JSON API against its own OpenAPI document with schemathesis
# (PyPI): `lantern serve --demo` on a scratch directory, signed in as the demo registered
# manager, every operation but sign-out exercised with generated requests (valid and invalid).
# Fails on any 5xx answer, any answer outside the documented schema or content type.
# Usage: scripts/schemathesis.sh [EXAMPLES_PER_OPERATION] (default 25).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-25}
lantern=${LANTERN_BIN:-target/debug/lantern}

venv="$PWD/target/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis==4.32.5
fi

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
env -u LANTERN_NOW "$lantern" --data "$work/node" --json serve --demo --listen 127.0.0.1:0 \
  >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 1 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listening"])' "$work/out")

post() { curl -sf -H 'Content-Type: application/json' "$@"; }
token=$(post -d '{"username":"amara","password":"northshire-demo-2026"}' "$base/api/v1/session" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# The document's example disruption, so that its operations reach a real record.
post -H "Authorization: Bearer $token" \
  -d '{"id":"d-emar-outage","title":"eMAR outage","dependencies":["emar"],"drill":true}' \
  "$base/api/v1/disruptions" >/dev/null

"$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --exclude-method DELETE \
  --max-examples "$examples" --generation-deterministic --continue-on-failure \
  --request-timeout 30 --no-color
