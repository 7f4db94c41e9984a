#!/usr/bin/env bash
# Bucket versioning with the aws cli: put/get-bucket-versioning, overwrites read back by version
# id, delete markers (404 with x-amz-delete-marker, listed, deleted to restore), copy-object from an
# older version, delete-objects with version ids, the null version of a suspended bucket, bad and
# unknown version ids, list-object-versions paged (--max-items/--page-size and by hand with
# --max-keys and the markers) over a few hundred versions, and `aws s3 rm` writing a marker.
#
#   versioning_session_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the account's root).
# Exits non-zero at the first failed check and says which.
set -Eeuo pipefail

AWS_BIN="${1:?usage: versioning_session_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-versioning-XXXXXX")"
BUCKET="versions-cli-$(date +%s)-$((RANDOM % 10000))"
BUCKET_CREATED=0
STEP="start"
UNKNOWN_VERSION="3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH"

# shellcheck source=cli_session.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_session.sh"

# empty_bucket: every version and delete marker, through delete-objects in batches.
empty_bucket() {
  local page
  while :; do
    page=$(cli s3api list-object-versions --bucket "$BUCKET" --max-keys 500 --output json \
      --query '{Objects: [Versions[].{Key: Key, VersionId: VersionId}, DeleteMarkers[].{Key: Key, VersionId: VersionId}][] | [?Key], Quiet: `true`}' 2> /dev/null) || return 1
    [[ "$page" == *'"Key"'* ]] || return 0
    printf '%s' "$page" > "$WORK/cleanup.json"
    cli s3api delete-objects --bucket "$BUCKET" --delete "file://$WORK/cleanup.json" > /dev/null 2>&1 || return 1
  done
}
cleanup() {
  if [[ "$BUCKET_CREATED" == 1 ]]; then
    { empty_bucket && cli s3api delete-bucket --bucket "$BUCKET" > /dev/null 2>&1; } || printf 'cleanup: could not remove bucket %s\n' "$BUCKET"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# put KEY TEXT: prints the new version id
put() {
  printf '%s' "$2" > "$WORK/body"
  run s3api put-object --bucket "$BUCKET" --key "$1" --body "$WORK/body" --output text --query VersionId
}

# read_version KEY [VERSION]: prints the body
read_version() {
  if [[ $# == 2 ]]; then
    run s3api get-object --bucket "$BUCKET" --key "$1" --version-id "$2" "$WORK/out" > /dev/null
  else
    run s3api get-object --bucket "$BUCKET" --key "$1" "$WORK/out" > /dev/null
  fi
  cat "$WORK/out"
}

# listing KEY: "V id latest" and "M id latest" lines, newest first within each kind
listing() {
  run s3api list-object-versions --bucket "$BUCKET" --prefix "$1" --output json \
    | python3 -c '
import json, sys
key = sys.argv[1]
listed = json.load(sys.stdin)
for kind, entries in (("V", listed.get("Versions") or []), ("M", listed.get("DeleteMarkers") or [])):
    for e in entries:
        if e["Key"] == key:
            print(kind, e["VersionId"], str(e["IsLatest"]).lower())
' "$1"
}

# signed_status METHOD PATH: the HTTP status of a request signed by curl, headers kept in $WORK/headers
signed_status() {
  curl -sS -o "$WORK/response" -D "$WORK/headers" -w '%{http_code}' -X "$1" --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$COFFER_ENDPOINT$2"
}

printf 'versioning_session_cli.sh: %s, endpoint %s\n' "$(command "$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"

step "put-bucket-versioning and get-bucket-versioning"
run s3 mb "s3://$BUCKET" > /dev/null
BUCKET_CREATED=1
expect_eq "$(run s3api get-bucket-versioning --bucket "$BUCKET" --output text --query Status)" "None" "a new bucket's status"
before=$(put before.txt "from before versioning")
run s3api put-bucket-versioning --bucket "$BUCKET" --versioning-configuration Status=Enabled
expect_eq "$(run s3api get-bucket-versioning --bucket "$BUCKET" --output text --query Status)" "Enabled" "status after Enabled"
expect_eq "$(run s3api head-object --bucket "$BUCKET" --key before.txt --output text --query VersionId)" "null" "the object from before"
ok "Enabled; the object from before versioning is the null version (its PUT answered '${before}')"

step "three overwrites read back by version id"
v0=$(put doc.txt "version 0")
v1=$(put doc.txt "version 1")
v2=$(put doc.txt "version 2")
[[ ${#v0} == 32 && ${#v1} == 32 && ${#v2} == 32 && "$v0" != "$v1" && "$v1" != "$v2" ]] || fail "three distinct 32-character ids: $v0 $v1 $v2"
expect_eq "$(read_version doc.txt "$v0")" "version 0" "get-object --version-id v0"
expect_eq "$(read_version doc.txt "$v1")" "version 1" "get-object --version-id v1"
expect_eq "$(read_version doc.txt "$v2")" "version 2" "get-object --version-id v2"
expect_eq "$(read_version doc.txt)" "version 2" "get-object without an id"
expect_eq "$(listing doc.txt)" "V $v2 true"$'\n'"V $v1 false"$'\n'"V $v0 false" "list-object-versions"
ok "each version readable; listed newest first"

step "delete writes a marker; deleting the marker restores"
marker=$(run s3api delete-object --bucket "$BUCKET" --key doc.txt --output text --query '[DeleteMarker,VersionId]')
[[ "$marker" == True$'\t'* ]] || fail "delete-object: expected DeleteMarker True, got '$marker'"
marker=${marker#True$'\t'}
expect_error NoSuchKey "get-object after the delete" -- s3api get-object --bucket "$BUCKET" --key doc.txt "$WORK/out"
expect_eq "$(signed_status GET "/$BUCKET/doc.txt")" 404 "GET after the delete"
grep -qi '^x-amz-delete-marker: true' "$WORK/headers" || fail "no x-amz-delete-marker on the 404: $(cat "$WORK/headers")"
grep -qi "^x-amz-version-id: $marker" "$WORK/headers" || fail "no x-amz-version-id of the marker on the 404"
expect_eq "$(listing doc.txt)" "V $v2 false"$'\n'"V $v1 false"$'\n'"V $v0 false"$'\n'"M $marker true" "list-object-versions with the marker"
expect_eq "$(run s3api list-objects-v2 --bucket "$BUCKET" --prefix doc.txt --output text --query 'length(Contents || `[]`)')" "0" "list-objects-v2 hides the key"
run s3api delete-object --bucket "$BUCKET" --key doc.txt --version-id "$marker" > /dev/null
expect_eq "$(read_version doc.txt)" "version 2" "get-object after the marker was deleted"
ok "404 with x-amz-delete-marker; the marker listed; deleted by id, the object is back"

step "copy-object with ?versionId= restores an old version"
copied=$(run s3api copy-object --bucket "$BUCKET" --key doc.txt --copy-source "$BUCKET/doc.txt?versionId=$v0" --output text --query '[CopySourceVersionId,VersionId]')
expect_eq "${copied%%$'\t'*}" "$v0" "CopySourceVersionId"
restored=${copied#*$'\t'}
[[ ${#restored} == 32 && "$restored" != "$v0" ]] || fail "the copy is a new version: '$restored'"
expect_eq "$(read_version doc.txt)" "version 0" "get-object after the copy"
ok "version 0 is current again, as $restored"

step "delete-objects with version ids"
cat > "$WORK/delete.json" <<JSON
{"Objects": [{"Key": "doc.txt", "VersionId": "$v1"}, {"Key": "doc.txt", "VersionId": "$v2"}, {"Key": "doc.txt"}]}
JSON
result=$(run s3api delete-objects --bucket "$BUCKET" --delete "file://$WORK/delete.json" --output json)
python3 - "$result" "$v1" "$v2" <<'PY' || fail "delete-objects answer: $result"
import json, sys
answer, v1, v2 = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
assert not answer.get("Errors"), answer
deleted = answer["Deleted"]
assert {d.get("VersionId") for d in deleted if d.get("VersionId")} == {v1, v2}, deleted
plain = [d for d in deleted if not d.get("VersionId")]
assert len(plain) == 1 and plain[0].get("DeleteMarker") is True and len(plain[0]["DeleteMarkerVersionId"]) == 32, plain
PY
expect_error NoSuchVersion "get-object of a version deleted by delete-objects" -- s3api get-object --bucket "$BUCKET" --key doc.txt --version-id "$v1" "$WORK/out"
left=$(listing doc.txt)
[[ "$left" == "V $restored false"$'\n'"V $v0 false"$'\n'"M "*" true" ]] || fail "after delete-objects, expected the copy, v0 and a marker: $left"
ok "two versions gone for good, a marker written"

step "suspended: the null version"
run s3api put-bucket-versioning --bucket "$BUCKET" --versioning-configuration Status=Suspended
expect_eq "$(run s3api get-bucket-versioning --bucket "$BUCKET" --output text --query Status)" "Suspended" "status after Suspended"
real=$(run s3api list-object-versions --bucket "$BUCKET" --prefix before.txt --output text --query 'Versions[0].VersionId')
expect_eq "$real" "null" "the object from before is still the null version"
put susp.txt "null one" > /dev/null
put susp.txt "null two" > /dev/null
expect_eq "$(listing susp.txt)" "V null true" "two suspended writes leave one null version"
expect_eq "$(read_version susp.txt null)" "null two" "get-object --version-id null"
null_marker=$(run s3api delete-object --bucket "$BUCKET" --key susp.txt --output text --query '[DeleteMarker,VersionId]')
expect_eq "$null_marker" $'True\tnull' "a suspended delete"
expect_eq "$(listing susp.txt)" "M null true" "the null marker replaced the null object"
run s3api put-bucket-versioning --bucket "$BUCKET" --versioning-configuration Status=Enabled
ok "suspended writes replace the null version; a delete writes a null marker"

step "bad and unknown version ids"
expect_error InvalidArgument "get-object with a malformed version id" -- s3api get-object --bucket "$BUCKET" --key doc.txt --version-id not-a-version "$WORK/out"
expect_eq "$(signed_status GET "/$BUCKET/before.txt?versionId=not-a-version")" 400 "status of a malformed version id"
grep -q '<Code>InvalidArgument</Code>' "$WORK/response" || fail "malformed version id: $(cat "$WORK/response")"
expect_error NoSuchVersion "get-object with an unknown version id" -- s3api get-object --bucket "$BUCKET" --key before.txt --version-id "$UNKNOWN_VERSION" "$WORK/out"
expect_eq "$(signed_status GET "/$BUCKET/before.txt?versionId=$UNKNOWN_VERSION")" 404 "status of an unknown version id"
expect_error InvalidArgument "delete-object with a malformed version id" -- s3api delete-object --bucket "$BUCKET" --key before.txt --version-id not-a-version
expect_eq "$(run s3api delete-object --bucket "$BUCKET" --key before.txt --version-id "$UNKNOWN_VERSION" --output text --query VersionId)" \
  "$UNKNOWN_VERSION" "delete-object of an unknown version succeeds, as on S3"
expect_eq "$(read_version before.txt)" "from before versioning" "the object after deleting an unknown version"
ok "400 InvalidArgument and 404 NoSuchVersion"

step "list-object-versions pagination over a few hundred versions"
# Three rounds of 100 keys through `aws s3 cp --recursive` (the cli's own parallel uploads) make
# 300 versions, and `aws s3 rm --recursive` a marker on each key.
mkdir -p "$WORK/many"
for round in 1 2 3; do
  for i in $(seq -w 0 99); do printf 'round %s of %s' "$round" "$i" > "$WORK/many/$i"; done
  run s3 cp --recursive "$WORK/many" "s3://$BUCKET/many/" > /dev/null
done
run s3 rm --recursive "s3://$BUCKET/many/" > /dev/null
# The cli pages by itself: --page-size is max-keys of each request, --max-items the whole answer.
all=$(run s3api list-object-versions --bucket "$BUCKET" --prefix many/ --page-size 40 --output json \
  --query '[length(Versions), length(DeleteMarkers)]' | tr -d ' \n')
expect_eq "$all" "[300,100]" "--page-size 40: every version and marker"
run s3api list-object-versions --bucket "$BUCKET" --prefix many/ --page-size 40 --max-items 150 --output json > "$WORK/first.json"
token=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["NextToken"])' "$WORK/first.json")
run s3api list-object-versions --bucket "$BUCKET" --prefix many/ --page-size 40 --starting-token "$token" --output json > "$WORK/rest.json"
python3 - "$WORK/first.json" "$WORK/rest.json" <<'PY' || fail "--max-items 150 then --starting-token"
import json, sys
first, rest = (json.load(open(path)) for path in sys.argv[1:])
# --max-items counts the first result key, Versions (botocore's resume token does not keep the
# place of the second, DeleteMarkers, so only the versions are compared across the split).
assert len(first["Versions"]) == 150, len(first["Versions"])
versions = [(v["Key"], v["VersionId"]) for page in (first, rest) for v in page.get("Versions", [])]
assert (len(versions), len(set(versions))) == (300, 300), (len(versions), len(set(versions)))
PY
# By hand: --max-keys and the key / version-id markers, as a client without a paginator does.
python3 - "$AWS_BIN" "$COFFER_ENDPOINT" "$BUCKET" <<'PY' || fail "paging with --max-keys and the markers"
import json, subprocess, sys
aws, endpoint, bucket = sys.argv[1:]
seen, pages, markers = [], 0, {}
while True:
    args = [aws, "--endpoint-url", endpoint, "s3api", "list-object-versions", "--bucket", bucket, "--prefix", "many/",
            "--max-keys", "100", "--no-paginate", "--output", "json"]
    for name, value in markers.items():
        args += [name, value]
    page = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    pages += 1
    entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
    assert len(entries) <= 100, len(entries)
    seen += [(e["Key"], e["VersionId"]) for e in entries]
    if not page.get("IsTruncated"):
        break
    markers = {"--key-marker": page["NextKeyMarker"], "--version-id-marker": page["NextVersionIdMarker"]}
assert (len(seen), len(set(seen)), pages) == (400, 400, 4), (len(seen), len(set(seen)), pages)
print(f"  ok  --max-keys 100 with the markers: {pages} pages, 400 entries, none twice")
PY
ok "--page-size, --max-items/--starting-token and --max-keys with markers agree"

step "aws s3 rm on a versioned bucket writes a marker"
put removed.txt "to be removed" > /dev/null
run s3 rm "s3://$BUCKET/removed.txt" > /dev/null
expect_eq "$(listing removed.txt | cut -d' ' -f1,3 | tr '\n' ' ')" "V false M true " "after aws s3 rm"
expect_eq "$(run s3 ls "s3://$BUCKET/removed.txt" || true)" "" "aws s3 ls of the removed key"
ok "the version is kept under a delete marker"

printf 'versioning_session_cli.sh: every check passed\n'
