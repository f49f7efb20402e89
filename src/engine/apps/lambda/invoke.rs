//! Batches, invocations and what their results lead to (semantics.md §3).
//!
//! - A lane invokes when it has `BatchSize` records, the next record would pass the 6 MB payload
//!   limit, or its oldest record has waited `MaximumBatchingWindowInSeconds` (0: at once). One
//!   invocation per lane at a time; batches hold records of one shard only.
//! - Success: checkpoint the batch's last record.
//! - Function error: with `BisectBatchOnFunctionError` a batch of more than one record is split in
//!   half (the first half has ⌈n/2⌉ records and runs first; bisecting does not consume retries);
//!   otherwise the same batch is retried after `RETRY_DELAY_MS`, blocking the lane, until
//!   `MaximumRetryAttempts` retries have failed; then it is discarded, an invocation record goes to
//!   the on-failure destination, and the lane moves on. A poison record at the head of a batch of
//!   `n` is therefore isolated in exactly ⌈log2 n⌉ + 1 invocations.
//! - `ReportBatchItemFailures`: the mapping checkpoints just before the lowest reported sequence
//!   number and retries from there (the rest of the batch, counting a retry); an unknown or empty
//!   item identifier fails the whole batch.
//! - Records older than `MaximumRecordAgeInSeconds` (or than the stream's retention) are discarded
//!   before an invocation, with condition `RecordAgeExceeded`.

use crate::engine::apps::kpl::deaggregate_with_key;
use crate::engine::apps::lambda::config::EsmConfig;
use crate::engine::apps::lambda::random_uuid;
use crate::engine::apps::lambda::state::{
    Batch, FailureRecord, InFlight, Invocation, LRecord, Outcome,
};
use crate::engine::apps::lambda::{
    schedule, EventSourceMapping, LambdaEvent, INVOCATION_LOG_CAP, ON_FAILURE_CAP,
    PAYLOAD_LIMIT_BYTES, RECORD_ENVELOPE_BYTES, RETRY_DELAY_MS,
};
use crate::engine::rng::WorldRng;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

fn payload_bytes(r: &LRecord) -> u64 {
    (r.data.len() as u64).div_ceil(3) * 4 + RECORD_ENVELOPE_BYTES
}

/// Oldest age a record may have before it is discarded, ms.
fn max_age_ms(world: &World, cfg: &EsmConfig) -> u64 {
    if cfg.max_record_age_s >= 0 {
        cfg.max_record_age_s as u64 * 1000
    } else {
        let hours = world
            .kinesis
            .stream(&cfg.stream)
            .map_or(24, |s| u64::from(s.retention_hours));
        hours * 3_600_000
    }
}

/// Starts an invocation on a lane if it is idle and has a batch ready.
pub fn try_start(world: &mut World, m: &mut EventSourceMapping, shard: u32, slot: usize) {
    let now = world.now();
    let cfg = m.config.clone();
    let generation = m.generation;
    let max_age = max_age_ms(world, &cfg);
    for _ in 0..1_000 {
        let Some(lane) = m.shards.get_mut(&shard).and_then(|s| s.slots.get_mut(slot)) else {
            return;
        };
        if lane.in_flight.is_some() || lane.retry_at > now {
            return;
        }
        let mut batch = match lane.pending.pop_front() {
            Some(b) => b,
            None => {
                if lane.buffer.is_empty() {
                    return;
                }
                let (mut n, mut bytes) = (0usize, 0u64);
                for r in &lane.buffer {
                    if n >= cfg.batch_size as usize
                        || (n > 0 && bytes + payload_bytes(r) > PAYLOAD_LIMIT_BYTES)
                    {
                        break;
                    }
                    n += 1;
                    bytes += payload_bytes(r);
                }
                let full = n < lane.buffer.len() || n >= cfg.batch_size as usize;
                let window = u64::from(cfg.batching_window_s) * 1000;
                let ready_at = lane.buffer.front().map_or(now, |r| r.read_at + window);
                if !full && now < ready_at {
                    if lane.window_wake != Some(ready_at) {
                        lane.window_wake = Some(ready_at);
                        let (uuid, slot) = (m.uuid.clone(), slot as u32);
                        schedule(
                            world,
                            ready_at,
                            LambdaEvent::Wake {
                                uuid,
                                generation,
                                shard,
                                slot,
                            },
                        );
                    }
                    return;
                }
                Batch {
                    records: lane.buffer.drain(..n).collect(),
                    attempts: 0,
                    bisected: false,
                    invokes: 0,
                }
            }
        };
        let expired = batch
            .records
            .iter()
            .take_while(|r| now.saturating_sub(r.arrival_ms) > max_age)
            .count();
        if expired > 0 {
            let rest = batch.records.split_off(expired);
            let old = Batch {
                records: std::mem::replace(&mut batch.records, rest),
                ..batch.clone()
            };
            discard(world, m, shard, &old, "RecordAgeExceeded", None);
            if batch.records.is_empty() {
                continue;
            }
        }
        let outcome = evaluate(world.rng(), &cfg, &batch.records);
        let duration =
            cfg.function.duration_ms + cfg.function.per_record_ms * batch.records.len() as u64;
        batch.invokes += 1;
        let id = m.next_invocation;
        m.next_invocation += 1;
        let Some(lane) = m.shards.get_mut(&shard).and_then(|s| s.slots.get_mut(slot)) else {
            return;
        };
        lane.in_flight = Some(InFlight {
            batch,
            outcome,
            started: now,
            id,
        });
        let (uuid, slot) = (m.uuid.clone(), slot as u32);
        schedule(
            world,
            now + duration.max(1),
            LambdaEvent::InvokeDone {
                uuid,
                generation,
                shard,
                slot,
            },
        );
        return;
    }
}

