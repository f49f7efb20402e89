//! Service `playground`, producer actions: `StartProducer` (workloads, rate shapes, key
//! distributions, record sizes, event-time disorder, and the DIRECT / SDK / KPL / AGENT clients),
//! `ListProducers`, and `DeaggregateRecord` (KPL aggregated-record format, §2.6).
//!
//! A request with only the original members (`ProducerName`, `StreamName`, `RecordsPerSecond`,
//! `KeyDistribution` UNIFORM|HOT_KEY) starts the original producer, and such producers are listed
//! in the original shape.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::producer_settings::{read_keys, read_mode, read_shape, read_workload};
use crate::engine::api::request::Request;
use crate::engine::apps::firehose_client::ProducerTarget;
use crate::engine::apps::kpl;
use crate::engine::apps::producer::{
    self, ModeState, Producer, ProducerConfig, ProducerMode, MAX_RATE_PER_S,
};
use crate::engine::apps::workload::RecordSize;
use crate::engine::kinesis::actions::put::decode_data;
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// Producer actions routed here besides StartProducer and ListProducers.
pub const ACTIONS: &[&str] = &["DeaggregateRecord"];

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    let _ = world;
    match action {
        "DeaggregateRecord" => deaggregate_record(req),
        other => Err(ApiError::invalid_argument(format!(
            "not a producer action: {other}"
        ))),
    }
}

/// StartProducer.
pub fn start_producer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ProducerName",
        "StreamName",
        "DeliveryStreamName",
        "RecordsPerSecond",
        "KeyDistribution",
        "Workload",
        "RecordSize",
        "EventTimeDisorder",
        "RateShape",
        "Mode",
        "Sdk",
        "Kpl",
        "Agent",
    ])?;
    let name = req.str("ProducerName")?;
    validate_stream_name(name, "producerName")?;
    let (stream, target) = match (req.opt_str("StreamName")?, req.opt_str("DeliveryStreamName")?) {
        (Some(stream), None) => {
            validate_stream_name(stream, "streamName")?;
            if world.kinesis.stream(stream).is_none() {
                return Err(Kinesis::stream_not_found(stream));
            }
            (stream, ProducerTarget::DataStream)
        }
        (None, Some(ds)) => {
            let d = crate::engine::firehose::actions::find(world, ds)?;
            if !matches!(d.source, crate::engine::firehose::delivery_stream::Source::DirectPut) {
                return Err(ApiError::invalid_argument(format!("{ds} reads from a Kinesis data stream (KinesisStreamAsSource) and refuses direct puts; point the producer at that stream instead")));
            }
            (ds, ProducerTarget::DeliveryStream)
        }
        _ => return Err(ApiError::invalid_argument("give exactly one of StreamName (a Kinesis data stream) and DeliveryStreamName (a Firehose delivery stream, Direct PUT)")),
    };
    let rate = req
        .opt_f64("RecordsPerSecond", 0.01, MAX_RATE_PER_S)?
        .unwrap_or(10.0);
    let mut config = ProducerConfig::simple(stream, rate, read_keys(&req)?);
    config.workload = read_workload(&req)?;
    config.shape = read_shape(&req)?;
    config.mode = read_mode(&req)?;
    config.target = target;
    if target == ProducerTarget::DeliveryStream && matches!(config.mode, ProducerMode::Kpl(_)) {
        return Err(ApiError::invalid_argument("the KPL writes to Kinesis data streams only: send KPL records to a stream and let the delivery stream read it (KinesisStreamAsSource), which de-aggregates them (semantics.md §4.1)"));
    }
    producer::start(world, name, config);
    Ok(json!({ "ProducerName": name, "Running": true }))
}

