//! AWS Lambda as a Kinesis consumer: event source mappings (semantics.md §3).
//!
//! A mapping polls each shard about once per second through the real, shared GetShardIterator /
//! GetRecords path (so it counts against the shard's 5 calls/s and 2 MiB/s), batches records of one
//! shard only, invokes a simulated function synchronously, and checkpoints per shard:
//!
//! - `poller.rs`: shard discovery (parents before children), reading, lanes of a
//!   `ParallelizationFactor`;
//! - `invoke.rs`: batching (`BatchSize`, `MaximumBatchingWindowInSeconds`, 6 MB payload), the
//!   function's behaviour, and what a result leads to — checkpoint, bisect, retry (blocking the
//!   shard), `ReportBatchItemFailures`, discard to the on-failure destination;
//! - `state.rs`: per-shard state and logs; `config.rs`: settings; `report.rs`: JSON shapes.

pub mod config;
pub mod invoke;
pub mod poller;
pub mod report;
pub mod state;

use std::collections::{BTreeMap, VecDeque};

use crate::engine::apps::events::AppEvent;
use crate::engine::apps::lambda::config::{EsmConfig, StartingPosition};
use crate::engine::apps::lambda::state::{EsmStats, FailureRecord, Invocation, ShardPoller, Start};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Interval between polls of a shard, ms (§3: "each shard about once per second").
pub const POLL_INTERVAL_MS: u64 = 1_000;
/// Interval while a shard is behind, ms (§3: "when behind, it keeps pulling batches until caught
/// up"; model, within the 5 GetRecords/s per shard).
pub const CATCH_UP_INTERVAL_MS: u64 = 250;
/// Synchronous invocation payload limit, bytes (§3: 6 MB).
pub const PAYLOAD_LIMIT_BYTES: u64 = 6_291_456;
/// JSON envelope of one record in the event besides its base64 data, bytes (model of the §3 event
/// shape: keys, ARNs, ids).
pub const RECORD_ENVELOPE_BYTES: u64 = 500;
/// Delay before a failed batch is retried, ms (model).
pub const RETRY_DELAY_MS: u64 = 1_000;
/// Invocations kept in a mapping's log (oldest dropped first).
pub const INVOCATION_LOG_CAP: usize = 1_000;
/// Invocation records kept at an on-failure destination (oldest dropped first).
pub const ON_FAILURE_CAP: usize = 1_000;

/// A scheduled event of a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LambdaEvent {
    /// Poll the shards (discover, read, start invocations).
    Tick {
        /// Mapping UUID.
        uuid: String,
        /// The mapping's generation when scheduled.
        generation: u64,
    },
    /// An invocation finished.
    InvokeDone {
        /// Mapping UUID.
        uuid: String,
        /// Generation.
        generation: u64,
        /// Shard index.
        shard: u32,
        /// Lane.
        slot: u32,
    },
    /// A retry delay or batching window ended: try to start an invocation.
    Wake {
        /// Mapping UUID.
        uuid: String,
        /// Generation.
        generation: u64,
        /// Shard index.
        shard: u32,
        /// Lane.
        slot: u32,
    },
}

/// One event source mapping.
#[derive(Clone, Debug)]
pub struct EventSourceMapping {
    /// UUID.
    pub uuid: String,
    /// Settings.
    pub config: EsmConfig,
    /// Enabled or disabled.
    pub enabled: bool,
    /// Bumped by enable, disable and resets; stale events are ignored.
    pub generation: u64,
    /// Creation time.
    pub created_ms: VirtualMs,
    /// Last update.
    pub last_modified_ms: VirtualMs,
    /// Creation time of the stream it reads (a re-created stream is another stream).
    pub stream_created_ms: VirtualMs,
    /// Shards by index.
    pub shards: BTreeMap<u32, ShardPoller>,
    /// Completed invocations, oldest first.
    pub invocations: VecDeque<Invocation>,
    /// Next invocation id.
    pub next_invocation: u64,
    /// Invocation records at the on-failure destination.
    pub on_failure: VecDeque<FailureRecord>,
    /// Counters.
    pub stats: EsmStats,
    /// `LastProcessingResult`.
    pub last_processing_result: String,
}

/// Every mapping, by UUID.
#[derive(Clone, Debug, Default)]
pub struct Lambda {
    mappings: BTreeMap<String, EventSourceMapping>,
}

impl Lambda {
    /// Mappings by UUID.
    pub fn mappings(&self) -> &BTreeMap<String, EventSourceMapping> {
        &self.mappings
    }

    /// The mapping `uuid`.
    pub fn get(&self, uuid: &str) -> Option<&EventSourceMapping> {
        self.mappings.get(uuid)
    }

    /// Whether there is no mapping.
    pub fn is_empty(&self) -> bool {
        self.mappings.is_empty()
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = String::new();
        for (uuid, m) in &self.mappings {
            out.push_str(&format!(
                "esm={uuid};{};{};{:?};",
                m.enabled, m.generation, m.stats
            ));
            for (i, s) in &m.shards {
                out.push_str(&format!(
                    "s={i};{:?};{};{};{};",
                    s.checkpoint,
                    s.held(),
                    s.ended,
                    s.finished
                ));
            }
            out.push_str(&format!(
                "inv={};fail={};",
                m.next_invocation,
                m.on_failure.len()
            ));
        }
        out
    }
}

