//! One KCL application: its lease table, workers, delivery ledger and lease history.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::engine::apps::kcl::config::{KclConfig, LAG_TREND_SAMPLES, MAX_LEASE_EVENTS};
use crate::engine::apps::kcl::lease::LeaseTable;
use crate::engine::apps::kcl::ledger::Ledger;
use crate::engine::apps::kcl::worker::{TakeHow, Worker};
use crate::engine::rng::WorldRng;
use crate::engine::time::VirtualMs;

/// What happened to a lease or a worker (the lease history).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseEventKind {
    /// Shard discovery or a SHARD_END created the lease.
    Created,
    /// A worker took the lease (how: unowned, expired, very old, stolen).
    Taken(TakeHow),
    /// The holder found out it lost the lease (renewal or checkpoint failed): LEASE_LOST.
    Lost,
    /// The processor checkpointed SHARD_END.
    ShardEnd,
    /// Clean-up deleted a finished lease.
    Deleted,
    /// A worker started.
    WorkerStarted,
    /// A worker was killed.
    WorkerKilled,
    /// A worker was paused.
    WorkerPaused,
    /// A paused worker came back.
    WorkerResumed,
    /// The application shut down (REQUESTED).
    Stopped,
}

impl LeaseEventKind {
    /// Upper-case label.
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseEventKind::Created => "CREATED",
            LeaseEventKind::Taken(TakeHow::Stolen) => "STOLEN",
            LeaseEventKind::Taken(_) => "TAKEN",
            LeaseEventKind::Lost => "LEASE_LOST",
            LeaseEventKind::ShardEnd => "SHARD_END",
            LeaseEventKind::Deleted => "DELETED",
            LeaseEventKind::WorkerStarted => "WORKER_STARTED",
            LeaseEventKind::WorkerKilled => "WORKER_KILLED",
            LeaseEventKind::WorkerPaused => "WORKER_PAUSED",
            LeaseEventKind::WorkerResumed => "WORKER_RESUMED",
            LeaseEventKind::Stopped => "APPLICATION_STOPPED",
        }
    }
}

/// One entry of the lease history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseEvent {
    /// Virtual time.
    pub at: VirtualMs,
    /// Kind.
    pub kind: LeaseEventKind,
    /// The lease, if the event is about one.
    pub lease_key: Option<String>,
    /// The acting (or affected) worker.
    pub worker: Option<String>,
    /// The previous owner (takes) or the new owner (losses).
    pub other: Option<String>,
    /// Takes: expired leases the taker saw in that pass (§2.3: steals only when 0).
    pub expired_seen: Option<usize>,
    /// Detail in words.
    pub detail: String,
}

/// Consumer lag of one shard, from the application's GetRecords responses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShardLag {
    /// `MillisBehindLatest` of the last successful GetRecords.
    pub millis_behind_latest: u64,
    /// Virtual time of the last GetRecords attempt.
    pub last_poll_ms: Option<VirtualMs>,
    /// GetRecords calls that succeeded.
    pub calls: u64,
    /// Calls rejected with `ProvisionedThroughputExceededException` (§1.8).
    pub throttled: u64,
    /// Records fetched.
    pub fetched: u64,
    /// The last error, if any.
    pub last_error: Option<String>,
    /// Samples (time, records behind, MillisBehindLatest), oldest first.
    pub trend: VecDeque<(VirtualMs, u64, u64)>,
}

impl ShardLag {
    /// Adds a trend sample, keeping the newest [`LAG_TREND_SAMPLES`].
    pub fn sample(&mut self, at: VirtualMs, records_behind: u64) {
        if self.trend.len() >= LAG_TREND_SAMPLES {
            self.trend.pop_front();
        }
        self.trend
            .push_back((at, records_behind, self.millis_behind_latest));
    }
}

/// A KCL application.
#[derive(Clone, Debug)]
pub struct Application {
    /// Application name = lease table name (§2.1).
    pub name: String,
    /// The stream it consumes.
    pub stream: String,
    /// Settings.
    pub config: KclConfig,
    /// Whether it runs (false after StopKclApplication; the lease table and output remain).
    pub running: bool,
    /// Bumped on every start and stop; stale shard-sync events are ignored.
    pub generation: u64,
    /// The lease table.
    pub leases: LeaseTable,
    /// Every worker it ever ran, in start order.
    pub workers: Vec<Worker>,
    /// Shards whose finished leases clean-up deleted (never re-created).
    pub completed: BTreeSet<u32>,
    /// Delivery truth.
    pub ledger: Ledger,
    /// Consumer lag per shard index.
    pub lag: BTreeMap<u32, ShardLag>,
    /// Lease history, oldest first (the newest [`MAX_LEASE_EVENTS`]).
    pub events: VecDeque<LeaseEvent>,
    /// Lease events ever recorded.
    pub events_total: u64,
    /// The application's own generator, forked from the world's at creation (take order, §2.3).
    pub rng: WorldRng,
    /// When it (last) started.
    pub started_at: VirtualMs,
}

impl Application {
    /// A new, not yet started application.
    pub fn new(
        name: &str,
        stream: &str,
        config: KclConfig,
        rng: WorldRng,
        now: VirtualMs,
    ) -> Application {
        Application {
            name: name.to_string(),
            stream: stream.to_string(),
            config,
            running: false,
            generation: 0,
            leases: LeaseTable::default(),
            workers: Vec::new(),
            completed: BTreeSet::new(),
            ledger: Ledger::new(config.idempotent_sink),
            lag: BTreeMap::new(),
            events: VecDeque::new(),
            events_total: 0,
            rng,
            started_at: now,
        }
    }

    /// Position of the worker with number `n`.
    pub fn worker_index(&self, n: u32) -> Option<usize> {
        self.workers.iter().position(|w| w.number == n)
    }

    /// Position of the worker called `id`.
    pub fn worker_by_id(&self, id: &str) -> Option<usize> {
        self.workers.iter().position(|w| w.id == id)
    }

    /// Next worker number (numbers are never reused, so lease owners stay unambiguous).
    pub fn next_worker_number(&self) -> u32 {
        self.workers.iter().map(|w| w.number).max().unwrap_or(0) + 1
    }

    /// Appends to the lease history.
    #[allow(clippy::too_many_arguments)]
    pub fn log(
        &mut self,
        at: VirtualMs,
        kind: LeaseEventKind,
        lease_key: Option<&str>,
        worker: Option<&str>,
        other: Option<&str>,
        expired_seen: Option<usize>,
        detail: String,
    ) {
        if self.events.len() >= MAX_LEASE_EVENTS {
            self.events.pop_front();
        }
        self.events_total += 1;
        self.events.push_back(LeaseEvent {
            at,
            kind,
            lease_key: lease_key.map(str::to_string),
            worker: worker.map(str::to_string),
            other: other.map(str::to_string),
            expired_seen,
            detail,
        });
    }

    /// Workers that are alive.
    pub fn alive_count(&self) -> usize {
        self.workers.iter().filter(|w| w.is_alive()).count()
    }

    /// Processes, for every alive worker, the buffered records whose processing finished by
    /// `now` (run before anything else at every event and action, so deliveries, checkpoints and
    /// lease changes happen in virtual-time order per shard).
    pub fn catch_up(&mut self, now: VirtualMs) {
        for w in 0..self.workers.len() {
            if !self.workers[w].is_alive() {
                continue;
            }
            let keys: Vec<String> = self.workers[w].processors.keys().cloned().collect();
            for key in keys {
                crate::engine::apps::kcl::process::materialize(self, w, &key, now);
            }
        }
    }
}
