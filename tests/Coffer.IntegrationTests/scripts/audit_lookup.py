#!/usr/bin/env python3
"""CloudTrail LookupEvents with boto3: client("cloudtrail").lookup_events with each of CloudTrail's
lookup attributes, its paginator over every page, Coffer's extra keys, CloudTrail's errors, and an
IAM user refused without cloudtrail:LookupEvents.

Runs with Debian's boto3 1.26 and current boto3. Environment: COFFER_ENDPOINT, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check
passed; otherwise 1 with a FAIL line naming the check.
"""

import json
import os
import time
import uuid
from datetime import datetime, timedelta, timezone

from session_checks import check, eq, expect_error, ok, run  # noqa: E402  (before boto3)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
CONFIG = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
BUCKET = "lookup-" + uuid.uuid4().hex[:8]
USER = "lookup-py-" + uuid.uuid4().hex[:8]


def client(service, **kwargs):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", config=CONFIG, **kwargs)


def ids(events):
    return [e["EventId"] for e in events]


def main():
    print(f"audit_lookup.py: boto3 {boto3.__version__}, endpoint {ENDPOINT}", flush=True)
    s3, iam, trail = client("s3"), client("iam"), client("cloudtrail")
    start = datetime.now(timezone.utc) - timedelta(seconds=1)

    s3.create_bucket(Bucket=BUCKET)
    for i in range(4):
        s3.put_object(Bucket=BUCKET, Key=f"docs/{i}.txt", Body=b"x")
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    user_s3 = client("s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    expect_error("the user reads without a policy", user_s3.get_object, "AccessDenied", 403, Bucket=BUCKET, Key="docs/0.txt")
    end = datetime.now(timezone.utc) + timedelta(milliseconds=500)
    time.sleep(1.6)
    window = {"StartTime": start, "EndTime": end}

    everything = [e for page in trail.get_paginator("lookup_events").paginate(**window) for e in page["Events"]]
    eq(sorted(e["EventName"] for e in everything if e["EventSource"] == "s3.amazonaws.com"),
       ["CreateBucket", "GetObject", "PutObject", "PutObject", "PutObject", "PutObject"], "S3 events of the session")
    ok(f"the paginator finds all {len(everything)} events of the session")

    pages = list(trail.get_paginator("lookup_events").paginate(PaginationConfig={"PageSize": 2}, **window))
    paged = [e for page in pages for e in page["Events"]]
    eq(ids(paged), ids(everything), "pages of 2")
    check(len(pages) >= 3 and len(set(ids(paged))) == len(paged), "pages of 2: several pages, no event twice")
    ok(f"pages of 2: {len(pages)} pages, every event once, newest first")

    def lookup(key, value):
        return trail.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}], **window)["Events"]

    puts = lookup("EventName", "PutObject")
    eq(len(puts), 4, "EventName=PutObject")
    eq({e["Username"] for e in puts}, {"root"}, "PutObject's Username")
    check(all(isinstance(e["EventTime"], datetime) for e in puts), "EventTime is a timestamp")
    record = json.loads(puts[0]["CloudTrailEvent"])
    eq((record["eventName"], record["eventID"]), ("PutObject", puts[0]["EventId"]), "CloudTrailEvent is the record")
    eq({(r["ResourceType"], r["ResourceName"]) for r in puts[0]["Resources"]} >= {("AWS::S3::Bucket", BUCKET)}, True, "Resources name the bucket")
    ok("EventName: four PutObject events by root, with their records and resources")

    mine = lookup("Username", USER)
    eq([(e["EventName"], e["AccessKeyId"]) for e in mine], [("GetObject", key["AccessKeyId"])], "Username=user")
    eq(ids(lookup("AccessKeyId", key["AccessKeyId"])), ids(mine), "AccessKeyId")
    eq(ids(lookup("EventId", mine[0]["EventId"])), ids(mine), "EventId")
    eq({e["EventName"] for e in lookup("EventSource", "iam.amazonaws.com")}, {"CreateUser", "CreateAccessKey"}, "EventSource=iam")
    eq(ids(lookup("ReadOnly", "true")), [e["EventId"] for e in everything if e["ReadOnly"] == "true"], "ReadOnly=true")
    eq(ids(lookup("ResourceName", BUCKET)), [e["EventId"] for e in everything if any(r["ResourceName"] == BUCKET for r in e.get("Resources", []))], "ResourceName")
    eq(len(lookup("ResourceType", "AWS::S3::Object")), 5, "ResourceType=AWS::S3::Object")
    ok("Username, AccessKeyId, EventId, EventSource, ReadOnly, ResourceName, ResourceType each return exactly theirs")

    eq(ids(lookup("ErrorCode", "AccessDenied")), ids(mine), "Coffer's ErrorCode key")
    eq(len(lookup("KeyPrefix", "docs/")), 5, "Coffer's KeyPrefix key")
    ok("Coffer's extra keys work through an unchanged boto3")

    expect_error("two lookup attributes", trail.lookup_events, "InvalidLookupAttributesException", 400,
                 LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutObject"}, {"AttributeKey": "Username", "AttributeValue": "root"}])
    expect_error("start after end", trail.lookup_events, "InvalidTimeRangeException", 400, StartTime=end, EndTime=start)
    expect_error("MaxResults 51", trail.lookup_events, "InvalidMaxResultsException", 400, MaxResults=51)
    expect_error("a made-up NextToken", trail.lookup_events, "InvalidNextTokenException", 400, NextToken="bm90LWEtdG9rZW4")
    expect_error("EventCategory management", trail.lookup_events, "InvalidEventCategoryException", 400, EventCategory="management")
    user_trail = client("cloudtrail", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    expect_error("a user without cloudtrail:LookupEvents", user_trail.lookup_events, "AccessDeniedException", 400)

    iam.delete_access_key(UserName=USER, AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName=USER)
    for i in range(4):
        s3.delete_object(Bucket=BUCKET, Key=f"docs/{i}.txt")
    s3.delete_bucket(Bucket=BUCKET)


if __name__ == "__main__":
    run(main, "audit_lookup.py")
