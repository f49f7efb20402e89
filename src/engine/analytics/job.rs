//! A running streaming job (semantics.md §5): a Kinesis source with one split per shard polled
//! every 200 ms through the real GetRecords path (§5.6 connector default), per-split bounded
//! out-of-orderness watermarks combined by minimum over non-idle splits (§5.2), key-by into key
//! groups and operator subtasks (§5.5), the window operator (§5.3–§5.4), and the sinks.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::analytics::checkpoint::{Coordinator, Snapshot};
use crate::engine::analytics::settings::JobSettings;
use crate::engine::analytics::sink::Sinks;
use crate::engine::analytics::spec::{QuerySpec, TimeCharacteristic};
use crate::engine::analytics::window::{
    default_max_parallelism, operator_index, BoundedOutOfOrderness, Output, WindowOperator,
};
use crate::engine::apps::sdk_consumer::{IteratorStart, SdkConsumer};
use crate::engine::world::World;

use crate::engine::analytics::job_records::pin_latest;
pub use crate::engine::analytics::job_records::{output_row, sql_timestamp};

/// GetRecords interval per shard of the Flink Kinesis source, ms (§5.6).
pub const POLL_INTERVAL_MS: u64 = 200;
/// `Limit` of its GetRecords calls (§5.6).
pub const GET_RECORDS_LIMIT: u32 = 10_000;
/// Delay before a failed job restarts, ms (Flink's `restart-strategy.exponential-delay`
/// initial backoff, 1 s).
pub const RESTART_DELAY_MS: u64 = 1_000;
/// Records kept for the event-time × processing-time plot.
pub const TRACE_POINTS: usize = 600;
/// Watermark samples kept for the plot.
pub const WATERMARK_POINTS: usize = 600;

/// One source split (a shard) and its watermark generator.
#[derive(Clone, Debug)]
pub struct Split {
    /// Shard index.
    pub shard: u32,
    /// Its bounded out-of-orderness generator.
    pub generator: BoundedOutOfOrderness,
    /// Records read from it.
    pub records: u64,
}

/// One parallel instance of the window operator.
#[derive(Clone, Debug)]
pub struct Subtask {
    /// Its window state (the key groups it owns).
    pub operator: WindowOperator,
    /// Records it processed.
    pub records: u64,
    /// Panes it fired.
    pub fired: u64,
}

/// A processed record, for the Streaming-102 plot.
#[derive(Clone, Debug, PartialEq)]
pub struct TracePoint {
    /// Event time (or processing time), epoch ms.
    pub event_ms: i64,
    /// Virtual time it was processed.
    pub processed_ms: u64,
    /// Its key.
    pub key: String,
    /// Shard it came from.
    pub shard: u32,
    /// Subtask that processed it.
    pub subtask: u32,
    /// Went to the late side output.
    pub late: bool,
}

/// A watermark sample.
#[derive(Clone, Debug, PartialEq)]
pub struct WatermarkPoint {
    /// Virtual time.
    pub at_ms: u64,
    /// The operator's watermark.
    pub combined: i64,
    /// Per split: (shard, watermark, idle).
    pub splits: Vec<(u32, i64, bool)>,
}

/// Counters of a job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Kinesis records (user records after de-aggregation) read.
    pub records_in: u64,
    /// Not a JSON object (skipped, as `json.ignore-parse-errors` would).
    pub parse_errors: u64,
    /// Missing or unreadable event-time column (skipped).
    pub bad_timestamps: u64,
    /// Removed by `WHERE`.
    pub filtered_out: u64,
    /// Given to the window operator.
    pub processed: u64,
    /// Routed to the late side output.
    pub late: u64,
    /// Panes fired (first firings).
    pub fired: u64,
    /// Late firings updating a pane.
    pub updates: u64,
    /// Restarts after failures.
    pub restarts: u64,
}

/// Whether the job processes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Processing.
    Running,
    /// A task manager was lost: restarting at `until` from the latest completed checkpoint.
    Restarting {
        /// Restart time.
        until: u64,
    },
}

