//! Control-plane actions: CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary,
//! ListStreams, ListShards (semantics.md §1.1, §1.11, §1.12).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::{existing_stream, stream_name_of};
use crate::engine::kinesis::limits::{
    ACCOUNT_SHARD_LIMIT, DEFAULT_MAX_RECORD_SIZE_KIB, LIST_SHARDS_MAX_RESULTS,
    LIST_STREAMS_DEFAULT_LIMIT, MAX_MAX_RECORD_SIZE_KIB, MAX_STREAMS_CREATING,
    ON_DEMAND_INITIAL_SHARDS, STREAM_CREATE_DELAY_MS, STREAM_DELETE_DELAY_MS,
};
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::render::{created_json, mode_json, shard_json};
use crate::engine::kinesis::shard::{parse_shard_id, Shard};
use crate::engine::kinesis::stream::{Stream, StreamMode, StreamStatus};
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::world::{Event, World};

/// Lifetime of a ListShards `NextToken` (§1.11: 300 s).
const NEXT_TOKEN_TTL_MS: u64 = 300_000;

/// CreateStream.
pub fn create_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "ShardCount",
        "StreamModeDetails",
        "Tags",
        "MaxRecordSizeInKiB",
        "WarmThroughputMiBps",
    ])?;
    let name = req.str("StreamName")?;
    validate_stream_name(name, "streamName")?;
    let shard_count = req.opt_int("ShardCount", 1, i64::from(i32::MAX))?;
    let mode = match req.opt_struct("StreamModeDetails")? {
        None => None,
        Some(d) => Some(match d.str("StreamMode")? {
            "PROVISIONED" => StreamMode::Provisioned,
            "ON_DEMAND" => StreamMode::OnDemand,
            other => {
                return Err(ApiError::validation(
                    other,
                    "streamModeDetails.streamMode",
                    "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
                ))
            }
        }),
    };
    let max_record_kib = req
        .opt_int(
            "MaxRecordSizeInKiB",
            i64::from(DEFAULT_MAX_RECORD_SIZE_KIB),
            i64::from(MAX_MAX_RECORD_SIZE_KIB),
        )?
        .map_or(DEFAULT_MAX_RECORD_SIZE_KIB, |v| v as u32);
    let tags = req.opt_string_map("Tags")?.unwrap_or_default();
    if tags.len() > 50 {
        return Err(ApiError::invalid_argument(
            "A stream can have at most 50 tags (§1.16)",
        ));
    }
    // A request without a mode and without a shard count creates an on-demand stream; a shard
    // count without a mode means provisioned (§1.12).
    let (mode, shards) = match (mode, shard_count) {
        (Some(StreamMode::OnDemand), Some(_)) => {
            return Err(ApiError::invalid_argument(
                "ShardCount must not be specified for a stream in ON_DEMAND mode",
            ))
        }
        (Some(StreamMode::Provisioned), None) => {
            return Err(ApiError::invalid_argument(
                "ShardCount is required for a stream in PROVISIONED mode",
            ))
        }
        (Some(StreamMode::OnDemand) | None, None) => {
            (StreamMode::OnDemand, ON_DEMAND_INITIAL_SHARDS)
        }
        (Some(StreamMode::Provisioned) | None, Some(n)) => (StreamMode::Provisioned, n as u32),
    };
    if world.kinesis.stream(name).is_some() {
        return Err(ApiError::in_use(format!(
            "Stream {name} under account {ACCOUNT_ID} already exists."
        )));
    }
    let creating = world
        .kinesis
        .streams()
        .values()
        .filter(|s| s.status == StreamStatus::Creating)
        .count();
    if creating >= MAX_STREAMS_CREATING {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!("At most {MAX_STREAMS_CREATING} streams can be CREATING at once (§1.11)"),
        ));
    }
    // Open shards plus those pending reshards will add (§1.10: new shards count toward the quota).
    let used: usize = world
        .kinesis
        .streams()
        .values()
        .map(|s| {
            s.open_shard_count() + s.reshard.pending_extra_shards(s.open_shard_count()) as usize
        })
        .sum();
    if used as u64 + u64::from(shards) > u64::from(ACCOUNT_SHARD_LIMIT) {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "This request would exceed the shard limit for the account {ACCOUNT_ID}. Current shard count for the account: {used}. Limit: {ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: {shards}."
            ),
        ));
    }
    let now = world.now();
    let created_unix_s = world.epoch().to_unix_ms(now) / 1000;
    let mut stream = Stream::new(
        name,
        Kinesis::arn_for(name),
        shards,
        mode,
        now,
        created_unix_s,
    );
    stream.max_record_size_kib = max_record_kib;
    for (k, v) in tags {
        stream.tags.insert(k.to_string(), v.to_string());
    }
    world.kinesis.insert(stream);
    world.schedule(
        now + STREAM_CREATE_DELAY_MS,
        Event::StreamActive {
            stream: name.to_string(),
        },
    );
    Ok(json!({}))
}

