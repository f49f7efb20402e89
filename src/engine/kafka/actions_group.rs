//! Service `kafka`: consumer group actions (semantics.md §6.4) — Subscribe, Poll, Commit, Seek,
//! LeaveGroup, CrashMember, ListGroups, DescribeGroups, ListConsumerGroupOffsets,
//! ResetConsumerGroupOffsets, DeleteGroup.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::assignor::{AssignorKind, TopicPartition};
use crate::engine::kafka::consumer::{self, lag, no_partition, partition, resolve_seek, SeekTo};
use crate::engine::kafka::coordinator::{self, no_group};
use crate::engine::kafka::group::{ConsumerConfig, ConsumerGroup, OffsetReset};
use crate::engine::world::World;

/// Actions of this family.
pub const ACTIONS: &[&str] = &[
    "Subscribe",
    "Poll",
    "Commit",
    "Seek",
    "LeaveGroup",
    "CrashMember",
    "ListGroups",
    "DescribeGroups",
    "ListConsumerGroupOffsets",
    "ResetConsumerGroupOffsets",
    "DeleteGroup",
];

/// Longest accepted time setting (a day), and the largest `max.poll.records`.
const MAX_MS: i64 = 86_400_000;
const MAX_POLL_RECORDS: i64 = 100_000;

/// Runs one group action.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "Subscribe" => subscribe(world, req),
        "Poll" => poll(world, req),
        "Commit" => commit(world, req),
        "Seek" => seek(world, req),
        "LeaveGroup" => {
            req.deny_unknown(&["GroupId", "MemberId"])?;
            let (g, m) = (req.str("GroupId")?, req.str("MemberId")?);
            coordinator::leave(world, g, m)?;
            Ok(json!({ "GroupId": g, "MemberId": m, "Left": true }))
        }
        "CrashMember" => {
            req.deny_unknown(&["GroupId", "MemberId"])?;
            let (g, m) = (req.str("GroupId")?, req.str("MemberId")?);
            let due = coordinator::crash(world, g, m)?;
            Ok(json!({ "GroupId": g, "MemberId": m, "SessionExpiresAt": due }))
        }
        "ListGroups" => {
            req.deny_unknown(&[])?;
            let groups: Vec<Value> = world
                .kafka
                .groups
                .values()
                .map(|g| {
                    json!({ "GroupId": g.id, "State": g.state.as_str(),
                                 "Members": g.members.len() })
                })
                .collect();
            Ok(json!({ "Groups": groups }))
        }
        "DescribeGroups" => {
            req.deny_unknown(&["GroupIds"])?;
            // No GroupIds: every group (as `kafka-consumer-groups --describe --all-groups`).
            let ids = match req.opt_list("GroupIds")? {
                Some(_) => string_list(&req, "GroupIds")?,
                None => world.kafka.groups.keys().cloned().collect(),
            };
            let mut out = Vec::new();
            for id in ids {
                let g = world.kafka.groups.get(&id).ok_or_else(|| no_group(&id))?;
                out.push(describe(world, g));
            }
            Ok(json!({ "Groups": out }))
        }
        "ListConsumerGroupOffsets" => {
            req.deny_unknown(&["GroupId"])?;
            let id = req.str("GroupId")?;
            let g = world.kafka.groups.get(id).ok_or_else(|| no_group(id))?;
            Ok(json!({ "GroupId": id, "Offsets": offsets_json(world, g) }))
        }
        "ResetConsumerGroupOffsets" => reset_offsets(world, req),
        "DeleteGroup" => {
            req.deny_unknown(&["GroupId"])?;
            let id = req.str("GroupId")?;
            let g = world.kafka.groups.get(id).ok_or_else(|| no_group(id))?;
            if !g.members.is_empty() {
                return Err(not_empty(g));
            }
            world.kafka.groups.remove(id);
            Ok(json!({ "GroupId": id, "State": "Dead" }))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown group action '{other}'"),
        )),
    }
}

fn not_empty(g: &ConsumerGroup) -> ApiError {
    ApiError::new(
        ErrorKind::GroupNotEmptyException,
        format!(
            "group '{}' still has {} active member(s); stop them (LeaveGroup) first",
            g.id,
            g.members.len()
        ),
    )
}

