//! A simulated producer application: generates records at a configured rate and hands them to one
//! of four clients.
//!
//! - `DIRECT` (the original producer): each record goes straight to `Kinesis::append`; a rejected
//!   record is counted as failed.
//! - `SDK` (`sdk.rs`): PutRecord per record or PutRecords batches, retrying throttled records with
//!   exponential backoff and full jitter (§1.5).
//! - `KPL` (`kpl/`): aggregation, collection, per-shard rate limiting and TTL (§2.6).
//! - `AGENT` (`agent.rs`): records are lines appended to a log file that a Kinesis Agent tails (§2.7).
//!
//! Record `k` after a start is due at `start + floor(k · 1000 / rate)` ms for a constant rate (and
//! by the rate shape's integral otherwise, `rate_shape.rs`), so the schedule depends only on the
//! configuration, never on frame timing.

use std::collections::BTreeMap;

use crate::engine::apps::agent::{AgentConfig, AgentState};
use crate::engine::apps::events::{AppEvent, Wake};
use crate::engine::apps::keys::KeySampler;
use crate::engine::apps::kpl::{KplConfig, KplState};
use crate::engine::apps::rate_shape::{RateShape, ScheduleCursor};
use crate::engine::apps::sdk::{SdkConfig, SdkState};
use crate::engine::apps::workload::{generate, Generated, KeyDistribution, WorkloadSpec};
use crate::engine::kinesis::Routing;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Highest configurable rate, records per second per producer.
pub const MAX_RATE_PER_S: f64 = 100_000.0;

/// Which client the producer writes through.
#[derive(Clone, Debug, PartialEq)]
pub enum ProducerMode {
    /// Straight to the write path, no retries (the original producer).
    Direct,
    /// AWS SDK PutRecord / PutRecords with retries (§1.5).
    Sdk(SdkConfig),
    /// Kinesis Producer Library (§2.6).
    Kpl(KplConfig),
    /// Kinesis Agent tailing a log file (§2.7).
    Agent(AgentConfig),
}

impl ProducerMode {
    /// `DIRECT`, `SDK`, `KPL` or `AGENT`.
    pub fn name(&self) -> &'static str {
        match self {
            ProducerMode::Direct => "DIRECT",
            ProducerMode::Sdk(_) => "SDK",
            ProducerMode::Kpl(_) => "KPL",
            ProducerMode::Agent(_) => "AGENT",
        }
    }
}

/// A producer's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerConfig {
    /// Target stream.
    pub stream: String,
    /// Records per second (the peak rate of a shaped producer).
    pub rate_per_s: f64,
    /// Key distribution.
    pub keys: KeyDistribution,
    /// Workload, record sizes, event-time disorder.
    pub workload: WorkloadSpec,
    /// How the rate varies over time.
    pub shape: RateShape,
    /// The client records go through.
    pub mode: ProducerMode,
    /// Whether `stream` names a data stream or a Firehose delivery stream.
    pub target: crate::engine::apps::firehose_client::ProducerTarget,
}

impl ProducerConfig {
    /// An original producer: clickstream, natural sizes, constant rate, direct writes.
    pub fn simple(stream: &str, rate_per_s: f64, keys: KeyDistribution) -> ProducerConfig {
        ProducerConfig {
            stream: stream.to_string(),
            rate_per_s,
            keys,
            workload: WorkloadSpec::default(),
            shape: RateShape::Constant,
            mode: ProducerMode::Direct,
            target: Default::default(),
        }
    }

    /// Whether only the original members are in use (then listings and digests keep their
    /// original shape).
    pub fn is_original(&self) -> bool {
        self.keys.is_original()
            && self.workload == WorkloadSpec::default()
            && self.shape == RateShape::Constant
            && self.mode == ProducerMode::Direct
            && self.target == Default::default()
    }

    /// Whether records go to a Firehose delivery stream.
    pub fn to_firehose(&self) -> bool {
        self.target == crate::engine::apps::firehose_client::ProducerTarget::DeliveryStream
    }
}

