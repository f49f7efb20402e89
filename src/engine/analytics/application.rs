//! A Managed Service for Apache Flink application (semantics.md §5.6): its SQL, settings, status
//! lifecycle (READY → STARTING → RUNNING → STOPPING → READY, UPDATING), snapshots, and the job
//! it runs; scheduled on virtual time through `Event::Analytics`.

use std::collections::BTreeMap;

use crate::engine::analytics::checkpoint::Snapshot;
use crate::engine::analytics::job::Job;
use crate::engine::analytics::settings::JobSettings;
use crate::engine::analytics::spec::QuerySpec;
use crate::engine::world::{Event, World};

/// STARTING lasts this long, ms (model; MSF takes minutes).
pub const START_DELAY_MS: u64 = 5_000;
/// STOPPING / UPDATING last this long, ms (model).
pub const STOP_DELAY_MS: u64 = 2_000;
/// Applications per account (playground ceiling).
pub const MAX_APPLICATIONS: usize = 50;
/// Snapshots kept per application (MSF's per-application quota is 1,000; the playground keeps
/// fewer).
pub const MAX_SNAPSHOTS: usize = 100;

/// `ApplicationStatus` (§5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppStatus {
    /// Created or stopped.
    Ready,
    /// Starting.
    Starting,
    /// Running.
    Running,
    /// Stopping.
    Stopping,
    /// Restarting with a new configuration.
    Updating,
    /// Being deleted.
    Deleting,
}

impl AppStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Ready => "READY",
            AppStatus::Starting => "STARTING",
            AppStatus::Running => "RUNNING",
            AppStatus::Stopping => "STOPPING",
            AppStatus::Updating => "UPDATING",
            AppStatus::Deleting => "DELETING",
        }
    }
}

/// A stored snapshot (MSF's managed savepoint).
#[derive(Clone, Debug)]
pub struct AppSnapshot {
    /// `SnapshotName`.
    pub name: String,
    /// Creation time, virtual ms.
    pub created_ms: u64,
    /// Application version it was taken from.
    pub version_id: u64,
    /// The state.
    pub snapshot: Snapshot,
}

/// What a start restores (`ApplicationRestoreType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restore {
    /// `SKIP_RESTORE_FROM_SNAPSHOT`.
    Skip,
    /// `RESTORE_FROM_LATEST_SNAPSHOT`.
    Latest,
    /// `RESTORE_FROM_CUSTOM_SNAPSHOT`.
    Custom(String),
}

/// One application.
#[derive(Clone, Debug)]
pub struct Application {
    /// Name.
    pub name: String,
    /// `ApplicationDescription`.
    pub description: String,
    /// `RuntimeEnvironment`.
    pub runtime: String,
    /// `ServiceExecutionRole`.
    pub role: String,
    /// The SQL text.
    pub sql: String,
    /// Its compiled form.
    pub spec: QuerySpec,
    /// Settings.
    pub settings: JobSettings,
    /// Status.
    pub status: AppStatus,
    /// `ApplicationVersionId` (1, +1 per update).
    pub version_id: u64,
    /// Created, virtual ms.
    pub created_ms: u64,
    /// Last updated, virtual ms.
    pub updated_ms: u64,
    /// When the current transition (STARTING, STOPPING, UPDATING) ends.
    pub transition_at: Option<u64>,
    /// The restore the pending start uses.
    pub restore: Restore,
    /// The job (RUNNING, or the results of the last run while READY).
    pub job: Option<Job>,
    /// Snapshots by name.
    pub snapshots: BTreeMap<String, AppSnapshot>,
    /// Bumped on every transition: stale ticks are ignored.
    pub generation: u64,
    /// Restarts of the job over the application's life.
    pub incarnations: u32,
    /// Why the last start failed, if it did.
    pub last_error: Option<String>,
}

/// Service state: applications by name.
#[derive(Clone, Debug, Default)]
pub struct Analytics {
    /// Applications.
    pub applications: BTreeMap<String, Application>,
}

/// An analytics event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalyticsEvent {
    /// Something is due for an application.
    Tick {
        /// Application name.
        application: String,
        /// Its generation when scheduled.
        generation: u64,
    },
}

/// The application's ARN.
pub fn application_arn(name: &str) -> String {
    format!("arn:aws:kinesisanalytics:us-east-1:123456789012:application/{name}")
}

impl Application {
    /// When the application next has work.
    pub fn next_due(&self) -> Option<u64> {
        if let Some(t) = self.transition_at {
            return Some(t);
        }
        match (self.status, &self.job) {
            (AppStatus::Running, Some(j)) => Some(j.next_due()),
            _ => None,
        }
    }

