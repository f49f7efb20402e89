//! Kafka consumer groups (semantics.md §6.4) through the one dispatcher: rebalances and
//! generations, liveness (session timeout, max.poll.interval.ms), auto.offset.reset, commits and
//! their errors, seek and offset resets, lag, independent groups, cooperative rebalancing and the
//! simulated consumer applications. Topics and records come from the core's test helpers
//! (`Kafka::create_topic`, `Kafka::append`) on the world itself.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeSet;
use std::rc::Rc;

use kinesis_playground::engine::api::dispatch;
use kinesis_playground::engine::api::error::{ApiError, ErrorKind};
use kinesis_playground::engine::kafka::partition::Partition;
use kinesis_playground::engine::world::{World, WorldConfig};
use serde_json::{json, Value};

fn world() -> World {
    World::new(WorldConfig::seeded(7))
}

fn ok(w: &mut World, service: &str, action: &str, req: Value) -> Value {
    match dispatch(w, service, action, &req) {
        Ok(v) => v,
        Err(e) => panic!("{service}.{action} {req} failed: {e}"),
    }
}

fn err(w: &mut World, service: &str, action: &str, req: Value) -> ApiError {
    match dispatch(w, service, action, &req) {
        Ok(v) => panic!("{service}.{action} {req} unexpectedly succeeded: {v}"),
        Err(e) => e,
    }
}

fn topic(w: &mut World, name: &str, partitions: u32) {
    let now = w.now();
    w.kafka.create_topic(name, partitions, 3, now);
}

fn produce(w: &mut World, name: &str, partition: u32, n: usize) {
    let now = w.now();
    for i in 0..n {
        let v: Rc<[u8]> = Rc::from(format!("v{i}").as_bytes());
        w.kafka
            .append(name, partition, None, Some(v), now)
            .expect("partition exists");
    }
}

fn subscribe(w: &mut World, group: &str, topics: &[&str], extra: Value) -> String {
    let mut req = json!({ "GroupId": group, "Topics": topics });
    if let (Some(r), Some(e)) = (req.as_object_mut(), extra.as_object()) {
        r.extend(e.clone());
    }
    ok(w, "kafka", "Subscribe", req)["MemberId"]
        .as_str()
        .expect("member id")
        .to_string()
}

fn poll(w: &mut World, group: &str, member: &str) -> Value {
    ok(
        w,
        "kafka",
        "Poll",
        json!({ "GroupId": group, "MemberId": member }),
    )
}

fn describe(w: &mut World, group: &str) -> Value {
    ok(w, "kafka", "DescribeGroups", json!({ "GroupIds": [group] }))["Groups"][0].clone()
}

fn advance(w: &mut World, ms: u64) {
    w.advance_by(ms);
}

/// Every (topic, partition) owned, asserting none is owned twice.
fn owned(g: &Value) -> BTreeSet<(String, u64)> {
    let mut out = BTreeSet::new();
    for m in g["Members"].as_array().expect("members") {
        for tp in m["Assignment"].as_array().expect("assignment") {
            let key = (
                tp["Topic"].as_str().expect("topic").to_string(),
                tp["Partition"].as_u64().expect("partition"),
            );
            assert!(out.insert(key.clone()), "{key:?} owned twice in {g}");
        }
    }
    out
}

fn owner_map(g: &Value) -> std::collections::BTreeMap<(String, u64), String> {
    let mut out = std::collections::BTreeMap::new();
    for m in g["Members"].as_array().expect("members") {
        for tp in m["Assignment"].as_array().expect("assignment") {
            let key = (
                tp["Topic"].as_str().expect("topic").to_string(),
                tp["Partition"].as_u64().expect("partition"),
            );
            out.insert(key, m["MemberId"].as_str().expect("id").to_string());
        }
    }
    out
}

fn all(topic: &str, n: u64) -> BTreeSet<(String, u64)> {
    (0..n).map(|p| (topic.to_string(), p)).collect()
}

