//! Admin and cluster actions of service `kafka` (semantics.md §6.1, §6.5): brokers, topics,
//! partitions, configs, offsets.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::actions_describe::{
    describe_cluster, describe_configs, describe_topic, list_offsets,
};
use crate::engine::kafka::cluster::BrokerId;
use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::topic::TopicConfig;
use crate::engine::kafka::{maintenance, replication};
use crate::engine::world::World;

/// The admin actions.
pub const ACTIONS: &[&str] = &[
    "DescribeCluster",
    "FailBroker",
    "RecoverBroker",
    "CreateTopics",
    "DeleteTopics",
    "ListTopics",
    "DescribeTopics",
    "CreatePartitions",
    "DescribeConfigs",
    "IncrementalAlterConfigs",
    "ListOffsets",
];

/// Most partitions one topic may have in the playground (a model limit, not Kafka's).
pub const MAX_PARTITIONS: u32 = 1_000;

/// Longest topic name (Kafka: 249 characters).
pub const MAX_TOPIC_NAME: usize = 249;

/// Runs admin action `action`.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "DescribeCluster" => {
            req.deny_unknown(&[])?;
            Ok(describe_cluster(world))
        }
        "FailBroker" | "RecoverBroker" => {
            req.deny_unknown(&["BrokerId"])?;
            let id = req.int("BrokerId", 0, i64::from(u32::MAX))? as BrokerId;
            if action == "FailBroker" {
                replication::fail_broker(world, id)?;
            } else {
                replication::recover_broker(world, id)?;
            }
            Ok(describe_cluster(world))
        }
        "CreateTopics" => create_topics(world, req),
        "DeleteTopics" => {
            req.deny_unknown(&["TopicNames"])?;
            let names = names(&req, "TopicNames")?;
            for n in &names {
                topic_exists(world, n)?;
            }
            for n in &names {
                world.kafka.topics.remove(n);
            }
            Ok(json!({ "TopicNames": names }))
        }
        "ListTopics" => {
            req.deny_unknown(&[])?;
            let names: Vec<&String> = world.kafka.topics.keys().collect();
            Ok(json!({ "Topics": names }))
        }
        "DescribeTopics" => {
            req.deny_unknown(&["TopicNames"])?;
            let names = names(&req, "TopicNames")?;
            let mut out = Vec::new();
            for n in &names {
                topic_exists(world, n)?;
                out.push(describe_topic(world, n));
            }
            Ok(json!({ "Topics": out }))
        }
        "CreatePartitions" => create_partitions(world, req),
        "DescribeConfigs" => {
            req.deny_unknown(&["Topic"])?;
            let topic = req.str("Topic")?;
            topic_exists(world, topic)?;
            Ok(describe_configs(world, topic))
        }
        "IncrementalAlterConfigs" => {
            req.deny_unknown(&["Topic", "Configs"])?;
            let topic = req.str("Topic")?;
            topic_exists(world, topic)?;
            let configs = req.opt_string_map("Configs")?.unwrap_or_default();
            let t = world
                .kafka
                .topics
                .get_mut(topic)
                .ok_or_else(|| unknown(topic))?;
            let mut next = t.config.clone();
            for (k, v) in &configs {
                next.set(k, v).map_err(invalid_config)?;
            }
            t.config = next;
            for (k, v) in configs {
                t.overrides.insert(k.to_string(), v.to_string());
            }
            let at = world.now();
            maintenance::ensure_by(world, at);
            Ok(describe_configs(world, topic))
        }
        "ListOffsets" => list_offsets(world, req),
        _ => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown kafka admin action '{action}'"),
        )),
    }
}

fn unknown(topic: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownTopicOrPartitionException,
        format!("Topic '{topic}' does not exist"),
    )
}

fn invalid_config(message: String) -> ApiError {
    ApiError::new(ErrorKind::InvalidConfigurationException, message)
}

fn topic_exists(world: &World, topic: &str) -> Result<(), ApiError> {
    if world.kafka.topics.contains_key(topic) {
        Ok(())
    } else {
        Err(unknown(topic))
    }
}

fn names(req: &Request<'_>, member: &str) -> Result<Vec<String>, ApiError> {
    let list = req
        .opt_list(member)?
        .ok_or_else(|| crate::engine::api::request::missing(member))?;
    list.iter()
        .map(|v| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                ApiError::serialization(format!("{member} must be a list of strings"))
            })
        })
        .collect()
}

