#!/usr/bin/env bash
# Encryption at rest driven by the aws cli: KMS keys through `aws kms`, objects uploaded with
# each kind of server-side encryption through `aws s3 cp` (single and multipart) and
# `aws s3api`, the SSE fields of the answers, SSE-C keys right, wrong and missing, the bucket's
# default encryption, a bucket policy that demands one KMS key, disabled keys, keys pending
# deletion and key rotation.
#
#   sse_session_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root),
# COFFER_SSE_MARKER (optional): a text every uploaded body repeats, for the caller to look for on
# disk, and COFFER_SSE_KEEP_OBJECTS=1 to leave the objects there for that. cli v2.9 predates rotate-key-on-demand and list-key-rotations: those are sent with
# curl --aws-sigv4 instead. Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: sse_session_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}"
MARKER="${COFFER_SSE_MARKER:-COFFER-SSE-PLAINTEXT-MARKER}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-sse-cli-XXXXXX")"
SUFFIX="$(date +%s)-$((RANDOM % 10000))"
BUCKET="sse-cli-$SUFFIX"
GUARDED="sse-cli-policy-$SUFFIX"
BUCKETS=()
KEY_IDS=()
ALIASES=()
STEP="start"

cat > "$WORK/config" <<EOF
[default]
region = us-east-1
s3 =
    addressing_style = path
EOF
export AWS_CONFIG_FILE="$WORK/config"
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
export AWS_MAX_ATTEMPTS=1
export LC_ALL=C.UTF-8

cli() { "$AWS_BIN" --endpoint-url "$COFFER_ENDPOINT" "$@"; }

step() { STEP="$*"; printf '== %s (at %ss)\n' "$*" "$SECONDS"; }
ok() { printf '  ok  %s\n' "$*"; }
fail() { printf 'FAIL [%s] %s\n' "$STEP" "$*" >&3; exit 1; }
exec 3>&1
on_error() {
  local status=$? line=$1 command=$2
  if [[ ! -e "$WORK/reported" ]]; then
    : > "$WORK/reported"
    printf 'FAIL [%s] line %s: `%s` exited with %s\n' "$STEP" "$line" "$command" "$status" >&3
    if [[ -s "$WORK/stderr" ]]; then
      printf '  stderr of the last aws call:\n' >&3
      sed 's/^/    /' "$WORK/stderr" >&3
    fi
  fi
  exit 1
}
trap 'on_error $LINENO "$BASH_COMMAND"' ERR

