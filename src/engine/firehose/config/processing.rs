//! `ProcessingConfiguration` (semantics.md §4.3, §4.5): the processors a delivery stream runs on
//! each record before buffering for the destination, in AWS's order — de-aggregation → Lambda
//! transform → partition-key extraction → delimiter.

use serde_json::Value;

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::firehose::config::MIB;

/// Lambda transform buffer size default, bytes (`BufferSizeInMBs` 1; §4.2 last bullet).
pub const LAMBDA_BUFFER_DEFAULT_BYTES: u64 = MIB;
/// Lambda transform buffer interval default, ms (`BufferIntervalInSeconds` 60).
pub const LAMBDA_INTERVAL_DEFAULT_MS: u64 = 60_000;
/// `NumberOfRetries` default (§4.3).
pub const LAMBDA_RETRIES_DEFAULT: u32 = 3;

/// One processor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Processor {
    /// `Decompression` (`CompressionFormat` GZIP): gunzip CloudWatch Logs records first.
    Decompression,
    /// `CloudWatchLogProcessing` (`DataMessageExtraction` true): keep only log messages.
    CloudWatchLogProcessing,
    /// `RecordDeAggregation`: split a record holding several JSON objects (or delimited
    /// sub-records) into records (§4.5; ≤ 500 sub-records each).
    RecordDeAggregation {
        /// Sub-record delimiter; `None` = `SubRecordType` JSON.
        delimiter: Option<Vec<u8>>,
    },
    /// `Lambda`: the transform function (§4.3).
    Lambda {
        /// `LambdaArn` as given.
        function_arn: String,
        /// The function's name (the last ARN part).
        function: String,
        /// `NumberOfRetries` (0–300, default 3).
        retries: u32,
        /// `BufferSizeInMBs` (0.2–3, default 1), bytes.
        buffer_bytes: u64,
        /// `BufferIntervalInSeconds` (60–900, default 60), ms.
        buffer_interval_ms: u64,
    },
    /// `MetadataExtraction`: jq partition keys (`{key: .path, …}`).
    MetadataExtraction {
        /// The query as given.
        query: String,
        /// Partition key name → JSON path (field names).
        keys: Vec<(String, Vec<String>)>,
    },
    /// `AppendDelimiterToRecord` (default delimiter `\n`).
    AppendDelimiterToRecord {
        /// The delimiter bytes.
        delimiter: Vec<u8>,
    },
}

/// The processors of a destination; empty when disabled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessingConfig {
    /// `Enabled`.
    pub enabled: bool,
    /// Processors in the order Firehose applies them.
    pub processors: Vec<Processor>,
}

impl ProcessingConfig {
    /// The Lambda processor, if enabled.
    pub fn lambda(&self) -> Option<&Processor> {
        self.processors
            .iter()
            .find(|p| self.enabled && matches!(p, Processor::Lambda { .. }))
    }

