//! Starting and stopping applications, and the worker faults: add, kill, pause, slow; plus the
//! manual checkpoint (semantics.md §2.1, §2.5).

use crate::engine::api::error::ApiError;
use crate::engine::apps::kcl::app::{Application, LeaseEventKind};
use crate::engine::apps::kcl::config::{
    KclConfig, MAX_APPLICATIONS, MAX_WORKERS, RENEWER_INTERVAL_MS, TAKER_INTERVAL_MS,
};
use crate::engine::apps::kcl::process::{checkpoint_last, keep_or_drop};
use crate::engine::apps::kcl::worker::{ProcessorState, ShutdownReason, Worker, WorkerState};
use crate::engine::apps::kcl::{coordinator, schedule, sync, with_app, Activity, KclEvent};
use crate::engine::kinesis::Kinesis;
use crate::engine::world::{Event, World};

fn app_not_found(name: &str) -> ApiError {
    ApiError::not_found(format!(
        "KCL application {name} not found (no lease table named {name})."
    ))
}

fn worker_not_found(app: &str, id: &str) -> ApiError {
    ApiError::not_found(format!("Worker {id} not found in KCL application {app}."))
}

/// Runs the shard sync of `app` (if a worker is alive to lead it).
pub fn run_sync(world: &mut World, app: &mut Application) {
    let now = world.now();
    app.catch_up(now);
    if app.alive_count() == 0 {
        return;
    }
    let epoch = world.epoch();
    if let Some(stream) = world.kinesis.stream(&app.stream) {
        sync::sync(app, stream, epoch, now);
    }
}

fn start_worker(world: &mut World, app: &mut Application) -> String {
    let now = world.now();
    let n = app.next_worker_number();
    app.workers.push(Worker::new(n, now));
    let w = app.workers.len() - 1;
    let id = app.workers[w].id.clone();
    app.log(
        now,
        LeaseEventKind::WorkerStarted,
        None,
        Some(&id),
        None,
        None,
        "started".into(),
    );
    id
}

/// Starts the cycles of workers `ws`: every first take runs now, before any first poll (workers
/// starting together), then each worker's first poll; the next renew, take and poll are
/// scheduled. The first activities run inside the call rather than as events due now, so a
/// replayed session (which advances to each call's time before making it) sees the same order.
fn begin_cycles(world: &mut World, app: &mut Application, ws: std::ops::Range<usize>) {
    let now = world.now();
    for w in ws.clone() {
        coordinator::take(app, w, now);
    }
    for w in ws {
        crate::engine::apps::kcl::poll::poll(world, app, w);
        schedule(world, app, w, Activity::Renew, now + RENEWER_INTERVAL_MS);
        schedule(world, app, w, Activity::Take, now + TAKER_INTERVAL_MS);
        schedule(
            world,
            app,
            w,
            Activity::Poll,
            now + app.config.idle_time_between_reads_ms,
        );
    }
}

/// Starts application `name` on `stream` with `workers` workers, or restarts a stopped one on its
/// existing lease table (checkpoints are kept).
pub fn start(
    world: &mut World,
    name: &str,
    stream: &str,
    config: KclConfig,
    workers: usize,
) -> Result<Vec<String>, ApiError> {
    if world.kinesis.stream(stream).is_none() {
        return Err(Kinesis::stream_not_found(stream));
    }
    if workers == 0 || workers > MAX_WORKERS {
        return Err(ApiError::invalid_argument(format!(
            "Workers must be between 1 and {MAX_WORKERS}."
        )));
    }
    let now = world.now();
    match world.kcl.app(name) {
        Some(a) if a.running => {
            return Err(ApiError::in_use(format!(
                "KCL application {name} is already running."
            )));
        }
        Some(a) if a.stream != stream => {
            return Err(ApiError::in_use(format!(
                "The lease table {name} belongs to stream {}; an application name is one lease table (§2.1).",
                a.stream
            )));
        }
        Some(_) => {}
        None => {
            if world.kcl.apps().len() >= MAX_APPLICATIONS {
                return Err(ApiError::new(
                    crate::engine::api::error::ErrorKind::LimitExceededException,
                    format!("At most {MAX_APPLICATIONS} KCL applications per world."),
                ));
            }
            let rng = world.rng().fork();
            let app = Application::new(name, stream, config, rng, now);
            world.kcl.put(app);
        }
    }
    let ids = with_app(world, name, |world, app| {
        app.config = config;
        if app.ledger.deliveries == 0 {
            app.ledger = crate::engine::apps::kcl::ledger::Ledger::new(config.idempotent_sink);
        }
        // A restarted application keeps its sink (and what is in it).
        app.config.idempotent_sink = app.ledger.sink.is_some();
        app.running = true;
        app.generation += 1;
        app.started_at = now;
        run_sync_unconditionally(world, app);
        let first = app.workers.len();
        let ids: Vec<String> = (0..workers).map(|_| start_worker(world, app)).collect();
        let all = first..app.workers.len();
        begin_cycles(world, app, all);
        let generation = app.generation;
        let next = now + crate::engine::apps::kcl::config::SHARD_SYNC_INTERVAL_MS;
        world.schedule(
            next,
            Event::Kcl(KclEvent::Sync {
                app: app.name.clone(),
                generation,
            }),
        );
        ids
    });
    ids.ok_or_else(|| app_not_found(name))
}

