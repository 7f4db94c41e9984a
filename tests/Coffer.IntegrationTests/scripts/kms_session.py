#!/usr/bin/env python3
"""A scripted KMS session with boto3: keys, aliases, encryption with a context, data keys,
rotation, disabling, scheduled deletion and cancellation, and the error types boto3 maps to its
exception classes.

Runs with Debian's boto3 1.26 (which predates RotateKeyOnDemand and ListKeyRotations: those
checks are skipped) and current boto3. Environment: COFFER_ENDPOINT, and AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY of the account's root. Exit code 0 when every check passed; otherwise 1
with a FAIL line naming the check.
"""

import os
import sys
import uuid

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

ENDPOINT = os.environ["COFFER_ENDPOINT"]
SUFFIX = uuid.uuid4().hex[:8]


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def ok(what):
    print(f"  ok  {what}", flush=True)


def expect_error(what, call, code, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        got = error.response["Error"].get("Code")
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        check(got == code and status == 400, f"{what}: expected HTTP 400 {code}, got HTTP {status} {got}")
        check(error.response["ResponseMetadata"].get("RequestId"), f"{what}: no request id")
        ok(f"{what} -> {code}")
        return error
    raise CheckFailed(f"{what}: expected {code}, but the call succeeded")


def main():
    kms = boto3.client("kms", endpoint_url=ENDPOINT, region_name="us-east-1",
                       config=Config(retries={"max_attempts": 1}))
    print(f"kms_session.py: boto3 {boto3.__version__}, botocore {botocore.__version__}, endpoint {ENDPOINT}")

    print("== keys and aliases")
    metadata = kms.create_key(Description="boto3 key", KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]
    key_id, arn = metadata["KeyId"], metadata["Arn"]
    eq(metadata["KeyState"], "Enabled", "CreateKey state")
    eq(metadata["EncryptionAlgorithms"], ["SYMMETRIC_DEFAULT"], "CreateKey algorithms")
    check(metadata["CreationDate"].year >= 2024, f"CreationDate parsed as a date: {metadata['CreationDate']!r}")
    alias = f"alias/boto3-{SUFFIX}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    eq(kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"], arn, "DescribeKey by alias")
    eq(kms.describe_key(KeyId=arn.replace(f"key/{key_id}", alias))["KeyMetadata"]["KeyId"], key_id, "DescribeKey by alias ARN")
    listed = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1}) for k in page["Keys"]]
    check(key_id in listed, "ListKeys (paginated by one) lists the key")
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    eq([a["AliasName"] for a in aliases], [alias], "ListAliases for the key")
    expect_error("CreateAlias twice", kms.create_alias, "AlreadyExistsException", AliasName=alias, TargetKeyId=key_id)
    expect_error("CreateAlias without alias/", kms.create_alias, "ValidationException", AliasName=f"boto3-{SUFFIX}", TargetKeyId=key_id)
    expect_error("DescribeKey of an unknown key", kms.describe_key, "NotFoundException", KeyId=str(uuid.uuid4()))
    check(isinstance(expect_error("a NotFoundException is boto3's class", kms.describe_key, "NotFoundException", KeyId="alias/none"),
                     kms.exceptions.NotFoundException), "boto3 maps NotFoundException to its class")
    ok("CreateKey, CreateAlias, DescribeKey, ListKeys, ListAliases")

    print("== encryption")
    context = {"purpose": "boto3", "tenant": "a"}
    encrypted = kms.encrypt(KeyId=alias, Plaintext=b"boto3 secret", EncryptionContext=context)
    eq(encrypted["KeyId"], arn, "Encrypt answers with the key ARN")
    blob = encrypted["CiphertextBlob"]
    decrypted = kms.decrypt(CiphertextBlob=blob, EncryptionContext=dict(reversed(list(context.items()))))
    eq(decrypted["Plaintext"], b"boto3 secret", "Decrypt round trip")
    eq(decrypted["KeyId"], arn, "Decrypt names the key")
    expect_error("Decrypt with another context", kms.decrypt, "InvalidCiphertextException", CiphertextBlob=blob, EncryptionContext={"purpose": "boto3"})
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    expect_error("Decrypt naming another key", kms.decrypt, "IncorrectKeyException", CiphertextBlob=blob, EncryptionContext=context, KeyId=other)
    expect_error("Encrypt of 4097 bytes", kms.encrypt, "ValidationException", KeyId=key_id, Plaintext=b"x" * 4097)
    data_key = kms.generate_data_key(KeyId=key_id, NumberOfBytes=64, EncryptionContext=context)
    eq(len(data_key["Plaintext"]), 64, "GenerateDataKey NumberOfBytes")
    eq(kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)["Plaintext"], data_key["Plaintext"], "the data key decrypts")
    without = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_128")
    check("Plaintext" not in without, "GenerateDataKeyWithoutPlaintext has no plaintext")
    eq(len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]), 16, "AES_128 data key")
    expect_error("GenerateDataKey without a size", kms.generate_data_key, "ValidationException", KeyId=key_id)
    ok("Encrypt, Decrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext")

    print("== state")
    kms.disable_key(KeyId=key_id)
    expect_error("Encrypt with a disabled key", kms.encrypt, "DisabledException", KeyId=key_id, Plaintext=b"x")
    expect_error("Decrypt with a disabled key", kms.decrypt, "DisabledException", CiphertextBlob=blob, EncryptionContext=context)
    kms.enable_key(KeyId=key_id)
    eq(kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"], b"boto3 secret", "Decrypt after EnableKey")

    print("== rotation")
    kms.enable_key_rotation(KeyId=key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    check(status["KeyRotationEnabled"], "GetKeyRotationStatus after EnableKeyRotation")
    if status.get("RotationPeriodInDays") is not None:
        eq(status["RotationPeriodInDays"], 365, "the default rotation period")
    if hasattr(kms, "rotate_key_on_demand"):
        eq(kms.rotate_key_on_demand(KeyId=key_id)["KeyId"], key_id, "RotateKeyOnDemand")
        rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
        eq([r["RotationType"] for r in rotations], ["ON_DEMAND"], "ListKeyRotations")
        eq(kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"], b"boto3 secret", "old ciphertext after rotation")
        fresh = kms.encrypt(KeyId=key_id, Plaintext=b"after rotation")["CiphertextBlob"]
        eq(kms.decrypt(CiphertextBlob=fresh)["Plaintext"], b"after rotation", "new ciphertext after rotation")
        ok("RotateKeyOnDemand, ListKeyRotations")
    else:
        ok("RotateKeyOnDemand skipped: this botocore predates it")
    kms.disable_key_rotation(KeyId=key_id)
    check(not kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"], "DisableKeyRotation")
    if "RotationPeriodInDays" in kms.meta.service_model.operation_model("EnableKeyRotation").input_shape.members:
        # botocore checks minimums itself, so the server's own check shows with a period too long.
        expect_error("EnableKeyRotation every 3000 days", kms.enable_key_rotation, "ValidationException", KeyId=key_id, RotationPeriodInDays=3000)
    ok("EnableKeyRotation, GetKeyRotationStatus, DisableKeyRotation")

    print("== deletion")
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    eq(scheduled["KeyState"], "PendingDeletion", "ScheduleKeyDeletion state")
    check(scheduled["DeletionDate"].year >= 2024, "ScheduleKeyDeletion DeletionDate")
    expect_error("Decrypt with a key pending deletion", kms.decrypt, "KMSInvalidStateException", CiphertextBlob=blob, EncryptionContext=context)
    expect_error("ScheduleKeyDeletion twice", kms.schedule_key_deletion, "KMSInvalidStateException", KeyId=key_id)
    eq(kms.cancel_key_deletion(KeyId=key_id)["KeyId"], arn, "CancelKeyDeletion")
    eq(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"], "Disabled", "a cancelled deletion leaves the key disabled")
    kms.enable_key(KeyId=key_id)
    kms.delete_alias(AliasName=alias)
    expect_error("DescribeKey by a deleted alias", kms.describe_key, "NotFoundException", KeyId=alias)
    ok("ScheduleKeyDeletion, CancelKeyDeletion, DeleteAlias")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAIL unexpected {error}", flush=True)
        sys.exit(1)
    print("kms_session.py: every check passed")
