//! Amazon CloudWatch Logs (service `logs`): log groups and streams receiving log events,
//! subscription filters that forward matching events to a Firehose delivery stream or a Kinesis
//! data stream in the real subscription format, and simulated applications writing logs.
//!
//! Files: `pattern` filter patterns (`pattern_json`, `pattern_fields` their JSON and
//! space-delimited forms); `actions` the API (`log_events` PutLogEvents, GetLogEvents, FilterLogEvents); `subscription` buffering, the gzip
//! envelope and delivery; `app` simulated applications (service `playground`).
//! Limits are the CloudWatch Logs API reference's (semantics.md is silent on CloudWatch Logs):
//! PutLogEvents ≤ 10,000 events and ≤ 1,048,576 bytes counting 26 bytes per event, events in
//! chronological order spanning ≤ 24 h, none more than 2 h ahead or 14 days behind; two
//! subscription filters per log group.

pub mod actions;
pub mod app;
pub mod log_events;
pub mod pattern;
mod pattern_fields;
mod pattern_json;
pub mod subscription;

use std::collections::{BTreeMap, VecDeque};

use crate::engine::kinesis::{ACCOUNT_ID, REGION};
use crate::engine::time::VirtualMs;

/// Events each log stream keeps for GetLogEvents (older ones still count in `stored_bytes`).
pub const KEPT_EVENTS_PER_STREAM: usize = 10_000;

/// One stored log event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    /// The 56-digit event id.
    pub id: String,
    /// When it happened, Unix ms (the writer's `timestamp`).
    pub timestamp: u64,
    /// The message.
    pub message: String,
    /// When CloudWatch Logs took it, Unix ms.
    pub ingestion_time: u64,
}

/// A log stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogStream {
    /// Creation time, Unix ms.
    pub creation_time: u64,
    /// The newest events, oldest first.
    pub events: VecDeque<LogEvent>,
    /// Events ever accepted.
    pub event_count: u64,
    /// Bytes ever accepted (messages + 26 per event).
    pub stored_bytes: u64,
    /// Timestamps of the first and last events.
    pub first_event: Option<u64>,
    /// See `first_event`.
    pub last_event: Option<u64>,
    /// Ingestion time of the last batch.
    pub last_ingestion: Option<u64>,
}

/// A log group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogGroup {
    /// Creation time, Unix ms.
    pub creation_time: u64,
    /// `retentionInDays`, if set.
    pub retention_days: Option<u32>,
    /// Streams by name.
    pub streams: BTreeMap<String, LogStream>,
    /// Subscription filters by name (at most two).
    pub filters: BTreeMap<String, subscription::SubscriptionFilter>,
}

/// All of CloudWatch Logs in the world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Logs {
    /// Log groups by name.
    pub groups: BTreeMap<String, LogGroup>,
    /// Simulated applications by name.
    pub apps: BTreeMap<String, app::LogApp>,
    /// Events ever accepted (numbers event ids).
    pub next_event: u64,
}

/// The ARN of log group `name` (`DescribeLogGroups`' `arn`, with the trailing `:*`).
pub fn log_group_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}:*")
}

/// A 56-digit event id, unique and increasing with `(timestamp, n)`.
pub fn event_id(timestamp: u64, n: u64) -> String {
    format!("{:020}{:020}{:016}", timestamp, n, 0)
}

/// `logGroupName`: 1–512 characters of `[\.\-_/#A-Za-z0-9]`.
pub fn validate_group_name(name: &str) -> Result<(), String> {
    let ok = (1..=512).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "logGroupName '{name}' must be 1-512 characters of [.-_/#A-Za-z0-9]"
        ))
    }
}

/// `logStreamName`: 1–512 characters, no `:` or `*`.
pub fn validate_stream_name(name: &str) -> Result<(), String> {
    if (1..=512).contains(&name.len()) && !name.contains([':', '*']) {
        Ok(())
    } else {
        Err(format!(
            "logStreamName '{name}' must be 1-512 characters without ':' or '*'"
        ))
    }
}

/// Virtual time to Unix ms.
pub fn unix_now(world: &crate::engine::world::World) -> u64 {
    world.epoch().to_unix_ms(world.now())
}

/// Virtual ms of the next flush boundary after `now` (subscriptions deliver each second).
pub fn next_second(now: VirtualMs) -> VirtualMs {
    (now / 1_000 + 1) * 1_000
}
