//! Service `events`: EventBridge's rule, target and PutEvents actions on the default bus, with the
//! API's member names and error names.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::events::{
    pattern, rule_arn, schedule, schedule_next, Rule, RuleTarget, MAX_TARGETS_PER_RULE,
};
use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::sources::Target;
use crate::engine::world::World;

/// Actions of service `events`.
pub const ACTIONS: &[&str] = &[
    "PutRule",
    "DescribeRule",
    "ListRules",
    "DeleteRule",
    "EnableRule",
    "DisableRule",
    "PutTargets",
    "RemoveTargets",
    "ListTargetsByRule",
    "PutEvents",
    "TestEventPattern",
];

/// PutEvents: 1–10 entries per call.
pub const MAX_ENTRIES: usize = 10;
/// PutEvents: at most 256 KiB per call.
pub const MAX_PUT_EVENTS_BYTES: usize = 256 * 1024;

pub(super) fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::ValidationException, message)
}

fn no_rule(name: &str) -> ApiError {
    ApiError::not_found(format!("Rule {name} does not exist on EventBus default."))
}

pub(super) fn check_bus(req: &Request<'_>) -> Result<(), ApiError> {
    match req.opt_str("EventBusName")? {
        None | Some("default") => Ok(()),
        Some(b) if b == format!("arn:aws:events:{REGION}:{ACCOUNT_ID}:event-bus/default") => Ok(()),
        Some(b) => Err(ApiError::not_found(format!(
            "Event bus {b} does not exist. The playground has the default bus only."
        ))),
    }
}

fn rule_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(name, "name", "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64"))
    }
}

/// Runs one `events` action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "PutRule" => put_rule(world, req),
        "DescribeRule" => {
            req.deny_unknown(&["Name", "EventBusName"])?;
            check_bus(&req)?;
            let name = req.str("Name")?;
            let r = world.events.rules.get(name).ok_or_else(|| no_rule(name))?;
            Ok(describe(name, r))
        }
        "ListRules" => {
            req.deny_unknown(&["NamePrefix", "EventBusName", "Limit"])?;
            check_bus(&req)?;
            let prefix = req.opt_str("NamePrefix")?.unwrap_or("");
            let rules: Vec<Value> = world
                .events
                .rules
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(n, r)| describe(n, r))
                .collect();
            Ok(json!({ "Rules": rules }))
        }
        "DeleteRule" => {
            req.deny_unknown(&["Name", "EventBusName", "Force"])?;
            check_bus(&req)?;
            let name = req.str("Name")?;
            match world.events.rules.get(name) {
                None => Ok(json!({})),
                Some(r) if !r.targets.is_empty() => {
                    Err(validation("Rule can't be deleted since it has targets."))
                }
                Some(_) => {
                    world.events.rules.remove(name);
                    Ok(json!({}))
                }
            }
        }
        "EnableRule" | "DisableRule" => {
            req.deny_unknown(&["Name", "EventBusName"])?;
            check_bus(&req)?;
            let name = req.str("Name")?;
            let r = world
                .events
                .rules
                .get_mut(name)
                .ok_or_else(|| no_rule(name))?;
            r.enabled = action == "EnableRule";
            r.generation += 1;
            schedule_next(world, name);
            Ok(json!({}))
        }
        "PutTargets" => put_targets(world, req),
        "RemoveTargets" => {
            req.deny_unknown(&["Rule", "Ids", "EventBusName", "Force"])?;
            check_bus(&req)?;
            let name = req.str("Rule")?;
            let r = world
                .events
                .rules
                .get_mut(name)
                .ok_or_else(|| no_rule(name))?;
            let ids = req
                .opt_list("Ids")?
                .ok_or_else(|| crate::engine::api::request::missing("Ids"))?;
            let mut failed = Vec::new();
            for id in ids {
                let id = id.as_str().unwrap_or_default();
                if r.targets.remove(id).is_none() {
                    failed.push(json!({"TargetId": id, "ErrorCode": "ResourceNotFoundException", "ErrorMessage": format!("Target {id} does not exist on rule {name}.")}));
                }
            }
            Ok(json!({"FailedEntryCount": failed.len(), "FailedEntries": failed}))
        }
        "ListTargetsByRule" => {
            req.deny_unknown(&["Rule", "EventBusName", "Limit"])?;
            check_bus(&req)?;
            let name = req.str("Rule")?;
            let r = world.events.rules.get(name).ok_or_else(|| no_rule(name))?;
            let targets: Vec<Value> = r.targets.iter().map(|(id, t)| target_json(id, t)).collect();
            Ok(json!({ "Targets": targets }))
        }
        "PutEvents" => crate::engine::events::put_events::put_events(world, req),
        "TestEventPattern" => {
            req.deny_unknown(&["EventPattern", "Event"])?;
            let p = pattern::parse(req.str("EventPattern")?)
                .map_err(|m| ApiError::new(ErrorKind::InvalidEventPatternException, m))?;
            let event: Value = serde_json::from_str(req.str("Event")?)
                .map_err(|e| validation(format!("Event is not valid JSON: {e}")))?;
            for f in ["id", "account", "source", "time", "region", "detail-type"] {
                if event.get(f).is_none() {
                    return Err(validation(format!(
                        "Parameter Event is not valid: the event needs the field '{f}'"
                    )));
                }
            }
            Ok(json!({ "Result": pattern::matches(&p, &event) }))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "events has no action '{other}'; known: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

fn describe(name: &str, r: &Rule) -> Value {
    json!({
        "Name": name,
        "Arn": rule_arn(name),
        "EventPattern": r.pattern.as_ref().map(Value::to_string),
        "ScheduleExpression": r.schedule_text,
        "State": if r.enabled { "ENABLED" } else { "DISABLED" },
        "Description": r.description,
        "EventBusName": "default",
        "Playground": { "Matched": r.matched, "Targets": r.targets.len() },
    })
}

fn target_json(id: &str, t: &RuleTarget) -> Value {
    let mut v = json!({"Id": id, "Arn": t.target.arn()});
    if let Some(i) = &t.input {
        v["Input"] = json!(i);
    }
    if let Some(p) = &t.input_path {
        v["InputPath"] = json!(p);
    }
    if let Some(p) = &t.partition_key_path {
        v["KinesisParameters"] = json!({"PartitionKeyPath": p});
    }
    v["Playground"] = json!({
        "Delivery": t.stats.to_json(),
        "WaitingForRetry": t.retry.len(),
        "Samples": t.samples.iter().cloned().collect::<Vec<_>>(),
    });
    v
}

fn put_rule(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Name",
        "EventPattern",
        "ScheduleExpression",
        "State",
        "Description",
        "RoleArn",
        "Tags",
        "EventBusName",
    ])?;
    check_bus(&req)?;
    let name = req.str("Name")?;
    rule_name(name)?;
    let pattern = match req.opt_str("EventPattern")? {
        Some(p) => Some(
            pattern::parse(p)
                .map_err(|m| ApiError::new(ErrorKind::InvalidEventPatternException, m))?,
        ),
        None => None,
    };
    let schedule_text = req.opt_str("ScheduleExpression")?.map(str::to_string);
    let schedule = match &schedule_text {
        Some(s) => Some(schedule::parse(s).map_err(validation)?),
        None => None,
    };
    if pattern.is_none() && schedule.is_none() {
        return Err(validation(
            "Parameter(s) EventPattern or ScheduleExpression must be specified.",
        ));
    }
    let enabled = match req.opt_str("State")? {
        None | Some("ENABLED") => true,
        Some("DISABLED") => false,
        Some(other) => {
            return Err(ApiError::validation(
                other,
                "state",
                "Member must satisfy enum value set: [ENABLED, DISABLED]",
            ))
        }
    };
    let anchor = world.epoch().to_unix_ms(world.now());
    let previous = world.events.rules.remove(name);
    let rule = Rule {
        pattern,
        schedule_text,
        schedule,
        enabled,
        description: req.opt_str("Description")?.map(str::to_string),
        targets: previous
            .as_ref()
            .map(|p| p.targets.clone())
            .unwrap_or_default(),
        anchor_unix_ms: anchor,
        generation: previous.as_ref().map_or(1, |p| p.generation + 1),
        matched: previous.as_ref().map_or(0, |p| p.matched),
    };
    world.events.rules.insert(name.to_string(), rule);
    schedule_next(world, name);
    Ok(json!({ "RuleArn": rule_arn(name) }))
}

