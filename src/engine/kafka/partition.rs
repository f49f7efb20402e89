//! A partition: its log and its replicas (semantics.md §6.1). The log is kept once, on the
//! leader; each replica is its log end offset (LEO) into it, so a follower holds `log[..leo]`.
//! Consumers see records below the high watermark (HW = the lowest LEO in the ISR).

use std::collections::BTreeMap;

use crate::engine::kafka::cluster::BrokerId;
use crate::engine::kafka::record::KafkaRecord;
use crate::engine::kafka::segment::Segment;
use crate::engine::kafka::topic::TopicConfig;
use crate::engine::time::VirtualMs;

/// What the leader remembers of one idempotent producer on this partition (§6.3): its epoch,
/// the last sequence it appended and the last five batches (for duplicate answers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerEntry {
    /// Producer epoch.
    pub epoch: i16,
    /// Sequence of the last appended record.
    pub last_seq: i32,
    /// Recent batches `(first sequence, last sequence, base offset)`, oldest first, at most 5
    /// (`max.in.flight.requests.per.connection`, §6.3).
    pub recent: Vec<(i32, i32, u64)>,
}

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
    /// Segments in offset order; the last is the active segment (empty before the first append).
    pub segments: Vec<Segment>,
    /// Idempotent producers by producer id (§6.3).
    pub producers: BTreeMap<i64, ProducerEntry>,
    /// The log cleaner's checkpoint: records below it have been compacted (§6.5).
    pub cleaner_checkpoint: u64,
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

    /// Base offset of the active segment (the log end offset when there is none).
    pub fn active_base(&self) -> u64 {
        self.segments
            .last()
            .map_or(self.next_offset, |s| s.base_offset)
    }

    /// Appends `record` at the log end on the leader, rolling a new active segment first when
    /// the record would push the active one past `segment.bytes` or it is older than `segment.ms`
    /// (§6.5; Kafka checks both at append time). Returns the offset and whether a segment rolled.
    pub fn push(
        &mut self,
        mut record: KafkaRecord,
        config: &TopicConfig,
        now: VirtualMs,
    ) -> (u64, bool) {
        let size = record.size_bytes();
        let roll = match self.segments.last() {
            None => true,
            Some(s) => {
                s.records > 0
                    && (s.bytes + size > config.segment_bytes
                        || now.saturating_sub(s.created_ms) >= config.segment_ms)
            }
        };
        if roll {
            self.segments.push(Segment {
                base_offset: self.next_offset,
                created_ms: now,
                ..Segment::default()
            });
        }
        let offset = self.next_offset;
        record.offset = offset;
        if let Some(seg) = self.segments.last_mut() {
            seg.bytes += size;
            seg.records += 1;
            seg.max_timestamp_ms = seg.max_timestamp_ms.max(record.timestamp_ms);
        }
        self.records.push(record);
        self.next_offset += 1;
        if let Some(l) = self.leader {
            self.replica_leo.insert(l, self.next_offset);
        }
        (offset, roll && self.segments.len() > 1)
    }

    /// Log end offset of replica `broker` (0 if unknown).
    pub fn leo_of(&self, broker: BrokerId) -> u64 {
        self.replica_leo.get(&broker).copied().unwrap_or(0)
    }

    /// Recomputes the high watermark as the lowest LEO in the ISR (§6.1); an empty ISR keeps it.
    pub fn recompute_high_watermark(&mut self) {
        if let Some(hw) = self.isr.iter().map(|b| self.leo_of(*b)).min() {
            self.high_watermark = hw.min(self.next_offset);
        }
    }

    /// Cuts the log at `end` (a new leader's LEO): records at or above it go, as do segments
    /// starting there, every replica's LEO is capped and idempotent-producer state forgets the
    /// truncated batches.
    pub fn truncate_to(&mut self, end: u64) {
        if end >= self.next_offset {
            return;
        }
        let keep = self.index_of(end);
        self.records.truncate(keep);
        self.segments.retain(|s| s.base_offset < end);
        self.next_offset = end.max(self.log_start_offset);
        for leo in self.replica_leo.values_mut() {
            *leo = (*leo).min(self.next_offset);
        }
        self.high_watermark = self.high_watermark.min(self.next_offset);
        self.cleaner_checkpoint = self.cleaner_checkpoint.min(self.next_offset);
        for e in self.producers.values_mut() {
            e.recent.retain(|b| b.2 < end);
            if let Some(last) = e.recent.last() {
                e.last_seq = last.1;
            }
        }
        self.producers.retain(|_, e| !e.recent.is_empty());
        self.recount_segments();
    }

    /// Recomputes every segment's record count, bytes and largest timestamp from the records
    /// (after compaction or truncation).
    pub fn recount_segments(&mut self) {
        let n = self.segments.len();
        for i in 0..n {
            let from = self.segments[i].base_offset;
            let upto = self.segments.get(i + 1).map_or(u64::MAX, |s| s.base_offset);
            let a = self.index_of(from);
            let b = self.index_of(upto).max(a);
            let recs = &self.records[a..b];
            let seg = &mut self.segments[i];
            seg.records = recs.len() as u64;
            seg.bytes = recs.iter().map(KafkaRecord::size_bytes).sum();
            seg.max_timestamp_ms = recs
                .iter()
                .map(|r| r.timestamp_ms)
                .max()
                .unwrap_or(seg.created_ms);
        }
    }

    /// Removes every record below `offset` (whole segments, by retention) and moves the log
    /// start offset there (§6.5).
    pub fn delete_below(&mut self, offset: u64) {
        let cut = self.index_of(offset);
        self.records.drain(..cut);
        self.segments.retain(|s| s.base_offset >= offset);
        self.log_start_offset = self.log_start_offset.max(offset);
        self.cleaner_checkpoint = self.cleaner_checkpoint.max(offset);
    }
}
