//! A Kinesis data stream: its status, capacity mode, retention and shards.

use std::collections::BTreeMap;

use crate::engine::kinesis::hash_key::{initial_layout, HashKeyRange};
use crate::engine::kinesis::limits;
use crate::engine::kinesis::shard::{Shard, ShardState};
use crate::engine::time::VirtualMs;

/// `StreamStatus` (§1.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamStatus {
    /// Just created; not yet readable or writable.
    Creating,
    /// Ready.
    Active,
    /// A reshard or mode change is running; reads and writes continue.
    Updating,
    /// Being deleted.
    Deleting,
}

impl StreamStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Creating => "CREATING",
            StreamStatus::Active => "ACTIVE",
            StreamStatus::Updating => "UPDATING",
            StreamStatus::Deleting => "DELETING",
        }
    }

    /// Whether PutRecord / GetRecords are served (§1.5, §1.11: ACTIVE or UPDATING).
    pub fn allows_io(self) -> bool {
        matches!(self, StreamStatus::Active | StreamStatus::Updating)
    }
}

/// `StreamModeDetails.StreamMode` (§1.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamMode {
    /// You choose the shard count.
    Provisioned,
    /// The service scales shards.
    OnDemand,
}

impl StreamMode {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
}

/// One stream and everything it owns.
#[derive(Clone, Debug)]
pub struct Stream {
    name: String,
    arn: String,
    created_ms: VirtualMs,
    created_unix_s: u64,
    /// Current status.
    pub status: StreamStatus,
    /// Capacity mode.
    pub mode: StreamMode,
    /// Retention in hours, 24..=8760 (§1.9).
    pub retention_hours: u32,
    /// Largest record accepted, KiB (§1.4).
    pub max_record_size_kib: u32,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Pending reshard / mode switch and the rolling-24 h rate-rule counters (§1.10, §1.12).
    pub reshard: crate::engine::kinesis::reshard::ReshardState,
    /// On-demand scaling state (§1.12).
    pub on_demand: crate::engine::kinesis::on_demand::OnDemandState,
    shards: Vec<Shard>,
    /// Indices into `shards` of open shards, sorted by starting hash key.
    open_by_start: Vec<usize>,
}

impl Stream {
    /// A new stream in status CREATING with `shard_count` shards laid out per §1.3.
    pub fn new(
        name: &str,
        arn: String,
        shard_count: u32,
        mode: StreamMode,
        created_ms: VirtualMs,
        created_unix_s: u64,
    ) -> Stream {
        let shards: Vec<Shard> = initial_layout(shard_count)
            .into_iter()
            .enumerate()
            .map(|(i, range)| Shard::new(i as u32, range, None, None, created_unix_s))
            .collect();
        let open_by_start = (0..shards.len()).collect();
        Stream {
            name: name.to_string(),
            arn,
            created_ms,
            created_unix_s,
            status: StreamStatus::Creating,
            mode,
            retention_hours: limits::DEFAULT_RETENTION_HOURS,
            max_record_size_kib: limits::DEFAULT_MAX_RECORD_SIZE_KIB,
            tags: BTreeMap::new(),
            reshard: Default::default(),
            on_demand: Default::default(),
            shards,
            open_by_start,
        }
    }

    /// The stream name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stream ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// Virtual time of creation.
    pub fn created_ms(&self) -> VirtualMs {
        self.created_ms
    }

    /// Unix seconds of creation (`StreamCreationTimestamp`).
    pub fn created_unix_s(&self) -> u64 {
        self.created_unix_s
    }

    /// Every shard ever created and not yet expired, in index order.
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The shard with `index`, if it exists.
    pub fn shard(&self, index: u32) -> Option<&Shard> {
        self.shards.iter().find(|s| s.index() == index)
    }

    /// Mutable shard with `index`.
    pub fn shard_mut(&mut self, index: u32) -> Option<&mut Shard> {
        self.shards.iter_mut().find(|s| s.index() == index)
    }

    /// Open shards in hash-key order.
    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.open_by_start.iter().map(|&i| &self.shards[i])
    }

    /// Number of open shards.
    pub fn open_shard_count(&self) -> usize {
        self.open_by_start.len()
    }

    /// Position in `shards` of the open shard whose range contains `hash_key` (§1.2).
    ///
    /// Open shards tile the key space, so exactly one matches.
    pub fn route(&self, hash_key: u128) -> Option<usize> {
        let pos = self
            .open_by_start
            .partition_point(|&i| self.shards[i].range().starting <= hash_key);
        let i = *self.open_by_start.get(pos.checked_sub(1)?)?;
        self.shards[i].range().contains(hash_key).then_some(i)
    }

    /// Mutable access by position in `shards`.
    pub fn shard_at_mut(&mut self, pos: usize) -> &mut Shard {
        &mut self.shards[pos]
    }

    /// Shard by position in `shards`.
    pub fn shard_at(&self, pos: usize) -> &Shard {
        &self.shards[pos]
    }

    /// The open shards' ranges in hash-key order (they tile `[0, 2^128 − 1]`).
    pub fn open_ranges(&self) -> Vec<HashKeyRange> {
        self.open_shards().map(Shard::range).collect()
    }

    /// Drops records older than the retention period at virtual time `now`.
    pub fn apply_retention(&mut self, now: VirtualMs) -> usize {
        let keep_ms = u64::from(self.retention_hours) * 3_600_000;
        let horizon = now.saturating_sub(keep_ms);
        if now < keep_ms {
            return 0;
        }
        let trimmed = self.shards.iter_mut().map(|s| s.trim_before(horizon)).sum();
        // §1.9: closed shards whose records all aged out become EXPIRED (reshard.rs).
        self.expire_closed_shards(now);
        trimmed
    }

    /// Mutable access to the shard list for resharding and expiry (`reshard.rs`); afterwards the
    /// list is put back in index order and the open-shard routing index is rebuilt (§1.10).
    pub(crate) fn edit_shards<R>(&mut self, f: impl FnOnce(&mut Vec<Shard>) -> R) -> R {
        let out = f(&mut self.shards);
        self.shards.sort_by_key(Shard::index);
        let mut open: Vec<usize> = (0..self.shards.len())
            .filter(|&i| self.shards[i].state() == ShardState::Open)
            .collect();
        open.sort_by_key(|&i| self.shards[i].range().starting);
        self.open_by_start = open;
        out
    }

    /// Number of shards (open and closed) currently listed.
    pub fn listed_shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Whether the shard at `pos` is open.
    pub fn is_open(&self, pos: usize) -> bool {
        self.shards[pos].state() == ShardState::Open
    }
}
