//! Kafka produce → consume throughput (semantics.md §6): keyed records of 100 bytes produced to a
//! 16-partition topic (replication factor 3, acks=all, idempotent), then read by a consumer group
//! member polling 500 records a call and committing — both through the JSON dispatcher — and the
//! engine produce path alone (partition choice + broker append, no JSON).

use std::time::Instant;

use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::kafka::produce::{
    append_batch, choose_partition, Acks, OutgoingRecord,
};
use kinesis_playground::engine::kafka::record::Payload;
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::{json, Value};

fn call(w: &mut World, action: &str, req: Value) -> Result<Value, String> {
    dispatch(w, "kafka", action, &req).map_err(|e| e.to_string())
}

fn topic(w: &mut World) -> Result<(), String> {
    call(
        w,
        "CreateTopics",
        json!({"Topics": [{"Name": "bench", "NumPartitions": 16, "ReplicationFactor": 3}]}),
    )?;
    Ok(())
}

/// Produces `keys.len()` records in batches of 500 and consumes them all with one member.
/// Returns (wall seconds, records produced, records consumed).
pub fn produce_consume(keys: &[String]) -> Result<(f64, u64, u64), String> {
    let mut w = World::new(WorldConfig::seeded(1));
    topic(&mut w)?;
    let value = "x".repeat(100);
    let batches: Vec<Value> = keys
        .chunks(500)
        .map(|c| json!({"Topic": "bench", "Records": c.iter().map(|k| json!({"Key": k, "Value": value})).collect::<Vec<_>>()}))
        .collect();
    let t0 = Instant::now();
    let mut produced = 0u64;
    for b in &batches {
        let v = call(&mut w, "Produce", b.clone())?;
        produced += v["Results"]
            .as_array()
            .map_or(0, |r| r.iter().filter(|x| x["Error"].is_null()).count())
            as u64;
    }
    let m = call(
        &mut w,
        "Subscribe",
        json!({"GroupId": "g", "Topics": ["bench"], "AutoOffsetReset": "earliest", "EnableAutoCommit": false}),
    )?;
    let member = m["MemberId"].as_str().unwrap_or_default().to_string();
    let mut consumed = 0u64;
    let mut idle = 0;
    while consumed < produced && idle < 20 {
        let v = call(
            &mut w,
            "Poll",
            json!({"GroupId": "g", "MemberId": member, "MaxRecords": 500}),
        )?;
        let n = v["Records"].as_array().map_or(0, Vec::len) as u64;
        consumed += n;
        idle = if n == 0 { idle + 1 } else { 0 };
        if n > 0 {
            call(
                &mut w,
                "Commit",
                json!({"GroupId": "g", "MemberId": member}),
            )?;
        }
    }
    Ok((t0.elapsed().as_secs_f64(), produced, consumed))
}

/// The engine produce path alone: partition choice and one-record batches, acks=all.
/// Returns (wall seconds, records appended).
pub fn engine_produce(keys: &[String]) -> Result<(f64, u64), String> {
    let mut w = World::new(WorldConfig::seeded(1));
    topic(&mut w)?;
    let value: Payload = Payload::from(&[b'x'; 100][..]);
    let t0 = Instant::now();
    let mut ok = 0u64;
    for k in keys {
        let r = OutgoingRecord {
            key: Some(Payload::from(k.as_bytes())),
            value: Some(value.clone()),
            timestamp_ms: 0,
            headers: Vec::new(),
        };
        let p = choose_partition(
            &mut w,
            "bench",
            "bench",
            None,
            Some(k.as_bytes()),
            r.size_bytes(),
            16_384,
        )
        .map_err(|e| e.to_string())?;
        if append_batch(
            &mut w,
            "bench",
            p,
            std::slice::from_ref(&r),
            Acks::All,
            None,
        )
        .is_ok()
        {
            ok += 1;
        }
    }
    Ok((t0.elapsed().as_secs_f64(), ok))
}
