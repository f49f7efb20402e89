//! The lease table: one item per shard with the attributes of semantics.md §2.2, and its
//! rendering as DynamoDB items.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::engine::apps::kcl::config::{FAILOVER_TIME_MS, VERY_OLD_MULTIPLIER};
use crate::engine::time::VirtualMs;

/// The `checkpoint` attribute: a sequence number or one of the sentinels of §2.2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checkpoint {
    /// Start at the oldest retained record (initial position, and every child lease, §2.4).
    TrimHorizon,
    /// Start after the newest record at the moment the shard is first read.
    Latest,
    /// Start at the application's `AT_TIMESTAMP` instant.
    AtTimestamp,
    /// The shard was read to its end and its processor checkpointed SHARD_END (§2.4, §2.5).
    ShardEnd,
    /// The last processed record: its sequence number and per-shard sequence index.
    Sequence(String, u64),
    /// The last processed user record inside a KPL aggregate (§2.6): the aggregate's sequence
    /// number and per-shard sequence index, and the user record's sub-sequence number (stored as
    /// `checkpointSubSequenceNumber`). Resuming reads the aggregate again and skips the user
    /// records up to that sub-sequence number.
    SubSequence(String, u64, u64),
}

impl Checkpoint {
    /// The attribute value as stored: a sequence number or a sentinel name.
    pub fn as_str(&self) -> &str {
        match self {
            Checkpoint::TrimHorizon => "TRIM_HORIZON",
            Checkpoint::Latest => "LATEST",
            Checkpoint::AtTimestamp => "AT_TIMESTAMP",
            Checkpoint::ShardEnd => "SHARD_END",
            Checkpoint::Sequence(s, _) | Checkpoint::SubSequence(s, _, _) => s,
        }
    }

    /// Sequence index of a sequence-number checkpoint.
    pub fn seq_index(&self) -> Option<u64> {
        match self {
            Checkpoint::Sequence(_, i) | Checkpoint::SubSequence(_, i, _) => Some(*i),
            _ => None,
        }
    }

    /// `checkpointSubSequenceNumber`: the user record's sub-sequence number inside an aggregate,
    /// otherwise 0.
    pub fn sub_sequence(&self) -> u64 {
        match self {
            Checkpoint::SubSequence(_, _, sub) => *sub,
            _ => 0,
        }
    }
}

/// One lease: binds one shard to at most one worker (§2.1, §2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// `leaseKey`: the shard id.
    pub key: String,
    /// Shard index.
    pub shard: u32,
    /// `leaseOwner`: the worker holding it.
    pub owner: Option<String>,
    /// `leaseCounter`: incremented by every renewal, take and checkpoint.
    pub counter: u64,
    /// `checkpoint`.
    pub checkpoint: Checkpoint,
    /// `checkpointSubSequenceNumber`: the sub-sequence number of the last processed user record
    /// inside a KPL aggregate (0 for records that are not aggregates).
    pub checkpoint_sub: u64,
    /// `ownerSwitchesSinceCheckpoint`.
    pub owner_switches_since_checkpoint: u64,
    /// `parentShardId`: parents that must reach SHARD_END first.
    pub parents: Vec<String>,
    /// `childShardIds`, set when the shard reached its end (§2.2, KCL 2.3+).
    pub children: Vec<String>,
    /// `startingHashKey` (§2.2, KCL 2.3+).
    pub starting_hash_key: u128,
    /// `endingHashKey` (§2.2, KCL 2.3+).
    pub ending_hash_key: u128,
    /// When `leaseCounter` last changed (model of §2.3: a lease is expired once its counter has
    /// not changed for longer than the failover time).
    pub last_counter_change_ms: VirtualMs,
    /// Whether a processor ever got past the parent check for this lease (§2.4: parents are
    /// deleted only after their children are processing).
    pub processing_started: bool,
}

impl Lease {
    /// A new unowned lease created at `now`.
    pub fn new(
        shard: u32,
        key: String,
        checkpoint: Checkpoint,
        parents: Vec<String>,
        range: (u128, u128),
        now: VirtualMs,
    ) -> Lease {
        Lease {
            key,
            shard,
            owner: None,
            counter: 0,
            checkpoint,
            checkpoint_sub: 0,
            owner_switches_since_checkpoint: 0,
            parents,
            children: Vec::new(),
            starting_hash_key: range.0,
            ending_hash_key: range.1,
            last_counter_change_ms: now,
            processing_started: false,
        }
    }

