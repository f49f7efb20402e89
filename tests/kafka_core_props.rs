//! Kafka core invariants (semantics.md §6.1, §6.3, §6.5) under random operations: acks=all with
//! min.insync.replicas=2 loses no acknowledged record when a broker fails; the idempotent
//! producer never writes duplicates under lost responses while a non-idempotent one does;
//! compaction keeps exactly the latest value of each key; the high watermark never exceeds an ISR
//! member's LEO and never decreases under clean elections.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use common::{advance_by, ok, session};
use kinesis_playground::engine::action_log::Session;
use proptest::prelude::*;
use serde_json::{json, Value};

fn fetch_from(
    s: &mut Session,
    topic: &str,
    p: u64,
    from: u64,
) -> Vec<(u64, Option<String>, Option<String>)> {
    let mut out = Vec::new();
    let mut offset = from;
    loop {
        let f = ok(
            s,
            "kafka",
            "Fetch",
            json!({ "Topic": topic, "Partition": p, "Offset": offset, "MaxRecords": 10000 }),
        );
        let recs = f["Records"].as_array().unwrap().clone();
        for r in &recs {
            out.push((
                r["Offset"].as_u64().unwrap(),
                r["Key"].as_str().map(str::to_string),
                r["Value"].as_str().map(str::to_string),
            ));
        }
        let next = f["NextOffset"].as_u64().unwrap();
        if recs.is_empty() || next == offset {
            return out;
        }
        offset = next;
    }
}

#[derive(Clone, Debug)]
enum Op {
    Produce { key: u8, acks: u8, count: u8 },
    Advance(u16),
    Fail(u8),
    Recover(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..20, 0u8..3, 1u8..5).prop_map(|(key, acks, count)| Op::Produce { key, acks, count }),
        2 => (0u16..300).prop_map(Op::Advance),
        1 => (1u8..4).prop_map(Op::Fail),
        1 => (1u8..4).prop_map(Op::Recover),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn acks_all_records_survive_one_broker_failure(
        seed in 0u64..1000,
        parts in 1u32..4,
        before in 0usize..40,
        after in 0usize..40,
        victim in 1u32..4,
        gap in 0u64..250,
    ) {
        let mut s = session(seed);
        ok(&mut s, "kafka", "CreateTopics", json!({ "Topics": [{ "Name": "t", "NumPartitions": parts,
            "Configs": { "min.insync.replicas": "2" } }] }));
        let mut acked: Vec<(u64, u64, String)> = Vec::new();
        let mut n = 0;
        let mut send = |s: &mut Session, k: usize, acked: &mut Vec<(u64, u64, String)>| {
            for _ in 0..k {
                let v = format!("v{n}");
                let r = ok(s, "kafka", "Produce", json!({ "Topic": "t", "Acks": "all",
                    "Records": [{ "Key": format!("k{}", n % 7), "Value": v }] }));
                let r = &r["Results"][0];
                if let Some(o) = r["Offset"].as_u64() {
                    acked.push((r["Partition"].as_u64().unwrap(), o, v));
                }
                n += 1;
            }
        };
        send(&mut s, before, &mut acked);
        advance_by(&mut s, gap);
        ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": victim }));
        send(&mut s, after, &mut acked);
        prop_assert_eq!(acked.len(), before + after, "ISR of 2 still takes acks=all");
        for p in 0..u64::from(parts) {
            let log = fetch_from(&mut s, "t", p, 0);
            for (ap, off, v) in acked.iter().filter(|a| a.0 == p) {
                let found = log.iter().find(|r| r.0 == *off);
                prop_assert_eq!(found.and_then(|r| r.2.clone()), Some(v.clone()), "p{} offset {}", ap, off);
            }
        }
    }

