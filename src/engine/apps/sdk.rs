//! SDK producer mode: the application calls PutRecord for every record, or collects records into
//! PutRecords batches, and its AWS SDK client retries throttled records.
//!
//! - Retries (§1.5: "The AWS SDK retries PutRecord up to 3 times by default"): a throttled
//!   (`ProvisionedThroughputExceededException`) or internally failed record is re-sent after
//!   exponential backoff with full jitter, `delay = uniform[0, min(MaxBackoffMs, BaseBackoffMs · 2^n)]`
//!   for the n-th retry (n from 0), drawn from the world RNG (model of the SDK's standard retry
//!   mode). After `MaxRetries` retries the record is given up.
//! - PutRecords (§1.5): the call is not atomic; only the failed entries are re-sent, as one smaller
//!   PutRecords, which can reorder records relative to the original request.
//! - Batches: a PutRecords batch is sent when it holds `BatchSize` records, would exceed the 10 MiB
//!   request limit (§1.4), or its first record has waited `MaxBatchWaitMs`.
//!
//! Calls are instantaneous in virtual time and go through the same write function as the
//! PutRecord/PutRecords actions (`kinesis::actions::put::write`).

use std::collections::BTreeMap;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::apps::events::Wake;
use crate::engine::apps::producer::{schedule_wake, ModeState, Producer, ProducerMode};
use crate::engine::apps::workload::Generated;
use crate::engine::kinesis::actions::put::{write, RecordInput};
use crate::engine::kinesis::actions::put_records::{
    PUT_RECORDS_MAX_BYTES, PUT_RECORDS_MAX_ENTRIES,
};
use crate::engine::rng::WorldRng;
use crate::engine::world::World;

/// Retries of a throttled record before it is given up (§1.5: SDK default 3).
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Most retries configurable.
pub const MAX_RETRIES_LIMIT: u32 = 20;
/// Backoff base, ms (model: SDK-style exponential backoff).
pub const DEFAULT_BASE_BACKOFF_MS: u64 = 100;
/// Backoff cap, ms (model: the SDK standard retry mode caps backoff at 20 s).
pub const DEFAULT_MAX_BACKOFF_MS: u64 = 20_000;
/// Records per PutRecords batch by default (the application's choice; ≤ 500, §1.4).
pub const DEFAULT_BATCH_SIZE: u32 = 100;
/// Longest a batch waits for more records by default, ms (the application's choice).
pub const DEFAULT_MAX_BATCH_WAIT_MS: u64 = 200;

/// Which API the application calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdkApi {
    /// One PutRecord per record.
    PutRecord,
    /// PutRecords batches.
    PutRecords,
}

/// SDK client settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdkConfig {
    /// PutRecord or PutRecords.
    pub api: SdkApi,
    /// Records per PutRecords batch (1-500).
    pub batch_size: u32,
    /// Longest a batch waits for more records, ms.
    pub max_batch_wait_ms: u64,
    /// Retries before giving a record up.
    pub max_retries: u32,
    /// Backoff base, ms.
    pub base_backoff_ms: u64,
    /// Backoff cap, ms.
    pub max_backoff_ms: u64,
}

impl Default for SdkConfig {
    fn default() -> Self {
        SdkConfig {
            api: SdkApi::PutRecord,
            batch_size: DEFAULT_BATCH_SIZE,
            max_batch_wait_ms: DEFAULT_MAX_BATCH_WAIT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
            base_backoff_ms: DEFAULT_BASE_BACKOFF_MS,
            max_backoff_ms: DEFAULT_MAX_BACKOFF_MS,
        }
    }
}

impl SdkConfig {
    /// The JSON the playground API uses for these settings.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "Api": match self.api { SdkApi::PutRecord => "PutRecord", SdkApi::PutRecords => "PutRecords" },
            "BatchSize": self.batch_size,
            "MaxBatchWaitMs": self.max_batch_wait_ms,
            "MaxRetries": self.max_retries,
            "BaseBackoffMs": self.base_backoff_ms,
            "MaxBackoffMs": self.max_backoff_ms,
        })
    }
}

/// A request waiting for its retry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    records: Vec<Generated>,
    /// Retries already made (the next send is retry number `attempt`).
    attempt: u32,
}

/// The SDK client's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SdkState {
    batch: Vec<Generated>,
    batch_bytes: usize,
    batch_id: u64,
    waiting: BTreeMap<u64, Pending>,
    next_request: u64,
}

impl SdkState {
    /// Records collected for the next PutRecords batch.
    pub fn batched(&self) -> usize {
        self.batch.len()
    }

    /// Records waiting for a retry.
    pub fn awaiting_retry(&self) -> usize {
        self.waiting.values().map(|p| p.records.len()).sum()
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        format!(
            "sdk={};{};{};{};",
            self.batch.len(),
            self.batch_id,
            self.awaiting_retry(),
            self.next_request
        )
    }
}

/// Full-jitter exponential backoff for retry number `n` (0-based).
pub fn backoff_ms(rng: &mut WorldRng, base: u64, cap: u64, n: u32) -> u64 {
    let ceiling = base.saturating_mul(1u64 << n.min(40)).min(cap);
    rng.below(ceiling + 1)
}

