//! SplitShard, MergeShards, UpdateShardCount and UpdateStreamMode (semantics.md §1.10, §1.12).
//!
//! Each action validates the request with AWS's error types and wording, sets the stream
//! `UPDATING`, records the change in [`Stream::reshard`] and schedules
//! [`Event::StreamUpdateComplete`]; the change itself is applied when that event runs
//! (`kinesis::reshard` explains why). Reads and writes continue meanwhile.
//!
//! Error choices:
//! - stream not `ACTIVE` → `ResourceInUseException` (§1.10 "Calls while CREATING/UPDATING/DELETING").
//! - on-demand stream → `ValidationException`, not `InvalidArgumentException`: the KDS API model
//!   documents `ValidationException` as exactly "you tried to invoke this API for a data stream
//!   with the on-demand capacity mode" (§1.12 "rejected for on-demand streams"); the message is the
//!   one moto verified against AWS.
//! - splitting or merging a CLOSED shard → `InvalidArgumentException` ("… has already been merged or
//!   split, and thus is not eligible for merging or splitting."), what real AWS answers (kinesalite
//!   issue #109, moto's AWS-validated tests); §1.10 itself names no type for this case.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::limits::{
    ACCOUNT_SHARD_LIMIT, MAX_MODE_SWITCHES_PER_DAY, MAX_ON_DEMAND_STREAMS, MAX_SHARDS_PER_STREAM,
    MAX_SHARD_COUNT_UPDATES_PER_DAY, RESHARD_DELAY_MS, STREAM_MODE_UPDATE_DELAY_MS,
    UPDATE_SHARD_COUNT_DELAY_MS,
};
use crate::engine::kinesis::names::stream_name_from_arn;
use crate::engine::kinesis::reshard::{PendingUpdate, ROLLING_DAY_MS};
use crate::engine::kinesis::shard::{parse_shard_id, Shard, ShardState};
use crate::engine::kinesis::stream::{Stream, StreamMode, StreamStatus};
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID, REGION};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// The `ShardId` shape: 1-128 characters of `[a-zA-Z0-9_.-]` (KDS-API).
fn validate_shard_id_shape(id: &str, member: &str) -> Result<(), ApiError> {
    let len = id.chars().count();
    if len < 1 {
        return Err(ApiError::validation(
            id,
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > 128 {
        return Err(ApiError::validation(
            id,
            member,
            "Member must have length less than or equal to 128",
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(ApiError::validation(
            id,
            member,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ));
    }
    Ok(())
}

/// `ResourceNotFoundException` for a shard id that names no listed shard (kinesalite wording).
fn shard_not_found(id: &str, stream: &str) -> ApiError {
    ApiError::not_found(format!(
        "Could not find shard {id} in stream {stream} under account {ACCOUNT_ID}."
    ))
}

/// The listed shard a `ShardId` member names (accepting the `shard-7` / `7` shorthands, §1.1).
fn shard_named<'s>(stream: &'s Stream, id: &str) -> Result<&'s Shard, ApiError> {
    parse_shard_id(id)
        .and_then(|i| stream.shard(i))
        .ok_or_else(|| shard_not_found(id, stream.name()))
}

/// `ResourceInUseException` unless the stream is ACTIVE (§1.10 "Only one operation at a time").
fn require_active(stream: &Stream) -> Result<(), ApiError> {
    if stream.status == StreamStatus::Active {
        return Ok(());
    }
    Err(ApiError::in_use(format!(
        "Stream {} under account {ACCOUNT_ID} not ACTIVE, instead in state {}",
        stream.name(),
        stream.status.as_str()
    )))
}

/// `ValidationException` for on-demand streams (§1.12; see the module docs for the type).
fn require_provisioned(stream: &Stream) -> Result<(), ApiError> {
    if stream.mode == StreamMode::Provisioned {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorKind::ValidationException,
        format!(
            "Request is invalid. Stream {} under account {ACCOUNT_ID} is in On-Demand mode.",
            stream.name()
        ),
    ))
}

/// `InvalidArgumentException` for a shard that a split or merge already closed (observed AWS).
fn already_resharded(shard: &Shard, stream: &str) -> ApiError {
    ApiError::invalid_argument(format!(
        "Shard {} in stream {stream} under account {ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting.",
        shard.shard_id()
    ))
}

/// Open shards of the whole account, counting what pending reshards will add.
fn account_open_shards(world: &World) -> u64 {
    world
        .kinesis
        .streams()
        .values()
        .map(|s| s.open_shard_count() as u64 + s.reshard.pending_extra_shards(s.open_shard_count()))
        .sum()
}

/// `LimitExceededException` when `extra` more open shards would exceed the account quota (§1.10
/// "New shards count toward the account shard quota"; wording as kinesalite/AWS).
fn check_account_quota(world: &World, extra: u64) -> Result<(), ApiError> {
    let used = account_open_shards(world);
    if used.saturating_add(extra) <= u64::from(ACCOUNT_SHARD_LIMIT) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorKind::LimitExceededException,
        format!(
            "This request would exceed the shard limit for the account {ACCOUNT_ID} in {REGION}. Current shard count for the account: {used}. Limit: {ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: {extra}. (The playground's account quota is {ACCOUNT_SHARD_LIMIT} open shards, §1.12.)"
        ),
    ))
}

