//! GetShardIterator and GetRecords (semantics.md §1.7, §1.8).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::iterator::ShardIterator;
use crate::engine::kinesis::shard::{parse_shard_id, shard_id, ShardState};
use crate::engine::kinesis::starting_position::{Members, StartingPosition};
use crate::engine::kinesis::throughput::ITERATOR_CALLS_PER_S;
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::time::unix_ms_to_aws_timestamp;
use crate::engine::world::World;

/// Most records one GetRecords call returns (§1.8).
pub const GET_RECORDS_MAX_LIMIT: i64 = 10_000;
/// Most bytes one GetRecords call returns (§1.8: 10 MiB).
pub const GET_RECORDS_MAX_BYTES: u64 = 10 * 1_048_576;

/// The per-world secret that authenticates iterators.
pub fn iterator_secret(world: &World) -> u64 {
    world.config().seed ^ 0x4b49_4e45_5349_535f
}

fn shard_not_found(stream: &str, shard: &str) -> ApiError {
    ApiError::not_found(format!(
        "Shard {shard} in stream {stream} under account {ACCOUNT_ID} does not exist"
    ))
}

/// How GetShardIterator names the starting-position members.
const GET_SHARD_ITERATOR: Members = Members {
    action: "GetShardIterator",
    kind: "ShardIteratorType",
    kind_path: "shardIteratorType",
    sequence: "StartingSequenceNumber",
    timestamp: "Timestamp",
};

/// GetShardIterator with the five iterator types.
pub fn get_shard_iterator(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "StreamARN",
        "ShardId",
        "ShardIteratorType",
        "StartingSequenceNumber",
        "Timestamp",
    ])?;
    let stream_name = stream_name_of(&req)?;
    let shard_id_str = req.str("ShardId")?;
    let kind = req.str("ShardIteratorType")?;
    let starting = req.opt_str("StartingSequenceNumber")?;
    let timestamp = match req.raw("Timestamp") {
        None => None,
        Some(v) => Some(v.as_f64().ok_or_else(|| {
            ApiError::serialization("member 'Timestamp' must be a number (epoch seconds)")
        })?),
    };
    let start = StartingPosition::parse(kind, starting, timestamp, &GET_SHARD_ITERATOR)?;
    let now = world.now();
    let epoch = world.epoch();
    let stream = world
        .kinesis
        .stream(stream_name)
        .ok_or_else(|| Kinesis::stream_not_found(stream_name))?;
    if !stream.status.allows_io() {
        return Err(ApiError::not_found(format!(
            "Stream {stream_name} under account {ACCOUNT_ID} is {} and cannot be read yet.",
            stream.status.as_str()
        )));
    }
    let shard_index =
        parse_shard_id(shard_id_str).ok_or_else(|| shard_not_found(stream_name, shard_id_str))?;
    let shard = stream
        .shard(shard_index)
        .ok_or_else(|| shard_not_found(stream_name, shard_id_str))?;
    let position = start.resolve(
        shard,
        stream_name,
        stream.created_unix_s(),
        now,
        epoch,
        &GET_SHARD_ITERATOR,
    )?;
    let created_ms = stream.created_ms();
    let limiter = world.kinesis.throughput_mut(stream_name, shard_index, now);
    if !limiter.iterator_calls.try_call(now, ITERATOR_CALLS_PER_S) {
        return Err(Kinesis::rate_exceeded(stream_name, shard_index));
    }
    let it = ShardIterator {
        stream: stream_name.to_string(),
        stream_created_ms: created_ms,
        shard_index,
        position,
        issued_ms: now,
    };
    Ok(json!({ "ShardIterator": it.encode(iterator_secret(world)) }))
}

