//! One record inside Firehose, and the FIFO buffers records wait in (semantics.md §4.2).

use std::collections::VecDeque;

use crate::engine::time::VirtualMs;

/// Where a record read from a Kinesis data stream came from (`kinesisRecordMetadata`, §4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KinesisMeta {
    /// `shardId-…`.
    pub shard_id: String,
    /// The record's partition key.
    pub partition_key: String,
    /// Its sequence number.
    pub sequence_number: String,
    /// Sub-sequence number of a KPL user record (0 otherwise).
    pub subsequence_number: u64,
    /// Arrival time in the data stream, virtual ms.
    pub arrival_ms: VirtualMs,
}

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FhRecord {
    /// Acceptance order within the delivery stream (0, 1, 2, …).
    pub seq: u64,
    /// The `RecordId` returned by PutRecord / used in the transform contract.
    pub record_id: String,
    /// Current payload (after transformation once transformed).
    pub data: Vec<u8>,
    /// The payload as accepted (for source backup and error output `rawData`).
    pub raw_len: usize,
    /// Arrival in Firehose, virtual ms.
    pub arrival_ms: VirtualMs,
    /// Kinesis source metadata.
    pub kinesis: Option<KinesisMeta>,
    /// Partition keys from the jq query.
    pub query_keys: Vec<(String, String)>,
    /// Partition keys from the transform.
    pub lambda_keys: Vec<(String, String)>,
}

/// A FIFO buffer that flushes on size or age, whichever first (§4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buffer {
    /// Records in arrival order.
    pub records: VecDeque<FhRecord>,
    /// Sum of payload sizes (before compression).
    pub bytes: u64,
    /// When the first record of the current fill arrived (the interval clock starts then).
    pub opened_ms: VirtualMs,
}

/// Why a buffer was flushed; shown at each flush.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushReason {
    /// The size hint was reached.
    Size,
    /// The interval hint elapsed.
    Interval,
    /// Zero buffering (interval 0).
    ZeroBuffering,
    /// The configuration changed (UpdateDestination flushes what is buffered).
    ConfigChange,
}

impl FlushReason {
    /// Name shown in pictures and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FlushReason::Size => "SIZE",
            FlushReason::Interval => "INTERVAL",
            FlushReason::ZeroBuffering => "ZERO_BUFFERING",
            FlushReason::ConfigChange => "CONFIG_CHANGE",
        }
    }
}

impl Buffer {
    /// Appends a record.
    pub fn push(&mut self, r: FhRecord, now: VirtualMs) {
        if self.records.is_empty() {
            self.opened_ms = now;
        }
        self.bytes += r.data.len() as u64;
        self.records.push_back(r);
    }

    /// Whether the buffer must flush at `now`, and why.
    pub fn due(&self, size_bytes: u64, interval_ms: u64, now: VirtualMs) -> Option<FlushReason> {
        if self.records.is_empty() {
            return None;
        }
        if self.bytes >= size_bytes {
            Some(FlushReason::Size)
        } else if interval_ms == 0 {
            Some(FlushReason::ZeroBuffering)
        } else if now >= self.opened_ms + interval_ms {
            Some(FlushReason::Interval)
        } else {
            None
        }
    }

    /// When the interval flush falls due (None if empty).
    pub fn deadline(&self, interval_ms: u64) -> Option<VirtualMs> {
        (!self.records.is_empty()).then_some(self.opened_ms + interval_ms)
    }

    /// Takes every record out.
    pub fn take(&mut self) -> Vec<FhRecord> {
        self.bytes = 0;
        self.records.drain(..).collect()
    }

    /// Arrival of the oldest record.
    pub fn oldest_arrival(&self) -> Option<VirtualMs> {
        self.records.front().map(|r| r.arrival_ms)
    }
}
