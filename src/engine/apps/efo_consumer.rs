//! An enhanced fan-out consumer application (semantics.md §1.13): registers (or reuses) a stream
//! consumer through RegisterStreamConsumer, subscribes to every open shard from `TRIM_HORIZON`
//! once the consumer is ACTIVE, drains the pushed events every [`DRAIN_INTERVAL_MS`], and when a
//! subscription ends (it expires after 5 minutes) subscribes again `AFTER_SEQUENCE_NUMBER` the last
//! `ContinuationSequenceNumber`, so nothing is skipped or read twice. At shard end (`ChildShards`)
//! the children are subscribed from `TRIM_HORIZON` once all their parents are finished.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::dispatch;
use crate::engine::apps::consumer_apps::{in_order, stream_shards};
use crate::engine::kinesis::consumer::{ConsumerStatus, EVENT_BUFFER_CAPACITY};
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Interval between drains of the pushed events, ms (model).
pub const DRAIN_INTERVAL_MS: u64 = 1_000;

/// Counters of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EfoShardStats {
    /// Events received.
    pub events: u64,
    /// Records received.
    pub records: u64,
    /// Data bytes received.
    pub bytes: u64,
    /// SubscribeToShard calls after the first that succeeded.
    pub resubscriptions: u64,
    /// `MillisBehindLatest` of the last event.
    pub millis_behind_latest: u64,
    /// Records that did not directly follow the previous one (gap, duplicate or regression).
    pub out_of_order: u64,
    /// Events lost from a full buffer.
    pub dropped_events: u64,
}

/// The subscriber of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EfoShard {
    /// Successful subscriptions so far.
    pub subscriptions: u64,
    /// Last `ContinuationSequenceNumber`.
    pub continuation: Option<String>,
    /// Sequence index of the last record received.
    pub last_index: Option<u64>,
    /// Shard end received (or not to be read).
    pub finished: bool,
    /// Counters.
    pub stats: EfoShardStats,
}

/// One enhanced fan-out consumer application.
#[derive(Clone, Debug)]
pub struct EfoConsumer {
    /// Stream read.
    pub stream: String,
    /// Creation time of that stream.
    pub stream_created_ms: VirtualMs,
    /// Name of the registered stream consumer.
    pub consumer_name: String,
    /// Its ARN once registered or found.
    pub consumer_arn: Option<String>,
    /// Running.
    pub running: bool,
    /// Bumped on stop; stale ticks are ignored.
    pub generation: u64,
    /// Shards by index.
    pub shards: BTreeMap<u32, EfoShard>,
}

impl EfoConsumer {
    /// A consumer of the open shards of `stream` now.
    pub fn new(world: &World, stream: &str, consumer_name: &str) -> EfoConsumer {
        let created = world.kinesis.stream(stream).map_or(0, |s| s.created_ms());
        let mut shards = BTreeMap::new();
        for (index, _, open) in stream_shards(world, stream, created).unwrap_or_default() {
            shards.insert(
                index,
                EfoShard {
                    finished: !open,
                    ..EfoShard::default()
                },
            );
        }
        EfoConsumer {
            stream: stream.to_string(),
            stream_created_ms: created,
            consumer_name: consumer_name.to_string(),
            consumer_arn: None,
            running: true,
            generation: 0,
            shards,
        }
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = format!(
            "{};{};{};{:?};",
            self.stream, self.running, self.generation, self.consumer_arn
        );
        for (i, s) in &self.shards {
            out.push_str(&format!(
                "s={i};{};{:?};{};{:?};",
                s.subscriptions, s.continuation, s.finished, s.stats
            ));
        }
        out
    }

    /// Stats per shard as JSON.
    pub fn describe(&self) -> Value {
        let shards: Vec<Value> = self
            .shards
            .iter()
            .map(|(i, s)| {
                json!({
                    "ShardId": shard_id(*i),
                    "Finished": s.finished,
                    "ContinuationSequenceNumber": s.continuation,
                    "Subscriptions": s.subscriptions,
                    "Events": s.stats.events,
                    "Records": s.stats.records,
                    "Bytes": s.stats.bytes,
                    "Resubscriptions": s.stats.resubscriptions,
                    "MillisBehindLatest": s.stats.millis_behind_latest,
                    "OutOfOrder": s.stats.out_of_order,
                    "DroppedEvents": s.stats.dropped_events,
                })
            })
            .collect();
        json!({
            "Type": "EFO",
            "StreamName": self.stream,
            "Running": self.running,
            "StreamConsumerName": self.consumer_name,
            "ConsumerARN": self.consumer_arn,
            "Shards": shards,
        })
    }
}

