#!/usr/bin/env bash
# A scripted IAM session with the aws cli: user lifecycle, keys, policies, groups, roles,
# the simulator and DeleteConflict ordering.
#
#   iam_session_cli.sh AWS_BINARY      e.g. `aws` (cli v1 on PATH) or /usr/bin/aws (Debian's cli v2)
#
# Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root.
set -Eeuo pipefail

AWS_BIN="${1:?usage: iam_session_cli.sh AWS_BINARY}"
: "${COFFER_ENDPOINT:?set COFFER_ENDPOINT}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-iam-cli-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
printf '[default]\nregion = us-east-1\n' > "$WORK/config"
export AWS_CONFIG_FILE="$WORK/config" AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_MAX_ATTEMPTS=1 LC_ALL=C.UTF-8
ROOT_KEY="$AWS_ACCESS_KEY_ID" ROOT_SECRET="$AWS_SECRET_ACCESS_KEY"
SUFFIX="$RANDOM$RANDOM"
USER_NAME="carol-$SUFFIX" GROUP="ops-$SUFFIX" ROLE="reader-$SUFFIX" POLICY="list-$SUFFIX"

cli() { "$AWS_BIN" --endpoint-url "$COFFER_ENDPOINT" "$@"; }
run() { cli "$@" 2> "$WORK/stderr" || { printf 'FAIL `aws %s` failed:\n' "$*"; cat "$WORK/stderr"; exit 1; }; }
as_key() { AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" cli "${@:3}"; }
fail() { printf 'FAIL %s\n' "$*"; exit 1; }
ok() { printf '  ok  %s\n' "$*"; }
expect_error() {
  local code=$1 what=$2; shift 3
  if cli "$@" > "$WORK/stdout" 2> "$WORK/stderr"; then fail "$what: expected $code, but it succeeded: $(cat "$WORK/stdout")"; fi
  grep -q -- "($code)" "$WORK/stderr" || fail "$what: expected $code, got: $(cat "$WORK/stderr")"
  ok "$what -> $code"
}
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }

printf 'iam_session_cli.sh: %s, endpoint %s\n' "$("$AWS_BIN" --version 2>&1)" "$COFFER_ENDPOINT"

echo "== users"
arn=$(run iam create-user --user-name "$USER_NAME" --tags Key=team,Value=blue --query User.Arn --output text)
[[ "$arn" =~ ^arn:aws:iam::[0-9]{12}:user/$USER_NAME$ ]] || fail "user ARN: $arn"
account=$(cut -d: -f5 <<< "$arn")
run iam tag-user --user-name "$USER_NAME" --tags Key=level,Value=3
expect_eq "$(run iam list-user-tags --user-name "$USER_NAME" --query 'Tags[?Key==`level`].Value' --output text)" "3" "ListUserTags"
expect_error EntityAlreadyExists "CreateUser in other case" -- iam create-user --user-name "${USER_NAME^^}"
ok "CreateUser, TagUser, ListUserTags"