/// DeleteStream.
pub fn delete_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "EnforceConsumerDeletion"])?;
    let enforce = req.opt_bool("EnforceConsumerDeletion")?.unwrap_or(false);
    let name = existing_stream(world, &req)?.name().to_string();
    let now = world.now();
    // §1.11: registered EFO consumers block the delete unless EnforceConsumerDeletion is true.
    let consumers = world.kinesis.efo.live_consumer_count(&name);
    if consumers > 0 {
        if !enforce {
            return Err(ApiError::in_use(format!(
                "Stream {name} under account {ACCOUNT_ID} has {consumers} registered consumers; deregister them or set EnforceConsumerDeletion (§1.11)."
            )));
        }
        world.kinesis.efo.delete_stream_consumers(&name, now);
    }
    if let Some(s) = world.kinesis.stream_mut(&name) {
        if s.status == StreamStatus::Deleting {
            return Err(ApiError::in_use(format!(
                "Stream {name} under account {ACCOUNT_ID} is already DELETING."
            )));
        }
        s.status = StreamStatus::Deleting;
    }
    world.schedule(
        now + STREAM_DELETE_DELAY_MS,
        Event::StreamGone { stream: name },
    );
    Ok(json!({}))
}

fn enhanced_monitoring() -> Value {
    json!([{ "ShardLevelMetrics": [] }])
}

/// DescribeStream (legacy, paginated by `Limit` and `ExclusiveStartShardId`).
pub fn describe_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "Limit", "ExclusiveStartShardId"])?;
    let limit = req.opt_int("Limit", 1, 10_000)?.unwrap_or(100) as usize;
    let start_after = match req.opt_str("ExclusiveStartShardId")? {
        None => None,
        Some(id) => Some(parse_shard_id(id).ok_or_else(|| {
            ApiError::validation(
                id,
                "exclusiveStartShardId",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            )
        })?),
    };
    let stream = existing_stream(world, &req)?;
    let eligible: Vec<&Shard> = stream
        .shards()
        .iter()
        .filter(|s| start_after.is_none_or(|a| s.index() > a))
        .collect();
    let shards: Vec<Value> = eligible.iter().take(limit).map(|s| shard_json(s)).collect();
    Ok(json!({
        "StreamDescription": {
            "StreamName": stream.name(),
            "StreamARN": stream.arn(),
            "StreamStatus": stream.status.as_str(),
            "StreamModeDetails": mode_json(stream),
            "Shards": shards,
            "HasMoreShards": eligible.len() > limit,
            "RetentionPeriodHours": stream.retention_hours,
            "StreamCreationTimestamp": created_json(stream),
            "EnhancedMonitoring": enhanced_monitoring(),
            "EncryptionType": "NONE",
        }
    }))
}

/// DescribeStreamSummary.
pub fn describe_stream_summary(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN"])?;
    let stream = existing_stream(world, &req)?;
    Ok(json!({
        "StreamDescriptionSummary": {
            "StreamName": stream.name(),
            "StreamARN": stream.arn(),
            "StreamStatus": stream.status.as_str(),
            "StreamModeDetails": mode_json(stream),
            "RetentionPeriodHours": stream.retention_hours,
            "StreamCreationTimestamp": created_json(stream),
            "EnhancedMonitoring": enhanced_monitoring(),
            "EncryptionType": "NONE",
            "OpenShardCount": stream.open_shard_count(),
            "ConsumerCount": world.kinesis.efo.consumer_count(stream.name()),
            "MaxRecordSizeInKiB": stream.max_record_size_kib,
        }
    }))
}

