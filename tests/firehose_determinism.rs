//! Firehose is deterministic: a pinned digest equal natively and in headless Chromium, frame-size
//! independence, and replay from a saved session (the action log) to the same world.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::digest::world_digest;
use serde_json::json;

/// The digest of [`scenario`] at 200 s with seed 21, natively and in wasm.
const GOLDEN: &str = "4080bab1ffcf1cf36dfef7a2396a3e99";

fn scenario(seed: u64) -> Session {
    let mut s = session(seed);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({ "StreamName": "src", "ShardCount": 2 }),
    );
    ok(&mut s, "s3", "CreateBucket", json!({ "Bucket": "lake" }));
    s.advance_to(2_000);
    ok(
        &mut s,
        "playground",
        "CreateTransformFunction",
        json!({ "FunctionName": "t", "ErrorRate": 0.3, "Steps": [
        { "Type": "Script", "Source": "if (record.n % 9 == 0) { fail \"nines\"; }\npartition(\"k\", record.k);\nreturn to_json(record) + \"\\n\";" } ] }),
    );
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({
        "DeliveryStreamName": "fh", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/src", "RoleARN": "arn:aws:iam::123456789012:role/r" },
        "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/r", "BucketARN": "arn:aws:s3:::lake",
            "Prefix": "k=!{partitionKeyFromLambda:k}/", "ErrorOutputPrefix": "err/!{firehose:error-output-type}/",
            "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 30 }, "CompressionFormat": "GZIP",
            "DynamicPartitioningConfiguration": { "Enabled": true },
            "ProcessingConfiguration": { "Enabled": true, "Processors": [{ "Type": "Lambda", "Parameters": [
                { "ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:t" },
                { "ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60" } ] }] },
        } }),
    );
    s.advance_to(8_000);
    ok(
        &mut s,
        "playground",
        "SetDestinationBehavior",
        json!({ "DeliveryStreamName": "fh", "ErrorRate": 0.25 }),
    );
    for n in 0..400u64 {
        s.advance_to(8_000 + n * 150);
        let data = common::b64(format!("{{\"n\":{n},\"k\":\"key{}\"}}", n % 3).as_bytes());
        ok(
            &mut s,
            "kinesis",
            "PutRecord",
            json!({ "StreamName": "src", "Data": data, "PartitionKey": format!("pk{n}") }),
        );
    }
    s
}

fn records_delivered(s: &Session) -> u64 {
    s.world().firehose.streams["fh"].ledger.delivered
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn golden_digest_native_and_wasm_agree() {
    let mut s = scenario(21);
    s.advance_to(200_000);
    assert!(records_delivered(&s) > 0);
    assert_eq!(world_digest(s.world()), GOLDEN);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn frames_and_replay_give_the_same_world() {
    let mut a = scenario(22);
    a.advance_to(200_000);
    let mut b = scenario(22);
    let mut t = b.world().now();
    while t < 200_000 {
        t = (t + 16).min(200_000);
        b.advance_to(t);
    }
    assert_eq!(world_digest(a.world()), world_digest(b.world()));
    let replayed = Session::from_jsonl(&a.to_jsonl()).unwrap();
    assert_eq!(world_digest(replayed.world()), world_digest(a.world()));
    let mut c = scenario(23);
    c.advance_to(200_000);
    assert_ne!(
        world_digest(c.world()),
        world_digest(a.world()),
        "another seed, another world"
    );
}
