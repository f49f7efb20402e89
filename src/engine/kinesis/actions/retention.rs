//! IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod (semantics.md §1.9).
//!
//! `RetentionPeriodHours` is a plain integer in the API model, so every range failure is an
//! `InvalidArgumentException` worded as AWS words it (kinesalite/moto carry the texts). Both
//! actions need an ACTIVE stream (`ResourceInUseException` otherwise, as for resharding).
//!
//! - Increase: must be greater than the current period and ≤ 8,760 h. Records already trimmed stay
//!   gone: trimming drops them from the shard, so nothing can bring them back (§1.9).
//! - Decrease: must be smaller than the current period and ≥ 24 h. Data older than the new period
//!   becomes inaccessible at once: the stream is trimmed (and closed shards expire) in the call.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::limits::{MAX_RETENTION_HOURS, MIN_RETENTION_HOURS};
use crate::engine::kinesis::stream::StreamStatus;
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::world::World;

enum Direction {
    Increase,
    Decrease,
}

fn change_retention(
    world: &mut World,
    req: Request<'_>,
    direction: Direction,
) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "RetentionPeriodHours"])?;
    let name = stream_name_of(&req)?;
    let hours = req.int(
        "RetentionPeriodHours",
        i64::from(i32::MIN),
        i64::from(i32::MAX),
    )?;
    let now = world.now();
    let stream = world
        .kinesis
        .stream_mut(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    if stream.status != StreamStatus::Active {
        return Err(ApiError::in_use(format!(
            "Stream {name} under account {ACCOUNT_ID} not ACTIVE, instead in state {}",
            stream.status.as_str()
        )));
    }
    if hours < i64::from(MIN_RETENTION_HOURS) {
        return Err(ApiError::invalid_argument(format!(
            "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
        )));
    }
    if hours > i64::from(MAX_RETENTION_HOURS) {
        return Err(ApiError::invalid_argument(format!(
            "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
        )));
    }
    let current = i64::from(stream.retention_hours);
    match direction {
        Direction::Increase if hours < current => {
            return Err(ApiError::invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )))
        }
        Direction::Decrease if hours > current => {
            return Err(ApiError::invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )))
        }
        // KDS-API: the new period "must be more than" (increase) / "less than" (decrease) the
        // current one, so an unchanged period is rejected too.
        _ if hours == current => {
            return Err(ApiError::invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} is the same as the existing retention period ({current} hours); it must be {} than it.",
                match direction {
                    Direction::Increase => "longer",
                    Direction::Decrease => "shorter",
                }
            )))
        }
        _ => {}
    }
    stream.retention_hours = hours as u32;
    if matches!(direction, Direction::Decrease) {
        // §1.9: data older than the new period is inaccessible immediately.
        stream.apply_retention(now);
    }
    Ok(json!({}))
}

/// IncreaseStreamRetentionPeriod.
pub fn increase_stream_retention_period(
    world: &mut World,
    req: Request<'_>,
) -> Result<Value, ApiError> {
    change_retention(world, req, Direction::Increase)
}

/// DecreaseStreamRetentionPeriod.
pub fn decrease_stream_retention_period(
    world: &mut World,
    req: Request<'_>,
) -> Result<Value, ApiError> {
    change_retention(world, req, Direction::Decrease)
}
