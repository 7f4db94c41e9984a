#!/usr/bin/env bash
# Object lock with the aws cli: create-bucket --object-lock-enabled-for-bucket, the default
# retention, put-object's --object-lock-* options, retention and legal hold calls, and deletes
# refused or allowed as S3 decides.
#
#   object_lock_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which. The locked bucket is left behind:
# nothing may delete what compliance retention protects.
set -Eeuo pipefail

AWS_BIN="${1:?usage: object_lock_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-lock-XXXXXX")"
BUCKET="lock-cli-$(date +%s)-$((RANDOM % 10000))"
STEP="start"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"
cleanup() {
  trap - ERR
  cli s3 rb "s3://$BUCKET-plain" --force > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

in_an_hour() { date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ; }

printf 'record\n' > "$WORK/record.txt"
MD5="$(openssl md5 -binary "$WORK/record.txt" | base64)"

step "create-bucket --object-lock-enabled-for-bucket"
run s3api create-bucket --bucket "$BUCKET" --object-lock-enabled-for-bucket > /dev/null
expect_eq "$(run s3api get-bucket-versioning --bucket "$BUCKET" --query Status --output text)" Enabled "versioning of the new bucket"
expect_error InvalidBucketState "suspending versioning" -- s3api put-bucket-versioning --bucket "$BUCKET" --versioning-configuration Status=Suspended
run s3api put-object-lock-configuration --bucket "$BUCKET" \
  --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":1}}}'
expect_eq "$(run s3api get-object-lock-configuration --bucket "$BUCKET" --query ObjectLockConfiguration.Rule.DefaultRetention.Mode --output text)" \
  COMPLIANCE "the default retention read back"
ok "bucket with object lock and a compliance default"

step "compliance retention from the default"
record="$(run s3api put-object --bucket "$BUCKET" --key record.txt --body "$WORK/record.txt" --content-md5 "$MD5" --query VersionId --output text)"
expect_eq "$(run s3api get-object-retention --bucket "$BUCKET" --key record.txt --version-id "$record" --query Retention.Mode --output text)" \
  COMPLIANCE "get-object-retention"
expect_eq "$(run s3api head-object --bucket "$BUCKET" --key record.txt --query ObjectLockMode --output text)" COMPLIANCE "head-object ObjectLockMode"
expect_error AccessDenied "delete-object of the version" -- s3api delete-object --bucket "$BUCKET" --key record.txt --version-id "$record"
expect_error AccessDenied "delete-object of the version with --bypass-governance-retention" -- \
  s3api delete-object --bucket "$BUCKET" --key record.txt --version-id "$record" --bypass-governance-retention
expect_error AccessDenied "put-object-retention shortening it" -- s3api put-object-retention --bucket "$BUCKET" --key record.txt \
  --version-id "$record" --bypass-governance-retention --retention "Mode=COMPLIANCE,RetainUntilDate=$(in_an_hour)"
run s3 rm "s3://$BUCKET/record.txt" --only-show-errors
cmp -s <(run s3api get-object --bucket "$BUCKET" --key record.txt --version-id "$record" "$WORK/back" > /dev/null && cat "$WORK/back") "$WORK/record.txt" ||
  fail "the locked version changed after aws s3 rm"
ok "compliance retention: deletes refused, aws s3 rm only writes a marker"

step "governance retention from put-object's options"
draft="$(run s3api put-object --bucket "$BUCKET" --key draft.txt --body "$WORK/record.txt" --content-md5 "$MD5" \
  --object-lock-mode GOVERNANCE --object-lock-retain-until-date "$(in_an_hour)" --object-lock-legal-hold-status ON --query VersionId --output text)"
expect_eq "$(run s3api get-object-retention --bucket "$BUCKET" --key draft.txt --query Retention.Mode --output text)" GOVERNANCE "retention from the options"
expect_eq "$(run s3api get-object-legal-hold --bucket "$BUCKET" --key draft.txt --query LegalHold.Status --output text)" ON "legal hold from the options"
expect_error AccessDenied "delete-object under a legal hold, with the bypass" -- \
  s3api delete-object --bucket "$BUCKET" --key draft.txt --version-id "$draft" --bypass-governance-retention
run s3api put-object-legal-hold --bucket "$BUCKET" --key draft.txt --version-id "$draft" --legal-hold Status=OFF
expect_error AccessDenied "delete-object of a governance version without the bypass" -- \
  s3api delete-object --bucket "$BUCKET" --key draft.txt --version-id "$draft"
run s3api delete-object --bucket "$BUCKET" --key draft.txt --version-id "$draft" --bypass-governance-retention > /dev/null
expect_error NoSuchVersion "get-object of the removed version" -- s3api get-object --bucket "$BUCKET" --key draft.txt --version-id "$draft" "$WORK/gone"
ok "legal hold, then governance retention bypassed"

step "errors"
run s3api create-bucket --bucket "$BUCKET-plain" > /dev/null
run s3api put-object --bucket "$BUCKET-plain" --key x --body "$WORK/record.txt" > /dev/null
expect_error InvalidRequest "get-object-retention in a bucket without object lock" -- \
  s3api get-object-retention --bucket "$BUCKET-plain" --key x
expect_error InvalidArgument "put-object-retention in the past" -- s3api put-object-retention --bucket "$BUCKET" --key record.txt \
  --version-id "$record" --retention "Mode=COMPLIANCE,RetainUntilDate=2000-01-01T00:00:00Z"
expect_error MalformedXML "a default retention with both Days and Years" -- s3api put-object-lock-configuration --bucket "$BUCKET" \
  --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":1,"Years":1}}}'
expect_error InvalidArgument "a default retention of 0 days" -- s3api put-object-lock-configuration --bucket "$BUCKET" \
  --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":0}}}'
ok "S3's errors"

printf 'object_lock_cli.sh: every check passed\n'
