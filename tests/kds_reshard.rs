//! Resharding with lineage (SplitShard, MergeShards, UpdateShardCount), UpdateStreamMode,
//! retention changes with closed-shard expiry, and stream tags — every action, limit and error
//! through the one dispatcher (semantics.md §1.9, §1.10, §1.12, §1.16).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use base64::Engine as _;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::api::error::ApiError;
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::kinesis::hash_key::{initial_layout, HashKeyRange, MAX_HASH_KEY};
use kinesis_playground::engine::kinesis::limits::{
    ACCOUNT_SHARD_LIMIT, RESHARD_DELAY_MS, STREAM_CREATE_DELAY_MS, STREAM_MODE_UPDATE_DELAY_MS,
    UPDATE_SHARD_COUNT_DELAY_MS,
};
use kinesis_playground::engine::kinesis::sequence_number::SequenceNumber;
use kinesis_playground::engine::world::WorldConfig;
use serde_json::{json, Value};

const HOUR: u64 = 3_600_000;
const ARN_PREFIX: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/";

// ---------------------------------------------------------------------------------------------
// Helpers (self-contained: everything goes through `Session::call`, like the UI and the CLI).

fn session() -> Session {
    Session::new(WorldConfig::seeded(11))
}

fn call(s: &mut Session, action: &str, req: Value) -> Result<Value, ApiError> {
    s.call("kinesis", action, req)
}

fn ok(s: &mut Session, action: &str, req: Value) -> Value {
    match call(s, action, req.clone()) {
        Ok(v) => v,
        Err(e) => panic!("{action} {req} failed: {e}"),
    }
}

/// Expects `kind` and returns the message.
fn fail(s: &mut Session, action: &str, req: Value, kind: &str) -> String {
    match call(s, action, req.clone()) {
        Ok(v) => panic!("{action} {req} unexpectedly succeeded: {v}"),
        Err(e) => {
            assert_eq!(e.kind.as_str(), kind, "{action} {req}: {e}");
            e.message
        }
    }
}

fn advance(s: &mut Session, ms: u64) {
    let t = s.world().now() + ms;
    s.advance_to(t);
}

fn create(s: &mut Session, name: &str, shards: u32) {
    ok(
        s,
        "CreateStream",
        json!({"StreamName": name, "ShardCount": shards}),
    );
    advance(s, STREAM_CREATE_DELAY_MS);
}

fn with_stream(name: &str, shards: u32) -> Session {
    let mut s = session();
    create(&mut s, name, shards);
    s
}

