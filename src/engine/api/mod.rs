//! The one API dispatcher: `(service, action, request JSON) → response JSON | AWS-named error`.
//!
//! The UI, its API console, the native CLI and the tests all call [`dispatch`]; nothing mutates a
//! world any other way (time aside, which only moves through `World::advance_to`).

pub mod error;
pub mod playground;
pub mod playground_consumers;
pub mod playground_efo;
pub mod playground_kcl;
pub mod playground_lambda;
pub mod playground_lessons;
pub mod playground_producers;
pub mod producer_settings;
pub mod request;

use serde_json::Value;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::world::World;

/// Service names the dispatcher knows.
pub const SERVICES: &[&str] = &[
    "kinesis",
    "firehose",
    "s3",
    "glue",
    "cloudwatch",
    "kinesisanalyticsv2",
    "kafka",
    "logs",
    "events",
    "iot",
    "iot-data",
    "playground",
];

/// Runs `action` of `service` with `request` on `world` at its current virtual time.
pub fn dispatch(
    world: &mut World,
    service: &str,
    action: &str,
    request: &Value,
) -> Result<Value, ApiError> {
    match service {
        "kinesis" => crate::engine::kinesis::actions::dispatch(world, action, request),
        "firehose" => crate::engine::firehose::actions::dispatch(world, action, request),
        "s3" => crate::engine::s3::actions::dispatch(world, action, request),
        "glue" => crate::engine::glue::dispatch(world, action, request),
        "cloudwatch" => crate::engine::cloudwatch::dispatch(world, action, request),
        "kinesisanalyticsv2" => crate::engine::analytics::actions::dispatch(world, action, request),
        "kafka" => crate::engine::kafka::actions::dispatch(world, action, request),
        "logs" => crate::engine::logs::actions::dispatch(world, action, request),
        "events" => crate::engine::events::actions::dispatch(world, action, request),
        "iot" => crate::engine::iot::actions::dispatch(world, action, request),
        "iot-data" => crate::engine::iot::actions::dispatch_data(world, action, request),
        "playground" => playground::dispatch(world, action, request),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "unknown service '{other}'; known services: {}",
                SERVICES.join(", ")
            ),
        )),
    }
}
