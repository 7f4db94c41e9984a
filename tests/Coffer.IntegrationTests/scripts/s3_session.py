#!/usr/bin/env python3
"""A scripted S3 session with boto3, as a real application would drive an S3 server.

Runs with boto3 1.26 (Debian's python3-boto3) and with current boto3 (1.43); standard
library, boto3 and botocore only.

Environment:
  COFFER_ENDPOINT          http://127.0.0.1:PORT of the server
  AWS_ACCESS_KEY_ID        an access key allowed to do everything below
  AWS_SECRET_ACCESS_KEY    its secret
  S3_SESSION_KEEP_GOING    unset: stop at the first failed check; "1": run every section, a failed
                           check ends its section; "checks": report every failed check and go on
                           (for surveying a server; later checks may fail as a consequence)

Arguments: optional section names to run only those (after "buckets", which creates the bucket),
e.g. `s3_session.py objects ranges`. `--list` prints the section names.

Exit code 0 when every check passed; 1 with a "FAIL" message naming the check, the last
request sent and the response received otherwise.
"""

import base64
import concurrent.futures
import datetime
import gzip
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from email.utils import parsedate_to_datetime

# The session must not depend on whatever ~/.aws holds on this machine.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.handlers  # noqa: E402
import botocore.httpchecksum  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

REGION = "us-east-1"
UTC = datetime.timezone.utc


# --------------------------------------------------------------------------- checks


class CheckFailed(Exception):
    pass


SOFT_FAILURES = []
_failed_since_ok = False


def fail(message):
    global _failed_since_ok
    if KEEP_GOING == "checks":
        SOFT_FAILURES.append(message)
        _failed_since_ok = True
        print(f"FAIL {message}\n{last_exchange()}", flush=True)
        return
    raise CheckFailed(message)


def check(condition, message):
    if not condition:
        fail(message)


def eq(actual, expected, what):
    if actual != expected:
        fail(f"{what}: expected {_short(expected)}, got {_short(actual)}")


def ok(what):
    global _failed_since_ok
    print(f"  {'--' if _failed_since_ok else 'ok'}  {what}", flush=True)
    _failed_since_ok = False


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def status_of(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


def header(response, name):
    return response["ResponseMetadata"]["HTTPHeaders"].get(name.lower())


def expect_status(response, status, what):
    eq(status_of(response), status, f"{what}: HTTP status")


def expect_error(what, call, codes, status, **kwargs):
    """Calls and expects a ClientError with one of `codes` and HTTP `status`; returns it."""
    if isinstance(codes, str):
        codes = (codes,)
    try:
        response = call(**kwargs)
    except ClientError as error:
        got_code = error.response.get("Error", {}).get("Code")
        got_status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        got_message = error.response.get("Error", {}).get("Message")
        if got_status != status or got_code not in codes:
            fail(
                f"{what}: expected HTTP {status} {'/'.join(codes)}, "
                f"got HTTP {got_status} {got_code} ({got_message})"
            )
        elif not got_message:
            # The aws cli fails with "argument of type 'NoneType' is not iterable" on these.
            fail(f"{what}: HTTP {got_status} {got_code} has no <Message>")
        else:
            ok(f"{what} -> {status} {got_code}")
        return error
    fail(f"{what}: expected HTTP {status} {'/'.join(codes)}, but the call succeeded with HTTP {status_of(response)}")


# --------------------------------------------------------------------------- last exchange, for failure reports

_exchange = threading.local()


def _record_request(request, **_):
    headers = {}
    for name, value in request.headers.items():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if name.lower() == "authorization":
            value = value.split("Signature=")[0] + "Signature=<redacted>"
        headers[name] = value
    _exchange.request = (request.method, request.url, headers)
    _exchange.response = None


def _record_response(response_dict=None, exception=None, **_):
    if response_dict is None:
        _exchange.response = ("no response", {}, repr(exception))
        return
    body = response_dict.get("body")
    if not isinstance(body, (bytes, bytearray)):
        body = b"<streamed>"
    _exchange.response = (response_dict.get("status_code"), dict(response_dict.get("headers", {})), bytes(body))


def last_exchange():
    lines = []
    request = getattr(_exchange, "request", None)
    if request:
        method, url, headers = request
        lines.append(f"  last request: {method} {url}")
        lines.extend(f"    {name}: {value}" for name, value in headers.items())
    response = getattr(_exchange, "response", None)
    if response:
        status, headers, body = response
        lines.append(f"  last response: {status}")
        lines.extend(f"    {name}: {value}" for name, value in headers.items())
        if body:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            lines.append("    body: " + (text if len(text) < 2000 else text[:2000] + "..."))
    return "\n".join(lines)


# --------------------------------------------------------------------------- clients


def make_client(access_key=None, secret_key=None, unsigned=False, pool=10, read_timeout=120):
    config = Config(
        region_name=REGION,
        signature_version=UNSIGNED if unsigned else "s3v4",
        s3={"addressing_style": "path"},
        retries={"mode": "standard", "total_max_attempts": 1},
        max_pool_connections=pool,
        connect_timeout=10,
        read_timeout=read_timeout,
    )
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=access_key or ACCESS_KEY,
        aws_secret_access_key=secret_key or SECRET_KEY,
        config=config,
    )
    client.meta.events.register("before-send.s3", _record_request)
    client.meta.events.register("response-received.s3", _record_response)
    return client


def force_trailer(client):
    """Make PutObject send its checksum as an aws-chunked trailer
    (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER), as botocore does by default
    over https; over plain http it puts the checksum in a header instead."""

    def to_trailer(params, **_):
        algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"

    client.meta.events.register("before-call.s3.PutObject", to_trailer)
    client.meta.events.register("before-call.s3.UploadPart", to_trailer)
    return client


def botocore_keeps_content_encoding_with_trailer():
    """botocore before 1.29.7x replaced a caller's Content-Encoding with aws-chunked
    (boto/botocore#2859) instead of appending to it."""
    request = {
        "headers": {"Content-Encoding": "gzip"},
        "body": b"x",
        "context": {"checksum": {"request_algorithm": {"algorithm": "crc32", "in": "trailer", "name": "x-amz-checksum-crc32"}}},
    }
    try:
        botocore.httpchecksum._apply_request_trailer_checksum(request)
    except Exception:  # noqa: BLE001 - a private function; assume the old behaviour
        return False
    return request["headers"].get("Content-Encoding", "").startswith("gzip")


def put_object_gzip_aws_chunked(client, **kwargs):
    """PutObject with Content-Encoding gzip in an aws-chunked body. Where botocore drops the
    gzip, send "aws-chunked,gzip" (the order the AWS SDK for Java uses) instead."""
    if botocore_keeps_content_encoding_with_trailer():
        return client.put_object(**kwargs)

    def restore_gzip(request, **_):
        request.headers.replace_header("Content-Encoding", "aws-chunked,gzip")

    client.meta.events.register("before-sign.s3.PutObject", restore_gzip, unique_id="coffer-restore-gzip")
    try:
        return client.put_object(**kwargs)
    finally:
        client.meta.events.unregister("before-sign.s3.PutObject", unique_id="coffer-restore-gzip")


