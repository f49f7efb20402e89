//! The chaos pipeline (producers, stream, KCL, Firehose, Flink, CloudWatch Logs) and the faults
//! injected into it; every step is a dispatcher call.

use serde_json::{json, Value};

use crate::engine::action_log::Session;
use crate::engine::rng::WorldRng;

const ARN: &str = "arn:aws:iam::123456789012:role/chaos";

pub(super) fn call(
    s: &mut Session,
    service: &str,
    action: &str,
    req: Value,
) -> Result<Value, String> {
    s.call(service, action, req)
        .map_err(|e| format!("{service}.{action}: {}: {}", e.kind.as_str(), e.message))
}

pub(super) fn setup(s: &mut Session) -> Result<(), String> {
    call(
        s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 4}),
    )?;
    call(s, "s3", "CreateBucket", json!({"Bucket": "lake"}))?;
    s.advance_to(2_000);
    call(
        s,
        "kinesis",
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "orders", "RetentionPeriodHours": 168}),
    )?;
    let s3 = |prefix: &str| {
        json!({"RoleARN": ARN, "BucketARN": "arn:aws:s3:::lake", "Prefix": prefix,
        "ErrorOutputPrefix": format!("err-{prefix}"), "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}})
    };
    call(
        s,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "archive", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "RoleARN": ARN},
        "ExtendedS3DestinationConfiguration": s3("archive/")}),
    )?;
    call(
        s,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "logs", "ExtendedS3DestinationConfiguration": s3("logs/")}),
    )?;
    s.advance_to(8_000);
    call(
        s,
        "playground",
        "StartKclApplication",
        json!({"ApplicationName": "billing", "StreamName": "orders", "Workers": 3, "IdempotentSink": true}),
    )?;
    let sql = "CREATE TABLE logs (host STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) \
               WITH ('connector' = 'kinesis', 'stream' = 'orders', 'scan.stream.initpos' = 'TRIM_HORIZON');\n\
               SELECT window_start, window_end, host, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE logs, DESCRIPTOR(ts), INTERVAL '10' SECOND)) \
               GROUP BY window_start, window_end, host;";
    call(
        s,
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({"ApplicationName": "counts", "RuntimeEnvironment": "FLINK-1_20",
        "ServiceExecutionRole": ARN, "ApplicationConfiguration": {
            "ApplicationCodeConfiguration": {"CodeContentType": "PLAINTEXT", "CodeContent": {"TextContent": sql}},
            "FlinkApplicationConfiguration": {"CheckpointConfiguration": {"ConfigurationType": "CUSTOM", "CheckpointingEnabled": true, "CheckpointInterval": 20_000, "MinPauseBetweenCheckpoints": 0}},
            // Records retried after throttling arrive late; panes are updated for 10 minutes, so
            // the final table is comparable with the batch run over the same records.
            "EnvironmentProperties": {"PropertyGroups": [{"PropertyGroupId": "FlinkApplicationProperties", "PropertyMap": {"table.exec.emit.allow-lateness": "600s"}}]}}}),
    )?;
    call(
        s,
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "counts"}),
    )?;
    call(
        s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "web", "StreamName": "orders", "RecordsPerSecond": 40, "Workload": "APPLICATION_LOGS", "Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 20}}),
    )?;
    call(
        s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "direct", "StreamName": "orders", "RecordsPerSecond": 10, "Workload": "APPLICATION_LOGS"}),
    )?;
    call(
        s,
        "playground",
        "StartLogApplication",
        json!({"Name": "app", "LogGroupName": "/app", "RatePerSecond": 10}),
    )?;
    call(
        s,
        "logs",
        "PutSubscriptionFilter",
        json!({"logGroupName": "/app", "filterName": "all", "filterPattern": "",
        "destinationArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs"}),
    )?;
    Ok(())
}

pub(super) const FAULTS: [&str; 6] = [
    "kcl-kill",
    "kcl-pause",
    "firehose-outage",
    "az-outage",
    "task-manager",
    "throttle-storm",
];

pub(super) fn inject(s: &mut Session, kind: &str, rng: &mut WorldRng) -> Result<(), String> {
    match kind {
        "kcl-kill" | "kcl-pause" => {
            let apps = call(s, "playground", "ListKclApplications", json!({}))?;
            let live: Vec<String> = apps["Applications"][0]["Workers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|w| w["State"] != "DEAD")
                .filter_map(|w| w["WorkerId"].as_str().map(str::to_string))
                .collect();
            if let Some(w) = live.get(rng.below(live.len().max(1) as u64) as usize) {
                if kind == "kcl-kill" {
                    call(s, "playground", "KillKclWorker", json!({"WorkerId": w}))?;
                    call(s, "playground", "AddKclWorker", json!({}))?;
                } else {
                    call(
                        s,
                        "playground",
                        "PauseKclWorker",
                        json!({"WorkerId": w, "Milliseconds": 15_000 + rng.below(20_000)}),
                    )?;
                }
            }
        }
        "firehose-outage" => {
            let ds = if rng.chance(0.5) { "archive" } else { "logs" };
            call(
                s,
                "playground",
                "SetDestinationBehavior",
                json!({"DeliveryStreamName": ds, "OutageSeconds": 60 + rng.below(300)}),
            )?;
        }
        "az-outage" => {
            let az = ["us-east-1a", "us-east-1b", "us-east-1c"][rng.below(3) as usize];
            // Refused while another AZ is down (two at once would lose the quorum).
            let _ = s.call("playground", "InjectFault", json!({"Type": "AZ_OUTAGE", "AvailabilityZone": az, "DurationMs": 30_000 + rng.below(60_000)}));
        }
        "task-manager" => {
            let _ = s.call(
                "playground",
                "KillTaskManager",
                json!({"ApplicationName": "counts"}),
            );
        }
        _ => {
            call(
                s,
                "playground",
                "StartProducer",
                json!({"ProducerName": "storm", "StreamName": "orders", "RecordsPerSecond": 4_000, "Workload": "APPLICATION_LOGS", "Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 500}}),
            )?;
            let t = s.world().now() + 20_000;
            s.advance_to(t);
            call(
                s,
                "playground",
                "StopProducer",
                json!({"ProducerName": "storm"}),
            )?;
        }
    }
    Ok(())
}
