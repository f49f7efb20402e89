//! Errors with their AWS types: partition keys, explicit hash keys, record size, base64, JSON
//! types, stream names, lifecycle, unknown actions and services (semantics.md §1.1-§1.5, §1.11).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{advance_by, b64, err, expect_err, ok, session, session_with_stream};
use kinesis_playground::engine::action_log::Session;
use serde_json::{json, Value};

fn put_req(key: &str, data: &[u8]) -> Value {
    json!({"StreamName": "s", "PartitionKey": key, "Data": b64(data)})
}

fn records_in(s: &Session, stream: &str) -> usize {
    s.world().kinesis.stream(stream).map_or(0, |st| {
        st.shards().iter().map(|sh| sh.records().len()).sum()
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn partition_key_length_limits() {
    let mut s = session_with_stream(1, "s", 2);
    let m = expect_err(
        &mut s,
        "PutRecord",
        put_req("", b"x"),
        "ValidationException",
    );
    assert!(m.contains("partitionKey"), "{m}");
    let m = expect_err(
        &mut s,
        "PutRecord",
        put_req(&"k".repeat(257), b"x"),
        "ValidationException",
    );
    assert!(m.contains("256"), "{m}");
    // Missing altogether is a ValidationException too ("must not be null").
    let m = expect_err(
        &mut s,
        "PutRecord",
        json!({"StreamName": "s", "Data": b64(b"x")}),
        "ValidationException",
    );
    assert!(m.contains("partitionKey"), "{m}");
    assert_eq!(records_in(&s, "s"), 0, "rejected records are not stored");

    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        put_req(&"k".repeat(256), b"x"),
    );
    ok(&mut s, "kinesis", "PutRecord", put_req("k", b"x"));
    // The limit is in Unicode characters, not bytes: 256 two-byte characters are fine, 257 not.
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        put_req(&"é".repeat(256), b"x"),
    );
    expect_err(
        &mut s,
        "PutRecord",
        put_req(&"é".repeat(257), b"x"),
        "ValidationException",
    );
    assert_eq!(records_in(&s, "s"), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_stream_is_resource_not_found() {
    let mut s = session_with_stream(2, "s", 1);
    let req = json!({"StreamName": "nope", "PartitionKey": "a", "Data": b64(b"x")});
    let m = expect_err(&mut s, "PutRecord", req, "ResourceNotFoundException");
    assert!(m.contains("nope"), "{m}");
    for action in [
        "DescribeStream",
        "DescribeStreamSummary",
        "ListShards",
        "DeleteStream",
    ] {
        expect_err(
            &mut s,
            action,
            json!({"StreamName": "nope"}),
            "ResourceNotFoundException",
        );
    }
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/nope";
    expect_err(
        &mut s,
        "DescribeStreamSummary",
        json!({"StreamARN": arn}),
        "ResourceNotFoundException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_explicit_hash_keys_are_invalid_argument() {
    let mut s = session_with_stream(3, "s", 2);
    for bad in [
        "340282366920938463463374607431768211456",
        "-1",
        "01",
        "abc",
        "",
        "1e3",
    ] {
        let req = json!({"StreamName": "s", "PartitionKey": "a", "Data": b64(b"x"),
                         "ExplicitHashKey": bad});
        let m = expect_err(&mut s, "PutRecord", req, "InvalidArgumentException");
        assert!(m.contains("ExplicitHashKey"), "{m}");
    }
    for good in ["0", "340282366920938463463374607431768211455"] {
        let req = json!({"StreamName": "s", "PartitionKey": "a", "Data": b64(b"x"),
                         "ExplicitHashKey": good});
        ok(&mut s, "kinesis", "PutRecord", req);
    }
    // A number instead of a decimal string is a type error.
    let req =
        json!({"StreamName": "s", "PartitionKey": "a", "Data": b64(b"x"), "ExplicitHashKey": 5});
    expect_err(&mut s, "PutRecord", req, "SerializationException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn record_size_limit_counts_data_plus_key() {
    let mut s = session_with_stream(4, "s", 1);
    const MIB: usize = 1_048_576;
    // Exactly 1 MiB including the 3-byte key: accepted.
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        put_req("key", &vec![7u8; MIB - 3]),
    );
    // One byte more, by data or by key: rejected (validation comes before any throttling).
    let m = expect_err(
        &mut s,
        "PutRecord",
        put_req("key", &vec![7u8; MIB - 2]),
        "ValidationException",
    );
    assert!(m.contains("1048576"), "{m}");
    expect_err(
        &mut s,
        "PutRecord",
        put_req("keyy", &vec![7u8; MIB - 3]),
        "ValidationException",
    );
    // Data alone of exactly 1 MiB plus any key is over.
    expect_err(
        &mut s,
        "PutRecord",
        put_req("k", &vec![0u8; MIB]),
        "ValidationException",
    );
    // Let the shard's 1 MiB/s write bucket refill before the next full-size record (§1.5).
    advance_by(&mut s, 1_000);
    // The key counts in UTF-8 bytes: "é" is 2 bytes.
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        put_req("é", &vec![1u8; MIB - 2]),
    );
    expect_err(
        &mut s,
        "PutRecord",
        put_req("é", &vec![1u8; MIB - 1]),
        "ValidationException",
    );
    advance_by(&mut s, 1_000);
    // Empty data is fine.
    ok(&mut s, "kinesis", "PutRecord", put_req("k", b""));
    assert_eq!(records_in(&s, "s"), 3);
    let bytes = s.world().kinesis.stream("s").unwrap().shards()[0].retained_bytes();
    assert_eq!(bytes, (MIB + MIB + 1) as u64);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn record_size_limit_follows_max_record_size() {
    let mut s = session(5);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "big", "ShardCount": 1, "MaxRecordSizeInKiB": 2048}),
    );
    s.advance_to(2_000);
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": "big", "PartitionKey": "k",
        "Data": b64(&vec![0u8; 2 * 1_048_576 - 1])}),
    );
    expect_err(
        &mut s,
        "PutRecord",
        json!({"StreamName": "big", "PartitionKey": "k",
        "Data": b64(&vec![0u8; 2 * 1_048_576])}),
        "ValidationException",
    );
    for bad in [1023, 10_241] {
        let req = json!({"StreamName": "x", "ShardCount": 1, "MaxRecordSizeInKiB": bad});
        expect_err(&mut s, "CreateStream", req, "ValidationException");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn malformed_base64_is_serialization_exception() {
    let mut s = session_with_stream(6, "s", 1);
    for bad in ["not base64!", "aGVsbG8", "a", "@@@@", "aGVsbG8=\n"] {
        let req = json!({"StreamName": "s", "PartitionKey": "k", "Data": bad});
        expect_err(&mut s, "PutRecord", req, "SerializationException");
    }
    let ok_req = json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGVsbG8="});
    ok(&mut s, "kinesis", "PutRecord", ok_req);
    let rec = &s.world().kinesis.stream("s").unwrap().shards()[0].records()[0];
    assert_eq!(&*rec.data, b"hello");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_json_types_are_serialization_exception() {
    let mut s = session_with_stream(7, "s", 1);
    let cases = [
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": 5, "Data": b64(b"x")}),
        ),
        (
            "PutRecord",
            json!({"StreamName": "s", "PartitionKey": "k", "Data": [1, 2, 3]}),
        ),
        (
            "PutRecord",
            json!({"StreamName": 1, "PartitionKey": "k", "Data": b64(b"x")}),
        ),
        (
            "PutRecord",
            json!({"StreamName": ["s"], "PartitionKey": "k", "Data": b64(b"x")}),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "ShardCount": "4"}),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "ShardCount": 1.5}),
        ),
        (
            "CreateStream",
            json!({"StreamName": "t", "StreamModeDetails": "ON_DEMAND"}),
        ),
        ("ListShards", json!({"StreamName": "s", "MaxResults": "3"})),
        (
            "ListShards",
            json!({"StreamName": "s", "ShardFilter": "AT_LATEST"}),
        ),
        ("DescribeStream", json!({"StreamName": "s", "Limit": true})),
        ("ListStreams", json!({"Limit": "10"})),
    ];
    for (action, req) in cases {
        expect_err(&mut s, action, req, "SerializationException");
    }
    // A body that is not a JSON object.
    for body in [json!([1]), json!("s"), json!(3), json!(true)] {
        expect_err(&mut s, "PutRecord", body, "SerializationException");
    }
    assert_eq!(records_in(&s, "s"), 0);
    assert!(s.world().kinesis.stream("t").is_none());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn stream_name_pattern_and_length() {
    let mut s = session(8);
    for bad in [
        "",
        "has space",
        "slash/name",
        "colon:name",
        "star*",
        "ümlaut",
    ] {
        let req = json!({"StreamName": bad, "ShardCount": 1});
        let m = expect_err(&mut s, "CreateStream", req, "ValidationException");
        assert!(m.contains("streamName"), "{m}");
    }
    let long = "n".repeat(129);
    let m = expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": long, "ShardCount": 1}),
        "ValidationException",
    );
    assert!(m.contains("128"), "{m}");
    for good in ["a", "A-Z_a.z-0.9", &"n".repeat(128)] {
        ok(
            &mut s,
            "kinesis",
            "CreateStream",
            json!({"StreamName": good, "ShardCount": 1}),
        );
    }
    // Names are validated on every action that takes one.
    expect_err(
        &mut s,
        "DescribeStream",
        json!({"StreamName": "bad name"}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "PutRecord",
        json!({"StreamName": "bad name", "PartitionKey": "k",
        "Data": b64(b"x")}),
        "ValidationException",
    );
    // Missing StreamName on CreateStream.
    expect_err(
        &mut s,
        "CreateStream",
        json!({"ShardCount": 1}),
        "ValidationException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn create_stream_argument_errors() {
    let mut s = session(9);
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "z", "ShardCount": 0}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "z", "ShardCount": -1}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "z", "ShardCount": 1, "StreamModeDetails": {"StreamMode": "FAST"}}),
        "ValidationException",
    );
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "z", "ShardCount": 2, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
        "InvalidArgumentException",
    );
    // Unknown member (a typo) is refused.
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamNmae": "z", "ShardCount": 1}),
        "ValidationException",
    );
    assert!(s.world().kinesis.streams().is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn create_stream_duplicate_is_resource_in_use() {
    let mut s = session(10);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "dup", "ShardCount": 1}),
    );
    // While CREATING …
    let m = expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "dup", "ShardCount": 3}),
        "ResourceInUseException",
    );
    assert!(m.contains("dup"), "{m}");
    // … and when ACTIVE.
    s.advance_to(10_000);
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "dup", "ShardCount": 1}),
        "ResourceInUseException",
    );
    assert_eq!(
        s.world().kinesis.stream("dup").unwrap().shards().len(),
        1,
        "the original stays"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn at_most_five_streams_creating() {
    let mut s = session(11);
    for i in 0..5 {
        ok(
            &mut s,
            "kinesis",
            "CreateStream",
            json!({"StreamName": format!("c{i}"), "ShardCount": 1}),
        );
    }
    expect_err(
        &mut s,
        "CreateStream",
        json!({"StreamName": "c5", "ShardCount": 1}),
        "LimitExceededException",
    );
    s.advance_to(2_000);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "c5", "ShardCount": 1}),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn put_record_while_creating_and_deleting() {
    let mut s = session(12);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1}),
    );
    let m = expect_err(
        &mut s,
        "PutRecord",
        put_req("k", b"x"),
        "ResourceNotFoundException",
    );
    assert!(m.contains("CREATING"), "{m}");
    s.advance_to(1_000);
    expect_err(
        &mut s,
        "PutRecord",
        put_req("k", b"x"),
        "ResourceNotFoundException",
    );
    assert_eq!(records_in(&s, "s"), 0);
    s.advance_to(2_000);
    ok(&mut s, "kinesis", "PutRecord", put_req("k", b"x"));
    ok(
        &mut s,
        "kinesis",
        "DeleteStream",
        json!({"StreamName": "s"}),
    );
    let d = ok(
        &mut s,
        "kinesis",
        "DescribeStreamSummary",
        json!({"StreamName": "s"}),
    );
    assert_eq!(d["StreamDescriptionSummary"]["StreamStatus"], "DELETING");
    expect_err(
        &mut s,
        "DeleteStream",
        json!({"StreamName": "s"}),
        "ResourceInUseException",
    );
    s.advance_to(4_000);
    expect_err(
        &mut s,
        "DescribeStreamSummary",
        json!({"StreamName": "s"}),
        "ResourceNotFoundException",
    );
    expect_err(
        &mut s,
        "PutRecord",
        put_req("k", b"x"),
        "ResourceNotFoundException",
    );
    // The name is free again.
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1}),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_action_and_service_are_unknown_operation() {
    let mut s = session(13);
    let e = err(&mut s, "kinesis", "PutRecordz", json!({}));
    assert_eq!(e.kind.as_str(), "UnknownOperationException");
    assert!(e.message.contains("PutRecordz"));
    let e = err(&mut s, "kinesis", "", json!({}));
    assert_eq!(e.kind.as_str(), "UnknownOperationException");
    let e = err(&mut s, "dynamodb", "PutItem", json!({}));
    assert_eq!(e.kind.as_str(), "UnknownOperationException");
    assert!(e.message.contains("dynamodb"));
    let e = err(&mut s, "playground", "Explode", json!({}));
    assert_eq!(e.kind.as_str(), "UnknownOperationException");
    // Action names are case-sensitive, as in AWS.
    let e = err(&mut s, "kinesis", "putrecord", json!({}));
    assert_eq!(e.kind.as_str(), "UnknownOperationException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn error_json_shape() {
    let mut s = session(14);
    let e = err(
        &mut s,
        "kinesis",
        "DescribeStream",
        json!({"StreamName": "nope"}),
    );
    let v = e.to_json();
    assert_eq!(v["type"], "ResourceNotFoundException");
    assert!(v["message"].as_str().unwrap().contains("nope"));
    assert_eq!(v.as_object().unwrap().len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn playground_producer_errors() {
    let mut s = session_with_stream(15, "s", 1);
    let e = err(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "nope"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    let e = err(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "s", "RecordsPerSecond": 0}),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let e = err(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "s", "RecordsPerSecond": "fast"}),
    );
    assert_eq!(e.kind.as_str(), "SerializationException");
    let e = err(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "ghost"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
}
