//! Kafka Connect actions of service `kafka` (semantics.md §6.6), shaped like Connect's REST API
//! (`POST /connectors {name, config}`, `GET /connectors/<name>/status`, restarts, pause/resume),
//! with MSK Connect's error names (`ConflictException`, `NotFoundException`,
//! `BadRequestException`).
//!
//! Connector classes:
//! - `io.confluent.connect.kinesis.KinesisSourceConnector`: `kinesis.stream`, `kafka.topic`,
//!   `kinesis.position` (`TRIM_HORIZON` | `LATEST`), `tasks.max`, `offset.flush.interval.ms`.
//! - `io.confluent.connect.s3.S3SinkConnector`: `topics`, `s3.bucket.name`, `flush.size`,
//!   `tasks.max`.
//! - `playground.TableSinkConnector`: `topics`, `tasks.max`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::connect::{
    ConnectEvent, ConnectTask, Connector, ConnectorKind, TaskState, MAX_CONNECTORS, MAX_TASKS,
    OFFSET_FLUSH_INTERVAL_MS, SOURCE_POLL_MS,
};
use crate::engine::kafka::connect_sink::{SinkSpec, SinkTarget, DEFAULT_FLUSH_SIZE};
use crate::engine::kafka::{connect_sink, connect_source, KafkaEvent};
use crate::engine::world::{Event, World};

/// Actions handled here.
pub const ACTIONS: &[&str] = &[
    "CreateConnector",
    "DescribeConnector",
    "ListConnectors",
    "DeleteConnector",
    "PauseConnector",
    "ResumeConnector",
    "RestartConnector",
    "FailConnectorTask",
];

/// Connector classes the playground runs.
pub const CLASSES: &[&str] = &[
    "io.confluent.connect.kinesis.KinesisSourceConnector",
    "io.confluent.connect.s3.S3SinkConnector",
    "playground.TableSinkConnector",
];

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::BadRequestException, msg)
}

fn not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorKind::NotFoundException,
        format!("Connector {name} not found"),
    )
}

fn conf<'a>(cfg: &'a BTreeMap<String, String>, k: &str) -> Result<&'a str, ApiError> {
    cfg.get(k)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            bad(format!(
                "Missing required configuration \"{k}\" which has no default value."
            ))
        })
}

