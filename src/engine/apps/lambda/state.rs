//! The per-shard state of an event source mapping: read position, buffered records, batches in
//! flight or waiting for a retry, the checkpoint, and the logs it keeps.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::time::VirtualMs;

/// A record read from the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LRecord {
    /// Sequence number (decimal).
    pub seq: String,
    /// Per-shard sequence index (orders records).
    pub seq_index: u64,
    /// Partition key.
    pub partition_key: String,
    /// Data.
    pub data: Vec<u8>,
    /// Arrival in the stream, virtual ms.
    pub arrival_ms: VirtualMs,
    /// When the poller read it, virtual ms (starts the batching window).
    pub read_at: VirtualMs,
}

/// A batch of one shard's records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Records in sequence order.
    pub records: Vec<LRecord>,
    /// Retries made so far (bisecting does not count, §3).
    pub attempts: u32,
    /// Whether it is a half of a bisected batch.
    pub bisected: bool,
    /// Invocations of (the records of) this batch so far.
    pub invokes: u32,
}

/// What the function returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success.
    Success,
    /// The function failed as a whole (message).
    FunctionError(String),
    /// `batchItemFailures` with these item identifiers (sequence numbers).
    Partial(Vec<String>),
}

/// An invocation under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    /// The batch.
    pub batch: Batch,
    /// The result it will have.
    pub outcome: Outcome,
    /// Start time.
    pub started: VirtualMs,
    /// Invocation id.
    pub id: u64,
}

/// One concurrent lane of a shard (`ParallelizationFactor` lanes; a partition key always maps to
/// the same lane, so its records stay in order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slot {
    /// Records read and not yet batched.
    pub buffer: VecDeque<LRecord>,
    /// Batches to (re)invoke before anything new: retries and bisected halves.
    pub pending: VecDeque<Batch>,
    /// The invocation under way.
    pub in_flight: Option<InFlight>,
    /// No invocation before this time (retry delay).
    pub retry_at: VirtualMs,
    /// A batching-window wake-up already scheduled for this time.
    pub window_wake: Option<VirtualMs>,
}

impl Slot {
    /// Records held (buffered, pending or in flight).
    pub fn held(&self) -> usize {
        self.buffer.len()
            + self.pending.iter().map(|b| b.records.len()).sum::<usize>()
            + self.in_flight.as_ref().map_or(0, |f| f.batch.records.len())
    }
}

/// Where a shard's reading (re)starts when the mapping has no iterator.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// Oldest retained record.
    TrimHorizon,
    /// The shard's tip.
    Latest,
    /// First record at or after a Unix time, seconds.
    AtTimestamp(f64),
    /// After a sequence number.
    After(String),
}

/// A mapping's view of one shard.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardPoller {
    /// Where reading starts without an iterator.
    pub start: Start,
    /// Where reading started before anything was processed (for a re-enable).
    pub origin: Start,
    /// The current iterator.
    pub iterator: Option<String>,
    /// The shard is closed and fully read (null `NextShardIterator`).
    pub ended: bool,
    /// Ended and every record processed: child shards may start.
    pub finished: bool,
    /// Records read and not yet behind the checkpoint: seq index → (sequence number, processed).
    pub read_log: BTreeMap<u64, (String, bool)>,
    /// The last checkpointed sequence number.
    pub checkpoint: Option<String>,
    /// Lanes.
    pub slots: Vec<Slot>,
    /// `MillisBehindLatest` of the last read.
    pub behind_ms: u64,
}

impl ShardPoller {
    /// A shard starting at `start` with `lanes` lanes.
    pub fn new(start: Start, lanes: u32) -> ShardPoller {
        ShardPoller {
            origin: start.clone(),
            start,
            iterator: None,
            ended: false,
            finished: false,
            read_log: BTreeMap::new(),
            checkpoint: None,
            slots: vec![Slot::default(); lanes.max(1) as usize],
            behind_ms: 0,
        }
    }

