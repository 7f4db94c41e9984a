#!/usr/bin/env python3
"""Object tagging with boto3: Put/Get/DeleteObjectTagging on versions, x-amz-tagging on PutObject
and multipart uploads, CopyObject's tagging directive, x-amz-tagging-count, S3's limits and
errors, and bucket policies on s3:ExistingObjectTag/* and s3:RequestObjectTag/*.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check.
"""

import json
import os
import uuid

from session_checks import check, eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
BUCKET = "tags-" + uuid.uuid4().hex[:8]
SECRET = [{"Key": "classification", "Value": "secret"}, {"Key": "team", "Value": "blue"}]


def tags(s3, key, **kwargs):
    return s3.get_object_tagging(Bucket=BUCKET, Key=key, **kwargs)["TagSet"]


def main():
    s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    print(f"tagging.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)
    s3.create_bucket(Bucket=BUCKET)
    try:
        session(s3)
    finally:
        s3.delete_bucket_policy(Bucket=BUCKET)
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=BUCKET, Key=item["Key"], VersionId=item["VersionId"])
        for upload in s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])
        s3.delete_bucket(Bucket=BUCKET)


def session(s3):
    # Unversioned: tags on the null version, no x-amz-version-id.
    s3.put_object(Bucket=BUCKET, Key="plain", Body=b"plain")
    eq(tags(s3, "plain"), [], "GetObjectTagging without tags")
    check("TagCount" not in s3.head_object(Bucket=BUCKET, Key="plain"), "HEAD of an untagged object has no x-amz-tagging-count")
    response = s3.put_object_tagging(Bucket=BUCKET, Key="plain", Tagging={"TagSet": SECRET})
    check("VersionId" not in response, "no x-amz-version-id in a never-versioned bucket")
    eq(tags(s3, "plain"), SECRET, "tags after PutObjectTagging")
    head = s3.head_object(Bucket=BUCKET, Key="plain")["ResponseMetadata"]["HTTPHeaders"]
    eq(head.get("x-amz-tagging-count"), "2", "HEAD x-amz-tagging-count")
    eq(s3.get_object(Bucket=BUCKET, Key="plain")["TagCount"], 2, "GET x-amz-tagging-count")
    s3.delete_object_tagging(Bucket=BUCKET, Key="plain")
    eq(tags(s3, "plain"), [], "tags after DeleteObjectTagging")
    ok("Put/Get/DeleteObjectTagging on an unversioned object, x-amz-tagging-count")

    # x-amz-tagging on PutObject, URL-encoded.
    s3.put_object(Bucket=BUCKET, Key="header", Body=b"x", Tagging="project=coffer%20one&empty=&path=a%2Fb")
    eq(tags(s3, "header"), [{"Key": "project", "Value": "coffer one"}, {"Key": "empty", "Value": ""}, {"Key": "path", "Value": "a/b"}],
       "tags from x-amz-tagging")
    ok("PutObject with x-amz-tagging")

    # Versions: each keeps its own tags; tagging a version makes no new one.
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"one")["VersionId"]
    response = s3.put_object_tagging(Bucket=BUCKET, Key="doc", Tagging={"TagSet": SECRET})
    eq(response["VersionId"], v1, "PutObjectTagging answers the version it tagged")
    v2 = s3.put_object(Bucket=BUCKET, Key="doc", Body=b"two", Tagging="classification=public")["VersionId"]
    eq(tags(s3, "doc", VersionId=v1), SECRET, "v1 keeps its tags after an overwrite")
    eq(tags(s3, "doc"), [{"Key": "classification", "Value": "public"}], "v2 has its own tags")
    response = s3.get_object_tagging(Bucket=BUCKET, Key="doc", VersionId=v1)
    eq(response["VersionId"], v1, "GetObjectTagging with versionId answers x-amz-version-id")
    s3.put_object_tagging(Bucket=BUCKET, Key="doc", VersionId=v1, Tagging={"TagSet": [{"Key": "state", "Value": "archived"}]})
    eq(tags(s3, "doc", VersionId=v1), [{"Key": "state", "Value": "archived"}], "PutObjectTagging on v1")
    eq(tags(s3, "doc", VersionId=v2), [{"Key": "classification", "Value": "public"}], "v2 untouched")
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="doc")["Versions"]
    eq(len(versions), 2, "no new version from tagging")
    response = s3.delete_object_tagging(Bucket=BUCKET, Key="doc", VersionId=v1)
    eq(response["VersionId"], v1, "DeleteObjectTagging answers the version")
    eq(tags(s3, "doc", VersionId=v1), [], "v1 without tags")
    s3.put_object_tagging(Bucket=BUCKET, Key="doc", VersionId=v1, Tagging={"TagSet": SECRET})
    ok("tags per version")

    expect_error("GetObjectTagging of a missing key", s3.get_object_tagging, "NoSuchKey", 404, Bucket=BUCKET, Key="missing")
    expect_error("GetObjectTagging of a missing version", s3.get_object_tagging, "NoSuchVersion", 404,
                 Bucket=BUCKET, Key="doc", VersionId="0" * 32)
    marker = s3.delete_object(Bucket=BUCKET, Key="doc")["VersionId"]
    expect_error("GetObjectTagging behind a delete marker", s3.get_object_tagging, "NoSuchKey", 404, Bucket=BUCKET, Key="doc")
    expect_error("PutObjectTagging on a delete marker by id", s3.put_object_tagging, "MethodNotAllowed", 405,
                 Bucket=BUCKET, Key="doc", VersionId=marker, Tagging={"TagSet": SECRET})
    s3.delete_object(Bucket=BUCKET, Key="doc", VersionId=marker)
    eq(tags(s3, "doc"), [{"Key": "classification", "Value": "public"}], "tags back with the version")

    # CopyObject: COPY (the default) takes the source's tags, REPLACE the request's.
    s3.copy_object(Bucket=BUCKET, Key="copied", CopySource={"Bucket": BUCKET, "Key": "doc", "VersionId": v1})
    eq(tags(s3, "copied"), SECRET, "CopyObject copies the source version's tags")
    s3.copy_object(Bucket=BUCKET, Key="replaced", CopySource={"Bucket": BUCKET, "Key": "doc"},
                   TaggingDirective="REPLACE", Tagging="owner=alex")
    eq(tags(s3, "replaced"), [{"Key": "owner", "Value": "alex"}], "CopyObject with REPLACE")
    s3.copy_object(Bucket=BUCKET, Key="cleared", CopySource={"Bucket": BUCKET, "Key": "doc"}, TaggingDirective="REPLACE")
    eq(tags(s3, "cleared"), [], "CopyObject with REPLACE and no tags")
    ok("CopyObject tagging directive")

    # Multipart: the tags land on the completed object.
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="big", Tagging="kind=video&size=large")["UploadId"]
    part = s3.upload_part(Bucket=BUCKET, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 1024)["ETag"]
    s3.complete_multipart_upload(Bucket=BUCKET, Key="big", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
    eq(tags(s3, "big"), [{"Key": "kind", "Value": "video"}, {"Key": "size", "Value": "large"}], "multipart tags")
    eq(s3.get_object(Bucket=BUCKET, Key="big")["TagCount"], 2, "multipart x-amz-tagging-count")
    ok("CreateMultipartUpload with x-amz-tagging")

    # Limits and malformed input.
    eleven = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    expect_error("11 tags", s3.put_object_tagging, "BadRequest", 400, Bucket=BUCKET, Key="plain", Tagging={"TagSet": eleven})
    expect_error("11 tags in x-amz-tagging", s3.put_object, "BadRequest", 400, Bucket=BUCKET, Key="eleven", Body=b"x",
                 Tagging="&".join(f"k{i}=v" for i in range(11)))
    expect_error("a 129-character key", s3.put_object_tagging, "InvalidTag", 400, Bucket=BUCKET, Key="plain",
                 Tagging={"TagSet": [{"Key": "k" * 129, "Value": "v"}]})
    expect_error("a 257-character value", s3.put_object_tagging, "InvalidTag", 400, Bucket=BUCKET, Key="plain",
                 Tagging={"TagSet": [{"Key": "k", "Value": "v" * 257}]})
    expect_error("duplicate keys", s3.put_object_tagging, "InvalidTag", 400, Bucket=BUCKET, Key="plain",
                 Tagging={"TagSet": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]})
    expect_error("an aws: key", s3.put_object_tagging, "InvalidTag", 400, Bucket=BUCKET, Key="plain",
                 Tagging={"TagSet": [{"Key": "aws:owner", "Value": "1"}]})
    expect_error("a bad x-amz-tagging encoding", s3.put_object, "InvalidArgument", 400, Bucket=BUCKET, Key="bad", Body=b"x",
                 Tagging="k=%zz")
    expect_error("duplicate keys in x-amz-tagging", s3.put_object, "InvalidArgument", 400, Bucket=BUCKET, Key="bad", Body=b"x",
                 Tagging="k=1&k=2")
    expect_error("an unknown tagging directive", s3.copy_object, "InvalidArgument", 400, Bucket=BUCKET, Key="bad",
                 CopySource={"Bucket": BUCKET, "Key": "doc"}, TaggingDirective="MERGE")
    s3.put_object_tagging(Bucket=BUCKET, Key="plain", Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v" * 256} for i in range(9)]
                                                                 + [{"Key": "k" * 128, "Value": ""}]})
    eq(len(tags(s3, "plain")), 10, "ten tags at the longest lengths")
    check(not any(v["Key"] in ("eleven", "bad") for v in s3.list_object_versions(Bucket=BUCKET).get("Versions", [])),
          "refused writes left nothing")
    ok("limits")

    # Bucket policy on the object's existing tags and the request's tags (explicit denies bind the root too).
    s3.put_object(Bucket=BUCKET, Key="report", Body=b"r", Tagging="classification=secret")
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoSecrets", "Effect": "Deny", "Principal": "*", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
         "Resource": f"arn:aws:s3:::{BUCKET}/*",
         "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "secret"}}},
        {"Sid": "NoForbiddenTags", "Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:PutObjectTagging"],
         "Resource": f"arn:aws:s3:::{BUCKET}/*",
         "Condition": {"StringEquals": {"s3:RequestObjectTag/classification": "forbidden"}}},
    ]}))
    expect_error("GetObject of a secret object", s3.get_object, "AccessDenied", 403, Bucket=BUCKET, Key="report")
    eq(s3.get_object(Bucket=BUCKET, Key="big")["Body"].read(), b"p" * 1024, "GetObject of an object that is not secret")
    expect_error("PutObject with a forbidden tag", s3.put_object, "AccessDenied", 403, Bucket=BUCKET, Key="report2", Body=b"x",
                 Tagging="classification=forbidden")
    expect_error("PutObjectTagging with a forbidden tag", s3.put_object_tagging, "AccessDenied", 403, Bucket=BUCKET, Key="big",
                 Tagging={"TagSet": [{"Key": "classification", "Value": "forbidden"}]})
    s3.put_object_tagging(Bucket=BUCKET, Key="report", Tagging={"TagSet": [{"Key": "classification", "Value": "internal"}]})
    eq(s3.get_object(Bucket=BUCKET, Key="report")["Body"].read(), b"r", "GetObject once the tag changed")
    ok("s3:ExistingObjectTag and s3:RequestObjectTag in a bucket policy")


if __name__ == "__main__":
    run(main, "tagging.py")
