//! Consumer groups (semantics.md §6.4): members, state, generation, committed offsets and the
//! rebalance history the UI animates. The protocol itself is in `coordinator` and `rebalance`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::engine::kafka::assignor::{AssignorKind, TopicPartition};
use crate::engine::time::VirtualMs;

/// Rebalances kept per group for the UI (oldest dropped first).
pub const MAX_REBALANCE_HISTORY: usize = 50;

/// The group coordinator's state machine of the classic protocol (§6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    /// No members (offsets may remain).
    Empty,
    /// A rebalance started; members must rejoin (JoinGroup).
    PreparingRebalance,
    /// Everyone joined; the leader's assignment is being distributed (SyncGroup). Instant here.
    CompletingRebalance,
    /// Members consume their assignment.
    Stable,
    /// Deleted.
    Dead,
}

impl GroupState {
    /// Kafka's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// `auto.offset.reset` (§6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetReset {
    /// Log start offset.
    Earliest,
    /// End of the log (the high watermark; the default).
    Latest,
    /// Fail with `NoOffsetForPartitionException`.
    None,
}

impl OffsetReset {
    /// Parses `earliest` / `latest` / `none`.
    pub fn parse(s: &str) -> Option<OffsetReset> {
        match s {
            "earliest" => Some(OffsetReset::Earliest),
            "latest" => Some(OffsetReset::Latest),
            "none" => Some(OffsetReset::None),
            _ => None,
        }
    }

    /// Kafka's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
    }
}

/// A consumer's configuration (§6.4 defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    /// `partition.assignment.strategy`.
    pub assignor: AssignorKind,
    /// `auto.offset.reset`: latest.
    pub auto_offset_reset: OffsetReset,
    /// `enable.auto.commit`: true.
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`: 5,000.
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms`: 45,000 (since 3.0).
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`: 3,000.
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms`: 300,000.
    pub max_poll_interval_ms: u64,
    /// `max.poll.records`: 500.
    pub max_poll_records: u32,
}

impl Default for ConsumerConfig {
    fn default() -> ConsumerConfig {
        ConsumerConfig {
            assignor: AssignorKind::Range,
            auto_offset_reset: OffsetReset::Latest,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            max_poll_records: 500,
        }
    }
}

/// One member of a group.
#[derive(Clone, Debug)]
pub struct Member {
    /// Member id (`clientId-NNN`).
    pub id: String,
    /// `client.id`.
    pub client_id: String,
    /// Subscribed topics, sorted.
    pub topics: Vec<String>,
    /// Configuration.
    pub config: ConsumerConfig,
    /// Partitions the member owns now.
    pub assignment: BTreeSet<TopicPartition>,
    /// Fetch position (next offset to return) per owned partition.
    pub positions: BTreeMap<TopicPartition, u64>,
    /// Generation the member last received an assignment in.
    pub generation: u32,
    /// During a rebalance: whether the member has rejoined (JoinGroup) yet.
    pub rejoined: bool,
    /// Last `poll()`.
    pub last_poll_ms: VirtualMs,
    /// Last heartbeat (stops when the member crashes).
    pub last_heartbeat_ms: VirtualMs,
    /// Last auto commit.
    pub last_auto_commit_ms: VirtualMs,
    /// The process is gone: no heartbeats, no polls.
    pub crashed: bool,
    /// Rotates the partition a poll starts with, so one busy partition cannot starve the rest.
    pub poll_cursor: usize,
}

/// One completed rebalance, for the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RebalanceRecord {
    /// Generation it produced.
    pub generation: u32,
    /// Virtual time it completed.
    pub at_ms: VirtualMs,
    /// Why it started.
    pub reason: String,
    /// Assignment of that generation.
    pub assignment: BTreeMap<String, BTreeSet<TopicPartition>>,
}