/// What the simulated function returns for `records`.
fn evaluate(rng: &mut WorldRng, cfg: &EsmConfig, records: &[LRecord]) -> Outcome {
    let f = &cfg.function;
    if f.error_rate > 0.0 && rng.chance(f.error_rate) {
        return Outcome::FunctionError(
            "Task timed out or crashed (simulated random error)".to_string(),
        );
    }
    let poisoned = |r: &LRecord| {
        deaggregate_with_key(&r.partition_key, &r.data)
            .iter()
            .any(|u| {
                f.fail_on_partition_key.as_deref() == Some(u.partition_key.as_str())
                    || f.fail_on_data_contains.as_deref().is_some_and(|needle| {
                        !needle.is_empty()
                            && u.data.windows(needle.len()).any(|w| w == needle.as_bytes())
                    })
            })
    };
    let poison: Vec<String> = records
        .iter()
        .filter(|r| poisoned(r))
        .map(|r| r.seq.clone())
        .collect();
    match poison.first() {
        None => Outcome::Success,
        Some(_) if cfg.report_batch_item_failures => Outcome::Partial(poison),
        Some(first) => Outcome::FunctionError(format!("Poison record {first}")),
    }
}

/// An invocation finished: checkpoint, bisect, retry or discard, then start the next one.
pub fn on_done(world: &mut World, m: &mut EventSourceMapping, shard: u32, slot: usize) {
    let now = world.now();
    let Some(lane) = m.shards.get_mut(&shard).and_then(|s| s.slots.get_mut(slot)) else {
        return;
    };
    let Some(InFlight {
        batch,
        outcome,
        started,
        id,
    }) = lane.in_flight.take()
    else {
        return;
    };
    m.stats.invocations += 1;
    if let Some(last) = batch.records.last() {
        m.stats.iterator_age_ms = now.saturating_sub(last.arrival_ms);
    }
    let user_records = batch
        .records
        .iter()
        .map(|r| deaggregate_with_key(&r.partition_key, &r.data).len())
        .sum();
    let mut entry = Invocation {
        id,
        shard,
        slot: slot as u32,
        first_seq: batch
            .records
            .first()
            .map(|r| r.seq.clone())
            .unwrap_or_default(),
        last_seq: batch
            .records
            .last()
            .map(|r| r.seq.clone())
            .unwrap_or_default(),
        size: batch.records.len(),
        user_records,
        started,
        finished: now,
        outcome: "Success",
        error: None,
        retry_attempt: batch.attempts,
        bisected: batch.bisected,
        failed_items: Vec::new(),
        action: "Checkpointed",
        checkpoint: None,
    };
    match outcome {
        Outcome::Success => succeed(m, shard, &batch.records),
        Outcome::FunctionError(e) => {
            m.stats.function_errors += 1;
            entry.outcome = "FunctionError";
            entry.error = Some(e.clone());
            let bisect = m.config.bisect;
            entry.action = fail(world, m, shard, slot, batch, &e, bisect);
        }
        Outcome::Partial(items) => {
            m.stats.partial_failures += 1;
            entry.outcome = "PartialFailure";
            let lowest = items
                .iter()
                .map(|it| {
                    batch
                        .records
                        .iter()
                        .position(|r| !it.is_empty() && r.seq == *it)
                })
                .collect::<Option<Vec<usize>>>()
                .and_then(|v| v.into_iter().min());
            entry.failed_items = items;
            match lowest {
                None if entry.failed_items.is_empty() => succeed(m, shard, &batch.records),
                None => {
                    let e =
                        "Invalid batchItemFailures: an itemIdentifier is empty or not in the batch";
                    entry.error = Some(e.to_string());
                    let bisect = m.config.bisect;
                    entry.action = fail(world, m, shard, slot, batch, e, bisect);
                }
                Some(i) => {
                    let mut batch = batch;
                    let rest = batch.records.split_off(i);
                    succeed(m, shard, &batch.records);
                    let remainder = Batch {
                        records: rest,
                        ..batch
                    };
                    entry.action =
                        fail(world, m, shard, slot, remainder, "batchItemFailures", false);
                }
            }
        }
    }
    m.last_processing_result = if entry.outcome == "Success" {
        "OK"
    } else {
        "PROBLEM: Function call failed"
    }
    .to_string();
    entry.checkpoint = m.shards.get(&shard).and_then(|s| s.checkpoint.clone());
    m.invocations.push_back(entry);
    while m.invocations.len() > INVOCATION_LOG_CAP {
        m.invocations.pop_front();
    }
    try_start(world, m, shard, slot);
    check_finished(m, shard);
}

