//! Unit tests of the Kafka client forms: every form → (service, action, request) exactly, and
//! errors with their carets.

use serde_json::{json, Value};

use super::kafka_client::{client_role, ConsumerOp, KafkaCommand, Role};
use super::*;

/// The one `kafka` call a stateless form stands for.
#[track_caller]
fn one(src: &str) -> (String, Value) {
    match parse_call(src) {
        Ok(c) => {
            assert_eq!(c.service, "kafka", "{src}");
            (c.action, c.request)
        }
        Err(e) => panic!("{src:?} should parse, got:\n{}", e.render(src)),
    }
}

/// The consumer op of a consumer form.
#[track_caller]
fn op(src: &str) -> ConsumerOp {
    match parse_line(src) {
        Ok(Line::Kafka(KafkaCommand::Consumer { op, .. })) => op,
        Ok(other) => panic!("{src:?}: {other:?}"),
        Err(e) => panic!("{src:?} should parse, got:\n{}", e.render(src)),
    }
}

/// A failing line: its error at (line 1, `column`), with `needle` in the message.
#[track_caller]
fn err_at(src: &str, column: usize, needle: &str) -> ConsoleError {
    let e = match parse_line(src) {
        Ok(l) => panic!("{src:?} should fail, got {l:?}"),
        Err(e) => e,
    };
    assert_eq!(
        (e.line, e.column),
        (1, column),
        "{src:?}: {}",
        e.render(src)
    );
    assert!(
        e.message.contains(needle),
        "{src:?}: {:?} lacks {needle:?}",
        e.message
    );
    assert!(e.render(src).contains('^'));
    e
}

