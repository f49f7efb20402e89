//! A simulated application on a few hosts whose log agent ships lines to CloudWatch Logs: every
//! flush interval (the CloudWatch agent's `force_flush_interval`, 5 s by default; 1 s here unless
//! set) each host's new lines go out in one `PutLogEvents` call on log stream `host-N`, through the
//! dispatcher. The agent creates the log group and streams if they are missing, as the real one
//! does. Lines are JSON (`apps::payloads::log_line`) or Apache access-log text, so both JSON and
//! space-delimited filter patterns have something to match.

use serde_json::{json, Value};

use crate::engine::apps::payloads::log_line;
use crate::engine::logs::unix_now;
use crate::engine::sources::event::SourceEvent;
use crate::engine::world::{Event, World};

/// Highest rate of one application, lines per second.
pub const MAX_RATE_PER_S: f64 = 20_000.0;
/// Most hosts (log streams) of one application.
pub const MAX_HOSTS: u32 = 32;

/// What the lines look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// One JSON object per line (`level`, `service`, `latency_ms`, …).
    Json,
    /// Apache common log format: `ip - user [time] "GET /path HTTP/1.1" status bytes`.
    AccessLog,
}

impl LineFormat {
    /// `JSON` or `ACCESS_LOG`.
    pub fn as_str(self) -> &'static str {
        match self {
            LineFormat::Json => "JSON",
            LineFormat::AccessLog => "ACCESS_LOG",
        }
    }
    /// Parses the API spelling.
    pub fn parse(s: &str) -> Option<LineFormat> {
        match s {
            "JSON" => Some(LineFormat::Json),
            "ACCESS_LOG" => Some(LineFormat::AccessLog),
            _ => None,
        }
    }
}

/// A simulated logging application.
#[derive(Clone, Debug, PartialEq)]
pub struct LogApp {
    /// Log group it writes.
    pub group: String,
    /// Lines per second over all hosts.
    pub rate_per_s: f64,
    /// Hosts, one log stream each (`host-0` …).
    pub hosts: u32,
    /// Line format.
    pub format: LineFormat,
    /// Agent flush interval, ms.
    pub flush_ms: u64,
    /// Whether it runs.
    pub running: bool,
    /// Bumped by every start; stale ticks are ignored.
    pub generation: u64,
    /// Flushes done in this run.
    pub flushes: u64,
    /// Lines written ever.
    pub lines: u64,
    /// PutLogEvents calls made.
    pub calls: u64,
    /// Last error the agent saw.
    pub last_error: Option<String>,
}

impl LogApp {
    /// As `DescribeSources` lists it.
    pub fn to_json(&self, name: &str) -> Value {
        json!({
            "Name": name,
            "LogGroupName": self.group,
            "RatePerSecond": self.rate_per_s,
            "Hosts": self.hosts,
            "Format": self.format.as_str(),
            "FlushIntervalMs": self.flush_ms,
            "Running": self.running,
            "LinesWritten": self.lines,
            "PutLogEventsCalls": self.calls,
            "LastError": self.last_error,
        })
    }
}

/// Starts (or restarts) application `name`; creates the group and streams if missing.
pub fn start(world: &mut World, name: &str, mut app: LogApp) {
    let group = app.group.clone();
    let _ = crate::engine::api::dispatch(
        world,
        "logs",
        "CreateLogGroup",
        &json!({"logGroupName": group}),
    );
    for h in 0..app.hosts {
        let _ = crate::engine::api::dispatch(
            world,
            "logs",
            "CreateLogStream",
            &json!({"logGroupName": group, "logStreamName": format!("host-{h}")}),
        );
    }
    let previous = world.logs.apps.get(name);
    app.generation = previous.map_or(1, |p| p.generation + 1);
    app.lines = previous.map_or(0, |p| p.lines);
    app.calls = previous.map_or(0, |p| p.calls);
    app.running = true;
    app.flushes = 0;
    let (due, generation) = (world.now() + app.flush_ms, app.generation);
    world.logs.apps.insert(name.to_string(), app);
    world.schedule(
        due,
        Event::Source(SourceEvent::LogApp {
            app: name.to_string(),
            generation,
        }),
    );
}

fn access_line(world: &mut World, host: u32, unix_ms: u64) -> String {
    let rng = world.rng();
    let ip = format!("10.0.{}.{}", host, 1 + rng.below(254));
    let method = ["GET", "GET", "GET", "POST", "PUT", "DELETE"][rng.below(6) as usize];
    let path = [
        "/",
        "/cart",
        "/checkout",
        "/api/products",
        "/api/login",
        "/health",
    ][rng.below(6) as usize];
    let status = match rng.below(100) {
        0..=84 => 200,
        85..=89 => 304,
        90..=94 => 404,
        95..=97 => 500,
        _ => 503,
    };
    let bytes = 200 + rng.below(20_000);
    let (y, mo, d, h, mi, s) = crate::engine::time::civil_from_unix_secs(unix_ms / 1000);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo as usize).saturating_sub(1).min(11)];
    format!("{ip} - - [{d:02}/{month}/{y}:{h:02}:{mi:02}:{s:02} +0000] \"{method} {path} HTTP/1.1\" {status} {bytes}")
}

/// Handles a `LogApp` tick: one flush of every host's new lines.
pub fn on_tick(world: &mut World, name: &str, generation: u64) {
    let Some(app) = world.logs.apps.get(name).cloned() else {
        return;
    };
    if !app.running || app.generation != generation {
        return;
    }
    let k = app.flushes;
    let per_flush = app.rate_per_s * app.flush_ms as f64 / 1000.0;
    let count = ((k + 1) as f64 * per_flush).floor() as u64 - (k as f64 * per_flush).floor() as u64;
    let now_unix = unix_now(world);
    let mut per_host: Vec<Vec<(u64, String)>> = vec![Vec::new(); app.hosts as usize];
    for i in 0..count {
        let host = world.rng().below(u64::from(app.hosts)) as u32;
        let ts = now_unix.saturating_sub(app.flush_ms) + world.rng().below(app.flush_ms.max(1));
        let line = match app.format {
            LineFormat::Json => {
                String::from_utf8_lossy(&log_line(world.rng(), app.lines + i, host, ts))
                    .into_owned()
            }
            LineFormat::AccessLog => access_line(world, host, ts),
        };
        per_host[host as usize].push((ts, line));
    }
    let mut calls = 0u64;
    let mut last_error = None;
    for (host, mut lines) in per_host.into_iter().enumerate() {
        if lines.is_empty() {
            continue;
        }
        lines.sort_by_key(|(ts, _)| *ts);
        for chunk in lines.chunks(crate::engine::logs::actions::MAX_EVENTS_PER_CALL) {
            let events: Vec<Value> = chunk
                .iter()
                .map(|(ts, m)| json!({"timestamp": ts, "message": m}))
                .collect();
            calls += 1;
            let r = crate::engine::api::dispatch(
                world,
                "logs",
                "PutLogEvents",
                &json!({"logGroupName": app.group, "logStreamName": format!("host-{host}"), "logEvents": events}),
            );
            if let Err(e) = r {
                last_error = Some(format!("{}: {}", e.kind.as_str(), e.message));
            }
        }
    }
    let due = world.now() + app.flush_ms;
    if let Some(a) = world.logs.apps.get_mut(name) {
        a.flushes += 1;
        a.lines += count;
        a.calls += calls;
        if last_error.is_some() {
            a.last_error = last_error;
        }
    }
    world.schedule(
        due,
        Event::Source(SourceEvent::LogApp {
            app: name.to_string(),
            generation,
        }),
    );
}
