//! Property tests of resharding (semantics.md §1.9, §1.10): after any sequence of SplitShard,
//! MergeShards, UpdateShardCount, PutRecord calls and time advances, driven through the one
//! dispatcher,
//! - the open shards tile `[0, 2^128 − 1]` with no gap and no overlap;
//! - shard ids are unique and never reused (a shard id always names the same shard);
//! - every acknowledged record is still in the shard it was written to until it ages out;
//! - per partition key, reading the lineage parents-before-children yields the put order.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use base64::Engine as _;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::kinesis::hash_key::{
    partition_key_hash, HashKeyRange, MAX_HASH_KEY,
};
use kinesis_playground::engine::kinesis::limits::{
    RESHARD_DELAY_MS, STREAM_CREATE_DELAY_MS, UPDATE_SHARD_COUNT_DELAY_MS,
};
use kinesis_playground::engine::kinesis::sequence_number::SequenceNumber;
use kinesis_playground::engine::kinesis::shard::Shard;
use kinesis_playground::engine::kinesis::stream::Stream;
use kinesis_playground::engine::world::WorldConfig;
use proptest::prelude::*;
use serde_json::json;

const STREAM: &str = "props";
const KEYS: [&str; 6] = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];

#[derive(Clone, Debug)]
enum Op {
    /// Split the `pick`-th open shard (hash-key order) at a key chosen by `frac`; `raw` uses the
    /// value as is (mostly invalid) instead of a legal key.
    Split { pick: usize, frac: u64, raw: bool },
    /// Merge the `pick`-th open shard with its upper neighbour, or with an arbitrary one.
    Merge {
        pick: usize,
        other: usize,
        adjacent: bool,
    },
    /// UpdateShardCount to `open × num / 4` (so mostly within ½×..2×, sometimes outside).
    Scale { num: u8 },
    /// PutRecord with one of [`KEYS`].
    Put { key: usize, n: u8 },
    /// Advance virtual time.
    Advance { ms: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), any::<u64>(), prop::bool::weighted(0.15))
            .prop_map(|(pick, frac, raw)| Op::Split { pick, frac, raw }),
        3 => (any::<usize>(), any::<usize>(), prop::bool::weighted(0.85))
            .prop_map(|(pick, other, adjacent)| Op::Merge { pick, other, adjacent }),
        2 => (1u8..=9).prop_map(|num| Op::Scale { num }),
        5 => (0..KEYS.len(), 1u8..4).prop_map(|(key, n)| Op::Put { key, n }),
        4 => prop_oneof![
            1_000u64..20_000,
            Just(RESHARD_DELAY_MS),
            Just(UPDATE_SHARD_COUNT_DELAY_MS),
            3_600_000u64..30 * 3_600_000,
        ]
        .prop_map(|ms| Op::Advance { ms }),
    ]
}

/// One acknowledged PutRecord.
#[derive(Clone, Debug)]
struct Acked {
    key: &'static str,
    payload: String,
    shard_index: u32,
    seq_index: u64,
    arrival_ms: u64,
}

struct Model {
    s: Session,
    acked: Vec<Acked>,
    /// Every shard id ever listed, with what it was: its range and parents.
    seen: BTreeMap<u32, (HashKeyRange, Option<u32>, Option<u32>)>,
    counter: u64,
}

fn stream(s: &Session) -> &Stream {
    s.world().kinesis.stream(STREAM).expect("the stream exists")
}

fn open_in_key_order(s: &Session) -> Vec<(HashKeyRange, u32)> {
    let mut v: Vec<(HashKeyRange, u32)> = stream(s)
        .open_shards()
        .map(|x| (x.range(), x.index()))
        .collect();
    v.sort();
    v
}

fn sid(i: u32) -> String {
    format!("shardId-{i:012}")
}

impl Model {
    fn new(seed: u64, shards: u32) -> Model {
        let mut s = Session::new(WorldConfig::seeded(seed));
        s.call(
            "kinesis",
            "CreateStream",
            json!({"StreamName": STREAM, "ShardCount": shards}),
        )
        .expect("CreateStream");
        s.advance_to(STREAM_CREATE_DELAY_MS);
        let mut m = Model {
            s,
            acked: Vec::new(),
            seen: BTreeMap::new(),
            counter: 0,
        };
        m.check("create");
        m
    }

