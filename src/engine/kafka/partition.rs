//! A partition: its log and its replicas (semantics.md §6.1). The log is kept once, on the
//! leader; each replica is its log end offset (LEO) into it, so a follower holds `log[..leo]`.
//! Consumers see records below the high watermark (HW = the lowest LEO in the ISR).

use std::collections::BTreeMap;

use crate::engine::kafka::cluster::BrokerId;
use crate::engine::kafka::record::KafkaRecord;
use crate::engine::time::VirtualMs;

/// One partition of a topic.
#[derive(Clone, Debug, Default)]
pub struct Partition {
    /// Records from the log start offset on, in offset order (compaction may leave offset gaps).
    pub records: Vec<KafkaRecord>,
    /// First offset still in the log (retention moves it forward, §6.5).
    pub log_start_offset: u64,
    /// Offset the next appended record gets on the leader.
    pub next_offset: u64,
    /// Replica brokers; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    /// Current leader, `None` while offline.
    pub leader: Option<BrokerId>,
    /// In-sync replicas, in replica order.
    pub isr: Vec<BrokerId>,
    /// Log end offset of each replica (the leader's equals `next_offset`).
    pub replica_leo: BTreeMap<BrokerId, u64>,
    /// High watermark: records below it are committed and visible to consumers.
    pub high_watermark: u64,
    /// Leader epoch, +1 at every leader change.
    pub leader_epoch: u32,
}

impl Partition {
    /// First offset in the log.
    pub fn log_start_offset(&self) -> u64 {
        self.log_start_offset
    }

    /// The leader's log end offset (offset of the next record).
    pub fn log_end_offset(&self) -> u64 {
        self.next_offset
    }

    /// The high watermark.
    pub fn high_watermark(&self) -> u64 {
        self.high_watermark
    }

    /// Index in `records` of the first record with offset ≥ `offset`.
    fn index_of(&self, offset: u64) -> usize {
        self.records.partition_point(|r| r.offset < offset)
    }

    /// Records with `from ≤ offset < upto`, at most `max_records`, in offset order.
    pub fn fetch(&self, from: u64, upto: u64, max_records: usize) -> &[KafkaRecord] {
        let a = self.index_of(from);
        let b = self.index_of(upto).max(a);
        let b = b.min(a.saturating_add(max_records));
        &self.records[a..b]
    }

    /// The record at exactly `offset`, if it is still in the log.
    pub fn record_at(&self, offset: u64) -> Option<&KafkaRecord> {
        let i = self.index_of(offset);
        self.records.get(i).filter(|r| r.offset == offset)
    }

    /// `offsetsForTimes`: the first offset whose timestamp is ≥ `ts` (§6.4), or `None` if no
    /// record below the high watermark is that late.
    pub fn offset_for_timestamp(&self, ts: VirtualMs) -> Option<u64> {
        self.records
            .iter()
            .take_while(|r| r.offset < self.high_watermark)
            .find(|r| r.timestamp_ms >= ts)
            .map(|r| r.offset)
    }

    /// Bytes of every record in the log.
    pub fn size_bytes(&self) -> u64 {
        self.records.iter().map(KafkaRecord::size_bytes).sum()
    }
}
