//! The world: one clock, one scheduler, one RNG, and every simulated service.
//!
//! A world is a pure function of its [`WorldConfig`] and the timed dispatcher calls applied to it.
//! [`World::advance_to`] runs every scheduled event up to a virtual time in `(due, seq)` order.

use crate::engine::apps::producer::Producers;
use crate::engine::kinesis::stream::StreamStatus;
use crate::engine::kinesis::Kinesis;
use crate::engine::rng::WorldRng;
use crate::engine::scheduler::Scheduler;
use crate::engine::time::{Epoch, VirtualMs};

/// What a new world is made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorldConfig {
    /// Seed of the world's one RNG.
    pub seed: u64,
    /// The UTC instant virtual time 0 stands for.
    pub epoch: Epoch,
}

impl WorldConfig {
    /// A config with `seed` and the default epoch.
    pub fn seeded(seed: u64) -> WorldConfig {
        WorldConfig {
            seed,
            epoch: Epoch::default(),
        }
    }
}

/// Everything that can happen later: the closed set of scheduled events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A stream finishes CREATING or UPDATING and becomes ACTIVE.
    StreamActive {
        /// Stream name.
        stream: String,
    },
    /// A DELETING stream disappears.
    StreamGone {
        /// Stream name.
        stream: String,
    },
    /// A simulated producer is due to emit records.
    ProducerTick {
        /// Producer name.
        producer: String,
        /// The producer's configuration generation the tick was scheduled under; ticks of an
        /// older generation are stale and ignored.
        generation: u64,
    },
    /// A simulated application's client or consumer has work due (SDK retries, KPL deadlines,
    /// Kinesis Agent polls, Lambda event source mappings; `apps::events`).
    App(crate::engine::apps::events::AppEvent),
    /// Periodic capacity check of an on-demand stream (§1.12; `kinesis::on_demand`).
    OnDemandCheck {
        /// Stream name.
        stream: String,
        /// Virtual creation time of the stream (a re-created stream ignores old checks).
        created_ms: VirtualMs,
    },
    /// A reshard or capacity-mode switch finishes: the pending change is applied (parents close,
    /// children open) and the UPDATING stream becomes ACTIVE (§1.10, §1.12; `kinesis::reshard`).
    StreamUpdateComplete {
        /// Stream name.
        stream: String,
        /// Virtual creation time of the stream the update belongs to (a re-created stream of the
        /// same name ignores it).
        created_ms: VirtualMs,
    },
    /// Enhanced fan-out: a consumer becomes ACTIVE or disappears, or a subscription delivers its
    /// next `SubscribeToShardEvent` (§1.13; `kinesis::consumer`).
    Efo(crate::engine::kinesis::consumer::EfoEvent),
    /// A KCL worker's renewer, taker, poll or end of pause, or an application's shard sync
    /// (§2.1–§2.5; `apps::kcl`).
    Kcl(crate::engine::apps::kcl::KclEvent),
    /// A Firehose delivery stream has work due (§4; `firehose::pipeline`).
    Firehose(crate::engine::firehose::FirehoseEvent),
    /// A streaming application has work due (§5; `analytics::application`).
    Analytics(crate::engine::analytics::AnalyticsEvent),
    /// The Kafka cluster has work due (§6; `kafka`).
    Kafka(crate::engine::kafka::KafkaEvent),
    /// CloudWatch Logs, EventBridge or AWS IoT has work due (`sources`).
    Source(crate::engine::sources::event::SourceEvent),
}

/// The simulated world. `Clone` lets a lesson goal question a copy without changing the run.
#[derive(Clone, Debug)]
pub struct World {
    config: WorldConfig,
    now: VirtualMs,
    rng: WorldRng,
    scheduler: Scheduler<Event>,
    /// Kinesis Data Streams.
    pub kinesis: Kinesis,
    /// Simulated producer applications.
    pub producers: Producers,
    /// Lambda event source mappings (§3; `apps::lambda`).
    pub lambda: crate::engine::apps::lambda::Lambda,
    /// Injected faults.
    pub faults: crate::engine::faults::Faults,
    /// KCL consumer applications.
    pub kcl: crate::engine::apps::kcl::Kcl,
    /// SDK and enhanced fan-out consumer applications (`apps::consumer_apps`).
    pub consumer_apps: crate::engine::apps::consumer_apps::ConsumerApps,
    /// Amazon Data Firehose delivery streams and transform functions (§4).
    pub firehose: crate::engine::firehose::Firehose,
    /// S3 buckets (Firehose destinations and backups).
    pub s3: crate::engine::s3::S3,
    /// The Glue Data Catalog (schemas for record format conversion).
    pub glue: crate::engine::glue::Glue,
    /// Managed Service for Apache Flink applications (§5).
    pub analytics: crate::engine::analytics::Analytics,
    /// The Apache Kafka (Amazon MSK) cluster (§6).
    pub kafka: crate::engine::kafka::Kafka,
    /// CloudWatch Logs.
    pub logs: crate::engine::logs::Logs,
    /// EventBridge.
    pub events: crate::engine::events::EventBridge,
    /// AWS IoT Core.
    pub iot: crate::engine::iot::Iot,
}

