//! The truth about delivery: the processed-records log, the sink, and the anomaly ledger of every
//! duplicate and every out-of-order delivery per partition key, each with its cause in words
//! (semantics.md §2.5: delivery is at-least-once).
//!
//! A delivery is a **duplicate** if its (shard, sequence number) was delivered before (an exact
//! interval set per shard). It is **out of order** if a record of the same partition key that was
//! put later (later arrival; same shard: higher sequence number) was already delivered. Entries are
//! grouped per record-processor run: one entry per contiguous re-read, one per key and re-read.

use std::collections::{BTreeMap, VecDeque};

pub use crate::engine::apps::kcl::cause::{tail, Cause, Context};
use crate::engine::apps::kcl::config::{MAX_LEDGER_ENTRIES, MAX_OUTPUT_LOG};
use crate::engine::time::VirtualMs;

/// An open run in the ledger whose entry was not kept (the ledger is full).
const DROPPED: usize = usize::MAX;

/// One delivery of a record to a record processor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedRecord {
    /// Shard index.
    pub shard: u32,
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
    /// Worker number.
    pub worker: u32,
    /// Virtual time processing finished.
    pub at: VirtualMs,
    /// Virtual arrival time of the record.
    pub arrival_ms: VirtualMs,
    /// Whether (shard, sequence number) had been delivered before.
    pub duplicate: bool,
}

/// Duplicate or out-of-order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnomalyKind {
    /// A (shard, sequence number) delivered again.
    Duplicate,
    /// A record delivered after a later record of the same partition key.
    OutOfOrder,
}

impl AnomalyKind {
    /// Upper-case label.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::Duplicate => "DUPLICATE",
            AnomalyKind::OutOfOrder => "OUT_OF_ORDER",
        }
    }
}

/// One ledger entry: a run of anomalous deliveries by one processor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// Kind.
    pub kind: AnomalyKind,
    /// Shard index.
    pub shard: u32,
    /// Delivering worker number.
    pub worker: u32,
    /// Partition key (out-of-order entries).
    pub key: Option<Box<str>>,
    /// First sequence number of the run.
    pub first_seq: Box<str>,
    /// Sub-sequence number of the first record of the run (a user record of a KPL aggregate).
    pub first_sub: Option<u64>,
    /// Last sequence number of the run.
    pub last_seq: Box<str>,
    /// Index of the last record of the run.
    pub last_idx: u64,
    /// Sub-sequence number of the last record of the run (a user record of a KPL aggregate).
    pub last_sub: Option<u64>,
    /// Deliveries in the run.
    pub count: u64,
    /// Time of the first delivery.
    pub first_at: VirtualMs,
    /// Time of the last delivery.
    pub last_at: VirtualMs,
    /// Out-of-order: the later record of the key that had already been delivered.
    pub after_seq: Option<Box<str>>,
    /// Why.
    pub cause: Cause,
}

impl Anomaly {
    /// The cause in words.
    pub fn describe(&self) -> String {
        let why = self.cause.describe(&self.first_seq, &self.last_seq);
        match (&self.kind, &self.key, &self.after_seq) {
            (AnomalyKind::OutOfOrder, Some(key), Some(after)) => {
                format!(
                    "key {key}: {} record(s) delivered after the later {}: {why}",
                    self.count,
                    tail(after)
                )
            }
            _ => why,
        }
    }
}

/// Per-shard set of delivered sequence indices, as disjoint inclusive intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct IntervalSet {
    runs: BTreeMap<u64, u64>,
}

impl IntervalSet {
    /// Inserts `x`; returns whether it was already present.
    fn insert(&mut self, x: u64) -> bool {
        let prev = self.runs.range(..=x).next_back().map(|(s, e)| (*s, *e));
        if let Some((_, e)) = prev {
            if e >= x {
                return true;
            }
        }
        let next = x
            .checked_add(1)
            .and_then(|n| self.runs.get(&n).map(|e| (n, *e)));
        match (prev.filter(|(_, e)| e.checked_add(1) == Some(x)), next) {
            (Some((s, _)), Some((ns, ne))) => {
                self.runs.remove(&ns);
                self.runs.insert(s, ne);
            }
            (Some((s, _)), None) => {
                self.runs.insert(s, x);
            }
            (None, Some((ns, ne))) => {
                self.runs.remove(&ns);
                self.runs.insert(x, ne);
            }
            (None, None) => {
                self.runs.insert(x, x);
            }
        }
        false
    }

