//! Service `playground`: everything the user can do that is not an AWS API — start, stop and
//! configure simulated producers, advance time, describe the world.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::apps::producer;
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::world::World;

/// Every playground action, in the order README lists them.
pub const ACTIONS: &[&str] = &[
    "StartProducer",
    "StopProducer",
    "ListProducers",
    "DeaggregateRecord",
    "CreateEventSourceMapping",
    "UpdateEventSourceMapping",
    "DeleteEventSourceMapping",
    "ListEventSourceMappings",
    "ListInvocations",
    "GetOnFailureRecords",
    "AdvanceTime",
    "DescribeWorld",
    "InjectFault",
    "ClearFaults",
    "ListFaults",
    "ReadSubscriptionEvents",
    "ListSubscriptions",
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
    "StartSdkConsumer",
    "StartEfoConsumer",
    "StopConsumerApp",
    "DescribeConsumerApps",
    "CreateTransformFunction",
    "UpdateTransformFunction",
    "DeleteTransformFunction",
    "ListTransformFunctions",
    "TestTransformFunction",
    "SetDestinationBehavior",
    "DescribeDeliveryPipeline",
    "GetDestinationData",
    "KillTaskManager",
    "DescribeJob",
    "GetJobResults",
    "RunBatchQuery",
    "PreviewWindows",
    "ValidateSql",
    "BuildSql",
    "CreateKafkaProducer",
    "StopKafkaProducer",
    "DescribeKafkaProducers",
    "CreateKafkaConsumerApp",
    "AddKafkaConsumer",
    "StopKafkaConsumer",
    "CrashKafkaConsumer",
    "PauseKafkaConsumer",
    "DescribeKafkaConsumerApps",
    "RecordPrediction",
    "DescribeStreamRecords",
    "StartLogApplication",
    "StopLogApplication",
    "StartDeviceFleet",
    "StopDeviceFleet",
    "DescribeSources",
];

/// Longest single `AdvanceTime` step: 400 days of virtual time.
const MAX_ADVANCE_MS: i64 = 400 * 24 * 3_600_000;

/// Runs one playground action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "StartProducer" => crate::engine::api::playground_producers::start_producer(world, req),
        "StopProducer" => stop_producer(world, req),
        "ListProducers" => {
            req.deny_unknown(&[])?;
            Ok(crate::engine::api::playground_producers::list_producers(
                world,
            ))
        }
        p if crate::engine::api::playground_producers::ACTIONS.contains(&p) => {
            crate::engine::api::playground_producers::dispatch(world, p, req)
        }
        f if crate::engine::firehose::actions_playground::ACTIONS.contains(&f) => {
            crate::engine::firehose::actions_playground::dispatch(world, f, req)
        }
        a if crate::engine::analytics::actions_playground::ACTIONS.contains(&a) => {
            crate::engine::analytics::actions_playground::dispatch(world, a, req)
        }
        k if crate::engine::kafka::actions_consumer_app::ACTIONS.contains(&k) => {
            crate::engine::kafka::actions_consumer_app::dispatch(world, k, req)
        }
        k if crate::engine::kafka::lenses::ACTIONS.contains(&k) => {
            crate::engine::kafka::lenses::dispatch(world, k, req)
        }
        l if crate::engine::api::playground_lambda::ACTIONS.contains(&l) => {
            crate::engine::api::playground_lambda::dispatch(world, l, req)
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
        s if crate::engine::sources::playground::ACTIONS.contains(&s) => {
            crate::engine::sources::playground::dispatch(world, s, req)
        }
        l if crate::engine::api::playground_lessons::ACTIONS.contains(&l) => {
            crate::engine::api::playground_lessons::dispatch(world, l, req)
        }
        c if crate::engine::api::playground_consumers::ACTIONS.contains(&c) => {
            crate::engine::api::playground_consumers::dispatch(world, c, req)
        }
        k if crate::engine::kafka::producer_app::ACTIONS.contains(&k) => {
            crate::engine::kafka::producer_app::dispatch(world, k, req)
        }
        kcl if crate::engine::api::playground_kcl::ACTIONS.contains(&kcl) => {
            crate::engine::api::playground_kcl::dispatch(world, kcl, req)
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

fn stop_producer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ProducerName"])?;
    let name = producer_name(&req)?;
    if producer::stop(world, name) {
        Ok(json!({ "ProducerName": name, "Running": false }))
    } else {
        Err(ApiError::not_found(format!("Producer {name} not found.")))
    }
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