def input_members(client, operation):
    return set(client.meta.service_model.operation_model(operation).input_shape.members)


def put_with_header(client, header_name, value, **kwargs):
    """PutObject with a header botocore 1.26 does not model (If-None-Match, If-Match)."""

    def add(request, **_):
        request.headers[header_name] = value

    client.meta.events.register("before-sign.s3.PutObject", add, unique_id="coffer-put-header")
    try:
        return client.put_object(**kwargs)
    finally:
        client.meta.events.unregister("before-sign.s3.PutObject", unique_id="coffer-put-header")


def conditional_put(client, condition, value, **kwargs):
    if condition in input_members(client, "PutObject"):
        return client.put_object(**{condition: value}, **kwargs)
    return put_with_header(client, {"IfNoneMatch": "If-None-Match", "IfMatch": "If-Match"}[condition], value, **kwargs)


def md5_etag(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


def b64(data):
    return base64.b64encode(data).decode("ascii")


def read_all(client, **kwargs):
    response = client.get_object(**kwargs)
    return response, response["Body"].read()


def delete_everything(client, bucket):
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    for start in range(0, len(keys), 1000):
        batch = keys[start:start + 1000]
        response = client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        check(not response.get("Errors"), f"delete_objects while emptying {bucket} reported errors: {_short(response.get('Errors'))}")


# --------------------------------------------------------------------------- checksums computed here

def _reflected_table(poly, bits):
    mask = (1 << bits) - 1
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & mask)
    return table


_CRC32C_TABLE = _reflected_table(0x82F63B78, 32)
_CRC64NVME_TABLE = _reflected_table(0x9A6C9329AC4BC9B5, 64)


def _reflected_crc(data, table, bits):
    mask = (1 << bits) - 1
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def crc32c(data):
    return _reflected_crc(data, _CRC32C_TABLE, 32)


def crc64nvme(data):
    return _reflected_crc(data, _CRC64NVME_TABLE, 64)


