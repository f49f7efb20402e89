//! Service `logs`: the CloudWatch Logs actions the playground implements, with the API's member
//! names (lower camel case) and error names.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::logs::log_events;
use crate::engine::logs::pattern::FilterPattern;
use crate::engine::logs::subscription::{self, Distribution, SubscriptionFilter};
use crate::engine::logs::{
    log_group_arn, unix_now, validate_group_name, validate_stream_name, LogGroup, LogStream,
};
use crate::engine::sources::Target;
use crate::engine::world::World;

/// Actions of service `logs`.
pub const ACTIONS: &[&str] = &[
    "CreateLogGroup",
    "DeleteLogGroup",
    "DescribeLogGroups",
    "PutRetentionPolicy",
    "CreateLogStream",
    "DescribeLogStreams",
    "PutLogEvents",
    "GetLogEvents",
    "FilterLogEvents",
    "TestMetricFilter",
    "PutSubscriptionFilter",
    "DescribeSubscriptionFilters",
    "DeleteSubscriptionFilter",
];

/// PutLogEvents: at most 10,000 events per call.
pub const MAX_EVENTS_PER_CALL: usize = 10_000;
/// PutLogEvents: at most 1,048,576 bytes per call, counting 26 bytes per event.
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// Bytes each event adds to the batch size.
pub const EVENT_OVERHEAD_BYTES: usize = 26;
/// Subscription filters per log group.
pub const MAX_FILTERS_PER_GROUP: usize = 2;
/// `retentionInDays` values the API accepts.
pub const RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidParameterException, message)
}

pub(super) fn no_group() -> ApiError {
    ApiError::not_found("The specified log group does not exist.")
}

/// Runs one `logs` action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateLogGroup" => create_group(world, req),
        "DeleteLogGroup" => {
            req.deny_unknown(&["logGroupName"])?;
            let name = req.str("logGroupName")?;
            world.logs.groups.remove(name).ok_or_else(no_group)?;
            Ok(json!({}))
        }
        "DescribeLogGroups" => describe_groups(world, req),
        "PutRetentionPolicy" => {
            req.deny_unknown(&["logGroupName", "retentionInDays"])?;
            let days = retention(req.int("retentionInDays", 1, 3653)?)?;
            let g = group_mut(world, req.str("logGroupName")?)?;
            g.retention_days = Some(days);
            Ok(json!({}))
        }
        "CreateLogStream" => {
            req.deny_unknown(&["logGroupName", "logStreamName"])?;
            let name = req.str("logStreamName")?;
            validate_stream_name(name).map_err(invalid)?;
            let now = unix_now(world);
            let g = group_mut(world, req.str("logGroupName")?)?;
            if g.streams.contains_key(name) {
                return Err(ApiError::new(
                    ErrorKind::ResourceAlreadyExistsException,
                    "The specified log stream already exists",
                ));
            }
            g.streams.insert(
                name.to_string(),
                LogStream {
                    creation_time: now,
                    ..Default::default()
                },
            );
            Ok(json!({}))
        }
        "DescribeLogStreams" => describe_streams(world, req),
        "PutLogEvents" => log_events::put(world, req),
        "GetLogEvents" => log_events::get(world, req),
        "FilterLogEvents" => log_events::filter(world, req),
        "TestMetricFilter" => {
            req.deny_unknown(&["filterPattern", "logEventMessages"])?;
            let pattern = FilterPattern::parse(req.str("filterPattern")?).map_err(invalid)?;
            let messages = req
                .opt_list("logEventMessages")?
                .ok_or_else(|| crate::engine::api::request::missing("logEventMessages"))?;
            if messages.is_empty() || messages.len() > 50 {
                return Err(invalid("logEventMessages must hold 1 to 50 messages"));
            }
            let mut matches = Vec::new();
            for (i, m) in messages.iter().enumerate() {
                let text = m.as_str().ok_or_else(|| {
                    ApiError::serialization("logEventMessages must be a list of strings")
                })?;
                if pattern.matches(text) {
                    matches.push(
                        json!({"eventNumber": i + 1, "eventMessage": text, "extractedValues": {}}),
                    );
                }
            }
            Ok(json!({ "matches": matches }))
        }
        "PutSubscriptionFilter" => put_subscription_filter(world, req),
        "DescribeSubscriptionFilters" => {
            req.deny_unknown(&["logGroupName", "filterNamePrefix"])?;
            let name = req.str("logGroupName")?;
            let prefix = req.opt_str("filterNamePrefix")?.unwrap_or("");
            let g = world.logs.groups.get(name).ok_or_else(no_group)?;
            let filters: Vec<Value> = g
                .filters
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(n, f)| f.to_json(name, n))
                .collect();
            Ok(json!({ "subscriptionFilters": filters }))
        }
        "DeleteSubscriptionFilter" => {
            req.deny_unknown(&["logGroupName", "filterName"])?;
            let g = group_mut(world, req.str("logGroupName")?)?;
            g.filters
                .remove(req.str("filterName")?)
                .ok_or_else(|| ApiError::not_found("The specified resource does not exist."))?;
            Ok(json!({}))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "logs has no action '{other}'; known: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

fn retention(days: i64) -> Result<u32, ApiError> {
    RETENTION_DAYS
        .iter()
        .copied()
        .find(|d| i64::from(*d) == days)
        .ok_or_else(|| {
            invalid(format!(
                "retentionInDays {days} is not one of {}",
                RETENTION_DAYS
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

fn group_mut<'w>(world: &'w mut World, name: &str) -> Result<&'w mut LogGroup, ApiError> {
    world.logs.groups.get_mut(name).ok_or_else(no_group)
}

fn create_group(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "retentionInDays",
        "tags",
        "logGroupClass",
        "kmsKeyId",
    ])?;
    let name = req.str("logGroupName")?;
    validate_group_name(name).map_err(invalid)?;
    let retention_days = match req.opt_int("retentionInDays", 1, 3653)? {
        Some(d) => Some(retention(d)?),
        None => None,
    };
    if world.logs.groups.contains_key(name) {
        return Err(ApiError::new(
            ErrorKind::ResourceAlreadyExistsException,
            "The specified log group already exists",
        ));
    }
    let creation_time = unix_now(world);
    world.logs.groups.insert(
        name.to_string(),
        LogGroup {
            creation_time,
            retention_days,
            ..Default::default()
        },
    );
    Ok(json!({}))
}

fn describe_groups(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["logGroupNamePrefix", "limit"])?;
    let prefix = req.opt_str("logGroupNamePrefix")?.unwrap_or("");
    let limit = req.opt_int("limit", 1, 50)?.unwrap_or(50) as usize;
    let groups: Vec<Value> = world
        .logs
        .groups
        .iter()
        .filter(|(n, _)| n.starts_with(prefix))
        .take(limit)
        .map(|(n, g)| {
            json!({
                "logGroupName": n,
                "creationTime": g.creation_time,
                "retentionInDays": g.retention_days,
                "metricFilterCount": 0,
                "arn": log_group_arn(n),
                "storedBytes": g.streams.values().map(|s| s.stored_bytes).sum::<u64>(),
            })
        })
        .collect();
    Ok(json!({ "logGroups": groups }))
}

fn describe_streams(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "logStreamNamePrefix",
        "limit",
        "descending",
        "orderBy",
    ])?;
    let g = world
        .logs
        .groups
        .get(req.str("logGroupName")?)
        .ok_or_else(no_group)?;
    let prefix = req.opt_str("logStreamNamePrefix")?.unwrap_or("");
    let limit = req.opt_int("limit", 1, 50)?.unwrap_or(50) as usize;
    let streams: Vec<Value> = g
        .streams
        .iter()
        .filter(|(n, _)| n.starts_with(prefix))
        .take(limit)
        .map(|(n, s)| {
            json!({
                "logStreamName": n,
                "creationTime": s.creation_time,
                "firstEventTimestamp": s.first_event,
                "lastEventTimestamp": s.last_event,
                "lastIngestionTime": s.last_ingestion,
                "storedBytes": s.stored_bytes,
            })
        })
        .collect();
    Ok(json!({ "logStreams": streams }))
}

