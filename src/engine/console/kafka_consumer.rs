//! The console's Kafka consumer forms (`consumer.subscribe(["orders"], group_id="billing")`,
//! `consumer.poll()`, `consumer.seek("orders", 0, 42)`, …) translated to [`ConsumerOp`]s; the
//! session fills in the consumer's `GroupId` and `MemberId`. See
//! [`crate::engine::console::kafka_client`] for the table of forms.

use serde_json::{json, Map, Value};

use crate::engine::console::kafka_args::{bind, ctor, int, str_list, string};
use crate::engine::console::kafka_client::{obj, ConsumerOp, Ctx, KafkaCommand, CONSUMER_METHODS};
use crate::engine::console::literal::{Node, Py};
use crate::engine::console::ConsoleError;

impl<'a> Ctx<'a> {
    pub(super) fn consumer(&self) -> Result<KafkaCommand, ConsoleError> {
        let op = match self.call.method.as_str() {
            "subscribe" => ConsumerOp::Subscribe(self.subscribe()?),
            "poll" => {
                let b = self.bind(&["timeout_ms", "max_records"], 2)?;
                // timeout_ms is accepted and ignored: a call takes no virtual time.
                b.opt_int("timeout_ms")?;
                let mut req = Map::new();
                if let Some(n) = b.opt_int("max_records")? {
                    req.insert("MaxRecords".into(), json!(n));
                }
                ConsumerOp::Calls(vec![("Poll", req)])
            }
            "commit" => {
                self.bind(&[], 0).map_err(|e| ConsoleError {
                    message: format!(
                        "{}: commit() commits the positions of the last poll; to commit chosen offsets use \
                         kafka.commit(GroupId=…, MemberId=…, Offsets=[{{\"Topic\": …, \"Partition\": …, \"Offset\": …}}])",
                        e.message
                    ),
                    ..e
                })?;
                ConsumerOp::Calls(vec![("Commit", Map::new())])
            }
            "seek" => {
                let (parts, rest) = self.partitions(&self.call.positional, 1)?;
                let b = bind(
                    self.src,
                    &self.what(),
                    self.call.method_pos,
                    rest,
                    &self.call.args,
                    &["offset"],
                    1,
                )?;
                let offset = int(
                    self.src,
                    b.need("offset", "seek(\"orders\", 0, 42)")?,
                    "offset",
                )?;
                let Some((topic, partition)) = parts.into_iter().next() else {
                    return Err(ConsoleError::at(self.src, self.call.method_pos, "seek() needs a partition: seek(\"orders\", 0, 42) or seek(TopicPartition(\"orders\", 0), 42)"));
                };
                let req = obj(vec![
                    ("Topic", json!(topic)),
                    ("Partition", json!(partition)),
                    ("Offset", json!(offset)),
                ]);
                ConsumerOp::Calls(vec![("Seek", req)])
            }
            m @ ("seek_to_beginning" | "seek_to_end") => {
                let to = if m == "seek_to_end" {
                    "end"
                } else {
                    "beginning"
                };
                let (parts, rest) = self.partitions(&self.call.positional, usize::MAX)?;
                bind(
                    self.src,
                    &self.what(),
                    self.call.method_pos,
                    rest,
                    &self.call.args,
                    &[],
                    0,
                )?;
                if parts.is_empty() {
                    ConsumerOp::SeekAll(to)
                } else {
                    ConsumerOp::Calls(
                        parts
                            .into_iter()
                            .map(|(t, p)| {
                                (
                                    "Seek",
                                    obj(vec![
                                        ("Topic", json!(t)),
                                        ("Partition", json!(p)),
                                        ("To", json!(to)),
                                    ]),
                                )
                            })
                            .collect(),
                    )
                }
            }
            "assignment" => {
                self.bind(&[], 0)?;
                ConsumerOp::Assignment
            }
            "close" | "unsubscribe" => {
                self.bind(&[], 0)?;
                ConsumerOp::Calls(vec![("LeaveGroup", Map::new())])
            }
            _ => return Err(self.unknown(CONSUMER_METHODS)),
        };
        Ok(KafkaCommand::Consumer {
            name: self.call.client.clone(),
            pos: self.call.client_pos,
            op,
        })
    }