fn put_targets(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Rule", "Targets", "EventBusName"])?;
    check_bus(&req)?;
    let name = req.str("Rule")?;
    let list = req
        .opt_list("Targets")?
        .ok_or_else(|| crate::engine::api::request::missing("Targets"))?;
    if list.is_empty() || list.len() > 10 {
        return Err(ApiError::validation(
            &format!("<{} targets>", list.len()),
            "targets",
            "Member must have length between 1 and 10",
        ));
    }
    let mut parsed = Vec::new();
    let mut failed = Vec::new();
    for t in list {
        let t = Request::new(t)?;
        t.deny_unknown(&[
            "Id",
            "Arn",
            "RoleArn",
            "Input",
            "InputPath",
            "KinesisParameters",
            "RetryPolicy",
            "DeadLetterConfig",
        ])?;
        let id = t.str("Id")?;
        let target = match Target::parse_arn(t.str("Arn")?) {
            Ok(x) => x,
            Err(m) => {
                failed.push(
                    json!({"TargetId": id, "ErrorCode": "ValidationException", "ErrorMessage": m}),
                );
                continue;
            }
        };
        let input = t.opt_str("Input")?.map(str::to_string);
        if let Some(i) = &input {
            if serde_json::from_str::<Value>(i).is_err() {
                return Err(validation(format!(
                    "Target {id}: Input must be valid JSON text"
                )));
            }
        }
        let input_path = t.opt_str("InputPath")?.map(str::to_string);
        if input.is_some() && input_path.is_some() {
            return Err(validation(format!(
                "Target {id}: Input and InputPath are mutually exclusive"
            )));
        }
        if input_path.as_deref().is_some_and(|p| !p.starts_with('$')) {
            return Err(validation(format!(
                "Target {id}: InputPath must be a JSON path like $.detail"
            )));
        }
        let partition_key_path = match t.opt_struct("KinesisParameters")? {
            Some(k) => {
                k.deny_unknown(&["PartitionKeyPath"])?;
                Some(k.str("PartitionKeyPath")?.to_string())
            }
            None => None,
        };
        parsed.push((
            id.to_string(),
            RuleTarget {
                target,
                input,
                input_path,
                partition_key_path,
                stats: Default::default(),
                retry: Default::default(),
                samples: Default::default(),
            },
        ));
    }
    let r = world
        .events
        .rules
        .get_mut(name)
        .ok_or_else(|| no_rule(name))?;
    for (id, t) in parsed {
        if !r.targets.contains_key(&id) && r.targets.len() >= MAX_TARGETS_PER_RULE {
            return Err(ApiError::new(ErrorKind::LimitExceededException, format!("The requested resource exceeds the maximum number allowed: at most {MAX_TARGETS_PER_RULE} targets per rule")));
        }
        r.targets.insert(id, t);
    }
    Ok(json!({"FailedEntryCount": failed.len(), "FailedEntries": failed}))
}
