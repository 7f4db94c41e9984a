#!/usr/bin/env bash
# bench/audit.sh - the cost of the audit trail, every figure from the same run:
#
#   1. starts two Coffer servers (coffer serve), each with a fresh data directory: one as shipped
#      (every request recorded in the journal, its fsync done before the response), one with
#      COFFER_BENCH_AUDIT_OFF=true, the setting that exists only for this comparison (nothing is
#      recorded)
#   2. warms both up (an unmeasured short run each)
#   3. runs coffer-bench s3 against them alternately: BENCH_SMALL objects with BENCH_CONCURRENCY
#      clients (PUT, GET, DELETE); unaudited first in odd rounds and last in even ones (off, on,
#      on, off, ...), so that a drift over the run does not favour one side; only the measured
#      server runs, the other idles
#   4. runs coffer-bench audit: the records/s the journal sustains with BENCH_CONCURRENCY appenders
#   5. prints a markdown table: per phase, the best of each side, audited/unaudited, and the target
#      (small-object PUT and GET ops/s: 0.90 or more); each round's ratios; the server's CPU time
#      per request; and the journal's records/s
#
#   bench/audit.sh [--no-build]
#
# Environment:
#   BENCH_AUDIT_ROUNDS=3      measured rounds; each runs both servers once
#   BENCH_SMALL=4KiB          each small object
#   BENCH_SMALL_OPS=10000     small objects written, read and deleted per run
#   BENCH_CONCURRENCY=32      concurrent clients (and journal appenders)
#   BENCH_WARMUP_OPS=2000     small objects per warm-up run; 0: none
#   BENCH_PHASE_TIMEOUT=120   seconds; upper bound on each phase
#   BENCH_START_TIMEOUT=60    seconds to wait for a server's "listening on" line
#   BENCH_DIR=/tmp            where the temporary data directories are made
#   BENCH_OUT=DIR             where JSON reports, logs and results.md go (default: a new temp dir)
# A quick run: BENCH_SMALL_OPS=3000 BENCH_AUDIT_ROUNDS=1 bench/audit.sh
#
# Everything listens on and targets 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ROUNDS="${BENCH_AUDIT_ROUNDS:-3}"
SMALL="${BENCH_SMALL:-4KiB}"
SMALL_OPS="${BENCH_SMALL_OPS:-10000}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
WARMUP_OPS="${BENCH_WARMUP_OPS:-2000}"
PHASE_TIMEOUT="${BENCH_PHASE_TIMEOUT:-120}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"
# three phases plus set-up and clean-up, each bounded by PHASE_TIMEOUT
CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 6 + 60))

say() { printf '[audit] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_args "$0" "$@"

case "$ROUNDS" in ''|*[!0-9]*|0) die "BENCH_AUDIT_ROUNDS must be a positive number" ;; esac
command -v python3 >/dev/null || die "python3 is not on PATH"

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-audit-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-audit-results.XXXXXX")}"
mkdir -p "$OUT"

trap stop_named EXIT
trap 'exit 130' INT TERM

build_release "$BUILD"

root_credentials AUDITBENCH

start_named off COFFER_BENCH_AUDIT_OFF=true
grep -q 'COFFER_BENCH_AUDIT_OFF is set' "$OUT/coffer-off.log" || die "the unaudited server did not take COFFER_BENCH_AUDIT_OFF"
start_named on

# run_bench NAME OPS FILE : one coffer-bench s3 run of small objects against server NAME
run_bench() {
  local name=$1 ops=$2 file=$3 rc=0
  AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" timeout "$CLIENT_TIMEOUT" \
    dotnet "$BENCH_DLL" s3 --endpoint "${URLS[$name]}" --bucket "coffer-audit-$name" --large-size 0 \
      --small-size "$SMALL" --small-ops "$ops" --concurrency "$CONCURRENCY" --phase-timeout "$PHASE_TIMEOUT" \
      --json "$file.json" >"$file.txt" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { tail -n 5 "$file.txt" >&2; die "$name: coffer-bench exited with $rc (see $file.txt)"; }
  grep -E '^(large-|small-)' "$file.txt" | sed "s/^/[audit]   /" >&2 || true
}

# server_cpu_ticks NAME : user + system CPU time the server has used, in clock ticks
server_cpu_ticks() { sed 's/.*) //' "/proc/${PIDS[$1]}/stat" | awk '{ print $12 + $13 }'; }
CLOCK_TICKS="$(getconf CLK_TCK)"

if [ "$WARMUP_OPS" -gt 0 ]; then
  for name in off on; do
    say "warm-up: $name, $WARMUP_OPS small objects"
    run_bench "$name" "$WARMUP_OPS" "$OUT/warmup-$name"
  done
fi

LOADS=()
RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  ORDER=(off on)
  [ $((round % 2)) = 1 ] || ORDER=(on off)
  for name in "${ORDER[@]}"; do
    LOADS+=("$name:$(cut -d' ' -f1 /proc/loadavg)")
    say "round $round of $ROUNDS: $name, $SMALL x $SMALL_OPS with $CONCURRENCY clients (load $(cut -d' ' -f1-3 /proc/loadavg))"
    before="$(server_cpu_ticks "$name")"
    run_bench "$name" "$SMALL_OPS" "$OUT/$name-small-$round"
    cpu="$(awk -v a="$before" -v b="$(server_cpu_ticks "$name")" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.2f", (b - a) / hz }')"
    say "  server CPU $cpu s"
    RESULTS+=("$name=$cpu=$OUT/$name-small-$round.json")
  done
