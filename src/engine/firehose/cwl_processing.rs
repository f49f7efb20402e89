//! The two processors for CloudWatch Logs sources: `Decompression` (GZIP) gunzips each incoming
//! record, and `CloudWatchLogProcessing` with `DataMessageExtraction` keeps only the messages —
//! control messages are dropped and each log event of a `DATA_MESSAGE` becomes one record holding
//! its `message`. Both run before every other processor. A record that does not gunzip goes as
//! is to the error output under `decompression-failed` (Firehose's documented behaviour); one
//! that is not a CloudWatch Logs envelope goes to `processing-failed`.

use serde_json::Value;

use crate::engine::firehose::config::{ProcessingConfig, Processor};

/// Largest decompressed record accepted: 64 MiB (a bound against gzip bombs).
pub const MAX_DECOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;

/// What unpacking one incoming record gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Unpacked {
    /// The records to continue with (the record itself when no processor applies).
    Records(Vec<Vec<u8>>),
    /// A `CONTROL_MESSAGE`, dropped by message extraction.
    Control,
    /// It failed: error output prefix, error code, message.
    Failed(&'static str, &'static str, String),
}

fn has(p: &ProcessingConfig, f: impl Fn(&Processor) -> bool) -> bool {
    p.enabled && p.processors.iter().any(f)
}

/// Applies `Decompression` and `CloudWatchLogProcessing` to one record.
pub fn unpack(p: &ProcessingConfig, data: Vec<u8>) -> Unpacked {
    if !has(p, |x| matches!(x, Processor::Decompression)) {
        return Unpacked::Records(vec![data]);
    }
    let mut out = Vec::new();
    let read = std::io::Read::read_to_end(
        &mut std::io::Read::take(
            flate2::read::MultiGzDecoder::new(&data[..]),
            MAX_DECOMPRESSED_BYTES + 1,
        ),
        &mut out,
    );
    if let Err(e) = read {
        return Unpacked::Failed(
            "decompression-failed",
            "Decompression.Failed",
            format!("the record is not GZIP: {e}"),
        );
    }
    if out.len() as u64 > MAX_DECOMPRESSED_BYTES {
        return Unpacked::Failed(
            "decompression-failed",
            "Decompression.Failed",
            format!("the record decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes"),
        );
    }
    if !has(p, |x| matches!(x, Processor::CloudWatchLogProcessing)) {
        return Unpacked::Records(vec![out]);
    }
    let v: Value = match serde_json::from_slice(&out) {
        Ok(v) => v,
        Err(e) => {
            return Unpacked::Failed(
                "processing-failed",
                "CloudWatchLogProcessing.Failed",
                format!("not a CloudWatch Logs record: {e}"),
            )
        }
    };
    match v["messageType"].as_str() {
        Some("CONTROL_MESSAGE") => Unpacked::Control,
        Some("DATA_MESSAGE") => match v["logEvents"].as_array() {
            Some(events) => Unpacked::Records(
                events
                    .iter()
                    .map(|e| {
                        e["message"]
                            .as_str()
                            .unwrap_or_default()
                            .as_bytes()
                            .to_vec()
                    })
                    .collect(),
            ),
            None => Unpacked::Failed(
                "processing-failed",
                "CloudWatchLogProcessing.Failed",
                "DATA_MESSAGE without logEvents".into(),
            ),
        },
        _ => Unpacked::Failed(
            "processing-failed",
            "CloudWatchLogProcessing.Failed",
            "the record has no messageType CONTROL_MESSAGE or DATA_MESSAGE".into(),
        ),
    }
}
