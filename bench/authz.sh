#!/usr/bin/env bash
# bench/authz.sh - the cost of authorisation on small objects, every figure from the same run:
#
#   1. starts Coffer (coffer serve) with a fresh data directory and known root credentials
#   2. with the aws cli, makes a typical IAM user: three customer managed policies attached to it,
#      ten statements in all, two of them with a condition (IpAddress aws:SourceIp on s3:GetObject,
#      StringLike s3:prefix on s3:ListBucket of another bucket), the rest granting or denying
#      actions and resources the benchmark does not touch, so the engine has to skip them; and an
#      access key for it
#   3. runs coffer-bench s3 (small objects only) against that one server as root and as the user,
#      alternately, each into its own bucket, after one unmeasured warm-up run of each so that the
#      server's JIT and caches are warm for both; root goes first in odd rounds and last in even
#      ones (root, user, user, root, root, user, ...), so that a drift over the run cancels out;
#      the server's CPU time is read around every run
#   4. prints a markdown table: per small-object phase, the best ops/s of root and of the user,
#      user/root, and the authorisation cost 1 - user/root; GET is the headline (Coffer's target:
#      under 5%); each round's user/root ratio; and the server's CPU time per request for each
#      identity, which other load on the machine moves much less than throughput
#
# Root skips identity policies (the engine allows the account root unless a policy explicitly
# denies it; without a bucket policy the server does not even build the request context), and
# otherwise takes the same path (signature, bucket policy look-up), so it is the baseline and
# user/root is the whole cost of authorising an IAM user. With --allow-all, a second user with a single policy allowing s3:* on
# everything runs too, in each round: the gap between the two users is what the statements cost,
# and the gap between that user and root is what being an IAM user costs at all.
#
#   bench/authz.sh [--allow-all] [--no-build]
#
# Environment:
#   BENCH_AUTHZ_ROUNDS=3      measured rounds; each runs root and the user(s) once
#   BENCH_SMALL_OPS=20000     small objects written, read and deleted per run
#   BENCH_WARMUP_OPS=5000     small objects per unmeasured warm-up run (0: none)
#   BENCH_SMALL=4KiB          each small object
#   BENCH_CONCURRENCY=32      concurrent clients
#   BENCH_PHASE_TIMEOUT=600   seconds; upper bound on each phase
#   BENCH_START_TIMEOUT=60    seconds to wait for the server's "listening on" line
#   BENCH_AWS_TIMEOUT=60      seconds; upper bound on each aws cli call
#   BENCH_DIR=/tmp            where the temporary data directory is made
#   BENCH_OUT=DIR             where JSON reports, logs and results.md go (default: a new temp dir)
# A quick run: BENCH_SMALL_OPS=2000 BENCH_AUTHZ_ROUNDS=1 bench/authz.sh
#
# Everything listens on and targets 127.0.0.1 only. The aws cli is the first `aws` on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BUILD=1
ALLOW_ALL=0
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --allow-all) ALLOW_ALL=1 ;;
    -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
    *) echo "authz.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

ROUNDS="${BENCH_AUTHZ_ROUNDS:-3}"
SMALL_OPS="${BENCH_SMALL_OPS:-20000}"
WARMUP_OPS="${BENCH_WARMUP_OPS:-5000}"
SMALL="${BENCH_SMALL:-4KiB}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
PHASE_TIMEOUT="${BENCH_PHASE_TIMEOUT:-600}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-60}"
AWS_TIMEOUT="${BENCH_AWS_TIMEOUT:-60}"
# three phases plus set-up and clean-up, each bounded by PHASE_TIMEOUT
CLIENT_TIMEOUT=$((PHASE_TIMEOUT * 5 + 60))

say() { printf '[authz] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

case "$ROUNDS" in ''|*[!0-9]*|0) die "BENCH_AUTHZ_ROUNDS must be a positive number" ;; esac
command -v aws >/dev/null || die "the aws cli is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

