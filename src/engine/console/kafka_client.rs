//! Kafka client forms of the console, written the way kafka-python users write them, translated
//! to service `kafka` dispatcher calls:
//!
//! | form | action |
//! |---|---|
//! | `producer.send("orders", key="user-1", value="hello")` (+ `partition=`, `headers=`, `timestamp_ms=`, `acks=`) | `Produce` |
//! | `producer.flush()`, `producer.close()` | nothing (every send is already acknowledged) |
//! | `consumer.subscribe(["orders"], group_id="billing")` (+ `auto_offset_reset=`, `assignor=` / `partition_assignment_strategy=`, `client_id=`, …) | `Subscribe` |
//! | `consumer.poll()`, `consumer.poll(max_records=10)` | `Poll` |
//! | `consumer.commit()` | `Commit` |
//! | `consumer.seek("orders", 0, 42)`, `consumer.seek(TopicPartition("orders", 0), 42)` | `Seek` with `Offset` |
//! | `consumer.seek_to_beginning()` / `seek_to_end()` (optionally `("orders", 0)` or `TopicPartition(…)`s) | `Seek` with `To`, per partition |
//! | `consumer.close()`, `consumer.unsubscribe()` | `LeaveGroup` |
//! | `admin.create_topics([NewTopic("orders", num_partitions=3, replication_factor=3, topic_configs={…})])` | `CreateTopics` |
//! | `admin.list_topics()`, `describe_topics(["orders"])`, `delete_topics(["orders"])` | `ListTopics`, `DescribeTopics`, `DeleteTopics` |
//! | `admin.create_partitions({"orders": NewPartitions(6)})` | `CreatePartitions`, per topic |
//! | `admin.list_consumer_groups()`, `describe_consumer_groups(["billing"])`, `list_consumer_group_offsets("billing")`, `delete_consumer_groups(["billing"])` | `ListGroups`, `DescribeGroups`, `ListConsumerGroupOffsets`, `DeleteGroup` per group |
//! | `admin.describe_cluster()` | `DescribeCluster` |
//!
//! Consumer forms need the consumer's `GroupId` and `MemberId`, which only the `Subscribe`
//! response gives: [`crate::engine::console::session::ConsoleSession`] keeps them and fills them
//! in. Here a consumer form becomes a [`ConsumerOp`] without them.

use serde_json::{json, Map, Value};

use crate::engine::console::kafka_args::{bind, string, text};
use crate::engine::console::literal::{Node, Py};
use crate::engine::console::parser::Call;
use crate::engine::console::{ConsoleError, ParsedCall};

/// What a Kafka client variable is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `producer`: a KafkaProducer.
    Producer,
    /// `consumer`: a KafkaConsumer (one group member).
    Consumer,
    /// `admin`: a KafkaAdminClient.
    Admin,
}

/// Methods of each role, for error messages.
pub const PRODUCER_METHODS: &[&str] = &["send", "flush", "close"];
/// Methods of a consumer.
pub const CONSUMER_METHODS: &[&str] = &[
    "subscribe",
    "poll",
    "commit",
    "seek",
    "seek_to_beginning",
    "seek_to_end",
    "assignment",
    "close",
    "unsubscribe",
];
/// Methods of the admin client.
pub const ADMIN_METHODS: &[&str] = &[
    "create_topics",
    "list_topics",
    "describe_topics",
    "delete_topics",
    "create_partitions",
    "list_consumer_groups",
    "describe_consumer_groups",
    "list_consumer_group_offsets",
    "delete_consumer_groups",
    "describe_cluster",
];

/// The role of a client variable: `producer`, `consumer`, `admin`, optionally numbered or with a
/// `_`-separated qualifier (`consumer2`, `consumer_b`, `billing_consumer`, `kafka_admin`).
/// `None` for every other name (boto3 clients such as `kinesis`, `kafka`, `client`).
pub fn client_role(name: &str) -> Option<Role> {
    let lower = name.to_ascii_lowercase();
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    [
        ("producer", Role::Producer),
        ("consumer", Role::Consumer),
        ("admin", Role::Admin),
    ]
    .into_iter()
    .find(|(word, _)| {
        base == *word
            || base.strip_prefix(word).is_some_and(|r| r.starts_with('_'))
            || base.strip_suffix(word).is_some_and(|r| r.ends_with('_'))
    })
    .map(|(_, role)| role)
}

/// A Kafka form, translated.
#[derive(Clone, Debug, PartialEq)]
pub enum KafkaCommand {
    /// Dispatcher calls, run in order until one fails.
    Calls(Vec<ParsedCall>),
    /// A consumer form: the session adds the consumer's group and member.
    Consumer {
        /// The consumer variable (`consumer`, `consumer2`).
        name: String,
        /// Byte offset of the variable, for errors.
        pos: usize,
        /// What to do.
        op: ConsumerOp,
    },
    /// Nothing to send; the text says why.
    Note(String),
}