/// A required non-empty list of strings.
pub fn string_list(req: &Request<'_>, name: &str) -> Result<Vec<String>, ApiError> {
    let list = req
        .opt_list(name)?
        .ok_or_else(|| crate::engine::api::request::missing(name))?;
    if list.is_empty() {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            format!("'{name}' must name at least one entry"),
        ));
    }
    list.iter()
        .map(|v| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                ApiError::serialization(format!("every entry of '{name}' must be a string"))
            })
        })
        .collect()
}

/// Reads the consumer configuration members of a request (§6.4 defaults).
pub fn read_config(req: &Request<'_>) -> Result<ConsumerConfig, ApiError> {
    let d = ConsumerConfig::default();
    let bad = |name: &str, v: &str, allowed: &str| {
        ApiError::new(
            ErrorKind::InvalidConfigurationException,
            format!("{name} '{v}' is not one of {allowed}"),
        )
    };
    let assignor = match req.opt_str("Assignor")? {
        Some(a) => AssignorKind::parse(a)
            .ok_or_else(|| bad("Assignor", a, "range, roundrobin, cooperative-sticky"))?,
        None => d.assignor,
    };
    let reset = match req.opt_str("AutoOffsetReset")? {
        Some(r) => OffsetReset::parse(r)
            .ok_or_else(|| bad("AutoOffsetReset", r, "earliest, latest, none"))?,
        None => d.auto_offset_reset,
    };
    let ms = |name: &str, def: u64| -> Result<u64, ApiError> {
        Ok(req.opt_int(name, 1, MAX_MS)?.map_or(def, |v| v as u64))
    };
    let config = ConsumerConfig {
        assignor,
        auto_offset_reset: reset,
        enable_auto_commit: req
            .opt_bool("EnableAutoCommit")?
            .unwrap_or(d.enable_auto_commit),
        auto_commit_interval_ms: ms("AutoCommitIntervalMs", d.auto_commit_interval_ms)?,
        session_timeout_ms: ms("SessionTimeoutMs", d.session_timeout_ms)?,
        heartbeat_interval_ms: ms("HeartbeatIntervalMs", d.heartbeat_interval_ms)?,
        max_poll_interval_ms: ms("MaxPollIntervalMs", d.max_poll_interval_ms)?,
        max_poll_records: req
            .opt_int("MaxPollRecords", 1, MAX_POLL_RECORDS)?
            .map_or(d.max_poll_records, |v| v as u32),
    };
    if config.heartbeat_interval_ms >= config.session_timeout_ms {
        return Err(ApiError::new(
            ErrorKind::InvalidConfigurationException,
            format!(
                "heartbeat.interval.ms ({}) must be lower than session.timeout.ms ({})",
                config.heartbeat_interval_ms, config.session_timeout_ms
            ),
        ));
    }
    Ok(config)
}

fn subscribe(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "GroupId",
        "Topics",
        "ClientId",
        "Assignor",
        "AutoOffsetReset",
        "EnableAutoCommit",
        "AutoCommitIntervalMs",
        "SessionTimeoutMs",
        "HeartbeatIntervalMs",
        "MaxPollIntervalMs",
        "MaxPollRecords",
    ])?;
    let group = req.str("GroupId")?;
    if group.is_empty() || group.len() > 249 {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            "GroupId must be 1 to 249 characters",
        ));
    }
    let topics = string_list(&req, "Topics")?;
    let client = req.opt_str("ClientId")?.unwrap_or("consumer");
    let config = read_config(&req)?;
    let id = coordinator::join(world, group, client, topics, config, None)?;
    let state = world
        .kafka
        .groups
        .get(group)
        .map_or("Dead", |g| g.state.as_str());
    Ok(json!({ "GroupId": group, "MemberId": id, "State": state }))
}

