#!/usr/bin/env python3
"""Bucket lifecycle configuration with boto3: Put/Get/DeleteBucketLifecycleConfiguration round
trips (filters, legacy prefix, every supported action, x-amz-transition-default-minimum-object-size),
and S3's errors: bad values and dates, malformed XML, 1,001 rules, transitions, a missing
Content-MD5, an unknown bucket, and a user without s3:PutLifecycleConfiguration.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check.
"""

import base64
import datetime
import hashlib
import json
import os
import uuid

from session_checks import check, eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
BUCKET = "lifecycle-" + uuid.uuid4().hex[:8]
USER = "lifecycle-reader-" + uuid.uuid4().hex[:6]
CONFIG = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
MIDNIGHT = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

RULES = [
    {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
     "Expiration": {"Days": 30}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
    {"ID": "tagged", "Status": "Disabled",
     "Filter": {"And": {"Prefix": "docs/", "Tags": [{"Key": "class", "Value": "temp"}, {"Key": "team", "Value": "blue"}],
                        "ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 1048576}},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 10, "NewerNoncurrentVersions": 3}},
    {"ID": "dated", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled", "Expiration": {"Date": MIDNIGHT}},
    {"ID": "markers", "Filter": {}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True}},
    {"ID": "legacy", "Prefix": "old/", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
]


def s3_client(key=None, secret=None):
    kwargs = {} if key is None else {"aws_access_key_id": key, "aws_secret_access_key": secret}
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1", config=CONFIG, **kwargs)


def raw_put(s3, body, integrity=True):
    """PutBucketLifecycleConfiguration with exactly this body, signed as usual; with integrity=False
    neither Content-MD5 nor an x-amz-checksum header is sent."""
    def replace(request, **_):
        for name in list(request.headers.keys()):
            if name.lower() == "content-md5" or name.lower().startswith("x-amz-checksum-") or name.lower() in ("x-amz-sdk-checksum-algorithm", "x-amz-trailer"):
                del request.headers[name]
        request.data = body
        request.headers["Content-Length"] = str(len(body))
        if integrity:
            request.headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()

    s3.meta.events.register_first("before-sign.s3.PutBucketLifecycleConfiguration", replace, unique_id="raw-lifecycle")
    try:
        return s3.put_bucket_lifecycle_configuration(
            Bucket=BUCKET, LifecycleConfiguration={"Rules": [{"ID": "x", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    finally:
        s3.meta.events.unregister("before-sign.s3.PutBucketLifecycleConfiguration", unique_id="raw-lifecycle")


def document(*rules):
    return f"<LifecycleConfiguration {NS}>{''.join(rules)}</LifecycleConfiguration>".encode()


def rule(action, filter_="<Filter><Prefix>a/</Prefix></Filter>"):
    return f"<Rule><ID>r</ID>{filter_}<Status>Enabled</Status>{action}</Rule>"


def main():
    s3 = s3_client()
    print(f"lifecycle.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)
    s3.create_bucket(Bucket=BUCKET)
    iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
    try:
        session(s3, iam)
    finally:
        try:
            for key in iam.list_access_keys(UserName=USER)["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=USER, AccessKeyId=key["AccessKeyId"])
            iam.delete_user_policy(UserName=USER, PolicyName="lifecycle-read")
            iam.delete_user(UserName=USER)
        except Exception:  # noqa: BLE001  (the user may not exist yet)
            pass
        s3.delete_bucket(Bucket=BUCKET)


def session(s3, iam):
    expect_error("GetBucketLifecycleConfiguration before any", s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=BUCKET)
    error = expect_error("the 404 names the bucket", s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=BUCKET)
    eq(error.response["Error"].get("BucketName"), BUCKET, "NoSuchLifecycleConfiguration's BucketName")
    eq(error.response["Error"].get("Message"), "The lifecycle configuration does not exist", "NoSuchLifecycleConfiguration's message")

    response = s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": RULES})
    eq(response["ResponseMetadata"]["HTTPStatusCode"], 200, "PutBucketLifecycleConfiguration status")
    eq(response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-transition-default-minimum-object-size"), "all_storage_classes_128K",
       "Put echoes the default minimum object size")
    got = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)
    eq(got["Rules"], RULES, "GetBucketLifecycleConfiguration returns the rules as they were put")
    eq(got["ResponseMetadata"]["HTTPHeaders"].get("x-amz-transition-default-minimum-object-size"), "all_storage_classes_128K",
       "Get echoes the minimum object size")
    ok("Put/Get round trip: prefix, And with tags and sizes, tag, empty filter, legacy Prefix, every action")

    members = s3.meta.service_model.operation_model("PutBucketLifecycleConfiguration").input_shape.members
    if "TransitionDefaultMinimumObjectSize" in members:
        response = s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": RULES[:1]},
                                                         TransitionDefaultMinimumObjectSize="varies_by_storage_class")
        eq(response.get("TransitionDefaultMinimumObjectSize"), "varies_by_storage_class", "Put answers the size it was given")
        got = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)
        eq(got.get("TransitionDefaultMinimumObjectSize"), "varies_by_storage_class", "Get answers the stored size")
        eq(len(got["Rules"]), 1, "a second Put replaces the whole configuration")
        ok("x-amz-transition-default-minimum-object-size is kept and echoed")

    # Errors; none of them replaces the stored configuration.
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": RULES})
    many = [{"ID": f"r{i}", "Filter": {"Prefix": f"p{i}/"}, "Status": "Enabled", "Expiration": {"Days": 1}} for i in range(1001)]
    expect_error("1,001 rules", s3.put_bucket_lifecycle_configuration, "InvalidRequest", 400,
                 Bucket=BUCKET, LifecycleConfiguration={"Rules": many})
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": many[:1000]})
    eq(len(s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]), 1000, "1,000 rules are accepted")
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": RULES})

    error = expect_error("Days 0", raw_put, "InvalidArgument", 400, s3=s3, body=document(rule("<Expiration><Days>0</Days></Expiration>")))
    eq(error.response["Error"]["Message"], "'Days' for Expiration action must be a positive integer", "Days 0 message")
    expect_error("Days -5", raw_put, "InvalidArgument", 400, s3=s3, body=document(rule("<Expiration><Days>-5</Days></Expiration>")))
    expect_error("NoncurrentDays 0", raw_put, "InvalidArgument", 400, s3=s3,
                 body=document(rule("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>")))
    expect_error("DaysAfterInitiation 0", raw_put, "InvalidArgument", 400, s3=s3,
                 body=document(rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>")))
    expect_error("NewerNoncurrentVersions 101", raw_put, "InvalidArgument", 400, s3=s3,
                 body=document(rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>")))
    error = expect_error("a Date at noon", s3.put_bucket_lifecycle_configuration, "InvalidArgument", 400, Bucket=BUCKET,
                         LifecycleConfiguration={"Rules": [{"ID": "noon", "Filter": {}, "Status": "Enabled",
                                                            "Expiration": {"Date": MIDNIGHT + datetime.timedelta(hours=12)}}]})
    eq(error.response["Error"]["Message"], "'Date' must be at midnight GMT", "non-midnight Date message")
    expect_error("an impossible Date", raw_put, "MalformedXML", 400, s3=s3,
                 body=document(rule("<Expiration><Date>2030-02-30T00:00:00.000Z</Date></Expiration>")))
    expect_error("a Date that is not a date", raw_put, "MalformedXML", 400, s3=s3,
                 body=document(rule("<Expiration><Date>next tuesday</Date></Expiration>")))
    expect_error("Expiration with Days and Date", s3.put_bucket_lifecycle_configuration, "MalformedXML", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [{"ID": "both", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1, "Date": MIDNIGHT}}]})
    expect_error("malformed XML", raw_put, "MalformedXML", 400, s3=s3, body=b"<LifecycleConfiguration><Rule><ID>x</ID>")
    expect_error("an entity in the XML", raw_put, "MalformedXML", 400, s3=s3,
                 body=b'<!DOCTYPE x [<!ENTITY e "e">]><LifecycleConfiguration><Rule><ID>&e;</ID></Rule></LifecycleConfiguration>')
    expect_error("a rule without an action", raw_put, "InvalidRequest", 400, s3=s3, body=document(rule("")))
    expect_error("duplicate rule IDs", s3.put_bucket_lifecycle_configuration, "InvalidArgument", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [RULES[0], RULES[0]]})
    expect_error("ExpiredObjectDeleteMarker with a tag filter", s3.put_bucket_lifecycle_configuration, "InvalidRequest", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [{"ID": "t", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled",
                                                    "Expiration": {"ExpiredObjectDeleteMarker": True}}]})
    expect_error("AbortIncompleteMultipartUpload with a tag filter", s3.put_bucket_lifecycle_configuration, "InvalidRequest", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [{"ID": "t", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled",
                                                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
    expect_error("ObjectSizeGreaterThan not below ObjectSizeLessThan", s3.put_bucket_lifecycle_configuration, "InvalidArgument", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [{"ID": "s", "Status": "Enabled", "Expiration": {"Days": 1},
                                                    "Filter": {"And": {"ObjectSizeGreaterThan": 100, "ObjectSizeLessThan": 50}}}]})
    expect_error("a Transition (one storage class)", s3.put_bucket_lifecycle_configuration, "InvalidRequest", 400, Bucket=BUCKET,
                 LifecycleConfiguration={"Rules": [{"ID": "g", "Filter": {}, "Status": "Enabled", "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]})
    error = expect_error("no Content-MD5 and no checksum", raw_put, "InvalidRequest", 400, s3=s3, integrity=False,
                         body=document(rule("<Expiration><Days>1</Days></Expiration>")))
    eq(error.response["Error"]["Message"], "Missing required header for this request: Content-MD5", "missing Content-MD5 message")
    expect_error("an unknown bucket", s3.put_bucket_lifecycle_configuration, "NoSuchBucket", 404,
                 Bucket=BUCKET + "-missing", LifecycleConfiguration={"Rules": RULES})
    expect_error("GET on an unknown bucket", s3.get_bucket_lifecycle_configuration, "NoSuchBucket", 404, Bucket=BUCKET + "-missing")
    eq(s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"], RULES, "refused Puts left the configuration alone")
    ok("refused configurations change nothing")

    # A user who may read the configuration but not change it.
    iam.create_user(UserName=USER)
    iam.put_user_policy(UserName=USER, PolicyName="lifecycle-read", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetLifecycleConfiguration", "Resource": f"arn:aws:s3:::{BUCKET}"}]}))
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    reader = s3_client(key["AccessKeyId"], key["SecretAccessKey"])
    eq(reader.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"], RULES, "s3:GetLifecycleConfiguration reads")
    expect_error("PutBucketLifecycleConfiguration without s3:PutLifecycleConfiguration", reader.put_bucket_lifecycle_configuration,
                 "AccessDenied", 403, Bucket=BUCKET, LifecycleConfiguration={"Rules": RULES[:1]})
    expect_error("DeleteBucketLifecycle without s3:PutLifecycleConfiguration", reader.delete_bucket_lifecycle, "AccessDenied", 403, Bucket=BUCKET)
    eq(len(s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]), len(RULES), "the denied calls changed nothing")

    response = s3.delete_bucket_lifecycle(Bucket=BUCKET)
    eq(response["ResponseMetadata"]["HTTPStatusCode"], 204, "DeleteBucketLifecycle status")
    expect_error("GetBucketLifecycleConfiguration after Delete", s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", 404, Bucket=BUCKET)
    eq(s3.delete_bucket_lifecycle(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"], 204, "DeleteBucketLifecycle again")
    ok("DeleteBucketLifecycle")


if __name__ == "__main__":
    run(main, "lifecycle.py")