/// GetRecords: up to `Limit` records (≤ 10,000) and ≤ 10 MiB from the iterator's position.
pub fn get_records(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ShardIterator", "Limit", "StreamARN"])?;
    let token = req.str("ShardIterator")?;
    let limit = req
        .opt_int("Limit", 1, GET_RECORDS_MAX_LIMIT)
        .map_err(|e| ApiError::invalid_argument(e.message))?
        .unwrap_or(GET_RECORDS_MAX_LIMIT) as usize;
    let secret = iterator_secret(world);
    let it = ShardIterator::decode(token, secret)?;
    if let Some(arn) = req.opt_str("StreamARN")? {
        if crate::engine::kinesis::names::stream_name_from_arn(arn) != Some(it.stream.as_str()) {
            return Err(ApiError::invalid_argument(format!(
                "Invalid ShardIterator: it was issued for stream {}, not for {arn}.",
                it.stream
            )));
        }
    }
    let now = world.now();
    it.check_fresh(now)?;
    let epoch = world.epoch();
    {
        let stream = world
            .kinesis
            .stream(&it.stream)
            .filter(|s| s.created_ms() == it.stream_created_ms)
            .ok_or_else(|| Kinesis::stream_not_found(&it.stream))?;
        stream
            .shard(it.shard_index)
            .ok_or_else(|| shard_not_found(&it.stream, &shard_id(it.shard_index)))?;
    }
    // Throttling is decided before reading (§1.8): calls per second, and a read bucket in debt.
    if !world
        .kinesis
        .throughput_mut(&it.stream, it.shard_index, now)
        .admit_read_call(now)
    {
        world
            .kinesis
            .metrics
            .shard_second(&it.stream, it.shard_index, now)
            .read_throttled += 1;
        return Err(Kinesis::rate_exceeded(&it.stream, it.shard_index));
    }
    let (response, bytes, n_records, age) = {
        let Some(stream) = world.kinesis.stream(&it.stream) else {
            return Err(Kinesis::stream_not_found(&it.stream));
        };
        let Some(shard) = stream.shard(it.shard_index) else {
            return Err(shard_not_found(&it.stream, &shard_id(it.shard_index)));
        };
        let records = shard.records();
        let start = shard.first_at_or_after(it.position);
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let mut next_position = it.position;
        for r in records.iter().skip(start).take(limit) {
            let size = (r.data.len() + r.partition_key.len()) as u64;
            if !out.is_empty() && bytes + size > GET_RECORDS_MAX_BYTES {
                break;
            }
            bytes += size;
            let unix_ms = epoch.to_unix_ms(r.arrival_ms);
            out.push(json!({
                "SequenceNumber": shard.sequence_number(r.seq_index, unix_ms / 1000).to_decimal(),
                "ApproximateArrivalTimestamp": unix_ms_to_aws_timestamp(unix_ms),
                "Data": base64::engine::general_purpose::STANDARD.encode(&r.data),
                "PartitionKey": r.partition_key.as_ref(),
            }));
            next_position = r.seq_index + 1;
        }
        let returned = out.len();
        let remaining = records.len().saturating_sub(start + returned);
        // §1.8: 0 when caught up; otherwise how far the last returned record is behind now.
        let millis_behind = if remaining == 0 || returned == 0 {
            0
        } else {
            now.saturating_sub(records[start + returned - 1].arrival_ms)
        };
        let mut response = json!({ "Records": out });
        if shard.state() == ShardState::Closed && remaining == 0 {
            // §1.8: a drained closed shard answers with a null iterator and its children.
            response["NextShardIterator"] = Value::Null;
            response["MillisBehindLatest"] = json!(millis_behind);
            response["ChildShards"] = Value::Array(child_shards(stream, it.shard_index));
        } else {
            let next = ShardIterator {
                position: next_position,
                issued_ms: now,
                ..it.clone()
            };
            response["NextShardIterator"] = json!(next.encode(secret));
            response["MillisBehindLatest"] = json!(millis_behind);
        }
        // §1.14: iterator age = now − arrival of the last record returned; 0 when caught up.
        let age = if returned == 0 {
            0
        } else {
            now.saturating_sub(records[start + returned - 1].arrival_ms)
        };
        (response, bytes, returned as u64, age)
    };
    world
        .kinesis
        .throughput_mut(&it.stream, it.shard_index, now)
        .charge_read(bytes);
    let second = world
        .kinesis
        .metrics
        .shard_second(&it.stream, it.shard_index, now);
    second.outgoing_bytes += bytes;
    second.outgoing_records += n_records;
    second.get_records_calls += 1;
    second.iterator_age_max_ms = second.iterator_age_max_ms.max(age);
    if let Some(u) = world.kinesis.usage_mut(&it.stream) {
        u.add_read(n_records, bytes);
    }
    Ok(response)
}

/// The `ChildShards` of shard `parent`: shards whose parent or adjacent parent it is.
pub fn child_shards(stream: &crate::engine::kinesis::stream::Stream, parent: u32) -> Vec<Value> {
    stream
        .shards()
        .iter()
        .filter(|c| c.parent() == Some(parent) || c.adjacent_parent() == Some(parent))
        .map(|c| {
            let mut parents = vec![];
            if let Some(p) = c.parent() {
                parents.push(shard_id(p));
            }
            if let Some(p) = c.adjacent_parent() {
                parents.push(shard_id(p));
            }
            json!({
                "ShardId": c.shard_id(),
                "ParentShards": parents,
                "HashKeyRange": {
                    "StartingHashKey": c.range().starting.to_string(),
                    "EndingHashKey": c.range().ending.to_string(),
                },
            })
        })
        .collect()
}
