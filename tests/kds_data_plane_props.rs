//! Property: every acknowledged record is readable through GetShardIterator(TRIM_HORIZON) +
//! GetRecords paging, in sequence order per shard, until its retention expires — under random
//! puts, PutRecords batches, throttling, splits and time advances (semantics.md §1.5–§1.10).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use common::{b64, create_active, session};
use kinesis_playground::engine::action_log::Session;
use proptest::prelude::*;
use serde_json::json;

#[derive(Clone, Debug)]
enum Op {
    Put(u16),
    Batch(Vec<u16>),
    Advance(u32),
    Split(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u16>().prop_map(Op::Put),
        2 => proptest::collection::vec(any::<u16>(), 1..40).prop_map(Op::Batch),
        3 => (0u32..120_000).prop_map(Op::Advance),
        1 => any::<u8>().prop_map(Op::Split),
    ]
}

/// Reads every shard from TRIM_HORIZON to the end (following NextShardIterator, waiting out
/// throttling) and returns (shard id, sequence number) of every record.
fn read_all(s: &mut Session) -> Vec<(String, String)> {
    let shards: Vec<String> = s
        .world()
        .kinesis
        .stream("p")
        .map(|st| st.shards().iter().map(|sh| sh.shard_id()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for shard in shards {
        let t = s.world().now() + 1_000;
        s.advance_to(t);
        let v = s
            .call(
                "kinesis",
                "GetShardIterator",
                json!({"StreamName": "p", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
            )
            .expect("iterator");
        let mut it = v["ShardIterator"].as_str().map(str::to_string);
        while let Some(token) = it.take() {
            let t = s.world().now() + 250;
            s.advance_to(t);
            match s.call(
                "kinesis",
                "GetRecords",
                json!({"ShardIterator": token, "Limit": 10_000}),
            ) {
                Ok(v) => {
                    let recs = v["Records"].as_array().cloned().unwrap_or_default();
                    let empty = recs.is_empty();
                    for r in recs {
                        out.push((
                            shard.clone(),
                            r["SequenceNumber"].as_str().unwrap_or_default().to_string(),
                        ));
                    }
                    // Stop at an empty page of an open shard (caught up) or at SHARD_END.
                    if !empty {
                        it = v["NextShardIterator"].as_str().map(str::to_string);
                    }
                }
                Err(e) if e.kind.as_str() == "ProvisionedThroughputExceededException" => {
                    it = Some(token)
                }
                Err(e) => panic!("GetRecords failed: {e}"),
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn acknowledged_records_are_readable_until_retention(ops in proptest::collection::vec(op(), 1..60)) {
        let mut s = session(11);
        create_active(&mut s, "p", 2);
        // (shard, seq) → arrival time of every acknowledged record.
        let mut acked: BTreeMap<(String, String), u64> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Put(k) => {
                    if let Ok(v) = s.call("kinesis", "PutRecord", json!({"StreamName": "p", "PartitionKey": format!("k{k}"), "Data": b64(b"x")})) {
                        let now = s.world().now();
                        acked.insert((v["ShardId"].as_str().unwrap_or_default().into(), v["SequenceNumber"].as_str().unwrap_or_default().into()), now);
                    }
                }
                Op::Batch(keys) => {
                    let records: Vec<_> = keys.iter().map(|k| json!({"PartitionKey": format!("k{k}"), "Data": b64(b"yy")})).collect();
                    if let Ok(v) = s.call("kinesis", "PutRecords", json!({"StreamName": "p", "Records": records})) {
                        let now = s.world().now();
                        for e in v["Records"].as_array().cloned().unwrap_or_default() {
                            if let (Some(sh), Some(seq)) = (e["ShardId"].as_str(), e["SequenceNumber"].as_str()) {
                                acked.insert((sh.into(), seq.into()), now);
                            }
                        }
                    }
                }
                Op::Advance(ms) => {
                    let t = s.world().now() + u64::from(ms) * 1_000; // up to ~33 h per step
                    s.advance_to(t);
                }
                Op::Split(pick) => {
                    let open: Vec<(String, u128, u128)> = s.world().kinesis.stream("p").map(|st| st.open_shards().map(|sh| (sh.shard_id(), sh.range().starting, sh.range().ending)).collect()).unwrap_or_default();
                    if let Some((id, a, b)) = open.get(usize::from(pick) % open.len().max(1)).cloned() {
                        let _ = s.call("kinesis", "SplitShard", json!({"StreamName": "p", "ShardToSplit": id, "NewStartingHashKey": (a + (b - a) / 2 + 1).to_string()}));
                    }
                }
            }
        }
        let now = s.world().now();
        let read = read_all(&mut s);
        let read_set: std::collections::BTreeSet<_> = read.iter().cloned().collect();
        prop_assert_eq!(read_set.len(), read.len(), "no record read twice");
        let retention_ms = 24 * 3_600_000u64;
        let end = s.world().now();
        for (key, arrived) in &acked {
            // Records still inside retention at the end of reading must all be there.
            if arrived + retention_ms > end {
                prop_assert!(read_set.contains(key), "acknowledged {:?} (arrived {}) missing; now {}", key, arrived, now);
            }
        }
        // Nothing is read that was never acknowledged.
        for key in &read_set {
            prop_assert!(acked.contains_key(key), "read {:?} that was never acknowledged", key);
        }
    }
}