    fn subscribe(&self) -> Result<Map<String, Value>, ConsoleError> {
        const EXAMPLE: &str = "subscribe([\"orders\"], group_id=\"billing\")";
        let b = self.bind(
            &[
                "topics",
                "group_id",
                "client_id",
                "assignor",
                "partition_assignment_strategy",
                "auto_offset_reset",
                "enable_auto_commit",
                "auto_commit_interval_ms",
                "session_timeout_ms",
                "heartbeat_interval_ms",
                "max_poll_interval_ms",
                "max_poll_records",
            ],
            1,
        )?;
        let topics = str_list(self.src, b.need("topics", EXAMPLE)?, "topics")?;
        let group = string(self.src, b.need("group_id", EXAMPLE)?, "group_id")?;
        let mut req = obj(vec![("GroupId", json!(group)), ("Topics", json!(topics))]);
        if let Some(id) = b.opt_str("client_id")? {
            req.insert("ClientId".into(), json!(id));
        }
        if let (Some(_), Some(second)) = (b.get("assignor"), b.get("partition_assignment_strategy"))
        {
            return Err(ConsoleError::at(
                self.src,
                second.pos,
                "assignor and partition_assignment_strategy are the same setting: give one",
            ));
        }
        let assignor = match b.opt_str("assignor")? {
            Some(a) => Some(a),
            None => b.opt_str("partition_assignment_strategy")?,
        };
        if let Some(a) = assignor {
            req.insert("Assignor".into(), json!(a));
        }
        if let Some(r) = b.opt_str("auto_offset_reset")? {
            req.insert("AutoOffsetReset".into(), json!(r));
        }
        if let Some(v) = b.opt_bool("enable_auto_commit")? {
            req.insert("EnableAutoCommit".into(), json!(v));
        }
        for (param, member) in [
            ("auto_commit_interval_ms", "AutoCommitIntervalMs"),
            ("session_timeout_ms", "SessionTimeoutMs"),
            ("heartbeat_interval_ms", "HeartbeatIntervalMs"),
            ("max_poll_interval_ms", "MaxPollIntervalMs"),
            ("max_poll_records", "MaxPollRecords"),
        ] {
            if let Some(v) = b.opt_int(param)? {
                req.insert(member.into(), json!(v));
            }
        }
        Ok(req)
    }

    /// Leading partitions among `nodes`: `TopicPartition("orders", 0)`s or one `"orders", 0`
    /// pair (at most `max` of them), and the nodes after them.
    #[allow(clippy::type_complexity)]
    fn partitions(
        &self,
        nodes: &'a [Node],
        max: usize,
    ) -> Result<(Vec<(String, i64)>, &'a [Node]), ConsoleError> {
        let mut out = Vec::new();
        let mut i = 0;
        if let Some(Node {
            value: Py::Str(topic),
            ..
        }) = nodes.first()
        {
            let Some(p) = nodes.get(1) else {
                return Err(ConsoleError::at(
                    self.src,
                    nodes[0].pos,
                    format!("a partition number must follow the topic: (\"{topic}\", 0)"),
                ));
            };
            out.push((topic.clone(), int(self.src, p, "partition")?));
            i = 2;
        } else {
            while let Some(
                n @ Node {
                    value: Py::Call { .. },
                    ..
                },
            ) = nodes.get(i)
            {
                if out.len() == max {
                    break;
                }
                out.push(self.topic_partition(n)?);
                i += 1;
            }
        }
        Ok((out, &nodes[i..]))
    }

    fn topic_partition(&self, node: &Node) -> Result<(String, i64), ConsoleError> {
        let (args, kwargs) = ctor(
            self.src,
            node,
            "TopicPartition",
            "TopicPartition(\"orders\", 0)",
        )?;
        let b = bind(
            self.src,
            "TopicPartition()",
            node.pos,
            args,
            kwargs,
            &["topic", "partition"],
            2,
        )?;
        let topic = string(
            self.src,
            b.need("topic", "TopicPartition(\"orders\", 0)")?,
            "topic",
        )?;
        let partition = int(
            self.src,
            b.need("partition", "TopicPartition(\"orders\", 0)")?,
            "partition",
        )?;
        Ok((topic, partition))
    }
}
