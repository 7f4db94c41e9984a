#!/usr/bin/env python3
"""A scripted session of encryption at rest with boto3: KMS keys and aliases, objects uploaded
with each kind of server-side encryption (none, so SSE-S3; AES256; aws:kms with an alias, the
AWS managed key and the bucket's default key; SSE-C) in single PUTs and multipart uploads, the
SSE headers S3 answers with, SSE-C keys right, wrong and missing, a bucket policy that demands
one KMS key, an IAM user without KMS permissions, disabled keys, keys pending deletion and key
rotation.

Runs with Debian's boto3 1.26 and current boto3. Where botocore predates RotateKeyOnDemand and
ListKeyRotations (1.26), they are sent as signed JSON requests instead, so both generations
rotate. Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's
root, COFFER_SSE_MARKER (optional): a text every uploaded body repeats, so that the caller can
look for it on disk, and COFFER_SSE_KEEP_OBJECTS=1 to leave the objects there for that. Exit
code 0 when every check passed; otherwise 1 with a FAIL line naming the check.
"""

import base64
import hashlib
import io
import json
import os
import sys
import time
import uuid

from sse_common import (  # noqa: E402  (sets the environment before boto3 loads)
    ENDPOINT, MARKER, MIB, REGION, ROOT, TRANSFER, CheckFailed, body, check, eq, kms_json, ok, rotate_on_demand,
)

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

SUFFIX = uuid.uuid4().hex[:8]

CUSTOMER_KEY = hashlib.sha256(b"sse_session.py customer key " + SUFFIX.encode()).digest()
OTHER_CUSTOMER_KEY = hashlib.sha256(b"sse_session.py another key " + SUFFIX.encode()).digest()
CUSTOMER_KEY_MD5 = base64.b64encode(hashlib.md5(CUSTOMER_KEY).digest()).decode("ascii")
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": CUSTOMER_KEY}
WRONG_SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": OTHER_CUSTOMER_KEY}


def expect_error(what, call, codes, status, **kwargs):
    """The call fails with HTTP `status` and one of `codes` (a HEAD has no body: its code is the status)."""
    if isinstance(codes, str):
        codes = (codes,)
    try:
        response = call(**kwargs)
    except ClientError as error:
        code = error.response["Error"].get("Code")
        got = error.response["ResponseMetadata"]["HTTPStatusCode"]
        text = error.response["Error"].get("Message")
        check(got == status and code in codes + (str(status),),
              f"{what}: expected HTTP {status} {'/'.join(codes)}, got HTTP {got} {code} ({text})")
        ok(f"{what} -> {got} {code}")
        return error
    if "Body" in response:
        response["Body"].close()
    raise CheckFailed(f"{what}: expected HTTP {status} {'/'.join(codes)}, but the call succeeded")


def s3_client(key=ROOT):
    s3 = boto3.session.Session().client(
        "s3", endpoint_url=ENDPOINT, region_name=REGION,
        aws_access_key_id=key[0], aws_secret_access_key=key[1],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                      retries={"max_attempts": 1}, read_timeout=120))

    # Current botocore sends its CRC as an aws-chunked trailer over https but as a header over
    # http; make it a trailer here too, so that encrypted uploads are read from aws-chunked bodies.
    def to_trailer(params, **_):
        algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"

    s3.meta.events.register("before-call.s3.PutObject", to_trailer)
    s3.meta.events.register("before-call.s3.UploadPart", to_trailer)
    return s3


def client(service, key=ROOT):
    return boto3.session.Session().client(
        service, endpoint_url=ENDPOINT, region_name=REGION,
        aws_access_key_id=key[0], aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}))


def list_key_rotations(kms, key_id):
    if hasattr(kms, "list_key_rotations"):
        return kms.list_key_rotations(KeyId=key_id)["Rotations"]
    return kms_json("ListKeyRotations", {"KeyId": key_id})["Rotations"]


def read(s3, **kwargs):
    response = s3.get_object(**kwargs)
    return response, response["Body"].read()


def download(s3, bucket, key, extra=None):
    sink = io.BytesIO()
    s3.download_fileobj(bucket, key, sink, ExtraArgs=extra, Config=TRANSFER)
    return sink.getvalue()