/// ListStreams (paginated by `Limit`, `ExclusiveStartStreamName` or `NextToken`).
pub fn list_streams(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Limit", "ExclusiveStartStreamName", "NextToken"])?;
    let limit = req
        .opt_int("Limit", 1, 10_000)?
        .unwrap_or(LIST_STREAMS_DEFAULT_LIMIT) as usize;
    let mut after = req.opt_str("ExclusiveStartStreamName")?.map(str::to_string);
    if let Some(token) = req.opt_str("NextToken")? {
        let t = decode_token(token, "streams", world.now())?;
        after = Some(t.1);
    }
    let eligible: Vec<&Stream> = world
        .kinesis
        .streams()
        .values()
        .filter(|s| after.as_deref().is_none_or(|a| s.name() > a))
        .collect();
    let page: Vec<&Stream> = eligible.iter().take(limit).copied().collect();
    let more = eligible.len() > limit;
    let mut out = json!({
        "StreamNames": page.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "HasMoreStreams": more,
        "StreamSummaries": page.iter().map(|s| json!({
            "StreamName": s.name(),
            "StreamARN": s.arn(),
            "StreamStatus": s.status.as_str(),
            "StreamModeDetails": mode_json(s),
            "StreamCreationTimestamp": created_json(s),
        })).collect::<Vec<_>>(),
    });
    if more {
        if let Some(last) = page.last() {
            out["NextToken"] = json!(encode_token("streams", last.name(), world.now()));
        }
    }
    Ok(out)
}

/// ListShards with `ShardFilter`, `MaxResults`, `ExclusiveStartShardId` and `NextToken` (§1.11).
pub fn list_shards(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "StreamARN",
        "NextToken",
        "ExclusiveStartShardId",
        "MaxResults",
        "StreamCreationTimestamp",
        "ShardFilter",
    ])?;
    let max = req
        .opt_int("MaxResults", 1, 10_000)?
        .unwrap_or(LIST_SHARDS_MAX_RESULTS) as usize;
    let now = world.now();
    let (stream_name, start_after): (String, Option<u32>) = match req.opt_str("NextToken")? {
        Some(token) => {
            if req.raw("StreamName").is_some() || req.raw("StreamARN").is_some() {
                return Err(ApiError::invalid_argument(
                    "NextToken and StreamName/StreamARN cannot be provided together.",
                ));
            }
            let (_issued, position) = decode_token(token, "shards", now)?;
            let (stream, idx) = position
                .rsplit_once('/')
                .and_then(|(s, i)| Some((s.to_string(), i.parse::<u32>().ok()?)))
                .ok_or_else(|| ApiError::invalid_argument("Invalid NextToken."))?;
            (stream, Some(idx))
        }
        None => {
            let name = stream_name_of(&req)?.to_string();
            let after = match req.opt_str("ExclusiveStartShardId")? {
                None => None,
                Some(id) => Some(parse_shard_id(id).ok_or_else(|| {
                    ApiError::validation(
                        id,
                        "exclusiveStartShardId",
                        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                    )
                })?),
            };
            (name, after)
        }
    };
    let stream = world
        .kinesis
        .stream(&stream_name)
        .ok_or_else(|| Kinesis::stream_not_found(&stream_name))?;
    let filter = match req.opt_struct("ShardFilter")? {
        None => ShardFilter::OpenFrom(0),
        Some(f) => parse_filter(&f, world, stream)?,
    };
    let epoch = world.epoch();
    let eligible: Vec<&Shard> = stream
        .shards()
        .iter()
        .filter(|s| start_after.is_none_or(|a| s.index() > a))
        .filter(|s| filter.admits(s, epoch))
        .collect();
    let page: Vec<&Shard> = eligible.iter().take(max).copied().collect();
    let mut out = json!({ "Shards": page.iter().map(|s| shard_json(s)).collect::<Vec<_>>() });
    if eligible.len() > max {
        if let Some(last) = page.last() {
            out["NextToken"] = json!(encode_token(
                "shards",
                &format!("{stream_name}/{}", last.index()),
                now
            ));
        }
    }
    Ok(out)
}

