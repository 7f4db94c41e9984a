#!/usr/bin/env bash
# Bucket lifecycle configuration with the aws cli: s3api put/get/delete-bucket-lifecycle-configuration
# round trips, and S3's errors (bad values and dates, 1,001 rules, transitions, unknown bucket).
#
#   lifecycle_cli.sh AWS_BINARY    e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: lifecycle_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-lifecycle-XXXXXX")"
BUCKET="lifecycle-cli-$(date +%s)-$((RANDOM % 10000))"
BUCKET_CREATED=0
STEP="start"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"
cleanup() {
  trap - ERR
  if [[ "$BUCKET_CREATED" == 1 ]]; then
    cli s3api delete-bucket --bucket "$BUCKET" > /dev/null 2>&1 || printf 'cleanup: could not remove bucket %s\n' "$BUCKET"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# put FILE: put-bucket-lifecycle-configuration with the JSON in $WORK/FILE.
put() { run s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/$1"; }

# rules FILE 'ACTION-JSON': a one-rule configuration with that action.
rules() {
  printf '{"Rules": [{"ID": "r", "Filter": {"Prefix": "a/"}, "Status": "Enabled", %s}]}\n' "$2" > "$WORK/$1"
}

step "create bucket"
run s3api create-bucket --bucket "$BUCKET" > /dev/null
BUCKET_CREATED=1
ok "bucket $BUCKET"

step "no configuration yet"
expect_error NoSuchLifecycleConfiguration "get-bucket-lifecycle-configuration before any" -- s3api get-bucket-lifecycle-configuration --bucket "$BUCKET"

step "round trip"
cat > "$WORK/config.json" <<'JSON'
{"Rules": [
  {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30},
   "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
  {"ID": "tagged", "Status": "Disabled",
   "Filter": {"And": {"Prefix": "docs/", "Tags": [{"Key": "class", "Value": "temp"}], "ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 2048}},
   "NoncurrentVersionExpiration": {"NoncurrentDays": 10, "NewerNoncurrentVersions": 3}},
  {"ID": "dated", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled", "Expiration": {"Date": "2030-01-01T00:00:00.000Z"}},
  {"ID": "markers", "Filter": {}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": true}},
  {"ID": "legacy", "Prefix": "old/", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}
]}
JSON
put config.json > /dev/null
run s3api get-bucket-lifecycle-configuration --bucket "$BUCKET" --output json > "$WORK/got.json"
python3 - "$WORK/config.json" "$WORK/got.json" <<'PY'
import datetime, json, sys
sent = json.load(open(sys.argv[1]))["Rules"]
got = json.load(open(sys.argv[2]))["Rules"]
# The cli prints dates as it parsed them; compare the instant.
for rule in got:
    date = rule.get("Expiration", {}).get("Date")
    if date:
        parsed = datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
        assert parsed == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc), date
        rule["Expiration"]["Date"] = "2030-01-01T00:00:00.000Z"
if sent != got:
    print(f"sent {json.dumps(sent)}\ngot  {json.dumps(got)}")
    sys.exit(1)
PY
ok "get returns what was put: prefix, And, tag, empty filter, legacy Prefix, every action"
expect_eq "$(cli s3api get-bucket-lifecycle-configuration --bucket "$BUCKET" --query 'length(Rules)' --output text)" "5" "rule count"

step "refused configurations"
rules days0.json '"Expiration": {"Days": 0}'
expect_error InvalidArgument "Expiration Days 0" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/days0.json"
grep -q "'Days' for Expiration action must be a positive integer" "$WORK/stderr" || fail "Days 0 message: $(cat "$WORK/stderr")"
rules negative.json '"NoncurrentVersionExpiration": {"NoncurrentDays": -1}'
expect_error InvalidArgument "NoncurrentDays -1" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/negative.json"
rules noon.json '"Expiration": {"Date": "2030-01-01T12:00:00Z"}'
expect_error InvalidArgument "Date at noon" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/noon.json"
grep -q "'Date' must be at midnight GMT" "$WORK/stderr" || fail "noon Date message: $(cat "$WORK/stderr")"
rules both.json '"Expiration": {"Days": 1, "Date": "2030-01-01T00:00:00Z"}'
expect_error MalformedXML "Expiration with Days and Date" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/both.json"
rules transition.json '"Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]'
expect_error InvalidRequest "a Transition" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/transition.json"
printf '{"Rules": [{"ID": "r", "Filter": {}, "Status": "Enabled"}]}\n' > "$WORK/noaction.json"
expect_error InvalidRequest "a rule without an action" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/noaction.json"
python3 -c 'import json; print(json.dumps({"Rules": [{"ID": f"r{i}", "Filter": {"Prefix": f"p{i}/"}, "Status": "Enabled", "Expiration": {"Days": 1}} for i in range(1001)]}))' > "$WORK/many.json"
expect_error InvalidRequest "1,001 rules" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "file://$WORK/many.json"
expect_error NoSuchBucket "an unknown bucket" -- s3api put-bucket-lifecycle-configuration --bucket "$BUCKET-missing" --lifecycle-configuration "file://$WORK/config.json"
expect_eq "$(cli s3api get-bucket-lifecycle-configuration --bucket "$BUCKET" --query 'length(Rules)' --output text)" "5" "refused puts changed nothing"
ok "the stored configuration is unchanged"

step "delete"
run s3api delete-bucket-lifecycle --bucket "$BUCKET"
expect_error NoSuchLifecycleConfiguration "get after delete" -- s3api get-bucket-lifecycle-configuration --bucket "$BUCKET"
run s3api delete-bucket-lifecycle --bucket "$BUCKET"
ok "delete-bucket-lifecycle, twice"

printf 'lifecycle_cli.sh: every check passed\n'
