# bench/lib.sh - what the benchmark scripts share; sourced after they define say, die and
# START_TIMEOUT. Servers are started in the background and tracked in SERVER_PID.

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
