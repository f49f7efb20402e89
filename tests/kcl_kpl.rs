//! KCL de-aggregation of KPL records (semantics.md §2.2, §2.5, §2.6): a record processor receives
//! the user records inside an aggregate, each with its sub-sequence number; checkpoints carry
//! `checkpointSubSequenceNumber`; after a failover processing resumes after the checkpointed
//! (sequence number, sub-sequence number).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{advance_by, b64, create_active, ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::apps::kpl::aggregation::{aggregate, Entry, MAGIC};
use kinesis_playground::engine::apps::kpl::deaggregate_with_key;
use serde_json::{json, Value};

const APP: &str = "kpl-app";
const STREAM: &str = "k";

fn pg(s: &mut Session, action: &str, req: Value) -> Value {
    ok(s, "playground", action, req)
}

fn start_app(s: &mut Session, extra: Value) {
    let mut req = json!({"ApplicationName": APP, "StreamName": STREAM});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    pg(s, "StartKclApplication", req);
}

/// (shard, sequence index, sub-sequence number, key, data, worker, duplicate) of every delivery.
type Delivery = (u32, u64, Option<u64>, String, Vec<u8>, u32, bool);

fn deliveries(s: &Session) -> Vec<Delivery> {
    let app = s.world().kcl.app(APP).unwrap();
    app.ledger
        .output
        .iter()
        .map(|r| {
            (
                r.shard,
                r.idx,
                r.sub,
                r.key.to_string(),
                r.data.to_vec(),
                r.worker,
                r.duplicate,
            )
        })
        .collect()
}