fn conf_u64(
    cfg: &BTreeMap<String, String>,
    k: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ApiError> {
    match cfg.get(k) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                bad(format!(
                    "Invalid value {v} for configuration {k}: must be an integer in [{min}, {max}]"
                ))
            }),
    }
}

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "CreateConnector" => create(world, req),
        "DescribeConnector" => {
            req.deny_unknown(&["Name"])?;
            describe(world, req.str("Name")?)
        }
        "ListConnectors" => {
            req.deny_unknown(&[])?;
            Ok(list(world))
        }
        "DeleteConnector" => {
            req.deny_unknown(&["Name"])?;
            let name = req.str("Name")?;
            let mut c = world
                .kafka
                .connect
                .connectors
                .remove(name)
                .ok_or_else(|| not_found(name))?;
            if let ConnectorKind::Sink(spec) = &mut c.kind {
                for t in c.tasks.iter_mut() {
                    if let Some(m) = t.member_id.take() {
                        let _ = crate::engine::api::dispatch(
                            world,
                            "kafka",
                            "LeaveGroup",
                            &json!({"GroupId": connect_sink::group_of(name), "MemberId": m}),
                        );
                    }
                }
                spec.buffers.clear();
            }
            Ok(json!({ "Name": name, "Deleted": true }))
        }
        "PauseConnector" | "ResumeConnector" => {
            req.deny_unknown(&["Name"])?;
            let name = req.str("Name")?;
            let c = world
                .kafka
                .connect
                .connectors
                .get_mut(name)
                .ok_or_else(|| not_found(name))?;
            c.paused = action == "PauseConnector";
            describe(world, name)
        }
        "RestartConnector" => restart(world, req),
        _ => fail_task(world, req),
    }
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Name", "Config"])?;
    let name = req.str("Name")?;
    if name.is_empty()
        || name.len() > 128
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(bad(format!(
            "connector name '{name}' must be 1-128 characters of letters, digits, '-', '_' or '.'"
        )));
    }
    if world.kafka.connect.connectors.contains_key(name) {
        return Err(ApiError::new(
            ErrorKind::ConflictException,
            format!("Connector {name} already exists"),
        ));
    }
    if world.kafka.connect.connectors.len() >= MAX_CONNECTORS {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!("at most {MAX_CONNECTORS} connectors (playground limit)"),
        ));
    }
    let cfg: BTreeMap<String, String> = req
        .opt_string_map("Config")?
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let class = conf(&cfg, "connector.class")?;
    let tasks_max = conf_u64(&cfg, "tasks.max", 1, 1, u64::from(MAX_TASKS))? as u32;
    let flush_interval_ms = conf_u64(
        &cfg,
        "offset.flush.interval.ms",
        OFFSET_FLUSH_INTERVAL_MS,
        1,
        86_400_000,
    )?;
    let topics_of = |cfg: &BTreeMap<String, String>| -> Result<Vec<String>, ApiError> {
        let t: Vec<String> = conf(cfg, "topics")?
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        for topic in &t {
            if !world.kafka.topics.contains_key(topic) {
                return Err(bad(format!(
                    "topic '{topic}' does not exist (auto.create.topics.enable is false on MSK)"
                )));
            }
        }
        Ok(t)
    };
    let kind = match class {
        "io.confluent.connect.kinesis.KinesisSourceConnector" => {
            let stream = conf(&cfg, "kinesis.stream")?.to_string();
            let topic = conf(&cfg, "kafka.topic")?.to_string();
            if world.kinesis.stream(&stream).is_none() {
                return Err(bad(format!("Kinesis stream '{stream}' does not exist")));
            }
            if !world.kafka.topics.contains_key(&topic) {
                return Err(bad(format!("topic '{topic}' does not exist (auto.create.topics.enable is false on MSK)")));
            }
            let pos = cfg.get("kinesis.position").map_or("TRIM_HORIZON", String::as_str);
            if pos != "TRIM_HORIZON" && pos != "LATEST" {
                return Err(bad(format!("Invalid value {pos} for configuration kinesis.position: TRIM_HORIZON or LATEST")));
            }
            ConnectorKind::KinesisSource { stream, topic, from_trim_horizon: pos == "TRIM_HORIZON" }
        }
        "io.confluent.connect.s3.S3SinkConnector" => {
            let topics = topics_of(&cfg)?;
            let bucket = conf(&cfg, "s3.bucket.name")?.to_string();
            if !world.s3.has_bucket(&bucket) {
                return Err(bad(format!("bucket '{bucket}' does not exist: create it first (s3.CreateBucket)")));
            }
            let flush_size = conf_u64(&cfg, "flush.size", DEFAULT_FLUSH_SIZE, 1, 100_000)?;
            ConnectorKind::Sink(SinkSpec::new(topics, SinkTarget::S3 { bucket, flush_size }))
        }
        "playground.TableSinkConnector" => ConnectorKind::Sink(SinkSpec::new(topics_of(&cfg)?, SinkTarget::Table)),
        other => {
            return Err(bad(format!("Failed to find any class that implements Connector and which name matches {other}; available: {}", CLASSES.join(", "))))
        }
    };
    world.kafka.connect.next_generation += 1;
    let generation = world.kafka.connect.next_generation;
    let mut c = Connector {
        name: name.to_string(),
        config: cfg,
        kind,
        paused: false,
        tasks: Vec::new(),
        offsets: BTreeMap::new(),
        last_flush_ms: world.now(),
        flush_interval_ms,
        generation,
        replayed: 0,
        high_water: BTreeMap::new(),
    };
    for id in 0..tasks_max {
        let mut t = ConnectTask {
            id,
            state: TaskState::Running,
            trace: None,
            records: 0,
            restarts: 0,
            reader: None,
            pending_offsets: BTreeMap::new(),
            member_id: None,
        };
        match &c.kind {
            ConnectorKind::KinesisSource { .. } => {
                t.reader = connect_source::new_reader(world, &c, id, tasks_max)
            }
            ConnectorKind::Sink(spec) => {
                let topics = spec.topics.clone();
                connect_sink::start_task(world, name, &topics, &mut t);
            }
        }
        c.tasks.push(t);
    }
    world.kafka.connect.connectors.insert(name.to_string(), c);
    let at = world.now() + SOURCE_POLL_MS;
    world.schedule(
        at,
        Event::Kafka(KafkaEvent::Connect(ConnectEvent::Poll {
            name: name.to_string(),
            generation,
        })),
    );
    describe(world, name)
}

/// Runs a connector's scheduled poll.
pub fn on_event(world: &mut World, event: ConnectEvent) {
    let ConnectEvent::Poll { name, generation } = event;
    let Some(mut c) = world.kafka.connect.connectors.remove(&name) else {
        return;
    };
    if c.generation != generation {
        world.kafka.connect.connectors.insert(name, c);
        return;
    }
    match c.kind {
        ConnectorKind::KinesisSource { .. } => connect_source::poll(world, &mut c),
        ConnectorKind::Sink(_) => connect_sink::poll(world, &mut c),
    }
    // A delete during the poll (through the dispatcher) leaves nothing to put back.
    world
        .kafka
        .connect
        .connectors
        .entry(name.clone())
        .or_insert(c);
    let at = world.now() + SOURCE_POLL_MS;
    world.schedule(
        at,
        Event::Kafka(KafkaEvent::Connect(ConnectEvent::Poll { name, generation })),
    );
}

