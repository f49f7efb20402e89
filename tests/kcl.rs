//! KCL consumer applications (semantics.md §2.1–§2.5), through the one dispatcher: lease timing and
//! failover (§2.3), checkpoints and duplicates (§2.5), parents before children after a reshard
//! (§2.4), shutdown reasons, shared-throughput polling (§2.1, §1.8), and determinism.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{b64, create_active, err, ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::apps::kcl::config::{FAILOVER_TIME_MS, TAKER_INTERVAL_MS};
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::kinesis::limits::RESHARD_DELAY_MS;
use serde_json::{json, Value};

const APP: &str = "orders-app";
const STREAM: &str = "orders";

fn pg(s: &mut Session, action: &str, req: Value) -> Value {
    ok(s, "playground", action, req)
}

fn advance_to(s: &mut Session, t: u64) {
    s.advance_to(t);
}

fn start(s: &mut Session, extra: Value) -> Value {
    let mut req = json!({"ApplicationName": APP, "StreamName": STREAM});
    if let (Some(r), Some(e)) = (req.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            r.insert(k.clone(), v.clone());
        }
    }
    pg(s, "StartKclApplication", req)
}

fn put(s: &mut Session, key: &str, data: &str) -> String {
    let v = ok(
        s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": STREAM, "PartitionKey": key, "Data": b64(data.as_bytes())}),
    );
    v["SequenceNumber"].as_str().unwrap_or_default().to_string()
}

fn table(s: &mut Session) -> Value {
    pg(s, "DescribeLeaseTable", json!({"ApplicationName": APP}))
}

fn events(s: &mut Session) -> Vec<Value> {
    table(s)["Events"].as_array().cloned().unwrap_or_default()
}

fn ledger(s: &mut Session) -> Value {
    pg(
        s,
        "GetAnomalyLedger",
        json!({"ApplicationName": APP, "Limit": 2000}),
    )
}

