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

const MY_MEMBERS: &[&str] = &[
    "ProducerName",
    "StreamName",
    "RecordsPerSecond",
    "KeyDistribution",
    "Workload",
    "RecordSize",
    "EventTimeDisorder",
    "RateShape",
    "Mode",
    "Sdk",
    "Kpl",
    "Agent",
    "Type",
    "KeyCount",
    "ZipfExponent",
    "Bytes",
    "MinBytes",
    "MaxBytes",
    "LateFraction",
    "MaxLatenessMs",
    "PeriodMs",
    "BurstMs",
    "BurstFactor",
    "Api",
    "BatchSize",
    "MaxRetries",
    "AggregationMaxSize",
    "RecordTtl",
    "RateLimit",
    "MaxBufferAgeMillis",
    "Data",
    "PartitionKey",
    "EventSourceArn",
    "FunctionName",
    "StartingPosition",
    "UUID",
    "Enabled",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "FunctionResponseTypes",
    "FunctionBehavior",
    "DestinationConfig",
    "ParallelizationFactor",
    "MaximumRecordAgeInSeconds",
    "MaxItems",
];

fn fuzz_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..100_000).prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0f64..5.0).prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "SDK",
            "KPL",
            "AGENT",
            "DIRECT",
            "PutRecords",
            "ZIPF",
            "EVEN_HASH_KEYS",
            "BURSTS",
            "DAILY",
            "RANGE",
            "FIXED",
            "APPLICATION_LOGS",
            "IOT_TELEMETRY",
            "TRIM_HORIZON",
            "LATEST",
            "ReportBatchItemFailures",
            "w",
            "arn:aws:kinesis:us-east-1:123456789012:stream/w",
            "8ImawsI=",
            "",
        ])
        .prop_map(|s| json!(s)),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(MY_MEMBERS), inner, 0..6).prop_map(
                |m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

const MY_ACTIONS: &[&str] = &[
    "StartProducer",
    "StopProducer",
    "ListProducers",
    "DeaggregateRecord",
    "CreateEventSourceMapping",
    "UpdateEventSourceMapping",
    "DeleteEventSourceMapping",
    "ListEventSourceMappings",
    "ListInvocations",
    "GetOnFailureRecords",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_producer_or_lambda_request_panics(
        calls in prop::collection::vec(
            (prop::sample::select(MY_ACTIONS), prop::collection::btree_map(prop::sample::select(MY_MEMBERS), fuzz_value(), 0..8), 0u64..3_000),
            1..10),
    ) {
        let mut s = session_with_stream(7, "w", 2);
        let mut uuids: Vec<String> = Vec::new();
        for (action, members, dt) in calls {
            let mut req = Value::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            // Point some requests at things that exist, so the deeper paths run.
            if action == "StartProducer" {
                req["ProducerName"] = json!("p");
                req["StreamName"] = json!("w");
            }
            if action == "CreateEventSourceMapping" {
                req["EventSourceArn"] = json!("arn:aws:kinesis:us-east-1:123456789012:stream/w");
                req["FunctionName"] = json!("f");
                req["StartingPosition"] = json!("TRIM_HORIZON");
            }
            if let (Some(u), true) = (uuids.last(), action.ends_with("EventSourceMapping") || action.starts_with("List") || action.starts_with("Get")) {
                if req.get("UUID").is_some() {
                    req["UUID"] = json!(u);
                }
            }
            match s.call("playground", action, req) {
                Ok(out) => {
                    if let Some(u) = out.get("UUID").and_then(Value::as_str) {
                        uuids.push(u.to_string());
                    }
                }
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
            advance_by(&mut s, dt);
            for p in ok(&mut s, "playground", "ListProducers", json!({}))["Producers"].as_array().unwrap() {
                if let Some(generated) = p["RecordsGenerated"].as_u64() {
                    let done = p["RecordsSent"].as_u64().unwrap() + p["RecordsFailed"].as_u64().unwrap();
                    prop_assert!(done <= generated, "{}", p);
                }
            }
        }
    }
}
