//! The delete cleanup policy (semantics.md §6.5): whole non-active segments go when their newest
//! record is older than `retention.ms`, or while the partition stays at or above `retention.bytes`
//! without them; the log start offset advances to the next segment's base offset. The active
//! segment is never deleted, so records can outlive `retention.ms` until their segment rolls.

use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::topic::TopicConfig;
use crate::engine::time::VirtualMs;

/// Deletes the expired or excess oldest segments of `p` (never the active one, never above the
/// high watermark). Returns how many segments went.
pub fn apply(p: &mut Partition, config: &TopicConfig, now: VirtualMs) -> usize {
    if !config.deletes() {
        return 0;
    }
    let mut deleted = 0;
    let mut total: u64 = p.segments.iter().map(|s| s.bytes).sum();
    while p.segments.len() > 1 {
        let first = &p.segments[0];
        let next_base = p.segments[1].base_offset;
        if next_base > p.high_watermark {
            break;
        }
        let by_time = config.retention_ms >= 0
            && now
                >= first
                    .max_timestamp_ms
                    .saturating_add(config.retention_ms as u64);
        // Kafka deletes while `size - segment.size >= retention.bytes` (§6.5).
        let by_size = config.retention_bytes >= 0
            && total.saturating_sub(first.bytes) >= config.retention_bytes as u64;
        if !(by_time || by_size) {
            break;
        }
        total -= first.bytes;
        p.delete_below(next_base);
        deleted += 1;
    }
    deleted
}

/// When time-based retention next has something to delete in `p` (its oldest non-active
/// segment's newest timestamp + `retention.ms`), if ever.
pub fn deadline(p: &Partition, config: &TopicConfig) -> Option<VirtualMs> {
    if !config.deletes() || config.retention_ms < 0 || p.segments.len() < 2 {
        return None;
    }
    Some(
        p.segments[0]
            .max_timestamp_ms
            .saturating_add(config.retention_ms as u64),
    )
}
