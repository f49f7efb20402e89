//! Property tests of the sources: no input panics a parser or the dispatcher's `logs`, `events`,
//! `iot` and `iot-data` actions, and a subscription filter delivers each matching event exactly
//! once whatever the batches and timing.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Read;

use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::events::{pattern as event_pattern, schedule};
use kinesis_playground::engine::iot::{rule_sql, topic};
use kinesis_playground::engine::logs::pattern::FilterPattern;
use kinesis_playground::engine::world::WorldConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const VALID_FILTERS: &[&str] = &[
    "",
    "ERROR",
    "?WARN ?ERROR -health",
    "\"upstream payments\"",
    "{ $.level = \"ERROR\" }",
    "{ ($.latency_ms > 100) && $.service = \"pay*\" }",
    "{ $.a[0] IS NULL || $.b NOT EXISTS }",
    "[ip, user, ..., status = 5*, bytes > 100]",
];
const VALID_EVENT_PATTERNS: &[&str] = &[
    r#"{"source":["shop"]}"#,
    r#"{"detail":{"amount":[{"numeric":[">",10,"<=",20]}]}}"#,
    r#"{"detail":{"c":[{"anything-but":["FR","DE"]}],"d":[{"exists":false}]}}"#,
    r#"{"$or":[{"source":[{"prefix":"a"}]},{"detail-type":[{"wildcard":"x*y"}]}]}"#,
];
const VALID_SQL: &[&str] = &[
    "SELECT * FROM 'a/+/c'",
    "SELECT temperature, deviceId FROM 'sensors/+/telemetry' WHERE temperature > 50",
    "SELECT upper(s) AS u, topic(2) AS d, t * 2 + 1 AS x FROM '#' WHERE NOT (t < 0 OR s IS NULL)",
];

