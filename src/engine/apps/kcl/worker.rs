//! Workers and their record processors (semantics.md §2.1, §2.5).
//!
//! A worker holds leases; for each it runs one record processor ("shard consumer") that waits on
//! the shard's parents, reads with GetRecords, processes records one by one on virtual time and
//! checkpoints by the application's policy, until it shuts down with a [`ShutdownReason`].

use std::collections::{BTreeMap, VecDeque};

use crate::engine::time::VirtualMs;

/// `ShutdownReason` (§2.5), in rank order; a processor's reason only moves to a higher rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShutdownReason {
    /// The application is shutting down; the processor gets a final chance to checkpoint.
    Requested,
    /// The shard is closed and fully delivered; the processor checkpointed SHARD_END.
    ShardEnd,
    /// Another worker owns the lease; the processor must not checkpoint.
    LeaseLost,
}

impl ShutdownReason {
    /// The KCL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShutdownReason::Requested => "REQUESTED",
            ShutdownReason::ShardEnd => "SHARD_END",
            ShutdownReason::LeaseLost => "LEASE_LOST",
        }
    }
}

/// Lifecycle of one record processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorState {
    /// Blocked until every parent lease is at SHARD_END; checks again at `next_check` (§2.4).
    WaitingOnParents {
        /// Virtual time of the next check.
        next_check: VirtualMs,
    },
    /// Reading and processing records.
    Processing,
    /// Shut down; the worker drops it (LEASE_LOST, REQUESTED) or keeps renewing its finished
    /// lease until clean-up deletes it (SHARD_END).
    ShutDown(ShutdownReason),
}

impl ProcessorState {
    /// A short label: `WAITING_ON_PARENT_SHARDS`, `PROCESSING`, `SHUTDOWN(SHARD_END)`.
    pub fn label(self) -> String {
        match self {
            ProcessorState::WaitingOnParents { .. } => "WAITING_ON_PARENT_SHARDS".to_string(),
            ProcessorState::Processing => "PROCESSING".to_string(),
            ProcessorState::ShutDown(r) => format!("SHUTDOWN({})", r.as_str()),
        }
    }

    /// Moves to `ShutDown(reason)` unless already shut down with a higher-ranked reason (§2.5).
    pub fn shut_down(&mut self, reason: ShutdownReason) {
        match *self {
            ProcessorState::ShutDown(r) if r >= reason => {}
            _ => *self = ProcessorState::ShutDown(reason),
        }
    }
}

/// How the worker came to hold a lease: the cause behind re-reads (the anomaly ledger).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakeHow {
    /// The lease had no owner.
    Unowned,
    /// The owner stopped renewing for longer than the failover time.
    Expired,
    /// Unrenewed for 3 × failover time; taken with priority.
    VeryOld,
    /// Stolen from the most loaded worker to reach the target.
    Stolen,
}

impl TakeHow {
    /// Upper-case label.
    pub fn as_str(self) -> &'static str {
        match self {
            TakeHow::Unowned => "UNOWNED",
            TakeHow::Expired => "EXPIRED",
            TakeHow::VeryOld => "VERY_OLD",
            TakeHow::Stolen => "STOLEN",
        }
    }
}

/// What had happened to the previous owner when a lease was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// No previous owner.
    None,
    /// Still running.
    Running,
    /// Killed at this time.
    Killed(VirtualMs),
    /// Paused since this time.
    Paused(VirtualMs),
    /// Stopped with its application at this time.
    Stopped(VirtualMs),
    /// Not a worker of this run (e.g. from before a restart).
    Unknown,
}

/// The circumstances of a take, kept by the new processor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// When the lease was taken.
    pub taken_at: VirtualMs,
    /// How.
    pub how: TakeHow,
    /// The previous owner's worker id.
    pub previous_owner: Option<String>,
    /// The previous owner's state at the take.
    pub previous_fate: Fate,
    /// The checkpoint at the take (rendered).
    pub checkpoint: String,
    /// The highest sequence number of the shard processed by anyone before the take.
    pub processed_up_to: Option<String>,
}

/// A record fetched by GetRecords and waiting to be processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Sequence number.
    pub seq: Box<str>,
    /// Per-shard sequence index.
    pub idx: u64,
    /// Sub-sequence number of a user record inside a KPL aggregate (None: not an aggregate).
    pub sub: Option<u64>,
    /// Partition key (the user record's, inside an aggregate).
    pub key: Box<str>,
    /// Data (the user record's, inside an aggregate).
    pub data: Box<[u8]>,
    /// Virtual arrival time.
    pub arrival_ms: VirtualMs,
}

/// A `ChildShards` entry of the GetRecords response that ended a closed shard (§1.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildShard {
    /// Shard index.
    pub index: u32,
    /// Shard id.
    pub id: String,
    /// Its parents' shard ids.
    pub parents: Vec<String>,
    /// Its hash-key range.
    pub range: (u128, u128),
}

