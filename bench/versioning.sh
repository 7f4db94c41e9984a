#!/usr/bin/env bash
# bench/versioning.sh - what versioning costs on small objects, every figure from the same run:
#
#   1. starts Coffer (coffer serve) with a fresh data directory and known root credentials
#   2. with the aws cli, makes two buckets, one plain and one with versioning enabled
#      (put-bucket-versioning Status=Enabled), and a third versioned one for the listing
#   3. runs coffer-bench s3 (small objects only) against that one server into the unversioned and
#      the versioned bucket alternately, after one unmeasured warm-up run of each so that the
#      server's JIT and caches are warm for both; unversioned goes first in odd rounds and last in
#      even ones, so that a drift over the run cancels out; the server's CPU time is read around
#      every run. In the versioned bucket every PUT makes a version and every DELETE writes a
#      delete marker, so the bucket grows from round to round, as a real one does
#   4. coffer-bench versions: 10,000 versions of one key written concurrently, then
#      ListObjectVersions timed page by page (max-keys 1000, all pages) and as the first page with
#      the key as prefix; p50/p99 ms
#   5. prints a markdown table: per small-object phase, the best ops/s of each bucket and
#      versioned/unversioned (Coffer's target: within 10% for PUT and GET); each round's ratio; the
#      server's CPU time per request for each, which other load on the machine moves much less than
#      throughput; and the listing latencies
#
#   bench/versioning.sh [--no-build]
#
# Environment:
#   BENCH_VERSIONING_ROUNDS=3 measured rounds; each runs both buckets once
#   BENCH_SMALL_OPS=20000     small objects written, read and deleted per run
#   BENCH_WARMUP_OPS=5000     small objects per unmeasured warm-up run (0: none)
#   BENCH_SMALL=4KiB          each small object
#   BENCH_CONCURRENCY=32      concurrent clients
#   BENCH_VERSIONS=10000      versions of the listed key
#   BENCH_LIST_ROUNDS=20      whole listings timed (and ten times as many first pages)
#   BENCH_PHASE_TIMEOUT=600   seconds; upper bound on each phase
#   BENCH_START_TIMEOUT=60    seconds to wait for the server's "listening on" line
#   BENCH_AWS_TIMEOUT=60      seconds; upper bound on each aws cli call
#   BENCH_DIR=/tmp            where the temporary data directory is made
#   BENCH_OUT=DIR             where JSON reports, logs and results.md go (default: a new temp dir)
# A quick run: BENCH_SMALL_OPS=2000 BENCH_VERSIONING_ROUNDS=1 BENCH_VERSIONS=2000 bench/versioning.sh
#
# Everything listens on and targets 127.0.0.1 only. The aws cli is the first `aws` on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ROUNDS="${BENCH_VERSIONING_ROUNDS:-3}"
SMALL_OPS="${BENCH_SMALL_OPS:-20000}"
WARMUP_OPS="${BENCH_WARMUP_OPS:-5000}"
SMALL="${BENCH_SMALL:-4KiB}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
VERSIONS="${BENCH_VERSIONS:-10000}"
LIST_ROUNDS="${BENCH_LIST_ROUNDS:-20}"
PHASE_TIMEOUT="${BENCH_PHASE_TIMEOUT:-600}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"
AWS_TIMEOUT="${BENCH_AWS_TIMEOUT:-60}"
# three phases plus set-up and clean-up, each bounded by PHASE_TIMEOUT
CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 5 + 60))

say() { printf '[versioning] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_args "$0" "$@"

case "$ROUNDS" in ''|*[!0-9]*|0) die "BENCH_VERSIONING_ROUNDS must be a positive number" ;; esac
command -v aws >/dev/null || die "the aws cli is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-versioning-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-versioning-results.XXXXXX")}"
mkdir -p "$OUT"

cleanup() {
  stop_server
  rm -rf "$DATA_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_release "$BUILD"

# 1. the server
root_credentials VERSROOT
mkdir -p "$DATA_ROOT/coffer"
say "starting coffer (data $DATA_ROOT/coffer, results $OUT)"
start_server "$OUT/coffer.log" env COFFER_ROOT_ACCESS_KEY="$ROOT_KEY" COFFER_ROOT_SECRET_KEY="$ROOT_SECRET" \
  dotnet "$COFFER_DLL" serve --data "$DATA_ROOT/coffer" --listen 127.0.0.1:0 \
  || die "coffer did not start (see $OUT/coffer.log)"
ENDPOINT=$SERVER_URL
say "coffer at $ENDPOINT"

# The cli must not read whatever ~/.aws holds.
AWS_HOME="$DATA_ROOT/aws"
mkdir -p "$AWS_HOME"
printf '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n' >"$AWS_HOME/config"
export AWS_CONFIG_FILE="$AWS_HOME/config" AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_MAX_ATTEMPTS=1
AWS_FLAGS=(--endpoint-url "$ENDPOINT" --region us-east-1)
# --no-cli-pager exists only in cli v2; v1 never pages, and AWS_PAGER="" covers v2 too
case "$(aws --version 2>&1)" in aws-cli/2*) AWS_FLAGS+=(--no-cli-pager) ;; esac

