#!/usr/bin/env bash
# bench/audit-get.sh - the audit trail's cost on reads alone, with a light client (wrk):
#
#   1. starts two Coffer servers, as bench/audit.sh does: one as shipped, one with
#      COFFER_BENCH_AUDIT_OFF=true (the setting that exists only for this comparison)
#   2. on each, puts one 4 KiB object (aws cli) and makes a pre-signed GET URL for it
#   3. in alternating rounds (off, on, on, off, ...) runs wrk with BENCH_CONNECTIONS connections
#      for BENCH_SECONDS against that URL, after an unmeasured warm-up of the same length
#   4. prints each run's requests/s and the server's CPU time per request, and on/off
#
#   bench/audit-get.sh [--no-build]
#
# Environment: BENCH_ROUNDS=2, BENCH_SECONDS=10, BENCH_CONNECTIONS=32, BENCH_START_TIMEOUT=60,
# BENCH_DIR=/tmp (data directories), BENCH_OUT=DIR (logs; default a new temp dir).
# Needs wrk (apt-get install wrk) and the aws cli. Everything listens on and targets 127.0.0.1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ROUNDS="${BENCH_ROUNDS:-2}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"

say() { printf '[audit-get] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_args "$0" "$@"

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v aws >/dev/null || die "the aws cli is not on PATH"

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-audit-get-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-audit-get-results.XXXXXX")}"
mkdir -p "$OUT"
trap stop_named EXIT
trap 'exit 130' INT TERM

build_release "$BUILD"
root_credentials AUDITGET
export AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" AWS_DEFAULT_REGION=us-east-1

start_named off COFFER_BENCH_AUDIT_OFF=true
start_named on

head -c 4096 /dev/urandom >"$OUT/object.bin"
declare -A URL=()
for name in off on; do
  aws --endpoint-url "${URLS[$name]}" s3 mb s3://audit-get >/dev/null
  aws --endpoint-url "${URLS[$name]}" s3 cp "$OUT/object.bin" s3://audit-get/object.bin >/dev/null
  URL[$name]="$(aws --endpoint-url "${URLS[$name]}" s3 presign s3://audit-get/object.bin --expires-in 3600)"
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

# run NAME ROUND : a warm-up and a measured wrk run; prints "NAME req/s cpu-us-per-request"
run() {
  local name=$1 pid=${PIDS[$1]} before after requests rate
  wrk -c "$CONNECTIONS" -t 2 -d "${SECONDS_EACH}s" "${URL[$name]}" >/dev/null
  before=$(cpu_ticks "$pid")
  wrk -c "$CONNECTIONS" -t 2 -d "${SECONDS_EACH}s" "${URL[$name]}" >"$OUT/wrk-$name-$2.txt"
  after=$(cpu_ticks "$pid")
  ! grep -q 'Non-2xx' "$OUT/wrk-$name-$2.txt" || die "$name answered errors (see $OUT/wrk-$name-$2.txt)"
  requests=$(awk '/requests in/ { print $1 }' "$OUT/wrk-$name-$2.txt")
  rate=$(awk '/^Requests\/sec/ { print $2 }' "$OUT/wrk-$name-$2.txt")
  echo "$name $rate $(( (after - before) * 1000000 / ticks_per_second / requests ))"
}

results=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="off on"; else order="on off"; fi
  for name in $order; do
    results+=("$(run "$name" "$round")")
    say "round $round: ${results[-1]}"
  done
done

echo "GET of one 4 KiB object, wrk -c $CONNECTIONS, ${SECONDS_EACH} s per run, $ROUNDS round(s)"
echo
echo "| round | off req/s | on req/s | on/off | server CPU/request off | on |"
echo "|---|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  off=$(printf '%s\n' "${results[@]}" | awk '$1 == "off"' | sed -n "${round}p")
  on=$(printf '%s\n' "${results[@]}" | awk '$1 == "on"' | sed -n "${round}p")
  awk -v r="$round" -v off="$off" -v on="$on" 'BEGIN {
    split(off, a, " "); split(on, b, " ");
    printf "| %d | %.0f | %.0f | %.3f | %d µs | %d µs |\n", r, a[2], b[2], b[2] / a[2], a[3], b[3] }'
done
