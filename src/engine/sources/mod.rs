//! Services that write into Firehose or a Kinesis data stream on the learner's behalf — CloudWatch
//! Logs subscription filters ([`crate::engine::logs`]), EventBridge rules
//! ([`crate::engine::events`]) and AWS IoT rules ([`crate::engine::iot`]) — share three things,
//! kept here:
//!
//! - [`Target`]: a destination read from its ARN (`arn:aws:firehose:…:deliverystream/NAME`,
//!   `arn:aws:kinesis:…:stream/NAME`).
//! - [`deliver`]: the hand-over. Real services call Firehose's `PutRecordBatch` and Kinesis's
//!   `PutRecords`, so these do too, through the one dispatcher: quotas, throttling, the
//!   KinesisStreamAsSource refusal and every error are the APIs' own.
//! - [`retry::RetryQueue`]: records a throttled or failed call left behind, retried with backoff
//!   until the service's retry window closes.
//!
//! [`event::SourceEvent`] is the one scheduled-event type of all three services.

pub mod event;
pub mod playground;
pub mod retry;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::world::World;

/// PutRecordBatch: ≤ 500 records and ≤ 4 MiB per call (semantics.md §4.1).
const FIREHOSE_BATCH_RECORDS: usize = 500;
const FIREHOSE_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// PutRecords: ≤ 500 records and ≤ 5 MiB per call (semantics.md §1.4); partition keys count.
const KINESIS_BATCH_RECORDS: usize = 500;
const KINESIS_BATCH_BYTES: usize = 5 * 1024 * 1024;

/// Where a source writes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A Firehose delivery stream (Direct PUT).
    Firehose(String),
    /// A Kinesis data stream.
    Kinesis(String),
}

impl Target {
    /// Reads a destination ARN; `Err` says what was expected.
    pub fn parse_arn(arn: &str) -> Result<Target, String> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" || parts[1] != "aws" {
            return Err(format!(
                "'{arn}' is not an ARN; expected arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/NAME or arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/NAME"
            ));
        }
        let name_of = |prefix: &str| {
            parts[5]
                .strip_prefix(prefix)
                .filter(|n| !n.is_empty() && !n.contains('/'))
                .map(str::to_string)
        };
        match parts[2] {
            "firehose" => name_of("deliverystream/")
                .map(Target::Firehose)
                .ok_or_else(|| format!("'{arn}' does not end in deliverystream/NAME")),
            "kinesis" => name_of("stream/")
                .map(Target::Kinesis)
                .ok_or_else(|| format!("'{arn}' does not end in stream/NAME")),
            other => Err(format!(
                "'{arn}' names service '{other}'; the playground delivers to firehose and kinesis"
            )),
        }
    }

    /// The destination's ARN.
    pub fn arn(&self) -> String {
        match self {
            Target::Firehose(n) => crate::engine::firehose::delivery_stream_arn(n),
            Target::Kinesis(n) => format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{n}"),
        }
    }

    /// `firehose` or `kinesis`.
    pub fn service(&self) -> &'static str {
        match self {
            Target::Firehose(_) => "firehose",
            Target::Kinesis(_) => "kinesis",
        }
    }

    /// The delivery stream's or data stream's name.
    pub fn name(&self) -> &str {
        match self {
            Target::Firehose(n) | Target::Kinesis(n) => n,
        }
    }
}

/// One record a source hands over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Partition key (Kinesis targets; ignored by Firehose).
    pub partition_key: String,
    /// The record's bytes.
    pub data: Vec<u8>,
}

/// The outcome of one hand-over.
#[derive(Debug, Default)]
pub struct Delivered {
    /// Records the destination accepted.
    pub accepted: u64,
    /// Bytes the destination accepted.
    pub bytes: u64,
    /// Records it did not accept, in order, for a retry.
    pub failed: Vec<Outgoing>,
    /// The last error (`Type: message`), if any.
    pub last_error: Option<String>,
}

