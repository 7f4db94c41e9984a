"""Tenant set-ups through IAM, STS and S3 with boto3, run by TenantScenarioTests with each Python that has boto3.

Usage: iam_tenants.py (COFFER_ENDPOINT and the root credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
Exits non-zero with a message on the first difference from what AWS does.

1. One shared bucket, each user in their own folder (AWS's "home folder" policy).
2. Each user with a bucket of their own.
3. Uploader / Viewer / Admin roles assumed through STS, used through pre-signed URLs.
4. Temporary credentials stop working when they expire (the server runs with a low
   minimum session duration for this).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COFFER_ENDPOINT"]
REGION = "us-east-1"
CONFIG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, signature_version="s3v4")


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def step(message):
    print("-- " + message, flush=True)


def client(service, key=None, secret=None, token=None, validate=True):
    kwargs = {}
    if key is not None:
        kwargs = {"aws_access_key_id": key, "aws_secret_access_key": secret, "aws_session_token": token}
    config = CONFIG if validate else CONFIG.merge(Config(parameter_validation=False))
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION, config=config, **kwargs)


def denied(what, call, code="AccessDenied"):
    try:
        call()
    except ClientError as e:
        got = e.response["Error"]["Code"]
        if got != code:
            fail(f"{what}: expected {code}, got {got} ({e.response['Error'].get('Message')})")
        return
    fail(f"{what}: expected {code}, but it succeeded")


def body(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def listed(s3, bucket, prefix):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def http(method, url, data=None):
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def new_user(iam, name, policy=None):
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName=name + "-access", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def wait_until_usable(s3, bucket, key):
    # Fresh keys are usable at once here (AWS may take seconds); a short retry keeps the
    # script honest about that without depending on it.
    for _ in range(20):
        try:
            return s3.get_object(Bucket=bucket, Key=key)
        except ClientError as e:
            if e.response["Error"]["Code"] != "InvalidAccessKeyId":
                raise
            time.sleep(0.1)
    fail("a new access key never became usable")


def home_folders(iam, s3_root, account):
    step("each user sees only their own folder of one shared bucket")
    bucket = "shared-homes"
    s3_root.create_bucket(Bucket=bucket)
    for user in ("alex", "jaime"):
        s3_root.put_object(Bucket=bucket, Key=f"{user}/notes.txt", Body=f"{user}'s notes".encode())
    s3_root.put_object(Bucket=bucket, Key="readme.txt", Body=b"top level")
    s3_root.create_bucket(Bucket="other-bucket")
    s3_root.put_object(Bucket="other-bucket", Key="alex/notes.txt", Body=b"elsewhere")

    # The policy from AWS's documentation, with the user name as a policy variable.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListOwnFolder",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}},
            },
            {
                "Sid": "ReadWriteOwnFolder",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/${{aws:username}}/*",
            },
        ],
    }
    keys = {user: new_user(iam, user, policy) for user in ("alex", "jaime")}
    alex = client("s3", *keys["alex"])
    wait_until_usable(alex, bucket, "alex/notes.txt")

    if listed(alex, bucket, "alex/") != ["alex/notes.txt"]:
        fail("alex cannot list alex/")
    if body(alex, bucket, "alex/notes.txt") != b"alex's notes":
        fail("alex cannot read alex/notes.txt")
    alex.put_object(Bucket=bucket, Key="alex/new.txt", Body=b"new")
    alex.delete_object(Bucket=bucket, Key="alex/new.txt")
    denied("alex reading jaime/", lambda: alex.get_object(Bucket=bucket, Key="jaime/notes.txt"))
    denied("alex writing jaime/", lambda: alex.put_object(Bucket=bucket, Key="jaime/planted.txt", Body=b"x"))
    denied("alex deleting jaime/", lambda: alex.delete_object(Bucket=bucket, Key="jaime/notes.txt"))
    denied("alex listing jaime/", lambda: alex.list_objects_v2(Bucket=bucket, Prefix="jaime/"))
    denied("alex listing the bucket root", lambda: alex.list_objects_v2(Bucket=bucket))
    denied("alex listing the root with a delimiter", lambda: alex.list_objects_v2(Bucket=bucket, Delimiter="/"))
    denied("alex reading a top-level object", lambda: alex.get_object(Bucket=bucket, Key="readme.txt"))
    denied("alex reading another bucket", lambda: alex.get_object(Bucket="other-bucket", Key="alex/notes.txt"))
    denied("alex listing another bucket", lambda: alex.list_objects_v2(Bucket="other-bucket", Prefix="alex/"))
    denied("alex listing all buckets", lambda: alex.list_buckets())
    denied("alex creating a bucket", lambda: alex.create_bucket(Bucket="alex-own"))
    # A missing key in alex's own folder is AccessDenied, not NoSuchKey: alex may not list
    # the bucket without a prefix, so may not learn which keys exist.
    denied("alex reading a missing key", lambda: alex.get_object(Bucket=bucket, Key="alex/missing.txt"))
    # DeleteObjects is authorised key by key.
    result = alex.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "alex/notes.txt"}, {"Key": "jaime/notes.txt"}]})
    if [d["Key"] for d in result.get("Deleted", [])] != ["alex/notes.txt"]:
        fail(f"DeleteObjects deleted {result.get('Deleted')}")
    if [(e["Key"], e["Code"]) for e in result.get("Errors", [])] != [("jaime/notes.txt", "AccessDenied")]:
        fail(f"DeleteObjects errors were {result.get('Errors')}")
    if body(s3_root, bucket, "jaime/notes.txt") != b"jaime's notes":
        fail("jaime's file changed")
    # Copying needs s3:GetObject on the source as well as s3:PutObject on the target.
    denied("alex copying jaime's file into alex/", lambda: alex.copy_object(
        Bucket=bucket, Key="alex/stolen.txt", CopySource={"Bucket": bucket, "Key": "jaime/notes.txt"}))

    iam_alex = client("iam", *keys["alex"])
    denied("alex listing users", lambda: iam_alex.list_users())
    denied("alex creating a user", lambda: iam_alex.create_user(UserName="mallory"))
    denied("alex creating a key for jaime", lambda: iam_alex.create_access_key(UserName="jaime"))
    denied("alex widening its own policy", lambda: iam_alex.put_user_policy(
        UserName="alex", PolicyName="escalate",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})))

    jaime = client("s3", *keys["jaime"])
    if listed(jaime, bucket, "jaime/") != ["jaime/notes.txt"]:
        fail("jaime cannot list jaime/")
    denied("jaime reading alex/", lambda: jaime.get_object(Bucket=bucket, Key="alex/notes.txt"))

    # What the policy simulator says matches what the server enforces.
    results = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account}:user/alex",
        ActionNames=["s3:GetObject"],
        ResourceArns=[f"arn:aws:s3:::{bucket}/alex/notes.txt", f"arn:aws:s3:::{bucket}/jaime/notes.txt"],
        ContextEntries=[{"ContextKeyName": "aws:username", "ContextKeyValues": ["alex"], "ContextKeyType": "string"}],
    )["EvaluationResults"]
    decisions = {r["EvalResourceName"]: r["EvalDecision"] for r in results}
    if decisions != {f"arn:aws:s3:::{bucket}/alex/notes.txt": "allowed", f"arn:aws:s3:::{bucket}/jaime/notes.txt": "implicitDeny"}:
        fail(f"simulator decisions were {decisions}")
    allowed = [r for r in results if r["EvalDecision"] == "allowed"][0]
    if not allowed["MatchedStatements"] or allowed["MatchedStatements"][0]["SourcePolicyId"] != "alex-access":
        fail(f"simulator matched statements were {allowed['MatchedStatements']}")


def own_buckets(iam, s3_root):
    step("each user has a bucket of their own")
    for user in ("kim", "lee"):
        s3_root.create_bucket(Bucket=f"{user}-bucket")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::${aws:username}-bucket"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::${aws:username}-bucket/*"},
        ],
    }
    iam.create_policy(PolicyName="own-bucket", PolicyDocument=json.dumps(policy))
    account = iam.get_user()["User"]["Arn"].split(":")[4]
    keys = {}
    for user in ("kim", "lee"):
        keys[user] = new_user(iam, user)
        iam.attach_user_policy(UserName=user, PolicyArn=f"arn:aws:iam::{account}:policy/own-bucket")
    kim = client("s3", *keys["kim"])
    kim.put_object(Bucket="kim-bucket", Key="a/b.txt", Body=b"kim's")
    if body(kim, "kim-bucket", "a/b.txt") != b"kim's":
        fail("kim cannot read back")
    if listed(kim, "kim-bucket", "") != ["a/b.txt"]:
        fail("kim cannot list kim-bucket")
    # kim may list the bucket, so a missing key is NoSuchKey.
    denied("kim reading a missing key", lambda: kim.get_object(Bucket="kim-bucket", Key="missing"), code="NoSuchKey")
    denied("kim writing lee-bucket", lambda: kim.put_object(Bucket="lee-bucket", Key="x", Body=b"x"))
    denied("kim listing lee-bucket", lambda: kim.list_objects_v2(Bucket="lee-bucket"))
    denied("kim deleting lee-bucket", lambda: kim.delete_bucket(Bucket="lee-bucket"))
    lee = client("s3", *keys["lee"])
    denied("lee reading kim-bucket", lambda: lee.get_object(Bucket="kim-bucket", Key="a/b.txt"))

    # A bucket policy can grant another user of the account access to a bucket.
    s3_root.put_bucket_policy(Bucket="kim-bucket", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "LeeReads",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:user/lee"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::kim-bucket/*",
        }],
    }))
    if body(lee, "kim-bucket", "a/b.txt") != b"kim's":
        fail("the bucket policy did not let lee read kim-bucket")
    denied("lee writing kim-bucket despite the read grant", lambda: lee.put_object(Bucket="kim-bucket", Key="y", Body=b"y"))
    status = s3_root.get_bucket_policy_status(Bucket="kim-bucket")["PolicyStatus"]
    if status["IsPublic"]:
        fail("a policy for one user was reported public")
    # An explicit deny in the bucket policy overrides kim's own allow.
    s3_root.put_bucket_policy(Bucket="kim-bucket", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": "arn:aws:s3:::kim-bucket/*",
        }],
    }))
    denied("kim deleting despite the bucket policy's deny", lambda: kim.delete_object(Bucket="kim-bucket", Key="a/b.txt"))
    denied("a public bucket policy", lambda: s3_root.put_bucket_policy(Bucket="kim-bucket", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kim-bucket/*"}],
    })))
    denied("a malformed bucket policy", lambda: s3_root.put_bucket_policy(Bucket="kim-bucket", Policy='{"Statement": [}'), code="MalformedPolicy")
    s3_root.delete_bucket_policy(Bucket="kim-bucket")
    denied("reading a deleted bucket policy", lambda: s3_root.get_bucket_policy(Bucket="kim-bucket"), code="NoSuchBucketPolicy")
    kim.delete_object(Bucket="kim-bucket", Key="a/b.txt")


def roles(iam, s3_root, account):
    step("uploader, viewer and admin roles through STS and pre-signed URLs")
    bucket = "team-files"
    s3_root.create_bucket(Bucket=bucket)
    s3_root.put_object(Bucket=bucket, Key="report.txt", Body=b"quarterly report")
    operator_key = new_user(iam, "operator", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{account}:role/team-*"}],
    })
    trust = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/operator"}, "Action": "sts:AssumeRole"}],
    })
    grants = {
        "uploader": ["s3:PutObject"],
        "viewer": ["s3:GetObject", "s3:ListBucket"],
        "admin": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
    }
    for name, actions in grants.items():
        iam.create_role(RoleName=f"team-{name}", AssumeRolePolicyDocument=trust, MaxSessionDuration=7200)
        iam.put_role_policy(RoleName=f"team-{name}", PolicyName="files", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}],
        }))

    sts = client("sts", *operator_key)
    identity = sts.get_caller_identity()
    if identity["Arn"] != f"arn:aws:iam::{account}:user/operator" or identity["Account"] != account:
        fail(f"GetCallerIdentity said {identity}")
    denied("a session longer than the role allows", lambda: sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/team-viewer", RoleSessionName="long", DurationSeconds=7201), code="ValidationError")
    denied("assuming a role the trust policy does not name", lambda: client("sts", *new_user(iam, "outsider", {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/team-viewer", RoleSessionName="sneak"))

    for name in grants:
        assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/team-{name}", RoleSessionName=f"{name}-session", DurationSeconds=3600)
        creds = assumed["Credentials"]
        if not creds["AccessKeyId"].startswith("ASIA"):
            fail(f"temporary key {creds['AccessKeyId']} does not start with ASIA")
        expected_arn = f"arn:aws:sts::{account}:assumed-role/team-{name}/{name}-session"
        if assumed["AssumedRoleUser"]["Arn"] != expected_arn:
            fail(f"assumed role ARN {assumed['AssumedRoleUser']['Arn']}")
        session = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        if client("sts", *session).get_caller_identity()["Arn"] != expected_arn:
            fail("GetCallerIdentity with the session credentials")
        s3 = client("s3", *session)
        put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": f"{name}.txt"}, ExpiresIn=300)
        get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "report.txt"}, ExpiresIn=300)
        list_url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": bucket}, ExpiresIn=300)
        if "X-Amz-Security-Token" not in put_url:
            fail("the pre-signed URL does not carry the session token")
        may_put = "s3:PutObject" in grants[name]
        may_get = "s3:GetObject" in grants[name]
        status, _ = http("PUT", put_url, f"uploaded by {name}".encode())
        if (status == 200) != may_put:
            fail(f"{name}: pre-signed PUT answered {status}")
        status, content = http("GET", get_url)
        if (status == 200) != may_get or (may_get and content != b"quarterly report"):
            fail(f"{name}: pre-signed GET answered {status}")
        # Signature Version 2 URLs carry the token as x-amz-security-token, itself signed.
        v2 = boto3.client("s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=session[0],
                          aws_secret_access_key=session[1], aws_session_token=session[2],
                          config=Config(s3={"addressing_style": "path"}, signature_version="s3"))
        v2_url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "report.txt"}, ExpiresIn=300)
        if "x-amz-security-token" not in v2_url or "Signature=" not in v2_url:
            fail(f"not a SigV2 URL with a token: {v2_url}")
        status, content = http("GET", v2_url)
        if (status == 200) != may_get:
            fail(f"{name}: SigV2 pre-signed GET answered {status}: {content[:300]}")
        status, _ = http("GET", list_url)
        if (status == 200) != ("s3:ListBucket" in grants[name]):
            fail(f"{name}: pre-signed list answered {status}")
        # The session cannot reach beyond the role, nor into IAM.
        denied(f"{name} deleting", lambda: s3.delete_object(Bucket=bucket, Key="report.txt"))
        denied(f"{name} calling IAM", lambda: client("iam", *session).list_roles())
        # An altered token, and a token from another session, are refused.
        tampered = session[2][:-8] + ("A" * 8 if not session[2].endswith("A" * 8) else "B" * 8)
        denied(f"{name} with an altered token", lambda: client("s3", session[0], session[1], tampered).list_buckets(), code="InvalidToken")

    first = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/team-admin", RoleSessionName="one")["Credentials"]
    second = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/team-admin", RoleSessionName="two")["Credentials"]
    denied("a token from another session", lambda: client("s3", first["AccessKeyId"], first["SecretAccessKey"], second["SessionToken"])
           .get_object(Bucket=bucket, Key="report.txt"), code="InvalidToken")
    denied("a session key without its token", lambda: client("s3", first["AccessKeyId"], first["SecretAccessKey"])
           .get_object(Bucket=bucket, Key="report.txt"), code="InvalidAccessKeyId")

    # A session policy can only narrow what the role allows.
    narrowed = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/team-admin", RoleSessionName="narrow",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "*"}]}),
    )["Credentials"]
    s3 = client("s3", narrowed["AccessKeyId"], narrowed["SecretAccessKey"], narrowed["SessionToken"])
    if body(s3, bucket, "report.txt") != b"quarterly report":
        fail("the narrowed session cannot read")
    denied("the narrowed session writing", lambda: s3.put_object(Bucket=bucket, Key="n.txt", Body=b"n"))
    denied("the narrowed session deleting (the role never allowed it)", lambda: s3.delete_object(Bucket=bucket, Key="report.txt"))


def external_id_and_session_tags(iam, s3_root, account):
    step("ExternalId, session tags as policy variables, role chaining")
    bucket = "team-files"
    for team in ("red", "blue"):
        s3_root.put_object(Bucket=bucket, Key=f"teams/{team}/plan.txt", Body=f"{team} plan".encode())
    partner = client("sts", *new_user(iam, "partner", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": f"arn:aws:iam::{account}:role/partner-*"}],
    }))
    iam.create_role(RoleName="partner-access", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/partner"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "contract-4711"}}},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/partner"}, "Action": "sts:TagSession",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
        ],
    }))
    # One role for every team: the session's tag decides which folder it reaches.
    iam.put_role_policy(RoleName="partner-access", PolicyName="team-folder", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/teams/${{aws:PrincipalTag/team}}/*"}],
    }))
    role = f"arn:aws:iam::{account}:role/partner-access"
    denied("assuming without the ExternalId", lambda: partner.assume_role(RoleArn=role, RoleSessionName="partner"))
    denied("assuming with a wrong ExternalId", lambda: partner.assume_role(RoleArn=role, RoleSessionName="partner", ExternalId="contract-0000"))
    denied("a session tag the trust policy does not allow", lambda: partner.assume_role(
        RoleArn=role, RoleSessionName="partner", ExternalId="contract-4711", Tags=[{"Key": "admin", "Value": "yes"}]))
    creds = partner.assume_role(RoleArn=role, RoleSessionName="partner", ExternalId="contract-4711",
                                Tags=[{"Key": "team", "Value": "red"}])["Credentials"]
    s3 = client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    if body(s3, bucket, "teams/red/plan.txt") != b"red plan":
        fail("the red session cannot read the red folder")
    denied("the red session reading the blue folder", lambda: s3.get_object(Bucket=bucket, Key="teams/blue/plan.txt"))

    # Role chaining: a session may assume another role, for at most an hour.
    iam.update_assume_role_policy(RoleName="team-viewer", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": [
            f"arn:aws:iam::{account}:user/operator", f"arn:aws:iam::{account}:role/partner-access"]}, "Action": "sts:AssumeRole"}],
    }))
    iam.put_role_policy(RoleName="partner-access", PolicyName="chain", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{account}:role/team-viewer"}],
    }))
    chained_sts = client("sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    denied("a chained session longer than an hour", lambda: chained_sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/team-viewer", RoleSessionName="chained", DurationSeconds=3601), code="ValidationError")
    chained = chained_sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/team-viewer", RoleSessionName="chained")["Credentials"]
    viewer = client("s3", chained["AccessKeyId"], chained["SecretAccessKey"], chained["SessionToken"])
    if body(viewer, bucket, "report.txt") != b"quarterly report":
        fail("the chained viewer session cannot read")


def expiry(iam, account):
    step("temporary credentials expire")
    # botocore refuses DurationSeconds under AWS's 900 before sending; this server was started
    # with a lower minimum so that expiry can be watched in seconds.
    sts = client("sts", *new_user(iam, "shortlived", {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{account}:role/team-viewer"},
        ],
    }), validate=False)
    iam.update_assume_role_policy(RoleName="team-viewer", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": [
            f"arn:aws:iam::{account}:user/operator", f"arn:aws:iam::{account}:user/shortlived"]}, "Action": "sts:AssumeRole"}],
    }))
    # Long enough to be used before it expires even on a loaded machine; then wait it out.
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/team-viewer", RoleSessionName="brief", DurationSeconds=8)["Credentials"]
    s3 = client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "team-files", "Key": "report.txt"}, ExpiresIn=600)
    if body(s3, "team-files", "report.txt") != b"quarterly report":
        fail("the short session cannot read before it expires")
    if http("GET", url)[0] != 200:
        fail("the pre-signed URL fails before the session expires")
    expiration = creds["Expiration"].timestamp()
    time.sleep(max(0.0, expiration - time.time()) + 1.5)
    denied("a session after it expired", lambda: s3.get_object(Bucket="team-files", Key="report.txt"), code="ExpiredToken")
    status, content = http("GET", url)
    if status != 400 or b"<Code>ExpiredToken</Code>" not in content:
        fail(f"the pre-signed URL of an expired session answered {status}: {content[:200]}")


def main():
    print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}", flush=True)
    iam = client("iam")
    s3_root = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    home_folders(iam, s3_root, account)
    own_buckets(iam, s3_root)
    roles(iam, s3_root, account)
    external_id_and_session_tags(iam, s3_root, account)
    expiry(iam, account)
    print("OK", flush=True)


main()
