#!/usr/bin/env python3
"""Bucket versioning with boto3: the configuration (Enabled, Suspended), overwrites read back by
version id, delete markers (404 with x-amz-delete-marker, listed, deleted to restore), copy from
an older version, DeleteObjects with version ids, the null version of a suspended bucket, bad and
unknown version ids, and ListObjectVersions paged by boto3's paginator over a few hundred versions.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check.
"""

import os
import uuid

from session_checks import check, eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
BUCKET = "versions-" + uuid.uuid4().hex[:8]
UNKNOWN_VERSION = "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH"


def body(s3, key, version_id=None):
    args = {"Bucket": BUCKET, "Key": key}
    if version_id is not None:
        args["VersionId"] = version_id
    return s3.get_object(**args)["Body"].read()


def versions_of(s3, key):
    """(versions, delete markers) of one key, newest first, as [(VersionId, IsLatest)]."""
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key)
    versions = [(v["VersionId"], v["IsLatest"]) for v in listed.get("Versions", []) if v["Key"] == key]
    markers = [(m["VersionId"], m["IsLatest"]) for m in listed.get("DeleteMarkers", []) if m["Key"] == key]
    return versions, markers


def main():
    s3 = boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    print(f"versioning_session.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)

    s3.create_bucket(Bucket=BUCKET)
    try:
        session(s3)
    finally:
        empty(s3)


def empty(s3):
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=BUCKET):
        entries = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        for start in range(0, len(entries), 1000):
            s3.delete_objects(Bucket=BUCKET, Delete={"Objects": entries[start:start + 1000], "Quiet": True})
    s3.delete_bucket(Bucket=BUCKET)


