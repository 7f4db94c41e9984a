#!/usr/bin/env bash
# CloudTrail LookupEvents with the aws cli: `aws cloudtrail lookup-events` with lookup attributes,
# its automatic paging (--page-size) and --max-items, Coffer's extra keys, and CloudTrail's errors.
#
#   audit_lookup_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: audit_lookup_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-lookup-XXXXXX")"
BUCKET="lookup-cli-$(date +%s)-$((RANDOM % 10000))"
STEP="start"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"
cleanup() {
  trap - ERR
  for i in 1 2 3; do cli s3api delete-object --bucket "$BUCKET" --key "notes/$i.txt" > /dev/null 2>&1 || true; done
  cli s3api delete-bucket --bucket "$BUCKET" > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }

printf 'audit_lookup_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"
printf 'note' > "$WORK/body.txt"

step "known requests"
START=$(date -u +%s)
sleep 1
run s3api create-bucket --bucket "$BUCKET" > /dev/null
for i in 1 2 3; do run s3api put-object --bucket "$BUCKET" --key "notes/$i.txt" --body "$WORK/body.txt" > /dev/null; done
run s3api head-object --bucket "$BUCKET" --key notes/1.txt > /dev/null
sleep 1
END=$(date -u +%s)
sleep 2
ok "a bucket, three objects and a HEAD"

step "lookup-events by EventName"
run cloudtrail lookup-events --start-time "$START" --end-time "$END" \
  --lookup-attributes AttributeKey=EventName,AttributeValue=PutObject --output json > "$WORK/puts.json"
expect_eq "$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["Events"]; print(len(e), sorted({x["Username"] for x in e}), all(json.loads(x["CloudTrailEvent"])["eventName"] == "PutObject" for x in e))' "$WORK/puts.json")" \
  "3 ['root'] True" "PutObject events"
ok "three PutObject events by root, each with its record"

step "lookup-events by ResourceName, Username, ReadOnly"
expect_eq "$(run cloudtrail lookup-events --start-time "$START" --end-time "$END" --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$BUCKET" --query 'length(Events)' --output text)" "5" "ResourceName=bucket"
expect_eq "$(run cloudtrail lookup-events --start-time "$START" --end-time "$END" --lookup-attributes AttributeKey=Username,AttributeValue=root --query 'length(Events)' --output text)" "5" "Username=root"
expect_eq "$(run cloudtrail lookup-events --start-time "$START" --end-time "$END" --lookup-attributes AttributeKey=ReadOnly,AttributeValue=true --query 'Events[].EventName' --output text)" "HeadObject" "ReadOnly=true"
ok "each returns exactly the session's matching events"

step "paging"
run cloudtrail lookup-events --start-time "$START" --end-time "$END" --page-size 2 --output json > "$WORK/paged.json"
expect_eq "$(python3 -c 'import json,sys; e=[x["EventId"] for x in json.load(open(sys.argv[1]))["Events"]]; print(len(e), len(set(e)))' "$WORK/paged.json")" "5 5" "pages of 2"
run cloudtrail lookup-events --start-time "$START" --end-time "$END" --max-items 2 --output json > "$WORK/two.json"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["Events"]), "NextToken" in d)' "$WORK/two.json")" "2 True" "--max-items 2"
ok "pages of two cover all five once; --max-items stops at two"

step "Coffer's extra keys"
expect_eq "$(run cloudtrail lookup-events --start-time "$START" --end-time "$END" --lookup-attributes AttributeKey=KeyPrefix,AttributeValue=notes/ --query 'length(Events)' --output text)" "4" "KeyPrefix=notes/"
expect_eq "$(run cloudtrail lookup-events --start-time "$START" --end-time "$END" --lookup-attributes "AttributeKey=Bucket,AttributeValue=$BUCKET" --query 'length(Events)' --output text)" "5" "Bucket"
ok "KeyPrefix and Bucket through an unchanged cli"

step "errors"
expect_error InvalidLookupAttributesException "two lookup attributes" -- cloudtrail lookup-events \
  --lookup-attributes AttributeKey=EventName,AttributeValue=PutObject AttributeKey=Username,AttributeValue=root
expect_error InvalidTimeRangeException "start after end" -- cloudtrail lookup-events --start-time "$END" --end-time "$START"
expect_error InvalidMaxResultsException "MaxResults 51" -- cloudtrail lookup-events --max-results 51
expect_error InvalidNextTokenException "a made-up token" -- cloudtrail lookup-events --next-token bm90LWEtdG9rZW4 --max-results 5
expect_error InvalidEventCategoryException "EventCategory management" -- cloudtrail lookup-events --event-category management

printf 'audit_lookup_cli.sh: every check passed\n'
