//! Kafka core (semantics.md §6.1–§6.3, §6.5) through the dispatcher: murmur2 partition choice,
//! the sticky partitioner, CreateTopics validation, acks and min.insync.replicas under broker
//! failures, the acks=1 loss on leader failover, segment retention and compaction.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::rc::Rc;

use common::{advance_by, err, ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::kafka::produce::{self, Acks, BatchSequence, OutgoingRecord};
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::{json, Value};

fn create(s: &mut Session, name: &str, parts: u32, configs: Value) {
    ok(
        s,
        "kafka",
        "CreateTopics",
        json!({ "Topics": [{ "Name": name, "NumPartitions": parts, "Configs": configs }] }),
    );
}

fn produce_one(s: &mut Session, topic: &str, key: Option<&str>, value: &str, acks: &str) -> Value {
    let r = ok(
        s,
        "kafka",
        "Produce",
        json!({ "Topic": topic, "Acks": acks, "Records": [{ "Key": key, "Value": value }] }),
    );
    r["Results"][0].clone()
}

fn partition_info(s: &mut Session, topic: &str, p: usize) -> Value {
    let d = ok(
        s,
        "kafka",
        "DescribeTopics",
        json!({ "TopicNames": [topic] }),
    );
    d["Topics"][0]["Partitions"][p].clone()
}

fn fetch_all(s: &mut Session, topic: &str, p: u32) -> Vec<(u64, Option<String>, Option<String>)> {
    let start = partition_info(s, topic, p as usize)["LogStartOffset"]
        .as_u64()
        .unwrap();
    let f = ok(
        s,
        "kafka",
        "Fetch",
        json!({ "Topic": topic, "Partition": p, "Offset": start, "MaxRecords": 10000 }),
    );
    f["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["Offset"].as_u64().unwrap(),
                r["Key"].as_str().map(str::to_string),
                r["Value"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn murmur2_partition_choice_for_the_java_test_vector_keys() {
    // toPositive(murmur2(k)) from the §6.2 vectors: "21" 1173551340, "foobar" 1357151166,
    // "abc" 479470107, "a-little-bit-long-string" 1161502112, "…-longer-string" 661178819.
    let mut s = session(1);
    create(&mut s, "t3", 3, json!({}));
    create(&mut s, "t6", 6, json!({}));
    let cases = [
        ("21", 0, 0),
        ("foobar", 0, 0),
        ("abc", 0, 3),
        ("a-little-bit-long-string", 2, 2),
        ("a-little-bit-longer-string", 2, 5),
    ];
    for (key, p3, p6) in cases {
        assert_eq!(
            produce_one(&mut s, "t3", Some(key), "v", "all")["Partition"],
            p3,
            "{key} on 3"
        );
        assert_eq!(
            produce_one(&mut s, "t6", Some(key), "v", "all")["Partition"],
            p6,
            "{key} on 6"
        );
    }
    // An explicit partition wins over the key; a partition that does not exist is a per-record error.
    let r = ok(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "t6", "Records": [{ "Key": "abc", "Value": "x", "Partition": 1 },
                                            { "Key": "abc", "Value": "y", "Partition": 9 }] }),
    );
    assert_eq!(r["Results"][0]["Partition"], 1);
    assert_eq!(r["Results"][1]["Error"], "UnknownTopicOrPartitionException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sticky_partitioner_switches_after_batch_size_bytes() {
    let mut s = session(2);
    create(&mut s, "st", 6, json!({}));
    // 930-byte values + 70 bytes overhead = 1,000 bytes a record: 16 records stay on one partition
    // (16,000 < 16,384), the 17th still goes there (the switch happens once ≥ batch.size was sent),
    // the 18th switches.
    let value = "v".repeat(930);
    let records: Vec<Value> = (0..40).map(|_| json!({ "Value": value })).collect();
    let r = ok(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "st", "Records": records }),
    );
    let parts: Vec<u64> = r["Results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Partition"].as_u64().unwrap())
        .collect();
    assert!(parts[..17].iter().all(|p| *p == parts[0]), "{parts:?}");
    assert_ne!(
        parts[17], parts[0],
        "switches after batch.size bytes: {parts:?}"
    );
    assert!(parts[17..34].iter().all(|p| *p == parts[17]), "{parts:?}");
    assert_ne!(parts[34], parts[17], "{parts:?}");
    // A different client has its own sticky partition state.
    let r2 = ok(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "st", "ClientId": "other", "Records": [{ "Value": "a" }, { "Value": "b" }] }),
    );
    assert_eq!(r2["Results"][0]["Partition"], r2["Results"][1]["Partition"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn create_topics_validates_everything_first() {
    let mut s = session(3);
    create(&mut s, "ok", 1, json!({}));
    let cases = [
        (json!([{ "Name": "bad name" }]), "InvalidTopicException"),
        (json!([{ "Name": ".." }]), "InvalidTopicException"),
        (
            json!([{ "Name": "x".repeat(250) }]),
            "InvalidTopicException",
        ),
        (json!([{ "Name": "ok" }]), "TopicExistsException"),
        (
            json!([{ "Name": "a", "NumPartitions": 0 }]),
            "InvalidPartitionsException",
        ),
        (
            json!([{ "Name": "a", "ReplicationFactor": 4 }]),
            "InvalidReplicationFactorException",
        ),
        (
            json!([{ "Name": "a", "ReplicationFactor": 0 }]),
            "InvalidReplicationFactorException",
        ),
        (
            json!([{ "Name": "a", "Configs": { "retention.ms": "soon" } }]),
            "InvalidConfigurationException",
        ),
        (
            json!([{ "Name": "a", "Configs": { "no.such.config": "1" } }]),
            "InvalidConfigurationException",
        ),
        (
            json!([{ "Name": "a", "Configs": { "cleanup.policy": "shred" } }]),
            "InvalidConfigurationException",
        ),
        (
            json!([{ "Name": "my.topic" }, { "Name": "my_topic" }]),
            "InvalidTopicException",
        ),
        // The first is valid, the second not: neither is created.
        (
            json!([{ "Name": "fine" }, { "Name": "ok" }]),
            "TopicExistsException",
        ),
    ];
    for (topics, kind) in cases {
        let e = err(&mut s, "kafka", "CreateTopics", json!({ "Topics": topics }));
        assert_eq!(e.kind.as_str(), kind, "{topics}: {e}");
    }
    let l = ok(&mut s, "kafka", "ListTopics", json!({}));
    assert_eq!(l["Topics"], json!(["ok"]));
    // Defaults: 1 partition, RF 3, min.insync.replicas 2.
    let d = ok(
        &mut s,
        "kafka",
        "DescribeTopics",
        json!({ "TopicNames": ["ok"] }),
    );
    assert_eq!(
        d["Topics"][0]["Partitions"][0]["Replicas"],
        json!([1, 2, 3])
    );
    assert_eq!(d["Topics"][0]["Configs"]["min.insync.replicas"], "2");
    let e = err(
        &mut s,
        "kafka",
        "CreatePartitions",
        json!({ "Topic": "ok", "TotalCount": 1 }),
    );
    assert_eq!(e.kind.as_str(), "InvalidPartitionsException");
    ok(
        &mut s,
        "kafka",
        "CreatePartitions",
        json!({ "Topic": "ok", "TotalCount": 4 }),
    );
    assert_eq!(
        partition_info(&mut s, "ok", 3)["Replicas"],
        json!([1, 2, 3])
    );
    assert_eq!(
        partition_info(&mut s, "ok", 1)["Replicas"],
        json!([2, 3, 1])
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn acks_all_with_min_insync_two_survives_one_failure_not_two() {
    let mut s = session(4);
    create(&mut s, "orders", 1, json!({ "min.insync.replicas": "2" }));
    assert_eq!(
        produce_one(&mut s, "orders", Some("k"), "a", "all")["Offset"],
        0
    );
    ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 1 }));
    let p = partition_info(&mut s, "orders", 0);
    assert_eq!(p["Leader"], 2, "the next ISR member in replica order leads");
    assert_eq!(p["Isr"], json!([2, 3]));
    assert_eq!(p["LeaderEpoch"], 1);
    assert_eq!(
        produce_one(&mut s, "orders", Some("k"), "b", "all")["Offset"],
        1
    );
    ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 3 }));
    let r = produce_one(&mut s, "orders", Some("k"), "c", "all");
    assert_eq!(r["Error"], "NotEnoughReplicasException", "{r}");
    assert!(r["Message"]
        .as_str()
        .unwrap()
        .contains("min.insync.replicas 2"));
    // acks=1 does not check min.insync.replicas.
    assert_eq!(
        produce_one(&mut s, "orders", Some("k"), "d", "1")["Offset"],
        2
    );
    let e = err(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 3 }));
    assert_eq!(e.kind.as_str(), "BrokerNotAvailableException");
    // Broker 3 comes back, truncates to the HW, catches up and rejoins the ISR.
    ok(&mut s, "kafka", "RecoverBroker", json!({ "BrokerId": 3 }));
    assert_eq!(partition_info(&mut s, "orders", 0)["Isr"], json!([2]));
    advance_by(&mut s, 100);
    let p = partition_info(&mut s, "orders", 0);
    assert_eq!(p["Isr"], json!([2, 3]));
    assert_eq!(p["HighWatermark"], 3);
    assert_eq!(p["Leader"], 2, "no automatic preferred-leader election");
    assert_eq!(
        produce_one(&mut s, "orders", Some("k"), "e", "all")["Offset"],
        3
    );
    assert_eq!(
        s.world().pending_events(),
        0,
        "nothing lags: nothing scheduled"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn acks_one_writes_are_lost_when_the_leader_fails_before_replication() {
    let mut s = session(5);
    create(&mut s, "pay", 1, json!({}));
    for i in 0..5 {
        produce_one(&mut s, "pay", Some("k"), &format!("safe-{i}"), "all");
    }
    for i in 0..3 {
        let r = produce_one(&mut s, "pay", Some("k"), &format!("risky-{i}"), "1");
        assert_eq!(r["Offset"], 5 + i, "acked by the leader alone");
    }
    let p = partition_info(&mut s, "pay", 0);
    assert_eq!(
        (p["LogEndOffset"].as_u64(), p["HighWatermark"].as_u64()),
        (Some(8), Some(5))
    );
    assert_eq!(
        fetch_all(&mut s, "pay", 0).len(),
        5,
        "consumers see only below the HW"
    );
    // The leader dies within the 100 ms before followers fetch.
    advance_by(&mut s, 50);
    ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 1 }));
    let p = partition_info(&mut s, "pay", 0);
    assert_eq!(p["Leader"], 2);
    assert_eq!(
        p["LogEndOffset"], 5,
        "records above the new leader's LEO are truncated"
    );
    assert_eq!(p["HighWatermark"], 5);
    let r = produce_one(&mut s, "pay", Some("k"), "after", "all");
    assert_eq!(r["Offset"], 5, "offset 5 is reused by a different record");
    let all = fetch_all(&mut s, "pay", 0);
    assert_eq!(all.len(), 6);
    assert_eq!(all[5].2.as_deref(), Some("after"));
    assert!(all
        .iter()
        .all(|r| !r.2.as_deref().unwrap().starts_with("risky")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn followers_catch_up_at_the_replication_event() {
    let mut s = session(6);
    create(&mut s, "r", 1, json!({}));
    produce_one(&mut s, "r", None, "a", "1");
    assert_eq!(partition_info(&mut s, "r", 0)["HighWatermark"], 0);
    assert_eq!(s.world().pending_events(), 1);
    advance_by(&mut s, 100);
    let p = partition_info(&mut s, "r", 0);
    assert_eq!(p["HighWatermark"], 1);
    assert_eq!(
        s.world().pending_events(),
        0,
        "no lag, no replication event"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn offline_partition_until_an_isr_member_returns() {
    let mut s = session(7);
    ok(
        &mut s,
        "kafka",
        "CreateTopics",
        json!({ "Topics": [{ "Name": "o", "ReplicationFactor": 2, "Configs": { "min.insync.replicas": "1" } }] }),
    );
    produce_one(&mut s, "o", None, "a", "all");
    ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 1 }));
    ok(&mut s, "kafka", "FailBroker", json!({ "BrokerId": 2 }));
    let p = partition_info(&mut s, "o", 0);
    assert_eq!(p["Leader"], Value::Null);
    assert_eq!(p["Isr"], json!([2]), "Kafka keeps the last ISR member");
    let r = produce_one(&mut s, "o", None, "b", "all");
    assert_eq!(r["Error"], "LeaderNotAvailableException");
    ok(&mut s, "kafka", "RecoverBroker", json!({ "BrokerId": 1 }));
    assert_eq!(
        partition_info(&mut s, "o", 0)["Leader"],
        Value::Null,
        "1 is not in the ISR"
    );
    ok(&mut s, "kafka", "RecoverBroker", json!({ "BrokerId": 2 }));
    let p = partition_info(&mut s, "o", 0);
    assert_eq!(p["Leader"], 2);
    assert_eq!(fetch_all(&mut s, "o", 0).len(), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retention_deletes_whole_segments_and_keeps_the_active_one() {
    // 30-byte values + 70 bytes overhead = 100 bytes a record; segment.bytes 500 → 5 per segment.
    let mut s = session(8);
    create(
        &mut s,
        "logs",
        1,
        json!({ "segment.bytes": "500", "retention.ms": "10000" }),
    );
    for i in 0..12 {
        produce_one(&mut s, "logs", None, &format!("{i:030}"), "all");
    }
    let p = partition_info(&mut s, "logs", 0);
    assert_eq!(
        (p["Segments"].as_u64(), p["SizeBytes"].as_u64()),
        (Some(3), Some(1200))
    );
    advance_by(&mut s, 9_999);
    assert_eq!(partition_info(&mut s, "logs", 0)["LogStartOffset"], 0);
    advance_by(&mut s, 1);
    let p = partition_info(&mut s, "logs", 0);
    assert_eq!(p["LogStartOffset"], 10, "two whole segments deleted");
    assert_eq!(p["Segments"], 1);
    let left: Vec<u64> = fetch_all(&mut s, "logs", 0).iter().map(|r| r.0).collect();
    assert_eq!(
        left,
        vec![10, 11],
        "the active segment outlives retention.ms"
    );
    let e = err(
        &mut s,
        "kafka",
        "Fetch",
        json!({ "Topic": "logs", "Partition": 0, "Offset": 3 }),
    );
    assert_eq!(e.kind.as_str(), "OffsetOutOfRangeException");
    let lo = ok(
        &mut s,
        "kafka",
        "ListOffsets",
        json!({ "Topic": "logs", "Spec": "earliest" }),
    );
    assert_eq!(lo["Partitions"][0]["Offset"], 10);

    // retention.bytes 600: delete while size − oldest segment ≥ 600 (1,200 → 700, then stop).
    create(
        &mut s,
        "sized",
        1,
        json!({ "segment.bytes": "500", "retention.bytes": "600" }),
    );
    for i in 0..12 {
        produce_one(&mut s, "sized", None, &format!("{i:030}"), "all");
    }
    advance_by(&mut s, 1_000);
    let p = partition_info(&mut s, "sized", 0);
    assert_eq!(
        (p["LogStartOffset"].as_u64(), p["SizeBytes"].as_u64()),
        (Some(5), Some(700))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn compaction_keeps_the_latest_value_per_key_and_offsets() {
    let mut s = session(9);
    create(
        &mut s,
        "users",
        1,
        json!({ "cleanup.policy": "compact", "segment.bytes": "400", "delete.retention.ms": "5000" }),
    );
    let writes = [
        ("a", Some("a1")),
        ("b", Some("b1")),
        ("a", Some("a2")),
        ("c", Some("c1")),
        ("b", None),
        ("a", Some("a3")),
        ("c", Some("c2")),
        ("d", Some("d1")),
    ];
    for (k, v) in writes {
        let r = ok(
            &mut s,
            "kafka",
            "Produce",
            json!({ "Topic": "users", "Records": [{ "Key": k, "Value": v }] }),
        );
        assert!(r["Results"][0]["Offset"].is_u64(), "{r}");
    }
    let before = fetch_all(&mut s, "users", 0);
    assert_eq!(before.len(), 8, "nothing cleaned before the cleaner runs");
    advance_by(&mut s, 1_000);
    let after = fetch_all(&mut s, "users", 0);
    let p = partition_info(&mut s, "users", 0);
    let active = 8 - 8 % 5; // 73-byte records, 5 per 400-byte segment: active starts at 5
    assert_eq!(active, 5);
    let got: Vec<(u64, Option<&str>, Option<&str>)> = after
        .iter()
        .map(|r| (r.0, r.1.as_deref(), r.2.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, Some("a"), Some("a2")),
            (3, Some("c"), Some("c1")),
            (4, Some("b"), None),
            (5, Some("a"), Some("a3")),
            (6, Some("c"), Some("c2")),
            (7, Some("d"), Some("d1"))
        ],
        "below the active segment only the latest per key; offsets unchanged; active untouched"
    );
    assert_eq!(p["LogEndOffset"], 8);
    advance_by(&mut s, 5_000);
    let later: Vec<u64> = fetch_all(&mut s, "users", 0).iter().map(|r| r.0).collect();
    assert_eq!(
        later,
        vec![2, 3, 5, 6, 7],
        "the tombstone goes after delete.retention.ms"
    );
    let r = ok(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "users", "Records": [{ "Value": "x" }] }),
    );
    assert_eq!(r["Results"][0]["Error"], "InvalidRecordException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn record_too_large_and_config_changes() {
    let mut s = session(10);
    create(&mut s, "big", 1, json!({ "max.message.bytes": "200" }));
    let r = produce_one(&mut s, "big", None, &"x".repeat(200), "all");
    assert_eq!(r["Error"], "RecordTooLargeException");
    ok(
        &mut s,
        "kafka",
        "IncrementalAlterConfigs",
        json!({ "Topic": "big", "Configs": { "max.message.bytes": "1000" } }),
    );
    assert_eq!(
        produce_one(&mut s, "big", None, &"x".repeat(200), "all")["Offset"],
        0
    );
    let c = ok(
        &mut s,
        "kafka",
        "DescribeConfigs",
        json!({ "Topic": "big" }),
    );
    let entry = c["Configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Name"] == "max.message.bytes")
        .unwrap()
        .clone();
    assert_eq!(
        entry,
        json!({ "Name": "max.message.bytes", "Value": "1000", "Source": "TOPIC_CONFIG" })
    );
    let e = err(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "big", "Acks": "1", "EnableIdempotence": true, "Records": [{ "Value": "v" }] }),
    );
    assert_eq!(e.kind.as_str(), "InvalidConfigurationException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn broker_discards_duplicate_sequences_and_rejects_gaps() {
    let mut w = World::new(WorldConfig::seeded(11));
    kinesis_playground::engine::kafka::actions::dispatch(
        &mut w,
        "CreateTopics",
        &json!({ "Topics": [{ "Name": "idem" }] }),
    )
    .unwrap();
    let rec = |v: &str| OutgoingRecord {
        key: None,
        value: Some(Rc::from(v.as_bytes())),
        timestamp_ms: 0,
        headers: Vec::new(),
    };
    let (pid, epoch) = produce::init_producer_id(&mut w, "c");
    let seq = |first_seq| {
        Some(BatchSequence {
            producer_id: pid,
            epoch,
            first_seq,
        })
    };
    let a =
        produce::append_batch(&mut w, "idem", 0, &[rec("a"), rec("b")], Acks::All, seq(0)).unwrap();
    assert_eq!((a.base_offset, a.duplicate), (0, false));
    let dup =
        produce::append_batch(&mut w, "idem", 0, &[rec("a"), rec("b")], Acks::All, seq(0)).unwrap();
    assert_eq!(
        (dup.base_offset, dup.duplicate),
        (0, true),
        "the retry answers the original offsets"
    );
    let gap = produce::append_batch(&mut w, "idem", 0, &[rec("d")], Acks::All, seq(3)).unwrap_err();
    assert_eq!(gap.kind.as_str(), "OutOfOrderSequenceException");
    let next = produce::append_batch(&mut w, "idem", 0, &[rec("c")], Acks::All, seq(2)).unwrap();
    assert_eq!(next.base_offset, 2);
    assert_eq!(w.kafka.topics["idem"].partitions[0].log_end_offset(), 3);
}