fn parts(p: &mut Producer) -> Option<(SdkConfig, &mut SdkState)> {
    match (&p.config.mode, &mut p.runtime.mode) {
        (ProducerMode::Sdk(cfg), ModeState::Sdk(state)) => Some((cfg.clone(), state)),
        _ => None,
    }
}

fn size_of(g: &Generated) -> usize {
    g.data.len() + g.partition_key.len()
}

/// A newly generated record.
pub fn on_record(world: &mut World, name: &str, p: &mut Producer, g: Generated) {
    let Some((cfg, state)) = parts(p) else { return };
    if cfg.api == SdkApi::PutRecord {
        send(world, name, p, vec![g], 0);
        return;
    }
    if !state.batch.is_empty() && state.batch_bytes + size_of(&g) > PUT_RECORDS_MAX_BYTES {
        flush_batch(world, name, p);
    }
    let Some((_, state)) = parts(p) else { return };
    state.batch_bytes += size_of(&g);
    state.batch.push(g);
    let limit = (cfg.batch_size as usize).clamp(1, PUT_RECORDS_MAX_ENTRIES);
    if state.batch.len() >= limit {
        flush_batch(world, name, p);
    } else if state.batch.len() == 1 {
        let (id, at) = (state.batch_id, world.now() + cfg.max_batch_wait_ms);
        schedule_wake(world, name, p.generation, at, Wake::SdkBatch(id));
    }
}

/// The batch deadline of batch `id` has come.
pub fn on_batch_deadline(world: &mut World, name: &str, p: &mut Producer, id: u64) {
    if parts(p).is_some_and(|(_, s)| s.batch_id == id && !s.batch.is_empty()) {
        flush_batch(world, name, p);
    }
}

/// The backoff of request `id` has passed: re-send its records.
pub fn on_retry(world: &mut World, name: &str, p: &mut Producer, id: u64) {
    let Some((_, state)) = parts(p) else { return };
    if let Some(pending) = state.waiting.remove(&id) {
        p.stats.retries += 1;
        send(world, name, p, pending.records, pending.attempt);
    }
}

fn flush_batch(world: &mut World, name: &str, p: &mut Producer) {
    let Some((_, state)) = parts(p) else { return };
    let batch = std::mem::take(&mut state.batch);
    state.batch_bytes = 0;
    state.batch_id += 1;
    if !batch.is_empty() {
        send(world, name, p, batch, 0);
    }
}

fn retryable(e: &ApiError) -> bool {
    matches!(
        e.kind,
        ErrorKind::ProvisionedThroughputExceededException
            | ErrorKind::InternalFailureException
            | ErrorKind::ServiceUnavailableException
    )
}

/// Writes one generated record through the PutRecord/PutRecords write path.
pub fn write_generated(
    world: &mut World,
    stream: &str,
    g: Generated,
) -> (Generated, Result<(), ApiError>) {
    let Generated {
        partition_key,
        explicit_hash_key,
        data,
        event_unix_ms,
    } = g;
    let rec = RecordInput {
        partition_key: &partition_key,
        explicit_hash_key,
        data,
    };
    let result = write(world, stream, &rec).map(|_| ());
    let data = rec.data;
    (
        Generated {
            partition_key,
            explicit_hash_key,
            data,
            event_unix_ms,
        },
        result,
    )
}

/// One PutRecord (a single record) or PutRecords call, then retry scheduling for what failed.
fn send(world: &mut World, name: &str, p: &mut Producer, records: Vec<Generated>, attempt: u32) {
    let Some((cfg, _)) = parts(p) else { return };
    p.stats.requests += 1;
    let stream = p.config.stream.clone();
    let mut again = Vec::new();
    let results: Vec<Result<(), ApiError>> = if p.config.to_firehose() {
        let datas: Vec<&[u8]> = records.iter().map(|g| g.data.as_slice()).collect();
        crate::engine::apps::firehose_client::put(world, &stream, &datas)
    } else {
        Vec::new()
    };
    let mut results = results.into_iter();
    for g in records {
        let (g, result) = match results.next() {
            Some(r) => (g, r),
            None => write_generated(world, &stream, g),
        };
        match result {
            Ok(()) => p.stats.sent += 1,
            Err(e) => {
                if matches!(
                    e.kind,
                    ErrorKind::ProvisionedThroughputExceededException
                        | ErrorKind::ServiceUnavailableException
                ) {
                    p.stats.throttled += 1;
                }
                let retry = retryable(&e);
                p.stats.last_error = Some(e.to_string());
                if retry {
                    again.push(g);
                } else {
                    p.stats.failed += 1;
                }
            }
        }
    }
    if again.is_empty() {
        return;
    }
    if attempt >= cfg.max_retries {
        p.stats.given_up += again.len() as u64;
        p.stats.failed += again.len() as u64;
        return;
    }
    let delay = backoff_ms(
        world.rng(),
        cfg.base_backoff_ms,
        cfg.max_backoff_ms,
        attempt,
    );
    let Some((_, state)) = parts(p) else { return };
    let id = state.next_request;
    state.next_request += 1;
    state.waiting.insert(
        id,
        Pending {
            records: again,
            attempt: attempt + 1,
        },
    );
    schedule_wake(
        world,
        name,
        p.generation,
        world.now() + delay,
        Wake::SdkRetry(id),
    );
}
