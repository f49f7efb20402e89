//! Playground actions for Firehose (service `playground`): transform functions, destination
//! health, the pipeline picture's state, and what non-S3 destinations received.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::firehose::actions::find;
use crate::engine::firehose::functions::{function_arn, TransformFunction};
use crate::engine::firehose::pipeline::with_stream;
use crate::engine::firehose::script::{apply_chain, Outcome};
use crate::engine::world::World;

/// Playground actions handled here.
pub const ACTIONS: &[&str] = &[
    "CreateTransformFunction",
    "UpdateTransformFunction",
    "DeleteTransformFunction",
    "ListTransformFunctions",
    "TestTransformFunction",
    "SetDestinationBehavior",
    "DescribeDeliveryPipeline",
    "GetDestinationData",
];

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "CreateTransformFunction" | "UpdateTransformFunction" => {
            let f = TransformFunction::from_request(req)?;
            let exists = world.firehose.functions.contains_key(&f.name);
            if action == "CreateTransformFunction" && exists {
                return Err(ApiError::in_use(format!(
                    "Function already exist: {}",
                    f.name
                )));
            }
            if action == "UpdateTransformFunction" && !exists {
                return Err(ApiError::not_found(format!(
                    "Function not found: {}",
                    function_arn(&f.name)
                )));
            }
            let out = f.describe();
            world.firehose.functions.insert(f.name.clone(), f);
            Ok(out)
        }
        "DeleteTransformFunction" => {
            req.deny_unknown(&["FunctionName"])?;
            let name = req.str("FunctionName")?;
            world.firehose.functions.remove(name).ok_or_else(|| {
                ApiError::not_found(format!("Function not found: {}", function_arn(name)))
            })?;
            Ok(json!({}))
        }
        "ListTransformFunctions" => {
            req.deny_unknown(&[])?;
            Ok(
                json!({ "Functions": world.firehose.functions.values().map(TransformFunction::describe).collect::<Vec<_>>() }),
            )
        }
        "TestTransformFunction" => {
            req.deny_unknown(&["FunctionName", "Data"])?;
            let name = req.str("FunctionName")?;
            let f = world.firehose.functions.get(name).ok_or_else(|| {
                ApiError::not_found(format!("Function not found: {}", function_arn(name)))
            })?;
            let data = base64::engine::general_purpose::STANDARD
                .decode(req.str("Data")?)
                .map_err(|_| ApiError::serialization("Data is not valid base64"))?;
            let (outcome, ops) = apply_chain(&f.steps, &data, f.budget);
            Ok(match outcome {
                Outcome::Ok {
                    data,
                    partition_keys,
                } => json!({
                    "Result": "Ok", "Data": base64::engine::general_purpose::STANDARD.encode(&data),
                    "Text": String::from_utf8_lossy(&data), "PartitionKeys": partition_keys, "Operations": ops,
                }),
                Outcome::Dropped => json!({ "Result": "Dropped", "Operations": ops }),
                Outcome::ProcessingFailed(reason) => {
                    json!({ "Result": "ProcessingFailed", "Reason": reason, "Operations": ops })
                }
            })
        }
        "SetDestinationBehavior" => {
            req.deny_unknown(&[
                "DeliveryStreamName",
                "LatencyMs",
                "ErrorRate",
                "OutageSeconds",
                "LostAckRate",
            ])?;
            let name = req.str("DeliveryStreamName")?;
            find(world, name)?;
            let latency = req.opt_int("LatencyMs", 0, 180_000)?;
            let error_rate = req.opt_f64("ErrorRate", 0.0, 1.0)?;
            let outage = req.opt_int("OutageSeconds", 0, 7 * 86_400)?;
            let lost = req.opt_f64("LostAckRate", 0.0, 1.0)?;
            let out = with_stream(world, name, |world, ds| {
                let b = &mut ds.behaviour;
                if let Some(l) = latency {
                    b.latency_ms = l as u64;
                }
                if let Some(e) = error_rate {
                    b.error_rate = e;
                }
                if let Some(o) = outage {
                    b.outage_until = world.now() + o as u64 * 1000;
                }
                if let Some(l) = lost {
                    b.lost_ack_rate = l;
                }
                json!({ "LatencyMs": b.latency_ms, "ErrorRate": b.error_rate, "OutageUntilMs": b.outage_until, "LostAckRate": b.lost_ack_rate })
            });
            out.ok_or_else(|| ApiError::not_found(name.to_string()))
        }
        "DescribeDeliveryPipeline" => {
            req.deny_unknown(&["DeliveryStreamName"])?;
            let ds = find(world, req.str("DeliveryStreamName")?)?;
            Ok(crate::engine::firehose::describe::pipeline(world, ds))
        }
        "GetDestinationData" => get_destination_data(world, req),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown playground action {other}"),
        )),
    }
}

fn get_destination_data(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "DeliveryStreamName",
        "Query",
        "Index",
        "Limit",
        "IncludePayloads",
    ])?;
    let ds = find(world, req.str("DeliveryStreamName")?)?;
    let limit = req.opt_int("Limit", 1, 10_000)?.unwrap_or(50) as usize;
    let s = &ds.store;
    let index = req.opt_str("Index")?.unwrap_or("");
    let (total, hits) = s.search(index, req.opt_str("Query")?.unwrap_or(""), limit);
    let epoch = world.epoch();
    let mut out = json!({
        "Indices": s.indices.iter().map(|(k, v)| json!({ "Index": k, "Documents": v.len() })).collect::<Vec<_>>(),
        "Hits": { "Total": total, "Documents": hits.iter().map(|(i, d)| json!({ "_index": i, "_id": d.id, "_source": d.source })).collect::<Vec<_>>() },
        "Columns": s.columns,
        "RowCount": s.rows.len(),
        "Rows": s.rows.iter().rev().take(limit).rev().collect::<Vec<_>>(),
        "Copies": s.copies.iter().rev().take(limit).map(|c| json!({ "Object": c.object, "Rows": c.rows, "AtMs": c.at_ms })).collect::<Vec<_>>(),
        "Requests": s.requests.iter().rev().take(limit).map(|r| json!({
            "RequestId": r.request_id, "AtMs": r.at_ms, "At": epoch.to_unix_ms(r.at_ms), "Records": r.records, "BodyBytes": r.body_bytes, "Attempt": r.attempt,
        })).collect::<Vec<_>>(),
        "PayloadCount": s.payloads.len(),
    });
    if req.opt_bool("IncludePayloads")?.unwrap_or(false) {
        out["Payloads"] = json!(s
            .payloads
            .iter()
            .map(|p| base64::engine::general_purpose::STANDARD.encode(p))
            .collect::<Vec<_>>());
    }
    Ok(out)
}