    fn apply(&mut self, op: &Op) {
        let open = open_in_key_order(&self.s);
        let n = open.len();
        let _ = match *op {
            Op::Split { pick, frac, raw } => {
                let (r, idx) = open[pick % n];
                let key = if raw {
                    u128::from(frac) << (frac % 64)
                } else if r.ending - r.starting > 3 {
                    // A legal key: S + 2 ..= E − 1.
                    let span = r.ending - r.starting - 2;
                    let x = (u128::from(frac) << 64) | u128::from(frac.rotate_left(17));
                    r.starting + 2 + x % span
                } else {
                    r.starting
                };
                self.s.call(
                    "kinesis",
                    "SplitShard",
                    json!({"StreamName": STREAM, "ShardToSplit": sid(idx), "NewStartingHashKey": key.to_string()}),
                )
            }
            Op::Merge {
                pick,
                other,
                adjacent,
            } => {
                let a = pick % n;
                let b = if adjacent { (a + 1) % n } else { other % n };
                // Either order: AWS accepts ShardToMerge above or below its neighbour.
                let (x, y) = if pick % 2 == 0 {
                    (open[a].1, open[b].1)
                } else {
                    (open[b].1, open[a].1)
                };
                self.s.call(
                    "kinesis",
                    "MergeShards",
                    json!({"StreamName": STREAM, "ShardToMerge": sid(x), "AdjacentShardToMerge": sid(y)}),
                )
            }
            Op::Scale { num } => {
                let target = ((n * usize::from(num)) / 4).max(1);
                self.s.call(
                    "kinesis",
                    "UpdateShardCount",
                    json!({"StreamName": STREAM, "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}),
                )
            }
            Op::Put { key, n } => {
                let key = KEYS[key];
                for _ in 0..n {
                    self.counter += 1;
                    let payload = format!("{key}#{}", self.counter);
                    let data = base64::engine::general_purpose::STANDARD.encode(&payload);
                    let now = self.s.world().now();
                    let out = self
                        .s
                        .call(
                            "kinesis",
                            "PutRecord",
                            json!({"StreamName": STREAM, "PartitionKey": key, "Data": data}),
                        )
                        .expect(
                            "PutRecord on an ACTIVE/UPDATING stream with little traffic succeeds",
                        );
                    let seq =
                        SequenceNumber::parse(out["SequenceNumber"].as_str().unwrap()).unwrap();
                    assert_eq!(out["ShardId"], sid(seq.shard_index));
                    self.acked.push(Acked {
                        key,
                        payload,
                        shard_index: seq.shard_index,
                        seq_index: seq.seq_index,
                        arrival_ms: now,
                    });
                }
                Ok(json!({}))
            }
            Op::Advance { ms } => {
                let t = self.s.world().now() + ms;
                self.s.advance_to(t);
                Ok(json!({}))
            }
        };
        self.check(&format!("{op:?}"));
    }

    fn check(&mut self, after: &str) {
        let st = stream(&self.s);
        let now = self.s.world().now();

        // 1. Open shards tile the key space.
        let open = open_in_key_order(&self.s);
        assert_eq!(open.first().map(|x| x.0.starting), Some(0), "after {after}");
        assert_eq!(
            open.last().map(|x| x.0.ending),
            Some(MAX_HASH_KEY),
            "after {after}"
        );
        for w in open.windows(2) {
            assert!(
                w[0].0.is_followed_by(&w[1].0),
                "gap/overlap after {after}: {open:?}"
            );
        }
        assert_eq!(st.open_shard_count(), open.len());

        // 2. Ids unique, never reused; new ids above every id seen before.
        let listed: Vec<&Shard> = st.shards().iter().collect();
        for w in listed.windows(2) {
            assert!(
                w[0].index() < w[1].index(),
                "ids unique and ordered after {after}"
            );
        }
        let max_seen = self.seen.keys().next_back().copied();
        for sh in &listed {
            let what = (sh.range(), sh.parent(), sh.adjacent_parent());
            match self.seen.get(&sh.index()) {
                Some(prev) => {
                    assert_eq!(*prev, what, "shard id {} reused after {after}", sh.index())
                }
                None => {
                    assert!(
                        max_seen.is_none_or(|m| sh.index() > m),
                        "id {} handed out again after {after}",
                        sh.index()
                    );
                }
            }
        }
        for sh in &listed {
            self.seen
                .insert(sh.index(), (sh.range(), sh.parent(), sh.adjacent_parent()));
        }

        // 3. Every acknowledged record within retention is still in its shard.
        let keep = u64::from(st.retention_hours) * 3_600_000;
        let retained = |a: &Acked| now < keep || a.arrival_ms >= now - keep;
        for a in self.acked.iter().filter(|a| retained(a)) {
            let shard = st.shard(a.shard_index).unwrap_or_else(|| {
                panic!(
                    "shard {} of a retained record is gone after {after}",
                    a.shard_index
                )
            });
            let rec = shard.records().iter().find(|r| r.seq_index == a.seq_index);
            let rec = rec.unwrap_or_else(|| panic!("record {a:?} missing after {after}"));
            assert_eq!(&*rec.partition_key, a.key);
            assert_eq!(&*rec.data, a.payload.as_bytes());
        }

        // 4. Per key, walking the lineage parents-before-children reads the put order.
        for key in KEYS {
            let h = partition_key_hash(key);
            // The chain of shards that ever owned h, newest first, by following parent links.
            let mut chain = Vec::new();
            let mut cur = open.iter().find(|x| x.0.contains(h)).map(|x| x.1);
            while let Some(i) = cur {
                let Some(sh) = st.shard(i) else { break };
                assert!(sh.range().contains(h));
                chain.push(sh);
                cur = [sh.parent(), sh.adjacent_parent()]
                    .into_iter()
                    .flatten()
                    .find(|&p| st.shard(p).is_some_and(|ps| ps.range().contains(h)));
            }
            chain.reverse();
            let read: Vec<&[u8]> = chain
                .iter()
                .flat_map(|sh| {
                    sh.records()
                        .iter()
                        .filter(|r| &*r.partition_key == key)
                        .map(|r| &*r.data)
                })
                .collect();
            let expected: Vec<&[u8]> = self
                .acked
                .iter()
                .filter(|a| a.key == key && retained(a))
                .map(|a| a.payload.as_bytes())
                .collect();
            assert_eq!(read, expected, "key {key} after {after}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reshard_invariants_hold(
        seed in any::<u64>(),
        shards in 1u32..6,
        ops in prop::collection::vec(op(), 1..45),
    ) {
        let mut m = Model::new(seed, shards);
        for op in &ops {
            m.apply(op);
        }
        // Let any pending update finish and check once more.
        let t = m.s.world().now() + UPDATE_SHARD_COUNT_DELAY_MS;
        m.s.advance_to(t);
        m.check("final");
    }
}