fn sizes(g: &Value) -> Vec<usize> {
    let mut v: Vec<usize> = g["Members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["Assignment"].as_array().map_or(0, Vec::len))
        .collect();
    v.sort();
    v
}

fn offsets(w: &mut World, group: &str) -> Vec<(u64, u64)> {
    ok(
        w,
        "kafka",
        "ListConsumerGroupOffsets",
        json!({ "GroupId": group }),
    )["Offsets"]
        .as_array()
        .expect("offsets")
        .iter()
        .map(|o| {
            (
                o["Partition"].as_u64().unwrap(),
                o["Offset"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn adding_a_third_consumer_rebalances_and_bumps_the_generation() {
    let mut w = world();
    topic(&mut w, "orders", 6);
    let a = subscribe(&mut w, "g", &["orders"], json!({}));
    let g = describe(&mut w, "g");
    assert_eq!(g["State"], "Stable");
    assert_eq!(g["GenerationId"], 1);
    assert_eq!(owned(&g), all("orders", 6));
    let b = subscribe(&mut w, "g", &["orders"], json!({}));
    let g = describe(&mut w, "g");
    assert_eq!(g["State"], "PreparingRebalance", "a waits for a's rejoin");
    assert!(owned(&g).is_empty(), "eager: everything revoked");
    let r = poll(&mut w, "g", &a);
    assert_eq!(r["GenerationId"], 2);
    assert_eq!(r["Rebalancing"], false);
    let g = describe(&mut w, "g");
    assert_eq!(g["State"], "Stable");
    assert_eq!(sizes(&g), vec![3, 3]);
    assert_eq!(owned(&g), all("orders", 6));
    let c = subscribe(&mut w, "g", &["orders"], json!({}));
    poll(&mut w, "g", &a);
    assert_eq!(describe(&mut w, "g")["State"], "PreparingRebalance");
    poll(&mut w, "g", &b);
    let g = describe(&mut w, "g");
    assert_eq!(g["State"], "Stable");
    assert_eq!(g["GenerationId"], 3);
    assert_eq!(sizes(&g), vec![2, 2, 2]);
    assert_eq!(owned(&g), all("orders", 6));
    // Range: sorted member ids get consecutive ranges.
    let mine = |id: &str| -> Vec<u64> {
        g["Members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["MemberId"] == id)
            .unwrap()["Assignment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tp| tp["Partition"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(mine(&a), vec![0, 1]);
    assert_eq!(mine(&b), vec![2, 3]);
    assert_eq!(mine(&c), vec![4, 5]);
    let gens: Vec<u64> = g["RebalanceHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["Generation"].as_u64().unwrap())
        .collect();
    assert_eq!(gens, vec![1, 2, 3]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_crashed_member_is_removed_after_the_session_timeout_not_before() {
    let mut w = world();
    topic(&mut w, "t", 4);
    let a = subscribe(&mut w, "g", &["t"], json!({}));
    let b = subscribe(&mut w, "g", &["t"], json!({}));
    poll(&mut w, "g", &a);
    assert_eq!(describe(&mut w, "g")["GenerationId"], 2);
    ok(
        &mut w,
        "kafka",
        "CrashMember",
        json!({ "GroupId": "g", "MemberId": b }),
    );
    advance(&mut w, 44_999);
    poll(&mut w, "g", &a);
    let g = describe(&mut w, "g");
    assert_eq!(
        g["Members"].as_array().unwrap().len(),
        2,
        "still there at 44.999 s"
    );
    assert_eq!(g["State"], "Stable");
    advance(&mut w, 1);
    let g = describe(&mut w, "g");
    assert_eq!(g["Members"].as_array().unwrap().len(), 1, "gone at 45 s");
    assert_eq!(g["State"], "PreparingRebalance");
    let r = poll(&mut w, "g", &a);
    assert_eq!(r["GenerationId"], 3);
    assert_eq!(r["Assignment"].as_array().unwrap().len(), 4);
    let e = err(
        &mut w,
        "kafka",
        "Poll",
        json!({ "GroupId": "g", "MemberId": b }),
    );
    assert_eq!(e.kind, ErrorKind::UnknownMemberIdException);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_member_that_stops_polling_leaves_after_max_poll_interval() {
    let mut w = world();
    topic(&mut w, "t", 2);
    let a = subscribe(&mut w, "g", &["t"], json!({ "MaxPollIntervalMs": 10_000 }));
    let b = subscribe(&mut w, "g", &["t"], json!({ "MaxPollIntervalMs": 60_000 }));
    poll(&mut w, "g", &a);
    for _ in 0..5 {
        advance(&mut w, 4_000);
        poll(&mut w, "g", &b);
    }
    let g = describe(&mut w, "g");
    let ids: Vec<&str> = g["Members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MemberId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![b.as_str()]);
    assert_eq!(sizes(&g), vec![2]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn auto_offset_reset_earliest_latest_none() {
    let mut w = world();
    topic(&mut w, "t", 1);
    produce(&mut w, "t", 0, 5);
    let e = subscribe(
        &mut w,
        "ge",
        &["t"],
        json!({ "AutoOffsetReset": "earliest" }),
    );
    let l = subscribe(&mut w, "gl", &["t"], json!({}));
    let n = subscribe(&mut w, "gn", &["t"], json!({ "AutoOffsetReset": "none" }));
    let r = poll(&mut w, "ge", &e);
    let offs: Vec<u64> = r["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offs, vec![0, 1, 2, 3, 4]);
    assert_eq!(r["Records"][0]["Value"], "v0");
    assert_eq!(
        poll(&mut w, "gl", &l)["Records"].as_array().unwrap().len(),
        0
    );
    produce(&mut w, "t", 0, 2);
    let r = poll(&mut w, "gl", &l);
    assert_eq!(r["Records"][0]["Offset"], 5);
    assert_eq!(r["Records"].as_array().unwrap().len(), 2);
    let x = err(
        &mut w,
        "kafka",
        "Poll",
        json!({ "GroupId": "gn", "MemberId": n }),
    );
    assert_eq!(x.kind, ErrorKind::NoOffsetForPartitionException);
    // With a committed offset, `none` is fine.
    ok(
        &mut w,
        "kafka",
        "LeaveGroup",
        json!({ "GroupId": "gn", "MemberId": n }),
    );
    ok(
        &mut w,
        "kafka",
        "ResetConsumerGroupOffsets",
        json!({ "GroupId": "gn", "Topic": "t", "Offset": 6 }),
    );
    let n = subscribe(&mut w, "gn", &["t"], json!({ "AutoOffsetReset": "none" }));
    let r = poll(&mut w, "gn", &n);
    assert_eq!(r["Records"][0]["Offset"], 6);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn commits_and_their_errors() {
    let mut w = world();
    topic(&mut w, "t", 2);
    produce(&mut w, "t", 0, 10);
    let a = subscribe(
        &mut w,
        "g",
        &["t"],
        json!({ "AutoOffsetReset": "earliest", "EnableAutoCommit": false }),
    );
    assert_eq!(
        poll(&mut w, "g", &a)["Records"].as_array().unwrap().len(),
        10
    );
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a }),
    );
    assert_eq!(offsets(&mut w, "g"), vec![(0, 10), (1, 0)]);
    let e = err(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a,
                "Offsets": [{ "Topic": "t", "Partition": 0, "Offset": 11 }] }),
    );
    assert_eq!(e.kind, ErrorKind::OffsetOutOfRangeException);
    assert!(e.message.contains("playground safeguard"), "{}", e.message);
    assert_eq!(
        offsets(&mut w, "g"),
        vec![(0, 10), (1, 0)],
        "nothing committed"
    );
    let e = err(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": "ghost" }),
    );
    assert_eq!(e.kind, ErrorKind::UnknownMemberIdException);
    let _b = subscribe(&mut w, "g", &["t"], json!({ "EnableAutoCommit": false }));
    let e = err(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a }),
    );
    assert_eq!(e.kind, ErrorKind::RebalanceInProgressException);
    poll(&mut w, "g", &a);
    let e = err(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a, "GenerationId": 1 }),
    );
    assert_eq!(e.kind, ErrorKind::IllegalGenerationException);
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a, "GenerationId": 2,
                "Offsets": [{ "Topic": "t", "Partition": 0, "Offset": 4 }] }),
    );
    assert_eq!(offsets(&mut w, "g"), vec![(0, 4), (1, 0)]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seek_and_reset_offsets_replay() {
    let mut w = world();
    topic(&mut w, "t", 1);
    for _ in 0..10 {
        produce(&mut w, "t", 0, 1);
        advance(&mut w, 1_000);
    }
    let a = subscribe(
        &mut w,
        "g",
        &["t"],
        json!({ "AutoOffsetReset": "earliest" }),
    );
    assert_eq!(
        poll(&mut w, "g", &a)["Records"].as_array().unwrap().len(),
        10
    );
    let seek = |w: &mut World, extra: Value| {
        let mut req = json!({ "GroupId": "g", "MemberId": a, "Topic": "t", "Partition": 0 });
        req.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        ok(w, "kafka", "Seek", req)["Position"].as_u64().unwrap()
    };
    assert_eq!(seek(&mut w, json!({ "Offset": 3 })), 3);
    let r = poll(&mut w, "g", &a);
    assert_eq!(r["Records"][0]["Offset"], 3);
    assert_eq!(r["Records"].as_array().unwrap().len(), 7);
    // Record i was written at i × 1000 ms.
    assert_eq!(seek(&mut w, json!({ "Timestamp": 6_500 })), 7);
    assert_eq!(seek(&mut w, json!({ "To": "beginning" })), 0);
    assert_eq!(seek(&mut w, json!({ "To": "end" })), 10);
    let e = err(
        &mut w,
        "kafka",
        "Seek",
        json!({ "GroupId": "g", "MemberId": a, "Topic": "t", "Partition": 0, "Offset": 11 }),
    );
    assert_eq!(e.kind, ErrorKind::OffsetOutOfRangeException);
    let reset = json!({ "GroupId": "g", "Topic": "t", "To": "earliest" });
    let e = err(&mut w, "kafka", "ResetConsumerGroupOffsets", reset.clone());
    assert_eq!(e.kind, ErrorKind::GroupNotEmptyException);
    ok(
        &mut w,
        "kafka",
        "LeaveGroup",
        json!({ "GroupId": "g", "MemberId": a }),
    );
    assert_eq!(
        offsets(&mut w, "g"),
        vec![(0, 10)],
        "close() auto-committed"
    );
    assert_eq!(describe(&mut w, "g")["State"], "Empty");
    ok(&mut w, "kafka", "ResetConsumerGroupOffsets", reset);
    assert_eq!(offsets(&mut w, "g"), vec![(0, 0)]);
    let b = subscribe(&mut w, "g", &["t"], json!({}));
    assert_eq!(
        poll(&mut w, "g", &b)["Records"].as_array().unwrap().len(),
        10
    );
    ok(
        &mut w,
        "kafka",
        "LeaveGroup",
        json!({ "GroupId": "g", "MemberId": b }),
    );
    ok(&mut w, "kafka", "DeleteGroup", json!({ "GroupId": "g" }));
    let e = err(
        &mut w,
        "kafka",
        "DescribeGroups",
        json!({ "GroupIds": ["g"] }),
    );
    assert_eq!(e.kind, ErrorKind::GroupIdNotFoundException);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lag_in_records_and_ms() {
    let mut w = world();
    topic(&mut w, "t", 1);
    for _ in 0..5 {
        produce(&mut w, "t", 0, 1);
        advance(&mut w, 1_000);
    }
    let a = subscribe(&mut w, "g", &["t"], json!({ "EnableAutoCommit": false }));
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a,
                "Offsets": [{ "Topic": "t", "Partition": 0, "Offset": 2 }] }),
    );
    advance(&mut w, 10_000); // now = 15 000; record 2 was written at 2 000
    let o = &describe(&mut w, "g")["Offsets"][0];
    assert_eq!(o["LagRecords"], 3);
    assert_eq!(o["LagMs"], 13_000);
    assert_eq!(o["HighWatermark"], 5);
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "g", "MemberId": a,
                "Offsets": [{ "Topic": "t", "Partition": 0, "Offset": 5 }] }),
    );
    let o = &describe(&mut w, "g")["Offsets"][0];
    assert_eq!(
        (o["LagRecords"].clone(), o["LagMs"].clone()),
        (json!(0), json!(0))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn two_groups_on_one_topic_keep_their_own_offsets() {
    let mut w = world();
    topic(&mut w, "t", 1);
    produce(&mut w, "t", 0, 8);
    let cfg = json!({ "AutoOffsetReset": "earliest", "EnableAutoCommit": false });
    let a = subscribe(&mut w, "ga", &["t"], cfg.clone());
    let b = subscribe(&mut w, "gb", &["t"], cfg);
    assert_eq!(
        poll(&mut w, "ga", &a)["Records"].as_array().unwrap().len(),
        8
    );
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "ga", "MemberId": a }),
    );
    let r = ok(
        &mut w,
        "kafka",
        "Poll",
        json!({ "GroupId": "gb", "MemberId": b, "MaxRecords": 3 }),
    );
    assert_eq!(r["Records"].as_array().unwrap().len(), 3);
    ok(
        &mut w,
        "kafka",
        "Commit",
        json!({ "GroupId": "gb", "MemberId": b }),
    );
    assert_eq!(offsets(&mut w, "ga"), vec![(0, 8)]);
    assert_eq!(offsets(&mut w, "gb"), vec![(0, 3)]);
    let groups = ok(&mut w, "kafka", "ListGroups", json!({}));
    assert_eq!(groups["Groups"].as_array().unwrap().len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn cooperative_sticky_moves_only_what_it_must_over_two_rounds() {
    let mut w = world();
    topic(&mut w, "t", 6);
    let cfg = json!({ "Assignor": "cooperative-sticky" });
    let a = subscribe(&mut w, "g", &["t"], cfg.clone());
    let b = subscribe(&mut w, "g", &["t"], cfg.clone());
    poll(&mut w, "g", &a);
    // a owned all six: round 1 (generation 2) revokes three from it, round 2 gives them to b.
    let g = describe(&mut w, "g");
    assert_eq!(
        (g["State"].clone(), g["GenerationId"].clone()),
        (json!("PreparingRebalance"), json!(2))
    );
    assert_eq!(sizes(&g), vec![0, 3]);
    poll(&mut w, "g", &a);
    poll(&mut w, "g", &b);
    let g = describe(&mut w, "g");
    assert_eq!(
        (g["State"].clone(), g["GenerationId"].clone()),
        (json!("Stable"), json!(3))
    );
    assert_eq!(sizes(&g), vec![3, 3]);
    let before = owned(&g);
    let before_owners = owner_map(&g);
    let c = subscribe(&mut w, "g", &["t"], cfg.clone());
    let g = describe(&mut w, "g");
    assert_eq!(
        owned(&g),
        before,
        "cooperative: nobody gives anything up at the start"
    );
    poll(&mut w, "g", &a);
    poll(&mut w, "g", &b);
    let g = describe(&mut w, "g");
    assert_eq!(g["GenerationId"], 4, "round 1 done");
    assert_eq!(g["State"], "PreparingRebalance", "round 2 pending");
    assert_eq!(
        sizes(&g),
        vec![0, 2, 2],
        "two partitions revoked, not yet reassigned"
    );
    let r = poll(&mut w, "g", &a);
    assert!(r["Records"].as_array().is_some());
    poll(&mut w, "g", &b);
    poll(&mut w, "g", &c);
    let g = describe(&mut w, "g");
    assert_eq!(g["GenerationId"], 5);
    assert_eq!(g["State"], "Stable");
    assert_eq!(sizes(&g), vec![2, 2, 2]);
    let after = owner_map(&g);
    let moved = after
        .iter()
        .filter(|(tp, m)| before_owners[*tp] != **m)
        .count();
    assert_eq!(moved, 2, "exactly two partitions moved to the new member");
    assert!(after.values().filter(|m| **m == c).count() == 2);
    assert_eq!(owned(&g), all("t", 6));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_new_partition_triggers_a_rebalance() {
    let mut w = world();
    topic(&mut w, "t", 2);
    let a = subscribe(&mut w, "g", &["t"], json!({}));
    assert_eq!(
        poll(&mut w, "g", &a)["Assignment"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    w.kafka
        .topics
        .get_mut("t")
        .unwrap()
        .partitions
        .push(Partition::default());
    let r = poll(&mut w, "g", &a);
    assert_eq!(r["Assignment"].as_array().unwrap().len(), 3);
    assert_eq!(r["GenerationId"], 2);
}

fn app(w: &mut World) -> Value {
    ok(w, "playground", "DescribeKafkaConsumerApps", json!({}))["Apps"][0].clone()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn consumer_app_processes_everything_and_survives_a_crash() {
    let mut w = world();
    topic(&mut w, "t", 3);
    for p in 0..3 {
        produce(&mut w, "t", p, 40);
    }
    let r = ok(
        &mut w,
        "playground",
        "CreateKafkaConsumerApp",
        json!({ "AppName": "billing", "GroupId": "billing", "Topics": ["t"],
                "AutoOffsetReset": "earliest", "RecordsPerSecondPerMember": 100 }),
    );
    let ids: Vec<String> = r["MemberIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    advance(&mut w, 3_000);
    let a = app(&mut w);
    assert_eq!(a["Unprocessed"], 0, "{a}");
    assert!(a["Processed"].as_u64().unwrap() >= 120);
    let g = describe(&mut w, "billing");
    assert_eq!(g["State"], "Stable");
    assert_eq!(owned(&g), all("t", 3));
    ok(
        &mut w,
        "playground",
        "CrashKafkaConsumer",
        json!({ "AppName": "billing", "MemberId": ids[0] }),
    );
    for p in 0..3 {
        produce(&mut w, "t", p, 10);
    }
    advance(&mut w, 30_000);
    assert!(
        app(&mut w)["Unprocessed"].as_u64().unwrap() > 0,
        "crashed member's partitions wait"
    );
    advance(&mut w, 20_000);
    let a = app(&mut w);
    assert_eq!(a["Unprocessed"], 0, "{a}");
    let g = describe(&mut w, "billing");
    assert_eq!(g["Members"].as_array().unwrap().len(), 1);
    assert_eq!(owned(&g), all("t", 3));
    let id = ok(
        &mut w,
        "playground",
        "AddKafkaConsumer",
        json!({ "AppName": "billing" }),
    );
    assert!(id["MemberId"].is_string());
    advance(&mut w, 2_000);
    assert_eq!(sizes(&describe(&mut w, "billing")), vec![1, 2]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_paused_app_member_is_removed_after_max_poll_interval_and_rejoins() {
    let mut w = world();
    topic(&mut w, "t", 2);
    let r = ok(
        &mut w,
        "playground",
        "CreateKafkaConsumerApp",
        json!({ "AppName": "p", "GroupId": "pg", "Topics": ["t"], "MaxPollIntervalMs": 5_000 }),
    );
    let first = r["MemberIds"][0].as_str().unwrap().to_string();
    advance(&mut w, 1_000);
    assert_eq!(
        describe(&mut w, "pg")["Members"].as_array().unwrap().len(),
        2
    );
    ok(
        &mut w,
        "playground",
        "PauseKafkaConsumer",
        json!({ "AppName": "p", "MemberId": first, "Ms": 8_000 }),
    );
    advance(&mut w, 6_000);
    let g = describe(&mut w, "pg");
    assert_eq!(g["Members"].as_array().unwrap().len(), 1, "{g}");
    assert_eq!(sizes(&g), vec![2]);
    advance(&mut w, 5_000);
    let g = describe(&mut w, "pg");
    assert_eq!(sizes(&g), vec![1, 1], "{g}");
    assert_eq!(app(&mut w)["Members"][0]["State"], "RUNNING");
}
