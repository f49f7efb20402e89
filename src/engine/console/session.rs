//! The console's session state: what the console's Kafka consumers are.
//!
//! A consumer form (`consumer.poll()`) needs the consumer's `GroupId` and `MemberId`, which only
//! its `Subscribe` response gives. A [`ConsoleSession`] (held by the console, one per console)
//! remembers them per consumer variable: `consumer`, and any other consumer name
//! (`consumer2`, `billing_consumer`; see [`crate::engine::console::kafka_client::client_role`]), so two console consumers can share a
//! group and watch it rebalance. It also remembers each consumer's last assignment (from `Poll`
//! responses) for `seek_to_beginning()` / `seek_to_end()` without arguments.
//!
//! [`ConsoleSession::run`] parses a line, sends its calls through the caller's dispatcher
//! function, and updates the state from the responses:
//! - `Subscribe` succeeded → the consumer is that member of that group (a second `subscribe` on a
//!   subscribed consumer is refused: `close()` it first);
//! - `Poll` succeeded → its `Assignment` is remembered;
//! - `LeaveGroup` (`close()`) → the consumer is forgotten whatever the answer (as a closed client
//!   is gone), so a consumer whose member expired can be closed and subscribed again.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::engine::api::error::ApiError;
use crate::engine::console::kafka_client::{ConsumerOp, KafkaCommand};
use crate::engine::console::{parse_line, ConsoleError, Line, ParsedCall};
use crate::engine::world::World;

/// One console consumer: a member of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleConsumer {
    /// The group it joined.
    pub group_id: String,
    /// Its member id, from the `Subscribe` response.
    pub member_id: String,
    /// `(topic, partition)`s of the last `Poll`'s `Assignment`.
    pub assignment: Vec<(String, i64)>,
}

/// The console's state between lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsoleSession {
    /// Subscribed consumers by variable name.
    pub consumers: BTreeMap<String, ConsoleConsumer>,
}

/// What a line asks for: calls to send, or a note to show.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Send these, in order, until one fails. `consumer` is the consumer variable they act for.
    Calls {
        /// The consumer variable, for consumer forms.
        consumer: Option<String>,
        /// The calls.
        calls: Vec<ParsedCall>,
    },
    /// Nothing to send; show this.
    Note(String),
}

/// How a line ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The response (of several calls: `{"Responses": [...]}` in order).
    Response(Value),
    /// A call failed (the earlier calls of the line took effect).
    ApiError(ApiError),
    /// The line did not parse or translate; nothing was sent.
    Parse(ConsoleError),
    /// Nothing was sent; the text says why.
    Note(String),
}

/// The result of [`ConsoleSession::run`].
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The calls sent, `kafka.Poll` (empty when nothing was sent).
    pub calls: Vec<String>,
    /// How it ended.
    pub outcome: Outcome,
}

impl Reply {
    /// `kafka.Seek ×2`, or `None` when nothing was sent.
    pub fn label(&self) -> Option<String> {
        let first = self.calls.first()?;
        Some(
            if self.calls.iter().all(|c| c == first) && self.calls.len() > 1 {
                format!("{first} ×{}", self.calls.len())
            } else {
                self.calls.join(", ")
            },
        )
    }
}

impl ConsoleSession {
    /// An empty session: no consumers.
    pub fn new() -> ConsoleSession {
        ConsoleSession::default()
    }

