"""What sse_session.py and sse_restart.py share: the environment, the check helpers (from
session_checks), bodies that carry the marker, and the KMS operations botocore 1.26 does not
know, sent as signed JSON."""

import json
import os
import urllib.error
import urllib.request

from session_checks import CheckFailed, check, eq, ok  # noqa: E402, F401  (before boto3; re-exported)

from boto3.s3.transfer import TransferConfig  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
ROOT = (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
MARKER = os.environ.get("COFFER_SSE_MARKER", "COFFER-SSE-PLAINTEXT-MARKER").encode("ascii")
REGION = "us-east-1"
MIB = 1024 * 1024

# 8 MiB parts above an 8 MiB threshold, as boto3's and the aws cli's defaults.
TRANSFER = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=2)


def body(size):
    """`size` bytes: the marker, then random bytes, again and again."""
    block = MARKER + b"\n" + os.urandom(4093 - len(MARKER))
    data = (block * (size // len(block) + 1))[:size]
    check(size < len(block) or MARKER in data, "the body holds the marker")
    return data


def kms_json(operation, request):
    """A KMS request signed by hand: for the operations botocore 1.26 does not know."""
    data = json.dumps(request).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TrentService.{operation}"}
    signed = AWSRequest(method="POST", url=ENDPOINT + "/", data=data, headers=headers)
    SigV4Auth(Credentials(*ROOT), "kms", REGION).add_auth(signed)
    try:
        with urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/", data=data, headers=dict(signed.headers.items()), method="POST")) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise CheckFailed(f"KMS {operation}: HTTP {error.code} {error.read().decode()}") from None


def rotate_on_demand(kms, key_id):
    if hasattr(kms, "rotate_key_on_demand"):
        return kms.rotate_key_on_demand(KeyId=key_id)
    return kms_json("RotateKeyOnDemand", {"KeyId": key_id})