# as_root ARGS... : an aws call with root's credentials, bounded, its stderr kept for the error
as_root() {
  AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" \
    timeout "$AWS_TIMEOUT" aws "${AWS_FLAGS[@]}" "$@" 2>"$OUT/aws-stderr.txt" \
    || { cat "$OUT/aws-stderr.txt" >&2; die "aws $1 $2 failed"; }
}

# 2. the buckets, with the aws cli as an operator would
UNVERSIONED_BUCKET=coffer-unversioned
VERSIONED_BUCKET=coffer-versioned
LIST_BUCKET=coffer-version-list
for bucket in "$UNVERSIONED_BUCKET" "$VERSIONED_BUCKET" "$LIST_BUCKET"; do
  as_root s3api create-bucket --bucket "$bucket" --output text >/dev/null
done
for bucket in "$VERSIONED_BUCKET" "$LIST_BUCKET"; do
  as_root s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
done
[ "$(as_root s3api get-bucket-versioning --bucket "$VERSIONED_BUCKET" --query Status --output text)" = Enabled ] \
  || die "versioning is not enabled on $VERSIONED_BUCKET"
[ "$(as_root s3api get-bucket-versioning --bucket "$UNVERSIONED_BUCKET" --query Status --output text)" = None ] \
  || die "$UNVERSIONED_BUCKET is versioned"
TARGETS=("unversioned $UNVERSIONED_BUCKET" "versioned $VERSIONED_BUCKET")

# run_bench NAME BUCKET OPS FILE : one coffer-bench s3 run with small objects only
run_bench() {
  local name=$1 bucket=$2 ops=$3 file=$4 rc=0
  AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" timeout "$CLIENT_TIMEOUT" \
    dotnet "$BENCH_DLL" s3 --endpoint "$ENDPOINT" --bucket "$bucket" --large-size 0 \
      --small-size "$SMALL" --small-ops "$ops" --concurrency "$CONCURRENCY" --phase-timeout "$PHASE_TIMEOUT" \
      --json "$file.json" >"$file.txt" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { tail -n 5 "$file.txt" >&2; die "$name: coffer-bench exited with $rc (see $file.txt)"; }
  grep -E '^(small-|phase)' "$file.txt" | sed "s/^/[versioning]   /" >&2 || true
}

