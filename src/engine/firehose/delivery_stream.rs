//! One delivery stream: its configuration and the state of every stage of its pipeline.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::apps::sdk_consumer::SdkConsumer;
use crate::engine::firehose::config::Destination;
use crate::engine::firehose::metrics::FhMetrics;
use crate::engine::firehose::quota::DirectPutQuota;
use crate::engine::firehose::record::{Buffer, FhRecord, FlushReason};
use crate::engine::firehose::stores::{Behaviour, Store};
use crate::engine::time::VirtualMs;

/// `DeliveryStreamStatus` (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `CREATING`.
    Creating,
    /// `ACTIVE`.
    Active,
    /// `DELETING`.
    Deleting,
}

impl Status {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "CREATING",
            Status::Active => "ACTIVE",
            Status::Deleting => "DELETING",
        }
    }
}

/// Where records come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// `DirectPut`.
    DirectPut,
    /// `KinesisStreamAsSource`.
    Kinesis {
        /// The data stream's name.
        stream: String,
        /// Its ARN.
        arn: String,
        /// The reader (LATEST at activation, one GetRecords per shard per second; §4.1).
        reader: Option<Box<SdkConsumer>>,
        /// Next poll.
        next_poll_ms: VirtualMs,
    },
}

/// One transform invocation (§4.3), waiting or in flight.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// `invocationId` number.
    pub id: u64,
    /// Records sent.
    pub records: Vec<FhRecord>,
    /// Attempts made so far (1 = first).
    pub attempts: u32,
    /// When the current attempt ends, if started.
    pub ends_ms: Option<VirtualMs>,
    /// The current attempt's failure, decided at its start (None = it succeeds).
    pub failure: Option<(String, String)>,
    /// When it was first started.
    pub first_start_ms: VirtualMs,
}

/// A flushed buffer on its way to the destination.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Batch number (also the HTTP request id suffix).
    pub id: u64,
    /// Why it was flushed.
    pub reason: FlushReason,
    /// Partition prefix (dynamic partitioning) or "".
    pub partition: String,
    /// Records in arrival order.
    pub records: Vec<FhRecord>,
    /// S3 key and bytes of the object (S3 kinds and Redshift staging).
    pub object: Option<(String, Vec<u8>, u64)>,
    /// Attempts made.
    pub attempts: u32,
    /// First attempt start.
    pub first_attempt_ms: Option<VirtualMs>,
    /// Current attempt: (ends at, succeeds, acknowledgement lost).
    pub in_flight: Option<(VirtualMs, bool, bool)>,
    /// No attempt before this time (retry backoff).
    pub not_before: VirtualMs,
    /// Last failure message.
    pub last_error: Option<String>,
    /// The destination already holds this batch (an acknowledgement was lost).
    pub committed: bool,
}

/// A flush, remembered for the picture ("flushed 812 records, 4.9 MiB: SIZE").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlushLog {
    /// When.
    pub at_ms: VirtualMs,
    /// Why.
    pub reason: FlushReason,
    /// Which buffer: "transform" or the destination partition ("" if unpartitioned).
    pub buffer: String,
    /// Records flushed.
    pub records: u64,
    /// Bytes flushed (before compression).
    pub bytes: u64,
}

/// Counts of what happened to every accepted record (conservation: accepted = delivered +
/// failed + dropped + expired + in flight).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Records accepted (after de-aggregation).
    pub accepted: u64,
    /// Records delivered (first delivery; duplicates counted apart).
    pub delivered: u64,
    /// Extra deliveries of the same records after lost acknowledgements.
    pub duplicates: u64,
    /// Records written to the error output (processing, conversion, partitioning, delivery).
    pub failed: u64,
    /// Records the transform dropped.
    pub dropped: u64,
    /// Records lost after the 24-hour retry limit.
    pub expired: u64,
    /// Records written to the backup location (AllData / source backup).
    pub backed_up: u64,
    /// Objects written to the destination bucket.
    pub objects: u64,
}

/// One delivery stream.
#[derive(Clone, Debug)]
pub struct DeliveryStream {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Creation time.
    pub created_ms: VirtualMs,
    /// Status.
    pub status: Status,
    /// `VersionId` (1, +1 on every UpdateDestination; §4.4).
    pub version: u64,
    /// Last UpdateDestination, if any.
    pub updated_ms: Option<VirtualMs>,
    /// Source.
    pub source: Source,
    /// The destination.
    pub destination: Destination,
    /// Direct PUT quota.
    pub quota: DirectPutQuota,
    /// Records waiting for the transform.
    pub processing_buffer: Buffer,
    /// Transform invocations, oldest first (only the first is ever in flight).
    pub invocations: VecDeque<Invocation>,
    /// Destination buffers by partition prefix ("" when unpartitioned).
    pub buffers: BTreeMap<String, Buffer>,
    /// Flushed batches, oldest first (only the first is ever in flight).
    pub deliveries: VecDeque<Delivery>,
    /// Recent flushes, newest last.
    pub flushes: VecDeque<FlushLog>,
    /// What became of the records.
    pub ledger: Ledger,
    /// Metrics.
    pub metrics: FhMetrics,
    /// Destination health.
    pub behaviour: Behaviour,
    /// What the destination received (non-S3 destinations).
    pub store: Store,
    /// Next record sequence.
    pub next_seq: u64,
    /// Next batch / invocation id.
    pub next_batch: u64,
    /// Time the stream's pump event is scheduled for.
    pub pump_at: Option<VirtualMs>,
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
    /// Accepted records for analytics readers (`tap`).
    pub tap: crate::engine::firehose::tap::Tap,
}

/// Most flushes remembered.
pub const FLUSH_LOG: usize = 50;

impl DeliveryStream {
    /// Arrival of the oldest record not yet delivered or failed (for `DataFreshness`).
    pub fn oldest_pending(&self) -> Option<VirtualMs> {
        let mut oldest = self.processing_buffer.oldest_arrival();
        let mut see = |t: Option<VirtualMs>| {
            if let Some(t) = t {
                oldest = Some(oldest.map_or(t, |o: VirtualMs| o.min(t)));
            }
        };
        for i in &self.invocations {
            see(i.records.iter().map(|r| r.arrival_ms).min());
        }
        for b in self.buffers.values() {
            see(b.oldest_arrival());
        }
        for d in &self.deliveries {
            see(d.records.iter().map(|r| r.arrival_ms).min());
        }
        oldest
    }

    /// Records somewhere inside the pipeline.
    pub fn in_flight(&self) -> u64 {
        self.processing_buffer.records.len() as u64
            + self
                .invocations
                .iter()
                .map(|i| i.records.len() as u64)
                .sum::<u64>()
            + self
                .buffers
                .values()
                .map(|b| b.records.len() as u64)
                .sum::<u64>()
            + self
                .deliveries
                .iter()
                .map(|d| d.records.len() as u64)
                .sum::<u64>()
    }

    /// Remembers a flush.
    pub fn log_flush(&mut self, f: FlushLog) {
        if self.flushes.len() == FLUSH_LOG {
            self.flushes.pop_front();
        }
        self.flushes.push_back(f);
    }
}
