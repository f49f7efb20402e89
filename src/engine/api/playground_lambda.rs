//! Service `playground`, Lambda actions (semantics.md §3): `CreateEventSourceMapping`,
//! `UpdateEventSourceMapping`, `DeleteEventSourceMapping`, `ListEventSourceMappings` with the
//! members of Lambda's API plus `FunctionBehavior` (what the simulated function does), and the views
//! `ListInvocations` and `GetOnFailureRecords`.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::apps::lambda::config::{
    EsmConfig, FunctionBehavior, StartingPosition, MAX_BATCHING_WINDOW_S, MAX_BATCH_SIZE,
    MAX_PARALLELIZATION_FACTOR, MAX_RETRY_ATTEMPTS, RECORD_AGE_RANGE_S,
};
use crate::engine::apps::lambda::{self, report, EventSourceMapping};
use crate::engine::kinesis::names::stream_name_from_arn;
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// The Lambda actions of service `playground`.
pub const ACTIONS: &[&str] = &[
    "CreateEventSourceMapping",
    "UpdateEventSourceMapping",
    "DeleteEventSourceMapping",
    "ListEventSourceMappings",
    "ListInvocations",
    "GetOnFailureRecords",
];

/// Members both Create and Update accept.
const TUNABLE: &[&str] = &[
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "ParallelizationFactor",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "DestinationConfig",
    "FunctionResponseTypes",
    "FunctionBehavior",
    "Enabled",
];

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "CreateEventSourceMapping" => create(world, req),
        "UpdateEventSourceMapping" => update(world, req),
        "DeleteEventSourceMapping" => {
            req.deny_unknown(&["UUID"])?;
            let uuid = existing(world, &req)?;
            let mut m = lambda::delete(world, &uuid).ok_or_else(|| not_found(&uuid))?;
            m.enabled = false;
            let mut v = report::mapping_json(&m, world.epoch());
            v["State"] = json!("Deleting");
            Ok(v)
        }
        "ListEventSourceMappings" => {
            req.deny_unknown(&["EventSourceArn", "FunctionName"])?;
            let arn = req.opt_str("EventSourceArn")?;
            let function = req.opt_str("FunctionName")?;
            let list: Vec<Value> = world
                .lambda
                .mappings()
                .values()
                .filter(|m| arn.is_none_or(|a| Kinesis::arn_for(&m.config.stream) == a))
                .filter(|m| {
                    function
                        .is_none_or(|f| m.config.function_name == f || m.config.function_arn() == f)
                })
                .map(|m| report::mapping_json(m, world.epoch()))
                .collect();
            Ok(json!({ "EventSourceMappings": list }))
        }
        "ListInvocations" => {
            req.deny_unknown(&["UUID", "MaxItems"])?;
            let m = mapping(world, &req)?;
            let max = req
                .opt_int("MaxItems", 1, lambda::INVOCATION_LOG_CAP as i64)?
                .unwrap_or(100) as usize;
            let skip = m.invocations.len().saturating_sub(max);
            let items: Vec<Value> = m
                .invocations
                .iter()
                .skip(skip)
                .map(report::invocation_json)
                .collect();
            Ok(
                json!({ "UUID": m.uuid, "TotalInvocations": m.stats.invocations, "Invocations": items }),
            )
        }
        "GetOnFailureRecords" => {
            req.deny_unknown(&["UUID"])?;
            let m = mapping(world, &req)?;
            let records: Vec<Value> = m
                .on_failure
                .iter()
                .map(|f| report::failure_json(f, m, world.epoch()))
                .collect();
            Ok(json!({ "Destination": m.config.on_failure, "Records": records }))
        }
        other => Err(ApiError::invalid_argument(format!(
            "not a Lambda action: {other}"
        ))),
    }
}

fn not_found(uuid: &str) -> ApiError {
    ApiError::not_found(format!(
        "The resource you requested does not exist. (Event source mapping {uuid})"
    ))
}

