//! Enhanced fan-out: RegisterStreamConsumer, DeregisterStreamConsumer, DescribeStreamConsumer,
//! ListStreamConsumers, SubscribeToShard pushed on virtual time, and
//! `playground.ReadSubscriptionEvents` — every action, limit and error through the one dispatcher
//! (semantics.md §1.1, §1.11, §1.13, §1.14, §1.16).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{advance_by, b64, create_active, dec_cmp, err, ok, put, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::kinesis::consumer::{
    CONSUMER_CREATE_DELAY_MS, CONSUMER_DELETE_DELAY_MS, EFO_HEARTBEAT_MS, EFO_PROPAGATION_MS,
    EFO_TICK_MS, EVENT_BUFFER_CAPACITY, SUBSCRIPTION_TTL_MS,
};
use kinesis_playground::engine::kinesis::limits::{RESHARD_DELAY_MS, STREAM_DELETE_DELAY_MS};
use kinesis_playground::engine::time::DEFAULT_EPOCH_UNIX_MS;
use serde_json::{json, Value};

const STREAM_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/";
const MIB: u64 = 1_048_576;

// ---------------------------------------------------------------------------------------------
// Helpers: everything goes through `Session::call`, as the UI and the CLI do.

fn stream_arn(name: &str) -> String {
    format!("{STREAM_ARN}{name}")
}

fn kinesis(s: &mut Session, action: &str, req: Value) -> Value {
    ok(s, "kinesis", action, req)
}

/// Expects an error of AWS type `kind`; returns its message.
fn fails(s: &mut Session, service: &str, action: &str, req: Value, kind: &str) -> String {
    let e = err(s, service, action, req);
    assert_eq!(e.kind.as_str(), kind, "{action}: {e}");
    e.message
}

fn kfails(s: &mut Session, action: &str, req: Value, kind: &str) -> String {
    fails(s, "kinesis", action, req, kind)
}

fn register(s: &mut Session, stream: &str, name: &str) -> String {
    let out = kinesis(
        s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn(stream), "ConsumerName": name}),
    );
    out["Consumer"]["ConsumerARN"]
        .as_str()
        .expect("ConsumerARN")
        .to_string()
}

/// Registers a consumer and advances until it is ACTIVE.
fn register_active(s: &mut Session, stream: &str, name: &str) -> String {
    let arn = register(s, stream, name);
    advance_by(s, CONSUMER_CREATE_DELAY_MS);
    assert_eq!(status(s, &arn), "ACTIVE");
    arn
}