fn succeed(m: &mut EventSourceMapping, shard: u32, records: &[LRecord]) {
    m.stats.succeeded += u64::from(!records.is_empty());
    m.stats.records_processed += records.len() as u64;
    if let Some(s) = m.shards.get_mut(&shard) {
        s.mark_processed(records);
    }
}

/// A failed batch: bisect it, retry it, or discard it. Returns the action taken.
fn fail(
    world: &mut World,
    m: &mut EventSourceMapping,
    shard: u32,
    slot: usize,
    mut batch: Batch,
    error: &str,
    bisect: bool,
) -> &'static str {
    let now = world.now();
    let Some(lane) = m.shards.get_mut(&shard).and_then(|s| s.slots.get_mut(slot)) else {
        return "Dropped";
    };
    if bisect && batch.records.len() > 1 {
        let second = batch.records.split_off(batch.records.len().div_ceil(2));
        let half = |records| Batch {
            records,
            attempts: batch.attempts,
            bisected: true,
            invokes: batch.invokes,
        };
        lane.pending.push_front(half(second));
        lane.pending.push_front(half(batch.records.clone()));
        return "Bisected";
    }
    if m.config.max_retry_attempts >= 0 && i64::from(batch.attempts) >= m.config.max_retry_attempts
    {
        discard(
            world,
            m,
            shard,
            &batch,
            "RetryAttemptsExhausted",
            Some(error),
        );
        return "Discarded";
    }
    batch.attempts += 1;
    lane.pending.push_front(batch);
    lane.retry_at = now + RETRY_DELAY_MS;
    let (uuid, generation, slot) = (m.uuid.clone(), m.generation, slot as u32);
    schedule(
        world,
        now + RETRY_DELAY_MS,
        LambdaEvent::Wake {
            uuid,
            generation,
            shard,
            slot,
        },
    );
    "Retrying"
}

/// Drops a batch past the checkpoint and reports it to the on-failure destination.
fn discard(
    world: &mut World,
    m: &mut EventSourceMapping,
    shard: u32,
    batch: &Batch,
    condition: &'static str,
    error: Option<&str>,
) {
    let (Some(first), Some(last)) = (batch.records.first(), batch.records.last()) else {
        return;
    };
    m.stats.batches_discarded += 1;
    m.stats.records_discarded += batch.records.len() as u64;
    if let Some(s) = m.shards.get_mut(&shard) {
        s.mark_processed(&batch.records);
    }
    if m.config.on_failure.is_none() {
        return;
    }
    let record = FailureRecord {
        request_id: random_uuid(world),
        condition,
        invoke_count: batch.invokes,
        function_error: error.map(|_| "Unhandled".to_string()),
        at: world.now(),
        shard,
        start_seq: first.seq.clone(),
        end_seq: last.seq.clone(),
        first_arrival: first.arrival_ms,
        last_arrival: last.arrival_ms,
        batch_size: batch.records.len(),
    };
    m.on_failure.push_back(record);
    while m.on_failure.len() > ON_FAILURE_CAP {
        m.on_failure.pop_front();
    }
}

/// Marks a shard finished once it is fully read and everything read is processed.
pub fn check_finished(m: &mut EventSourceMapping, shard: u32) {
    if let Some(s) = m.shards.get_mut(&shard) {
        if s.ended && s.held() == 0 {
            s.finished = true;
        }
    }
}

/// Virtual time of the next retry of any lane (for views).
pub fn next_retry(m: &EventSourceMapping) -> Option<VirtualMs> {
    m.shards
        .values()
        .flat_map(|s| s.slots.iter())
        .map(|l| l.retry_at)
        .filter(|&t| t > 0)
        .max()
}
