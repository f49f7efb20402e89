//! Kafka Connect (semantics.md §6.6): connectors split into tasks (`tasks.max`) that move data
//! between Kafka and other systems, with offsets and restarts.
//!
//! - Source `io.confluent.connect.kinesis.KinesisSourceConnector`: reads a Kinesis data stream
//!   through the real read path (GetShardIterator / GetRecords, one poll per second per shard) and
//!   produces each record to `kafka.topic` with the partition key as the record key. Shards are
//!   dealt to tasks by shard index. The source offset of a shard is the last sequence number
//!   produced; offsets are flushed to the offset store every `offset.flush.interval.ms`
//!   (60,000 ms), so a task that fails and restarts re-reads from the last flushed offset and
//!   produces those records again (sources are at-least-once without exactly-once support, §6.6).
//! - Sink `io.confluent.connect.s3.S3SinkConnector` and the playground's table sink
//!   (`connect_sink`): tasks are members of the consumer group `connect-<name>`.

use std::collections::BTreeMap;

use crate::engine::apps::sdk_consumer::SdkConsumer;
use crate::engine::time::VirtualMs;

/// Default `offset.flush.interval.ms` of a Connect worker (§6.6, Kafka's default 60,000).
pub const OFFSET_FLUSH_INTERVAL_MS: u64 = 60_000;
/// How often a source task polls (the Kinesis connector's GetRecords cadence, model).
pub const SOURCE_POLL_MS: u64 = 1_000;
/// Connectors per cluster (playground limit).
pub const MAX_CONNECTORS: usize = 20;
/// `tasks.max` ceiling (playground limit).
pub const MAX_TASKS: u32 = 16;

/// What a connector moves.
#[derive(Clone, Debug)]
pub enum ConnectorKind {
    /// Kinesis stream → topic.
    KinesisSource {
        /// `kinesis.stream`.
        stream: String,
        /// `kafka.topic`.
        topic: String,
        /// `kinesis.position`: `TRIM_HORIZON` or `LATEST`.
        from_trim_horizon: bool,
    },
    /// Topics → objects in an S3 bucket, or → a table of the latest value per key.
    Sink(crate::engine::kafka::connect_sink::SinkSpec),
}

/// A task's state (Connect REST `state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Running.
    Running,
    /// Paused with its connector.
    Paused,
    /// Failed; restart it.
    Failed,
}

impl TaskState {
    /// Connect's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Running => "RUNNING",
            TaskState::Paused => "PAUSED",
            TaskState::Failed => "FAILED",
        }
    }
}

/// One task.
#[derive(Clone, Debug)]
pub struct ConnectTask {
    /// Task id (0-based).
    pub id: u32,
    /// State.
    pub state: TaskState,
    /// Why it failed.
    pub trace: Option<String>,
    /// Records moved by this task (across restarts).
    pub records: u64,
    /// Restarts.
    pub restarts: u32,
    /// Source task: its Kinesis reader (`None` while failed).
    pub reader: Option<Box<SdkConsumer>>,
    /// Source task: last sequence number produced per shard id, not yet flushed.
    pub pending_offsets: BTreeMap<String, String>,
    /// Sink task: its member id in the `connect-<name>` group.
    pub member_id: Option<String>,
}

/// A connector.
#[derive(Clone, Debug)]
pub struct Connector {
    /// Name.
    pub name: String,
    /// The configuration as given.
    pub config: BTreeMap<String, String>,
    /// What it does.
    pub kind: ConnectorKind,
    /// Paused by the user.
    pub paused: bool,
    /// Tasks.
    pub tasks: Vec<ConnectTask>,
    /// Source offsets flushed to the offset store (shard id → sequence number).
    pub offsets: BTreeMap<String, String>,
    /// Last offset flush, virtual ms.
    pub last_flush_ms: VirtualMs,
    /// `offset.flush.interval.ms`.
    pub flush_interval_ms: u64,
    /// Bumped on delete/re-create; stale events are ignored.
    pub generation: u64,
    /// Records produced again after a restart (source) — the at-least-once duplicates.
    pub replayed: u64,
    /// Source: the highest sequence number ever produced per shard id (to count replays).
    pub high_water: BTreeMap<String, String>,
}

impl Connector {
    /// `source` or `sink`.
    pub fn type_str(&self) -> &'static str {
        match self.kind {
            ConnectorKind::KinesisSource { .. } => "source",
            ConnectorKind::Sink(_) => "sink",
        }
    }

    /// The connector's state: `PAUSED`, `FAILED` when every task failed, else `RUNNING`.
    pub fn state_str(&self) -> &'static str {
        if self.paused {
            "PAUSED"
        } else if !self.tasks.is_empty() && self.tasks.iter().all(|t| t.state == TaskState::Failed)
        {
            "FAILED"
        } else {
            "RUNNING"
        }
    }
}

/// Connect's scheduled work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectEvent {
    /// A connector's tasks poll.
    Poll {
        /// Connector.
        name: String,
        /// Its generation.
        generation: u64,
    },
}

/// Every connector of the Connect cluster.
#[derive(Clone, Debug, Default)]
pub struct Connect {
    /// Connectors by name.
    pub connectors: BTreeMap<String, Connector>,
    /// Generation counter.
    pub next_generation: u64,
}

impl Connect {
    /// A canonical text for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = String::new();
        for (n, c) in &self.connectors {
            out.push_str(&format!(
                "conn={n};{:?};{};{:?};{};{};",
                c.config, c.paused, c.offsets, c.last_flush_ms, c.replayed
            ));
            for t in &c.tasks {
                out.push_str(&format!(
                    "t={};{};{};{};{:?};{:?};",
                    t.id,
                    t.state.as_str(),
                    t.records,
                    t.restarts,
                    t.pending_offsets,
                    t.member_id
                ));
                if let Some(r) = &t.reader {
                    out.push_str(&r.digest_text());
                }
            }
        }
        out
    }
}