    fn max(&self) -> Option<u64> {
        self.runs.values().next_back().copied()
    }
}

/// The latest delivered record of a partition key: arrival, shard, sequence index, sub-sequence
/// number (KPL user records) and sequence number.
type KeyLast = (VirtualMs, u32, u64, Option<u64>, Box<str>);

/// The idempotent sink's rows: (shard, sequence index, sub-sequence number) → partition key.
pub type Sink = BTreeMap<(u32, u64, u64), Box<str>>;

/// The delivery record of one application.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// The processed-records log, oldest first (the newest [`MAX_OUTPUT_LOG`]).
    pub output: VecDeque<ProcessedRecord>,
    /// Log entries dropped to stay within [`MAX_OUTPUT_LOG`].
    pub output_dropped: u64,
    /// Deliveries in total.
    pub deliveries: u64,
    /// Duplicate deliveries in total.
    pub duplicates: u64,
    /// Out-of-order deliveries in total.
    pub out_of_order: u64,
    /// Anomaly entries, oldest first.
    pub entries: Vec<Anomaly>,
    /// Anomaly runs not listed because the ledger was full.
    pub entries_dropped: u64,
    /// The idempotent sink: one row per (shard, index) (None: the sink appends every delivery).
    pub sink: Option<Sink>,
    /// FNV-1a over every delivery (for the world digest).
    pub fingerprint: u64,
    delivered: BTreeMap<u32, IntervalSet>,
    /// User records of KPL aggregates delivered, by (shard, sequence index).
    delivered_sub: BTreeMap<(u32, u64), IntervalSet>,
    high: BTreeMap<u32, (u64, Box<str>)>,
    key_last: BTreeMap<Box<str>, KeyLast>,
}

impl Ledger {
    /// An empty ledger; `idempotent` selects the deduplicating sink.
    pub fn new(idempotent: bool) -> Ledger {
        Ledger {
            sink: idempotent.then(BTreeMap::new),
            fingerprint: 0xcbf2_9ce4_8422_2325,
            ..Ledger::default()
        }
    }

    /// Highest sequence index of `shard` delivered so far.
    pub fn max_delivered(&self, shard: u32) -> Option<u64> {
        self.delivered.get(&shard).and_then(IntervalSet::max)
    }

    /// Sequence number of the highest record of `shard` delivered so far.
    pub fn high_seq(&self, shard: u32) -> Option<&str> {
        self.high.get(&shard).map(|(_, s)| s.as_ref())
    }

