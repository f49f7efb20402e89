//! Lambda event source mappings on Kinesis (semantics.md §3): polling through GetRecords, batching,
//! bisecting, ReportBatchItemFailures, retries blocking a shard, the on-failure destination,
//! enable/disable, parallelization and resharding.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::collections::BTreeMap;

use common::*;
use kinesis_playground::engine::action_log::Session;
use serde_json::{json, Value};

const ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:dlq";

/// PutRecords of `keys` (data = "<key>#<i>") to stream `s`; returns the sequence numbers.
fn put_keys(s: &mut Session, keys: &[String]) -> Vec<String> {
    let mut seqs = Vec::new();
    for chunk in keys.chunks(500) {
        let entries: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, k)| json!({"PartitionKey": k, "Data": b64(format!("{k}#{i}").as_bytes())}))
            .collect();
        let out = ok(
            s,
            "kinesis",
            "PutRecords",
            json!({"StreamName": "s", "Records": entries}),
        );
        assert_eq!(out["FailedRecordCount"], 0);
        seqs.extend(
            out["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["SequenceNumber"].as_str().unwrap().to_string()),
        );
        advance_by(s, 1_000);
    }
    seqs
}

fn keys_with_poison(n: usize, poison_at: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i == poison_at {
                "poison".to_string()
            } else {
                format!("k-{i}")
            }
        })
        .collect()
}

fn create(s: &mut Session, extra: Value) -> String {
    let mut req = json!({"EventSourceArn": ARN, "FunctionName": "fn", "StartingPosition": "TRIM_HORIZON",
                         "DestinationConfig": {"OnFailure": {"Destination": DLQ}},
                         "FunctionBehavior": {"DurationMs": 100, "FailOnPartitionKey": "poison"}});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    let out = ok(s, "playground", "CreateEventSourceMapping", req);
    out["UUID"].as_str().unwrap().to_string()
}

fn invocations(s: &mut Session, uuid: &str) -> Vec<Value> {
    let out = ok(
        s,
        "playground",
        "ListInvocations",
        json!({"UUID": uuid, "MaxItems": 1000}),
    );
    out["Invocations"].as_array().unwrap().clone()
}

fn failures(s: &mut Session, uuid: &str) -> Vec<Value> {
    ok(
        s,
        "playground",
        "GetOnFailureRecords",
        json!({"UUID": uuid}),
    )["Records"]
        .as_array()
        .unwrap()
        .clone()
}

