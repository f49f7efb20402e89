//! Where a job's results go (semantics.md §5.6): a transactional results table that publishes a
//! checkpoint's rows only when that checkpoint completes (exactly-once, like a two-phase-commit
//! sink read with `read_committed`), an at-least-once log that appends every firing at once (so a
//! restart's replay shows as duplicates), the late-data side output, and the Kinesis sink stream
//! (Flink's `KinesisStreamsSink` is at-least-once).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{json, Value};

use crate::engine::analytics::spec::Window;

/// Rows kept in the at-least-once log and the committed log (older ones are counted, not kept).
pub const MAX_LOG_ROWS: usize = 20_000;
/// Late records kept in the side output.
pub const MAX_LATE_ROWS: usize = 2_000;

/// One fired pane as a result row.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    /// The grouping key (`key_of` text).
    pub key: String,
    /// The window.
    pub window: Window,
    /// Output columns in SELECT order.
    pub row: Value,
    /// Virtual time it was emitted.
    pub emitted_ms: u64,
    /// A late firing that updates an earlier result of the same pane.
    pub update: bool,
    /// Job incarnation (0, then +1 per restart) that emitted it.
    pub incarnation: u32,
    /// The same row was emitted before (a replay after a restart).
    pub duplicate: bool,
    /// The checkpoint whose completion committed it (transactional sink only).
    pub checkpoint: Option<u64>,
}

impl ResultRow {
    /// JSON for the API.
    pub fn to_json(&self) -> Value {
        json!({
            "Key": self.key,
            "WindowStart": self.window.start,
            "WindowEnd": self.window.end,
            "Row": self.row,
            "EmittedAt": self.emitted_ms,
            "Update": self.update,
            "Incarnation": self.incarnation,
            "Duplicate": self.duplicate,
            "Checkpoint": self.checkpoint,
        })
    }
}

/// A record routed to the late side output.
#[derive(Clone, Debug, PartialEq)]
pub struct LateRow {
    /// Its key.
    pub key: String,
    /// Its event time, epoch ms.
    pub timestamp: i64,
    /// How far behind the watermark it was, ms.
    pub lateness_ms: i64,
    /// The row.
    pub row: Value,
    /// Virtual time it arrived.
    pub at_ms: u64,
}

/// All sinks of a job.
#[derive(Clone, Debug, Default)]
pub struct Sinks {
    /// Rows of open transactions: (transaction = checkpoint id that will commit it, row).
    pub pending: Vec<(u64, ResultRow)>,
    /// The transaction rows emitted now belong to.
    pub current_txn: u64,
    /// The exactly-once table: the latest committed row per (window, key).
    pub committed: BTreeMap<(Window, String), ResultRow>,
    /// Committed rows in commit order (newest [`MAX_LOG_ROWS`]).
    pub committed_log: VecDeque<ResultRow>,
    /// Rows ever committed.
    pub committed_total: u64,
    /// The at-least-once log (newest [`MAX_LOG_ROWS`]).
    pub at_least_once: VecDeque<ResultRow>,
    /// Rows ever appended to it.
    pub at_least_once_total: u64,
    /// Of which were duplicates of an earlier row.
    pub duplicates: u64,
    /// The latest at-least-once row per (window, key).
    pub at_least_once_latest: BTreeMap<(Window, String), Value>,
    seen: BTreeSet<String>,
    /// Late records (newest [`MAX_LATE_ROWS`]).
    pub late: VecDeque<LateRow>,
    /// Late records ever.
    pub late_total: u64,
    /// Rows aborted with their transaction by a failure.
    pub aborted: u64,
    /// Rows waiting to be written to the Kinesis sink stream (retried when throttled).
    pub stream_queue: VecDeque<ResultRow>,
    /// Rows written to the sink stream.
    pub stream_written: u64,
    /// Throttled or failed sink-stream writes (retried).
    pub stream_retries: u64,
}

impl Sinks {
    /// A fired pane: appended to the at-least-once log at once, to the open transaction, and to
    /// the sink-stream queue.
    pub fn emit(&mut self, mut r: ResultRow, to_stream: bool) {
        let fingerprint = format!("{}|{}|{}|{}", r.window.start, r.window.end, r.key, r.row);
        r.duplicate = !self.seen.insert(fingerprint);
        if r.duplicate {
            self.duplicates += 1;
        }
        self.at_least_once_total += 1;
        self.at_least_once_latest
            .insert((r.window, r.key.clone()), r.row.clone());
        push_bounded(&mut self.at_least_once, r.clone(), MAX_LOG_ROWS);
        if to_stream {
            self.stream_queue.push_back(r.clone());
        }
        self.pending.push((self.current_txn, r));
    }

    /// A late record.
    pub fn late(&mut self, row: LateRow) {
        self.late_total += 1;
        push_bounded(&mut self.late, row, MAX_LATE_ROWS);
    }

    /// A barrier passed the sink: rows emitted so far belong to checkpoint `id`; later ones to
    /// the next transaction.
    pub fn seal(&mut self, id: u64) {
        self.current_txn = id + 1;
    }

    /// Checkpoint `id` completed: its transaction (and older ones) commit. Returns rows committed.
    pub fn commit(&mut self, id: u64) -> u64 {
        let (done, open): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|(t, _)| *t <= id);
        self.pending = open;
        let n = done.len() as u64;
        for (_, mut r) in done {
            r.checkpoint = Some(id);
            // The table holds each row once; "duplicate" describes the at-least-once log only.
            r.duplicate = false;
            self.committed.insert((r.window, r.key.clone()), r.clone());
            self.committed_total += 1;
            push_bounded(&mut self.committed_log, r, MAX_LOG_ROWS);
        }
        n
    }

    /// A failure: open transactions abort (their rows never become visible).
    pub fn abort_pending(&mut self) {
        self.aborted += self.pending.len() as u64;
        self.pending.clear();
    }
}

fn push_bounded<T>(q: &mut VecDeque<T>, x: T, cap: usize) {
    if q.len() == cap {
        q.pop_front();
    }
    q.push_back(x);
}
