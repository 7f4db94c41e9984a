#!/usr/bin/env python3
"""Block Public Access and BucketOwnerEnforced ACLs with boto3: a new bucket is fully blocked,
anonymous reads succeed only once the bucket's block is off and a public-read policy is in
place, GetBucketPolicyStatus says whether the policy is public, and ACLs other than private are
refused with AccessControlListNotSupported while reading one shows the owner's FULL_CONTROL.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check.
"""

import json
import os
import uuid

from session_checks import eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
BUCKET = "public-" + uuid.uuid4().hex[:8]
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def public_read(bucket):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/*"}],
    })


def main():
    common = {"endpoint_url": ENDPOINT, "region_name": "us-east-1"}
    s3 = boto3.client("s3", config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}), **common)
    anonymous = boto3.client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1},
                                                 s3={"addressing_style": "path"}), **common)
    print(f"public_access.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)

    s3.create_bucket(Bucket=BUCKET)
    try:
        session(s3, anonymous)
    finally:
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)


def session(s3, anonymous):
    s3.put_object(Bucket=BUCKET, Key="doc.txt", Body=b"public doc")

    eq(s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"], ALL_ON, "a new bucket's block")
    eq(s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"],
       [{"ObjectOwnership": "BucketOwnerEnforced"}], "a new bucket's ownership controls")
    ok("a new bucket is fully blocked and BucketOwnerEnforced")

    expect_error("anonymous GetObject on a new bucket", anonymous.get_object, "AccessDenied", 403, Bucket=BUCKET, Key="doc.txt")
    expect_error("a public policy while BlockPublicPolicy is on", s3.put_bucket_policy, "AccessDenied", 403,
                 Bucket=BUCKET, Policy=public_read(BUCKET))

    s3.delete_public_access_block(Bucket=BUCKET)
    expect_error("GetPublicAccessBlock after deleting it", s3.get_public_access_block,
                 "NoSuchPublicAccessBlockConfiguration", 404, Bucket=BUCKET)
    expect_error("anonymous GetObject without a policy", anonymous.get_object, "AccessDenied", 403, Bucket=BUCKET, Key="doc.txt")

    s3.put_bucket_policy(Bucket=BUCKET, Policy=public_read(BUCKET))
    eq(s3.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"]["IsPublic"], True, "IsPublic of a public-read policy")
    eq(anonymous.get_object(Bucket=BUCKET, Key="doc.txt")["Body"].read(), b"public doc", "anonymous GetObject")
    ok("block off + public-read policy: anonymous reads succeed")
    expect_error("anonymous ListObjectsV2 (not granted)", anonymous.list_objects_v2, "AccessDenied", 403, Bucket=BUCKET)
    expect_error("anonymous PutObject (not granted)", anonymous.put_object, "AccessDenied", 403, Bucket=BUCKET, Key="x", Body=b"x")

    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True})
    eq(s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"],
       {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": True},
       "the block as written")
    expect_error("anonymous GetObject with RestrictPublicBuckets on", anonymous.get_object, "AccessDenied", 403,
                 Bucket=BUCKET, Key="doc.txt")

    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration=ALL_ON)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*",
                       "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}],
    }))
    eq(s3.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"]["IsPublic"], False, "IsPublic of a policy pinned to addresses")
    ok("a policy pinned to addresses is not public and is accepted with the block on")

    # ACLs: disabled.
    expect_error("PutObject with ACL public-read", s3.put_object, "AccessControlListNotSupported", 400,
                 Bucket=BUCKET, Key="acl.txt", Body=b"x", ACL="public-read")
    expect_error("PutObject with GrantRead to everyone", s3.put_object, "AccessControlListNotSupported", 400,
                 Bucket=BUCKET, Key="acl.txt", Body=b"x", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
    s3.put_object(Bucket=BUCKET, Key="owned.txt", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=BUCKET, Key="private.txt", Body=b"x", ACL="private")
    ok("private and bucket-owner-full-control ACLs are accepted")

    owner = s3.list_buckets()["Owner"]
    for what, acl in (("GetBucketAcl", s3.get_bucket_acl(Bucket=BUCKET)),
                      ("GetObjectAcl", s3.get_object_acl(Bucket=BUCKET, Key="owned.txt"))):
        eq(acl["Owner"]["ID"], owner["ID"], f"{what} owner")
        eq(len(acl["Grants"]), 1, f"{what} grant count")
        grant = acl["Grants"][0]
        eq(grant["Permission"], "FULL_CONTROL", f"{what} permission")
        eq(grant["Grantee"]["Type"], "CanonicalUser", f"{what} grantee type")
        eq(grant["Grantee"]["ID"], owner["ID"], f"{what} grantee")
    ok("GetBucketAcl and GetObjectAcl show the owner's FULL_CONTROL")

    s3.put_bucket_acl(Bucket=BUCKET, ACL="private")
    expect_error("PutBucketAcl public-read", s3.put_bucket_acl, "AccessControlListNotSupported", 400, Bucket=BUCKET, ACL="public-read")
    expect_error("PutObjectAcl public-read", s3.put_object_acl, "AccessControlListNotSupported", 400,
                 Bucket=BUCKET, Key="owned.txt", ACL="public-read")
    expect_error("PutBucketOwnershipControls ObjectWriter", s3.put_bucket_ownership_controls, "InvalidRequest", 400,
                 Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    ok("PutBucketOwnershipControls accepts BucketOwnerEnforced only")


if __name__ == "__main__":
    run(main, "public_access.py")