# server_cpu_ticks : user + system CPU time the server has used, in clock ticks
server_cpu_ticks() { sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
CLOCK_TICKS="$(getconf CLK_TCK)"
# cpu_since TICKS : the server's CPU seconds since then
cpu_since() { awk -v a="$1" -v b="$(server_cpu_ticks)" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.2f", (b - a) / hz }'; }

# 3. warm-up, then the measured rounds; the load average is noted at the start of each run
if [ "$WARMUP_OPS" -gt 0 ]; then
  for entry in "${TARGETS[@]}"; do
    read -r name bucket <<<"$entry"
    say "warm-up: $name, $WARMUP_OPS objects"
    before="$(server_cpu_ticks)"
    run_bench "$name" "$bucket" "$WARMUP_OPS" "$OUT/warmup-$name"
    say "  server CPU $(cpu_since "$before") s"
  done
fi

LOADS=()
RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  ORDER=("${TARGETS[@]}")
  if [ $((round % 2)) = 0 ]; then ORDER=("${TARGETS[1]}" "${TARGETS[0]}"); fi
  for entry in "${ORDER[@]}"; do
    read -r name bucket <<<"$entry"
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    say "round $round of $ROUNDS: $name, $SMALL x $SMALL_OPS, $CONCURRENCY clients (load $(cut -d' ' -f1-3 /proc/loadavg))"
    before="$(server_cpu_ticks)"
    run_bench "$name" "$bucket" "$SMALL_OPS" "$OUT/$name-$round"
    cpu="$(cpu_since "$before")"
    say "  server CPU $cpu s"
    RESULTS+=("$name=$cpu=$OUT/$name-$round.json")
  done
done

# 4. ListObjectVersions over one key with many versions
say "versions: $VERSIONS versions of one key, then $LIST_ROUNDS listings (load $(cut -d' ' -f1-3 /proc/loadavg))"
AWS_ACCESS_KEY_ID="$ROOT_KEY" AWS_SECRET_ACCESS_KEY="$ROOT_SECRET" timeout "$CLIENT_TIMEOUT" \
  dotnet "$BENCH_DLL" versions --endpoint "$ENDPOINT" --bucket "$LIST_BUCKET" --key history/report.pdf \
    --versions "$VERSIONS" --size "$SMALL" --concurrency "$CONCURRENCY" --max-keys 1000 --rounds "$LIST_ROUNDS" \
    >"$OUT/versions.txt" 2>&1 || { tail -n 5 "$OUT/versions.txt" >&2; die "coffer-bench versions failed (see $OUT/versions.txt)"; }
sed "s/^/[versioning]   /" "$OUT/versions.txt" >&2

# 5. the table
{
  echo "## coffer-bench versioning cost: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "small objects $SMALL x $SMALL_OPS, $CONCURRENCY concurrent clients, one server, root credentials; $ROUNDS round(s) of unversioned and versioned (reversed in even rounds) after a warm-up of $WARMUP_OPS; best run per phase;"
  echo "$(nproc) cores, kernel $(uname -r); client and server share the machine. 1-minute load average as each run started: ${LOADS[*]}."
  echo
  python3 - "$OUT/versions.txt" "${RESULTS[@]}" <<'PY'
import json, statistics, sys
from collections import defaultdict

PHASES = (("small-put", "PUT"), ("small-get", "GET"), ("small-delete", "DELETE (versioned: writes a marker)"))
runs = defaultdict(list)   # (phase, bucket) -> ops/s per round, None where the phase failed
cpu = defaultdict(list)    # bucket -> server CPU microseconds per request, per round
failed = []
for arg in sys.argv[2:]:
    name, seconds, path = arg.split("=", 2)
    with open(path) as f:
        report = json.load(f)
    requests = 0
    for phase in report["phases"]:
        if not phase["name"].startswith("small-"):
            continue
        requests += phase["operations"] + phase["errors"]
        if phase["errors"] or phase.get("firstError"):
            failed.append(f'{name} {phase["name"]}: {phase.get("firstError") or phase["errors"]}')
            runs[(phase["name"], name)].append(None)
        else:
            runs[(phase["name"], name)].append(phase["opsPerSecond"])
    if requests:
        cpu[name].append(float(seconds) * 1e6 / requests)

def best(phase, name):
    values = [v for v in runs.get((phase, name), []) if v]
    return max(values) if values else None

print("| phase | unversioned ops/s | versioned ops/s | versioned/unversioned | median of the rounds' ratios |")
print("|---|---|---|---|---|")
verdicts = []
for phase, label in PHASES:
    plain, versioned = best(phase, "unversioned"), best(phase, "versioned")
    ratios = [a / b for a, b in zip(runs.get((phase, "versioned"), []), runs.get((phase, "unversioned"), [])) if a and b]
    median = statistics.median(ratios) if ratios else None
    cells = [label, f"{plain:,.0f}" if plain else "n/a", f"{versioned:,.0f}" if versioned else "n/a",
             f"{versioned / plain:.3f}" if plain and versioned else "n/a", f"{median:.3f}" if median else "n/a"]
    print("| " + " | ".join(cells) + " |")
    if phase in ("small-put", "small-get") and plain and versioned:
        verdicts.append(f"{label} {versioned / plain:.3f}")

print()
print("Every run, ops/s in round order:")
print()
for phase, _ in PHASES:
    parts = [f"{n} " + ", ".join(f"{v:,.0f}" if v else "failed" for v in runs.get((phase, n), [])) for n in ("unversioned", "versioned")]
    print(f"- {phase}: " + "; ".join(parts))

if cpu.get("unversioned") and cpu.get("versioned"):
    print()
    print("Server CPU per request (user + system time over all three phases of a run; median of the rounds):")
    print()
    print("| bucket | CPU us/request, each round | median | vs unversioned |")
    print("|---|---|---|---|")
    base = statistics.median(cpu["unversioned"])
    for name in ("unversioned", "versioned"):
        median = statistics.median(cpu[name])
        print(f"| {name} | {', '.join(f'{v:.0f}' for v in cpu[name])} | {median:.0f} | {(median / base - 1) * 100:+.1f}% |")

listing = {}
with open(sys.argv[1]) as f:
    for line in f:
        name, _, rest = line.partition(": ")
        if name in ("put-versions", "listing"):
            listing[name] = rest.strip()
        elif name in ("list-page", "list-all", "list-first-prefix"):
            fields = rest.split()
            listing[name] = dict(zip(fields[0::2], fields[1::2]))
print()
print(f"ListObjectVersions on one key ({listing.get('put-versions', '?')}; {listing.get('listing', '?')}):")
print()
print("| request | samples | p50 ms | p99 ms |")
print("|---|---|---|---|")
for name, label in (("list-page", "one page of 1000 (every page of the listing)"), ("list-all", "the whole listing, all pages"),
                    ("list-first-prefix", "first page, prefix = the key")):
    row = listing.get(name, {})
    print(f"| {label} | {row.get('samples', 'n/a')} | {row.get('p50_ms', 'n/a')} | {row.get('p99_ms', 'n/a')} |")

if verdicts:
    worst = min(float(v.split()[-1]) for v in verdicts)
    print()
    print(f"versioned/unversioned, best of each: {', '.join(verdicts)} (target: within 10%): {'met' if worst >= 0.9 else 'NOT met'}.")
if failed:
    print()
    print("Phases with failures (left out): " + "; ".join(failed))
PY
} | tee "$OUT/results.md"
say "results: $OUT/results.md"