/// A valid text with one random byte position replaced, inserted or removed.
fn mutated(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    (
        prop::sample::select(valid),
        any::<usize>(),
        any::<char>(),
        0u8..3,
    )
        .prop_map(|(v, at, c, op)| {
            let mut chars: Vec<char> = v.chars().collect();
            let i = if chars.is_empty() {
                0
            } else {
                at % chars.len()
            };
            match op {
                0 if !chars.is_empty() => chars[i] = c,
                1 => chars.insert(i, c),
                _ if !chars.is_empty() => {
                    chars.remove(i);
                }
                _ => chars.push(c),
            }
            chars.into_iter().collect()
        })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,120}",
        "[ -~]{0,80}",
        "[{}\\[\\]$.()&|=<>!\"*?, a-z0-9-]{0,60}"
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-zA-Z*]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z$-]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn filter_patterns_never_panic(p in prop_oneof![text(), mutated(VALID_FILTERS)], m in text()) {
        if let Ok(f) = FilterPattern::parse(&p) {
            let _ = f.matches(&m);
            let _ = f.matches("{\"level\":\"ERROR\",\"a\":[null],\"latency_ms\":500,\"service\":\"payments\"}");
        }
    }

    #[test]
    fn event_patterns_never_panic(p in prop_oneof![text(), mutated(VALID_EVENT_PATTERNS)], e in json_value()) {
        if let Ok(v) = event_pattern::parse(&p) {
            let _ = event_pattern::matches(&v, &e);
        }
    }

    #[test]
    fn schedules_never_panic(e in prop_oneof![text(), "(rate|cron)\\([0-9*/?,A-Z L#-]{0,30}\\)"], created in 0u64..4_000_000_000_000, after in 0u64..4_000_000_000_000) {
        if let Ok(s) = schedule::parse(&e) {
            if let Some(t) = schedule::next_fire(&s, created, after) {
                prop_assert!(t > after);
            }
        }
    }

    #[test]
    fn rule_sql_and_topics_never_panic(sql in prop_oneof![text(), mutated(VALID_SQL)], t in "[a-z/+#$]{0,20}", payload in json_value()) {
        let _ = topic::validate_topic(&t);
        let _ = topic::validate_filter(&t);
        let _ = topic::matches(&t, "a/b/c");
        if let Ok(r) = rule_sql::parse(&sql) {
            let m = rule_sql::Message { topic: "sensors/x/telemetry", client_id: "c", json: Some(&payload), timestamp: 1, uuid: "u" };
            let _ = r.apply(&m, payload.to_string().as_bytes());
        }
    }

    #[test]
    fn no_request_panics_the_source_services(calls in proptest::collection::vec((0usize..ACTIONS.len(), json_value(), 0u64..5_000), 1..10)) {
        let mut s = Session::new(WorldConfig::seeded(3));
        s.call("logs", "CreateLogGroup", json!({"logGroupName": "g"})).unwrap();
        for (i, req, dt) in calls {
            let (service, action, base) = ACTIONS[i];
            // Half the time a valid-looking request with one member replaced by noise.
            let mut request: Value = serde_json::from_str(base).unwrap();
            if let (Value::Object(noise), true) = (&req, dt % 2 == 0) {
                for (k, v) in noise { request[k] = v.clone(); }
            } else if let Some(obj) = request.as_object_mut() {
                if let Some(k) = obj.keys().nth(dt as usize % obj.len().max(1)).cloned() {
                    obj.insert(k, req);
                }
            }
            let t = s.world().now() + dt;
            s.advance_to(t);
            if let Err(e) = s.call(service, action, request) {
                prop_assert!(!e.message.is_empty());
            }
        }
        s.advance_to(s.world().now() + 120_000);
    }

    #[test]
    fn a_subscription_delivers_each_matching_event_exactly_once(
        pattern in prop::sample::select(VALID_FILTERS),
        batches in proptest::collection::vec((proptest::collection::vec(0usize..6, 1..30), 0u64..3_000), 1..12),
    ) {
        const MESSAGES: [&str; 6] = [
            "{\"level\":\"ERROR\",\"latency_ms\":500,\"service\":\"payments\"}",
            "{\"level\":\"INFO\",\"latency_ms\":5,\"service\":\"cart\"}",
            "10.0.0.1 alice GET / 503 1200",
            "WARN slow upstream payments",
            "ERROR health check",
            "plain line",
        ];
        let mut s = Session::new(WorldConfig::seeded(4));
        common::create_active(&mut s, "k", 1);
        s.call("logs", "CreateLogGroup", json!({"logGroupName": "g"})).unwrap();
        s.call("logs", "CreateLogStream", json!({"logGroupName": "g", "logStreamName": "s"})).unwrap();
        s.call("logs", "PutSubscriptionFilter", json!({"logGroupName": "g", "filterName": "f", "filterPattern": pattern,
            "destinationArn": "arn:aws:kinesis:us-east-1:123456789012:stream/k"})).unwrap();
        let f = FilterPattern::parse(pattern).unwrap();
        let mut expected = Vec::new();
        for (batch, dt) in batches {
            let now = s.world().epoch().to_unix_ms(s.world().now());
            let events: Vec<Value> = batch.iter().map(|i| json!({"timestamp": now, "message": MESSAGES[*i]})).collect();
            expected.extend(batch.iter().map(|i| MESSAGES[*i]).filter(|m| f.matches(m)));
            s.call("logs", "PutLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "logEvents": events})).unwrap();
            let t = s.world().now() + dt;
            s.advance_to(t);
        }
        s.advance_to(s.world().now() + 5_000);
        let it = s.call("kinesis", "GetShardIterator", json!({"StreamName": "k", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"})).unwrap();
        let out = s.call("kinesis", "GetRecords", json!({"ShardIterator": it["ShardIterator"]})).unwrap();
        let mut got = Vec::new();
        for r in out["Records"].as_array().unwrap() {
            use base64::Engine as _;
            let data = base64::engine::general_purpose::STANDARD.decode(r["Data"].as_str().unwrap()).unwrap();
            let mut text = String::new();
            flate2::read::GzDecoder::new(&data[..]).read_to_string(&mut text).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["messageType"] == "DATA_MESSAGE" {
                got.extend(v["logEvents"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()));
            }
        }
        prop_assert_eq!(got, expected);
    }
}

const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "logs",
        "CreateLogStream",
        r#"{"logGroupName":"g","logStreamName":"s"}"#,
    ),
    (
        "logs",
        "PutLogEvents",
        r#"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1767225600000,"message":"ERROR x"}]}"#,
    ),
    (
        "logs",
        "PutSubscriptionFilter",
        r#"{"logGroupName":"g","filterName":"f","filterPattern":"ERROR","destinationArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/d"}"#,
    ),
    (
        "logs",
        "FilterLogEvents",
        r#"{"logGroupName":"g","filterPattern":"{ $.a = 1 }"}"#,
    ),
    (
        "logs",
        "GetLogEvents",
        r#"{"logGroupName":"g","logStreamName":"s","limit":5}"#,
    ),
    (
        "logs",
        "TestMetricFilter",
        r#"{"filterPattern":"[a, b]","logEventMessages":["x y"]}"#,
    ),
    ("logs", "DescribeLogGroups", r#"{"limit":5}"#),
    (
        "logs",
        "PutRetentionPolicy",
        r#"{"logGroupName":"g","retentionInDays":7}"#,
    ),
    (
        "events",
        "PutRule",
        r#"{"Name":"r","EventPattern":"{\"source\":[\"s\"]}"}"#,
    ),
    (
        "events",
        "PutRule",
        r#"{"Name":"t","ScheduleExpression":"cron(0/5 * * * ? *)"}"#,
    ),
    (
        "events",
        "PutTargets",
        r#"{"Rule":"r","Targets":[{"Id":"1","Arn":"arn:aws:kinesis:us-east-1:123456789012:stream/k"}]}"#,
    ),
    (
        "events",
        "PutEvents",
        r#"{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}"}]}"#,
    ),
    (
        "events",
        "TestEventPattern",
        r#"{"EventPattern":"{\"a\":[1]}","Event":"{}"}"#,
    ),
    (
        "iot",
        "CreateTopicRule",
        r#"{"ruleName":"r","topicRulePayload":{"sql":"SELECT * FROM 'a/#'","actions":[{"kinesis":{"streamName":"k","roleArn":"x"}}]}}"#,
    ),
    ("iot", "GetTopicRule", r#"{"ruleName":"r"}"#),
    ("iot-data", "Publish", r#"{"topic":"a/b","payload":"e30="}"#),
    (
        "playground",
        "StartLogApplication",
        r#"{"Name":"a","LogGroupName":"g","RatePerSecond":20}"#,
    ),
    (
        "playground",
        "StartDeviceFleet",
        r#"{"Name":"f","DeviceCount":3,"RatePerSecond":20}"#,
    ),
    ("playground", "DescribeSources", r#"{}"#),
];

#[test]
fn huge_rates_and_impossible_crons_are_not_crashes() {
    let s = schedule::parse("rate(18446744073709551615 days)").unwrap();
    assert_eq!(schedule::next_fire(&s, 1, 2), None);
    let s = schedule::parse("cron(0 0 31 2 ? *)").unwrap();
    assert_eq!(
        schedule::next_fire(&s, 0, 1_767_225_600_000),
        None,
        "February 31 never comes"
    );
    let s = schedule::parse("cron(30 9 ? * MON-FRI *)").unwrap();
    // 2026-01-01 is a Thursday: the first firing is 09:30 that day.
    assert_eq!(
        schedule::next_fire(&s, 0, 1_767_225_600_000),
        Some(1_767_225_600_000 + 9 * 3_600_000 + 30 * 60_000)
    );
    // From Friday 09:31 on, the next one is Monday 2026-01-05 09:30.
    let friday = 1_767_225_600_000 + 86_400_000 + 9 * 3_600_000 + 31 * 60_000;
    assert_eq!(
        schedule::next_fire(&s, 0, friday),
        Some(1_767_225_600_000 + 4 * 86_400_000 + 9 * 3_600_000 + 30 * 60_000)
    );
}