fn existing(world: &World, req: &Request<'_>) -> Result<String, ApiError> {
    let uuid = req.str("UUID")?;
    world
        .lambda
        .get(uuid)
        .map(|m| m.uuid.clone())
        .ok_or_else(|| not_found(uuid))
}

fn mapping<'w>(world: &'w World, req: &Request<'_>) -> Result<&'w EventSourceMapping, ApiError> {
    let uuid = req.str("UUID")?;
    world.lambda.get(uuid).ok_or_else(|| not_found(uuid))
}

fn read_function(f: Request<'_>, mut b: FunctionBehavior) -> Result<FunctionBehavior, ApiError> {
    f.deny_unknown(&[
        "DurationMs",
        "DurationPerRecordMs",
        "FailOnPartitionKey",
        "FailOnDataContains",
        "ErrorRate",
    ])?;
    b.duration_ms = f
        .opt_int("DurationMs", 1, 900_000)?
        .map_or(b.duration_ms, |v| v as u64);
    b.per_record_ms = f
        .opt_int("DurationPerRecordMs", 0, 10_000)?
        .map_or(b.per_record_ms, |v| v as u64);
    if let Some(k) = f.raw("FailOnPartitionKey") {
        b.fail_on_partition_key = Some(
            k.as_str()
                .ok_or_else(|| {
                    ApiError::serialization("member 'FailOnPartitionKey' must be a string")
                })?
                .to_string(),
        )
        .filter(|s| !s.is_empty());
    }
    if let Some(k) = f.raw("FailOnDataContains") {
        b.fail_on_data_contains = Some(
            k.as_str()
                .ok_or_else(|| {
                    ApiError::serialization("member 'FailOnDataContains' must be a string")
                })?
                .to_string(),
        )
        .filter(|s| !s.is_empty());
    }
    b.error_rate = f.opt_f64("ErrorRate", 0.0, 1.0)?.unwrap_or(b.error_rate);
    Ok(b)
}

