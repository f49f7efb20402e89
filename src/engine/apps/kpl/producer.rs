//! The KPL's buffers and deadlines (§2.6).
//!
//! A user record gets `deadline = arrival + RecordMaxBufferedTime` and joins the aggregator of the
//! shard its hash key maps to (the KPL predicts shards from the stream's shard map). An aggregator
//! is flushed into an aggregated Kinesis record when the next user record would push it past
//! `AggregationMaxSize` / `AggregationMaxCount`, or at its earliest deadline; a user record too big
//! to aggregate (or with aggregation off) becomes a Kinesis record of its own, and an aggregator
//! holding a single user record is sent unaggregated. Kinesis records then pass the shard's rate
//! limiter (`RateLimit` % of 1,000 records/s and 1 MiB/s) into the collector, which is sent as one
//! PutRecords when it reaches `CollectionMaxCount` / `CollectionMaxSize` or a deadline. An
//! aggregated record carries the first user record's partition key and its hash key as
//! `ExplicitHashKey`, so it lands on the predicted shard.
//!
//! A throttled Kinesis record's user records are put back with deadline
//! `now + min(RecordMaxBufferedTime / 2, remaining TTL)` — no exponential backoff; a user record
//! older than `RecordTtl` fails ("Expired").

use std::collections::{BTreeMap, VecDeque};

use crate::engine::api::error::ErrorKind;
use crate::engine::apps::events::Wake;
use crate::engine::apps::kpl::aggregation::{aggregate, AggregateSize, Entry, FRAMING_LEN};
use crate::engine::apps::kpl::limiter::ShardLimiter;
use crate::engine::apps::kpl::KplConfig;
use crate::engine::apps::producer::{schedule_wake, ModeState, Producer, ProducerMode};
use crate::engine::apps::workload::Generated;
use crate::engine::kinesis::actions::put::{write, RecordInput};
use crate::engine::kinesis::hash_key::partition_key_hash;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Shortest wait before a throttled limiter queue is drained again, ms (model: the KPL drains its
/// limiter queues on a short timer, so records pass in small groups rather than one per ms).
pub const LIMITER_DRAIN_MS: u64 = 25;

/// A buffered user record.
#[derive(Clone, Debug, PartialEq, Eq)]
struct UserRec {
    g: Generated,
    ehk: Option<String>,
    hash: u128,
    arrival: VirtualMs,
    deadline: VirtualMs,
}

impl UserRec {
    fn entry(&self) -> Entry<'_> {
        Entry {
            partition_key: &self.g.partition_key,
            explicit_hash_key: self.ehk.as_deref(),
            data: &self.g.data,
        }
    }
}

/// User records being aggregated for one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Aggregator {
    records: Vec<UserRec>,
    size: AggregateSize,
    deadline: VirtualMs,
}

/// A Kinesis record on its way: one user record, or several to aggregate.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KinesisRecord {
    users: Vec<UserRec>,
    bytes: u64,
    deadline: VirtualMs,
}

/// The KPL's buffers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KplState {
    aggregators: BTreeMap<u32, Aggregator>,
    limited: BTreeMap<u32, VecDeque<KinesisRecord>>,
    limiters: BTreeMap<u32, ShardLimiter>,
    ready_at: BTreeMap<u32, VirtualMs>,
    collector: Vec<KinesisRecord>,
    collector_bytes: u64,
    next_wake: Option<VirtualMs>,
    /// Kinesis records the stream accepted.
    pub kinesis_records_sent: u64,
    /// User records inside the accepted Kinesis records.
    pub user_records_in_sent: u64,
}

impl KplState {
    /// User records buffered (aggregating, waiting for the rate limiter, or collected).
    pub fn buffered(&self) -> usize {
        let waiting = |q: &VecDeque<KinesisRecord>| q.iter().map(|k| k.users.len()).sum::<usize>();
        self.aggregators
            .values()
            .map(|a| a.records.len())
            .sum::<usize>()
            + self.limited.values().map(waiting).sum::<usize>()
            + self.collector.iter().map(|k| k.users.len()).sum::<usize>()
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        format!(
            "kpl={};{};{};{:?};",
            self.buffered(),
            self.kinesis_records_sent,
            self.user_records_in_sent,
            self.next_wake
        )
    }
}

fn parts(p: &mut Producer) -> Option<(KplConfig, &mut KplState)> {
    match (&p.config.mode, &mut p.runtime.mode) {
        (ProducerMode::Kpl(cfg), ModeState::Kpl(state)) => Some((cfg.clone(), state)),
        _ => None,
    }
}

