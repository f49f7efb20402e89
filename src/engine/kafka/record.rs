//! One record in a partition log (semantics.md §6.1): a dense offset, a timestamp, an optional key
//! and an optional value (a null value is a tombstone, §6.5).

use std::rc::Rc;

use crate::engine::time::VirtualMs;

/// Bytes shared between the log, fetch results and connector buffers without copying.
pub type Payload = Rc<[u8]>;

/// A record as stored by a partition's leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaRecord {
    /// Offset in its partition (int64 in Kafka; dense, +1 per record, §6.1).
    pub offset: u64,
    /// CreateTime timestamp, virtual ms.
    pub timestamp_ms: VirtualMs,
    /// Serialized key bytes; `None` for a null key.
    pub key: Option<Payload>,
    /// Serialized value bytes; `None` for a tombstone (§6.5).
    pub value: Option<Payload>,
    /// Record headers, in order.
    pub headers: Vec<(String, Payload)>,
    /// Idempotent producer id and epoch, if the record came from one (§6.3); `-1` otherwise.
    pub producer_id: i64,
    /// The producer's per-partition sequence number of this record (`-1` if not idempotent).
    pub sequence: i32,
}

impl KafkaRecord {
    /// Bytes the record counts for in batch, segment and retention sizes: key + value + headers,
    /// plus a fixed 70-byte record-batch overhead share (model).
    pub fn size_bytes(&self) -> u64 {
        let k = self.key.as_ref().map_or(0, |k| k.len());
        let v = self.value.as_ref().map_or(0, |v| v.len());
        let h: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        (k + v + h) as u64 + RECORD_OVERHEAD_BYTES
    }

    /// Whether this record deletes its key (null value, §6.5).
    pub fn is_tombstone(&self) -> bool {
        self.value.is_none()
    }
}

/// The per-record overhead counted in sizes (model of the v2 record format's headers).
pub const RECORD_OVERHEAD_BYTES: u64 = 70;
