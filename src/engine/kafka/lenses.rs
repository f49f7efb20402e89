//! "Same workload, two lenses" (semantics.md §6.7): a simulated Kinesis producer's records are
//! also sent to a Kafka topic, so one workload is seen at once as Kinesis shards (MD5 of the
//! partition key → a 128-bit hash-key range) and as Kafka partitions (murmur2 of the key bytes →
//! `% partitions`). Kafka has no per-partition write quota, so a record Kinesis throttles still
//! lands in Kafka — the lens counts both.
//!
//! Playground actions: `MirrorProducerToKafka {ProducerName, Topic}`, `StopMirror {ProducerName}`,
//! `DescribeLenses {}`.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::murmur2::{murmur2, partition_for_key};
use crate::engine::kinesis::hash_key::partition_key_hash;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Playground actions handled here.
pub const ACTIONS: &[&str] = &["MirrorProducerToKafka", "StopMirror", "DescribeLenses"];

/// Records kept per mirror for the side-by-side table.
pub const RECENT: usize = 40;

/// One record seen through both lenses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LensRecord {
    /// Virtual time it was generated.
    pub at_ms: VirtualMs,
    /// Partition key (Kinesis) = record key (Kafka).
    pub key: String,
    /// MD5 hash key of the partition key (or the explicit hash key).
    pub hash_key: u128,
    /// The open shard whose range holds the hash key, when the stream exists.
    pub shard: Option<String>,
    /// murmur2 of the key bytes, signed as Java prints it.
    pub murmur2: i32,
    /// The Kafka partition.
    pub partition: u32,
    /// The Kafka offset, or why the write failed.
    pub offset: Result<u64, String>,
}

/// A producer mirrored to a topic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mirror {
    /// Kafka topic.
    pub topic: String,
    /// Records written to the topic.
    pub mirrored: u64,
    /// Records the topic refused (unknown topic, offline partition…).
    pub failed: u64,
    /// Records per Kinesis shard id.
    pub per_shard: BTreeMap<String, u64>,
    /// Records per Kafka partition.
    pub per_partition: BTreeMap<u32, u64>,
    /// The latest records, newest last.
    pub recent: VecDeque<LensRecord>,
}

/// Mirrors by producer name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lenses {
    /// Producer name → its mirror.
    pub mirrors: BTreeMap<String, Mirror>,
}

/// Called by the producer for every record it generates: writes it to the mirror topic, if any.
pub fn on_generated(
    world: &mut World,
    producer: &str,
    stream: &str,
    key: &str,
    explicit_hash_key: Option<u128>,
    data: &[u8],
    now: VirtualMs,
) {
    let Some(topic) = world
        .kafka
        .lenses
        .mirrors
        .get(producer)
        .map(|m| m.topic.clone())
    else {
        return;
    };
    let hash_key = explicit_hash_key.unwrap_or_else(|| partition_key_hash(key));
    let shard = world.kinesis.stream(stream).and_then(|s| {
        s.route(hash_key)
            .map(|pos| shard_id(s.shard_at(pos).index()))
    });
    let partitions = world
        .kafka
        .topics
        .get(&topic)
        .map_or(0, |t| t.partitions.len() as u32);
    let partition = partition_for_key(key.as_bytes(), partitions);
    let offset = if partitions == 0 {
        Err(format!(
            "UnknownTopicOrPartitionException: topic '{topic}' does not exist"
        ))
    } else {
        crate::engine::kafka::produce_keyed(
            world,
            &format!("mirror-{producer}"),
            &topic,
            key.as_bytes(),
            data,
        )
        .map(|(_, o)| o)
        .map_err(|e| e.to_string())
    };
    let Some(m) = world.kafka.lenses.mirrors.get_mut(producer) else {
        return;
    };
    match &offset {
        Ok(_) => m.mirrored += 1,
        Err(_) => m.failed += 1,
    }
    if let Some(s) = &shard {
        *m.per_shard.entry(s.clone()).or_default() += 1;
    }
    if offset.is_ok() {
        *m.per_partition.entry(partition).or_default() += 1;
    }
    m.recent.push_back(LensRecord {
        at_ms: now,
        key: key.to_string(),
        hash_key,
        shard,
        murmur2: murmur2(key.as_bytes()),
        partition,
        offset,
    });
    while m.recent.len() > RECENT {
        m.recent.pop_front();
    }
}

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "MirrorProducerToKafka" => {
            req.deny_unknown(&["ProducerName", "Topic"])?;
            let producer = req.str("ProducerName")?;
            let topic = req.str("Topic")?;
            if world.producers.get(producer).is_none() {
                return Err(ApiError::not_found(format!(
                    "producer '{producer}' does not exist"
                )));
            }
            if !world.kafka.topics.contains_key(topic) {
                return Err(ApiError::new(
                    ErrorKind::UnknownTopicOrPartitionException,
                    format!("topic '{topic}' does not exist: create it first (auto.create.topics.enable is false on MSK, §6.1)"),
                ));
            }
            world.kafka.lenses.mirrors.insert(
                producer.to_string(),
                Mirror {
                    topic: topic.to_string(),
                    ..Mirror::default()
                },
            );
            Ok(json!({ "ProducerName": producer, "Topic": topic }))
        }
        "StopMirror" => {
            req.deny_unknown(&["ProducerName"])?;
            let producer = req.str("ProducerName")?;
            match world.kafka.lenses.mirrors.remove(producer) {
                Some(m) => Ok(json!({ "ProducerName": producer, "Mirrored": m.mirrored })),
                None => Err(ApiError::not_found(format!(
                    "producer '{producer}' is not mirrored"
                ))),
            }
        }
        _ => describe(world, req),
    }
}

/// `DescribeLenses`: every mirror with its counts and recent records (read-only).
pub fn describe(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[])?;
    let mirrors: Vec<Value> = world
        .kafka
        .lenses
        .mirrors
        .iter()
        .map(|(producer, m)| {
            let stream = world
                .producers
                .get(producer)
                .map(|p| p.config.stream.clone());
            json!({
                "ProducerName": producer,
                "StreamName": stream,
                "Topic": m.topic,
                "Mirrored": m.mirrored,
                "Failed": m.failed,
                "PerShard": m.per_shard,
                "PerPartition": m.per_partition.iter().map(|(p, n)| json!({"Partition": p, "Records": n})).collect::<Vec<_>>(),
                "Recent": m.recent.iter().rev().map(|r| json!({
                    "AtMs": r.at_ms,
                    "Key": r.key,
                    "HashKey": r.hash_key.to_string(),
                    "ShardId": r.shard,
                    "Murmur2": r.murmur2,
                    "Partition": r.partition,
                    "Offset": r.offset.as_ref().ok(),
                    "Error": r.offset.as_ref().err(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "Mirrors": mirrors }))
}

/// A canonical text for the world digest.
pub fn digest_text(l: &Lenses) -> String {
    let mut out = String::new();
    for (p, m) in &l.mirrors {
        out.push_str(&format!(
            "mirror={p};{};{};{};{:?};{:?};",
            m.topic, m.mirrored, m.failed, m.per_shard, m.per_partition
        ));
    }
    out
}