/// Counters a producer keeps (across restarts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Records the stream accepted (user records for KPL, lines for the agent).
    pub sent: u64,
    /// Records that failed for good (rejected, given up after retries, expired).
    pub failed: u64,
    /// The last error type and message, if any.
    pub last_error: Option<String>,
    /// Records generated.
    pub generated: u64,
    /// Throttled attempts (`ProvisionedThroughputExceededException` per record sent).
    pub throttled: u64,
    /// Retries: re-sent requests (SDK, agent) or user records put back (KPL).
    pub retries: u64,
    /// Records abandoned after the last retry (SDK) or their TTL (KPL).
    pub given_up: u64,
    /// API requests made (PutRecord or PutRecords calls).
    pub requests: u64,
}

/// Per-mode state of a run.
#[derive(Clone, Debug)]
pub enum ModeState {
    /// Nothing buffered.
    Direct,
    /// SDK client state.
    Sdk(SdkState),
    /// KPL buffers.
    Kpl(Box<KplState>),
    /// Agent file, buffer and checkpoint.
    Agent(Box<AgentState>),
}

/// State of the current run (reset by every start).
#[derive(Clone, Debug)]
pub struct Runtime {
    sampler: KeySampler,
    cursor: ScheduleCursor,
    /// The client's state.
    pub mode: ModeState,
}

/// One producer.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Settings.
    pub config: ProducerConfig,
    /// Whether it is emitting.
    pub running: bool,
    /// Bumped on every start, stop and reconfiguration; stale ticks are ignored.
    pub generation: u64,
    /// When the current run started.
    pub started_at: VirtualMs,
    /// Records emitted in the current run.
    pub emitted_in_run: u64,
    /// Counters.
    pub stats: ProducerStats,
    /// State of the current run.
    pub runtime: Runtime,
}

/// All producers, by name.
#[derive(Clone, Debug, Default)]
pub struct Producers {
    map: BTreeMap<String, Producer>,
}

impl Producers {
    /// Producers by name.
    pub fn all(&self) -> &BTreeMap<String, Producer> {
        &self.map
    }

    /// The producer called `name`.
    pub fn get(&self, name: &str) -> Option<&Producer> {
        self.map.get(name)
    }

    /// Stops producers of a deleted stream.
    pub fn stream_deleted(&mut self, stream: &str) {
        for p in self
            .map
            .values_mut()
            .filter(|p| p.config.stream == stream && !p.config.to_firehose())
        {
            p.running = false;
            p.generation += 1;
        }
    }
}

/// Creates or replaces producer `name` and starts it at the world's current time.
pub fn start(world: &mut World, name: &str, config: ProducerConfig) {
    let now = world.now();
    let (generation, stats) = match world.producers.map.get(name) {
        Some(p) => (p.generation + 1, p.stats.clone()),
        None => (0, ProducerStats::default()),
    };
    let mode = match &config.mode {
        ProducerMode::Direct => ModeState::Direct,
        ProducerMode::Sdk(_) => ModeState::Sdk(SdkState::default()),
        ProducerMode::Kpl(_) => ModeState::Kpl(Box::default()),
        ProducerMode::Agent(_) => ModeState::Agent(Box::default()),
    };
    let runtime = Runtime {
        sampler: KeySampler::new(&config.keys),
        cursor: ScheduleCursor::new(now, world.epoch().unix_ms()),
        mode,
    };
    let p = Producer {
        config,
        running: true,
        generation,
        started_at: now,
        emitted_in_run: 0,
        stats,
        runtime,
    };
    world.producers.map.insert(name.to_string(), p);
    world.schedule(
        now,
        Event::ProducerTick {
            producer: name.to_string(),
            generation,
        },
    );
}

/// Stops producer `name`; returns whether it exists.
pub fn stop(world: &mut World, name: &str) -> bool {
    match world.producers.map.get_mut(name) {
        Some(p) => {
            p.running = false;
            p.generation += 1;
            true
        }
        None => false,
    }
}

/// Schedules a wake-up of producer `name`'s client at `at`.
pub fn schedule_wake(world: &mut World, name: &str, generation: u64, at: VirtualMs, wake: Wake) {
    world.schedule(
        at,
        Event::App(AppEvent::ProducerWake {
            producer: name.to_string(),
            generation,
            wake,
        }),
    );
}

/// Runs `f` on producer `name` taken out of the world (so `f` may use the rest of the world), if it
/// is running in `generation`; puts it back afterwards.
fn with_running(
    world: &mut World,
    name: &str,
    generation: u64,
    f: impl FnOnce(&mut World, &mut Producer),
) {
    let Some(mut p) = world.producers.map.remove(name) else {
        return;
    };
    if p.running && p.generation == generation {
        f(world, &mut p);
    }
    world.producers.map.insert(name.to_string(), p);
}

