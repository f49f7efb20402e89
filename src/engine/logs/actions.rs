//! Service `logs`: the CloudWatch Logs actions the playground implements, with the API's member
//! names (lower camel case) and error names.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::logs::pattern::FilterPattern;
use crate::engine::logs::subscription::{self, Distribution, SubscriptionFilter};
use crate::engine::logs::{
    event_id, log_group_arn, unix_now, validate_group_name, validate_stream_name, LogEvent,
    LogGroup, LogStream, KEPT_EVENTS_PER_STREAM,
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
const TWO_HOURS_MS: u64 = 2 * 3_600_000;
const DAY_MS: u64 = 24 * 3_600_000;
/// `retentionInDays` values the API accepts.
pub const RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidParameterException, message)
}

fn no_group() -> ApiError {
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
        "PutLogEvents" => put_log_events(world, req),
        "GetLogEvents" => get_log_events(world, req),
        "FilterLogEvents" => filter_log_events(world, req),
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

fn put_log_events(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "logStreamName",
        "logEvents",
        "sequenceToken",
        "entity",
    ])?;
    let group = req.str("logGroupName")?;
    let stream = req.str("logStreamName")?;
    let list = req
        .opt_list("logEvents")?
        .ok_or_else(|| crate::engine::api::request::missing("logEvents"))?;
    if list.is_empty() || list.len() > MAX_EVENTS_PER_CALL {
        return Err(invalid(format!(
            "logEvents holds {} events; 1 to {MAX_EVENTS_PER_CALL} per call",
            list.len()
        )));
    }
    let mut batch: Vec<(u64, String)> = Vec::with_capacity(list.len());
    let mut size = 0usize;
    for (i, e) in list.iter().enumerate() {
        let e = Request::new(e)?;
        e.deny_unknown(&["timestamp", "message"])?;
        let ts = e.int("timestamp", 0, i64::MAX)? as u64;
        let message = e.str("message")?;
        if message.is_empty() {
            return Err(invalid(format!("logEvents[{i}].message must not be empty")));
        }
        size += message.len() + EVENT_OVERHEAD_BYTES;
        if size > MAX_BATCH_BYTES {
            return Err(invalid(format!(
                "the batch is larger than {MAX_BATCH_BYTES} bytes (messages in UTF-8 plus {EVENT_OVERHEAD_BYTES} bytes per event)"
            )));
        }
        if batch.last().is_some_and(|(prev, _)| *prev > ts) {
            return Err(invalid(format!(
                "Log events in a single PutLogEvents request must be in chronological order: logEvents[{i}] is older than the one before it"
            )));
        }
        batch.push((ts, message.to_string()));
    }
    let now = unix_now(world);
    let g = world.logs.groups.get(group).ok_or_else(no_group)?;
    if !g.streams.contains_key(stream) {
        return Err(ApiError::not_found(
            "The specified log stream does not exist.",
        ));
    }
    // Rejected, not failed: too new (> 2 h ahead), too old (> 14 days) or before the retention.
    let oldest_ok = now.saturating_sub(14 * DAY_MS).max(match g.retention_days {
        Some(d) => now.saturating_sub(u64::from(d) * DAY_MS),
        None => 0,
    });
    let too_new_start = batch.iter().position(|(ts, _)| *ts > now + TWO_HOURS_MS);
    let too_old_end = batch.iter().rposition(|(ts, _)| *ts < oldest_ok);
    let lo = too_old_end.map_or(0, |i| i + 1);
    let hi = too_new_start.unwrap_or(batch.len()).max(lo);
    let accepted = &batch[lo..hi];
    if let (Some((first, _)), Some((last, _))) = (accepted.first(), accepted.last()) {
        if last - first > DAY_MS {
            return Err(invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours."));
        }
    }
    let mut events = Vec::with_capacity(accepted.len());
    for (ts, message) in accepted {
        let n = world.logs.next_event;
        world.logs.next_event += 1;
        events.push(LogEvent {
            id: event_id(*ts, n),
            timestamp: *ts,
            message: message.clone(),
            ingestion_time: now,
        });
    }
    if let Some(s) = world
        .logs
        .groups
        .get_mut(group)
        .and_then(|g| g.streams.get_mut(stream))
    {
        for e in &events {
            s.event_count += 1;
            s.stored_bytes += (e.message.len() + EVENT_OVERHEAD_BYTES) as u64;
            s.first_event = Some(s.first_event.map_or(e.timestamp, |f| f.min(e.timestamp)));
            s.last_event = Some(s.last_event.map_or(e.timestamp, |l| l.max(e.timestamp)));
            s.last_ingestion = Some(now);
            crate::engine::sources::keep_newest(&mut s.events, e.clone(), KEPT_EVENTS_PER_STREAM);
        }
    }
    subscription::offer(world, group, stream, &events);
    let mut out = json!({ "nextSequenceToken": format!("{:056}", world.logs.next_event) });
    if too_new_start.is_some() || too_old_end.is_some() {
        let mut info = serde_json::Map::new();
        if let Some(i) = too_new_start {
            info.insert("tooNewLogEventStartIndex".into(), json!(i));
        }
        if let Some(i) = too_old_end {
            info.insert("tooOldLogEventEndIndex".into(), json!(i));
        }
        out["rejectedLogEventsInfo"] = Value::Object(info);
    }
    Ok(out)
}

