//! Service `playground`: simulated Kafka consumer applications (`consumer_app`) — create, add,
//! stop, crash and pause members, and describe them with their processing ledger.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::actions_group::{read_config, string_list};
use crate::engine::kafka::consumer_app::{
    ledger_summary, start_member, AppMemberState, ConsumerApp,
};
use crate::engine::kafka::coordinator;
use crate::engine::world::World;

/// Actions of this family.
pub const ACTIONS: &[&str] = &[
    "CreateKafkaConsumerApp",
    "AddKafkaConsumer",
    "StopKafkaConsumer",
    "CrashKafkaConsumer",
    "PauseKafkaConsumer",
    "DescribeKafkaConsumerApps",
];

/// Most members of one application.
const MAX_MEMBERS: i64 = 64;

/// Runs one consumer-app action.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "CreateKafkaConsumerApp" => create(world, req),
        "AddKafkaConsumer" => {
            req.deny_unknown(&["AppName"])?;
            let app = req.str("AppName")?;
            let count = find(world, app)?.members.len() as i64;
            if count >= MAX_MEMBERS {
                return Err(ApiError::new(
                    ErrorKind::LimitExceededException,
                    format!(
                        "app {app} already has {count} members (playground limit {MAX_MEMBERS})"
                    ),
                ));
            }
            let id = start_member(world, app, None)?;
            Ok(json!({ "AppName": app, "MemberId": id }))
        }
        "StopKafkaConsumer" | "CrashKafkaConsumer" => {
            req.deny_unknown(&["AppName", "MemberId"])?;
            let (app, member) = (req.str("AppName")?, req.str("MemberId")?);
            let group = member_state(world, app, member)?;
            let crash = action == "CrashKafkaConsumer";
            let in_group = world
                .kafka
                .groups
                .get(&group)
                .and_then(|g| g.members.get(member))
                .is_some_and(|m| !m.crashed);
            if in_group {
                if crash {
                    coordinator::crash(world, &group, member)?;
                } else {
                    coordinator::leave(world, &group, member)?;
                }
            }
            let state = if crash {
                AppMemberState::Crashed
            } else {
                AppMemberState::Stopped
            };
            set_state(world, app, member, state);
            Ok(json!({ "AppName": app, "MemberId": member, "State": state.as_str() }))
        }
        "PauseKafkaConsumer" => {
            req.deny_unknown(&["AppName", "MemberId", "Ms"])?;
            let (app, member) = (req.str("AppName")?, req.str("MemberId")?);
            let ms = req.int("Ms", 1, 86_400_000)? as u64;
            member_state(world, app, member)?;
            let until = world.now().saturating_add(ms);
            set_state(world, app, member, AppMemberState::Paused(until));
            Ok(json!({ "AppName": app, "MemberId": member, "PausedUntil": until }))
        }
        "DescribeKafkaConsumerApps" => {
            req.deny_unknown(&[])?;
            let apps: Vec<Value> = world
                .kafka
                .consumer_apps
                .values()
                .map(|a| describe(world, a))
                .collect();
            Ok(json!({ "Apps": apps }))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown Kafka consumer app action '{other}'"),
        )),
    }
}

fn find<'a>(world: &'a World, app: &str) -> Result<&'a ConsumerApp, ApiError> {
    world
        .kafka
        .consumer_apps
        .get(app)
        .ok_or_else(|| ApiError::not_found(format!("Kafka consumer app {app} not found.")))
}

/// Checks that `member` of `app` is running or paused; returns the app's group id.
fn member_state(world: &World, app: &str, member: &str) -> Result<String, ApiError> {
    let a = find(world, app)?;
    match a.members.get(member).map(|m| m.state) {
        None => Err(ApiError::not_found(format!(
            "app {app} has no member {member}; members: {}",
            a.members.keys().cloned().collect::<Vec<_>>().join(", ")
        ))),
        Some(s @ (AppMemberState::Stopped | AppMemberState::Crashed)) => Err(ApiError::in_use(
            format!("member {member} of app {app} is already {}", s.as_str()),
        )),
        Some(_) => Ok(a.group_id.clone()),
    }
}

