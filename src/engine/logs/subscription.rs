//! Subscription filters: matching events are buffered per log stream and delivered each second as
//! one record per log stream — the real subscription format, gzip-compressed JSON:
//!
//! ```json
//! {"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/app/web",
//!  "logStream":"host-1","subscriptionFilters":["errors"],
//!  "logEvents":[{"id":"…56 digits…","timestamp":1767225600000,"message":"…"}]}
//! ```
//!
//! Creating a filter first sends a `CONTROL_MESSAGE` ("CWL CONTROL MESSAGE: Checking health of
//! destination …") so a consumer must tell the two apart. Throttled deliveries are retried for
//! up to 24 hours (`sources::retry`).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use crate::engine::firehose::compression::{compress, CompressionFormat};
use crate::engine::kinesis::ACCOUNT_ID;
use crate::engine::logs::pattern::FilterPattern;
use crate::engine::logs::{next_second, unix_now, LogEvent};
use crate::engine::sources::event::SourceEvent;
use crate::engine::sources::retry::{RetryPolicy, RetryQueue};
use crate::engine::sources::{deliver, keep_newest, DeliveryStats, Outgoing, Target};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Most events in one delivered record.
pub const MAX_EVENTS_PER_RECORD: usize = 10_000;
/// Most message bytes in one delivered record (keeps the gzip under Firehose's 1,000 KiB and
/// Kinesis's 1 MiB record limits even for incompressible messages).
pub const MAX_MESSAGE_BYTES_PER_RECORD: usize = 900 * 1024;
/// Delivered envelopes each filter keeps, decoded, for the inspector.
pub const SAMPLES: usize = 5;

/// How records are spread over a Kinesis stream's shards (`distribution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// One partition key per log stream (the default).
    ByLogStream,
    /// A random partition key per record.
    Random,
}

impl Distribution {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::ByLogStream => "ByLogStream",
            Distribution::Random => "Random",
        }
    }
}

/// One subscription filter.
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionFilter {
    /// `filterPattern` as given.
    pub pattern_text: String,
    /// The compiled pattern.
    pub pattern: FilterPattern,
    /// `destinationArn`.
    pub target: Target,
    /// `distribution`.
    pub distribution: Distribution,
    /// Creation time, Unix ms.
    pub creation_time: u64,
    /// Matching events waiting for the next delivery, by log stream.
    pub buffer: BTreeMap<String, Vec<LogEvent>>,
    /// When the buffer is delivered.
    pub flush_at: Option<VirtualMs>,
    /// Records waiting for a retry.
    pub retry: RetryQueue,
    /// Delivery counters.
    pub stats: DeliveryStats,
    /// Events that matched the pattern.
    pub matched: u64,
    /// Events that did not.
    pub unmatched: u64,
    /// The newest delivered envelopes, decoded.
    pub samples: VecDeque<Value>,
}

impl SubscriptionFilter {
    /// As `DescribeSubscriptionFilters` lists it, plus the playground's counters.
    pub fn to_json(&self, group: &str, name: &str) -> Value {
        json!({
            "filterName": name,
            "logGroupName": group,
            "filterPattern": self.pattern_text,
            "destinationArn": self.target.arn(),
            "distribution": self.distribution.as_str(),
            "creationTime": self.creation_time,
            "Playground": {
                "MatchedEvents": self.matched,
                "UnmatchedEvents": self.unmatched,
                "BufferedEvents": self.buffer.values().map(Vec::len).sum::<usize>(),
                "WaitingForRetry": self.retry.len(),
                "Delivery": self.stats.to_json(),
                "Samples": self.samples.iter().cloned().collect::<Vec<_>>(),
            }
        })
    }
}

fn gzip(v: &Value, world: &World) -> Vec<u8> {
    let text = v.to_string();
    compress(
        CompressionFormat::Gzip,
        text.as_bytes(),
        "",
        unix_now(world) / 1000,
    )
}

fn partition_key(world: &mut World, d: Distribution, stream: &str) -> String {
    match d {
        Distribution::ByLogStream if !stream.is_empty() => stream.chars().take(256).collect(),
        _ => format!(
            "{:016x}{:016x}",
            world.rng().next_u64(),
            world.rng().next_u64()
        ),
    }
}

