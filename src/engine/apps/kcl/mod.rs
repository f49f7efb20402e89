//! Kinesis Client Library (KCL 2.x) consumer applications on virtual time (semantics.md §2.1–§2.5).
//!
//! An application ([`app::Application`]) has a name (its lease table's name), a stream, workers
//! and a configuration ([`config`]). Its workers coordinate only through the lease table
//! ([`lease`]): each runs a renewer and a taker ([`coordinator`], §2.3) and one record processor
//! per held lease ([`worker`], [`process`]) that waits on its parents (§2.4), reads with polling
//! GetRecords through the real shared-throughput path ([`poll`], §2.1, §1.8), processes records on
//! virtual time and checkpoints by policy (§2.5). The leader's shard sync ([`sync`]) creates and
//! cleans up leases. The [`ledger`] records every delivery and every anomaly with its cause.
//!
//! **Cost.** One scheduled event per worker per activity — renew every 3,308 ms, take every
//! 20,050 ms, poll every `idleTimeBetweenReadsInMillis` — plus one shard sync per application every
//! 60 s; never one per record. Processing is materialised lazily: at every event and action the
//! application first delivers every buffered record whose processing finished by then.
//!
//! **Randomness.** The taker's random order comes from the application's own generator, forked
//! from the world's at creation, so a consumer never shifts the random stream of producers.

pub mod app;
pub mod cause;
pub mod config;
pub mod coordinator;
pub mod lease;
pub mod ledger;
pub mod lifecycle;
pub mod poll;
pub mod process;
pub mod render;
pub mod sync;
pub mod worker;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::apps::kcl::app::Application;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// A worker's periodic activities (one scheduled event each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// The lease renewer (§2.3).
    Renew,
    /// The lease taker (§2.3).
    Take,
    /// Polling GetRecords and processing (§2.1).
    Poll,
    /// The end of a pause.
    Resume,
}

/// A scheduled KCL event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KclEvent {
    /// A worker activity; stale if the worker's epoch moved on.
    Worker {
        /// Application name.
        app: String,
        /// Worker number.
        worker: u32,
        /// The worker's epoch when scheduled.
        epoch: u64,
        /// Which activity.
        activity: Activity,
    },
    /// The leader's shard sync and lease clean-up (§2.3, §2.4); stale if the application's
    /// generation moved on.
    Sync {
        /// Application name.
        app: String,
        /// The application's generation when scheduled.
        generation: u64,
    },
}

/// Every KCL application of the world, by name.
#[derive(Clone, Debug, Default)]
pub struct Kcl {
    apps: BTreeMap<String, Application>,
}

impl Kcl {
    /// Applications by name.
    pub fn apps(&self) -> &BTreeMap<String, Application> {
        &self.apps
    }

    /// The application called `name`.
    pub fn app(&self, name: &str) -> Option<&Application> {
        self.apps.get(name)
    }

    /// Whether there is no application.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    /// Canonical text of every application's state, for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = String::new();
        for (name, a) in &self.apps {
            let _ = write!(
                out,
                "kcl={name};{};{};{};{:?};",
                a.stream, a.running, a.generation, a.config
            );
            for l in a.leases.all() {
                let _ = write!(out, "lease={l:?};");
            }
            for w in &a.workers {
                let _ = write!(
                    out,
                    "w={};{:?};{};{:?};{};",
                    w.id, w.state, w.epoch, w.processing_ms, w.processed
                );
                for p in w.processors.values() {
                    let _ = write!(
                        out,
                        "p={};{};{:?};{};{};{:?};{};",
                        p.lease_key,
                        p.counter,
                        p.state,
                        p.buffer.len(),
                        p.busy_until,
                        p.last_processed.as_ref().map(|(_, i)| i),
                        p.since_checkpoint
                    );
                }
            }
            let l = &a.ledger;
            let _ = write!(
                out,
                "ledger={};{};{};{:x};{};{:?};",
                l.deliveries,
                l.duplicates,
                l.out_of_order,
                l.fingerprint,
                l.entries.len(),
                a.completed
            );
        }
        out
    }

    /// Removes an application (to work on it next to the world); put it back with `put`.
    pub(crate) fn take(&mut self, name: &str) -> Option<Application> {
        self.apps.remove(name)
    }

    /// Puts an application back.
    pub(crate) fn put(&mut self, app: Application) {
        self.apps.insert(app.name.clone(), app);
    }
}

/// Runs `f` on application `name` with the world alongside (the application is taken out of the
/// world meanwhile; the Kinesis calls it makes never touch KCL state).
pub fn with_app<R>(
    world: &mut World,
    name: &str,
    f: impl FnOnce(&mut World, &mut Application) -> R,
) -> Option<R> {
    let mut app = world.kcl.take(name)?;
    let out = f(world, &mut app);
    world.kcl.put(app);
    Some(out)
}

/// Schedules activity `activity` of worker `w` at `due`.
pub fn schedule(
    world: &mut World,
    app: &Application,
    w: usize,
    activity: Activity,
    due: VirtualMs,
) {
    let worker = &app.workers[w];
    let event = KclEvent::Worker {
        app: app.name.clone(),
        worker: worker.number,
        epoch: worker.epoch,
        activity,
    };
    world.schedule(due, Event::Kcl(event));
}

/// Handles a KCL event.
pub fn on_event(world: &mut World, event: KclEvent) {
    match event {
        KclEvent::Worker {
            app,
            worker,
            epoch,
            activity,
        } => {
            with_app(world, &app, |world, a| {
                let Some(w) = a.worker_index(worker) else {
                    return;
                };
                if a.workers[w].epoch != epoch {
                    return;
                }
                let now = world.now();
                if activity == Activity::Resume {
                    lifecycle::resume(world, a, w);
                    return;
                }
                if !a.workers[w].is_alive() {
                    return;
                }
                a.catch_up(now);
                match activity {
                    Activity::Renew => {
                        coordinator::renew(a, w, now);
                        schedule(
                            world,
                            a,
                            w,
                            Activity::Renew,
                            now + config::RENEWER_INTERVAL_MS,
                        );
                    }
                    Activity::Take => {
                        coordinator::take(a, w, now);
                        schedule(world, a, w, Activity::Take, now + config::TAKER_INTERVAL_MS);
                    }
                    Activity::Poll => {
                        poll::poll(world, a, w);
                        let next = now + a.config.idle_time_between_reads_ms;
                        schedule(world, a, w, Activity::Poll, next);
                    }
                    Activity::Resume => {}
                }
            });
        }
        KclEvent::Sync { app, generation } => {
            with_app(world, &app, |world, a| {
                if !a.running || a.generation != generation {
                    return;
                }
                lifecycle::run_sync(world, a);
                let next = world.now() + config::SHARD_SYNC_INTERVAL_MS;
                world.schedule(
                    next,
                    Event::Kcl(KclEvent::Sync {
                        app: a.name.clone(),
                        generation,
                    }),
                );
            });
        }
    }
}