fn status(s: &mut Session, arn: &str) -> String {
    let d = kinesis(s, "DescribeStreamConsumer", json!({"ConsumerARN": arn}));
    d["ConsumerDescription"]["ConsumerStatus"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn subscribe(s: &mut Session, arn: &str, shard: &str, position: Value) -> Value {
    kinesis(
        s,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": shard, "StartingPosition": position}),
    )
}

/// Drains every buffered event of `arn` on `shard`.
fn read(s: &mut Session, arn: &str, shard: &str) -> Value {
    ok(
        s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": arn, "ShardId": shard}),
    )
}

fn events(s: &mut Session, arn: &str, shard: &str) -> Vec<Value> {
    read(s, arn, shard)["Events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn records_of(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .flat_map(|e| {
            e["SubscribeToShardEvent"]["Records"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

fn record_bytes(r: &Value) -> u64 {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD
        .decode(r["Data"].as_str().unwrap_or_default())
        .unwrap_or_default();
    (data.len() + r["PartitionKey"].as_str().unwrap_or_default().len()) as u64
}

fn seqs(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["SequenceNumber"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Virtual ms of an `ApproximateArrivalTimestamp` (epoch seconds with ms precision).
fn arrival_virtual_ms(r: &Value) -> u64 {
    let unix_ms =
        (r["ApproximateArrivalTimestamp"].as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
    unix_ms - DEFAULT_EPOCH_UNIX_MS
}

/// Every sequence number in a shard, read back with GetRecords.
fn all_seqs(s: &mut Session, stream: &str, shard: &str) -> Vec<String> {
    let it = kinesis(
        s,
        "GetShardIterator",
        json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let out = kinesis(
        s,
        "GetRecords",
        json!({"ShardIterator": it["ShardIterator"]}),
    );
    seqs(out["Records"].as_array().map_or(&[][..], Vec::as_slice))
}

/// One CloudWatch statistic (Sum or Maximum) of `metric` over the whole run.
fn metric(s: &mut Session, stream: &str, metric: &str, stat: &str) -> f64 {
    let end = (DEFAULT_EPOCH_UNIX_MS + s.world().now()) / 1000 + 1;
    let out = ok(
        s,
        "cloudwatch",
        "GetMetricStatistics",
        json!({
            "Namespace": "AWS/Kinesis", "MetricName": metric,
            "Dimensions": [{"Name": "StreamName", "Value": stream}],
            "StartTime": DEFAULT_EPOCH_UNIX_MS / 1000, "EndTime": end,
            "Period": 60 * ((end - DEFAULT_EPOCH_UNIX_MS / 1000) / 60 + 1), "Statistics": [stat],
        }),
    );
    let points = out["Datapoints"].as_array().cloned().unwrap_or_default();
    if stat == "Maximum" {
        points
            .iter()
            .filter_map(|p| p[stat].as_f64())
            .fold(0.0, f64::max)
    } else {
        points.iter().filter_map(|p| p[stat].as_f64()).sum()
    }
}

fn summary(s: &mut Session, stream: &str) -> Value {
    kinesis(s, "DescribeStreamSummary", json!({"StreamName": stream}))["StreamDescriptionSummary"]
        .clone()
}

const SHARD0: &str = "shardId-000000000000";

// ---------------------------------------------------------------------------------------------
// Consumers: register, describe, list, deregister.

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn register_describe_deregister_lifecycle() {
    let mut s = session(1);
    create_active(&mut s, "orders", 2);
    advance_by(&mut s, 1_500); // now = 3.5 s: the ARN carries the creation second
    let out = kinesis(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "billing-app"}),
    );
    let c = &out["Consumer"];
    let created_s = (DEFAULT_EPOCH_UNIX_MS + 3_500) / 1000;
    let arn = format!("{STREAM_ARN}orders/consumer/billing-app:{created_s}");
    assert_eq!(c["ConsumerARN"], arn.as_str(), "§1.1 consumer ARN");
    assert_eq!(c["ConsumerName"], "billing-app");
    assert_eq!(c["ConsumerStatus"], "CREATING");
    assert_eq!(
        c["ConsumerCreationTimestamp"].as_f64(),
        Some((DEFAULT_EPOCH_UNIX_MS + 3_500) as f64 / 1000.0)
    );

    // By ARN and by StreamARN + ConsumerName.
    let by_arn = kinesis(
        &mut s,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": arn}),
    );
    let by_name = kinesis(
        &mut s,
        "DescribeStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "billing-app"}),
    );
    assert_eq!(by_arn, by_name);
    let d = &by_arn["ConsumerDescription"];
    assert_eq!(d["StreamARN"], stream_arn("orders").as_str());
    assert_eq!(d["ConsumerStatus"], "CREATING");

    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS - 1);
    assert_eq!(status(&mut s, &arn), "CREATING");
    advance_by(&mut s, 1);
    assert_eq!(status(&mut s, &arn), "ACTIVE");

    let list = kinesis(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("orders")}),
    );
    assert_eq!(list["Consumers"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["Consumers"][0]["ConsumerARN"], arn.as_str());
    assert_eq!(list["Consumers"][0]["ConsumerStatus"], "ACTIVE");
    assert!(list.get("NextToken").is_none());

    assert_eq!(
        kinesis(
            &mut s,
            "DeregisterStreamConsumer",
            json!({"ConsumerARN": arn})
        ),
        json!({})
    );
    assert_eq!(status(&mut s, &arn), "DELETING");
    // Deregistering a DELETING consumer changes nothing.
    kinesis(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "billing-app"}),
    );
    advance_by(&mut s, CONSUMER_DELETE_DELAY_MS);
    kfails(
        &mut s,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": arn}),
        "ResourceNotFoundException",
    );
    kfails(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"ConsumerARN": arn}),
        "ResourceNotFoundException",
    );

    // Registering the name again gives a new ARN (§1.1: the creation second is embedded).
    let again = register(&mut s, "orders", "billing-app");
    assert_ne!(again, arn);
    assert!(again.starts_with(&format!("{STREAM_ARN}orders/consumer/billing-app:")));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn consumer_count_and_delete_stream_enforce_consumer_deletion() {
    let mut s = session(2);
    create_active(&mut s, "orders", 1);
    assert_eq!(summary(&mut s, "orders")["ConsumerCount"], 0);
    let a = register_active(&mut s, "orders", "a");
    register(&mut s, "orders", "b");
    assert_eq!(
        summary(&mut s, "orders")["ConsumerCount"],
        2,
        "CREATING consumers count too"
    );
    subscribe(&mut s, &a, SHARD0, json!({"Type": "LATEST"}));

    // §1.11: registered consumers block DeleteStream unless EnforceConsumerDeletion=true.
    let m = kfails(
        &mut s,
        "DeleteStream",
        json!({"StreamName": "orders"}),
        "ResourceInUseException",
    );
    assert!(m.contains("EnforceConsumerDeletion"), "{m}");
    kfails(
        &mut s,
        "DeleteStream",
        json!({"StreamName": "orders", "EnforceConsumerDeletion": false}),
        "ResourceInUseException",
    );
    kinesis(
        &mut s,
        "DeleteStream",
        json!({"StreamName": "orders", "EnforceConsumerDeletion": true}),
    );
    assert_eq!(status(&mut s, &a), "DELETING");
    let sub = read(&mut s, &a, SHARD0)["Subscription"].clone();
    assert_eq!(sub["Status"], "ENDED");
    assert_eq!(sub["EndReason"], "STREAM_DELETING");

    advance_by(&mut s, STREAM_DELETE_DELAY_MS);
    kfails(
        &mut s,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": a}),
        "ResourceNotFoundException",
    );
    create_active(&mut s, "orders", 1);
    assert_eq!(
        summary(&mut s, "orders")["ConsumerCount"],
        0,
        "consumers went with the old stream"
    );
    kinesis(&mut s, "DeleteStream", json!({"StreamName": "orders"}));

    // A deregistered (DELETING) consumer no longer blocks the delete.
    create_active(&mut s, "clicks", 1);
    let c = register_active(&mut s, "clicks", "c");
    kinesis(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"ConsumerARN": c}),
    );
    kinesis(&mut s, "DeleteStream", json!({"StreamName": "clicks"}));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn duplicate_name_creating_limit_and_per_stream_limit() {
    let mut s = session(3);
    create_active(&mut s, "orders", 1);
    create_active(&mut s, "clicks", 1);
    register(&mut s, "orders", "dup");
    advance_by(&mut s, 1_000);
    let m = kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "dup"}),
        "ResourceInUseException",
    );
    assert!(m.contains("already exists"), "{m}");
    // The same name on another stream is another consumer.
    register(&mut s, "clicks", "dup");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);

    // §1.13: at most 5 CREATING at once (6th → LimitExceededException).
    for i in 0..5 {
        register(&mut s, "orders", &format!("c{i}"));
    }
    advance_by(&mut s, 1_000);
    let m = kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("clicks"), "ConsumerName": "sixth"}),
        "LimitExceededException",
    );
    assert!(m.contains("CREATING"), "{m}");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    register(&mut s, "clicks", "sixth");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);

    // §1.13: at most 20 registered per stream. `orders` has dup + c0..c4 = 6.
    let mut n = 6;
    while n < 20 {
        for _ in 0..5.min(20 - n) {
            register(&mut s, "orders", &format!("c{n}"));
            n += 1;
        }
        advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    }
    assert_eq!(summary(&mut s, "orders")["ConsumerCount"], 20);
    let m = kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "c20"}),
        "LimitExceededException",
    );
    assert!(m.contains("20"), "{m}");
    // DELETING consumers still count until they are gone.
    kinesis(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "c0"}),
    );
    advance_by(&mut s, 1_000);
    kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("orders"), "ConsumerName": "c20"}),
        "LimitExceededException",
    );
    advance_by(&mut s, CONSUMER_DELETE_DELAY_MS);
    register(&mut s, "orders", "c20");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn control_plane_rates() {
    let mut s = session(4);
    for i in 0..6 {
        create_active(&mut s, &format!("s{i}"), 1);
    }
    // §1.16: Register/DeregisterStreamConsumer 5 TPS per account.
    for i in 0..5 {
        register(&mut s, &format!("s{i}"), "app");
    }
    let m = kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("s5"), "ConsumerName": "app"}),
        "LimitExceededException",
    );
    assert!(m.contains("Rate exceeded"), "{m}");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    // DescribeStreamConsumer: 20 TPS.
    for _ in 0..20 {
        kinesis(
            &mut s,
            "DescribeStreamConsumer",
            json!({"StreamARN": stream_arn("s0"), "ConsumerName": "app"}),
        );
    }
    kfails(
        &mut s,
        "DescribeStreamConsumer",
        json!({"StreamARN": stream_arn("s0"), "ConsumerName": "app"}),
        "LimitExceededException",
    );
    // ListStreamConsumers: 5 TPS.
    for _ in 0..5 {
        kinesis(
            &mut s,
            "ListStreamConsumers",
            json!({"StreamARN": stream_arn("s0")}),
        );
    }
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("s0")}),
        "LimitExceededException",
    );
    for i in 0..5 {
        kinesis(
            &mut s,
            "DeregisterStreamConsumer",
            json!({"StreamARN": stream_arn(&format!("s{i}")), "ConsumerName": "app"}),
        );
    }
    kfails(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"StreamARN": stream_arn("s0"), "ConsumerName": "app"}),
        "LimitExceededException",
    );
    advance_by(&mut s, 1_000);
    kinesis(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("s0")}),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn validation_and_not_found_errors() {
    let mut s = session(5);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "young", "ShardCount": 1}),
    );
    // Registering with a CREATING stream.
    kfails(
        &mut s,
        "RegisterStreamConsumer",
        json!({"StreamARN": stream_arn("young"), "ConsumerName": "a"}),
        "ResourceInUseException",
    );
    advance_by(&mut s, 2_000);
    let arn = stream_arn("young");
    for (req, kind) in [
        (json!({"ConsumerName": "a"}), "ValidationException"),
        (json!({"StreamARN": arn}), "ValidationException"),
        (
            json!({"StreamARN": "arn:aws:s3:::bucket", "ConsumerName": "a"}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": "bad name"}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": "x".repeat(129)}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": ""}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": 7}),
            "SerializationException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": "a", "StreamName": "young"}),
            "ValidationException",
        ),
        (
            json!({"StreamARN": stream_arn("nope"), "ConsumerName": "a"}),
            "ResourceNotFoundException",
        ),
    ] {
        kfails(&mut s, "RegisterStreamConsumer", req, kind);
    }
    advance_by(&mut s, 1_000);
    for (req, kind) in [
        (json!({}), "InvalidArgumentException"),
        (json!({"StreamARN": arn}), "InvalidArgumentException"),
        (json!({"ConsumerName": "a"}), "InvalidArgumentException"),
        (
            json!({"ConsumerARN": "arn:aws:kinesis:us-east-1:123456789012:stream/young"}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": format!("{arn}/consumer/a:1")}),
            "ResourceNotFoundException",
        ),
        (
            json!({"StreamARN": arn, "ConsumerName": "a"}),
            "ResourceNotFoundException",
        ),
        (
            json!({"StreamARN": stream_arn("nope"), "ConsumerName": "a"}),
            "ResourceNotFoundException",
        ),
    ] {
        kfails(&mut s, "DescribeStreamConsumer", req.clone(), kind);
        kfails(&mut s, "DeregisterStreamConsumer", req, kind);
        advance_by(&mut s, 1_000);
    }
    // A ConsumerARN with a StreamARN of another stream.
    let c = register(&mut s, "young", "a");
    kfails(
        &mut s,
        "DescribeStreamConsumer",
        json!({"ConsumerARN": c, "StreamARN": stream_arn("other")}),
        "InvalidArgumentException",
    );
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({}),
        "ValidationException",
    );
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("nope")}),
        "ResourceNotFoundException",
    );
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": arn, "MaxResults": 0}),
        "ValidationException",
    );
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": arn, "MaxResults": 10_001}),
        "ValidationException",
    );
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": arn, "NextToken": "garbage"}),
        "InvalidArgumentException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn list_stream_consumers_pages() {
    let mut s = session(6);
    create_active(&mut s, "orders", 1);
    create_active(&mut s, "clicks", 1);
    let names = ["e", "a", "g", "c", "b", "f", "d"];
    for chunk in names.chunks(5) {
        for n in chunk {
            register(&mut s, "orders", n);
        }
        advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"StreamARN": stream_arn("orders"), "MaxResults": 3});
        if let Some(t) = &token {
            req["NextToken"] = json!(t);
        }
        let page = kinesis(&mut s, "ListStreamConsumers", req);
        let consumers = page["Consumers"].as_array().cloned().unwrap_or_default();
        assert!(consumers.len() <= 3);
        seen.extend(
            consumers
                .iter()
                .map(|c| c["ConsumerName"].as_str().unwrap_or_default().to_string()),
        );
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
        advance_by(&mut s, 300);
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e", "f", "g"]);

    let first = kinesis(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("orders"), "MaxResults": 2}),
    );
    let t = first["NextToken"].as_str().unwrap_or_default().to_string();
    advance_by(&mut s, 1_000);
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("clicks"), "NextToken": t}),
        "InvalidArgumentException",
    );
    advance_by(&mut s, 300_000);
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("orders"), "NextToken": t}),
        "ExpiredNextTokenException",
    );
    // StreamCreationTimestamp tells apart streams that had the same name.
    let created = summary(&mut s, "orders")["StreamCreationTimestamp"]
        .as_f64()
        .unwrap_or(0.0);
    let all = kinesis(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("orders"), "StreamCreationTimestamp": created}),
    );
    assert_eq!(all["Consumers"].as_array().map(Vec::len), Some(7));
    kfails(
        &mut s,
        "ListStreamConsumers",
        json!({"StreamARN": stream_arn("orders"), "StreamCreationTimestamp": created - 100.0}),
        "ResourceNotFoundException",
    );
}

