//! Unit tests of [`ConsoleSession`]: consumer state from responses, the calls it sends, errors,
//! and no panics on any line (mutated Kafka forms).

use serde_json::{json, Value};

use super::session::{ConsoleConsumer, ConsoleSession, Outcome, Plan, Reply};
use super::tests::{mutate, Rng};
use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::world::{World, WorldConfig};

/// A fake dispatcher: records every call and answers from a script by action.
#[derive(Default)]
struct Fake {
    sent: Vec<(String, String, Value)>,
    member: u32,
    /// Actions that fail.
    failing: Vec<&'static str>,
    /// The assignment Poll answers.
    assignment: Value,
}

impl Fake {
    fn call(&mut self, service: &str, action: &str, request: Value) -> Result<Value, ApiError> {
        self.sent
            .push((service.to_string(), action.to_string(), request.clone()));
        if self.failing.contains(&action) {
            return Err(ApiError::new(
                ErrorKind::UnknownMemberIdException,
                format!("{action} failed"),
            ));
        }
        Ok(match action {
            "Subscribe" => {
                self.member += 1;
                json!({"GroupId": request["GroupId"], "MemberId": format!("m-{}", self.member), "State": "PreparingRebalance"})
            }
            "Poll" => {
                json!({"Records": [], "GenerationId": 1, "Assignment": self.assignment, "Rebalancing": false})
            }
            _ => json!({"Action": action}),
        })
    }

    fn run(&mut self, session: &mut ConsoleSession, src: &str) -> Reply {
        session.run(src, |s, a, r| self.call(s, a, r))
    }

    /// The calls sent since the last `take`.
    fn take(&mut self) -> Vec<(String, Value)> {
        self.sent
            .drain(..)
            .map(|(s, a, r)| {
                assert_eq!(s, "kafka");
                (a, r)
            })
            .collect()
    }
}

fn calls(v: Vec<(&str, Value)>) -> Vec<(String, Value)> {
    v.into_iter().map(|(a, r)| (a.to_string(), r)).collect()
}

#[track_caller]
fn parse_error(reply: &Reply, column: usize, needle: &str) {
    match &reply.outcome {
        Outcome::Parse(e) => {
            assert_eq!(e.column, column, "{e}");
            assert!(
                e.message.contains(needle),
                "{:?} lacks {needle:?}",
                e.message
            );
        }
        other => panic!("expected a console error, got {other:?}"),
    }
    assert!(reply.calls.is_empty());
}

#[test]
fn poll_before_subscribe_is_a_console_error() {
    let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
    let r = f.run(&mut s, "  consumer.poll()");
    parse_error(
        &r,
        3,
        "'consumer' has not subscribed: run consumer.subscribe(",
    );
    assert!(f.take().is_empty());
    for src in [
        "consumer.commit()",
        "consumer.seek(\"o\", 0, 1)",
        "consumer.seek_to_end()",
        "consumer.close()",
        "consumer.assignment()",
    ] {
        parse_error(&f.run(&mut s, src), 1, "has not subscribed");
    }
    assert!(f.take().is_empty());
}

