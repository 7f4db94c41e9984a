#!/usr/bin/env bash
# bench/run.sh - one benchmark run on this machine, every figure from the same run:
#
#   1. dd: an fsync'd sequential write into the data directory's file system (the disk bound)
#   2. the Kestrel baseline (coffer-bench baseline): what a bare ASP.NET Core server can move
#   3. Coffer (coffer serve) with a fresh data directory; its peak RSS (VmHWM) is read after
#      the large-object phases, again after the small ones, and after the multipart set
#   4. with --with-ceph, Ceph RGW from /work/shared/peers/ceph-rgw.sh
#
# and prints a markdown table with the ratios Coffer is judged by. With --multipart, each target
# also gets the large multipart set (coffer-bench multipart: parallel UploadPart, CompleteMultipartUpload,
# parallel ranged GETs, one single PUT of the same size), measured against a dd of that size, and a
# second table with its ratios. --multipart-only runs just that set.
#
#   bench/run.sh [--with-ceph] [--multipart | --multipart-only] [--no-build]
#
# Sizes and bounds (environment):
#   BENCH_LARGE=1GiB          the single-stream object (and the dd write)
#   BENCH_SMALL=4KiB          each small object
#   BENCH_SMALL_OPS=20000     small objects written, read and deleted
#   BENCH_CONCURRENCY=32      concurrent small-object clients
#   BENCH_REPEAT=1            client runs per target and half; the report keeps each phase's best
#   BENCH_PHASE_TIMEOUT=600   seconds; upper bound on each phase
#   BENCH_START_TIMEOUT=60    seconds to wait for a server's "listening on" line
#   BENCH_DIR=/tmp            where the temporary data directory is made (dd writes there too)
#   BENCH_OUT=DIR             where JSON reports, logs and results.md go (default: a new temp dir)
#   BENCH_MULTIPART=1         the same as --multipart
#   BENCH_MP_SIZE=4GiB        the multipart object, its ranged read, its single PUT and its dd write;
#                             halved (with a warning) while BENCH_DIR has less than twice it + 2 GiB free
#   BENCH_MP_PART=64MiB       each part, and each ranged GET
#   BENCH_MP_PARALLEL=8       UploadPart requests, and ranged GETs, at a time
# A quick run: BENCH_LARGE=64MiB BENCH_SMALL_OPS=1000 bench/run.sh
# A quick multipart run: BENCH_MP_SIZE=256MiB BENCH_MP_PART=16MiB bench/run.sh --multipart-only
#
# Everything listens on and targets 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CEPH_SCRIPT="${CEPH_RGW_SCRIPT:-/work/shared/peers/ceph-rgw.sh}"

WITH_CEPH=0
BUILD=1
MULTIPART="${BENCH_MULTIPART:-0}"
SINGLE=1
for arg in "$@"; do
  case "$arg" in
    --with-ceph) WITH_CEPH=1 ;;
    --no-build) BUILD=0 ;;
    --multipart) MULTIPART=1 ;;
    --multipart-only) MULTIPART=1; SINGLE=0 ;;
    -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

LARGE="${BENCH_LARGE:-1GiB}"
SMALL="${BENCH_SMALL:-4KiB}"
SMALL_OPS="${BENCH_SMALL_OPS:-20000}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
REPEAT="${BENCH_REPEAT:-1}"
PHASE_TIMEOUT="${BENCH_PHASE_TIMEOUT:-600}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"
# a client run has at most 5 phases plus set-up and clean-up, each bounded by PHASE_TIMEOUT
CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 8 + 60))
MP_SIZE="${BENCH_MP_SIZE:-4GiB}"
MP_PART="${BENCH_MP_PART:-64MiB}"
MP_PARALLEL="${BENCH_MP_PARALLEL:-8}"
# the multipart set: set-up, upload, ranged read, single PUT, and up to four clean-up steps
MP_CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 8 + 120))

BENCH_DLL="$ROOT/bench/Coffer.Bench/bin/Release/net10.0/coffer-bench.dll"
COFFER_DLL="$ROOT/src/Coffer/bin/Release/net10.0/coffer.dll"

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# "1GiB" -> 1073741824; the same units coffer-bench accepts
to_bytes() {
  local value=$1 number unit multiplier
  number="${value%%[!0-9]*}"
  unit="${value#"$number"}"
  [ -n "$number" ] || die "'$value' is not a size"
  case "$unit" in
    ""|B) multiplier=1 ;;
    K|KiB) multiplier=1024 ;;
    M|MiB) multiplier=$((1024 * 1024)) ;;
    G|GiB) multiplier=$((1024 * 1024 * 1024)) ;;
    KB) multiplier=1000 ;;
    MB) multiplier=1000000 ;;
    GB) multiplier=1000000000 ;;
    *) die "'$value' is not a size (examples: 4KiB, 1GiB)" ;;
  esac
  echo $((number * multiplier))
}

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-bench-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-bench-results.XXXXXX")}"
mkdir -p "$OUT"