fn status(s: &mut Session, name: &str) -> String {
    let d = ok(s, "DescribeStreamSummary", json!({"StreamName": name}));
    d["StreamDescriptionSummary"]["StreamStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

fn summary(s: &mut Session, name: &str) -> Value {
    ok(s, "DescribeStreamSummary", json!({"StreamName": name}))["StreamDescriptionSummary"].clone()
}

fn list_shards(s: &mut Session, name: &str) -> Vec<Value> {
    ok(s, "ListShards", json!({"StreamName": name}))["Shards"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(shards: &[Value]) -> Vec<String> {
    shards
        .iter()
        .map(|v| v["ShardId"].as_str().unwrap().to_string())
        .collect()
}

fn sid(i: u32) -> String {
    format!("shardId-{i:012}")
}

fn range_of(shard: &Value) -> HashKeyRange {
    let r = &shard["HashKeyRange"];
    HashKeyRange::new(
        r["StartingHashKey"].as_str().unwrap().parse().unwrap(),
        r["EndingHashKey"].as_str().unwrap().parse().unwrap(),
    )
}

fn is_open(shard: &Value) -> bool {
    shard["SequenceNumberRange"]
        .get("EndingSequenceNumber")
        .is_none()
}

fn open_ranges(shards: &[Value]) -> Vec<HashKeyRange> {
    let mut r: Vec<HashKeyRange> = shards.iter().filter(|s| is_open(s)).map(range_of).collect();
    r.sort();
    r
}

fn assert_tiles(ranges: &[HashKeyRange]) {
    assert_eq!(ranges.first().map(|r| r.starting), Some(0), "{ranges:?}");
    assert_eq!(
        ranges.last().map(|r| r.ending),
        Some(MAX_HASH_KEY),
        "{ranges:?}"
    );
    for w in ranges.windows(2) {
        assert!(w[0].is_followed_by(&w[1]), "gap or overlap: {ranges:?}");
    }
}

fn put_key(s: &mut Session, name: &str, key: &str, data: &str) -> (String, String) {
    let b = base64::engine::general_purpose::STANDARD.encode(data);
    let v = ok(
        s,
        "PutRecord",
        json!({"StreamName": name, "PartitionKey": key, "Data": b}),
    );
    (
        v["ShardId"].as_str().unwrap().to_string(),
        v["SequenceNumber"].as_str().unwrap().to_string(),
    )
}

fn put_hash(s: &mut Session, name: &str, hash: u128) -> String {
    let v = ok(
        s,
        "PutRecord",
        json!({"StreamName": name, "PartitionKey": "k", "ExplicitHashKey": hash.to_string(), "Data": "eA=="}),
    );
    v["ShardId"].as_str().unwrap().to_string()
}

/// Data of every record of `shard`, read from TRIM_HORIZON, plus the final response.
fn read_all(s: &mut Session, name: &str, shard: &str) -> (Vec<String>, Value) {
    let it = ok(
        s,
        "GetShardIterator",
        json!({"StreamName": name, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let r = ok(s, "GetRecords", json!({"ShardIterator": it}));
    let data = r["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rec| {
            let b = base64::engine::general_purpose::STANDARD
                .decode(rec["Data"].as_str().unwrap())
                .unwrap();
            String::from_utf8(b).unwrap()
        })
        .collect();
    (data, r)
}

fn split(s: &mut Session, name: &str, shard: &str, key: u128) -> Result<Value, ApiError> {
    call(
        s,
        "SplitShard",
        json!({"StreamName": name, "ShardToSplit": shard, "NewStartingHashKey": key.to_string()}),
    )
}

fn merge(s: &mut Session, name: &str, a: &str, b: &str) -> Result<Value, ApiError> {
    call(
        s,
        "MergeShards",
        json!({"StreamName": name, "ShardToMerge": a, "AdjacentShardToMerge": b}),
    )
}

fn usc(s: &mut Session, name: &str, target: i64) -> Result<Value, ApiError> {
    call(
        s,
        "UpdateShardCount",
        json!({"StreamName": name, "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}),
    )
}

fn mid(r: HashKeyRange) -> u128 {
    r.starting + (r.ending - r.starting) / 2
}

/// Every non-root shard's parents are listed (or expired) and closed; merge children have two
/// adjacent parents whose union is the child's range; split children share their parent's range.
fn assert_lineage(shards: &[Value]) {
    let by_id: std::collections::BTreeMap<String, &Value> = shards
        .iter()
        .map(|s| (s["ShardId"].as_str().unwrap().to_string(), s))
        .collect();
    for child in shards {
        let Some(p) = child.get("ParentShardId").and_then(Value::as_str) else {
            continue;
        };
        let Some(parent) = by_id.get(p) else { continue };
        assert!(
            !is_open(parent),
            "parent {p} of {} must be closed",
            child["ShardId"]
        );
        let (pr, cr) = (range_of(parent), range_of(child));
        match child.get("AdjacentParentShardId").and_then(Value::as_str) {
            None => assert!(
                pr.starting <= cr.starting && cr.ending <= pr.ending,
                "split child inside parent"
            ),
            Some(a) => {
                if let Some(adj) = by_id.get(a) {
                    assert!(!is_open(adj));
                    let ar = range_of(adj);
                    let lo = pr.starting.min(ar.starting);
                    let hi = pr.ending.max(ar.ending);
                    assert_eq!(cr, HashKeyRange::new(lo, hi), "merge child is the union");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SplitShard

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_shard_lineage_and_updating_window() {
    let mut s = with_stream("orders", 1);
    let k = (MAX_HASH_KEY / 2) + 1;
    put_key(&mut s, "orders", "before", "p1");
    assert_eq!(
        split(&mut s, "orders", "shardId-000000000000", k).unwrap(),
        json!({})
    );
    // During UPDATING the parent is still the only, open shard and keeps taking writes.
    assert_eq!(status(&mut s, "orders"), "UPDATING");
    let shards = list_shards(&mut s, "orders");
    assert_eq!(ids(&shards), [sid(0)]);
    assert!(is_open(&shards[0]));
    assert_eq!(put_hash(&mut s, "orders", MAX_HASH_KEY), sid(0));
    advance(&mut s, RESHARD_DELAY_MS - 1);
    assert_eq!(status(&mut s, "orders"), "UPDATING");
    advance(&mut s, 1);
    assert_eq!(status(&mut s, "orders"), "ACTIVE");
    let shards = list_shards(&mut s, "orders");
    assert_eq!(ids(&shards), [sid(0), sid(1), sid(2)]);
    assert!(
        !is_open(&shards[0]),
        "parent closed with an EndingSequenceNumber"
    );
    assert!(shards[0]["SequenceNumberRange"]["EndingSequenceNumber"].is_string());
    assert_eq!(
        range_of(&shards[1]),
        HashKeyRange::new(0, k - 1),
        "lower range first"
    );
    assert_eq!(range_of(&shards[2]), HashKeyRange::new(k, MAX_HASH_KEY));
    for c in &shards[1..] {
        assert_eq!(c["ParentShardId"], sid(0));
        assert!(c.get("AdjacentParentShardId").is_none());
        assert!(is_open(c));
    }
    assert_lineage(&shards);
    // New writes go to the children at once; the parent keeps its data.
    assert_eq!(put_hash(&mut s, "orders", 0), sid(1));
    assert_eq!(put_hash(&mut s, "orders", MAX_HASH_KEY), sid(2));
    let (data, last) = read_all(&mut s, "orders", &sid(0));
    assert_eq!(data.len(), 2);
    assert_eq!(data[0], "p1");
    assert!(
        last["NextShardIterator"].is_null(),
        "drained closed shard: SHARD_END"
    );
    assert_eq!(last["ChildShards"].as_array().unwrap().len(), 2);
    // DescribeStream lists closed shards too, and the summary counts only open ones.
    let d = ok(&mut s, "DescribeStream", json!({"StreamName": "orders"}));
    assert_eq!(
        d["StreamDescription"]["Shards"].as_array().unwrap().len(),
        3
    );
    assert_eq!(summary(&mut s, "orders")["OpenShardCount"], 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_shard_by_arn_and_shorthand_shard_id() {
    let mut s = with_stream("a", 2);
    ok(
        &mut s,
        "SplitShard",
        json!({"StreamARN": format!("{ARN_PREFIX}a"), "ShardToSplit": "1", "NewStartingHashKey": (MAX_HASH_KEY - 10).to_string()}),
    );
    advance(&mut s, RESHARD_DELAY_MS);
    let shards = list_shards(&mut s, "a");
    assert_eq!(ids(&shards), [sid(0), sid(1), sid(2), sid(3)]);
    assert_eq!(shards[2]["ParentShardId"], sid(1));
    assert_tiles(&open_ranges(&shards));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_shard_hash_key_bounds() {
    let mut s = with_stream("b", 2);
    let r1 = initial_layout(2)[1];
    // K must be > S + 1 and < E (§1.10).
    for k in [r1.starting, r1.starting + 1, r1.ending] {
        let e = split(&mut s, "b", &sid(1), k).unwrap_err();
        assert_eq!(e.kind.as_str(), "InvalidArgumentException");
        assert_eq!(
            e.message,
            format!(
                "NewStartingHashKey {k} used in SplitShard() on shard {} in stream b under account 123456789012 is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                sid(1),
                r1.starting,
                r1.ending
            )
        );
    }
    // Outside the shard entirely.
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "b", "ShardToSplit": sid(1), "NewStartingHashKey": "5"}),
        "InvalidArgumentException",
    );
    // 39 digits above 2^128 − 1 passes the pattern but not the range.
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "b", "ShardToSplit": sid(1), "NewStartingHashKey": "999999999999999999999999999999999999999"}),
        "InvalidArgumentException",
    );
    // The smallest and largest legal keys both work.
    split(&mut s, "b", &sid(1), r1.starting + 2).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    split(&mut s, "b", &sid(3), r1.ending - 1).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    let shards = list_shards(&mut s, "b");
    assert_eq!(
        range_of(&shards[2]),
        HashKeyRange::new(r1.starting, r1.starting + 1)
    );
    assert_eq!(
        range_of(&shards[5]),
        HashKeyRange::new(r1.ending - 1, r1.ending)
    );
    assert_tiles(&open_ranges(&shards));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_shard_request_shape_errors() {
    let mut s = with_stream("c", 1);
    for bad in [
        "abc",
        "01",
        "-1",
        "",
        "1.5",
        "1234567890123456789012345678901234567890",
    ] {
        let m = fail(
            &mut s,
            "SplitShard",
            json!({"StreamName": "c", "ShardToSplit": sid(0), "NewStartingHashKey": bad}),
            "ValidationException",
        );
        assert!(m.contains("newStartingHashKey"), "{m}");
    }
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": sid(0)}),
        "ValidationException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "NewStartingHashKey": "5"}),
        "ValidationException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": "bad id!", "NewStartingHashKey": "5"}),
        "ValidationException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": 0, "NewStartingHashKey": "5"}),
        "SerializationException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": sid(0), "NewStartingHashKey": 5}),
        "SerializationException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"ShardToSplit": sid(0), "NewStartingHashKey": "5"}),
        "InvalidArgumentException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": sid(0), "NewStartingHashKey": "5", "Extra": 1}),
        "ValidationException",
    );
    let m = fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": sid(7), "NewStartingHashKey": "5"}),
        "ResourceNotFoundException",
    );
    assert_eq!(
        m,
        format!(
            "Could not find shard {} in stream c under account 123456789012.",
            sid(7)
        )
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "c", "ShardToSplit": "nonsense", "NewStartingHashKey": "5"}),
        "ResourceNotFoundException",
    );
    fail(
        &mut s,
        "SplitShard",
        json!({"StreamName": "nope", "ShardToSplit": sid(0), "NewStartingHashKey": "5"}),
        "ResourceNotFoundException",
    );
    // Nothing changed.
    assert_eq!(status(&mut s, "c"), "ACTIVE");
    assert_eq!(list_shards(&mut s, "c").len(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_closed_shard_is_invalid_argument() {
    let mut s = with_stream("d", 1);
    split(&mut s, "d", &sid(0), mid(HashKeyRange::full())).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    let e = split(&mut s, "d", &sid(0), 1 << 100).unwrap_err();
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    assert_eq!(
        e.message,
        format!("Shard {} in stream d under account 123456789012 has already been merged or split, and thus is not eligible for merging or splitting.", sid(0))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reshard_needs_an_active_stream() {
    let mut s = session();
    ok(
        &mut s,
        "CreateStream",
        json!({"StreamName": "e", "ShardCount": 2}),
    );
    let m = split(&mut s, "e", &sid(0), 1 << 100).unwrap_err();
    assert_eq!(m.kind.as_str(), "ResourceInUseException");
    assert_eq!(
        m.message,
        "Stream e under account 123456789012 not ACTIVE, instead in state CREATING"
    );
    advance(&mut s, STREAM_CREATE_DELAY_MS);
    split(&mut s, "e", &sid(0), 1 << 100).unwrap();
    // One operation at a time: everything else waits for ACTIVE.
    for e in [
        split(&mut s, "e", &sid(1), MAX_HASH_KEY - 5).unwrap_err(),
        merge(&mut s, "e", &sid(0), &sid(1)).unwrap_err(),
        usc(&mut s, "e", 3).unwrap_err(),
    ] {
        assert_eq!(e.kind.as_str(), "ResourceInUseException");
        assert!(
            e.message.ends_with("instead in state UPDATING"),
            "{}",
            e.message
        );
    }
    fail(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": format!("{ARN_PREFIX}e"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        "ResourceInUseException",
    );
    fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "e", "RetentionPeriodHours": 48}),
        "ResourceInUseException",
    );
    advance(&mut s, RESHARD_DELAY_MS);
    ok(&mut s, "DeleteStream", json!({"StreamName": "e"}));
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "e", "ShardToMerge": sid(2), "AdjacentShardToMerge": sid(3)}),
        "ResourceInUseException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn delete_during_updating_cancels_the_reshard() {
    let mut s = with_stream("f", 1);
    split(&mut s, "f", &sid(0), 1 << 100).unwrap();
    ok(&mut s, "DeleteStream", json!({"StreamName": "f"}));
    advance(&mut s, RESHARD_DELAY_MS);
    fail(
        &mut s,
        "DescribeStreamSummary",
        json!({"StreamName": "f"}),
        "ResourceNotFoundException",
    );
    // A re-created stream of the same name is not touched by the old update.
    create(&mut s, "f", 1);
    split(&mut s, "f", &sid(0), 1 << 100).unwrap();
    ok(&mut s, "DeleteStream", json!({"StreamName": "f"}));
    advance(&mut s, 2_100);
    ok(
        &mut s,
        "CreateStream",
        json!({"StreamName": "f", "ShardCount": 1}),
    );
    advance(&mut s, RESHARD_DELAY_MS);
    assert_eq!(list_shards(&mut s, "f").len(), 1);
    assert_eq!(status(&mut s, "f"), "ACTIVE");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn on_demand_streams_reject_resharding_with_validation_exception() {
    let mut s = session();
    ok(
        &mut s,
        "CreateStream",
        json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    advance(&mut s, STREAM_CREATE_DELAY_MS);
    let expected = "Request is invalid. Stream od under account 123456789012 is in On-Demand mode.";
    assert_eq!(
        split(&mut s, "od", &sid(0), 1 << 100).unwrap_err().message,
        expected
    );
    let e = merge(&mut s, "od", &sid(0), &sid(1)).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.message.as_str()),
        ("ValidationException", expected)
    );
    let e = usc(&mut s, "od", 5).unwrap_err();
    assert_eq!(
        (e.kind.as_str(), e.message.as_str()),
        ("ValidationException", expected)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn split_counts_against_the_account_shard_limit() {
    let mut s = session();
    create(&mut s, "big", ACCOUNT_SHARD_LIMIT - 1);
    create(&mut s, "small", 1);
    let e = split(&mut s, "small", &sid(0), 1 << 100).unwrap_err();
    assert_eq!(e.kind.as_str(), "LimitExceededException");
    assert!(
        e.message.contains(&format!(
            "Current shard count for the account: {ACCOUNT_SHARD_LIMIT}"
        )),
        "{}",
        e.message
    );
    assert!(e
        .message
        .contains("Number of additional shards that would have resulted from this request: 1"));
    // Merging frees a shard; then a split fits again.
    merge(&mut s, "big", &sid(0), &sid(1)).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    split(&mut s, "small", &sid(0), 1 << 100).unwrap();
    // The pending split reserves its shard: a new stream cannot take it meanwhile.
    let m = fail(
        &mut s,
        "CreateStream",
        json!({"StreamName": "other", "ShardCount": 1}),
        "LimitExceededException",
    );
    assert!(
        m.contains("Current shard count for the account: 500"),
        "{m}"
    );
    advance(&mut s, RESHARD_DELAY_MS);
    assert_eq!(summary(&mut s, "small")["OpenShardCount"], 2);
}

// ---------------------------------------------------------------------------------------------
// MergeShards

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn merge_adjacent_shards_in_either_order() {
    let mut s = with_stream("m", 3);
    put_key(&mut s, "m", "x", "in-parent");
    merge(&mut s, "m", &sid(0), &sid(1)).unwrap();
    assert_eq!(status(&mut s, "m"), "UPDATING");
    assert_eq!(
        list_shards(&mut s, "m").len(),
        3,
        "child appears when the update completes"
    );
    advance(&mut s, RESHARD_DELAY_MS);
    let shards = list_shards(&mut s, "m");
    assert_eq!(ids(&shards), [sid(0), sid(1), sid(2), sid(3)]);
    let layout = initial_layout(3);
    assert_eq!(
        range_of(&shards[3]),
        HashKeyRange::new(layout[0].starting, layout[1].ending)
    );
    assert_eq!(shards[3]["ParentShardId"], sid(0));
    assert_eq!(shards[3]["AdjacentParentShardId"], sid(1));
    assert!(!is_open(&shards[0]) && !is_open(&shards[1]));
    // Upper shard first: ShardToMerge is still the ParentShardId.
    merge(&mut s, "m", &sid(2), &sid(3)).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    let shards = list_shards(&mut s, "m");
    assert_eq!(range_of(&shards[4]), HashKeyRange::full());
    assert_eq!(shards[4]["ParentShardId"], sid(2));
    assert_eq!(shards[4]["AdjacentParentShardId"], sid(3));
    assert_lineage(&shards);
    assert_eq!(put_hash(&mut s, "m", 12345), sid(4));
    assert_eq!(summary(&mut s, "m")["OpenShardCount"], 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn merge_errors() {
    let mut s = with_stream("n", 3);
    let m = fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": sid(0), "AdjacentShardToMerge": sid(2)}),
        "InvalidArgumentException",
    );
    assert_eq!(
        m,
        format!("Shards {} and {} in stream n under account 123456789012 are not an adjacent pair of shards eligible for merging", sid(0), sid(2))
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": sid(1), "AdjacentShardToMerge": sid(1)}),
        "InvalidArgumentException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": sid(1), "AdjacentShardToMerge": sid(9)}),
        "ResourceNotFoundException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": sid(1)}),
        "ValidationException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "AdjacentShardToMerge": sid(1)}),
        "ValidationException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": "", "AdjacentShardToMerge": sid(1)}),
        "ValidationException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": [], "AdjacentShardToMerge": sid(1)}),
        "SerializationException",
    );
    fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "zz", "ShardToMerge": sid(0), "AdjacentShardToMerge": sid(1)}),
        "ResourceNotFoundException",
    );
    // A closed shard cannot be merged again.
    merge(&mut s, "n", &sid(1), &sid(2)).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    let m = fail(
        &mut s,
        "MergeShards",
        json!({"StreamName": "n", "ShardToMerge": sid(0), "AdjacentShardToMerge": sid(1)}),
        "InvalidArgumentException",
    );
    assert!(m.contains("has already been merged or split"), "{m}");
    assert_eq!(status(&mut s, "n"), "ACTIVE");
}

