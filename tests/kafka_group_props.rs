//! Property tests of Kafka consumer groups (semantics.md §6.4), through the one dispatcher:
//! under random joins, leaves, crashes, polls, commits, produces and time advances,
//! - a partition is owned by at most one member at any checked moment and in every generation
//!   of the rebalance history;
//! - committed offsets never exceed the partition's log end offset;
//! - a consumer application with auto commit processes every record below the high watermark
//!   at least once, whatever members crash, pause or join.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::rc::Rc;

use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::world::{World, WorldConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

const TOPICS: [(&str, u32); 2] = [("alpha", 3), ("beta", 5)];
const GROUPS: [&str; 2] = ["g1", "g2"];
const ASSIGNORS: [&str; 3] = ["range", "roundrobin", "cooperative-sticky"];

#[derive(Clone, Debug)]
enum Op {
    Join { group: usize, topics: u8 },
    Leave { pick: usize },
    Crash { pick: usize },
    Poll { pick: usize },
    Commit { pick: usize, offset: Option<u64> },
    Produce { topic: usize, partition: u32, n: u8 },
    Advance { ms: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..GROUPS.len(), 1u8..4).prop_map(|(group, topics)| Op::Join { group, topics }),
        1 => (0usize..16).prop_map(|pick| Op::Leave { pick }),
        1 => (0usize..16).prop_map(|pick| Op::Crash { pick }),
        4 => (0usize..16).prop_map(|pick| Op::Poll { pick }),
        2 => ((0usize..16), proptest::option::of(0u64..60))
            .prop_map(|(pick, offset)| Op::Commit { pick, offset }),
        2 => ((0..TOPICS.len()), 0u32..5, 1u8..20)
            .prop_map(|(topic, partition, n)| Op::Produce { topic, partition, n }),
        2 => (100u64..70_000).prop_map(|ms| Op::Advance { ms }),
    ]
}

fn call(w: &mut World, service: &str, action: &str, req: Value) -> Result<Value, String> {
    dispatch(w, service, action, &req).map_err(|e| format!("{e}"))
}

fn produce(w: &mut World, topic: &str, partition: u32, n: u8) {
    let now = w.now();
    for i in 0..n {
        let v: Rc<[u8]> = Rc::from(format!("r{i}").as_bytes());
        let _ = w.kafka.append(topic, partition, None, Some(v), now);
    }
}

fn setup(w: &mut World) {
    for (t, n) in TOPICS {
        let now = w.now();
        w.kafka.create_topic(t, n, 3, now);
    }
}

