//! The transform contract (semantics.md §4.3), carried out literally: Firehose builds the
//! invocation event JSON (`invocationId`, `deliveryStreamArn`, `records[{recordId,
//! approximateArrivalTimestamp, data (base64), kinesisRecordMetadata?}]`), the function answers
//! `{records:[{recordId, result, data, metadata?}]}`, and the answer is checked: every input id
//! echoed exactly once, `result ∈ {Ok, Dropped, ProcessingFailed}`, base64 `data` for `Ok`.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::engine::firehose::functions::{ResponseFault, TransformFunction};
use crate::engine::firehose::record::FhRecord;
use crate::engine::firehose::script::{apply_chain, Outcome};
use crate::engine::time::Epoch;

/// What the checked response says about one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordResult {
    /// `Ok` with the new payload and `metadata.partitionKeys`.
    Ok {
        /// Transformed payload.
        data: Vec<u8>,
        /// Partition keys from the function.
        keys: Vec<(String, String)>,
    },
    /// `Dropped`.
    Dropped,
    /// Failed, with the `errorCode` and `errorMessage` of the `processing-failed` output.
    Failed {
        /// `errorCode`.
        code: String,
        /// `errorMessage`.
        message: String,
    },
}

fn b64() -> &'static base64::engine::GeneralPurpose {
    &base64::engine::general_purpose::STANDARD
}

/// The invocation event for `records`.
pub fn invocation_event(
    invocation_id: &str,
    delivery_stream_arn: &str,
    source_arn: Option<&str>,
    records: &[FhRecord],
    epoch: Epoch,
) -> Value {
    let recs: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut v = json!({
                "recordId": r.record_id,
                "approximateArrivalTimestamp": epoch.to_unix_ms(r.arrival_ms),
                "data": b64().encode(&r.data),
            });
            if let Some(k) = &r.kinesis {
                v["kinesisRecordMetadata"] = json!({
                    "shardId": k.shard_id,
                    "partitionKey": k.partition_key,
                    "approximateArrivalTimestamp": epoch.to_unix_ms(k.arrival_ms),
                    "sequenceNumber": k.sequence_number,
                    "subsequenceNumber": k.subsequence_number,
                });
            }
            v
        })
        .collect();
    let mut event = json!({
        "invocationId": invocation_id,
        "deliveryStreamArn": delivery_stream_arn,
        "region": "us-east-1",
        "records": recs,
    });
    if let Some(s) = source_arn {
        event["sourceKinesisStreamArn"] = json!(s);
    }
    event
}

/// Runs `f` on an invocation event and returns its response, as the function would: each record
/// decoded, passed through the steps, encoded again; then the configured response fault applied.
pub fn run_function(f: &TransformFunction, event: &Value) -> Value {
    let mut out = Vec::new();
    for r in event["records"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let id = r["recordId"].as_str().unwrap_or_default();
        let data = b64()
            .decode(r["data"].as_str().unwrap_or_default())
            .unwrap_or_default();
        let (outcome, _ops) = apply_chain(&f.steps, &data, f.budget);
        out.push(match outcome {
            Outcome::Ok {
                data,
                partition_keys,
            } => {
                let mut v = json!({ "recordId": id, "result": "Ok", "data": b64().encode(&data) });
                if !partition_keys.is_empty() {
                    let keys: Map<String, Value> = partition_keys
                        .into_iter()
                        .map(|(k, v)| (k, json!(v)))
                        .collect();
                    v["metadata"] = json!({ "partitionKeys": keys });
                }
                v
            }
            Outcome::Dropped => json!({ "recordId": id, "result": "Dropped" }),
            Outcome::ProcessingFailed(reason) => json!({
                "recordId": id, "result": "ProcessingFailed",
                "data": r["data"], "errorMessage": reason,
            }),
        });
    }
    match f.fault {
        ResponseFault::None => {}
        ResponseFault::MismatchedRecordId => {
            if let Some(first) = out.first_mut() {
                first["recordId"] = json!("not-an-input-record-id");
            }
        }
        ResponseFault::BadResult => {
            if let Some(first) = out.first_mut() {
                first["result"] = json!("Okay");
            }
        }
        ResponseFault::MissingData | ResponseFault::BadBase64 => {
            if let Some(first) = out.iter_mut().find(|v| v["result"] == "Ok") {
                if f.fault == ResponseFault::MissingData {
                    if let Some(m) = first.as_object_mut() {
                        m.remove("data");
                    }
                } else {
                    first["data"] = json!("%%% not base64 %%%");
                }
            }
        }
    }
    json!({ "records": out })
}

/// Checks a response against the records sent. A response that does not answer every record
/// exactly once fails the whole invocation (`Err(code, message)`, retried as an invocation
/// failure); per-record problems fail only that record.
pub fn check_response(
    records: &[FhRecord],
    response: &Value,
) -> Result<Vec<RecordResult>, (String, String)> {
    let Some(items) = response["records"].as_array() else {
        return Err((
            "Lambda.InvalidResponse".into(),
            "the response has no records array".into(),
        ));
    };
    let mut seen = BTreeSet::new();
    let mut by_id: Vec<Option<&Value>> = vec![None; records.len()];
    let index: BTreeMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.record_id.as_str(), i))
        .collect();
    for item in items {
        let id = item["recordId"].as_str().unwrap_or_default();
        let Some(&pos) = index.get(id) else {
            return Err((
                "Lambda.MissingRecordId".into(),
                format!("the response has recordId {id:?}, which was not in the invocation"),
            ));
        };
        if !seen.insert(pos) {
            return Err((
                "Lambda.DuplicatedRecordId".into(),
                format!("recordId {id:?} appears twice in the response"),
            ));
        }
        by_id[pos] = Some(item);
    }
    if seen.len() != records.len() {
        return Err((
            "Lambda.MissingRecordId".into(),
            format!(
                "the response answers {} of {} records",
                seen.len(),
                records.len()
            ),
        ));
    }
    Ok(by_id
        .into_iter()
        .map(|item| {
            let item = item.unwrap_or(&Value::Null);
            match item["result"].as_str() {
                Some("Ok") => match item["data"].as_str() {
                    None => RecordResult::Failed {
                        code: "Lambda.MissingData".into(),
                        message: "result Ok without data".into(),
                    },
                    Some(d) => match b64().decode(d) {
                        Err(_) => RecordResult::Failed {
                            code: "Lambda.InvalidBase64".into(),
                            message: "data is not valid base64".into(),
                        },
                        Ok(data) => {
                            let keys = item["metadata"]["partitionKeys"]
                                .as_object()
                                .map(|m| {
                                    m.iter()
                                        .map(|(k, v)| {
                                            (
                                                k.clone(),
                                                v.as_str()
                                                    .map_or_else(|| v.to_string(), str::to_string),
                                            )
                                        })
                                        .collect()
                                })
                                .unwrap_or_default();
                            RecordResult::Ok { data, keys }
                        }
                    },
                },
                Some("Dropped") => RecordResult::Dropped,
                Some("ProcessingFailed") => RecordResult::Failed {
                    code: "Lambda.ProcessingFailed".into(),
                    message: item["errorMessage"]
                        .as_str()
                        .unwrap_or("the function returned ProcessingFailed")
                        .to_string(),
                },
                other => RecordResult::Failed {
                    code: "Lambda.InvalidRecordStatus".into(),
                    message: format!(
                        "result {:?} is not Ok, Dropped or ProcessingFailed",
                        other.unwrap_or("(missing)")
                    ),
                },
            }
        })
        .collect())
}
