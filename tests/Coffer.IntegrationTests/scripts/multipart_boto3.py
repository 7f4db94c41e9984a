"""Multipart upload through boto3, run by MultipartBoto3Tests with each Python that has boto3.

Usage: multipart_boto3.py ENDPOINT BUCKET WORKDIR (credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
Exits non-zero with a message on the first difference from what S3 does.
"""
import hashlib
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

MIB = 1024 * 1024


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
    )


def write_random_file(path, size):
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            block = os.urandom(min(4 * MIB, left))
            sha.update(block)
            f.write(block)
            left -= len(block)
    return sha.hexdigest()


def file_sha256(path):
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            sha.update(block)
    return sha.hexdigest()


def check(condition, message):
    if not condition:
        print("FAILED: " + message, file=sys.stderr)
        sys.exit(1)


def upload_file_and_download(s3, bucket, workdir):
    size = 64 * MIB
    source = os.path.join(workdir, "source.bin")
    target = os.path.join(workdir, "target.bin")
    expected = write_random_file(source, size)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=8)
    try:
        s3.upload_file(source, bucket, "transfer/64MiB.bin", Config=config)
        head = s3.head_object(Bucket=bucket, Key="transfer/64MiB.bin")
        check(head["ContentLength"] == size, "size after upload_file: %r" % head["ContentLength"])
        check(head["ETag"].endswith('-13"'), "upload_file of 64 MiB in 5 MiB parts should make 13 parts: %s" % head["ETag"])
        s3.download_file(bucket, "transfer/64MiB.bin", target, Config=config)
        check(file_sha256(target) == expected, "downloaded bytes differ from the uploaded file")
    finally:
        for path in (source, target):
            if os.path.exists(path):
                os.remove(path)


def resumed_upload(endpoint, bucket):
    key = "resumed/object.bin"
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(MIB + 7)]
    first = client(endpoint)
    upload_id = first.create_multipart_upload(Bucket=bucket, Key=key, ContentType="application/x-resumed")["UploadId"]
    for number in (1, 2):
        first.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=parts[number - 1])

    # A new process would only know the key: it finds the upload and what was already sent.
    second = client(endpoint)
    uploads = second.list_multipart_uploads(Bucket=bucket, Prefix="resumed/").get("Uploads", [])
    check([u["UploadId"] for u in uploads] == [upload_id], "list_multipart_uploads: %r" % uploads)
    listed = []
    for page in second.get_paginator("list_parts").paginate(Bucket=bucket, Key=key, UploadId=upload_id, PaginationConfig={"PageSize": 1}):
        listed.extend(page.get("Parts", []))
    check([p["PartNumber"] for p in listed] == [1, 2], "parts sent before resuming: %r" % listed)
    for p in listed:
        check(p["ETag"] == '"%s"' % hashlib.md5(parts[p["PartNumber"] - 1]).hexdigest(), "ETag of part %d" % p["PartNumber"])
        check(p["Size"] == len(parts[p["PartNumber"] - 1]), "size of part %d" % p["PartNumber"])

    done = {p["PartNumber"] for p in listed}
    for number in range(1, len(parts) + 1):
        if number not in done:
            second.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=parts[number - 1])

    all_parts = second.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
    check([p["PartNumber"] for p in all_parts] == [1, 2, 3, 4], "parts after resuming: %r" % all_parts)
    result = second.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in all_parts]})
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    expected_etag = '"%s-%d"' % (hashlib.md5(md5s).hexdigest(), len(parts))
    check(result["ETag"] == expected_etag, "ETag %s, expected %s" % (result["ETag"], expected_etag))
    body = second.get_object(Bucket=bucket, Key=key)
    check(body["ContentType"] == "application/x-resumed", "content type: %r" % body["ContentType"])
    check(body["Body"].read() == b"".join(parts), "resumed object reads back different bytes")
    check(not second.list_multipart_uploads(Bucket=bucket, Prefix="resumed/").get("Uploads"), "upload still listed after completion")


def main():
    endpoint, bucket, workdir = sys.argv[1:4]
    s3 = client(endpoint)
    s3.create_bucket(Bucket=bucket)
    upload_file_and_download(s3, bucket, workdir)
    resumed_upload(endpoint, bucket)
    print("boto3 %s: ok" % boto3.__version__)


if __name__ == "__main__":
    main()
