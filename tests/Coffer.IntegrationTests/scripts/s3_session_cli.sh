#!/usr/bin/env bash
# A scripted session with the aws cli against an S3 server.
#
#   s3_session_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
# Every call passes --endpoint-url. Exits non-zero at the first failed check and says which;
# with S3_SESSION_KEEP_GOING=checks a failed check is reported and the session goes on (for
# surveying a server; a failed aws call still ends it).
set -Eeuo pipefail

AWS_BIN="${1:?usage: s3_session_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-cli-XXXXXX")"
BUCKET="coffer-cli-$(date +%s)-$((RANDOM % 10000))"
BUCKET_CREATED=0
STEP="start"

# The session must not depend on whatever ~/.aws holds on this machine.
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
LAST_FAILED=0
ok() {
  if [[ "$LAST_FAILED" == 1 ]]; then printf '  --  %s\n' "$*"; else printf '  ok  %s\n' "$*"; fi
  LAST_FAILED=0
}
FAILED=0
fail() {
  printf 'FAIL [%s] %s\n' "$STEP" "$*" >&3
  FAILED=1
  LAST_FAILED=1
  [[ "${S3_SESSION_KEEP_GOING:-}" == checks ]] || exit 1
}
# errtrace (-E) runs this inside functions and $(...) too, where stdout may be redirected or
# captured: it writes to fd 3 (the script's stdout) and reports only the innermost failure.
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
  if [[ "$BUCKET_CREATED" == 1 ]]; then
    cli s3 rb "s3://$BUCKET" --force > /dev/null 2>&1 || printf 'cleanup: could not remove bucket %s\n' "$BUCKET"
  fi
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
  grep -q -- "$code" "$WORK/stderr" || fail "$what: expected $code in stderr, got: $(cat "$WORK/stderr")"
  ok "$what -> $code"
}

expect_eq() {
  local actual=$1 expected=$2 what=$3
  [[ "$actual" == "$expected" ]] || fail "$what: expected '$expected', got '$actual'"
}

printf 's3_session_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"

# --------------------------------------------------------------------------- buckets
step "aws s3 mb"
out=$(run s3 mb "s3://$BUCKET")
BUCKET_CREATED=1
expect_eq "$out" "make_bucket: $BUCKET" "aws s3 mb output"
ok "$out"

step "aws s3 ls (buckets)"
run s3 ls | grep -q " $BUCKET\$" || fail "aws s3 ls does not list $BUCKET"
ok "bucket listed"

step "s3api get-bucket-location"
location=$(run s3api get-bucket-location --bucket "$BUCKET" --query LocationConstraint --output text)
[[ "$location" == "None" || -z "$location" ]] || fail "get-bucket-location in us-east-1: expected null, got '$location'"
ok "LocationConstraint is null"

