//! Property tests (native only: proptest is not built for wasm).
//!
//! - `initial_layout(N)` tiles `[0, 2^128 − 1]` for every N in 1..=500 (semantics.md §1.3);
//! - routing picks the open shard whose range contains MD5(key) (§1.2);
//! - sequence numbers strictly increase per shard, whatever the puts and time advances (§1.6);
//! - no acknowledged record is lost while within the 24 h retention period (§1.5, §1.9).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use common::{b64, dec_cmp, session_with_stream, shard_and_seq};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::kinesis::hash_key::{initial_layout, HashKeyRange};
use kinesis_playground::engine::kinesis::sequence_number::SequenceNumber;
use md5::{Digest, Md5};
use proptest::prelude::*;
use serde_json::json;

/// floor(2^128 / n), computed as 129-bit arithmetic split in two halves (independent of the
/// engine's formula): 2^128 = 2^64 · 2^64.
fn floor_pow128_div(n: u128) -> Option<u128> {
    if n <= 1 {
        return None; // 2^128 does not fit in a u128
    }
    // 2^128 / n = (2^64 · 2^64) / n: long division with base 2^64 on the digits [1, 0, 0].
    let base = 1u128 << 64;
    let mut rem = 0u128;
    let mut q = 0u128;
    for digit in [1u128, 0, 0] {
        let cur = rem * base + digit; // rem < n ≤ 2^32 in these tests, so no overflow
        q = q * base + cur / n;
        rem = cur % n;
    }
    Some(q)
}

fn check_tiling(n: u32, layout: &[HashKeyRange]) -> Result<(), TestCaseError> {
    prop_assert_eq!(layout.len(), n as usize);
    prop_assert_eq!(layout[0].starting, 0);
    prop_assert_eq!(layout[layout.len() - 1].ending, u128::MAX);
    for pair in layout.windows(2) {
        // No gap, no overlap.
        prop_assert!(pair[0].ending < pair[1].starting);
        prop_assert_eq!(pair[0].ending + 1, pair[1].starting);
    }
    for r in layout {
        prop_assert!(r.starting <= r.ending);
    }
    if let Some(w) = floor_pow128_div(u128::from(n)) {
        for r in &layout[..layout.len() - 1] {
            prop_assert_eq!(
                r.ending - r.starting + 1,
                w,
                "width of a non-last shard, N = {}",
                n
            );
        }
        let last = layout[layout.len() - 1];
        // The last absorbs the remainder 2^128 mod N (< N).
        let last_width_minus_1 = last.ending - last.starting;
        prop_assert!(last_width_minus_1 + 1 >= w);
        prop_assert!(last_width_minus_1 + 1 - w < u128::from(n));
    }
    Ok(())
}

#[test]
fn layout_tiles_for_every_n_up_to_500() {
    for n in 1..=500u32 {
        check_tiling(n, &initial_layout(n)).unwrap();
    }
}

fn md5_u128(key: &str) -> u128 {
    let d = Md5::digest(key.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d);
    u128::from_be_bytes(b)
}

/// A partition key: 1-256 characters, mostly printable Unicode.
fn key_strategy() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9-]{1,12}", "\\PC{1,40}", "[a-zA-Z]{200,256}",]
}

#[derive(Clone, Debug)]
enum Op {
    Put { key: String, data_len: usize },
    Advance(u64),
}

fn op_strategy(max_advance: u64) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (key_strategy(), 0usize..64).prop_map(|(key, data_len)| Op::Put { key, data_len }),
        1 => (0u64..max_advance).prop_map(Op::Advance),
    ]
}

