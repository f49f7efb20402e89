//! Every text parser a user writes into: the first byte picks one — Flink SQL, IoT rule SQL,
//! MQTT topics, CloudWatch Logs filter patterns (then matched), EventBridge patterns and
//! schedules, the transform-function language through TestTransformFunction.
#![no_main]

use kinesis_playground::engine::events::{pattern, schedule};
use kinesis_playground::engine::iot::{rule_sql, topic};
use kinesis_playground::engine::logs::pattern::FilterPattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 6 {
        0 => {
            let _ = kinesis_playground::engine::analytics::sql::compile(text);
        }
        1 => {
            if let Ok(r) = rule_sql::parse(text) {
                let v = serde_json::json!({"temperature": 70, "deviceId": "d", "a": {"b": [1, 2]}});
                let m = rule_sql::Message {
                    topic: "sensors/x/telemetry",
                    client_id: "c",
                    json: Some(&v),
                    timestamp: 1,
                    uuid: "u",
                };
                let _ = r.apply(&m, b"{}");
            }
        }
        2 => {
            let _ = topic::validate_topic(text);
            let _ = topic::validate_filter(text);
            let _ = topic::matches(text, "a/b/c");
        }
        3 => {
            if let Ok(p) = FilterPattern::parse(text) {
                let _ = p.matches("{\"level\":\"ERROR\",\"latency_ms\":12}");
                let _ = p.matches(
                    "10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 503 120",
                );
            }
        }
        4 => {
            if let Ok(p) = pattern::parse(text) {
                let _ = pattern::matches(
                    &p,
                    &serde_json::json!({"source": "s", "detail": {"a": [1, "x"]}}),
                );
            }
        }
        _ => {
            if let Ok(s) = schedule::parse(text) {
                let _ = schedule::next_fire(&s, 0, 1_767_225_600_000);
            }
        }
    }
});