// ---------------------------------------------------------------------------------------------
// UpdateShardCount

fn assert_uniform(s: &mut Session, name: &str, target: u32) {
    let shards = list_shards(s, name);
    assert_eq!(
        open_ranges(&shards),
        initial_layout(target),
        "open shards are exactly the uniform layout"
    );
    assert_lineage(&shards);
    let mut seen = std::collections::BTreeSet::new();
    for id in ids(&shards) {
        assert!(seen.insert(id), "duplicate shard id");
    }
    assert_eq!(summary(s, name)["OpenShardCount"], target);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_shard_count_reaches_the_uniform_layout() {
    let mut s = with_stream("u", 4);
    let out = usc(&mut s, "u", 3).unwrap();
    assert_eq!(
        out,
        json!({"StreamName": "u", "CurrentShardCount": 4, "TargetShardCount": 3, "StreamARN": format!("{ARN_PREFIX}u")})
    );
    assert_eq!(status(&mut s, "u"), "UPDATING");
    // Writes continue on the old shards during UPDATING.
    assert_eq!(put_hash(&mut s, "u", MAX_HASH_KEY), sid(3));
    assert_eq!(list_shards(&mut s, "u").len(), 4);
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS - 1);
    assert_eq!(status(&mut s, "u"), "UPDATING");
    advance(&mut s, 1);
    assert_eq!(status(&mut s, "u"), "ACTIVE");
    assert_uniform(&mut s, "u", 3);
    // Up and down through several counts, including odd ones.
    for target in [5, 10, 19, 10, 7, 4] {
        usc(&mut s, "u", target).unwrap();
        advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
        assert_uniform(&mut s, "u", target as u32);
    }
    // The old data is still readable in the (closed) original shards.
    let (data, _) = read_all(&mut s, "u", &sid(3));
    assert_eq!(data, ["x"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_shard_count_from_an_uneven_layout() {
    let mut s = with_stream("v", 1);
    split(&mut s, "v", &sid(0), 7).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    split(&mut s, "v", &sid(2), MAX_HASH_KEY - 3).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    // Open: [0,6], [7, MAX−4], [MAX−3, MAX]: tiny shards at both ends.
    usc(&mut s, "v", 2).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_uniform(&mut s, "v", 2);
    // The same count again still makes the layout uniform (a no-op when it already is).
    let before = list_shards(&mut s, "v").len();
    usc(&mut s, "v", 2).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_eq!(list_shards(&mut s, "v").len(), before);
    assert_uniform(&mut s, "v", 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_shard_count_limits() {
    let mut s = with_stream("w", 4);
    let e = usc(&mut s, "w", 9).unwrap_err();
    assert_eq!(e.kind.as_str(), "LimitExceededException");
    assert_eq!(
        e.message,
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9"
    );
    let e = usc(&mut s, "w", 1).unwrap_err();
    assert_eq!(
        e.message,
        "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1"
    );
    usc(&mut s, "w", 8).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    usc(&mut s, "w", 4).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    let mut t = create_and_get(3);
    // ½ × 3 = 1.5: 1 is below half, 2 is fine.
    assert_eq!(
        usc(&mut t, "t", 1).unwrap_err().kind.as_str(),
        "LimitExceededException"
    );
    usc(&mut t, "t", 2).unwrap();
    // Shape errors.
    for (body, kind) in [
        (
            json!({"StreamName": "w", "TargetShardCount": 0, "ScalingType": "UNIFORM_SCALING"}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": -3, "ScalingType": "UNIFORM_SCALING"}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": 4}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": 4, "ScalingType": "RANDOM"}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "w", "ScalingType": "UNIFORM_SCALING"}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": "4", "ScalingType": "UNIFORM_SCALING"}),
            "SerializationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": 4.5, "ScalingType": "UNIFORM_SCALING"}),
            "SerializationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": 1e30, "ScalingType": "UNIFORM_SCALING"}),
            "SerializationException",
        ),
        (
            json!({"StreamName": "w", "TargetShardCount": u64::MAX, "ScalingType": "UNIFORM_SCALING"}),
            "ValidationException",
        ),
        (
            json!({"StreamName": "nope", "TargetShardCount": 4, "ScalingType": "UNIFORM_SCALING"}),
            "ResourceNotFoundException",
        ),
    ] {
        fail(&mut s, "UpdateShardCount", body, kind);
    }
}

