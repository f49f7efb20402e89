//! Service `playground` actions of the sources: simulated logging applications and device fleets,
//! and `DescribeSources`, one snapshot of every source for the UI's pipeline picture and
//! inspectors.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::iot::fleet::{self, DeviceFleet};
use crate::engine::logs::app::{self, LineFormat, LogApp};
use crate::engine::world::World;

/// The actions.
pub const ACTIONS: &[&str] = &[
    "StartLogApplication",
    "StopLogApplication",
    "StartDeviceFleet",
    "StopDeviceFleet",
    "DescribeSources",
];

fn bad(m: impl Into<String>) -> ApiError {
    ApiError::invalid_argument(m)
}

fn app_name(req: &Request<'_>) -> Result<String, ApiError> {
    let name = req.str("Name")?;
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if ok {
        Ok(name.to_string())
    } else {
        Err(bad(format!(
            "Name '{name}' must be 1-64 characters of [a-zA-Z0-9_.-]"
        )))
    }
}

/// Runs one sources action.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "StartLogApplication" => {
            req.deny_unknown(&[
                "Name",
                "LogGroupName",
                "RatePerSecond",
                "Hosts",
                "Format",
                "FlushIntervalMs",
            ])?;
            let name = app_name(&req)?;
            let group = req.str("LogGroupName")?;
            crate::engine::logs::validate_group_name(group)
                .map_err(|m| ApiError::new(ErrorKind::InvalidParameterException, m))?;
            let rate = req
                .opt_f64("RatePerSecond", 0.0, app::MAX_RATE_PER_S)?
                .unwrap_or(10.0);
            let hosts = req
                .opt_int("Hosts", 1, i64::from(app::MAX_HOSTS))?
                .unwrap_or(2) as u32;
            let format = match req.opt_str("Format")? {
                None => LineFormat::Json,
                Some(f) => LineFormat::parse(f)
                    .ok_or_else(|| bad(format!("Format must be JSON or ACCESS_LOG, got {f}")))?,
            };
            let flush_ms = req
                .opt_int("FlushIntervalMs", 200, 60_000)?
                .unwrap_or(1_000) as u64;
            app::start(
                world,
                &name,
                LogApp {
                    group: group.to_string(),
                    rate_per_s: rate,
                    hosts,
                    format,
                    flush_ms,
                    running: true,
                    generation: 0,
                    flushes: 0,
                    lines: 0,
                    calls: 0,
                    last_error: None,
                },
            );
            Ok(world
                .logs
                .apps
                .get(&name)
                .map(|a| a.to_json(&name))
                .unwrap_or_default())
        }
        "StopLogApplication" => {
            req.deny_unknown(&["Name"])?;
            let name = req.str("Name")?;
            let a =
                world.logs.apps.get_mut(name).ok_or_else(|| {
                    ApiError::not_found(format!("no log application named {name}"))
                })?;
            a.running = false;
            Ok(a.to_json(name))
        }
        "StartDeviceFleet" => {
            req.deny_unknown(&["Name", "DeviceCount", "RatePerSecond", "TopicTemplate"])?;
            let name = app_name(&req)?;
            let devices = req
                .opt_int("DeviceCount", 1, i64::from(fleet::MAX_DEVICES))?
                .unwrap_or(10) as u32;
            let rate = req
                .opt_f64("RatePerSecond", 0.0, fleet::MAX_RATE_PER_S)?
                .unwrap_or(20.0);
            let template = req
                .opt_str("TopicTemplate")?
                .unwrap_or("sensors/{device}/telemetry");
            fleet::validate_template(template)
                .map_err(|m| ApiError::new(ErrorKind::InvalidRequestException, m))?;
            fleet::start(
                world,
                &name,
                DeviceFleet {
                    devices,
                    rate_per_s: rate,
                    topic_template: template.to_string(),
                    running: true,
                    generation: 0,
                    ticks: 0,
                    published: 0,
                },
            );
            Ok(world
                .iot
                .fleets
                .get(&name)
                .map(|f| f.to_json(&name))
                .unwrap_or_default())
        }
        "StopDeviceFleet" => {
            req.deny_unknown(&["Name"])?;
            let name = req.str("Name")?;
            let f = world
                .iot
                .fleets
                .get_mut(name)
                .ok_or_else(|| ApiError::not_found(format!("no device fleet named {name}")))?;
            f.running = false;
            Ok(f.to_json(name))
        }
        "DescribeSources" => {
            req.deny_unknown(&[])?;
            Ok(describe(world))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown sources action {other}"),
        )),
    }
}

/// Every source with its destination, counters and the newest records it delivered.
pub fn describe(world: &World) -> Value {
    let mut log_groups = Vec::new();
    for (name, g) in &world.logs.groups {
        log_groups.push(json!({
            "LogGroupName": name,
            "Streams": g.streams.len(),
            "Events": g.streams.values().map(|s| s.event_count).sum::<u64>(),
            "StoredBytes": g.streams.values().map(|s| s.stored_bytes).sum::<u64>(),
            "RecentEvents": g.streams.iter().flat_map(|(sn, s)| s.events.iter().rev().take(3).map(move |e| json!({"logStreamName": sn, "timestamp": e.timestamp, "message": e.message}))).take(6).collect::<Vec<_>>(),
            "SubscriptionFilters": g.filters.iter().map(|(f, sf)| sf.to_json(name, f)).collect::<Vec<_>>(),
        }));
    }
    let rules: Vec<Value> = world
        .events
        .rules
        .iter()
        .map(|(n, r)| {
            json!({
                "Name": n,
                "EventPattern": r.pattern.as_ref().map(Value::to_string),
                "ScheduleExpression": r.schedule_text,
                "State": if r.enabled { "ENABLED" } else { "DISABLED" },
                "Matched": r.matched,
                "Targets": r.targets.iter().map(|(id, t)| json!({
                    "Id": id,
                    "Arn": t.target.arn(),
                    "Delivery": t.stats.to_json(),
                    "WaitingForRetry": t.retry.len(),
                    "Samples": t.samples.iter().cloned().collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let topic_rules: Vec<Value> = world
        .iot
        .rules
        .iter()
        .map(|(n, r)| {
            json!({
                "RuleName": n,
                "Sql": r.sql_text,
                "TopicFilter": r.sql.topic_filter,
                "Disabled": r.disabled,
                "TopicMatches": r.topic_matches,
                "Selected": r.selected,
                "Actions": r.actions.iter().map(|a| json!({
                    "Arn": a.target.arn(),
                    "Delivery": a.stats.to_json(),
                    "Failures": a.failures,
                })).collect::<Vec<_>>(),
                "Samples": r.samples.iter().cloned().collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "LogGroups": log_groups,
        "LogApplications": world.logs.apps.iter().map(|(n, a)| a.to_json(n)).collect::<Vec<_>>(),
        "EventRules": rules,
        "EventsPut": world.events.events_put,
        "RecentEvents": world.events.recent.iter().cloned().collect::<Vec<_>>(),
        "TopicRules": topic_rules,
        "DeviceFleets": world.iot.fleets.iter().map(|(n, f)| f.to_json(n)).collect::<Vec<_>>(),
        "MessagesPublished": world.iot.published,
        "RecentMessages": world.iot.recent.iter().cloned().collect::<Vec<_>>(),
    })
}
