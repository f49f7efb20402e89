#!/usr/bin/env python3
"""A Kinesis Playground session as boto3 code ({{ABOUT}}).

Run it against AWS with your usual credentials, or against local emulators, e.g.
    KINESIS_ENDPOINT_URL=http://127.0.0.1:4567 python3 session.py
    (also FIREHOSE_ENDPOINT_URL, S3_ENDPOINT_URL, or ENDPOINT_URL for all services)
TIME_SCALE=1 waits out the virtual-time gaps between calls (0 = do not wait; waiters still wait).
Each call prints AWS's answer; the "# playground:" comment under it shows what the playground
answered. check(...) compares what AWS documents as fixed by the request (the shard a key lands
in, the records an iterator returns, the shard lineage after resharding); the script exits with
status 1 if any of them differ. Errors the playground answered are expected, not fatal.
"""
import base64
import datetime
import json
import os
import sys
import time

import boto3
from botocore.exceptions import ClientError, ParamValidationError

REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
TIME_SCALE = float(os.environ.get("TIME_SCALE", "{{TIME_SCALE}}"))
WAIT = {"Delay": 1, "MaxAttempts": 300}
T0 = time.time()
CHECKS = {"same": 0, "differ": []}


def client(name):
    url = os.environ.get(name.upper() + "_ENDPOINT_URL") or os.environ.get("ENDPOINT_URL")
    return boto3.client(name, region_name=REGION, endpoint_url=url)


REACHED = {0: T0}


def at(ms, new_second=False):
    """Waits until virtual time `ms` of the session (scaled by TIME_SCALE); `new_second`: and
    until a new whole second (some clients send timestamps in whole seconds)."""
    delay = T0 + ms / 1000 * TIME_SCALE - time.time()
    if delay > 0:
        time.sleep(delay)
    if new_second:
        time.sleep(1.001 - time.time() % 1)
    REACHED[ms] = time.time()


def ts_at(ms):
    """The instant virtual time `ms` stands for in this run (an AT_TIMESTAMP position): the moment
    the script reached the first paced step at or after it, so every call the session made before
    `ms` happened before it here too, however long the calls took."""
    later = [k for k in REACHED if k >= ms]
    if later:
        t = REACHED[min(later)]
    else:
        last = max(REACHED)
        t = REACHED[last] + (ms - last) / 1000 * TIME_SCALE
    return datetime.datetime.fromtimestamp(t, tz=datetime.timezone.utc)


def _plain(v):
    if isinstance(v, (bytes, bytearray)):
        try:
            return v.decode()
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if hasattr(v, "read"):
        return _plain(v.read())
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    return v


def show(resp):
    """Prints AWS's answer, shortened."""
    if "EventStream" in resp:
        events = []
        for event in resp["EventStream"]:
            events.append(_plain(event))
            if len(events) >= 3:
                break
        resp = {"EventStream (first events)": events}
    text = json.dumps(_plain(resp), default=str)
    print("  aws:", text if len(text) <= 300 else text[:300] + "…")


def _result(label, same, got, expected):
    if same:
        CHECKS["same"] += 1
        print("  ✓", label, "— same as the playground")
    else:
        CHECKS["differ"].append(label)
        print("  ✗", label, "— AWS:", got, "playground:", expected)


def check(label, got, expected):
    _result(label, got == expected, got, expected)


def check_shard_ids(label, resp, expected):
    got = [r.get("ShardId") for r in resp["Records"]]
    same = all(e is None or g is None or g == e for g, e in zip(got, expected))
    _result(label, same and len(got) == len(expected), got, expected)


def check_records(label, resp, expected):
    got = [(r["PartitionKey"], base64.b64encode(r["Data"]).decode()) for r in resp["Records"]]
    _result(label, got == expected, got, expected)


def shard(shard_id, parent, adjacent, start, end, closed):
    return {"id": shard_id, "parent": parent, "adjacent": adjacent, "start": start, "end": end,
            "closed": closed}


def check_shards(label, shards, expected):
    got = [shard(s["ShardId"], s.get("ParentShardId"), s.get("AdjacentParentShardId"),
                 s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"],
                 s["SequenceNumberRange"].get("EndingSequenceNumber") is not None)
           for s in shards]
    _result(label, got == expected, got, expected)


def expected_error(e, code):
    if isinstance(e, ParamValidationError):
        # botocore refuses it before sending; the service itself answers ValidationException.
        got = "ValidationException"
    else:
        got = e.response["Error"]["Code"] if e is not None else "no error"
    if got == code:
        print("  ✓ AWS refused it too:", code)
    else:
        print("  ! AWS answered", got, "where the playground answered", code)


def wait_consumer_active(**consumer):
    for _ in range(300):
        d = kinesis.describe_stream_consumer(**consumer)["ConsumerDescription"]
        if d["ConsumerStatus"] == "ACTIVE":
            return
        time.sleep(1)


def wait_delivery_stream_active(name):
    for _ in range(300):
        d = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        if d["DeliveryStreamStatus"] == "ACTIVE":
            return
        time.sleep(1)


def check_delivered(bucket, expected_lines, timeout_s=960):
    """Every accepted record's lines in the bucket's objects, once (any object, any order)."""
    deadline = time.time() + timeout_s
    while True:
        lines = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                lines += [base64.b64encode(l).decode() for l in body.split(b"\n")[:-1]]
        lines.sort()
        if lines == expected_lines or time.time() > deadline or len(lines) > len(expected_lines):
            break
        time.sleep(5)
    _result("records delivered to s3://" + bucket, lines == expected_lines,
            len(lines), len(expected_lines))


def finish():
    differ = CHECKS["differ"]
    print(f"{CHECKS['same'] + len(differ)} checks: {CHECKS['same']} same as the playground,",
          f"{len(differ)} differ")
    sys.exit(1 if differ else 0)