/// One record processor, for one held lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processor {
    /// Shard index.
    pub shard: u32,
    /// `leaseKey`.
    pub lease_key: String,
    /// The lease counter as this worker last wrote it (the renewal/checkpoint condition).
    pub counter: u64,
    /// Lifecycle.
    pub state: ProcessorState,
    /// The current shard iterator, if any.
    pub iterator: Option<String>,
    /// The checkpoint the processor started from.
    pub start: String,
    /// Last record fetched: sequence number and index (an expired iterator restarts after it).
    pub last_fetched: Option<(Box<str>, u64)>,
    /// Fetched records not yet processed.
    pub buffer: VecDeque<Fetched>,
    /// Virtual time the head of the buffer started (or starts) processing.
    pub busy_until: VirtualMs,
    /// `ChildShards` of a drained closed shard: SHARD_END once the buffer is processed.
    pub shard_end: Option<Vec<ChildShard>>,
    /// Last processed record: sequence number and index.
    pub last_processed: Option<(Box<str>, u64)>,
    /// Sub-sequence number of the last processed record if it was a user record of an aggregate.
    pub last_sub: Option<u64>,
    /// Resuming inside an aggregate: its sequence index and the last sub-sequence number already
    /// processed (those user records are skipped when the aggregate is read again).
    pub skip: Option<(u64, u64)>,
    /// Records processed since the last checkpoint.
    pub since_checkpoint: u64,
    /// Virtual time of the last checkpoint (or of the start).
    pub last_checkpoint_ms: VirtualMs,
    /// How the lease was obtained.
    pub origin: Origin,
    /// Open duplicate run in the ledger (entry index).
    pub dup_entry: Option<usize>,
    /// Open out-of-order runs in the ledger, by partition key.
    pub ooo_entries: BTreeMap<Box<str>, usize>,
}

impl Processor {
    /// A processor for a lease taken at `now` with counter `counter`.
    pub fn new(
        shard: u32,
        lease_key: String,
        counter: u64,
        start: String,
        origin: Origin,
        now: VirtualMs,
    ) -> Processor {
        Processor {
            shard,
            lease_key,
            counter,
            state: ProcessorState::WaitingOnParents { next_check: now },
            iterator: None,
            start,
            last_fetched: None,
            buffer: VecDeque::new(),
            busy_until: now,
            shard_end: None,
            last_processed: None,
            last_sub: None,
            skip: None,
            since_checkpoint: 0,
            last_checkpoint_ms: now,
            origin,
            dup_entry: None,
            ooo_entries: BTreeMap::new(),
        }
    }
}

/// A worker's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    /// Running its renewer, taker and processors.
    Alive,
    /// Frozen (e.g. a long GC pause) from `since` until `until`.
    Paused {
        /// Start of the pause.
        since: VirtualMs,
        /// End of the pause.
        until: VirtualMs,
    },
    /// Killed: stopped instantly, no checkpoint, no lease released.
    Dead {
        /// When.
        at: VirtualMs,
    },
    /// Shut down with its application (REQUESTED).
    Stopped {
        /// When.
        at: VirtualMs,
    },
}

impl WorkerState {
    /// Upper-case label.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerState::Alive => "ALIVE",
            WorkerState::Paused { .. } => "PAUSED",
            WorkerState::Dead { .. } => "DEAD",
            WorkerState::Stopped { .. } => "STOPPED",
        }
    }

    /// What another worker taking its lease would record about it.
    pub fn fate(self) -> Fate {
        match self {
            WorkerState::Alive => Fate::Running,
            WorkerState::Paused { since, .. } => Fate::Paused(since),
            WorkerState::Dead { at } => Fate::Killed(at),
            WorkerState::Stopped { at } => Fate::Stopped(at),
        }
    }
}

/// One worker (`Scheduler` in KCL 2.x).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worker {
    /// `worker-N`.
    pub id: String,
    /// `N`.
    pub number: u32,
    /// Life.
    pub state: WorkerState,
    /// Bumped whenever its scheduled activities must be abandoned (kill, pause, resume, stop).
    pub epoch: u64,
    /// Per-record processing time overriding the application's (a slowed worker).
    pub processing_ms: Option<VirtualMs>,
    /// Record processors by `leaseKey`.
    pub processors: BTreeMap<String, Processor>,
    /// Records processed by this worker.
    pub processed: u64,
    /// When it started.
    pub started_at: VirtualMs,
}

impl Worker {
    /// A new alive worker number `n` started at `now`.
    pub fn new(n: u32, now: VirtualMs) -> Worker {
        Worker {
            id: format!("worker-{n}"),
            number: n,
            state: WorkerState::Alive,
            epoch: 0,
            processing_ms: None,
            processors: BTreeMap::new(),
            processed: 0,
            started_at: now,
        }
    }

    /// Whether its activities run.
    pub fn is_alive(&self) -> bool {
        self.state == WorkerState::Alive
    }
}