/// Puts `stream` in UPDATING with `update` pending and schedules the end of the window.
fn begin_update(world: &mut World, stream: &str, update: PendingUpdate, delay_ms: VirtualMs) {
    let now = world.now();
    let Some(s) = world.kinesis.stream_mut(stream) else {
        return;
    };
    s.status = StreamStatus::Updating;
    s.reshard.pending = Some(update);
    let created_ms = s.created_ms();
    world.schedule(
        now.saturating_add(delay_ms),
        Event::StreamUpdateComplete {
            stream: stream.to_string(),
            created_ms,
        },
    );
}

/// A `HashKey` member (`NewStartingHashKey`): the pattern `0|([1-9]\d{0,38})` is a
/// `ValidationException`; a 39-digit value above `2^128 − 1` passes the pattern and is returned
/// as `Err(None)` so the caller can answer with its range error.
fn parse_hash_key_member(s: &str, member: &str) -> Result<Option<u128>, ApiError> {
    let b = s.as_bytes();
    let pattern_ok = !b.is_empty()
        && b.len() <= 39
        && b.iter().all(u8::is_ascii_digit)
        && (b.len() == 1 || b[0] != b'0');
    if !pattern_ok {
        return Err(ApiError::validation(
            s,
            member,
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        ));
    }
    Ok(s.parse::<u128>().ok())
}

/// SplitShard (§1.10): parent `[S, E]` → `[S, K−1]` and `[K, E]` once the update completes.
pub fn split_shard(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "StreamARN",
        "ShardToSplit",
        "NewStartingHashKey",
    ])?;
    let name = stream_name_of(&req)?;
    let shard_arg = req.str("ShardToSplit")?;
    validate_shard_id_shape(shard_arg, "shardToSplit")?;
    let key_arg = req.str("NewStartingHashKey")?;
    let key = parse_hash_key_member(key_arg, "newStartingHashKey")?;
    let stream = world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    require_provisioned(stream)?;
    require_active(stream)?;
    let shard = shard_named(stream, shard_arg)?;
    let range = shard.range();
    // §1.10: K must be greater than S + 1 and less than E.
    let valid = key.is_some_and(|k| {
        range.starting.checked_add(1).is_some_and(|s1| k > s1) && k < range.ending
    });
    if !valid {
        return Err(ApiError::invalid_argument(format!(
            "NewStartingHashKey {key_arg} used in SplitShard() on shard {} in stream {name} under account {ACCOUNT_ID} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
            shard.shard_id(),
            range.starting,
            range.ending
        )));
    }
    if shard.state() != ShardState::Open {
        return Err(already_resharded(shard, name));
    }
    let parent = shard.index();
    // One split adds one open shard (two children replace the parent).
    check_account_quota(world, 1)?;
    let update = PendingUpdate::Split {
        parent,
        new_starting_hash_key: key.unwrap_or_default(),
    };
    begin_update(world, name, update, RESHARD_DELAY_MS);
    Ok(json!({}))
}

