//! Sources into Firehose and Kinesis: CloudWatch Logs subscription filters, EventBridge rules and
//! AWS IoT rules, each path delivering every selected record exactly once in its documented shape.

mod common;

use std::io::Read;

use base64::Engine as _;
use common::firehose::{create_s3_stream, keys, object};
use common::{advance_by, b64, create_active, err, ok, session};
use kinesis_playground::engine::action_log::Session;
use serde_json::{json, Value};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const FH_ARN: &str = "arn:aws:firehose:us-east-1:123456789012:deliverystream/";

/// Every object under `prefix` of `bucket`, concatenated in key order.
fn all_objects(s: &mut Session, bucket: &str, prefix: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for k in keys(s, bucket, prefix) {
        out.extend(object(s, bucket, &k));
    }
    out
}

/// Splits concatenated gzip members and decodes each as JSON.
fn gzip_members(mut data: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let mut d = flate2::bufread::GzDecoder::new(data);
        let mut text = String::new();
        d.read_to_string(&mut text).expect("a gzip member");
        data = d.into_inner();
        out.push(serde_json::from_str(&text).expect("JSON inside the gzip member"));
    }
    out
}

fn lines(data: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(data)
        .lines()
        .map(str::to_string)
        .collect()
}

fn direct_put_stream(s: &mut Session, name: &str, processors: Value) {
    create_s3_stream(
        s,
        name,
        "lake",
        json!({
            "Prefix": format!("{name}/"),
            "ErrorOutputPrefix": format!("err-{name}/!{{firehose:error-output-type}}/"),
            "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 60 },
            "ProcessingConfiguration": { "Enabled": processors.as_array().is_some_and(|a| !a.is_empty()), "Processors": processors },
        }),
    );
}

fn log_setup(s: &mut Session) {
    ok(
        s,
        "logs",
        "CreateLogGroup",
        json!({"logGroupName": "/app/web"}),
    );
    ok(
        s,
        "logs",
        "CreateLogStream",
        json!({"logGroupName": "/app/web", "logStreamName": "host-1"}),
    );
}

