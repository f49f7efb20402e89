//! `bench`: engine throughput, each figure next to an MD5-only loop over the same keys, and the
//! whole pipeline (producers → stream → KCL) in records per wall-clock second.

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
    dispatch(
        &mut w,
        "kinesis",
        "CreateStream",
        &json!({"StreamName": "bench", "ShardCount": shards}),
    )
    .map_err(|e| e.to_string())?;
    w.advance_to(10_000);
    Ok(w)
}

/// Virtual ms per record so 16 shards stay at half their write quota (8,000 records/s).
const MS_PER_8000: u64 = 1000;

/// Producers at this many records/s in total (two producers): half the 16 shards' write quota.
const PIPELINE_RATE: u64 = 8_000;

/// The whole pipeline on virtual time: two simulated producers (4,000 records/s each) → a
/// 16-shard stream → a KCL application with 4 workers (polling GetRecords, leases, checkpoints),
/// for `seconds` virtual seconds. Returns (wall-clock seconds, records produced, records processed,
/// duplicate deliveries among them: lease balancing re-reads past the last checkpoint).
fn pipeline(seconds: u64) -> Result<(f64, u64, u64, u64), String> {
    let mut w = ready_world(16)?;
    let call = |w: &mut World, action: &str, req: serde_json::Value| {
        dispatch(w, "playground", action, &req).map_err(|e| e.to_string())
    };
    let t0 = Instant::now();
    for p in ["producer-a", "producer-b"] {
        call(
            &mut w,
            "StartProducer",
            json!({"ProducerName": p, "StreamName": "bench", "RecordsPerSecond": PIPELINE_RATE / 2}),
        )?;
    }
    call(
        &mut w,
        "StartKclApplication",
        json!({"ApplicationName": "bench-app", "StreamName": "bench", "Workers": 4}),
    )?;
    let start = w.now();
    for s in 1..=seconds {
        w.advance_to(start + s * 1_000);
    }
    let wall = t0.elapsed().as_secs_f64();
    let produced = w
        .producers
        .all()
        .values()
        .map(|p| p.stats.sent)
        .sum::<u64>();
    let (processed, duplicates) = w
        .kcl
        .app("bench-app")
        .map_or((0, 0), |a| (a.ledger.deliveries, a.ledger.duplicates));
    Ok((wall, produced, processed, duplicates))
}

