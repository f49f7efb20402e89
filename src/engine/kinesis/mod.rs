//! Amazon Kinesis Data Streams: streams, shards, routing, sequence numbers (semantics.md §1).
//!
//! [`Kinesis`] holds the account's streams; the `actions` modules turn AWS-shaped requests into
//! calls on it and AWS-shaped responses out of it.

pub mod actions;
pub mod consumer;
pub mod cost;
pub mod hash_key;
pub mod iterator;
pub mod limits;
pub mod metrics;
pub mod names;
pub mod on_demand;
pub mod render;
pub mod reshard;
pub mod sequence_number;
pub mod shard;
pub mod starting_position;
pub mod stream;
pub mod throughput;

use std::collections::BTreeMap;

use crate::engine::api::error::ApiError;
use crate::engine::kinesis::hash_key::partition_key_hash;
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::kinesis::stream::Stream;
use crate::engine::kinesis::throughput::ShardThroughput;
use crate::engine::time::{Epoch, VirtualMs};

/// The simulated account every ARN names.
pub const ACCOUNT_ID: &str = "123456789012";
/// The simulated Region every ARN names.
pub const REGION: &str = "us-east-1";

/// Where a record should go: MD5 of its partition key, or an explicit hash key.
#[derive(Clone, Copy, Debug)]
pub enum Routing<'a> {
    /// Hash the partition key with MD5 (§1.2).
    PartitionKey(&'a str),
    /// Use this hash key directly (`ExplicitHashKey`).
    Explicit(u128),
}

/// The outcome of one accepted write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PutOutcome {
    /// Index of the shard that took the record.
    pub shard_index: u32,
    /// The assigned sequence number.
    pub sequence_number: SequenceNumber,
    /// The hash key used for routing.
    pub hash_key: u128,
}

/// All streams of the simulated account, by name (ordered, so listings are deterministic).
#[derive(Clone, Debug, Default)]
pub struct Kinesis {
    streams: BTreeMap<String, Stream>,
    /// Throughput limiters by stream, then shard index (created on first use).
    throughput: BTreeMap<String, BTreeMap<u32, ShardThroughput>>,
    /// CloudWatch-style per-second metrics (§1.14).
    pub metrics: metrics::Metrics,
    /// Billable usage per stream, for the cost meter.
    usage: BTreeMap<String, cost::StreamUsage>,
    /// Enhanced fan-out consumers and subscriptions (§1.13; `consumer.rs`).
    pub efo: consumer::Efo,
}

impl Kinesis {
    /// Streams by name.
    pub fn streams(&self) -> &BTreeMap<String, Stream> {
        &self.streams
    }

    /// The stream called `name`.
    pub fn stream(&self, name: &str) -> Option<&Stream> {
        self.streams.get(name)
    }

    /// Mutable stream called `name`.
    pub fn stream_mut(&mut self, name: &str) -> Option<&mut Stream> {
        self.streams.get_mut(name)
    }

    /// Adds a stream (the caller checked the name is free).
    pub fn insert(&mut self, stream: Stream) {
        self.throughput.remove(stream.name());
        self.metrics.remove_stream(stream.name());
        self.usage
            .insert(stream.name().to_string(), cost::StreamUsage::default());
        self.streams.insert(stream.name().to_string(), stream);
    }

    /// The limiters of one shard, created full at `now` on first use.
    pub fn throughput_mut(
        &mut self,
        stream: &str,
        shard_index: u32,
        now: VirtualMs,
    ) -> &mut ShardThroughput {
        self.throughput
            .entry(stream.to_string())
            .or_default()
            .entry(shard_index)
            .or_insert_with(|| ShardThroughput::new(now))
    }

    /// The limiters of one shard, if it has been used.
    pub fn throughput(&self, stream: &str, shard_index: u32) -> Option<&ShardThroughput> {
        self.throughput.get(stream)?.get(&shard_index)
    }

    /// `ProvisionedThroughputExceededException` worded as AWS words it (§1.5).
    pub fn rate_exceeded(stream: &str, shard_index: u32) -> ApiError {
        ApiError::new(
            crate::engine::api::error::ErrorKind::ProvisionedThroughputExceededException,
            format!(
                "Rate exceeded for shard {} in stream {stream} under account {ACCOUNT_ID}.",
                shard_id(shard_index)
            ),
        )
    }

    /// Billable usage of a stream.
    pub fn usage(&self, stream: &str) -> Option<&cost::StreamUsage> {
        self.usage.get(stream)
    }

