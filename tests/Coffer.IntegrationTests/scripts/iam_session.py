#!/usr/bin/env python3
"""A scripted IAM session with boto3: the user lifecycle, policies, groups, roles, the policy
simulator, and hostile inputs, as an administrator and as a limited user would drive IAM.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every
check passed; otherwise 1 with a FAIL line naming the check.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
ROOT = (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
SUFFIX = uuid.uuid4().hex[:8]


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def ok(what):
    print(f"  ok  {what}", flush=True)


def client(key=ROOT):
    return boto3.client(
        "iam", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id=key[0], aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}))


def expect_error(what, call, codes, status, message=None, **kwargs):
    if isinstance(codes, str):
        codes = (codes,)
    try:
        call(**kwargs)
    except ClientError as error:
        code = error.response["Error"].get("Code")
        got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        text = error.response["Error"].get("Message") or ""
        check(code in codes and got_status == status,
              f"{what}: expected HTTP {status} {'/'.join(codes)}, got HTTP {got_status} {code} ({text})")
        check(text, f"{what}: {code} has no Message")
        if message is not None:
            check(message in text, f"{what}: expected the message to contain {message!r}, got {text!r}")
        ok(f"{what} -> {got_status} {code}")
        return error
    raise CheckFailed(f"{what}: expected {'/'.join(codes)}, but the call succeeded")


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def padded(non_whitespace):
    """A valid identity policy with exactly `non_whitespace` characters that are not whitespace."""
    base = policy(allow("s3:GetObject", "arn:aws:s3:::b/"))
    return base.replace("arn:aws:s3:::b/", "arn:aws:s3:::b/" + "x" * (non_whitespace - len("".join(base.split()))))


def wait_until(what, condition, seconds=5):
    deadline = time.time() + seconds
    while True:
        if condition():
            return
        if time.time() > deadline:
            raise CheckFailed(what)
        time.sleep(0.2)


def fails_auth(key):
    try:
        client(key).get_user()
        return False
    except ClientError as error:
        return error.response["Error"]["Code"] == "InvalidClientTokenId"


def raw(body, sign_with=None, service="iam"):
    """POSTs a form body, SigV4-signed when `sign_with` is given; returns (status, headers, text)."""
    request = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    if sign_with is not None:
        SigV4Auth(Credentials(*sign_with), service, "us-east-1").add_auth(request)
    prepared = urllib.request.Request(ENDPOINT + "/", data=body.encode() if isinstance(body, str) else body,
                                      headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def main():
    print(f"iam_session.py: boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}", flush=True)
    iam = client()
    user, other, group, role, managed = f"alex-{SUFFIX}", f"bo-{SUFFIX}", f"devs-{SUFFIX}", f"uploader-{SUFFIX}", f"read-{SUFFIX}"

    print("== users and tags")
    created = iam.create_user(UserName=user, Path="/staff/", Tags=[{"Key": "team", "Value": "red"}])["User"]
    check(created["UserId"].startswith("AIDA") and len(created["UserId"]) == 20, f"user id {created['UserId']}")
    account = created["Arn"].split(":")[4]
    eq(created["Arn"], f"arn:aws:iam::{account}:user/staff/{user}", "user ARN")
    ok("CreateUser with path and tags")
    expect_error("CreateUser with the same name in other case", iam.create_user, "EntityAlreadyExists", 409, UserName=user.upper())
    expect_error("CreateUser with an invalid name", iam.create_user, "ValidationError", 400, UserName="bad/name")
    iam.create_user(UserName=other)
    staff = [u["UserName"] for u in iam.list_users(PathPrefix="/staff/")["Users"]]
    check(user in staff and other not in staff, f"ListUsers PathPrefix=/staff/: {staff}")
    page = iam.list_users(MaxItems=1)
    check(page["IsTruncated"] and page.get("Marker"), "ListUsers MaxItems=1 is truncated with a Marker")
    names = [u["UserName"] for u in page["Users"]] + [u["UserName"] for u in iam.list_users(Marker=page["Marker"])["Users"]]
    check(user in names and other in names, f"ListUsers pages cover both users: {names}")
    ok("ListUsers pagination")
    iam.tag_user(UserName=user, Tags=[{"Key": "level", "Value": "2"}])
    iam.untag_user(UserName=user, TagKeys=["team"])
    eq(iam.list_user_tags(UserName=user)["Tags"], [{"Key": "level", "Value": "2"}], "tags after TagUser/UntagUser")
    eq(iam.get_user(UserName=user)["User"].get("Tags"), [{"Key": "level", "Value": "2"}], "GetUser tags")
    ok("TagUser, UntagUser, ListUserTags")
    expect_error("GetUser of nobody", iam.get_user, "NoSuchEntity", 404, UserName="nobody-" + SUFFIX)

    print("== access keys")
    k1 = iam.create_access_key(UserName=user)["AccessKey"]
    k2 = iam.create_access_key(UserName=user)["AccessKey"]
    check(k1["AccessKeyId"].startswith("AKIA") and len(k1["SecretAccessKey"]) == 40, "key id and 40-character secret")
    expect_error("a third access key", iam.create_access_key, "LimitExceeded", 409, UserName=user)
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    eq(sorted(k["AccessKeyId"] for k in listed), sorted([k1["AccessKeyId"], k2["AccessKeyId"]]), "ListAccessKeys")
    check(all("SecretAccessKey" not in k for k in listed), "ListAccessKeys never returns secrets")
    key1, key2 = (k1["AccessKeyId"], k1["SecretAccessKey"]), (k2["AccessKeyId"], k2["SecretAccessKey"])
    as_user = client(key1)
    expect_error("the new user, without policies, calls GetUser", as_user.get_user, "AccessDenied", 403,
                 message=f"is not authorized to perform: iam:GetUser on resource: {created['Arn']}")
    iam.put_user_policy(UserName=user, PolicyName="self", PolicyDocument=policy(
        allow("iam:GetUser", "arn:aws:iam::*:user/staff/${aws:username}")))
    eq(as_user.get_user()["User"]["UserName"], user, "GetUser without UserName is the caller, once a policy allows it")
    ok("an inline policy takes effect on the next request")
    iam.update_access_key(UserName=user, AccessKeyId=key2[0], Status="Inactive")
    check(fails_auth(key2), "a deactivated key fails authentication at once")
    ok("deactivated key -> InvalidClientTokenId")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
    eq(statuses[key2[0]], "Inactive", "ListAccessKeys status")
    last = iam.get_access_key_last_used(AccessKeyId=key1[0])
    eq(last["UserName"], user, "GetAccessKeyLastUsed user")
    eq(last["AccessKeyLastUsed"]["ServiceName"], "iam", "GetAccessKeyLastUsed service")
    eq(iam.get_access_key_last_used(AccessKeyId=key2[0])["AccessKeyLastUsed"]["ServiceName"], "N/A", "never-used key")
    ok("GetAccessKeyLastUsed")

    print("== managed policies and versions")
    created_policy = iam.create_policy(PolicyName=managed, Path="/app/", PolicyDocument=policy(allow("s3:GetObject")))["Policy"]
    arn = created_policy["Arn"]
    eq(arn, f"arn:aws:iam::{account}:policy/app/{managed}", "policy ARN")
    check(created_policy["PolicyId"].startswith("ANPA"), "policy id")
    expect_error("CreatePolicy duplicate", iam.create_policy, "EntityAlreadyExists", 409, PolicyName=managed, PolicyDocument=policy(allow("s3:*")))
    for n in range(2, 6):
        version = iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow(f"s3:Get{n}")), SetAsDefault=(n == 3))["PolicyVersion"]
        eq(version["VersionId"], f"v{n}", "CreatePolicyVersion id")
    expect_error("a sixth policy version", iam.create_policy_version, "LimitExceeded", 409, PolicyArn=arn, PolicyDocument=policy(allow("s3:*")))
    eq(iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v3", "SetAsDefault on v3")
    document = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["Document"]
    eq(document["Statement"][0]["Action"], "s3:Get3", "GetPolicyVersion document (URL-encoded on the wire)")
    expect_error("DeletePolicyVersion of the default", iam.delete_policy_version, "DeleteConflict", 409, PolicyArn=arn, VersionId="v3")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    eq(sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]), ["v1", "v2", "v4", "v5"], "ListPolicyVersions")
    ok("five versions at most; the default cannot be deleted")
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    eq([p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]], [arn], "ListAttachedUserPolicies")
    eq([u["UserName"] for u in iam.list_entities_for_policy(PolicyArn=arn)["PolicyUsers"]], [user], "ListEntitiesForPolicy")
    eq(iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1, "AttachmentCount")
    check(arn in [p["Arn"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]], "ListPolicies OnlyAttached")
    eq(iam.list_policies(Scope="AWS")["Policies"], [], "ListPolicies Scope=AWS")
    expect_error("DeletePolicy while attached", iam.delete_policy, "DeleteConflict", 409, PolicyArn=arn)

    print("== groups")
    eq(iam.create_group(GroupName=group)["Group"]["GroupId"][:4], "AGPA", "group id")
    iam.add_user_to_group(GroupName=group, UserName=user)
    eq([u["UserName"] for u in iam.get_group(GroupName=group)["Users"]], [user], "GetGroup users")
    eq([g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]], [group], "ListGroupsForUser")
    iam.put_group_policy(GroupName=group, PolicyName="lister", PolicyDocument=policy(allow("iam:ListUsers")))
    wait_until("a group's policy applies to its member", lambda: len(as_user.list_users()["Users"]) >= 2)
    ok("a group's inline policy applies to its members")
    expect_error("DeleteGroup with members", iam.delete_group, "DeleteConflict", 409, GroupName=group)

    print("== roles")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"})
    created_role = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust, MaxSessionDuration=7200,
                                   Description="uploads", Tags=[{"Key": "k", "Value": "v"}])["Role"]
    check(created_role["RoleId"].startswith("AROA"), "role id")
    got = iam.get_role(RoleName=role)["Role"]
    eq(got["MaxSessionDuration"], 7200, "MaxSessionDuration")
    eq(got["AssumeRolePolicyDocument"]["Statement"][0]["Action"], "sts:AssumeRole", "AssumeRolePolicyDocument")
    expect_error("CreateRole with an identity policy as trust policy", iam.create_role, "MalformedPolicyDocument", 400, RoleName="r" + SUFFIX, AssumeRolePolicyDocument=policy(allow("s3:*")))
    iam.update_role(RoleName=role, MaxSessionDuration=3600)
    eq(iam.get_role(RoleName=role)["Role"]["MaxSessionDuration"], 3600, "UpdateRole")
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=trust)
    iam.put_role_policy(RoleName=role, PolicyName="inline", PolicyDocument=policy(allow("s3:PutObject")))
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    check(role in [r["RoleName"] for r in iam.list_roles()["Roles"]], "ListRoles")
    expect_error("DeleteRole with an inline policy", iam.delete_role, "DeleteConflict", 409, RoleName=role, message="delete policies")
    iam.delete_role_policy(RoleName=role, PolicyName="inline")
    expect_error("DeleteRole with an attached policy", iam.delete_role, "DeleteConflict", 409, RoleName=role, message="detach")
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    iam.delete_role(RoleName=role)
    ok("role lifecycle")

    print("== policy simulator")
    result = iam.simulate_principal_policy(
        PolicySourceArn=created["Arn"], ActionNames=["iam:GetUser", "iam:CreateUser"],
        ResourceArns=[created["Arn"]], ContextEntries=[{"ContextKeyName": "aws:username", "ContextKeyValues": [user], "ContextKeyType": "string"}])
    decisions = {r["EvalActionName"]: r for r in result["EvaluationResults"]}
    eq(decisions["iam:GetUser"]["EvalDecision"], "allowed", "simulated GetUser")
    matched = decisions["iam:GetUser"]["MatchedStatements"]
    check(matched and matched[0]["SourcePolicyId"] == "self" and matched[0]["SourcePolicyType"] == "user"
          and matched[0]["StartPosition"]["Line"] >= 1, f"matched statement of the inline policy: {matched}")
    eq(decisions["iam:CreateUser"]["EvalDecision"], "implicitDeny", "simulated CreateUser")
    custom = iam.simulate_custom_policy(PolicyInputList=[policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"})],
                                        ActionNames=["s3:GetObject", "s3:DeleteObject"])["EvaluationResults"]
    eq([r["EvalDecision"] for r in custom], ["allowed", "explicitDeny"], "SimulateCustomPolicy decisions")
    eq(custom[1]["MatchedStatements"][0]["SourcePolicyId"], "PolicyInputList.1", "SimulateCustomPolicy source")
    ok("simulator")

    print("== hostile policy documents")
    expect_error("invalid JSON", iam.put_user_policy, "MalformedPolicyDocument", 400, UserName=user, PolicyName="p", PolicyDocument='{"Version": ')
    expect_error("unknown condition operator", iam.put_user_policy, "MalformedPolicyDocument", 400, UserName=user, PolicyName="p",
                 PolicyDocument=policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringLikeish": {"aws:username": "x"}}}))
    many = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:Get") for _ in range(10000)]}, separators=(",", ":"))
    check(len(many) > 131072, "the 10,000-statement policy is over IAM's 131,072-character parameter limit")
    expect_error("10,000-statement policy", iam.create_policy, "ValidationError", 400, PolicyName="many" + SUFFIX, PolicyDocument=many)
    expect_error("10,000-statement policy (simulator)", iam.simulate_custom_policy, "ValidationError", 400, PolicyInputList=[many], ActionNames=["s3:GetObject"])
    nested = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k":' + "[" * 20000 + "]" * 20000 + "}}}]}"
    expect_error("deeply nested JSON (simulator, within its size)", iam.simulate_custom_policy, "MalformedPolicyDocument", 400, PolicyInputList=[nested], ActionNames=["s3:GetObject"])
    expect_error("deeply nested JSON (user policy)", iam.put_user_policy, ("LimitExceeded", "MalformedPolicyDocument"), 409, UserName=user, PolicyName="p", PolicyDocument=nested)
    spaced = padded(2048).replace(",", ",\n        ")
    iam.put_user_policy(UserName=user, PolicyName="spaced", PolicyDocument=spaced)
    iam.delete_user_policy(UserName=user, PolicyName="spaced")
    ok("a user policy of 2,048 characters besides whitespace is accepted")
    expect_error("user inline over 2,048", iam.put_user_policy, "LimitExceeded", 409, UserName=user, PolicyName="p", PolicyDocument=padded(2049), message="2048")
    iam.put_group_policy(GroupName=group, PolicyName="big", PolicyDocument=padded(5120))
    expect_error("group inline over 5,120", iam.put_group_policy, "LimitExceeded", 409, GroupName=group, PolicyName="p", PolicyDocument=padded(5121), message="5120")
    iam.delete_group_policy(GroupName=group, PolicyName="big")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName=role, PolicyName="big", PolicyDocument=padded(10240))
    expect_error("role inline over 10,240", iam.put_role_policy, "LimitExceeded", 409, RoleName=role, PolicyName="p", PolicyDocument=padded(10241), message="10240")
    iam.delete_role_policy(RoleName=role, PolicyName="big")
    big_trust = trust.replace(f"arn:aws:iam::{account}:root", f"arn:aws:iam::{account}:role/" + "r" * 2100)
    expect_error("trust policy over 2,048", iam.update_assume_role_policy, "LimitExceeded", 409, RoleName=role, PolicyDocument=big_trust)
    iam.delete_role(RoleName=role)
    expect_error("managed policy over 6,144", iam.create_policy, "LimitExceeded", 409, PolicyName="big" + SUFFIX, PolicyDocument=padded(6145), message="6144")
    expect_error("policy version over 6,144", iam.create_policy_version, "LimitExceeded", 409, PolicyArn=arn, PolicyDocument=padded(6145))

    print("== a limited user cannot escalate")
    other_key = iam.create_access_key(UserName=other)["AccessKey"]
    limited = client((other_key["AccessKeyId"], other_key["SecretAccessKey"]))
    iam.put_user_policy(UserName=other, PolicyName="getself", PolicyDocument=policy(allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username}")))
    eq(limited.get_user()["User"]["UserName"], other, "the limited user may GetUser itself")
    before = (iam.list_access_keys(UserName=user)["AccessKeyMetadata"], iam.list_attached_user_policies(UserName=other)["AttachedPolicies"],
              iam.list_user_policies(UserName=other)["PolicyNames"], iam.list_policy_versions(PolicyArn=arn)["Versions"])
    expect_error("CreateAccessKey for another user", limited.create_access_key, "AccessDenied", 403, UserName=user)
    expect_error("AttachUserPolicy to itself", limited.attach_user_policy, "AccessDenied", 403, UserName=other, PolicyArn=arn)
    expect_error("PutUserPolicy on itself", limited.put_user_policy, "AccessDenied", 403, UserName=other, PolicyName="all", PolicyDocument=policy(allow("*")))
    expect_error("CreatePolicyVersion on a policy", limited.create_policy_version, "AccessDenied", 403, PolicyArn=arn, PolicyDocument=policy(allow("*")), SetAsDefault=True)
    expect_error("CreateUser", limited.create_user, "AccessDenied", 403, UserName="evil" + SUFFIX)
    after = (iam.list_access_keys(UserName=user)["AccessKeyMetadata"], iam.list_attached_user_policies(UserName=other)["AttachedPolicies"],
             iam.list_user_policies(UserName=other)["PolicyNames"], iam.list_policy_versions(PolicyArn=arn)["Versions"])
    eq(after, before, "nothing changed after the refused escalations")
    ok("escalation refused and nothing changed")

    print("== raw requests")
    status, headers, text = raw("Action=ListUsers&Version=2010-05-08")
    check(status == 403 and "<Code>MissingAuthenticationToken</Code>" in text, f"anonymous: {status} {text}")
    check(headers.get("x-amzn-RequestId"), "anonymous error carries x-amzn-RequestId")
    status, _, text = raw("Action=NoSuchThing&Version=2010-05-08", sign_with=ROOT)
    check(status == 400 and "<Code>InvalidAction</Code>" in text and "https://iam.amazonaws.com/doc/2010-05-08/" in text, f"unknown action: {status} {text}")
    status, _, text = raw("Action=ListUsers&Version=2010-05-08", sign_with=("AKIANOSUCHKEY0000000", "x" * 40))
    check(status == 403 and "<Code>InvalidClientTokenId</Code>" in text, f"unknown key: {status} {text}")
    status, _, text = raw("Action=ListUsers&Version=2010-05-08", sign_with=(ROOT[0], "wrong" * 8))
    check(status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, f"wrong secret: {status} {text}")
    status, _, text = raw("Action=ListUsers&Version=2010-05-08&Pad=" + "a" * (1024 * 1024 + 10), sign_with=ROOT)
    check(status == 413 and "<ErrorResponse" in text, f"1 MiB body: {status} {text[:200]}")
    status, _, text = raw("Action=CreateUser&Version=2010-05-08", sign_with=ROOT)
    check(status == 400 and "<Code>ValidationError</Code>" in text, f"missing UserName: {status} {text}")
    form = urllib.parse.urlencode({"Action": "CreateRole", "Version": "2010-05-08", "RoleName": "r" + SUFFIX,
                                   "AssumeRolePolicyDocument": trust, "MaxSessionDuration": "60"})
    status, _, text = raw(form, sign_with=ROOT)
    check(status == 400 and "<Code>ValidationError</Code>" in text, f"MaxSessionDuration 60: {status} {text}")
    ok("anonymous, unknown action, unknown key, wrong secret, oversized body, missing parameter")

    print("== deleting a user: conflicts in order")
    expect_error("DeleteUser with access keys", iam.delete_user, "DeleteConflict", 409, UserName=user, message="must delete access keys first")
    for key in (key1, key2):
        iam.delete_access_key(UserName=user, AccessKeyId=key[0])
    expect_error("DeleteUser with inline policies", iam.delete_user, "DeleteConflict", 409, UserName=user, message="must delete policies first")
    iam.delete_user_policy(UserName=user, PolicyName="self")
    expect_error("DeleteUser with attached policies", iam.delete_user, "DeleteConflict", 409, UserName=user, message="must detach all policies first")
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    expect_error("DeleteUser in a group", iam.delete_user, "DeleteConflict", 409, UserName=user)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_user(UserName=user)
    check(fails_auth(key1), "a deleted key fails authentication")
    ok("DeleteUser after keys, inline policies, attached policies and groups")
    iam.delete_user_policy(UserName=other, PolicyName="getself")
    expect_error("DeleteUser of a user whose key remains", iam.delete_user, "DeleteConflict", 409, UserName=other)
    iam.delete_access_key(UserName=other, AccessKeyId=other_key["AccessKeyId"])
    iam.delete_user(UserName=other)
    check(fails_auth((other_key["AccessKeyId"], other_key["SecretAccessKey"])), "a deleted user's key is rejected")
    ok("a deleted user's key -> InvalidClientTokenId")
    iam.delete_group_policy(GroupName=group, PolicyName="lister")
    iam.delete_group(GroupName=group)
    for version in ("v2", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    iam.delete_policy(PolicyArn=arn)
    expect_error("GetPolicy after DeletePolicy", iam.get_policy, "NoSuchEntity", 404, PolicyArn=arn)
    print("PASS iam_session.py")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        sys.exit(1)