/// MergeShards (§1.10): two adjacent open shards (either order) → one child once the update
/// completes, `ParentShardId = ShardToMerge`, `AdjacentParentShardId = AdjacentShardToMerge`.
pub fn merge_shards(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "StreamARN",
        "ShardToMerge",
        "AdjacentShardToMerge",
    ])?;
    let name = stream_name_of(&req)?;
    let a_arg = req.str("ShardToMerge")?;
    validate_shard_id_shape(a_arg, "shardToMerge")?;
    let b_arg = req.str("AdjacentShardToMerge")?;
    validate_shard_id_shape(b_arg, "adjacentShardToMerge")?;
    let stream = world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    require_provisioned(stream)?;
    require_active(stream)?;
    let a = shard_named(stream, a_arg)?;
    let b = shard_named(stream, b_arg)?;
    let (ra, rb) = (a.range(), b.range());
    // §1.10: only adjacent shards, end_A + 1 == start_B; either order is accepted (model).
    if a.index() == b.index() || !(ra.is_followed_by(&rb) || rb.is_followed_by(&ra)) {
        return Err(ApiError::invalid_argument(format!(
            "Shards {} and {} in stream {name} under account {ACCOUNT_ID} are not an adjacent pair of shards eligible for merging",
            a.shard_id(),
            b.shard_id()
        )));
    }
    for s in [a, b] {
        if s.state() != ShardState::Open {
            return Err(already_resharded(s, name));
        }
    }
    let update = PendingUpdate::Merge {
        shard: a.index(),
        adjacent: b.index(),
    };
    begin_update(world, name, update, RESHARD_DELAY_MS);
    Ok(json!({}))
}

/// UpdateShardCount with `UNIFORM_SCALING` (§1.10): after the update the open shards tile the key
/// space exactly like a new stream of `TargetShardCount` shards, reached by pairwise splits and
/// merges with full lineage (`Stream::scale_uniform_now`).
pub fn update_shard_count(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "TargetShardCount", "ScalingType"])?;
    let name = stream_name_of(&req)?;
    // `PositiveIntegerObject`: at least 1 (KDS-API).
    let target = req.int("TargetShardCount", 1, i64::from(i32::MAX))?;
    let scaling = req.str("ScalingType")?;
    if scaling != "UNIFORM_SCALING" {
        return Err(ApiError::validation(
            scaling,
            "scalingType",
            "Member must satisfy enum value set: [UNIFORM_SCALING]",
        ));
    }
    let now = world.now();
    let stream = world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    require_provisioned(stream)?;
    require_active(stream)?;
    let open = stream.open_shard_count() as i64;
    let counts = format!("Current open shard count: {open}, Target shard count: {target}");
    let limit = |msg: String| ApiError::new(ErrorKind::LimitExceededException, msg);
    // §1.10: target ≤ 2 × current, ≥ ½ × current, ≤ 10,000 per stream.
    if target > MAX_SHARDS_PER_STREAM {
        return Err(limit(format!(
            "Target shard count or number of open shards cannot be greater than {MAX_SHARDS_PER_STREAM}. {counts}"
        )));
    }
    if target > open.saturating_mul(2) {
        return Err(limit(format!(
            "UpdateShardCount cannot scale up over double your current open shard count. {counts}"
        )));
    }
    if target.saturating_mul(2) < open {
        return Err(limit(format!(
            "UpdateShardCount cannot scale down below half your current open shard count. {counts}"
        )));
    }
    // §1.10: at most 10 scaling operations per rolling 24 h per stream.
    let (mut recent, next_ok) = within_rolling_day(&stream.reshard.shard_count_updates, now);
    if recent.len() >= MAX_SHARD_COUNT_UPDATES_PER_DAY {
        return Err(limit(format!(
            "Stream {name} under account {ACCOUNT_ID} has already been scaled {} times in the last 24 hours: UpdateShardCount allows at most {MAX_SHARD_COUNT_UPDATES_PER_DAY} scaling operations per rolling 24-hour period per stream (§1.10). The next one is allowed at virtual time {next_ok} ms.",
            recent.len()
        )));
    }
    // New open shards count against the account quota (§1.10). Intermediate shards are created
    // and closed in the same virtual instant when the update completes, so only the net growth
    // is checked.
    check_account_quota(world, (target - open).max(0) as u64)?;
    recent.push(now);
    let arn = Kinesis::arn_for(name);
    if let Some(s) = world.kinesis.stream_mut(name) {
        s.reshard.shard_count_updates = recent;
    }
    let update = PendingUpdate::UniformScaling {
        target: target as u32,
    };
    begin_update(world, name, update, UPDATE_SHARD_COUNT_DELAY_MS);
    Ok(json!({
        "StreamName": name,
        "CurrentShardCount": open,
        "TargetShardCount": target,
        "StreamARN": arn,
    }))
}

