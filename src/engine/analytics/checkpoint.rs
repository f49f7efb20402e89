//! Checkpoints and savepoints (semantics.md §5.6): asynchronous barrier snapshots of the source
//! positions (a sequence number per shard), the per-shard watermark generators and the keyed window
//! state, taken consistently at the barrier; a checkpoint completes once every task acknowledged,
//! which is when the transactional sink commits.
//!
//! Model of timing: the barrier is injected at the sources at trigger time, reaches the window
//! operator with the next poll (aligned: records before it are processed first; the engine
//! processes each poll synchronously, so the state at trigger time is exactly the state at the
//! barrier), and the snapshot upload takes `state bytes / 20 MB/s`; the sinks acknowledge 50 ms
//! later.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::engine::analytics::job::Split;
use crate::engine::analytics::window::WindowOperator;
use crate::engine::apps::sdk_consumer::SdkConsumer;

/// Checkpoints kept in the history.
pub const HISTORY: usize = 50;
/// Snapshot upload rate of the model, bytes per second.
pub const UPLOAD_BYTES_PER_S: u64 = 20_000_000;
/// Sink acknowledgement after the snapshot, ms.
pub const ACK_MS: u64 = 50;

/// A consistent snapshot of a job.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Checkpoint id (savepoints share the counter).
    pub id: u64,
    /// Virtual time of the barrier.
    pub taken_ms: u64,
    /// Source positions: the reader with its last sequence number per shard.
    pub reader: SdkConsumer,
    /// With a Firehose source: the next tap position to read.
    pub firehose_position: u64,
    /// Per-shard watermark generators.
    pub splits: BTreeMap<u32, Split>,
    /// Window state of every subtask.
    pub operators: Vec<WindowOperator>,
    /// The job's watermark.
    pub watermark: i64,
    /// Max parallelism (fixed from the first start: key groups never change, §5.5).
    pub max_parallelism: u32,
    /// Approximate state size, bytes.
    pub state_bytes: u64,
    /// The query it belongs to (restoring into another query skips the window state).
    pub query_fingerprint: String,
}

impl Snapshot {
    /// Source positions as `{ShardId: SequenceNumber | "START"}`.
    pub fn positions(&self) -> Value {
        let mut m = serde_json::Map::new();
        if self.reader.stream.is_empty() {
            m.insert("FirehoseTapPosition".into(), json!(self.firehose_position));
        }
        for (i, s) in &self.reader.shards {
            let pos = match (&s.last_sequence, s.finished) {
                (_, true) => "SHARD_END".to_string(),
                (Some(seq), _) => seq.clone(),
                (None, _) => "START".to_string(),
            };
            m.insert(crate::engine::kinesis::shard::shard_id(*i), json!(pos));
        }
        Value::Object(m)
    }
}

/// Lifecycle of one checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointStatus {
    /// Barrier on its way / snapshot uploading.
    InProgress,
    /// Every task acknowledged.
    Completed,
    /// Aborted, with the reason.
    Failed(String),
}

/// One entry of the checkpoint history.
#[derive(Clone, Debug)]
pub struct CheckpointRecord {
    /// Id.
    pub id: u64,
    /// A user savepoint (snapshot) rather than a periodic checkpoint.
    pub savepoint: bool,
    /// Trigger time.
    pub triggered_ms: u64,
    /// When it completes (or completed).
    pub complete_at_ms: u64,
    /// Status.
    pub status: CheckpointStatus,
    /// State size, bytes.
    pub state_bytes: u64,
    /// Source positions stored.
    pub positions: Value,
    /// Rows the transactional sink committed on completion.
    pub committed_rows: u64,
}