/// A rebalance in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebalance {
    /// Unique number (guards stale timeout events).
    pub id: u64,
    /// Why it started.
    pub reason: String,
    /// Started at.
    pub started_ms: VirtualMs,
    /// Members that have not rejoined by then are removed (max of `max.poll.interval.ms`).
    pub deadline_ms: VirtualMs,
    /// Cooperative: true for the second round that hands out revoked partitions.
    pub second_round: bool,
}

/// A consumer group.
#[derive(Clone, Debug)]
pub struct ConsumerGroup {
    /// `group.id`.
    pub id: String,
    /// State.
    pub state: GroupState,
    /// Generation id (+1 per completed rebalance).
    pub generation: u32,
    /// Assignor the group's members agreed on (the first member's).
    pub assignor: AssignorKind,
    /// Leader member id (computes the assignment).
    pub leader: Option<String>,
    /// Members by id.
    pub members: BTreeMap<String, Member>,
    /// Committed offsets: the next offset to read (§6.4).
    pub committed: BTreeMap<TopicPartition, u64>,
    /// The rebalance in progress.
    pub rebalance: Option<Rebalance>,
    /// Completed rebalances, oldest first, bounded by [`MAX_REBALANCE_HISTORY`].
    pub history: VecDeque<RebalanceRecord>,
    /// Partition count per subscribed topic when the assignment was made (a change rebalances).
    pub partition_counts: BTreeMap<String, u32>,
    /// Member ids handed out so far.
    pub next_member: u64,
    /// Rebalances started so far.
    pub rebalances: u64,
}

impl ConsumerGroup {
    /// An empty group.
    pub fn new(id: &str, assignor: AssignorKind) -> ConsumerGroup {
        ConsumerGroup {
            id: id.to_string(),
            state: GroupState::Empty,
            generation: 0,
            assignor,
            leader: None,
            members: BTreeMap::new(),
            committed: BTreeMap::new(),
            rebalance: None,
            history: VecDeque::new(),
            partition_counts: BTreeMap::new(),
            next_member: 0,
            rebalances: 0,
        }
    }

    /// Whether a rebalance is in progress.
    pub fn is_rebalancing(&self) -> bool {
        self.rebalance.is_some()
    }

    /// Union of the members' subscriptions.
    pub fn subscribed_topics(&self) -> BTreeSet<String> {
        self.members
            .values()
            .flat_map(|m| m.topics.iter().cloned())
            .collect()
    }

    /// The current owner of every owned partition.
    pub fn owners(&self) -> BTreeMap<TopicPartition, String> {
        let mut out = BTreeMap::new();
        for m in self.members.values() {
            for tp in &m.assignment {
                out.insert(tp.clone(), m.id.clone());
            }
        }
        out
    }

    /// Appends to the bounded history.
    pub fn record_history(&mut self, at_ms: VirtualMs, reason: &str) {
        let assignment = self
            .members
            .values()
            .map(|m| (m.id.clone(), m.assignment.clone()))
            .collect();
        self.history.push_back(RebalanceRecord {
            generation: self.generation,
            at_ms,
            reason: reason.to_string(),
            assignment,
        });
        while self.history.len() > MAX_REBALANCE_HISTORY {
            self.history.pop_front();
        }
    }

    /// A canonical text for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = format!(
            "group={};{};{};{};{:?};{:?};{:?};{};{};",
            self.id,
            self.state.as_str(),
            self.generation,
            self.assignor.as_str(),
            self.leader,
            self.committed,
            self.rebalance,
            self.next_member,
            self.rebalances
        );
        for m in self.members.values() {
            out.push_str(&format!(
                "m={};{:?};{:?};{:?};{};{};{};{};{};{};{};",
                m.id,
                m.topics,
                m.assignment,
                m.positions,
                m.generation,
                m.rejoined,
                m.last_poll_ms,
                m.last_heartbeat_ms,
                m.last_auto_commit_ms,
                m.crashed,
                m.poll_cursor
            ));
        }
        out.push_str(&format!("h={};", self.history.len()));
        out
    }
}

/// Every consumer group of the cluster, by id.
pub type Groups = BTreeMap<String, ConsumerGroup>;
