//! Helpers for the Firehose tests: buckets, delivery streams, objects read back through `s3`.
#![allow(dead_code)]

use base64::Engine as _;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::firehose::compression::{decompress, CompressionFormat};
use serde_json::{json, Value};

use super::{advance_by, b64, ok};

/// Role ARN used everywhere.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";

/// Creates bucket `name`.
pub fn bucket(s: &mut Session, name: &str) {
    ok(s, "s3", "CreateBucket", json!({ "Bucket": name }));
}

/// Creates an extended-S3 delivery stream from `config` (merged over role + bucket) and waits
/// until it is ACTIVE.
pub fn create_s3_stream(s: &mut Session, name: &str, bucket_name: &str, extra: Value) -> Value {
    if !ok(s, "s3", "ListBuckets", json!({}))["Buckets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["Name"] == bucket_name)
    {
        bucket(s, bucket_name);
    }
    let mut cfg = json!({ "RoleARN": ROLE, "BucketARN": format!("arn:aws:s3:::{bucket_name}") });
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    let out = ok(
        s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": name, "ExtendedS3DestinationConfiguration": cfg }),
    );
    wait_active(s, name);
    out
}

/// Advances until `name` is ACTIVE.
pub fn wait_active(s: &mut Session, name: &str) {
    for _ in 0..20 {
        let d = ok(
            s,
            "firehose",
            "DescribeDeliveryStream",
            json!({ "DeliveryStreamName": name }),
        );
        if d["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE" {
            return;
        }
        advance_by(s, 1000);
    }
    panic!("{name} never became ACTIVE");
}

/// PutRecord of `data`.
pub fn fh_put(s: &mut Session, name: &str, data: &[u8]) -> Value {
    ok(
        s,
        "firehose",
        "PutRecord",
        json!({ "DeliveryStreamName": name, "Record": { "Data": b64(data) } }),
    )
}

/// PutRecordBatch of `records`.
pub fn fh_put_batch(s: &mut Session, name: &str, records: &[Vec<u8>]) -> Value {
    let recs: Vec<Value> = records.iter().map(|r| json!({ "Data": b64(r) })).collect();
    ok(
        s,
        "firehose",
        "PutRecordBatch",
        json!({ "DeliveryStreamName": name, "Records": recs }),
    )
}

/// Every key of `bucket` under `prefix`, following continuation tokens.
pub fn keys(s: &mut Session, bucket_name: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({ "Bucket": bucket_name, "Prefix": prefix, "MaxKeys": 1000 });
        if let Some(t) = &token {
            req["ContinuationToken"] = json!(t);
        }
        let page = ok(s, "s3", "ListObjectsV2", req);
        for c in page["Contents"].as_array().unwrap() {
            out.push(c["Key"].as_str().unwrap().to_string());
        }
        match page["NextContinuationToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => return out,
        }
    }
}

/// The stored bytes of an object.
pub fn object(s: &mut Session, bucket_name: &str, key: &str) -> Vec<u8> {
    let o = ok(
        s,
        "s3",
        "GetObject",
        json!({ "Bucket": bucket_name, "Key": key }),
    );
    base64::engine::general_purpose::STANDARD
        .decode(o["Body"].as_str().unwrap())
        .unwrap()
}

/// The decompressed bytes of an object.
pub fn object_text(
    s: &mut Session,
    bucket_name: &str,
    key: &str,
    format: CompressionFormat,
) -> Vec<u8> {
    decompress(format, &object(s, bucket_name, key)).unwrap()
}

/// The pipeline state.
pub fn pipeline(s: &mut Session, name: &str) -> Value {
    ok(
        s,
        "playground",
        "DescribeDeliveryPipeline",
        json!({ "DeliveryStreamName": name }),
    )
}