    /// Mutable billable usage of a stream.
    pub fn usage_mut(&mut self, stream: &str) -> Option<&mut cost::StreamUsage> {
        self.usage.get_mut(stream)
    }

    /// Accrues `dt` ms of stream-hours and shard-hours for every stream.
    pub fn accrue_usage(&mut self, dt: u64) {
        if dt == 0 {
            return;
        }
        for (name, s) in &self.streams {
            if let Some(u) = self.usage.get_mut(name) {
                u.accrue(
                    dt,
                    s.open_shard_count() as u64,
                    s.mode == stream::StreamMode::OnDemand,
                    s.retention_hours > limits::DEFAULT_RETENTION_HOURS,
                );
                // EFO consumer-shard-hours: ACTIVE consumers × open shards (§1.13 "Cost").
                let efo = self.efo.active_consumer_count(name) as u64;
                u.efo_consumer_shard_ms += dt * efo * s.open_shard_count() as u64;
            }
        }
    }

    /// Drops every record older than its stream's retention period at `now` (§1.9).
    pub fn apply_retention(&mut self, now: VirtualMs) {
        for stream in self.streams.values_mut() {
            stream.apply_retention(now);
        }
    }

    /// Removes a stream.
    pub fn remove(&mut self, name: &str) -> Option<Stream> {
        self.throughput.remove(name);
        self.efo.remove_stream(name);
        self.usage.remove(name);
        self.streams.remove(name)
    }

    /// The stream ARN for `name`.
    pub fn arn_for(name: &str) -> String {
        format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{name}")
    }

    /// `ResourceNotFoundException` worded as AWS words it.
    pub fn stream_not_found(name: &str) -> ApiError {
        ApiError::not_found(format!(
            "Stream {name} under account {ACCOUNT_ID} not found."
        ))
    }

    /// Appends one record to the shard its hash key routes to. This is the single write path
    /// used by PutRecord, PutRecords and every simulated producer. The caller has validated
    /// the key and size limits.
    pub fn append(
        &mut self,
        stream_name: &str,
        routing: Routing<'_>,
        partition_key: &str,
        data: &[u8],
        now: VirtualMs,
        epoch: Epoch,
    ) -> Result<PutOutcome, ApiError> {
        let stream = self
            .streams
            .get_mut(stream_name)
            .ok_or_else(|| Kinesis::stream_not_found(stream_name))?;
        if !stream.status.allows_io() {
            // §1.5: writes need ACTIVE or UPDATING; AWS reports the stream as not found.
            return Err(ApiError::not_found(format!(
                "Stream {stream_name} under account {ACCOUNT_ID} is {} and cannot accept records yet.",
                stream.status.as_str()
            )));
        }
        let hash_key = match routing {
            Routing::PartitionKey(k) => partition_key_hash(k),
            Routing::Explicit(h) => h,
        };
        let pos = stream.route(hash_key).ok_or_else(|| {
            ApiError::new(
                crate::engine::api::error::ErrorKind::InternalFailureException,
                "no open shard covers the hash key (broken shard map)",
            )
        })?;
        let unix_ms = epoch.to_unix_ms(now);
        let shard_index = stream.shard_at(pos).index();
        let bytes = (data.len() + partition_key.len()) as u64;
        // §1.5: 1 MiB/s and 1,000 records/s per shard, on virtual time.
        let limiter = self
            .throughput
            .entry(stream_name.to_string())
            .or_default()
            .entry(shard_index)
            .or_insert_with(|| ShardThroughput::new(now));
        if !limiter.admit_write(now, bytes) {
            self.metrics
                .shard_second(stream_name, shard_index, now)
                .write_throttled += 1;
            return Err(Kinesis::rate_exceeded(stream_name, shard_index));
        }
        let second = self.metrics.shard_second(stream_name, shard_index, now);
        second.incoming_records += 1;
        second.incoming_bytes += bytes;
        if let Some(u) = self.usage.get_mut(stream_name) {
            u.add_record(bytes);
        }
        let Some(stream) = self.streams.get_mut(stream_name) else {
            return Err(Kinesis::stream_not_found(stream_name));
        };
        let shard = stream.shard_at_mut(pos);
        let sequence_number = shard.append(now, unix_ms / 1000, hash_key, partition_key, data);
        // Subscriptions on this shard get a delivery when the record becomes visible (§1.13).
        self.efo.note_append(stream_name, shard_index, now);
        Ok(PutOutcome {
            shard_index: shard.index(),
            sequence_number,
            hash_key,
        })
    }
}