fn lease_item(s: &mut Session) -> Value {
    pg(s, "DescribeLeaseTable", json!({"ApplicationName": APP}))["Items"][0].clone()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn kpl_producer_to_kcl_yields_exactly_the_user_records_with_sub_sequence_numbers() {
    let mut s = session(31);
    create_active(&mut s, STREAM, 2);
    start_app(
        &mut s,
        json!({"Workers": 1, "CheckpointEvery": {"Records": 50}, "ProcessingMillisPerRecord": 0}),
    );
    pg(
        &mut s,
        "StartProducer",
        json!({"ProducerName": "kpl", "StreamName": STREAM, "RecordsPerSecond": 400, "Mode": "KPL", "Kpl": {}}),
    );
    advance_by(&mut s, 5_000);
    pg(&mut s, "StopProducer", json!({"ProducerName": "kpl"}));
    advance_by(&mut s, 20_000);

    // What the stream holds, de-aggregated, in shard order.
    let st = s.world().kinesis.stream(STREAM).unwrap();
    let mut expected = Vec::new();
    let mut aggregates = 0;
    for (i, sh) in st.shards().iter().enumerate() {
        for r in sh.records() {
            let users = deaggregate_with_key(&r.partition_key, &r.data);
            if r.data.len() >= 4 && r.data[..4] == MAGIC {
                aggregates += 1;
                let subs: Vec<u64> = users.iter().map(|u| u.sub_sequence_number).collect();
                assert_eq!(subs, (0..users.len() as u64).collect::<Vec<_>>());
            }
            for u in users {
                expected.push((i as u32, u.partition_key, u.data));
            }
        }
    }
    assert!(aggregates > 0, "the KPL aggregated");

    let got = deliveries(&s);
    assert!(got.iter().all(|d| !d.6), "no duplicate without a failure");
    let mut got_records: Vec<(u32, String, Vec<u8>)> = got
        .iter()
        .map(|(sh, _, _, k, d, _, _)| (*sh, k.clone(), d.clone()))
        .collect();
    got_records.sort_by_key(|r| r.0);
    assert_eq!(got_records.len(), expected.len());
    assert_eq!(
        got_records, expected,
        "exactly the user records, keys and data"
    );
    // Every user record of an aggregate carries its sub-sequence number 0..n-1.
    let mut by_agg: std::collections::BTreeMap<(u32, u64), Vec<u64>> = Default::default();
    for (sh, idx, sub, _, _, _, _) in &got {
        if let Some(sub) = sub {
            by_agg.entry((*sh, *idx)).or_default().push(*sub);
        }
    }
    assert_eq!(by_agg.len(), aggregates);
    for subs in by_agg.values() {
        assert_eq!(*subs, (0..subs.len() as u64).collect::<Vec<_>>());
    }
    // The processed-records log shows the sub-sequence numbers too.
    let log = pg(
        &mut s,
        "GetProcessedRecords",
        json!({"ApplicationName": APP, "Limit": 5}),
    );
    assert!(log["Records"][0]["SubSequenceNumber"].is_u64(), "{log}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_crash_mid_aggregate_reprocesses_only_the_user_records_after_the_checkpointed_sub_sequence() {
    let mut s = session(32);
    create_active(&mut s, STREAM, 1);
    start_app(
        &mut s,
        json!({"Workers": 2, "CheckpointEvery": {"Records": 4}, "ProcessingMillisPerRecord": 200}),
    );
    advance_by(&mut s, 2_500);
    let keys: Vec<String> = (0..10).map(|i| format!("user-{i}")).collect();
    let datas: Vec<Vec<u8>> = (0..10).map(|i| format!("d{i}").into_bytes()).collect();
    let entries: Vec<Entry<'_>> = keys
        .iter()
        .zip(&datas)
        .map(|(k, d)| Entry {
            partition_key: k,
            explicit_hash_key: None,
            data: d,
        })
        .collect();
    let agg = aggregate(&entries);
    let put = ok(
        &mut s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": STREAM, "PartitionKey": "outer", "Data": b64(&agg)}),
    );
    let seq = put["SequenceNumber"].as_str().unwrap().to_string();
    // 200 ms per user record, delivered at the worker's events: wait until more than the first
    // checkpoint's 4 user records (and fewer than the next checkpoint's 8) are processed.
    let mut waited = 0;
    while deliveries(&s).len() < 5 {
        advance_by(&mut s, 50);
        waited += 50;
        assert!(waited < 10_000, "processing started");
    }
    let n = deliveries(&s).len();
    assert!((5..8).contains(&n), "{n} processed");
    let item = lease_item(&mut s);
    assert_eq!(item["checkpoint"]["S"], seq.as_str());
    assert_eq!(
        item["checkpointSubSequenceNumber"]["N"], "3",
        "checkpoint every 4 user records: at sub-sequence 3"
    );
    let owner = item["leaseOwner"]["S"].as_str().unwrap().to_string();
    pg(&mut s, "KillKclWorker", json!({"WorkerId": owner}));
    advance_by(&mut s, 60_000);

    let got = deliveries(&s);
    let first: Vec<u64> = got.iter().take(n).map(|d| d.2.unwrap()).collect();
    assert_eq!(first, (0..n as u64).collect::<Vec<_>>());
    let after: Vec<(u64, String, Vec<u8>, bool)> = got[n..]
        .iter()
        .map(|d| (d.2.unwrap(), d.3.clone(), d.4.clone(), d.6))
        .collect();
    let expect: Vec<(u64, String, Vec<u8>, bool)> = (4..10)
        .map(|i| {
            let u = i as usize;
            (i, keys[u].clone(), datas[u].clone(), u < n)
        })
        .collect();
    assert_eq!(
        after, expect,
        "only sub-records 4..9 again; those processed before the crash are duplicates"
    );
    assert!(got[n..].iter().all(|d| d.5 != got[0].5), "the new owner");
    // The anomaly ledger names the duplicated sub-records' aggregate.
    let l = pg(
        &mut s,
        "GetAnomalyLedger",
        json!({"ApplicationName": APP, "Limit": 100}),
    );
    assert_eq!(l["Duplicates"], n as u64 - 4, "{l}");
    let item = lease_item(&mut s);
    assert_eq!(
        item["checkpointSubSequenceNumber"]["N"], "7",
        "the new owner checkpoints after 4 more user records: {item}"
    );
}
