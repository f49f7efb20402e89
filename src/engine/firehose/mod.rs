//! Amazon Data Firehose (semantics.md §4): delivery streams, buffering, transformation, format
//! conversion, compression, destinations and backups, on virtual time.
//!
//! One record's path: PutRecord / PutRecordBatch (or a Kinesis data stream read once per second
//! per shard) → de-aggregation → the transform buffer and invocation (§4.3) → partition keys →
//! delimiter → the destination buffer of its partition (§4.2) → flush on size or interval →
//! format conversion → compression → delivery attempts with retries → destination, or the error /
//! backup output (§4.6).
//!
//! Map:
//! - [`actions`]: service `firehose` (AWS API) and the playground actions for Firehose.
//! - [`config`]: destination configurations, hints, processors.
//! - [`delivery_stream`], [`record`], [`quota`]: state.
//! - [`pipeline`] (ingest, buffers, flushes), [`processing`] (transform contract),
//!   [`delivery`] (attempts, retries, destinations, backup), [`error_output`], [`source`].
//! - [`prefix`]: S3 keys. [`compression`], [`parquet`]: object bytes. [`script`]: transforms.
//! - [`stores`]: what non-S3 destinations received. [`metrics`]: `AWS/Firehose` metrics.
//! - [`functions`]: the transform functions the user defines.

pub mod actions;
pub mod actions_playground;
pub mod compression;
pub mod config;
pub mod cwl_processing;
pub mod delivery;
pub mod delivery_stream;
pub mod describe;
pub mod error_output;
pub mod functions;
pub mod metrics;
pub mod parquet;
pub mod pipeline;
pub mod prefix;
pub mod processing;
pub mod quota;
pub mod record;
pub mod script;
pub mod source;
pub mod stores;
pub mod tap;

use std::collections::BTreeMap;

use crate::engine::firehose::delivery_stream::DeliveryStream;
use crate::engine::firehose::functions::TransformFunction;
use crate::engine::time::VirtualMs;

/// Default limit of delivery streams per Region (§4.1).
pub const MAX_DELIVERY_STREAMS: usize = 50;
/// Time a new delivery stream stays CREATING, ms (model).
pub const CREATE_DELAY_MS: u64 = 5_000;
/// Time a deleted delivery stream stays DELETING, ms (model).
pub const DELETE_DELAY_MS: u64 = 2_000;
/// How long undeliverable data is kept (§4.1: 24 h for Direct PUT).
pub const MAX_DATA_AGE_MS: u64 = 24 * 3_600_000;

/// Scheduled Firehose work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FirehoseEvent {
    /// Run whatever is due for a delivery stream (flushes, invocations, attempts, polls).
    Pump {
        /// Delivery stream name.
        stream: String,
        /// Its creation time (a re-created stream of the same name ignores old events).
        created_ms: VirtualMs,
    },
}

/// Every delivery stream and transform function of the account.
#[derive(Clone, Debug, Default)]
pub struct Firehose {
    /// Delivery streams by name.
    pub streams: BTreeMap<String, DeliveryStream>,
    /// Transform functions by name.
    pub functions: BTreeMap<String, TransformFunction>,
}

/// The ARN of delivery stream `name`.
pub fn delivery_stream_arn(name: &str) -> String {
    format!("arn:aws:firehose:us-east-1:123456789012:deliverystream/{name}")
}

/// Checks a delivery stream name: 1–64 characters of `[a-zA-Z0-9_.-]` (§4.1).
pub fn validate_name(name: &str, member: &str) -> Result<(), crate::engine::api::error::ApiError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(crate::engine::api::error::ApiError::validation(
            name,
            member,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 64",
        ))
    }
}

/// Text for the world digest: every delivery stream's state that affects the future.
pub fn digest_text(world: &crate::engine::world::World) -> String {
    let mut out = String::new();
    for (name, ds) in &world.firehose.streams {
        let l = ds.ledger;
        out.push_str(&format!(
            "fh {name} {} v{} {:?} seq{} batch{} acc{} del{} dup{} fail{} drop{} exp{} bak{} obj{} inflight{} pump{:?}\n",
            ds.status.as_str(), ds.version, ds.behaviour, ds.next_seq, ds.next_batch,
            l.accepted, l.delivered, l.duplicates, l.failed, l.dropped, l.expired, l.backed_up, l.objects,
            ds.in_flight(), ds.pump_at
        ));
        for (k, b) in &ds.buffers {
            out.push_str(&format!(
                "  buf {k} {} {} {}\n",
                b.records.len(),
                b.bytes,
                b.opened_ms
            ));
        }
        for d in &ds.deliveries {
            out.push_str(&format!(
                "  del {} {} {} {:?} {}\n",
                d.id,
                d.records.len(),
                d.attempts,
                d.in_flight,
                d.not_before
            ));
        }
    }
    for (name, f) in &world.firehose.functions {
        out.push_str(&format!("fn {name} {:?}\n", f.describe()));
    }
    out
}
