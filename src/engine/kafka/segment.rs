//! Log segments (semantics.md §6.5): a partition's log is cut into segments; the last one is the
//! active segment that takes appends. Retention deletes whole non-active segments, the cleaner
//! compacts only non-active ones. A segment is a base offset plus running totals; the records
//! themselves stay in the partition's one `records` vector.

use crate::engine::time::VirtualMs;

/// One segment of a partition log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// Offset of the first record written to it (its file name in Kafka).
    pub base_offset: u64,
    /// Virtual time it was rolled (created); `segment.ms` counts from here.
    pub created_ms: VirtualMs,
    /// Bytes of the records it still holds.
    pub bytes: u64,
    /// Records it still holds.
    pub records: u64,
    /// Largest record timestamp in it (`retention.ms` compares this, as Kafka's time index does).
    pub max_timestamp_ms: VirtualMs,
}
