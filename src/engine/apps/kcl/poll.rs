//! Polling retrieval (semantics.md §2.1): every `idleTimeBetweenReadsInMillis` a worker reads each
//! of its processing shards whose buffer is empty with one GetRecords (`Limit = maxRecords`),
//! through the real dispatcher path, so the reads share the shard's 5 calls/s and 2 MiB/s with
//! every other shared-throughput consumer and can be throttled (§1.8).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::dispatch;
use crate::engine::api::error::ErrorKind;
use crate::engine::apps::kcl::app::Application;
use crate::engine::apps::kcl::config::InitialPosition;
use crate::engine::apps::kcl::process::{check_parents, materialize};
use crate::engine::apps::kcl::worker::{ChildShard, Fetched, ProcessorState};
use crate::engine::apps::kpl::aggregation;
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::parse_shard_id;
use crate::engine::world::World;

/// One poll of worker `w`: parent checks, reads, processing up to now, lag samples.
pub fn poll(world: &mut World, app: &mut Application, w: usize) {
    let now = world.now();
    let keys: Vec<String> = app.workers[w].processors.keys().cloned().collect();
    for key in keys {
        let Some(p) = app.workers[w].processors.get(&key) else {
            continue;
        };
        if let ProcessorState::WaitingOnParents { next_check } = p.state {
            if now >= next_check {
                check_parents(app, world.kinesis.stream(&app.stream), w, &key, now);
            }
        }
        let Some(p) = app.workers[w].processors.get(&key) else {
            continue;
        };
        if p.state == ProcessorState::Processing && p.buffer.is_empty() && p.shard_end.is_none() {
            fetch(world, app, w, &key);
            materialize(app, w, &key, now);
        }
        if let Some(shard) = app.workers[w].processors.get(&key).map(|p| p.shard) {
            let behind = crate::engine::apps::kcl::render::records_behind(world, app, &key);
            app.lag.entry(shard).or_default().sample(now, behind);
        }
    }
}

fn iterator_request(
    app: &Application,
    start: &str,
    after: Option<&str>,
    resume_at: bool,
    shard: &str,
    epoch_ms: u64,
) -> Value {
    let mut req = json!({ "StreamName": app.stream, "ShardId": shard });
    if resume_at && after.is_none() {
        // Resuming inside a KPL aggregate: read it again and skip what was processed (§2.6).
        req["ShardIteratorType"] = json!("AT_SEQUENCE_NUMBER");
        req["StartingSequenceNumber"] = json!(start);
        return req;
    }
    let seq = after.or_else(|| start.bytes().all(|b| b.is_ascii_digit()).then_some(start));
    match seq {
        Some(s) => {
            req["ShardIteratorType"] = json!("AFTER_SEQUENCE_NUMBER");
            req["StartingSequenceNumber"] = json!(s);
        }
        None => match start {
            "LATEST" => req["ShardIteratorType"] = json!("LATEST"),
            "AT_TIMESTAMP" => {
                let unix_ms = match app.config.initial_position {
                    InitialPosition::AtTimestamp(t) => t,
                    _ => epoch_ms,
                };
                req["ShardIteratorType"] = json!("AT_TIMESTAMP");
                req["Timestamp"] = json!(unix_ms as f64 / 1000.0);
            }
            _ => req["ShardIteratorType"] = json!("TRIM_HORIZON"),
        },
    }
    req
}

