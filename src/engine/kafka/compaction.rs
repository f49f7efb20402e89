//! The log cleaner (semantics.md §6.5): in the cleanable part of a compacted partition (below the
//! active segment, the high watermark and `min.compaction.lag.ms`) it keeps only the latest record
//! of each key; offsets never change (gaps appear), order is kept, the active segment is never
//! touched. A tombstone (null value) deletes its key and is itself removed once
//! `delete.retention.ms` has passed (model: counted from the tombstone's timestamp). Cleaning runs
//! when the dirty share of the cleanable bytes reaches `min.cleanable.dirty.ratio`, or when a
//! tombstone is due.

use std::collections::BTreeMap;

use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::record::{KafkaRecord, Payload};
use crate::engine::kafka::topic::TopicConfig;
use crate::engine::time::VirtualMs;

/// End (exclusive) of the cleanable range of `p`: the active segment's base, capped by the high
/// watermark and by the first segment holding a record younger than `min.compaction.lag.ms`.
pub fn cleanable_end(p: &Partition, config: &TopicConfig, now: VirtualMs) -> u64 {
    let mut end = p.active_base().min(p.high_watermark);
    if config.min_compaction_lag_ms > 0 {
        let n = p.segments.len().saturating_sub(1);
        for s in &p.segments[..n] {
            if s.max_timestamp_ms
                .saturating_add(config.min_compaction_lag_ms)
                > now
            {
                end = end.min(s.base_offset);
                break;
            }
        }
    }
    end
}

fn tombstone_due(r: &KafkaRecord, config: &TopicConfig, now: VirtualMs) -> bool {
    r.is_tombstone() && now >= r.timestamp_ms.saturating_add(config.delete_retention_ms)
}

/// Cleans `p` if it is dirty enough or a tombstone is due. Returns the number of records removed.
pub fn clean(p: &mut Partition, config: &TopicConfig, now: VirtualMs) -> usize {
    if !config.compacted() {
        return 0;
    }
    let end = cleanable_end(p, config, now);
    let upto = p.records.partition_point(|r| r.offset < end);
    if upto == 0 {
        return 0;
    }
    let range = &p.records[..upto];
    let total: u64 = range.iter().map(KafkaRecord::size_bytes).sum();
    let dirty: u64 = range
        .iter()
        .filter(|r| r.offset >= p.cleaner_checkpoint)
        .map(KafkaRecord::size_bytes)
        .sum();
    let ratio_met = total > 0
        && dirty > 0
        && dirty * 1000 >= u64::from(config.min_cleanable_dirty_ratio_permille) * total;
    let tombstones = range.iter().any(|r| tombstone_due(r, config, now));
    if !ratio_met && !tombstones {
        return 0;
    }
    let mut latest: BTreeMap<&Payload, u64> = BTreeMap::new();
    for r in range {
        if let Some(k) = &r.key {
            latest.insert(k, r.offset);
        }
    }
    let keep: Vec<bool> = range
        .iter()
        .map(|r| match &r.key {
            // Records without a key (written before the policy changed) are left alone.
            None => true,
            Some(k) => latest.get(k) == Some(&r.offset) && !tombstone_due(r, config, now),
        })
        .collect();
    let removed = keep.iter().filter(|k| !**k).count();
    if removed > 0 {
        let mut i = 0;
        p.records.retain(|_| {
            let k = keep.get(i).copied().unwrap_or(true);
            i += 1;
            k
        });
        p.recount_segments();
    }
    p.cleaner_checkpoint = p.cleaner_checkpoint.max(end);
    removed
}

/// The next time the cleaner has something to do in `p` without new appends: a tombstone
/// reaching `delete.retention.ms`, or a segment leaving `min.compaction.lag.ms`.
pub fn deadline(p: &Partition, config: &TopicConfig, now: VirtualMs) -> Option<VirtualMs> {
    if !config.compacted() {
        return None;
    }
    let active = p.active_base();
    let tomb = p
        .records
        .iter()
        .take_while(|r| r.offset < active)
        .filter(|r| r.is_tombstone())
        .map(|r| r.timestamp_ms.saturating_add(config.delete_retention_ms))
        .min();
    let lag = if config.min_compaction_lag_ms > 0 {
        let n = p.segments.len().saturating_sub(1);
        p.segments[..n]
            .iter()
            .map(|s| {
                s.max_timestamp_ms
                    .saturating_add(config.min_compaction_lag_ms)
            })
            .filter(|t| *t > now)
            .min()
    } else {
        None
    };
    match (tomb, lag) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
