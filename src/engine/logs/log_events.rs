//! PutLogEvents, GetLogEvents and FilterLogEvents: the batch rules of PutLogEvents (size,
//! count, order, span; too old / too new events rejected, the rest accepted), the events kept per
//! stream, and filter-pattern search.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::logs::actions::{
    invalid, no_group, EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_EVENTS_PER_CALL,
};
use crate::engine::logs::pattern::FilterPattern;
use crate::engine::logs::{event_id, subscription, unix_now, LogEvent, KEPT_EVENTS_PER_STREAM};
use crate::engine::world::World;

const TWO_HOURS_MS: u64 = 2 * 3_600_000;
const DAY_MS: u64 = 24 * 3_600_000;

/// PutLogEvents.
pub fn put(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
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

/// GetLogEvents.
pub fn get(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
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

/// FilterLogEvents.
pub fn filter(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
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