fn get_log_events(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "logStreamName",
        "limit",
        "startFromHead",
        "startTime",
        "endTime",
        "nextToken",
    ])?;
    let g = world
        .logs
        .groups
        .get(req.str("logGroupName")?)
        .ok_or_else(no_group)?;
    let s = g
        .streams
        .get(req.str("logStreamName")?)
        .ok_or_else(|| ApiError::not_found("The specified log stream does not exist."))?;
    let limit = req.opt_int("limit", 1, 10_000)?.unwrap_or(10_000) as usize;
    let from_head = req.opt_bool("startFromHead")?.unwrap_or(false);
    let start = req
        .opt_int("startTime", 0, i64::MAX)?
        .map_or(0, |v| v as u64);
    let end = req
        .opt_int("endTime", 0, i64::MAX)?
        .map_or(u64::MAX, |v| v as u64);
    let all: Vec<&LogEvent> = s
        .events
        .iter()
        .filter(|e| e.timestamp >= start && e.timestamp < end)
        .collect();
    let picked: Vec<&LogEvent> = if from_head {
        all.into_iter().take(limit).collect()
    } else {
        let skip = all.len().saturating_sub(limit);
        all.into_iter().skip(skip).collect()
    };
    let events: Vec<Value> = picked
        .iter()
        .map(|e| json!({"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time}))
        .collect();
    Ok(json!({ "events": events, "nextForwardToken": "f/end", "nextBackwardToken": "b/start" }))
}

fn filter_log_events(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "logGroupName",
        "logStreamNames",
        "filterPattern",
        "limit",
        "startTime",
        "endTime",
    ])?;
    let g = world
        .logs
        .groups
        .get(req.str("logGroupName")?)
        .ok_or_else(no_group)?;
    let pattern =
        FilterPattern::parse(req.opt_str("filterPattern")?.unwrap_or("")).map_err(invalid)?;
    let limit = req.opt_int("limit", 1, 10_000)?.unwrap_or(10_000) as usize;
    let names: Option<Vec<&str>> = req
        .opt_list("logStreamNames")?
        .map(|l| l.iter().filter_map(Value::as_str).collect());
    let mut hits: Vec<(&str, &LogEvent)> = Vec::new();
    for (name, s) in &g.streams {
        if names.as_ref().is_some_and(|n| !n.contains(&name.as_str())) {
            continue;
        }
        hits.extend(
            s.events
                .iter()
                .filter(|e| pattern.matches(&e.message))
                .map(|e| (name.as_str(), e)),
        );
    }
    hits.sort_by(|a, b| (a.1.timestamp, &a.1.id).cmp(&(b.1.timestamp, &b.1.id)));
    let events: Vec<Value> = hits
        .into_iter()
        .take(limit)
        .map(|(stream, e)| json!({"logStreamName": stream, "timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time, "eventId": e.id}))
        .collect();
    Ok(json!({ "events": events, "searchedLogStreams": [] }))
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