def checksum_b64(algorithm, data):
    if algorithm == "CRC32":
        return b64((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big"))
    if algorithm == "CRC32C":
        return b64(crc32c(data).to_bytes(4, "big"))
    if algorithm == "CRC64NVME":
        return b64(crc64nvme(data).to_bytes(8, "big"))
    if algorithm == "SHA1":
        return b64(hashlib.sha1(data).digest())
    if algorithm == "SHA256":
        return b64(hashlib.sha256(data).digest())
    raise ValueError(algorithm)


def botocore_computes(algorithm):
    """Whether this botocore can compute the checksum itself (CRC32C/CRC64NVME need awscrt)."""
    return algorithm.lower() in getattr(botocore.httpchecksum, "_CHECKSUM_CLS", {})


# --------------------------------------------------------------------------- the session


class Session:
    def __init__(self):
        run = f"{int(time.time()) % 1000000:06d}{random.randrange(16 ** 4):04x}"
        self.bucket = f"coffer-py-{run}"
        self.other_bucket = f"coffer-py-{run}-b"
        self.list_bucket = f"coffer-py-{run}-list"
        self.s3 = make_client(pool=32)
        self.s3_trailer = force_trailer(make_client())
        self.created = []


def section_buckets(s):
    r = s.s3.create_bucket(Bucket=s.bucket)
    expect_status(r, 200, "create_bucket")
    s.created.append(s.bucket)
    ok(f"create_bucket {s.bucket}")
    expect_error("create_bucket again (same owner)", s.s3.create_bucket, "BucketAlreadyOwnedByYou", 409, Bucket=s.bucket)

    bad_names = {
        "ab": "shorter than 3",
        "a" * 64: "longer than 63",
        "Upper-Case-Name": "upper case",
        "under_score": "underscore",
        "-leading-dash": "leading dash",
        "trailing-dash-": "trailing dash",
        "double..dot": "two adjacent dots",
        "192.168.5.4": "IP address",
    }
    for name, why in bad_names.items():
        expect_error(f"create_bucket {name!r} ({why})", s.s3.create_bucket, "InvalidBucketName", 400, Bucket=name)

    r = s.s3.head_bucket(Bucket=s.bucket)
    expect_status(r, 200, "head_bucket")
    ok("head_bucket")

    r = s.s3.get_bucket_location(Bucket=s.bucket)
    expect_status(r, 200, "get_bucket_location")
    check(r.get("LocationConstraint") in (None, ""), f"get_bucket_location in us-east-1: expected an empty LocationConstraint, got {r.get('LocationConstraint')!r}")
    ok("get_bucket_location is empty (us-east-1)")

    names = [b["Name"] for b in s.s3.list_buckets()["Buckets"]]
    check(s.bucket in names, f"list_buckets: {s.bucket} missing from {_short(names)}")
    ok("list_buckets contains the bucket")

    s.s3.create_bucket(Bucket=s.other_bucket)
    s.created.append(s.other_bucket)
    ok(f"create_bucket {s.other_bucket}")


def session_objects():
    return {
        "text.txt": b"hello coffer\n" * 10,
        "bin/random.bin": random.Random(20240611).randbytes(100_000),
        "empty": b"",
        "ünïcødé/日本語/emoji-🙂.txt": "ünïcødé ✓\n".encode("utf-8"),
        "with space/and+plus & amp=eq?q#hash%25.txt": b"spaces and reserved characters\n",
        "../../etc/passwd": b"root:x:0:0:not really:/root:/bin/sh\n",
        "k" * 1024: b"a 1024-byte key",
        "é" * 512: b"a 1024-byte key of 512 two-byte characters",
    }


def section_objects(s):
    objects = session_objects()
    for key, data in objects.items():
        label = _short(key, 60)
        r = s.s3.put_object(Bucket=s.bucket, Key=key, Body=data)
        expect_status(r, 200, f"put_object {label}")
        eq(r["ETag"], md5_etag(data), f"put_object {label}: ETag")

        r, body = read_all(s.s3, Bucket=s.bucket, Key=key)
        expect_status(r, 200, f"get_object {label}")
        check(body == data, f"get_object {label}: body differs ({len(body)} bytes, expected {len(data)})")
        eq(r["ContentLength"], len(data), f"get_object {label}: Content-Length")
        eq(r["ETag"], md5_etag(data), f"get_object {label}: ETag")

        r = s.s3.head_object(Bucket=s.bucket, Key=key)
        eq(r["ContentLength"], len(data), f"head_object {label}: Content-Length")
        eq(r["ETag"], md5_etag(data), f"head_object {label}: ETag")
        check(isinstance(r.get("LastModified"), datetime.datetime), f"head_object {label}: no Last-Modified")
        ok(f"put/get/head {label} ({len(data)} bytes)")

    listed = set()
    for page in s.s3.get_paginator("list_objects_v2").paginate(Bucket=s.bucket):
        listed.update(item["Key"] for item in page.get("Contents", []))
    eq(sorted(listed), sorted(objects), "list_objects_v2 after the puts: keys")
    ok("list_objects_v2 returns every key exactly (encoding-type=url decoded)")

    # botocore always asks for encoding-type=url; without it the keys come XML-escaped.
    raw = make_client()
    for operation in ("ListObjects", "ListObjectsV2"):
        raw.meta.events.unregister(f"before-parameter-build.s3.{operation}", botocore.handlers.set_list_objects_encoding_type_url)
    for operation in ("list_objects", "list_objects_v2"):
        r = getattr(raw, operation)(Bucket=s.bucket)
        check("EncodingType" not in r, f"{operation} without encoding-type: the request still asked for url encoding")
        eq(sorted(item["Key"] for item in r.get("Contents", [])), sorted(objects), f"{operation} without encoding-type: keys")
    ok("list_objects and list_objects_v2 without encoding-type return every key exactly (XML-escaped)")

    r = s.s3.list_objects(Bucket=s.bucket, Prefix="ünïcødé/")
    eq([item["Key"] for item in r.get("Contents", [])], ["ünïcødé/日本語/emoji-🙂.txt"], "list_objects with a unicode prefix")
    ok("list_objects with a unicode prefix")

    expect_error("put_object with a 1025-byte key", s.s3.put_object, "KeyTooLongError", 400, Bucket=s.bucket, Key="k" * 1025, Body=b"x")
    expect_error("put_object with a 1025-byte key (multi-byte)", s.s3.put_object, "KeyTooLongError", 400, Bucket=s.bucket, Key="x" + "é" * 512, Body=b"x")

    for key in objects:
        label = _short(key, 60)
        r = s.s3.delete_object(Bucket=s.bucket, Key=key)
        expect_status(r, 204, f"delete_object {label}")
        expect_error(f"get_object {label} after delete", s.s3.get_object, "NoSuchKey", 404, Bucket=s.bucket, Key=key)
        expect_error(f"head_object {label} after delete", s.s3.head_object, ("404", "NoSuchKey"), 404, Bucket=s.bucket, Key=key)

    r = s.s3.delete_object(Bucket=s.bucket, Key="never-existed")
    expect_status(r, 204, "delete_object of a key that never existed")
    ok("delete_object of a missing key is 204")


def section_metadata(s):
    data = gzip.compress(b"metadata round trip\n" * 50, mtime=0)
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    metadata = {"color": "Blue", "two-words": "hello world", "number": "42", "Mixed-Case": "Value"}
    expected_metadata = {k.lower(): v for k, v in metadata.items()}
    fields = {
        "ContentType": "text/plain; charset=utf-8",
        "ContentEncoding": "gzip",
        "ContentDisposition": 'attachment; filename="meta.txt"',
        "ContentLanguage": "en-GB",
        "CacheControl": "max-age=60, private",
    }
    # Sent as an aws-chunked body with a trailing CRC32: Content-Encoding is "gzip,aws-chunked"
    # on the wire and must be stored as "gzip".
    r = put_object_gzip_aws_chunked(s.s3_trailer, Bucket=s.bucket, Key="meta.txt.gz", Body=data, Metadata=metadata, Expires=expires, ChecksumAlgorithm="CRC32", **fields)
    expect_status(r, 200, "put_object with metadata (aws-chunked)")
    eq(r["ETag"], md5_etag(data), "put_object with metadata: ETag")

    for name, call in (("head_object", s.s3.head_object), ("get_object", s.s3.get_object)):
        r = call(Bucket=s.bucket, Key="meta.txt.gz")
        eq(r.get("Metadata"), expected_metadata, f"{name}: x-amz-meta-* (names lower-cased)")
        for field, value in fields.items():
            eq(r.get(field), value, f"{name}: {field}")
        expires_header = header(r, "Expires")
        check(expires_header is not None, f"{name}: no Expires header")
        try:
            got_expires = parsedate_to_datetime(expires_header)
        except (TypeError, ValueError):
            fail(f"{name}: Expires header {expires_header!r} is not an HTTP date")
        eq(got_expires, expires, f"{name}: Expires")
        if name == "get_object":
            body = r["Body"].read()
            check(body == data, f"get_object: body differs ({len(body)} bytes, expected {len(data)})")
            check(gzip.decompress(body).startswith(b"metadata round trip"), "get_object: body is not the gzip stream sent")
        ok(f"{name}: metadata, Content-Type/Encoding/Disposition/Language, Cache-Control, Expires round-trip")


def section_ranges(s):
    data = bytes(range(256)) * 4
    s.s3.put_object(Bucket=s.bucket, Key="range.bin", Body=data)
    cases = [
        ("bytes=0-9", 0, 9),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-5", 1019, 1023),
        ("bytes=1000-5000", 1000, 1023),
        ("bytes=-2000", 0, 1023),
        ("bytes=5-5", 5, 5),
    ]
    for spec, first, last in cases:
        r, body = read_all(s.s3, Bucket=s.bucket, Key="range.bin", Range=spec)
        expect_status(r, 206, f"get_object Range {spec}")
        eq(r.get("ContentRange"), f"bytes {first}-{last}/1024", f"get_object Range {spec}: Content-Range")
        eq(r["ContentLength"], last - first + 1, f"get_object Range {spec}: Content-Length")
        check(body == data[first:last + 1], f"get_object Range {spec}: wrong bytes")
        ok(f"get_object Range {spec} -> 206 bytes {first}-{last}/1024")

    r = s.s3.head_object(Bucket=s.bucket, Key="range.bin", Range="bytes=0-9")
    expect_status(r, 206, "head_object Range bytes=0-9")
    eq(r["ContentLength"], 10, "head_object Range bytes=0-9: Content-Length")
    ok("head_object Range -> 206")

    for spec in ("bytes=1024-", "bytes=5000-6000"):
        expect_error(f"get_object Range {spec} on 1024 bytes", s.s3.get_object, "InvalidRange", 416, Bucket=s.bucket, Key="range.bin", Range=spec)

    r, body = read_all(s.s3, Bucket=s.bucket, Key="range.bin", Range="bytes=abc")
    expect_status(r, 200, "get_object with a malformed Range (ignored)")
    check(body == data, "get_object with a malformed Range: expected the whole object")
    ok("a malformed Range is ignored -> 200 whole object")


def section_conditional_get(s):
    data = b"conditional\n"
    s.s3.put_object(Bucket=s.bucket, Key="cond.txt", Body=data)
    head = s.s3.head_object(Bucket=s.bucket, Key="cond.txt")
    etag, modified = head["ETag"], head["LastModified"]
    day = datetime.timedelta(days=1)
    key = {"Bucket": s.bucket, "Key": "cond.txt"}

    def get_ok(what, **conditions):
        r, body = read_all(s.s3, **key, **conditions)
        expect_status(r, 200, what)
        check(body == data, f"{what}: wrong body")
        ok(f"{what} -> 200")

    get_ok("If-Match: current ETag", IfMatch=etag)
    get_ok("If-Match: *", IfMatch="*")
    expect_error("If-Match: other ETag", s.s3.get_object, "PreconditionFailed", 412, IfMatch='"00000000000000000000000000000000"', **key)
    expect_error("If-None-Match: current ETag", s.s3.get_object, "304", 304, IfNoneMatch=etag, **key)
    get_ok("If-None-Match: other ETag", IfNoneMatch='"00000000000000000000000000000000"')
    get_ok("If-Modified-Since: a day before Last-Modified", IfModifiedSince=modified - day)
    expect_error("If-Modified-Since: Last-Modified itself", s.s3.get_object, "304", 304, IfModifiedSince=modified, **key)
    get_ok("If-Unmodified-Since: Last-Modified itself", IfUnmodifiedSince=modified)
    expect_error("If-Unmodified-Since: a day before Last-Modified", s.s3.get_object, "PreconditionFailed", 412, IfUnmodifiedSince=modified - day, **key)
    # RFC 7232 section 6 / S3 docs: If-Match true wins over If-Unmodified-Since false,
    # If-None-Match false wins over If-Modified-Since true.
    get_ok("If-Match true + If-Unmodified-Since false", IfMatch=etag, IfUnmodifiedSince=modified - day)
    expect_error("If-None-Match false + If-Modified-Since true", s.s3.get_object, "304", 304, IfNoneMatch=etag, IfModifiedSince=modified - day, **key)

    r = s.s3.head_object(IfMatch=etag, **key)
    expect_status(r, 200, "head_object If-Match: current ETag")
    expect_error("head_object If-None-Match: current ETag", s.s3.head_object, "304", 304, IfNoneMatch=etag, **key)
    expect_error("head_object If-Match: other ETag", s.s3.head_object, ("412", "PreconditionFailed"), 412, IfMatch='"00000000000000000000000000000000"', **key)


def section_response_overrides(s):
    s.s3.put_object(Bucket=s.bucket, Key="override.txt", Body=b"override\n", ContentType="text/plain")
    expires = datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    r, _ = read_all(
        s.s3, Bucket=s.bucket, Key="override.txt",
        ResponseContentType="application/x-coffer-test",
        ResponseContentDisposition='attachment; filename="x.bin"',
        ResponseContentLanguage="fr",
        ResponseCacheControl="no-store",
        ResponseContentEncoding="identity",
        ResponseExpires=expires,
    )
    eq(r.get("ContentType"), "application/x-coffer-test", "response-content-type")
    eq(r.get("ContentDisposition"), 'attachment; filename="x.bin"', "response-content-disposition")
    eq(r.get("ContentLanguage"), "fr", "response-content-language")
    eq(r.get("CacheControl"), "no-store", "response-cache-control")
    eq(r.get("ContentEncoding"), "identity", "response-content-encoding")
    eq(parsedate_to_datetime(header(r, "Expires")), expires, "response-expires")
    ok("response-* query parameters override the stored headers")
    r, _ = read_all(s.s3, Bucket=s.bucket, Key="override.txt")
    eq(r.get("ContentType"), "text/plain", "Content-Type after an override (unchanged)")
    ok("stored Content-Type unchanged")


def section_conditional_put(s):
    key = {"Bucket": s.bucket, "Key": "create-only.txt"}
    r = conditional_put(s.s3, "IfNoneMatch", "*", Body=b"first", **key)
    expect_status(r, 200, "put_object If-None-Match: * on a new key")
    ok("put_object If-None-Match: * on a new key -> 200")
    expect_error("put_object If-None-Match: * on an existing key", conditional_put, "PreconditionFailed", 412, client=s.s3, condition="IfNoneMatch", value="*", Body=b"second", **key)
    _, body = read_all(s.s3, **key)
    eq(body, b"first", "body after the refused conditional put")
    ok("refused conditional put left the object unchanged")

    etag = s.s3.head_object(**key)["ETag"]
    expect_error("put_object If-Match: other ETag", conditional_put, "PreconditionFailed", 412, client=s.s3, condition="IfMatch", value='"00000000000000000000000000000000"', Body=b"third", **key)
    r = conditional_put(s.s3, "IfMatch", etag, Body=b"fourth", **key)
    expect_status(r, 200, "put_object If-Match: current ETag")
    _, body = read_all(s.s3, **key)
    eq(body, b"fourth", "body after put_object If-Match: current ETag")
    ok("put_object If-Match: current ETag -> 200")


def section_digests(s):
    key = {"Bucket": s.bucket, "Key": "digest.txt"}
    expect_error("put_object with a wrong Content-MD5", s.s3.put_object, "BadDigest", 400, Body=b"the body", ContentMD5=b64(hashlib.md5(b"another body").digest()), **key)
    expect_error("put_object with a malformed Content-MD5", s.s3.put_object, "InvalidDigest", 400, Body=b"the body", ContentMD5="not-an-md5", **key)
    expect_error("get_object after the refused puts", s.s3.get_object, "NoSuchKey", 404, **key)
    r = s.s3.put_object(Body=b"the body", ContentMD5=b64(hashlib.md5(b"the body").digest()), **key)
    expect_status(r, 200, "put_object with the right Content-MD5")
    ok("put_object with the right Content-MD5 -> 200")


def section_copy(s):
    src_data = b"copy me\n" * 100
    s.s3.put_object(Bucket=s.bucket, Key="copy-src", Body=src_data, Metadata={"a": "1"}, ContentType="text/x-src")
    src_etag = md5_etag(src_data)
    source = {"Bucket": s.bucket, "Key": "copy-src"}

    r = s.s3.copy_object(Bucket=s.bucket, Key="copy-dst", CopySource=source)
    expect_status(r, 200, "copy_object")
    eq(r["CopyObjectResult"]["ETag"], src_etag, "copy_object: CopyObjectResult ETag")
    h = s.s3.head_object(Bucket=s.bucket, Key="copy-dst")
    eq(h.get("Metadata"), {"a": "1"}, "copy (default COPY directive): metadata")
    eq(h.get("ContentType"), "text/x-src", "copy (default COPY directive): Content-Type")
    ok("copy_object (COPY by default) keeps metadata and Content-Type")

    s.s3.copy_object(Bucket=s.bucket, Key="copy-dst2", CopySource=source, MetadataDirective="COPY", Metadata={"ignored": "yes"})
    h = s.s3.head_object(Bucket=s.bucket, Key="copy-dst2")
    eq(h.get("Metadata"), {"a": "1"}, "copy with MetadataDirective COPY and new metadata: metadata")
    ok("MetadataDirective=COPY ignores request metadata")

    s.s3.copy_object(Bucket=s.bucket, Key="copy-dst3", CopySource=source, MetadataDirective="REPLACE", Metadata={"b": "2"}, ContentType="text/x-new")
    h = s.s3.head_object(Bucket=s.bucket, Key="copy-dst3")
    eq(h.get("Metadata"), {"b": "2"}, "copy with REPLACE: metadata")
    eq(h.get("ContentType"), "text/x-new", "copy with REPLACE: Content-Type")
    _, body = read_all(s.s3, Bucket=s.bucket, Key="copy-dst3")
    check(body == src_data, "copy with REPLACE: body differs")
    ok("MetadataDirective=REPLACE replaces metadata and Content-Type")

    s.s3.copy_object(Bucket=s.other_bucket, Key="from-other", CopySource=source)
    _, body = read_all(s.s3, Bucket=s.other_bucket, Key="from-other")
    check(body == src_data, "copy to another bucket: body differs")
    ok("copy_object into another bucket")

    unicode_key = "copy ünï/🙂 src+1.txt"
    s.s3.put_object(Bucket=s.bucket, Key=unicode_key, Body=b"unicode source")
    s.s3.copy_object(Bucket=s.bucket, Key="copy-unicode-dst", CopySource={"Bucket": s.bucket, "Key": unicode_key})
    _, body = read_all(s.s3, Bucket=s.bucket, Key="copy-unicode-dst")
    eq(body, b"unicode source", "copy from a unicode key with spaces and '+'")
    ok("copy_object from a unicode key with spaces and '+'")

    expect_error("copy_object onto itself without REPLACE", s.s3.copy_object, "InvalidRequest", 400, Bucket=s.bucket, Key="copy-src", CopySource=source)
    r = s.s3.copy_object(Bucket=s.bucket, Key="copy-src", CopySource=source, MetadataDirective="REPLACE", Metadata={"c": "3"}, ContentType="text/x-self")
    expect_status(r, 200, "copy_object onto itself with REPLACE")
    h = s.s3.head_object(Bucket=s.bucket, Key="copy-src")
    eq(h.get("Metadata"), {"c": "3"}, "copy onto itself with REPLACE: metadata")
    eq(h.get("ContentType"), "text/x-self", "copy onto itself with REPLACE: Content-Type")
    _, body = read_all(s.s3, Bucket=s.bucket, Key="copy-src")
    check(body == src_data, "copy onto itself with REPLACE: body differs")
    ok("copy_object onto itself with REPLACE updates metadata, keeps the body")

    expect_error("copy_object CopySourceIfMatch: other ETag", s.s3.copy_object, "PreconditionFailed", 412, Bucket=s.bucket, Key="copy-cond", CopySource=source, CopySourceIfMatch='"00000000000000000000000000000000"')
    expect_error("copy_object CopySourceIfNoneMatch: current ETag", s.s3.copy_object, "PreconditionFailed", 412, Bucket=s.bucket, Key="copy-cond", CopySource=source, CopySourceIfNoneMatch=src_etag)
    expect_error("get_object of the refused copy target", s.s3.get_object, "NoSuchKey", 404, Bucket=s.bucket, Key="copy-cond")
    r = s.s3.copy_object(Bucket=s.bucket, Key="copy-cond", CopySource=source, CopySourceIfMatch=src_etag)
    expect_status(r, 200, "copy_object CopySourceIfMatch: current ETag")
    ok("copy_object CopySourceIfMatch: current ETag -> 200")

    expect_error("copy_object from a missing key", s.s3.copy_object, "NoSuchKey", 404, Bucket=s.bucket, Key="x", CopySource={"Bucket": s.bucket, "Key": "no-such-source"})
    expect_error("copy_object from a missing bucket", s.s3.copy_object, "NoSuchBucket", 404, Bucket=s.bucket, Key="x", CopySource={"Bucket": s.bucket + "-missing", "Key": "copy-src"})


def section_delete_objects(s):
    keys = [f"del/{i}" for i in range(10)] + ["del/a&b<c>'d\"e"]
    for key in keys:
        s.s3.put_object(Bucket=s.bucket, Key=key, Body=b"d")
    verbose = keys[:5] + [keys[10], "del/missing"]
    r = s.s3.delete_objects(Bucket=s.bucket, Delete={"Objects": [{"Key": k} for k in verbose]})
    expect_status(r, 200, "delete_objects")
    eq(r.get("Errors", []), [], "delete_objects: Errors")
    eq(sorted(d["Key"] for d in r.get("Deleted", [])), sorted(verbose), "delete_objects: Deleted keys (a missing key counts as deleted)")
    ok("delete_objects reports every key, missing ones included, and XML-escaped keys")

    r = s.s3.delete_objects(Bucket=s.bucket, Delete={"Objects": [{"Key": k} for k in keys[5:10]], "Quiet": True})
    expect_status(r, 200, "delete_objects Quiet")
    eq(r.get("Deleted", []), [], "delete_objects Quiet: Deleted (nothing reported)")
    eq(r.get("Errors", []), [], "delete_objects Quiet: Errors")
    ok("delete_objects Quiet reports nothing")

    r = s.s3.list_objects_v2(Bucket=s.bucket, Prefix="del/")
    eq(r.get("KeyCount"), 0, "list_objects_v2 del/ after delete_objects: KeyCount")
    ok("all deleted")


def section_checksums(s):
    data = random.Random(7).randbytes(1_200_000)  # over botocore's 1 MiB aws-chunked chunk
    members = input_members(s.s3, "PutObject")
    for algorithm in ("CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"):
        field = "Checksum" + algorithm
        if field not in members:
            print(f"  --  {algorithm}: botocore {botocore.__version__} does not know it; not checked with this client", flush=True)
            continue
        expected = checksum_b64(algorithm, data)
        key = f"checksum/{algorithm.lower()}"
        variants = []
        if botocore_computes(algorithm):
            variants.append(("header, computed by botocore", s.s3, {"ChecksumAlgorithm": algorithm}))
            variants.append(("aws-chunked trailer, computed by botocore", s.s3_trailer, {"ChecksumAlgorithm": algorithm}))
        else:
            variants.append(("header, computed here", s.s3, {"ChecksumAlgorithm": algorithm, field: expected}))
        for how, client, extra in variants:
            r = client.put_object(Bucket=s.bucket, Key=key, Body=data, **extra)
            expect_status(r, 200, f"put_object {algorithm} ({how})")
            eq(r.get(field), expected, f"put_object {algorithm} ({how}): {field} in the response")
            r = s.s3.get_object(Bucket=s.bucket, Key=key, ChecksumMode="ENABLED")
            eq(r.get(field), expected, f"get_object ChecksumMode=ENABLED after {algorithm} ({how}): {field}")
            body = r["Body"].read()
            check(body == data, f"get_object after {algorithm} ({how}): body differs")
            r = s.s3.head_object(Bucket=s.bucket, Key=key, ChecksumMode="ENABLED")
            eq(r.get(field), expected, f"head_object ChecksumMode=ENABLED after {algorithm} ({how}): {field}")
            ok(f"{algorithm} ({how}) stored and returned by get/head with ChecksumMode=ENABLED")
        wrong = checksum_b64(algorithm, b"not the body")
        expect_error(f"put_object with a wrong {field}", s.s3.put_object, "BadDigest", 400, Bucket=s.bucket, Key=key + "-wrong", Body=data, ChecksumAlgorithm=algorithm, **{field: wrong})

    # botocore >= 1.36 adds a CRC32 to every PutObject by default (when_supported).
    r = s.s3.put_object(Bucket=s.bucket, Key="checksum/default", Body=b"default checksum")
    if header(r, "x-amz-checksum-crc32") is not None or "ChecksumCRC32" in r:
        r = s.s3.get_object(Bucket=s.bucket, Key="checksum/default", ChecksumMode="ENABLED")
        eq(r.get("ChecksumCRC32"), checksum_b64("CRC32", b"default checksum"), "get_object ChecksumMode=ENABLED after a default put: ChecksumCRC32")
        r["Body"].read()
        ok("default CRC32 checksum stored and returned")

    r = s.s3_trailer.put_object(Bucket=s.bucket, Key="checksum/trailer-default", Body=data, ChecksumAlgorithm="CRC32")
    expect_status(r, 200, "put_object aws-chunked CRC32 trailer")
    _, body = read_all(s.s3, Bucket=s.bucket, Key="checksum/trailer-default")
    check(body == data, "get_object after an aws-chunked upload: body differs (chunk framing stored?)")
    r = s.s3.head_object(Bucket=s.bucket, Key="checksum/trailer-default")
    eq(r["ContentLength"], len(data), "head_object after an aws-chunked upload: Content-Length")
    check(r.get("ContentEncoding") in (None, ""), f"head_object after an aws-chunked upload: Content-Encoding should be absent, got {r.get('ContentEncoding')!r}")
    ok("aws-chunked upload stores the decoded body, no Content-Encoding")


def section_transfer(s):
    """boto3's managed transfers: multipart upload and ranged, concurrent download."""
    from boto3.s3.transfer import TransferConfig

    mib = 1024 * 1024
    config = TransferConfig(multipart_threshold=5 * mib, multipart_chunksize=5 * mib, max_concurrency=4)
    data = random.Random(11).randbytes(12 * mib)
    parts = [data[i:i + 5 * mib] for i in range(0, len(data), 5 * mib)]
    etag = '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'
    for how, client in (("default", s.s3), ("CRC32 aws-chunked trailers", s.s3_trailer)):
        key = f"transfer/{how.split()[0]}.bin"
        extra = {"ChecksumAlgorithm": "CRC32"} if client is s.s3_trailer else {}
        client.upload_fileobj(io.BytesIO(data), s.bucket, key, ExtraArgs=extra, Config=config)
        r = s.s3.head_object(Bucket=s.bucket, Key=key)
        eq(r["ContentLength"], len(data), f"upload_fileobj ({how}): Content-Length")
        eq(r["ETag"], etag, f"upload_fileobj ({how}): multipart ETag")
        out = io.BytesIO()
        s.s3.download_fileobj(s.bucket, key, out, Config=config)
        check(out.getvalue() == data, f"download_fileobj after upload_fileobj ({how}): bytes differ")
        ok(f"12 MiB multipart upload ({how}) and concurrent ranged download; ETag {etag}")


def curl(*args):
    if shutil.which("curl") is None:
        fail("curl is not on PATH (apt-get install curl)")
    return subprocess.run(["curl", "-sS", "--globoff", "--max-time", "60", *args], capture_output=True, check=False)


def curl_status(url, *args, output):
    result = curl("-o", output, "-w", "%{http_code}", *args, url)
    check(result.returncode == 0, f"curl failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return int(result.stdout.decode().strip() or 0)


def section_presigned(s):
    key = "presign/ünï file+1.txt"
    data = b"presigned get\n"
    s.s3.put_object(Bucket=s.bucket, Key=key, Body=data)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        url = s.s3.generate_presigned_url("get_object", Params={"Bucket": s.bucket, "Key": key}, ExpiresIn=300)
        status = curl_status(url, output=out)
        with open(out, "rb") as f:
            body = f.read()
        check(status == 200 and body == data, f"pre-signed GET {url}: HTTP {status}, body {_short(body)}")
        ok("pre-signed GET fetched with curl")

        url = s.s3.generate_presigned_url("get_object", Params={"Bucket": s.bucket, "Key": key, "ResponseContentType": "application/x-presigned"}, ExpiresIn=300)
        headers = os.path.join(tmp, "headers")
        status = curl_status(url, "-D", headers, output=out)
        with open(headers, "rb") as f:
            head = f.read().decode("latin-1").lower()
        check(status == 200 and "content-type: application/x-presigned" in head, f"pre-signed GET with response-content-type: HTTP {status}, headers {head!r}")
        ok("pre-signed GET with response-content-type")

        # A client left at botocore's defaults, as most applications are.
        default_client = boto3.session.Session().client("s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        default_url = default_client.generate_presigned_url("get_object", Params={"Bucket": s.bucket, "Key": key}, ExpiresIn=300)
        status = curl_status(default_url, output=out)
        with open(out, "rb") as f:
            body = f.read()
        check(status == 200 and body == data, f"pre-signed GET from a default-config client {default_url}: HTTP {status}, body {_short(body)}")
        ok("pre-signed GET from a client with default config (" + ("SigV2" if "AWSAccessKeyId=" in default_url else "SigV4") + ")")

        tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
        status = curl_status(tampered, output=out)
        with open(out, "rb") as f:
            body = f.read()
        check(status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, f"pre-signed GET with a tampered signature: expected 403 SignatureDoesNotMatch, got HTTP {status} {_short(body)}")
        ok("pre-signed GET with a tampered signature -> 403 SignatureDoesNotMatch")

        upload = os.path.join(tmp, "upload")
        put_data = b"uploaded through a pre-signed PUT\n" * 20
        with open(upload, "wb") as f:
            f.write(put_data)
        url = s.s3.generate_presigned_url("put_object", Params={"Bucket": s.bucket, "Key": "presign/put.txt"}, ExpiresIn=300)
        status = curl_status(url, "-T", upload, output=out)
        with open(out, "rb") as f:
            body = f.read()
        check(status == 200, f"pre-signed PUT {url}: HTTP {status} {_short(body)}")
        _, got = read_all(s.s3, Bucket=s.bucket, Key="presign/put.txt")
        check(got == put_data, "pre-signed PUT: stored body differs")
        ok("pre-signed PUT with curl -T")

        url = s.s3.generate_presigned_url("get_object", Params={"Bucket": s.bucket, "Key": key}, ExpiresIn=1)
        time.sleep(2.5)
        status = curl_status(url, output=out)
        with open(out, "rb") as f:
            body = f.read()
        check(status == 403 and b"<Code>AccessDenied</Code>" in body, f"expired pre-signed GET: expected 403 AccessDenied, got HTTP {status} {_short(body)}")
        ok("expired pre-signed GET -> 403 AccessDenied")


def section_auth_errors(s):
    s.s3.put_object(Bucket=s.bucket, Key="private.txt", Body=b"private")
    wrong_secret = make_client(secret_key=SECRET_KEY[:-4] + ("AAAA" if not SECRET_KEY.endswith("AAAA") else "BBBB"))
    expect_error("list_objects_v2 with a wrong secret", wrong_secret.list_objects_v2, "SignatureDoesNotMatch", 403, Bucket=s.bucket)
    expect_error("get_object with a wrong secret", wrong_secret.get_object, "SignatureDoesNotMatch", 403, Bucket=s.bucket, Key="private.txt")
    expect_error("put_object with a wrong secret", wrong_secret.put_object, "SignatureDoesNotMatch", 403, Bucket=s.bucket, Key="intruder.txt", Body=b"x")
    expect_error("head_object with a wrong secret", wrong_secret.head_object, ("403", "SignatureDoesNotMatch"), 403, Bucket=s.bucket, Key="private.txt")

    unknown = make_client(access_key="AKIAUNKNOWNKEY000000")
    expect_error("list_objects_v2 with an unknown key id", unknown.list_objects_v2, "InvalidAccessKeyId", 403, Bucket=s.bucket)
    expect_error("get_object with an unknown key id", unknown.get_object, "InvalidAccessKeyId", 403, Bucket=s.bucket, Key="private.txt")

    anonymous = make_client(unsigned=True)
    expect_error("anonymous get_object", anonymous.get_object, "AccessDenied", 403, Bucket=s.bucket, Key="private.txt")
    expect_error("anonymous list_objects_v2", anonymous.list_objects_v2, "AccessDenied", 403, Bucket=s.bucket)
    expect_error("anonymous put_object", anonymous.put_object, "AccessDenied", 403, Bucket=s.bucket, Key="anonymous.txt", Body=b"x")
    expect_error("anonymous list_buckets", anonymous.list_buckets, "AccessDenied", 403)
    expect_error("get_object of the refused puts", s.s3.get_object, "NoSuchKey", 404, Bucket=s.bucket, Key="intruder.txt")


def section_missing(s):
    missing_bucket = s.bucket + "-missing"
    expect_error("get_object of a missing key", s.s3.get_object, "NoSuchKey", 404, Bucket=s.bucket, Key="no/such/key")
    expect_error("head_object of a missing key", s.s3.head_object, ("404", "NoSuchKey"), 404, Bucket=s.bucket, Key="no/such/key")
    expect_error("get_object in a missing bucket", s.s3.get_object, "NoSuchBucket", 404, Bucket=missing_bucket, Key="k")
    expect_error("put_object in a missing bucket", s.s3.put_object, "NoSuchBucket", 404, Bucket=missing_bucket, Key="k", Body=b"x")
    expect_error("list_objects_v2 of a missing bucket", s.s3.list_objects_v2, "NoSuchBucket", 404, Bucket=missing_bucket)
    expect_error("list_objects of a missing bucket", s.s3.list_objects, "NoSuchBucket", 404, Bucket=missing_bucket)
    expect_error("head_bucket of a missing bucket", s.s3.head_bucket, ("404", "NoSuchBucket"), 404, Bucket=missing_bucket)
    expect_error("delete_bucket of a missing bucket", s.s3.delete_bucket, "NoSuchBucket", 404, Bucket=missing_bucket)
    expect_error("get_bucket_location of a missing bucket", s.s3.get_bucket_location, "NoSuchBucket", 404, Bucket=missing_bucket)


LIST_KEYS = (
    [f"a/{i // 1000}/{i:05d}" for i in range(9000)]
    + [f"b/{i:04d}" for i in range(900)]
    + [f"c{i:03d}" for i in range(100)]
)


def paginate(client, operation, **kwargs):
    """All pages of a listing; returns (keys, common prefixes, pages)."""
    keys, prefixes, pages = [], [], 0
    for page in client.get_paginator(operation).paginate(**kwargs):
        pages += 1
        keys.extend(item["Key"] for item in page.get("Contents", []))
        prefixes.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
    return keys, prefixes, pages


def section_listing(s):
    bucket = s.list_bucket
    s.s3.create_bucket(Bucket=bucket)
    s.created.append(bucket)
    started = time.monotonic()

    def put(key):
        s.s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
        for future in concurrent.futures.as_completed([pool.submit(put, k) for k in LIST_KEYS]):
            future.result()
    ok(f"uploaded {len(LIST_KEYS)} keys in {time.monotonic() - started:.1f} s")

    expected = sorted(LIST_KEYS)
    for operation in ("list_objects_v2", "list_objects"):
        started = time.monotonic()
        keys, prefixes, pages = paginate(s.s3, operation, Bucket=bucket, PaginationConfig={"PageSize": 1000})
        eq(len(keys), 10000, f"{operation} without delimiter: key count")
        check(keys == expected, f"{operation} without delimiter: keys not exactly the uploaded ones in order (first difference at {next(i for i, (a, b) in enumerate(zip(keys, expected)) if a != b) if keys != expected[:len(keys)] else len(keys)})")
        eq(prefixes, [], f"{operation} without delimiter: common prefixes")
        eq(pages, 10, f"{operation} without delimiter, 1000 per page: pages")
        ok(f"{operation}: 10000 keys in 10 pages, in order ({time.monotonic() - started:.1f} s)")

        keys, prefixes, pages = paginate(s.s3, operation, Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 7})
        eq(prefixes, ["a/", "b/"], f"{operation} Delimiter=/ (7 per page): common prefixes")
        eq(keys, [f"c{i:03d}" for i in range(100)], f"{operation} Delimiter=/ (7 per page): keys")
        eq(pages, 15, f"{operation} Delimiter=/ (7 per page): pages for 102 entries")
        ok(f"{operation} Delimiter=/ across 15 pages of 7: 2 prefixes + 100 keys")

        keys, prefixes, _ = paginate(s.s3, operation, Bucket=bucket, Prefix="a/", Delimiter="/")
        eq(prefixes, [f"a/{d}/" for d in range(9)], f"{operation} Prefix=a/ Delimiter=/: common prefixes")
        eq(keys, [], f"{operation} Prefix=a/ Delimiter=/: keys")
        ok(f"{operation} Prefix=a/ Delimiter=/: 9 prefixes")

        keys, prefixes, pages = paginate(s.s3, operation, Bucket=bucket, Prefix="b/", Delimiter="/", PaginationConfig={"PageSize": 250})
        eq(keys, [f"b/{i:04d}" for i in range(900)], f"{operation} Prefix=b/ Delimiter=/: keys")
        eq((prefixes, pages), ([], 4), f"{operation} Prefix=b/ Delimiter=/ (250 per page): prefixes and pages")
        ok(f"{operation} Prefix=b/ Delimiter=/: 900 keys in 4 pages")

        keys, prefixes, _ = paginate(s.s3, operation, Bucket=bucket, Prefix="c0", Delimiter="5")
        eq(prefixes, ["c005", "c015", "c025", "c035", "c045", "c05", "c065", "c075", "c085", "c095"], f"{operation} Prefix=c0 Delimiter=5: common prefixes")
        eq(len(keys), 81, f"{operation} Prefix=c0 Delimiter=5: key count")
        ok(f"{operation} with a delimiter that is not '/'")

    keys, prefixes, _ = paginate(s.s3, "list_objects_v2", Bucket=bucket, Prefix="a/3/")
    eq(keys, [f"a/3/{i:05d}" for i in range(3000, 4000)], "list_objects_v2 Prefix=a/3/: keys")
    keys, _, _ = paginate(s.s3, "list_objects_v2", Bucket=bucket, StartAfter="b/0449")
    eq(keys, [f"b/{i:04d}" for i in range(450, 900)] + [f"c{i:03d}" for i in range(100)], "list_objects_v2 StartAfter=b/0449: keys")
    ok("list_objects_v2 Prefix and StartAfter")
    # A NextMarker that names a common prefix must not bring that prefix back.
    keys, prefixes, _ = paginate(s.s3, "list_objects", Bucket=bucket, Marker="a/", Delimiter="/")
    eq((prefixes, len(keys)), (["b/"], 100), "list_objects Marker=a/ Delimiter=/: prefixes and key count")
    ok("list_objects Marker=a/ Delimiter=/ continues after the common prefix a/")

    r = s.s3.list_objects_v2(Bucket=bucket, MaxKeys=3)
    eq([c["Key"] for c in r["Contents"]], expected[:3], "list_objects_v2 MaxKeys=3: keys")
    eq((r.get("KeyCount"), r.get("IsTruncated"), r.get("MaxKeys")), (3, True, 3), "list_objects_v2 MaxKeys=3: KeyCount, IsTruncated, MaxKeys")
    first = r["Contents"][0]
    eq((first["Size"], first["ETag"]), (1, md5_etag(b"x")), "list_objects_v2 entry: Size and ETag")
    check(isinstance(first.get("LastModified"), datetime.datetime), "list_objects_v2 entry: no LastModified")
    ok("list_objects_v2 MaxKeys, KeyCount, entry fields")

    started = time.monotonic()
    delete_everything(s.s3, bucket)
    r = s.s3.list_objects_v2(Bucket=bucket)
    eq(r.get("KeyCount"), 0, "list after deleting the 10000 keys: KeyCount")
    r = s.s3.delete_bucket(Bucket=bucket)
    expect_status(r, 204, "delete_bucket of the emptied listing bucket")
    s.created.remove(bucket)
    ok(f"deleted 10000 keys with delete_objects and the bucket ({time.monotonic() - started:.1f} s)")


def section_expect_continue(s):
    """Uploads from files carry Expect: 100-continue, empty files too. botocore (1.29 and 1.43
    alike) keeps the status line of a direct answer to such a request on the pooled connection
    and misreads the next response on it after a real 100 Continue (boto/botocore#3755): the
    next upload stalls until the read timeout. `aws s3 sync` of a tree with an empty file hits it."""
    client = make_client(pool=1, read_timeout=10)
    for i, body in enumerate((b"", b"after an empty upload\n", b"", b"and again\n")):
        started = time.monotonic()
        try:
            client.put_object(Bucket=s.bucket, Key=f"expect/{i}", Body=io.BytesIO(body))
        except botocore.exceptions.ReadTimeoutError:
            fail(
                f"put_object of {len(body)} bytes from a file object after an empty one on the same connection: "
                f"read timeout after {time.monotonic() - started:.0f} s. The server answered the empty upload's "
                "Expect: 100-continue without a 100 Continue; botocore then misparses the next response on that "
                "connection (boto/botocore#3755). Send 100 Continue, or Connection: close, for such requests."
            )
            return
        _, got = read_all(s.s3, Bucket=s.bucket, Key=f"expect/{i}")
        eq(got, body, f"get_object expect/{i}")
    ok("file-object uploads (Expect: 100-continue), empty and not, alternate on one connection")


def section_delete_buckets(s):
    s.s3.put_object(Bucket=s.bucket, Key="keeps-it-busy", Body=b"x")
    expect_error("delete_bucket of a non-empty bucket", s.s3.delete_bucket, "BucketNotEmpty", 409, Bucket=s.bucket)
    for bucket in list(s.created):
        delete_everything(s.s3, bucket)
        r = s.s3.delete_bucket(Bucket=bucket)
        expect_status(r, 204, f"delete_bucket {bucket}")
        s.created.remove(bucket)
        expect_error(f"head_bucket {bucket} after delete", s.s3.head_bucket, ("404", "NoSuchBucket"), 404, Bucket=bucket)
    ok("buckets deleted")


SECTIONS = [
    ("buckets", section_buckets),
    ("objects", section_objects),
    ("metadata", section_metadata),
    ("ranges", section_ranges),
    ("conditional-get", section_conditional_get),
    ("response-overrides", section_response_overrides),
    ("conditional-put", section_conditional_put),
    ("digests", section_digests),
    ("copy", section_copy),
    ("delete-objects", section_delete_objects),
    ("checksums", section_checksums),
    ("transfer", section_transfer),
    ("presigned", section_presigned),
    ("auth-errors", section_auth_errors),
    ("missing", section_missing),
    ("listing-10k", section_listing),
    ("expect-continue", section_expect_continue),
    ("delete-buckets", section_delete_buckets),
]


def self_test():
    assert crc32c(b"123456789") == 0xE3069283, "crc32c self-test"
    assert crc64nvme(b"123456789") == 0xAE8B14860A799888, "crc64nvme self-test"


def main(argv):
    global ENDPOINT, ACCESS_KEY, SECRET_KEY
    if "--list" in argv:
        print("\n".join(name for name, _ in SECTIONS))
        return 0
    missing = [n for n in ("COFFER_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if not os.environ.get(n)]
    if missing:
        print(f"FAIL: set {', '.join(missing)}", file=sys.stderr)
        return 2
    ENDPOINT = os.environ["COFFER_ENDPOINT"]
    ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
    SECRET_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]
    global KEEP_GOING
    KEEP_GOING = os.environ.get("S3_SESSION_KEEP_GOING", "")
    only = [a for a in argv if not a.startswith("-")]
    unknown = [a for a in only if a not in dict(SECTIONS)]
    if unknown:
        print(f"FAIL: unknown sections {unknown}; known: {[n for n, _ in SECTIONS]}", file=sys.stderr)
        return 2
    self_test()

    print(f"s3_session.py: python {sys.version.split()[0]}, boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}", flush=True)
    s = Session()
    failures = []
    soft_seen = 0
    started = time.monotonic()
    for name, section in SECTIONS:
        if only and name not in only and name not in ("buckets", "delete-buckets"):
            continue
        print(f"== {name}", flush=True)
        section_started = time.monotonic()
        try:
            section(s)
        except CheckFailed as error:
            failures.append(name)
            print(f"FAIL [{name}] {error}\n{last_exchange()}", flush=True)
        except ClientError as error:
            failures.append(name)
            e = error.response.get("Error", {})
            print(
                f"FAIL [{name}] unexpected error: {error.operation_name} -> HTTP "
                f"{error.response.get('ResponseMetadata', {}).get('HTTPStatusCode')} {e.get('Code')}: {e.get('Message')}\n{last_exchange()}",
                flush=True,
            )
        except Exception:  # noqa: BLE001 - any client-side exception is a failed check
            failures.append(name)
            print(f"FAIL [{name}] unexpected exception:\n{traceback.format_exc()}{last_exchange()}", flush=True)
        else:
            if len(SOFT_FAILURES) > soft_seen:
                failures.append(name)
            else:
                print(f"   {name} passed ({time.monotonic() - section_started:.1f} s)", flush=True)
        soft_seen = len(SOFT_FAILURES)
        if failures and not KEEP_GOING:
            break

    if s.created:
        print(f"cleaning up {s.created} (best effort)", flush=True)
        for bucket in list(s.created):
            try:
                delete_everything(s.s3, bucket)
                s.s3.delete_bucket(Bucket=bucket)
            except Exception as error:  # noqa: BLE001
                print(f"  cleanup of {bucket} failed: {error}", flush=True)

    elapsed = time.monotonic() - started
    if failures:
        print(f"s3_session.py: FAILED sections: {', '.join(failures)} ({elapsed:.1f} s)", flush=True)
        return 1
    print(f"s3_session.py: all checks passed ({elapsed:.1f} s)", flush=True)
    return 0


ENDPOINT = ACCESS_KEY = SECRET_KEY = None
KEEP_GOING = ""

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