    #[test]
    fn high_watermark_bounded_by_isr_and_monotonic_under_clean_elections(
        seed in 0u64..1000,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let mut s = session(seed);
        ok(&mut s, "kafka", "CreateTopics", json!({ "Topics": [{ "Name": "h", "NumPartitions": 2,
            "Configs": { "min.insync.replicas": "1" } }] }));
        let mut last_hw = [0u64; 2];
        for o in ops {
            match o {
                Op::Produce { key, acks, count } => {
                    let acks = ["0", "1", "all"][acks as usize];
                    let recs: Vec<Value> = (0..count).map(|i| json!({ "Key": format!("k{key}"), "Value": format!("{i}") })).collect();
                    ok(&mut s, "kafka", "Produce", json!({ "Topic": "h", "Acks": acks, "Records": recs }));
                }
                Op::Advance(ms) => advance_by(&mut s, u64::from(ms)),
                Op::Fail(b) => { let _ = s.call("kafka", "FailBroker", json!({ "BrokerId": b })); }
                Op::Recover(b) => { let _ = s.call("kafka", "RecoverBroker", json!({ "BrokerId": b })); }
            }
            let w = s.world();
            for (i, p) in w.kafka.topics["h"].partitions.iter().enumerate() {
                for b in &p.isr {
                    prop_assert!(p.high_watermark <= p.replica_leo[b], "HW {} > LEO of ISR member {}: {:?}", p.high_watermark, b, p.replica_leo);
                }
                prop_assert!(p.high_watermark <= p.log_end_offset());
                prop_assert!(p.high_watermark >= last_hw[i], "HW went back from {} to {}", last_hw[i], p.high_watermark);
                last_hw[i] = p.high_watermark;
            }
        }
    }

    #[test]
    fn compaction_keeps_exactly_the_latest_value_of_each_key(
        seed in 0u64..1000,
        writes in prop::collection::vec((0u8..8, prop::option::weighted(0.85, 0u16..1000)), 1..120),
        segment_bytes in 150u64..800,
    ) {
        let mut s = session(seed);
        ok(&mut s, "kafka", "CreateTopics", json!({ "Topics": [{ "Name": "c", "Configs": {
            "cleanup.policy": "compact", "segment.bytes": segment_bytes.to_string(),
            "min.cleanable.dirty.ratio": "0.01" } }] }));
        let mut original: Vec<(Option<String>, Option<String>)> = Vec::new();
        let mut oracle: BTreeMap<String, Option<String>> = BTreeMap::new();
        for (i, (k, v)) in writes.iter().enumerate() {
            let key = format!("key-{k}");
            let value = v.map(|v| format!("val-{i}-{v}"));
            ok(&mut s, "kafka", "Produce", json!({ "Topic": "c", "Records": [{ "Key": key, "Value": value }] }));
            original.push((Some(key.clone()), value.clone()));
            oracle.insert(key, value);
            if i % 17 == 0 { advance_by(&mut s, 300); }
        }
        advance_by(&mut s, 2_000);
        let log = fetch_from(&mut s, "c", 0, 0);
        let w = s.world();
        let p = &w.kafka.topics["c"].partitions[0];
        let active = p.active_base();
        // Offsets never change: every remaining record is the one written at its offset.
        for r in &log {
            prop_assert_eq!(&original[r.0 as usize], &(r.1.clone(), r.2.clone()));
        }
        // Below the active segment each key appears once.
        let mut seen = BTreeMap::new();
        for r in log.iter().filter(|r| r.0 < active) {
            prop_assert!(seen.insert(r.1.clone(), r.0).is_none(), "key {:?} twice below {}", r.1, active);
        }
        // The last record of each key is the oracle's latest value.
        let mut last: BTreeMap<String, Option<String>> = BTreeMap::new();
        for r in &log {
            last.insert(r.1.clone().unwrap(), r.2.clone());
        }
        prop_assert_eq!(last, oracle);
        // And the cleaner really ran when there was a rolled segment.
        if p.segments.len() > 1 {
            prop_assert_eq!(p.cleaner_checkpoint, active);
        }
    }
}

fn values_in(s: &mut Session, topic: &str, parts: u64) -> Vec<String> {
    (0..parts)
        .flat_map(|p| fetch_from(s, topic, p, 0))
        .filter_map(|r| r.2)
        .collect()
}

