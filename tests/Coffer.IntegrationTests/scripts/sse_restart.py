#!/usr/bin/env python3
"""Encrypted objects across server restarts, with boto3, in two phases run against the same data:

  sse_restart.py seed MANIFEST     uploads objects in every SSE mode (SSE-S3 by default and
                                   explicit, SSE-KMS with a customer key before and after its
                                   rotation, with the AWS managed key and as the bucket's default,
                                   SSE-C), single and multipart, small enough to be stored inline
                                   and large; writes what it stored to MANIFEST (JSON)
  sse_restart.py verify MANIFEST   reads every object of MANIFEST back (bytes, SSE headers, a range),
                                   decrypts a KMS ciphertext made at seed time, and uploads and
                                   reads back a new object in each mode (then deletes them)

Between the phases the caller stops the server, rotates the master key, restarts it. Runs with
Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY of the account's root, COFFER_SSE_MARKER (optional): a text every body
repeats. Exit code 0 when every check passed; otherwise 1 with a FAIL line naming the check.
"""

import base64
import hashlib
import io
import json
import os
import sys
import uuid

from sse_common import (  # noqa: E402  (sets the environment before boto3 loads)
    ENDPOINT, MARKER, MIB, REGION, ROOT, TRANSFER, CheckFailed, body, check, eq, ok, rotate_on_demand,
)

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def clients():
    session = boto3.session.Session(aws_access_key_id=ROOT[0], aws_secret_access_key=ROOT[1], region_name=REGION)
    s3 = session.client("s3", endpoint_url=ENDPOINT, config=Config(
        signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}, read_timeout=120))
    kms = session.client("kms", endpoint_url=ENDPOINT, config=Config(retries={"max_attempts": 1}))
    return s3, kms


def customer_args(manifest, entry):
    if not entry.get("customer"):
        return {}
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": bytes.fromhex(manifest["customer_key"])}


def expected_headers(manifest, entry):
    if entry.get("customer"):
        md5 = base64.b64encode(hashlib.md5(bytes.fromhex(manifest["customer_key"])).digest()).decode()
        return {"ServerSideEncryption": None, "SSEKMSKeyId": None, "SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": md5}
    return {"ServerSideEncryption": entry["algorithm"], "SSEKMSKeyId": entry.get("kms_arn"), "SSECustomerAlgorithm": None, "SSECustomerKeyMD5": None}


def headers_of(response):
    return {name: response.get(name) for name in ("ServerSideEncryption", "SSEKMSKeyId", "SSECustomerAlgorithm", "SSECustomerKeyMD5")}


