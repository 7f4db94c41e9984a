#!/usr/bin/env bash
# Block Public Access and BucketOwnerEnforced ACLs with the aws cli.
#
#   public_access_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: public_access_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-pab-XXXXXX")"
BUCKET="public-cli-$(date +%s)-$((RANDOM % 10000))"
BUCKET_CREATED=0
STEP="start"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"
cleanup() {
  if [[ "$BUCKET_CREATED" == 1 ]]; then
    cli s3 rb "s3://$BUCKET" --force > /dev/null 2>&1 || printf 'cleanup: could not remove bucket %s\n' "$BUCKET"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# anonymous_status KEY: the HTTP status of an unsigned GET.
anonymous_status() { curl -s -o /dev/null -w '%{http_code}' "$COFFER_ENDPOINT/$BUCKET/$1"; }

printf 'public_access_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"

step "a new bucket is fully blocked"
run s3 mb "s3://$BUCKET" > /dev/null
BUCKET_CREATED=1
printf 'public doc' > "$WORK/doc.txt"
run s3 cp "$WORK/doc.txt" "s3://$BUCKET/doc.txt" > /dev/null
flags=$(run s3api get-public-access-block --bucket "$BUCKET" --output text \
  --query 'PublicAccessBlockConfiguration.[BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets]')
expect_eq "$flags" $'True\tTrue\tTrue\tTrue' "get-public-access-block of a new bucket"
ownership=$(run s3api get-bucket-ownership-controls --bucket "$BUCKET" --output text --query 'OwnershipControls.Rules[0].ObjectOwnership')
expect_eq "$ownership" "BucketOwnerEnforced" "get-bucket-ownership-controls"
expect_eq "$(anonymous_status doc.txt)" 403 "anonymous GET on a new bucket"
ok "every flag on, BucketOwnerEnforced, anonymous GET 403"

step "a public-read policy"
cat > "$WORK/policy.json" <<POLICY
{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::$BUCKET/*"}]}
POLICY
expect_error AccessDenied "put-bucket-policy public-read while BlockPublicPolicy is on" -- \
  s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$WORK/policy.json"
run s3api delete-public-access-block --bucket "$BUCKET"
expect_error NoSuchPublicAccessBlockConfiguration "get-public-access-block after delete" -- s3api get-public-access-block --bucket "$BUCKET"
expect_eq "$(anonymous_status doc.txt)" 403 "anonymous GET with the block off but no policy"
run s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$WORK/policy.json"
expect_eq "$(run s3api get-bucket-policy-status --bucket "$BUCKET" --output text --query PolicyStatus.IsPublic)" True "get-bucket-policy-status"
expect_eq "$(anonymous_status doc.txt)" 200 "anonymous GET with the block off and a public policy"
expect_eq "$(curl -s "$COFFER_ENDPOINT/$BUCKET/doc.txt")" "public doc" "anonymous GET body"
expect_error AccessDenied "anonymous listing (not granted)" -- s3api list-objects-v2 --bucket "$BUCKET" --no-sign-request
ok "public-read works only once the block is off"

step "put-public-access-block"
run s3api put-public-access-block --bucket "$BUCKET" \
  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
expect_eq "$(anonymous_status doc.txt)" 403 "anonymous GET with the block back on"
expect_eq "$(run s3api get-bucket-policy-status --bucket "$BUCKET" --output text --query PolicyStatus.IsPublic)" True "the policy stays public"
run s3api delete-bucket-policy --bucket "$BUCKET"
# The cli validates its parameters, so the malformed body goes through curl --aws-sigv4
# (curl 7.88 signs a bare "?publicAccessBlock" without its "=": the URL carries it).
body='<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls></PublicAccessBlockConfiguration>'
status=$(curl -sS -o "$WORK/error.xml" -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: $(printf '%s' "$body" | sha256sum | cut -d' ' -f1)" \
  -X PUT --data-binary "$body" "$COFFER_ENDPOINT/$BUCKET?publicAccessBlock=")
expect_eq "$status" 400 "a malformed PublicAccessBlockConfiguration"
grep -q '<Code>MalformedXML</Code>' "$WORK/error.xml" || fail "a malformed PublicAccessBlockConfiguration: $(cat "$WORK/error.xml")"
expect_eq "$(run s3api get-public-access-block --bucket "$BUCKET" --output text --query PublicAccessBlockConfiguration.BlockPublicPolicy)" True \
  "the block after a malformed one was refused"
ok "blocked again; a malformed configuration -> MalformedXML"

step "ACLs are disabled"
expect_error AccessControlListNotSupported "aws s3 cp --acl public-read" -- s3 cp "$WORK/doc.txt" "s3://$BUCKET/acl.txt" --acl public-read
run s3 cp "$WORK/doc.txt" "s3://$BUCKET/owned.txt" --acl bucket-owner-full-control > /dev/null
run s3api put-object --bucket "$BUCKET" --key private.txt --body "$WORK/doc.txt" --acl private > /dev/null
expect_error AccessControlListNotSupported "put-object --grant-read to everyone" -- \
  s3api put-object --bucket "$BUCKET" --key acl.txt --body "$WORK/doc.txt" --grant-read 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'
owner=$(run s3api list-buckets --output text --query Owner.ID)
acl=$(run s3api get-bucket-acl --bucket "$BUCKET" --output text --query '[Owner.ID,Grants[0].Grantee.Type,Grants[0].Grantee.ID,Grants[0].Permission,length(Grants)]')
expect_eq "$acl" "$owner"$'\tCanonicalUser\t'"$owner"$'\tFULL_CONTROL\t1' "get-bucket-acl"
acl=$(run s3api get-object-acl --bucket "$BUCKET" --key owned.txt --output text --query '[Owner.ID,Grants[0].Grantee.Type,Grants[0].Permission,length(Grants)]')
expect_eq "$acl" "$owner"$'\tCanonicalUser\tFULL_CONTROL\t1' "get-object-acl"
run s3api put-bucket-acl --bucket "$BUCKET" --acl private
expect_error AccessControlListNotSupported "put-bucket-acl --acl public-read" -- s3api put-bucket-acl --bucket "$BUCKET" --acl public-read
expect_error AccessControlListNotSupported "put-object-acl --acl public-read" -- s3api put-object-acl --bucket "$BUCKET" --key owned.txt --acl public-read
expect_error InvalidRequest "put-bucket-ownership-controls ObjectWriter" -- \
  s3api put-bucket-ownership-controls --bucket "$BUCKET" --ownership-controls 'Rules=[{ObjectOwnership=ObjectWriter}]'
run s3api put-bucket-ownership-controls --bucket "$BUCKET" --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
ok "only private ACLs, read back as the owner's FULL_CONTROL"

printf 'public_access_cli.sh: all checks passed\n'
