"""What a user made by `coffer user create` may do, with boto3 and the key from its CSV file.

Usage: tenant_space.py CSV BUCKET PREFIX ACCESS OTHER_BUCKET OTHER_PREFIX
  PREFIX is the user's folder (NAME/) of a shared bucket, or "" for a bucket of its own;
  ACCESS is read, write or read-write; OTHER_BUCKET/OTHER_PREFIX is another user's space.
Seeded by the test: PREFIX + "seed.txt" and OTHER_PREFIX + "seed.txt" hold b"seed".
The endpoint is the CSV's Endpoint column. Exits non-zero with a message on the first difference.
"""
import csv
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

path, bucket, prefix, access, other_bucket, other_prefix = sys.argv[1:7]
with open(path, newline="") as f:
    rows = list(csv.reader(f))
header, row = rows[0], rows[1]
if header[:2] != ["Access key ID", "Secret access key"]:
    print(f"FAIL: CSV header {header}")
    sys.exit(1)
key, secret, user, endpoint = row[0], row[1], row[2], row[3]

config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, signature_version="s3v4")
session = dict(aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1", endpoint_url=endpoint, config=config)
s3 = boto3.client("s3", **session)
iam = boto3.client("iam", **session)
can_read = access in ("read", "read-write")
can_write = access in ("write", "read-write")


def fail(message):
    print(f"FAIL ({user}, {access}): {message}", flush=True)
    sys.exit(1)


def expect(what, allowed, call):
    try:
        result = call()
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if allowed:
            fail(f"{what}: expected success, got {code} ({e.response['Error'].get('Message')})")
        if code not in ("AccessDenied", "403"):
            fail(f"{what}: expected AccessDenied, got {code}")
        return None
    if not allowed:
        fail(f"{what}: expected AccessDenied, but it succeeded")
    return result


# Own space.
listing = expect("list own space", True, lambda: s3.list_objects_v2(Bucket=bucket, Prefix=prefix))
if prefix + "seed.txt" not in [o["Key"] for o in listing.get("Contents", [])]:
    fail(f"list own space: seed.txt missing from {listing.get('Contents')}")
got = expect("get own object", can_read, lambda: s3.get_object(Bucket=bucket, Key=prefix + "seed.txt"))
if got is not None and got["Body"].read() != b"seed":
    fail("get own object: wrong content")
expect("put own object", can_write, lambda: s3.put_object(Bucket=bucket, Key=prefix + "new.txt", Body=b"new"))
expect("delete own object", access == "read-write", lambda: s3.delete_object(Bucket=bucket, Key=prefix + "seed.txt"))


def multipart():
    upload = s3.create_multipart_upload(Bucket=bucket, Key=prefix + "big.bin")
    part = s3.upload_part(Bucket=bucket, Key=prefix + "big.bin", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * (5 * 1024 * 1024))
    s3.list_parts(Bucket=bucket, Key=prefix + "big.bin", UploadId=upload["UploadId"])
    return s3.complete_multipart_upload(Bucket=bucket, Key=prefix + "big.bin", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})


expect("multipart upload in own space", can_write, multipart)

# Outside it.
if prefix:
    expect("list the bucket root", False, lambda: s3.list_objects_v2(Bucket=bucket))
    expect("list the bucket root with a delimiter", False, lambda: s3.list_objects_v2(Bucket=bucket, Delimiter="/"))
    expect("list a prefix that only starts like the folder", False, lambda: s3.list_objects_v2(Bucket=bucket, Prefix=prefix[:-1]))
expect("list another user's space", False, lambda: s3.list_objects_v2(Bucket=other_bucket, Prefix=other_prefix))
expect("get another user's object", False, lambda: s3.get_object(Bucket=other_bucket, Key=other_prefix + "seed.txt"))
expect("put into another user's space", False, lambda: s3.put_object(Bucket=other_bucket, Key=other_prefix + "intruder.txt", Body=b"x"))
expect("delete another user's object", False, lambda: s3.delete_object(Bucket=other_bucket, Key=other_prefix + "seed.txt"))
expect("list buckets", False, lambda: s3.list_buckets())
expect("create a bucket", False, lambda: s3.create_bucket(Bucket=user.lower() + "-extra"))
expect("IAM ListUsers", False, lambda: iam.list_users())
expect("IAM CreateAccessKey for itself", False, lambda: iam.create_access_key())
print(f"ok {user} {access}", flush=True)