fn poll(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["GroupId", "MemberId", "MaxRecords"])?;
    let (g, m) = (req.str("GroupId")?, req.str("MemberId")?);
    let max = req
        .opt_int("MaxRecords", 0, MAX_POLL_RECORDS)?
        .map(|v| v as u32);
    let r = consumer::poll(world, g, m, max)?;
    let text = |b: &Option<crate::engine::kafka::record::Payload>| {
        b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let records: Vec<Value> = r
        .records
        .iter()
        .map(|((t, p), rec)| {
            json!({ "Topic": t, "Partition": p, "Offset": rec.offset,
                    "Timestamp": rec.timestamp_ms, "Key": text(&rec.key), "Value": text(&rec.value) })
        })
        .collect();
    Ok(json!({
        "Records": records,
        "GenerationId": r.generation,
        "Assignment": tps_json(r.assignment.iter()),
        "Rebalancing": r.rebalancing,
    }))
}

fn tps_json<'a>(tps: impl Iterator<Item = &'a TopicPartition>) -> Vec<Value> {
    tps.map(|(t, p)| json!({ "Topic": t, "Partition": p }))
        .collect()
}

fn read_tp(req: &Request<'_>) -> Result<TopicPartition, ApiError> {
    Ok((
        req.str("Topic")?.to_string(),
        req.int("Partition", 0, i64::from(i32::MAX))? as u32,
    ))
}

fn commit(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["GroupId", "MemberId", "GenerationId", "Offsets"])?;
    let (g, m) = (req.str("GroupId")?, req.str("MemberId")?);
    let gen = req
        .opt_int("GenerationId", 0, i64::from(u32::MAX))?
        .map(|v| v as u32);
    let offsets = match req.opt_list("Offsets")? {
        None => None,
        Some(list) => {
            let mut out = Vec::new();
            for v in list {
                let r = Request::new(v)?;
                r.deny_unknown(&["Topic", "Partition", "Offset"])?;
                out.push((read_tp(&r)?, r.int("Offset", 0, i64::MAX)? as u64));
            }
            Some(out)
        }
    };
    let done = consumer::commit(world, g, m, gen, offsets)?;
    let list: Vec<Value> = done
        .iter()
        .map(|((t, p), o)| json!({ "Topic": t, "Partition": p, "Offset": o }))
        .collect();
    Ok(json!({ "GroupId": g, "Committed": list }))
}

/// Reads `Offset` | `Timestamp` | `To` (`To` also accepting `earliest`/`latest` when `reset`).
fn read_seek(req: &Request<'_>, reset: bool) -> Result<SeekTo, ApiError> {
    let offset = req.opt_int("Offset", 0, i64::MAX)?;
    let ts = req.opt_int("Timestamp", 0, i64::MAX)?;
    let to = req.opt_str("To")?;
    match (offset, ts, to) {
        (Some(o), None, None) => Ok(SeekTo::Offset(o as u64)),
        (None, Some(t), None) => Ok(SeekTo::Timestamp(t as u64)),
        (None, None, Some("beginning")) => Ok(SeekTo::Beginning),
        (None, None, Some("end")) => Ok(SeekTo::End),
        (None, None, Some("earliest")) if reset => Ok(SeekTo::Beginning),
        (None, None, Some("latest")) if reset => Ok(SeekTo::End),
        _ => Err(ApiError::new(
            ErrorKind::ValidationException,
            if reset {
                "give exactly one of Offset, Timestamp or To (earliest|latest)"
            } else {
                "give exactly one of Offset, Timestamp or To (beginning|end)"
            },
        )),
    }
}

fn seek(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "GroupId",
        "MemberId",
        "Topic",
        "Partition",
        "Offset",
        "Timestamp",
        "To",
    ])?;
    let (g, m) = (req.str("GroupId")?, req.str("MemberId")?);
    let tp = read_tp(&req)?;
    let to = read_seek(&req, false)?;
    let offset = consumer::seek(world, g, m, tp.clone(), to)?;
    Ok(json!({ "Topic": tp.0, "Partition": tp.1, "Position": offset }))
}