    /// The latest snapshot, by creation time then name.
    pub fn latest_snapshot(&self) -> Option<&AppSnapshot> {
        self.snapshots
            .values()
            .max_by(|a, b| (a.created_ms, &a.name).cmp(&(b.created_ms, &b.name)))
    }

    /// Stores a snapshot (oldest dropped beyond [`MAX_SNAPSHOTS`]).
    pub fn store_snapshot(&mut self, name: String, now: u64, snapshot: Snapshot) {
        self.snapshots.insert(
            name.clone(),
            AppSnapshot {
                name,
                created_ms: now,
                version_id: self.version_id,
                snapshot,
            },
        );
        while self.snapshots.len() > MAX_SNAPSHOTS {
            let oldest = self
                .snapshots
                .values()
                .min_by(|a, b| (a.created_ms, &a.name).cmp(&(b.created_ms, &b.name)))
                .map(|s| s.name.clone());
            match oldest {
                Some(n) => {
                    self.snapshots.remove(&n);
                }
                None => break,
            }
        }
    }
}

/// Runs `f` on application `name` taken out of the world, puts it back and schedules its next
/// tick.
pub fn with_app<R>(
    world: &mut World,
    name: &str,
    f: impl FnOnce(&mut World, &mut Application) -> R,
) -> Option<R> {
    let mut app = world.analytics.applications.remove(name)?;
    let out = f(world, &mut app);
    if let Some(t) = app.next_due() {
        world.schedule(
            t.max(world.now()),
            Event::Analytics(AnalyticsEvent::Tick {
                application: name.to_string(),
                generation: app.generation,
            }),
        );
    }
    world.analytics.applications.insert(name.to_string(), app);
    Some(out)
}

/// Handles an analytics event.
pub fn on_event(world: &mut World, event: AnalyticsEvent) {
    let AnalyticsEvent::Tick {
        application,
        generation,
    } = event;
    let fresh = world
        .analytics
        .applications
        .get(&application)
        .is_some_and(|a| a.generation == generation);
    if !fresh {
        return;
    }
    // Each tick consumes its generation so only the newest schedule runs.
    if let Some(a) = world.analytics.applications.get_mut(&application) {
        a.generation += 1;
    }
    with_app(world, &application, step);
}

/// Runs what is due.
pub fn step(world: &mut World, app: &mut Application) {
    let now = world.now();
    if app.transition_at.is_some_and(|t| now >= t) {
        app.transition_at = None;
        match app.status {
            AppStatus::Starting | AppStatus::Updating => start_job(world, app),
            AppStatus::Stopping => app.status = AppStatus::Ready,
            _ => {}
        }
    }
    if app.status == AppStatus::Running {
        if let Some(job) = app.job.as_mut() {
            job.step(world);
        }
    }
}

fn start_job(world: &mut World, app: &mut Application) {
    let snapshot = match &app.restore {
        Restore::Skip => None,
        Restore::Latest => app.latest_snapshot().map(|s| s.snapshot.clone()),
        Restore::Custom(n) => app.snapshots.get(n).map(|s| s.snapshot.clone()),
    };
    let previous_sinks = app.job.take().map(|j| j.sinks);
    match Job::start(
        world,
        app.spec.clone(),
        app.settings.clone(),
        snapshot.as_ref(),
        app.incarnations,
    ) {
        Ok(mut job) => {
            // The results tables belong to the application, not one run: a restart from a
            // snapshot keeps what was already published (that is what makes replays visible).
            if let Some(s) = previous_sinks {
                job.sinks = s;
                job.sinks.current_txn = job.coordinator.next_id;
            }
            app.job = Some(job);
            app.status = AppStatus::Running;
            app.last_error = None;
        }
        Err(e) => {
            app.status = AppStatus::Ready;
            app.last_error = Some(e);
        }
    }
}

/// A canonical rendering of every application for the world digest.
pub fn digest_text(world: &World) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (name, a) in &world.analytics.applications {
        let _ = write!(
            out,
            "app {name} {} v{} gen{} snaps{:?};",
            a.status.as_str(),
            a.version_id,
            a.generation,
            a.snapshots.keys().collect::<Vec<_>>()
        );
        if let Some(j) = &a.job {
            let _ = write!(
                out,
                "job inc{} wm{} {:?} ckpt{:?} alo{} dup{} late{};",
                j.incarnation,
                j.watermark,
                j.counters,
                j.coordinator.latest.as_ref().map(|s| s.id),
                j.sinks.at_least_once_total,
                j.sinks.duplicates,
                j.sinks.late_total
            );
            for ((w, k), r) in &j.sinks.committed {
                let _ = write!(out, "[{},{}) {k} {};", w.start, w.end, r.row);
            }
        }
    }
    out
}
