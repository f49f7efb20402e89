//! AWS IoT Core: the message broker's rules engine (service `iot` for topic rules, `iot-data` for
//! Publish) and simulated device fleets (service `playground`). A published message runs through
//! every enabled rule whose FROM filter matches its topic; the rule's SQL selects and reshapes
//! it; each action — `firehose` or `kinesis` — delivers the result through the dispatcher. IoT
//! rule actions do not retry a throttled call: a failed action is counted (and would go to the
//! rule's error action), as AWS documents.
//!
//! Files: `topic` MQTT names and filters; `rule_sql` the SQL; `actions` the API; `fleet` devices.

pub mod actions;
pub mod fleet;
pub mod rule_sql;
pub mod topic;

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::sources::{deliver, keep_newest, DeliveryStats, Outgoing, Target};
use crate::engine::world::World;

/// Results each rule keeps for the inspector.
pub const SAMPLES: usize = 5;

/// One rule action.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleAction {
    /// Where it delivers.
    pub target: Target,
    /// Firehose `separator` appended to each record (`\n`, `\t`, `\r\n` or `,`).
    pub separator: Option<String>,
    /// Kinesis `partitionKey` template (`${topic()}`); `None` = a new UUID per message.
    pub partition_key: Option<String>,
    /// Delivery counters.
    pub stats: DeliveryStats,
    /// Failed deliveries (not retried).
    pub failures: u64,
}

/// One topic rule.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicRule {
    /// The SQL as given.
    pub sql_text: String,
    /// The compiled SQL.
    pub sql: rule_sql::RuleSql,
    /// `description`.
    pub description: String,
    /// `ruleDisabled`.
    pub disabled: bool,
    /// Actions in order.
    pub actions: Vec<RuleAction>,
    /// Creation time, Unix ms.
    pub created_unix_ms: u64,
    /// Messages whose topic matched the FROM filter.
    pub topic_matches: u64,
    /// Messages that passed WHERE (and were sent to the actions).
    pub selected: u64,
    /// The newest results, as JSON when they are JSON.
    pub samples: VecDeque<Value>,
}

/// IoT in the world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Iot {
    /// Topic rules by name.
    pub rules: BTreeMap<String, TopicRule>,
    /// Simulated device fleets by name.
    pub fleets: BTreeMap<String, fleet::DeviceFleet>,
    /// Messages published.
    pub published: u64,
    /// The newest published messages (topic, payload) for the inspector.
    pub recent: VecDeque<Value>,
}

/// The ARN of topic rule `name`.
pub fn rule_arn(name: &str) -> String {
    format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:rule/{name}")
}

/// Expands `${expr}` substitution templates against a message.
pub fn substitute(template: &str, m: &rule_sql::Message<'_>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &rest[start + 2..start + end];
        let v = rule_sql::parse_expr(inner)
            .ok()
            .and_then(|e| rule_sql::eval(&e, m));
        match v {
            Some(Value::String(s)) => out.push_str(&s),
            Some(Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Publishes one message: the broker hands it to every matching enabled rule. Returns how many
/// rules selected it.
pub fn publish(world: &mut World, topic: &str, payload: &[u8], client_id: &str) -> u64 {
    world.iot.published += 1;
    let json_payload: Option<Value> = serde_json::from_slice(payload).ok();
    keep_newest(
        &mut world.iot.recent,
        json!({"topic": topic, "clientId": client_id, "payload": json_payload.clone().unwrap_or_else(|| Value::String(String::from_utf8_lossy(payload).into_owned()))}),
        10,
    );
    let names: Vec<String> = world
        .iot
        .rules
        .iter()
        .filter(|(_, r)| !r.disabled && topic::matches(&r.sql.topic_filter, topic))
        .map(|(n, _)| n.clone())
        .collect();
    let timestamp = world.epoch().to_unix_ms(world.now());
    let mut selected = 0;
    for name in names {
        let uuid = crate::engine::events::uuid(world);
        let Some(mut rule) = world.iot.rules.remove(&name) else {
            continue;
        };
        rule.topic_matches += 1;
        let m = rule_sql::Message {
            topic,
            client_id,
            json: json_payload.as_ref(),
            timestamp,
            uuid: &uuid,
        };
        if let Some(result) = rule.sql.apply(&m, payload) {
            selected += 1;
            rule.selected += 1;
            let sample = serde_json::from_slice(&result)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&result).into_owned()));
            keep_newest(&mut rule.samples, sample, SAMPLES);
            for a in rule.actions.iter_mut() {
                let mut data = result.clone();
                if let Some(sep) = &a.separator {
                    data.extend_from_slice(sep.as_bytes());
                }
                let partition_key = match &a.partition_key {
                    Some(t) => substitute(t, &m),
                    None => uuid.clone(),
                };
                let partition_key = if partition_key.is_empty() {
                    uuid.clone()
                } else {
                    partition_key
                };
                let d = deliver(
                    world,
                    &a.target,
                    vec![Outgoing {
                        partition_key,
                        data,
                    }],
                );
                a.failures += d.failed.len() as u64;
                a.stats.add(&d);
            }
        }
        world.iot.rules.insert(name, rule);
    }
    selected
}