impl CheckpointRecord {
    /// JSON for the API.
    pub fn to_json(&self, now: u64) -> Value {
        let (status, reason) = match &self.status {
            CheckpointStatus::InProgress => ("IN_PROGRESS", None),
            CheckpointStatus::Completed => ("COMPLETED", None),
            CheckpointStatus::Failed(r) => ("FAILED", Some(r.clone())),
        };
        let span = self.complete_at_ms.saturating_sub(self.triggered_ms).max(1);
        let progress = if self.status == CheckpointStatus::InProgress {
            (now.saturating_sub(self.triggered_ms) as f64 / span as f64).min(1.0)
        } else {
            1.0
        };
        json!({
            "Id": self.id,
            "Savepoint": self.savepoint,
            "TriggeredAt": self.triggered_ms,
            "CompleteAt": self.complete_at_ms,
            "DurationMs": span,
            "Status": status,
            "FailureReason": reason,
            "StateBytes": self.state_bytes,
            "Positions": self.positions,
            "CommittedRows": self.committed_rows,
            "BarrierProgress": progress,
        })
    }
}

/// The checkpoint coordinator of a job.
#[derive(Clone, Debug, Default)]
pub struct Coordinator {
    /// Next checkpoint id (1-based like Flink).
    pub next_id: u64,
    /// The checkpoint in flight: its snapshot and when it completes.
    pub in_flight: Option<(Snapshot, u64)>,
    /// The latest completed checkpoint.
    pub latest: Option<Snapshot>,
    /// History, newest last.
    pub history: VecDeque<CheckpointRecord>,
    /// Last trigger time.
    pub last_trigger_ms: Option<u64>,
    /// Last completion time.
    pub last_complete_ms: Option<u64>,
}

impl Coordinator {
    /// A fresh coordinator whose ids continue after `after` (ids survive restores).
    pub fn new(after: u64) -> Coordinator {
        Coordinator {
            next_id: after + 1,
            ..Coordinator::default()
        }
    }

    /// Time the snapshot of `state_bytes` takes to complete, from its trigger.
    pub fn duration_ms(poll_ms: u64, state_bytes: u64) -> u64 {
        poll_ms + state_bytes.saturating_mul(1_000) / UPLOAD_BYTES_PER_S + ACK_MS
    }

    /// Records a trigger.
    pub fn begin(&mut self, snapshot: Snapshot, complete_at: u64, savepoint: bool) {
        self.last_trigger_ms = Some(snapshot.taken_ms);
        self.history.push_back(CheckpointRecord {
            id: snapshot.id,
            savepoint,
            triggered_ms: snapshot.taken_ms,
            complete_at_ms: complete_at,
            status: CheckpointStatus::InProgress,
            state_bytes: snapshot.state_bytes,
            positions: snapshot.positions(),
            committed_rows: 0,
        });
        while self.history.len() > HISTORY {
            self.history.pop_front();
        }
        self.in_flight = Some((snapshot, complete_at));
    }

    /// Marks the in-flight checkpoint complete; returns its id.
    pub fn complete(&mut self, now: u64) -> Option<u64> {
        let (snap, _) = self.in_flight.take()?;
        let id = snap.id;
        if let Some(r) = self.history.iter_mut().rev().find(|r| r.id == id) {
            r.status = CheckpointStatus::Completed;
            r.complete_at_ms = now;
        }
        self.latest = Some(snap);
        self.last_complete_ms = Some(now);
        Some(id)
    }

    /// Notes rows committed by checkpoint `id`.
    pub fn note_committed(&mut self, id: u64, rows: u64) {
        if let Some(r) = self.history.iter_mut().rev().find(|r| r.id == id) {
            r.committed_rows = rows;
        }
    }

    /// Aborts the in-flight checkpoint.
    pub fn fail(&mut self, reason: &str, now: u64) {
        if let Some((snap, _)) = self.in_flight.take() {
            if let Some(r) = self.history.iter_mut().rev().find(|r| r.id == snap.id) {
                r.status = CheckpointStatus::Failed(reason.to_string());
                r.complete_at_ms = now;
            }
        }
    }
}