    /// §2.3: expired if it has no owner, or its counter has not changed for longer than
    /// `failoverTimeMillis`.
    pub fn is_expired(&self, now: VirtualMs) -> bool {
        self.owner.is_none() || now.saturating_sub(self.last_counter_change_ms) > FAILOVER_TIME_MS
    }

    /// §2.3: unrenewed for longer than `3 × failoverTimeMillis` (taken with priority).
    pub fn is_very_old(&self, now: VirtualMs) -> bool {
        self.owner.is_some()
            && now.saturating_sub(self.last_counter_change_ms)
                > VERY_OLD_MULTIPLIER * FAILOVER_TIME_MS
    }

    /// Milliseconds until the lease expires at `now` (negative once expired; owned leases only).
    pub fn expires_in_ms(&self, now: VirtualMs) -> Option<i64> {
        self.owner.as_ref()?;
        Some(self.last_counter_change_ms as i64 + FAILOVER_TIME_MS as i64 - now as i64)
    }

    /// Bumps the counter at `now` (renewal, take, checkpoint).
    pub fn bump(&mut self, now: VirtualMs) {
        self.counter += 1;
        self.last_counter_change_ms = self.last_counter_change_ms.max(now);
    }

    /// The item as DynamoDB returns it from a Scan (attribute-value JSON). Empty sets are left
    /// out, as DynamoDB cannot store them.
    pub fn to_item(&self) -> Value {
        let mut m = Map::new();
        m.insert("leaseKey".into(), json!({ "S": self.key }));
        if let Some(o) = &self.owner {
            m.insert("leaseOwner".into(), json!({ "S": o }));
        }
        m.insert(
            "leaseCounter".into(),
            json!({ "N": self.counter.to_string() }),
        );
        m.insert(
            "checkpoint".into(),
            json!({ "S": self.checkpoint.as_str() }),
        );
        m.insert(
            "checkpointSubSequenceNumber".into(),
            json!({ "N": self.checkpoint_sub.to_string() }),
        );
        m.insert(
            "ownerSwitchesSinceCheckpoint".into(),
            json!({ "N": self.owner_switches_since_checkpoint.to_string() }),
        );
        if !self.parents.is_empty() {
            m.insert("parentShardId".into(), json!({ "SS": self.parents }));
        }
        if !self.children.is_empty() {
            m.insert("childShardIds".into(), json!({ "SS": self.children }));
        }
        m.insert(
            "startingHashKey".into(),
            json!({ "S": self.starting_hash_key.to_string() }),
        );
        m.insert(
            "endingHashKey".into(),
            json!({ "S": self.ending_hash_key.to_string() }),
        );
        Value::Object(m)
    }
}

/// The lease table of one application, by `leaseKey` (shard ids sort numerically: they are
/// zero-padded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseTable {
    leases: BTreeMap<String, Lease>,
}

impl LeaseTable {
    /// Leases in key order.
    pub fn all(&self) -> impl Iterator<Item = &Lease> {
        self.leases.values()
    }

    /// Number of leases.
    pub fn len(&self) -> usize {
        self.leases.len()
    }

    /// Whether the table has no lease.
    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }

    /// The lease with `key`.
    pub fn get(&self, key: &str) -> Option<&Lease> {
        self.leases.get(key)
    }

    /// The mutable lease with `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Lease> {
        self.leases.get_mut(key)
    }

    /// Adds a lease unless one with its key exists; returns whether it was added.
    pub fn create(&mut self, lease: Lease) -> bool {
        if self.leases.contains_key(&lease.key) {
            return false;
        }
        self.leases.insert(lease.key.clone(), lease);
        true
    }

    /// Deletes a lease.
    pub fn delete(&mut self, key: &str) -> Option<Lease> {
        self.leases.remove(key)
    }

    /// Whether `worker` holds `key` with counter `counter` (the condition of every conditional
    /// update a lease holder makes: renew, checkpoint).
    pub fn held_by(&self, key: &str, worker: &str, counter: u64) -> bool {
        self.leases
            .get(key)
            .is_some_and(|l| l.owner.as_deref() == Some(worker) && l.counter == counter)
    }
}