/// Handles a tick: emits every record due by now, then schedules the next one.
pub fn on_tick(world: &mut World, name: &str, generation: u64) {
    with_running(world, name, generation, |world, p| {
        let now = world.now();
        loop {
            let k = p.emitted_in_run;
            let due = p
                .runtime
                .cursor
                .due_of(&p.config.shape, p.config.rate_per_s, k);
            if due > now {
                if due != VirtualMs::MAX {
                    world.schedule(
                        due,
                        Event::ProducerTick {
                            producer: name.to_string(),
                            generation,
                        },
                    );
                }
                return;
            }
            emit(world, name, p, now);
        }
    });
}

/// Handles a wake-up of the producer's client.
pub fn on_wake(world: &mut World, name: &str, generation: u64, wake: Wake) {
    with_running(world, name, generation, |world, p| match wake {
        Wake::SdkRetry(id) => crate::engine::apps::sdk::on_retry(world, name, p, id),
        Wake::SdkBatch(id) => crate::engine::apps::sdk::on_batch_deadline(world, name, p, id),
        Wake::KplFlush => crate::engine::apps::kpl::producer::on_flush(world, name, p),
        Wake::AgentPoll => crate::engine::apps::agent::on_poll(world, name, p),
        Wake::AgentSend => crate::engine::apps::agent::on_send(world, name, p),
    });
}

/// Generates one record and hands it to the producer's client.
fn emit(world: &mut World, name: &str, p: &mut Producer, now: VirtualMs) {
    let seq = p.stats.generated;
    let unix_ms = world.epoch().to_unix_ms(now);
    let g = generate(
        &p.config.workload,
        &p.config.keys,
        &mut p.runtime.sampler,
        world.rng(),
        seq,
        unix_ms,
    );
    p.emitted_in_run += 1;
    p.stats.generated += 1;
    if !world.kafka.lenses.mirrors.is_empty() {
        crate::engine::kafka::lenses::on_generated(
            world,
            name,
            &p.config.stream,
            &g.partition_key,
            g.explicit_hash_key,
            &g.data,
            now,
        );
    }
    match p.config.mode {
        ProducerMode::Direct => direct(world, p, &g, now),
        ProducerMode::Sdk(_) => crate::engine::apps::sdk::on_record(world, name, p, g),
        ProducerMode::Kpl(_) => {
            crate::engine::apps::kpl::producer::on_user_record(world, name, p, g)
        }
        ProducerMode::Agent(_) => crate::engine::apps::agent::on_line(world, name, p, g),
    }
}

/// The original producer: one write, no retry.
fn direct(world: &mut World, p: &mut Producer, g: &Generated, now: VirtualMs) {
    if p.config.to_firehose() {
        let stream = p.config.stream.clone();
        match crate::engine::apps::firehose_client::put(world, &stream, &[&g.data]).remove(0) {
            Ok(()) => p.stats.sent += 1,
            Err(e) => {
                p.stats.failed += 1;
                p.stats.last_error = Some(e.to_string());
            }
        }
        return;
    }
    let routing = match g.explicit_hash_key {
        Some(h) => Routing::Explicit(h),
        None => Routing::PartitionKey(&g.partition_key),
    };
    let epoch = world.epoch();
    let result = world.kinesis.append(
        &p.config.stream,
        routing,
        &g.partition_key,
        &g.data,
        now,
        epoch,
    );
    match result {
        Ok(_) => p.stats.sent += 1,
        Err(e) => {
            p.stats.failed += 1;
            p.stats.last_error = Some(e.to_string());
        }
    }
}

/// A canonical rendering of a producer's client counters and buffers, for the world digest (used
/// only for producers that are not original ones, so older digests are unchanged).
pub fn digest_text(name: &str, p: &Producer) -> String {
    let s = &p.stats;
    let client = match &p.runtime.mode {
        ModeState::Direct => String::new(),
        ModeState::Sdk(x) => x.digest_text(),
        ModeState::Kpl(x) => x.digest_text(),
        ModeState::Agent(x) => x.digest_text(),
    };
    format!(
        "pclient={name};{};{};{};{};{};{};{client}",
        p.config.mode.name(),
        s.generated,
        s.throttled,
        s.retries,
        s.given_up,
        s.requests
    )
}