fn create_and_get(shards: u32) -> Session {
    with_stream("t", shards)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_shard_count_ten_per_rolling_day() {
    let mut s = with_stream("x", 2);
    let start = s.world().now();
    // Ten calls, one an hour.
    for i in 0..10 {
        s.advance_to(start + i * HOUR);
        usc(&mut s, "x", if i % 2 == 0 { 3 } else { 2 }).unwrap();
        advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    }
    let e = usc(&mut s, "x", 3).unwrap_err();
    assert_eq!(e.kind.as_str(), "LimitExceededException");
    assert!(
        e.message
            .contains("at most 10 scaling operations per rolling 24-hour period"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains(&format!("allowed at virtual time {} ms", start + 24 * HOUR)),
        "{}",
        e.message
    );
    // 24 h after the first one, one slot frees up; the second still blocks the next.
    s.advance_to(start + 24 * HOUR - 1);
    assert_eq!(
        usc(&mut s, "x", 3).unwrap_err().kind.as_str(),
        "LimitExceededException"
    );
    s.advance_to(start + 24 * HOUR);
    usc(&mut s, "x", 3).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_eq!(
        usc(&mut s, "x", 2).unwrap_err().kind.as_str(),
        "LimitExceededException"
    );
    s.advance_to(start + 25 * HOUR);
    usc(&mut s, "x", 2).unwrap();
    // SplitShard and MergeShards are not UpdateShardCount calls and are not counted.
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    let first = list_open_id(&mut s, "x");
    split(&mut s, "x", &first, mid(initial_layout(2)[0])).unwrap();
}

fn list_open_id(s: &mut Session, name: &str) -> String {
    let shards = list_shards(s, name);
    let mut open: Vec<&Value> = shards.iter().filter(|v| is_open(v)).collect();
    open.sort_by_key(|v| range_of(v));
    open[0]["ShardId"].as_str().unwrap().to_string()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_shard_count_account_limit() {
    let mut s = session();
    create(&mut s, "big", ACCOUNT_SHARD_LIMIT / 2 + 10);
    // Exactly up to the quota is fine (checked, not applied: the stream is then UPDATING).
    let mut t = session();
    create(&mut t, "big", ACCOUNT_SHARD_LIMIT / 2 + 10);
    usc(&mut t, "big", i64::from(ACCOUNT_SHARD_LIMIT)).unwrap();
    // 260 open + 250 more would be 510 > 500 (while 2 × 260 is allowed per stream).
    let e = usc(&mut s, "big", i64::from(ACCOUNT_SHARD_LIMIT) + 10).unwrap_err();
    assert_eq!(e.kind.as_str(), "LimitExceededException");
    assert!(
        e.message
            .contains("would exceed the shard limit for the account"),
        "{}",
        e.message
    );
    // Scaling down is always within the quota.
    usc(&mut s, "big", i64::from(ACCOUNT_SHARD_LIMIT / 4 + 5)).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_uniform(&mut s, "big", ACCOUNT_SHARD_LIMIT / 4 + 5);
}

// ---------------------------------------------------------------------------------------------
// UpdateStreamMode

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_stream_mode_switches_after_updating_and_keeps_shards() {
    let mut s = with_stream("sm", 3);
    let arn = format!("{ARN_PREFIX}sm");
    let out = ok(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    assert_eq!(out, json!({}));
    assert_eq!(status(&mut s, "sm"), "UPDATING");
    put_key(&mut s, "sm", "k", "during"); // no I/O disruption
    advance(&mut s, STREAM_MODE_UPDATE_DELAY_MS);
    let sum = summary(&mut s, "sm");
    assert_eq!(sum["StreamStatus"], "ACTIVE");
    assert_eq!(sum["StreamModeDetails"]["StreamMode"], "ON_DEMAND");
    assert_eq!(sum["OpenShardCount"], 3, "the shard count is kept (§1.12)");
    assert_eq!(
        split(&mut s, "sm", &sid(0), 1 << 100)
            .unwrap_err()
            .kind
            .as_str(),
        "ValidationException"
    );
    // Same mode again.
    fail(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        "InvalidArgumentException",
    );
    // Second switch is fine, the third within 24 h is not.
    ok(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    );
    advance(&mut s, STREAM_MODE_UPDATE_DELAY_MS);
    let m = fail(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        "LimitExceededException",
    );
    assert!(m.contains("at most 2 switches"), "{m}");
    advance(&mut s, 24 * HOUR);
    ok(
        &mut s,
        "UpdateStreamMode",
        json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn update_stream_mode_request_errors() {
    let mut s = with_stream("sn", 1);
    let arn = format!("{ARN_PREFIX}sn");
    for (body, kind) in [
        (
            json!({"StreamName": "sn", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
            "ValidationException",
        ),
        (
            json!({"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": "not-an-arn", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
            "ValidationException",
        ),
        (json!({"StreamARN": arn}), "ValidationException"),
        (
            json!({"StreamARN": arn, "StreamModeDetails": {}}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "FAST"}}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "StreamModeDetails": "ON_DEMAND"}),
            "SerializationException",
        ),
        (
            json!({"StreamARN": format!("{ARN_PREFIX}ghost"), "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
            "ResourceNotFoundException",
        ),
    ] {
        fail(&mut s, "UpdateStreamMode", body, kind);
    }
    assert_eq!(status(&mut s, "sn"), "ACTIVE");
}

// ---------------------------------------------------------------------------------------------
// Retention and expiry

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retention_increase_and_decrease_validation() {
    let mut s = with_stream("r", 1);
    let inc = |h: i64| json!({"StreamName": "r", "RetentionPeriodHours": h});
    ok(&mut s, "IncreaseStreamRetentionPeriod", inc(48));
    assert_eq!(summary(&mut s, "r")["RetentionPeriodHours"], 48);
    let m = fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        inc(30),
        "InvalidArgumentException",
    );
    assert_eq!(m, "Requested retention period (30 hours) for stream r can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.");
    fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        inc(48),
        "InvalidArgumentException",
    );
    let m = fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        inc(8_761),
        "InvalidArgumentException",
    );
    assert_eq!(m, "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.");
    ok(&mut s, "IncreaseStreamRetentionPeriod", inc(8_760));
    let m = fail(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        inc(23),
        "InvalidArgumentException",
    );
    assert_eq!(m, "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
    fail(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        inc(-5),
        "InvalidArgumentException",
    );
    fail(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        inc(8_760),
        "InvalidArgumentException",
    );
    ok(&mut s, "DecreaseStreamRetentionPeriod", inc(100));
    let m = fail(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        inc(200),
        "InvalidArgumentException",
    );
    assert_eq!(m, "Requested retention period (200 hours) for stream r can not be longer than existing retention period (100 hours). Use IncreaseRetentionPeriod API.");
    ok(&mut s, "DecreaseStreamRetentionPeriod", inc(24));
    assert_eq!(summary(&mut s, "r")["RetentionPeriodHours"], 24);
    fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "r"}),
        "ValidationException",
    );
    fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "r", "RetentionPeriodHours": "48"}),
        "SerializationException",
    );
    fail(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "ghost", "RetentionPeriodHours": 48}),
        "ResourceNotFoundException",
    );
    ok(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamARN": format!("{ARN_PREFIX}r"), "RetentionPeriodHours": 25}),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn decrease_hides_old_data_at_once_and_increase_never_restores_it() {
    let mut s = with_stream("q", 1);
    ok(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "q", "RetentionPeriodHours": 48}),
    );
    put_key(&mut s, "q", "k", "old");
    advance(&mut s, 30 * HOUR);
    put_key(&mut s, "q", "k", "new");
    assert_eq!(read_all(&mut s, "q", &sid(0)).0, ["old", "new"]);
    ok(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "q", "RetentionPeriodHours": 24}),
    );
    assert_eq!(
        read_all(&mut s, "q", &sid(0)).0,
        ["new"],
        "30 h old data is gone immediately"
    );
    ok(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "q", "RetentionPeriodHours": 168}),
    );
    assert_eq!(
        read_all(&mut s, "q", &sid(0)).0,
        ["new"],
        "an increase does not resurrect data"
    );
    // With 168 h, new data now lives past 24 h.
    advance(&mut s, 100 * HOUR);
    assert_eq!(read_all(&mut s, "q", &sid(0)).0, ["new"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn closed_shards_expire_after_retention_and_ids_are_never_reused() {
    let mut s = with_stream("ex", 1);
    put_key(&mut s, "ex", "k", "a");
    split(&mut s, "ex", &sid(0), 1 << 127).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    let closed_at = s.world().now();
    assert_eq!(ids(&list_shards(&mut s, "ex")), [sid(0), sid(1), sid(2)]);
    s.advance_to(closed_at + 24 * HOUR - 1);
    assert_eq!(
        list_shards(&mut s, "ex").len(),
        3,
        "still listed while within retention"
    );
    s.advance_to(closed_at + 24 * HOUR);
    let shards = list_shards(&mut s, "ex");
    assert_eq!(
        ids(&shards),
        [sid(1), sid(2)],
        "EXPIRED shard vanishes from ListShards"
    );
    assert_eq!(
        shards[0]["ParentShardId"],
        sid(0),
        "lineage still names the expired parent"
    );
    let d = ok(&mut s, "DescribeStream", json!({"StreamName": "ex"}));
    assert_eq!(
        ids(d["StreamDescription"]["Shards"].as_array().unwrap()),
        [sid(1), sid(2)]
    );
    fail(
        &mut s,
        "GetShardIterator",
        json!({"StreamName": "ex", "ShardId": sid(0), "ShardIteratorType": "TRIM_HORIZON"}),
        "ResourceNotFoundException",
    );
    // Merge the two children, let everything but the child expire, split again: fresh ids.
    merge(&mut s, "ex", &sid(1), &sid(2)).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    advance(&mut s, 24 * HOUR);
    assert_eq!(ids(&list_shards(&mut s, "ex")), [sid(3)]);
    split(&mut s, "ex", &sid(3), 1 << 126).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    assert_eq!(ids(&list_shards(&mut s, "ex")), [sid(3), sid(4), sid(5)]);
    advance(&mut s, 24 * HOUR);
    // Now the highest listed ids are open; after a merge and expiry the next id still grows.
    merge(&mut s, "ex", &sid(4), &sid(5)).unwrap();
    advance(&mut s, RESHARD_DELAY_MS + 24 * HOUR);
    assert_eq!(ids(&list_shards(&mut s, "ex")), [sid(6)]);
    usc(&mut s, "ex", 2).unwrap();
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_eq!(ids(&list_shards(&mut s, "ex")), [sid(6), sid(7), sid(8)]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn longer_retention_keeps_closed_shards_longer() {
    let mut s = with_stream("lr", 1);
    split(&mut s, "lr", &sid(0), 1 << 127).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    ok(
        &mut s,
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "lr", "RetentionPeriodHours": 48}),
    );
    advance(&mut s, 30 * HOUR);
    assert_eq!(list_shards(&mut s, "lr").len(), 3);
    ok(
        &mut s,
        "DecreaseStreamRetentionPeriod",
        json!({"StreamName": "lr", "RetentionPeriodHours": 24}),
    );
    assert_eq!(
        list_shards(&mut s, "lr").len(),
        2,
        "a decrease expires closed shards at once"
    );
}

// ---------------------------------------------------------------------------------------------
// Tags

fn tags(s: &mut Session, req: Value) -> (Vec<(String, String)>, bool) {
    let v = ok(s, "ListTagsForStream", req);
    let t = v["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_string(),
                t["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (t, v["HasMoreTags"].as_bool().unwrap())
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tags_add_list_paginate_remove() {
    let mut s = with_stream("tg", 1);
    assert_eq!(tags(&mut s, json!({"StreamName": "tg"})), (vec![], false));
    ok(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "tg", "Tags": {"team": "data", "env": "dev", "cost-center": ""}}),
    );
    ok(
        &mut s,
        "AddTagsToStream",
        json!({"StreamARN": format!("{ARN_PREFIX}tg"), "Tags": {"env": "prod"}}),
    );
    let (all, more) = tags(&mut s, json!({"StreamName": "tg"}));
    assert!(!more);
    assert_eq!(
        all,
        [("cost-center", ""), ("env", "prod"), ("team", "data")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    let (page, more) = tags(&mut s, json!({"StreamName": "tg", "Limit": 2}));
    assert_eq!(page.len(), 2);
    assert!(more);
    let (rest, more) = tags(
        &mut s,
        json!({"StreamName": "tg", "Limit": 2, "ExclusiveStartTagKey": page[1].0}),
    );
    assert_eq!(rest, [("team".to_string(), "data".to_string())]);
    assert!(!more);
    ok(
        &mut s,
        "RemoveTagsFromStream",
        json!({"StreamName": "tg", "TagKeys": ["env", "absent"]}),
    );
    let (all, _) = tags(&mut s, json!({"StreamName": "tg"}));
    assert_eq!(
        all.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        ["cost-center", "team"]
    );
    // Tags from CreateStream are listed too.
    ok(
        &mut s,
        "CreateStream",
        json!({"StreamName": "tg2", "ShardCount": 1, "Tags": {"a": "1"}}),
    );
    assert_eq!(
        tags(&mut s, json!({"StreamName": "tg2"})).0,
        [("a".to_string(), "1".to_string())]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tag_limits_and_errors() {
    let mut s = with_stream("tl", 1);
    let many = |n: usize, prefix: &str| -> Value {
        let m: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("{prefix}{i:02}"), json!("v")))
            .collect();
        Value::Object(m)
    };
    // At most 10 per call.
    let m = fail(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "tl", "Tags": many(11, "a")}),
        "InvalidArgumentException",
    );
    assert!(m.contains("at most 10 tags"), "{m}");
    // At most 50 per stream: five calls of 10 fill it.
    for p in ["a", "b", "c", "d", "e"] {
        ok(
            &mut s,
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": many(10, p)}),
        );
    }
    let m = fail(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "tl", "Tags": {"f": "1"}}),
        "InvalidArgumentException",
    );
    assert!(m.contains("cannot have more than 50 tags"), "{m}");
    // Overwriting an existing key does not add a tag.
    ok(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "tl", "Tags": {"a00": "new"}}),
    );
    let (all, more) = tags(&mut s, json!({"StreamName": "tl"}));
    assert_eq!((all.len(), more), (50, false));
    assert_eq!(all[0], ("a00".to_string(), "new".to_string()));
    // Shapes.
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(257);
    for (action, body, kind) in [
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {}}),
            "ValidationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl"}),
            "ValidationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {long_key.clone(): "v"}}),
            "ValidationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {"": "v"}}),
            "ValidationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {"a00": long_value}}),
            "ValidationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {"a00": 5}}),
            "SerializationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": ["a"]}),
            "SerializationException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {"bad#key": "v"}}),
            "InvalidArgumentException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "tl", "Tags": {"a00": "bad*value"}}),
            "InvalidArgumentException",
        ),
        (
            "AddTagsToStream",
            json!({"StreamName": "ghost", "Tags": {"a": "b"}}),
            "ResourceNotFoundException",
        ),
        (
            "ListTagsForStream",
            json!({"StreamName": "tl", "Limit": 51}),
            "ValidationException",
        ),
        (
            "ListTagsForStream",
            json!({"StreamName": "tl", "Limit": 0}),
            "ValidationException",
        ),
        (
            "ListTagsForStream",
            json!({"StreamName": "tl", "ExclusiveStartTagKey": ""}),
            "ValidationException",
        ),
        (
            "ListTagsForStream",
            json!({"StreamName": "tl", "ExclusiveStartTagKey": long_key}),
            "ValidationException",
        ),
        (
            "ListTagsForStream",
            json!({"StreamName": "ghost"}),
            "ResourceNotFoundException",
        ),
        ("ListTagsForStream", json!({}), "InvalidArgumentException"),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": []}),
            "ValidationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl"}),
            "ValidationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": vec!["k"; 51]}),
            "ValidationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": [""]}),
            "ValidationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": [1]}),
            "SerializationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": "a00"}),
            "SerializationException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "tl", "TagKeys": ["bad#key"]}),
            "InvalidArgumentException",
        ),
        (
            "RemoveTagsFromStream",
            json!({"StreamName": "ghost", "TagKeys": ["a"]}),
            "ResourceNotFoundException",
        ),
    ] {
        fail(&mut s, action, body, kind);
    }
    // Unicode letters, spaces and the allowed symbols are fine.
    ok(
        &mut s,
        "RemoveTagsFromStream",
        json!({"StreamName": "tl", "TagKeys": ["a01"]}),
    );
    ok(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "tl", "Tags": {"Équipe données": "_ . / = + - % @ :"}}),
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism and robustness