    /// The jq keys, if enabled.
    pub fn metadata_keys(&self) -> Option<&[(String, Vec<String>)]> {
        self.processors.iter().find_map(|p| match p {
            Processor::MetadataExtraction { keys, .. } if self.enabled => Some(keys.as_slice()),
            _ => None,
        })
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid_argument(message)
}

/// Reads `ProcessingConfiguration`.
pub fn parse_processing(req: Option<Request<'_>>) -> Result<ProcessingConfig, ApiError> {
    let Some(req) = req else {
        return Ok(ProcessingConfig::default());
    };
    req.deny_unknown(&["Enabled", "Processors"])?;
    let enabled = req.opt_bool("Enabled")?.unwrap_or(false);
    let mut processors = Vec::new();
    for p in req.opt_list("Processors")?.into_iter().flatten() {
        let p = Request::new(p)?;
        p.deny_unknown(&["Type", "Parameters"])?;
        let ty = p.str("Type")?;
        let mut params: Vec<(String, String)> = Vec::new();
        for item in p.opt_list("Parameters")?.into_iter().flatten() {
            let item = Request::new(item)?;
            item.deny_unknown(&["ParameterName", "ParameterValue"])?;
            params.push((
                item.str("ParameterName")?.to_string(),
                item.str("ParameterValue")?.to_string(),
            ));
        }
        processors.push(parse_processor(ty, &params)?);
    }
    let lambdas = processors
        .iter()
        .filter(|p| matches!(p, Processor::Lambda { .. }))
        .count();
    if lambdas > 1 {
        return Err(bad(
            "At most one Lambda processor is allowed per destination",
        ));
    }
    // AWS's order, whatever order the request listed them in.
    let has = |f: fn(&Processor) -> bool| processors.iter().any(f);
    if has(|p| matches!(p, Processor::CloudWatchLogProcessing))
        && !has(|p| matches!(p, Processor::Decompression))
    {
        return Err(bad("CloudWatchLogProcessing works on decompressed records: add a Decompression processor (CompressionFormat GZIP)"));
    }
    processors.sort_by_key(|p| match p {
        Processor::Decompression => -2,
        Processor::CloudWatchLogProcessing => -1,
        Processor::RecordDeAggregation { .. } => 0,
        Processor::Lambda { .. } => 1,
        Processor::MetadataExtraction { .. } => 2,
        Processor::AppendDelimiterToRecord { .. } => 3,
    });
    Ok(ProcessingConfig {
        enabled,
        processors,
    })
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn check_known(ty: &str, params: &[(String, String)], known: &[&str]) -> Result<(), ApiError> {
    for (k, _) in params {
        if !known.contains(&k.as_str()) {
            return Err(bad(format!(
                "Processor {ty} does not take parameter {k}; allowed: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

fn unescape_delimiter(s: &str) -> Vec<u8> {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
        .into_bytes()
}

fn parse_processor(ty: &str, params: &[(String, String)]) -> Result<Processor, ApiError> {
    match ty {
        "Lambda" => {
            check_known(
                ty,
                params,
                &[
                    "LambdaArn",
                    "NumberOfRetries",
                    "RoleArn",
                    "BufferSizeInMBs",
                    "BufferIntervalInSeconds",
                ],
            )?;
            let arn = param(params, "LambdaArn")
                .ok_or_else(|| bad("Lambda processor requires parameter LambdaArn"))?;
            let function = arn
                .strip_prefix("arn:aws:lambda:")
                .and_then(|rest| rest.split(":function:").nth(1))
                .map(|f| f.split(':').next().unwrap_or(f))
                .filter(|f| !f.is_empty())
                .unwrap_or(arn)
                .to_string();
            let retries = match param(params, "NumberOfRetries") {
                None => LAMBDA_RETRIES_DEFAULT,
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 300)
                    .ok_or_else(|| bad(format!("NumberOfRetries must be an integer 0–300, got {v}")))?,
            };
            let buffer_bytes = match param(params, "BufferSizeInMBs") {
                None => LAMBDA_BUFFER_DEFAULT_BYTES,
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| (0.2..=3.0).contains(x))
                    .map(|x| (x * MIB as f64) as u64)
                    .ok_or_else(|| bad(format!("BufferSizeInMBs of the Lambda processor must be between 0.2 and 3, got {v}")))?,
            };
            let buffer_interval_ms = match param(params, "BufferIntervalInSeconds") {
                None => LAMBDA_INTERVAL_DEFAULT_MS,
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|x| (60..=900).contains(x))
                    .map(|x| x * 1000)
                    .ok_or_else(|| bad(format!("BufferIntervalInSeconds of the Lambda processor must be between 60 and 900, got {v}")))?,
            };
            Ok(Processor::Lambda {
                function_arn: arn.to_string(),
                function,
                retries,
                buffer_bytes,
                buffer_interval_ms,
            })
        }
        "MetadataExtraction" => {
            check_known(ty, params, &["MetadataExtractionQuery", "JsonParsingEngine"])?;
            if let Some(engine) = param(params, "JsonParsingEngine") {
                if engine != "JQ-1.6" {
                    return Err(bad(format!("JsonParsingEngine must be JQ-1.6, got {engine}")));
                }
            }
            let query = param(params, "MetadataExtractionQuery")
                .ok_or_else(|| bad("MetadataExtraction requires MetadataExtractionQuery"))?;
            let keys = parse_jq_object(query).map_err(|m| {
                bad(format!("MetadataExtractionQuery {query:?} is not supported: {m}"))
            })?;
            Ok(Processor::MetadataExtraction {
                query: query.to_string(),
                keys,
            })
        }
        "AppendDelimiterToRecord" => {
            check_known(ty, params, &["Delimiter"])?;
            Ok(Processor::AppendDelimiterToRecord {
                delimiter: unescape_delimiter(param(params, "Delimiter").unwrap_or("\\n")),
            })
        }
        "RecordDeAggregation" => {
            check_known(ty, params, &["SubRecordType", "Delimiter"])?;
            match param(params, "SubRecordType").unwrap_or("JSON") {
                "JSON" => Ok(Processor::RecordDeAggregation { delimiter: None }),
                "DELIMITED" => {
                    let d = param(params, "Delimiter").ok_or_else(|| {
                        bad("SubRecordType DELIMITED requires a base64 Delimiter")
                    })?;
                    use base64::Engine as _;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(d)
                        .ok()
                        .filter(|b| !b.is_empty())
                        .ok_or_else(|| bad("Delimiter must be non-empty base64"))?;
                    Ok(Processor::RecordDeAggregation {
                        delimiter: Some(bytes),
                    })
                }
                other => Err(bad(format!("SubRecordType must be JSON or DELIMITED, got {other}"))),
            }
        }
        "Decompression" => {
            check_known(ty, params, &["CompressionFormat"])?;
            match param(params, "CompressionFormat").unwrap_or("GZIP") {
                "GZIP" => Ok(Processor::Decompression),
                other => Err(bad(format!("Decompression supports CompressionFormat GZIP, got {other}"))),
            }
        }
        "CloudWatchLogProcessing" => {
            check_known(ty, params, &["DataMessageExtraction"])?;
            match param(params, "DataMessageExtraction") {
                Some("true") => Ok(Processor::CloudWatchLogProcessing),
                other => Err(bad(format!("CloudWatchLogProcessing needs DataMessageExtraction true, got {}", other.unwrap_or("nothing")))),
            }
        }
        other => Err(bad(format!(
            "Unknown processor type {other}; one of Decompression, CloudWatchLogProcessing, RecordDeAggregation, Lambda, MetadataExtraction, AppendDelimiterToRecord"
        ))),
    }
}

/// Parses the jq object construction Firehose's inline parsing uses, `{k: .a.b, "k2": .c}`,
/// into key → field path. Only paths of field names are supported (jq's full language is not).
pub fn parse_jq_object(q: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let body = q
        .trim()
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or("it must be a jq object construction like {customer_id: .customer_id}")?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for part in body.split(',') {
        let (k, path) = part
            .split_once(':')
            .ok_or_else(|| format!("'{}' is not 'key: .path'", part.trim()))?;
        let key = k.trim().trim_matches('"').to_string();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "partition key name '{}' is not a plain name",
                k.trim()
            ));
        }
        let path = path.trim();
        let rest = path
            .strip_prefix('.')
            .ok_or_else(|| format!("'{path}' is not a path starting with '.'"))?;
        let fields: Vec<String> = rest
            .split('.')
            .map(|f| f.trim_matches('"').to_string())
            .collect();
        if fields.iter().any(|f| f.is_empty()) {
            return Err(format!("'{path}' has an empty field name"));
        }
        if out.iter().any(|(k2, _)| *k2 == key) {
            return Err(format!("partition key '{key}' appears twice"));
        }
        out.push((key, fields));
    }
    if out.is_empty() || out.len() > 50 {
        return Err("between 1 and 50 partition keys are needed".into());
    }
    Ok(out)
}

/// Evaluates the jq keys on one record: key → value as text, or why not.
pub fn extract_keys(
    keys: &[(String, Vec<String>)],
    data: &[u8],
) -> Result<Vec<(String, String)>, String> {
    let v: Value = serde_json::from_slice(data)
        .map_err(|e| format!("record is not valid JSON for the partitioning query: {e}"))?;
    let mut out = Vec::with_capacity(keys.len());
    for (k, path) in keys {
        let mut cur = &v;
        for f in path {
            cur = cur.get(f).unwrap_or(&Value::Null);
        }
        let text = match cur {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => {
                return Err(format!(
                    "partition key '{k}' (.{}) is missing or null",
                    path.join(".")
                ))
            }
            _ => {
                return Err(format!(
                    "partition key '{k}' (.{}) is not a scalar",
                    path.join(".")
                ))
            }
        };
        out.push((k.clone(), text));
    }
    Ok(out)
}