def expect_sse(response, what, algorithm=None, kms_arn=None, customer=False, bucket_key=None):
    """The SSE response headers of one mode: AES256, aws:kms with the key's ARN, or SSE-C with the key's MD5."""
    if customer:
        eq(response.get("SSECustomerAlgorithm"), "AES256", f"{what}: SSECustomerAlgorithm")
        eq(response.get("SSECustomerKeyMD5"), CUSTOMER_KEY_MD5, f"{what}: SSECustomerKeyMD5")
        eq(response.get("ServerSideEncryption"), None, f"{what}: no ServerSideEncryption with SSE-C")
        eq(response.get("SSEKMSKeyId"), None, f"{what}: no SSEKMSKeyId with SSE-C")
        return
    eq(response.get("ServerSideEncryption"), algorithm, f"{what}: ServerSideEncryption")
    eq(response.get("SSEKMSKeyId"), kms_arn, f"{what}: SSEKMSKeyId")
    eq(response.get("SSECustomerAlgorithm"), None, f"{what}: no SSECustomerAlgorithm")
    if bucket_key is not None:
        eq(bool(response.get("BucketKeyEnabled")), bucket_key, f"{what}: BucketKeyEnabled")


def round_trip(s3, bucket, key, data, what, extra, **mode):
    """HEAD, GET and a range GET of an uploaded object: its SSE headers and its bytes."""
    read_extra = SSE_C if mode.get("customer") else {}
    head = s3.head_object(Bucket=bucket, Key=key, **read_extra)
    expect_sse(head, f"{what} HEAD", **mode)
    eq(head["ContentLength"], len(data), f"{what} HEAD ContentLength")
    got, content = read(s3, Bucket=bucket, Key=key, **read_extra)
    expect_sse(got, f"{what} GET", **mode)
    check(content == data, f"{what}: GET returns other bytes ({len(content)} of {len(data)})")
    start = len(data) // 2 - 70_000
    ranged, part = read(s3, Bucket=bucket, Key=key, Range=f"bytes={start}-{start + 139_999}", **read_extra)
    check(part == data[start:start + 140_000], f"{what}: a range across segments returns other bytes")
    check(MARKER in part, f"{what}: the range holds the marker")
    eq(ranged["ContentRange"], f"bytes {start}-{start + 139_999}/{len(data)}", f"{what}: Content-Range")
    if extra is not None:
        check(download(s3, bucket, key, read_extra or None) == data, f"{what}: download_fileobj returns other bytes")


def main():
    s3 = s3_client()
    kms = client("kms")
    print(f"sse_session.py: boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}")
    bucket = f"sse-boto3-{SUFFIX}"
    s3.create_bucket(Bucket=bucket)
    try:
        run(s3, kms, bucket)
    finally:
        cleanup(s3, kms, bucket)


KEYS = {}