/// A running job.
#[derive(Clone, Debug)]
pub struct Job {
    /// What it computes.
    pub spec: QuerySpec,
    /// How it runs.
    pub settings: JobSettings,
    /// Key groups (§5.5).
    pub max_parallelism: u32,
    /// The source reader (positions per shard).
    pub reader: SdkConsumer,
    /// Splits by shard index.
    pub splits: BTreeMap<u32, Split>,
    /// Operator subtasks.
    pub subtasks: Vec<Subtask>,
    /// The operator's watermark (min over non-idle splits, monotonic).
    pub watermark: i64,
    /// Sinks.
    pub sinks: Sinks,
    /// Checkpoints.
    pub coordinator: Coordinator,
    /// Running or restarting.
    pub phase: Phase,
    /// 0, +1 per restart.
    pub incarnation: u32,
    /// Counters.
    pub counters: Counters,
    /// Recent records for the plot.
    pub trace: VecDeque<TracePoint>,
    /// Recent watermarks for the plot.
    pub watermarks: VecDeque<WatermarkPoint>,
    /// When the job started (this incarnation or the first).
    pub started_ms: u64,
    /// Next watermark emission.
    pub next_watermark_ms: u64,
    /// Next source poll.
    pub next_poll_ms: u64,
    /// The snapshot a restart without any completed checkpoint goes back to.
    pub initial: Snapshot,
    /// Whether the window state was restored from a snapshot at start.
    pub state_restored: bool,
    /// `AT_LEAST_ONCE` checkpointing without alignment: the in-flight checkpoint's operator state
    /// is taken only after the next poll, so it already holds records its source positions will
    /// replay (§5.6) — duplicates in the state after a recovery.
    pub unaligned_state_due: bool,
    /// The sink stream exists (INSERT INTO a Kinesis stream).
    pub sink_stream: Option<String>,
    /// With a Firehose source: the next tap position to read (`firehose::tap`).
    pub firehose_position: u64,
    /// With a Firehose source: records the tap dropped before this job read them.
    pub firehose_skipped: u64,
}

/// A short fingerprint of what state means (restoring into another query skips window state).
pub fn query_fingerprint(spec: &QuerySpec) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}",
        spec.window, spec.time, spec.keys, spec.aggregates, spec.filter
    )
}

fn new_operator(spec: &QuerySpec, settings: &JobSettings) -> WindowOperator {
    WindowOperator::new(
        spec.window,
        spec.time,
        settings.allowed_lateness_ms,
        spec.aggregates.clone(),
    )
}

/// Redistributes window state over `parallelism` subtasks by key group (§5.5).
pub fn rescale(
    operators: Vec<WindowOperator>,
    spec: &QuerySpec,
    settings: &JobSettings,
    max_parallelism: u32,
) -> Vec<Subtask> {
    let p = settings.parallelism.max(1);
    let mut all = new_operator(spec, settings);
    for op in operators {
        all.absorb(op);
    }
    (0..p)
        .map(|i| {
            let mut op = all.clone();
            op.retain_key_groups(max_parallelism, &|kg| {
                operator_index(kg, p, max_parallelism) == i
            });
            Subtask {
                operator: op,
                records: 0,
                fired: 0,
            }
        })
        .collect()
}

