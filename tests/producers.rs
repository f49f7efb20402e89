//! Simulated producers: workloads, rate shapes, key distributions, record sizes, event-time
//! disorder, the SDK client's retries (§1.5) and the Kinesis Agent's checkpoint (§2.7).
#![allow(clippy::needless_range_loop)]

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::apps::kpl;
use kinesis_playground::engine::digest::world_digest;
use serde_json::{json, Value};

/// Every record of `stream` as (shard index, arrival ms, partition key, data), in shard order.
fn records(s: &Session, stream: &str) -> Vec<(u32, u64, String, Vec<u8>)> {
    let st = s.world().kinesis.stream(stream).expect("stream exists");
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

fn start(s: &mut Session, request: Value) {
    ok(s, "playground", "StartProducer", request);
}

fn producer(s: &mut Session, name: &str) -> Value {
    let list = ok(s, "playground", "ListProducers", json!({}));
    list["Producers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ProducerName"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("producer {name} listed"))
}

fn json_of(data: &[u8]) -> Value {
    serde_json::from_slice(data)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(data)))
}

fn run_workload(seed: u64, workload: &str) -> Session {
    let mut s = session_with_stream(seed, "w", 2);
    start(
        &mut s,
        json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 50, "Workload": workload,
               "KeyDistribution": {"Type": "ZIPF", "KeyCount": 20, "ZipfExponent": 1.2},
               "RecordSize": {"Type": "RANGE", "MinBytes": 150, "MaxBytes": 400},
               "EventTimeDisorder": {"LateFraction": 0.2, "MaxLatenessMs": 3000},
               "RateShape": {"Type": "BURSTS", "PeriodMs": 2000, "BurstMs": 500, "BurstFactor": 4, "QuietFactor": 0.5}}),
    );
    advance_by(&mut s, 10_000);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn workloads_are_deterministic_per_seed() {
    for workload in [
        "CLICKSTREAM",
        "APPLICATION_LOGS",
        "METRICS",
        "IOT_TELEMETRY",
    ] {
        let a = run_workload(41, workload);
        let b = run_workload(41, workload);
        let c = run_workload(42, workload);
        assert_eq!(
            records(&a, "w"),
            records(&b, "w"),
            "{workload}: same seed, same records"
        );
        assert_eq!(world_digest(a.world()), world_digest(b.world()));
        assert_ne!(
            records(&a, "w"),
            records(&c, "w"),
            "{workload}: another seed, other records"
        );
        assert!(!records(&a, "w").is_empty());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn workload_payloads_are_realistic_json_lines() {
    let fields: [(&str, &str, &[&str]); 4] = [
        (
            "CLICKSTREAM",
            "user-",
            &["event_id", "user", "action", "page", "ts"],
        ),
        (
            "APPLICATION_LOGS",
            "host-",
            &[
                "ts",
                "seq",
                "level",
                "service",
                "host",
                "message",
                "latency_ms",
            ],
        ),
        (
            "METRICS",
            "host-",
            &["ts", "seq", "metric", "value", "unit", "dimensions"],
        ),
        (
            "IOT_TELEMETRY",
            "device-",
            &[
                "device_id",
                "event_time",
                "seq",
                "temperature_c",
                "humidity_pct",
                "battery_pct",
            ],
        ),
    ];
    for (workload, prefix, keys) in fields {
        let mut s = session_with_stream(3, "w", 1);
        start(
            &mut s,
            json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 20, "Workload": workload}),
        );
        advance_by(&mut s, 4_999);
        let recs = records(&s, "w");
        assert_eq!(recs.len(), 100, "{workload}");
        for (_, _, key, data) in &recs {
            assert!(key.starts_with(prefix), "{workload}: key {key}");
            let v = json_of(data);
            for k in keys {
                assert!(v.get(*k).is_some(), "{workload}: member {k} in {v}");
            }
        }
        if workload == "APPLICATION_LOGS" {
            let levels: BTreeSet<String> = recs
                .iter()
                .map(|r| json_of(&r.3)["level"].as_str().unwrap().to_string())
                .collect();
            assert!(
                levels.contains("INFO") && levels.contains("WARN"),
                "{levels:?}"
            );
        }
        let p = producer(&mut s, "p");
        if workload != "CLICKSTREAM" {
            // (a CLICKSTREAM producer with no other new member is an original one, listed as such)
            assert_eq!(p["Workload"], workload);
            assert_eq!(p["Mode"], "DIRECT");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn original_producers_keep_their_listing_shape() {
    let mut s = session_with_stream(1, "w", 1);
    start(
        &mut s,
        json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 4,
                          "KeyDistribution": {"Type": "HOT_KEY", "KeyCount": 10, "HotKeyShare": 0.5}}),
    );
    advance_by(&mut s, 1_000);
    let p = producer(&mut s, "p");
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ProducerName",
            "StreamName",
            "Running",
            "RecordsPerSecond",
            "KeyDistribution",
            "RecordsSent",
            "RecordsFailed",
            "LastError"
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn zipf_keys_fall_off_with_rank_and_even_hash_keys_fill_every_shard() {
    let mut s = session_with_stream(5, "w", 4);
    start(
        &mut s,
        json!({"ProducerName": "z", "StreamName": "w", "RecordsPerSecond": 400,
                          "KeyDistribution": {"Type": "ZIPF", "KeyCount": 50, "ZipfExponent": 1.0}}),
    );
    advance_by(&mut s, 10_000);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, k, _) in records(&s, "w") {
        *counts.entry(k).or_default() += 1;
    }
    let n = |k: &str| counts.get(k).copied().unwrap_or(0) as f64;
    // Zipf s=1 over 50 keys: P(rank 1) = 1/H_50 ≈ 0.222, P(rank 2) ≈ 0.111.
    let total: f64 = counts.values().sum::<usize>() as f64;
    assert!(
        (n("user-0") / total - 0.222).abs() < 0.03,
        "rank 1 share {}",
        n("user-0") / total
    );
    assert!(n("user-0") > n("user-1") && n("user-1") > n("user-9") && n("user-9") > 0.0);

    let mut s = session_with_stream(5, "e", 4);
    start(
        &mut s,
        json!({"ProducerName": "e", "StreamName": "e", "RecordsPerSecond": 100,
                          "KeyDistribution": {"Type": "EVEN_HASH_KEYS", "KeyCount": 4}}),
    );
    advance_by(&mut s, 3_999);
    let mut per_shard = [0usize; 4];
    for (shard, _, _, _) in records(&s, "e") {
        per_shard[shard as usize] += 1;
    }
    assert_eq!(per_shard, [100, 100, 100, 100]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rate_shapes_follow_virtual_time() {
    let mut s = session_with_stream(6, "w", 1);
    let t0 = s.world().now();
    start(
        &mut s,
        json!({"ProducerName": "b", "StreamName": "w", "RecordsPerSecond": 100,
                          "RateShape": {"Type": "BURSTS", "PeriodMs": 5000, "BurstMs": 1000, "BurstFactor": 5, "QuietFactor": 0}}),
    );
    advance_by(&mut s, 9_999);
    let arrivals: Vec<u64> = records(&s, "w").iter().map(|r| r.1 - t0).collect();
    assert_eq!(arrivals.len(), 1_000, "2 bursts × 1 s × 500/s");
    assert!(
        arrivals.iter().all(|t| t % 5_000 < 1_000),
        "every record inside a burst window"
    );

    let mut s = session_with_stream(6, "d", 1);
    start(
        &mut s,
        json!({"ProducerName": "d", "StreamName": "d", "RecordsPerSecond": 100,
                          "RateShape": {"Type": "DAILY", "DayLengthMs": 24000}}),
    );
    advance_by(&mut s, 24_000);
    let t0 = 2_000; // the stream became ACTIVE at 2 s: "hours" 2..25 of the compressed day
    let per_hour = |h: u64| {
        records(&s, "d")
            .iter()
            .filter(|r| r.1 >= h * 1000 && r.1 < (h + 1) * 1000)
            .count()
    };
    assert!(
        per_hour(12) > 3 * per_hour(4),
        "noon {} vs 04:00 {}",
        per_hour(12),
        per_hour(4)
    );
    assert_eq!(records(&s, "d").iter().filter(|r| r.1 < t0).count(), 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn record_sizes_and_event_time_disorder() {
    let mut s = session_with_stream(8, "w", 1);
    start(
        &mut s,
        json!({"ProducerName": "f", "StreamName": "w", "RecordsPerSecond": 50, "Workload": "METRICS",
                          "RecordSize": {"Type": "FIXED", "Bytes": 1000}}),
    );
    advance_by(&mut s, 2_000);
    let recs = records(&s, "w");
    assert!(recs.iter().all(|r| r.3.len() == 1000));
    assert!(
        recs.iter().all(|r| json_of(&r.3)["pad"].is_string()),
        "padding keeps the JSON valid"
    );

    let mut s = session_with_stream(8, "l", 1);
    let epoch = s.world().epoch();
    start(
        &mut s,
        json!({"ProducerName": "l", "StreamName": "l", "RecordsPerSecond": 200, "Workload": "IOT_TELEMETRY",
                          "EventTimeDisorder": {"LateFraction": 0.25, "MaxLatenessMs": 60000}}),
    );
    advance_by(&mut s, 10_000);
    let recs = records(&s, "l");
    let mut late = 0;
    for (_, arrival, _, data) in &recs {
        let ts = json_of(data)["event_time"].as_str().unwrap().to_string();
        let arrival_iso =
            kinesis_playground::engine::time::format_iso8601(epoch.to_unix_ms(*arrival));
        assert!(ts <= arrival_iso, "event time never after arrival");
        if ts < arrival_iso {
            late += 1;
        }
    }
    let share = late as f64 / recs.len() as f64;
    assert!((share - 0.25).abs() < 0.04, "late share {share}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sdk_retries_recover_from_throttling_and_count_retries() {
    // 1 shard (1,000 records/s, one second of burst) under 3,000 records/s for 1 s out of every 4.
    let load = json!({"Type": "BURSTS", "PeriodMs": 4000, "BurstMs": 1000, "BurstFactor": 3, "QuietFactor": 0.1});
    let mut direct = session_with_stream(9, "w", 1);
    start(
        &mut direct,
        json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 1000, "RateShape": load}),
    );
    let mut sdk = session_with_stream(9, "w", 1);
    start(
        &mut sdk,
        json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 1000, "RateShape": load,
                            "Mode": "SDK", "Sdk": {"Api": "PutRecord", "MaxRetries": 10, "BaseBackoffMs": 200}}),
    );
    for s in [&mut direct, &mut sdk] {
        advance_by(s, 8_000);
        ok(
            s,
            "playground",
            "StopProducer",
            json!({"ProducerName": "p"}),
        );
    }
    // Stopped: no retry runs any more, counters are final.
    let (d, k) = (producer(&mut direct, "p"), producer(&mut sdk, "p"));
    assert!(
        d["RecordsFailed"].as_u64().unwrap() > 500,
        "direct writes lose the excess: {d}"
    );
    let generated = k["RecordsGenerated"].as_u64().unwrap();
    assert!(
        k["Throttles"].as_u64().unwrap() > 0 && k["Retries"].as_u64().unwrap() > 0,
        "{k}"
    );
    assert!(
        k["RecordsSent"].as_u64().unwrap() > d["RecordsSent"].as_u64().unwrap() + 400,
        "retries recover: {k} vs {d}"
    );
    assert_eq!(k["GivenUp"], 0, "{k}");
    let in_flight = k["AwaitingRetry"].as_u64().unwrap();
    assert_eq!(
        k["RecordsSent"].as_u64().unwrap() + k["RecordsFailed"].as_u64().unwrap() + in_flight,
        generated
    );
    assert_eq!(
        records(&sdk, "w").len() as u64,
        k["RecordsSent"].as_u64().unwrap()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sdk_gives_up_after_max_retries_and_put_records_resends_only_failed_entries() {
    // MaxRetries 0: every throttled record is given up at once.
    let mut s = session_with_stream(10, "w", 1);
    start(
        &mut s,
        json!({"ProducerName": "p", "StreamName": "w", "RecordsPerSecond": 3000, "Mode": "SDK",
                          "Sdk": {"MaxRetries": 0}}),
    );
    advance_by(&mut s, 2_000);
    let p = producer(&mut s, "p");
    assert!(p["GivenUp"].as_u64().unwrap() > 0);
    assert_eq!(p["GivenUp"], p["Throttles"], "{p}");
    assert_eq!(p["Retries"], 0);

    // PutRecords batches of 500 at 1,500/s on one shard: each retry re-sends only what failed.
    let mut s = session_with_stream(10, "b", 1);
    start(
        &mut s,
        json!({"ProducerName": "p", "StreamName": "b", "RecordsPerSecond": 1500, "Mode": "SDK",
                          "Sdk": {"Api": "PutRecords", "BatchSize": 500, "MaxRetries": 20, "MaxBackoffMs": 2000}}),
    );
    advance_by(&mut s, 3_000);
    ok(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "p"}),
    );
    let p = producer(&mut s, "p");
    let (sent, throttles) = (
        p["RecordsSent"].as_u64().unwrap(),
        p["Throttles"].as_u64().unwrap(),
    );
    let requests = p["Requests"].as_u64().unwrap();
    assert!(throttles > 0 && p["Retries"].as_u64().unwrap() > 0, "{p}");
    // Requests = 9 full batches + retries; were whole batches re-sent, sent+throttles would be ≥ 500 per request.
    assert!(sent + throttles < 500 * requests, "{p}");
    let stored = records(&s, "b");
    assert_eq!(stored.len() as u64, sent);
    let distinct: BTreeSet<&Vec<u8>> = stored.iter().map(|r| &r.3).collect();
    assert_eq!(distinct.len(), stored.len(), "no record stored twice");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_agents_checkpoint_never_skips_a_line() {
    // One shard, 1,500 lines/s: batches of 500 are throttled and retried.
    let mut s = session_with_stream(11, "logs", 1);
    start(
        &mut s,
        json!({"ProducerName": "agent", "StreamName": "logs", "RecordsPerSecond": 1500,
                          "Workload": "APPLICATION_LOGS", "Mode": "AGENT",
                          "Agent": {"MaxBufferAgeMillis": 1000, "PartitionKeyOption": "DETERMINISTIC"}}),
    );
    let mut last = 0;
    for _ in 0..30 {
        advance_by(&mut s, 333);
        let p = producer(&mut s, "agent");
        let line = p["CheckpointLine"].as_u64().unwrap();
        assert!(line >= last, "the checkpoint never moves back");
        last = line;
        let stored = records(&s, "logs");
        let seqs: BTreeSet<u64> = stored
            .iter()
            .map(|r| json_of(&r.3[..r.3.len() - 1])["seq"].as_u64().unwrap())
            .collect();
        for l in 0..line {
            assert!(
                seqs.contains(&l),
                "line {l} is before the checkpoint {line} but not in the stream"
            );
        }
        let mut offset = 0u64;
        let mut by_seq: BTreeMap<u64, usize> = BTreeMap::new();
        for r in &stored {
            assert_eq!(
                r.3.last(),
                Some(&b'\n'),
                "a record is a line with its newline"
            );
            by_seq.insert(
                json_of(&r.3[..r.3.len() - 1])["seq"].as_u64().unwrap(),
                r.3.len(),
            );
        }
        for l in 0..line {
            offset += by_seq[&l] as u64;
        }
        assert_eq!(
            p["CheckpointOffset"].as_u64().unwrap(),
            offset,
            "the offset is the bytes of the lines before it"
        );
    }
    let p = producer(&mut s, "agent");
    assert!(
        p["Throttles"].as_u64().unwrap() > 0 && p["Retries"].as_u64().unwrap() > 0,
        "{p}"
    );
    assert!(last > 5_000, "the agent keeps up overall: {p}");
    // DETERMINISTIC keys are the MD5 of the line.
    for (_, _, key, data) in records(&s, "logs").iter().take(5) {
        assert_eq!(key.len(), 32);
        assert!(data.len() > 50);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_agent_flushes_an_old_buffer_after_max_buffer_age() {
    let mut s = session_with_stream(12, "logs", 1);
    start(
        &mut s,
        json!({"ProducerName": "a", "StreamName": "logs", "RecordsPerSecond": 2, "Mode": "AGENT",
                          "Workload": "APPLICATION_LOGS", "Agent": {"MaxBufferAgeMillis": 5000}}),
    );
    advance_by(&mut s, 4_900);
    assert_eq!(records(&s, "logs").len(), 0, "the buffer waits for its age");
    advance_by(&mut s, 300);
    assert_eq!(
        records(&s, "logs").len(),
        10,
        "all ten lines went in one batch"
    );
    let p = producer(&mut s, "a");
    assert_eq!(p["Requests"], 1);
    assert_eq!(p["CheckpointLine"], 10);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deaggregate_record_action_returns_user_records() {
    let mut s = session(1);
    let entries = [
        kpl::aggregation::Entry {
            partition_key: "a",
            explicit_hash_key: None,
            data: b"one",
        },
        kpl::aggregation::Entry {
            partition_key: "b",
            explicit_hash_key: Some("42"),
            data: b"two",
        },
    ];
    let blob = kpl::aggregation::aggregate(&entries);
    let out = ok(
        &mut s,
        "playground",
        "DeaggregateRecord",
        json!({"Data": b64(&blob)}),
    );
    assert_eq!(out["Aggregated"], true);
    assert_eq!(out["Records"][1]["PartitionKey"], "b");
    assert_eq!(out["Records"][1]["ExplicitHashKey"], "42");
    assert_eq!(out["Records"][1]["Data"], b64(b"two"));
    assert_eq!(out["Records"][1]["SubSequenceNumber"], 1);
    let plain = ok(
        &mut s,
        "playground",
        "DeaggregateRecord",
        json!({"Data": b64(b"hello"), "PartitionKey": "k"}),
    );
    assert_eq!(
        plain,
        json!({"Aggregated": false, "Records": [
        {"PartitionKey": "k", "ExplicitHashKey": null, "Data": b64(b"hello"), "SubSequenceNumber": 0}]})
    );
    let e = err(
        &mut s,
        "playground",
        "DeaggregateRecord",
        json!({"Data": "!!"}),
    );
    assert_eq!(e.kind.as_str(), "SerializationException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn start_producer_validates_the_new_members() {
    let mut s = session_with_stream(13, "w", 1);
    let base = json!({"ProducerName": "p", "StreamName": "w"});
    let cases = [
        (json!({"Workload": "TWEETS"}), "ValidationException"),
        (json!({"Mode": "FAST"}), "ValidationException"),
        (json!({"Kpl": {}}), "InvalidArgumentException"),
        (
            json!({"Mode": "SDK", "Sdk": {"BatchSize": 501}}),
            "ValidationException",
        ),
        (
            json!({"Mode": "KPL", "Kpl": {"RecordMaxBufferedTime": 5}}),
            "ValidationException",
        ),
        (
            json!({"Mode": "AGENT", "Agent": {"MaxBufferAgeMillis": 10}}),
            "ValidationException",
        ),
        (
            json!({"RecordSize": {"Type": "RANGE", "MinBytes": 10, "MaxBytes": 5}}),
            "InvalidArgumentException",
        ),
        (
            json!({"KeyDistribution": {"Type": "ZIPF", "KeyCount": 1000000}}),
            "ValidationException",
        ),
        (
            json!({"RateShape": {"Type": "BURSTS", "PeriodMs": 1000, "BurstMs": 2000}}),
            "InvalidArgumentException",
        ),
        (
            json!({"EventTimeDisorder": {"LateFraction": 2}}),
            "ValidationException",
        ),
        (json!({"Sdk": "x", "Mode": "SDK"}), "SerializationException"),
    ];
    for (extra, kind) in cases {
        let mut req = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            req[k] = v.clone();
        }
        let e = err(&mut s, "playground", "StartProducer", req.clone());
        assert_eq!(e.kind.as_str(), kind, "{req}: {e}");
    }
}

/// Every new producer feature and a Lambda mapping with random errors, for 20 s of virtual time.
fn everything(seed: u64) -> Session {
    let mut s = session_with_stream(seed, "w", 2);
    start(
        &mut s,
        json!({"ProducerName": "sdk", "StreamName": "w", "RecordsPerSecond": 900, "Workload": "APPLICATION_LOGS",
        "KeyDistribution": {"Type": "ZIPF", "KeyCount": 40, "ZipfExponent": 1.3},
        "RateShape": {"Type": "BURSTS", "PeriodMs": 4000, "BurstMs": 1000, "BurstFactor": 3, "QuietFactor": 0.2},
        "RecordSize": {"Type": "RANGE", "MinBytes": 80, "MaxBytes": 3000},
        "EventTimeDisorder": {"LateFraction": 0.2, "MaxLatenessMs": 4000},
        "Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 50}}),
    );
    start(
        &mut s,
        json!({"ProducerName": "kpl", "StreamName": "w", "RecordsPerSecond": 700, "Workload": "IOT_TELEMETRY",
        "RateShape": {"Type": "DAILY", "DayLengthMs": 24000}, "Mode": "KPL"}),
    );
    start(
        &mut s,
        json!({"ProducerName": "agent", "StreamName": "w", "RecordsPerSecond": 300, "Workload": "METRICS",
        "KeyDistribution": {"Type": "EVEN_HASH_KEYS", "KeyCount": 8}, "Mode": "AGENT", "Agent": {"MaxBufferAgeMillis": 2000}}),
    );
    ok(
        &mut s,
        "playground",
        "CreateEventSourceMapping",
        json!({
        "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/w", "FunctionName": "f",
        "StartingPosition": "TRIM_HORIZON", "BatchSize": 50, "BisectBatchOnFunctionError": true, "MaximumRetryAttempts": 1,
        "ParallelizationFactor": 2, "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:q"}},
        "FunctionBehavior": {"DurationMs": 150, "FailOnDataContains": "LOW_BATTERY", "ErrorRate": 0.1}}),
    );
    advance_by(&mut s, 20_000);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn golden_digest_of_every_new_feature_natively_and_in_wasm() {
    // The same value natively and in the browser: schedules, Zipf weights (deterministic ln/exp),
    // jitter, KPL aggregates and Lambda's random errors are all bit-identical.
    let mut s = everything(2026);
    assert_eq!(
        world_digest(s.world()),
        world_digest(everything(2026).world())
    );
    let m = ok(&mut s, "playground", "ListEventSourceMappings", json!({}))["EventSourceMappings"]
        [0]
    .clone();
    let stat = |k: &str| m["Stats"][k].as_u64().unwrap();
    assert!(
        stat("FunctionErrors") > 0 && stat("BatchesDiscarded") > 0 && stat("Succeeded") > 0,
        "{m}"
    );
    let sdk = producer(&mut s, "sdk");
    assert!(
        sdk["Throttles"].as_u64().unwrap() > 0 && sdk["Retries"].as_u64().unwrap() > 0,
        "{sdk}"
    );
    assert_eq!(world_digest(s.world()), "51caeff0ce8b20781c9f7e85684c3f87");
}
