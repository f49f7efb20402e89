//! Windowed-aggregation throughput (semantics.md §5): the window operator alone (tumbling 10 s
//! COUNT + SUM per key over 1,000 keys, watermark every 1,000 records), and a whole job catching
//! up on a 16-shard stream through the real GetRecords path (splits, watermarks, key groups,
//! checkpoints every 10 s, sinks), in records per wall-clock second.

use std::time::Instant;

use base64::Engine as _;
use kinesis_playground::engine::analytics::spec::{
    AggregateKind, AggregateSpec, TimeCharacteristic, WindowSpec,
};
use kinesis_playground::engine::analytics::window::WindowOperator;
use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::{json, Value};

fn call(w: &mut World, service: &str, action: &str, req: Value) -> Result<Value, String> {
    dispatch(w, service, action, &req).map_err(|e| e.to_string())
}

/// The operator alone over `n` records; returns (wall seconds, panes fired, peak panes).
pub fn operator(n: usize) -> (f64, u64, usize) {
    let aggs = vec![
        AggregateSpec {
            kind: AggregateKind::Count,
            field: None,
            alias: "n".into(),
        },
        AggregateSpec {
            kind: AggregateKind::Sum,
            field: Some("amount".into()),
            alias: "total".into(),
        },
    ];
    let mut op = WindowOperator::new(
        WindowSpec::Tumbling {
            size_ms: 10_000,
            offset_ms: 0,
        },
        TimeCharacteristic::EventTime,
        0,
        aggs,
    );
    let keys: Vec<String> = (0..1_000).map(|k| format!("[\"user-{k:04}\"]")).collect();
    let rows: Vec<Value> = (0..100).map(|i| json!({"amount": i})).collect();
    let (mut fired, mut peak) = (0u64, 0usize);
    let start = Instant::now();
    let mut wm = i64::MIN;
    for i in 0..n {
        // 10,000 records per event-time second, slightly out of order.
        let ts = (i as i64) / 10 - ((i as i64 * 7919) % 500);
        fired += op
            .process(&keys[i % keys.len()], ts, &rows[i % rows.len()], wm)
            .len() as u64;
        if i % 1_000 == 999 {
            wm = (i as i64) / 10 - 1_000;
            fired += op.on_watermark(wm).len() as u64;
            peak = peak.max(op.pane_count());
        }
    }
    fired += op.on_watermark(i64::MAX).len() as u64;
    (start.elapsed().as_secs_f64(), fired, peak)
}

/// A job catching up on `seconds` × 8,000 records in a 16-shard stream; returns (wall seconds,
/// records processed, panes published, checkpoints completed).
pub fn job(seconds: u64) -> Result<(f64, u64, u64, u64), String> {
    let mut w = World::new(WorldConfig::seeded(1));
    call(
        &mut w,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 16}),
    )?;
    w.advance_to(3_000);
    let b64 = base64::engine::general_purpose::STANDARD;
    let epoch = w.epoch().unix_ms() as i64;
    let mut seq = 0u64;
    for s in 0..seconds {
        for b in 0..16 {
            let recs: Vec<Value> = (0..500)
                .map(|i| {
                    seq += 1;
                    let t = epoch + (s * 1_000 + (b * 500 + i) / 8) as i64;
                    let data = format!(
                        "{{\"customer\":\"c{:03}\",\"amount\":{},\"ts\":{t}}}",
                        seq % 500,
                        seq % 100
                    );
                    json!({"PartitionKey": format!("p{}", seq % 4_096), "Data": b64.encode(data)})
                })
                .collect();
            call(
                &mut w,
                "kinesis",
                "PutRecords",
                json!({"StreamName": "orders", "Records": recs}),
            )?;
            w.advance_by(62);
        }
    }
    let sql = "CREATE TABLE orders (customer STRING, amount DOUBLE, ts TIMESTAMP(3), \
               WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'kinesis', \
               'stream' = 'orders', 'scan.stream.initpos' = 'TRIM_HORIZON');\n\
               SELECT window_start, window_end, customer, COUNT(*) AS n, SUM(amount) AS total \
               FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) \
               GROUP BY window_start, window_end, customer;";
    call(
        &mut w,
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({
            "ApplicationName": "bench", "RuntimeEnvironment": "FLINK-1_20",
            "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
            "ApplicationConfiguration": {
                "ApplicationCodeConfiguration": {"CodeContent": {"TextContent": sql}, "CodeContentType": "PLAINTEXT"},
                "FlinkApplicationConfiguration": {"CheckpointConfiguration": {"ConfigurationType": "CUSTOM", "CheckpointingEnabled": true, "CheckpointInterval": 10_000, "MinPauseBetweenCheckpoints": 0},
                  "ParallelismConfiguration": {"ConfigurationType": "CUSTOM", "Parallelism": 4}},
            }
        }),
    )?;
    call(
        &mut w,
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "bench"}),
    )?;
    // The job starts (and first polls) at +5 s: stop just before it, then time everything.
    let t0 = w.now() + 4_999;
    w.advance_to(t0);
    let start = Instant::now();
    let target = seq;
    let mut processed = 0;
    for _ in 0..(seconds * 20 + 600) {
        w.advance_by(1_000);
        processed = w
            .analytics
            .applications
            .get("bench")
            .and_then(|a| a.job.as_ref())
            .map_or(0, |j| j.counters.records_in);
        if processed >= target {
            break;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let j = call(
        &mut w,
        "playground",
        "DescribeJob",
        json!({"ApplicationName": "bench"}),
    )?;
    let ckpts = j["Checkpoints"].as_array().map_or(0, |c| {
        c.iter().filter(|x| x["Status"] == "COMPLETED").count()
    }) as u64;
    let panes = j["Sinks"]["AtLeastOnceRows"].as_u64().unwrap_or(0);
    Ok((wall, processed, panes, ckpts))
}
