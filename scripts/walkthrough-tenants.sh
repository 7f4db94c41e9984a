#!/usr/bin/env bash
# Runs the README walkthrough "Give each user their own space" against a fresh server on
# 127.0.0.1:${PORT:-9931} in a temporary directory, printing each command and its output.
# Needs the aws cli and curl; builds coffer (Release) if it is not built.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
dll=$repo/src/Coffer/bin/Release/net10.0/coffer.dll
[ -f "$dll" ] || dotnet build "$repo/src/Coffer" -c Release --nologo -v q >/dev/null
work=$(mktemp -d)
cd "$work"
coffer() { dotnet "$dll" "$@"; }
run() { echo "\$ $*"; "$@"; local rc=$?; [ $rc -eq 0 ] || echo "(exit $rc)"; }
port=${PORT:-9931}
export COFFER_ENDPOINT=http://127.0.0.1:$port AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
unset AWS_SESSION_TOKEN AWS_PROFILE
dotnet "$dll" serve --data ./data --listen 127.0.0.1:$port > server.log 2>&1 &
server=$!
trap 'kill $server; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for i in $(seq 100); do grep -q "listening" server.log && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=$(awk '/Access key ID/ {print $4}' server.log) AWS_SECRET_ACCESS_KEY=$(awk '/Secret access key/ {print $4}' server.log)
E="--endpoint-url $COFFER_ENDPOINT"
echo "# as root"
run aws $E s3 mb s3://team
run aws $E iam create-user --user-name ops --query User.Arn --output text
run aws $E iam put-user-policy --user-name ops --policy-name admin --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
echo "\$ aws $E iam create-access-key --user-name ops --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text"
read -r id secret < <(aws $E iam create-access-key --user-name ops --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
echo "$id ****"
export AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret
echo "# as ops"
run coffer user create --user alice --bucket team --access read-write --csv alice.csv
run coffer user create --user bob --bucket team --access read --csv bob.csv
run coffer user create --user carol --own-bucket --csv carol.csv
run ls -l alice.csv bob.csv carol.csv
run coffer user create --user alice --bucket team
run coffer user list
echo "# as alice, with the key from alice.csv"
echo "\$ export AWS_ACCESS_KEY_ID=\$(tail -1 alice.csv | cut -d, -f1) AWS_SECRET_ACCESS_KEY=\$(tail -1 alice.csv | cut -d, -f2)"
export AWS_ACCESS_KEY_ID=$(tail -1 alice.csv | cut -d, -f1) AWS_SECRET_ACCESS_KEY=$(tail -1 alice.csv | cut -d, -f2)
echo "quarterly numbers" > report.txt
run aws $E s3 cp report.txt s3://team/alice/report.txt --no-progress
run aws $E s3 ls s3://team/alice/
run aws $E s3 ls s3://team/
run aws $E s3 ls s3://team/bob/
run aws $E iam list-users
export AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret
echo "# as ops: why?"
run coffer explain --user alice --action s3:ListBucket --resource arn:aws:s3:::team --context s3:prefix=bob/
run coffer explain --user bob --action s3:GetObject --resource arn:aws:s3:::team/bob/notes.txt
run coffer roles init --bucket team
run coffer roles grant Uploader --user bob
run coffer roles list
echo "# as bob"
export AWS_ACCESS_KEY_ID=$(tail -1 bob.csv | cut -d, -f1) AWS_SECRET_ACCESS_KEY=$(tail -1 bob.csv | cut -d, -f2)
echo "scan" > scan.pdf
echo "\$ curl -s -o /dev/null -w '%{http_code}\n' -T scan.pdf \"\$(coffer presign put s3://team/inbox/scan.pdf --role Uploader)\""
curl -s -o /dev/null -w '%{http_code}\n' -T scan.pdf "$(coffer presign put s3://team/inbox/scan.pdf --role Uploader)"
echo "\$ curl -s -o /dev/null -w '%{http_code}\n' \"\$(coffer presign get s3://team/inbox/scan.pdf --role Uploader)\""
curl -s -o /dev/null -w '%{http_code}\n' "$(coffer presign get s3://team/inbox/scan.pdf --role Uploader)"
export AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret
echo "# as ops: rotation"
run coffer key rotate --user alice --csv alice.csv --force --grace 24h
run coffer key list --user alice
run coffer key rotate --user alice --finish
run coffer key audit --max-age 90d --unused 30d
echo "# as carol"
export AWS_ACCESS_KEY_ID=$(tail -1 carol.csv | cut -d, -f1) AWS_SECRET_ACCESS_KEY=$(tail -1 carol.csv | cut -d, -f2)
head -c 3500000 /dev/urandom > photos.bin
run aws $E s3 cp photos.bin s3://carol-files/2026/photos.bin --no-progress
run aws $E s3 cp report.txt s3://carol-files/report.txt --no-progress
export AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret
echo "# as ops: removal"
echo "\$ echo y | coffer user delete --user bob"
echo y | coffer user delete --user bob
echo "\$ echo y | coffer user delete --user carol"
echo y | coffer user delete --user carol
run coffer user list