impl Job {
    /// Starts `spec` now, from `restore` if given (a checkpoint or savepoint), else from the
    /// source's start position (LATEST = after the last record of each shard now).
    pub fn start(
        world: &World,
        spec: QuerySpec,
        settings: JobSettings,
        restore: Option<&Snapshot>,
        incarnation: u32,
    ) -> Result<Job, String> {
        let now = world.now();
        let max_parallelism = restore
            .map(|s| s.max_parallelism)
            .unwrap_or_else(|| default_max_parallelism(settings.parallelism));
        if settings.parallelism > max_parallelism {
            return Err(format!(
                "parallelism {} exceeds the max parallelism {max_parallelism} fixed by the snapshot's key groups (§5.5)",
                settings.parallelism
            ));
        }
        // A Firehose source reads the delivery stream's tap; its Kinesis reader stays empty.
        let stream = if spec.source.from_firehose {
            String::new()
        } else {
            spec.source.stream.clone()
        };
        let tap = world
            .firehose
            .streams
            .get(&spec.source.stream)
            .filter(|_| spec.source.from_firehose)
            .map(|d| &d.tap);
        let firehose_position = match (restore, tap) {
            (Some(s), _) => s.firehose_position,
            (None, Some(t)) if spec.source.start_position == "TRIM_HORIZON" => t.start(),
            (None, Some(t)) => t.end(),
            (None, None) => 0,
        };
        let mut state_restored = false;
        let fingerprint = query_fingerprint(&spec);
        let (reader, splits, operators, watermark) = match restore {
            Some(s) => {
                let mut reader = s.reader.clone();
                for sh in reader.shards.values_mut() {
                    sh.iterator = None;
                    sh.not_before = now;
                    sh.backoff_ms = 0;
                }
                reader.poll_interval_ms = POLL_INTERVAL_MS;
                let same = s.query_fingerprint == fingerprint;
                state_restored = same;
                let ops = if same {
                    s.operators.clone()
                } else {
                    Vec::new()
                };
                let wm = if same { s.watermark } else { i64::MIN };
                (reader, s.splits.clone(), ops, wm)
            }
            None => {
                let start = if spec.source.start_position == "TRIM_HORIZON" {
                    IteratorStart::TrimHorizon
                } else {
                    IteratorStart::Latest
                };
                let mut reader = SdkConsumer::new(
                    world,
                    &stream,
                    start.clone(),
                    POLL_INTERVAL_MS,
                    GET_RECORDS_LIMIT,
                );
                if start == IteratorStart::Latest {
                    pin_latest(world, &mut reader);
                }
                (reader, BTreeMap::new(), Vec::new(), i64::MIN)
            }
        };
        let subtasks = rescale(operators, &spec, &settings, max_parallelism);
        let sink_stream = spec
            .sink
            .clone()
            .filter(|s| world.kinesis.stream(s).is_some());
        let mut job = Job {
            initial: Snapshot {
                id: 0,
                taken_ms: now,
                reader: reader.clone(),
                firehose_position,
                splits: splits.clone(),
                operators: Vec::new(),
                watermark,
                max_parallelism,
                state_bytes: 0,
                query_fingerprint: fingerprint,
            },
            spec,
            max_parallelism,
            reader,
            splits,
            subtasks,
            watermark,
            sinks: Sinks::default(),
            coordinator: Coordinator::new(restore.map_or(0, |s| s.id)),
            phase: Phase::Running,
            incarnation,
            counters: Counters::default(),
            trace: VecDeque::new(),
            watermarks: VecDeque::new(),
            started_ms: now,
            next_watermark_ms: now + settings.watermark_interval_ms,
            next_poll_ms: now,
            state_restored,
            unaligned_state_due: false,
            sink_stream,
            settings,
            firehose_position,
            firehose_skipped: 0,
        };
        if restore.is_some() {
            job.initial.operators = job.subtasks.iter().map(|s| s.operator.clone()).collect();
        }
        Ok(job)
    }

    /// Approximate keyed state, bytes.
    pub fn state_bytes(&self) -> u64 {
        self.subtasks
            .iter()
            .flat_map(|s| s.operator.state_by_key_group(self.max_parallelism))
            .map(|(_, _, b)| b)
            .sum()
    }

    /// A consistent snapshot now (the barrier).
    pub fn snapshot(&self, id: u64, now: u64) -> Snapshot {
        Snapshot {
            id,
            taken_ms: now,
            reader: self.reader.clone(),
            firehose_position: self.firehose_position,
            splits: self.splits.clone(),
            operators: self.subtasks.iter().map(|s| s.operator.clone()).collect(),
            watermark: self.watermark,
            max_parallelism: self.max_parallelism,
            state_bytes: self.state_bytes(),
            query_fingerprint: query_fingerprint(&self.spec),
        }
    }

    /// When the job next has work.
    pub fn next_due(&self) -> u64 {
        if let Phase::Restarting { until } = self.phase {
            return until;
        }
        let mut due = self.next_poll_ms.min(self.next_watermark_ms);
        if let Some((_, at)) = &self.coordinator.in_flight {
            due = due.min(*at);
        }
        if let Some(t) = self.next_checkpoint_ms() {
            due = due.min(t);
        }
        due
    }

    fn next_checkpoint_ms(&self) -> Option<u64> {
        if !self.settings.checkpointing || self.coordinator.in_flight.is_some() {
            return None;
        }
        let by_interval = self
            .coordinator
            .last_trigger_ms
            .unwrap_or(self.started_ms)
            .saturating_add(self.settings.checkpoint_interval_ms);
        let by_pause = self
            .coordinator
            .last_complete_ms
            .map_or(0, |t| t.saturating_add(self.settings.min_pause_ms));
        Some(by_interval.max(by_pause))
    }