/// `ShardFilter.Type` (§1.11), with its instant resolved to virtual time.
enum ShardFilter {
    /// Shards after this index.
    AfterShardId(u32),
    /// Shards open at this instant (AT_TRIM_HORIZON, AT_TIMESTAMP).
    OpenAt(u64),
    /// Shards open at this instant or created later (FROM_TRIM_HORIZON, FROM_TIMESTAMP).
    OpenFrom(u64),
    /// Shards open now.
    AtLatest,
}

impl ShardFilter {
    fn admits(&self, shard: &Shard, epoch: crate::engine::time::Epoch) -> bool {
        // Shards know their creation second; closing is known to the millisecond.
        let created = epoch.to_virtual(shard.created_unix_s() * 1000).unwrap_or(0);
        let open_after = |t: u64| shard.closed_ms().is_none_or(|c| c > t);
        match *self {
            ShardFilter::AfterShardId(id) => shard.index() > id,
            ShardFilter::OpenAt(t) => created <= t.saturating_add(999) && open_after(t),
            ShardFilter::OpenFrom(t) => open_after(t),
            ShardFilter::AtLatest => {
                shard.state() == crate::engine::kinesis::shard::ShardState::Open
            }
        }
    }
}

fn parse_filter(f: &Request<'_>, world: &World, stream: &Stream) -> Result<ShardFilter, ApiError> {
    f.deny_unknown(&["Type", "ShardId", "Timestamp"])?;
    let now = world.now();
    // The trim horizon: now − retention, but never before the stream existed.
    let horizon = now
        .saturating_sub(u64::from(stream.retention_hours) * 3_600_000)
        .max(stream.created_ms());
    let timestamp = |kind: &str| -> Result<u64, ApiError> {
        let v = f.raw("Timestamp").ok_or_else(|| {
            ApiError::invalid_argument(format!("ShardFilter type {kind} requires a Timestamp"))
        })?;
        let secs = v.as_f64().ok_or_else(|| {
            ApiError::serialization("member 'ShardFilter.Timestamp' must be epoch seconds")
        })?;
        let unix_ms = (secs.max(0.0) * 1000.0) as u64;
        Ok(world.epoch().to_virtual(unix_ms).unwrap_or(0).min(now))
    };
    match f.str("Type")? {
        "AFTER_SHARD_ID" => {
            let id = f.str("ShardId")?;
            parse_shard_id(id)
                .map(ShardFilter::AfterShardId)
                .ok_or_else(|| ApiError::invalid_argument(format!("Invalid ShardId {id}")))
        }
        "AT_TRIM_HORIZON" => Ok(ShardFilter::OpenAt(horizon)),
        "FROM_TRIM_HORIZON" => Ok(ShardFilter::OpenFrom(horizon)),
        "AT_LATEST" => Ok(ShardFilter::AtLatest),
        "AT_TIMESTAMP" => Ok(ShardFilter::OpenAt(timestamp("AT_TIMESTAMP")?.max(horizon))),
        "FROM_TIMESTAMP" => Ok(ShardFilter::OpenFrom(timestamp("FROM_TIMESTAMP")?.max(horizon))),
        other => Err(ApiError::validation(
            other,
            "shardFilter.type",
            "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]",
        )),
    }
}

/// An opaque pagination token: base64 of `kind|position|issued_ms`.
fn encode_token(kind: &str, position: &str, now: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}|{position}|{now}"))
}

fn decode_token(token: &str, kind: &str, now: u64) -> Result<(u64, String), ApiError> {
    let invalid = || ApiError::invalid_argument("Invalid NextToken.");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.splitn(3, '|');
    let (k, pos, issued) = (parts.next(), parts.next(), parts.next());
    let (Some(k), Some(pos), Some(issued)) = (k, pos, issued) else {
        return Err(invalid());
    };
    let issued: u64 = issued.parse().map_err(|_| invalid())?;
    if k != kind {
        return Err(invalid());
    }
    if now.saturating_sub(issued) > NEXT_TOKEN_TTL_MS {
        return Err(ApiError::new(
            ErrorKind::ExpiredNextTokenException,
            "The NextToken has expired: tokens are valid for 300 seconds (§1.11).",
        ));
    }
    Ok((issued, pos.to_string()))
}