fn processed(s: &mut Session) -> Vec<Value> {
    pg(
        s,
        "GetProcessedRecords",
        json!({"ApplicationName": APP, "Limit": 10000}),
    )["Records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn owner_of(t: &Value, key: &str) -> Option<String> {
    t["Leases"]
        .as_array()?
        .iter()
        .find(|l| l["LeaseKey"] == key)?["LeaseOwner"]
        .as_str()
        .map(str::to_string)
}

fn tail(s: &str) -> String {
    format!("…{}", &s[s.len() - 10..])
}

// ---------------------------------------------------------------------------------------------
// §2.3 lease timing on a scripted scenario.

const T0: u64 = 2_000;
const ADD_AT: u64 = T0 + 45_000;
const KILL_AT: u64 = T0 + 90_000;
const END_AT: u64 = T0 + 150_000;

/// 4 shards, 2 workers, a producer; a third worker joins at [`ADD_AT`], worker-2 is killed at
/// [`KILL_AT`]. Returns the session at `until` (≤ [`END_AT`]).
fn failover_scenario(until: u64) -> Session {
    let mut s = session(21);
    create_active(&mut s, STREAM, 4);
    pg(
        &mut s,
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": STREAM, "RecordsPerSecond": 20}),
    );
    start(
        &mut s,
        json!({"Workers": 2, "CheckpointEvery": {"Records": 25}}),
    );
    if until < ADD_AT {
        advance_to(&mut s, until);
        return s;
    }
    advance_to(&mut s, ADD_AT);
    pg(&mut s, "AddKclWorker", json!({"ApplicationName": APP}));
    if until < KILL_AT {
        advance_to(&mut s, until);
        return s;
    }
    advance_to(&mut s, KILL_AT);
    pg(
        &mut s,
        "KillKclWorker",
        json!({"ApplicationName": APP, "WorkerId": "worker-2"}),
    );
    advance_to(&mut s, until);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn killed_workers_leases_are_taken_after_failover_within_one_taker_period() {
    let mut s = failover_scenario(KILL_AT);
    let t = table(&mut s);
    let held: Vec<(String, u64)> = t["Leases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["LeaseOwner"] == "worker-2")
        .map(|l| {
            (
                l["LeaseKey"].as_str().unwrap().to_string(),
                l["LastCounterChangeMs"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(!held.is_empty(), "worker-2 holds leases when killed: {t}");
    let mut s = failover_scenario(END_AT);
    let ev = events(&mut s);
    for (key, last_renewal) in &held {
        let take = ev
            .iter()
            .find(|e| {
                e["LeaseKey"] == key.as_str()
                    && e["Event"] == "TAKEN"
                    && e["At"].as_u64().unwrap() > KILL_AT
            })
            .unwrap_or_else(|| panic!("{key} was never taken after the kill: {ev:?}"));
        let at = take["At"].as_u64().unwrap();
        assert!(
            at > last_renewal + FAILOVER_TIME_MS && at <= last_renewal + FAILOVER_TIME_MS + TAKER_INTERVAL_MS,
            "{key}: last renewal {last_renewal}, taken at {at}: must be within (r + 10,000, r + 30,050]"
        );
        assert_eq!(take["Other"], "worker-2");
        assert!(take["ExpiredLeasesSeen"].as_u64().unwrap() >= 1);
        let owner = owner_of(&table(&mut s), key).unwrap();
        assert_ne!(owner, "worker-2");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn steals_happen_only_when_no_lease_is_expired() {
    let mut s = failover_scenario(END_AT);
    let ev = events(&mut s);
    let steals = ev.iter().filter(|e| e["Event"] == "STOLEN").count();
    assert!(steals >= 2, "the scenario balances by stealing: {ev:?}");
    for (i, st) in ev
        .iter()
        .enumerate()
        .filter(|(_, e)| e["Event"] == "STOLEN")
    {
        let at = st["At"].as_u64().unwrap();
        assert_eq!(st["ExpiredLeasesSeen"], 0, "{st}");
        // Independently: in the table one millisecond earlier, every lease not taken again at
        // `at` (before this steal) is owned and was renewed within the failover time.
        let fresh: BTreeSet<&str> = ev[..i]
            .iter()
            .filter(|e| {
                e["At"] == at
                    && (e["Event"] == "TAKEN" || e["Event"] == "STOLEN" || e["Event"] == "CREATED")
            })
            .filter_map(|e| e["LeaseKey"].as_str())
            .collect();
        let mut before = failover_scenario(at - 1);
        let Ok(t) = before.call(
            "playground",
            "DescribeLeaseTable",
            json!({"ApplicationName": APP}),
        ) else {
            assert_eq!(
                fresh.len(),
                4,
                "no table before the start: every lease is taken at {at}"
            );
            continue;
        };
        for l in t["Leases"].as_array().unwrap() {
            if fresh.contains(l["LeaseKey"].as_str().unwrap()) {
                continue;
            }
            let unowned = l["LeaseOwner"].is_null();
            let stale = at - l["LastCounterChangeMs"].as_u64().unwrap() > FAILOVER_TIME_MS;
            assert!(
                !unowned && !stale,
                "lease {} was expired when {} stole at {at}",
                l["LeaseKey"],
                st["WorkerId"]
            );
        }
    }
    // The third worker's arrival is balanced: each of the 3 ends with 1 or 2 of the 4 leases
    // before the kill.
    let mut s = failover_scenario(KILL_AT);
    let t = table(&mut s);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for l in t["Leases"].as_array().unwrap() {
        *counts
            .entry(l["LeaseOwner"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(counts.values().all(|c| (1..=2).contains(c)), "{counts:?}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn leases_unrenewed_for_three_failover_times_are_taken_as_very_old() {
    let mut s = failover_scenario(KILL_AT);
    // worker-2 was just killed; nobody can take its leases for 45 s: the others are frozen.
    pg(
        &mut s,
        "PauseKclWorker",
        json!({"WorkerId": "worker-1", "Milliseconds": 45_000}),
    );
    pg(
        &mut s,
        "PauseKclWorker",
        json!({"WorkerId": "worker-3", "Milliseconds": 50_000}),
    );
    advance_to(&mut s, KILL_AT + 46_000);
    let ev = events(&mut s);
    let very_old: Vec<&Value> = ev
        .iter()
        .filter(|e| e["Event"] == "TAKEN" && e["At"] == KILL_AT + 45_000)
        .collect();
    assert!(!very_old.is_empty(), "{ev:?}");
    assert!(
        very_old.iter().any(|e| e["Other"] == "worker-2"),
        "{very_old:?}"
    );
    for e in very_old {
        // worker-3, still paused, has not renewed for over 30 s either: its leases go too.
        assert_eq!(e["WorkerId"], "worker-1");
        assert!(e["Detail"].as_str().unwrap().contains("very old"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// §2.5: checkpoint at N, crash, the records after N are processed again — and the ledger says why.

fn one_shard_app(idempotent: bool) -> (Session, Vec<String>) {
    let mut s = session(5);
    create_active(&mut s, STREAM, 1);
    start(
        &mut s,
        json!({"Workers": 2, "CheckpointEvery": {"Records": 10}, "IdempotentSink": idempotent}),
    );
    advance_to(&mut s, 2_500);
    let seqs: Vec<String> = (1..=25)
        .map(|i| put(&mut s, &format!("k{}", i % 3), &format!("r{i}")))
        .collect();
    // worker-1 holds the only lease (worker-2 cannot steal: 1 lease, 2 workers ⇒ target 1).
    advance_to(&mut s, 4_000);
    (s, seqs)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn records_after_the_checkpoint_are_reprocessed_after_a_crash_and_the_ledger_says_why() {
    let (mut s, seqs) = one_shard_app(false);
    let t = table(&mut s);
    assert_eq!(
        owner_of(&t, "shardId-000000000000").as_deref(),
        Some("worker-1")
    );
    assert_eq!(
        t["Items"][0]["checkpoint"]["S"],
        seqs[19].as_str(),
        "checkpoint every 10 records: at record 20"
    );
    assert_eq!(processed(&mut s).len(), 25);
    let killed = pg(&mut s, "KillKclWorker", json!({"WorkerId": "worker-1"}));
    assert_eq!(
        killed["LeasesLeftToExpire"],
        json!(["shardId-000000000000"])
    );
    advance_to(&mut s, 60_000);
    let t = table(&mut s);
    assert_eq!(
        owner_of(&t, "shardId-000000000000").as_deref(),
        Some("worker-2")
    );
    let item = &t["Items"][0];
    assert_eq!(
        item["checkpoint"]["S"],
        seqs[19].as_str(),
        "5 re-read records < 10: no new checkpoint"
    );
    assert_eq!(item["ownerSwitchesSinceCheckpoint"]["N"], "1");
    assert_eq!(item["leaseOwner"]["S"], "worker-2");

    // Records 21–25 were processed twice: once by worker-1 before it died, once by worker-2.
    let log = processed(&mut s);
    assert_eq!(log.len(), 30);
    let dups: Vec<&str> = log
        .iter()
        .filter(|r| r["Duplicate"] == true)
        .map(|r| r["SequenceNumber"].as_str().unwrap())
        .collect();
    assert_eq!(
        dups,
        seqs[20..25].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(log
        .iter()
        .filter(|r| r["Duplicate"] == true)
        .all(|r| r["WorkerId"] == "worker-2"));

    let l = ledger(&mut s);
    assert_eq!(l["Duplicates"], 5);
    let entries = l["Entries"].as_array().unwrap();
    let dup: Vec<&Value> = entries
        .iter()
        .filter(|e| e["Kind"] == "DUPLICATE")
        .collect();
    assert_eq!(dup.len(), 1, "one re-read run: {l}");
    let e = dup[0];
    assert_eq!(e["Count"], 5);
    assert_eq!(e["FirstSequenceNumber"], seqs[20].as_str());
    assert_eq!(e["LastSequenceNumber"], seqs[24].as_str());
    assert_eq!(e["WorkerId"], "worker-2");
    let cause = e["Cause"].as_str().unwrap();
    for needle in [
        "worker-1 died".to_string(),
        format!("up to {}", tail(&seqs[24])),
        format!("last checkpoint {}", tail(&seqs[19])),
        "worker-2 took the expired lease".to_string(),
        format!("re-read {}–{}", tail(&seqs[20]), tail(&seqs[24])),
    ] {
        assert!(cause.contains(&needle), "cause {cause:?} lacks {needle:?}");
    }
    // Per key, each re-read record came after a later record of its key: out of order.
    let ooo: u64 = entries
        .iter()
        .filter(|e| e["Kind"] == "OUT_OF_ORDER")
        .map(|e| e["Count"].as_u64().unwrap())
        .sum();
    assert_eq!(ooo, l["OutOfOrder"].as_u64().unwrap());
    assert!(ooo >= 2, "{l}");
    assert!(entries
        .iter()
        .filter(|e| e["Kind"] == "OUT_OF_ORDER")
        .all(|e| e["PartitionKey"].is_string()));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_idempotent_sink_ends_equal_to_a_run_without_failures() {
    let sink = |kill: bool| {
        let (mut s, _) = one_shard_app(true);
        if kill {
            pg(&mut s, "KillKclWorker", json!({"WorkerId": "worker-1"}));
        }
        advance_to(&mut s, 60_000);
        let app = s.world().kcl.app(APP).unwrap();
        (app.ledger.sink_rows(), app.ledger.duplicates)
    };
    let (clean, clean_dups) = sink(false);
    let (faulty, faulty_dups) = sink(true);
    assert_eq!(clean_dups, 0);
    assert_eq!(faulty_dups, 5);
    assert_eq!(clean.len(), 25);
    assert_eq!(faulty, clean);
    let (mut s, _) = one_shard_app(true);
    let v = pg(&mut s, "GetProcessedRecords", json!({"Limit": 1}));
    assert_eq!(v["Sink"], json!({"Idempotent": true, "Rows": 25}));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_worker_paused_past_its_lease_gets_lease_lost_on_return() {
    let (mut s, _) = one_shard_app(false);
    let p = pg(
        &mut s,
        "PauseKclWorker",
        json!({"WorkerId": "worker-1", "Milliseconds": 45_000}),
    );
    assert_eq!(p["PausedUntil"], 49_000);
    let apps = pg(&mut s, "ListKclApplications", json!({}));
    assert_eq!(apps["Applications"][0]["Workers"][0]["State"], "PAUSED");
    advance_to(&mut s, 48_000);
    assert_eq!(
        owner_of(&table(&mut s), "shardId-000000000000").as_deref(),
        Some("worker-2")
    );
    advance_to(&mut s, 50_000);
    let ev = events(&mut s);
    let lost = ev
        .iter()
        .find(|e| e["Event"] == "LEASE_LOST" && e["WorkerId"] == "worker-1")
        .unwrap_or_else(|| panic!("worker-1 learns it lost the lease: {ev:?}"));
    assert_eq!(lost["At"], 49_000, "the renewer runs first on return");
    assert_eq!(lost["Other"], "worker-2");
    let resumed = ev.iter().find(|e| e["Event"] == "WORKER_RESUMED").unwrap();
    assert!(resumed["Detail"]
        .as_str()
        .unwrap()
        .contains("1 lease(s) lost"));
    // worker-1 keeps running without leases (1 lease, 2 workers: nothing to steal).
    let apps = pg(&mut s, "ListKclApplications", json!({}));
    assert_eq!(apps["Applications"][0]["Workers"][0]["State"], "ALIVE");
    assert_eq!(apps["Applications"][0]["Workers"][0]["Leases"], json!([]));
    let l = ledger(&mut s);
    assert_eq!(l["Duplicates"], 5);
    assert!(
        l["Entries"][0]["Cause"]
            .as_str()
            .unwrap()
            .contains("worker-1 was paused"),
        "{l}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_requested_shutdown_checkpoints_so_a_restart_reprocesses_nothing() {
    let (mut s, seqs) = one_shard_app(false);
    pg(
        &mut s,
        "StopKclApplication",
        json!({"ApplicationName": APP}),
    );
    let t = table(&mut s);
    assert_eq!(
        t["Items"][0]["checkpoint"]["S"],
        seqs[24].as_str(),
        "REQUESTED: final checkpoint at record 25"
    );
    assert!(err(&mut s, "playground", "AddKclWorker", json!({}))
        .message
        .contains("not running"));
    advance_to(&mut s, 20_000);
    put(&mut s, "k9", "after restart");
    let again = start(&mut s, json!({"Workers": 1}));
    assert_eq!(
        again["Workers"],
        json!(["worker-3"]),
        "worker numbers are never reused"
    );
    advance_to(&mut s, 60_000);
    let l = ledger(&mut s);
    assert_eq!(l["Duplicates"], 0, "{l}");
    assert_eq!(l["Deliveries"], 26);
}

// ---------------------------------------------------------------------------------------------
// §2.4: after a SplitShard, children wait for their parent's SHARD_END.

fn split_scenario(seed: u64) -> Session {
    let mut s = session(seed);
    create_active(&mut s, STREAM, 2);
    start(
        &mut s,
        json!({"Workers": 2, "CheckpointEvery": {"Millis": 5000}, "ProcessingMillisPerRecord": 20}),
    );
    let keys: Vec<String> = (0..12).map(|i| format!("user-{i}")).collect();
    let mut t = s.world().now();
    for round in 0..40 {
        for k in &keys {
            put(&mut s, k, &format!("{k} #{round}"));
        }
        if round == 10 {
            ok(
                &mut s,
                "kinesis",
                "SplitShard",
                json!({"StreamName": STREAM, "ShardToSplit": "shardId-000000000000",
                       "NewStartingHashKey": (1u128 << 126).to_string()}),
            );
        }
        if round == 25 {
            pg(&mut s, "KillKclWorker", json!({"WorkerId": "worker-1"}));
            pg(&mut s, "AddKclWorker", json!({}));
        }
        t += 1_000;
        advance_to(&mut s, t);
    }
    advance_to(&mut s, t + 240_000);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn children_are_processed_only_after_their_parent_reached_shard_end() {
    let mut s = split_scenario(3);
    let ev = events(&mut s);
    let shard_end = ev
        .iter()
        .find(|e| e["Event"] == "SHARD_END" && e["LeaseKey"] == "shardId-000000000000")
        .unwrap_or_else(|| panic!("the parent reaches SHARD_END: {ev:?}"))["At"]
        .as_u64()
        .unwrap();
    for child in ["shardId-000000000002", "shardId-000000000003"] {
        let created = ev
            .iter()
            .find(|e| e["Event"] == "CREATED" && e["LeaseKey"] == child)
            .unwrap();
        assert!(
            created["Detail"].as_str().unwrap().contains("TRIM_HORIZON"),
            "{created}"
        );
    }
    let log = processed(&mut s);
    let mut parent_last_by_key: BTreeMap<String, u64> = BTreeMap::new();
    let mut child_first_by_key: BTreeMap<String, u64> = BTreeMap::new();
    for r in &log {
        let at = r["At"].as_u64().unwrap();
        let key = r["PartitionKey"].as_str().unwrap().to_string();
        match r["ShardId"].as_str().unwrap() {
            "shardId-000000000000" => {
                assert!(at <= shard_end);
                let e = parent_last_by_key.entry(key).or_default();
                *e = (*e).max(at);
            }
            "shardId-000000000002" | "shardId-000000000003" => {
                assert!(at >= shard_end, "a child record processed at {at}, before the parent's SHARD_END at {shard_end}");
                child_first_by_key.entry(key).or_insert(at);
            }
            _ => {}
        }
    }
    assert!(!child_first_by_key.is_empty(), "children were processed");
    for (k, first) in &child_first_by_key {
        if let Some(last) = parent_last_by_key.get(k) {
            assert!(
                last <= first,
                "{k}: parent record at {last} after child record at {first}"
            );
        }
    }
    // Clean-up deleted the parent lease once both children were processing.
    let t = table(&mut s);
    let keys: BTreeSet<&str> = t["Leases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["LeaseKey"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "shardId-000000000001",
            "shardId-000000000002",
            "shardId-000000000003"
        ])
    );
    let child = t["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["leaseKey"]["S"] == "shardId-000000000002")
        .unwrap();
    assert_eq!(
        child["parentShardId"]["SS"],
        json!(["shardId-000000000000"])
    );
    // No record was lost: every put was processed at least once.
    let unique: BTreeSet<(String, String)> = log
        .iter()
        .map(|r| {
            (
                r["ShardId"].as_str().unwrap().to_string(),
                r["SequenceNumber"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(unique.len(), 12 * 40);
    let _ = RESHARD_DELAY_MS;
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_merged_child_waits_for_both_parents() {
    let mut s = session(8);
    create_active(&mut s, STREAM, 2);
    start(
        &mut s,
        json!({"Workers": 2, "ProcessingMillisPerRecord": 1000}),
    );
    // Find a key of each shard, then give shard 1 a backlog of 30 s of processing.
    let mut by_shard: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..20 {
        let k = format!("k{i}");
        let v = ok(
            &mut s,
            "kinesis",
            "PutRecord",
            json!({"StreamName": STREAM, "PartitionKey": k, "Data": b64(b"x")}),
        );
        by_shard
            .entry(v["ShardId"].as_str().unwrap().to_string())
            .or_insert(k);
    }
    let k0 = by_shard["shardId-000000000000"].clone();
    let k1 = by_shard["shardId-000000000001"].clone();
    for _ in 0..30 {
        put(&mut s, &k1, "backlog");
    }
    ok(
        &mut s,
        "kinesis",
        "MergeShards",
        json!({"StreamName": STREAM, "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}),
    );
    advance_to(&mut s, 10_000);
    for _ in 0..5 {
        put(&mut s, &k0, "child");
        put(&mut s, &k1, "child");
    }
    advance_to(&mut s, 100_000);
    let t = table(&mut s);
    let child = t["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["leaseKey"]["S"] == "shardId-000000000002")
        .unwrap();
    assert_eq!(
        child["parentShardId"]["SS"],
        json!(["shardId-000000000000", "shardId-000000000001"])
    );
    let ev = events(&mut s);
    let at = |kind: &str, key: &str| {
        ev.iter()
            .find(|e| e["Event"] == kind && e["LeaseKey"] == key)
            .unwrap_or_else(|| panic!("no {kind} of {key}: {ev:?}"))["At"]
            .as_u64()
            .unwrap()
    };
    let end0 = at("SHARD_END", "shardId-000000000000");
    let end1 = at("SHARD_END", "shardId-000000000001");
    let taken = at("TAKEN", "shardId-000000000002");
    assert!(
        end0 < taken && taken < end1,
        "the child is held while shard 1 drains: {end0} {taken} {end1}"
    );
    let log = processed(&mut s);
    let child_first = log
        .iter()
        .filter(|r| r["ShardId"] == "shardId-000000000002")
        .map(|r| r["At"].as_u64().unwrap())
        .min()
        .unwrap();
    assert!(
        child_first > end1,
        "child processed at {child_first}, before shard 1's SHARD_END at {end1}"
    );
    assert!(
        child_first <= end1 + 10_000 + 1_500 + 1_000,
        "checked again within parentShardPollIntervalMillis"
    );
    assert_eq!(
        log.iter()
            .filter(|r| r["ShardId"] == "shardId-000000000002")
            .count(),
        10
    );
}

// ---------------------------------------------------------------------------------------------
// Shared throughput, initial positions, validation, determinism.

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn polling_shares_the_shards_five_reads_per_second_and_can_be_throttled() {
    let mut s = session(9);
    create_active(&mut s, STREAM, 1);
    for i in 0..4 {
        pg(
            &mut s,
            "StartKclApplication",
            json!({"ApplicationName": format!("reader-{i}"), "StreamName": STREAM, "Workers": 1,
                   "IdleTimeBetweenReadsInMillis": 200}),
        );
    }
    advance_to(&mut s, 12_000);
    let mut throttled = 0;
    let mut calls = 0;
    for i in 0..4 {
        let lag = pg(
            &mut s,
            "GetConsumerLag",
            json!({"ApplicationName": format!("reader-{i}")}),
        );
        throttled += lag["Shards"][0]["Throttled"].as_u64().unwrap();
        calls += lag["Shards"][0]["GetRecordsCalls"].as_u64().unwrap();
    }
    assert!(
        throttled > 0,
        "4 apps × 5 polls/s on one shard exceed 5 GetRecords/s"
    );
    assert!(
        calls <= 5 * 10 + 5,
        "at most 5 successful calls per second: {calls}"
    );
    // The shard's metrics saw the throttles too: they went through the real GetRecords path.
    let m = ok(
        &mut s,
        "cloudwatch",
        "GetMetricStatistics",
        json!({"Namespace": "AWS/Kinesis", "MetricName": "ReadProvisionedThroughputExceeded",
               "Dimensions": [{"Name": "StreamName", "Value": STREAM}],
               "StartTime": 1_767_225_600.0, "EndTime": 1_767_225_612.0, "Period": 60, "Statistics": ["Sum"]}),
    );
    let sum: f64 = m["Datapoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["Sum"].as_f64().unwrap_or(0.0))
        .sum();
    assert!(sum >= throttled as f64, "{m}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn latest_skips_what_was_there_and_lag_comes_from_get_records() {
    let mut s = session(4);
    create_active(&mut s, STREAM, 2);
    for i in 0..10 {
        put(&mut s, &format!("old-{i}"), "before");
    }
    start(
        &mut s,
        json!({"Workers": 1, "InitialPositionInStream": "LATEST", "ProcessingMillisPerRecord": 500}),
    );
    advance_to(&mut s, 4_000);
    for i in 0..20 {
        put(&mut s, &format!("new-{i}"), "after");
    }
    advance_to(&mut s, 6_000);
    let lag = pg(&mut s, "GetConsumerLag", json!({}));
    let behind: u64 = lag["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["RecordsBehind"].as_u64().unwrap())
        .sum();
    assert!(
        behind > 0 && behind < 20,
        "slow processing leaves a backlog: {lag}"
    );
    assert!(lag["Shards"][0]["Trend"].as_array().unwrap().len() >= 2);
    advance_to(&mut s, 40_000);
    let log = processed(&mut s);
    assert_eq!(log.len(), 20);
    assert!(log
        .iter()
        .all(|r| r["PartitionKey"].as_str().unwrap().starts_with("new-")));
    let lag = pg(&mut s, "GetConsumerLag", json!({}));
    assert!(lag["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["RecordsBehind"] == 0 && l["MillisBehindLatest"] == 0));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn at_timestamp_starts_at_the_first_record_that_arrived_at_or_after_it() {
    let mut s = session(6);
    create_active(&mut s, STREAM, 1);
    advance_to(&mut s, 5_000);
    for i in 0..5 {
        put(&mut s, &format!("early-{i}"), "x");
    }
    advance_to(&mut s, 20_000);
    let later: Vec<String> = (0..5)
        .map(|i| put(&mut s, &format!("late-{i}"), "y"))
        .collect();
    advance_to(&mut s, 30_000);
    let epoch_s = s.world().epoch().unix_ms() as f64 / 1000.0;
    start(
        &mut s,
        json!({"Workers": 1, "InitialPositionInStream": "AT_TIMESTAMP", "InitialPositionTimestamp": epoch_s + 10.0}),
    );
    assert_eq!(table(&mut s)["Items"][0]["checkpoint"]["S"], "AT_TIMESTAMP");
    advance_to(&mut s, 40_000);
    let got: Vec<String> = processed(&mut s)
        .iter()
        .map(|r| r["SequenceNumber"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, later);
    // A timestamp in the future is refused, as GetShardIterator refuses it (§1.7).
    let e = err(
        &mut s,
        "playground",
        "StartKclApplication",
        json!({"ApplicationName": "future-app", "StreamName": STREAM, "InitialPositionInStream": "AT_TIMESTAMP",
               "InitialPositionTimestamp": epoch_s + 3600.0}),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_requests_get_aws_style_errors() {
    let mut s = session(1);
    create_active(&mut s, STREAM, 1);
    let cases = [
        (
            "StartKclApplication",
            json!({"ApplicationName": "ab", "StreamName": STREAM}),
            "ValidationException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": "nope"}),
            "ResourceNotFoundException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": STREAM, "Workers": 0}),
            "ValidationException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": STREAM, "InitialPositionInStream": "AT_TIMESTAMP"}),
            "InvalidArgumentException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": STREAM, "CheckpointEvery": {"Records": 5, "Millis": 5}}),
            "ValidationException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": STREAM, "CheckpointEvery": 7}),
            "SerializationException",
        ),
        (
            "StartKclApplication",
            json!({"ApplicationName": APP, "StreamName": STREAM, "Bogus": 1}),
            "ValidationException",
        ),
        (
            "KillKclWorker",
            json!({"WorkerId": "worker-1"}),
            "ResourceNotFoundException",
        ),
        (
            "GetAnomalyLedger",
            json!({"ApplicationName": 3}),
            "SerializationException",
        ),
    ];
    for (action, req, kind) in cases {
        let e = err(&mut s, "playground", action, req.clone());
        assert_eq!(e.kind.as_str(), kind, "{action} {req}: {e}");
    }
    start(&mut s, json!({"Workers": 1, "CheckpointEvery": "MANUAL"}));
    let e = err(
        &mut s,
        "playground",
        "StartKclApplication",
        json!({"ApplicationName": APP, "StreamName": STREAM}),
    );
    assert_eq!(e.kind.as_str(), "ResourceInUseException");
    let e = err(
        &mut s,
        "playground",
        "KillKclWorker",
        json!({"WorkerId": "worker-9"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    // Manual checkpoints happen only when asked.
    put(&mut s, "k", "v");
    let t = s.world().now() + 3_000;
    advance_to(&mut s, t);
    assert_eq!(table(&mut s)["Items"][0]["checkpoint"]["S"], "TRIM_HORIZON");
    let c = pg(&mut s, "CheckpointKclApplication", json!({}));
    assert_eq!(c["Checkpointed"].as_array().unwrap().len(), 1, "{c}");
    assert_ne!(table(&mut s)["Items"][0]["checkpoint"]["S"], "TRIM_HORIZON");
    pg(&mut s, "KillKclWorker", json!({"WorkerId": "worker-1"}));
    let e = err(
        &mut s,
        "playground",
        "PauseKclWorker",
        json!({"WorkerId": "worker-1", "Milliseconds": 10}),
    );
    assert_eq!(e.kind.as_str(), "ResourceInUseException");
}

fn chaos(seed: u64) -> Session {
    let mut s = split_scenario(seed);
    pg(
        &mut s,
        "PauseKclWorker",
        json!({"WorkerId": "worker-2", "Milliseconds": 25_000}),
    );
    pg(
        &mut s,
        "SlowKclWorker",
        json!({"WorkerId": "worker-3", "ProcessingMillisPerRecord": 40}),
    );
    for i in 0..30 {
        put(&mut s, &format!("late-{i}"), "x");
    }
    let t = s.world().now();
    advance_to(&mut s, t + 90_000);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_seed_and_calls_give_the_same_digest_and_ledger() {
    let mut a = chaos(17);
    let mut b = chaos(17);
    assert_eq!(world_digest(a.world()), world_digest(b.world()));
    assert_eq!(ledger(&mut a), ledger(&mut b));
    assert_eq!(table(&mut a), table(&mut b));
    // The KCL state is part of the digest: one more checkpoint changes it.
    let before = world_digest(a.world());
    pg(&mut a, "StopKclApplication", json!({}));
    assert_ne!(world_digest(a.world()), before);
    // Replaying the saved session reproduces the world.
    let replayed = Session::from_jsonl(&b.to_jsonl()).unwrap();
    assert_eq!(world_digest(replayed.world()), world_digest(b.world()));
}

/// Digest of `chaos(17)`: pinned so the same KCL run gives the same world natively and in the
/// browser. Regenerate only on a deliberate change of the KCL model (and say so in the commit).
const KCL_GOLDEN_DIGEST: &str = "8573f5940173ee34d85db58b938f9f6b";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_kcl_run_has_the_pinned_digest_natively_and_in_the_browser() {
    let s = chaos(17);
    assert_eq!(world_digest(s.world()), KCL_GOLDEN_DIGEST);
}
