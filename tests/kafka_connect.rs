//! Kafka Connect (semantics.md §6.6) and the two-lenses mirror (§6.7) through the one dispatcher:
//! a Kinesis source connector moves every record into a topic keyed by its partition key and
//! replays what it had not flushed after a task is killed; an S3 sink writes every record once
//! under deterministic names even when a task dies; a table sink keeps the latest value per key;
//! a mirrored producer's records land in murmur2's partition and MD5's shard.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::collections::BTreeMap;

use base64::Engine as _;
use common::{advance_by, b64, create_active, err, ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::kafka::murmur2::partition_for_key;
use serde_json::{json, Value};

fn topic(s: &mut Session, name: &str, partitions: u32) {
    ok(
        s,
        "kafka",
        "CreateTopics",
        json!({ "Topics": [{ "Name": name, "NumPartitions": partitions }] }),
    );
}

fn fetch_all(s: &mut Session, name: &str, partitions: u32) -> Vec<(u32, Value)> {
    let mut out = Vec::new();
    for p in 0..partitions {
        let v = ok(
            s,
            "kafka",
            "Fetch",
            json!({ "Topic": name, "Partition": p, "Offset": 0, "MaxRecords": 10000 }),
        );
        for r in v["Records"].as_array().unwrap() {
            out.push((p, r.clone()));
        }
    }
    out
}

fn put_n(s: &mut Session, stream: &str, n: usize, tag: &str) {
    for i in 0..n {
        ok(
            s,
            "kinesis",
            "PutRecord",
            json!({ "StreamName": stream, "PartitionKey": format!("user-{}", i % 31),
                    "Data": b64(format!("{tag}-{i}").as_bytes()) }),
        );
    }
}

fn source(s: &mut Session, name: &str, stream: &str, topic: &str, tasks: u32, flush_ms: u64) {
    ok(
        s,
        "kafka",
        "CreateConnector",
        json!({ "Name": name, "Config": {
            "connector.class": "io.confluent.connect.kinesis.KinesisSourceConnector",
            "kinesis.stream": stream, "kafka.topic": topic, "kinesis.position": "TRIM_HORIZON",
            "tasks.max": tasks.to_string(), "offset.flush.interval.ms": flush_ms.to_string() } }),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn kinesis_source_moves_every_record_keyed_by_partition_key() {
    let mut s = session(3);
    create_active(&mut s, "clicks", 3);
    topic(&mut s, "clicks", 4);
    put_n(&mut s, "clicks", 60, "a");
    source(&mut s, "src", "clicks", "clicks", 2, 60_000);
    advance_by(&mut s, 5_000);
    let got = fetch_all(&mut s, "clicks", 4);
    assert_eq!(got.len(), 60, "every Kinesis record is in the topic once");
    for (p, r) in &got {
        let key = r["Key"].as_str().unwrap();
        assert_eq!(
            *p,
            partition_for_key(key.as_bytes(), 4),
            "murmur2 of the partition key"
        );
    }
    let mut values: Vec<&str> = got
        .iter()
        .map(|(_, r)| r["Value"].as_str().unwrap())
        .collect();
    values.sort();
    values.dedup();
    assert_eq!(values.len(), 60);
    let d = ok(
        &mut s,
        "kafka",
        "DescribeConnector",
        json!({ "Name": "src" }),
    );
    assert_eq!(d["Type"], "source");
    assert_eq!(d["Tasks"].as_array().unwrap().len(), 2);
    let per_task: Vec<u64> = d["Tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Records"].as_u64().unwrap())
        .collect();
    assert_eq!(per_task.iter().sum::<u64>(), 60);
    assert!(
        per_task.iter().all(|n| *n > 0),
        "both tasks own shards: {per_task:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_killed_source_task_replays_what_it_had_not_flushed() {
    let mut s = session(4);
    create_active(&mut s, "orders", 1);
    topic(&mut s, "orders", 2);
    source(&mut s, "src", "orders", "orders", 1, 10_000);
    put_n(&mut s, "orders", 10, "early");
    advance_by(&mut s, 11_000); // read and flushed
    put_n(&mut s, "orders", 5, "late");
    advance_by(&mut s, 2_000); // read, not flushed
    assert_eq!(fetch_all(&mut s, "orders", 2).len(), 15);
    ok(
        &mut s,
        "kafka",
        "FailConnectorTask",
        json!({ "Name": "src", "TaskId": 0 }),
    );
    let d = ok(
        &mut s,
        "kafka",
        "DescribeConnector",
        json!({ "Name": "src" }),
    );
    assert_eq!(d["Tasks"][0]["State"], "FAILED");
    assert_eq!(d["Connector"]["State"], "FAILED");
    ok(
        &mut s,
        "kafka",
        "RestartConnector",
        json!({ "Name": "src" }),
    );
    advance_by(&mut s, 3_000);
    let got = fetch_all(&mut s, "orders", 2);
    let d = ok(
        &mut s,
        "kafka",
        "DescribeConnector",
        json!({ "Name": "src" }),
    );
    assert_eq!(d["Tasks"][0]["State"], "RUNNING");
    assert_eq!(
        d["Replayed"], 5,
        "the 5 records after the last flush come again"
    );
    assert_eq!(got.len(), 20, "at-least-once: 15 records + 5 duplicates");
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for (_, r) in &got {
        *counts
            .entry(r["Value"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(
        counts
            .iter()
            .all(|(v, n)| (*n == 2) == v.starts_with("late")),
        "{counts:?}"
    );
}

fn s3_sink(s: &mut Session, tasks: u32, flush: u32) {
    ok(s, "s3", "CreateBucket", json!({ "Bucket": "lake" }));
    ok(
        s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "sink", "Config": {
            "connector.class": "io.confluent.connect.s3.S3SinkConnector",
            "topics": "events", "s3.bucket.name": "lake", "flush.size": flush.to_string(),
            "tasks.max": tasks.to_string() } }),
    );
}

fn produce(s: &mut Session, topic: &str, from: usize, n: usize) {
    let records: Vec<Value> = (from..from + n)
        .map(|i| json!({ "Key": format!("k{}", i % 5), "Value": format!("v{i}") }))
        .collect();
    ok(
        s,
        "kafka",
        "Produce",
        json!({ "Topic": topic, "Records": records }),
    );
}

fn objects(s: &mut Session) -> BTreeMap<String, Vec<String>> {
    let list = ok(s, "s3", "ListObjectsV2", json!({ "Bucket": "lake" }));
    let mut out = BTreeMap::new();
    for o in list["Contents"].as_array().into_iter().flatten() {
        let key = o["Key"].as_str().unwrap().to_string();
        let body = ok(
            s,
            "s3",
            "GetObject",
            json!({ "Bucket": "lake", "Key": key }),
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body["Body"].as_str().unwrap())
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        out.insert(key, text.lines().map(str::to_string).collect());
    }
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn s3_sink_writes_each_record_once_even_when_a_task_dies() {
    let mut s = session(5);
    topic(&mut s, "events", 2);
    s3_sink(&mut s, 2, 10);
    advance_by(&mut s, 2_000);
    produce(&mut s, "events", 0, 95);
    advance_by(&mut s, 3_000);
    ok(
        &mut s,
        "kafka",
        "FailConnectorTask",
        json!({ "Name": "sink", "TaskId": 1 }),
    );
    produce(&mut s, "events", 95, 105);
    // The dead member leaves after session.timeout.ms (45 s); the survivor takes its partitions.
    advance_by(&mut s, 60_000);
    ok(
        &mut s,
        "kafka",
        "RestartConnector",
        json!({ "Name": "sink" }),
    );
    advance_by(&mut s, 60_000);
    let objs = objects(&mut s);
    let mut seen: Vec<String> = objs.values().flatten().cloned().collect();
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no record twice in S3");
    // Only full objects of flush.size are written: every partition's tail below 10 stays buffered.
    let written: usize = objs.values().map(Vec::len).sum();
    assert!(written >= 200 - 2 * 9, "{written} of 200 written");
    for (k, lines) in &objs {
        assert_eq!(lines.len(), 10, "{k}");
        assert!(k.starts_with("topics/events/partition="), "{k}");
        assert!(k.ends_with(".json"), "{k}");
    }
    let d = ok(
        &mut s,
        "kafka",
        "DescribeConnector",
        json!({ "Name": "sink" }),
    );
    assert_eq!(d["GroupId"], "connect-sink");
    assert!(
        d["Tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["State"] == "RUNNING"),
        "{d}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn table_sink_keeps_the_latest_value_per_key_and_deletes_on_tombstones() {
    let mut s = session(6);
    topic(&mut s, "users", 3);
    ok(
        &mut s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "tbl", "Config": { "connector.class": "playground.TableSinkConnector", "topics": "users" } }),
    );
    produce(&mut s, "users", 0, 20);
    ok(
        &mut s,
        "kafka",
        "Produce",
        json!({ "Topic": "users", "Records": [{ "Key": "k0", "Value": null }] }),
    );
    advance_by(&mut s, 5_000);
    let d = ok(
        &mut s,
        "kafka",
        "DescribeConnector",
        json!({ "Name": "tbl" }),
    );
    let table: BTreeMap<String, String> = d["Table"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["Key"].as_str().unwrap().into(),
                r["Value"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want: BTreeMap<String, String> =
        [("k1", "v16"), ("k2", "v17"), ("k3", "v18"), ("k4", "v19")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(table, want);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn connector_errors_have_connect_names() {
    let mut s = session(7);
    topic(&mut s, "t", 1);
    let e = err(
        &mut s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "x", "Config": { "connector.class": "nope" } }),
    );
    assert_eq!(e.kind.as_str(), "BadRequestException");
    let e = err(
        &mut s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "x", "Config": { "connector.class": "io.confluent.connect.s3.S3SinkConnector", "topics": "t", "s3.bucket.name": "missing" } }),
    );
    assert_eq!(e.kind.as_str(), "BadRequestException");
    ok(
        &mut s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "x", "Config": { "connector.class": "playground.TableSinkConnector", "topics": "t" } }),
    );
    let e = err(
        &mut s,
        "kafka",
        "CreateConnector",
        json!({ "Name": "x", "Config": { "connector.class": "playground.TableSinkConnector", "topics": "t" } }),
    );
    assert_eq!(e.kind.as_str(), "ConflictException");
    let e = err(&mut s, "kafka", "DescribeConnector", json!({ "Name": "y" }));
    assert_eq!(e.kind.as_str(), "NotFoundException");
    let e = err(
        &mut s,
        "kafka",
        "FailConnectorTask",
        json!({ "Name": "x", "TaskId": 5 }),
    );
    assert_eq!(e.kind.as_str(), "NotFoundException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_mirrored_producer_shows_the_same_records_as_shards_and_partitions() {
    let mut s = session(8);
    create_active(&mut s, "clicks", 4);
    topic(&mut s, "clicks", 6);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({ "ProducerName": "p", "StreamName": "clicks", "RecordsPerSecond": 50 }),
    );
    ok(
        &mut s,
        "playground",
        "MirrorProducerToKafka",
        json!({ "ProducerName": "p", "Topic": "clicks" }),
    );
    advance_by(&mut s, 4_000);
    let l = ok(&mut s, "playground", "DescribeLenses", json!({}));
    let m = &l["Mirrors"][0];
    let mirrored = m["Mirrored"].as_u64().unwrap();
    assert!(mirrored >= 150, "{mirrored}");
    let in_topic = fetch_all(&mut s, "clicks", 6).len() as u64;
    assert_eq!(in_topic, mirrored);
    let per_shard: u64 = m["PerShard"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(per_shard, mirrored);
    for r in m["Recent"].as_array().unwrap() {
        let key = r["Key"].as_str().unwrap();
        assert_eq!(
            r["Partition"].as_u64().unwrap() as u32,
            partition_for_key(key.as_bytes(), 6)
        );
        assert!(r["ShardId"].as_str().unwrap().starts_with("shardId-"));
    }
}