def session(s3):
    # The configuration
    eq(s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), None, "a new bucket's versioning status")
    s3.put_object(Bucket=BUCKET, Key="before.txt", Body=b"written unversioned")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    eq(s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), "Enabled", "status after Enabled")
    eq(s3.head_object(Bucket=BUCKET, Key="before.txt")["VersionId"], "null", "an object from before versioning")
    ok("get/put-bucket-versioning; the object from before is the null version")

    # Three overwrites, each readable by its id
    ids = [s3.put_object(Bucket=BUCKET, Key="doc.txt", Body=f"version {i}".encode())["VersionId"] for i in range(3)]
    eq(len(set(ids)), 3, "three distinct version ids")
    check(all(len(i) == 32 for i in ids), f"version ids of 32 characters: {ids}")
    for i, version_id in enumerate(ids):
        eq(body(s3, "doc.txt", version_id), f"version {i}".encode(), f"GET version {i} by id")
        eq(s3.head_object(Bucket=BUCKET, Key="doc.txt", VersionId=version_id)["VersionId"], version_id, f"HEAD version {i}")
    eq(body(s3, "doc.txt"), b"version 2", "GET without an id")
    versions, markers = versions_of(s3, "doc.txt")
    eq(versions, [(ids[2], True), (ids[1], False), (ids[0], False)], "list-object-versions, newest first")
    ok("three overwrites read back by version id")

    # A delete writes a marker; deleting the marker restores
    deleted = s3.delete_object(Bucket=BUCKET, Key="doc.txt")
    eq(deleted.get("DeleteMarker"), True, "DeleteMarker of a plain delete")
    marker = deleted["VersionId"]
    check(marker not in ids, "the marker has its own id")
    error = expect_error("GET after the delete", s3.get_object, "NoSuchKey", 404, Bucket=BUCKET, Key="doc.txt")
    headers = error.response["ResponseMetadata"]["HTTPHeaders"]
    eq(headers.get("x-amz-delete-marker"), "true", "x-amz-delete-marker on the 404")
    eq(headers.get("x-amz-version-id"), marker, "x-amz-version-id on the 404")
    expect_error("GET the marker by id", s3.get_object, "MethodNotAllowed", 405, Bucket=BUCKET, Key="doc.txt", VersionId=marker)
    eq(body(s3, "doc.txt", ids[2]), b"version 2", "older versions stay readable under a marker")
    versions, markers = versions_of(s3, "doc.txt")
    eq(markers, [(marker, True)], "the marker in list-object-versions")
    eq(versions[0], (ids[2], False), "the former current version is no longer latest")
    eq(s3.list_objects_v2(Bucket=BUCKET, Prefix="doc.txt").get("KeyCount"), 0, "ListObjectsV2 hides a deleted key")
    undone = s3.delete_object(Bucket=BUCKET, Key="doc.txt", VersionId=marker)
    eq((undone.get("DeleteMarker"), undone.get("VersionId")), (True, marker), "deleting the marker by id")
    eq(body(s3, "doc.txt"), b"version 2", "GET after the marker is gone")
    ok("delete -> marker (404 + x-amz-delete-marker); deleting the marker restores")

    # Copy from an older version restores it as a new version
    copied = s3.copy_object(Bucket=BUCKET, Key="doc.txt", CopySource={"Bucket": BUCKET, "Key": "doc.txt", "VersionId": ids[0]})
    eq(copied.get("CopySourceVersionId"), ids[0], "x-amz-copy-source-version-id")
    check(copied["VersionId"] not in ids, "the copy is a new version")
    eq(body(s3, "doc.txt"), b"version 0", "GET after restoring version 0 by copy")
    eq(len(versions_of(s3, "doc.txt")[0]), 4, "four versions after the copy")
    ok("copy-object with ?versionId= restores an old version")

    # Delete one version for good, then DeleteObjects with version ids
    gone = s3.delete_object(Bucket=BUCKET, Key="doc.txt", VersionId=ids[1])
    eq(gone.get("VersionId"), ids[1], "x-amz-version-id of a version delete")
    expect_error("GET a deleted version", s3.get_object, "NoSuchVersion", 404, Bucket=BUCKET, Key="doc.txt", VersionId=ids[1])
    batch = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [
        {"Key": "doc.txt", "VersionId": ids[0]},
        {"Key": "doc.txt", "VersionId": ids[2]},
        {"Key": "doc.txt"},
    ]})
    eq(batch.get("Errors", []), [], "DeleteObjects errors")
    results = {(d["Key"], d.get("VersionId")): d for d in batch["Deleted"]}
    check(("doc.txt", ids[0]) in results and ("doc.txt", ids[2]) in results, f"both versions reported: {batch['Deleted']}")
    plain = [d for d in batch["Deleted"] if d.get("VersionId") is None]
    eq(len(plain), 1, "one entry without a version id")
    eq(plain[0].get("DeleteMarker"), True, "the plain delete wrote a marker")
    check(len(plain[0].get("DeleteMarkerVersionId", "")) == 32, f"DeleteMarkerVersionId: {plain[0]}")
    versions, markers = versions_of(s3, "doc.txt")
    eq([v for v, _ in versions], [copied["VersionId"]], "only the copy is left")
    eq(markers, [(plain[0]["DeleteMarkerVersionId"], True)], "and the new marker is latest")
    ok("delete-objects with version ids")

    # Suspended: writes replace the null version; a delete writes a null marker
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    eq(s3.get_bucket_versioning(Bucket=BUCKET).get("Status"), "Suspended", "status after Suspended")
    kept = s3.put_object(Bucket=BUCKET, Key="susp.txt", Body=b"kept")  # never versioned before: null
    eq(kept.get("VersionId"), "null", "PUT in a suspended bucket")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    real = s3.put_object(Bucket=BUCKET, Key="susp.txt", Body=b"real version")["VersionId"]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=BUCKET, Key="susp.txt", Body=b"null one")
    s3.put_object(Bucket=BUCKET, Key="susp.txt", Body=b"null two")
    versions, _ = versions_of(s3, "susp.txt")
    eq(versions, [("null", True), (real, False)], "a suspended overwrite replaces the null version only")
    eq(body(s3, "susp.txt", "null"), b"null two", "GET versionId=null")
    null_marker = s3.delete_object(Bucket=BUCKET, Key="susp.txt")
    eq((null_marker.get("DeleteMarker"), null_marker.get("VersionId")), (True, "null"), "a suspended delete writes a null marker")
    versions, markers = versions_of(s3, "susp.txt")
    eq((versions, markers), ([(real, False)], [("null", True)]), "the null object was replaced by the null marker")
    s3.delete_object(Bucket=BUCKET, Key="susp.txt", VersionId="null")
    eq(body(s3, "susp.txt"), b"real version", "deleting the null marker brings back the real version")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    ok("suspended: null version replaced in place, null delete marker")

    # Bad and unknown version ids
    expect_error("GET with a malformed version id", s3.get_object, "InvalidArgument", 400, Bucket=BUCKET, Key="susp.txt", VersionId="not-a-version")
    expect_error("GET with an unknown version id", s3.get_object, "NoSuchVersion", 404, Bucket=BUCKET, Key="susp.txt", VersionId=UNKNOWN_VERSION)
    expect_error("DELETE with a malformed version id", s3.delete_object, "InvalidArgument", 400, Bucket=BUCKET, Key="susp.txt", VersionId="not-a-version")
    # As on S3: deleting a version that does not exist succeeds and names it.
    unknown = s3.delete_object(Bucket=BUCKET, Key="susp.txt", VersionId=UNKNOWN_VERSION)
    eq(unknown.get("VersionId"), UNKNOWN_VERSION, "DELETE an unknown version id")
    eq(body(s3, "susp.txt"), b"real version", "an unknown version delete changes nothing")
    ok("bad and unknown version ids")

    # ListObjectVersions paged by boto3's paginator
    for i in range(300):
        s3.put_object(Bucket=BUCKET, Key=f"many/{i % 4}", Body=str(i).encode())
    for i in range(4):
        s3.delete_object(Bucket=BUCKET, Key=f"many/{i}")
    seen, markers_seen, pages = [], 0, 0
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=BUCKET, Prefix="many/", PaginationConfig={"PageSize": 40}):
        pages += 1
        check(len(page.get("Versions", [])) + len(page.get("DeleteMarkers", [])) <= 40, "a page holds at most max-keys entries")
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        markers_seen += len(page.get("DeleteMarkers", []))
    eq((len(seen), len(set(seen)), markers_seen), (300, 300, 4), "versions and markers over every page, none twice")
    eq(pages, 8, "pages of 40 over 304 entries")
    eq([k for k, _ in seen], sorted(k for k, _ in seen), "versions in key order across pages")
    ok(f"list-object-versions paged ({pages} pages of at most 40 over 304 entries)")


if __name__ == "__main__":
    run(main, "versioning_session.py")