/// A user record from the application.
pub fn on_user_record(world: &mut World, name: &str, p: &mut Producer, g: Generated) {
    let now = world.now();
    let Some((cfg, _)) = parts(p) else { return };
    let hash = g
        .explicit_hash_key
        .unwrap_or_else(|| partition_key_hash(&g.partition_key));
    let ehk = g.explicit_hash_key.map(|h| h.to_string());
    let rec = UserRec {
        g,
        ehk,
        hash,
        arrival: now,
        deadline: now + cfg.record_max_buffered_time_ms,
    };
    add_user(world, p, rec);
    pump(world, name, p);
}

/// A deadline or limiter refill is due.
pub fn on_flush(world: &mut World, name: &str, p: &mut Producer) {
    let now = world.now();
    if let Some((_, state)) = parts(p) {
        if state.next_wake.is_some_and(|w| w <= now) {
            state.next_wake = None;
        }
    }
    pump(world, name, p);
}

fn fail(p: &mut Producer, n: u64, why: &str) {
    p.stats.failed += n;
    p.stats.last_error = Some(why.to_string());
}

/// Puts a user record into its shard's aggregator (or straight into the limiter queue).
fn add_user(world: &World, p: &mut Producer, rec: UserRec) {
    let shard = world
        .kinesis
        .stream(&p.config.stream)
        .and_then(|s| s.route(rec.hash).map(|pos| s.shard_at(pos).index()));
    let Some(shard) = shard else {
        let msg = format!(
            "ResourceNotFoundException: Stream {} not found or has no open shard.",
            p.config.stream
        );
        fail(p, 1, &msg);
        return;
    };
    let Some((cfg, state)) = parts(p) else { return };
    let alone = FRAMING_LEN + AggregateSize::default().added_by(&rec.entry());
    if !cfg.aggregation_enabled || alone > cfg.aggregation_max_size as usize {
        let bytes = (rec.g.data.len() + rec.g.partition_key.len()) as u64;
        let deadline = rec.deadline;
        state
            .limited
            .entry(shard)
            .or_default()
            .push_back(KinesisRecord {
                users: vec![rec],
                bytes,
                deadline,
            });
        return;
    }
    let agg = state.aggregators.entry(shard).or_default();
    let full = agg.size.total() + agg.size.added_by(&rec.entry())
        > cfg.aggregation_max_size as usize
        || agg.size.count() >= cfg.aggregation_max_count;
    if !agg.records.is_empty() && full {
        let kr = seal(std::mem::take(agg));
        state.limited.entry(shard).or_default().push_back(kr);
    }
    let agg = state.aggregators.entry(shard).or_default();
    agg.deadline = if agg.records.is_empty() {
        rec.deadline
    } else {
        agg.deadline.min(rec.deadline)
    };
    agg.size.add(&rec.entry());
    agg.records.push(rec);
}

/// An aggregator's content as one Kinesis record.
fn seal(agg: Aggregator) -> KinesisRecord {
    let first_key = agg.records.first().map_or(0, |r| r.g.partition_key.len());
    let bytes = match agg.records.as_slice() {
        [one] => one.g.data.len() + one.g.partition_key.len(),
        _ => agg.size.total() + first_key,
    } as u64;
    KinesisRecord {
        users: agg.records,
        bytes,
        deadline: agg.deadline,
    }
}