fn reset_offsets(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["GroupId", "Topic", "Partition", "To", "Offset", "Timestamp"])?;
    let id = req.str("GroupId")?;
    let topic = req.str("Topic")?;
    let only = req
        .opt_int("Partition", 0, i64::from(i32::MAX))?
        .map(|v| v as u32);
    let to = read_seek(&req, true)?;
    let g = world.kafka.groups.get(id).ok_or_else(|| no_group(id))?;
    if !g.members.is_empty() {
        return Err(not_empty(g));
    }
    let t = world
        .kafka
        .topics
        .get(topic)
        .ok_or_else(|| no_partition(&(topic.to_string(), only.unwrap_or(0))))?;
    let parts: Vec<u32> = match only {
        Some(p) if (p as usize) < t.partitions.len() => vec![p],
        Some(p) => return Err(no_partition(&(topic.to_string(), p))),
        None => (0..t.partitions.len() as u32).collect(),
    };
    let mut new = Vec::new();
    for p in parts {
        let tp = (topic.to_string(), p);
        let part = partition(&world.kafka.topics, &tp).ok_or_else(|| no_partition(&tp))?;
        new.push((tp.clone(), resolve_seek(part, &tp, to)?));
    }
    let g = world.kafka.groups.get_mut(id).ok_or_else(|| no_group(id))?;
    g.committed.extend(new.iter().cloned());
    let list: Vec<Value> = new
        .iter()
        .map(|((t, p), o)| json!({ "Topic": t, "Partition": p, "Offset": o }))
        .collect();
    Ok(json!({ "GroupId": id, "Offsets": list }))
}

fn offsets_json(world: &World, g: &ConsumerGroup) -> Vec<Value> {
    let now = world.now();
    let owners = g.owners();
    g.committed
        .iter()
        .map(|(tp, o)| {
            let (lag_records, lag_ms, hw) =
                partition(&world.kafka.topics, tp).map_or((0, 0, Value::Null), |p| {
                    let (r, ms) = lag(p, Some(*o), now);
                    (r, ms, json!(p.high_watermark()))
                });
            json!({ "Topic": tp.0, "Partition": tp.1, "Offset": o, "HighWatermark": hw,
                    "LagRecords": lag_records, "LagMs": lag_ms, "Owner": owners.get(tp) })
        })
        .collect()
}

/// DescribeGroups' entry for one group.
pub fn describe(world: &World, g: &ConsumerGroup) -> Value {
    let members: Vec<Value> = g
        .members
        .values()
        .map(|m| {
            let positions: Vec<Value> = m
                .positions
                .iter()
                .map(|((t, p), o)| json!({ "Topic": t, "Partition": p, "Position": o }))
                .collect();
            json!({
                "MemberId": m.id, "ClientId": m.client_id, "Topics": m.topics,
                "Assignment": tps_json(m.assignment.iter()), "Positions": positions,
                "Generation": m.generation, "Rejoined": m.rejoined, "Crashed": m.crashed,
                "LastPollMs": m.last_poll_ms, "LastHeartbeatMs": m.last_heartbeat_ms,
                "SessionTimeoutMs": m.config.session_timeout_ms,
                "MaxPollIntervalMs": m.config.max_poll_interval_ms,
                "EnableAutoCommit": m.config.enable_auto_commit,
                "AutoOffsetReset": m.config.auto_offset_reset.as_str(),
            })
        })
        .collect();
    let history: Vec<Value> = g
        .history
        .iter()
        .map(|h| {
            let a: serde_json::Map<String, Value> = h
                .assignment
                .iter()
                .map(|(m, tps)| (m.clone(), Value::from(tps_json(tps.iter()))))
                .collect();
            json!({ "Generation": h.generation, "AtMs": h.at_ms, "Reason": h.reason,
                    "Assignment": a })
        })
        .collect();
    json!({
        "GroupId": g.id,
        "State": g.state.as_str(),
        "GenerationId": g.generation,
        "ProtocolType": "consumer",
        "Protocol": g.assignor.as_str(),
        "Leader": g.leader,
        "Rebalance": g.rebalance.as_ref().map(|r| json!({
            "Reason": r.reason, "StartedMs": r.started_ms, "DeadlineMs": r.deadline_ms,
            "SecondRound": r.second_round,
            "Waiting": g.members.values().filter(|m| !m.rejoined).map(|m| m.id.clone())
                .collect::<Vec<_>>(),
        })),
        "Members": members,
        "Offsets": offsets_json(world, g),
        "RebalanceHistory": history,
    })
}
