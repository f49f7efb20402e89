//! Property tests of producers: KPL aggregation is inverted by de-aggregation, the de-aggregator
//! never panics, workloads are a pure function of the seed, and the agent's checkpoint never skips a
//! line (semantics.md §2.6, §2.7).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeSet;

use common::*;
use kinesis_playground::engine::apps::kpl::aggregation::{aggregate, decode, AggregateSize, Entry};
use kinesis_playground::engine::apps::kpl::{deaggregate, deaggregate_with_key};
use kinesis_playground::engine::digest::world_digest;
use proptest::prelude::*;
use serde_json::{json, Value};

type UserRec = (String, Option<String>, Vec<u8>);

fn user_records() -> impl Strategy<Value = Vec<UserRec>> {
    let key = prop_oneof![
        "[a-z]{1,3}", // few keys: shared table entries
        "\\PC{1,40}", // any printable Unicode
    ];
    let ehk = prop::option::of("[0-9]{1,39}");
    prop::collection::vec(
        (key, ehk, prop::collection::vec(any::<u8>(), 0..300)),
        1..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn aggregate_then_deaggregate_is_the_identity(recs in user_records()) {
        let entries: Vec<Entry<'_>> = recs
            .iter()
            .map(|(k, e, d)| Entry { partition_key: k, explicit_hash_key: e.as_deref(), data: d })
            .collect();
        let blob = aggregate(&entries);
        let mut size = AggregateSize::default();
        for e in &entries {
            size.add(e);
        }
        prop_assert_eq!(size.total(), blob.len());
        let users = deaggregate(&blob);
        prop_assert_eq!(users.len(), recs.len());
        for (i, (u, (k, e, d))) in users.iter().zip(&recs).enumerate() {
            prop_assert_eq!(&u.partition_key, k);
            prop_assert_eq!(&u.explicit_hash_key, e);
            prop_assert_eq!(&u.data, d);
            prop_assert_eq!(u.sub_sequence_number, i as u64);
        }
    }

    #[test]
    fn deaggregation_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200), framed in any::<bool>()) {
        let data = if framed {
            // Magic + arbitrary protobuf + its correct MD5: exercises the protobuf reader.
            use md5::Digest;
            let mut d = vec![0xF3, 0x89, 0x9A, 0xC2];
            d.extend_from_slice(&bytes);
            d.extend_from_slice(&md5::Md5::digest(&bytes));
            d
        } else {
            bytes
        };
        let out = deaggregate_with_key("k", &data);
        if decode(&data).is_err() {
            prop_assert_eq!(out.len(), 1);
            prop_assert_eq!(&out[0].data, &data);
        }
    }
}

fn stream_contents(
    s: &kinesis_playground::engine::action_log::Session,
) -> Vec<(u32, u64, String, Vec<u8>)> {
    let st = s.world().kinesis.stream("w").unwrap();
    st.shards()
        .iter()
        .flat_map(|sh| {
            sh.records().iter().map(move |r| {
                (
                    sh.index(),
                    r.arrival_ms,
                    r.partition_key.to_string(),
                    r.data.to_vec(),
                )
            })
        })
        .collect()
}

fn producer_request(workload: usize, mode: usize, keys: usize, rate: u32) -> Value {
    let workload = [
        "CLICKSTREAM",
        "APPLICATION_LOGS",
        "METRICS",
        "IOT_TELEMETRY",
    ][workload];
    let keys = [
        json!({"Type": "UNIFORM", "KeyCount": 30}),
        json!({"Type": "ZIPF", "KeyCount": 30, "ZipfExponent": 1.5}),
        json!({"Type": "HOT_KEY", "KeyCount": 30, "HotKeyShare": 0.9}),
        json!({"Type": "EVEN_HASH_KEYS", "KeyCount": 3}),
    ][keys]
        .clone();
    let mut req = json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": rate, "Workload": workload,
                         "KeyDistribution": keys, "EventTimeDisorder": {"LateFraction": 0.3, "MaxLatenessMs": 2000},
                         "RecordSize": {"Type": "RANGE", "MinBytes": 100, "MaxBytes": 2000}});
    req["Mode"] = json!(["DIRECT", "SDK", "KPL", "AGENT"][mode]);
    req
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn workloads_are_a_pure_function_of_the_seed(
        seed in any::<u64>(), workload in 0usize..4, mode in 0usize..4, keys in 0usize..4, rate in 1u32..3000,
    ) {
        let run = || {
            let mut s = session_with_stream(seed, "w", 2);
            ok(&mut s, "playground", "StartProducer", producer_request(workload, mode, keys, rate));
            advance_by(&mut s, 3_000);
            let listing = ok(&mut s, "playground", "ListProducers", json!({}));
            (stream_contents(&s), world_digest(s.world()), listing)
        };
        let (a, b) = (run(), run());
        prop_assert_eq!(&a.0, &b.0);
        prop_assert_eq!(&a.1, &b.1);
        prop_assert_eq!(&a.2, &b.2);
    }

    #[test]
    fn the_agent_checkpoint_never_skips_a_line(
        seed in any::<u64>(), rate in 100u32..3000, age in 1_000u64..5_000, records in 1u32..=500, steps in 3usize..12,
    ) {
        let mut s = session_with_stream(seed, "w", 1);
        ok(&mut s, "playground", "StartProducer", json!({
            "ProducerName": "p", "StreamName": "w", "RecordsPerSecond": rate, "Workload": "APPLICATION_LOGS",
            "Mode": "AGENT", "Agent": {"MaxBufferAgeMillis": age, "MaxBufferSizeRecords": records}}));
        for _ in 0..steps {
            advance_by(&mut s, 700);
            let p = ok(&mut s, "playground", "ListProducers", json!({}))["Producers"][0].clone();
            let line = p["CheckpointLine"].as_u64().unwrap();
            let seqs: BTreeSet<u64> = stream_contents(&s)
                .iter()
                .map(|r| serde_json::from_slice::<Value>(&r.3[..r.3.len() - 1]).unwrap()["seq"].as_u64().unwrap())
                .collect();
            prop_assert!((0..line).all(|l| seqs.contains(&l)), "a line before the checkpoint {} is missing", line);
            prop_assert!(line <= p["LinesRead"].as_u64().unwrap());
        }
    }
}
