//! Response shapes of DescribeStream, DescribeStreamSummary, ListShards and ListStreams, with
//! pagination (semantics.md §1.1, §1.3, §1.11).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{create_active, expect_err, ok, session, session_with_stream};
use kinesis_playground::engine::kinesis::hash_key::initial_layout;
use kinesis_playground::engine::kinesis::sequence_number::SequenceNumber;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn shard_ids(shards: &Value) -> Vec<String> {
    shards
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ShardId"].as_str().unwrap().to_string())
        .collect()
}

fn ids(range: std::ops::Range<u32>) -> Vec<String> {
    range.map(|i| format!("shardId-{i:012}")).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn describe_stream_shape() {
    let mut s = session(1);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 3}),
    );
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "orders"}),
    );
    assert_eq!(keys(&d), ["StreamDescription"]);
    let sd = &d["StreamDescription"];
    assert_eq!(sd["StreamStatus"], "CREATING");
    s.advance_to(2_000);
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "orders"}),
    );
    let sd = &d["StreamDescription"];
    assert_eq!(sd["StreamName"], "orders");
    assert_eq!(
        sd["StreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
    );
    assert_eq!(sd["StreamStatus"], "ACTIVE");
    assert_eq!(
        sd["StreamModeDetails"],
        json!({"StreamMode": "PROVISIONED"})
    );
    assert_eq!(sd["HasMoreShards"], false);
    assert_eq!(sd["RetentionPeriodHours"], 24);
    assert_eq!(sd["EncryptionType"], "NONE");
    // Virtual time 0 is the scenario epoch, 2026-01-01T00:00:00Z.
    assert_eq!(sd["StreamCreationTimestamp"], 1_767_225_600u64);
    assert!(sd["EnhancedMonitoring"].is_array());
    let shards = sd["Shards"].as_array().unwrap();
    assert_eq!(shard_ids(&sd["Shards"]), ids(0..3));
    // The real 3-shard layout (CLI-EX), as decimal strings.
    let layout = initial_layout(3);
    for (shard, range) in shards.iter().zip(&layout) {
        assert_eq!(
            shard["HashKeyRange"]["StartingHashKey"],
            range.starting.to_string()
        );
        assert_eq!(
            shard["HashKeyRange"]["EndingHashKey"],
            range.ending.to_string()
        );
        assert!(shard.get("ParentShardId").is_none());
        let start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
            .as_str()
            .unwrap();
        assert_eq!(start.len(), 56);
        let sn = SequenceNumber::parse(start).unwrap();
        assert_eq!(sn.shard_created_s, 1_767_225_600);
        assert_eq!(sn.seq_index, 0);
        assert!(shard["SequenceNumberRange"]
            .get("EndingSequenceNumber")
            .is_none());
    }
    assert_eq!(
        shards[2]["HashKeyRange"]["EndingHashKey"],
        common::MAX_HASH_KEY_DEC
    );
    // The same call by ARN.
    let by_arn = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders"}),
    );
    assert_eq!(by_arn, d);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn describe_stream_limit_and_exclusive_start() {
    let mut s = session_with_stream(2, "ten", 10);
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "ten", "Limit": 4}),
    );
    assert_eq!(shard_ids(&d["StreamDescription"]["Shards"]), ids(0..4));
    assert_eq!(d["StreamDescription"]["HasMoreShards"], true);
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "ten", "Limit": 4, "ExclusiveStartShardId": "shardId-000000000007"}),
    );
    assert_eq!(shard_ids(&d["StreamDescription"]["Shards"]), ids(8..10));
    assert_eq!(d["StreamDescription"]["HasMoreShards"], false);
    expect_err(
        &mut s,
        "DescribeStream",
        json!({"StreamName": "ten", "Limit": 0}),
        "ValidationException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn describe_stream_summary_shape() {
    let mut s = session_with_stream(3, "orders", 4);
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStreamSummary",
        json!({"StreamName": "orders"}),
    );
    assert_eq!(keys(&d), ["StreamDescriptionSummary"]);
    let sd = &d["StreamDescriptionSummary"];
    assert_eq!(sd["StreamName"], "orders");
    assert_eq!(
        sd["StreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
    );
    assert_eq!(sd["StreamStatus"], "ACTIVE");
    assert_eq!(sd["StreamModeDetails"]["StreamMode"], "PROVISIONED");
    assert_eq!(sd["OpenShardCount"], 4);
    assert_eq!(sd["ConsumerCount"], 0);
    assert_eq!(sd["RetentionPeriodHours"], 24);
    assert_eq!(sd["MaxRecordSizeInKiB"], 1024);
    assert_eq!(sd["EncryptionType"], "NONE");
    assert!(sd.get("Shards").is_none(), "the summary lists no shards");

    // On-demand: no ShardCount, 4 shards.
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "od",
        "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "od2"}),
    );
    for name in ["od", "od2"] {
        let d = ok(
            &mut s,
            "kinesis",
            "DescribeStreamSummary",
            json!({"StreamName": name}),
        );
        assert_eq!(
            d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"],
            "ON_DEMAND"
        );
        assert_eq!(d["StreamDescriptionSummary"]["OpenShardCount"], 4);
        assert_eq!(d["StreamDescriptionSummary"]["StreamStatus"], "CREATING");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_shards_shape_and_pagination() {
    let mut s = session_with_stream(4, "ten", 10);
    let all = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "ten"}),
    );
    assert_eq!(keys(&all), ["Shards"], "no NextToken when everything fits");
    assert_eq!(shard_ids(&all["Shards"]), ids(0..10));
    // Shard objects are the same as DescribeStream's.
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "ten"}),
    );
    assert_eq!(all["Shards"], d["StreamDescription"]["Shards"]);

    // MaxResults 3: pages of 3, 3, 3, 1 chained by NextToken.
    let mut page = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "ten", "MaxResults": 3}),
    );
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let ids = shard_ids(&page["Shards"]);
        sizes.push(ids.len());
        seen.extend(ids);
        let Some(token) = page
            .get("NextToken")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            break;
        };
        page = ok(
            &mut s,
            "kinesis",
            "ListShards",
            json!({"NextToken": token, "MaxResults": 3}),
        );
    }
    assert_eq!(sizes, [3, 3, 3, 1]);
    assert_eq!(seen, ids(0..10));

    // ExclusiveStartShardId.
    let p = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "ten", "ExclusiveStartShardId": "shardId-000000000005"}),
    );
    assert_eq!(shard_ids(&p["Shards"]), ids(6..10));

    // MaxResults bounds.
    expect_err(
        &mut s,
        "ListShards",
        json!({"StreamName": "ten", "MaxResults": 0}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "ListShards",
        json!({"StreamName": "ten", "MaxResults": 10_001}),
        "ValidationException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_shards_next_token_rules() {
    let mut s = session_with_stream(5, "ten", 10);
    let p = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "ten", "MaxResults": 2}),
    );
    let token = p["NextToken"].as_str().unwrap().to_string();
    let issued = s.world().now();
    // NextToken together with StreamName is refused.
    expect_err(
        &mut s,
        "ListShards",
        json!({"StreamName": "ten", "NextToken": token}),
        "InvalidArgumentException",
    );
    expect_err(
        &mut s,
        "ListShards",
        json!({"NextToken": "garbage"}),
        "InvalidArgumentException",
    );
    // A ListStreams token is not a ListShards token.
    create_active(&mut s, "zzz", 1);
    let ls = ok(&mut s, "kinesis", "ListStreams", json!({"Limit": 1}));
    let streams_token = ls["NextToken"].as_str().unwrap().to_string();
    expect_err(
        &mut s,
        "ListShards",
        json!({"NextToken": streams_token}),
        "InvalidArgumentException",
    );
    // Valid for 300 s of virtual time …
    let now = issued;
    s.advance_to(now + 300_000);
    ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"NextToken": token.clone()}),
    );
    // … then ExpiredNextTokenException.
    s.advance_to(now + 300_001);
    expect_err(
        &mut s,
        "ListShards",
        json!({"NextToken": token}),
        "ExpiredNextTokenException",
    );
    // Neither StreamName nor NextToken.
    expect_err(&mut s, "ListShards", json!({}), "InvalidArgumentException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_shards_shard_filters() {
    let mut s = session_with_stream(6, "five", 5);
    for (filter, want) in [
        (json!({"Type": "AT_LATEST"}), ids(0..5)),
        (json!({"Type": "AT_TRIM_HORIZON"}), ids(0..5)),
        (json!({"Type": "FROM_TRIM_HORIZON"}), ids(0..5)),
        (
            json!({"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000002"}),
            ids(3..5),
        ),
    ] {
        let p = ok(
            &mut s,
            "kinesis",
            "ListShards",
            json!({"StreamName": "five", "ShardFilter": filter.clone()}),
        );
        assert_eq!(shard_ids(&p["Shards"]), want, "filter {filter}");
    }
    // AT_LATEST returns only open shards: every listed shard has no EndingSequenceNumber.
    let p = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "five", "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    for sh in p["Shards"].as_array().unwrap() {
        assert!(sh["SequenceNumberRange"]
            .get("EndingSequenceNumber")
            .is_none());
    }
    // AT_LATEST with pagination.
    let p = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "five", "MaxResults": 2, "ShardFilter": {"Type": "AT_LATEST"}}),
    );
    assert_eq!(shard_ids(&p["Shards"]), ids(0..2));
    assert!(p["NextToken"].is_string());
    expect_err(
        &mut s,
        "ListShards",
        json!({"StreamName": "five", "ShardFilter": {"Type": "NEWEST"}}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "ListShards",
        json!({"StreamName": "five", "ShardFilter": {"Type": "AFTER_SHARD_ID"}}),
        "ValidationException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_streams_shape_and_pagination() {
    let mut s = session(7);
    let empty = ok(&mut s, "kinesis", "ListStreams", json!({}));
    assert_eq!(empty["StreamNames"], json!([]));
    assert_eq!(empty["HasMoreStreams"], false);
    assert_eq!(empty["StreamSummaries"], json!([]));
    // Created out of order; listed by name.
    for name in ["charlie", "alpha", "echo", "bravo", "delta"] {
        create_active(&mut s, name, 1);
    }
    let all = ok(&mut s, "kinesis", "ListStreams", json!({}));
    assert_eq!(
        all["StreamNames"],
        json!(["alpha", "bravo", "charlie", "delta", "echo"])
    );
    assert_eq!(all["HasMoreStreams"], false);
    assert!(all.get("NextToken").is_none());
    let first = &all["StreamSummaries"][0];
    assert_eq!(first["StreamName"], "alpha");
    assert_eq!(
        first["StreamARN"],
        "arn:aws:kinesis:us-east-1:123456789012:stream/alpha"
    );
    assert_eq!(first["StreamStatus"], "ACTIVE");
    assert_eq!(first["StreamModeDetails"]["StreamMode"], "PROVISIONED");
    assert!(first["StreamCreationTimestamp"].is_u64());

    let p1 = ok(&mut s, "kinesis", "ListStreams", json!({"Limit": 2}));
    assert_eq!(p1["StreamNames"], json!(["alpha", "bravo"]));
    assert_eq!(p1["HasMoreStreams"], true);
    let token = p1["NextToken"].as_str().unwrap().to_string();
    let p2 = ok(
        &mut s,
        "kinesis",
        "ListStreams",
        json!({"Limit": 2, "NextToken": token}),
    );
    assert_eq!(p2["StreamNames"], json!(["charlie", "delta"]));
    let p3 = ok(
        &mut s,
        "kinesis",
        "ListStreams",
        json!({"ExclusiveStartStreamName": "delta"}),
    );
    assert_eq!(p3["StreamNames"], json!(["echo"]));
    assert_eq!(p3["HasMoreStreams"], false);
    expect_err(
        &mut s,
        "ListStreams",
        json!({"Limit": 0}),
        "ValidationException",
    );
}
