//! Kinesis Agent mode (semantics.md §2.7): the producer's workload appends lines to a simulated,
//! growing log file; an agent tails it and sends the lines to the stream.
//!
//! - The agent reads new lines at most every `minTimeBetweenFilePollsMillis` (100 ms), one record
//!   per line (the line with its trailing newline).
//! - Its buffer becomes a PutRecords batch when it holds `maxBufferSizeRecords` (500) records or
//!   `maxBufferSizeBytes` (4 MiB), or when its oldest record has waited `maxBufferAgeMillis`
//!   (60,000 ms).
//! - Batches are sent one at a time, in file order; the failed entries of a batch are re-sent after
//!   an exponential backoff (100 ms doubling to 10 s, unverified) until all succeed. Only then does
//!   the file checkpoint (byte offset and line) move past the batch, so the checkpoint never skips a
//!   line: every line before it is in the stream.
//! - `partitionKeyOption`: RANDOM (a random 64-bit hex key from the world RNG) or DETERMINISTIC (hex
//!   MD5 of the line, model).
//! - While 100 sealed batches wait (model of the publish queue), the agent stops reading.

use std::collections::VecDeque;

use md5::{Digest, Md5};

use crate::engine::api::error::ErrorKind;
use crate::engine::apps::events::Wake;
use crate::engine::apps::producer::{schedule_wake, ModeState, Producer, ProducerMode};
use crate::engine::apps::workload::Generated;
use crate::engine::kinesis::actions::put::{write, RecordInput};
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// `maxBufferAgeMillis` default (§2.7; range 1,000-900,000).
pub const DEFAULT_MAX_BUFFER_AGE_MS: u64 = 60_000;
/// `maxBufferSizeRecords` default (§2.7; at most 500, the PutRecords limit).
pub const DEFAULT_MAX_BUFFER_SIZE_RECORDS: u32 = 500;
/// `maxBufferSizeBytes` default (§2.7: 4 MiB).
pub const DEFAULT_MAX_BUFFER_SIZE_BYTES: u64 = 4 * 1_048_576;
/// `minTimeBetweenFilePollsMillis` default (§2.7).
pub const DEFAULT_MIN_TIME_BETWEEN_FILE_POLLS_MS: u64 = 100;
/// First retry backoff, ms (unverified: the agent's `retryInitialBackoffMillis`).
pub const RETRY_INITIAL_BACKOFF_MS: u64 = 100;
/// Longest retry backoff, ms (unverified: the agent's `retryMaxBackoffMillis`).
pub const RETRY_MAX_BACKOFF_MS: u64 = 10_000;
/// Sealed batches the agent queues before it stops reading the file (model).
pub const PUBLISH_QUEUE_CAPACITY: usize = 100;

/// How the agent picks partition keys (§2.7 `partitionKeyOption`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionKeyOption {
    /// A random key per record.
    Random,
    /// A hash of the record's data.
    Deterministic,
}

/// Agent settings (names as in `agent.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentConfig {
    /// `maxBufferAgeMillis`.
    pub max_buffer_age_ms: u64,
    /// `maxBufferSizeRecords`.
    pub max_buffer_size_records: u32,
    /// `maxBufferSizeBytes`.
    pub max_buffer_size_bytes: u64,
    /// `minTimeBetweenFilePollsMillis`.
    pub min_time_between_file_polls_ms: u64,
    /// `partitionKeyOption`.
    pub partition_key_option: PartitionKeyOption,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            max_buffer_age_ms: DEFAULT_MAX_BUFFER_AGE_MS,
            max_buffer_size_records: DEFAULT_MAX_BUFFER_SIZE_RECORDS,
            max_buffer_size_bytes: DEFAULT_MAX_BUFFER_SIZE_BYTES,
            min_time_between_file_polls_ms: DEFAULT_MIN_TIME_BETWEEN_FILE_POLLS_MS,
            partition_key_option: PartitionKeyOption::Random,
        }
    }
}