#[test]
fn roles_by_variable_name() {
    for (name, role) in [
        ("producer", Some(Role::Producer)),
        ("producer2", Some(Role::Producer)),
        ("consumer", Some(Role::Consumer)),
        ("consumer2", Some(Role::Consumer)),
        ("consumer_b", Some(Role::Consumer)),
        ("billing_consumer", Some(Role::Consumer)),
        ("admin", Some(Role::Admin)),
        ("kafka_admin", Some(Role::Admin)),
        ("Admin", Some(Role::Admin)),
        ("kafka", None),
        ("kinesis", None),
        ("client", None),
        ("consumers", None),
        ("adminx", None),
        ("kafka_client", None),
    ] {
        assert_eq!(client_role(name), role, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Producer.

#[test]
fn producer_send_forms() {
    let cases = [
        (
            r#"producer.send("orders", key="user-1", value="hello")"#,
            json!({"Topic": "orders", "Records": [{"Key": "user-1", "Value": "hello"}]}),
        ),
        // kafka-python's positional order: topic, value, key.
        (
            r#"producer.send("orders", b"hello", b"user-1")"#,
            json!({"Topic": "orders", "Records": [{"Key": "user-1", "Value": "hello"}]}),
        ),
        (
            r#"producer.send("orders", value="v")"#,
            json!({"Topic": "orders", "Records": [{"Value": "v"}]}),
        ),
        (
            r#"producer.send("orders", key=None, value="v", partition=2, acks="1")"#,
            json!({"Topic": "orders", "Records": [{"Value": "v", "Partition": 2}], "Acks": "1"}),
        ),
        // A tombstone.
        (
            r#"producer.send("orders", key="user-1", value=None)"#,
            json!({"Topic": "orders", "Records": [{"Key": "user-1", "Value": null}]}),
        ),
        (
            r#"producer.send(topic="t", value="v", headers={"trace": "abc", "b": b"x"}, timestamp_ms=1000, acks=0)"#,
            json!({"Topic": "t", "Records": [{"Value": "v", "Timestamp": 1000,
                "Headers": {"trace": "abc", "b": "x"}}], "Acks": "0"}),
        ),
        (
            r#"producer.send("t", value="v", headers=[("trace", b"abc")], acks="all")"#,
            json!({"Topic": "t", "Records": [{"Value": "v", "Headers": {"trace": "abc"}}], "Acks": "all"}),
        ),
        (
            r#"future = producer.send("orders", key="k", value="v");"#,
            json!({"Topic": "orders", "Records": [{"Key": "k", "Value": "v"}]}),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(one(src), ("Produce".to_string(), want), "{src}");
    }
}

#[test]
fn producer_flush_and_close_send_nothing() {
    for src in ["producer.flush()", "producer.close()"] {
        match parse_line(src) {
            Ok(Line::Kafka(KafkaCommand::Note(text))) => {
                assert!(text.contains("sent nothing"), "{text}");
                assert!(text.contains("already"), "{text}");
            }
            other => panic!("{src}: {other:?}"),
        }
    }
    err_at("producer.flush(1)", 16, "takes no arguments");
}

#[test]
fn producer_errors() {
    err_at(r#"producer.send()"#, 10, "send() needs topic");
    err_at(r#"producer.send("t")"#, 10, "needs a value or a key");
    err_at(
        r#"producer.send("t", value=1)"#,
        26,
        "value must be a str, bytes or None, found an int",
    );
    err_at(r#"producer.send("t", value=b"\xff")"#, 26, "must be UTF-8");
    err_at(r#"producer.send("t", value="v", partiton=2)"#, 31, "unknown keyword argument 'partiton' for producer.send(); known: topic, value, key, headers, partition, timestamp_ms, acks");
    err_at(
        r#"producer.send("t", "v", value="w")"#,
        25,
        "got multiple values for argument 'value'",
    );
    err_at(
        r#"producer.send(value="v", "t")"#,
        26,
        "positional argument follows keyword argument",
    );
    err_at(
        r#"producer.send("t", value="v", partition="2")"#,
        41,
        "partition must be an int, found a str",
    );
    err_at(
        r#"producer.send("t", value="v", headers=5)"#,
        39,
        "headers must be a dict",
    );
    err_at(
        r#"producer.send("t", value="v", acks=True)"#,
        36,
        "acks must be",
    );
    err_at(
        r#"producer.send("t", "v", "k", {}, 0, 1, "x")"#,
        40,
        "at most 6 positional arguments",
    );
    err_at(
        r#"producer.produce("t")"#,
        10,
        "'produce' is not a method of the Kafka producer 'producer'; known: send, flush, close",
    );
    // Python mode is per call: bare names and constructors stay errors elsewhere.
    err_at(
        r#"producer.send(topic, value="v")"#,
        15,
        "'topic' is not a value",
    );
    err_at(
        r#"kinesis.put_record(A=NewTopic("x"))"#,
        22,
        "'NewTopic' is not a value",
    );
}

// ---------------------------------------------------------------------------------------------
// Consumer (translation before the session adds GroupId and MemberId).

#[test]
fn consumer_subscribe_forms() {
    let m = |v: Value| ConsumerOp::Subscribe(v.as_object().unwrap().clone());
    assert_eq!(
        op(r#"consumer.subscribe(["orders"], group_id="billing")"#),
        m(json!({"GroupId": "billing", "Topics": ["orders"]}))
    );
    assert_eq!(
        op(
            r#"consumer.subscribe(topics=("a", "b"), group_id="g", auto_offset_reset="earliest", partition_assignment_strategy="cooperative-sticky", client_id="c-1")"#
        ),
        m(
            json!({"GroupId": "g", "Topics": ["a", "b"], "ClientId": "c-1",
            "Assignor": "cooperative-sticky", "AutoOffsetReset": "earliest"})
        )
    );
    assert_eq!(
        op(
            r#"consumer2.subscribe("orders", group_id="g", assignor="roundrobin", enable_auto_commit=False, auto_commit_interval_ms=1000, session_timeout_ms=10000, heartbeat_interval_ms=1000, max_poll_interval_ms=60000, max_poll_records=5)"#
        ),
        m(
            json!({"GroupId": "g", "Topics": ["orders"], "Assignor": "roundrobin",
            "EnableAutoCommit": false, "AutoCommitIntervalMs": 1000, "SessionTimeoutMs": 10000,
            "HeartbeatIntervalMs": 1000, "MaxPollIntervalMs": 60000, "MaxPollRecords": 5})
        )
    );
}

#[test]
fn consumer_call_forms() {
    let calls = |v: Vec<(&'static str, Value)>| {
        ConsumerOp::Calls(
            v.into_iter()
                .map(|(a, r)| (a, r.as_object().unwrap().clone()))
                .collect(),
        )
    };
    assert_eq!(op("consumer.poll()"), calls(vec![("Poll", json!({}))]));
    assert_eq!(
        op("consumer.poll(max_records=10)"),
        calls(vec![("Poll", json!({"MaxRecords": 10}))])
    );
    assert_eq!(
        op("consumer.poll(timeout_ms=1000, max_records=3)"),
        calls(vec![("Poll", json!({"MaxRecords": 3}))])
    );
    assert_eq!(op("consumer.commit()"), calls(vec![("Commit", json!({}))]));
    let seek = json!({"Topic": "orders", "Partition": 0, "Offset": 42});
    assert_eq!(
        op(r#"consumer.seek("orders", 0, 42)"#),
        calls(vec![("Seek", seek.clone())])
    );
    assert_eq!(
        op(r#"consumer.seek(TopicPartition("orders", 0), 42)"#),
        calls(vec![("Seek", seek.clone())])
    );
    assert_eq!(
        op(r#"consumer.seek(TopicPartition(topic="orders", partition=0), offset=42)"#),
        calls(vec![("Seek", seek)])
    );
    assert_eq!(
        op("consumer.seek_to_beginning()"),
        ConsumerOp::SeekAll("beginning")
    );
    assert_eq!(op("consumer.seek_to_end()"), ConsumerOp::SeekAll("end"));
    assert_eq!(
        op(r#"consumer.seek_to_beginning("orders", 1)"#),
        calls(vec![(
            "Seek",
            json!({"Topic": "orders", "Partition": 1, "To": "beginning"})
        )])
    );
    assert_eq!(
        op(r#"consumer.seek_to_end(TopicPartition("a", 0), TopicPartition("b", 2))"#),
        calls(vec![
            ("Seek", json!({"Topic": "a", "Partition": 0, "To": "end"})),
            ("Seek", json!({"Topic": "b", "Partition": 2, "To": "end"})),
        ])
    );
    assert_eq!(
        op("consumer.close()"),
        calls(vec![("LeaveGroup", json!({}))])
    );
    assert_eq!(
        op("consumer.unsubscribe()"),
        calls(vec![("LeaveGroup", json!({}))])
    );
    assert_eq!(op("consumer.assignment()"), ConsumerOp::Assignment);
}

#[test]
fn consumer_errors() {
    err_at(
        r#"consumer.subscribe(["orders"])"#,
        10,
        "subscribe() needs group_id",
    );
    err_at(r#"consumer.subscribe(group_id="g")"#, 10, "needs topics");
    err_at(
        r#"consumer.subscribe([1], group_id="g")"#,
        21,
        "topics must be a str, found an int",
    );
    err_at(
        r#"consumer.subscribe(["o"], group_id="g", assignor="range", partition_assignment_strategy="range")"#,
        89,
        "same setting",
    );
    err_at(
        r#"consumer.subscribe(["o"], group_id="g", auto_reset="earliest")"#,
        41,
        "unknown keyword argument 'auto_reset'",
    );
    err_at(
        r#"consumer.subscribe(["o"], group_id="g", enable_auto_commit="no")"#,
        60,
        "must be True or False",
    );
    err_at(
        r#"consumer.poll(max_records="10")"#,
        27,
        "max_records must be an int",
    );
    err_at(
        r#"consumer.poll(1, 2, 3)"#,
        21,
        "at most 2 positional arguments (timeout_ms, max_records)",
    );
    err_at(
        r#"consumer.commit({"orders": 1})"#,
        17,
        "commit() commits the positions of the last poll",
    );
    err_at(r#"consumer.seek("orders", 0)"#, 10, "seek() needs offset");
    err_at(
        r#"consumer.seek("orders")"#,
        15,
        "a partition number must follow the topic",
    );
    err_at(
        r#"consumer.seek(TopicPartition("orders"), 1)"#,
        15,
        "TopicPartition() needs partition",
    );
    err_at(
        r#"consumer.seek(NewTopic("orders", 0), 1)"#,
        15,
        "expected TopicPartition(\"orders\", 0), found NewTopic(…)",
    );
    err_at(
        r#"consumer.seek_to_end("orders", 0, 1)"#,
        35,
        "takes no arguments",
    );
    err_at("consumer.close(True)", 16, "takes no arguments");
    err_at("consumer.fetch()", 10, "'fetch' is not a method of the Kafka consumer 'consumer'; known: subscribe, poll, commit, seek, seek_to_beginning, seek_to_end, assignment, close, unsubscribe");
    // Consumer forms are not calls by themselves.
    let e = parse_call("consumer.poll()").unwrap_err();
    assert!(e.message.contains("session"), "{}", e.message);
}