fn fetch(world: &mut World, app: &mut Application, w: usize, key: &str) {
    let now = world.now();
    let epoch = world.epoch();
    let Some(p) = app.workers[w].processors.get(key) else {
        return;
    };
    let shard = p.shard;
    let lag = app.lag.entry(shard).or_default();
    lag.last_poll_ms = Some(now);
    let token = match &p.iterator {
        Some(t) => t.clone(),
        None => {
            let after = p.last_fetched.as_ref().map(|(s, _)| s.as_ref());
            let resume_at = p.skip.is_some();
            let req = iterator_request(app, &p.start, after, resume_at, key, epoch.unix_ms());
            match dispatch(world, "kinesis", "GetShardIterator", &req) {
                Ok(v) => v["ShardIterator"].as_str().unwrap_or_default().to_string(),
                Err(e) => {
                    let lag = app.lag.entry(shard).or_default();
                    if e.kind == ErrorKind::ProvisionedThroughputExceededException {
                        lag.throttled += 1;
                    }
                    lag.last_error = Some(e.to_string());
                    return;
                }
            }
        }
    };
    let max = app.config.max_records;
    let out = dispatch(
        world,
        "kinesis",
        "GetRecords",
        &json!({ "ShardIterator": token, "Limit": max }),
    );
    let lag = app.lag.entry(shard).or_default();
    let Some(p) = app.workers[w].processors.get_mut(key) else {
        return;
    };
    match out {
        Ok(v) => {
            lag.calls += 1;
            lag.millis_behind_latest = v["MillisBehindLatest"].as_u64().unwrap_or(0);
            let records = v["Records"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            lag.fetched += records.len() as u64;
            p.busy_until = p.busy_until.max(now);
            for r in records {
                let seq = r["SequenceNumber"].as_str().unwrap_or_default();
                let Some(parsed) = SequenceNumber::parse(seq) else {
                    continue;
                };
                let ts = r["ApproximateArrivalTimestamp"].as_f64().unwrap_or(0.0);
                let arrival_ms = epoch.to_virtual((ts * 1000.0).round() as u64).unwrap_or(0);
                let key = r["PartitionKey"].as_str().unwrap_or_default();
                let data = base64::engine::general_purpose::STANDARD
                    .decode(r["Data"].as_str().unwrap_or_default())
                    .unwrap_or_default();
                let idx = parsed.seq_index;
                p.last_fetched = Some((seq.into(), idx));
                match aggregation::decode(&data) {
                    // A KPL aggregate (§2.6): one delivery per user record, skipping those
                    // processed before a checkpoint inside it.
                    Ok(users) => {
                        let done = match p.skip {
                            Some((i, sub)) if i == idx => Some(sub),
                            _ => None,
                        };
                        for u in users {
                            if done.is_some_and(|d| u.sub_sequence_number <= d) {
                                continue;
                            }
                            p.buffer.push_back(Fetched {
                                seq: seq.into(),
                                idx,
                                sub: Some(u.sub_sequence_number),
                                key: u.partition_key.into(),
                                data: u.data.into(),
                                arrival_ms,
                            });
                        }
                    }
                    Err(_) => {
                        let skip = p.skip.is_some_and(|(i, _)| i == idx);
                        if !skip {
                            p.buffer.push_back(Fetched {
                                seq: seq.into(),
                                idx,
                                sub: None,
                                key: key.into(),
                                data: data.into(),
                                arrival_ms,
                            });
                        }
                    }
                }
                if p.skip.is_some_and(|(i, _)| i <= idx) {
                    p.skip = None;
                }
            }
            match v["NextShardIterator"].as_str() {
                Some(next) => p.iterator = Some(next.to_string()),
                None => {
                    p.iterator = None;
                    p.shard_end = Some(children(&v["ChildShards"]));
                }
            }
        }
        Err(e) => {
            match e.kind {
                ErrorKind::ProvisionedThroughputExceededException => lag.throttled += 1,
                _ => p.iterator = None,
            }
            lag.last_error = Some(e.to_string());
        }
    }
}

fn children(v: &Value) -> Vec<ChildShard> {
    let Some(list) = v.as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|c| {
            let id = c["ShardId"].as_str()?.to_string();
            let index = parse_shard_id(&id)?;
            let parents = c["ParentShards"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let range = &c["HashKeyRange"];
            let start = range["StartingHashKey"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let end = range["EndingHashKey"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(u128::MAX);
            Some(ChildShard {
                index,
                id,
                parents,
                range: (start, end),
            })
        })
        .collect()
}