impl AgentConfig {
    /// The JSON the playground API uses for these settings.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "MaxBufferAgeMillis": self.max_buffer_age_ms,
            "MaxBufferSizeRecords": self.max_buffer_size_records,
            "MaxBufferSizeBytes": self.max_buffer_size_bytes,
            "MinTimeBetweenFilePollsMillis": self.min_time_between_file_polls_ms,
            "PartitionKeyOption": match self.partition_key_option {
                PartitionKeyOption::Random => "RANDOM",
                PartitionKeyOption::Deterministic => "DETERMINISTIC",
            },
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct AgentRecord {
    partition_key: String,
    data: Vec<u8>,
    sent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct AgentBatch {
    records: Vec<AgentRecord>,
    end_line: u64,
    end_offset: u64,
    attempt: u32,
}

/// The file, the agent's buffer and queue, and its checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentState {
    /// Lines not yet read, oldest first; `unread.front()` is line `read_line`.
    unread: VecDeque<Vec<u8>>,
    /// Lines written to the file.
    pub file_lines: u64,
    /// Bytes written to the file.
    pub file_bytes: u64,
    /// Lines read into the buffer.
    pub read_line: u64,
    read_offset: u64,
    buffer: Vec<AgentRecord>,
    buffer_bytes: u64,
    buffer_since: VirtualMs,
    queue: VecDeque<AgentBatch>,
    sending: bool,
    last_poll: Option<VirtualMs>,
    poll_at: Option<VirtualMs>,
    /// Checkpoint: lines (from the start of the file) all in the stream.
    pub checkpoint_line: u64,
    /// Checkpoint: byte offset of the first line not known to be in the stream.
    pub checkpoint_offset: u64,
}

impl AgentState {
    /// Records in the buffer.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Sealed batches waiting (the first may be in flight).
    pub fn queued_batches(&self) -> usize {
        self.queue.len()
    }

