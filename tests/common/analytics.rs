//! Helpers for streaming-application tests: SQL, applications, records with event times.

use serde_json::{json, Value};

use super::{b64, ok, Session};

/// Unix ms of the world's default epoch (2026-01-01T00:00:00Z).
pub const EPOCH_UNIX_MS: i64 = 1_767_225_600_000;

/// A tumbling-window count/sum per customer over stream `stream`.
pub fn tumbling_sql(stream: &str, size_s: u32, delay_s: u32) -> String {
    format!(
        "CREATE TABLE orders (\n  customer STRING,\n  amount DOUBLE,\n  ts TIMESTAMP(3),\n  \
         WATERMARK FOR ts AS ts - INTERVAL '{delay_s}' SECOND\n) WITH ('connector' = 'kinesis', \
         'stream' = '{stream}', 'scan.stream.initpos' = 'TRIM_HORIZON');\n\
         SELECT window_start, window_end, customer, COUNT(*) AS orders, SUM(amount) AS total\n\
         FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '{size_s}' SECOND))\n\
         GROUP BY window_start, window_end, customer;"
    )
}

/// CreateApplication with `sql`, checkpoints every `checkpoint_ms`, and Flink options.
pub fn create_app(
    s: &mut Session,
    name: &str,
    sql: &str,
    checkpoint_ms: u64,
    props: Value,
) -> Value {
    let mut config = json!({
        "ApplicationCodeConfiguration": {
            "CodeContent": { "TextContent": sql },
            "CodeContentType": "PLAINTEXT",
        },
        "FlinkApplicationConfiguration": {
            "CheckpointConfiguration": {
                "ConfigurationType": "CUSTOM",
                "CheckpointingEnabled": true,
                "CheckpointInterval": checkpoint_ms,
                "MinPauseBetweenCheckpoints": 0,
            },
        },
    });
    if props.as_object().is_some_and(|m| !m.is_empty()) {
        config["EnvironmentProperties"] = json!({
            "PropertyGroups": [{ "PropertyGroupId": "FlinkApplicationProperties", "PropertyMap": props }]
        });
    }
    ok(
        s,
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({
            "ApplicationName": name,
            "RuntimeEnvironment": "FLINK-1_20",
            "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
            "ApplicationConfiguration": config,
        }),
    )
}

/// StartApplication and advance until RUNNING.
pub fn start_running(s: &mut Session, name: &str, run: Value) {
    let mut req = json!({ "ApplicationName": name });
    if !run.is_null() {
        req["RunConfiguration"] = run;
    }
    ok(s, "kinesisanalyticsv2", "StartApplication", req);
    super::advance_by(s, 5_000);
    assert_eq!(status(s, name), "RUNNING");
}

/// The application's status.
pub fn status(s: &mut Session, name: &str) -> String {
    let d = ok(
        s,
        "kinesisanalyticsv2",
        "DescribeApplication",
        json!({ "ApplicationName": name }),
    );
    d["ApplicationDetail"]["ApplicationStatus"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Puts an order with event time `epoch + t_ms`.
pub fn put_order(s: &mut Session, stream: &str, customer: &str, amount: f64, t_ms: i64) -> Value {
    let data =
        json!({ "customer": customer, "amount": amount, "ts": EPOCH_UNIX_MS + t_ms }).to_string();
    ok(
        s,
        "kinesis",
        "PutRecord",
        json!({ "StreamName": stream, "PartitionKey": customer, "Data": b64(data.as_bytes()) }),
    )
}

/// GetJobResults rows of `sink`.
pub fn results(s: &mut Session, app: &str, sink: &str) -> Value {
    ok(
        s,
        "playground",
        "GetJobResults",
        json!({ "ApplicationName": app, "Sink": sink, "Limit": 10_000 }),
    )
}

/// DescribeJob.
pub fn job(s: &mut Session, app: &str) -> Value {
    ok(
        s,
        "playground",
        "DescribeJob",
        json!({ "ApplicationName": app }),
    )
}
