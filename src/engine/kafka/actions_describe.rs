//! The read-only admin actions of service `kafka`: cluster, topic and config descriptions and
//! `ListOffsets` (semantics.md §6.1, §6.4).

use serde_json::{json, Map, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::topic::CONFIG_NAMES;
use crate::engine::world::World;

fn unknown(topic: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownTopicOrPartitionException,
        format!("Topic '{topic}' does not exist"),
    )
}

/// `DescribeCluster`: brokers with their AZ, state and leader/replica counts.
pub fn describe_cluster(world: &World) -> Value {
    let k = &world.kafka;
    let brokers: Vec<Value> = k
        .cluster
        .brokers
        .iter()
        .map(|b| {
            let mut leaders = 0;
            let mut replicas = 0;
            for t in k.topics.values() {
                for p in &t.partitions {
                    leaders += usize::from(p.leader == Some(b.id));
                    replicas += usize::from(p.replicas.contains(&b.id));
                }
            }
            json!({ "BrokerId": b.id, "Az": b.az, "Online": b.online, "Leaders": leaders,
                    "Replicas": replicas })
        })
        .collect();
    json!({
        "ClusterName": k.cluster.name,
        "ControllerId": k.cluster.online_ids().first(),
        "Brokers": brokers,
    })
}

/// One topic of `DescribeTopics`: partitions with leader, replicas, ISR, offsets and sizes.
pub fn describe_topic(world: &World, name: &str) -> Value {
    let Some(t) = world.kafka.topics.get(name) else {
        return Value::Null;
    };
    let parts: Vec<Value> = t
        .partitions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "Partition": i,
                "Leader": p.leader,
                "Replicas": p.replicas,
                "Isr": p.isr,
                "LeaderEpoch": p.leader_epoch,
                "LogStartOffset": p.log_start_offset,
                "HighWatermark": p.high_watermark,
                "LogEndOffset": p.next_offset,
                "SizeBytes": p.size_bytes(),
                "Segments": p.segments.len(),
                "ReplicaLogEndOffsets": p.replica_leo.iter()
                    .map(|(b, leo)| json!({ "BrokerId": b, "LogEndOffset": leo }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut configs = Map::new();
    for n in CONFIG_NAMES {
        configs.insert((*n).to_string(), Value::String(t.config.get(n)));
    }
    json!({ "Name": name, "Partitions": parts, "Configs": configs })
}

/// `DescribeConfigs`: every config with its value and source.
pub fn describe_configs(world: &World, topic: &str) -> Value {
    let Some(t) = world.kafka.topics.get(topic) else {
        return Value::Null;
    };
    let entries: Vec<Value> = CONFIG_NAMES
        .iter()
        .map(|n| {
            let source = if t.overrides.contains_key(*n) {
                "TOPIC_CONFIG"
            } else {
                "DEFAULT_CONFIG"
            };
            json!({ "Name": n, "Value": t.config.get(n), "Source": source })
        })
        .collect();
    json!({ "Topic": topic, "Configs": entries })
}

/// `ListOffsets`: earliest (log start), latest (high watermark) or the first offset at a time.
pub fn list_offsets(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Topic", "Partition", "Spec", "Timestamp"])?;
    let topic = req.str("Topic")?;
    let partition = req.opt_int("Partition", 0, i64::from(u32::MAX))?;
    let spec = req.opt_str("Spec")?;
    let ts = req.opt_int("Timestamp", 0, i64::MAX)?;
    let t = world
        .kafka
        .topics
        .get(topic)
        .ok_or_else(|| unknown(topic))?;
    let which: Vec<usize> = match partition {
        Some(p) if (p as usize) < t.partitions.len() => vec![p as usize],
        Some(p) => {
            return Err(ApiError::new(
                ErrorKind::UnknownTopicOrPartitionException,
                format!(
                    "Topic '{topic}' has no partition {p} ({} partitions)",
                    t.partitions.len()
                ),
            ))
        }
        None => (0..t.partitions.len()).collect(),
    };
    let mut out = Vec::new();
    for i in which {
        let p = &t.partitions[i];
        let (offset, timestamp): (i64, i64) = match (spec, ts) {
            (Some("earliest"), None) => (p.log_start_offset as i64, -1),
            (Some("latest"), None) => (p.high_watermark as i64, -1),
            (None, Some(ts)) => match p.offset_for_timestamp(ts as u64) {
                Some(o) => (o as i64, p.record_at(o).map_or(-1, |r| r.timestamp_ms as i64)),
                None => (-1, -1),
            },
            _ => {
                return Err(ApiError::new(
                    ErrorKind::ValidationException,
                    "ListOffsets needs exactly one of Spec (\"earliest\" | \"latest\") or Timestamp (ms)",
                ))
            }
        };
        out.push(json!({ "Partition": i, "Offset": offset, "Timestamp": timestamp }));
    }
    Ok(json!({ "Partitions": out }))
}