/// Sends the `CONTROL_MESSAGE` a new filter starts with; `Err` if the destination refused it
/// (PutSubscriptionFilter then fails, as AWS's test delivery does).
pub fn send_control_message(world: &mut World, target: &Target) -> Result<Value, String> {
    let what = match target {
        Target::Firehose(_) => "Firehose",
        Target::Kinesis(_) => "Kinesis stream",
    };
    let v = json!({
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [{
            "id": "",
            "timestamp": unix_now(world),
            "message": format!("CWL CONTROL MESSAGE: Checking health of destination {what}."),
        }],
    });
    let key = partition_key(world, Distribution::Random, "");
    let data = gzip(&v, world);
    let d = deliver(
        world,
        target,
        vec![Outgoing {
            partition_key: key,
            data,
        }],
    );
    match d.last_error {
        Some(e) if d.accepted == 0 => Err(e),
        _ => Ok(v),
    }
}

/// Offers freshly accepted events of `group`/`stream` to every filter of the group.
pub fn offer(world: &mut World, group: &str, stream: &str, events: &[LogEvent]) {
    let now = world.now();
    let mut schedule = Vec::new();
    let Some(g) = world.logs.groups.get_mut(group) else {
        return;
    };
    for (name, f) in g.filters.iter_mut() {
        let mut hits = Vec::new();
        for e in events {
            if f.pattern.matches(&e.message) {
                hits.push(e.clone());
            } else {
                f.unmatched += 1;
            }
        }
        if hits.is_empty() {
            continue;
        }
        f.matched += hits.len() as u64;
        f.buffer.entry(stream.to_string()).or_default().extend(hits);
        let at = next_second(now);
        if f.flush_at.is_none_or(|t| t > at) {
            f.flush_at = Some(at);
            schedule.push((at, name.clone()));
        }
    }
    for (at, filter) in schedule {
        world.schedule(
            at,
            Event::Source(SourceEvent::LogsFlush {
                group: group.to_string(),
                filter,
            }),
        );
    }
}

fn envelopes(group: &str, stream: &str, filter: &str, events: Vec<LogEvent>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut chunk: Vec<Value> = Vec::new();
    let mut bytes = 0usize;
    let wrap = |chunk: Vec<Value>| {
        json!({
            "messageType": "DATA_MESSAGE",
            "owner": ACCOUNT_ID,
            "logGroup": group,
            "logStream": stream,
            "subscriptionFilters": [filter],
            "logEvents": chunk,
        })
    };
    for e in events {
        let size = e.message.len() + 100;
        if !chunk.is_empty()
            && (chunk.len() == MAX_EVENTS_PER_RECORD || bytes + size > MAX_MESSAGE_BYTES_PER_RECORD)
        {
            out.push(wrap(std::mem::take(&mut chunk)));
            bytes = 0;
        }
        bytes += size;
        chunk.push(json!({"id": e.id, "timestamp": e.timestamp, "message": e.message}));
    }
    if !chunk.is_empty() {
        out.push(wrap(chunk));
    }
    out
}

/// Delivers a filter's buffer and due retries (a `LogsFlush` event).
pub fn flush(world: &mut World, group: &str, filter: &str) {
    let Some(mut f) = world
        .logs
        .groups
        .get_mut(group)
        .and_then(|g| g.filters.remove(filter))
    else {
        return;
    };
    f.flush_at = None;
    let mut records = Vec::new();
    for (stream, events) in std::mem::take(&mut f.buffer) {
        for env in envelopes(group, &stream, filter, events) {
            let key = partition_key(world, f.distribution, &stream);
            records.push(Outgoing {
                partition_key: key,
                data: gzip(&env, world),
            });
            keep_newest(&mut f.samples, env, SAMPLES);
        }
    }
    f.retry
        .retry_due(world, &f.target, RetryPolicy::LOGS, &mut f.stats);
    if !records.is_empty() {
        let d = deliver(world, &f.target, records);
        f.stats.add(&d);
        f.retry.push_failed(d.failed, world.now());
    }
    let next = f.retry.next_due();
    if let Some(at) = next {
        f.flush_at = Some(at);
    }
    match world.logs.groups.get_mut(group) {
        Some(g) => {
            g.filters.insert(filter.to_string(), f);
        }
        None => return,
    }
    if let Some(at) = next {
        world.schedule(
            at,
            Event::Source(SourceEvent::LogsFlush {
                group: group.to_string(),
                filter: filter.to_string(),
            }),
        );
    }
}
