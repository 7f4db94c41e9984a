#!/usr/bin/env bash
# Object tagging with the aws cli: s3api put/get/delete-object-tagging, --tagging on put-object and
# create-multipart-upload, copy-object --tagging-directive, versions, limits and errors.
#
#   tagging_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: tagging_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-tags-XXXXXX")"
BUCKET="tags-cli-$(date +%s)-$((RANDOM % 10000))"
BUCKET_CREATED=0
STEP="start"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"
cleanup() {
  trap - ERR
  if [[ "$BUCKET_CREATED" == 1 ]]; then
    cli s3api delete-bucket-policy --bucket "$BUCKET" > /dev/null 2>&1 || true
    cli s3api list-object-versions --bucket "$BUCKET" --output text \
      --query '[Versions[].[Key,VersionId], DeleteMarkers[].[Key,VersionId]][][]' 2> /dev/null |
      while read -r key version; do
        if [[ -n "$key" && "$key" != None ]]; then
          cli s3api delete-object --bucket "$BUCKET" --key "$key" --version-id "$version" > /dev/null 2>&1 || true
        fi
      done
    cli s3api delete-bucket --bucket "$BUCKET" > /dev/null 2>&1 || printf 'cleanup: could not remove bucket %s\n' "$BUCKET"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT


# tags KEY [ARGS...]: the tag set as "k=v,k=v", in order.
tags() {
  local key=$1
  shift
  run s3api get-object-tagging --bucket "$BUCKET" --key "$key" "$@" --output json > "$WORK/tags.json"
  python3 -c 'import json,sys; print(",".join(t["Key"] + "=" + t["Value"] for t in json.load(open(sys.argv[1]))["TagSet"]))' "$WORK/tags.json"
}

printf 'tagging_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"
printf 'tagged' > "$WORK/body.txt"

step "put, get and delete tags on an unversioned object"
run s3 mb "s3://$BUCKET" > /dev/null
BUCKET_CREATED=1
run s3api put-object --bucket "$BUCKET" --key plain --body "$WORK/body.txt" > /dev/null
expect_eq "$(tags plain)" "" "get-object-tagging without tags"
run s3api put-object-tagging --bucket "$BUCKET" --key plain --tagging 'TagSet=[{Key=classification,Value=secret},{Key=team,Value=blue}]'
expect_eq "$(tags plain)" "classification=secret,team=blue" "get-object-tagging"
expect_eq "$(run s3api get-object --bucket "$BUCKET" --key plain "$WORK/out" --output text --query TagCount)" "2" "get-object TagCount"
run s3api delete-object-tagging --bucket "$BUCKET" --key plain > /dev/null
expect_eq "$(tags plain)" "" "after delete-object-tagging"
ok "put/get/delete-object-tagging"

step "put-object --tagging"
run s3api put-object --bucket "$BUCKET" --key header --body "$WORK/body.txt" --tagging 'project=coffer%20one&path=a%2Fb' > /dev/null
expect_eq "$(tags header)" "project=coffer one,path=a/b" "tags from x-amz-tagging"
ok "x-amz-tagging"

step "tags per version"
run s3api put-bucket-versioning --bucket "$BUCKET" --versioning-configuration Status=Enabled
v1=$(run s3api put-object --bucket "$BUCKET" --key doc --body "$WORK/body.txt" --tagging 'classification=secret' --output text --query VersionId)
v2=$(run s3api put-object --bucket "$BUCKET" --key doc --body "$WORK/body.txt" --tagging 'classification=public' --output text --query VersionId)
expect_eq "$(tags doc --version-id "$v1")" "classification=secret" "v1 keeps its tags"
expect_eq "$(tags doc)" "classification=public" "v2 has its own"
answered=$(run s3api put-object-tagging --bucket "$BUCKET" --key doc --version-id "$v1" --tagging 'TagSet=[{Key=state,Value=archived}]' --output text --query VersionId)
expect_eq "$answered" "$v1" "put-object-tagging answers the version"
expect_eq "$(tags doc --version-id "$v1")" "state=archived" "v1 retagged"
expect_eq "$(tags doc --version-id "$v2")" "classification=public" "v2 untouched"
expect_eq "$(run s3api list-object-versions --bucket "$BUCKET" --prefix doc --output text --query 'length(Versions)')" "2" "no new version"
ok "versions"

step "copy-object --tagging-directive"
run s3api copy-object --bucket "$BUCKET" --key copied --copy-source "$BUCKET/doc?versionId=$v1" > /dev/null
expect_eq "$(tags copied)" "state=archived" "COPY takes the source version's tags"
run s3api copy-object --bucket "$BUCKET" --key replaced --copy-source "$BUCKET/doc" --tagging-directive REPLACE --tagging 'owner=alex' > /dev/null
expect_eq "$(tags replaced)" "owner=alex" "REPLACE"
ok "copy directives"

step "create-multipart-upload --tagging"
head -c 2048 /dev/zero > "$WORK/part.bin"
upload=$(run s3api create-multipart-upload --bucket "$BUCKET" --key big --tagging 'kind=video' --output text --query UploadId)
etag=$(run s3api upload-part --bucket "$BUCKET" --key big --upload-id "$upload" --part-number 1 --body "$WORK/part.bin" --output text --query ETag)
run s3api complete-multipart-upload --bucket "$BUCKET" --key big --upload-id "$upload" \
  --multipart-upload "{\"Parts\": [{\"PartNumber\": 1, \"ETag\": $etag}]}" > /dev/null
expect_eq "$(tags big)" "kind=video" "tags on the completed object"
ok "multipart"

step "limits and malformed input"
eleven=$(python3 -c 'print("TagSet=[" + ",".join("{Key=k%d,Value=v}" % i for i in range(11)) + "]")')
expect_error BadRequest "11 tags" -- s3api put-object-tagging --bucket "$BUCKET" --key plain --tagging "$eleven"
expect_error InvalidTag "a 129-character key" -- s3api put-object-tagging --bucket "$BUCKET" --key plain \
  --tagging "TagSet=[{Key=$(printf 'k%.0s' {1..129}),Value=v}]"
expect_error InvalidTag "a 257-character value" -- s3api put-object-tagging --bucket "$BUCKET" --key plain \
  --tagging "TagSet=[{Key=k,Value=$(printf 'v%.0s' {1..257})}]"
expect_error InvalidTag "duplicate keys" -- s3api put-object-tagging --bucket "$BUCKET" --key plain --tagging 'TagSet=[{Key=k,Value=1},{Key=k,Value=2}]'
expect_error InvalidArgument "a bad x-amz-tagging encoding" -- s3api put-object --bucket "$BUCKET" --key bad --body "$WORK/body.txt" --tagging 'k=%zz'
expect_error NoSuchKey "tags of a missing key" -- s3api get-object-tagging --bucket "$BUCKET" --key missing
ok "limits"

step "a bucket policy on s3:ExistingObjectTag"
cat > "$WORK/policy.json" <<POLICY
{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::$BUCKET/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"secret"}}}]}
POLICY
run s3api put-bucket-policy --bucket "$BUCKET" --policy "file://$WORK/policy.json"
run s3api put-object-tagging --bucket "$BUCKET" --key doc --tagging 'TagSet=[{Key=classification,Value=secret}]'
expect_error AccessDenied "get-object of a secret object" -- s3api get-object --bucket "$BUCKET" --key doc "$WORK/out"
run s3api put-object-tagging --bucket "$BUCKET" --key doc --tagging 'TagSet=[{Key=classification,Value=internal}]'
run s3api get-object --bucket "$BUCKET" --key doc "$WORK/out" > /dev/null
expect_eq "$(cat "$WORK/out")" "tagged" "get-object once the tag changed"
ok "s3:ExistingObjectTag"

printf 'tagging_cli.sh: all checks passed\n'
