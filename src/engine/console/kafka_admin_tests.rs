//! Unit tests of the Kafka admin forms and the generic `kafka` client: every form →
//! (service, action, request) exactly, and errors with their carets.

use serde_json::{json, Value};

use super::kafka_client::KafkaCommand;
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

/// The calls of a stateless form (admin forms may stand for several).
#[track_caller]
fn calls(src: &str) -> Vec<(String, Value)> {
    match parse_line(src) {
        Ok(Line::Kafka(KafkaCommand::Calls(v))) => v
            .into_iter()
            .map(|c| {
                assert_eq!(c.service, "kafka");
                (c.action, c.request)
            })
            .collect(),
        other => panic!("{src:?}: {other:?}"),
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

// ---------------------------------------------------------------------------------------------
// Admin.

#[test]
fn admin_forms() {
    let cases: Vec<(&str, Vec<(&str, Value)>)> = vec![
        (
            r#"admin.create_topics([NewTopic("orders", num_partitions=3, replication_factor=3)])"#,
            vec![(
                "CreateTopics",
                json!({"Topics": [{"Name": "orders", "NumPartitions": 3, "ReplicationFactor": 3}]}),
            )],
        ),
        (
            r#"admin.create_topics(new_topics=[NewTopic(name="a", num_partitions=1, replication_factor=1, topic_configs={"cleanup.policy": "compact", "retention.ms": 60000, "x": True}), NewTopic("b", 6, 2)], validate_only=False, timeout_ms=30000)"#,
            vec![(
                "CreateTopics",
                json!({"Topics": [
                {"Name": "a", "NumPartitions": 1, "ReplicationFactor": 1,
                 "Configs": {"cleanup.policy": "compact", "retention.ms": "60000", "x": "true"}},
                {"Name": "b", "NumPartitions": 6, "ReplicationFactor": 2}]}),
            )],
        ),
        (
            r#"admin.create_topics(NewTopic("solo"))"#,
            vec![("CreateTopics", json!({"Topics": [{"Name": "solo"}]}))],
        ),
        ("admin.list_topics()", vec![("ListTopics", json!({}))]),
        (
            r#"admin.describe_topics(["orders"])"#,
            vec![("DescribeTopics", json!({"TopicNames": ["orders"]}))],
        ),
        (
            "admin.describe_topics()",
            vec![("DescribeTopics", json!({}))],
        ),
        (
            r#"admin.delete_topics(["a", "b"])"#,
            vec![("DeleteTopics", json!({"TopicNames": ["a", "b"]}))],
        ),
        (
            r#"admin.create_partitions({"orders": NewPartitions(6)})"#,
            vec![(
                "CreatePartitions",
                json!({"Topic": "orders", "TotalCount": 6}),
            )],
        ),
        (
            r#"admin.create_partitions({"a": NewPartitions(total_count=4), "b": 8})"#,
            vec![
                ("CreatePartitions", json!({"Topic": "a", "TotalCount": 4})),
                ("CreatePartitions", json!({"Topic": "b", "TotalCount": 8})),
            ],
        ),
        (
            "admin.list_consumer_groups()",
            vec![("ListGroups", json!({}))],
        ),
        (
            r#"admin.describe_consumer_groups(["billing"])"#,
            vec![("DescribeGroups", json!({"GroupIds": ["billing"]}))],
        ),
        (
            r#"admin.list_consumer_group_offsets("billing")"#,
            vec![("ListConsumerGroupOffsets", json!({"GroupId": "billing"}))],
        ),
        (
            r#"admin.delete_consumer_groups(["a", "b"])"#,
            vec![
                ("DeleteGroup", json!({"GroupId": "a"})),
                ("DeleteGroup", json!({"GroupId": "b"})),
            ],
        ),
        (
            "admin.describe_cluster()",
            vec![("DescribeCluster", json!({}))],
        ),
    ];
    for (src, want) in cases {
        let want: Vec<(String, Value)> =
            want.into_iter().map(|(a, r)| (a.to_string(), r)).collect();
        assert_eq!(calls(src), want, "{src}");
    }
}

#[test]
fn admin_errors() {
    err_at(
        "admin.create_topics()",
        7,
        "create_topics() needs new_topics",
    );
    err_at(
        r#"admin.create_topics(["orders"])"#,
        22,
        "expected NewTopic(\"orders\", num_partitions=3, replication_factor=3), found a str",
    );
    err_at(
        r#"admin.create_topics([NewTopic(num_partitions=3)])"#,
        22,
        "NewTopic() needs name",
    );
    err_at(r#"admin.create_topics([NewTopic("o", partitions=3)])"#, 36, "unknown keyword argument 'partitions' for NewTopic(); known: name, num_partitions, replication_factor, topic_configs");
    err_at(
        r#"admin.create_topics([NewTopic("o", topic_configs={"a": None})])"#,
        56,
        "topic_configs[\"a\"] must be a str",
    );
    err_at(
        r#"admin.create_topics([NewTopic("o")], validate_only=True)"#,
        52,
        "validate_only is not supported",
    );
    err_at(
        r#"admin.create_partitions({"o": NewTopic("o")})"#,
        31,
        "expected NewPartitions(6)",
    );
    err_at(r#"admin.create_partitions({})"#, 25, "no topic given");
    err_at(
        r#"admin.create_partitions(["o"])"#,
        25,
        "topic_partitions must be a dict",
    );
    err_at("admin.list_topics(1)", 19, "takes no arguments");
    err_at("admin.describe_consumer_group()", 7, "'describe_consumer_group' is not a method of the Kafka admin client 'admin'; known: create_topics,");
}

// ---------------------------------------------------------------------------------------------
// The generic boto3-style form of service kafka.

#[test]
fn generic_kafka_client() {
    assert_eq!(service_for_client("kafka"), "kafka");
    assert_eq!(service_for_client("kafka_client"), "kafka");
    assert_eq!(
        one(r#"kafka.describe_topics(TopicNames=["orders"])"#),
        (
            "DescribeTopics".to_string(),
            json!({"TopicNames": ["orders"]})
        )
    );
    assert_eq!(
        one(r#"kafka.produce(Topic="t", Records=[{"Key": "k", "Value": None}])"#),
        (
            "Produce".to_string(),
            json!({"Topic": "t", "Records": [{"Key": "k", "Value": null}]})
        )
    );
    // boto3 style stays keyword-only.
    let e = parse_call(r#"kafka.describe_topics(["orders"])"#).unwrap_err();
    assert!(
        e.message.contains("positional arguments are not supported"),
        "{}",
        e.message
    );
}
