//! An SDK polling consumer (semantics.md §1.7, §1.8): per shard one GetShardIterator, then a
//! GetRecords loop every `PollIntervalMs` through the real dispatcher path, so it shares the
//! shard's 5 calls/s and 2 MiB/s with every other reader.
//!
//! - `ProvisionedThroughputExceededException`: back off (doubling from
//!   [`THROTTLE_BACKOFF_MS`] up to [`MAX_BACKOFF_MS`]) and retry the same iterator;
//! - `ExpiredIteratorException`: a new iterator `AFTER_SEQUENCE_NUMBER` of the last record
//!   processed (the original type if none), and the read is retried at once;
//! - a null `NextShardIterator` closes the shard; its children start from `TRIM_HORIZON` only
//!   after every parent is finished.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::error::ErrorKind;
use crate::engine::api::request::Request;
use crate::engine::apps::consumer_apps::{in_order, stream_shards};
use crate::engine::kinesis::actions::get_records::{get_records, get_shard_iterator};
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Default interval between GetRecords calls of a shard, ms.
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 1_000;
/// First backoff after a throttled call, ms (model; doubles per consecutive throttle).
pub const THROTTLE_BACKOFF_MS: u64 = 250;
/// Longest backoff, ms.
pub const MAX_BACKOFF_MS: u64 = 4_000;

/// Where a shard iterator starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IteratorStart {
    /// `TRIM_HORIZON`.
    TrimHorizon,
    /// `LATEST`.
    Latest,
}

impl IteratorStart {
    /// The AWS spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            IteratorStart::TrimHorizon => "TRIM_HORIZON",
            IteratorStart::Latest => "LATEST",
        }
    }
}

/// Counters of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SdkShardStats {
    /// Records processed.
    pub records: u64,
    /// Successful GetRecords pages.
    pub pages: u64,
    /// Pages without records.
    pub empty_pages: u64,
    /// Throttled calls (GetShardIterator or GetRecords).
    pub throttles: u64,
    /// `ExpiredIteratorException`s.
    pub expired_iterators: u64,
    /// `MillisBehindLatest` of the last page.
    pub millis_behind_latest: u64,
    /// Records that did not directly follow the previous one (gap, duplicate or regression).
    pub out_of_order: u64,
}

/// The reader of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SdkShard {
    /// The iterator to use next.
    pub iterator: Option<String>,
    /// Sequence number of the last record processed.
    pub last_sequence: Option<String>,
    /// Its sequence index.
    pub last_index: Option<u64>,
    /// Whether the shard started from `TRIM_HORIZON` (children) rather than the configured type.
    pub from_trim_horizon: bool,
    /// Shard end reached (or nothing to read).
    pub finished: bool,
    /// No call before this time (backoff).
    pub not_before: VirtualMs,
    /// Current backoff, ms (0 after a success).
    pub backoff_ms: u64,
    /// Counters.
    pub stats: SdkShardStats,
}

/// One SDK polling consumer application.
#[derive(Clone, Debug)]
pub struct SdkConsumer {
    /// Stream read.
    pub stream: String,
    /// Creation time of that stream.
    pub stream_created_ms: VirtualMs,
    /// Iterator type of the initial shards.
    pub start: IteratorStart,
    /// Interval between polls, ms.
    pub poll_interval_ms: u64,
    /// `Limit` of each GetRecords.
    pub limit: u32,
    /// Running.
    pub running: bool,
    /// Bumped on stop; stale ticks are ignored.
    pub generation: u64,
    /// Shards by index.
    pub shards: BTreeMap<u32, SdkShard>,
}

impl SdkConsumer {
    /// A consumer of `stream` (created at `stream_created_ms`) whose initial shards are the
    /// stream's shards now; with `LATEST`, closed shards are not read.
    pub fn new(
        world: &World,
        stream: &str,
        start: IteratorStart,
        poll_interval_ms: u64,
        limit: u32,
    ) -> SdkConsumer {
        let created = world.kinesis.stream(stream).map_or(0, |s| s.created_ms());
        let mut shards = BTreeMap::new();
        for (index, _, open) in stream_shards(world, stream, created).unwrap_or_default() {
            let finished = start == IteratorStart::Latest && !open;
            shards.insert(
                index,
                SdkShard {
                    finished,
                    ..SdkShard::default()
                },
            );
        }
        SdkConsumer {
            stream: stream.to_string(),
            stream_created_ms: created,
            start,
            poll_interval_ms,
            limit,
            running: true,
            generation: 0,
            shards,
        }
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = format!(
            "{};{};{};{};{};",
            self.stream, self.running, self.generation, self.poll_interval_ms, self.limit
        );
        for (i, s) in &self.shards {
            out.push_str(&format!(
                "s={i};{:?};{};{};{:?};",
                s.last_index, s.finished, s.not_before, s.stats
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
                    "LastSequenceNumber": s.last_sequence,
                    "Records": s.stats.records,
                    "Pages": s.stats.pages,
                    "EmptyPages": s.stats.empty_pages,
                    "Throttles": s.stats.throttles,
                    "ExpiredIterators": s.stats.expired_iterators,
                    "MillisBehindLatest": s.stats.millis_behind_latest,
                    "OutOfOrder": s.stats.out_of_order,
                })
            })
            .collect();
        json!({
            "Type": "SDK",
            "StreamName": self.stream,
            "Running": self.running,
            "ShardIteratorType": self.start.as_str(),
            "PollIntervalMs": self.poll_interval_ms,
            "Limit": self.limit,
            "Shards": shards,
        })
    }
}

