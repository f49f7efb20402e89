//! Simulated consumer applications (semantics.md §1.7, §1.8, §1.13): the SDK polling consumer
//! (throttling, expired iterators, shard ends) and the enhanced fan-out consumer (renewals).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::*;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::digest::world_digest;
use serde_json::{json, Value};

fn start_producer(s: &mut Session, rate: u32) {
    ok(
        s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "s", "RecordsPerSecond": rate,
               "KeyDistribution": {"Type": "UNIFORM", "KeyCount": 50}}),
    );
}

fn stop_producer(s: &mut Session) {
    ok(
        s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "p"}),
    );
}

fn app(s: &mut Session, name: &str) -> Value {
    let out = ok(s, "playground", "DescribeConsumerApps", json!({}));
    out["ConsumerApps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ConsumerName"] == name)
        .unwrap_or_else(|| panic!("no app {name}: {out}"))
        .clone()
}

/// Records stored per shard id.
fn stored(s: &Session) -> Vec<(String, u64)> {
    let st = s.world().kinesis.stream("s").unwrap();
    st.shards()
        .iter()
        .map(|sh| {
            (
                format!("shardId-{:012}", sh.index()),
                sh.records().len() as u64,
            )
        })
        .collect()
}

/// Every stored record was read exactly once, in order, per shard.
fn assert_read_all(s: &mut Session, name: &str) -> Value {
    let a = app(s, name);
    let shards = a["Shards"].as_array().unwrap().clone();
    let mut total = 0;
    for (id, n) in stored(s) {
        let sh = shards
            .iter()
            .find(|x| x["ShardId"] == id.as_str())
            .unwrap_or_else(|| panic!("{name} does not track {id}: {a}"));
        assert_eq!(sh["Records"], n, "{name} on {id}: {a}");
        assert_eq!(sh["OutOfOrder"], 0, "{name} on {id}: {a}");
        total += n;
    }
    assert!(total > 0);
    a
}

fn sum(a: &Value, field: &str) -> u64 {
    a["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_u64().unwrap())
        .sum()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sdk_consumer_reads_every_record_once_in_order() {
    let mut s = session_with_stream(7, "s", 3);
    start_producer(&mut s, 200);
    ok(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "c", "StreamName": "s"}),
    );
    advance_by(&mut s, 30_000);
    stop_producer(&mut s);
    advance_by(&mut s, 5_000);
    let a = assert_read_all(&mut s, "c");
    assert!(sum(&a, "Pages") > 0);
    assert!(sum(&a, "EmptyPages") > 0, "{a}");
    assert_eq!(sum(&a, "Throttles"), 0, "{a}");
    // Unknown names and bad members are AWS-shaped errors.
    let e = err(
        &mut s,
        "playground",
        "StopConsumerApp",
        json!({"ConsumerName": "nope"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    let e = err(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "d", "StreamName": "s", "ShardIteratorType": "SIDEWAYS"}),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let e = err(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "c", "StreamName": "s"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceInUseException");
    ok(
        &mut s,
        "playground",
        "StopConsumerApp",
        json!({"ConsumerName": "c"}),
    );
    assert_eq!(app(&mut s, "c")["Running"], false);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn three_sdk_consumers_get_throttled_and_still_read_everything() {
    let mut s = session_with_stream(11, "s", 1);
    start_producer(&mut s, 100);
    for (name, poll) in [("a", 1_000), ("b", 1_000), ("fast", 200)] {
        ok(
            &mut s,
            "playground",
            "StartSdkConsumer",
            json!({"ConsumerName": name, "StreamName": "s", "PollIntervalMs": poll}),
        );
    }
    advance_by(&mut s, 30_000);
    stop_producer(&mut s);
    advance_by(&mut s, 15_000);
    let mut throttles = 0;
    for name in ["a", "b", "fast"] {
        let a = assert_read_all(&mut s, name);
        throttles += sum(&a, "Throttles");
    }
    assert!(throttles > 0, "7 calls/s on one shard must be throttled");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn expired_iterators_lose_nothing() {
    let mut s = session_with_stream(13, "s", 2);
    start_producer(&mut s, 20);
    ok(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "slow", "StreamName": "s", "PollIntervalMs": 400_000}),
    );
    advance_by(&mut s, 1_300_000);
    stop_producer(&mut s);
    advance_by(&mut s, 1_000_000);
    let a = assert_read_all(&mut s, "slow");
    assert!(sum(&a, "ExpiredIterators") >= 2, "{a}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sdk_consumer_follows_split_into_children() {
    let mut s = session_with_stream(17, "s", 1);
    start_producer(&mut s, 50);
    ok(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "c", "StreamName": "s"}),
    );
    advance_by(&mut s, 10_000);
    ok(
        &mut s,
        "kinesis",
        "SplitShard",
        json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000",
               "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    advance_by(&mut s, 30_000);
    stop_producer(&mut s);
    advance_by(&mut s, 5_000);
    assert_eq!(stored(&s).len(), 3);
    let a = assert_read_all(&mut s, "c");
    let shards = a["Shards"].as_array().unwrap();
    assert_eq!(shards[0]["Finished"], true, "{a}");
    assert!(shards[1]["Records"].as_u64().unwrap() > 0, "{a}");
    assert!(shards[2]["Records"].as_u64().unwrap() > 0, "{a}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn efo_consumer_reads_everything_across_renewals() {
    let mut s = session_with_stream(19, "s", 2);
    ok(
        &mut s,
        "playground",
        "StartEfoConsumer",
        json!({"ConsumerName": "fan", "StreamName": "s"}),
    );
    start_producer(&mut s, 30);
    advance_by(&mut s, 700_000);
    stop_producer(&mut s);
    advance_by(&mut s, 10_000);
    let a = assert_read_all(&mut s, "fan");
    for sh in a["Shards"].as_array().unwrap() {
        assert!(sh["Resubscriptions"].as_u64().unwrap() >= 2, "{a}");
        assert_eq!(sh["DroppedEvents"], 0, "{a}");
    }
    assert!(sum(&a, "Bytes") > 0);
    assert!(a["ConsumerARN"].as_str().is_some());
}

fn scripted(seed: u64) -> String {
    let mut s = session_with_stream(seed, "s", 2);
    start_producer(&mut s, 80);
    ok(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "a", "StreamName": "s", "PollIntervalMs": 200}),
    );
    ok(
        &mut s,
        "playground",
        "StartSdkConsumer",
        json!({"ConsumerName": "b", "StreamName": "s", "ShardIteratorType": "LATEST", "Limit": 10}),
    );
    ok(
        &mut s,
        "playground",
        "StartEfoConsumer",
        json!({"ConsumerName": "e", "StreamName": "s"}),
    );
    advance_by(&mut s, 60_000);
    world_digest(s.world())
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn consumer_apps_are_deterministic() {
    assert_eq!(scripted(23), scripted(23));
}
