//! Routing of known partition keys through the dispatcher: CreateStream, wait for ACTIVE, PutRecord
//! → ShardId (semantics.md §1.2, §1.3, §1.11).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{b64, create_active, expect_err, ok, put, session, session_with_stream};
use kinesis_playground::engine::kinesis::hash_key::initial_layout;
use serde_json::json;

/// Keys and their shard index in streams of 2, 3, 4, 5 and 10 shards (MD5 and floor(2^128/N)
/// computed independently with Python's hashlib and integers).
const KNOWN: &[(&str, [u32; 5])] = &[
    ("a", [0, 0, 0, 0, 0]),
    ("b", [1, 1, 2, 2, 5]),
    ("abc", [1, 1, 2, 2, 5]),
    ("user-0", [1, 2, 2, 3, 6]),
    ("user-1", [1, 2, 3, 4, 8]),
    ("user-2", [0, 0, 0, 1, 2]),
    ("user-3", [0, 0, 0, 0, 0]),
    ("user-42", [0, 1, 1, 2, 4]),
    ("order-1001", [1, 1, 2, 2, 5]),
    ("customer#7", [0, 0, 0, 1, 2]),
    ("é", [0, 1, 1, 2, 4]),
    ("日本語", [0, 0, 0, 0, 0]),
];
const COUNTS: [u32; 5] = [2, 3, 4, 5, 10];

fn shard_id(i: u32) -> String {
    format!("shardId-{i:012}")
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn section_1_2_worked_examples_through_the_dispatcher() {
    let mut s = session_with_stream(1, "orders", 4);
    assert_eq!(
        put(&mut s, "orders", "a", b"x")["ShardId"],
        "shardId-000000000000"
    );
    assert_eq!(
        put(&mut s, "orders", "user-1", b"hello")["ShardId"],
        "shardId-000000000003"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn known_keys_route_to_known_shards() {
    let mut s = session(2);
    for n in COUNTS {
        create_active(&mut s, &format!("s{n}"), n);
    }
    for (key, shards) in KNOWN {
        for (n, want) in COUNTS.iter().zip(shards) {
            let out = put(&mut s, &format!("s{n}"), key, key.as_bytes());
            assert_eq!(
                out["ShardId"],
                shard_id(*want),
                "key {key:?} in a {n}-shard stream"
            );
        }
    }
    // Each record is stored in the shard the response named.
    let st = s.world().kinesis.stream("s4").unwrap();
    for (key, shards) in KNOWN {
        let shard = st.shard(shards[2]).unwrap();
        assert!(
            shard.records().iter().any(|r| &*r.partition_key == *key),
            "{key:?} stored"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn single_shard_takes_every_key() {
    let mut s = session_with_stream(3, "one", 1);
    for (key, _) in KNOWN {
        assert_eq!(
            put(&mut s, "one", key, b"d")["ShardId"],
            "shardId-000000000000"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_key_same_shard() {
    let mut s = session_with_stream(4, "orders", 10);
    let first = put(&mut s, "orders", "sticky", b"0")["ShardId"].clone();
    for i in 1..50u32 {
        let out = put(&mut s, "orders", "sticky", &i.to_be_bytes());
        assert_eq!(out["ShardId"], first);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn explicit_hash_key_routes_by_range_boundaries() {
    for n in [2u32, 3, 4, 5, 10] {
        let mut s = session_with_stream(5, "ehk", n);
        let layout = initial_layout(n);
        for (i, r) in layout.iter().enumerate() {
            for h in [r.starting, r.ending] {
                let out = ok(
                    &mut s,
                    "kinesis",
                    "PutRecord",
                    json!({"StreamName": "ehk", "PartitionKey": "a", "Data": b64(b"x"),
                           "ExplicitHashKey": h.to_string()}),
                );
                assert_eq!(
                    out["ShardId"],
                    shard_id(i as u32),
                    "hash key {h} in {n} shards"
                );
            }
        }
        // The explicit hash key overrides MD5 of the partition key, and is what gets stored.
        let st = s.world().kinesis.stream("ehk").unwrap();
        let last = st.shard(n - 1).unwrap();
        assert_eq!(last.records().back().unwrap().hash_key, u128::MAX);
        assert_eq!(&*last.records().back().unwrap().partition_key, "a");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn stream_is_writable_exactly_when_active() {
    let mut s = session(6);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "late", "ShardCount": 4}),
    );
    let req = json!({"StreamName": "late", "PartitionKey": "a", "Data": b64(b"x")});
    // CREATING for 2,000 ms of virtual time: writes are refused as ResourceNotFoundException.
    expect_err(
        &mut s,
        "PutRecord",
        req.clone(),
        "ResourceNotFoundException",
    );
    s.advance_to(1_999);
    let summary = ok(
        &mut s,
        "kinesis",
        "DescribeStreamSummary",
        json!({"StreamName": "late"}),
    );
    assert_eq!(
        summary["StreamDescriptionSummary"]["StreamStatus"],
        "CREATING"
    );
    expect_err(
        &mut s,
        "PutRecord",
        req.clone(),
        "ResourceNotFoundException",
    );
    s.advance_to(2_000);
    let summary = ok(
        &mut s,
        "kinesis",
        "DescribeStreamSummary",
        json!({"StreamName": "late"}),
    );
    assert_eq!(
        summary["StreamDescriptionSummary"]["StreamStatus"],
        "ACTIVE"
    );
    let out = ok(&mut s, "kinesis", "PutRecord", req);
    assert_eq!(out["ShardId"], "shardId-000000000000");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn stream_arn_works_like_stream_name() {
    let mut s = session_with_stream(7, "orders", 4);
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    let out = ok(
        &mut s,
        "kinesis",
        "PutRecord",
        json!({"StreamARN": arn, "PartitionKey": "user-1", "Data": b64(b"x")}),
    );
    assert_eq!(out["ShardId"], "shardId-000000000003");
}