// ---------------------------------------------------------------------------------------------
// SubscribeToShard.

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn subscribe_to_shard_errors() {
    let mut s = session(7);
    create_active(&mut s, "orders", 2);
    let creating = register(&mut s, "orders", "young");
    let m = kfails(
        &mut s,
        "SubscribeToShard",
        json!({"ConsumerARN": creating, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
        "ResourceInUseException",
    );
    assert!(m.contains("CREATING"), "{m}");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    let arn = creating;
    let seq_of_shard1 = {
        let out = kinesis(
            &mut s,
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "k", "Data": b64(b"x"),
                   "ExplicitHashKey": "340282366920938463463374607431768211455"}),
        );
        assert_eq!(out["ShardId"], "shardId-000000000001");
        out["SequenceNumber"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let future = (DEFAULT_EPOCH_UNIX_MS + s.world().now()) as f64 / 1000.0 + 60.0;
    for (req, kind) in [
        (
            json!({"ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "StartingPosition": {"Type": "LATEST"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "OLDEST"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": "LATEST"}),
            "SerializationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST", "Extra": 1}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": "not-an-arn", "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": "bad id!", "StartingPosition": {"Type": "LATEST"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER"}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AFTER_SEQUENCE_NUMBER"}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST", "SequenceNumber": "1"}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_TIMESTAMP"}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "TRIM_HORIZON", "Timestamp": 1.0}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_TIMESTAMP", "Timestamp": future}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": "012"}}),
            "ValidationException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": "12345"}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": seq_of_shard1}}),
            "InvalidArgumentException",
        ),
        (
            json!({"ConsumerARN": arn, "ShardId": "shardId-000000000009", "StartingPosition": {"Type": "LATEST"}}),
            "ResourceNotFoundException",
        ),
        (
            json!({"ConsumerARN": format!("{STREAM_ARN}orders/consumer/ghost:1"), "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
            "ResourceNotFoundException",
        ),
    ] {
        kfails(&mut s, "SubscribeToShard", req, kind);
    }
    // None of the refused calls counted as a subscription; the first real one succeeds.
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    fails(
        &mut s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": arn, "ShardId": "shardId-000000000001"}),
        "ResourceNotFoundException",
    );
    fails(
        &mut s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ShardId": SHARD0}),
        "ValidationException",
    );
    fails(
        &mut s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "MaxEvents": 0}),
        "ValidationException",
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn subscription_response_initial_event_and_heartbeats() {
    let mut s = session(8);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    let t0 = s.world().now();
    let out = subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    let sub = &out["Subscription"];
    assert_eq!(sub["ConsumerARN"], arn.as_str());
    assert_eq!(sub["ShardId"], SHARD0);
    assert!(sub["SubscriptionId"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    assert_eq!(
        sub["ExpiresAt"].as_f64(),
        Some((DEFAULT_EPOCH_UNIX_MS + t0 + SUBSCRIPTION_TTL_MS) as f64 / 1000.0),
        "§1.13: a subscription lives 5 minutes"
    );
    // Nothing is pushed before virtual time moves.
    assert_eq!(events(&mut s, &arn, SHARD0).len(), 0);

    // Idle for 20 s: the initial event, then one every 5 s (§1.13), continuation advancing.
    advance_by(&mut s, 20_000);
    let evs = events(&mut s, &arn, SHARD0);
    let times: Vec<u64> = evs
        .iter()
        .map(|e| e["DeliveredAtMs"].as_u64().unwrap_or(0))
        .collect();
    let expected: Vec<u64> = (0..=4).map(|k| t0 + k * EFO_HEARTBEAT_MS).collect();
    assert_eq!(times, expected);
    let conts: Vec<String> = evs
        .iter()
        .map(|e| {
            e["SubscribeToShardEvent"]["ContinuationSequenceNumber"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    for w in conts.windows(2) {
        assert_eq!(
            dec_cmp(&w[0], &w[1]),
            std::cmp::Ordering::Less,
            "continuation advances without data"
        );
    }
    for e in &evs {
        assert_eq!(e["SubscribeToShardEvent"]["Records"], json!([]));
        assert_eq!(e["SubscribeToShardEvent"]["MillisBehindLatest"], 0);
        assert!(e["SubscribeToShardEvent"].get("ChildShards").is_none());
    }
    // The subscription view the UI draws.
    let list = ok(
        &mut s,
        "playground",
        "ListSubscriptions",
        json!({"StreamName": "orders"}),
    );
    let v = &list["Subscriptions"][0];
    assert_eq!(v["ConsumerName"], "app");
    assert_eq!(v["Status"], "ACTIVE");
    assert_eq!(v["EventsDelivered"], 5);
    assert_eq!(v["LastEventAtMs"], t0 + 20_000);
    let views = s.world().kinesis.efo.subscription_views();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].events_delivered, 5);
    assert!(views[0].active);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_record_reaches_the_subscription_70ms_after_it_arrived() {
    let mut s = session(9);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    advance_by(&mut s, 1_234);
    events(&mut s, &arn, SHARD0); // drop the initial event
    let t = s.world().now();
    let put_out = put(&mut s, "orders", "user-1", b"hello efo");
    s.advance_to(t + EFO_PROPAGATION_MS - 1);
    assert!(
        records_of(&events(&mut s, &arn, SHARD0)).is_empty(),
        "not visible before 70 ms"
    );
    s.advance_to(t + EFO_PROPAGATION_MS);
    let evs = events(&mut s, &arn, SHARD0);
    assert_eq!(evs.len(), 1);
    assert_eq!(
        evs[0]["DeliveredAtMs"],
        t + EFO_PROPAGATION_MS,
        "§1.13: ~70 ms propagation"
    );
    let recs = records_of(&evs);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["SequenceNumber"], put_out["SequenceNumber"]);
    assert_eq!(recs[0]["Data"], b64(b"hello efo").as_str());
    assert_eq!(recs[0]["PartitionKey"], "user-1");
    assert_eq!(arrival_virtual_ms(&recs[0]), t);
    let e = &evs[0]["SubscribeToShardEvent"];
    assert_eq!(e["ContinuationSequenceNumber"], put_out["SequenceNumber"]);
    assert_eq!(e["MillisBehindLatest"], 0);

    // A burst is batched: deliveries at least 50 ms apart while data flows.
    let t1 = s.world().now() + 1_000;
    s.advance_to(t1);
    events(&mut s, &arn, SHARD0);
    for i in 0..10u64 {
        s.advance_to(t1 + i * 10);
        put(&mut s, "orders", "k", format!("r{i}").as_bytes());
    }
    advance_by(&mut s, 500);
    let evs = events(&mut s, &arn, SHARD0);
    let with_data: Vec<&Value> = evs
        .iter()
        .filter(|e| {
            e["SubscribeToShardEvent"]["Records"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .collect();
    for w in with_data.windows(2) {
        let gap = w[1]["DeliveredAtMs"].as_u64().unwrap_or(0)
            - w[0]["DeliveredAtMs"].as_u64().unwrap_or(0);
        assert!(gap >= EFO_TICK_MS, "deliveries {gap} ms apart");
    }
    let recs = records_of(&evs);
    assert_eq!(recs.len(), 10);
    for (r, e) in recs.iter().zip(evs.iter().flat_map(|e| {
        let n = e["SubscribeToShardEvent"]["Records"]
            .as_array()
            .map_or(0, Vec::len);
        std::iter::repeat_n(e["DeliveredAtMs"].as_u64().unwrap_or(0), n)
    })) {
        let lag = e - arrival_virtual_ms(r);
        assert!(
            (EFO_PROPAGATION_MS..=EFO_PROPAGATION_MS + EFO_TICK_MS).contains(&lag),
            "lag {lag} ms"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn one_call_per_second_and_the_five_second_rule() {
    let mut s = session(10);
    create_active(&mut s, "orders", 2);
    let arn = register_active(&mut s, "orders", "app");
    let t = s.world().now();
    let first = subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    // Another shard is another subscription.
    subscribe(
        &mut s,
        &arn,
        "shardId-000000000001",
        json!({"Type": "LATEST"}),
    );
    s.advance_to(t + 500);
    let m = kfails(
        &mut s,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
        "LimitExceededException",
    );
    assert!(m.contains("per second"), "{m}");
    s.advance_to(t + 2_000);
    let m = kfails(
        &mut s,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
        "ResourceInUseException",
    );
    assert!(m.contains("5 s"), "{m}");
    s.advance_to(t + 3_999);
    kfails(
        &mut s,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
        "ResourceInUseException",
    );
    s.advance_to(t + 5_000);
    let second = subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    assert_ne!(
        first["Subscription"]["SubscriptionId"],
        second["Subscription"]["SubscriptionId"]
    );
    // The old subscription ended; only the new one pushes from now on.
    advance_by(&mut s, 12_000);
    let evs = events(&mut s, &arn, SHARD0);
    let old_id = first["Subscription"]["SubscriptionId"].clone();
    let new_id = second["Subscription"]["SubscriptionId"].clone();
    assert!(evs
        .iter()
        .filter(|e| e["SubscriptionId"] == old_id)
        .all(|e| e["DeliveredAtMs"].as_u64() <= Some(t + 5_000)));
    assert_eq!(
        evs.iter().filter(|e| e["SubscriptionId"] == new_id).count(),
        3,
        "at +0, +5 s, +10 s"
    );
    let view = read(&mut s, &arn, SHARD0)["Subscription"].clone();
    assert_eq!(view["SubscriptionId"], new_id);
    // §1.14: SubscribeToShard.Success and .RateExceeded.
    assert_eq!(
        metric(&mut s, "orders", "SubscribeToShard.Success", "Sum"),
        3.0
    );
    assert_eq!(
        metric(&mut s, "orders", "SubscribeToShard.RateExceeded", "Sum"),
        3.0
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn subscription_ends_after_five_minutes_and_renews_without_gaps() {
    let mut s = session(11);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    let t0 = s.world().now();
    for i in 0..5 {
        put(&mut s, "orders", "k", format!("before {i}").as_bytes());
    }
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "TRIM_HORIZON"}));
    // One record a second for 310 s.
    for i in 0..310u64 {
        s.advance_to(t0 + 500 + i * 1_000);
        put(&mut s, "orders", "k", format!("record {i}").as_bytes());
    }
    advance_by(&mut s, 1_000);
    let out = read(&mut s, &arn, SHARD0);
    assert_eq!(out["Subscription"]["Status"], "ENDED");
    assert_eq!(out["Subscription"]["EndReason"], "EXPIRED");
    let evs = out["Events"].as_array().cloned().unwrap_or_default();
    assert!(evs
        .iter()
        .all(|e| e["DeliveredAtMs"].as_u64() < Some(t0 + SUBSCRIPTION_TTL_MS)));
    let mut got = seqs(&records_of(&evs));
    let last = evs
        .last()
        .map(|e| e["SubscribeToShardEvent"]["ContinuationSequenceNumber"].clone())
        .unwrap_or_default();
    // Renew from the continuation (§1.13: resume with AFTER_SEQUENCE_NUMBER).
    subscribe(
        &mut s,
        &arn,
        SHARD0,
        json!({"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}),
    );
    advance_by(&mut s, 1_000);
    got.extend(seqs(&records_of(&events(&mut s, &arn, SHARD0))));
    let all = all_seqs(&mut s, "orders", SHARD0);
    assert_eq!(all.len(), 315);
    assert_eq!(
        got, all,
        "every record exactly once, in order, across the renewal"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_consumer_gets_its_own_2mib_per_second_and_getrecords_is_unaffected() {
    let mut s = session(12);
    create_active(&mut s, "orders", 1);
    let a = register(&mut s, "orders", "a");
    let b = register(&mut s, "orders", "b");
    advance_by(&mut s, CONSUMER_CREATE_DELAY_MS);
    subscribe(&mut s, &a, SHARD0, json!({"Type": "LATEST"}));
    subscribe(&mut s, &b, SHARD0, json!({"Type": "LATEST"}));
    let mut iterator = kinesis(
        &mut s,
        "GetShardIterator",
        json!({"StreamName": "orders", "ShardId": SHARD0, "ShardIteratorType": "LATEST"}),
    )["ShardIterator"]
        .clone();
    let t0 = s.world().now();
    // ~1 MB/s into the shard for 4 s: 10 records of 10,000 bytes every 100 ms.
    let blob = b64(&vec![7u8; 9_999]);
    let mut written = 0u64;
    let mut shared_read = 0u64;
    for step in 0..40u64 {
        s.advance_to(t0 + step * 100);
        let records: Vec<Value> = (0..10)
            .map(|_| json!({"Data": blob, "PartitionKey": "k"}))
            .collect();
        let out = kinesis(
            &mut s,
            "PutRecords",
            json!({"StreamName": "orders", "Records": records}),
        );
        assert_eq!(out["FailedRecordCount"], 0);
        written += 10 * 10_000;
        if step % 2 == 1 {
            // The shared-throughput reader: GetRecords every 200 ms, never throttled.
            let got = kinesis(&mut s, "GetRecords", json!({"ShardIterator": iterator}));
            shared_read += got["Records"]
                .as_array()
                .map_or(0, |r| r.iter().map(record_bytes).sum());
            iterator = got["NextShardIterator"].clone();
        }
    }
    advance_by(&mut s, 1_000);
    let got = kinesis(&mut s, "GetRecords", json!({"ShardIterator": iterator}));
    shared_read += got["Records"]
        .as_array()
        .map_or(0, |r| r.iter().map(record_bytes).sum());
    assert_eq!(shared_read, written, "the GetRecords reader got everything");
    for arn in [&a, &b] {
        let evs = events(&mut s, arn, SHARD0);
        let recs = records_of(&evs);
        assert_eq!(
            recs.iter().map(record_bytes).sum::<u64>(),
            written,
            "each consumer got everything"
        );
        // Never held back: each record within 70-120 ms and MillisBehindLatest 0.
        for e in &evs {
            let at = e["DeliveredAtMs"].as_u64().unwrap_or(0);
            assert_eq!(e["SubscribeToShardEvent"]["MillisBehindLatest"], 0);
            for r in e["SubscribeToShardEvent"]["Records"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let lag = at - arrival_virtual_ms(r);
                assert!(lag <= EFO_PROPAGATION_MS + EFO_TICK_MS, "lag {lag}");
            }
        }
    }
    // 2 × 1 MB/s pushed + 1 MB/s pulled = 3 MB/s out of a shard whose shared read limit is 2 MiB/s:
    // no GetRecords call was throttled because EFO does not draw on that budget (§1.13).
    assert_eq!(
        metric(&mut s, "orders", "ReadProvisionedThroughputExceeded", "Sum"),
        0.0
    );
    // §1.14: SubscribeToShardEvent.Records / .Bytes count both consumers.
    assert_eq!(
        metric(&mut s, "orders", "SubscribeToShardEvent.Bytes", "Sum"),
        (2 * written) as f64
    );
    assert_eq!(
        metric(&mut s, "orders", "SubscribeToShardEvent.Records", "Sum"),
        800.0
    );
    assert_eq!(
        metric(
            &mut s,
            "orders",
            "SubscribeToShardEvent.MillisBehindLatest",
            "Maximum"
        ),
        0.0
    );
    assert!(metric(&mut s, "orders", "SubscribeToShardEvent.Success", "Sum") >= 2.0 * 40.0);
    assert_eq!(
        metric(&mut s, "orders", "GetRecords.Bytes", "Sum"),
        written as f64
    );
    let usage = s
        .world()
        .kinesis
        .usage("orders")
        .copied()
        .unwrap_or_default();
    assert_eq!(usage.efo_bytes, 2 * written);
    assert!(usage.efo_consumer_shard_ms > 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_backlog_is_pushed_at_2mib_per_second() {
    let mut s = session(13);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    // 8 MiB backlog: 16 records of 512 KiB, within the 1 MiB/s write limit.
    let blob = b64(&vec![1u8; 512 * 1024 - 1]);
    for _ in 0..16 {
        kinesis(
            &mut s,
            "PutRecord",
            json!({"StreamName": "orders", "Data": blob, "PartitionKey": "k"}),
        );
        advance_by(&mut s, 500);
    }
    advance_by(&mut s, 1_000);
    let t = s.world().now();
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "TRIM_HORIZON"}));
    let delivered = |s: &mut Session| -> u64 {
        s.world()
            .kinesis
            .efo
            .subscription_views()
            .first()
            .map_or(0, |v| v.bytes_delivered)
    };
    s.advance_to(t);
    assert_eq!(
        delivered(&mut s),
        2 * MIB,
        "the first event empties the full 2 MiB bucket"
    );
    s.advance_to(t + 1_000);
    assert_eq!(delivered(&mut s), 4 * MIB, "then 2 MiB/s (§1.13)");
    s.advance_to(t + 2_900);
    assert!(delivered(&mut s) < 8 * MIB);
    s.advance_to(t + 3_000);
    assert_eq!(delivered(&mut s), 8 * MIB);
    let evs = events(&mut s, &arn, SHARD0);
    assert!(
        evs[0]["SubscribeToShardEvent"]["MillisBehindLatest"].as_u64() > Some(0),
        "behind while held back"
    );
    assert_eq!(
        evs.last()
            .map(|e| e["SubscribeToShardEvent"]["MillisBehindLatest"].clone()),
        Some(json!(0))
    );
    assert!(
        metric(
            &mut s,
            "orders",
            "SubscribeToShardEvent.MillisBehindLatest",
            "Maximum"
        ) > 0.0
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_closed_shard_ends_with_child_shards() {
    let mut s = session(14);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "TRIM_HORIZON"}));
    for i in 0..3 {
        put(&mut s, "orders", &format!("k{i}"), b"before split");
    }
    advance_by(&mut s, 1_000);
    let t_split = s.world().now();
    kinesis(
        &mut s,
        "SplitShard",
        json!({"StreamName": "orders", "ShardToSplit": SHARD0,
               "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    // During UPDATING the parent still takes writes (and pushes them).
    put(&mut s, "orders", "k3", b"during update");
    put(&mut s, "orders", "k4", b"during update");
    s.advance_to(t_split + RESHARD_DELAY_MS + EFO_PROPAGATION_MS - 1);
    let before = read(&mut s, &arn, SHARD0);
    assert_eq!(before["Subscription"]["Status"], "ACTIVE");
    let mut evs = before["Events"].as_array().cloned().unwrap_or_default();
    s.advance_to(t_split + RESHARD_DELAY_MS + EFO_PROPAGATION_MS);
    let out = read(&mut s, &arn, SHARD0);
    assert_eq!(out["Subscription"]["Status"], "ENDED");
    assert_eq!(out["Subscription"]["EndReason"], "SHARD_END");
    evs.extend(out["Events"].as_array().cloned().unwrap_or_default());
    let last = evs.last().cloned().unwrap_or_default();
    assert_eq!(
        last["DeliveredAtMs"],
        t_split + RESHARD_DELAY_MS + EFO_PROPAGATION_MS
    );
    let e = &last["SubscribeToShardEvent"];
    assert_eq!(
        e["ContinuationSequenceNumber"],
        Value::Null,
        "§1.13: null at shard end"
    );
    let children = e["ChildShards"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = children
        .iter()
        .filter_map(|c| c["ShardId"].as_str())
        .collect();
    assert_eq!(ids, ["shardId-000000000001", "shardId-000000000002"]);
    for c in &children {
        assert_eq!(c["ParentShards"], json!([SHARD0]));
    }
    assert_eq!(
        children[0]["HashKeyRange"]["EndingHashKey"],
        "170141183460469231731687303715884105727"
    );
    assert_eq!(
        children[1]["HashKeyRange"]["StartingHashKey"],
        "170141183460469231731687303715884105728"
    );
    assert_eq!(records_of(&evs).len(), 5);
    for e in &evs[..evs.len() - 1] {
        assert!(e["SubscribeToShardEvent"].get("ChildShards").is_none());
        assert!(e["SubscribeToShardEvent"]["ContinuationSequenceNumber"].is_string());
    }
    // No more events from the ended subscription; the children can be subscribed to.
    advance_by(&mut s, 20_000);
    assert!(events(&mut s, &arn, SHARD0).is_empty());
    subscribe(
        &mut s,
        &arn,
        "shardId-000000000001",
        json!({"Type": "TRIM_HORIZON"}),
    );
    // A closed shard can still be subscribed to: its records, then the end at once.
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "TRIM_HORIZON"}));
    advance_by(&mut s, 100);
    let again = read(&mut s, &arn, SHARD0);
    assert_eq!(
        records_of(again["Events"].as_array().map_or(&[][..], Vec::as_slice)).len(),
        5
    );
    assert_eq!(again["Subscription"]["EndReason"], "SHARD_END");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deregistering_ends_subscriptions() {
    let mut s = session(15);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    advance_by(&mut s, 1_000);
    kinesis(
        &mut s,
        "DeregisterStreamConsumer",
        json!({"ConsumerARN": arn}),
    );
    put(&mut s, "orders", "k", b"after");
    advance_by(&mut s, 1_000);
    let out = read(&mut s, &arn, SHARD0);
    assert_eq!(out["Subscription"]["EndReason"], "CONSUMER_DELETING");
    assert!(records_of(out["Events"].as_array().map_or(&[][..], Vec::as_slice)).is_empty());
    kfails(
        &mut s,
        "SubscribeToShard",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "StartingPosition": {"Type": "LATEST"}}),
        "ResourceInUseException",
    );
    advance_by(&mut s, CONSUMER_DELETE_DELAY_MS);
    fails(
        &mut s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": arn, "ShardId": SHARD0}),
        "ResourceNotFoundException",
    );
    assert!(s.world().kinesis.efo.subscription_views().is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_event_buffer_is_bounded_and_counts_drops() {
    let mut s = session(16);
    create_active(&mut s, "orders", 1);
    let arn = register_active(&mut s, "orders", "app");
    subscribe(&mut s, &arn, SHARD0, json!({"Type": "LATEST"}));
    // 10 records/s, each its own event: 2,500 events in 250 s.
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "orders", "RecordsPerSecond": 10}),
    );
    advance_by(&mut s, 250_000);
    let total = s.world().kinesis.efo.subscription_views()[0].events_delivered;
    assert!(total > EVENT_BUFFER_CAPACITY as u64 * 2);
    let first = ok(
        &mut s,
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": arn, "ShardId": SHARD0, "MaxEvents": 10}),
    );
    assert_eq!(first["Events"].as_array().map(Vec::len), Some(10));
    assert_eq!(first["DroppedEvents"], total - EVENT_BUFFER_CAPACITY as u64);
    assert_eq!(first["RemainingEvents"], EVENT_BUFFER_CAPACITY - 10);
    let rest = read(&mut s, &arn, SHARD0);
    assert_eq!(
        rest["Events"].as_array().map(Vec::len),
        Some(EVENT_BUFFER_CAPACITY - 10)
    );
    assert_eq!(rest["DroppedEvents"], 0, "counted once");
    assert_eq!(rest["RemainingEvents"], 0);
}

// ---------------------------------------------------------------------------------------------
// Determinism.

/// A busy world: 4 shards, a producer, 3 consumers on every shard, reads, a split, a renewal.
fn scenario(steps: u64) -> Session {
    let mut s = session(42);
    create_active(&mut s, "orders", 4);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "p", "StreamName": "orders", "RecordsPerSecond": 300,
               "KeyDistribution": {"Type": "HOT_KEY", "KeyCount": 50}}),
    );
    let arns: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| register(&mut s, "orders", n))
        .collect();
    let step_to = |s: &mut Session, t: u64| {
        // Advance in `steps` slices: the result must not depend on how time is advanced.
        let from = s.world().now();
        for k in 1..=steps {
            s.advance_to(from + (t - from) * k / steps);
        }
    };
    step_to(&mut s, 10_000);
    for arn in &arns {
        for shard in 0..4 {
            subscribe(
                &mut s,
                arn,
                &format!("shardId-00000000000{shard}"),
                json!({"Type": "TRIM_HORIZON"}),
            );
        }
    }
    step_to(&mut s, 20_000);
    events(&mut s, &arns[0], SHARD0);
    kinesis(
        &mut s,
        "SplitShard",
        json!({"StreamName": "orders", "ShardToSplit": "shardId-000000000001",
               "NewStartingHashKey": "127605887595351923798765477786913079296"}),
    );
    step_to(&mut s, 40_000);
    subscribe(&mut s, &arns[1], SHARD0, json!({"Type": "LATEST"}));
    step_to(&mut s, 60_000);
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_digest_with_subscriptions_running() {
    let a = scenario(1);
    let b = scenario(1);
    assert_eq!(world_digest(a.world()), world_digest(b.world()));
    // Advancing in 173 slices gives the same world.
    let c = scenario(173);
    assert_eq!(world_digest(a.world()), world_digest(c.world()));
    // A saved session replays to the same world.
    let replayed = Session::from_jsonl(&a.to_jsonl()).expect("replay");
    assert_eq!(world_digest(a.world()), world_digest(replayed.world()));
    // The subscriptions really ran, and their state is part of the digest.
    let views = a.world().kinesis.efo.subscription_views();
    assert_eq!(views.len(), 12);
    assert!(views.iter().all(|v| v.events_delivered > 0));
    assert!(views.iter().any(|v| v.end_reason == Some("SHARD_END")));
    let mut d = Session::from_jsonl(&a.to_jsonl()).expect("replay");
    d.call(
        "playground",
        "ReadSubscriptionEvents",
        json!({"ConsumerARN": views[0].consumer_arn, "ShardId": SHARD0}),
    )
    .expect("read");
    assert_ne!(
        world_digest(a.world()),
        world_digest(d.world()),
        "draining the buffer changes the digest"
    );
}