/// UpdateStreamMode (§1.12): switches the capacity mode after an UPDATING window, keeping the
/// shard count; at most two switches per rolling 24 h per stream. The request names the stream by
/// `StreamARN` only (KDS-API). `WarmThroughputMiBps` (On-demand Advantage) is accepted and ignored.
pub fn update_stream_mode(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamARN", "StreamModeDetails", "WarmThroughputMiBps"])?;
    let arn = req.str("StreamARN")?;
    let name = stream_name_from_arn(arn).ok_or_else(|| {
        ApiError::validation(
            arn,
            "streamARN",
            "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
        )
    })?;
    let details = req
        .opt_struct("StreamModeDetails")?
        .ok_or_else(|| crate::engine::api::request::missing("StreamModeDetails"))?;
    details.deny_unknown(&["StreamMode"])?;
    let mode = match details.str("StreamMode")? {
        "PROVISIONED" => StreamMode::Provisioned,
        "ON_DEMAND" => StreamMode::OnDemand,
        other => {
            return Err(ApiError::validation(
                other,
                "streamModeDetails.streamMode",
                "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            ))
        }
    };
    let _ = req.opt_int("WarmThroughputMiBps", 0, i64::from(i32::MAX))?;
    let now = world.now();
    let stream = world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    require_active(stream)?;
    if stream.mode == mode {
        return Err(ApiError::invalid_argument(format!(
            "Stream {name} under account {ACCOUNT_ID} is already in {} mode.",
            mode.as_str()
        )));
    }
    let (mut recent, next_ok) = within_rolling_day(&stream.reshard.mode_switches, now);
    if recent.len() >= MAX_MODE_SWITCHES_PER_DAY {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "Stream {name} under account {ACCOUNT_ID} has already switched capacity mode {} times in the last 24 hours; at most {MAX_MODE_SWITCHES_PER_DAY} switches are allowed per rolling 24-hour period (§1.12). The next one is allowed at virtual time {next_ok} ms.",
                recent.len()
            ),
        ));
    }
    if mode == StreamMode::OnDemand {
        let on_demand = world
            .kinesis
            .streams()
            .values()
            .filter(|s| {
                s.mode == StreamMode::OnDemand
                    || s.reshard.pending
                        == Some(PendingUpdate::StreamMode {
                            mode: StreamMode::OnDemand,
                        })
            })
            .count();
        if on_demand >= MAX_ON_DEMAND_STREAMS {
            return Err(ApiError::new(
                ErrorKind::LimitExceededException,
                format!(
                    "The account {ACCOUNT_ID} already has {on_demand} on-demand streams; the default limit is {MAX_ON_DEMAND_STREAMS} (§1.12)."
                ),
            ));
        }
    }
    recent.push(now);
    if let Some(s) = world.kinesis.stream_mut(name) {
        s.reshard.mode_switches = recent;
    }
    begin_update(
        world,
        name,
        PendingUpdate::StreamMode { mode },
        STREAM_MODE_UPDATE_DELAY_MS,
    );
    Ok(json!({}))
}

/// The call times of `times` inside the rolling 24 h ending at `now` (§1.10, §1.12), and the
/// virtual time the oldest of them leaves the window (when one more call becomes allowed).
fn within_rolling_day(times: &[VirtualMs], now: VirtualMs) -> (Vec<VirtualMs>, VirtualMs) {
    let recent: Vec<VirtualMs> = times
        .iter()
        .copied()
        .filter(|t| t.saturating_add(ROLLING_DAY_MS) > now)
        .collect();
    let next_ok = recent
        .iter()
        .min()
        .copied()
        .unwrap_or(now)
        .saturating_add(ROLLING_DAY_MS);
    (recent, next_ok)
}
