//! The Kinesis data plane: PutRecords partial failure, the five iterator types, GetRecords pages,
//! limits and throttling on virtual time, iterator expiry, retention, metrics, cost and the AZ
//! outage fault (semantics.md §1.4–§1.9, §1.14, §1.15).

mod common;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use common::{advance_by, b64, err, expect_err, ok, put, session_with_stream, shard_and_seq};
use kinesis_playground::engine::action_log::Session;
use serde_json::{json, Value};

fn iterator(s: &mut Session, shard: &str, req: Value) -> String {
    let mut r = json!({ "StreamName": "s", "ShardId": shard });
    for (k, v) in req.as_object().expect("object").iter() {
        r[k] = v.clone();
    }
    let v = ok(s, "kinesis", "GetShardIterator", r);
    v["ShardIterator"].as_str().expect("iterator").to_string()
}

fn keys_of(page: &Value) -> Vec<String> {
    page["Records"]
        .as_array()
        .expect("Records")
        .iter()
        .map(|r| r["PartitionKey"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn get(s: &mut Session, it: &str, limit: u64) -> Value {
    ok(
        s,
        "kinesis",
        "GetRecords",
        json!({ "ShardIterator": it, "Limit": limit }),
    )
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn put_records_partial_failure_is_per_entry_and_in_request_order() {
    let mut s = session_with_stream(1, "s", 1);
    // 1,000 records/s with one second of burst: 1,200 entries in one instant, the last ~200 fail.
    let mut total_failed = 0;
    let mut accepted = 0;
    for _ in 0..3 {
        let records: Vec<Value> = (0..400)
            .map(|i| json!({ "Data": b64(b"x"), "PartitionKey": format!("k{i}") }))
            .collect();
        let v = ok(
            &mut s,
            "kinesis",
            "PutRecords",
            json!({ "StreamName": "s", "Records": records }),
        );
        let entries = v["Records"].as_array().expect("Records");
        assert_eq!(entries.len(), 400, "one result per entry");
        let failed = entries
            .iter()
            .filter(|e| e.get("ErrorCode").is_some())
            .count();
        assert_eq!(v["FailedRecordCount"].as_u64(), Some(failed as u64));
        for e in entries.iter().filter(|e| e.get("ErrorCode").is_some()) {
            assert_eq!(e["ErrorCode"], "ProvisionedThroughputExceededException");
            assert!(e["ErrorMessage"]
                .as_str()
                .unwrap_or_default()
                .contains("Rate exceeded for shard shardId-000000000000"));
            assert!(e.get("SequenceNumber").is_none());
        }
        total_failed += failed;
        accepted += 400 - failed;
    }
    assert_eq!(
        accepted, 1_000,
        "exactly one second of burst at 1,000 records/s (§1.5 model)"
    );
    assert_eq!(total_failed, 200);
    // A second later the bucket has refilled by 1,000 records.
    advance_by(&mut s, 1_000);
    let records: Vec<Value> = (0..500)
        .map(|i| json!({ "Data": b64(b"x"), "PartitionKey": format!("k{i}") }))
        .collect();
    let v = ok(
        &mut s,
        "kinesis",
        "PutRecords",
        json!({ "StreamName": "s", "Records": records }),
    );
    assert_eq!(v["FailedRecordCount"], 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn put_records_validates_the_whole_request_first() {
    let mut s = session_with_stream(1, "s", 2);
    let too_many: Vec<Value> = (0..501)
        .map(|i| json!({ "Data": "eA==", "PartitionKey": format!("k{i}") }))
        .collect();
    expect_err(
        &mut s,
        "PutRecords",
        json!({ "StreamName": "s", "Records": too_many }),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "PutRecords",
        json!({ "StreamName": "s", "Records": [] }),
        "ValidationException",
    );
    let bad_key =
        json!([{ "Data": "eA==", "PartitionKey": "ok" }, { "Data": "eA==", "PartitionKey": "" }]);
    expect_err(
        &mut s,
        "PutRecords",
        json!({ "StreamName": "s", "Records": bad_key }),
        "ValidationException",
    );
    // Nothing from the rejected request was written.
    let total: usize = s.world().kinesis.stream("s").map_or(0, |st| {
        st.shards().iter().map(|sh| sh.records().len()).sum()
    });
    assert_eq!(total, 0);
    // 11 entries of 1 MiB each exceed the 10 MiB request limit.
    let big = b64(&vec![7u8; 1_048_000]);
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({ "Data": big, "PartitionKey": format!("k{i}") }))
        .collect();
    expect_err(
        &mut s,
        "PutRecords",
        json!({ "StreamName": "s", "Records": eleven }),
        "InvalidArgumentException",
    );
    expect_err(
        &mut s,
        "PutRecords",
        json!({ "StreamName": "nope", "Records": [{ "Data": "eA==", "PartitionKey": "k" }] }),
        "ResourceNotFoundException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_five_iterator_types_start_where_aws_says() {
    let mut s = session_with_stream(2, "s", 1);
    let shard = "shardId-000000000000";
    let mut seqs = Vec::new();
    for i in 0..5 {
        let v = put(&mut s, "s", &format!("k{i}"), b"d");
        seqs.push(shard_and_seq(&v).1);
        advance_by(&mut s, 1_000);
    }
    let th = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    assert_eq!(
        keys_of(&get(&mut s, &th, 100)),
        ["k0", "k1", "k2", "k3", "k4"]
    );
    let latest = iterator(&mut s, shard, json!({ "ShardIteratorType": "LATEST" }));
    put(&mut s, "s", "k5", b"d");
    assert_eq!(
        keys_of(&get(&mut s, &latest, 100)),
        ["k5"],
        "LATEST returns only later writes"
    );
    let at = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seqs[2] }),
    );
    assert_eq!(keys_of(&get(&mut s, &at, 2)), ["k2", "k3"]);
    let after = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": seqs[2] }),
    );
    assert_eq!(keys_of(&get(&mut s, &after, 2)), ["k3", "k4"]);
    // Records arrived at 2 s, 3 s, 4 s … after the epoch (the stream became ACTIVE at 2 s).
    let epoch_s = s.world().epoch().unix_ms() as f64 / 1000.0;
    advance_by(&mut s, 1_000); // GetShardIterator allows 5 calls per second per shard (§1.7)
    let ts = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": epoch_s + 3.5 }),
    );
    assert_eq!(keys_of(&get(&mut s, &ts, 2)), ["k2", "k3"]);
    let old = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 0.0 }),
    );
    assert_eq!(
        keys_of(&get(&mut s, &old, 1)),
        ["k0"],
        "before the trim horizon behaves as TRIM_HORIZON"
    );
    let future = json!({ "StreamName": "s", "ShardId": shard, "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": epoch_s + 9_999.0 });
    expect_err(
        &mut s,
        "GetShardIterator",
        future,
        "InvalidArgumentException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn get_shard_iterator_rejects_what_aws_rejects() {
    let mut s = session_with_stream(3, "s", 2);
    let v = put(&mut s, "s", "a", b"d"); // "a" → shard 0 of 2 (§1.2)
    let (shard, seq) = shard_and_seq(&v);
    assert_eq!(shard, "shardId-000000000000");
    let base = |t: &str| json!({ "StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": t });
    let mut r = base("AT_SEQUENCE_NUMBER");
    expect_err(
        &mut s,
        "GetShardIterator",
        r.clone(),
        "InvalidArgumentException",
    );
    r["StartingSequenceNumber"] = json!(seq);
    r["ShardId"] = json!("shardId-000000000001");
    let msg = expect_err(&mut s, "GetShardIterator", r, "InvalidArgumentException");
    assert!(msg.contains("It encodes shardId-000000000000"), "{msg}");
    let mut r = base("TRIM_HORIZON");
    r["StartingSequenceNumber"] = json!(seq);
    expect_err(&mut s, "GetShardIterator", r, "InvalidArgumentException");
    expect_err(
        &mut s,
        "GetShardIterator",
        base("SIDEWAYS"),
        "ValidationException",
    );
    let mut r = base("LATEST");
    r["ShardId"] = json!("shardId-000000000009");
    expect_err(&mut s, "GetShardIterator", r, "ResourceNotFoundException");
    // 5 calls per second per shard (§1.7).
    for _ in 0..5 {
        ok(&mut s, "kinesis", "GetShardIterator", base("LATEST"));
    }
    expect_err(
        &mut s,
        "GetShardIterator",
        base("LATEST"),
        "ProvisionedThroughputExceededException",
    );
    advance_by(&mut s, 1_000);
    ok(&mut s, "kinesis", "GetShardIterator", base("LATEST"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn get_records_pages_limits_empty_pages_and_millis_behind() {
    let mut s = session_with_stream(4, "s", 1);
    for i in 0..30 {
        put(&mut s, "s", &format!("k{i:02}"), b"payload");
        advance_by(&mut s, 100);
    }
    let shard = "shardId-000000000000";
    let it = iterator(
        &mut s,
        shard,
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    advance_by(&mut s, 1_000);
    let p1 = get(&mut s, &it, 10);
    assert_eq!(keys_of(&p1).len(), 10);
    assert!(
        p1["MillisBehindLatest"].as_u64().unwrap_or(0) > 0,
        "behind while more records remain"
    );
    let a = p1["Records"][0]["ApproximateArrivalTimestamp"]
        .as_f64()
        .unwrap_or(0.0);
    assert!(a > 1.7e9, "epoch seconds with ms precision: {a}");
    let mut next = p1["NextShardIterator"].as_str().expect("next").to_string();
    let mut seen = keys_of(&p1);
    for _ in 0..2 {
        advance_by(&mut s, 250);
        let p = get(&mut s, &next, 10);
        seen.extend(keys_of(&p));
        next = p["NextShardIterator"].as_str().expect("next").to_string();
    }
    let expected: Vec<String> = (0..30).map(|i| format!("k{i:02}")).collect();
    assert_eq!(
        seen, expected,
        "pages continue exactly where the last one ended"
    );
    advance_by(&mut s, 250);
    let empty = get(&mut s, &next, 10);
    assert_eq!(keys_of(&empty).len(), 0, "an empty page is normal");
    assert_eq!(empty["MillisBehindLatest"], 0, "caught up");
    assert!(
        empty["NextShardIterator"].is_string(),
        "an open shard never ends"
    );
    // Limit bounds (§1.8).
    expect_err(
        &mut s,
        "GetRecords",
        json!({ "ShardIterator": next, "Limit": 10_001 }),
        "InvalidArgumentException",
    );
    expect_err(
        &mut s,
        "GetRecords",
        json!({ "ShardIterator": "bm90IGFuIGl0ZXJhdG9y" }),
        "InvalidArgumentException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn iterators_expire_after_300_seconds_and_stay_reusable_until_then() {
    let mut s = session_with_stream(5, "s", 1);
    put(&mut s, "s", "k", b"d");
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    advance_by(&mut s, 1_000);
    assert_eq!(keys_of(&get(&mut s, &it, 10)), ["k"]);
    advance_by(&mut s, 298_000);
    assert_eq!(
        keys_of(&get(&mut s, &it, 10)),
        ["k"],
        "still valid and not consumed by use (§1.7)"
    );
    advance_by(&mut s, 2_000);
    let e = err(
        &mut s,
        "kinesis",
        "GetRecords",
        json!({ "ShardIterator": it }),
    );
    assert_eq!(e.kind.as_str(), "ExpiredIteratorException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reads_are_limited_to_5_calls_and_2_mib_per_second_and_a_big_read_throttles_5_seconds() {
    let mut s = session_with_stream(6, "s", 1);
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    for _ in 0..5 {
        get(&mut s, &it, 10);
    }
    expect_err(
        &mut s,
        "GetRecords",
        json!({ "ShardIterator": it }),
        "ProvisionedThroughputExceededException",
    );
    advance_by(&mut s, 1_000);
    get(&mut s, &it, 10);

    // Write 10 MiB over time (1 MiB/s), then read it in one call: the shard's read bucket goes
    // 8 MiB into debt and refills at 2 MiB/s, so reads are refused for about 4–5 s (§1.8).
    let mut s = session_with_stream(7, "s", 1);
    let blob = b64(&vec![1u8; 1_000_000]);
    for i in 0..10 {
        ok(
            &mut s,
            "kinesis",
            "PutRecord",
            json!({ "StreamName": "s", "PartitionKey": format!("k{i}"), "Data": blob }),
        );
        advance_by(&mut s, 1_000);
    }
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    let page = get(&mut s, &it, 10_000);
    assert_eq!(keys_of(&page).len(), 10, "≤ 10 MiB per call");
    let next = page["NextShardIterator"]
        .as_str()
        .expect("next")
        .to_string();
    let mut refused_ms = 0;
    loop {
        advance_by(&mut s, 250);
        match s.call("kinesis", "GetRecords", json!({ "ShardIterator": next })) {
            Ok(_) => break,
            Err(e) => {
                assert_eq!(e.kind.as_str(), "ProvisionedThroughputExceededException");
                refused_ms += 250;
            }
        }
        assert!(refused_ms < 10_000, "the shard must recover");
    }
    assert!(
        (3_500..=5_000).contains(&refused_ms),
        "refused for {refused_ms} ms after a ~10 MB read"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn retention_trims_records_and_moves_trim_horizon() {
    let mut s = session_with_stream(8, "s", 1);
    put(&mut s, "s", "old", b"d");
    advance_by(&mut s, 12 * 3_600_000);
    put(&mut s, "s", "new", b"d");
    advance_by(&mut s, 12 * 3_600_000 + 1);
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    assert_eq!(
        keys_of(&get(&mut s, &it, 10)),
        ["new"],
        "the 24 h old record aged out"
    );
    // An iterator that pointed into trimmed data starts at the trim horizon.
    let mut s = session_with_stream(9, "s", 1);
    put(&mut s, "s", "a", b"d");
    put(&mut s, "s", "b", b"d");
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    advance_by(&mut s, 10 * 3_600_000);
    put(&mut s, "s", "c", b"d");
    advance_by(&mut s, 14 * 3_600_000 + 1);
    let it2 = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    assert_eq!(keys_of(&get(&mut s, &it2, 10)), ["c"]);
    let _ = it;
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn metrics_count_writes_throttles_and_reads_per_second() {
    let mut s = session_with_stream(10, "s", 1);
    let records: Vec<Value> = (0..500)
        .map(|i| json!({ "Data": b64(b"abc"), "PartitionKey": format!("k{i}") }))
        .collect();
    for _ in 0..3 {
        ok(
            &mut s,
            "kinesis",
            "PutRecords",
            json!({ "StreamName": "s", "Records": records }),
        );
    }
    let it = iterator(
        &mut s,
        "shardId-000000000000",
        json!({ "ShardIteratorType": "TRIM_HORIZON" }),
    );
    get(&mut s, &it, 10_000);
    advance_by(&mut s, 2_000);
    let epoch_s = s.world().epoch().unix_ms() / 1000;
    let stat = |s: &mut Session, name: &str, stat: &str| -> f64 {
        let v = ok(
            s,
            "cloudwatch",
            "GetMetricStatistics",
            json!({
            "Namespace": "AWS/Kinesis", "MetricName": name,
            "Dimensions": [{ "Name": "StreamName", "Value": "s" }],
            "StartTime": epoch_s, "EndTime": epoch_s + 60, "Period": 60, "Statistics": [stat] }),
        );
        v["Datapoints"].as_array().map_or(0.0, |d| {
            d.iter().map(|p| p[stat].as_f64().unwrap_or(0.0)).sum()
        })
    };
    assert_eq!(stat(&mut s, "IncomingRecords", "Sum"), 1_000.0);
    assert_eq!(
        stat(&mut s, "WriteProvisionedThroughputExceeded", "Sum"),
        500.0
    );
    // Accepted: k0…k499 twice, each 3 data bytes plus its partition key (§1.4: both count).
    let one_batch: usize = (0..500).map(|i: usize| 3 + format!("k{i}").len()).sum();
    assert_eq!(stat(&mut s, "IncomingBytes", "Sum"), (2 * one_batch) as f64);
    assert_eq!(stat(&mut s, "GetRecords.Records", "Sum"), 1_000.0);
    let e = err(
        &mut s,
        "cloudwatch",
        "GetMetricStatistics",
        json!({
        "Namespace": "AWS/Kinesis", "MetricName": "IncomingRecords", "Dimensions": [{ "Name": "StreamName", "Value": "s" }],
        "StartTime": epoch_s, "EndTime": epoch_s + 60, "Period": 7 }),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_az_outage_loses_nothing_acknowledged() {
    let mut s = session_with_stream(11, "s", 2);
    let mut acked = Vec::new();
    for i in 0..20 {
        acked.push(shard_and_seq(&put(&mut s, "s", &format!("k{i}"), b"d")));
    }
    ok(
        &mut s,
        "playground",
        "InjectFault",
        json!({ "Type": "AZ_OUTAGE", "AvailabilityZone": "us-east-1b", "DurationMs": 30_000 }),
    );
    let e = err(
        &mut s,
        "playground",
        "InjectFault",
        json!({ "Type": "AZ_OUTAGE", "AvailabilityZone": "us-east-1c" }),
    );
    assert_eq!(
        e.kind.as_str(),
        "InvalidArgumentException",
        "two AZs down is refused"
    );
    for i in 20..40 {
        acked.push(shard_and_seq(&put(&mut s, "s", &format!("k{i}"), b"d")));
    }
    advance_by(&mut s, 1_000);
    let mut read = Vec::new();
    for shard in ["shardId-000000000000", "shardId-000000000001"] {
        let it = iterator(
            &mut s,
            shard,
            json!({ "ShardIteratorType": "TRIM_HORIZON" }),
        );
        for r in get(&mut s, &it, 100)["Records"]
            .as_array()
            .expect("Records")
        {
            read.push((
                shard.to_string(),
                r["SequenceNumber"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    read.sort();
    acked.sort();
    assert_eq!(
        read, acked,
        "every acknowledged record is readable during the outage"
    );
    advance_by(&mut s, 30_000);
    let v = ok(&mut s, "playground", "ListFaults", json!({}));
    assert_eq!(
        v["Faults"].as_array().map(Vec::len),
        Some(0),
        "the outage ended"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_cost_meter_accrues_shard_hours_and_put_payload_units() {
    let mut s = session_with_stream(12, "s", 2);
    put(&mut s, "s", "k", &vec![0u8; 30 * 1024]); // 2 PUT payload units (25 KB chunks)
    advance_by(&mut s, 3_600_000);
    let u = *s.world().kinesis.usage("s").expect("usage");
    assert_eq!(u.put_payload_units, 2);
    assert_eq!(
        u.provisioned_shard_ms,
        2 * (3_600_000 + 2_000) - 2 * 2_000 + 2 * 2_000
    );
    let bill = u.price(false);
    assert!(
        (bill.total - (2.0 * 0.015 * (3_602_000.0 / 3_600_000.0) + 2.0 / 1e6 * 0.014)).abs() < 1e-9,
        "{bill:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_shards_filters_follow_shard_lifetimes() {
    let mut s = session_with_stream(13, "s", 2);
    advance_by(&mut s, 10_000);
    let epoch_s = s.world().epoch().unix_ms() as f64 / 1000.0;
    let before_split = epoch_s + (s.world().now() as f64) / 1000.0;
    let v = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({ "StreamName": "s" }),
    );
    let range = &v["StreamDescription"]["Shards"][0]["HashKeyRange"];
    let (a, b): (u128, u128) = (
        range["StartingHashKey"]
            .as_str()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0),
        range["EndingHashKey"]
            .as_str()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0),
    );
    ok(
        &mut s,
        "kinesis",
        "SplitShard",
        json!({ "StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": (a + (b - a) / 2).to_string() }),
    );
    advance_by(&mut s, 20_000);
    let after_split = epoch_s + (s.world().now() as f64) / 1000.0;
    let ids = |s: &mut Session, filter: Value| -> Vec<String> {
        let v = ok(
            s,
            "kinesis",
            "ListShards",
            json!({ "StreamName": "s", "ShardFilter": filter }),
        );
        v["Shards"]
            .as_array()
            .expect("Shards")
            .iter()
            .map(|x| {
                x["ShardId"].as_str().unwrap_or_default()[8..]
                    .trim_start_matches('0')
                    .to_string()
            })
            .collect()
    };
    assert_eq!(ids(&mut s, json!({ "Type": "AT_LATEST" })), ["1", "2", "3"]);
    assert_eq!(
        ids(&mut s, json!({ "Type": "AT_TRIM_HORIZON" })),
        ["", "1"],
        "shards open at the trim horizon (stream start)"
    );
    assert_eq!(
        ids(&mut s, json!({ "Type": "FROM_TRIM_HORIZON" })),
        ["", "1", "2", "3"]
    );
    assert_eq!(
        ids(
            &mut s,
            json!({ "Type": "AT_TIMESTAMP", "Timestamp": after_split })
        ),
        ["1", "2", "3"]
    );
    assert_eq!(
        ids(
            &mut s,
            json!({ "Type": "FROM_TIMESTAMP", "Timestamp": before_split })
        ),
        ["", "1", "2", "3"]
    );
    assert_eq!(
        ids(
            &mut s,
            json!({ "Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000001" })
        ),
        ["2", "3"]
    );
    expect_err(
        &mut s,
        "ListShards",
        json!({ "StreamName": "s", "ShardFilter": { "Type": "AT_TIMESTAMP" } }),
        "InvalidArgumentException",
    );
}