    /// A canonical rendering for the world digest.
    pub fn digest_text(&self) -> String {
        format!(
            "agent={};{};{};{};{};{};{};",
            self.file_lines,
            self.file_bytes,
            self.read_line,
            self.buffer.len(),
            self.queue.len(),
            self.checkpoint_line,
            self.checkpoint_offset
        )
    }
}

fn parts(p: &mut Producer) -> Option<(AgentConfig, &mut AgentState)> {
    match (&p.config.mode, &mut p.runtime.mode) {
        (ProducerMode::Agent(cfg), ModeState::Agent(state)) => Some((cfg.clone(), state)),
        _ => None,
    }
}

fn request_poll(
    world: &mut World,
    name: &str,
    generation: u64,
    state: &mut AgentState,
    at: VirtualMs,
) {
    if state.poll_at.is_none_or(|t| at < t) {
        state.poll_at = Some(at);
        schedule_wake(world, name, generation, at, Wake::AgentPoll);
    }
}

/// The workload wrote a line: append it to the file and make sure the agent will look.
pub fn on_line(world: &mut World, name: &str, p: &mut Producer, g: Generated) {
    let generation = p.generation;
    let Some((cfg, state)) = parts(p) else { return };
    let mut line = g.data;
    line.push(b'\n');
    state.file_lines += 1;
    state.file_bytes += line.len() as u64;
    state.unread.push_back(line);
    let earliest = state
        .last_poll
        .map_or(world.now(), |t| t + cfg.min_time_between_file_polls_ms)
        .max(world.now());
    request_poll(world, name, generation, state, earliest);
}

fn seal(state: &mut AgentState) {
    if state.buffer.is_empty() {
        return;
    }
    let records = std::mem::take(&mut state.buffer);
    state.buffer_bytes = 0;
    state.queue.push_back(AgentBatch {
        records,
        end_line: state.read_line,
        end_offset: state.read_offset,
        attempt: 0,
    });
}

/// The agent polls the file: reads new lines, seals full or old buffers, sends.
pub fn on_poll(world: &mut World, name: &str, p: &mut Producer) {
    let now = world.now();
    let generation = p.generation;
    let Some((cfg, state)) = parts(p) else { return };
    if state.poll_at != Some(now) {
        return; // superseded by an earlier poll
    }
    state.poll_at = None;
    state.last_poll = Some(now);
    let max_records = cfg.max_buffer_size_records.max(1) as usize;
    loop {
        let Some((_, state)) = parts(p) else { return };
        if state.queue.len() >= PUBLISH_QUEUE_CAPACITY {
            break;
        }
        let Some(data) = state.unread.pop_front() else {
            break;
        };
        let size = data.len() as u64;
        if state.buffer.len() >= max_records
            || state.buffer_bytes + size > cfg.max_buffer_size_bytes
        {
            seal(state);
        }
        let partition_key = match cfg.partition_key_option {
            PartitionKeyOption::Random => format!("{:016x}", world.rng().next_u64()),
            PartitionKeyOption::Deterministic => Md5::digest(&data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        };
        let Some((_, state)) = parts(p) else { return };
        if state.buffer.is_empty() {
            state.buffer_since = now;
        }
        state.read_line += 1;
        state.read_offset += size;
        state.buffer_bytes += size;
        state.buffer.push(AgentRecord {
            partition_key,
            data,
            sent: false,
        });
    }
    let Some((_, state)) = parts(p) else { return };
    let aged = !state.buffer.is_empty() && now >= state.buffer_since + cfg.max_buffer_age_ms;
    if aged || state.buffer.len() >= max_records {
        seal(state);
    }
    if !state.sending {
        send_head(world, name, p);
    }
    let Some((_, state)) = parts(p) else { return };
    let next = if !state.unread.is_empty() {
        Some(now + cfg.min_time_between_file_polls_ms)
    } else if !state.buffer.is_empty() {
        Some(state.buffer_since + cfg.max_buffer_age_ms)
    } else {
        None
    };
    if let Some(at) = next {
        request_poll(world, name, generation, state, at.max(now + 1));
    }
}

/// The backoff of the batch in flight has passed: re-send its failed entries.
pub fn on_send(world: &mut World, name: &str, p: &mut Producer) {
    let Some((_, state)) = parts(p) else { return };
    if state.sending {
        state.sending = false;
        p.stats.retries += 1;
        send_head(world, name, p);
    }
}

/// Sends queued batches in order until one has entries that failed (then waits for its backoff).
fn send_head(world: &mut World, name: &str, p: &mut Producer) {
    let stream = p.config.stream.clone();
    let generation = p.generation;
    loop {
        let Some((_, state)) = parts(p) else { return };
        let Some(mut batch) = state.queue.pop_front() else {
            return;
        };
        p.stats.requests += 1;
        let mut failed = 0;
        // The agent's deliveryStream flow ships each batch with one PutRecordBatch.
        let firehose_results: Vec<Result<(), crate::engine::api::error::ApiError>> =
            if p.config.to_firehose() {
                let datas: Vec<&[u8]> = batch
                    .records
                    .iter()
                    .filter(|r| !r.sent)
                    .map(|r| r.data.as_slice())
                    .collect();
                crate::engine::apps::firehose_client::put_batch(world, &stream, &datas)
            } else {
                Vec::new()
            };
        let mut firehose_results = firehose_results.into_iter();
        for r in batch.records.iter_mut().filter(|r| !r.sent) {
            let rec = RecordInput {
                partition_key: &r.partition_key,
                explicit_hash_key: None,
                data: r.data.clone(),
            };
            let result = match firehose_results.next() {
                Some(x) => x.map(|_| ()),
                None => write(world, &stream, &rec).map(|_| ()),
            };
            match result {
                Ok(_) => {
                    r.sent = true;
                    p.stats.sent += 1;
                }
                Err(e) => {
                    failed += 1;
                    if matches!(
                        e.kind,
                        ErrorKind::ProvisionedThroughputExceededException
                            | ErrorKind::ServiceUnavailableException
                    ) {
                        p.stats.throttled += 1;
                    }
                    p.stats.last_error = Some(e.to_string());
                }
            }
        }
        let Some((_, state)) = parts(p) else { return };
        if failed == 0 {
            state.checkpoint_line = batch.end_line;
            state.checkpoint_offset = batch.end_offset;
            continue;
        }
        let delay = RETRY_INITIAL_BACKOFF_MS
            .saturating_mul(1 << batch.attempt.min(20))
            .min(RETRY_MAX_BACKOFF_MS);
        batch.attempt += 1;
        state.queue.push_front(batch);
        state.sending = true;
        schedule_wake(
            world,
            name,
            generation,
            world.now() + delay,
            Wake::AgentSend,
        );
        return;
    }
}
