//! PutEvents: entries checked one by one (each gets an `EventId` or an `ErrorCode`), wrapped
//! in the EventBridge envelope and delivered to the targets of every enabled rule whose pattern
//! matches.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::events::actions::{check_bus, validation, MAX_ENTRIES, MAX_PUT_EVENTS_BYTES};
use crate::engine::events::{deliver_to_targets, event_time, pattern, uuid};
use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::sources::keep_newest;
use crate::engine::world::World;

/// Events the inspector keeps.
const RECENT: usize = 10;

/// PutEvents.
pub fn put_events(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Entries", "EndpointId"])?;
    let list = req
        .opt_list("Entries")?
        .ok_or_else(|| crate::engine::api::request::missing("Entries"))?;
    if list.is_empty() || list.len() > MAX_ENTRIES {
        return Err(ApiError::validation(
            &format!("<{} entries>", list.len()),
            "entries",
            "Member must have length between 1 and 10",
        ));
    }
    let size: usize = list.iter().map(|e| e.to_string().len()).sum();
    if size > MAX_PUT_EVENTS_BYTES {
        return Err(validation(format!("Total size of the entries in the request is over the limit: {size} bytes of at most {MAX_PUT_EVENTS_BYTES}")));
    }
    let mut entries = Vec::new();
    let mut failed = 0;
    let now_unix = world.epoch().to_unix_ms(world.now());
    for e in list {
        let e = Request::new(e)?;
        e.deny_unknown(&[
            "Source",
            "DetailType",
            "Detail",
            "Resources",
            "Time",
            "EventBusName",
            "TraceHeader",
        ])?;
        let entry_error = |code: &str, msg: String| json!({"ErrorCode": code, "ErrorMessage": msg});
        let (Some(source), Some(detail_type), Some(detail)) = (
            e.opt_str("Source")?,
            e.opt_str("DetailType")?,
            e.opt_str("Detail")?,
        ) else {
            failed += 1;
            entries.push(entry_error(
                "InvalidArgument",
                "Parameters Source, DetailType and Detail are required.".into(),
            ));
            continue;
        };
        if check_bus(&e).is_err() {
            failed += 1;
            entries.push(entry_error(
                "InvalidArgument",
                "Event bus does not exist; the playground has the default bus only.".into(),
            ));
            continue;
        }
        if source.starts_with("aws.") {
            failed += 1;
            entries.push(entry_error("NotAuthorizedForSourceException", format!("Not authorized for the source {source}: sources starting with aws. are reserved for AWS services.")));
            continue;
        }
        let detail: Value = match serde_json::from_str::<Value>(detail) {
            Ok(v) if v.is_object() => v,
            _ => {
                failed += 1;
                entries.push(entry_error(
                    "MalformedDetail",
                    "Detail is malformed: it must be a JSON object.".into(),
                ));
                continue;
            }
        };
        let resources: Vec<Value> = e.opt_list("Resources")?.cloned().unwrap_or_default();
        let time = match e.raw("Time") {
            Some(Value::Number(n)) => n.as_f64().map(|s| (s * 1000.0) as u64).unwrap_or(now_unix),
            _ => now_unix,
        };
        let id = uuid(world);
        let event = json!({
            "version": "0",
            "id": id,
            "detail-type": detail_type,
            "source": source,
            "account": ACCOUNT_ID,
            "time": event_time(time),
            "region": REGION,
            "resources": resources,
            "detail": detail,
        });
        world.events.events_put += 1;
        keep_newest(&mut world.events.recent, event.clone(), RECENT);
        let matching: Vec<String> = world
            .events
            .rules
            .iter()
            .filter(|(_, r)| {
                r.enabled
                    && r.pattern
                        .as_ref()
                        .is_some_and(|p| pattern::matches(p, &event))
            })
            .map(|(n, _)| n.clone())
            .collect();
        for rule in matching {
            deliver_to_targets(world, &rule, &event);
        }
        entries.push(json!({ "EventId": id }));
    }
    Ok(json!({ "FailedEntryCount": failed, "Entries": entries }))
}
