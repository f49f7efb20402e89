//! Firehose delivery throughput: Direct PUT (PutRecordBatch of 500 JSON lines of ~100 bytes, at
//! 40,000 records per virtual second, inside the 5 MiB/s quota) → buffers (5 MiB / 60 s) → GZIP →
//! S3 objects, in delivered records per wall-clock second. Optionally through a transform
//! function (a built-in and a script step) first.

use std::time::Instant;

use base64::Engine as _;
use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::{json, Value};

fn call(w: &mut World, service: &str, action: &str, req: Value) -> Result<Value, String> {
    dispatch(w, service, action, &req).map_err(|e| e.to_string())
}

/// Delivers `n` records; returns (wall seconds, records delivered, objects written, bytes stored).
pub fn firehose(n: usize, transform: bool) -> Result<(f64, u64, u64, u64), String> {
    let mut w = World::new(WorldConfig::seeded(1));
    call(&mut w, "s3", "CreateBucket", json!({"Bucket": "bench"}))?;
    let mut cfg = json!({
        "RoleARN": "arn:aws:iam::123456789012:role/firehose",
        "BucketARN": "arn:aws:s3:::bench",
        "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60},
        "CompressionFormat": "GZIP",
    });
    if transform {
        call(
            &mut w,
            "playground",
            "CreateTransformFunction",
            json!({
                "FunctionName": "bench",
                "Steps": [
                    {"Type": "RenameField", "From": "user", "To": "customer"},
                    {"Type": "Script", "Source": "record.amount = record.amount * 2;\nreturn to_json(record) + \"\\n\";"},
                ],
            }),
        )?;
        cfg["ProcessingConfiguration"] = json!({"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:bench"},
            {"ParameterName": "BufferSizeInMBs", "ParameterValue": "3"},
            {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"}]}]});
    }
    call(
        &mut w,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "bench", "ExtendedS3DestinationConfiguration": cfg}),
    )?;
    w.advance_to(10_000);
    let b64 = base64::engine::general_purpose::STANDARD;
    let batches: Vec<Value> = (0..20)
        .map(|b| {
            let recs: Vec<Value> = (0..500)
                .map(|i| {
                    let line = format!(
                        "{{\"user\":\"user-{:05}\",\"amount\":{},\"pad\":\"{}\"}}\n",
                        (b * 500 + i) % 10_000,
                        i,
                        "x".repeat(40)
                    );
                    json!({"Data": b64.encode(line)})
                })
                .collect();
            json!({"DeliveryStreamName": "bench", "Records": recs})
        })
        .collect();
    let t0 = Instant::now();
    let mut t = 10_000;
    for i in 0..n.div_ceil(500) {
        // 500 records every 12.5 ms = 40,000 records/s.
        t = 10_000 + (i as u64 * 25) / 2;
        w.advance_to(t);
        dispatch(
            &mut w,
            "firehose",
            "PutRecordBatch",
            &batches[i % batches.len()],
        )
        .map_err(|e| e.to_string())?;
    }
    w.advance_to(t + 200_000);
    let wall = t0.elapsed().as_secs_f64();
    let ds = w.firehose.streams.get("bench").ok_or("stream gone")?;
    let stored: u64 =
        w.s3.bucket("bench")
            .map_or(0, |b| b.objects.values().map(|o| o.body.len() as u64).sum());
    Ok((wall, ds.ledger.delivered, ds.ledger.objects, stored))
}