fn restart(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Name", "TaskId", "OnlyFailed"])?;
    let name = req.str("Name")?;
    let task = req.opt_int("TaskId", 0, i64::from(MAX_TASKS))?;
    let only_failed = req.opt_bool("OnlyFailed")?.unwrap_or(true);
    let mut c = world
        .kafka
        .connect
        .connectors
        .remove(name)
        .ok_or_else(|| not_found(name))?;
    if let Some(id) = task {
        if id as usize >= c.tasks.len() {
            let n = c.tasks.len();
            world.kafka.connect.connectors.insert(name.to_string(), c);
            return Err(ApiError::new(
                ErrorKind::NotFoundException,
                format!("Task {name}-{id} not found ({n} tasks)"),
            ));
        }
    }
    let mut tasks = std::mem::take(&mut c.tasks);
    let count = tasks.len() as u32;
    for t in tasks.iter_mut() {
        let chosen = task.is_none_or(|id| id as u32 == t.id);
        if !chosen || (only_failed && t.state != TaskState::Failed) {
            continue;
        }
        match &mut c.kind {
            ConnectorKind::KinesisSource { .. } => {
                if t.state != TaskState::Failed {
                    connect_source::crash(t);
                }
                connect_source::restart(world, &c, t, count);
            }
            ConnectorKind::Sink(spec) => {
                if t.state != TaskState::Failed {
                    connect_sink::crash(world, name, spec, t);
                }
                let topics = spec.topics.clone();
                t.restarts += 1;
                connect_sink::start_task(world, name, &topics, t);
            }
        }
    }
    c.tasks = tasks;
    world.kafka.connect.connectors.insert(name.to_string(), c);
    describe(world, name)
}

fn fail_task(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Name", "TaskId"])?;
    let name = req.str("Name")?;
    let id = req.int("TaskId", 0, i64::from(MAX_TASKS))? as u32;
    let mut c = world
        .kafka
        .connect
        .connectors
        .remove(name)
        .ok_or_else(|| not_found(name))?;
    let found = match c.tasks.iter_mut().find(|t| t.id == id) {
        None => false,
        Some(t) => {
            match &mut c.kind {
                ConnectorKind::KinesisSource { .. } => connect_source::crash(t),
                ConnectorKind::Sink(spec) => connect_sink::crash(world, name, spec, t),
            }
            true
        }
    };
    world.kafka.connect.connectors.insert(name.to_string(), c);
    if !found {
        return Err(ApiError::new(
            ErrorKind::NotFoundException,
            format!("Task {name}-{id} not found"),
        ));
    }
    describe(world, name)
}

fn list(world: &World) -> Value {
    json!({ "Connectors": world.kafka.connect.connectors.keys().collect::<Vec<_>>() })
}

/// `DescribeConnector`: config, state, tasks, offsets and what the sink holds (read-only).
pub fn describe(world: &World, name: &str) -> Result<Value, ApiError> {
    let c = world
        .kafka
        .connect
        .connectors
        .get(name)
        .ok_or_else(|| not_found(name))?;
    let tasks: Vec<Value> = c
        .tasks
        .iter()
        .map(|t| json!({
            "Id": t.id,
            "State": if c.paused && t.state == TaskState::Running { "PAUSED" } else { t.state.as_str() },
            "WorkerId": format!("worker-{}", t.id % 3 + 1),
            "Trace": t.trace,
            "Records": t.records,
            "Restarts": t.restarts,
            "MemberId": t.member_id,
            "PendingOffsets": t.pending_offsets,
        }))
        .collect();
    let mut out = json!({
        "Name": c.name,
        "Type": c.type_str(),
        "Config": c.config,
        "Connector": { "State": c.state_str(), "WorkerId": "worker-1" },
        "Tasks": tasks,
    });
    match &c.kind {
        ConnectorKind::KinesisSource { .. } => {
            out["Offsets"] = json!(c.offsets);
            out["LastOffsetFlushMs"] = json!(c.last_flush_ms);
            out["Replayed"] = json!(c.replayed);
        }
        ConnectorKind::Sink(spec) => {
            out["GroupId"] = json!(connect_sink::group_of(name));
            out["ObjectsWritten"] = json!(spec.objects_written);
            out["Buffered"] = json!(spec.buffers.values().map(|(_, b)| b.len()).sum::<usize>());
            if spec.target == SinkTarget::Table {
                out["Table"] = spec
                    .table
                    .iter()
                    .map(|(k, r)| json!({ "Key": k, "Value": r.value, "Topic": r.topic, "Partition": r.partition, "Offset": r.offset }))
                    .collect();
            }
        }
    }
    Ok(out)
}
