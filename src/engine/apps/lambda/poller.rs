//! Reading shards for a mapping: discovery (a child shard starts only after its parents are fully
//! processed), GetShardIterator and GetRecords through the real Kinesis actions, and distribution
//! of records over the `ParallelizationFactor` lanes by partition key.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::ErrorKind;
use crate::engine::api::request::Request;
use crate::engine::apps::lambda::state::{LRecord, ShardPoller, Start};
use crate::engine::apps::lambda::{
    invoke, schedule, with_mapping, EventSourceMapping, LambdaEvent, CATCH_UP_INTERVAL_MS,
    POLL_INTERVAL_MS,
};
use crate::engine::kinesis::actions::get_records::{
    get_records, get_shard_iterator, GET_RECORDS_MAX_LIMIT,
};
use crate::engine::kinesis::hash_key::partition_key_hash;
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::world::World;

/// A shard iterator for `start`, through GetShardIterator; `None` if the call fails (throttled:
/// the next poll tries again).
pub fn get_iterator(world: &mut World, stream: &str, shard: u32, start: &Start) -> Option<String> {
    let mut req = json!({ "StreamName": stream, "ShardId": shard_id(shard) });
    match start {
        Start::TrimHorizon => req["ShardIteratorType"] = json!("TRIM_HORIZON"),
        Start::Latest => req["ShardIteratorType"] = json!("LATEST"),
        Start::AtTimestamp(ts) => {
            req["ShardIteratorType"] = json!("AT_TIMESTAMP");
            req["Timestamp"] = json!(ts);
        }
        Start::After(seq) => {
            req["ShardIteratorType"] = json!("AFTER_SEQUENCE_NUMBER");
            req["StartingSequenceNumber"] = json!(seq);
        }
    }
    let r = Request::new(&req).ok()?;
    let out = get_shard_iterator(world, r).ok()?;
    out["ShardIterator"].as_str().map(str::to_string)
}

/// The periodic poll of a mapping.
pub fn on_tick(world: &mut World, uuid: &str, generation: u64) {
    with_mapping(world, uuid, generation, |world, m| {
        let alive = world
            .kinesis
            .stream(&m.config.stream)
            .is_some_and(|s| s.created_ms() == m.stream_created_ms && s.status.allows_io());
        if !alive {
            m.last_processing_result = format!(
                "PROBLEM: Stream {} not found or not ACTIVE.",
                m.config.stream
            );
            if world
                .kinesis
                .stream(&m.config.stream)
                .is_some_and(|s| s.created_ms() == m.stream_created_ms)
            {
                // CREATING/UPDATING of the same stream: keep polling.
                schedule(
                    world,
                    world.now() + POLL_INTERVAL_MS,
                    LambdaEvent::Tick {
                        uuid: m.uuid.clone(),
                        generation,
                    },
                );
            }
            return;
        }
        discover(world, m);
        let mut behind = false;
        let shards: Vec<u32> = m.shards.keys().copied().collect();
        for shard in &shards {
            if eligible(world, m, *shard) {
                behind |= poll(world, m, *shard);
            }
        }
        for shard in shards {
            for slot in 0..m.shards.get(&shard).map_or(0, |s| s.slots.len()) {
                invoke::try_start(world, m, shard, slot);
            }
            invoke::check_finished(m, shard);
        }
        let every = if behind {
            CATCH_UP_INTERVAL_MS
        } else {
            POLL_INTERVAL_MS
        };
        schedule(
            world,
            world.now() + every,
            LambdaEvent::Tick {
                uuid: m.uuid.clone(),
                generation,
            },
        );
    });
}

/// Starts tracking shards the mapping has not seen (children of a reshard: TRIM_HORIZON).
fn discover(world: &World, m: &mut EventSourceMapping) {
    let Some(stream) = world.kinesis.stream(&m.config.stream) else {
        return;
    };
    for s in stream.shards() {
        m.shards.entry(s.index()).or_insert_with(|| {
            ShardPoller::new(Start::TrimHorizon, m.config.parallelization_factor)
        });
    }
}