    /// The calls `src` stands for, given the state (nothing is sent).
    pub fn plan(&self, src: &str) -> Result<Plan, ConsoleError> {
        let command = match parse_line(src)? {
            Line::Call(c) => {
                return Ok(Plan::Calls {
                    consumer: None,
                    calls: vec![c],
                })
            }
            Line::Kafka(c) => c,
        };
        let (name, pos, op) = match command {
            KafkaCommand::Calls(calls) => {
                return Ok(Plan::Calls {
                    consumer: None,
                    calls,
                })
            }
            KafkaCommand::Note(text) => return Ok(Plan::Note(text)),
            KafkaCommand::Consumer { name, pos, op } => (name, pos, op),
        };
        let known = self.consumers.get(&name);
        let call = |action: &str, request: Value| ParsedCall {
            service: "kafka".into(),
            action: action.into(),
            request,
        };
        let member = || {
            known.ok_or_else(|| {
                ConsoleError::at(
                    src,
                    pos,
                    format!("'{name}' has not subscribed: run {name}.subscribe([\"orders\"], group_id=\"billing\") first"),
                )
            })
        };
        let with_member = |c: &ConsoleConsumer, request: Map<String, Value>| {
            let mut r = Map::new();
            r.insert("GroupId".into(), json!(c.group_id));
            r.insert("MemberId".into(), json!(c.member_id));
            r.extend(request);
            Value::Object(r)
        };
        let calls = match op {
            ConsumerOp::Subscribe(request) => {
                if let Some(c) = known {
                    return Err(ConsoleError::at(
                        src,
                        pos,
                        format!(
                            "'{name}' is already member {} of group {}: {name}.close() it first, or subscribe another consumer (consumer2)",
                            c.member_id, c.group_id
                        ),
                    ));
                }
                vec![call("Subscribe", Value::Object(request))]
            }
            ConsumerOp::Calls(list) => {
                let c = member()?;
                list.into_iter()
                    .map(|(action, request)| call(action, with_member(c, request)))
                    .collect()
            }
            ConsumerOp::SeekAll(to) => {
                let c = member()?;
                if c.assignment.is_empty() {
                    return Err(ConsoleError::at(
                        src,
                        pos,
                        format!("'{name}' knows no assigned partition yet: {name}.poll() first, or name one: {name}.seek_to_{to}(\"orders\", 0)"),
                    ));
                }
                c.assignment
                    .iter()
                    .map(|(t, p)| {
                        let mut r = Map::new();
                        r.insert("Topic".into(), json!(t));
                        r.insert("Partition".into(), json!(p));
                        r.insert("To".into(), json!(to));
                        call("Seek", with_member(c, r))
                    })
                    .collect()
            }
            ConsumerOp::Assignment => {
                let c = member()?;
                let parts: Vec<String> = c
                    .assignment
                    .iter()
                    .map(|(t, p)| format!("{t}-{p}"))
                    .collect();
                return Ok(Plan::Note(format!(
                    "{name} (member {} of {}) was assigned at its last poll: {}",
                    c.member_id,
                    c.group_id,
                    if parts.is_empty() {
                        "nothing".to_string()
                    } else {
                        parts.join(", ")
                    }
                )));
            }
        };
        Ok(Plan::Calls {
            consumer: Some(name),
            calls,
        })
    }

    /// Runs the line `src`: plans it, sends its calls through `dispatch(service, action, request)`
    /// (the playground's one dispatcher, so they are logged like any call), stops at the first
    /// error, and updates the consumers from the responses.
    pub fn run(
        &mut self,
        src: &str,
        mut dispatch: impl FnMut(&str, &str, Value) -> Result<Value, ApiError>,
    ) -> Reply {
        let (consumer, calls) = match self.plan(src) {
            Err(e) => {
                return Reply {
                    calls: vec![],
                    outcome: Outcome::Parse(e),
                }
            }
            Ok(Plan::Note(text)) => {
                return Reply {
                    calls: vec![],
                    outcome: Outcome::Note(text),
                }
            }
            Ok(Plan::Calls { consumer, calls }) => (consumer, calls),
        };
        let mut sent = Vec::new();
        let mut responses = Vec::new();
        for c in calls {
            sent.push(format!("{}.{}", c.service, c.action));
            let out = dispatch(&c.service, &c.action, c.request.clone());
            if let Some(name) = &consumer {
                self.observe(name, &c, &out);
            }
            match out {
                Ok(v) => responses.push(v),
                Err(e) => {
                    return Reply {
                        calls: sent,
                        outcome: Outcome::ApiError(e),
                    }
                }
            }
        }
        let response = if responses.len() == 1 {
            responses.pop().unwrap_or(Value::Null)
        } else {
            json!({ "Responses": responses })
        };
        Reply {
            calls: sent,
            outcome: Outcome::Response(response),
        }
    }

    /// [`ConsoleSession::run`] straight on a world, through [`crate::engine::api::dispatch`].
    pub fn run_on(&mut self, world: &mut World, src: &str) -> Reply {
        self.run(src, |service, action, request| {
            crate::engine::api::dispatch(world, service, action, &request)
        })
    }

    /// Updates consumer `name` from call `c` and its answer.
    fn observe(&mut self, name: &str, c: &ParsedCall, out: &Result<Value, ApiError>) {
        match (c.action.as_str(), out) {
            ("Subscribe", Ok(v)) => {
                let group = v["GroupId"]
                    .as_str()
                    .or_else(|| c.request["GroupId"].as_str());
                if let (Some(group), Some(member)) = (group, v["MemberId"].as_str()) {
                    self.consumers.insert(
                        name.to_string(),
                        ConsoleConsumer {
                            group_id: group.to_string(),
                            member_id: member.to_string(),
                            assignment: Vec::new(),
                        },
                    );
                }
            }
            ("Poll", Ok(v)) => {
                if let (Some(consumer), Some(list)) =
                    (self.consumers.get_mut(name), v["Assignment"].as_array())
                {
                    consumer.assignment = list
                        .iter()
                        .filter_map(|a| {
                            Some((a["Topic"].as_str()?.to_string(), a["Partition"].as_i64()?))
                        })
                        .collect();
                }
            }
            ("LeaveGroup", _) => {
                self.consumers.remove(name);
            }
            _ => {}
        }
    }
}
