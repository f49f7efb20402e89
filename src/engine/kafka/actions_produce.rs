//! Produce and fetch actions of service `kafka` (semantics.md §6.2, §6.3): a console producer
//! that sends each record as its own batch, and an assign-mode fetch (no group).

use std::rc::Rc;

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::produce::{
    self, Acks, BatchSequence, OutgoingRecord, DEFAULT_BATCH_SIZE,
};
use crate::engine::kafka::record::Payload;
use crate::engine::world::World;

/// The produce/fetch actions.
pub const ACTIONS: &[&str] = &["Produce", "Fetch"];

/// Most records one `Produce` or `Fetch` call handles.
pub const MAX_RECORDS_PER_CALL: usize = 10_000;

/// Runs `Produce` or `Fetch`.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "Produce" => produce_action(world, req),
        "Fetch" => fetch_action(world, req),
        _ => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown kafka produce action '{action}'"),
        )),
    }
}

fn payload(v: Option<&Value>, member: &str) -> Result<Option<Payload>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(Rc::from(s.as_bytes()))),
        Some(_) => Err(ApiError::serialization(format!(
            "{member} must be a UTF-8 string or null"
        ))),
    }
}

/// Parses `Acks` and `EnableIdempotence` as the Java client does since 3.0: idempotence is on by
/// default and needs `acks=all`; an explicit `acks` other than `all` turns the default off, an
/// explicit `EnableIdempotence: true` with it is a configuration error (§6.3).
pub fn parse_acks(req: &Request<'_>) -> Result<(Acks, bool), ApiError> {
    let acks_text = req.opt_str("Acks")?;
    let acks = match acks_text {
        None => Acks::All,
        Some(a) => Acks::parse(a).ok_or_else(|| {
            ApiError::new(
                ErrorKind::InvalidConfigurationException,
                format!("Invalid value {a} for configuration acks: String must be one of: all, -1, 0, 1"),
            )
        })?,
    };
    let idem = match req.opt_bool("EnableIdempotence")? {
        Some(true) if acks != Acks::All => {
            return Err(ApiError::new(
                ErrorKind::InvalidConfigurationException,
                "Must set acks to all in order to use the idempotent producer (enable.idempotence=true)",
            ))
        }
        Some(b) => b,
        None => acks == Acks::All,
    };
    Ok((acks, idem))
}

fn produce_action(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Topic", "Records", "Acks", "ClientId", "EnableIdempotence"])?;
    let topic = req.str("Topic")?;
    let client = req.opt_str("ClientId")?.unwrap_or("console-producer");
    let (acks, idem) = parse_acks(&req)?;
    if !world.kafka.topics.contains_key(topic) {
        return Err(ApiError::new(
            ErrorKind::UnknownTopicOrPartitionException,
            format!("Topic '{topic}' does not exist"),
        ));
    }
    let list = req
        .opt_list("Records")?
        .ok_or_else(|| crate::engine::api::request::missing("Records"))?;
    if list.is_empty() || list.len() > MAX_RECORDS_PER_CALL {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            format!(
                "Records must hold 1 to {MAX_RECORDS_PER_CALL} records, got {}",
                list.len()
            ),
        ));
    }
    let now = world.now();
    let mut parsed = Vec::with_capacity(list.len());
    for item in list {
        let r = Request::new(item)?;
        r.deny_unknown(&["Key", "Value", "Partition", "Timestamp", "Headers"])?;
        let key = payload(r.raw("Key"), "Key")?;
        let value = payload(r.raw("Value"), "Value")?;
        let partition = r
            .opt_int("Partition", 0, i64::from(u32::MAX))?
            .map(|p| p as u32);
        let ts = r
            .opt_int("Timestamp", 0, i64::MAX)?
            .map_or(now, |t| t as u64);
        let headers = r
            .opt_string_map("Headers")?
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.to_string(), Rc::from(v.as_bytes())))
            .collect();
        parsed.push((
            partition,
            OutgoingRecord {
                key,
                value,
                timestamp_ms: ts,
                headers,
            },
        ));
    }
    let pid = if idem {
        Some(produce::init_producer_id(world, client))
    } else {
        None
    };
    let mut results = Vec::with_capacity(parsed.len());
    for (explicit, rec) in parsed {
        let size = rec.size_bytes();
        let key = rec.key.clone();
        let part = match produce::choose_partition(
            world,
            client,
            topic,
            explicit,
            key.as_deref(),
            size,
            DEFAULT_BATCH_SIZE,
        ) {
            Ok(p) => p,
            Err(e) => {
                results.push(json!({ "Partition": explicit, "Error": e.kind.as_str(), "Message": e.message }));
                continue;
            }
        };
        let seq = pid.map(|(producer_id, epoch)| BatchSequence {
            producer_id,
            epoch,
            first_seq: next_seq(world, client, topic, part),
        });
        match produce::append_batch(world, topic, part, std::slice::from_ref(&rec), acks, seq) {
            Ok(a) => {
                if seq.is_some() && !a.duplicate {
                    bump_seq(world, client, topic, part, 1);
                }
                let offset = if acks == Acks::Zero {
                    -1
                } else {
                    a.base_offset as i64
                };
                results.push(
                    json!({ "Partition": part, "Offset": offset, "Timestamp": rec.timestamp_ms }),
                );
            }
            Err(e) => results
                .push(json!({ "Partition": part, "Error": e.kind.as_str(), "Message": e.message })),
        }
    }
    Ok(json!({ "Results": results }))
}