    /// Records one delivery by a processor whose open runs are `dup_entry` and `ooo_entries`;
    /// `cause` explains a new anomaly run.
    pub fn deliver(
        &mut self,
        mut rec: ProcessedRecord,
        dup_entry: &mut Option<usize>,
        ooo_entries: &mut BTreeMap<Box<str>, usize>,
        cause: impl Fn(&Context) -> Cause,
    ) {
        let high_before = self.high.get(&rec.shard).map(|(_, s)| s.clone());
        let whole = self.delivered.entry(rec.shard).or_default().insert(rec.idx);
        rec.duplicate = match rec.sub {
            Some(sub) => self
                .delivered_sub
                .entry((rec.shard, rec.idx))
                .or_default()
                .insert(sub),
            None => whole,
        };
        if self.high.get(&rec.shard).is_none_or(|(i, _)| *i < rec.idx) {
            self.high.insert(rec.shard, (rec.idx, rec.seq.clone()));
        }
        self.deliveries += 1;
        let sub = rec.sub.map(|s| s.wrapping_add(1));
        for v in [u64::from(rec.shard), rec.idx, u64::from(rec.worker), rec.at]
            .into_iter()
            .chain(sub)
        {
            for b in v.to_le_bytes() {
                self.fingerprint = (self.fingerprint ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        if rec.duplicate {
            self.duplicates += 1;
            let extend = dup_entry.filter(|&i| {
                i == DROPPED
                    || (self.entries[i].last_idx, self.entries[i].last_sub) < (rec.idx, rec.sub)
            });
            match extend {
                Some(DROPPED) => {}
                Some(i) => self.extend(i, &rec),
                None => {
                    let ctx = Context {
                        high_before: high_before.clone(),
                        first: self.first_delivery(&rec),
                    };
                    *dup_entry = self.open(AnomalyKind::Duplicate, &rec, None, cause(&ctx));
                }
            }
        } else {
            *dup_entry = None;
            if let Some(sink) = &mut self.sink {
                sink.insert((rec.shard, rec.idx, rec.sub.unwrap_or(0)), rec.key.clone());
            }
        }
        let order = (rec.arrival_ms, rec.shard, rec.idx, rec.sub);
        let later = match self.key_last.get(&rec.key) {
            Some((a, s, i, u, seq)) if order < (*a, *s, *i, *u) => Some(seq.clone()),
            _ => None,
        };
        match later {
            Some(after) => {
                self.out_of_order += 1;
                match ooo_entries.get(&rec.key).copied() {
                    Some(DROPPED) => {}
                    Some(i) => self.extend(i, &rec),
                    None => {
                        let first = if rec.duplicate {
                            self.first_delivery(&rec)
                        } else {
                            None
                        };
                        let ctx = Context { high_before, first };
                        let id = self.open(AnomalyKind::OutOfOrder, &rec, Some(after), cause(&ctx));
                        if let Some(id) = id {
                            ooo_entries.insert(rec.key.clone(), id);
                        }
                    }
                }
            }
            None => {
                ooo_entries.remove(&rec.key);
                self.key_last.insert(
                    rec.key.clone(),
                    (rec.arrival_ms, rec.shard, rec.idx, rec.sub, rec.seq.clone()),
                );
            }
        }
        if self.output.len() >= MAX_OUTPUT_LOG {
            self.output.pop_front();
            self.output_dropped += 1;
        }
        self.output.push_back(rec);
    }

    /// Worker and time of the first delivery of (shard, index), if still in the log.
    fn first_delivery(&self, rec: &ProcessedRecord) -> Option<(u32, VirtualMs)> {
        self.output
            .iter()
            .find(|r| r.shard == rec.shard && r.idx == rec.idx && r.sub == rec.sub && !r.duplicate)
            .map(|r| (r.worker, r.at))
    }

    fn extend(&mut self, i: usize, rec: &ProcessedRecord) {
        let e = &mut self.entries[i];
        e.count += 1;
        e.last_seq = rec.seq.clone();
        e.last_idx = rec.idx;
        e.last_sub = rec.sub;
        e.last_at = rec.at;
    }

    fn open(
        &mut self,
        kind: AnomalyKind,
        rec: &ProcessedRecord,
        after: Option<Box<str>>,
        cause: Cause,
    ) -> Option<usize> {
        if self.entries.len() >= MAX_LEDGER_ENTRIES {
            self.entries_dropped += 1;
            return Some(DROPPED);
        }
        self.entries.push(Anomaly {
            kind,
            shard: rec.shard,
            worker: rec.worker,
            key: (kind == AnomalyKind::OutOfOrder).then(|| rec.key.clone()),
            first_seq: rec.seq.clone(),
            first_sub: rec.sub,
            last_seq: rec.seq.clone(),
            last_idx: rec.idx,
            last_sub: rec.sub,
            count: 1,
            first_at: rec.at,
            last_at: rec.at,
            after_seq: after,
            cause,
        });
        Some(self.entries.len() - 1)
    }

    /// The sink's contents as (shard, sequence index, partition key): with the idempotent sink one
    /// row per record, otherwise every delivery in the log (duplicates included).
    pub fn sink_rows(&self) -> Vec<(u32, u64, String)> {
        match &self.sink {
            Some(rows) => rows
                .iter()
                .map(|((s, i, _), k)| (*s, *i, k.to_string()))
                .collect(),
            None => self
                .output
                .iter()
                .map(|r| (r.shard, r.idx, r.key.to_string()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_set_merges_and_detects_repeats() {
        let mut s = IntervalSet::default();
        assert!(!s.insert(5));
        assert!(!s.insert(7));
        assert!(!s.insert(6));
        assert_eq!(s.runs.len(), 1);
        assert!(s.insert(6));
        assert!(!s.insert(4));
        assert!(!s.insert(9));
        assert_eq!(s.max(), Some(9));
        assert!(!s.insert(8));
        assert_eq!(
            s.runs.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>(),
            vec![(4, 9)]
        );
    }
}