impl World {
    /// An empty world at virtual time 0.
    pub fn new(config: WorldConfig) -> World {
        World {
            config,
            now: 0,
            rng: WorldRng::seeded(config.seed),
            scheduler: Scheduler::default(),
            kinesis: Kinesis::default(),
            producers: Producers::default(),
            lambda: crate::engine::apps::lambda::Lambda::default(),
            faults: crate::engine::faults::Faults::default(),
            kcl: crate::engine::apps::kcl::Kcl::default(),
            consumer_apps: Default::default(),
            firehose: Default::default(),
            s3: Default::default(),
            glue: Default::default(),
            analytics: Default::default(),
            kafka: Default::default(),
            logs: Default::default(),
            events: Default::default(),
            iot: Default::default(),
        }
    }

    /// The configuration the world was made from.
    pub fn config(&self) -> WorldConfig {
        self.config
    }

    /// Current virtual time.
    pub fn now(&self) -> VirtualMs {
        self.now
    }

    /// The UTC epoch of virtual time 0.
    pub fn epoch(&self) -> Epoch {
        self.config.epoch
    }

    /// The world's RNG.
    pub fn rng(&mut self) -> &mut WorldRng {
        &mut self.rng
    }

    /// Schedules `event` at `due` (never earlier than now).
    pub fn schedule(&mut self, due: VirtualMs, event: Event) {
        self.flush_efo_wakeups();
        self.scheduler.schedule(due.max(self.now), event);
    }

    /// Moves the deliveries the write path requested for enhanced fan-out subscriptions into the
    /// scheduler, in request order (`kinesis::consumer`). Runs before anything else is scheduled
    /// and before every event, so their order is the order of the writes, however time advances.
    fn flush_efo_wakeups(&mut self) {
        if self.kinesis.efo.has_wakeups() {
            for (due, event) in self.kinesis.efo.take_wakeups() {
                self.scheduler.schedule(due.max(self.now), event);
            }
        }
    }

    /// Number of pending events.
    pub fn pending_events(&self) -> usize {
        self.scheduler.len()
    }

    /// Runs every event due at or before `t`, in `(due, seq)` order, then sets the clock to `t`.
    /// A `t` in the past leaves the world unchanged.
    pub fn advance_to(&mut self, t: VirtualMs) {
        if t < self.now {
            return;
        }
        self.flush_efo_wakeups();
        while let Some((due, event)) = self.scheduler.pop_due(t) {
            self.kinesis.accrue_usage(due - self.now);
            self.now = due;
            self.handle(event);
        }
        self.kinesis.accrue_usage(t - self.now);
        self.now = t;
        self.kinesis.apply_retention(t);
    }

    /// Advances by `dt` milliseconds.
    pub fn advance_by(&mut self, dt: VirtualMs) {
        self.advance_to(self.now.saturating_add(dt));
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::StreamActive { stream } => {
                if let Some(s) = self.kinesis.stream_mut(&stream) {
                    if matches!(s.status, StreamStatus::Creating | StreamStatus::Updating) {
                        s.status = StreamStatus::Active;
                    }
                }
                crate::engine::kinesis::on_demand::ensure_scheduled(self, &stream);
            }
            Event::StreamGone { stream } => {
                if self
                    .kinesis
                    .stream(&stream)
                    .is_some_and(|s| s.status == StreamStatus::Deleting)
                {
                    self.kinesis.remove(&stream);
                    self.producers.stream_deleted(&stream);
                }
            }
            Event::ProducerTick {
                producer,
                generation,
            } => {
                crate::engine::apps::producer::on_tick(self, &producer, generation);
            }
            Event::App(event) => crate::engine::apps::events::on_event(self, event),
            Event::StreamUpdateComplete { stream, created_ms } => {
                crate::engine::kinesis::reshard::complete_update(self, &stream, created_ms);
                crate::engine::kinesis::on_demand::ensure_scheduled(self, &stream);
                crate::engine::kinesis::consumer::on_shards_closed(self, &stream);
            }
            Event::OnDemandCheck { stream, created_ms } => {
                crate::engine::kinesis::on_demand::check(self, &stream, created_ms);
                crate::engine::kinesis::consumer::on_shards_closed(self, &stream);
            }
            Event::Efo(event) => crate::engine::kinesis::consumer::on_event(self, event),
            Event::Kcl(event) => crate::engine::apps::kcl::on_event(self, event),
            Event::Firehose(event) => crate::engine::firehose::pipeline::on_event(self, event),
            Event::Analytics(event) => crate::engine::analytics::application::on_event(self, event),
            Event::Kafka(event) => crate::engine::kafka::on_event(self, event),
            Event::Source(event) => crate::engine::sources::event::on_event(self, event),
        }
        self.flush_efo_wakeups();
    }
}