/// Whether a shard may be read: not finished, and each parent finished or gone.
fn eligible(world: &World, m: &EventSourceMapping, shard: u32) -> bool {
    let Some(state) = m.shards.get(&shard) else {
        return false;
    };
    if state.finished {
        return false;
    }
    let Some(s) = world
        .kinesis
        .stream(&m.config.stream)
        .and_then(|st| st.shard(shard))
    else {
        return false;
    };
    [s.parent(), s.adjacent_parent()]
        .into_iter()
        .flatten()
        .all(|p| m.shards.get(&p).is_none_or(|ps| ps.finished))
}

/// Reads the shard once if its lanes have room; returns whether it is behind the tip.
fn poll(world: &mut World, m: &mut EventSourceMapping, shard: u32) -> bool {
    let stream = m.config.stream.clone();
    let lanes = m.config.parallelization_factor.max(1);
    let target =
        (m.config.batch_size as usize * lanes as usize * 2).min(GET_RECORDS_MAX_LIMIT as usize);
    let Some(state) = m.shards.get_mut(&shard) else {
        return false;
    };
    let held = state.held();
    if state.ended || held >= target {
        return false;
    }
    for attempt in 0..2 {
        if state.iterator.is_none() {
            state.iterator = get_iterator(world, &stream, shard, &state.start);
        }
        let Some(it) = state.iterator.clone() else {
            return false;
        };
        let req = json!({ "ShardIterator": it, "Limit": target - held });
        let Ok(r) = Request::new(&req) else {
            return false;
        };
        match get_records(world, r) {
            Ok(resp) => {
                absorb(world, state, &resp, lanes);
                return state.behind_ms > 0;
            }
            Err(e) if e.kind == ErrorKind::ExpiredIteratorException && attempt == 0 => {
                state.iterator = None
            }
            Err(e) if e.kind == ErrorKind::ProvisionedThroughputExceededException => return false,
            Err(_) => {
                state.iterator = None;
                return false;
            }
        }
    }
    false
}

/// Takes a GetRecords response into the shard's lanes.
fn absorb(world: &World, state: &mut ShardPoller, resp: &Value, lanes: u32) {
    let now = world.now();
    let epoch = world.epoch();
    for r in resp["Records"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let seq = r["SequenceNumber"].as_str().unwrap_or_default().to_string();
        let Some(parsed) = SequenceNumber::parse(&seq) else {
            continue;
        };
        let partition_key = r["PartitionKey"].as_str().unwrap_or_default().to_string();
        let data = base64::engine::general_purpose::STANDARD
            .decode(r["Data"].as_str().unwrap_or_default())
            .unwrap_or_default();
        let unix_ms = (r["ApproximateArrivalTimestamp"].as_f64().unwrap_or(0.0) * 1000.0).round();
        let arrival_ms = epoch.to_virtual(unix_ms.max(0.0) as u64).unwrap_or(0);
        let lane = if lanes > 1 {
            ((partition_key_hash(&partition_key) >> 64) as u64 % u64::from(lanes)) as usize
        } else {
            0
        };
        state
            .read_log
            .insert(parsed.seq_index, (seq.clone(), false));
        state.start = Start::After(seq.clone());
        if let Some(slot) = state.slots.get_mut(lane) {
            slot.buffer.push_back(LRecord {
                seq,
                seq_index: parsed.seq_index,
                partition_key,
                data,
                arrival_ms,
                read_at: now,
            });
        }
    }
    state.behind_ms = resp["MillisBehindLatest"].as_u64().unwrap_or(0);
    match resp["NextShardIterator"].as_str() {
        Some(next) => state.iterator = Some(next.to_string()),
        None => {
            state.iterator = None;
            state.ended = true;
        }
    }
}
