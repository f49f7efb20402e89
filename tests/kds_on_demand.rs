//! On-demand capacity mode (semantics.md §1.12): initial 4 shards, hot shards split, capacity
//! follows 2 × the peak, a single hot key still throttles, and metrics/throttles go through the
//! same per-shard limits.

mod common;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use common::{ok, session};
use serde_json::json;

fn open_shards(s: &mut kinesis_playground::engine::action_log::Session, stream: &str) -> usize {
    let v = ok(
        s,
        "kinesis",
        "DescribeStreamSummary",
        json!({ "StreamName": stream }),
    );
    v["StreamDescriptionSummary"]["OpenShardCount"]
        .as_u64()
        .unwrap_or(0) as usize
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn on_demand_stream_starts_with_four_shards_and_grows_with_traffic() {
    let mut s = session(3);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({ "StreamName": "od", "StreamModeDetails": { "StreamMode": "ON_DEMAND" } }),
    );
    s.advance_to(2_000);
    assert_eq!(
        open_shards(&mut s, "od"),
        4,
        "§1.12: a new on-demand stream has 4 open shards"
    );
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({
        "ProducerName": "p", "StreamName": "od", "RecordsPerSecond": 2500,
        "KeyDistribution": { "Type": "UNIFORM", "KeyCount": 1000 } }),
    );
    s.advance_to(2_000 + 59_000);
    assert_eq!(
        open_shards(&mut s, "od"),
        4,
        "no scaling before the first one-minute check"
    );
    s.advance_to(2_000 + 150_000);
    let n = open_shards(&mut s, "od");
    assert!(
        n >= 5,
        "2,500 records/s needs 2 × 2.5 = 5 shards at least, got {n}"
    );
    assert!(n <= 64, "bounded by the playground ceiling, got {n}");
    // Still the same stream mode, still ACTIVE: on-demand scaling has no UPDATING window.
    let v = ok(
        &mut s,
        "kinesis",
        "DescribeStreamSummary",
        json!({ "StreamName": "od" }),
    );
    assert_eq!(v["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE");
    assert_eq!(
        v["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"],
        "ON_DEMAND"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn on_demand_does_not_isolate_a_single_hot_key() {
    let mut s = session(4);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({ "StreamName": "od", "StreamModeDetails": { "StreamMode": "ON_DEMAND" } }),
    );
    s.advance_to(2_000);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({
        "ProducerName": "hot", "StreamName": "od", "RecordsPerSecond": 1200,
        "KeyDistribution": { "Type": "HOT_KEY", "KeyCount": 1, "HotKeyShare": 1.0 } }),
    );
    s.advance_to(2_000 + 150_000);
    let v = ok(&mut s, "playground", "ListProducers", json!({}));
    let failed = v["Producers"][0]["RecordsFailed"].as_u64().unwrap_or(0);
    // One key = one hash key = one shard: 1,200 records/s against 1,000/s keeps throttling
    // whatever the shard count (§1.12): ~200/s for 150 s, less the first second of burst.
    assert!(
        failed > 25_000,
        "a single hot key still throttles, failed = {failed}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn provisioned_streams_never_scale_by_themselves() {
    let mut s = session(5);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({ "StreamName": "p", "ShardCount": 2 }),
    );
    s.advance_to(2_000);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({ "ProducerName": "p", "StreamName": "p", "RecordsPerSecond": 3000 }),
    );
    s.advance_to(2_000 + 130_000);
    assert_eq!(open_shards(&mut s, "p"), 2);
}
