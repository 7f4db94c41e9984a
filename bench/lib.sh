# bench/lib.sh - what the benchmark scripts share; sourced after they define say, die, ROOT and
# START_TIMEOUT. Servers are started in the background and tracked in SERVER_PID; scripts that
# compare two servers name them with start_named, which tracks them in PIDS and URLS.

BENCH_DLL="$ROOT/bench/Coffer.Bench/bin/Release/net10.0/coffer-bench.dll"
COFFER_DLL="$ROOT/src/Coffer/bin/Release/net10.0/coffer.dll"

# bench_args SCRIPT ARGS... : the arguments of a script that takes only --no-build and --help
# (which prints the script's leading comment); sets BUILD.
bench_args() {
  local script=$1 arg
  shift
  BUILD=1
  for arg in "$@"; do
    case "$arg" in
      --no-build) BUILD=0 ;;
      -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$script"; exit 0 ;;
      *) echo "$(basename "$script"): unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
  done
}

# build_release BUILD : builds coffer-bench and coffer in Release when BUILD is 1 (logs in $OUT),
# and checks both are there.
build_release() {
  if [ "$1" = 1 ]; then
    say "building Release"
    dotnet build "$ROOT/bench/Coffer.Bench" -c Release -nologo -v q >"$OUT/build-bench.log" 2>&1 \
      || { tail -n 20 "$OUT/build-bench.log" >&2; die "coffer-bench did not build"; }
    dotnet build "$ROOT/src/Coffer" -c Release -nologo -v q >"$OUT/build-coffer.log" 2>&1 \
      || { tail -n 20 "$OUT/build-coffer.log" >&2; die "coffer did not build"; }
  fi
  [ -f "$BENCH_DLL" ] || die "$BENCH_DLL is missing; run without --no-build"
  [ -f "$COFFER_DLL" ] || die "$COFFER_DLL is missing; run without --no-build"
}

# root_credentials PREFIX : sets ROOT_KEY and ROOT_SECRET to fresh random root credentials.
root_credentials() {
  ROOT_KEY="$1$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F')"
  ROOT_SECRET="$(head -c 30 /dev/urandom | base64 | tr -d '/+=\n')"
}

SERVER_PID=""

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  local pid=$SERVER_PID
  SERVER_PID=""
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid did not stop within 10 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# start_server LOG COMMAND... : starts the server in the background, sets SERVER_PID, and
# SERVER_URL from its "listening on http://127.0.0.1:PORT" line.
SERVER_URL=""
start_server() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  local url="" tries=$((START_TIMEOUT * 10))
  for _ in $(seq 1 "$tries"); do
    url="$(grep -m1 -o 'listening on http://127\.0\.0\.1:[0-9]\+' "$log" 2>/dev/null | sed 's/^listening on //' || true)"
    [ -n "$url" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  SERVER_URL=$url
  if [ -z "$url" ]; then
    say "server did not print 'listening on http://127.0.0.1:PORT' within ${START_TIMEOUT}s; last lines of $log:"
    tail -n 5 "$log" >&2 || true
    stop_server
    return 1
  fi
}

# Named servers, each with its own data directory under $DATA_ROOT: lib.sh tracks one server in
# SERVER_PID, so each one's pid is swapped in and out of it.
declare -A PIDS=() URLS=()

# start_named NAME ENV... : a server with the root credentials and the given extra environment
start_named() {
  local name=$1; shift
  mkdir -p "$DATA_ROOT/$name"
  start_server "$OUT/coffer-$name.log" env COFFER_ROOT_ACCESS_KEY="$ROOT_KEY" COFFER_ROOT_SECRET_KEY="$ROOT_SECRET" "$@" \
    dotnet "$COFFER_DLL" serve --data "$DATA_ROOT/$name" --listen 127.0.0.1:0 \
    || die "coffer ($name) did not start (see $OUT/coffer-$name.log)"
  PIDS[$name]=$SERVER_PID
  URLS[$name]=$SERVER_URL
  SERVER_PID=""
  say "$name at ${URLS[$name]}"
}

# stop_named : stops every named server and removes $DATA_ROOT; for an EXIT trap.
stop_named() {
  local name
  for name in "${!PIDS[@]}"; do
    SERVER_PID=${PIDS[$name]}
    stop_server
  done
  rm -rf "$DATA_ROOT"
}