/// Validates a topic name as Kafka does (1–249 of `[a-zA-Z0-9._-]`, not `.` or `..`).
pub fn validate_topic_name(name: &str) -> Result<(), ApiError> {
    let bad = |why: &str| {
        Err(ApiError::new(
            ErrorKind::InvalidTopicException,
            format!("Topic name \"{name}\" is illegal, {why}"),
        ))
    };
    if name.is_empty() {
        return bad("it can't be empty");
    }
    if name == "." || name == ".." {
        return bad("it cannot be \".\" or \"..\"");
    }
    if name.len() > MAX_TOPIC_NAME {
        return bad(&format!(
            "it can't be longer than {MAX_TOPIC_NAME} characters"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return bad("it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    }
    Ok(())
}

/// A validated `CreateTopics` entry: name, partitions, replication factor, config, overrides.
type PlannedTopic = (String, u32, u32, TopicConfig, Vec<(String, String)>);

fn create_topics(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Topics"])?;
    let list = req
        .opt_list("Topics")?
        .ok_or_else(|| crate::engine::api::request::missing("Topics"))?;
    if list.is_empty() {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            "Topics must name at least one topic",
        ));
    }
    let online = world.kafka.cluster.online_ids().len() as i64;
    let mut planned: Vec<PlannedTopic> = Vec::new();
    for item in list {
        let t = Request::new(item)?;
        t.deny_unknown(&["Name", "NumPartitions", "ReplicationFactor", "Configs"])?;
        let name = t.str("Name")?;
        validate_topic_name(name)?;
        if world.kafka.topics.contains_key(name) {
            return Err(ApiError::new(
                ErrorKind::TopicExistsException,
                format!("Topic '{name}' already exists."),
            ));
        }
        let collide = |n: &str| n.replace('.', "_") == name.replace('.', "_");
        if let Some(other) = world
            .kafka
            .topics
            .keys()
            .map(String::as_str)
            .chain(planned.iter().map(|p| p.0.as_str()))
            .find(|n| collide(n))
        {
            return Err(ApiError::new(
                ErrorKind::InvalidTopicException,
                format!("Topic '{name}' collides with topic '{other}' ('.' and '_' collide in metric names)"),
            ));
        }
        let parts = match t.raw("NumPartitions") {
            None => 1,
            Some(v) => match v.as_i64() {
                Some(n) if (1..=i64::from(MAX_PARTITIONS)).contains(&n) => n as u32,
                _ => {
                    return Err(ApiError::new(
                        ErrorKind::InvalidPartitionsException,
                        format!("Number of partitions must be between 1 and {MAX_PARTITIONS} (playground limit), got {v}"),
                    ))
                }
            },
        };
        let rf = match t.raw("ReplicationFactor") {
            None => 3.min(online.max(1)) as u32,
            Some(v) => match v.as_i64() {
                Some(n) if n >= 1 && n <= online => n as u32,
                Some(n) if n >= 1 => {
                    return Err(ApiError::new(
                        ErrorKind::InvalidReplicationFactorException,
                        format!("Replication factor: {n} larger than available brokers: {online}."),
                    ))
                }
                _ => {
                    return Err(ApiError::new(
                        ErrorKind::InvalidReplicationFactorException,
                        format!("Replication factor must be larger than 0, got {v}"),
                    ))
                }
            },
        };
        let mut config = TopicConfig::default();
        let configs = t.opt_string_map("Configs")?.unwrap_or_default();
        for (k, v) in &configs {
            config.set(k, v).map_err(invalid_config)?;
        }
        let configs = configs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        planned.push((name.to_string(), parts, rf, config, configs));
    }
    let now = world.now();
    let cluster = world.kafka.cluster.clone();
    let mut out = Vec::new();
    for (name, parts, rf, config, overrides) in planned {
        let t = world.kafka.create_topic(&name, parts, rf, now);
        t.config = config;
        t.overrides = overrides.into_iter().collect();
        for p in &mut t.partitions {
            settle_offline_replicas(p, &cluster);
        }
        out.push(json!({ "Name": name, "NumPartitions": parts, "ReplicationFactor": rf }));
    }
    Ok(json!({ "Topics": out }))
}

/// A new partition placed on an offline broker: the ISR keeps only online replicas and the first
/// of them leads.
fn settle_offline_replicas(p: &mut Partition, cluster: &crate::engine::kafka::cluster::Cluster) {
    p.isr.retain(|b| cluster.is_online(*b));
    p.leader = p.isr.first().copied();
}

fn create_partitions(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Topic", "TotalCount"])?;
    let topic = req.str("Topic")?;
    let total = req.int("TotalCount", 0, i64::from(u32::MAX))? as u32;
    topic_exists(world, topic)?;
    let cluster = world.kafka.cluster.clone();
    let ids: Vec<BrokerId> = cluster.brokers.iter().map(|b| b.id).collect();
    let n = ids.len().max(1);
    let t = world
        .kafka
        .topics
        .get_mut(topic)
        .ok_or_else(|| unknown(topic))?;
    let current = t.partitions.len() as u32;
    if total <= current || total > MAX_PARTITIONS {
        return Err(ApiError::new(
            ErrorKind::InvalidPartitionsException,
            if total <= current {
                format!("Topic currently has {current} partitions, which is higher than or equal to the requested {total}; partitions can only grow (§6.1).")
            } else {
                format!(
                    "Requested {total} partitions; the playground allows at most {MAX_PARTITIONS}."
                )
            },
        ));
    }
    for p in current..total {
        let replicas: Vec<BrokerId> = (0..t.replication_factor as usize)
            .filter_map(|r| ids.get((p as usize + r) % n).copied())
            .collect();
        let mut part = Partition {
            leader: replicas.first().copied(),
            isr: replicas.clone(),
            replica_leo: replicas.iter().map(|b| (*b, 0)).collect(),
            replicas,
            ..Partition::default()
        };
        settle_offline_replicas(&mut part, &cluster);
        t.partitions.push(part);
    }
    Ok(json!({ "Topic": topic, "TotalCount": total }))
}