    /// Records held in all lanes.
    pub fn held(&self) -> usize {
        self.slots.iter().map(Slot::held).sum()
    }

    /// Marks records processed (or discarded) and moves the checkpoint over every processed
    /// record that has no unprocessed record before it.
    pub fn mark_processed(&mut self, records: &[LRecord]) {
        for r in records {
            if let Some(e) = self.read_log.get_mut(&r.seq_index) {
                e.1 = true;
            }
        }
        while let Some(e) = self.read_log.first_entry() {
            if !e.get().1 {
                break;
            }
            let (_, (seq, _)) = e.remove_entry();
            self.checkpoint = Some(seq);
        }
    }

    /// Drops everything read and restarts reading after the checkpoint (or where it first
    /// started), as after a disable or a reconfiguration.
    pub fn reset(&mut self, lanes: u32) {
        if self.finished {
            return;
        }
        self.slots = vec![Slot::default(); lanes.max(1) as usize];
        self.read_log.clear();
        self.iterator = None;
        self.ended = false;
        self.start = match &self.checkpoint {
            Some(seq) => Start::After(seq.clone()),
            None => self.origin.clone(),
        };
    }
}

/// One completed invocation, for `ListInvocations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Invocation id (0, 1, …).
    pub id: u64,
    /// Shard index.
    pub shard: u32,
    /// Lane.
    pub slot: u32,
    /// First and last sequence numbers of the batch.
    pub first_seq: String,
    /// Last sequence number of the batch.
    pub last_seq: String,
    /// Kinesis records in the batch.
    pub size: usize,
    /// User records after de-aggregation.
    pub user_records: usize,
    /// Start and end, virtual ms.
    pub started: VirtualMs,
    /// End, virtual ms.
    pub finished: VirtualMs,
    /// `Success`, `FunctionError` or `PartialFailure`.
    pub outcome: &'static str,
    /// Error message.
    pub error: Option<String>,
    /// Retries of this batch before this invocation.
    pub retry_attempt: u32,
    /// Whether the batch was a bisected half.
    pub bisected: bool,
    /// `batchItemFailures` returned.
    pub failed_items: Vec<String>,
    /// What the mapping did next: `Checkpointed`, `Bisected`, `Retrying`, `Discarded`.
    pub action: &'static str,
    /// The shard's checkpoint afterwards.
    pub checkpoint: Option<String>,
}

/// An invocation record sent to the on-failure destination (§3 shape; rendered in `report.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureRecord {
    /// `requestContext.requestId`.
    pub request_id: String,
    /// `RetryAttemptsExhausted` or `RecordAgeExceeded`.
    pub condition: &'static str,
    /// `approximateInvokeCount`.
    pub invoke_count: u32,
    /// `responseContext.functionError`, if the function failed.
    pub function_error: Option<String>,
    /// When it was sent, virtual ms.
    pub at: VirtualMs,
    /// Shard index.
    pub shard: u32,
    /// First and last sequence numbers.
    pub start_seq: String,
    /// Last sequence number.
    pub end_seq: String,
    /// Arrival of the first and last records, virtual ms.
    pub first_arrival: VirtualMs,
    /// Arrival of the last record, virtual ms.
    pub last_arrival: VirtualMs,
    /// Records in the batch.
    pub batch_size: usize,
}

/// Counters of a mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EsmStats {
    /// Invocations.
    pub invocations: u64,
    /// Successful invocations.
    pub succeeded: u64,
    /// Invocations that failed as a whole.
    pub function_errors: u64,
    /// Invocations that reported batch item failures.
    pub partial_failures: u64,
    /// Records checkpointed after successful processing.
    pub records_processed: u64,
    /// Batches discarded (retries exhausted or records too old).
    pub batches_discarded: u64,
    /// Records discarded.
    pub records_discarded: u64,
    /// Age of the last record of the last batch when it finished, ms (§3 `IteratorAge`).
    pub iterator_age_ms: u64,
}