/// Applies `ops`; returns every acknowledged put as (shard id, sequence number, key, data, time).
fn run_ops(
    s: &mut Session,
    stream: &str,
    ops: &[Op],
) -> Vec<(String, String, String, Vec<u8>, u64)> {
    let mut acked = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Advance(dt) => {
                let t = s.world().now() + dt;
                s.advance_to(t);
            }
            Op::Put { key, data_len } => {
                let data: Vec<u8> = (0..*data_len).map(|j| (i * 31 + j) as u8).collect();
                let out = s
                    .call(
                        "kinesis",
                        "PutRecord",
                        json!({"StreamName": stream, "PartitionKey": key, "Data": b64(&data)}),
                    )
                    .expect("a valid put on an ACTIVE stream is accepted");
                let (shard, seq) = shard_and_seq(&out);
                acked.push((shard, seq, key.clone(), data, s.world().now()));
            }
        }
    }
    acked
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn layout_tiles_the_key_space(n in 1u32..=500) {
        check_tiling(n, &initial_layout(n))?;
    }

    #[test]
    fn routing_picks_the_shard_containing_md5_of_the_key(
        n in 1u32..=64,
        keys in proptest::collection::vec(key_strategy(), 1..40),
    ) {
        let mut s = session_with_stream(1, "r", n);
        let layout = initial_layout(n);
        for key in &keys {
            let h = md5_u128(key);
            let want = layout.iter().position(|r| r.starting <= h && h <= r.ending).unwrap();
            let out = s
                .call("kinesis", "PutRecord", json!({"StreamName": "r", "PartitionKey": key, "Data": b64(b"x")}))
                .unwrap();
            prop_assert_eq!(out["ShardId"].as_str().unwrap(), format!("shardId-{want:012}"));
            let stored = s.world().kinesis.stream("r").unwrap().shard(want as u32).unwrap();
            prop_assert_eq!(stored.records().back().unwrap().hash_key, h);
        }
    }

    #[test]
    fn explicit_hash_key_routes_to_the_containing_range(
        n in 1u32..=64,
        hs in proptest::collection::vec(any::<u128>(), 1..40),
    ) {
        let mut s = session_with_stream(2, "e", n);
        let layout = initial_layout(n);
        for h in hs {
            let want = layout.iter().position(|r| r.contains(h)).unwrap();
            let out = s
                .call("kinesis", "PutRecord", json!({"StreamName": "e", "PartitionKey": "k",
                    "Data": b64(b""), "ExplicitHashKey": h.to_string()}))
                .unwrap();
            prop_assert_eq!(out["ShardId"].as_str().unwrap(), format!("shardId-{want:012}"));
        }
    }

    #[test]
    fn sequence_numbers_strictly_increase_per_shard(
        n in 1u32..=8,
        seed in any::<u64>(),
        ops in proptest::collection::vec(op_strategy(5_000_000), 1..120),
    ) {
        let mut s = session_with_stream(seed, "q", n);
        let acked = run_ops(&mut s, "q", &ops);
        let mut last: BTreeMap<&str, &str> = BTreeMap::new();
        for (shard, seq, ..) in &acked {
            prop_assert_eq!(seq.len(), 56);
            let sn = SequenceNumber::parse(seq).unwrap();
            prop_assert_eq!(&format!("shardId-{:012}", sn.shard_index), shard);
            if let Some(prev) = last.get(shard.as_str()) {
                prop_assert_eq!(dec_cmp(prev, seq), std::cmp::Ordering::Less, "{} then {}", prev, seq);
            }
            last.insert(shard, seq);
        }
    }

    #[test]
    fn no_acknowledged_record_is_lost_within_retention(
        n in 1u32..=8,
        seed in any::<u64>(),
        // Up to 119 advances of < 1 h each: runs reach past the 24 h retention period, so the
        // check covers both kept and trimmed records.
        ops in proptest::collection::vec(op_strategy(3_600_000), 1..120),
        tail in 0u64..30 * 3_600_000,
    ) {
        let mut s = session_with_stream(seed, "d", n);
        let mut acked = run_ops(&mut s, "d", &ops);
        let t_end = s.world().now() + tail;
        s.advance_to(t_end);
        // A final put after the last advance is acknowledged and kept too.
        acked.extend(run_ops(&mut s, "d", &[Op::Put { key: "final".into(), data_len: 3 }]));
        let world = s.world();
        let stream = world.kinesis.stream("d").unwrap();
        let retention_ms = 24 * 3_600_000;
        for (shard_id, seq, key, data, at) in &acked {
            let sn = SequenceNumber::parse(seq).unwrap();
            let shard = stream.shard(sn.shard_index).unwrap();
            prop_assert_eq!(&shard.shard_id(), shard_id);
            let found = shard.records().iter().find(|r| r.seq_index == sn.seq_index);
            if world.now() - at <= retention_ms {
                let r = found.ok_or_else(|| TestCaseError::fail(format!("record {seq} lost")))?;
                let unix_s = world.epoch().to_unix_ms(r.arrival_ms) / 1000;
                prop_assert_eq!(&shard.sequence_number(r.seq_index, unix_s).to_decimal(), seq);
                prop_assert_eq!(&*r.partition_key, key.as_str());
                prop_assert_eq!(&*r.data, data.as_slice());
                prop_assert_eq!(r.arrival_ms, *at);
            } else {
                prop_assert!(found.is_none(), "record {} older than 24 h is trimmed", seq);
            }
        }
        // Nothing else is stored: every retained record was acknowledged.
        let retained: usize = stream.shards().iter().map(|sh| sh.records().len()).sum();
        let expected = acked.iter().filter(|a| world.now() - a.4 <= retention_ms).count();
        prop_assert_eq!(retained, expected);
    }
}
