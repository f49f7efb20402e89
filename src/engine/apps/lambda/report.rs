//! JSON shapes of mappings, invocations and on-failure invocation records (semantics.md §3).

use serde_json::{json, Value};

use crate::engine::apps::lambda::config::StartingPosition;
use crate::engine::apps::lambda::state::{FailureRecord, Invocation};
use crate::engine::apps::lambda::EventSourceMapping;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::kinesis::Kinesis;
use crate::engine::time::{format_iso8601, Epoch};

/// A mapping as `CreateEventSourceMapping` / `ListEventSourceMappings` return it, plus the
/// playground's `FunctionBehavior`, per-shard `Shards` and `Stats`.
pub fn mapping_json(m: &EventSourceMapping, epoch: Epoch) -> Value {
    let c = &m.config;
    let mut v = json!({
        "UUID": m.uuid,
        "StartingPosition": c.starting_position.name(),
        "BatchSize": c.batch_size,
        "MaximumBatchingWindowInSeconds": c.batching_window_s,
        "ParallelizationFactor": c.parallelization_factor,
        "EventSourceArn": Kinesis::arn_for(&c.stream),
        "FunctionArn": c.function_arn(),
        "LastModified": epoch.to_unix_ms(m.last_modified_ms) as f64 / 1000.0,
        "LastProcessingResult": m.last_processing_result,
        "State": if m.enabled { "Enabled" } else { "Disabled" },
        "StateTransitionReason": "USER_INITIATED",
        "DestinationConfig": match &c.on_failure {
            Some(d) => json!({ "OnFailure": { "Destination": d } }),
            None => json!({ "OnFailure": {} }),
        },
        "MaximumRecordAgeInSeconds": c.max_record_age_s,
        "BisectBatchOnFunctionError": c.bisect,
        "MaximumRetryAttempts": c.max_retry_attempts,
        "FunctionResponseTypes": if c.report_batch_item_failures { json!(["ReportBatchItemFailures"]) } else { json!([]) },
        "FunctionBehavior": c.function.to_json(),
    });
    if let StartingPosition::AtTimestamp(ts) = c.starting_position {
        v["StartingPositionTimestamp"] = json!(ts);
    }
    let shards: Vec<Value> = m
        .shards
        .iter()
        .map(|(i, s)| {
            let retry = s
                .slots
                .iter()
                .flat_map(|l| l.pending.front().map(|b| b.attempts))
                .max();
            json!({
                "ShardId": shard_id(*i),
                "Checkpoint": s.checkpoint,
                "HeldRecords": s.held(),
                "InFlight": s.slots.iter().filter(|l| l.in_flight.is_some()).count(),
                "RetryAttempt": retry,
                "Finished": s.finished,
            })
        })
        .collect();
    v["Shards"] = json!(shards);
    let st = &m.stats;
    v["Stats"] = json!({
        "Invocations": st.invocations,
        "Succeeded": st.succeeded,
        "FunctionErrors": st.function_errors,
        "PartialFailures": st.partial_failures,
        "RecordsProcessed": st.records_processed,
        "BatchesDiscarded": st.batches_discarded,
        "RecordsDiscarded": st.records_discarded,
        "IteratorAgeMs": st.iterator_age_ms,
        "OnFailureRecords": m.on_failure.len(),
    });
    v
}

/// One entry of `ListInvocations`.
pub fn invocation_json(i: &Invocation) -> Value {
    json!({
        "InvocationId": i.id,
        "ShardId": shard_id(i.shard),
        "Lane": i.slot,
        "StartSequenceNumber": i.first_seq,
        "EndSequenceNumber": i.last_seq,
        "BatchSize": i.size,
        "UserRecords": i.user_records,
        "StartedAt": i.started,
        "FinishedAt": i.finished,
        "Outcome": i.outcome,
        "ErrorMessage": i.error,
        "RetryAttempt": i.retry_attempt,
        "BisectedBatch": i.bisected,
        "BatchItemFailures": i.failed_items.iter().map(|s| json!({ "itemIdentifier": s })).collect::<Vec<_>>(),
        "Action": i.action,
        "CheckpointAfter": i.checkpoint,
    })
}

/// An invocation record as the on-failure destination receives it (§3).
pub fn failure_json(f: &FailureRecord, m: &EventSourceMapping, epoch: Epoch) -> Value {
    let iso = |t| format_iso8601(epoch.to_unix_ms(t));
    json!({
        "requestContext": {
            "requestId": f.request_id,
            "functionArn": m.config.function_arn(),
            "condition": f.condition,
            "approximateInvokeCount": f.invoke_count,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": f.function_error,
        },
        "version": "1.0",
        "timestamp": iso(f.at),
        "KinesisBatchInfo": {
            "shardId": shard_id(f.shard),
            "startSequenceNumber": f.start_seq,
            "endSequenceNumber": f.end_seq,
            "approximateArrivalOfFirstRecord": iso(f.first_arrival),
            "approximateArrivalOfLastRecord": iso(f.last_arrival),
            "batchSize": f.batch_size,
            "streamArn": Kinesis::arn_for(&m.config.stream),
        },
    })
}
