//! Topics and their configuration (semantics.md §6.1, §6.5): partitions, replication factor and
//! the topic-level configs with Kafka's defaults.

use std::collections::BTreeMap;

use crate::engine::kafka::partition::Partition;
use crate::engine::time::VirtualMs;

/// `cleanup.policy` (§6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanupPolicy {
    /// Delete whole segments older than `retention.ms` or beyond `retention.bytes`.
    Delete,
    /// Keep the latest record per key.
    Compact,
    /// Both.
    CompactDelete,
}

impl CleanupPolicy {
    /// Kafka's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CleanupPolicy::Delete => "delete",
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::CompactDelete => "compact,delete",
        }
    }
}

/// Topic-level configuration (§6.3, §6.5 defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicConfig {
    /// `retention.ms`: 604,800,000 (7 days); -1 = forever.
    pub retention_ms: i64,
    /// `retention.bytes` per partition: -1 = unlimited.
    pub retention_bytes: i64,
    /// `segment.bytes`: 1 GiB.
    pub segment_bytes: u64,
    /// `segment.ms`: 7 days.
    pub segment_ms: u64,
    /// `cleanup.policy`: delete.
    pub cleanup_policy: CleanupPolicy,
    /// `min.insync.replicas`: 2 on MSK 3-AZ clusters (§6.1, unverified there), Kafka's own default 1.
    pub min_insync_replicas: u32,
    /// `max.message.bytes`: 1,048,588 (§6.3).
    pub max_message_bytes: u64,
    /// `unclean.leader.election.enable`: false (§6.1).
    pub unclean_leader_election: bool,
    /// `delete.retention.ms`: 86,400,000 (tombstones kept 24 h, §6.5).
    pub delete_retention_ms: u64,
    /// `min.compaction.lag.ms`: 0.
    pub min_compaction_lag_ms: u64,
    /// `min.cleanable.dirty.ratio`: 0.5, in per mille (500).
    pub min_cleanable_dirty_ratio_permille: u32,
}

impl Default for TopicConfig {
    fn default() -> TopicConfig {
        TopicConfig {
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: 1 << 30,
            segment_ms: 604_800_000,
            cleanup_policy: CleanupPolicy::Delete,
            min_insync_replicas: 2,
            max_message_bytes: 1_048_588,
            unclean_leader_election: false,
            delete_retention_ms: 86_400_000,
            min_compaction_lag_ms: 0,
            min_cleanable_dirty_ratio_permille: 500,
        }
    }
}

/// A topic: its partitions (index = partition number) and configuration.
#[derive(Clone, Debug)]
pub struct Topic {
    /// Topic name.
    pub name: String,
    /// Virtual creation time.
    pub created_ms: VirtualMs,
    /// Replication factor chosen at creation.
    pub replication_factor: u32,
    /// Configuration.
    pub config: TopicConfig,
    /// Configs the user set explicitly (name → value as given), for DescribeConfigs' source.
    pub overrides: BTreeMap<String, String>,
    /// Partitions in partition-number order (only ever grows, §6.1).
    pub partitions: Vec<Partition>,
}

/// Every topic config name the playground understands, in DescribeConfigs order.
pub const CONFIG_NAMES: &[&str] = &[
    "cleanup.policy",
    "delete.retention.ms",
    "max.message.bytes",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.ms",
    "unclean.leader.election.enable",
];

fn bad(name: &str, value: &str, why: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {why}")
}

fn int_at_least(name: &str, value: &str, min: i64) -> Result<i64, String> {
    match value.trim().parse::<i64>() {
        Ok(v) if v >= min => Ok(v),
        Ok(_) => Err(bad(name, value, &format!("Value must be at least {min}"))),
        Err(_) => Err(bad(name, value, "Not a number of type LONG")),
    }
}

impl TopicConfig {
    /// Sets config `name` from its text `value`, as `kafka-configs` would; the message says which
    /// name or limit was wrong (→ `InvalidConfigurationException`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "cleanup.policy" => {
                let mut parts: Vec<&str> = value.split(',').map(str::trim).collect();
                parts.sort_unstable();
                parts.dedup();
                self.cleanup_policy = match parts.as_slice() {
                    ["delete"] => CleanupPolicy::Delete,
                    ["compact"] => CleanupPolicy::Compact,
                    ["compact", "delete"] => CleanupPolicy::CompactDelete,
                    _ => {
                        return Err(bad(
                            name,
                            value,
                            "String must be one of: compact, delete (or both, comma-separated)",
                        ))
                    }
                };
            }
            "delete.retention.ms" => {
                self.delete_retention_ms = int_at_least(name, value, 0)? as u64
            }
            "max.message.bytes" => self.max_message_bytes = int_at_least(name, value, 0)? as u64,
            "min.cleanable.dirty.ratio" => match value.trim().parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => {
                    self.min_cleanable_dirty_ratio_permille = (r * 1000.0).round() as u32
                }
                _ => return Err(bad(name, value, "Value must be a number in [0,...,1]")),
            },
            "min.compaction.lag.ms" => {
                self.min_compaction_lag_ms = int_at_least(name, value, 0)? as u64
            }
            "min.insync.replicas" => {
                self.min_insync_replicas = int_at_least(name, value, 1)?.min(1_000) as u32
            }
            "retention.bytes" => self.retention_bytes = int_at_least(name, value, -1)?,
            "retention.ms" => self.retention_ms = int_at_least(name, value, -1)?,
            // Kafka's floor is the 14-byte legacy record overhead; small segments teach retention.
            "segment.bytes" => {
                self.segment_bytes = int_at_least(name, value, 14)?.min(1 << 31) as u64
            }
            "segment.ms" => self.segment_ms = int_at_least(name, value, 1)? as u64,
            "unclean.leader.election.enable" => {
                self.unclean_leader_election = match value.trim() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(bad(
                            name,
                            value,
                            "Expected value to be either true or false",
                        ))
                    }
                }
            }
            other => {
                return Err(format!(
                    "Unknown topic config name: {other}; known: {}",
                    CONFIG_NAMES.join(", ")
                ))
            }
        }
        Ok(())
    }

    /// The text value of config `name` (one of [`CONFIG_NAMES`]).
    pub fn get(&self, name: &str) -> String {
        match name {
            "cleanup.policy" => self.cleanup_policy.as_str().to_string(),
            "delete.retention.ms" => self.delete_retention_ms.to_string(),
            "max.message.bytes" => self.max_message_bytes.to_string(),
            "min.cleanable.dirty.ratio" => {
                format!(
                    "{}",
                    f64::from(self.min_cleanable_dirty_ratio_permille) / 1000.0
                )
            }
            "min.compaction.lag.ms" => self.min_compaction_lag_ms.to_string(),
            "min.insync.replicas" => self.min_insync_replicas.to_string(),
            "retention.bytes" => self.retention_bytes.to_string(),
            "retention.ms" => self.retention_ms.to_string(),
            "segment.bytes" => self.segment_bytes.to_string(),
            "segment.ms" => self.segment_ms.to_string(),
            "unclean.leader.election.enable" => self.unclean_leader_election.to_string(),
            _ => String::new(),
        }
    }

    /// Whether the topic is compacted (`compact` or `compact,delete`).
    pub fn compacted(&self) -> bool {
        self.cleanup_policy != CleanupPolicy::Delete
    }

    /// Whether whole segments are deleted by age or size (`delete` or `compact,delete`).
    pub fn deletes(&self) -> bool {
        self.cleanup_policy != CleanupPolicy::Compact
    }
}
