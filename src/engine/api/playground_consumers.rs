//! Service `playground`, consumer-application part: start and stop simulated SDK polling and
//! enhanced fan-out consumers (`apps::sdk_consumer`, `apps::efo_consumer`) and read their stats.
//!
//! - `StartSdkConsumer {ConsumerName, StreamName, ShardIteratorType?, PollIntervalMs?, Limit?}`
//! - `StartEfoConsumer {ConsumerName, StreamName}`
//! - `StopConsumerApp {ConsumerName}`
//! - `DescribeConsumerApps {}`

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::apps::consumer_apps::{self, ConsumerApp};
use crate::engine::apps::efo_consumer::EfoConsumer;
use crate::engine::apps::sdk_consumer::{IteratorStart, SdkConsumer, DEFAULT_POLL_INTERVAL_MS};
use crate::engine::kinesis::actions::get_records::GET_RECORDS_MAX_LIMIT;
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// The consumer-application actions of service `playground`.
pub const ACTIONS: &[&str] = &[
    "StartSdkConsumer",
    "StartEfoConsumer",
    "StopConsumerApp",
    "DescribeConsumerApps",
];

/// Longest `PollIntervalMs`: one hour.
pub const MAX_POLL_INTERVAL_MS: i64 = 3_600_000;
/// Shortest `PollIntervalMs`.
pub const MIN_POLL_INTERVAL_MS: i64 = 50;

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "StartSdkConsumer" => start_sdk(world, req),
        "StartEfoConsumer" => start_efo(world, req),
        "StopConsumerApp" => {
            req.deny_unknown(&["ConsumerName"])?;
            let name = consumer_name(&req)?;
            if consumer_apps::stop(world, name) {
                Ok(json!({ "ConsumerName": name, "Running": false }))
            } else {
                Err(ApiError::not_found(format!(
                    "Consumer application {name} not found."
                )))
            }
        }
        "DescribeConsumerApps" => {
            req.deny_unknown(&[])?;
            Ok(describe(world))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("playground has no action '{other}'"),
        )),
    }
}

fn consumer_name<'a>(req: &Request<'a>) -> Result<&'a str, ApiError> {
    let name = req.str("ConsumerName")?;
    validate_stream_name(name, "consumerName")?;
    Ok(name)
}

/// Checks the name is free (or names a stopped app) and the stream exists and is readable.
fn check_start<'a>(world: &World, req: &Request<'a>) -> Result<(&'a str, &'a str), ApiError> {
    let name = consumer_name(req)?;
    let stream = req.str("StreamName")?;
    validate_stream_name(stream, "streamName")?;
    if world
        .consumer_apps
        .get(name)
        .is_some_and(ConsumerApp::running)
    {
        return Err(ApiError::in_use(format!(
            "Consumer application {name} is already running."
        )));
    }
    let s = world
        .kinesis
        .stream(stream)
        .ok_or_else(|| Kinesis::stream_not_found(stream))?;
    if !s.status.allows_io() {
        return Err(ApiError::in_use(format!(
            "Stream {stream} is {}; consumers start on an ACTIVE (or UPDATING) stream only.",
            s.status.as_str()
        )));
    }
    Ok((name, stream))
}

fn start_sdk(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ConsumerName",
        "StreamName",
        "ShardIteratorType",
        "PollIntervalMs",
        "Limit",
    ])?;
    let (name, stream) = check_start(world, &req)?;
    let start = match req.opt_str("ShardIteratorType")?.unwrap_or("TRIM_HORIZON") {
        "TRIM_HORIZON" => IteratorStart::TrimHorizon,
        "LATEST" => IteratorStart::Latest,
        other => {
            return Err(ApiError::validation(
                other,
                "shardIteratorType",
                "Member must satisfy enum value set: [TRIM_HORIZON, LATEST]",
            ))
        }
    };
    let interval = req
        .opt_int("PollIntervalMs", MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS)?
        .map_or(DEFAULT_POLL_INTERVAL_MS, |v| v as u64);
    let limit = req
        .opt_int("Limit", 1, GET_RECORDS_MAX_LIMIT)?
        .unwrap_or(GET_RECORDS_MAX_LIMIT) as u32;
    let c = SdkConsumer::new(world, stream, start, interval, limit);
    let out = c.describe();
    consumer_apps::start(world, name, ConsumerApp::Sdk(c));
    Ok(json!({ "ConsumerName": name, "ConsumerApp": out }))
}

fn start_efo(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ConsumerName", "StreamName"])?;
    let (name, stream) = check_start(world, &req)?;
    let c = EfoConsumer::new(world, stream, name);
    let out = c.describe();
    consumer_apps::start(world, name, ConsumerApp::Efo(c));
    Ok(json!({ "ConsumerName": name, "ConsumerApp": out }))
}

/// The `DescribeConsumerApps` response (also read by the UI without logging a call).
pub fn describe(world: &World) -> Value {
    let apps: Vec<Value> = world
        .consumer_apps
        .all()
        .iter()
        .map(|(name, app)| {
            let mut v = match app {
                ConsumerApp::Sdk(c) => c.describe(),
                ConsumerApp::Efo(c) => c.describe(),
            };
            v["ConsumerName"] = json!(name);
            v
        })
        .collect();
    json!({ "ConsumerApps": apps })
}
