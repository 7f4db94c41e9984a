#!/usr/bin/env bash
# What a user made by `coffer user create` may do, with the aws cli and the key from its CSV file.
# Usage: tenant_space_cli.sh AWS CSV BUCKET PREFIX ACCESS OTHER_BUCKET OTHER_PREFIX
# (as tenant_space.py; PREFIX is "" for a bucket of its own). Exits non-zero on the first difference.
set -uo pipefail
aws=$1 csv=$2 bucket=$3 prefix=$4 access=$5 other_bucket=$6 other_prefix=$7

IFS=, read -r key secret user endpoint < <(tail -n 1 "$csv" | tr -d '\r')
export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
unset AWS_SESSION_TOKEN AWS_PROFILE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "from the aws cli" > "$work/up.txt"

fail() { echo "FAIL ($user, $access): $*"; exit 1; }

# expect allow|deny WHAT -- COMMAND...
expect() {
  local want=$1 what=$2
  shift 3
  if "$aws" --endpoint-url "$endpoint" "$@" >"$work/out" 2>"$work/err"; then
    [ "$want" = allow ] || fail "$what: expected AccessDenied, but it succeeded"
  else
    [ "$want" = deny ] || fail "$what: expected success: $(cat "$work/err")"
    grep -qE 'AccessDenied|Forbidden|403' "$work/err" || fail "$what: expected AccessDenied: $(cat "$work/err")"
  fi
}

either() { if [ "$1" = yes ]; then echo allow; else echo deny; fi; }
can_read=$(either "$([ "$access" != write ] && echo yes)")
can_write=$(either "$([ "$access" != read ] && echo yes)")

expect allow "ls own space" -- s3 ls "s3://$bucket/$prefix"
grep -q "seed.txt" "$work/out" || fail "ls own space: seed.txt missing: $(cat "$work/out")"
expect "$can_read" "download own object" -- s3 cp "s3://$bucket/${prefix}seed.txt" "$work/seed.txt"
expect "$can_write" "upload to own space" -- s3 cp "$work/up.txt" "s3://$bucket/${prefix}from-cli.txt"
if [ -n "$prefix" ]; then
  expect deny "ls the bucket root" -- s3 ls "s3://$bucket/"
fi
expect deny "ls another user's space" -- s3 ls "s3://$other_bucket/$other_prefix"
expect deny "download another user's object" -- s3 cp "s3://$other_bucket/${other_prefix}seed.txt" "$work/theirs.txt"
expect deny "upload to another user's space" -- s3 cp "$work/up.txt" "s3://$other_bucket/${other_prefix}intruder.txt"
expect deny "iam list-users" -- iam list-users
expect deny "iam create-user" -- iam create-user --user-name "${user}-friend"
echo "ok $user $access"
