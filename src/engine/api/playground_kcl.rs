//! Service `playground`, KCL actions: start and stop consumer applications, worker faults, and
//! the views (lease table, anomaly ledger, consumer lag, processed records) — semantics.md §2.1–§2.5.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::apps::kcl::app::Application;
use crate::engine::apps::kcl::config::{
    CheckpointPolicy, InitialPosition, KclConfig, DEFAULT_IDLE_TIME_BETWEEN_READS_MS,
    DEFAULT_MAX_RECORDS, MAX_PAUSE_MS, MAX_PROCESSING_MS_PER_RECORD, MAX_WORKERS,
    MIN_IDLE_TIME_BETWEEN_READS_MS,
};
use crate::engine::apps::kcl::{lifecycle, render};
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::world::World;

/// The KCL actions of service `playground`, in the order README lists them.
pub const ACTIONS: &[&str] = &[
    "StartKclApplication",
    "StopKclApplication",
    "ListKclApplications",
    "AddKclWorker",
    "KillKclWorker",
    "PauseKclWorker",
    "SlowKclWorker",
    "CheckpointKclApplication",
    "DescribeLeaseTable",
    "GetAnomalyLedger",
    "GetConsumerLag",
    "GetProcessedRecords",
];

/// Runs one KCL action (the caller matched the name against [`ACTIONS`]).
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "StartKclApplication" => start(world, req),
        "StopKclApplication" => {
            req.deny_unknown(&["ApplicationName"])?;
            let name = app_name(world, &req)?;
            lifecycle::stop(world, &name)?;
            Ok(json!({ "ApplicationName": name, "Status": "STOPPED" }))
        }
        "ListKclApplications" => {
            req.deny_unknown(&[])?;
            let apps: Vec<Value> = world
                .kcl
                .apps()
                .values()
                .map(|a| render::application_json(world, a))
                .collect();
            Ok(json!({ "Applications": apps }))
        }
        "AddKclWorker" => {
            req.deny_unknown(&["ApplicationName"])?;
            let name = app_name(world, &req)?;
            let id = lifecycle::add_worker(world, &name)?;
            Ok(json!({ "ApplicationName": name, "WorkerId": id }))
        }
        "KillKclWorker" => {
            req.deny_unknown(&["ApplicationName", "WorkerId"])?;
            let name = app_name(world, &req)?;
            let id = req.str("WorkerId")?;
            let held = lifecycle::kill(world, &name, id)?;
            Ok(
                json!({ "ApplicationName": name, "WorkerId": id, "State": "DEAD", "LeasesLeftToExpire": held }),
            )
        }
        "PauseKclWorker" => {
            req.deny_unknown(&["ApplicationName", "WorkerId", "Milliseconds"])?;
            let name = app_name(world, &req)?;
            let id = req.str("WorkerId")?;
            let ms = req.int("Milliseconds", 1, MAX_PAUSE_MS as i64)? as u64;
            let until = lifecycle::pause(world, &name, id, ms)?;
            Ok(
                json!({ "ApplicationName": name, "WorkerId": id, "State": "PAUSED", "PausedUntil": until }),
            )
        }
        "SlowKclWorker" => {
            req.deny_unknown(&["ApplicationName", "WorkerId", "ProcessingMillisPerRecord"])?;
            let name = app_name(world, &req)?;
            let id = req.str("WorkerId")?;
            let ms = req.int(
                "ProcessingMillisPerRecord",
                0,
                MAX_PROCESSING_MS_PER_RECORD as i64,
            )? as u64;
            lifecycle::slow(world, &name, id, ms)?;
            Ok(json!({ "ApplicationName": name, "WorkerId": id, "ProcessingMillisPerRecord": ms }))
        }
        "CheckpointKclApplication" => {
            req.deny_unknown(&["ApplicationName", "WorkerId"])?;
            let name = app_name(world, &req)?;
            let done = lifecycle::checkpoint_all(world, &name, req.opt_str("WorkerId")?)?;
            let list: Vec<Value> = done
                .into_iter()
                .map(|(k, c)| json!({ "LeaseKey": k, "Checkpoint": c }))
                .collect();
            Ok(json!({ "ApplicationName": name, "Checkpointed": list }))
        }
        "DescribeLeaseTable" => view(world, req, &[], |w, a, _| {
            Ok(render::lease_table_json(w, a))
        }),
        "GetAnomalyLedger" => view(world, req, &["Limit"], |_, a, r| {
            let limit = r.opt_int("Limit", 1, 10_000)?.unwrap_or(200) as usize;
            Ok(render::ledger_json(a, limit))
        }),
        "GetConsumerLag" => view(world, req, &[], |w, a, _| Ok(render::lag_json(w, a))),
        "GetProcessedRecords" => view(world, req, &["Limit"], |_, a, r| {
            let limit = r.opt_int("Limit", 1, 10_000)?.unwrap_or(100) as usize;
            Ok(render::processed_json(a, limit))
        }),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("playground has no KCL action '{other}'"),
        )),
    }
}

