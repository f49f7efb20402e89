//! DescribeDeliveryStream's description, and the pipeline state the pictures draw
//! (`playground.DescribeDeliveryPipeline`).

use serde_json::{json, Value};

use crate::engine::firehose::config::{BackupMode, Processor};
use crate::engine::firehose::delivery_stream::{DeliveryStream, Source};
use crate::engine::firehose::pipeline::next_due;
use crate::engine::time::{format_iso8601, VirtualMs};
use crate::engine::world::World;

fn ts(world: &World, t: VirtualMs) -> Value {
    json!(world.epoch().to_unix_ms(t) as f64 / 1000.0)
}

/// `DeliveryStreamDescription`.
pub fn description(world: &World, ds: &DeliveryStream) -> Value {
    let mut dest = json!({ "DestinationId": ds.destination.destination_id });
    dest[ds.destination.kind.description_member()] = ds.destination.description.clone();
    let mut out = json!({
        "DeliveryStreamName": ds.name,
        "DeliveryStreamARN": ds.arn,
        "DeliveryStreamStatus": ds.status.as_str(),
        "DeliveryStreamEncryptionConfiguration": { "Status": "DISABLED" },
        "DeliveryStreamType": match ds.source { Source::DirectPut => "DirectPut", Source::Kinesis { .. } => "KinesisStreamAsSource" },
        "VersionId": ds.version.to_string(),
        "CreateTimestamp": ts(world, ds.created_ms),
        "Destinations": [dest],
        "HasMoreDestinations": false,
    });
    if let Some(u) = ds.updated_ms {
        out["LastUpdateTimestamp"] = ts(world, u);
    }
    if let Source::Kinesis { arn, .. } = &ds.source {
        out["Source"] = json!({ "KinesisStreamSourceDescription": {
            "KinesisStreamARN": arn,
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "DeliveryStartTimestamp": ts(world, ds.created_ms + crate::engine::firehose::CREATE_DELAY_MS),
        }});
    }
    out
}

/// Everything the pipeline picture shows for one delivery stream.
pub fn pipeline(world: &World, ds: &DeliveryStream) -> Value {
    let now = world.now();
    let d = &ds.destination;
    let lambda = d.processing.lambda().map(|p| match p {
        Processor::Lambda {
            function,
            retries,
            buffer_bytes,
            buffer_interval_ms,
            ..
        } => json!({
            "Function": function, "Retries": retries, "BufferSizeBytes": buffer_bytes,
            "BufferIntervalMs": buffer_interval_ms,
        }),
        _ => Value::Null,
    });
    let buffers: Vec<Value> = ds
        .buffers
        .iter()
        .map(|(k, b)| {
            json!({
                "Partition": k, "Records": b.records.len(), "Bytes": b.bytes,
                "OpenedMs": b.opened_ms, "AgeMs": now.saturating_sub(b.opened_ms),
            })
        })
        .collect();
    let invocations: Vec<Value> = ds
        .invocations
        .iter()
        .map(|i| json!({ "Id": i.id, "Records": i.records.len(), "Attempts": i.attempts, "EndsMs": i.ends_ms, "Failing": i.failure.as_ref().map(|f| &f.1) }))
        .collect();
    let deliveries: Vec<Value> = ds
        .deliveries
        .iter()
        .map(|x| json!({
            "Id": x.id, "Records": x.records.len(), "Reason": x.reason.as_str(), "Partition": x.partition,
            "Attempts": x.attempts, "InFlightUntilMs": x.in_flight.map(|f| f.0), "NextAttemptMs": x.not_before,
            "LastError": x.last_error, "Key": x.object.as_ref().map(|o| &o.0),
            "RetryDeadlineMs": x.first_attempt_ms.map(|f| f + d.retry_ms),
        }))
        .collect();
    let flushes: Vec<Value> = ds
        .flushes
        .iter()
        .rev()
        .map(|f| json!({ "AtMs": f.at_ms, "At": format_iso8601(world.epoch().to_unix_ms(f.at_ms)), "Reason": f.reason.as_str(), "Buffer": f.buffer, "Records": f.records, "Bytes": f.bytes }))
        .collect();
    let l = ds.ledger;
    json!({
        "DeliveryStreamName": ds.name,
        "Status": ds.status.as_str(),
        "Now": now,
        "Source": match &ds.source { Source::DirectPut => json!({"Type": "DirectPut"}), Source::Kinesis { stream, .. } => json!({"Type": "KinesisStreamAsSource", "Stream": stream}) },
        "Destination": {
            "Type": d.kind.label(), "Target": d.target, "Bucket": d.s3.bucket,
            "BufferSizeBytes": d.buffering.size_bytes, "BufferIntervalMs": d.buffering.interval_ms,
            "Compression": d.s3.compression.as_str(),
            "Conversion": d.conversion.as_ref().map(|c| json!({"Format": "PARQUET", "Table": c.table, "Compression": c.compression.as_aws_str()})),
            "DynamicPartitioning": d.partitioning.is_some(),
            "BackupMode": match d.backup_mode { BackupMode::Disabled => "Disabled", BackupMode::SourceRecords => "Enabled", BackupMode::FailedOnly => "FailedDataOnly", BackupMode::All => "AllData" },
            "BackupBucket": d.source_backup.as_ref().map(|b| &b.bucket).unwrap_or(&d.s3.bucket),
            "RetryDurationMs": d.retry_ms,
            "Prefix": d.s3.prefix, "ErrorOutputPrefix": d.s3.error_output_prefix,
        },
        "Transform": lambda,
        "TransformBuffer": { "Records": ds.processing_buffer.records.len(), "Bytes": ds.processing_buffer.bytes, "OpenedMs": ds.processing_buffer.opened_ms },
        "Invocations": invocations,
        "Buffers": buffers,
        "Deliveries": deliveries,
        "Flushes": flushes,
        "Ledger": {
            "Accepted": l.accepted, "Delivered": l.delivered, "Duplicates": l.duplicates, "Failed": l.failed,
            "Dropped": l.dropped, "Expired": l.expired, "BackedUp": l.backed_up, "Objects": l.objects,
            "InFlight": ds.in_flight(),
        },
        "Behaviour": {
            "LatencyMs": ds.behaviour.latency_ms, "ErrorRate": ds.behaviour.error_rate,
            "OutageUntilMs": ds.behaviour.outage_until, "LostAckRate": ds.behaviour.lost_ack_rate,
        },
        "DataFreshnessMs": ds.oldest_pending().map_or(0, |t| now.saturating_sub(t)),
        "NextWakeMs": next_due(ds, now),
        "Version": ds.version,
    })
}