fn scripted(seed: u64) -> Session {
    let mut s = Session::new(WorldConfig::seeded(seed));
    create(&mut s, "det", 2);
    for i in 0..20 {
        put_key(&mut s, "det", &format!("k{i}"), "d");
    }
    split(&mut s, "det", &sid(0), 1 << 120).unwrap();
    advance(&mut s, RESHARD_DELAY_MS);
    usc(&mut s, "det", 5).unwrap();
    ok(
        &mut s,
        "AddTagsToStream",
        json!({"StreamName": "det", "Tags": {"a": "b"}}),
    );
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    for i in 0..20 {
        put_key(&mut s, "det", &format!("k{i}"), "e");
    }
    advance(&mut s, 25 * HOUR);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn resharding_is_deterministic_and_replays() {
    let a = scripted(3);
    let b = scripted(3);
    assert_eq!(world_digest(a.world()), world_digest(b.world()));
    let replayed = Session::from_jsonl(&a.to_jsonl()).unwrap();
    assert_eq!(world_digest(replayed.world()), world_digest(a.world()));
    // The pending state is part of the digest: mid-update differs from after it.
    let mut c = with_stream("p", 1);
    let before = world_digest(c.world());
    split(&mut c, "p", &sid(0), 1 << 100).unwrap();
    assert_ne!(world_digest(c.world()), before);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn odd_bodies_never_panic() {
    let mut s = with_stream("o", 2);
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!(7),
        json!({}),
        json!({"StreamName": null}),
        json!({"StreamName": "o", "ShardToSplit": null, "NewStartingHashKey": null}),
        json!({"StreamName": "o", "ShardToSplit": "shardId-999999999999", "NewStartingHashKey": "0"}),
        json!({"StreamName": "o", "ShardToSplit": "shardId-4294967296", "NewStartingHashKey": "1"}),
        json!({"StreamName": "o", "ShardToMerge": "0", "AdjacentShardToMerge": "1", "TargetShardCount": 1}),
        json!({"StreamName": "o", "TargetShardCount": 2147483647, "ScalingType": "UNIFORM_SCALING"}),
        json!({"StreamName": "o", "RetentionPeriodHours": 9223372036854775807i64}),
        json!({"StreamName": "o", "RetentionPeriodHours": -9223372036854775808i64}),
        json!({"StreamName": "o", "Tags": {"k": null}}),
        json!({"StreamName": "o", "TagKeys": [null]}),
        json!({"StreamName": "o", "Limit": -1}),
        json!({"StreamARN": "arn:aws:kinesis:x:1:stream/", "StreamModeDetails": {"StreamMode": null}}),
    ];
    for action in [
        "SplitShard",
        "MergeShards",
        "UpdateShardCount",
        "UpdateStreamMode",
        "IncreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriod",
        "AddTagsToStream",
        "ListTagsForStream",
        "RemoveTagsFromStream",
    ] {
        for body in &bodies {
            // Any AWS error type is fine; a panic fails the test.
            let _ = call(&mut s, action, body.clone());
        }
    }
    advance(&mut s, UPDATE_SHARD_COUNT_DELAY_MS);
    assert_tiles(&open_ranges(&list_shards(&mut s, "o")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn per_key_order_across_a_split_reads_parent_then_children() {
    let mut s = with_stream("ord", 1);
    let mut expected = Vec::new();
    for i in 0..5 {
        put_key(&mut s, "ord", "user-1", &format!("{i}"));
        expected.push(format!("{i}"));
    }
    split(&mut s, "ord", &sid(0), 1 << 127).unwrap();
    for i in 5..8 {
        let (shard, _) = put_key(&mut s, "ord", "user-1", &format!("{i}"));
        assert_eq!(shard, sid(0), "UPDATING: still the parent");
        expected.push(format!("{i}"));
    }
    advance(&mut s, RESHARD_DELAY_MS);
    let mut child = String::new();
    for i in 8..12 {
        let (shard, seq) = put_key(&mut s, "ord", "user-1", &format!("{i}"));
        let n = SequenceNumber::parse(&seq).unwrap();
        assert_eq!(sid(n.shard_index), shard);
        child = shard;
        expected.push(format!("{i}"));
    }
    assert_ne!(child, sid(0));
    let (mut got, end) = read_all(&mut s, "ord", &sid(0));
    let next: Vec<String> = end["ChildShards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ShardId"].as_str().unwrap().to_string())
        .collect();
    assert!(next.contains(&child));
    got.extend(read_all(&mut s, "ord", &child).0);
    assert_eq!(got, expected);
}