fn mapping(s: &mut Session, uuid: &str) -> Value {
    let all = ok(s, "playground", "ListEventSourceMappings", json!({}));
    all["EventSourceMappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["UUID"] == uuid)
        .cloned()
        .unwrap()
}

fn contains(inv: &Value, seq: &str) -> bool {
    let (a, b) = (
        inv["StartSequenceNumber"].as_str().unwrap(),
        inv["EndSequenceNumber"].as_str().unwrap(),
    );
    dec_cmp(a, seq).is_le() && dec_cmp(seq, b).is_le()
}

fn ceil_log2(n: usize) -> usize {
    (usize::BITS - (n - 1).leading_zeros()) as usize
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bisect_isolates_a_poison_record_in_ceil_log2_plus_one_invocations() {
    for n in [1usize, 2, 3, 7, 8, 13, 100, 500] {
        let mut s = session_with_stream(31, "s", 1);
        let seqs = put_keys(&mut s, &keys_with_poison(n, 0));
        let uuid = create(
            &mut s,
            json!({"BatchSize": n, "BisectBatchOnFunctionError": true, "MaximumRetryAttempts": 0}),
        );
        advance_by(&mut s, 60_000);
        let inv = invocations(&mut s, &uuid);
        let with_poison: Vec<&Value> = inv.iter().filter(|i| contains(i, &seqs[0])).collect();
        assert_eq!(with_poison.len(), ceil_log2(n) + 1, "batch of {n}");
        let sizes: Vec<u64> = with_poison
            .iter()
            .map(|i| i["BatchSize"].as_u64().unwrap())
            .collect();
        let mut want = vec![n as u64];
        while *want.last().unwrap() > 1 {
            let last = *want.last().unwrap();
            want.push(last.div_ceil(2));
        }
        assert_eq!(sizes, want, "halving, first half ⌈n/2⌉");
        let last = with_poison.last().unwrap();
        assert_eq!(last["Action"], "Discarded");
        assert_eq!(
            last["RetryAttempt"], 0,
            "bisecting does not consume retries"
        );
        // Everything else was processed; only the poison record went to the destination.
        let m = mapping(&mut s, &uuid);
        assert_eq!(m["Stats"]["RecordsProcessed"], n as u64 - 1);
        let f = failures(&mut s, &uuid);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0]["KinesisBatchInfo"]["batchSize"], 1);
        assert_eq!(f[0]["KinesisBatchInfo"]["startSequenceNumber"], seqs[0]);
        assert_eq!(
            f[0]["requestContext"]["approximateInvokeCount"],
            (ceil_log2(n) + 1) as u64
        );
        assert_eq!(m["Shards"][0]["Checkpoint"], seqs[n - 1]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_poison_record_anywhere_is_isolated_within_the_bound() {
    let n = 100;
    for at in [1usize, 37, 50, 63, 99] {
        let mut s = session_with_stream(32, "s", 1);
        let seqs = put_keys(&mut s, &keys_with_poison(n, at));
        let uuid = create(
            &mut s,
            json!({"BatchSize": n, "BisectBatchOnFunctionError": true, "MaximumRetryAttempts": 0}),
        );
        advance_by(&mut s, 60_000);
        let inv = invocations(&mut s, &uuid);
        let with_poison = inv.iter().filter(|i| contains(i, &seqs[at])).count();
        assert!(
            (6..=ceil_log2(n) + 1).contains(&with_poison),
            "poison at {at}: {with_poison}"
        );
        let f = failures(&mut s, &uuid);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0]["KinesisBatchInfo"]["startSequenceNumber"], seqs[at]);
        assert_eq!(f[0]["KinesisBatchInfo"]["endSequenceNumber"], seqs[at]);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn report_batch_item_failures_checkpoints_before_the_lowest_failed_record() {
    let mut s = session_with_stream(33, "s", 1);
    let keys: Vec<String> = (0..10)
        .map(|i| {
            if i == 4 || i == 7 {
                "poison".to_string()
            } else {
                format!("k-{i}")
            }
        })
        .collect();
    let seqs = put_keys(&mut s, &keys);
    let uuid = create(
        &mut s,
        json!({"BatchSize": 10, "MaximumRetryAttempts": 2, "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    advance_by(&mut s, 500);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0]["Outcome"], "PartialFailure");
    assert_eq!(
        inv[0]["BatchItemFailures"],
        json!([{"itemIdentifier": seqs[4]}, {"itemIdentifier": seqs[7]}])
    );
    assert_eq!(
        inv[0]["CheckpointAfter"], seqs[3],
        "checkpoint just before the lowest failed record"
    );
    assert_eq!(inv[0]["Action"], "Retrying");
    advance_by(&mut s, 10_000);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(inv.len(), 3, "the first try and 2 retries");
    for (i, x) in inv.iter().enumerate().skip(1) {
        assert_eq!(
            x["StartSequenceNumber"], seqs[4],
            "the retry starts at the lowest failed record"
        );
        assert_eq!(x["BatchSize"], 6);
        assert_eq!(x["RetryAttempt"], i as u64);
        assert_eq!(
            x["CheckpointAfter"],
            if i < 2 {
                json!(seqs[3])
            } else {
                json!(seqs[9])
            }
        );
    }
    let f = failures(&mut s, &uuid);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["KinesisBatchInfo"]["startSequenceNumber"], seqs[4]);
    assert_eq!(f[0]["KinesisBatchInfo"]["batchSize"], 6);
    assert_eq!(f[0]["requestContext"]["approximateInvokeCount"], 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exhausted_retries_send_an_invocation_record_to_the_on_failure_destination() {
    let mut s = session_with_stream(34, "s", 1);
    let mut keys = keys_with_poison(5, 2);
    let seqs = put_keys(&mut s, &keys);
    let uuid = create(&mut s, json!({"BatchSize": 5, "MaximumRetryAttempts": 2}));
    advance_by(&mut s, 2_000);
    keys = (0..3).map(|i| format!("later-{i}")).collect();
    let later = put_keys(&mut s, &keys);
    advance_by(&mut s, 10_000);
    let inv = invocations(&mut s, &uuid);
    let outcomes: Vec<(&str, u64, &str)> = inv
        .iter()
        .map(|i| {
            (
                i["Outcome"].as_str().unwrap(),
                i["RetryAttempt"].as_u64().unwrap(),
                i["Action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("FunctionError", 0, "Retrying"),
            ("FunctionError", 1, "Retrying"),
            ("FunctionError", 2, "Discarded"),
            ("Success", 0, "Checkpointed")
        ]
    );
    assert_eq!(
        inv[3]["StartSequenceNumber"], later[0],
        "processing continues after the discarded batch"
    );
    let f = failures(&mut s, &uuid);
    assert_eq!(f.len(), 1);
    let r = &f[0];
    assert_eq!(r["requestContext"]["condition"], "RetryAttemptsExhausted");
    assert_eq!(r["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(
        r["requestContext"]["functionArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:fn"
    );
    assert_eq!(
        r["responseContext"],
        json!({"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"})
    );
    assert_eq!(r["version"], "1.0");
    let info = &r["KinesisBatchInfo"];
    assert_eq!(info["shardId"], "shardId-000000000000");
    assert_eq!(info["startSequenceNumber"], seqs[0]);
    assert_eq!(info["endSequenceNumber"], seqs[4]);
    assert_eq!(info["batchSize"], 5);
    assert_eq!(info["streamArn"], ARN);
    assert!(info["approximateArrivalOfFirstRecord"]
        .as_str()
        .unwrap()
        .starts_with("2026-01-01T00:00:0"));
    assert!(r["timestamp"].as_str().unwrap().ends_with('Z'));
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["Shards"][0]["Checkpoint"], later[2]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_failing_batch_blocks_its_shard_only() {
    let mut s = session_with_stream(35, "s", 2);
    // user-1 routes to shard 0 of 2? Find keys per shard from PutRecord answers.
    let mut by_shard: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..40 {
        let k = format!("key-{i}");
        let out = put(&mut s, "s", &k, b"payload");
        by_shard
            .entry(out["ShardId"].as_str().unwrap().to_string())
            .or_default()
            .push(k);
    }
    let poison_key = by_shard["shardId-000000000000"][0].clone();
    let uuid = create(
        &mut s,
        json!({"BatchSize": 10, "FunctionBehavior": {"FailOnPartitionKey": poison_key}}),
    );
    advance_by(&mut s, 20_000);
    let m = mapping(&mut s, &uuid);
    assert_eq!(
        m["Shards"][0]["Checkpoint"],
        Value::Null,
        "shard 0 is stuck on its first batch"
    );
    assert!(
        m["Shards"][0]["RetryAttempt"].as_u64().unwrap() >= 10,
        "{m}"
    );
    assert_eq!(
        m["Shards"][1]["HeldRecords"], 0,
        "shard 1 processed everything"
    );
    assert_eq!(
        m["Stats"]["RecordsProcessed"],
        by_shard["shardId-000000000001"].len() as u64
    );
    assert_eq!(m["LastProcessingResult"], "PROBLEM: Function call failed");
    // Fixing the function unblocks the shard.
    ok(
        &mut s,
        "playground",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid, "FunctionBehavior": {"FailOnPartitionKey": ""}}),
    );
    advance_by(&mut s, 5_000);
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["Stats"]["RecordsProcessed"], 40);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn polls_each_shard_about_once_per_second_through_get_records() {
    let mut s = session_with_stream(36, "s", 3);
    let _ = create(&mut s, json!({}));
    let from = s.world().now() / 1000;
    advance_by(&mut s, 30_000);
    for shard in 0..3 {
        let calls: u64 = (from..from + 30)
            .filter_map(|sec| s.world().kinesis.metrics.shard_stats("s", shard, sec))
            .map(|st| st.get_records_calls)
            .sum();
        assert!(
            (29..=31).contains(&calls),
            "shard {shard}: {calls} GetRecords calls in 30 s"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn batch_size_and_batching_window() {
    let mut s = session_with_stream(37, "s", 1);
    let uuid = create(
        &mut s,
        json!({"BatchSize": 4, "MaximumBatchingWindowInSeconds": 5}),
    );
    let keys: Vec<String> = (0..3).map(|i| format!("k{i}")).collect();
    put_keys(&mut s, &keys);
    advance_by(&mut s, 2_000);
    assert!(
        invocations(&mut s, &uuid).is_empty(),
        "3 < BatchSize: the window holds them"
    );
    advance_by(&mut s, 4_000);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0]["BatchSize"], 3, "the window expired");
    let keys: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    put_keys(&mut s, &keys);
    advance_by(&mut s, 3_000);
    let sizes: Vec<u64> = invocations(&mut s, &uuid)
        .iter()
        .map(|i| i["BatchSize"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sizes,
        [3, 4, 4],
        "full batches go at once; the rest waits for the window"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn disabled_mappings_resume_after_their_checkpoint_and_latest_skips_old_records() {
    let mut s = session_with_stream(38, "s", 1);
    let old = put_keys(&mut s, &["a".to_string(), "b".to_string()]);
    let uuid = create(&mut s, json!({"StartingPosition": "LATEST"}));
    let first = put_keys(&mut s, &["c".to_string(), "d".to_string()]);
    advance_by(&mut s, 3_000);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(inv.len(), 1);
    assert_eq!(
        inv[0]["StartSequenceNumber"], first[0],
        "LATEST: {old:?} are not read"
    );
    let m = ok(
        &mut s,
        "playground",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid, "Enabled": false}),
    );
    assert_eq!(m["State"], "Disabled");
    let during = put_keys(&mut s, &["e".to_string(), "f".to_string()]);
    advance_by(&mut s, 5_000);
    assert_eq!(
        invocations(&mut s, &uuid).len(),
        1,
        "nothing runs while disabled"
    );
    ok(
        &mut s,
        "playground",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid, "Enabled": true}),
    );
    advance_by(&mut s, 3_000);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(inv.len(), 2);
    assert_eq!(
        inv[1]["StartSequenceNumber"], during[0],
        "resumes right after the checkpoint"
    );
    assert_eq!(inv[1]["EndSequenceNumber"], during[1]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn parallelization_runs_lanes_concurrently_and_keeps_key_order() {
    let mut s = session_with_stream(39, "s", 1);
    let keys: Vec<String> = (0..200).map(|i| format!("key-{}", i % 8)).collect();
    put_keys(&mut s, &keys);
    let uuid = create(
        &mut s,
        json!({"BatchSize": 10, "ParallelizationFactor": 4, "FunctionBehavior": {"DurationMs": 500}}),
    );
    advance_by(&mut s, 30_000);
    let inv = invocations(&mut s, &uuid);
    assert_eq!(
        inv.iter()
            .map(|i| i["BatchSize"].as_u64().unwrap())
            .sum::<u64>(),
        200
    );
    let lanes: std::collections::BTreeSet<u64> =
        inv.iter().map(|i| i["Lane"].as_u64().unwrap()).collect();
    assert!(lanes.len() > 1, "{lanes:?}");
    let overlapping = inv
        .windows(2)
        .any(|w| w[1]["StartedAt"].as_u64() < w[0]["FinishedAt"].as_u64());
    assert!(overlapping, "lanes run at the same time");
    // Within a lane (a key always maps to one lane) batches run one after another, in order.
    for lane in &lanes {
        let mine: Vec<&Value> = inv.iter().filter(|i| i["Lane"] == *lane).collect();
        for w in mine.windows(2) {
            assert!(w[0]["FinishedAt"].as_u64() <= w[1]["StartedAt"].as_u64());
            assert!(dec_cmp(
                w[0]["EndSequenceNumber"].as_str().unwrap(),
                w[1]["StartSequenceNumber"].as_str().unwrap()
            )
            .is_lt());
        }
    }
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["Stats"]["RecordsProcessed"], 200);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_parent_shard_is_finished_before_its_children_start() {
    let mut s = session_with_stream(40, "s", 1);
    let keys: Vec<String> = (0..50).map(|i| format!("p{i}")).collect();
    put_keys(&mut s, &keys);
    ok(
        &mut s,
        "kinesis",
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
                                               "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    advance_by(&mut s, 6_000);
    let keys: Vec<String> = (0..50).map(|i| format!("c{i}")).collect();
    put_keys(&mut s, &keys);
    // Slow function, small batches: the parent takes a while.
    let uuid = create(
        &mut s,
        json!({"BatchSize": 5, "FunctionBehavior": {"DurationMs": 700}}),
    );
    advance_by(&mut s, 60_000);
    let inv = invocations(&mut s, &uuid);
    let parent_end = inv
        .iter()
        .filter(|i| i["ShardId"] == "shardId-000000000000")
        .map(|i| i["FinishedAt"].as_u64().unwrap())
        .max()
        .unwrap();
    let child_start = inv
        .iter()
        .filter(|i| i["ShardId"] != "shardId-000000000000")
        .map(|i| i["StartedAt"].as_u64().unwrap())
        .min()
        .unwrap();
    assert!(
        parent_end <= child_start,
        "parent done at {parent_end}, first child batch at {child_start}"
    );
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["Stats"]["RecordsProcessed"], 100);
    assert_eq!(m["Shards"][0]["Finished"], true);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn old_records_are_discarded_with_record_age_exceeded() {
    let mut s = session_with_stream(41, "s", 1);
    put_keys(&mut s, &["poison".to_string(), "x".to_string()]);
    let uuid = create(&mut s, json!({"MaximumRecordAgeInSeconds": 60}));
    advance_by(&mut s, 120_000);
    let f = failures(&mut s, &uuid);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["requestContext"]["condition"], "RecordAgeExceeded");
    assert_eq!(f[0]["KinesisBatchInfo"]["batchSize"], 2);
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["Shards"][0]["HeldRecords"], 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn kpl_aggregates_are_deaggregated_for_the_function() {
    let mut s = session_with_stream(42, "s", 1);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "kpl", "StreamName": "s", "RecordsPerSecond": 500, "Mode": "KPL"}),
    );
    let uuid = create(
        &mut s,
        json!({"FunctionBehavior": {"FailOnPartitionKey": ""}}),
    );
    advance_by(&mut s, 5_000);
    ok(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "kpl"}),
    );
    advance_by(&mut s, 3_000);
    let inv = invocations(&mut s, &uuid);
    let users: u64 = inv.iter().map(|i| i["UserRecords"].as_u64().unwrap()).sum();
    let kinesis: u64 = inv.iter().map(|i| i["BatchSize"].as_u64().unwrap()).sum();
    let sent = ok(&mut s, "playground", "ListProducers", json!({}))["Producers"][0]["RecordsSent"]
        .as_u64()
        .unwrap();
    assert_eq!(users, sent);
    assert!(
        kinesis * 10 < users,
        "{kinesis} Kinesis records carried {users} user records"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn mapping_actions_validate_and_delete() {
    let mut s = session_with_stream(43, "s", 1);
    let bad = [
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f"}),
            "ValidationException",
        ),
        (
            json!({"EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/nope", "FunctionName": "f", "StartingPosition": "LATEST"}),
            "ResourceNotFoundException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f", "StartingPosition": "LATEST", "BatchSize": 10001}),
            "ValidationException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f", "StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": 10}),
            "ValidationException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f", "StartingPosition": "LATEST", "FunctionResponseTypes": ["Nope"]}),
            "ValidationException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f", "StartingPosition": "AT_TIMESTAMP"}),
            "InvalidArgumentException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "bad name", "StartingPosition": "LATEST"}),
            "ValidationException",
        ),
        (
            json!({"EventSourceArn": ARN, "FunctionName": "f", "StartingPosition": "LATEST", "Bogus": 1}),
            "ValidationException",
        ),
    ];
    for (req, kind) in bad {
        let e = err(
            &mut s,
            "playground",
            "CreateEventSourceMapping",
            req.clone(),
        );
        assert_eq!(e.kind.as_str(), kind, "{req}: {e}");
    }
    let uuid = create(&mut s, json!({}));
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "a version-4 UUID");
    let m = mapping(&mut s, &uuid);
    assert_eq!(m["State"], "Enabled");
    assert_eq!(m["BatchSize"], 100);
    assert_eq!(m["MaximumRetryAttempts"], -1);
    assert_eq!(m["EventSourceArn"], ARN);
    let gone = ok(
        &mut s,
        "playground",
        "DeleteEventSourceMapping",
        json!({"UUID": uuid}),
    );
    assert_eq!(gone["State"], "Deleting");
    let e = err(
        &mut s,
        "playground",
        "ListInvocations",
        json!({"UUID": uuid}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    advance_by(&mut s, 5_000); // stale events of the deleted mapping do nothing
}