def seed(path):
    s3, kms = clients()
    suffix = uuid.uuid4().hex[:8]
    print(f"sse_restart.py seed: boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}")
    manifest = {"bucket": f"restart-{suffix}", "default_bucket": f"restart-default-{suffix}",
                "customer_key": os.urandom(32).hex(), "objects": {}}
    bucket, default_bucket = manifest["bucket"], manifest["default_bucket"]

    key = kms.create_key(Description="sse_restart.py objects")["KeyMetadata"]
    alias = f"alias/restart-{suffix}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    default_key = kms.create_key(Description="sse_restart.py bucket default")["KeyMetadata"]
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    context = {"purpose": "restart"}
    ciphertext = kms.encrypt(KeyId=alias, Plaintext=b"sealed before the restart", EncryptionContext=context)["CiphertextBlob"]
    manifest.update(key_id=key["KeyId"], key_arn=key["Arn"], alias=alias, default_key_arn=default_key["Arn"],
                    ciphertext=base64.b64encode(ciphertext).decode(), context=context)
    ok(f"keys {key['KeyId']} ({alias}) and {default_key['KeyId']}")

    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=default_bucket)
    s3.put_bucket_encryption(Bucket=default_bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": default_key["Arn"]}}]})
    sse_c = {"customer": True}
    modes = [
        ("none", {}, {"algorithm": "AES256"}),
        ("aes256", {"ServerSideEncryption": "AES256"}, {"algorithm": "AES256"}),
        ("kms", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": alias}, {"algorithm": "aws:kms", "kms_arn": key["Arn"]}),
        ("kms-managed", {"ServerSideEncryption": "aws:kms"}, {"algorithm": "aws:kms", "kms_arn": managed}),
        ("sse-c", None, sse_c),
    ]

    def store(target, name, data, extra, entry, multipart=False):
        if entry.get("customer"):
            extra = customer_args(manifest, entry)
        if multipart:
            s3.upload_fileobj(io.BytesIO(data), target, name, ExtraArgs=extra or None, Config=TRANSFER)
            head = s3.head_object(Bucket=target, Key=name, **customer_args(manifest, entry))
            check(head["ETag"].endswith('-2"'), f"{name}: a 2-part upload, got ETag {head['ETag']}")
        else:
            head = s3.put_object(Bucket=target, Key=name, Body=data, **extra)
        eq(headers_of(head), expected_headers(manifest, entry), f"{name}: SSE headers")
        manifest["objects"][f"{target}/{name}"] = dict(entry, bucket=target, key=name, size=len(data), sha256=sha256(data))

    for name, extra, entry in modes:
        store(bucket, f"inline/{name}", body(3000), extra, entry)
        store(bucket, f"single/{name}", body(700_000), extra, entry)
    for name, extra, entry in modes:
        if name != "kms-managed":
            store(bucket, f"multipart/{name}", body(12 * MIB + 777), extra, entry, multipart=True)
    default_entry = {"algorithm": "aws:kms", "kms_arn": default_key["Arn"]}
    store(default_bucket, "single", body(400_000), {}, default_entry)
    store(default_bucket, "multipart", body(9 * MIB), {}, default_entry, multipart=True)
    ok(f"{len(manifest['objects'])} objects: every mode, inline, single and multipart")

    # Objects under both versions of the customer key.
    eq(rotate_on_demand(kms, key["KeyId"])["KeyId"], key["KeyId"], "RotateKeyOnDemand")
    kms_entry = {"algorithm": "aws:kms", "kms_arn": key["Arn"]}
    store(bucket, "after-rotation/single", body(500_000), {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key["Arn"]}, kms_entry)
    store(bucket, "after-rotation/multipart", body(9 * MIB), {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key["Arn"]}, kms_entry, multipart=True)
    ok("2 more objects under the key's second version")

    with open(path, "w", encoding="utf-8") as manifest_file:
        json.dump(manifest, manifest_file, indent=1)
    verify_objects(s3, manifest)


def verify_objects(s3, manifest):
    for name, entry in manifest["objects"].items():
        extra = customer_args(manifest, entry)
        head = s3.head_object(Bucket=entry["bucket"], Key=entry["key"], **extra)
        eq(headers_of(head), expected_headers(manifest, entry), f"HeadObject {name}: SSE headers")
        eq(head["ContentLength"], entry["size"], f"HeadObject {name}: ContentLength")
        got = s3.get_object(Bucket=entry["bucket"], Key=entry["key"], **extra)
        eq(headers_of(got), expected_headers(manifest, entry), f"GetObject {name}: SSE headers")
        data = got["Body"].read()
        eq(sha256(data), entry["sha256"], f"GetObject {name}: SHA-256 of the bytes")
        check(MARKER in data, f"GetObject {name}: the marker")
        start = entry["size"] // 2
        ranged = s3.get_object(Bucket=entry["bucket"], Key=entry["key"], Range=f"bytes={start}-{start + 1999}", **extra)["Body"].read()
        eq(ranged, data[start:start + 2000], f"GetObject {name}: a range")
    ok(f"{len(manifest['objects'])} objects read back intact: bytes, SSE headers, a range each")


def verify(path):
    s3, kms = clients()
    print(f"sse_restart.py verify: boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}")
    with open(path, encoding="utf-8") as manifest_file:
        manifest = json.load(manifest_file)
    verify_objects(s3, manifest)

    eq(kms.describe_key(KeyId=manifest["alias"])["KeyMetadata"]["KeyState"], "Enabled", "DescribeKey by alias")
    plaintext = kms.decrypt(CiphertextBlob=base64.b64decode(manifest["ciphertext"]), EncryptionContext=manifest["context"])["Plaintext"]
    eq(plaintext, b"sealed before the restart", "Decrypt of a ciphertext from before the restart")
    ok("the KMS key and a ciphertext from before the restart")

    bucket = manifest["bucket"]
    run = uuid.uuid4().hex[:8]
    for name, extra, entry in [
        ("none", {}, {"algorithm": "AES256"}),
        ("kms", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": manifest["alias"]}, {"algorithm": "aws:kms", "kms_arn": manifest["key_arn"]}),
        ("sse-c", customer_args(manifest, {"customer": True}), {"customer": True}),
    ]:
        key = f"new-{run}/{name}"
        data = body(200_000)
        put = s3.put_object(Bucket=bucket, Key=key, Body=data, **extra)
        eq(headers_of(put), expected_headers(manifest, entry), f"PutObject {key}: SSE headers")
        got = s3.get_object(Bucket=bucket, Key=key, **customer_args(manifest, entry))["Body"].read()
        eq(sha256(got), sha256(data), f"GetObject {key}")
        s3.delete_object(Bucket=bucket, Key=key)
    data = body(9 * MIB)
    s3.upload_fileobj(io.BytesIO(data), bucket, f"new-{run}/multipart", Config=TRANSFER,
                      ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": manifest["key_arn"]})
    got = s3.get_object(Bucket=bucket, Key=f"new-{run}/multipart")["Body"].read()
    eq(sha256(got), sha256(data), "a new multipart object")
    s3.delete_object(Bucket=bucket, Key=f"new-{run}/multipart")
    ok("new objects in each mode, single and multipart, write and read back")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("seed", "verify"):
        print("usage: sse_restart.py seed|verify MANIFEST", file=sys.stderr)
        sys.exit(2)
    try:
        (seed if sys.argv[1] == "seed" else verify)(sys.argv[2])
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAIL unexpected {error}", flush=True)
        sys.exit(1)
    print(f"sse_restart.py {sys.argv[1]}: every check passed")