/// A read-only view of one application.
fn view(
    world: &World,
    req: Request<'_>,
    extra: &[&str],
    f: impl FnOnce(&World, &Application, &Request<'_>) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let mut known = vec!["ApplicationName"];
    known.extend_from_slice(extra);
    req.deny_unknown(&known)?;
    let name = app_name(world, &req)?;
    let app = world.kcl.app(&name).ok_or_else(|| not_found(&name))?;
    f(world, app, &req)
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!(
        "KCL application {name} not found (no lease table named {name})."
    ))
}

/// Validates a lease-table name as DynamoDB does: 3–255 characters of `[a-zA-Z0-9_.-]`.
fn validate_app_name(name: &str) -> Result<(), ApiError> {
    if !(3..=255).contains(&name.len()) {
        return Err(ApiError::validation(
            name,
            "applicationName",
            "Member must have length between 3 and 255",
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(ApiError::validation(
            name,
            "applicationName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ));
    }
    Ok(())
}

/// The application a request names; `ApplicationName` may be left out when exactly one exists.
fn app_name(world: &World, req: &Request<'_>) -> Result<String, ApiError> {
    match req.opt_str("ApplicationName")? {
        Some(name) => {
            validate_app_name(name)?;
            if world.kcl.app(name).is_none() {
                return Err(not_found(name));
            }
            Ok(name.to_string())
        }
        None => {
            let mut names = world.kcl.apps().keys();
            match (names.next(), names.next()) {
                (Some(only), None) => Ok(only.clone()),
                (None, _) => Err(ApiError::not_found(
                    "There is no KCL application; start one with StartKclApplication.",
                )),
                _ => Err(ApiError::new(
                    ErrorKind::ValidationException,
                    format!(
                        "ApplicationName is required when there are {} KCL applications.",
                        world.kcl.apps().len()
                    ),
                )),
            }
        }
    }
}

fn read_checkpoint(req: &Request<'_>) -> Result<CheckpointPolicy, ApiError> {
    let bad = || {
        ApiError::validation(
            "CheckpointEvery",
            "checkpointEvery",
            "Member must be \"MANUAL\" or a structure with exactly one of Records, Millis, Manual",
        )
    };
    match req.raw("CheckpointEvery") {
        None => Ok(CheckpointPolicy::EveryRecords(100)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("manual") => Ok(CheckpointPolicy::Manual),
        Some(Value::String(_)) => Err(bad()),
        Some(_) => {
            let c = req.opt_struct("CheckpointEvery")?.ok_or_else(bad)?;
            c.deny_unknown(&["Records", "Millis", "Manual"])?;
            let records = c.opt_int("Records", 1, 1_000_000)?;
            let millis = c.opt_int("Millis", 1, 3_600_000)?;
            let manual = c.opt_bool("Manual")?.unwrap_or(false);
            match (records, millis, manual) {
                (Some(n), None, false) => Ok(CheckpointPolicy::EveryRecords(n as u64)),
                (None, Some(ms), false) => Ok(CheckpointPolicy::EveryMillis(ms as u64)),
                (None, None, true) => Ok(CheckpointPolicy::Manual),
                _ => Err(bad()),
            }
        }
    }
}

fn start(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ApplicationName",
        "StreamName",
        "Workers",
        "InitialPositionInStream",
        "InitialPositionTimestamp",
        "CheckpointEvery",
        "ProcessingMillisPerRecord",
        "IdempotentSink",
        "MaxRecords",
        "IdleTimeBetweenReadsInMillis",
    ])?;
    let name = req.str("ApplicationName")?;
    validate_app_name(name)?;
    let stream = req.str("StreamName")?;
    validate_stream_name(stream, "streamName")?;
    let workers = req.opt_int("Workers", 1, MAX_WORKERS as i64)?.unwrap_or(2) as usize;
    let timestamp = match req.raw("InitialPositionTimestamp") {
        None => None,
        Some(v) => Some(v.as_f64().filter(|t| t.is_finite() && *t >= 0.0).ok_or_else(|| {
            ApiError::serialization("member 'InitialPositionTimestamp' must be a non-negative number (epoch seconds)")
        })?),
    };
    let initial_position = match req
        .opt_str("InitialPositionInStream")?
        .unwrap_or("TRIM_HORIZON")
    {
        "TRIM_HORIZON" => InitialPosition::TrimHorizon,
        "LATEST" => InitialPosition::Latest,
        "AT_TIMESTAMP" => {
            let ts = timestamp.ok_or_else(|| {
                ApiError::invalid_argument(
                    "InitialPositionTimestamp must be provided for AT_TIMESTAMP",
                )
            })?;
            let unix_ms = (ts * 1000.0).floor() as u64;
            let now_unix = world.epoch().to_unix_ms(world.now());
            if unix_ms > now_unix {
                return Err(ApiError::invalid_argument(format!(
                    "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {unix_ms}, currentTimestampInMillis: {now_unix}"
                )));
            }
            InitialPosition::AtTimestamp(unix_ms)
        }
        other => {
            return Err(ApiError::validation(
                other,
                "initialPositionInStream",
                "Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
            ))
        }
    };
    if timestamp.is_some() && !matches!(initial_position, InitialPosition::AtTimestamp(_)) {
        return Err(ApiError::invalid_argument(
            "InitialPositionTimestamp must only be provided for AT_TIMESTAMP",
        ));
    }
    let config = KclConfig {
        initial_position,
        checkpoint: read_checkpoint(&req)?,
        processing_ms_per_record: req
            .opt_int(
                "ProcessingMillisPerRecord",
                0,
                MAX_PROCESSING_MS_PER_RECORD as i64,
            )?
            .unwrap_or(0) as u64,
        idempotent_sink: req.opt_bool("IdempotentSink")?.unwrap_or(false),
        max_records: req
            .opt_int("MaxRecords", 1, DEFAULT_MAX_RECORDS as i64)?
            .unwrap_or(DEFAULT_MAX_RECORDS as i64) as u32,
        idle_time_between_reads_ms: req
            .opt_int(
                "IdleTimeBetweenReadsInMillis",
                MIN_IDLE_TIME_BETWEEN_READS_MS as i64,
                60_000,
            )?
            .unwrap_or(DEFAULT_IDLE_TIME_BETWEEN_READS_MS as i64)
            as u64,
    };
    let ids = lifecycle::start(world, name, stream, config, workers)?;
    let leases = world.kcl.app(name).map_or(0, |a| a.leases.len());
    Ok(json!({
        "ApplicationName": name,
        "StreamName": stream,
        "Status": "RUNNING",
        "Workers": ids,
        "LeaseCount": leases,
    }))
}