/// One drain-and-subscribe pass; returns when to run next (`None`: the stream is gone).
pub fn tick(world: &mut World, c: &mut EfoConsumer) -> Option<VirtualMs> {
    let shards = stream_shards(world, &c.stream, c.stream_created_ms)?;
    let next = world.now() + DRAIN_INTERVAL_MS;
    let Some(arn) = ensure_consumer(world, c) else {
        return Some(next);
    };
    for (index, _, _) in &shards {
        c.shards.entry(*index).or_default();
    }
    for (index, parents, _) in &shards {
        drain(world, c, &arn, *index);
        let eligible = parents
            .iter()
            .all(|p| c.shards.get(p).is_none_or(|ps| ps.finished));
        let Some(s) = c.shards.get(index) else {
            continue;
        };
        let active = world
            .kinesis
            .efo
            .subscription_view(&arn, *index)
            .is_some_and(|v| v.active);
        if eligible && !s.finished && !active {
            subscribe(world, c, &arn, *index);
        }
    }
    Some(next)
}

/// The ACTIVE consumer's ARN, registering the consumer first if it does not exist.
fn ensure_consumer(world: &mut World, c: &mut EfoConsumer) -> Option<String> {
    let found = world
        .kinesis
        .efo
        .consumer(&c.stream, &c.consumer_name)
        .map(|k| (k.arn.clone(), k.status));
    match found {
        Some((arn, ConsumerStatus::Active)) => {
            c.consumer_arn = Some(arn.clone());
            Some(arn)
        }
        Some((arn, _)) => {
            c.consumer_arn = Some(arn);
            None
        }
        None => {
            let stream_arn = world.kinesis.stream(&c.stream)?.arn().to_string();
            let req = json!({ "StreamARN": stream_arn, "ConsumerName": c.consumer_name });
            if let Ok(out) = dispatch(world, "kinesis", "RegisterStreamConsumer", &req) {
                c.consumer_arn = out["Consumer"]["ConsumerARN"].as_str().map(str::to_string);
            }
            None
        }
    }
}

/// Takes every buffered event of shard `index`.
fn drain(world: &mut World, c: &mut EfoConsumer, arn: &str, index: u32) {
    let Some((events, dropped)) = world
        .kinesis
        .efo
        .drain_events(arn, index, EVENT_BUFFER_CAPACITY)
    else {
        return;
    };
    let Some(s) = c.shards.get_mut(&index) else {
        return;
    };
    s.stats.dropped_events += dropped;
    for e in events {
        s.stats.events += 1;
        for r in &e.records {
            let i = r.sequence_number.seq_index;
            if !in_order(s.last_index, i) {
                s.stats.out_of_order += 1;
            }
            s.last_index = Some(i);
            s.stats.records += 1;
            s.stats.bytes += r.data.len() as u64;
        }
        s.stats.millis_behind_latest = e.millis_behind;
        if let Some(cont) = e.continuation {
            s.continuation = Some(cont.to_decimal());
        }
        if e.child_shards.is_some() {
            s.finished = true;
        }
    }
}

/// SubscribeToShard after the last continuation (TRIM_HORIZON if none); a refusal is retried at
/// the next tick.
fn subscribe(world: &mut World, c: &mut EfoConsumer, arn: &str, index: u32) {
    let Some(s) = c.shards.get(&index) else {
        return;
    };
    let position = match &s.continuation {
        Some(seq) => json!({ "Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": seq }),
        None => json!({ "Type": "TRIM_HORIZON" }),
    };
    let req =
        json!({ "ConsumerARN": arn, "ShardId": shard_id(index), "StartingPosition": position });
    if dispatch(world, "kinesis", "SubscribeToShard", &req).is_ok() {
        if let Some(s) = c.shards.get_mut(&index) {
            if s.subscriptions > 0 {
                s.stats.resubscriptions += 1;
            }
            s.subscriptions += 1;
        }
    }
}