/// Checks ownership (now and in every recorded generation) and committed offsets.
fn check(w: &mut World) -> Result<(), TestCaseError> {
    for group in GROUPS {
        let Ok(d) = call(w, "kafka", "DescribeGroups", json!({ "GroupIds": [group] })) else {
            continue;
        };
        let g = &d["Groups"][0];
        let mut seen = BTreeSet::new();
        for m in g["Members"].as_array().unwrap() {
            for tp in m["Assignment"].as_array().unwrap() {
                let key = (tp["Topic"].to_string(), tp["Partition"].as_u64().unwrap());
                prop_assert!(seen.insert(key.clone()), "{key:?} owned twice now: {g}");
            }
        }
        for h in g["RebalanceHistory"].as_array().unwrap() {
            let mut seen = BTreeSet::new();
            for (_, tps) in h["Assignment"].as_object().unwrap() {
                for tp in tps.as_array().unwrap() {
                    let key = (tp["Topic"].to_string(), tp["Partition"].as_u64().unwrap());
                    prop_assert!(seen.insert(key.clone()), "{key:?} owned twice in {h}");
                }
            }
        }
        for o in g["Offsets"].as_array().unwrap() {
            let t = o["Topic"].as_str().unwrap();
            let p = o["Partition"].as_u64().unwrap() as usize;
            let leo = w.kafka.topics[t].partitions[p].log_end_offset();
            prop_assert!(o["Offset"].as_u64().unwrap() <= leo, "{o} beyond LEO {leo}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn ownership_is_exclusive_and_commits_stay_within_the_log(
        assignor in 0..ASSIGNORS.len(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut w = World::new(WorldConfig::seeded(11));
        setup(&mut w);
        let mut members: Vec<(String, String)> = Vec::new();
        for op in ops {
            match op {
                Op::Join { group, topics } => {
                    let names: Vec<&str> = TOPICS
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| topics & (1 << i) != 0)
                        .map(|(_, (t, _))| *t)
                        .collect();
                    let r = call(&mut w, "kafka", "Subscribe", json!({
                        "GroupId": GROUPS[group], "Topics": names,
                        "Assignor": ASSIGNORS[assignor], "AutoOffsetReset": "earliest",
                        "MaxPollIntervalMs": 120_000, "SessionTimeoutMs": 30_000 }));
                    if let Ok(v) = r {
                        members.push((GROUPS[group].to_string(),
                                      v["MemberId"].as_str().unwrap().to_string()));
                    }
                }
                Op::Leave { pick } | Op::Crash { pick } | Op::Poll { pick } if !members.is_empty() => {
                    let (g, m) = members[pick % members.len()].clone();
                    let action = match op {
                        Op::Leave { .. } => "LeaveGroup",
                        Op::Crash { .. } => "CrashMember",
                        _ => "Poll",
                    };
                    let _ = call(&mut w, "kafka", action, json!({ "GroupId": g, "MemberId": m }));
                }
                Op::Commit { pick, offset } if !members.is_empty() => {
                    let (g, m) = members[pick % members.len()].clone();
                    let req = match offset {
                        Some(o) => json!({ "GroupId": g, "MemberId": m,
                            "Offsets": [{ "Topic": "alpha", "Partition": 0, "Offset": o }] }),
                        None => json!({ "GroupId": g, "MemberId": m }),
                    };
                    let leo = w.kafka.topics["alpha"].partitions[0].log_end_offset();
                    let r = call(&mut w, "kafka", "Commit", req);
                    if offset.is_some_and(|o| o > leo) {
                        prop_assert!(r.is_err(), "commit beyond LEO {leo} accepted");
                    }
                }
                Op::Produce { topic, partition, n } => {
                    let (t, count) = TOPICS[topic];
                    produce(&mut w, t, partition % count, n);
                }
                Op::Advance { ms } => {
                    let end = w.now() + ms;
                    while w.now() < end {
                        let step = (end - w.now()).min(2_500);
                        w.advance_by(step);
                        check(&mut w)?;
                    }
                }
                _ => {}
            }
            check(&mut w)?;
        }
    }
}

#[derive(Clone, Debug)]
enum AppOp {
    Produce { partition: u32, n: u8 },
    Advance { ms: u64 },
    Crash { pick: usize },
    Stop { pick: usize },
    Pause { pick: usize, ms: u64 },
    Add,
}

fn app_op() -> impl Strategy<Value = AppOp> {
    prop_oneof![
        4 => (0u32..4, 1u8..30).prop_map(|(partition, n)| AppOp::Produce { partition, n }),
        4 => (50u64..20_000).prop_map(|ms| AppOp::Advance { ms }),
        1 => (0usize..8).prop_map(|pick| AppOp::Crash { pick }),
        1 => (0usize..8).prop_map(|pick| AppOp::Stop { pick }),
        1 => ((0usize..8), 100u64..40_000).prop_map(|(pick, ms)| AppOp::Pause { pick, ms }),
        1 => Just(AppOp::Add),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn consumer_app_with_auto_commit_processes_every_record_at_least_once(
        assignor in 0..ASSIGNORS.len(),
        ops in proptest::collection::vec(app_op(), 1..40),
    ) {
        let mut w = World::new(WorldConfig::seeded(5));
        let now = w.now();
        w.kafka.create_topic("events", 4, 3, now);
        let r = call(&mut w, "playground", "CreateKafkaConsumerApp", json!({
            "AppName": "app", "GroupId": "app", "Topics": ["events"], "Members": 2,
            "Assignor": ASSIGNORS[assignor], "AutoOffsetReset": "earliest",
            "RecordsPerSecondPerMember": 200, "MaxPollIntervalMs": 20_000,
            "SessionTimeoutMs": 10_000, "AutoCommitIntervalMs": 1_000 }));
        prop_assert!(r.is_ok(), "{r:?}");
        let mut ids: Vec<String> = r.unwrap()["MemberIds"].as_array().unwrap()
            .iter().map(|v| v.as_str().unwrap().to_string()).collect();
        for op in ops {
            match op {
                AppOp::Produce { partition, n } => produce(&mut w, "events", partition, n),
                AppOp::Advance { ms } => w.advance_by(ms),
                AppOp::Crash { pick } => {
                    let m = ids[pick % ids.len()].clone();
                    let _ = call(&mut w, "playground", "CrashKafkaConsumer",
                                 json!({ "AppName": "app", "MemberId": m }));
                }
                AppOp::Stop { pick } => {
                    let m = ids[pick % ids.len()].clone();
                    let _ = call(&mut w, "playground", "StopKafkaConsumer",
                                 json!({ "AppName": "app", "MemberId": m }));
                }
                AppOp::Pause { pick, ms } => {
                    let m = ids[pick % ids.len()].clone();
                    let _ = call(&mut w, "playground", "PauseKafkaConsumer",
                                 json!({ "AppName": "app", "MemberId": m, "Ms": ms }));
                }
                AppOp::Add => {
                    if let Ok(v) = call(&mut w, "playground", "AddKafkaConsumer",
                                        json!({ "AppName": "app" })) {
                        ids.push(v["MemberId"].as_str().unwrap().to_string());
                    }
                }
            }
            check_group(&mut w)?;
        }
        // One healthy member joins; after every timeout has passed everything is processed.
        let _ = call(&mut w, "playground", "AddKafkaConsumer", json!({ "AppName": "app" }));
        w.advance_by(120_000);
        let d = call(&mut w, "playground", "DescribeKafkaConsumerApps", json!({})).unwrap();
        let a = &d["Apps"][0];
        prop_assert_eq!(a["Unprocessed"].as_u64(), Some(0), "{}", a);
        let produced: u64 = w.kafka.topics["events"].partitions.iter()
            .map(|p| p.high_watermark()).sum();
        prop_assert!(a["Processed"].as_u64().unwrap() >= produced);
    }
}

fn check_group(w: &mut World) -> Result<(), TestCaseError> {
    let d = call(w, "kafka", "DescribeGroups", json!({ "GroupIds": ["app"] }))
        .map_err(TestCaseError::fail)?;
    let mut seen = BTreeSet::new();
    for m in d["Groups"][0]["Members"].as_array().unwrap() {
        for tp in m["Assignment"].as_array().unwrap() {
            let p = tp["Partition"].as_u64().unwrap();
            prop_assert!(seen.insert(p), "partition {p} owned twice");
        }
    }
    Ok(())
}
