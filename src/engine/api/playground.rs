//! Service `playground`: everything the user can do that is not an AWS API — start, stop and
//! configure simulated producers, advance time, describe the world.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::apps::producer::{self, ProducerConfig, MAX_RATE_PER_S};
use crate::engine::apps::workload::KeyDistribution;
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// Every playground action, in the order README lists them.
pub const ACTIONS: &[&str] = &[
    "StartProducer",
    "StopProducer",
    "ListProducers",
    "AdvanceTime",
    "DescribeWorld",
    "InjectFault",
    "ClearFaults",
    "ListFaults",
    "ReadSubscriptionEvents",
    "ListSubscriptions",
];

/// Longest single `AdvanceTime` step: 400 days of virtual time.
const MAX_ADVANCE_MS: i64 = 400 * 24 * 3_600_000;

/// Runs one playground action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "StartProducer" => start_producer(world, req),
        "StopProducer" => stop_producer(world, req),
        "ListProducers" => {
            req.deny_unknown(&[])?;
            Ok(list_producers(world))
        }
        "AdvanceTime" => {
            req.deny_unknown(&["Milliseconds"])?;
            let ms = req.int("Milliseconds", 0, MAX_ADVANCE_MS)?;
            world.advance_by(ms as u64);
            Ok(json!({ "Now": world.now() }))
        }
        "DescribeWorld" => {
            req.deny_unknown(&[])?;
            Ok(json!({
                "Now": world.now(),
                "EpochUnixMs": world.epoch().unix_ms(),
                "Seed": world.config().seed,
                "PendingEvents": world.pending_events(),
            }))
        }
        "InjectFault" => inject_fault(world, req),
        "ClearFaults" => {
            req.deny_unknown(&[])?;
            world.faults.clear();
            Ok(list_faults(world))
        }
        "ReadSubscriptionEvents" | "ListSubscriptions" => {
            crate::engine::api::playground_efo::dispatch(world, action, req)
        }
        "ListFaults" => {
            req.deny_unknown(&[])?;
            Ok(list_faults(world))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "playground has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

fn producer_name<'a>(req: &Request<'a>) -> Result<&'a str, ApiError> {
    let name = req.str("ProducerName")?;
    validate_stream_name(name, "producerName")?;
    Ok(name)
}

fn read_keys(req: &Request<'_>) -> Result<KeyDistribution, ApiError> {
    let Some(d) = req.opt_struct("KeyDistribution")? else {
        return Ok(KeyDistribution::Uniform { keys: 100 });
    };
    d.deny_unknown(&["Type", "KeyCount", "HotKeyShare"])?;
    let keys = d.opt_int("KeyCount", 1, 1_000_000)?.unwrap_or(100) as u32;
    match d.str("Type")? {
        "UNIFORM" => Ok(KeyDistribution::Uniform { keys }),
        "HOT_KEY" => {
            let hot_share = d.opt_f64("HotKeyShare", 0.0, 1.0)?.unwrap_or(0.8);
            Ok(KeyDistribution::HotKey { keys, hot_share })
        }
        other => Err(ApiError::validation(
            other,
            "keyDistribution.type",
            "Member must satisfy enum value set: [UNIFORM, HOT_KEY]",
        )),
    }
}

fn start_producer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ProducerName",
        "StreamName",
        "RecordsPerSecond",
        "KeyDistribution",
    ])?;
    let name = producer_name(&req)?;
    let stream = req.str("StreamName")?;
    validate_stream_name(stream, "streamName")?;
    if world.kinesis.stream(stream).is_none() {
        return Err(Kinesis::stream_not_found(stream));
    }
    let rate = req
        .opt_f64("RecordsPerSecond", 0.01, MAX_RATE_PER_S)?
        .unwrap_or(10.0);
    let keys = read_keys(&req)?;
    producer::start(
        world,
        name,
        ProducerConfig {
            stream: stream.to_string(),
            rate_per_s: rate,
            keys,
        },
    );
    Ok(json!({ "ProducerName": name, "Running": true }))
}

fn stop_producer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ProducerName"])?;
    let name = producer_name(&req)?;
    if producer::stop(world, name) {
        Ok(json!({ "ProducerName": name, "Running": false }))
    } else {
        Err(ApiError::not_found(format!("Producer {name} not found.")))
    }
}

fn list_producers(world: &World) -> Value {
    let list: Vec<Value> = world
        .producers
        .all()
        .iter()
        .map(|(name, p)| {
            json!({
                "ProducerName": name,
                "StreamName": p.config.stream,
                "Running": p.running,
                "RecordsPerSecond": p.config.rate_per_s,
                "KeyDistribution": p.config.keys.to_json(),
                "RecordsSent": p.stats.sent,
                "RecordsFailed": p.stats.failed,
                "LastError": p.stats.last_error,
            })
        })
        .collect();
    json!({ "Producers": list })
}

fn inject_fault(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Type", "AvailabilityZone", "DurationMs"])?;
    let duration = req
        .opt_int("DurationMs", 1, crate::engine::faults::MAX_FAULT_MS as i64)?
        .unwrap_or(60_000) as u64;
    match req.str("Type")? {
        "AZ_OUTAGE" => {
            let az = req.str("AvailabilityZone")?;
            let now = world.now();
            let until = world.faults.az_outage(az, now, duration)?;
            Ok(json!({ "Type": "AZ_OUTAGE", "AvailabilityZone": az, "Until": until }))
        }
        other => Err(ApiError::validation(
            other,
            "type",
            "Member must satisfy enum value set: [AZ_OUTAGE]",
        )),
    }
}

fn list_faults(world: &World) -> Value {
    let now = world.now();
    let faults: Vec<Value> = world
        .faults
        .az_outages(now)
        .into_iter()
        .map(|(az, until)| json!({ "Type": "AZ_OUTAGE", "AvailabilityZone": az, "Until": until }))
        .collect();
    json!({ "Faults": faults })
}