#[test]
fn subscribe_then_consumer_calls_carry_group_and_member() {
    let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
    let r = f.run(
        &mut s,
        r#"consumer.subscribe(["orders"], group_id="billing", auto_offset_reset="earliest")"#,
    );
    assert_eq!(r.label().as_deref(), Some("kafka.Subscribe"));
    assert_eq!(
        r.outcome,
        Outcome::Response(
            json!({"GroupId": "billing", "MemberId": "m-1", "State": "PreparingRebalance"})
        )
    );
    assert_eq!(
        f.take(),
        calls(vec![(
            "Subscribe",
            json!({"GroupId": "billing", "Topics": ["orders"], "AutoOffsetReset": "earliest"})
        )])
    );
    assert_eq!(
        s.consumers.get("consumer"),
        Some(&ConsoleConsumer {
            group_id: "billing".into(),
            member_id: "m-1".into(),
            assignment: vec![]
        })
    );
    f.assignment =
        json!([{"Topic": "orders", "Partition": 0}, {"Topic": "orders", "Partition": 2}]);
    f.run(&mut s, "consumer.poll(max_records=10)");
    f.run(&mut s, "consumer.commit()");
    f.run(&mut s, r#"consumer.seek("orders", 2, 42)"#);
    let g = |extra: Value| {
        let mut o = json!({"GroupId": "billing", "MemberId": "m-1"});
        o.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        o
    };
    assert_eq!(
        f.take(),
        calls(vec![
            ("Poll", g(json!({"MaxRecords": 10}))),
            ("Commit", g(json!({}))),
            (
                "Seek",
                g(json!({"Topic": "orders", "Partition": 2, "Offset": 42}))
            ),
        ])
    );
    // GroupId and MemberId come first, as written in the spec.
    assert_eq!(
        s.consumers["consumer"].assignment,
        vec![("orders".to_string(), 0), ("orders".to_string(), 2)]
    );

    // seek_to_beginning() seeks every partition of the last poll's assignment.
    let r = f.run(&mut s, "consumer.seek_to_beginning()");
    assert_eq!(r.label().as_deref(), Some("kafka.Seek ×2"));
    assert_eq!(
        r.outcome,
        Outcome::Response(json!({"Responses": [{"Action": "Seek"}, {"Action": "Seek"}]}))
    );
    assert_eq!(
        f.take(),
        calls(vec![
            (
                "Seek",
                g(json!({"Topic": "orders", "Partition": 0, "To": "beginning"}))
            ),
            (
                "Seek",
                g(json!({"Topic": "orders", "Partition": 2, "To": "beginning"}))
            ),
        ])
    );
    match f.run(&mut s, "consumer.assignment()").outcome {
        Outcome::Note(t) => assert!(t.contains("orders-0, orders-2") && t.contains("m-1"), "{t}"),
        o => panic!("{o:?}"),
    }

    // A second subscribe is refused; close() leaves and forgets.
    parse_error(
        &f.run(&mut s, r#"consumer.subscribe(["x"], group_id="g")"#),
        1,
        "is already member m-1 of group billing",
    );
    assert!(f.take().is_empty());
    f.run(&mut s, "consumer.close()");
    assert_eq!(f.take(), calls(vec![("LeaveGroup", g(json!({})))]));
    assert!(s.consumers.is_empty());
    parse_error(&f.run(&mut s, "consumer.poll()"), 1, "has not subscribed");
}

#[test]
fn named_consumers_are_separate_members() {
    let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
    f.run(
        &mut s,
        r#"consumer.subscribe(["orders"], group_id="billing")"#,
    );
    f.run(
        &mut s,
        r#"consumer2.subscribe(["orders"], group_id="billing")"#,
    );
    f.take();
    f.run(&mut s, "consumer2.poll()");
    f.run(&mut s, "consumer.poll()");
    assert_eq!(
        f.take(),
        calls(vec![
            ("Poll", json!({"GroupId": "billing", "MemberId": "m-2"})),
            ("Poll", json!({"GroupId": "billing", "MemberId": "m-1"})),
        ])
    );
    // seek_to_end() with an empty known assignment says what to do.
    parse_error(
        &f.run(&mut s, "consumer.seek_to_end()"),
        1,
        "knows no assigned partition yet: consumer.poll() first",
    );
}

#[test]
fn failures_stop_the_line_and_keep_the_state_right() {
    let mut f = Fake {
        failing: vec!["Subscribe"],
        ..Fake::default()
    };
    let mut s = ConsoleSession::new();
    let r = f.run(&mut s, r#"consumer.subscribe(["orders"], group_id="g")"#);
    assert!(
        matches!(r.outcome, Outcome::ApiError(ref e) if e.kind == ErrorKind::UnknownMemberIdException)
    );
    assert!(s.consumers.is_empty());

    // A close that fails (the member expired) still forgets the consumer.
    f.failing = vec!["LeaveGroup"];
    f.run(&mut s, r#"consumer.subscribe(["orders"], group_id="g")"#);
    assert_eq!(s.consumers.len(), 1);
    let r = f.run(&mut s, "consumer.close()");
    assert!(matches!(r.outcome, Outcome::ApiError(_)));
    assert!(s.consumers.is_empty());

    // Several calls stop at the first failure.
    f.failing = vec!["CreatePartitions"];
    f.take();
    let r = f.run(&mut s, r#"admin.create_partitions({"a": 2, "b": 3})"#);
    assert_eq!(r.calls, ["kafka.CreatePartitions"]);
    assert_eq!(f.take().len(), 1);
}

#[test]
fn stateless_lines_pass_through() {
    let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
    let r = f.run(&mut s, "producer.flush()");
    assert!(matches!(r.outcome, Outcome::Note(ref t) if t.contains("sent nothing")));
    assert_eq!(r.label(), None);
    let r = f.run(&mut s, r#"producer.send("orders", key="k", value="v")"#);
    assert_eq!(r.label().as_deref(), Some("kafka.Produce"));
    assert_eq!(
        f.take(),
        calls(vec![(
            "Produce",
            json!({"Topic": "orders", "Records": [{"Key": "k", "Value": "v"}]})
        )])
    );
    assert_eq!(
        s.plan("kinesis.list_streams()"),
        Ok(Plan::Calls {
            consumer: None,
            calls: vec![super::parse_call("kinesis.list_streams()").unwrap()]
        })
    );
    parse_error(
        &f.run(&mut s, "kinesis.put_record(A=)"),
        22,
        "expected a value",
    );
}

#[test]
fn run_on_a_world_goes_through_the_dispatcher() {
    let mut world = World::new(WorldConfig::seeded(7));
    let mut s = ConsoleSession::new();
    let r = s.run_on(
        &mut world,
        r#"kinesis.create_stream(StreamName="orders", ShardCount=1)"#,
    );
    assert_eq!(r.calls, ["kinesis.CreateStream"]);
    assert!(matches!(r.outcome, Outcome::Response(_)), "{r:?}");
    let r = s.run_on(
        &mut world,
        r#"kinesis.create_stream(StreamName="orders", ShardCount=1)"#,
    );
    assert!(
        matches!(r.outcome, Outcome::ApiError(ref e) if e.kind == ErrorKind::ResourceInUseException),
        "{r:?}"
    );
    // Kafka forms reach service kafka (whatever it answers today, nothing panics).
    let r = s.run_on(&mut world, "admin.describe_cluster()");
    assert_eq!(r.calls, ["kafka.DescribeCluster"]);
}

const KAFKA_SEEDS: &[&str] = &[
    r#"producer.send("orders", key="user-1", value="hello", partition=2, headers={"h": b"v"}, acks="1")"#,
    r#"consumer.subscribe(["orders"], group_id="billing", auto_offset_reset="earliest", assignor="range")"#,
    "consumer.poll(max_records=10)",
    r#"consumer.seek(TopicPartition("orders", 0), 42)"#,
    r#"consumer.seek_to_end(TopicPartition("a", 0), TopicPartition("b", 2))"#,
    r#"admin.create_topics([NewTopic("orders", num_partitions=3, replication_factor=3, topic_configs={"cleanup.policy": "compact"})])"#,
    r#"admin.create_partitions({"orders": NewPartitions(6), "b": 2})"#,
    r#"kafka.describe_topics(TopicNames=["orders"])"#,
];

#[test]
fn mutated_kafka_lines_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
    f.assignment = json!([{"Topic": "orders", "Partition": 0}]);
    let (mut oks, mut errs) = (0, 0);
    for i in 0..20_000 {
        let mut src = mutate(&mut rng, KAFKA_SEEDS[i % KAFKA_SEEDS.len()]);
        if i % 5 == 0 {
            src = mutate(&mut rng, &src);
        }
        let r = f.run(&mut s, &src);
        match &r.outcome {
            Outcome::Parse(e) => {
                errs += 1;
                assert!(e.position <= src.len() && src.is_char_boundary(e.position));
                assert!(e.render(&src).contains('^'));
            }
            _ => oks += 1,
        }
        if i % 97 == 0 {
            s = ConsoleSession::new();
            f.run(&mut s, KAFKA_SEEDS[1]);
        }
        f.sent.clear();
    }
    assert!(oks > 500 && errs > 1_000, "oks {oks}, errs {errs}");
}

#[cfg(not(target_arch = "wasm32"))]
mod prop {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, .. ProptestConfig::default() })]

        #[test]
        fn any_consumer_line_never_panics(tail in "[a-zA-Z_.()\\[\\]{}:,='\"0-9 -]{0,80}") {
            let (mut s, mut f) = (ConsoleSession::new(), Fake::default());
            f.run(&mut s, r#"consumer.subscribe(["o"], group_id="g")"#);
            for head in ["consumer.", "producer.", "admin.", "consumer.seek(", "admin.create_topics([NewTopic("] {
                let src = format!("{head}{tail}");
                if let Outcome::Parse(e) = f.run(&mut s, &src).outcome {
                    let _ = e.render(&src);
                }
            }
        }
    }
}