/// Applies the members Create and Update share onto `c`.
fn read_tunable(req: &Request<'_>, mut c: EsmConfig) -> Result<EsmConfig, ApiError> {
    c.batch_size = req
        .opt_int("BatchSize", 1, i64::from(MAX_BATCH_SIZE))?
        .map_or(c.batch_size, |v| v as u32);
    c.batching_window_s = req
        .opt_int(
            "MaximumBatchingWindowInSeconds",
            0,
            i64::from(MAX_BATCHING_WINDOW_S),
        )?
        .map_or(c.batching_window_s, |v| v as u32);
    c.parallelization_factor = req
        .opt_int(
            "ParallelizationFactor",
            1,
            i64::from(MAX_PARALLELIZATION_FACTOR),
        )?
        .map_or(c.parallelization_factor, |v| v as u32);
    c.bisect = req
        .opt_bool("BisectBatchOnFunctionError")?
        .unwrap_or(c.bisect);
    c.max_retry_attempts = req
        .opt_int("MaximumRetryAttempts", -1, MAX_RETRY_ATTEMPTS)?
        .unwrap_or(c.max_retry_attempts);
    if let Some(age) = req.opt_int("MaximumRecordAgeInSeconds", -1, RECORD_AGE_RANGE_S.1)? {
        if age != -1 && age < RECORD_AGE_RANGE_S.0 {
            return Err(ApiError::validation(
                &age.to_string(),
                "maximumRecordAgeInSeconds",
                "Member must be -1 or between 60 and 604800",
            ));
        }
        c.max_record_age_s = age;
    }
    if let Some(d) = req.opt_struct("DestinationConfig")? {
        d.deny_unknown(&["OnFailure", "OnSuccess"])?;
        c.on_failure = match d.opt_struct("OnFailure")? {
            None => None,
            Some(f) => {
                f.deny_unknown(&["Destination"])?;
                match f.opt_str("Destination")? {
                    None | Some("") => None,
                    Some(arn) if arn.starts_with("arn:") => Some(arn.to_string()),
                    Some(other) => {
                        return Err(ApiError::invalid_argument(format!(
                        "Destination must be an ARN (SQS queue, SNS topic or S3 bucket): {other}"
                    )))
                    }
                }
            }
        };
    }
    if let Some(types) = req.opt_list("FunctionResponseTypes")? {
        let mut report = false;
        for t in types {
            match t.as_str() {
                Some("ReportBatchItemFailures") => report = true,
                _ => {
                    return Err(ApiError::validation(
                        &t.to_string(),
                        "functionResponseTypes",
                        "Member must satisfy enum value set: [ReportBatchItemFailures]",
                    ))
                }
            }
        }
        c.report_batch_item_failures = report;
    }
    if let Some(f) = req.opt_struct("FunctionBehavior")? {
        c.function = read_function(f, c.function)?;
    }
    Ok(c)
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    let mut known = vec![
        "EventSourceArn",
        "FunctionName",
        "StartingPosition",
        "StartingPositionTimestamp",
    ];
    known.extend_from_slice(TUNABLE);
    req.deny_unknown(&known)?;
    let arn = req.str("EventSourceArn")?;
    let stream = stream_name_from_arn(arn).ok_or_else(|| {
        ApiError::invalid_argument(format!(
            "EventSourceArn must be a Kinesis stream ARN: {arn}"
        ))
    })?;
    let function = req.str("FunctionName")?;
    let valid_name = (1..=64).contains(&function.len())
        && function
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_name {
        return Err(ApiError::validation(
            function,
            "functionName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}",
        ));
    }
    if world.kinesis.stream(stream).is_none() {
        return Err(Kinesis::stream_not_found(stream));
    }
    let position = match req.str("StartingPosition")? {
        "TRIM_HORIZON" => StartingPosition::TrimHorizon,
        "LATEST" => StartingPosition::Latest,
        "AT_TIMESTAMP" => {
            let ts = req
                .raw("StartingPositionTimestamp")
                .ok_or_else(|| {
                    ApiError::invalid_argument(
                        "StartingPositionTimestamp is required for AT_TIMESTAMP",
                    )
                })?
                .as_f64()
                .ok_or_else(|| {
                    ApiError::serialization(
                        "member 'StartingPositionTimestamp' must be a number (epoch seconds)",
                    )
                })?;
            let now_s = world.epoch().to_unix_ms(world.now()) as f64 / 1000.0;
            if ts > now_s {
                return Err(ApiError::invalid_argument(
                    "StartingPositionTimestamp must not be in the future",
                ));
            }
            StartingPosition::AtTimestamp(ts)
        }
        other => {
            return Err(ApiError::validation(
                other,
                "startingPosition",
                "Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
            ))
        }
    };
    let config = read_tunable(&req, EsmConfig::new(function, stream, position))?;
    let enabled = req.opt_bool("Enabled")?.unwrap_or(true);
    let uuid = lambda::create(world, config, enabled);
    let m = world.lambda.get(&uuid).ok_or_else(|| not_found(&uuid))?;
    let mut v = report::mapping_json(m, world.epoch());
    v["State"] = json!(if enabled { "Creating" } else { "Disabled" });
    Ok(v)
}

fn update(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    let mut known = vec!["UUID", "FunctionName"];
    known.extend_from_slice(TUNABLE);
    req.deny_unknown(&known)?;
    let uuid = existing(world, &req)?;
    let current = world
        .lambda
        .get(&uuid)
        .map(|m| m.config.clone())
        .ok_or_else(|| not_found(&uuid))?;
    let mut config = read_tunable(&req, current)?;
    if let Some(f) = req.opt_str("FunctionName")? {
        config.function_name = f.to_string();
    }
    let enabled = req.opt_bool("Enabled")?;
    lambda::update(world, &uuid, Some(config), enabled);
    let m = world.lambda.get(&uuid).ok_or_else(|| not_found(&uuid))?;
    Ok(report::mapping_json(m, world.epoch()))
}
