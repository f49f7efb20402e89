//! Writing to S3: delivered objects, error output (`processing-failed/`, `format-conversion-failed/`,
//! `http-endpoint-failed/`, …) and backups (semantics.md §4.3–§4.6).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::json;

use crate::engine::firehose::compression::{compress, CompressionFormat};
use crate::engine::firehose::config::S3Target;
use crate::engine::firehose::delivery_stream::DeliveryStream;
use crate::engine::firehose::prefix::{
    evaluate, format_timestamp, literal_head, object_name, uuid, PrefixContext, DEFAULT_TIME_FORMAT,
};
use crate::engine::firehose::record::FhRecord;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// One record bound for the error output.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The record (its current payload is written as `rawData`).
    pub record: FhRecord,
    /// `errorCode`.
    pub code: String,
    /// `errorMessage`.
    pub message: String,
    /// `attemptsMade`.
    pub attempts: u32,
}

/// Failures collected during one pump, written as one JSON-lines object per error type.
#[derive(Clone, Debug, Default)]
pub struct ErrorSink {
    by_type: BTreeMap<&'static str, Vec<Failure>>,
}

impl ErrorSink {
    /// Adds a failure of `error_type` (`processing-failed`, …).
    pub fn add(&mut self, error_type: &'static str, f: Failure) {
        self.by_type.entry(error_type).or_default().push(f);
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }

    /// Writes every collected failure to the stream's S3 location (destination bucket for S3
    /// destinations, the S3 backup bucket otherwise) and counts them in the ledger.
    pub fn write(self, world: &mut World, ds: &mut DeliveryStream) {
        let now = world.now();
        let epoch = world.epoch();
        let lambda_arn = ds.destination.processing.lambda().and_then(|p| match p {
            crate::engine::firehose::config::Processor::Lambda { function_arn, .. } => {
                Some(function_arn.clone())
            }
            _ => None,
        });
        for (error_type, failures) in self.by_type {
            let mut body = Vec::new();
            let oldest = failures
                .iter()
                .map(|f| f.record.arrival_ms)
                .min()
                .unwrap_or(now);
            for f in &failures {
                let mut line = json!({
                    "attemptsMade": f.attempts,
                    "arrivalTimestamp": epoch.to_unix_ms(f.record.arrival_ms),
                    "errorCode": f.code,
                    "errorMessage": f.message,
                    "attemptEndingTimestamp": epoch.to_unix_ms(now),
                    "rawData": base64::engine::general_purpose::STANDARD.encode(&f.record.data),
                });
                if error_type == "processing-failed" {
                    if let Some(arn) = &lambda_arn {
                        line["lambdaArn"] = json!(arn);
                    }
                }
                if error_type == "AmazonOpenSearchService-failed" {
                    line["esDocumentId"] = json!(f.record.record_id);
                }
                body.extend_from_slice(line.to_string().as_bytes());
                body.push(b'\n');
            }
            let target = ds.destination.s3.clone();
            let prefix = error_prefix(world, ds, &target, error_type, oldest);
            let n = failures.len() as u64;
            write_object(
                world,
                ds,
                &target,
                &prefix,
                body,
                n,
                oldest,
                CompressionFormat::Uncompressed,
            );
            ds.ledger.failed += n;
        }
    }
}

/// The evaluated error prefix for `error_type` (§4.4): `ErrorOutputPrefix` if set, else
/// `<literal prefix head><error-output-type>/yyyy/MM/dd/HH/`.
pub fn error_prefix(
    world: &mut World,
    ds: &DeliveryStream,
    target: &S3Target,
    error_type: &str,
    oldest_ms: VirtualMs,
) -> String {
    let unix_ms = world.epoch().to_unix_ms(oldest_ms);
    match &target.error_output_prefix {
        Some(t) => {
            let ctx = PrefixContext {
                unix_ms,
                error_output_type: Some(error_type),
                ..Default::default()
            };
            evaluate(t, &ctx, world.rng()).unwrap_or_else(|_| format!("{error_type}/"))
        }
        None => {
            let _ = ds;
            format!(
                "{}{error_type}/{}",
                literal_head(target.prefix.as_deref()),
                format_timestamp(DEFAULT_TIME_FORMAT, unix_ms).unwrap_or_default()
            )
        }
    }
}

/// Writes one object under `prefix` with Firehose's object name (§4.4), compressed with
/// `compression`, and returns its key. The extension is the target's `FileExtension` for
/// delivered objects, else the compression's.
#[allow(clippy::too_many_arguments)]
pub fn write_object(
    world: &mut World,
    ds: &mut DeliveryStream,
    target: &S3Target,
    prefix: &str,
    body: Vec<u8>,
    records: u64,
    oldest_ms: VirtualMs,
    compression: CompressionFormat,
) -> String {
    let unix_ms = world.epoch().to_unix_ms(oldest_ms);
    let id = uuid(world.rng());
    let ext = target
        .file_extension
        .clone()
        .unwrap_or_else(|| compression.extension().to_string());
    let name = object_name(&ds.name, ds.version, unix_ms, &id, &ext);
    let key = format!("{prefix}{name}");
    let raw_len = body.len() as u64;
    let bytes = compress(compression, &body, &name, unix_ms / 1000);
    let now = world.now();
    world.s3.put_object(
        &target.bucket,
        &key,
        bytes,
        now,
        Some(raw_len),
        Some(records),
    );
    key
}

/// Writes `records` as one backup object to `target` (AllData / source-record backup), with
/// the target's prefix and compression.
pub fn write_backup(
    world: &mut World,
    ds: &mut DeliveryStream,
    target: &S3Target,
    records: &[FhRecord],
    raw: bool,
) {
    if records.is_empty() {
        return;
    }
    let oldest = records.iter().map(|r| r.arrival_ms).min().unwrap_or(0);
    let unix_ms = world.epoch().to_unix_ms(oldest);
    let ctx = PrefixContext {
        unix_ms,
        ..Default::default()
    };
    let template = target.prefix.clone().unwrap_or_default();
    let prefix = evaluate(&template, &ctx, world.rng()).unwrap_or_default();
    let mut body = Vec::new();
    for r in records {
        body.extend_from_slice(&r.data);
    }
    let _ = raw;
    let n = records.len() as u64;
    let target = S3Target {
        file_extension: None,
        ..target.clone()
    };
    write_object(
        world,
        ds,
        &target,
        &prefix,
        body.clone(),
        n,
        oldest,
        target.compression,
    );
    ds.ledger.backed_up += n;
    let m = ds.metrics.at(world.now());
    m.backup_records += n;
    m.backup_bytes += body.len() as u64;
}