fn put_logs(s: &mut Session, n: u64) -> Vec<String> {
    let now = s.world().epoch().to_unix_ms(s.world().now());
    let mut errors = Vec::new();
    let events: Vec<Value> = (0..n)
        .map(|i| {
            let level = if i % 4 == 0 { "ERROR" } else { "INFO" };
            let m = format!(
                "{{\"level\":\"{level}\",\"i\":{i},\"latency_ms\":{}}}",
                i * 10
            );
            if level == "ERROR" {
                errors.push(m.clone());
            }
            json!({"timestamp": now + i, "message": m})
        })
        .collect();
    ok(
        s,
        "logs",
        "PutLogEvents",
        json!({"logGroupName": "/app/web", "logStreamName": "host-1", "logEvents": events}),
    );
    errors
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cloudwatch_logs_reach_s3_in_the_subscription_format() {
    let mut s = session(11);
    direct_put_stream(&mut s, "logs-raw", json!([]));
    log_setup(&mut s);
    ok(
        &mut s,
        "logs",
        "PutSubscriptionFilter",
        json!({
        "logGroupName": "/app/web", "filterName": "errors", "filterPattern": "{ $.level = \"ERROR\" }",
        "destinationArn": format!("{FH_ARN}logs-raw"), "roleArn": "arn:aws:iam::123456789012:role/cwl"}),
    );
    let mut expected = put_logs(&mut s, 40);
    advance_by(&mut s, 5_000);
    expected.extend(put_logs(&mut s, 20));
    advance_by(&mut s, 70_000);
    let records = gzip_members(&all_objects(&mut s, "lake", "logs-raw/"));
    assert_eq!(records[0]["messageType"], "CONTROL_MESSAGE");
    assert_eq!(
        records[0]["logEvents"][0]["message"],
        "CWL CONTROL MESSAGE: Checking health of destination Firehose."
    );
    let mut got = Vec::new();
    for r in &records[1..] {
        assert_eq!(r["messageType"], "DATA_MESSAGE");
        assert_eq!(r["owner"], "123456789012");
        assert_eq!(r["logGroup"], "/app/web");
        assert_eq!(r["logStream"], "host-1");
        assert_eq!(r["subscriptionFilters"], json!(["errors"]));
        for e in r["logEvents"].as_array().unwrap() {
            assert_eq!(e["id"].as_str().unwrap().len(), 56);
            assert!(e["timestamp"].is_u64());
            got.push(e["message"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        records.len(),
        3,
        "one control message and one record per delivery"
    );
    assert_eq!(
        got, expected,
        "every ERROR event exactly once, in order, nothing else"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn decompression_and_message_extraction_flatten_the_envelope() {
    let mut s = session(12);
    direct_put_stream(
        &mut s,
        "logs-flat",
        json!([
            {"Type": "Decompression", "Parameters": [{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}]},
            {"Type": "CloudWatchLogProcessing", "Parameters": [{"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}]},
            {"Type": "AppendDelimiterToRecord", "Parameters": []},
        ]),
    );
    log_setup(&mut s);
    ok(
        &mut s,
        "logs",
        "PutSubscriptionFilter",
        json!({
        "logGroupName": "/app/web", "filterName": "slow", "filterPattern": "{ $.latency_ms >= 100 && $.level = \"ERROR\" }",
        "destinationArn": format!("{FH_ARN}logs-flat")}),
    );
    let expected: Vec<String> = put_logs(&mut s, 60)
        .into_iter()
        .filter(|m| {
            serde_json::from_str::<Value>(m).unwrap()["latency_ms"]
                .as_u64()
                .unwrap()
                >= 100
        })
        .collect();
    advance_by(&mut s, 70_000);
    let got = lines(&all_objects(&mut s, "lake", "logs-flat/"));
    assert_eq!(
        got, expected,
        "the messages alone, one per line; the control message dropped"
    );
    let d = ok(
        &mut s,
        "playground",
        "DescribeDeliveryPipeline",
        json!({"DeliveryStreamName": "logs-flat"}),
    );
    assert_eq!(
        d["Ledger"]["Dropped"], 1,
        "the control message counts as dropped: {}",
        d["Ledger"]
    );
    // Without Decompression, CloudWatchLogProcessing is refused.
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "bad", "ExtendedS3DestinationConfiguration": {
        "RoleARN": common::firehose::ROLE, "BucketARN": "arn:aws:s3:::lake",
        "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "CloudWatchLogProcessing", "Parameters": [{"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}]}]}}}),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException", "{e}");
    // A record that is not gzip goes to decompression-failed, untouched.
    common::firehose::fh_put(&mut s, "logs-flat", b"plain text");
    advance_by(&mut s, 70_000);
    let failed = all_objects(&mut s, "lake", "err-logs-flat/decompression-failed/");
    let line: Value =
        serde_json::from_slice(failed.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["errorCode"], "Decompression.Failed");
    assert_eq!(line["rawData"], b64(b"plain text"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cloudwatch_logs_reach_a_kinesis_stream_keyed_by_log_stream() {
    let mut s = session(13);
    create_active(&mut s, "logs-stream", 2);
    log_setup(&mut s);
    ok(
        &mut s,
        "logs",
        "PutSubscriptionFilter",
        json!({
        "logGroupName": "/app/web", "filterName": "all", "filterPattern": "",
        "destinationArn": "arn:aws:kinesis:us-east-1:123456789012:stream/logs-stream"}),
    );
    put_logs(&mut s, 12);
    advance_by(&mut s, 2_000);
    let mut got = Vec::new();
    for shard in ["shardId-000000000000", "shardId-000000000001"] {
        let it = ok(
            &mut s,
            "kinesis",
            "GetShardIterator",
            json!({"StreamName": "logs-stream", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
        );
        let out = ok(
            &mut s,
            "kinesis",
            "GetRecords",
            json!({"ShardIterator": it["ShardIterator"]}),
        );
        for r in out["Records"].as_array().unwrap() {
            let data = base64::engine::general_purpose::STANDARD
                .decode(r["Data"].as_str().unwrap())
                .unwrap();
            let v = gzip_members(&data).remove(0);
            if v["messageType"] == "DATA_MESSAGE" {
                assert_eq!(r["PartitionKey"], "host-1", "ByLogStream distribution");
                got.extend(
                    v["logEvents"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["message"].clone()),
                );
            } else {
                assert_eq!(
                    v["logEvents"][0]["message"],
                    "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."
                );
            }
        }
    }
    assert_eq!(got.len(), 12);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn logs_errors_have_the_service_names() {
    let mut s = session(14);
    log_setup(&mut s);
    let kind = |s: &mut Session, action: &str, req: Value| {
        err(s, "logs", action, req).kind.as_str().to_string()
    };
    assert_eq!(
        kind(
            &mut s,
            "CreateLogGroup",
            json!({"logGroupName": "/app/web"})
        ),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        kind(
            &mut s,
            "PutLogEvents",
            json!({"logGroupName": "/nope", "logStreamName": "x", "logEvents": [{"timestamp": 1, "message": "m"}]})
        ),
        "ResourceNotFoundException"
    );
    assert_eq!(
        kind(
            &mut s,
            "PutSubscriptionFilter",
            json!({"logGroupName": "/app/web", "filterName": "f", "filterPattern": "{ $.level = ", "destinationArn": format!("{FH_ARN}x")})
        ),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(
            &mut s,
            "PutSubscriptionFilter",
            json!({"logGroupName": "/app/web", "filterName": "f", "filterPattern": "", "destinationArn": format!("{FH_ARN}missing")})
        ),
        "InvalidParameterException"
    );
    let now = s.world().epoch().to_unix_ms(s.world().now());
    assert_eq!(
        kind(
            &mut s,
            "PutLogEvents",
            json!({"logGroupName": "/app/web", "logStreamName": "host-1", "logEvents": [{"timestamp": now + 5, "message": "b"}, {"timestamp": now, "message": "a"}]})
        ),
        "InvalidParameterException"
    );
    // Too old and too new events are rejected, the rest accepted.
    let out = ok(
        &mut s,
        "logs",
        "PutLogEvents",
        json!({"logGroupName": "/app/web", "logStreamName": "host-1", "logEvents": [
        {"timestamp": 1_000, "message": "ancient"}, {"timestamp": now, "message": "fine"}, {"timestamp": now + 3 * 3_600_000, "message": "future"}]}),
    );
    assert_eq!(
        out["rejectedLogEventsInfo"],
        json!({"tooNewLogEventStartIndex": 2, "tooOldLogEventEndIndex": 0})
    );
    let got = ok(
        &mut s,
        "logs",
        "GetLogEvents",
        json!({"logGroupName": "/app/web", "logStreamName": "host-1"}),
    );
    assert_eq!(got["events"].as_array().unwrap().len(), 1);
    // Filter patterns: terms, JSON, space-delimited, checked by TestMetricFilter.
    let test = |s: &mut Session, p: &str, msgs: Value| -> Vec<u64> {
        ok(
            s,
            "logs",
            "TestMetricFilter",
            json!({"filterPattern": p, "logEventMessages": msgs}),
        )["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["eventNumber"].as_u64().unwrap())
            .collect()
    };
    let msgs = json!([
        "ERROR payments down",
        "INFO ok",
        "WARN slow ERROR?",
        "ERROR timeout retry"
    ]);
    assert_eq!(test(&mut s, "ERROR", msgs.clone()), vec![1, 3, 4]);
    assert_eq!(test(&mut s, "ERROR -timeout", msgs.clone()), vec![1, 3]);
    assert_eq!(test(&mut s, "?WARN ?INFO", msgs.clone()), vec![2, 3]);
    assert_eq!(test(&mut s, "\"payments down\"", msgs), vec![1]);
    let access = json!([
        "10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 503 120",
        "10.0.0.2 - - [01/Jan/2026:00:00:01 +0000] \"GET /a HTTP/1.1\" 200 9000"
    ]);
    assert_eq!(
        test(
            &mut s,
            "[ip, id, user, time, request, status = 5*, bytes]",
            access.clone()
        ),
        vec![1]
    );
    assert_eq!(test(&mut s, "[..., status, bytes > 1000]", access), vec![2]);
    assert_eq!(
        test(
            &mut s,
            "{ $.a[0] = \"x*\" || $.b NOT EXISTS }",
            json!([
                "{\"a\":[\"xy\"],\"b\":1}",
                "{\"a\":[\"z\"]}",
                "{\"a\":[\"z\"],\"b\":2}",
                "not json"
            ])
        ),
        vec![1, 2]
    );
}

fn events_setup(s: &mut Session) {
    direct_put_stream(
        s,
        "orders",
        json!([{"Type": "AppendDelimiterToRecord", "Parameters": []}]),
    );
    ok(
        s,
        "events",
        "PutRule",
        json!({"Name": "big-orders", "EventPattern": json!({
        "source": ["shop.orders"], "detail-type": ["Order Placed"], "detail": {"amount": [{"numeric": [">", 100]}], "country": [{"anything-but": "FR"}]}}).to_string()}),
    );
    ok(
        s,
        "events",
        "PutTargets",
        json!({"Rule": "big-orders", "Targets": [{"Id": "lake", "Arn": format!("{FH_ARN}orders")}]}),
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn eventbridge_delivers_matched_events_in_the_envelope() {
    let mut s = session(15);
    events_setup(&mut s);
    let mut expected = Vec::new();
    for i in 0..30u64 {
        let country = ["DE", "FR", "US"][i as usize % 3];
        let amount = i * 7;
        let source = if i % 5 == 4 {
            "shop.returns"
        } else {
            "shop.orders"
        };
        if amount > 100 && country != "FR" && source == "shop.orders" {
            expected.push(i);
        }
        let detail = json!({"order": i, "amount": amount, "country": country}).to_string();
        let out = ok(
            &mut s,
            "events",
            "PutEvents",
            json!({"Entries": [{"Source": source, "DetailType": "Order Placed", "Detail": detail}]}),
        );
        assert_eq!(out["FailedEntryCount"], 0);
        advance_by(&mut s, 500);
    }
    advance_by(&mut s, 70_000);
    let got: Vec<Value> = lines(&all_objects(&mut s, "lake", "orders/"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        got.iter()
            .map(|e| e["detail"]["order"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        expected
    );
    for e in &got {
        assert_eq!(e["version"], "0");
        assert_eq!(e["id"].as_str().unwrap().len(), 36);
        assert_eq!(e["detail-type"], "Order Placed");
        assert_eq!(e["source"], "shop.orders");
        assert_eq!(e["account"], "123456789012");
        assert_eq!(e["region"], "us-east-1");
        assert!(
            e["time"].as_str().unwrap().ends_with('Z') && e["time"].as_str().unwrap().len() == 20,
            "{}",
            e["time"]
        );
        assert!(e["resources"].is_array());
    }
    // Bad input: entry-level errors and pattern errors.
    let out = ok(
        &mut s,
        "events",
        "PutEvents",
        json!({"Entries": [{"Source": "a", "DetailType": "b", "Detail": "[1]"}, {"Source": "aws.ec2", "DetailType": "b", "Detail": "{}"}]}),
    );
    assert_eq!(out["FailedEntryCount"], 2);
    assert_eq!(out["Entries"][0]["ErrorCode"], "MalformedDetail");
    assert_eq!(
        out["Entries"][1]["ErrorCode"],
        "NotAuthorizedForSourceException"
    );
    for bad in [
        "{\"source\": \"x\"}",
        "[]",
        "{\"a\": [{\"numeric\": [\"~\", 1]}]}",
        "{\"a\": []}",
        "nope",
    ] {
        let e = err(
            &mut s,
            "events",
            "PutRule",
            json!({"Name": "r", "EventPattern": bad}),
        );
        assert_eq!(
            e.kind.as_str(),
            "InvalidEventPatternException",
            "{bad}: {e}"
        );
    }
    assert_eq!(
        err(
            &mut s,
            "events",
            "DeleteRule",
            json!({"Name": "big-orders"})
        )
        .kind
        .as_str(),
        "ValidationException"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn scheduled_rules_fire_on_time() {
    let mut s = session(16);
    create_active(&mut s, "ticks", 1);
    ok(
        &mut s,
        "events",
        "PutRule",
        json!({"Name": "every-minute", "ScheduleExpression": "rate(1 minute)"}),
    );
    ok(
        &mut s,
        "events",
        "PutTargets",
        json!({"Rule": "every-minute", "Targets": [{"Id": "k", "Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/ticks"}]}),
    );
    ok(
        &mut s,
        "events",
        "PutRule",
        json!({"Name": "quarter", "ScheduleExpression": "cron(0/15 * * * ? *)"}),
    );
    ok(
        &mut s,
        "events",
        "PutTargets",
        json!({"Rule": "quarter", "Targets": [{"Id": "k", "Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/ticks"}]}),
    );
    let start = s.world().now();
    s.advance_to(start + 10 * 60_000 + 500);
    let it = ok(
        &mut s,
        "kinesis",
        "GetShardIterator",
        json!({"StreamName": "ticks", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let out = ok(
        &mut s,
        "kinesis",
        "GetRecords",
        json!({"ShardIterator": it["ShardIterator"]}),
    );
    let events: Vec<Value> = out["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::from_slice(
                &base64::engine::general_purpose::STANDARD
                    .decode(r["Data"].as_str().unwrap())
                    .unwrap(),
            )
            .unwrap()
        })
        .collect();
    let by = |rule: &str| {
        events
            .iter()
            .filter(|e| e["resources"][0].as_str().unwrap().ends_with(rule))
            .count()
    };
    assert_eq!(by("rule/every-minute"), 10);
    // The world starts at 00:00:02 (stream creation), so quarter past is the first cron firing.
    assert_eq!(by("rule/quarter"), 0);
    s.advance_to(start + 16 * 60_000);
    assert_eq!(
        ok(&mut s, "events", "DescribeRule", json!({"Name": "quarter"}))["Playground"]["Matched"],
        1
    );
    for e in &events {
        assert_eq!(e["detail-type"], "Scheduled Event");
        assert_eq!(e["source"], "aws.events");
        assert_eq!(e["detail"], json!({}));
    }
    for bad in [
        "rate(1 minutes)",
        "rate(0 minutes)",
        "cron(0 12 * * * *)",
        "cron(0 12 L * ? *)",
        "rate(5 weeks)",
        "every 5 minutes",
    ] {
        let e = err(
            &mut s,
            "events",
            "PutRule",
            json!({"Name": "x", "ScheduleExpression": bad}),
        );
        assert_eq!(e.kind.as_str(), "ValidationException", "{bad}: {e}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn iot_rule_selects_exactly_the_matching_messages() {
    let mut s = session(17);
    direct_put_stream(&mut s, "hot", json!([]));
    ok(
        &mut s,
        "iot",
        "CreateTopicRule",
        json!({"ruleName": "overheat", "topicRulePayload": {
        "sql": "SELECT temperature, deviceId, topic(2) AS device FROM 'sensors/+/telemetry' WHERE temperature > 50",
        "actions": [{"firehose": {"deliveryStreamName": "hot", "roleArn": "arn:aws:iam::123456789012:role/iot", "separator": "\n"}}]}}),
    );
    let mut expected = Vec::new();
    for i in 0..40u64 {
        let t = 30 + (i * 13) % 40;
        let topic = if i % 6 == 5 {
            format!("sensors/s{i}/status")
        } else {
            format!("sensors/s{i}/telemetry")
        };
        if t > 50 && topic.ends_with("telemetry") {
            expected.push(
                json!({"temperature": t, "deviceId": format!("d{i}"), "device": format!("s{i}")}),
            );
        }
        let payload =
            json!({"deviceId": format!("d{i}"), "temperature": t, "humidity": 40}).to_string();
        ok(
            &mut s,
            "iot-data",
            "Publish",
            json!({"topic": topic, "payload": b64(payload.as_bytes()), "qos": 1}),
        );
    }
    advance_by(&mut s, 70_000);
    let got: Vec<Value> = lines(&all_objects(&mut s, "lake", "hot/"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    let rule = ok(
        &mut s,
        "iot",
        "GetTopicRule",
        json!({"ruleName": "overheat"}),
    );
    assert_eq!(rule["rule"]["Playground"]["Selected"], expected.len());
    // A fleet of devices: every selected message lands once.
    ok(
        &mut s,
        "playground",
        "StartDeviceFleet",
        json!({"Name": "plant", "DeviceCount": 8, "RatePerSecond": 50}),
    );
    advance_by(&mut s, 20_000);
    ok(
        &mut s,
        "playground",
        "StopDeviceFleet",
        json!({"Name": "plant"}),
    );
    advance_by(&mut s, 70_000);
    let rule = ok(
        &mut s,
        "iot",
        "GetTopicRule",
        json!({"ruleName": "overheat"}),
    );
    let selected = rule["rule"]["Playground"]["Selected"].as_u64().unwrap();
    let all: Vec<Value> = lines(&all_objects(&mut s, "lake", "hot/"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all.len() as u64, selected);
    assert!(all
        .iter()
        .all(|v| v["temperature"].as_f64().unwrap() > 50.0));
    let published = ok(&mut s, "playground", "DescribeSources", json!({}))["DeviceFleets"][0]
        ["MessagesPublished"]
        .as_u64()
        .unwrap();
    assert_eq!(published, 1_000);
    assert!(
        selected - expected.len() as u64 > 20 && selected - (expected.len() as u64) < 300,
        "some but not most readings are hot: {selected}"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn iot_to_kinesis_uses_the_partition_key_template_and_errors_are_named() {
    let mut s = session(18);
    create_active(&mut s, "telemetry", 2);
    ok(
        &mut s,
        "iot",
        "CreateTopicRule",
        json!({"ruleName": "all", "topicRulePayload": {
        "sql": "SELECT * FROM 'sensors/#'",
        "actions": [{"kinesis": {"streamName": "telemetry", "partitionKey": "${topic(2)}", "roleArn": "arn:aws:iam::123456789012:role/iot"}}]}}),
    );
    ok(
        &mut s,
        "iot-data",
        "Publish",
        json!({"topic": "sensors/a1/telemetry", "payload": b64(b"{\"t\":1}")}),
    );
    let rule = ok(&mut s, "iot", "GetTopicRule", json!({"ruleName": "all"}));
    assert_eq!(
        rule["rule"]["actions"][0]["Playground"]["Delivery"]["RecordsDelivered"],
        1
    );
    let kind = |s: &mut Session, svc: &str, action: &str, req: Value| {
        err(s, svc, action, req).kind.as_str().to_string()
    };
    assert_eq!(
        kind(
            &mut s,
            "iot",
            "CreateTopicRule",
            json!({"ruleName": "bad", "topicRulePayload": {"sql": "SELEC * FROM 'a'", "actions": []}})
        ),
        "SqlParseException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot",
            "CreateTopicRule",
            json!({"ruleName": "bad", "topicRulePayload": {"sql": "SELECT * FROM 'a/#/b'", "actions": []}})
        ),
        "SqlParseException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot",
            "CreateTopicRule",
            json!({"ruleName": "bad", "topicRulePayload": {"sql": "SELECT * FROM a", "actions": []}})
        ),
        "SqlParseException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot",
            "CreateTopicRule",
            json!({"ruleName": "all", "topicRulePayload": {"sql": "SELECT * FROM 'a'", "actions": []}})
        ),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot",
            "GetTopicRule",
            json!({"ruleName": "missing"})
        ),
        "UnauthorizedException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot-data",
            "Publish",
            json!({"topic": "a/+/b", "payload": ""})
        ),
        "InvalidRequestException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot-data",
            "Publish",
            json!({"topic": "a/b/c/d/e/f/g/h/i", "payload": ""})
        ),
        "InvalidRequestException"
    );
    assert_eq!(
        kind(
            &mut s,
            "iot-data",
            "Publish",
            json!({"topic": "$aws/things", "payload": ""})
        ),
        "InvalidRequestException"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_log_application_feeds_a_subscription_and_replays_identically() {
    let run = |seed: u64| {
        let mut s = session(seed);
        direct_put_stream(&mut s, "app-logs", json!([]));
        ok(
            &mut s,
            "playground",
            "StartLogApplication",
            json!({"Name": "web", "LogGroupName": "/app/shop", "RatePerSecond": 40, "Hosts": 3}),
        );
        ok(
            &mut s,
            "logs",
            "PutSubscriptionFilter",
            json!({"logGroupName": "/app/shop", "filterName": "warn-or-error", "filterPattern": "?WARN ?ERROR", "destinationArn": format!("{FH_ARN}app-logs")}),
        );
        advance_by(&mut s, 30_000);
        ok(
            &mut s,
            "playground",
            "StopLogApplication",
            json!({"Name": "web"}),
        );
        advance_by(&mut s, 70_000);
        let src = ok(&mut s, "playground", "DescribeSources", json!({}));
        let filter = &src["LogGroups"][0]["SubscriptionFilters"][0]["Playground"];
        let records = gzip_members(&all_objects(&mut s, "lake", "app-logs/"));
        let delivered: usize = records
            .iter()
            .filter(|r| r["messageType"] == "DATA_MESSAGE")
            .map(|r| r["logEvents"].as_array().unwrap().len())
            .sum();
        assert_eq!(delivered as u64, filter["MatchedEvents"].as_u64().unwrap());
        assert_eq!(src["LogApplications"][0]["LinesWritten"], 1_200);
        let matched = filter["MatchedEvents"].as_u64().unwrap();
        assert!(
            matched > 100 && matched < 400,
            "about a fifth of the lines are WARN or ERROR: {matched}"
        );
        kinesis_playground::engine::digest::world_digest(s.world())
    };
    let digest = run(5);
    assert_eq!(digest, run(5));
    assert_ne!(digest, run(6));
    // The same digest natively and in the browser (this test runs in both).
    assert_eq!(digest, "5ce465a140cbdade5a2f42e833518acc");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sdk_agent_and_direct_producers_write_to_firehose_direct_put() {
    let mut s = session(19);
    direct_put_stream(
        &mut s,
        "clicks",
        json!([{"Type": "AppendDelimiterToRecord", "Parameters": []}]),
    );
    for (name, mode) in [
        (
            "sdk",
            json!({"Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 50}}),
        ),
        ("agent", json!({"Mode": "AGENT"})),
        ("direct", json!({})),
    ] {
        let mut req =
            json!({"ProducerName": name, "DeliveryStreamName": "clicks", "RecordsPerSecond": 40});
        for (k, v) in mode.as_object().unwrap() {
            req[k] = v.clone();
        }
        ok(&mut s, "playground", "StartProducer", req);
    }
    advance_by(&mut s, 10_000);
    for name in ["sdk", "direct"] {
        ok(
            &mut s,
            "playground",
            "StopProducer",
            json!({"ProducerName": name}),
        );
    }
    // The agent ships a buffer when it is 60 s old (maxBufferAgeMillis).
    advance_by(&mut s, 65_000);
    ok(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "agent"}),
    );
    advance_by(&mut s, 90_000);
    let listed = ok(&mut s, "playground", "ListProducers", json!({}));
    let sent: u64 = listed["Producers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["DeliveryStreamName"], "clicks", "{p}");
            p["RecordsSent"].as_u64().unwrap()
        })
        .sum();
    assert!(
        sent >= 3_000,
        "about 400 + 400 + 2,600 records sent: {sent}: {listed}"
    );
    // Agent records keep their line's newline, so the appended delimiter leaves blank lines.
    let got: Vec<String> = lines(&all_objects(&mut s, "lake", "clicks/"))
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(got.len() as u64, sent, "every accepted record lands once");
    let d = ok(
        &mut s,
        "firehose",
        "DescribeDeliveryStream",
        json!({"DeliveryStreamName": "clicks"}),
    );
    assert_eq!(
        d["DeliveryStreamDescription"]["DeliveryStreamStatus"],
        "ACTIVE"
    );
    // The KPL writes to data streams only; a stream-sourced delivery stream refuses producers.
    let e = err(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "kpl", "DeliveryStreamName": "clicks", "Mode": "KPL"}),
    );
    assert!(
        e.message
            .contains("KPL writes to Kinesis data streams only"),
        "{e}"
    );
    let e = err(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "x", "DeliveryStreamName": "clicks", "StreamName": "s"}),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_console_speaks_logs_events_iot_and_iot_data() {
    use kinesis_playground::engine::console::parse_call;
    let c = parse_call("logs.put_log_events(logGroupName='/app/web', logStreamName='host-1', logEvents=[{'timestamp': 1767225600000, 'message': 'ERROR x'}])").unwrap();
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("logs", "PutLogEvents")
    );
    let c = parse_call("events.put_rule(Name='r', ScheduleExpression='rate(5 minutes)')").unwrap();
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("events", "PutRule")
    );
    let c = parse_call("iot.create_topic_rule(ruleName='r', topicRulePayload={'sql': \"SELECT * FROM 'a/#'\", 'actions': []})").unwrap();
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("iot", "CreateTopicRule")
    );
    let c = parse_call(
        "iot_data.publish(topic='sensors/1/telemetry', payload=b'{\"temperature\": 70}')",
    )
    .unwrap();
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("iot-data", "Publish")
    );
    assert_eq!(
        c.request["payload"],
        b64(b"{\"temperature\": 70}"),
        "the payload blob is base64 on the wire"
    );
    let mut s = session(23);
    ok(&mut s, &c.service, &c.action, c.request.clone());
    assert_eq!(s.world().iot.published, 1);
}
