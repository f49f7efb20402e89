//! A shard: an ordered, append-only log of records owning one hash-key range.

use std::collections::VecDeque;

use crate::engine::kinesis::hash_key::HashKeyRange;
use crate::engine::kinesis::sequence_number::{SequenceNumber, CLOSED_SHARD_SEQ_INDEX};
use crate::engine::time::VirtualMs;

/// One record as stored in a shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// Per-shard sequence index; strictly increasing along the shard.
    pub seq_index: u64,
    /// Virtual time the shard accepted the record (`ApproximateArrivalTimestamp`).
    pub arrival_ms: VirtualMs,
    /// The 128-bit hash key the record was routed by (MD5 of the key, or the explicit hash key).
    pub hash_key: u128,
    /// The partition key as sent.
    pub partition_key: Box<str>,
    /// The data blob (decoded bytes).
    pub data: Box<[u8]>,
}

/// Lifecycle of a shard (§1.10): open for writes, closed by a reshard, expired after retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardState {
    /// Receives writes and serves reads.
    Open,
    /// Read-only after a split or merge; its ending sequence number is set.
    Closed,
}

/// A shard of a stream.
#[derive(Clone, Debug)]
pub struct Shard {
    index: u32,
    range: HashKeyRange,
    parent: Option<u32>,
    adjacent_parent: Option<u32>,
    created_unix_s: u64,
    state: ShardState,
    next_seq_index: u64,
    records: VecDeque<StoredRecord>,
    total_bytes: u64,
    /// Virtual time the shard was closed by a split or merge (§1.9: it expires once
    /// `closed_ms + retention` has passed).
    closed_ms: Option<VirtualMs>,
}

impl Shard {
    /// A new open shard with index `index` covering `range`, created at `created_unix_s`.
    pub fn new(
        index: u32,
        range: HashKeyRange,
        parent: Option<u32>,
        adjacent_parent: Option<u32>,
        created_unix_s: u64,
    ) -> Shard {
        Shard {
            index,
            range,
            parent,
            adjacent_parent,
            created_unix_s,
            state: ShardState::Open,
            // Index 0 is the shard's StartingSequenceNumber, below every record (§1.6).
            next_seq_index: 1,
            records: VecDeque::new(),
            total_bytes: 0,
            closed_ms: None,
        }
    }

    /// The shard index (`shardId-%012d`).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// `shardId-000000000007`.
    pub fn shard_id(&self) -> String {
        shard_id(self.index)
    }

    /// The hash-key range the shard owns.
    pub fn range(&self) -> HashKeyRange {
        self.range
    }

    /// Unix seconds of the shard's creation (embedded in its sequence numbers).
    pub fn created_unix_s(&self) -> u64 {
        self.created_unix_s
    }

    /// `ParentShardId`.
    pub fn parent(&self) -> Option<u32> {
        self.parent
    }

    /// `AdjacentParentShardId` (merge children only).
    pub fn adjacent_parent(&self) -> Option<u32> {
        self.adjacent_parent
    }

    /// Open or closed.
    pub fn state(&self) -> ShardState {
        self.state
    }

    /// Sequence index the next appended record will get (a LATEST iterator's position).
    pub fn next_seq_index(&self) -> u64 {
        self.next_seq_index
    }

    /// Position in [`Shard::records`] of the first retained record with `seq_index >= position`.
    pub fn first_at_or_after(&self, position: u64) -> usize {
        self.records.partition_point(|r| r.seq_index < position)
    }

    /// Retained records in sequence order.
    pub fn records(&self) -> &VecDeque<StoredRecord> {
        &self.records
    }

    /// Bytes of data and partition keys retained.
    pub fn retained_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Appends a record arriving at `arrival_ms` (Unix time `arrival_unix_s`) and returns its
    /// sequence number. The caller has checked that the shard is open.
    pub fn append(
        &mut self,
        arrival_ms: VirtualMs,
        arrival_unix_s: u64,
        hash_key: u128,
        partition_key: &str,
        data: &[u8],
    ) -> SequenceNumber {
        debug_assert_eq!(
            self.state,
            ShardState::Open,
            "closed shards never receive writes"
        );
        let seq_index = self.next_seq_index;
        self.next_seq_index += 1;
        self.total_bytes += (data.len() + partition_key.len()) as u64;
        self.records.push_back(StoredRecord {
            seq_index,
            arrival_ms,
            hash_key,
            partition_key: partition_key.into(),
            data: data.into(),
        });
        self.sequence_number(seq_index, arrival_unix_s)
    }

    /// Sequence number of the record with `seq_index` that arrived at `arrival_unix_s`.
    pub fn sequence_number(&self, seq_index: u64, arrival_unix_s: u64) -> SequenceNumber {
        SequenceNumber {
            shard_created_s: self.created_unix_s,
            seq_index,
            arrival_s: arrival_unix_s,
            shard_index: self.index,
        }
    }

    /// `SequenceNumberRange.StartingSequenceNumber`.
    pub fn starting_sequence_number(&self) -> SequenceNumber {
        self.sequence_number(0, self.created_unix_s)
    }

    /// `SequenceNumberRange.EndingSequenceNumber`, set once the shard is closed.
    pub fn ending_sequence_number(&self) -> Option<SequenceNumber> {
        match self.state {
            ShardState::Open => None,
            ShardState::Closed => {
                Some(self.sequence_number(CLOSED_SHARD_SEQ_INDEX, self.created_unix_s))
            }
        }
    }

    /// Closes the shard at virtual time `now` (a split or merge completed, §1.10).
    pub fn close_at(&mut self, now: VirtualMs) {
        self.state = ShardState::Closed;
        self.closed_ms = Some(now);
    }

    /// When the shard was closed, if it is closed (§1.9, §1.10).
    pub fn closed_ms(&self) -> Option<VirtualMs> {
        self.closed_ms
    }

    /// Closes the shard (after a split or merge): no more writes.
    pub fn close(&mut self) {
        self.state = ShardState::Closed;
    }

    /// Drops records that arrived before `horizon_ms`; returns how many were dropped.
    pub fn trim_before(&mut self, horizon_ms: VirtualMs) -> usize {
        let mut n = 0;
        while self
            .records
            .front()
            .is_some_and(|r| r.arrival_ms < horizon_ms)
        {
            if let Some(r) = self.records.pop_front() {
                self.total_bytes -= (r.data.len() + r.partition_key.len()) as u64;
                n += 1;
            }
        }
        n
    }
}

/// `shardId-` followed by the 12-digit zero-padded index (§1.1).
pub fn shard_id(index: u32) -> String {
    format!("shardId-{index:012}")
}

/// Parses `shardId-000000000007` (and the emulator shorthands `shard-7` / `7`, §1.1).
pub fn parse_shard_id(s: &str) -> Option<u32> {
    let digits = s
        .strip_prefix("shardId-")
        .or_else(|| s.strip_prefix("shard-"))
        .unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
