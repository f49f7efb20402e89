//! `bench`: engine throughput, each figure next to an MD5-only loop over the same keys.

use std::hint::black_box;
use std::time::Instant;

use base64::Engine as _;
use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::kinesis::hash_key::partition_key_hash;
use kinesis_playground::engine::kinesis::Routing;
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::json;

use crate::flag_u64;

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{}", i % 10_000)).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn rate(n: usize, f: impl FnOnce()) -> f64 {
    let t0 = Instant::now();
    f();
    n as f64 / t0.elapsed().as_secs_f64()
}

fn ready_world(shards: u32) -> Result<World, String> {
    let mut w = World::new(WorldConfig::seeded(1));
    dispatch(&mut w, "kinesis", "CreateStream", &json!({"StreamName": "bench", "ShardCount": shards}))
        .map_err(|e| e.to_string())?;
    w.advance_to(10_000);
    Ok(w)
}

/// Runs the benchmarks and prints one JSON object.
pub fn run(args: &[String]) -> Result<(), String> {
    let n = flag_u64(args, "--records")?.unwrap_or(1_000_000) as usize;
    let runs = 5;
    let keys = keys(n);
    let data = vec![b'x'; 100];
    let (mut md5, mut append, mut via_dispatcher) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        md5.push(rate(n, || {
            let mut acc = 0u128;
            for k in &keys {
                acc ^= partition_key_hash(black_box(k));
            }
            black_box(acc);
        }));
        let mut w = ready_world(16)?;
        append.push(rate(n, || {
            let epoch = w.epoch();
            for (i, k) in keys.iter().enumerate() {
                let now = 10_000 + (i as u64 / 16_000) * 1000;
                let r = w.kinesis.append("bench", Routing::PartitionKey(k), k, &data, now, epoch);
                black_box(r.is_ok());
            }
        }));
        let dn = n / 10;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        let mut w = ready_world(16)?;
        let reqs: Vec<serde_json::Value> = keys[..dn]
            .iter()
            .map(|k| json!({"StreamName": "bench", "Data": b64, "PartitionKey": k}))
            .collect();
        via_dispatcher.push(rate(dn, || {
            for r in reqs {
                black_box(dispatch(&mut w, "kinesis", "PutRecord", &r).is_ok());
            }
        }));
    }
    let (md5, append, dispatch) = (median(md5), median(append), median(via_dispatcher));
    println!(
        "{}",
        json!({
            "records": n,
            "runs": runs,
            "md5_only_keys_per_s": md5.round(),
            "put_record_engine_path_records_per_s": append.round(),
            "put_record_engine_path_vs_md5": (append / md5 * 1000.0).round() / 1000.0,
            "put_record_dispatcher_json_records_per_s": dispatch.round(),
            "put_record_dispatcher_json_vs_md5": (dispatch / md5 * 1000.0).round() / 1000.0,
        })
    );
    Ok(())
}
