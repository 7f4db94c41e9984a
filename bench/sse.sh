#!/usr/bin/env bash
# bench/sse.sh - the cost of encryption at rest, every figure from the same run:
#
#   1. starts two Coffer servers (coffer serve), each with a fresh data directory: one as shipped
#      (every object SSE-S3: AES-256-GCM segments under a fresh data key), one with
#      COFFER_BENCH_UNENCRYPTED=true, the setting that exists only for this comparison (objects
#      written without SSE headers are stored in plaintext)
#   2. warms both up (an unmeasured short run each, so that JIT and caches are warm)
#   3. runs coffer-bench s3 against them alternately: a single-stream PUT and GET of BENCH_LARGE,
#      then, in a second client run, BENCH_SMALL objects with BENCH_CONCURRENCY clients (PUT, GET,
#      DELETE); plaintext first in odd rounds and last in even ones (plain, sse, sse, plain, ...),
#      so that a drift over the run does not favour one side; only the measured server runs, the
#      other idles
#   4. prints a markdown table: per phase, the best of each side, encrypted/plaintext, and the
#      target (large PUT and GET: 0.85 or more; small-object ops/s: 0.90 or more); each round's
#      ratios; and the server's CPU time per small-object request, which other load moves less
#      than throughput
#
#   bench/sse.sh [--no-build]
#
# Environment:
#   BENCH_SSE_ROUNDS=3        measured rounds; each runs both servers once
#   BENCH_LARGE=1GiB          the single-stream object
#   BENCH_SMALL=4KiB          each small object
#   BENCH_SMALL_OPS=20000     small objects written, read and deleted per run
#   BENCH_CONCURRENCY=32      concurrent small-object clients
#   BENCH_WARMUP_OPS=3000     small objects per warm-up run (with a 64 MiB large object); 0: none
#   BENCH_PHASE_TIMEOUT=600   seconds; upper bound on each phase
#   BENCH_START_TIMEOUT=60    seconds to wait for a server's "listening on" line
#   BENCH_DIR=/tmp            where the temporary data directories are made
#   BENCH_OUT=DIR             where JSON reports, logs and results.md go (default: a new temp dir)
# A quick run: BENCH_LARGE=256MiB BENCH_SMALL_OPS=3000 BENCH_SSE_ROUNDS=1 bench/sse.sh
#
# Everything listens on and targets 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ROUNDS="${BENCH_SSE_ROUNDS:-3}"
LARGE="${BENCH_LARGE:-1GiB}"
SMALL="${BENCH_SMALL:-4KiB}"
SMALL_OPS="${BENCH_SMALL_OPS:-20000}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
WARMUP_OPS="${BENCH_WARMUP_OPS:-3000}"
PHASE_TIMEOUT="${BENCH_PHASE_TIMEOUT:-600}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"
# five phases plus set-up and clean-up, each bounded by PHASE_TIMEOUT
CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 8 + 60))

say() { printf '[sse] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_args "$0" "$@"

case "$ROUNDS" in ''|*[!0-9]*|0) die "BENCH_SSE_ROUNDS must be a positive number" ;; esac
command -v python3 >/dev/null || die "python3 is not on PATH"

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-sse-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-sse-results.XXXXXX")}"
mkdir -p "$OUT"

trap stop_named EXIT
trap 'exit 130' INT TERM

build_release "$BUILD"

root_credentials SSEBENCH

start_named plain COFFER_BENCH_UNENCRYPTED=true
grep -q 'COFFER_BENCH_UNENCRYPTED is set' "$OUT/coffer-plain.log" || die "the plaintext server did not take COFFER_BENCH_UNENCRYPTED"
start_named sse

# run_bench NAME LARGE OPS FILE : one coffer-bench s3 run against server NAME
run_bench() {
  local name=$1 large=$2 ops=$3 file=$4 rc=0
  AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" timeout "$CLIENT_TIMEOUT" \
    dotnet "$BENCH_DLL" s3 --endpoint "${URLS[$name]}" --bucket "coffer-sse-$name" --large-size "$large" \
      --small-size "$SMALL" --small-ops "$ops" --concurrency "$CONCURRENCY" --phase-timeout "$PHASE_TIMEOUT" \
      --json "$file.json" >"$file.txt" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { tail -n 5 "$file.txt" >&2; die "$name: coffer-bench exited with $rc (see $file.txt)"; }
  grep -E '^(large-|small-)' "$file.txt" | sed "s/^/[sse]   /" >&2 || true
}

# server_cpu_ticks NAME : user + system CPU time the server has used, in clock ticks
server_cpu_ticks() { sed 's/.*) //' "/proc/${PIDS[$1]}/stat" | awk '{ print $12 + $13 }'; }
CLOCK_TICKS="$(getconf CLK_TCK)"

if [ "$WARMUP_OPS" -gt 0 ]; then
  for name in plain sse; do
    say "warm-up: $name, 64MiB and $WARMUP_OPS small objects"
    run_bench "$name" 64MiB "$WARMUP_OPS" "$OUT/warmup-$name"
  done