/// A random version-4 UUID from the world RNG.
pub fn random_uuid(world: &mut World) -> String {
    let (a, b) = (world.rng().next_u64(), world.rng().next_u64());
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x4000; // version 4
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

pub(crate) fn schedule(world: &mut World, at: VirtualMs, event: LambdaEvent) {
    world.schedule(at, Event::App(AppEvent::Lambda(event)));
}

/// Runs `f` on mapping `uuid` taken out of the world, if it is enabled in `generation`.
pub(crate) fn with_mapping(
    world: &mut World,
    uuid: &str,
    generation: u64,
    f: impl FnOnce(&mut World, &mut EventSourceMapping),
) {
    let Some(mut m) = world.lambda.mappings.remove(uuid) else {
        return;
    };
    if m.enabled && m.generation == generation {
        f(world, &mut m);
    }
    world.lambda.mappings.insert(uuid.to_string(), m);
}

/// Runs a mapping event.
pub fn on_event(world: &mut World, event: LambdaEvent) {
    match event {
        LambdaEvent::Tick { uuid, generation } => poller::on_tick(world, &uuid, generation),
        LambdaEvent::InvokeDone {
            uuid,
            generation,
            shard,
            slot,
        } => {
            with_mapping(world, &uuid, generation, |w, m| {
                invoke::on_done(w, m, shard, slot as usize)
            });
        }
        LambdaEvent::Wake {
            uuid,
            generation,
            shard,
            slot,
        } => {
            with_mapping(world, &uuid, generation, |w, m| {
                invoke::try_start(w, m, shard, slot as usize)
            });
        }
    }
}

/// Creates a mapping (the caller validated the settings and that the stream exists); returns its
/// UUID. LATEST shards get their iterator now, so records written right after are read.
pub fn create(world: &mut World, config: EsmConfig, enabled: bool) -> String {
    let uuid = random_uuid(world);
    let now = world.now();
    let lanes = config.parallelization_factor;
    let mut shards = BTreeMap::new();
    let mut stream_created_ms = 0;
    if let Some(stream) = world.kinesis.stream(&config.stream) {
        stream_created_ms = stream.created_ms();
        let open: Vec<(u32, bool)> = stream
            .shards()
            .iter()
            .map(|s| {
                (
                    s.index(),
                    s.state() == crate::engine::kinesis::shard::ShardState::Open,
                )
            })
            .collect();
        for (index, is_open) in open {
            let start = match config.starting_position {
                StartingPosition::TrimHorizon => Start::TrimHorizon,
                StartingPosition::Latest => Start::Latest,
                StartingPosition::AtTimestamp(ts) => Start::AtTimestamp(ts),
            };
            let mut poller = ShardPoller::new(start, lanes);
            if config.starting_position == StartingPosition::Latest {
                if is_open {
                    poller.iterator =
                        poller::get_iterator(world, &config.stream, index, &poller.start);
                } else {
                    (poller.ended, poller.finished) = (true, true);
                }
            }
            shards.insert(index, poller);
        }
    }
    let m = EventSourceMapping {
        uuid: uuid.clone(),
        config,
        enabled,
        generation: 0,
        created_ms: now,
        last_modified_ms: now,
        stream_created_ms,
        shards,
        invocations: VecDeque::new(),
        next_invocation: 0,
        on_failure: VecDeque::new(),
        stats: EsmStats::default(),
        last_processing_result: "No records processed".to_string(),
    };
    world.lambda.mappings.insert(uuid.clone(), m);
    if enabled {
        schedule(
            world,
            now,
            LambdaEvent::Tick {
                uuid: uuid.clone(),
                generation: 0,
            },
        );
    }
    uuid
}

/// Applies new settings and/or an enabled flag; returns false if there is no such mapping.
/// Disabling drops what was read and not processed; enabling resumes after the checkpoint (§3:
/// "disabled mappings resume from their last processed position"). A new `ParallelizationFactor`
/// restarts reading after the checkpoint too.
pub fn update(
    world: &mut World,
    uuid: &str,
    config: Option<EsmConfig>,
    enabled: Option<bool>,
) -> bool {
    let now = world.now();
    let Some(m) = world.lambda.mappings.get_mut(uuid) else {
        return false;
    };
    let mut reset = false;
    if let Some(c) = config {
        reset |= c.parallelization_factor != m.config.parallelization_factor;
        m.config = c;
    }
    let was = m.enabled;
    let enabled = enabled.unwrap_or(was);
    reset |= was != enabled;
    m.enabled = enabled;
    m.last_modified_ms = now;
    if reset {
        m.generation += 1;
        let lanes = m.config.parallelization_factor;
        for s in m.shards.values_mut() {
            s.reset(lanes);
        }
        if enabled {
            let (uuid, generation) = (m.uuid.clone(), m.generation);
            schedule(world, now, LambdaEvent::Tick { uuid, generation });
        }
    }
    true
}

/// Deletes a mapping; returns it.
pub fn delete(world: &mut World, uuid: &str) -> Option<EventSourceMapping> {
    world.lambda.mappings.remove(uuid)
}