done

# The records the audited server wrote, as a check that it recorded every request.
RECORDS="$(cat "$DATA_ROOT"/on/audit/segments/*.seg 2>/dev/null | grep -c '^[0-9a-f]\{64\} ' || true)"
OFF_RECORDS="$(cat "$DATA_ROOT"/off/audit/segments/*.seg 2>/dev/null | grep -c '^[0-9a-f]\{64\} ' || true)"

say "journal micro-benchmark: $CONCURRENCY appenders, 3 s"
JOURNAL_DIR="$DATA_ROOT/journal"
timeout 300 dotnet "$BENCH_DLL" audit --seconds 3 --concurrency "$CONCURRENCY" --rows 10000 --dir "$JOURNAL_DIR" >"$OUT/journal.txt" 2>&1 \
  || { tail -n 5 "$OUT/journal.txt" >&2; die "coffer-bench audit failed (see $OUT/journal.txt)"; }
JOURNAL="$(grep -m1 'records/s' "$OUT/journal.txt" | sed 's/^ *//')"

{
  echo "## coffer-bench audit cost: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "small objects $SMALL x $SMALL_OPS, $CONCURRENCY concurrent clients; $ROUNDS round(s) of off and on"
  echo "(reversed in even rounds) after a warm-up; best run per phase; on: every request recorded and"
  echo "fsync'd before its response; off: COFFER_BENCH_AUDIT_OFF=true."
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); client and servers share the machine."
  echo "1-minute load average as each run started: ${LOADS[*]}."
  echo "records in the audited server's journal: $RECORDS (the unaudited one's: $OFF_RECORDS)."
  echo
  python3 - "${RESULTS[@]}" <<'PY'
import json, statistics, sys
from collections import defaultdict

PHASES = (
    ("small-put", "PUT small", 0.90),
    ("small-get", "GET small", 0.90),
    ("small-delete", "DELETE small", None),
)
runs = defaultdict(list)
cpu = defaultdict(list)
failed = []

for arg in sys.argv[1:]:
    side, seconds, path = arg.split("=", 2)
    with open(path) as f:
        report = json.load(f)
    requests = 0
    for phase in report["phases"]:
        spec = next((p for p in PHASES if p[0] == phase["name"]), None)
        if spec is None:
            continue
        requests += phase["operations"] + phase["errors"]
        if phase["errors"] or phase.get("firstError"):
            failed.append(f'{side} {phase["name"]}: {phase.get("firstError") or phase["errors"]}')
            runs[(phase["name"], side)].append(None)
        else:
            runs[(phase["name"], side)].append(phase.get("opsPerSecond", phase.get("OpsPerSecond")))
    if requests:
        cpu[side].append(float(seconds) * 1e6 / requests)

def best(phase, side):
    values = [v for v in runs.get((phase, side), []) if v]
    return max(values) if values else None

print("| phase | unit | audit off | audit on | on/off | target | |")
print("|---|---|---|---|---|---|---|")
verdicts = []
for phase, label, target in PHASES:
    off, on = best(phase, "off"), best(phase, "on")
    if off and on:
        ratio = on / off
        met = "" if target is None else ("met" if ratio >= target else "NOT met")
        if target is not None:
            verdicts.append(ratio >= target)
        print(f"| {label} | ops/s | {off:,.1f} | {on:,.1f} | {ratio:.3f} | {'' if target is None else f'>= {target:.2f}'} | {met} |")
    else:
        verdicts.append(False)
        print(f"| {label} | ops/s | {off or 'n/a'} | {on or 'n/a'} | n/a | | |")

print()
print("Every run, in round order, and the ratio within each round (median):")
print()
for phase, _, _ in PHASES:
    parts = [f"{s} " + ", ".join(f"{v:,.1f}" if v else "failed" for v in runs.get((phase, s), [])) for s in ("off", "on")]
    ratios = [a / b for a, b in zip(runs.get((phase, "on"), []), runs.get((phase, "off"), [])) if a and b]
    if ratios:
        parts.append("on/off " + ", ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f})")
    print(f"- {phase} (ops/s): " + "; ".join(parts))

if cpu.get("off") and cpu.get("on"):
    print()
    print("Server CPU per request (user + system time over PUT, GET and DELETE; median of the rounds):")
    print()
    print("| side | CPU us/request, each round | median | vs off |")
    print("|---|---|---|---|")
    base = statistics.median(cpu["off"])
    for side in ("off", "on"):
        median = statistics.median(cpu[side])
        print(f"| {side} | {', '.join(f'{v:.0f}' for v in cpu[side])} | {median:.0f} | {(median / base - 1) * 100:+.1f}% |")

print()
print("Targets: " + ("all met." if all(verdicts) else "NOT all met."))
if failed:
    print()
    print("Phases with failures (left out): " + "; ".join(failed))
PY
  echo
  echo "Journal alone (coffer-bench audit, $CONCURRENCY appenders, each waiting for its fsync): $JOURNAL"
} | tee "$OUT/results.md"
say "results: $OUT/results.md"
