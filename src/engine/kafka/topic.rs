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