cleanup() {
  if [[ "${COFFER_SSE_KEEP_OBJECTS:-}" == 1 ]]; then
    rm -rf "$WORK"
    return
  fi
  local bucket
  for bucket in "${BUCKETS[@]}"; do
    cli s3api delete-bucket-policy --bucket "$bucket" > /dev/null 2>&1 || true
    cli s3 rb "s3://$bucket" --force > /dev/null 2>&1 || printf 'cleanup: could not remove bucket %s\n' "$bucket"
  done
  local alias id
  for alias in "${ALIASES[@]}"; do cli kms delete-alias --alias-name "$alias" > /dev/null 2>&1 || true; done
  for id in "${KEY_IDS[@]}"; do cli kms schedule-key-deletion --key-id "$id" --pending-window-in-days 7 > /dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# run: an aws call whose stderr is kept for the failure report.
run() { cli "$@" 2> "$WORK/stderr"; }

# expect_error CODE DESCRIPTION -- ARGS...: the call must fail and name CODE on stderr.
expect_error() {
  local code=$1 what=$2
  shift 3
  if cli "$@" > "$WORK/stdout" 2> "$WORK/stderr"; then
    fail "$what: expected $code, but the call succeeded: $(cat "$WORK/stdout")"
  fi
  grep -qF -- "($code)" "$WORK/stderr" || fail "$what: expected ($code) in stderr, got: $(cat "$WORK/stderr")"
  ok "$what -> $code"
}

expect_eq() {
  local actual=$1 expected=$2 what=$3
  [[ "$actual" == "$expected" ]] || fail "$what: expected '$expected', got '$actual'"
}

# make_body FILE SIZE: SIZE bytes of the marker and random bytes, again and again.
make_body() {
  local file=$1 size=$2 i
  if [[ ! -e "$WORK/chunk" ]]; then
    for ((i = 0; i < 256; i++)); do printf '%s\n' "$MARKER"; head -c 4000 /dev/urandom; done > "$WORK/chunk"
  fi
  for ((i = 0; i <= size / 1048576; i++)); do head -c 997 /dev/urandom; cat "$WORK/chunk"; done > "$file"
  truncate -s "$size" "$file"
  grep -qF -- "$MARKER" "$file" || fail "make_body: no marker in $file"
}

# download_matches FILE DESCRIPTION -- ARGS...: downloads (aws s3 cp or s3api get-object) to $WORK/down and compares.
download_matches() {
  local file=$1 what=$2
  shift 3
  rm -f "$WORK/down"
  run "$@" > /dev/null
  cmp -s "$file" "$WORK/down" || fail "$what: the downloaded bytes differ"
}

# kms_json OPERATION JSON: a KMS call signed by curl, for what cli v2.9 does not know.
kms_json() {
  local operation=$1 body=$2 status
  status=$(curl -sS -o "$WORK/kms.json" -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:kms" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "X-Amz-Target: TrentService.$operation" -H "Content-Type: application/x-amz-json-1.1" \
    --data-binary "$body" "$COFFER_ENDPOINT/")
  [[ "$status" == 200 ]] || fail "KMS $operation through curl: HTTP $status $(cat "$WORK/kms.json")"
  cat "$WORK/kms.json"
}

cli_knows() { cli kms "$1" help > /dev/null 2>&1; }

HEAD_FIELDS='[ServerSideEncryption,SSEKMSKeyId,SSECustomerAlgorithm,SSECustomerKeyMD5]'
# expect_sse ACTUAL EXPECTED WHAT: the four SSE fields of a put/head/get answer ($HEAD_FIELDS as text, None where absent).
expect_sse() {
  local actual=$1 expected=$2 what=$3
  expect_eq "$actual" "$expected" "$what: ServerSideEncryption, SSEKMSKeyId, SSECustomerAlgorithm, SSECustomerKeyMD5"
}
aes256() { printf 'AES256\tNone\tNone\tNone'; }
kms_of() { printf 'aws:kms\t%s\tNone\tNone' "$1"; }
customer() { printf 'None\tNone\tAES256\t%s' "$CUSTOMER_KEY_MD5"; }

CUSTOMER_KEY="$(head -c 24 /dev/urandom | base64 | tr '+/' 'AB')"
OTHER_CUSTOMER_KEY="$(head -c 24 /dev/urandom | base64 | tr '+/' 'AB')"
CUSTOMER_KEY_MD5="$(printf '%s' "$CUSTOMER_KEY" | openssl dgst -md5 -binary | base64)"
SSE_C=(--sse-customer-algorithm AES256 --sse-customer-key "$CUSTOMER_KEY")
WRONG_SSE_C=(--sse-customer-algorithm AES256 --sse-customer-key "$OTHER_CUSTOMER_KEY")
[[ ${#CUSTOMER_KEY} == 32 ]] || fail "the customer key is 32 bytes"

printf 'sse_session_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"

# --------------------------------------------------------------------------- keys
step "aws kms create-key, create-alias, describe-key"
declare -A KEY_ARN KEY_ALIAS KEY_ID
for name in objects default other lifecycle rotated; do
  out=$(run kms create-key --description "sse_session_cli.sh $name" --query 'KeyMetadata.[KeyId,Arn,KeyState]' --output text)
  read -r id arn state <<< "$out"
  expect_eq "$state" "Enabled" "create-key $name: KeyState"
  KEY_IDS+=("$id")
  KEY_ID[$name]=$id
  KEY_ARN[$name]=$arn
  KEY_ALIAS[$name]="alias/sse-cli-$name-$SUFFIX"
  run kms create-alias --alias-name "${KEY_ALIAS[$name]}" --target-key-id "$id"
  ALIASES+=("${KEY_ALIAS[$name]}")
  expect_eq "$(run kms describe-key --key-id "${KEY_ALIAS[$name]}" --query KeyMetadata.Arn --output text)" "$arn" "describe-key ${KEY_ALIAS[$name]}"
done
MANAGED_ARN=$(run kms describe-key --key-id alias/aws/s3 --query KeyMetadata.Arn --output text)
ok "5 keys with aliases; alias/aws/s3 is $MANAGED_ARN"

run s3 mb "s3://$BUCKET" > /dev/null
BUCKETS+=("$BUCKET")
expect_eq "$(run s3api get-bucket-encryption --bucket "$BUCKET" --query 'ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm' --output text)" \
  "AES256" "get-bucket-encryption of a new bucket"

# --------------------------------------------------------------------------- s3api put-object in each mode
step "s3api put-object, head-object, get-object in each mode"
make_body "$WORK/small" 300000
put_mode() {
  local name=$1 expected=$2
  shift 2
  local read_args=()
  [[ "$expected" == "$(customer)" ]] && read_args=("${SSE_C[@]}")
  expect_sse "$(run s3api put-object --bucket "$BUCKET" --key "api/$name" --body "$WORK/small" "$@" --query "$HEAD_FIELDS" --output text)" "$expected" "put-object $name"
  expect_sse "$(run s3api head-object --bucket "$BUCKET" --key "api/$name" "${read_args[@]}" --query "$HEAD_FIELDS" --output text)" "$expected" "head-object $name"
  expect_sse "$(run s3api get-object --bucket "$BUCKET" --key "api/$name" "${read_args[@]}" "$WORK/down" --query "$HEAD_FIELDS" --output text)" "$expected" "get-object $name"
  cmp -s "$WORK/small" "$WORK/down" || fail "get-object $name: other bytes"
  range=$(run s3api get-object --bucket "$BUCKET" --key "api/$name" "${read_args[@]}" --range bytes=65000-200000 "$WORK/range" --query ContentRange --output text)
  expect_eq "$range" "bytes 65000-200000/300000" "get-object --range $name"
  cmp -s "$WORK/range" <(tail -c +65001 "$WORK/small" | head -c 135001) || fail "get-object --range $name: other bytes"
  ok "put-object $name: SSE fields on put, head and get; whole and ranged reads"
}
put_mode none "$(aes256)"
put_mode aes256 "$(aes256)" --server-side-encryption AES256
put_mode kms-alias "$(kms_of "${KEY_ARN[objects]}")" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ALIAS[objects]}"
put_mode kms-arn "$(kms_of "${KEY_ARN[objects]}")" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ARN[objects]}"
put_mode kms-managed "$(kms_of "$MANAGED_ARN")" --server-side-encryption aws:kms
put_mode sse-c "$(customer)" "${SSE_C[@]}"

# --------------------------------------------------------------------------- aws s3 cp in each mode
step "aws s3 cp, single and multipart, in each mode"
make_body "$WORK/large" $((12 * 1048576 + 4321))
cp_mode() {
  local name=$1 expected=$2
  shift 2
  local read_args=() cp_read_args=()
  if [[ "$expected" == "$(customer)" ]]; then
    read_args=("${SSE_C[@]}")
    cp_read_args=(--sse-c AES256 --sse-c-key "$CUSTOMER_KEY")
  fi
  local file size etag
  for file in small large; do
    run s3 cp "$WORK/$file" "s3://$BUCKET/cp/$name/$file" "$@" > /dev/null
    expect_sse "$(run s3api head-object --bucket "$BUCKET" --key "cp/$name/$file" "${read_args[@]}" --query "$HEAD_FIELDS" --output text)" "$expected" "aws s3 cp $name $file"
    etag=$(run s3api head-object --bucket "$BUCKET" --key "cp/$name/$file" "${read_args[@]}" --query ETag --output text)
    if [[ "$file" == large ]]; then
      [[ "$etag" =~ -2\"$ ]] || fail "aws s3 cp of 12 MiB $name: expected a 2-part ETag, got $etag"
    fi
    download_matches "$WORK/$file" "aws s3 cp down $name $file" -- s3 cp "s3://$BUCKET/cp/$name/$file" "$WORK/down" "${cp_read_args[@]}"
  done
  ok "aws s3 cp $name: 300 kB and 12 MiB (2 parts) up and down"
}
cp_mode none "$(aes256)"
cp_mode sse "$(aes256)" --sse
cp_mode kms-alias "$(kms_of "${KEY_ARN[objects]}")" --sse aws:kms --sse-kms-key-id "${KEY_ALIAS[objects]}"
cp_mode kms-arn "$(kms_of "${KEY_ARN[objects]}")" --sse aws:kms --sse-kms-key-id "${KEY_ARN[objects]}"
cp_mode sse-c "$(customer)" --sse-c AES256 --sse-c-key "$CUSTOMER_KEY"

step "s3api create-multipart-upload, upload-part, complete-multipart-upload"
head -c $((5 * 1048576)) "$WORK/large" > "$WORK/part1"
tail -c 700000 "$WORK/large" > "$WORK/part2"
cat "$WORK/part1" "$WORK/part2" > "$WORK/parts"
multipart_mode() {
  local name=$1 expected=$2
  shift 2
  local part_args=()
  [[ "$expected" == "$(customer)" ]] && part_args=("${SSE_C[@]}")
  local key="mpu/$name" upload etag1 etag2
  out=$(run s3api create-multipart-upload --bucket "$BUCKET" --key "$key" "$@" --query "[UploadId,ServerSideEncryption,SSEKMSKeyId,SSECustomerAlgorithm,SSECustomerKeyMD5]" --output text)
  upload=${out%%$'\t'*}
  expect_sse "${out#*$'\t'}" "$expected" "create-multipart-upload $name"
  out=$(run s3api upload-part --bucket "$BUCKET" --key "$key" --upload-id "$upload" --part-number 1 --body "$WORK/part1" "${part_args[@]}" --query "[ETag,ServerSideEncryption,SSEKMSKeyId,SSECustomerAlgorithm,SSECustomerKeyMD5]" --output text)
  etag1=${out%%$'\t'*}
  expect_sse "${out#*$'\t'}" "$expected" "upload-part 1 $name"
  etag2=$(run s3api upload-part --bucket "$BUCKET" --key "$key" --upload-id "$upload" --part-number 2 --body "$WORK/part2" "${part_args[@]}" --query ETag --output text)
  if [[ ${#part_args[@]} -gt 0 ]]; then
    expect_error InvalidRequest "upload-part of an SSE-C upload without its key" -- s3api upload-part --bucket "$BUCKET" --key "$key" --upload-id "$upload" --part-number 3 --body "$WORK/part2"
    expect_error AccessDenied "upload-part of an SSE-C upload with another key" -- s3api upload-part --bucket "$BUCKET" --key "$key" --upload-id "$upload" --part-number 3 --body "$WORK/part2" "${WRONG_SSE_C[@]}"
  fi
  printf '{"Parts":[{"PartNumber":1,"ETag":%s},{"PartNumber":2,"ETag":%s}]}' "\"${etag1//\"/\\\"}\"" "\"${etag2//\"/\\\"}\"" > "$WORK/parts.json"
  run s3api complete-multipart-upload --bucket "$BUCKET" --key "$key" --upload-id "$upload" --multipart-upload "file://$WORK/parts.json" > /dev/null
  expect_sse "$(run s3api head-object --bucket "$BUCKET" --key "$key" "${part_args[@]}" --query "$HEAD_FIELDS" --output text)" "$expected" "head-object of the completed $name upload"
  download_matches "$WORK/parts" "get-object of the completed $name upload" -- s3api get-object --bucket "$BUCKET" --key "$key" "${part_args[@]}" "$WORK/down"
  ok "multipart upload $name: SSE fields on create, part and head; bytes back"
}
multipart_mode kms "$(kms_of "${KEY_ARN[objects]}")" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ARN[objects]}"
multipart_mode sse-c "$(customer)" "${SSE_C[@]}"

# --------------------------------------------------------------------------- SSE-C keys
step "SSE-C: right, wrong and missing keys"
expect_error AccessDenied "get-object with another key" -- s3api get-object --bucket "$BUCKET" --key api/sse-c "${WRONG_SSE_C[@]}" "$WORK/down"
expect_error 403 "head-object with another key" -- s3api head-object --bucket "$BUCKET" --key api/sse-c "${WRONG_SSE_C[@]}"
expect_error InvalidRequest "get-object without a key" -- s3api get-object --bucket "$BUCKET" --key api/sse-c "$WORK/down"
expect_error 400 "head-object without a key" -- s3api head-object --bucket "$BUCKET" --key api/sse-c
expect_error AccessDenied "get-object of a multipart SSE-C object with another key" -- s3api get-object --bucket "$BUCKET" --key cp/sse-c/large "${WRONG_SSE_C[@]}" "$WORK/down"
expect_error InvalidRequest "get-object of an SSE-S3 object with a customer key" -- s3api get-object --bucket "$BUCKET" --key api/aes256 "${SSE_C[@]}" "$WORK/down"
if cli s3 cp "s3://$BUCKET/cp/sse-c/small" "$WORK/down" --sse-c AES256 --sse-c-key "$OTHER_CUSTOMER_KEY" > /dev/null 2> "$WORK/stderr"; then
  fail "aws s3 cp down with another key succeeded"
fi
grep -qE '403|AccessDenied|Forbidden' "$WORK/stderr" || fail "aws s3 cp down with another key: expected 403, got $(cat "$WORK/stderr")"
ok "aws s3 cp down with another key -> 403"
download_matches "$WORK/small" "get-object with the right key" -- s3api get-object --bucket "$BUCKET" --key api/sse-c "${SSE_C[@]}" "$WORK/down"
grep -qF -- "$MARKER" "$WORK/down" || fail "the SSE-C object read with the right key holds the marker"
expect_error InvalidArgument "put-object with SSE-C and aws:kms together" -- s3api put-object --bucket "$BUCKET" --key invalid --body "$WORK/part2" --server-side-encryption aws:kms "${SSE_C[@]}"
expect_error KMS.NotFoundException "put-object with a KMS key that does not exist" -- s3api put-object --bucket "$BUCKET" --key invalid --body "$WORK/part2" --server-side-encryption aws:kms --ssekms-key-id "alias/none-$SUFFIX"
expect_sse "$(run s3api copy-object --bucket "$BUCKET" --key copy/from-sse-c --copy-source "$BUCKET/api/sse-c" \
  --copy-source-sse-customer-algorithm AES256 --copy-source-sse-customer-key "$CUSTOMER_KEY" \
  --server-side-encryption aws:kms --ssekms-key-id "${KEY_ALIAS[objects]}" --query "$HEAD_FIELDS" --output text)" \
  "$(kms_of "${KEY_ARN[objects]}")" "copy-object from SSE-C to aws:kms"
download_matches "$WORK/small" "get-object of the copy" -- s3api get-object --bucket "$BUCKET" --key copy/from-sse-c "$WORK/down"
ok "copy-object re-encrypts an SSE-C source under a KMS key"

# --------------------------------------------------------------------------- bucket default
step "put-bucket-encryption, get-bucket-encryption, delete-bucket-encryption"
run s3api put-bucket-encryption --bucket "$BUCKET" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"${KEY_ALIAS[default]}\"},\"BucketKeyEnabled\":true}]}"
expect_eq "$(run s3api get-bucket-encryption --bucket "$BUCKET" --query 'ServerSideEncryptionConfiguration.Rules[0].[ApplyServerSideEncryptionByDefault.SSEAlgorithm,ApplyServerSideEncryptionByDefault.KMSMasterKeyID,BucketKeyEnabled]' --output text)" \
  "$(printf 'aws:kms\t%s\tTrue' "${KEY_ALIAS[default]}")" "get-bucket-encryption after put-bucket-encryption"
run s3 cp "$WORK/small" "s3://$BUCKET/default/small" > /dev/null
run s3 cp "$WORK/large" "s3://$BUCKET/default/large" > /dev/null
for file in small large; do
  expect_eq "$(run s3api head-object --bucket "$BUCKET" --key "default/$file" --query '[ServerSideEncryption,SSEKMSKeyId,BucketKeyEnabled]' --output text)" \
    "$(printf 'aws:kms\t%s\tTrue' "${KEY_ARN[default]}")" "aws s3 cp $file under a KMS default"
  download_matches "$WORK/$file" "aws s3 cp down default/$file" -- s3 cp "s3://$BUCKET/default/$file" "$WORK/down"
done
expect_sse "$(run s3api put-object --bucket "$BUCKET" --key default/aes256 --body "$WORK/part2" --server-side-encryption AES256 --query "$HEAD_FIELDS" --output text)" "$(aes256)" "put-object AES256 under a KMS default"
run s3api delete-bucket-encryption --bucket "$BUCKET"
expect_eq "$(run s3api get-bucket-encryption --bucket "$BUCKET" --query 'ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.[SSEAlgorithm,KMSMasterKeyID]' --output text)" \
  "$(printf 'AES256\tNone')" "get-bucket-encryption after delete-bucket-encryption"
run s3 cp "$WORK/part2" "s3://$BUCKET/default/after" > /dev/null
expect_sse "$(run s3api head-object --bucket "$BUCKET" --key default/after --query "$HEAD_FIELDS" --output text)" "$(aes256)" "an upload after delete-bucket-encryption"
expect_eq "$(run s3api head-object --bucket "$BUCKET" --key default/large --query SSEKMSKeyId --output text)" "${KEY_ARN[default]}" "an object of the old default keeps its key"
ok "a KMS default (by alias) gives plain uploads its key ARN and a bucket key; deleted, AES256 again"

# --------------------------------------------------------------------------- bucket policy
step "a bucket policy that demands one KMS key"
run s3 mb "s3://$GUARDED" > /dev/null
BUCKETS+=("$GUARDED")
cat > "$WORK/policy.json" <<EOF
{"Version":"2012-10-17","Statement":[
 {"Sid":"DenyOtherThanKms","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::$GUARDED/*",
  "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
 {"Sid":"DenyOtherKeys","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::$GUARDED/*",
  "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"${KEY_ARN[objects]}"}}}]}
EOF
run s3api put-bucket-policy --bucket "$GUARDED" --policy "file://$WORK/policy.json"
expect_error AccessDenied "put-object without SSE" -- s3api put-object --bucket "$GUARDED" --key plain --body "$WORK/small"
expect_error AccessDenied "put-object AES256" -- s3api put-object --bucket "$GUARDED" --key aes256 --body "$WORK/small" --server-side-encryption AES256
expect_error AccessDenied "put-object SSE-C" -- s3api put-object --bucket "$GUARDED" --key sse-c --body "$WORK/small" "${SSE_C[@]}"
expect_error AccessDenied "put-object aws:kms without a key" -- s3api put-object --bucket "$GUARDED" --key managed --body "$WORK/small" --server-side-encryption aws:kms
expect_error AccessDenied "put-object with another key" -- s3api put-object --bucket "$GUARDED" --key other --body "$WORK/small" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ARN[other]}"
expect_error AccessDenied "aws s3 cp --sse AES256" -- s3 cp "$WORK/small" "s3://$GUARDED/cp-aes256" --sse AES256
expect_error AccessDenied "aws s3 cp with another key" -- s3 cp "$WORK/small" "s3://$GUARDED/cp-other" --sse aws:kms --sse-kms-key-id "${KEY_ARN[other]}"
expect_sse "$(run s3api put-object --bucket "$GUARDED" --key right --body "$WORK/small" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ARN[objects]}" --query "$HEAD_FIELDS" --output text)" \
  "$(kms_of "${KEY_ARN[objects]}")" "put-object with the required key"
run s3 cp "$WORK/small" "s3://$GUARDED/cp-right" --sse aws:kms --sse-kms-key-id "${KEY_ARN[objects]}" > /dev/null
expect_eq "$(run s3api list-objects-v2 --bucket "$GUARDED" --query 'Contents[].Key' --output text)" "$(printf 'cp-right\tright')" "the objects stored under the policy"
ok "Deny unless aws:kms with the key's ARN: other modes and keys refused, the key's ARN accepted"

# UploadPart carries no SSE header, so StringNotEquals would deny the parts (as on AWS): deny only
# what is present and wrong, and make the key the bucket's default.
cat > "$WORK/policy.json" <<EOF
{"Version":"2012-10-17","Statement":[
 {"Sid":"DenyOtherThanKms","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::$GUARDED/*",
  "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"},"Null":{"s3:x-amz-server-side-encryption":"false"}}},
 {"Sid":"DenyOtherKeys","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::$GUARDED/*",
  "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"${KEY_ARN[objects]}"},"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"false"}}}]}
EOF
run s3api put-bucket-policy --bucket "$GUARDED" --policy "file://$WORK/policy.json"
run s3api put-bucket-encryption --bucket "$GUARDED" --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"${KEY_ARN[objects]}\"}}]}"
expect_error AccessDenied "aws s3 cp --sse AES256 of 12 MiB" -- s3 cp "$WORK/large" "s3://$GUARDED/large-aes256" --sse AES256
run s3 cp "$WORK/large" "s3://$GUARDED/large-right" --sse aws:kms --sse-kms-key-id "${KEY_ARN[objects]}" > /dev/null
run s3 cp "$WORK/large" "s3://$GUARDED/large-default" > /dev/null
for key in large-right large-default; do
  expect_sse "$(run s3api head-object --bucket "$GUARDED" --key "$key" --query "$HEAD_FIELDS" --output text)" "$(kms_of "${KEY_ARN[objects]}")" "$key under the policy"
  download_matches "$WORK/large" "aws s3 cp down $key" -- s3 cp "s3://$GUARDED/$key" "$WORK/down"
done
ok "Deny of present-and-wrong headers with the key as default: AES256 refused; 12 MiB with the key, or the default, accepted"

# --------------------------------------------------------------------------- key states
step "disable-key, enable-key, schedule-key-deletion, cancel-key-deletion"
run s3 cp "$WORK/small" "s3://$BUCKET/lifecycle/small" --sse aws:kms --sse-kms-key-id "${KEY_ALIAS[lifecycle]}" > /dev/null
run s3 cp "$WORK/large" "s3://$BUCKET/lifecycle/large" --sse aws:kms --sse-kms-key-id "${KEY_ARN[lifecycle]}" > /dev/null
run kms disable-key --key-id "${KEY_ID[lifecycle]}"
expect_eq "$(run kms describe-key --key-id "${KEY_ALIAS[lifecycle]}" --query KeyMetadata.KeyState --output text)" "Disabled" "describe-key after disable-key"
expect_error KMS.DisabledException "get-object under a disabled key" -- s3api get-object --bucket "$BUCKET" --key lifecycle/small "$WORK/down"
expect_error KMS.DisabledException "get-object of a multipart object under a disabled key" -- s3api get-object --bucket "$BUCKET" --key lifecycle/large "$WORK/down"
expect_error KMS.DisabledException "put-object with a disabled key" -- s3api put-object --bucket "$BUCKET" --key lifecycle/refused --body "$WORK/small" --server-side-encryption aws:kms --ssekms-key-id "${KEY_ALIAS[lifecycle]}"
run kms enable-key --key-id "${KEY_ID[lifecycle]}"
download_matches "$WORK/small" "get-object after enable-key" -- s3api get-object --bucket "$BUCKET" --key lifecycle/small "$WORK/down"
download_matches "$WORK/large" "aws s3 cp down of the multipart object after enable-key" -- s3 cp "s3://$BUCKET/lifecycle/large" "$WORK/down"
ok "disable-key: KMS.DisabledException on get and put; enable-key: readable again"
expect_eq "$(run kms schedule-key-deletion --key-id "${KEY_ID[lifecycle]}" --pending-window-in-days 7 --query KeyState --output text)" "PendingDeletion" "schedule-key-deletion"
expect_error KMS.KMSInvalidStateException "get-object under a key pending deletion" -- s3api get-object --bucket "$BUCKET" --key lifecycle/small "$WORK/down"
run kms cancel-key-deletion --key-id "${KEY_ID[lifecycle]}" > /dev/null
expect_error KMS.DisabledException "get-object after cancel-key-deletion (the key still disabled)" -- s3api get-object --bucket "$BUCKET" --key lifecycle/small "$WORK/down"
run kms enable-key --key-id "${KEY_ID[lifecycle]}"
download_matches "$WORK/small" "get-object after cancel-key-deletion and enable-key" -- s3api get-object --bucket "$BUCKET" --key lifecycle/small "$WORK/down"
ok "schedule-key-deletion: KMS.KMSInvalidStateException; cancel-key-deletion and enable-key: readable again"

# --------------------------------------------------------------------------- rotation
step "rotation"
run s3 cp "$WORK/small" "s3://$BUCKET/rotation/before" --sse aws:kms --sse-kms-key-id "${KEY_ALIAS[rotated]}" > /dev/null
run s3 cp "$WORK/large" "s3://$BUCKET/rotation/before-large" --sse aws:kms --sse-kms-key-id "${KEY_ALIAS[rotated]}" > /dev/null
run kms enable-key-rotation --key-id "${KEY_ID[rotated]}"
expect_eq "$(run kms get-key-rotation-status --key-id "${KEY_ID[rotated]}" --query KeyRotationEnabled --output text)" "True" "get-key-rotation-status"
if cli_knows rotate-key-on-demand; then
  how="aws kms rotate-key-on-demand"
  expect_eq "$(run kms rotate-key-on-demand --key-id "${KEY_ID[rotated]}" --query KeyId --output text)" "${KEY_ID[rotated]}" "rotate-key-on-demand"
  rotations=$(run kms list-key-rotations --key-id "${KEY_ID[rotated]}" --query 'Rotations[].RotationType' --output text)
else
  how="curl --aws-sigv4 (this cli predates rotate-key-on-demand)"
  kms_json RotateKeyOnDemand "{\"KeyId\":\"${KEY_ID[rotated]}\"}" | grep -qF "\"KeyId\":\"${KEY_ID[rotated]}\"" || fail "RotateKeyOnDemand: no KeyId in $(cat "$WORK/kms.json")"
  rotations=$(kms_json ListKeyRotations "{\"KeyId\":\"${KEY_ID[rotated]}\"}" | grep -o '"RotationType":"[A-Z_]*"' | cut -d'"' -f4)
fi
expect_eq "$rotations" "ON_DEMAND" "the key's rotations"
ok "rotated on demand through $how"
run s3 cp "$WORK/small" "s3://$BUCKET/rotation/after" --sse aws:kms --sse-kms-key-id "${KEY_ALIAS[rotated]}" > /dev/null
expect_sse "$(run s3api head-object --bucket "$BUCKET" --key rotation/after --query "$HEAD_FIELDS" --output text)" "$(kms_of "${KEY_ARN[rotated]}")" "an upload after the rotation"
download_matches "$WORK/small" "an object from before the rotation" -- s3api get-object --bucket "$BUCKET" --key rotation/before "$WORK/down"
download_matches "$WORK/large" "a multipart object from before the rotation" -- s3 cp "s3://$BUCKET/rotation/before-large" "$WORK/down"
download_matches "$WORK/small" "an object from after the rotation" -- s3api get-object --bucket "$BUCKET" --key rotation/after "$WORK/down"
ok "objects from before and after the rotation read back"

step "everything still reads back"
count=0
for key in $(run s3api list-objects-v2 --bucket "$BUCKET" --query 'Contents[].Key' --output text); do
  args=()
  [[ "$key" == api/sse-c || "$key" == cp/sse-c/* || "$key" == mpu/sse-c ]] && args=("${SSE_C[@]}")
  run s3api get-object --bucket "$BUCKET" --key "$key" "${args[@]}" "$WORK/down" > /dev/null
  grep -qF -- "$MARKER" "$WORK/down" || fail "$key: no marker in the bytes read back"
  count=$((count + 1))
done
ok "$count objects read back with the marker"

printf 'sse_session_cli.sh: all checks passed\n'
