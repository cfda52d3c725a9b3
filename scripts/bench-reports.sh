#!/usr/bin/env bash
# Time and peak memory of a year's evidence pack and governance report over a generated
# organisation of N people (default 10000), each in its own process, measured by GNU time.
#   cargo build --release -p lantern-cli && scripts/bench-reports.sh 10000 50000
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${LANTERN_BIN:-target/release/lantern}"
[ -x "$bin" ] || { echo "build first: cargo build --release -p lantern-cli" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
for n in "${@:-10000}"; do
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  measure() { # label, then the command
    local label="$1"; shift
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    read -r secs kb <"$dir/time"
    printf '%-36s %8s s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
  }
  echo "== $n people"
  measure "demo organisation" "$bin" --data "$dir/data" demo --people "$n"
  events=$("$bin" --data "$dir/data" --json verify 2>/dev/null | grep -o '"events": *[0-9]*' | grep -o '[0-9]*' || echo '?')
  echo "journal: $events events, $(du -sm "$dir/data" | cut -f1) MB on disk"
  measure "evidence pack (a year)" "$bin" --data "$dir/data" --as s-nadia-ali evidence --from 2026-01-01 --to 2027-12-31 --out "$dir/pack"
  echo "  bundle.json $(du -m "$dir/pack/bundle.json" | cut -f1) MB"
  measure "verify-evidence" "$bin" verify-evidence "$dir/pack"
  measure "governance report (a year)" "$bin" --data "$dir/data" --as s-nadia-ali report --from 2026-01-01 --to 2027-12-31 --out "$dir/report"
  measure "referral audit (a year)" "$bin" --data "$dir/data" --as s-nadia-ali audit referrals --from 2026-01-01 --to 2027-12-31
  rm -rf "$dir"
  trap - EXIT
done
