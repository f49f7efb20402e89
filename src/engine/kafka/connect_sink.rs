//! Sink connectors (semantics.md §6.6): each task is a member of the consumer group
//! `connect-<name>` (auto commit off, `auto.offset.reset=earliest`), so the group coordinator
//! deals partitions to tasks and rebalances them when a task fails or restarts.
//!
//! - `io.confluent.connect.s3.S3SinkConnector`: records are buffered per partition; when
//!   `flush.size` records are buffered the task writes one object
//!   `topics/<topic>/partition=<p>/<topic>+<p>+<start offset, 10 digits>.json` (one JSON value
//!   per line) and only then commits the offset after it. A task that dies loses its buffer; the
//!   next owner re-reads from the committed offset and writes an object with the *same* name,
//!   so S3 ends up with each record once (the S3 sink's exactly-once by deterministic names).
//! - `playground.TableSinkConnector`: upserts the latest value of each key into a table view
//!   (a tombstone deletes the key) and commits after every poll.
//!
//! Tasks talk to the group only through the one dispatcher (`Subscribe`, `Poll`, `Commit`,
//! `CrashMember`), exactly as a client would.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::kafka::connect::{ConnectTask, Connector, ConnectorKind, TaskState};
use crate::engine::world::World;

/// `flush.size` default of the playground's S3 sink (the Confluent connector has no default).
pub const DEFAULT_FLUSH_SIZE: u64 = 100;
/// Records a sink task asks for per poll (`max.poll.records`, §6.4).
pub const MAX_POLL_RECORDS: u64 = 500;

/// A buffered record: offset and value (`None` for a tombstone).
pub type Buffered = (u64, Option<String>);

/// Where a sink writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SinkTarget {
    /// S3 objects.
    S3 {
        /// `s3.bucket.name`.
        bucket: String,
        /// `flush.size`.
        flush_size: u64,
    },
    /// A table of the latest value per key.
    Table,
}

/// A row of a table sink.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// Latest value.
    pub value: String,
    /// Where it came from.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// Offset.
    pub offset: u64,
}

/// A sink's configuration and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkSpec {
    /// `topics`.
    pub topics: Vec<String>,
    /// Target.
    pub target: SinkTarget,
    /// Buffered records per (topic, partition): the owning task and (offset, value) in offset
    /// order.
    pub buffers: BTreeMap<(String, u32), (u32, Vec<Buffered>)>,
    /// Table sink: key → row.
    pub table: BTreeMap<String, TableRow>,
    /// Objects written (including rewrites of the same name).
    pub objects_written: u64,
}

impl SinkSpec {
    /// A sink of `topics` into `target`.
    pub fn new(topics: Vec<String>, target: SinkTarget) -> SinkSpec {
        SinkSpec {
            topics,
            target,
            buffers: BTreeMap::new(),
            table: BTreeMap::new(),
            objects_written: 0,
        }
    }
}

/// The consumer group of connector `name` (§6.6).
pub fn group_of(name: &str) -> String {
    format!("connect-{name}")
}

fn kafka(world: &mut World, action: &str, req: Value) -> Result<Value, String> {
    crate::engine::api::dispatch(world, "kafka", action, &req).map_err(|e| e.to_string())
}

/// Joins task `t` to the connector's group.
pub fn start_task(world: &mut World, name: &str, topics: &[String], t: &mut ConnectTask) {
    let req = json!({
        "GroupId": group_of(name),
        "Topics": topics,
        "ClientId": format!("connector-consumer-{name}-{}", t.id),
        "EnableAutoCommit": false,
        "AutoOffsetReset": "earliest",
    });
    match kafka(world, "Subscribe", req) {
        Ok(v) => {
            t.member_id = v["MemberId"].as_str().map(str::to_string);
            t.state = TaskState::Running;
            t.trace = None;
        }
        Err(e) => {
            t.state = TaskState::Failed;
            t.trace = Some(format!("joining {} failed: {e}", group_of(name)));
        }
    }
}

/// Kills task `t`: its member stops heartbeating (the group removes it after the session
/// timeout) and its buffers are lost.
pub fn crash(world: &mut World, name: &str, spec: &mut SinkSpec, t: &mut ConnectTask) {
    if let Some(m) = t.member_id.take() {
        let _ = kafka(
            world,
            "CrashMember",
            json!({ "GroupId": group_of(name), "MemberId": m }),
        );
    }
    t.state = TaskState::Failed;
    t.trace =
        Some("org.apache.kafka.connect.errors.ConnectException: task killed (simulated)".into());
    spec.buffers.retain(|_, (owner, _)| *owner != t.id);
}