DATA_ROOT="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/coffer-authz-data.XXXXXX")"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-authz-results.XXXXXX")}"
mkdir -p "$OUT"

cleanup() {
  stop_server
  rm -rf "$DATA_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_release "$BUILD"

# 1. the server
root_credentials AUTHZROOT
mkdir -p "$DATA_ROOT/coffer"
say "starting coffer (data $DATA_ROOT/coffer, results $OUT)"
start_server "$OUT/coffer.log" env COFFER_ROOT_ACCESS_KEY="$ROOT_KEY" COFFER_ROOT_SECRET_KEY="$ROOT_SECRET" \
  dotnet "$COFFER_DLL" serve --data "$DATA_ROOT/coffer" --listen 127.0.0.1:0 \
  || die "coffer did not start (see $OUT/coffer.log)"
ENDPOINT=$SERVER_URL
say "coffer at $ENDPOINT"

# 2. the user, through the server's own IAM API. The cli must not read whatever ~/.aws holds.
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

USER_NAME=authz-bench
ROOT_BUCKET=coffer-authz-root
USER_BUCKET=coffer-authz-user
ALLOW_ALL_NAME=authz-allow-all
ALLOW_ALL_BUCKET=coffer-authz-allow-all

# Ten statements in three policies, as a user's policies typically look: its own bucket, a home
# prefix in a shared bucket, and odds and ends. Only statements 1-3 grant what the benchmark does;
# the others match neither its actions nor its resources, or (the deny) only its actions' service.
cat >"$AWS_HOME/policy-objects.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "WriteAndDelete", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
     "Resource": "arn:aws:s3:::$USER_BUCKET/*"},
    {"Sid": "ReadFromLoopback", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::$USER_BUCKET/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
    {"Sid": "TheBucket", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:CreateBucket", "s3:GetBucketLocation"],
     "Resource": "arn:aws:s3:::$USER_BUCKET"},
    {"Sid": "NoBucketChanges", "Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
     "Resource": "*"}
  ]
}
EOF
cat >"$AWS_HOME/policy-home.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ListOwnHome", "Effect": "Allow", "Action": "s3:ListBucket",
     "Resource": "arn:aws:s3:::coffer-home",
     "Condition": {"StringLike": {"s3:prefix": ["home/\${aws:username}/*", "home/\${aws:username}"]}}},
    {"Sid": "OwnHome", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": "arn:aws:s3:::coffer-home/home/\${aws:username}/*"},
    {"Sid": "SeeBuckets", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
  ]
}
EOF
cat >"$AWS_HOME/policy-misc.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "OwnKeys", "Effect": "Allow", "Action": ["iam:GetUser", "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"},
    {"Sid": "Sessions", "Effect": "Allow", "Action": ["sts:GetSessionToken", "sts:GetCallerIdentity"], "Resource": "*"},
    {"Sid": "ReadLogs", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::coffer-logs", "arn:aws:s3:::coffer-logs/*"]}
  ]
}
EOF
cat >"$AWS_HOME/policy-allow-all.json" <<'EOF'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
EOF

# make_user NAME POLICY... : the user, its managed policies attached, an access key; prints "KEY SECRET"
make_user() {
  local name=$1 policy arn; shift
  as_root iam create-user --user-name "$name" --output text >/dev/null
  for policy in "$@"; do
    arn="$(as_root iam create-policy --policy-name "$name-$policy" --policy-document "file://$AWS_HOME/policy-$policy.json" \
      --query Policy.Arn --output text)"
    as_root iam attach-user-policy --user-name "$name" --policy-arn "$arn" --output text >/dev/null
  done
  as_root iam create-access-key --user-name "$name" --output json \
    | python3 -c 'import json, sys; k = json.load(sys.stdin)["AccessKey"]; print(k["AccessKeyId"], k["SecretAccessKey"])'
}

say "creating user $USER_NAME (3 managed policies, 10 statements, 2 conditions) and the buckets"
read -r USER_KEY USER_SECRET <<<"$(make_user "$USER_NAME" objects home misc)"
[ -n "$USER_SECRET" ] || die "no access key for $USER_NAME"
IDENTITIES=("root $ROOT_KEY $ROOT_SECRET $ROOT_BUCKET" "user $USER_KEY $USER_SECRET $USER_BUCKET")
if [ "$ALLOW_ALL" = 1 ]; then
  read -r ALL_KEY ALL_SECRET <<<"$(make_user "$ALLOW_ALL_NAME" allow-all)"
  [ -n "$ALL_SECRET" ] || die "no access key for $ALLOW_ALL_NAME"
  IDENTITIES+=("allow-all $ALL_KEY $ALL_SECRET $ALLOW_ALL_BUCKET")
fi

# Root makes every bucket, so that each run finds its bucket and none creates or deletes one.
for entry in "${IDENTITIES[@]}"; do
  read -r _ _ _ bucket <<<"$entry"
  as_root s3api create-bucket --bucket "$bucket" --output text >/dev/null
done
# The user's policy is what it is said to be: the aws cli agrees the user can read its bucket.
AWS_ACCESS_KEY_ID="$USER_KEY" AWS_SECRET_ACCESS_KEY="$USER_SECRET" \
  timeout "$AWS_TIMEOUT" aws "${AWS_FLAGS[@]}" s3api head-bucket --bucket "$USER_BUCKET" >/dev/null 2>"$OUT/aws-stderr.txt" \
  || { cat "$OUT/aws-stderr.txt" >&2; die "$USER_NAME cannot HEAD its own bucket"; }

# run_bench NAME KEY SECRET BUCKET OPS FILE : one coffer-bench s3 run with small objects only
run_bench() {
  local name=$1 key=$2 secret=$3 bucket=$4 ops=$5 file=$6 rc=0
  AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" timeout "$CLIENT_TIMEOUT" \
    dotnet "$BENCH_DLL" s3 --endpoint "$ENDPOINT" --bucket "$bucket" --large-size 0 \
      --small-size "$SMALL" --small-ops "$ops" --concurrency "$CONCURRENCY" --phase-timeout "$PHASE_TIMEOUT" \
      --json "$file.json" >"$file.txt" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { tail -n 5 "$file.txt" >&2; die "$name: coffer-bench exited with $rc (see $file.txt)"; }
  grep -E '^(small-|phase)' "$file.txt" | sed "s/^/[authz]   /" >&2 || true
}

# server_cpu_ticks : user + system CPU time the server has used, in clock ticks
server_cpu_ticks() { sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
CLOCK_TICKS="$(getconf CLK_TCK)"
# cpu_since TICKS : the server's CPU seconds since then
cpu_since() { awk -v a="$1" -v b="$(server_cpu_ticks)" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.2f", (b - a) / hz }'; }

# 3. warm-up, then the measured rounds; the load average is noted at the start of each run
if [ "$WARMUP_OPS" -gt 0 ]; then
  for entry in "${IDENTITIES[@]}"; do
    read -r name key secret bucket <<<"$entry"
    say "warm-up: $name, $WARMUP_OPS objects"
    before="$(server_cpu_ticks)"
    run_bench "$name" "$key" "$secret" "$bucket" "$WARMUP_OPS" "$OUT/warmup-$name"
    say "  server CPU $(cpu_since "$before") s"
  done
fi

LOADS=()
RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  # root first in odd rounds, last in even ones (root, user, user, root, root, user, ...), so that a
  # drift over the run (JIT tiering, the database, other load) does not always favour the same side
  ORDER=("${IDENTITIES[@]}")
  if [ $((round % 2)) = 0 ]; then
    ORDER=()
    for ((i = ${#IDENTITIES[@]} - 1; i >= 0; i--)); do ORDER+=("${IDENTITIES[i]}"); done
  fi
  for entry in "${ORDER[@]}"; do
    read -r name key secret bucket <<<"$entry"
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    say "round $round of $ROUNDS: $name, $SMALL x $SMALL_OPS, $CONCURRENCY clients (load $(cut -d' ' -f1-3 /proc/loadavg))"
    before="$(server_cpu_ticks)"
    run_bench "$name" "$key" "$secret" "$bucket" "$SMALL_OPS" "$OUT/$name-$round"
    # CPU seconds the server spent on this run; less sensitive to other load than ops/s
    cpu="$(cpu_since "$before")"
    say "  server CPU $cpu s"
    RESULTS+=("$name=$cpu=$OUT/$name-$round.json")
  done
done

# 4. the table
{
  echo "## coffer-bench authorisation cost: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "small objects $SMALL x $SMALL_OPS, $CONCURRENCY concurrent clients, one server; $ROUNDS round(s) of ${IDENTITIES[*]%% *} (reversed in even rounds) after a warm-up of $WARMUP_OPS; best run per phase;"
  echo "user: 3 managed policies, 10 statements, 2 with conditions; $(nproc) cores, kernel $(uname -r); client and server share the machine."
  echo "1-minute load average as each run started: ${LOADS[*]}."
  echo
  python3 - "${RESULTS[@]}" <<'PY'
import json, statistics, sys
from collections import defaultdict

PHASES = (("small-get", "GET (headline)"), ("small-put", "PUT"), ("small-delete", "DELETE"))
runs = defaultdict(list)   # (phase, identity) -> ops/s per round, None where the phase failed
cpu = defaultdict(list)    # identity -> server CPU microseconds per request, per round
failed = []
for arg in sys.argv[1:]:
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

users = [n for n in ("user", "allow-all") if cpu.get(n) or any(k[1] == n for k in runs)]
header = "| phase | root ops/s |" + "".join(f" {u} ops/s | {u}/root | {u} cost |" for u in users)
print(header)
print("|" + "---|" * (header.count("|") - 1))
for phase, label in PHASES:
    root = best(phase, "root")
    cells = [label, f"{root:,.0f}" if root else "n/a"]
    for u in users:
        ops = best(phase, u)
        if ops and root:
            ratio = ops / root
            cells += [f"{ops:,.0f}", f"{ratio:.3f}", f"{(1 - ratio) * 100:.1f}%"]
        else:
            cells += [f"{ops:,.0f}" if ops else "n/a", "n/a", "n/a"]
    print("| " + " | ".join(cells) + " |")

# Runs next to each other share the machine's load more than the best of each does.
print()
print("Every run, ops/s in round order, and the ratio within each round (median):")
print()
for phase, _ in PHASES:
    parts = [f"{n} " + ", ".join(f"{v:,.0f}" if v else "failed" for v in runs.get((phase, n), [])) for n in ["root"] + users]
    for u in users:
        ratios = [a / b for a, b in zip(runs.get((phase, u), []), runs.get((phase, "root"), [])) if a and b]
        if ratios:
            parts.append(f"{u}/root " + ", ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f})")
    print(f"- {phase}: " + "; ".join(parts))

# CPU time is what authorisation adds; it moves much less with other load than throughput does.
if cpu.get("root"):
    print()
    print("Server CPU per request (user + system time over all three phases of a run; median of the rounds):")
    print()
    print("| identity | CPU us/request, each round | median | vs root |")
    print("|---|---|---|---|")
    root_cpu = statistics.median(cpu["root"])
    for name in ["root"] + users:
        if cpu.get(name):
            median = statistics.median(cpu[name])
            each = ", ".join(f"{v:.0f}" for v in cpu[name])
            print(f"| {name} | {each} | {median:.0f} | {(median / root_cpu - 1) * 100:+.1f}% |")

root, user = best("small-get", "root"), best("small-get", "user")
if root and user:
    cost = (1 - user / root) * 100
    print()
    print(f"GET authorisation cost {cost:.1f}% (best of each; target: under 5%): {'met' if cost < 5 else 'NOT met'}.")
if failed:
    print()
    print("Phases with failures (left out): " + "; ".join(failed))
PY
} | tee "$OUT/results.md"
say "results: $OUT/results.md"