    /// A task manager is lost: in-flight checkpoint fails, open transactions abort, and the job
    /// restarts after [`RESTART_DELAY_MS`] from the latest completed checkpoint.
    pub fn kill_task_manager(&mut self, now: u64) {
        self.coordinator.fail("task manager lost", now);
        self.unaligned_state_due = false;
        self.sinks.abort_pending();
        self.phase = Phase::Restarting {
            until: now + RESTART_DELAY_MS,
        };
    }

    fn restore(&mut self, now: u64) {
        let snap = self
            .coordinator
            .latest
            .clone()
            .unwrap_or_else(|| self.initial.clone());
        let mut reader = snap.reader.clone();
        for sh in reader.shards.values_mut() {
            sh.iterator = None;
            sh.not_before = now;
            sh.backoff_ms = 0;
        }
        self.reader = reader;
        self.firehose_position = snap.firehose_position;
        self.splits = snap.splits.clone();
        self.watermark = snap.watermark;
        self.subtasks = rescale(
            snap.operators.clone(),
            &self.spec,
            &self.settings,
            self.max_parallelism,
        );
        self.incarnation += 1;
        self.counters.restarts += 1;
        self.phase = Phase::Running;
        self.next_poll_ms = now;
        self.next_watermark_ms = now + self.settings.watermark_interval_ms;
        self.coordinator.last_trigger_ms = Some(now);
        self.sinks.current_txn = self.coordinator.next_id;
    }

    /// Runs everything due at `world.now()`.
    pub fn step(&mut self, world: &mut World) {
        let now = world.now();
        if let Phase::Restarting { until } = self.phase {
            if now < until {
                return;
            }
            self.restore(now);
        }
        if now >= self.next_poll_ms {
            self.poll(world);
            self.next_poll_ms = now + POLL_INTERVAL_MS;
            if self.unaligned_state_due {
                self.unaligned_state_due = false;
                let operators: Vec<WindowOperator> =
                    self.subtasks.iter().map(|s| s.operator.clone()).collect();
                let bytes = self.state_bytes();
                if let Some((snap, _)) = self.coordinator.in_flight.as_mut() {
                    snap.operators = operators;
                    snap.state_bytes = bytes;
                }
            }
        }
        if now >= self.next_watermark_ms {
            self.emit_watermark(world);
            self.next_watermark_ms = now + self.settings.watermark_interval_ms;
        }
        if self.spec.time == TimeCharacteristic::ProcessingTime {
            let t = world.epoch().to_unix_ms(now) as i64;
            let outs: Vec<(u32, Vec<Output>)> = self
                .subtasks
                .iter_mut()
                .enumerate()
                .map(|(i, s)| (i as u32, s.operator.on_processing_time(t)))
                .collect();
            for (i, o) in outs {
                self.handle(world, i, o);
            }
        }
        self.checkpoints(now);
        self.write_sink_stream(world);
    }

    fn checkpoints(&mut self, now: u64) {
        if let Some((_, at)) = &self.coordinator.in_flight {
            if now >= *at {
                if let Some(id) = self.coordinator.complete(now) {
                    let n = self.sinks.commit(id);
                    self.coordinator.note_committed(id, n);
                }
            }
        }
        if self.next_checkpoint_ms().is_some_and(|t| now >= t) {
            let id = self.coordinator.next_id;
            self.coordinator.next_id += 1;
            let snap = self.snapshot(id, now);
            let at = now + Coordinator::duration_ms(POLL_INTERVAL_MS, snap.state_bytes);
            self.coordinator.begin(snap, at, false);
            self.sinks.seal(id);
            // Without alignment, a job reading several shards snapshots its state after records
            // past the barrier on the faster inputs were processed.
            self.unaligned_state_due = self.settings.mode
                == crate::engine::analytics::settings::CheckpointingMode::AtLeastOnce
                && self.splits.len() > 1;
        }
    }

    /// Takes a savepoint now; with `commit` (stop-with-savepoint) the open transactions commit.
    pub fn savepoint(&mut self, now: u64, commit: bool) -> Snapshot {
        let id = self.coordinator.next_id;
        self.coordinator.next_id += 1;
        let snap = self.snapshot(id, now);
        let mut record = snap.clone();
        record.taken_ms = now;
        self.coordinator.begin(record, now, true);
        self.coordinator.in_flight = None;
        if let Some(r) = self.coordinator.history.back_mut() {
            r.status = crate::engine::analytics::checkpoint::CheckpointStatus::Completed;
        }
        if commit {
            self.sinks.seal(id);
            let n = self.sinks.commit(id);
            self.coordinator.note_committed(id, n);
        }
        snap
    }
}
