"""What the scripted client sessions share: checks that stop the session with a FAIL line, the
expected-error check, and the runner that turns the outcome into the exit code the tests read.
Importing it also keeps boto3 away from whatever ~/.aws holds."""

import os
import sys

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

from botocore.exceptions import ClientError  # noqa: E402


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def ok(what):
    print(f"  ok  {what}", flush=True)


def expect_error(what, call, code, status, **kwargs):
    """The call fails with HTTP `status` and error `code`; returns the error."""
    try:
        call(**kwargs)
    except ClientError as error:
        got = error.response["Error"].get("Code")
        got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        check(got == code and got_status == status, f"{what}: expected HTTP {status} {code}, got HTTP {got_status} {got}")
        ok(f"{what} -> {code}")
        return error
    raise CheckFailed(f"{what}: expected {code}, but the call succeeded")


def run(main, name):
    """Runs the session: exit code 0 when every check passed, else 1 with a FAIL line."""
    try:
        main()
    except CheckFailed as failure:
        print(f"FAIL {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAIL unexpected error: {error}", flush=True)
        sys.exit(1)
    print(f"{name}: every check passed", flush=True)