fn set_state(world: &mut World, app: &str, member: &str, state: AppMemberState) {
    if let Some(m) = world
        .kafka
        .consumer_apps
        .get_mut(app)
        .and_then(|a| a.members.get_mut(member))
    {
        m.state = state;
    }
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "AppName",
        "GroupId",
        "Topics",
        "Members",
        "Assignor",
        "AutoOffsetReset",
        "EnableAutoCommit",
        "PollIntervalMs",
        "RecordsPerSecondPerMember",
        "AutoCommitIntervalMs",
        "SessionTimeoutMs",
        "HeartbeatIntervalMs",
        "MaxPollIntervalMs",
        "MaxPollRecords",
    ])?;
    let name = req.str("AppName")?;
    if name.is_empty() || name.len() > 128 {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            "AppName must be 1 to 128 characters",
        ));
    }
    if world.kafka.consumer_apps.contains_key(name) {
        return Err(ApiError::in_use(format!(
            "Kafka consumer app {name} exists."
        )));
    }
    let group = req.str("GroupId")?;
    if group.is_empty() || group.len() > 249 {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            "GroupId must be 1 to 249 characters",
        ));
    }
    let mut topics = string_list(&req, "Topics")?;
    topics.sort();
    topics.dedup();
    let members = req.opt_int("Members", 1, MAX_MEMBERS)?.unwrap_or(2);
    let config = read_config(&req)?;
    if let Some(g) = world.kafka.groups.get(group) {
        if !g.members.is_empty() && g.assignor != config.assignor {
            return Err(ApiError::new(
                ErrorKind::InvalidConfigurationException,
                format!(
                    "group '{group}' uses assignor '{}'; the app asked for '{}'",
                    g.assignor.as_str(),
                    config.assignor.as_str()
                ),
            ));
        }
    }
    let poll_interval_ms = req.opt_int("PollIntervalMs", 10, 60_000)?.unwrap_or(200) as u64;
    let rate = req
        .opt_int("RecordsPerSecondPerMember", 1, 1_000_000)?
        .map(|v| v as u64);
    world.kafka.consumer_apps.insert(
        name.to_string(),
        ConsumerApp {
            name: name.to_string(),
            group_id: group.to_string(),
            topics,
            config,
            poll_interval_ms,
            records_per_second: rate,
            members: BTreeMap::new(),
            ledger: BTreeMap::new(),
            processed: 0,
        },
    );
    let mut ids = Vec::new();
    for _ in 0..members {
        ids.push(start_member(world, name, None)?);
    }
    Ok(json!({ "AppName": name, "GroupId": group, "MemberIds": ids }))
}

/// One app as `DescribeKafkaConsumerApps` shows it (also the UI's read-only view).
pub fn describe(world: &World, a: &ConsumerApp) -> Value {
    let group = world.kafka.groups.get(&a.group_id);
    let members: Vec<Value> = a
        .members
        .values()
        .map(|m| {
            let gm = group.and_then(|g| g.members.get(&m.id));
            let assignment: Vec<Value> = gm.map_or(Vec::new(), |gm| {
                gm.assignment
                    .iter()
                    .map(|(t, p)| json!({ "Topic": t, "Partition": p }))
                    .collect()
            });
            let paused_until = match m.state {
                AppMemberState::Paused(u) => Some(u),
                _ => None,
            };
            json!({ "MemberId": m.id, "State": m.state.as_str(), "PausedUntil": paused_until,
                    "InGroup": gm.is_some(), "Processed": m.processed,
                    "Assignment": assignment, "LastError": m.last_error })
        })
        .collect();
    let mut dups = 0u64;
    let mut missing = 0u64;
    let ledger: Vec<Value> = ledger_summary(world, a)
        .into_iter()
        .map(|((t, p), [first, next, processed, d, miss])| {
            dups += d;
            missing += miss;
            json!({ "Topic": t, "Partition": p, "FirstOffset": first, "NextOffset": next,
                    "Processed": processed, "Duplicates": d, "Unprocessed": miss })
        })
        .collect();
    json!({
        "AppName": a.name,
        "GroupId": a.group_id,
        "Topics": a.topics,
        "Assignor": a.config.assignor.as_str(),
        "AutoOffsetReset": a.config.auto_offset_reset.as_str(),
        "EnableAutoCommit": a.config.enable_auto_commit,
        "PollIntervalMs": a.poll_interval_ms,
        "RecordsPerSecondPerMember": a.records_per_second,
        "Members": members,
        "Processed": a.processed,
        "Duplicates": dups,
        "Unprocessed": missing,
        "Ledger": ledger,
    })
}
