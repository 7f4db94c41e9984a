#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the real clients the tests drive when they are
# missing, builds, runs all test projects, and prints one line:
#   tests: N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/tmp/coffer-apt.log 2>&1
}

missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
command -v curl >/dev/null || missing+=(curl)
command -v rclone >/dev/null || missing+=(rclone)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test dependencies: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "need root (or sudo) to apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq >/tmp/coffer-apt.log 2>&1 || true
  # A pending dpkg trigger can remove downloaded archives ("failed to read archive");
  # installing one small package first settles it, then the real install is retried.
  if ! apt_install "${missing[@]}"; then
    apt_install --reinstall hostname || true
    apt_install "${missing[@]}" || { cat /tmp/coffer-apt.log >&2; exit 1; }
  fi
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
dotnet build Coffer.slnx -c Release -warnaserror --nologo -v q || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
dotnet test Coffer.slnx -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(attr total); executed=$(attr executed); p=$(attr passed); f=$(attr failed); e=$(attr error); t=$(attr timeout); a=$(attr aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