CEPH_STARTED=0

cleanup() {
  stop_server
  if [ "$CEPH_STARTED" = 1 ]; then
    "$CEPH_SCRIPT" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

peak_rss_kb() { # pid -> VmHWM in kB, or nothing
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true
}

# run_client NAME ENDPOINT ACCESS SECRET PID : REPEAT client runs with the large object, then
# REPEAT with the small ones, JSON into $OUT/NAME-{large,small}-N.json; with a PID, that
# process's VmHWM after the large runs and after all of them. Adds to REPORT_ARGS.
REPORT_ARGS=()
run_client() {
  local name=$1 endpoint=$2 access=$3 secret=$4 pid=${5:-}
  local half run large_size small_ops rc file
  for half in large small; do
    if [ "$half" = large ]; then large_size=$LARGE; small_ops=0; else large_size=0; small_ops=$SMALL_OPS; fi
    for run in $(seq 1 "$REPEAT"); do
      file="$OUT/$name-$half-$run"
      say "$name: $half objects against $endpoint (run $run of $REPEAT)"
      rc=0
      AWS_ACCESS_KEY_ID="$access" AWS_SECRET_ACCESS_KEY="$secret" timeout "$CLIENT_TIMEOUT" \
        dotnet "$BENCH_DLL" s3 --endpoint "$endpoint" \
          --bucket "coffer-bench-$name" --large-size "$large_size" --small-size "$SMALL" \
          --small-ops "$small_ops" --concurrency "$CONCURRENCY" --phase-timeout "$PHASE_TIMEOUT" \
          --json "$file.json" 2>&1 | tee "$file.txt" >&2 || rc=$?
      [ "$rc" = 0 ] || say "$name: $half-object client exited with $rc (see $file.txt)"
      if [ -s "$file.json" ]; then
        REPORT_ARGS+=(--result "$name=$file.json")
      else
        # no report at all: the endpoint failed before any phase; more runs would only wait again
        REPORT_ARGS+=(--missing "$name=client failed: $(tail -n 1 "$file.txt" | tr '|' '/')")
        say "$name: no report from the client; skipping its remaining runs"
        return 0
      fi
    done
    if [ -n "$pid" ]; then
      local rss; rss="$(peak_rss_kb "$pid")"
      if [ -n "$rss" ]; then
        if [ "$half" = large ]; then REPORT_ARGS+=(--rss-large "$name=$rss"); else REPORT_ARGS+=(--rss "$name=$rss"); fi
      fi
    fi
  done
}

# run_mp_client NAME ENDPOINT ACCESS SECRET PID : REPEAT runs of the multipart set, JSON into
# $OUT/NAME-multipart-N.json; with a PID, that process's VmHWM afterwards. Adds to REPORT_ARGS.
run_mp_client() {
  local name=$1 endpoint=$2 access=$3 secret=$4 pid=${5:-}
  local run rc file
  for run in $(seq 1 "$REPEAT"); do
    file="$OUT/$name-multipart-$run"
    say "$name: multipart $MP_SIZE in parts of $MP_PART, $MP_PARALLEL at a time, against $endpoint (run $run of $REPEAT)"
    rc=0
    AWS_ACCESS_KEY_ID="$access" AWS_SECRET_ACCESS_KEY="$secret" timeout "$MP_CLIENT_TIMEOUT" \
      dotnet "$BENCH_DLL" multipart --endpoint "$endpoint" --bucket "coffer-bench-$name" \
        --size "$MP_SIZE" --part-size "$MP_PART" --parallel "$MP_PARALLEL" --phase-timeout "$PHASE_TIMEOUT" \
        --json "$file.json" 2>&1 | tee "$file.txt" >&2 || rc=$?
    [ "$rc" = 0 ] || say "$name: multipart client exited with $rc (see $file.txt)"
    if [ -s "$file.json" ]; then
      REPORT_ARGS+=(--mp-result "$name=$file.json")
    else
      REPORT_ARGS+=(--mp-missing "$name=client failed: $(tail -n 1 "$file.txt" | tr '|' '/')")
      say "$name: no multipart report from the client; skipping its remaining runs"
      return 0
    fi
  done
  if [ -n "$pid" ]; then
    local rss; rss="$(peak_rss_kb "$pid")"
    [ -z "$rss" ] || REPORT_ARGS+=(--mp-rss "$name=$rss")
  fi
}

# run_target NAME ENDPOINT ACCESS SECRET PID : whichever client sets this run measures
run_target() {
  if [ "$SINGLE" = 1 ]; then run_client "$@"; fi
  if [ "$MULTIPART" = 1 ]; then run_mp_client "$@"; fi
}

# missing NAME REASON : the target has no figures in any table this run prints
missing() {
  if [ "$SINGLE" = 1 ]; then REPORT_ARGS+=(--missing "$1=$2"); fi
  if [ "$MULTIPART" = 1 ]; then REPORT_ARGS+=(--mp-missing "$1=$2"); fi
}

# dd_mibs FILE BYTES : best MiB/s of REPEAT fsync'd 1 MiB-block writes of BYTES to FILE, deleted
# after each run; prints nothing when every run failed. Logs go to $OUT/dd-TAG-N.txt.
dd_mibs() {
  local file=$1 bytes=$2 tag=$3 count best="" mibs run
  count=$(( (bytes + 1048575) / 1048576 ))
  for run in $(seq 1 "$REPEAT"); do
    if dd if=/dev/zero of="$file" bs=1M count="$count" conv=fsync >"$OUT/dd-$tag$run.txt" 2>&1; then
      # "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 2.05 s, 524 MB/s"
      mibs="$(awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "copied,") { printf "%.1f", $1 / $(i + 1) / 1048576; exit } }' "$OUT/dd-$tag$run.txt")"
      say "dd: ${mibs} MiB/s ($(grep copied "$OUT/dd-$tag$run.txt"))"
      if [ -n "$mibs" ] && { [ -z "$best" ] || awk -v a="$mibs" -v b="$best" 'BEGIN { exit !(a > b) }'; }; then
        best=$mibs
      fi
    else
      say "dd failed: $(tail -n 1 "$OUT/dd-$tag$run.txt")"
    fi
    rm -f "$file"
  done
  echo "$best"
}

if [ "$BUILD" = 1 ]; then
  say "building Release"
  dotnet build "$ROOT/bench/Coffer.Bench" -c Release -nologo -v q >"$OUT/build-bench.log" 2>&1 \
    || { tail -n 20 "$OUT/build-bench.log" >&2; die "coffer-bench did not build"; }
  dotnet build "$ROOT/src/Coffer" -c Release -nologo -v q >"$OUT/build-coffer.log" 2>&1 \
    || { tail -n 20 "$OUT/build-coffer.log" >&2; say "coffer did not build; it will be reported missing"; }
fi
[ -f "$BENCH_DLL" ] || die "$BENCH_DLL is missing; run without --no-build"

# The multipart set needs its size on disk three times over the run (dd, the multipart object, the
# single PUT), one after another, with each deleted before the next; twice the size plus 2 GiB of
# slack covers a server that frees space late. Halve the size until it fits, and say so.
if [ "$MULTIPART" = 1 ]; then
  say "free space where the data goes:"
  df -h "$DATA_ROOT" >&2
  mp_bytes="$(to_bytes "$MP_SIZE")"
  mp_part_bytes="$(to_bytes "$MP_PART")"
  avail_bytes=$(( $(df -Pk "$DATA_ROOT" | awk 'NR == 2 { print $4 }') * 1024 ))
  slack=$((2 * 1024 * 1024 * 1024))
  if [ $((2 * mp_bytes + slack)) -gt "$avail_bytes" ]; then
    wanted=$MP_SIZE
    while [ $((2 * mp_bytes + slack)) -gt "$avail_bytes" ] && [ "$mp_bytes" -gt "$mp_part_bytes" ]; do
      mp_bytes=$((mp_bytes / 2))
    done
    if [ $((2 * mp_bytes + slack)) -gt "$avail_bytes" ]; then
      say "WARNING: only $((avail_bytes / 1048576)) MiB free in $DATA_ROOT; not even one $MP_PART part fits twice; skipping the multipart set"
      MULTIPART=0
      [ "$SINGLE" = 1 ] || die "nothing left to run"
    else
      MP_SIZE="$((mp_bytes / 1048576))MiB"
      say "WARNING: only $((avail_bytes / 1048576)) MiB free in $DATA_ROOT; multipart size lowered from $wanted to $MP_SIZE"
    fi
  fi
fi

if [ "$SINGLE" = 1 ]; then
  say "large=$LARGE small=$SMALL x $SMALL_OPS concurrency=$CONCURRENCY data=$DATA_ROOT results=$OUT"
fi
if [ "$MULTIPART" = 1 ]; then
  say "multipart=$MP_SIZE part=$MP_PART parallel=$MP_PARALLEL data=$DATA_ROOT results=$OUT"
fi
# other work on the machine skews every figure; the report shows the load each target started under
LOADS=()
note_load() { LOADS+=("$1 $(cut -d' ' -f1 /proc/loadavg)"); }

# 1. dd: the same file system, the same size, fsync'd before dd reports; best of REPEAT runs.
if [ "$SINGLE" = 1 ]; then
  DD_MIBS="$(dd_mibs "$DATA_ROOT/ddtest" "$(to_bytes "$LARGE")" "")"
  [ -z "$DD_MIBS" ] || REPORT_ARGS+=(--dd-mibs "$DD_MIBS")
fi
if [ "$MULTIPART" = 1 ]; then
  MP_DD_MIBS="$(dd_mibs "$DATA_ROOT/ddtest" "$(to_bytes "$MP_SIZE")" mp-)"
  [ -z "$MP_DD_MIBS" ] || REPORT_ARGS+=(--mp-dd-mibs "$MP_DD_MIBS")
fi

# 2. the Kestrel baseline
note_load baseline
if start_server "$OUT/baseline.log" dotnet "$BENCH_DLL" baseline --listen 127.0.0.1:0; then
  run_target baseline "$SERVER_URL" baseline baseline "$SERVER_PID"
  stop_server
else
  missing baseline "did not start"
fi

# 3. Coffer
note_load coffer
if [ -f "$COFFER_DLL" ]; then
  COFFER_ROOT_ACCESS_KEY="BENCHROOT$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F')"
  COFFER_ROOT_SECRET_KEY="$(head -c 30 /dev/urandom | base64 | tr -d '/+=\n')"
  export COFFER_ROOT_ACCESS_KEY COFFER_ROOT_SECRET_KEY
  mkdir -p "$DATA_ROOT/coffer"
  if start_server "$OUT/coffer.log" dotnet "$COFFER_DLL" serve --data "$DATA_ROOT/coffer" --listen 127.0.0.1:0; then
    run_target coffer "$SERVER_URL" "$COFFER_ROOT_ACCESS_KEY" "$COFFER_ROOT_SECRET_KEY" "$SERVER_PID"
    stop_server
  else
    missing coffer "did not start (coffer serve; see coffer.log)"
  fi
  unset COFFER_ROOT_ACCESS_KEY COFFER_ROOT_SECRET_KEY
else
  missing coffer "not built"
fi

# 4. Ceph RGW, last, so that its daemons do not compete with the others for CPU
if [ "$WITH_CEPH" = 1 ]; then
  if "$CEPH_SCRIPT" status >/dev/null 2>&1; then
    say "ceph: already running; using it as it is"
  else
    say "ceph: starting (the first start installs packages and takes minutes)"
    CEPH_STARTED=1
    timeout 1800 "$CEPH_SCRIPT" start >"$OUT/ceph-start.log" 2>&1 || true
  fi
  if "$CEPH_SCRIPT" status >"$OUT/ceph-status.txt" 2>&1; then
    note_load ceph
    eval "$("$CEPH_SCRIPT" creds)"
    run_target ceph "$S3_ENDPOINT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
  else
    missing ceph "did not start (see ceph-start.log)"
  fi
  if [ "$CEPH_STARTED" = 1 ]; then
    "$CEPH_SCRIPT" stop >/dev/null 2>&1 || true
    CEPH_STARTED=0
  fi
fi

{
  echo "## coffer-bench: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  if [ "$SINGLE" = 1 ]; then
    echo "large object $LARGE (single stream); small objects $SMALL x $SMALL_OPS, $CONCURRENCY concurrent clients; best of $REPEAT run(s) per phase;"
  fi
  if [ "$MULTIPART" = 1 ]; then
    echo "multipart object $MP_SIZE in parts of $MP_PART, $MP_PARALLEL at a time; best of $REPEAT run(s) per phase;"
  fi
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); client and servers share the machine."
  echo "1-minute load average as each target started: ${LOADS[*]:-n/a}."
  echo
  dotnet "$BENCH_DLL" report "${REPORT_ARGS[@]}"
} | tee "$OUT/results.md"
say "results: $OUT/results.md"