/// A consumer form before the session fills in `GroupId` and `MemberId`.
#[derive(Clone, Debug, PartialEq)]
pub enum ConsumerOp {
    /// `Subscribe` with this request (it names its own `GroupId`).
    Subscribe(Map<String, Value>),
    /// These actions, each request to get `GroupId` and `MemberId` in front.
    Calls(Vec<(&'static str, Map<String, Value>)>),
    /// `Seek` with `To` (`beginning` / `end`) for every partition of the consumer's assignment.
    SeekAll(&'static str),
    /// Show the assignment the consumer last saw (no call).
    Assignment,
}

/// Translates a parsed call on a Kafka client variable (`client_role(&call.client)` is `Some`).
pub fn translate(src: &str, call: &Call) -> Result<KafkaCommand, ConsoleError> {
    let role = client_role(&call.client)
        .ok_or_else(|| ConsoleError::at(src, call.client_pos, "not a Kafka client variable"))?;
    let c = Ctx { src, call };
    match role {
        Role::Producer => c.producer(),
        Role::Consumer => c.consumer(),
        Role::Admin => c.admin(),
    }
}

pub(super) struct Ctx<'a> {
    pub(super) src: &'a str,
    pub(super) call: &'a Call,
}

pub(super) fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn kafka(action: &str, request: Map<String, Value>) -> ParsedCall {
    ParsedCall {
        service: "kafka".into(),
        action: action.into(),
        request: Value::Object(request),
    }
}

impl<'a> Ctx<'a> {
    pub(super) fn what(&self) -> String {
        format!("{}.{}()", self.call.client, self.call.method)
    }

    /// Binds the call's own arguments.
    pub(super) fn bind(
        &self,
        params: &[&'static str],
        max_positional: usize,
    ) -> Result<crate::engine::console::kafka_args::Bound<'a>, ConsoleError> {
        bind(
            self.src,
            &self.what(),
            self.call.method_pos,
            &self.call.positional,
            &self.call.args,
            params,
            max_positional,
        )
    }

    pub(super) fn unknown(&self, known: &[&str]) -> ConsoleError {
        ConsoleError::at(
            self.src,
            self.call.method_pos,
            format!(
                "'{}' is not a method of the Kafka {} '{}'; known: {}",
                self.call.method,
                match client_role(&self.call.client) {
                    Some(Role::Producer) => "producer",
                    Some(Role::Consumer) => "consumer",
                    _ => "admin client",
                },
                self.call.client,
                known.join(", ")
            ),
        )
    }

    fn producer(&self) -> Result<KafkaCommand, ConsoleError> {
        match self.call.method.as_str() {
            "send" => {
                let params = &[
                    "topic",
                    "value",
                    "key",
                    "headers",
                    "partition",
                    "timestamp_ms",
                    "acks",
                ];
                let b = self.bind(params, 6)?;
                let topic = string(
                    self.src,
                    b.need("topic", "send(\"orders\", value=\"hello\")")?,
                    "topic",
                )?;
                let key = b.get("key").map(|n| text(self.src, n, "key")).transpose()?;
                let value = b
                    .get("value")
                    .map(|n| text(self.src, n, "value"))
                    .transpose()?;
                if key.is_none() && value.is_none() {
                    return Err(ConsoleError::at(
                        self.src,
                        self.call.method_pos,
                        "send() needs a value or a key (value=None with a key is a tombstone)",
                    ));
                }
                let mut record = Map::new();
                if let Some(k) = key {
                    record.insert("Key".into(), Value::String(k));
                }
                record.insert("Value".into(), value.map_or(Value::Null, Value::String));
                if let Some(p) = b.opt_int("partition")? {
                    record.insert("Partition".into(), json!(p));
                }
                if let Some(t) = b.opt_int("timestamp_ms")? {
                    record.insert("Timestamp".into(), json!(t));
                }
                if let Some(h) = b.get("headers") {
                    record.insert("Headers".into(), self.headers(h)?);
                }
                let mut req = obj(vec![
                    ("Topic", Value::String(topic)),
                    ("Records", Value::Array(vec![Value::Object(record)])),
                ]);
                if let Some(n) = b.get("acks") {
                    let acks = match &n.value {
                        Py::Str(s) => s.clone(),
                        Py::Int(i) => i.to_string(),
                        _ => {
                            return Err(ConsoleError::at(
                                self.src,
                                n.pos,
                                "acks must be 0, 1, \"all\" or -1",
                            ))
                        }
                    };
                    req.insert("Acks".into(), Value::String(acks));
                }
                Ok(KafkaCommand::Calls(vec![kafka("Produce", req)]))
            }
            "flush" | "close" => {
                self.bind(&[], 0)?;
                Ok(KafkaCommand::Note(format!(
                    "{}() sent nothing: the playground's producer does not batch, every send() was already \
                     acknowledged (or failed) when it returned",
                    self.call.method
                )))
            }
            _ => Err(self.unknown(PRODUCER_METHODS)),
        }
    }

    /// `{"trace": "abc"}` or `[("trace", b"abc")]` → `{"trace": "abc"}`.
    fn headers(&self, node: &Node) -> Result<Value, ConsoleError> {
        let mut out = Map::new();
        match &node.value {
            Py::Dict(entries) => {
                for (k, v) in entries {
                    out.insert(
                        k.clone(),
                        Value::String(text(self.src, v, "a header value")?),
                    );
                }
            }
            Py::List(items) => {
                for item in items {
                    match &item.value {
                        Py::List(pair) if pair.len() == 2 => {
                            let k = string(self.src, &pair[0], "a header name")?;
                            out.insert(
                                k,
                                Value::String(text(self.src, &pair[1], "a header value")?),
                            );
                        }
                        _ => {
                            return Err(ConsoleError::at(
                                self.src,
                                item.pos,
                                "headers must be a dict or a list of (name, value) pairs",
                            ))
                        }
                    }
                }
            }
            _ => {
                return Err(ConsoleError::at(
                    self.src,
                    node.pos,
                    "headers must be a dict or a list of (name, value) pairs",
                ))
            }
        }
        Ok(Value::Object(out))
    }

    fn admin(&self) -> Result<KafkaCommand, ConsoleError> {
        match crate::engine::console::kafka_admin::admin(self.src, self.call, &self.what())? {
            Some(calls) => Ok(KafkaCommand::Calls(calls)),
            None => Err(self.unknown(ADMIN_METHODS)),
        }
    }
}
