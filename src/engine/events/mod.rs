//! Amazon EventBridge (CloudWatch Events; service `events`): rules on the default event bus that
//! match events by pattern or fire on a schedule, and targets — Firehose delivery streams and
//! Kinesis data streams — that receive each matched event in the EventBridge envelope:
//!
//! ```json
//! {"version":"0","id":"…uuid…","detail-type":"Order Placed","source":"shop.orders",
//!  "account":"123456789012","time":"2026-01-01T00:00:05Z","region":"us-east-1",
//!  "resources":[],"detail":{…}}
//! ```
//!
//! Files: `pattern` event patterns; `schedule` rate/cron; `actions` the API (`put_events` PutEvents). Delivery goes through
//! the dispatcher (`sources::deliver`), failures are retried for 24 hours / 185 attempts.

pub mod actions;
pub mod pattern;
pub mod put_events;
pub mod schedule;

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::sources::event::SourceEvent;
use crate::engine::sources::retry::{RetryPolicy, RetryQueue};
use crate::engine::sources::{deliver, keep_newest, DeliveryStats, Outgoing, Target};
use crate::engine::world::{Event, World};

/// Targets per rule.
pub const MAX_TARGETS_PER_RULE: usize = 5;
/// Delivered events each target keeps for the inspector.
pub const SAMPLES: usize = 5;

/// One target of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleTarget {
    /// Where it delivers.
    pub target: Target,
    /// `Input`: a constant JSON text sent instead of the event.
    pub input: Option<String>,
    /// `InputPath`: a JSON path (`$.detail`) selecting part of the event.
    pub input_path: Option<String>,
    /// `KinesisParameters.PartitionKeyPath` (Kinesis targets; default: the event id).
    pub partition_key_path: Option<String>,
    /// Delivery counters.
    pub stats: DeliveryStats,
    /// Records waiting for a retry.
    pub retry: RetryQueue,
    /// The newest delivered payloads.
    pub samples: VecDeque<Value>,
}

/// One rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// `EventPattern`, checked.
    pub pattern: Option<Value>,
    /// `ScheduleExpression` as given.
    pub schedule_text: Option<String>,
    /// The compiled schedule.
    pub schedule: Option<schedule::Schedule>,
    /// `ENABLED` or `DISABLED`.
    pub enabled: bool,
    /// `Description`.
    pub description: Option<String>,
    /// Targets by `Id`.
    pub targets: BTreeMap<String, RuleTarget>,
    /// Creation (or last PutRule) time, Unix ms; anchors rate schedules.
    pub anchor_unix_ms: u64,
    /// Bumped by every PutRule/EnableRule/DisableRule; stale schedule ticks are ignored.
    pub generation: u64,
    /// Events the rule matched (or schedule firings).
    pub matched: u64,
}

/// EventBridge in the world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventBridge {
    /// Rules of the default bus by name.
    pub rules: BTreeMap<String, Rule>,
    /// Events accepted by PutEvents.
    pub events_put: u64,
    /// The newest events put, for the inspector.
    pub recent: VecDeque<Value>,
}

/// The ARN of rule `name` on the default bus.
pub fn rule_arn(name: &str) -> String {
    format!("arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{name}")
}

/// A random (seeded) UUID v4 text.
pub fn uuid(world: &mut World) -> String {
    let a = world.rng().next_u64();
    let b = world.rng().next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// `yyyy-mm-ddThh:mm:ssZ` (EventBridge's `time` has whole seconds).
pub fn event_time(unix_ms: u64) -> String {
    let mut t = crate::engine::time::format_iso8601(unix_ms - unix_ms % 1000);
    t.replace_range(19..23, "");
    t
}

/// Follows a `$.a.b` path.
pub fn json_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let rest = path.strip_prefix('$')?;
    let mut cur = v;
    for part in rest.split('.').filter(|p| !p.is_empty()) {
        cur = cur.get(part)?;
    }
    Some(cur)
}

/// Sends `event` to every target of rule `name` (already matched), counting and retrying.
pub fn deliver_to_targets(world: &mut World, name: &str, event: &Value) {
    let Some(mut rule) = world.events.rules.remove(name) else {
        return;
    };
    rule.matched += 1;
    let mut retry_at = None;
    for t in rule.targets.values_mut() {
        let payload = match (&t.input, &t.input_path) {
            (Some(text), _) => serde_json::from_str(text).unwrap_or(Value::String(text.clone())),
            (None, Some(p)) => json_path(event, p).cloned().unwrap_or(Value::Null),
            (None, None) => event.clone(),
        };
        let key = match &t.partition_key_path {
            Some(p) => match json_path(event, p) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => event["id"].as_str().unwrap_or_default().to_string(),
                Some(other) => other.to_string(),
            },
            None => event["id"].as_str().unwrap_or_default().to_string(),
        };
        let data = payload.to_string().into_bytes();
        keep_newest(&mut t.samples, payload, SAMPLES);
        let d = deliver(
            world,
            &t.target,
            vec![Outgoing {
                partition_key: key,
                data,
            }],
        );
        t.stats.add(&d);
        t.retry.push_failed(d.failed, world.now());
        retry_at = min_opt(retry_at, t.retry.next_due());
    }
    world.events.rules.insert(name.to_string(), rule);
    if let Some(at) = retry_at {
        world.schedule(
            at,
            Event::Source(SourceEvent::RuleRetry {
                rule: name.to_string(),
            }),
        );
    }
}

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Retries what is due for every target of rule `name`.
pub fn on_retry(world: &mut World, name: &str) {
    let Some(mut rule) = world.events.rules.remove(name) else {
        return;
    };
    let mut retry_at = None;
    for t in rule.targets.values_mut() {
        t.retry
            .retry_due(world, &t.target, RetryPolicy::EVENTS, &mut t.stats);
        retry_at = min_opt(retry_at, t.retry.next_due());
    }
    world.events.rules.insert(name.to_string(), rule);
    if let Some(at) = retry_at {
        world.schedule(
            at,
            Event::Source(SourceEvent::RuleRetry {
                rule: name.to_string(),
            }),
        );
    }
}

/// Schedules rule `name`'s next firing, if it has a schedule and is enabled.
pub fn schedule_next(world: &mut World, name: &str) {
    let now_unix = world.epoch().to_unix_ms(world.now());
    let Some(rule) = world.events.rules.get(name) else {
        return;
    };
    let (Some(s), true) = (&rule.schedule, rule.enabled) else {
        return;
    };
    let Some(at_unix) = schedule::next_fire(s, rule.anchor_unix_ms, now_unix) else {
        return;
    };
    let generation = rule.generation;
    let at = at_unix.saturating_sub(world.epoch().unix_ms());
    world.schedule(
        at,
        Event::Source(SourceEvent::RuleSchedule {
            rule: name.to_string(),
            generation,
        }),
    );
}

/// A scheduled rule fires: its targets get a `Scheduled Event`.
pub fn on_schedule(world: &mut World, name: &str, generation: u64) {
    if !world
        .events
        .rules
        .get(name)
        .is_some_and(|r| r.generation == generation && r.enabled)
    {
        return;
    }
    let id = uuid(world);
    let event = json!({
        "version": "0",
        "id": id,
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": event_time(world.epoch().to_unix_ms(world.now())),
        "region": REGION,
        "resources": [rule_arn(name)],
        "detail": {},
    });
    deliver_to_targets(world, name, &event);
    schedule_next(world, name);
}