/// Runs the benchmarks and prints one JSON object.
pub fn run(args: &[String]) -> Result<(), String> {
    let n = flag_u64(args, "--records")?.unwrap_or(1_000_000) as usize;
    let runs = flag_u64(args, "--runs")?.unwrap_or(5).max(1) as usize;
    let seconds = flag_u64(args, "--pipeline-seconds")?.unwrap_or(60).max(1);
    let keys = keys(n);
    let data = vec![b'x'; 100];
    let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
    let (mut md5, mut append, mut via_dispatcher, mut batched, mut read_back) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut accepted = (0usize, 0usize, 0usize, 0usize);
    let (mut pipe_rate, mut pipe_produced_rate, mut pipe) = (Vec::new(), Vec::new(), (0, 0, 0));
    let fh_n = (n / 2).max(500);
    let an_seconds = ((n / 8_000) as u64).clamp(1, 60);
    let (mut an_op_rate, mut an_job_rate) = (Vec::new(), Vec::new());
    let (mut an_op, mut an_job) = ((0u64, 0usize), (0u64, 0u64, 0u64));
    let (mut fh_rate, mut fh_tx_rate, mut fh) = (Vec::new(), Vec::new(), (0, 0, 0, 0));
    let (mut kf_rate, mut kf_engine_rate, mut kf) = (Vec::new(), Vec::new(), (0, 0, 0));
    for _ in 0..runs {
        md5.push(rate(n, || {
            let mut acc = 0u128;
            for k in &keys {
                acc ^= partition_key_hash(black_box(k));
            }
            black_box(acc);
        }));

        // 1. The engine write path (routing, limits, sequence numbers, metrics, usage).
        let mut w = ready_world(16)?;
        let mut ok = 0;
        append.push(rate(n, || {
            let epoch = w.epoch();
            for (i, k) in keys.iter().enumerate() {
                let now = 10_000 + (i as u64 / 8_000) * MS_PER_8000;
                let r = w
                    .kinesis
                    .append("bench", Routing::PartitionKey(k), k, &data, now, epoch);
                ok += usize::from(black_box(r.is_ok()));
            }
        }));
        accepted.0 = ok;

        // 2. PutRecord through the JSON dispatcher (validation, base64, response rendering).
        let dn = n / 10;
        let mut w = ready_world(16)?;
        let reqs: Vec<serde_json::Value> = keys[..dn]
            .iter()
            .map(|k| json!({"StreamName": "bench", "Data": b64, "PartitionKey": k}))
            .collect();
        let mut ok = 0;
        via_dispatcher.push(rate(dn, || {
            for (i, r) in reqs.iter().enumerate() {
                if i % 8_000 == 0 {
                    w.advance_to(10_000 + (i as u64 / 8_000) * MS_PER_8000);
                }
                ok += usize::from(black_box(
                    dispatch(&mut w, "kinesis", "PutRecord", r).is_ok(),
                ));
            }
        }));
        accepted.1 = ok;

        // 3. PutRecords in batches of 500 through the dispatcher.
        let mut w = ready_world(16)?;
        let batches: Vec<serde_json::Value> = keys[..dn]
            .chunks(500)
            .map(|c| {
                json!({"StreamName": "bench", "Records": c.iter().map(|k| json!({"Data": b64, "PartitionKey": k})).collect::<Vec<_>>()})
            })
            .collect();
        let mut ok = 0;
        batched.push(rate(dn, || {
            for (i, b) in batches.iter().enumerate() {
                if (i * 500) % 8_000 == 0 {
                    w.advance_to(10_000 + ((i * 500) as u64 / 8_000) * MS_PER_8000);
                }
                if let Ok(v) = dispatch(&mut w, "kinesis", "PutRecords", b) {
                    ok += 500 - v["FailedRecordCount"].as_u64().unwrap_or(0) as usize;
                }
            }
        }));
        accepted.2 = ok;

        // 4. GetRecords: read every shard back from TRIM_HORIZON, 10,000 records a call, one call
        //    per shard per virtual second (within 5 calls/s and 2 MiB/s).
        let t0 = w.now() + 1_000;
        w.advance_to(t0);
        let mut iterators: Vec<Option<String>> = (0..16)
            .map(|s| {
                dispatch(&mut w, "kinesis", "GetShardIterator", &json!({
                    "StreamName": "bench", "ShardId": format!("shardId-{s:012}"), "ShardIteratorType": "TRIM_HORIZON"}))
                .ok()
                .and_then(|v| v["ShardIterator"].as_str().map(str::to_string))
            })
            .collect();
        let mut read = 0usize;
        read_back.push(rate(ok.max(1), || {
            let mut t = t0;
            loop {
                t += 1_000;
                w.advance_to(t);
                let mut progressed = false;
                for it in iterators.iter_mut() {
                    let Some(token) = it.clone() else { continue };
                    match dispatch(
                        &mut w,
                        "kinesis",
                        "GetRecords",
                        &json!({"ShardIterator": token, "Limit": 10_000}),
                    ) {
                        Ok(v) => {
                            let n = v["Records"].as_array().map_or(0, Vec::len);
                            read += n;
                            progressed |= n > 0;
                            *it = v["NextShardIterator"].as_str().map(str::to_string);
                        }
                        Err(_) => *it = None,
                    }
                }
                if !progressed {
                    break;
                }
            }
        }));
        accepted.3 = read;

        // 5. The pipeline: producers → stream → KCL.
        let (wall, produced, processed, duplicates) = pipeline(seconds)?;
        pipe_rate.push(processed as f64 / wall);
        pipe_produced_rate.push(produced as f64 / wall);
        pipe = (produced, processed, duplicates);

        // 6. Firehose: Direct PUT → buffers → GZIP → S3, without and with a transform.
        let (wall, delivered, objects, stored) = crate::bench_firehose::firehose(fh_n, false)?;
        fh_rate.push(delivered as f64 / wall);
        fh = (delivered, objects, stored, 0);
        let (wall, delivered_tx, _, _) = crate::bench_firehose::firehose(fh_n, true)?;
        fh_tx_rate.push(delivered_tx as f64 / wall);
        fh.3 = delivered_tx;

        // 7. Kafka: produce → consumer group through the dispatcher, and the engine produce path.
        let kn = (n / 2).max(1_000);
        let (wall, produced, consumed) = crate::bench_kafka::produce_consume(&keys[..kn])?;
        kf_rate.push(consumed as f64 / wall);
        let (wall_e, appended) = crate::bench_kafka::engine_produce(&keys[..kn])?;
        kf_engine_rate.push(appended as f64 / wall_e);
        kf = (produced, consumed, appended);

        // 8. Windowed aggregation: the operator alone, and a job catching up on a stream.
        let (wall, fired, peak) = crate::bench_analytics::operator(n);
        an_op_rate.push(n as f64 / wall);
        an_op = (fired, peak);
        let (wall, processed, panes, ckpts) = crate::bench_analytics::job(an_seconds)?;
        an_job_rate.push(processed as f64 / wall);
        an_job = (processed, panes, ckpts);
    }
    let (an_op_rate, an_job_rate) = (median(an_op_rate), median(an_job_rate));
    let (fh_rate, fh_tx_rate) = (median(fh_rate), median(fh_tx_rate));
    let (kf_rate, kf_engine_rate) = (median(kf_rate), median(kf_engine_rate));
    let (md5, append, dispatch_rate, batched, read_back) = (
        median(md5),
        median(append),
        median(via_dispatcher),
        median(batched),
        median(read_back),
    );
    let (pipe_rate, pipe_produced_rate) = (median(pipe_rate), median(pipe_produced_rate));
    let ratio = |x: f64| (x / md5 * 1000.0).round() / 1000.0;
    println!(
        "{}",
        json!({
            "records": n,
            "runs": runs,
            "md5_only_keys_per_s": md5.round(),
            "put_record_engine_path_records_per_s": append.round(),
            "put_record_engine_path_vs_md5": ratio(append),
            "put_record_engine_path_accepted": accepted.0,
            "put_record_dispatcher_json_records_per_s": dispatch_rate.round(),
            "put_record_dispatcher_json_vs_md5": ratio(dispatch_rate),
            "put_record_dispatcher_accepted": accepted.1,
            "put_records_batches_of_500_records_per_s": batched.round(),
            "put_records_accepted": accepted.2,
            "get_records_read_back_records_per_s": read_back.round(),
            "get_records_read_back": accepted.3,
            "pipeline_virtual_seconds": seconds,
            "pipeline_records_per_virtual_s": PIPELINE_RATE,
            "pipeline_producer_stream_kcl_records_per_s": pipe_rate.round(),
            "pipeline_producer_stream_kcl_vs_md5": ratio(pipe_rate),
            "pipeline_records_produced_per_s": pipe_produced_rate.round(),
            "pipeline_records_produced": pipe.0,
            "pipeline_records_processed": pipe.1,
            "pipeline_duplicate_deliveries": pipe.2,
            "firehose_records": fh_n,
            "firehose_direct_put_gzip_s3_delivered_records_per_s": fh_rate.round(),
            "firehose_direct_put_gzip_s3_vs_md5": ratio(fh_rate),
            "firehose_delivered": fh.0,
            "firehose_objects": fh.1,
            "firehose_stored_bytes": fh.2,
            "firehose_with_transform_delivered_records_per_s": fh_tx_rate.round(),
            "firehose_with_transform_delivered": fh.3,
            "kafka_note": "16 partitions, RF 3, acks=all, idempotent; 100-byte values; produce in batches of 500 then one member polls 500 and commits, all through the JSON dispatcher",
            "kafka_produce_consume_records_per_s": kf_rate.round(),
            "kafka_produce_consume_vs_md5": ratio(kf_rate),
            "kafka_records_produced": kf.0,
            "kafka_records_consumed": kf.1,
            "kafka_engine_produce_records_per_s": kf_engine_rate.round(),
            "kafka_engine_produce_vs_md5": ratio(kf_engine_rate),
            "kafka_engine_produce_appended": kf.2,
            "analytics_window_operator_records_per_s": an_op_rate.round(),
            "analytics_window_operator_vs_md5": ratio(an_op_rate),
            "analytics_window_operator_panes_fired": an_op.0,
            "analytics_window_operator_peak_panes": an_op.1,
            "analytics_job_records": an_seconds * 8_000,
            "analytics_job_note": "16 shards, parallelism 4, tumbling 10 s COUNT+SUM per customer (500 keys), checkpoints every 10 s; wall time of the catch-up only",
            "analytics_job_catch_up_records_per_s": an_job_rate.round(),
            "analytics_job_records_processed": an_job.0,
            "analytics_job_panes_published": an_job.1,
            "analytics_job_checkpoints_completed": an_job.2,
        })
    );
    Ok(())
}