fn duplicates(values: &[String]) -> usize {
    let mut count: BTreeMap<&String, usize> = BTreeMap::new();
    for v in values {
        *count.entry(v).or_default() += 1;
    }
    count.values().map(|c| c - 1).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn idempotent_producer_never_duplicates_and_plain_one_does(
        seed in 0u64..1000,
        loss in 0.1f64..0.6,
        keyed in any::<bool>(),
    ) {
        for idempotent in [true, false] {
            let mut s = session(seed);
            ok(&mut s, "kafka", "CreateTopics", json!({ "Topics": [{ "Name": "t", "NumPartitions": 3 }] }));
            let mut req = json!({ "ProducerName": "p", "Topic": "t", "RecordsPerSecond": 500,
                "ValueBytes": 20, "EnableIdempotence": idempotent, "ResponseLossRate": loss });
            if keyed {
                req["KeyCount"] = json!(10);
            }
            ok(&mut s, "playground", "CreateKafkaProducer", req);
            advance_by(&mut s, 3_000);
            ok(&mut s, "playground", "StopKafkaProducer", json!({ "ProducerName": "p" }));
            advance_by(&mut s, 200);
            let d = ok(&mut s, "playground", "DescribeKafkaProducers", json!({}));
            let p = &d["Producers"][0];
            let values = values_in(&mut s, "t", 3);
            let dups = duplicates(&values);
            prop_assert!(p["Retries"].as_u64().unwrap() > 0, "{}", p);
            prop_assert_eq!(p["RecordsGenerated"].as_u64().unwrap(), 1500);
            prop_assert_eq!(p["RecordsAcked"].as_u64().unwrap(), 1500);
            if idempotent {
                prop_assert_eq!(dups, 0);
                prop_assert_eq!(values.len(), 1500);
                prop_assert!(p["DuplicatesDiscarded"].as_u64().unwrap() > 0);
            } else {
                prop_assert!(dups > 0, "lost responses make the plain producer write duplicates");
                prop_assert_eq!(dups as u64, p["DuplicatesWritten"].as_u64().unwrap());
                prop_assert_eq!(values.len(), 1500 + dups);
            }
        }
    }
}

fn member_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(3)),
        Just(json!(u64::MAX)),
        Just(json!("t")),
        Just(json!("")),
        Just(json!("all")),
        Just(json!("earliest")),
        Just(json!(["t", "u"])),
        Just(json!([{ "Name": "t", "NumPartitions": 2 }])),
        Just(json!([{ "Key": "k", "Value": "v" }, { "Value": null, "Partition": 7 }])),
        Just(json!({ "segment.bytes": "14", "cleanup.policy": "compact" })),
        Just(json!({ "retention.ms": "0" })),
        Just(json!(1.5)),
    ]
}

const KAFKA_CALLS: &[(&str, &str)] = &[
    ("kafka", "DescribeCluster"),
    ("kafka", "FailBroker"),
    ("kafka", "RecoverBroker"),
    ("kafka", "CreateTopics"),
    ("kafka", "DeleteTopics"),
    ("kafka", "ListTopics"),
    ("kafka", "DescribeTopics"),
    ("kafka", "CreatePartitions"),
    ("kafka", "DescribeConfigs"),
    ("kafka", "IncrementalAlterConfigs"),
    ("kafka", "ListOffsets"),
    ("kafka", "Produce"),
    ("kafka", "Fetch"),
    ("playground", "CreateKafkaProducer"),
    ("playground", "StopKafkaProducer"),
    ("playground", "DescribeKafkaProducers"),
];

const MEMBERS: &[&str] = &[
    "BrokerId",
    "Topics",
    "TopicNames",
    "Topic",
    "TotalCount",
    "Configs",
    "Partition",
    "Spec",
    "Timestamp",
    "Records",
    "Acks",
    "Offset",
    "MaxRecords",
    "ProducerName",
    "RecordsPerSecond",
    "KeyCount",
    "ResponseLossRate",
    "EnableIdempotence",
    "Name",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_kafka_request_panics(
        calls in prop::collection::vec(
            (prop::sample::select(KAFKA_CALLS),
             prop::collection::btree_map(prop::sample::select(MEMBERS), member_value(), 0..5),
             0u64..3_000),
            1..20),
    ) {
        let mut s = session(1);
        ok(&mut s, "kafka", "CreateTopics", json!({ "Topics": [{ "Name": "t", "NumPartitions": 2 }] }));
        for ((service, action), members, dt) in calls {
            let body: serde_json::Map<String, Value> =
                members.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let _ = s.call(service, action, Value::Object(body));
            advance_by(&mut s, dt);
        }
    }
}