/// The next sequence `client` uses on `topic`/`partition`.
pub fn next_seq(world: &World, client: &str, topic: &str, partition: u32) -> i32 {
    world
        .kafka
        .core
        .clients
        .get(client)
        .and_then(|c| c.next_seq.get(&(topic.to_string(), partition)).copied())
        .unwrap_or(0)
}

/// Advances `client`'s sequence on `topic`/`partition` by `n` records.
pub fn bump_seq(world: &mut World, client: &str, topic: &str, partition: u32, n: i32) {
    let c = world
        .kafka
        .core
        .clients
        .entry(client.to_string())
        .or_default();
    let s = c
        .next_seq
        .entry((topic.to_string(), partition))
        .or_insert(0);
    *s = s.wrapping_add(n);
}

fn text(p: &Option<Payload>) -> Value {
    match p {
        None => Value::Null,
        Some(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
    }
}

fn fetch_action(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Topic", "Partition", "Offset", "MaxRecords"])?;
    let topic = req.str("Topic")?;
    let partition = req.int("Partition", 0, i64::from(u32::MAX))? as usize;
    let offset = req.int("Offset", 0, i64::MAX)? as u64;
    let max = req
        .opt_int("MaxRecords", 1, MAX_RECORDS_PER_CALL as i64)?
        .unwrap_or(500) as usize;
    let t = world.kafka.topics.get(topic).ok_or_else(|| {
        ApiError::new(
            ErrorKind::UnknownTopicOrPartitionException,
            format!("Topic '{topic}' does not exist"),
        )
    })?;
    let p = t.partitions.get(partition).ok_or_else(|| {
        ApiError::new(
            ErrorKind::UnknownTopicOrPartitionException,
            format!(
                "Topic '{topic}' has no partition {partition} ({} partitions)",
                t.partitions.len()
            ),
        )
    })?;
    if !p.leader.is_some_and(|l| world.kafka.cluster.is_online(l)) {
        return Err(ApiError::new(
            ErrorKind::LeaderNotAvailableException,
            format!(
                "Partition {topic}-{partition} has no leader: no in-sync replica is online (§6.1)"
            ),
        ));
    }
    if offset < p.log_start_offset || offset > p.next_offset {
        return Err(ApiError::new(
            ErrorKind::OffsetOutOfRangeException,
            format!(
                "Fetch offset {offset} is out of range for {topic}-{partition}: log start {}, log end {} (§6.4)",
                p.log_start_offset, p.next_offset
            ),
        ));
    }
    let hw = p.high_watermark;
    let recs = p.fetch(offset, hw, max);
    let next = match recs.last() {
        Some(r) => r.offset + 1,
        None if offset < hw => hw,
        None => offset,
    };
    let records: Vec<Value> = recs
        .iter()
        .map(|r| json!({ "Offset": r.offset, "Timestamp": r.timestamp_ms, "Key": text(&r.key), "Value": text(&r.value) }))
        .collect();
    Ok(json!({
        "Records": records,
        "HighWatermark": hw,
        "LogStartOffset": p.log_start_offset,
        "NextOffset": next,
    }))
}
