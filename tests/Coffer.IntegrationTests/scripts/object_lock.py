#!/usr/bin/env python3
"""Object lock with boto3: a bucket created with it, the default retention, retention and legal hold
per version (in PutObject's parameters and in their own calls), who may remove a locked version, and
S3's errors for the rest.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check. The locked bucket is left behind: nothing
may delete what compliance retention protects.
"""

import datetime
import os
import uuid

from session_checks import check, eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
BUCKET = "lock-" + uuid.uuid4().hex[:8]
PLAIN = "nolock-" + uuid.uuid4().hex[:8]


def later(**delta):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(**delta)


def main():
    s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    print(f"object_lock.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)
    s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket=PLAIN)
    bucket_configuration(s3)
    governance(s3)
    compliance(s3)
    legal_hold(s3)
    errors(s3)


def bucket_configuration(s3):
    eq(s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), "Enabled", "versioning of a bucket created with object lock")
    eq(s3.get_object_lock_configuration(Bucket=BUCKET)["ObjectLockConfiguration"], {"ObjectLockEnabled": "Enabled"},
       "GetObjectLockConfiguration of a new locked bucket")
    expect_error("suspending versioning under object lock", s3.put_bucket_versioning, "InvalidBucketState", 409,
                 Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    configuration = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration=configuration)
    eq(s3.get_object_lock_configuration(Bucket=BUCKET)["ObjectLockConfiguration"], configuration, "the default retention read back")
    expect_error("GetObjectLockConfiguration of a bucket without it", s3.get_object_lock_configuration,
                 "ObjectLockConfigurationNotFoundError", 404, Bucket=PLAIN)
    expect_error("PutObjectLockConfiguration on an unversioned bucket", s3.put_object_lock_configuration, "InvalidBucketState", 409,
                 Bucket=PLAIN, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    ok("bucket created with object lock, versioning on for good, default retention")


def governance(s3):
    before = later()
    version = s3.put_object(Bucket=BUCKET, Key="draft", Body=b"governed", ChecksumAlgorithm="SHA256")["VersionId"]
    retention = s3.get_object_retention(Bucket=BUCKET, Key="draft", VersionId=version)["Retention"]
    eq(retention["Mode"], "GOVERNANCE", "the default retention's mode on a new version")
    check(before + datetime.timedelta(days=1) - datetime.timedelta(minutes=1) <= retention["RetainUntilDate"] <= later(days=1, minutes=1),
          f"the default retention ends a day after the write: {retention['RetainUntilDate']}")
    head = s3.head_object(Bucket=BUCKET, Key="draft")
    eq(head.get("ObjectLockMode"), "GOVERNANCE", "HEAD x-amz-object-lock-mode")
    check("ObjectLockRetainUntilDate" in head, "HEAD x-amz-object-lock-retain-until-date")
    expect_error("deleting a governance-locked version without the bypass", s3.delete_object, "AccessDenied", 403,
                 Bucket=BUCKET, Key="draft", VersionId=version)
    expect_error("shortening governance retention without the bypass", s3.put_object_retention, "AccessDenied", 403,
                 Bucket=BUCKET, Key="draft", VersionId=version, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(hours=1)})
    s3.put_object_retention(Bucket=BUCKET, Key="draft", VersionId=version, BypassGovernanceRetention=True,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(hours=1)})
    s3.delete_object(Bucket=BUCKET, Key="draft", VersionId=version, BypassGovernanceRetention=True)
    expect_error("the removed version", s3.head_object, "404", 404, Bucket=BUCKET, Key="draft", VersionId=version)
    ok("governance retention gives way to the bypass header")