/// One poll of every eligible shard; returns when to poll next (`None`: the stream is gone).
pub fn tick(world: &mut World, c: &mut SdkConsumer) -> Option<VirtualMs> {
    tick_collect(world, c, None)
}

/// [`tick`], also handing every record read (with its shard index) to `out`, in read order.
pub fn tick_collect(
    world: &mut World,
    c: &mut SdkConsumer,
    mut out: Option<&mut Vec<(u32, Value)>>,
) -> Option<VirtualMs> {
    let shards = stream_shards(world, &c.stream, c.stream_created_ms)?;
    let next = world.now() + c.poll_interval_ms;
    if !world
        .kinesis
        .stream(&c.stream)
        .is_some_and(|s| s.status.allows_io())
    {
        return Some(next);
    }
    for (index, _, _) in &shards {
        c.shards.entry(*index).or_insert_with(|| SdkShard {
            from_trim_horizon: true,
            ..SdkShard::default()
        });
    }
    for (index, parents, _) in &shards {
        let eligible = parents
            .iter()
            .all(|p| c.shards.get(p).is_none_or(|ps| ps.finished));
        let now = world.now();
        let ready = c
            .shards
            .get(index)
            .is_some_and(|s| !s.finished && s.not_before <= now);
        if eligible && ready {
            poll(world, c, *index, out.as_deref_mut());
        }
    }
    Some(next)
}

fn throttled(now: VirtualMs, s: &mut SdkShard) {
    s.stats.throttles += 1;
    s.backoff_ms = (s.backoff_ms * 2).clamp(THROTTLE_BACKOFF_MS, MAX_BACKOFF_MS);
    s.not_before = now + s.backoff_ms;
}

/// A new iterator for shard `index`: after the last record processed, else the start type.
fn new_iterator(world: &mut World, c: &mut SdkConsumer, index: u32) -> Result<String, ErrorKind> {
    let s = c
        .shards
        .get(&index)
        .ok_or(ErrorKind::ResourceNotFoundException)?;
    let mut req = json!({ "StreamName": c.stream, "ShardId": shard_id(index) });
    match (&s.last_sequence, s.from_trim_horizon) {
        (Some(seq), _) => {
            req["ShardIteratorType"] = json!("AFTER_SEQUENCE_NUMBER");
            req["StartingSequenceNumber"] = json!(seq);
        }
        (None, true) => req["ShardIteratorType"] = json!("TRIM_HORIZON"),
        (None, false) => req["ShardIteratorType"] = json!(c.start.as_str()),
    }
    let r = Request::new(&req).map_err(|e| e.kind)?;
    let out = get_shard_iterator(world, r).map_err(|e| e.kind)?;
    out["ShardIterator"]
        .as_str()
        .map(str::to_string)
        .ok_or(ErrorKind::ResourceNotFoundException)
}

/// Reads shard `index` once (twice after an expired iterator).
fn poll(world: &mut World, c: &mut SdkConsumer, index: u32, out: Option<&mut Vec<(u32, Value)>>) {
    let now = world.now();
    for attempt in 0..2 {
        let iterator = match c.shards.get(&index).and_then(|s| s.iterator.clone()) {
            Some(it) => it,
            None => match new_iterator(world, c, index) {
                Ok(it) => it,
                Err(kind) => {
                    if let Some(s) = c.shards.get_mut(&index) {
                        if kind == ErrorKind::ProvisionedThroughputExceededException {
                            throttled(now, s);
                        } else {
                            s.not_before = now + c.poll_interval_ms;
                        }
                    }
                    return;
                }
            },
        };
        let req = json!({ "ShardIterator": iterator, "Limit": c.limit });
        let Ok(r) = Request::new(&req) else {
            return;
        };
        let result = get_records(world, r);
        let Some(s) = c.shards.get_mut(&index) else {
            return;
        };
        s.iterator = Some(iterator);
        match result {
            Ok(resp) => {
                absorb(s, &resp);
                if let (Some(out), Some(records)) = (out, resp["Records"].as_array()) {
                    out.extend(records.iter().map(|r| (index, r.clone())));
                }
                return;
            }
            Err(e) if e.kind == ErrorKind::ProvisionedThroughputExceededException => {
                throttled(now, s);
                return;
            }
            Err(e) if e.kind == ErrorKind::ExpiredIteratorException => {
                s.stats.expired_iterators += 1;
                s.iterator = None;
                if attempt == 1 {
                    return;
                }
            }
            Err(_) => {
                s.iterator = None;
                return;
            }
        }
    }
}

/// Processes one GetRecords page.
fn absorb(s: &mut SdkShard, resp: &Value) {
    s.backoff_ms = 0;
    s.stats.pages += 1;
    let records = resp["Records"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if records.is_empty() {
        s.stats.empty_pages += 1;
    }
    for r in records {
        let seq = r["SequenceNumber"].as_str().unwrap_or_default();
        let Some(parsed) = SequenceNumber::parse(seq) else {
            continue;
        };
        if !in_order(s.last_index, parsed.seq_index) {
            s.stats.out_of_order += 1;
        }
        s.stats.records += 1;
        s.last_index = Some(parsed.seq_index);
        s.last_sequence = Some(seq.to_string());
    }
    s.stats.millis_behind_latest = resp["MillisBehindLatest"].as_u64().unwrap_or(0);
    match resp["NextShardIterator"].as_str() {
        Some(next) => s.iterator = Some(next.to_string()),
        None => {
            s.iterator = None;
            s.finished = true;
        }
    }
}