echo "== access keys"
read -r key1 secret1 < <(run iam create-access-key --user-name "$USER_NAME" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
read -r key2 secret2 < <(run iam create-access-key --user-name "$USER_NAME" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
expect_error LimitExceeded "a third access key" -- iam create-access-key --user-name "$USER_NAME"
expect_eq "$(run iam list-access-keys --user-name "$USER_NAME" --query 'length(AccessKeyMetadata)' --output text)" "2" "ListAccessKeys"
run iam put-user-policy --user-name "$USER_NAME" --policy-name self --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}'
expect_eq "$(as_key "$key2" "$secret2" iam get-user --query User.UserName --output text 2> "$WORK/stderr")" "$USER_NAME" "GetUser as the user"
run iam update-access-key --user-name "$USER_NAME" --access-key-id "$key2" --status Inactive
if as_key "$key2" "$secret2" iam get-user > /dev/null 2> "$WORK/stderr"; then fail "a deactivated key still works"; fi
grep -q InvalidClientTokenId "$WORK/stderr" || fail "deactivated key: expected InvalidClientTokenId, got $(cat "$WORK/stderr")"
ok "deactivated key -> InvalidClientTokenId"
if as_key "$key1" "$secret1" iam create-access-key --user-name "$USER_NAME" > /dev/null 2> "$WORK/stderr"; then fail "the user created a key without permission"; fi
grep -q AccessDenied "$WORK/stderr" || fail "escalation: expected AccessDenied, got $(cat "$WORK/stderr")"
ok "the user cannot create keys -> AccessDenied"

echo "== managed policies"
parn=$(run iam create-policy --policy-name "$POLICY" --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}' --query Policy.Arn --output text)
expect_eq "$parn" "arn:aws:iam::$account:policy/$POLICY" "policy ARN"
for n in 2 3 4 5; do
  run iam create-policy-version --policy-arn "$parn" --set-as-default --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:ListUsers\",\"Resource\":\"*\",\"Sid\":\"V$n\"}]}" > /dev/null
done
expect_error LimitExceeded "a sixth version" -- iam create-policy-version --policy-arn "$parn" --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
expect_error DeleteConflict "deleting the default version" -- iam delete-policy-version --policy-arn "$parn" --version-id v5
expect_eq "$(run iam get-policy-version --policy-arn "$parn" --version-id v5 --query 'PolicyVersion.Document.Statement[0].Sid' --output text)" "V5" "GetPolicyVersion document"
run iam attach-user-policy --user-name "$USER_NAME" --policy-arn "$parn"
expect_eq "$(run iam list-attached-user-policies --user-name "$USER_NAME" --query 'AttachedPolicies[0].PolicyArn' --output text)" "$parn" "ListAttachedUserPolicies"
as_key "$key1" "$secret1" iam list-users > /dev/null 2> "$WORK/stderr" || fail "the attached policy does not allow ListUsers: $(cat "$WORK/stderr")"
expect_error MalformedPolicyDocument "an invalid policy" -- iam put-user-policy --user-name "$USER_NAME" --policy-name bad --policy-document '{"Statement":'
ok "versions, attach, an attached policy takes effect"

echo "== groups and roles"
run iam create-group --group-name "$GROUP" > /dev/null
run iam add-user-to-group --group-name "$GROUP" --user-name "$USER_NAME"
expect_eq "$(run iam get-group --group-name "$GROUP" --query 'Users[0].UserName' --output text)" "$USER_NAME" "GetGroup"
trust="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$account:root\"},\"Action\":\"sts:AssumeRole\"}]}"
role_id=$(run iam create-role --role-name "$ROLE" --assume-role-policy-document "$trust" --max-session-duration 7200 --query Role.RoleId --output text)
[[ "$role_id" == AROA* ]] || fail "role id $role_id"
expect_eq "$(run iam get-role --role-name "$ROLE" --query Role.MaxSessionDuration --output text)" "7200" "GetRole MaxSessionDuration"
run iam attach-role-policy --role-name "$ROLE" --policy-arn "$parn"
expect_error DeleteConflict "DeleteRole with an attached policy" -- iam delete-role --role-name "$ROLE"
run iam detach-role-policy --role-name "$ROLE" --policy-arn "$parn"
run iam delete-role --role-name "$ROLE"
ok "groups and roles"

echo "== simulator"
decision=$(run iam simulate-principal-policy --policy-source-arn "$arn" --action-names iam:GetUser --resource-arns "$arn" \
  --context-entries "ContextKeyName=aws:username,ContextKeyValues=$USER_NAME,ContextKeyType=string" \
  --query 'EvaluationResults[0].[EvalDecision,MatchedStatements[0].SourcePolicyId]' --output text)
expect_eq "$decision" $'allowed\tself' "simulated decision and matched statement"
ok "simulate-principal-policy"

echo "== DeleteConflict ordering"
expect_error DeleteConflict "DeleteUser with keys" -- iam delete-user --user-name "$USER_NAME"
grep -q "access keys" "$WORK/stderr" || fail "first conflict should name access keys: $(cat "$WORK/stderr")"
run iam delete-access-key --user-name "$USER_NAME" --access-key-id "$key2"
expect_error DeleteConflict "DeleteUser with one key left" -- iam delete-user --user-name "$USER_NAME"
run iam delete-access-key --user-name "$USER_NAME" --access-key-id "$key1"
expect_error DeleteConflict "DeleteUser with an inline policy" -- iam delete-user --user-name "$USER_NAME"
grep -q "delete policies" "$WORK/stderr" || fail "second conflict should name policies: $(cat "$WORK/stderr")"
run iam delete-user-policy --user-name "$USER_NAME" --policy-name self
expect_error DeleteConflict "DeleteUser with an attached policy" -- iam delete-user --user-name "$USER_NAME"
grep -q "detach" "$WORK/stderr" || fail "third conflict should name attached policies: $(cat "$WORK/stderr")"
run iam detach-user-policy --user-name "$USER_NAME" --policy-arn "$parn"
expect_error DeleteConflict "DeleteUser in a group" -- iam delete-user --user-name "$USER_NAME"
run iam remove-user-from-group --group-name "$GROUP" --user-name "$USER_NAME"
run iam delete-user --user-name "$USER_NAME"
if as_key "$key1" "$secret1" iam get-user > /dev/null 2> "$WORK/stderr"; then fail "a deleted user's key still works"; fi
grep -q InvalidClientTokenId "$WORK/stderr" || fail "deleted user's key: expected InvalidClientTokenId, got $(cat "$WORK/stderr")"
ok "deleted user's key -> InvalidClientTokenId"
run iam delete-group --group-name "$GROUP"
for v in v1 v2 v3 v4; do run iam delete-policy-version --policy-arn "$parn" --version-id "$v"; done
run iam delete-policy --policy-arn "$parn"
echo "PASS iam_session_cli.sh"