# --------------------------------------------------------------------------- s3 cp / ls / rm
step "aws s3 cp up and down"
mkdir -p "$WORK/src/b/d" "$WORK/src/space dir" "$WORK/src/ünï" "$WORK/down" "$WORK/out"
printf 'alpha\n' > "$WORK/src/a.txt"
printf 'charlie\n' > "$WORK/src/b/c.txt"
head -c 300000 /dev/urandom > "$WORK/src/b/d/e.bin"
printf 'spaces in names\n' > "$WORK/src/space dir/f g.txt"
printf 'ñ\n' > "$WORK/src/ünï/ñ.txt"
: > "$WORK/src/empty.txt"
run s3 cp "$WORK/src/b/d/e.bin" "s3://$BUCKET/single/e.bin" > /dev/null
run s3 cp "s3://$BUCKET/single/e.bin" "$WORK/out/e.bin" > /dev/null
cmp "$WORK/src/b/d/e.bin" "$WORK/out/e.bin" || fail "aws s3 cp round trip: downloaded file differs"
ok "300 KB file round-trips"
head -c 20000000 /dev/urandom > "$WORK/big.bin"
run s3 cp "$WORK/big.bin" "s3://$BUCKET/single/big.bin" > /dev/null
etag=$(run s3api head-object --bucket "$BUCKET" --key single/big.bin --query ETag --output text)
[[ "$etag" =~ ^\"[0-9a-f]{32}-3\"$ ]] || fail "aws s3 cp of 20 MB (8 MiB parts): expected a 3-part multipart ETag, got $etag"
run s3 cp "s3://$BUCKET/single/big.bin" "$WORK/out/big.bin" > /dev/null
cmp "$WORK/big.bin" "$WORK/out/big.bin" || fail "aws s3 cp round trip of 20 MB: downloaded file differs"
ok "20 MB multipart upload ($etag) and download"
printf 'from stdin\n' | run s3 cp - "s3://$BUCKET/single/stdin.txt" > /dev/null
expect_eq "$(run s3 cp "s3://$BUCKET/single/stdin.txt" -)" "from stdin" "aws s3 cp - (stdin) then to stdout"
ok "stdin upload and stdout download"

step "aws s3 ls"
listing=$(run s3 ls "s3://$BUCKET/")
grep -q "PRE single/" <<< "$listing" || fail "aws s3 ls s3://$BUCKET/: no 'PRE single/' in: $listing"
listing=$(run s3 ls "s3://$BUCKET/single/")
grep -q " 300000 e.bin\$" <<< "$listing" || fail "aws s3 ls s3://$BUCKET/single/: no 300000-byte e.bin in: $listing"
ok "prefixes and sizes listed"

step "aws s3 presign"
# By default cli v1 signs these with SigV2 (AWSAccessKeyId/Expires/Signature), cli v2 with SigV4.
url=$(run s3 presign "s3://$BUCKET/single/stdin.txt" --expires-in 300)
status=$(curl -sS -o "$WORK/out/presigned" -w '%{http_code}' "$url")
expect_eq "$status" "200" "curl of an aws s3 presign URL ($url): HTTP status"
expect_eq "$(cat "$WORK/out/presigned")" "from stdin" "curl of an aws s3 presign URL: body"
ok "pre-signed URL fetched with curl: ${url%%\?*}?$(sed -E 's/=[^&]*//g' <<< "${url#*\?}")"

step "aws s3 rm"
run s3 rm "s3://$BUCKET/single/e.bin" > /dev/null
listing=$(run s3 ls "s3://$BUCKET/single/")
if grep -q "e.bin" <<< "$listing"; then fail "aws s3 rm: e.bin still listed: $listing"; fi
ok "removed"

step "aws s3 cp --recursive, one request at a time, an empty file first"
# Uploads from files carry Expect: 100-continue, empty ones too; on one connection the upload
# after an empty one stalls if the server answered it without 100 Continue (boto/botocore#3755).
mkdir -p "$WORK/serial"
: > "$WORK/serial/0-empty"
printf 'after the empty file\n' > "$WORK/serial/1-data"
: > "$WORK/serial/2-empty"
printf 'and again\n' > "$WORK/serial/3-data"
sed 's/^s3 =$/s3 =\n    max_concurrent_requests = 1/' "$AWS_CONFIG_FILE" > "$WORK/config-serial"
started=$SECONDS
if ! AWS_CONFIG_FILE="$WORK/config-serial" run s3 cp "$WORK/serial" "s3://$BUCKET/serial/" --recursive --cli-read-timeout 10 > /dev/null; then
  fail "uploads after an empty one on the same connection failed (a read timeout means the server answered the empty upload's Expect: 100-continue without 100 Continue or Connection: close): $(cat "$WORK/stderr")"
  exit 1
fi
run s3 cp "s3://$BUCKET/serial/" "$WORK/serial-down" --recursive > /dev/null
diff -r "$WORK/serial" "$WORK/serial-down" || fail "diff -r after cp --recursive of empty and non-empty files"
ok "4 files, sequential on one connection, in $((SECONDS - started)) s"

# --------------------------------------------------------------------------- s3 sync
step "aws s3 sync up and down"
run s3 sync "$WORK/src" "s3://$BUCKET/tree/" > /dev/null
run s3 sync "s3://$BUCKET/tree/" "$WORK/down" > /dev/null
diff -r "$WORK/src" "$WORK/down" || fail "diff -r after sync up and down"
count=$(run s3 ls "s3://$BUCKET/tree/" --recursive | wc -l)
expect_eq "$count" "6" "objects under tree/ after sync"
ok "6 files, unicode and space names, empty file: diff -r clean"

step "aws s3 sync of a change and a deletion"
printf 'alpha, changed and longer\n' > "$WORK/src/a.txt"
rm "$WORK/src/b/c.txt"
out=$(run s3 sync "$WORK/src" "s3://$BUCKET/tree/" --delete)
grep -q "upload: .*a.txt" <<< "$out" || fail "sync after a change: a.txt not uploaded: $out"
grep -q "delete: s3://$BUCKET/tree/b/c.txt" <<< "$out" || fail "sync --delete: b/c.txt not deleted: $out"
[[ $(grep -c "upload:" <<< "$out") == 1 ]] || fail "sync after one change uploaded more than a.txt: $out"
rm -rf "$WORK/down" && mkdir "$WORK/down"
run s3 sync "s3://$BUCKET/tree/" "$WORK/down" > /dev/null
diff -r "$WORK/src" "$WORK/down" || fail "diff -r after syncing a change and a deletion"
ok "only the change uploaded, the deletion propagated, diff -r clean"

step "aws s3 rm --recursive"
run s3 rm "s3://$BUCKET/tree/" --recursive > /dev/null
expect_eq "$(run s3 ls "s3://$BUCKET/tree/" --recursive | wc -l)" "0" "objects under tree/ after rm --recursive"
ok "tree/ emptied"

# --------------------------------------------------------------------------- s3api
step "s3api put-object"
head -c 1000 /dev/urandom > "$WORK/obj.bin"
md5=$(md5sum "$WORK/obj.bin" | cut -d' ' -f1)
etag=$(run s3api put-object --bucket "$BUCKET" --key obj.bin --body "$WORK/obj.bin" --content-type application/x-test --metadata color=blue,size=1000 --query ETag --output text)
expect_eq "$etag" "\"$md5\"" "put-object ETag"
ok "ETag is the MD5"

step "s3api get-object --range"
range=$(run s3api get-object --bucket "$BUCKET" --key obj.bin --range bytes=10-19 "$WORK/out/range.bin" --query '[ContentRange,ContentLength]' --output text)
expect_eq "$range" "$(printf 'bytes 10-19/1000\t10')" "get-object --range bytes=10-19: Content-Range and Content-Length"
cmp "$WORK/out/range.bin" <(tail -c +11 "$WORK/obj.bin" | head -c 10) || fail "get-object --range bytes=10-19: wrong bytes"
run s3api get-object --bucket "$BUCKET" --key obj.bin --range bytes=-100 "$WORK/out/suffix.bin" > /dev/null
cmp "$WORK/out/suffix.bin" <(tail -c 100 "$WORK/obj.bin") || fail "get-object --range bytes=-100: wrong bytes"
run s3api get-object --bucket "$BUCKET" --key obj.bin "$WORK/out/whole.bin" > /dev/null
cmp "$WORK/out/whole.bin" "$WORK/obj.bin" || fail "get-object: wrong bytes"
ok "ranges and whole object"

step "s3api head-object"
head=$(run s3api head-object --bucket "$BUCKET" --key obj.bin --query '[ContentLength,ContentType,ETag,Metadata.color,Metadata.size]' --output text)
expect_eq "$head" "$(printf '1000\tapplication/x-test\t"%s"\tblue\t1000' "$md5")" "head-object: length, type, ETag, metadata"
ok "length, Content-Type, ETag and metadata"

step "s3api copy-object"
copy_etag=$(run s3api copy-object --bucket "$BUCKET" --key copy.bin --copy-source "$BUCKET/obj.bin" --query CopyObjectResult.ETag --output text)
expect_eq "$copy_etag" "\"$md5\"" "copy-object ETag"
expect_eq "$(run s3api head-object --bucket "$BUCKET" --key copy.bin --query Metadata.color --output text)" "blue" "copy-object (COPY) metadata"
run s3api copy-object --bucket "$BUCKET" --key copy2.bin --copy-source "$BUCKET/obj.bin" --metadata-directive REPLACE --metadata color=red --content-type text/x-replaced > /dev/null
expect_eq "$(run s3api head-object --bucket "$BUCKET" --key copy2.bin --query '[Metadata.color,ContentType]' --output text)" "$(printf 'red\ttext/x-replaced')" "copy-object REPLACE metadata and type"
ok "COPY keeps metadata, REPLACE replaces it"

step "s3api list-objects-v2 --delimiter"
for key in dir1/a dir1/b dir2/c dir2/sub/d top1 top2; do
  printf '%s' "$key" > "$WORK/small"
  run s3api put-object --bucket "$BUCKET" --key "list/$key" --body "$WORK/small" > /dev/null
done
prefixes=$(run s3api list-objects-v2 --bucket "$BUCKET" --prefix list/ --delimiter / --query 'CommonPrefixes[].Prefix' --output text)
expect_eq "$prefixes" "$(printf 'list/dir1/\tlist/dir2/')" "list-objects-v2 --delimiter /: common prefixes"
keys=$(run s3api list-objects-v2 --bucket "$BUCKET" --prefix list/ --delimiter / --query 'Contents[].Key' --output text)
expect_eq "$keys" "$(printf 'list/top1\tlist/top2')" "list-objects-v2 --delimiter /: keys"
# --output json: with text output the cli applies --query to each page separately.
paged=$(run s3api list-objects-v2 --bucket "$BUCKET" --prefix list/ --delimiter / --page-size 1 --query '[CommonPrefixes[].Prefix, Contents[].Key][]' --output json | tr -d ' \n')
expect_eq "$paged" '["list/dir1/","list/dir2/","list/top1","list/top2"]' "list-objects-v2 --delimiter / --page-size 1 (4 pages)"
count=$(run s3api list-objects-v2 --bucket "$BUCKET" --prefix list/ --query 'length(Contents)' --output text)
expect_eq "$count" "6" "list-objects-v2 without delimiter: keys"
ok "2 prefixes + 2 keys, also one entry per page"

step "s3api delete-objects"
deleted=$(run s3api delete-objects --bucket "$BUCKET" --delete '{"Objects":[{"Key":"obj.bin"},{"Key":"copy.bin"},{"Key":"never-existed"}],"Quiet":false}' --query 'sort(Deleted[].Key)' --output text)
expect_eq "$deleted" "$(printf 'copy.bin\tnever-existed\tobj.bin')" "delete-objects: Deleted keys"
quiet=$(run s3api delete-objects --bucket "$BUCKET" --delete '{"Objects":[{"Key":"copy2.bin"}],"Quiet":true}' --query 'length(Deleted || `[]`)' --output text)
expect_eq "$quiet" "0" "delete-objects Quiet: Deleted entries"
ok "verbose and quiet"

# --------------------------------------------------------------------------- errors
step "error cases"
expect_error NoSuchKey "get-object of a missing key" -- s3api get-object --bucket "$BUCKET" --key obj.bin "$WORK/out/missing"
expect_error "404" "head-object of a missing key" -- s3api head-object --bucket "$BUCKET" --key obj.bin
expect_error NoSuchBucket "aws s3 ls of a missing bucket" -- s3 ls "s3://$BUCKET-missing/"
expect_error NoSuchBucket "list-objects-v2 of a missing bucket" -- s3api list-objects-v2 --bucket "$BUCKET-missing"
expect_error InvalidRange "get-object --range past the end" -- s3api get-object --bucket "$BUCKET" --key list/top1 --range bytes=100-200 "$WORK/out/past"
expect_error BucketNotEmpty "aws s3 rb of a non-empty bucket" -- s3 rb "s3://$BUCKET"
AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY}x" expect_error SignatureDoesNotMatch "a wrong secret" -- s3api list-objects-v2 --bucket "$BUCKET"
AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEY000000 expect_error InvalidAccessKeyId "an unknown access key" -- s3api list-objects-v2 --bucket "$BUCKET"
expect_error AccessDenied "an anonymous request" -- s3api list-objects-v2 --bucket "$BUCKET" --no-sign-request

step "aws s3 rb --force"
run s3 rb "s3://$BUCKET" --force > /dev/null
BUCKET_CREATED=0
expect_error "404" "head-bucket after rb" -- s3api head-bucket --bucket "$BUCKET"

if [[ "$FAILED" == 1 ]]; then
  printf 's3_session_cli.sh: some checks FAILED\n'
  exit 1
fi
printf 's3_session_cli.sh: all checks passed\n'