/// Hands `records` to `target` now, in calls of at most 500 records (and 4 MiB for Firehose,
/// 5 MiB for Kinesis), through the dispatcher.
pub fn deliver(world: &mut World, target: &Target, records: Vec<Outgoing>) -> Delivered {
    let results = put_each(world, target, &records);
    let mut out = Delivered::default();
    for (r, result) in records.into_iter().zip(results) {
        match result {
            Ok(()) => {
                out.accepted += 1;
                out.bytes += r.data.len() as u64;
            }
            Err(e) => {
                out.last_error = Some(format!("{}: {}", e.kind.as_str(), e.message));
                out.failed.push(r);
            }
        }
    }
    out
}

/// One outcome per record of handing `records` to `target` with `PutRecordBatch` /
/// `PutRecords` calls (chunked by count and bytes), in order.
pub fn put_each(
    world: &mut World,
    target: &Target,
    records: &[Outgoing],
) -> Vec<Result<(), ApiError>> {
    let (max_n, max_bytes) = match target {
        Target::Firehose(_) => (FIREHOSE_BATCH_RECORDS, FIREHOSE_BATCH_BYTES),
        Target::Kinesis(_) => (KINESIS_BATCH_RECORDS, KINESIS_BATCH_BYTES),
    };
    let mut out = Vec::with_capacity(records.len());
    let mut start = 0;
    while start < records.len() {
        let mut end = start;
        let mut bytes = 0usize;
        while end < records.len() && end - start < max_n {
            let size = records[end].data.len() + records[end].partition_key.len();
            if end > start && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            end += 1;
        }
        call(world, target, &records[start..end], &mut out);
        start = end;
    }
    out
}

fn call(
    world: &mut World,
    target: &Target,
    batch: &[Outgoing],
    out: &mut Vec<Result<(), ApiError>>,
) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let (action, request, list) = match target {
        Target::Firehose(name) => (
            "PutRecordBatch",
            json!({
                "DeliveryStreamName": name,
                "Records": batch.iter().map(|r| json!({"Data": b64.encode(&r.data)})).collect::<Vec<_>>(),
            }),
            "RequestResponses",
        ),
        Target::Kinesis(name) => (
            "PutRecords",
            json!({
                "StreamName": name,
                "Records": batch.iter().map(|r| json!({
                    "Data": b64.encode(&r.data),
                    "PartitionKey": r.partition_key,
                })).collect::<Vec<_>>(),
            }),
            "Records",
        ),
    };
    match crate::engine::api::dispatch(world, target.service(), action, &request) {
        Ok(resp) => {
            let entries = resp[list].as_array().cloned().unwrap_or_default();
            for i in 0..batch.len() {
                let entry = entries.get(i).unwrap_or(&Value::Null);
                out.push(match entry["ErrorCode"].as_str() {
                    None => Ok(()),
                    Some(code) => Err(ApiError::new(
                        ErrorKind::from_name(code).unwrap_or(ErrorKind::InternalFailureException),
                        entry["ErrorMessage"].as_str().unwrap_or_default(),
                    )),
                });
            }
        }
        Err(e) => out.extend(batch.iter().map(|_| Err(e.clone()))),
    }
}

/// Counters every source keeps per destination.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryStats {
    /// Records the destination accepted.
    pub records: u64,
    /// Bytes the destination accepted.
    pub bytes: u64,
    /// Records re-sent after a failed attempt.
    pub retries: u64,
    /// Records abandoned when the retry window closed.
    pub dropped: u64,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
}

impl DeliveryStats {
    /// Adds one hand-over's outcome.
    pub fn add(&mut self, d: &Delivered) {
        self.records += d.accepted;
        self.bytes += d.bytes;
        if d.last_error.is_some() {
            self.last_error.clone_from(&d.last_error);
        }
    }

    /// As JSON for Describe calls.
    pub fn to_json(&self) -> Value {
        json!({
            "RecordsDelivered": self.records,
            "BytesDelivered": self.bytes,
            "Retries": self.retries,
            "Dropped": self.dropped,
            "LastError": self.last_error,
        })
    }
}

/// Keeps the newest `cap` items of a sample (for inspectors): pushes and trims the front.
pub fn keep_newest<T>(v: &mut std::collections::VecDeque<T>, item: T, cap: usize) {
    v.push_back(item);
    while v.len() > cap {
        v.pop_front();
    }
}