fi

LOADS=()
RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  ORDER=(plain sse)
  [ $((round % 2)) = 1 ] || ORDER=(sse plain)
  for name in "${ORDER[@]}"; do
    LOADS+=("$name:$(cut -d' ' -f1 /proc/loadavg)")
    say "round $round of $ROUNDS: $name, $LARGE (load $(cut -d' ' -f1-3 /proc/loadavg))"
    run_bench "$name" "$LARGE" 0 "$OUT/$name-large-$round"
    RESULTS+=("$name=-=$OUT/$name-large-$round.json")
    say "round $round of $ROUNDS: $name, $SMALL x $SMALL_OPS with $CONCURRENCY clients"
    before="$(server_cpu_ticks "$name")"
    run_bench "$name" 0 "$SMALL_OPS" "$OUT/$name-small-$round"
    # CPU seconds the server spent on the small objects; less sensitive to other load than ops/s
    cpu="$(awk -v a="$before" -v b="$(server_cpu_ticks "$name")" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.2f", (b - a) / hz }')"
    say "  server CPU $cpu s"
    RESULTS+=("$name=$cpu=$OUT/$name-small-$round.json")
  done
done

{
  echo "## coffer-bench encryption cost: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "large object $LARGE (single stream); small objects $SMALL x $SMALL_OPS, $CONCURRENCY concurrent clients;"
  echo "$ROUNDS round(s) of plain and sse (reversed in even rounds) after a warm-up; best run per phase;"
  echo "sse: SSE-S3 (AES-256-GCM, 64 KiB segments, a data key per object); plain: COFFER_BENCH_UNENCRYPTED=true."
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); client and servers share the machine."
  echo "1-minute load average as each run started: ${LOADS[*]}."
  echo
  python3 - "${RESULTS[@]}" <<'PY'
import json, statistics, sys
from collections import defaultdict

# phase, label, the figure that counts, target ratio
PHASES = (
    ("large-put", "PUT large", "MiB/s", 0.85),
    ("large-get", "GET large", "MiB/s", 0.85),
    ("small-put", "PUT small", "ops/s", 0.90),
    ("small-get", "GET small", "ops/s", 0.90),
    ("small-delete", "DELETE small", "ops/s", None),
)
runs = defaultdict(list)   # (phase, side) -> figure per round, None where the phase failed
cpu = defaultdict(list)    # side -> server CPU microseconds per request, per round
failed = []

def figure(phase, unit):
    key = "miBPerSecond" if unit == "MiB/s" else "opsPerSecond"
    return phase.get(key, phase.get(key[0].upper() + key[1:]))

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
            runs[(phase["name"], side)].append(figure(phase, spec[2]))
    if requests and seconds != "-":
        cpu[side].append(float(seconds) * 1e6 / requests)

def best(phase, side):
    values = [v for v in runs.get((phase, side), []) if v]
    return max(values) if values else None

print("| phase | unit | plaintext | encrypted (SSE-S3) | encrypted/plaintext | target | |")
print("|---|---|---|---|---|---|---|")
verdicts = []
for phase, label, unit, target in PHASES:
    plain, sse = best(phase, "plain"), best(phase, "sse")
    if plain and sse:
        ratio = sse / plain
        met = "" if target is None else ("met" if ratio >= target else "NOT met")
        if target is not None:
            verdicts.append(ratio >= target)
        print(f"| {label} | {unit} | {plain:,.1f} | {sse:,.1f} | {ratio:.3f} | {'' if target is None else f'>= {target:.2f}'} | {met} |")
    else:
        verdicts.append(False)
        print(f"| {label} | {unit} | {plain or 'n/a'} | {sse or 'n/a'} | n/a | | |")

print()
print("Every run, in round order, and the ratio within each round (median):")
print()
for phase, _, unit, _ in PHASES:
    parts = [f"{s} " + ", ".join(f"{v:,.1f}" if v else "failed" for v in runs.get((phase, s), [])) for s in ("plain", "sse")]
    ratios = [a / b for a, b in zip(runs.get((phase, "sse"), []), runs.get((phase, "plain"), [])) if a and b]
    if ratios:
        parts.append("sse/plain " + ", ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f})")
    print(f"- {phase} ({unit}): " + "; ".join(parts))

if cpu.get("plain") and cpu.get("sse"):
    print()
    print("Server CPU per small-object request (user + system time over PUT, GET and DELETE; median of the rounds):")
    print()
    print("| side | CPU us/request, each round | median | vs plaintext |")
    print("|---|---|---|---|")
    base = statistics.median(cpu["plain"])
    for side in ("plain", "sse"):
        median = statistics.median(cpu[side])
        print(f"| {side} | {', '.join(f'{v:.0f}' for v in cpu[side])} | {median:.0f} | {(median / base - 1) * 100:+.1f}% |")

print()
print("Targets: " + ("all met." if all(verdicts) else "NOT all met."))
if failed:
    print()
    print("Phases with failures (left out): " + "; ".join(failed))
PY
} | tee "$OUT/results.md"
say "results: $OUT/results.md"