/// One poll of every running task of sink connector `c`.
pub fn poll(world: &mut World, c: &mut Connector) {
    let name = c.name.clone();
    let paused = c.paused;
    let ConnectorKind::Sink(spec) = &mut c.kind else {
        return;
    };
    for t in c.tasks.iter_mut() {
        if t.state != TaskState::Running || paused {
            continue;
        }
        let Some(member) = t.member_id.clone() else {
            continue;
        };
        let group = group_of(&name);
        let out = match kafka(
            world,
            "Poll",
            json!({ "GroupId": group, "MemberId": member, "MaxRecords": MAX_POLL_RECORDS }),
        ) {
            Ok(v) => v,
            Err(e) if e.contains("RebalanceInProgress") => continue,
            Err(e) => {
                t.state = TaskState::Failed;
                t.trace = Some(format!("poll failed: {e}"));
                t.member_id = None;
                continue;
            }
        };
        // Partitions this task no longer owns: drop their buffers (the next owner re-reads).
        let owned: Vec<(String, u32)> = out["Assignment"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                (
                    a["Topic"].as_str().unwrap_or("").to_string(),
                    a["Partition"].as_u64().unwrap_or(0) as u32,
                )
            })
            .collect();
        let mut commits = Vec::new();
        for r in out["Records"].as_array().into_iter().flatten() {
            let tp = (
                r["Topic"].as_str().unwrap_or("").to_string(),
                r["Partition"].as_u64().unwrap_or(0) as u32,
            );
            let offset = r["Offset"].as_u64().unwrap_or(0);
            let value = r["Value"].as_str().map(str::to_string);
            t.records += 1;
            match &spec.target {
                SinkTarget::Table => {
                    let key = r["Key"].as_str().unwrap_or("").to_string();
                    match &value {
                        Some(v) => {
                            spec.table.insert(
                                key,
                                TableRow {
                                    value: v.clone(),
                                    topic: tp.0.clone(),
                                    partition: tp.1,
                                    offset,
                                },
                            );
                        }
                        None => {
                            spec.table.remove(&key);
                        }
                    }
                    commits.push((tp, offset + 1));
                }
                SinkTarget::S3 { .. } => {
                    let e = spec.buffers.entry(tp).or_insert((t.id, Vec::new()));
                    if e.0 != t.id {
                        *e = (t.id, Vec::new());
                    }
                    // A re-read (after a rebalance or seek) replaces what was buffered.
                    e.1.retain(|(o, _)| *o < offset);
                    e.1.push((offset, value));
                }
            }
        }
        if let SinkTarget::S3 { bucket, flush_size } = spec.target.clone() {
            spec.buffers
                .retain(|tp, (owner, _)| *owner != t.id || owned.contains(tp));
            for (tp, (_, buf)) in spec
                .buffers
                .iter_mut()
                .filter(|(tp, (owner, _))| *owner == t.id && owned.contains(tp))
            {
                while buf.len() as u64 >= flush_size {
                    let chunk: Vec<Buffered> = buf.drain(..flush_size as usize).collect();
                    let start = chunk[0].0;
                    let last = chunk[chunk.len() - 1].0;
                    let key = format!(
                        "topics/{t}/partition={p}/{t}+{p}+{start:010}.json",
                        t = tp.0,
                        p = tp.1
                    );
                    let mut body = String::new();
                    for (_, v) in &chunk {
                        body.push_str(v.as_deref().unwrap_or("null"));
                        body.push('\n');
                    }
                    let now = world.now();
                    let n = chunk.len() as u64;
                    if world
                        .s3
                        .put_object(&bucket, &key, body.into_bytes(), now, None, Some(n))
                    {
                        spec.objects_written += 1;
                        commits.push((tp.clone(), last + 1));
                    } else {
                        t.state = TaskState::Failed;
                        t.trace = Some(format!("bucket '{bucket}' does not exist"));
                        break;
                    }
                }
            }
        }
        if !commits.is_empty() && t.state == TaskState::Running {
            let offsets: Vec<Value> = commits
                .iter()
                .map(|((topic, p), o)| json!({ "Topic": topic, "Partition": p, "Offset": o }))
                .collect();
            let _ = kafka(
                world,
                "Commit",
                json!({ "GroupId": group, "MemberId": member, "Offsets": offsets }),
            );
        }
    }
}