fn put_subscription_filter(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "filterName",
        "filterPattern",
        "destinationArn",
        "roleArn",
        "distribution",
        "applyOnTransformedLogs",
        "fieldSelectionCriteria",
        "emitSystemFields",
    ])?;
    let group = req.str("logGroupName")?;
    let name = req.str("filterName")?;
    validate_stream_name(name).map_err(|_| {
        invalid(format!(
            "filterName '{name}' must be 1-512 characters without ':' or '*'"
        ))
    })?;
    let pattern_text = req.str("filterPattern")?;
    let pattern = FilterPattern::parse(pattern_text)
        .map_err(|m| invalid(format!("Invalid filter pattern: {m}")))?;
    let target = Target::parse_arn(req.str("destinationArn")?).map_err(invalid)?;
    let distribution = match req.opt_str("distribution")? {
        None | Some("ByLogStream") => Distribution::ByLogStream,
        Some("Random") => Distribution::Random,
        Some(other) => {
            return Err(invalid(format!(
                "distribution must be ByLogStream or Random, got {other}"
            )))
        }
    };
    let g = world.logs.groups.get(group).ok_or_else(no_group)?;
    if !g.filters.contains_key(name) && g.filters.len() >= MAX_FILTERS_PER_GROUP {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!("Resource limit exceeded: a log group has at most {MAX_FILTERS_PER_GROUP} subscription filters"),
        ));
    }
    // AWS proves the destination works by delivering a test (control) message first.
    subscription::send_control_message(world, &target).map_err(|e| {
        invalid(format!(
            "Could not deliver test message to specified {} {}: {e}",
            if target.service() == "firehose" {
                "Firehose stream"
            } else {
                "Kinesis stream"
            },
            target.name()
        ))
    })?;
    let creation_time = unix_now(world);
    if let Some(g) = world.logs.groups.get_mut(group) {
        g.filters.insert(
            name.to_string(),
            SubscriptionFilter {
                pattern_text: pattern_text.to_string(),
                pattern,
                target,
                distribution,
                creation_time,
                buffer: Default::default(),
                flush_at: None,
                retry: Default::default(),
                stats: Default::default(),
                matched: 0,
                unmatched: 0,
                samples: Default::default(),
            },
        );
    }
    Ok(json!({}))
}