/// The client-specific part of a listing.
fn client_json(p: &Producer) -> Value {
    match (&p.config.mode, &p.runtime.mode) {
        (ProducerMode::Sdk(c), ModeState::Sdk(s)) => {
            json!({ "Sdk": c.to_json(), "Batched": s.batched(), "AwaitingRetry": s.awaiting_retry() })
        }
        (ProducerMode::Kpl(c), ModeState::Kpl(s)) => {
            let ratio = (s.user_records_in_sent * 100)
                .checked_div(s.kinesis_records_sent)
                .unwrap_or(0) as f64
                / 100.0;
            json!({
                "Kpl": c.to_json(), "BufferedUserRecords": s.buffered(), "KinesisRecordsSent": s.kinesis_records_sent,
                "UserRecordsPerKinesisRecord": ratio,
            })
        }
        (ProducerMode::Agent(c), ModeState::Agent(s)) => json!({
            "Agent": c.to_json(), "FileLines": s.file_lines, "FileBytes": s.file_bytes, "LinesRead": s.read_line,
            "CheckpointLine": s.checkpoint_line, "CheckpointOffset": s.checkpoint_offset,
            "BufferedRecords": s.buffered(), "QueuedBatches": s.queued_batches(),
        }),
        _ => json!({}),
    }
}

/// ListProducers.
pub fn list_producers(world: &World) -> Value {
    let list: Vec<Value> = world
        .producers
        .all()
        .iter()
        .map(|(name, p)| {
            let mut v = json!({
                "ProducerName": name,
                (if p.config.to_firehose() { "DeliveryStreamName" } else { "StreamName" }): p.config.stream,
                "Running": p.running,
                "RecordsPerSecond": p.config.rate_per_s,
                "KeyDistribution": p.config.keys.to_json(),
                "RecordsSent": p.stats.sent,
                "RecordsFailed": p.stats.failed,
                "LastError": p.stats.last_error,
            });
            if !p.config.is_original() {
                let w = &p.config.workload;
                v["Mode"] = json!(p.config.mode.name());
                v["Workload"] = json!(w.kind.name());
                v["RecordSize"] = match w.size {
                    RecordSize::Natural => json!({ "Type": "NATURAL" }),
                    RecordSize::Fixed(n) => json!({ "Type": "FIXED", "Bytes": n }),
                    RecordSize::Range { min, max } => {
                        json!({ "Type": "RANGE", "MinBytes": min, "MaxBytes": max })
                    }
                };
                v["EventTimeDisorder"] = w.disorder.map_or(Value::Null, |d| {
                    json!({ "LateFraction": d.late_fraction, "MaxLatenessMs": d.max_lateness_ms })
                });
                v["RateShape"] = p.config.shape.to_json();
                v["RecordsGenerated"] = json!(p.stats.generated);
                v["Requests"] = json!(p.stats.requests);
                v["Throttles"] = json!(p.stats.throttled);
                v["Retries"] = json!(p.stats.retries);
                v["GivenUp"] = json!(p.stats.given_up);
                if let Value::Object(extra) = client_json(p) {
                    for (k, x) in extra {
                        v[k] = x;
                    }
                }
            }
            v
        })
        .collect();
    json!({ "Producers": list })
}

/// DeaggregateRecord: `{Data, PartitionKey?}` → `{Aggregated, Records: [{PartitionKey,
/// ExplicitHashKey, Data, SubSequenceNumber}]}`.
fn deaggregate_record(req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Data", "PartitionKey"])?;
    let data = decode_data(req.str("Data")?, "data")?;
    let key = req.opt_str("PartitionKey")?.unwrap_or("");
    let aggregated = kpl::aggregation::is_aggregated(&data);
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let records: Vec<Value> = kpl::deaggregate_with_key(key, &data)
        .iter()
        .map(|u| {
            json!({
                "PartitionKey": u.partition_key,
                "ExplicitHashKey": u.explicit_hash_key,
                "Data": b64(&u.data),
                "SubSequenceNumber": u.sub_sequence_number,
            })
        })
        .collect();
    Ok(json!({ "Aggregated": aggregated, "Records": records }))
}