/// Moves everything that is due along: aggregators → limiter → collector → PutRecords.
fn pump(world: &mut World, name: &str, p: &mut Producer) {
    let now = world.now();
    for _ in 0..1_000 {
        let Some((cfg, state)) = parts(p) else { return };
        let mut changed = false;
        let due: Vec<u32> = state
            .aggregators
            .iter()
            .filter(|(_, a)| !a.records.is_empty() && a.deadline <= now)
            .map(|(s, _)| *s)
            .collect();
        for shard in due {
            if let Some(agg) = state.aggregators.remove(&shard) {
                state.limited.entry(shard).or_default().push_back(seal(agg));
                changed = true;
            }
        }
        let mut to_collect = Vec::new();
        let mut expired = 0u64;
        for (shard, queue) in state.limited.iter_mut() {
            if state.ready_at.get(shard).is_some_and(|&t| t > now) {
                continue;
            }
            let limiter = state
                .limiters
                .entry(*shard)
                .or_insert_with(|| ShardLimiter::new(cfg.rate_limit_pct, now));
            while let Some(head) = queue.front_mut() {
                // Expired user records leave the queue without spending the shard's tokens.
                let before = head.users.len();
                head.users.retain(|u| now < u.arrival + cfg.record_ttl_ms);
                expired += (before - head.users.len()) as u64;
                if head.users.is_empty() {
                    queue.pop_front();
                    continue;
                }
                match limiter.try_take(now, head.bytes) {
                    Ok(()) => to_collect.extend(queue.pop_front()),
                    Err(wait) => {
                        state
                            .ready_at
                            .insert(*shard, now + wait.max(LIMITER_DRAIN_MS));
                        break;
                    }
                }
            }
        }
        state.limited.retain(|_, q| !q.is_empty());
        if expired > 0 {
            p.stats.given_up += expired;
            fail(
                p,
                expired,
                &format!(
                    "Expired: the record was not sent within its RecordTtl of {} ms.",
                    cfg.record_ttl_ms
                ),
            );
        }
        for kr in to_collect {
            changed = true;
            let Some((_, state)) = parts(p) else { return };
            let over = state.collector.len() + 1 > cfg.collection_max_count as usize
                || state.collector_bytes + kr.bytes > cfg.collection_max_size;
            if !state.collector.is_empty() && over {
                send(world, p);
            }
            let Some((_, state)) = parts(p) else { return };
            state.collector_bytes += kr.bytes;
            state.collector.push(kr);
            if state.collector.len() >= cfg.collection_max_count as usize {
                send(world, p);
            }
        }
        let Some((_, state)) = parts(p) else { return };
        if state.collector.iter().any(|k| k.deadline <= now) {
            send(world, p);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    schedule_next(world, name, p);
}

fn schedule_next(world: &mut World, name: &str, p: &mut Producer) {
    let now = world.now();
    let generation = p.generation;
    let Some((_, state)) = parts(p) else { return };
    let aggs = state
        .aggregators
        .values()
        .filter(|a| !a.records.is_empty())
        .map(|a| a.deadline);
    let coll = state.collector.iter().map(|k| k.deadline);
    let limited = state
        .limited
        .keys()
        .map(|s| state.ready_at.get(s).copied().unwrap_or(now + 1));
    let Some(next) = aggs.chain(coll).chain(limited).min() else {
        return;
    };
    let next = next.max(now + 1);
    if state.next_wake.is_none_or(|w| next < w) {
        state.next_wake = Some(next);
        schedule_wake(world, name, generation, next, Wake::KplFlush);
    }
}

/// Sends the collector as one PutRecords call.
fn send(world: &mut World, p: &mut Producer) {
    let now = world.now();
    let Some((cfg, state)) = parts(p) else { return };
    let batch = std::mem::take(&mut state.collector);
    state.collector_bytes = 0;
    if batch.is_empty() {
        return;
    }
    p.stats.requests += 1;
    let stream = p.config.stream.clone();
    for kr in batch {
        let (live, expired): (Vec<UserRec>, Vec<UserRec>) = kr
            .users
            .into_iter()
            .partition(|u| now < u.arrival + cfg.record_ttl_ms);
        if !expired.is_empty() {
            p.stats.given_up += expired.len() as u64;
            fail(
                p,
                expired.len() as u64,
                &format!(
                    "Expired: the record was not sent within its RecordTtl of {} ms.",
                    cfg.record_ttl_ms
                ),
            );
        }
        if live.is_empty() {
            continue;
        }
        let (partition_key, explicit_hash_key, data) = match live.as_slice() {
            [one] => (
                one.g.partition_key.clone(),
                one.g.explicit_hash_key,
                one.g.data.clone(),
            ),
            many => {
                let entries: Vec<Entry<'_>> = many.iter().map(UserRec::entry).collect();
                (
                    many[0].g.partition_key.clone(),
                    Some(many[0].hash),
                    aggregate(&entries),
                )
            }
        };
        let rec = RecordInput {
            partition_key: &partition_key,
            explicit_hash_key,
            data,
        };
        match write(world, &stream, &rec) {
            Ok(_) => {
                p.stats.sent += live.len() as u64;
                if let Some((_, state)) = parts(p) {
                    state.kinesis_records_sent += 1;
                    state.user_records_in_sent += live.len() as u64;
                }
            }
            Err(e) => {
                let throttled = e.kind == ErrorKind::ProvisionedThroughputExceededException;
                if throttled {
                    p.stats.throttled += 1;
                }
                let retry = (throttled && !cfg.fail_if_throttled)
                    || e.kind == ErrorKind::InternalFailureException;
                if !retry {
                    fail(p, live.len() as u64, &e.to_string());
                    continue;
                }
                p.stats.last_error = Some(e.to_string());
                for mut u in live {
                    let remaining = (u.arrival + cfg.record_ttl_ms).saturating_sub(now);
                    if remaining == 0 {
                        p.stats.given_up += 1;
                        fail(
                            p,
                            1,
                            "Expired: the record was not sent within its RecordTtl.",
                        );
                        continue;
                    }
                    u.deadline = now + (cfg.record_max_buffered_time_ms / 2).min(remaining);
                    p.stats.retries += 1;
                    add_user(world, p, u);
                }
            }
        }
    }
}