fn run_sync_unconditionally(world: &mut World, app: &mut Application) {
    let now = world.now();
    let epoch = world.epoch();
    if let Some(stream) = world.kinesis.stream(&app.stream) {
        sync::sync(app, stream, epoch, now);
    }
}

/// StopKclApplication: every alive processor gets its final checkpoint and shuts down with
/// REQUESTED (§2.5); leases stay in the table with their owners and expire.
pub fn stop(world: &mut World, name: &str) -> Result<(), ApiError> {
    let now = world.now();
    with_app(world, name, |_, app| {
        if !app.running {
            return Err(ApiError::in_use(format!(
                "KCL application {name} is not running."
            )));
        }
        app.catch_up(now);
        for w in 0..app.workers.len() {
            let alive = app.workers[w].is_alive();
            if matches!(
                app.workers[w].state,
                WorkerState::Dead { .. } | WorkerState::Stopped { .. }
            ) {
                continue;
            }
            let me = app.workers[w].id.clone();
            let keys: Vec<String> = app.workers[w].processors.keys().cloned().collect();
            for key in keys {
                let Some(mut p) = app.workers[w].processors.remove(&key) else {
                    continue;
                };
                if alive && p.state == ProcessorState::Processing {
                    checkpoint_last(app, &me, &mut p, now);
                }
                p.state.shut_down(ShutdownReason::Requested);
                keep_or_drop(app, w, p);
            }
            app.workers[w].state = WorkerState::Stopped { at: now };
            app.workers[w].epoch += 1;
        }
        app.running = false;
        app.generation += 1;
        app.log(
            now,
            LeaseEventKind::Stopped,
            None,
            None,
            None,
            None,
            "shutdown REQUESTED: final checkpoints written".into(),
        );
        Ok(())
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}

/// AddKclWorker: a new worker joins; its taker runs at once (and steals if nothing is expired).
pub fn add_worker(world: &mut World, name: &str) -> Result<String, ApiError> {
    with_app(world, name, |world, app| {
        if !app.running {
            return Err(ApiError::in_use(format!(
                "KCL application {name} is not running."
            )));
        }
        let live = app
            .workers
            .iter()
            .filter(|w| matches!(w.state, WorkerState::Alive | WorkerState::Paused { .. }))
            .count();
        if live >= MAX_WORKERS {
            return Err(ApiError::new(
                crate::engine::api::error::ErrorKind::LimitExceededException,
                format!("At most {MAX_WORKERS} running workers per application."),
            ));
        }
        app.catch_up(world.now());
        let id = start_worker(world, app);
        let w = app.workers.len() - 1;
        begin_cycles(world, app, w..w + 1);
        Ok(id)
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}

/// Finds a worker that is alive or paused.
fn running_worker(app: &Application, id: &str) -> Result<usize, ApiError> {
    let w = app
        .worker_by_id(id)
        .ok_or_else(|| worker_not_found(&app.name, id))?;
    match app.workers[w].state {
        WorkerState::Alive | WorkerState::Paused { .. } => Ok(w),
        s => Err(ApiError::in_use(format!("Worker {id} is {}.", s.as_str()))),
    }
}

/// KillKclWorker: the worker stops instantly — no checkpoint, no lease released; its leases
/// expire after the failover time and other workers take them (§2.3). Returns the leases it held.
pub fn kill(world: &mut World, name: &str, id: &str) -> Result<Vec<String>, ApiError> {
    let now = world.now();
    with_app(world, name, |_, app| {
        let w = running_worker(app, id)?;
        app.catch_up(now);
        let held: Vec<String> = app.workers[w].processors.keys().cloned().collect();
        let worker = &mut app.workers[w];
        worker.processors.clear();
        worker.state = WorkerState::Dead { at: now };
        worker.epoch += 1;
        let detail = format!(
            "killed holding {} lease(s): no checkpoint, no lease released",
            held.len()
        );
        app.log(
            now,
            LeaseEventKind::WorkerKilled,
            None,
            Some(id),
            None,
            None,
            detail,
        );
        Ok(held)
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}

/// PauseKclWorker: the worker freezes for `ms`; its leases expire meanwhile if the pause outlasts
/// the failover time, and on its return its renewer finds them gone (LEASE_LOST).
pub fn pause(world: &mut World, name: &str, id: &str, ms: u64) -> Result<u64, ApiError> {
    let now = world.now();
    with_app(world, name, |world, app| {
        let w = running_worker(app, id)?;
        app.catch_up(now);
        let (since, until) = match app.workers[w].state {
            WorkerState::Paused { since, until } => (since, until.max(now + ms)),
            _ => (now, now + ms),
        };
        app.workers[w].state = WorkerState::Paused { since, until };
        app.workers[w].epoch += 1;
        schedule(world, app, w, Activity::Resume, until);
        app.log(
            now,
            LeaseEventKind::WorkerPaused,
            None,
            Some(id),
            None,
            None,
            format!("paused for {ms} ms"),
        );
        Ok(until)
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}

/// The end of a pause: the renewer runs first (finding lost leases), then the cycles resume.
pub fn resume(world: &mut World, app: &mut Application, w: usize) {
    let now = world.now();
    let WorkerState::Paused { since, .. } = app.workers[w].state else {
        return;
    };
    let worker = &mut app.workers[w];
    worker.state = WorkerState::Alive;
    worker.epoch += 1;
    for p in worker.processors.values_mut() {
        if p.busy_until > since {
            p.busy_until += now - since;
        } else if !p.buffer.is_empty() {
            p.busy_until = now;
        }
    }
    let before = worker.processors.len();
    let id = worker.id.clone();
    coordinator::renew(app, w, now);
    let lost = before - app.workers[w].processors.len();
    let detail = format!(
        "back after {} ms; {lost} lease(s) lost meanwhile",
        now - since
    );
    app.log(
        now,
        LeaseEventKind::WorkerResumed,
        None,
        Some(&id),
        None,
        None,
        detail,
    );
    app.catch_up(now);
    begin_cycles(world, app, w..w + 1);
}

/// SlowKclWorker: sets the worker's per-record processing time.
pub fn slow(world: &mut World, name: &str, id: &str, ms: u64) -> Result<(), ApiError> {
    let now = world.now();
    with_app(world, name, |_, app| {
        let w = running_worker(app, id)?;
        app.catch_up(now);
        app.workers[w].processing_ms = Some(ms);
        Ok(())
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}

/// CheckpointKclApplication: every processing processor (of `worker`, or of every alive worker)
/// checkpoints at its last processed record. Returns (leaseKey, checkpoint) written.
pub fn checkpoint_all(
    world: &mut World,
    name: &str,
    worker: Option<&str>,
) -> Result<Vec<(String, String)>, ApiError> {
    let now = world.now();
    with_app(world, name, |_, app| {
        let only = match worker {
            Some(id) => Some(running_worker(app, id)?),
            None => None,
        };
        app.catch_up(now);
        let mut out = Vec::new();
        for w in 0..app.workers.len() {
            if only.is_some_and(|o| o != w) || !app.workers[w].is_alive() {
                continue;
            }
            let me = app.workers[w].id.clone();
            let keys: Vec<String> = app.workers[w].processors.keys().cloned().collect();
            for key in keys {
                let Some(mut p) = app.workers[w].processors.remove(&key) else {
                    continue;
                };
                if p.state == ProcessorState::Processing
                    && p.since_checkpoint > 0
                    && checkpoint_last(app, &me, &mut p, now)
                {
                    let cp = app
                        .leases
                        .get(&key)
                        .map(|l| l.checkpoint.as_str().to_string())
                        .unwrap_or_default();
                    out.push((key.clone(), cp));
                }
                keep_or_drop(app, w, p);
            }
        }
        Ok(out)
    })
    .unwrap_or_else(|| Err(app_not_found(name)))
}
