//! A simulated producer application: writes records to a stream at a configured rate.
//!
//! Record `k` after a start is due at `start + floor(k · 1000 / rate)` ms, so the schedule depends
//! only on the configuration, never on frame timing.

use std::collections::BTreeMap;

use crate::engine::apps::workload::{clickstream_event, KeyDistribution};
use crate::engine::kinesis::Routing;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Highest configurable rate, records per second per producer.
pub const MAX_RATE_PER_S: f64 = 100_000.0;

/// A producer's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerConfig {
    /// Target stream.
    pub stream: String,
    /// Records per second.
    pub rate_per_s: f64,
    /// Key distribution.
    pub keys: KeyDistribution,
}

/// Counters a producer keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Records the stream accepted.
    pub sent: u64,
    /// Records the stream rejected.
    pub failed: u64,
    /// The last error type and message, if any.
    pub last_error: Option<String>,
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
}

impl Producer {
    fn due_of(&self, k: u64) -> VirtualMs {
        let offset = (k as f64 * 1000.0 / self.config.rate_per_s).floor();
        self.started_at.saturating_add(offset as u64)
    }
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
        for p in self.map.values_mut().filter(|p| p.config.stream == stream) {
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
    let p = Producer {
        config,
        running: true,
        generation,
        started_at: now,
        emitted_in_run: 0,
        stats,
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

/// Handles a tick: emits every record due by now, then schedules the next one.
pub fn on_tick(world: &mut World, name: &str, generation: u64) {
    let now = world.now();
    loop {
        let Some(p) = world.producers.map.get(name) else {
            return;
        };
        if !p.running || p.generation != generation {
            return;
        }
        let k = p.emitted_in_run;
        let due = p.due_of(k);
        if due > now {
            world.schedule(
                due,
                Event::ProducerTick {
                    producer: name.to_string(),
                    generation,
                },
            );
            return;
        }
        let stream = p.config.stream.clone();
        let keys = p.config.keys.clone();
        let event_id = p.stats.sent + p.stats.failed;
        let user = keys.next_key_index(world.rng());
        let unix_ms = world.epoch().to_unix_ms(now);
        let data = clickstream_event(world.rng(), event_id, user, unix_ms);
        let key = format!("user-{user}");
        let epoch = world.epoch();
        let result = world.kinesis.append(
            &stream,
            Routing::PartitionKey(&key),
            &key,
            &data,
            now,
            epoch,
        );
        if let Some(p) = world.producers.map.get_mut(name) {
            p.emitted_in_run += 1;
            match result {
                Ok(_) => p.stats.sent += 1,
                Err(e) => {
                    p.stats.failed += 1;
                    p.stats.last_error = Some(e.to_string());
                }
            }
        }
    }
}
