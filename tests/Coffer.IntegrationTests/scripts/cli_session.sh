# What the aws cli session scripts share, sourced after they set AWS_BIN, WORK (a scratch
# directory) and STEP: a cli configuration that reads nothing from ~/.aws, the `cli` call, the
# step/ok/fail reporting, and an ERR trap that names the failing step and shows its stderr
# (what the script saved in $WORK/stderr); `run`, `expect_error` and `expect_eq` for the calls and their answers.

cat > "$WORK/config" <<CONFIG
[default]
region = us-east-1
s3 =
    addressing_style = path
CONFIG
export AWS_CONFIG_FILE="$WORK/config"
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
export AWS_MAX_ATTEMPTS=1
export LC_ALL=C.UTF-8

cli() { "$AWS_BIN" --endpoint-url "$COFFER_ENDPOINT" "$@"; }
step() { STEP="$*"; printf '== %s\n' "$*"; }
ok() { printf '  ok  %s\n' "$*"; }
fail() { printf 'FAIL [%s] %s\n' "$STEP" "$*"; exit 1; }
on_error() { printf 'FAIL [%s] line %s: `%s` exited with %s\n' "$STEP" "$1" "$2" "$3"; [[ -s "$WORK/stderr" ]] && sed 's/^/    /' "$WORK/stderr"; exit 1; }
trap 'on_error $LINENO "$BASH_COMMAND" $?' ERR

# run: an aws call whose stderr is kept for the failure report.
run() { cli "$@" 2> "$WORK/stderr"; }

# expect_error CODE DESCRIPTION -- ARGS...: the call must fail and name CODE on stderr.
expect_error() {
  local code=$1 what=$2
  shift 3
  if cli "$@" > "$WORK/stdout" 2> "$WORK/stderr"; then
    fail "$what: expected $code, but the call succeeded: $(cat "$WORK/stdout")"
  fi
  grep -q -- "$code" "$WORK/stderr" || fail "$what: expected $code in stderr, got: $(cat "$WORK/stderr")"
  ok "$what -> $code"
}

# expect_eq ACTUAL EXPECTED DESCRIPTION
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