def compliance(s3):
    until = later(days=2).replace(microsecond=0)
    version = s3.put_object(Bucket=BUCKET, Key="record", Body=b"must not change", ChecksumAlgorithm="SHA256",
                            ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    eq(s3.get_object_retention(Bucket=BUCKET, Key="record")["Retention"], {"Mode": "COMPLIANCE", "RetainUntilDate": until},
       "retention from PutObject's headers")
    expect_error("deleting a compliance-locked version with the bypass", s3.delete_object, "AccessDenied", 403,
                 Bucket=BUCKET, Key="record", VersionId=version, BypassGovernanceRetention=True)
    result = s3.delete_objects(Bucket=BUCKET, BypassGovernanceRetention=True,
                               Delete={"Objects": [{"Key": "record", "VersionId": version}]})
    eq([error["Code"] for error in result.get("Errors", [])], ["AccessDenied"], "DeleteObjects of a compliance-locked version")
    expect_error("shortening compliance retention", s3.put_object_retention, "AccessDenied", 403,
                 Bucket=BUCKET, Key="record", VersionId=version, BypassGovernanceRetention=True,
                 Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later(days=1)})
    expect_error("turning compliance into governance", s3.put_object_retention, "AccessDenied", 403,
                 Bucket=BUCKET, Key="record", VersionId=version, BypassGovernanceRetention=True,
                 Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=3)})
    marker = s3.delete_object(Bucket=BUCKET, Key="record")
    check(marker.get("DeleteMarker"), "a delete without a version id writes a marker")
    eq(s3.get_object(Bucket=BUCKET, Key="record", VersionId=version)["Body"].read(), b"must not change", "the locked version after the marker")
    s3.put_object_retention(Bucket=BUCKET, Key="record", VersionId=version,
                            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until + datetime.timedelta(days=1)})
    ok("compliance retention resists deletes, bypass and shortening; extending is allowed")


def legal_hold(s3):
    version = s3.put_object(Bucket=BUCKET, Key="evidence", Body=b"x", ChecksumAlgorithm="SHA256", ObjectLockLegalHoldStatus="ON",
                            ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(seconds=1))["VersionId"]
    eq(s3.get_object_legal_hold(Bucket=BUCKET, Key="evidence")["LegalHold"], {"Status": "ON"}, "GetObjectLegalHold")
    eq(s3.head_object(Bucket=BUCKET, Key="evidence").get("ObjectLockLegalHoldStatus"), "ON", "HEAD x-amz-object-lock-legal-hold")
    expect_error("deleting a version under legal hold", s3.delete_object, "AccessDenied", 403,
                 Bucket=BUCKET, Key="evidence", VersionId=version, BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket=BUCKET, Key="evidence", VersionId=version, LegalHold={"Status": "OFF"})
    eq(s3.get_object_legal_hold(Bucket=BUCKET, Key="evidence", VersionId=version)["LegalHold"], {"Status": "OFF"}, "the hold lifted")
    s3.delete_object(Bucket=BUCKET, Key="evidence", VersionId=version, BypassGovernanceRetention=True)
    ok("legal hold blocks removal until lifted")


def errors(s3):
    s3.put_object(Bucket=PLAIN, Key="doc", Body=b"x")
    expect_error("GetObjectRetention in a bucket without object lock", s3.get_object_retention, "InvalidRequest", 400,
                 Bucket=PLAIN, Key="doc")
    expect_error("PutObject with lock parameters in a bucket without object lock", s3.put_object, "InvalidRequest", 400,
                 Bucket=PLAIN, Key="locked", Body=b"x", ChecksumAlgorithm="SHA256", ObjectLockMode="GOVERNANCE",
                 ObjectLockRetainUntilDate=later(days=1))
    s3.put_object(Bucket=BUCKET, Key="fresh", Body=b"x", ChecksumAlgorithm="SHA256")
    expect_error("retention in the past", s3.put_object_retention, "InvalidArgument", 400,
                 Bucket=BUCKET, Key="fresh", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later(days=-1)})
    expect_error("retention of a version that does not exist", s3.get_object_retention, "NoSuchVersion", 404,
                 Bucket=BUCKET, Key="record", VersionId="0" * 32)
    expect_error("retention of a malformed version id", s3.get_object_retention, "InvalidArgument", 400,
                 Bucket=BUCKET, Key="record", VersionId="not-a-version")
    expect_error("legal hold of a key that does not exist", s3.get_object_legal_hold, "NoSuchKey", 404,
                 Bucket=BUCKET, Key="nothing-here")
    s3.put_object(Bucket=BUCKET, Key="unlocked", Body=b"x", ChecksumAlgorithm="SHA256", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=later(seconds=2))
    s3.put_object_retention(Bucket=BUCKET, Key="unlocked", BypassGovernanceRetention=True, Retention={})
    expect_error("retention of a version that has none", s3.get_object_retention, "NoSuchObjectLockConfiguration", 404,
                 Bucket=BUCKET, Key="unlocked")
    ok("S3's errors for lock requests")


if __name__ == "__main__":
    run(main, "object_lock.py")