def run(s3, kms, bucket):
    print("== KMS keys and aliases")
    for name in ("objects", "default", "other", "lifecycle", "rotated"):
        metadata = kms.create_key(Description=f"sse_session.py {name}")["KeyMetadata"]
        eq(metadata["KeyState"], "Enabled", f"CreateKey {name}: state")
        alias = f"alias/sse-{name}-{SUFFIX}"
        kms.create_alias(AliasName=alias, TargetKeyId=metadata["KeyId"])
        eq(kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"], metadata["Arn"], f"DescribeKey {alias}")
        KEYS[name] = {"id": metadata["KeyId"], "arn": metadata["Arn"], "alias": alias}
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    eq(managed["KeyManager"], "AWS", "alias/aws/s3 is AWS managed")
    KEYS["aws/s3"] = {"arn": managed["Arn"]}
    ok(f"CreateKey and CreateAlias for {len(KEYS) - 1} keys; alias/aws/s3 is {managed['KeyId']}")

    print("== single PUT in each mode")
    eq(s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
       "AES256", "a new bucket's default encryption")
    objects = KEYS["objects"]
    modes = [
        ("none", {}, {"algorithm": "AES256"}),
        ("aes256", {"ServerSideEncryption": "AES256"}, {"algorithm": "AES256"}),
        ("kms-alias", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": objects["alias"]}, {"algorithm": "aws:kms", "kms_arn": objects["arn"]}),
        ("kms-id", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": objects["id"]}, {"algorithm": "aws:kms", "kms_arn": objects["arn"]}),
        ("kms-managed", {"ServerSideEncryption": "aws:kms"}, {"algorithm": "aws:kms", "kms_arn": KEYS["aws/s3"]["arn"]}),
        ("sse-c", SSE_C, {"customer": True}),
    ]
    stored = {}
    for name, extra, mode in modes:
        data = body(300_000)
        put = s3.put_object(Bucket=bucket, Key=f"single/{name}", Body=data, **extra)
        expect_sse(put, f"PutObject {name}", **mode)
        if not mode.get("customer"):
            eq(put["ETag"], '"' + hashlib.md5(data).hexdigest() + '"', f"PutObject {name}: the ETag is the MD5")
        round_trip(s3, bucket, f"single/{name}", data, f"single/{name}", None, **mode)
        stored[f"single/{name}"] = (data, mode)
        ok(f"PutObject {name}: headers on PUT, HEAD and GET, whole and ranged reads")

    print("== the bucket's default key")
    default = KEYS["default"]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": default["alias"]},
        "BucketKeyEnabled": True}]})
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    eq(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": default["alias"]}, "GetBucketEncryption")
    eq(rule.get("BucketKeyEnabled"), True, "GetBucketEncryption BucketKeyEnabled")
    data = body(200_000)
    put = s3.put_object(Bucket=bucket, Key="default/plain", Body=data)
    expect_sse(put, "PutObject under a KMS default", algorithm="aws:kms", kms_arn=default["arn"], bucket_key=True)
    round_trip(s3, bucket, "default/plain", data, "default/plain", None, algorithm="aws:kms", kms_arn=default["arn"], bucket_key=True)
    stored["default/plain"] = (data, {"algorithm": "aws:kms", "kms_arn": default["arn"]})
    data = body(100_000)
    put = s3.put_object(Bucket=bucket, Key="default/aes256", Body=data, ServerSideEncryption="AES256")
    expect_sse(put, "PutObject AES256 under a KMS default", algorithm="AES256")
    put = s3.put_object(Bucket=bucket, Key="default/explicit-kms", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=objects["arn"])
    expect_sse(put, "PutObject naming another key under a KMS default", algorithm="aws:kms", kms_arn=objects["arn"])
    ok("PutBucketEncryption aws:kms with an alias: plain PUTs use its key ARN with a bucket key; explicit headers win")
    large = body(12 * MIB + 12_345)
    s3.upload_fileobj(io.BytesIO(large), bucket, "default/multipart", Config=TRANSFER)
    head = s3.head_object(Bucket=bucket, Key="default/multipart")
    check(head["ETag"].endswith('-2"'), f"upload_fileobj of 12 MiB: a 2-part ETag, got {head['ETag']}")
    round_trip(s3, bucket, "default/multipart", large, "default/multipart", {}, algorithm="aws:kms", kms_arn=default["arn"], bucket_key=True)
    stored["default/multipart"] = (large, {"algorithm": "aws:kms", "kms_arn": default["arn"]})
    ok("upload_fileobj of 12 MiB under the KMS default: 2 parts, its key ARN")
    s3.delete_bucket_encryption(Bucket=bucket)
    eq(s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"],
       {"SSEAlgorithm": "AES256"}, "GetBucketEncryption after DeleteBucketEncryption")
    expect_sse(s3.put_object(Bucket=bucket, Key="default/after", Body=b"after"), "PutObject after DeleteBucketEncryption", algorithm="AES256")
    expect_sse(s3.head_object(Bucket=bucket, Key="default/plain"), "an object of the old default, after DeleteBucketEncryption",
               algorithm="aws:kms", kms_arn=default["arn"])
    ok("DeleteBucketEncryption: back to AES256 for new objects; old objects keep their key")

    print("== multipart in each mode")
    for name, extra, mode in modes:
        if name == "kms-id":
            continue
        data = body(12 * MIB + 4321)
        s3.upload_fileobj(io.BytesIO(data), bucket, f"multipart/{name}", ExtraArgs=extra or None, Config=TRANSFER)
        head = s3.head_object(Bucket=bucket, Key=f"multipart/{name}", **(SSE_C if mode.get("customer") else {}))
        check(head["ETag"].endswith('-2"'), f"upload_fileobj {name}: a 2-part ETag, got {head['ETag']}")
        round_trip(s3, bucket, f"multipart/{name}", data, f"multipart/{name}", extra, **mode)
        stored[f"multipart/{name}"] = (data, mode)
        ok(f"upload_fileobj and download_fileobj of 12 MiB {name}: 2 parts, headers on HEAD and GET")

    for name, extra, mode in [
        ("kms-arn", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": objects["arn"]}, {"algorithm": "aws:kms", "kms_arn": objects["arn"]}),
        ("sse-c", SSE_C, {"customer": True}),
    ]:
        key = f"explicit/{name}"
        parts = [body(5 * MIB), body(777_777)]
        created = s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)
        expect_sse(created, f"CreateMultipartUpload {name}", **mode)
        part_extra = SSE_C if mode.get("customer") else {}
        etags = []
        for number, part in enumerate(parts, start=1):
            uploaded = s3.upload_part(Bucket=bucket, Key=key, UploadId=created["UploadId"], PartNumber=number, Body=part, **part_extra)
            expect_sse(uploaded, f"UploadPart {number} {name}", **mode)
            etags.append({"PartNumber": number, "ETag": uploaded["ETag"]})
        if mode.get("customer"):
            expect_error("UploadPart of an SSE-C upload without its key", s3.upload_part, "InvalidRequest", 400,
                         Bucket=bucket, Key=key, UploadId=created["UploadId"], PartNumber=3, Body=parts[1])
            expect_error("UploadPart of an SSE-C upload with another key", s3.upload_part, "AccessDenied", 403,
                         Bucket=bucket, Key=key, UploadId=created["UploadId"], PartNumber=3, Body=parts[1], **WRONG_SSE_C)
        completed = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=created["UploadId"], MultipartUpload={"Parts": etags})
        if not mode.get("customer"):
            expect_sse(completed, f"CompleteMultipartUpload {name}", **mode)
        else:
            eq(completed.get("ServerSideEncryption"), None, "CompleteMultipartUpload sse-c: no ServerSideEncryption")
        data = b"".join(parts)
        round_trip(s3, bucket, key, data, key, None, **mode)
        stored[key] = (data, mode)
        ok(f"CreateMultipartUpload, UploadPart x2, CompleteMultipartUpload {name}: headers on each, bytes back")

    print("== SSE-C keys")
    data, _ = stored["single/sse-c"]
    _, content = read(s3, Bucket=bucket, Key="single/sse-c", **SSE_C)
    check(content == data and MARKER in content, "GetObject with the right key returns the marker")
    ok("GetObject and HeadObject with the right key")
    expect_error("GetObject with another key", s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="single/sse-c", **WRONG_SSE_C)
    expect_error("HeadObject with another key", s3.head_object, "AccessDenied", 403, Bucket=bucket, Key="single/sse-c", **WRONG_SSE_C)
    expect_error("GetObject without a key", s3.get_object, "InvalidRequest", 400, Bucket=bucket, Key="single/sse-c")
    expect_error("HeadObject without a key", s3.head_object, "InvalidRequest", 400, Bucket=bucket, Key="single/sse-c")
    expect_error("GetObject of a multipart SSE-C object with another key", s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="multipart/sse-c", **WRONG_SSE_C)
    expect_error("GetObject of an SSE-S3 object with a customer key", s3.get_object, "InvalidRequest", 400, Bucket=bucket, Key="single/aes256", **SSE_C)
    expect_error("PutObject with SSE-C and aws:kms together", s3.put_object, "InvalidArgument", 400,
                 Bucket=bucket, Key="invalid", Body=b"x", ServerSideEncryption="aws:kms", **SSE_C)
    expect_error("PutObject with a KMS key that does not exist", s3.put_object, "KMS.NotFoundException", 400,
                 Bucket=bucket, Key="invalid", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/none-" + SUFFIX)
    copied = s3.copy_object(Bucket=bucket, Key="copy/from-sse-c", CopySource={"Bucket": bucket, "Key": "single/sse-c"},
                            CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=CUSTOMER_KEY,
                            ServerSideEncryption="aws:kms", SSEKMSKeyId=objects["alias"])
    expect_sse(copied, "CopyObject from SSE-C to aws:kms", algorithm="aws:kms", kms_arn=objects["arn"])
    _, content = read(s3, Bucket=bucket, Key="copy/from-sse-c")
    check(content == data, "CopyObject from SSE-C to aws:kms: the copy reads back without a customer key")
    expect_error("CopyObject of an SSE-C source without its key", s3.copy_object, "InvalidRequest", 400,
                 Bucket=bucket, Key="copy/keyless", CopySource={"Bucket": bucket, "Key": "single/sse-c"})
    copied = s3.copy_object(Bucket=bucket, Key="copy/to-sse-c", CopySource={"Bucket": bucket, "Key": "single/kms-alias"}, **SSE_C)
    expect_sse(copied, "CopyObject from aws:kms to SSE-C", customer=True)
    _, content = read(s3, Bucket=bucket, Key="copy/to-sse-c", **SSE_C)
    check(content == stored["single/kms-alias"][0], "CopyObject from aws:kms to SSE-C: bytes back with the key")
    ok("CopyObject re-encrypts under the destination's SSE")

    policy_and_user(s3, kms, bucket)
    key_states(s3, kms, bucket)
    rotation(s3, kms, bucket, stored)

    print("== everything still reads back")
    for key, (data, mode) in stored.items():
        _, content = read(s3, Bucket=bucket, Key=key, **(SSE_C if mode.get("customer") else {}))
        check(content == data, f"{key}: other bytes at the end of the session")
    ok(f"{len(stored)} objects intact")


def policy_and_user(s3, kms, bucket):
    print("== a bucket policy that demands one KMS key")
    required = KEYS["objects"]
    other = KEYS["other"]
    guarded = f"sse-policy-{SUFFIX}"
    s3.create_bucket(Bucket=guarded)
    try:
        resource = f"arn:aws:s3:::{guarded}/*"
        s3.put_bucket_policy(Bucket=guarded, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyOtherThanKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource,
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
            {"Sid": "DenyOtherKeys", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource,
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": required["arn"]}}},
        ]}))
        data = body(50_000)
        expect_error("PutObject without SSE headers", s3.put_object, "AccessDenied", 403, Bucket=guarded, Key="plain", Body=data)
        expect_error("PutObject AES256", s3.put_object, "AccessDenied", 403, Bucket=guarded, Key="aes256", Body=data, ServerSideEncryption="AES256")
        expect_error("PutObject SSE-C", s3.put_object, "AccessDenied", 403, Bucket=guarded, Key="sse-c", Body=data, **SSE_C)
        expect_error("PutObject aws:kms without a key", s3.put_object, "AccessDenied", 403, Bucket=guarded, Key="managed", Body=data, ServerSideEncryption="aws:kms")
        expect_error("PutObject aws:kms with another key", s3.put_object, "AccessDenied", 403,
                     Bucket=guarded, Key="other", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=other["arn"])
        expect_error("CreateMultipartUpload with another key", s3.create_multipart_upload, "AccessDenied", 403,
                     Bucket=guarded, Key="other-multipart", ServerSideEncryption="aws:kms", SSEKMSKeyId=other["arn"])
        put = s3.put_object(Bucket=guarded, Key="right", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=required["arn"])
        expect_sse(put, "PutObject with the required key", algorithm="aws:kms", kms_arn=required["arn"])
        # UploadPart is s3:PutObject too, and carries no SSE headers: AWS denies it under this
        # policy (boto/botocore#471, aws/aws-cli#4251), and so does this server.
        created = s3.create_multipart_upload(Bucket=guarded, Key="strict-multipart", ServerSideEncryption="aws:kms", SSEKMSKeyId=required["arn"])
        expect_error("UploadPart under StringNotEquals (the part has no SSE header)", s3.upload_part, "AccessDenied", 403,
                     Bucket=guarded, Key="strict-multipart", UploadId=created["UploadId"], PartNumber=1, Body=data)
        s3.abort_multipart_upload(Bucket=guarded, Key="strict-multipart", UploadId=created["UploadId"])
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket=guarded).get("Contents", [])]
        eq(listed, ["right"], "only the upload with the required key was stored")
        ok("Deny unless aws:kms with the key's ARN: other modes and keys refused, the key's ARN accepted")

        # ...IfExists would deny a part too (a negated operator on an absent key is true). What lets
        # parts through: deny only headers that are present and wrong, with the key as the bucket's default.
        def present_and_not(key, value):
            return {"StringNotEquals": {key: value}, "Null": {key: "false"}}

        s3.put_bucket_policy(Bucket=guarded, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyOtherThanKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource,
             "Condition": present_and_not("s3:x-amz-server-side-encryption", "aws:kms")},
            {"Sid": "DenyOtherKeys", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource,
             "Condition": present_and_not("s3:x-amz-server-side-encryption-aws-kms-key-id", required["arn"])},
            {"Sid": "DenySseC", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource,
             "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "false"}}},
        ]}))
        s3.put_bucket_encryption(Bucket=guarded, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": required["arn"]}}]})
        expect_error("PutObject AES256 under the present-and-wrong policy", s3.put_object, "AccessDenied", 403,
                     Bucket=guarded, Key="aes256", Body=data, ServerSideEncryption="AES256")
        expect_error("CreateMultipartUpload with another key under the present-and-wrong policy", s3.create_multipart_upload, "AccessDenied", 403,
                     Bucket=guarded, Key="other-multipart", ServerSideEncryption="aws:kms", SSEKMSKeyId=other["arn"])
        large = body(9 * MIB)
        s3.upload_fileobj(io.BytesIO(large), guarded, "right-multipart", Config=TRANSFER,
                          ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": required["arn"]})
        expect_sse(s3.head_object(Bucket=guarded, Key="right-multipart"), "upload_fileobj with the required key", algorithm="aws:kms", kms_arn=required["arn"])
        check(download(s3, guarded, "right-multipart") == large, "upload_fileobj with the required key reads back")
        s3.upload_fileobj(io.BytesIO(large), guarded, "default-multipart", Config=TRANSFER)
        expect_sse(s3.head_object(Bucket=guarded, Key="default-multipart"), "upload_fileobj without headers (the bucket's default)",
                   algorithm="aws:kms", kms_arn=required["arn"])
        ok("Deny of present-and-wrong headers with the key as default: AES256 and another key refused, multipart uploads with the key or the default accepted")

        print("== an IAM user: S3 allowed, KMS only as granted")
        iam = client("iam")
        user = f"sse-user-{SUFFIX}"
        iam.create_user(UserName=user)
        try:
            iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{guarded}", resource]}]}))
            created = iam.create_access_key(UserName=user)["AccessKey"]
            as_user = s3_client((created["AccessKeyId"], created["SecretAccessKey"]))
            wait_for_key(as_user, guarded)
            expect_error("the user's PutObject AES256 (the bucket policy's deny)", as_user.put_object, "AccessDenied", 403,
                         Bucket=guarded, Key="user-aes256", Body=data, ServerSideEncryption="AES256")
            expect_error("the user's PutObject with the key, without kms:GenerateDataKey", as_user.put_object, "AccessDenied", 403,
                         Bucket=guarded, Key="user-kms", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=required["arn"])
            expect_error("the user's GetObject of an SSE-KMS object, without kms:Decrypt", as_user.get_object, "AccessDenied", 403,
                         Bucket=guarded, Key="right")
            iam.put_user_policy(UserName=user, PolicyName="kms", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": required["arn"]}]}))
            put = as_user.put_object(Bucket=guarded, Key="user-kms", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=required["arn"])
            expect_sse(put, "the user's PutObject with kms:GenerateDataKey", algorithm="aws:kms", kms_arn=required["arn"])
            _, content = read(as_user, Bucket=guarded, Key="right")
            check(content == data, "the user's GetObject with kms:Decrypt")
            expect_error("the user's PutObject with another key (the bucket policy's deny)", as_user.put_object, "AccessDenied", 403,
                         Bucket=guarded, Key="user-other", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=other["arn"])
            ok("kms:GenerateDataKey and kms:Decrypt on the key are demanded of a user; the bucket policy binds the user too")
        finally:
            for name in ("s3", "kms"):
                try:
                    iam.delete_user_policy(UserName=user, PolicyName=name)
                except ClientError:
                    pass
            for access_key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=user, AccessKeyId=access_key["AccessKeyId"])
            iam.delete_user(UserName=user)
    finally:
        s3.delete_bucket_policy(Bucket=guarded)
        empty(s3, guarded)
        s3.delete_bucket(Bucket=guarded)


def wait_for_key(s3, bucket, seconds=10):
    deadline = time.time() + seconds
    while True:
        try:
            s3.list_objects_v2(Bucket=bucket)
            return
        except ClientError as error:
            if time.time() > deadline or error.response["Error"].get("Code") != "InvalidAccessKeyId":
                raise
            time.sleep(0.2)


def key_states(s3, kms, bucket):
    print("== a disabled key, a key pending deletion")
    lifecycle = KEYS["lifecycle"]
    data = body(150_000)
    s3.put_object(Bucket=bucket, Key="lifecycle/single", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=lifecycle["alias"])
    large = body(9 * MIB)
    s3.upload_fileobj(io.BytesIO(large), bucket, "lifecycle/multipart", Config=TRANSFER,
                      ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": lifecycle["arn"]})

    kms.disable_key(KeyId=lifecycle["id"])
    eq(kms.describe_key(KeyId=lifecycle["alias"])["KeyMetadata"]["KeyState"], "Disabled", "DescribeKey after DisableKey")
    expect_error("GetObject of an object under a disabled key", s3.get_object, "KMS.DisabledException", 400, Bucket=bucket, Key="lifecycle/single")
    expect_error("GetObject of a multipart object under a disabled key", s3.get_object, "KMS.DisabledException", 400, Bucket=bucket, Key="lifecycle/multipart")
    expect_error("PutObject with a disabled key", s3.put_object, "KMS.DisabledException", 400,
                 Bucket=bucket, Key="lifecycle/refused", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=lifecycle["alias"])
    _, content = read(s3, Bucket=bucket, Key="single/kms-alias")
    check(MARKER in content, "an object under another key stays readable while this one is disabled")
    kms.enable_key(KeyId=lifecycle["id"])
    _, content = read(s3, Bucket=bucket, Key="lifecycle/single")
    check(content == data, "GetObject after EnableKey returns the bytes")
    check(download(s3, bucket, "lifecycle/multipart") == large, "the multipart object after EnableKey")
    ok("DisableKey: reads and writes refused with KMS.DisabledException; EnableKey: readable again")

    scheduled = kms.schedule_key_deletion(KeyId=lifecycle["id"], PendingWindowInDays=7)
    eq(scheduled["KeyState"], "PendingDeletion", "ScheduleKeyDeletion state")
    expect_error("GetObject of an object under a key pending deletion", s3.get_object, "KMS.KMSInvalidStateException", 400, Bucket=bucket, Key="lifecycle/single")
    expect_error("PutObject with a key pending deletion", s3.put_object, "KMS.KMSInvalidStateException", 400,
                 Bucket=bucket, Key="lifecycle/refused", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=lifecycle["arn"])
    kms.cancel_key_deletion(KeyId=lifecycle["id"])
    eq(kms.describe_key(KeyId=lifecycle["id"])["KeyMetadata"]["KeyState"], "Disabled", "a cancelled deletion leaves the key disabled")
    expect_error("GetObject after CancelKeyDeletion, the key still disabled", s3.get_object, "KMS.DisabledException", 400, Bucket=bucket, Key="lifecycle/single")
    kms.enable_key(KeyId=lifecycle["id"])
    _, content = read(s3, Bucket=bucket, Key="lifecycle/single")
    check(content == data, "GetObject after CancelKeyDeletion and EnableKey")
    ok("ScheduleKeyDeletion: refused with KMS.KMSInvalidStateException; CancelKeyDeletion and EnableKey: readable again")


def rotation(s3, kms, bucket, stored):
    print("== key rotation")
    rotated = KEYS["rotated"]
    before = body(120_000)
    s3.put_object(Bucket=bucket, Key="rotation/before", Body=before, ServerSideEncryption="aws:kms", SSEKMSKeyId=rotated["alias"])
    large_before = body(9 * MIB)
    s3.upload_fileobj(io.BytesIO(large_before), bucket, "rotation/before-multipart", Config=TRANSFER,
                      ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": rotated["alias"]})
    kms.enable_key_rotation(KeyId=rotated["id"])
    check(kms.get_key_rotation_status(KeyId=rotated["id"])["KeyRotationEnabled"], "GetKeyRotationStatus after EnableKeyRotation")
    eq(list_key_rotations(kms, rotated["id"]), [], "ListKeyRotations before any rotation")
    eq(rotate_on_demand(kms, rotated["id"])["KeyId"], rotated["id"], "RotateKeyOnDemand")
    rotations = list_key_rotations(kms, rotated["id"])
    eq([r["RotationType"] for r in rotations], ["ON_DEMAND"], "ListKeyRotations after RotateKeyOnDemand")
    how = "boto3" if hasattr(kms, "rotate_key_on_demand") else "a signed JSON request (this botocore predates it)"
    ok(f"EnableKeyRotation, RotateKeyOnDemand and ListKeyRotations through {how}")

    after = body(130_000)
    put = s3.put_object(Bucket=bucket, Key="rotation/after", Body=after, ServerSideEncryption="aws:kms", SSEKMSKeyId=rotated["alias"])
    expect_sse(put, "PutObject after the rotation", algorithm="aws:kms", kms_arn=rotated["arn"])
    _, content = read(s3, Bucket=bucket, Key="rotation/before")
    check(content == before, "an object written before the rotation reads back")
    check(download(s3, bucket, "rotation/before-multipart") == large_before, "a multipart object written before the rotation reads back")
    _, content = read(s3, Bucket=bucket, Key="rotation/after")
    check(content == after, "an object written after the rotation reads back")
    # The second version wraps new data keys: old ciphertexts and new ones name different versions.
    fresh = kms.encrypt(KeyId=rotated["id"], Plaintext=b"x")["CiphertextBlob"]
    check(fresh[17:21] == (2).to_bytes(4, "big"), f"Encrypt after the rotation uses version 2, got {fresh[17:21].hex()}")
    eq(rotate_on_demand(kms, rotated["id"])["KeyId"], rotated["id"], "a second RotateKeyOnDemand")
    eq(len(list_key_rotations(kms, rotated["id"])), 2, "ListKeyRotations after two rotations")
    for key, data in (("rotation/before", before), ("rotation/after", after)):
        _, content = read(s3, Bucket=bucket, Key=key)
        check(content == data, f"{key} after a second rotation")
    stored["rotation/before"] = (before, {"algorithm": "aws:kms"})
    stored["rotation/after"] = (after, {"algorithm": "aws:kms"})
    stored["rotation/before-multipart"] = (large_before, {"algorithm": "aws:kms"})
    ok("objects from before and after each rotation read back")


def empty(s3, bucket):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])


def cleanup(s3, kms, bucket):
    if os.environ.get("COFFER_SSE_KEEP_OBJECTS") == "1":
        return
    try:
        empty(s3, bucket)
        s3.delete_bucket(Bucket=bucket)
        for key in KEYS.values():
            if "alias" in key:
                kms.delete_alias(AliasName=key["alias"])
                kms.schedule_key_deletion(KeyId=key["id"], PendingWindowInDays=7)
    except ClientError as error:
        print(f"cleanup: {error}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAIL unexpected {error}", flush=True)
        sys.exit(1)
    print("sse_session.py: every check passed")
