//! A job as JSON for the pictures (`playground.DescribeJob`): the query, each split's watermark
//! (the thing Flink's own UI does not show well), subtasks and key-group state, checkpoints with
//! their barrier progress, open windows, recent records and watermarks, counters.

use serde_json::{json, Value};

use crate::engine::analytics::application::Application;
use crate::engine::analytics::job::{Job, Phase};
use crate::engine::analytics::spec::{QuerySpec, TimeCharacteristic, WindowSpec};
use crate::engine::analytics::window::operator_index;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::world::World;

/// Open windows listed at most.
pub const MAX_OPEN_WINDOWS: usize = 300;

/// A watermark as JSON: `null` before the first one (`Long.MIN_VALUE`).
pub fn wm_json(w: i64) -> Value {
    if w == i64::MIN {
        Value::Null
    } else {
        json!(w)
    }
}

/// The window assigner as JSON.
pub fn window_json(w: &WindowSpec) -> Value {
    match *w {
        WindowSpec::Tumbling { size_ms, offset_ms } => {
            json!({ "Type": "TUMBLE", "SizeMs": size_ms, "OffsetMs": offset_ms })
        }
        WindowSpec::Sliding {
            size_ms,
            slide_ms,
            offset_ms,
        } => {
            json!({ "Type": "HOP", "SizeMs": size_ms, "SlideMs": slide_ms, "OffsetMs": offset_ms })
        }
        WindowSpec::Session { gap_ms } => json!({ "Type": "SESSION", "GapMs": gap_ms }),
        WindowSpec::Cumulate { step_ms, size_ms } => {
            json!({ "Type": "CUMULATE", "StepMs": step_ms, "SizeMs": size_ms })
        }
        WindowSpec::Count { size, slide } => {
            json!({ "Type": "COUNT", "Size": size, "Slide": slide })
        }
    }
}

/// The query as JSON.
pub fn query_json(spec: &QuerySpec) -> Value {
    json!({
        "Source": {
            "Table": spec.source.name,
            "Stream": spec.source.stream,
            "Connector": if spec.source.from_firehose { "firehose" } else { "kinesis" },
            "StartPosition": spec.source.start_position,
            "Rowtime": spec.source.rowtime,
            "WatermarkDelayMs": spec.source.watermark_delay_ms,
            "Columns": spec.source.columns.iter().map(|(c, t)| json!({"Name": c, "Type": format!("{t:?}")})).collect::<Vec<_>>(),
        },
        "Time": match spec.time { TimeCharacteristic::EventTime => "EVENT_TIME", TimeCharacteristic::ProcessingTime => "PROCESSING_TIME" },
        "Window": window_json(&spec.window),
        "Keys": spec.keys,
        "Aggregates": spec.aggregates.iter().map(|a| json!({"Function": format!("{:?}", a.kind), "Column": a.field, "Alias": a.alias})).collect::<Vec<_>>(),
        "Output": spec.output,
        "Filter": spec.filter.is_some(),
        "Sink": spec.sink,
    })
}

/// Everything the job pictures draw.
pub fn describe_job(world: &World, app: &Application, job: &Job) -> Value {
    let now = world.now();
    let p = job.subtasks.len().max(1) as u32;
    let mp = job.max_parallelism;
    let splits: Vec<Value> = job
        .splits
        .values()
        .map(|s| {
            let r = job.reader.shards.get(&s.shard);
            json!({
                "ShardId": shard_id(s.shard),
                "Watermark": wm_json(s.generator.current_watermark()),
                "Idle": s.generator.is_idle(now as i64),
                "MaxTimestamp": s.generator.max_timestamp(),
                "Records": s.records,
                "Finished": r.is_some_and(|r| r.finished),
                "Position": r.and_then(|r| r.last_sequence.clone()),
                "MillisBehindLatest": r.map_or(0, |r| r.stats.millis_behind_latest),
                "Throttles": r.map_or(0, |r| r.stats.throttles),
            })
        })
        .collect();
    let mut key_groups = Vec::new();
    let mut subtasks = Vec::new();
    let mut state_bytes = 0u64;
    for (i, s) in job.subtasks.iter().enumerate() {
        let groups = s.operator.state_by_key_group(mp);
        let bytes: u64 = groups.iter().map(|g| g.2).sum();
        state_bytes += bytes;
        for (kg, panes, b) in &groups {
            key_groups
                .push(json!({ "KeyGroup": kg, "Subtask": i, "Panes": panes, "StateBytes": b }));
        }
        let first = (0..mp).find(|kg| operator_index(*kg, p, mp) == i as u32);
        let last = (0..mp)
            .rev()
            .find(|kg| operator_index(*kg, p, mp) == i as u32);
        subtasks.push(json!({
            "Index": i,
            "Records": s.records,
            "Fired": s.fired,
            "Panes": s.operator.pane_count(),
            "StateBytes": bytes,
            "KeyGroupRange": [first, last],
        }));
    }
    let mut open = Vec::new();
    for (i, s) in job.subtasks.iter().enumerate() {
        for (key, w, n, fired, results) in s.operator.open_panes(MAX_OPEN_WINDOWS) {
            open.push(json!({
                "Key": key, "Start": w.start, "End": w.end, "Records": n, "Fired": fired,
                "Subtask": i, "Row": job.output_row(&key, w, &results),
            }));
        }
    }
    open.sort_by_key(|v| (v["End"].as_i64(), v["Start"].as_i64()));
    open.truncate(MAX_OPEN_WINDOWS);
    let trace: Vec<Value> = job
        .trace
        .iter()
        .map(|t| {
            json!({
                "EventTime": t.event_ms, "ProcessedAt": t.processed_ms, "Key": t.key,
                "ShardId": shard_id(t.shard), "Subtask": t.subtask, "Late": t.late,
            })
        })
        .collect();
    let wms: Vec<Value> = job
        .watermarks
        .iter()
        .map(|w| {
            json!({
                "At": w.at_ms,
                "Watermark": wm_json(w.combined),
                "Splits": w.splits.iter().map(|(s, m, idle)| json!({"ShardId": shard_id(*s), "Watermark": wm_json(*m), "Idle": idle})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let c = &job.counters;
    let (phase, restart_at) = match job.phase {
        Phase::Running => ("RUNNING", None),
        Phase::Restarting { until } => ("RESTARTING", Some(until)),
    };
    json!({
        "ApplicationName": app.name,
        "ApplicationStatus": app.status.as_str(),
        "Phase": phase,
        "RestartAt": restart_at,
        "Incarnation": job.incarnation,
        "Now": now,
        "NowUnixMs": world.epoch().to_unix_ms(now),
        "StartedAt": job.started_ms,
        "Sql": app.sql,
        "Query": query_json(&job.spec),
        "Parallelism": p,
        "MaxParallelism": mp,
        "StateRestored": job.state_restored,
        "Watermark": wm_json(job.watermark),
        "Splits": splits,
        "Subtasks": subtasks,
        "KeyGroups": key_groups,
        "StateBytes": state_bytes,
        "OpenWindows": open,
        "Trace": trace,
        "Watermarks": wms,
        "Checkpoints": job.coordinator.history.iter().map(|r| r.to_json(now)).collect::<Vec<_>>(),
        "LatestCompletedCheckpoint": job.coordinator.latest.as_ref().map(|s| s.id),
        "Counters": {
            "RecordsIn": c.records_in, "ParseErrors": c.parse_errors, "BadTimestamps": c.bad_timestamps,
            "FilteredOut": c.filtered_out, "Processed": c.processed, "Late": c.late,
            "Fired": c.fired, "Updates": c.updates, "Restarts": c.restarts,
        },
        "Sinks": {
            "CommittedRows": job.sinks.committed.len(),
            "CommittedTotal": job.sinks.committed_total,
            "PendingRows": job.sinks.pending.len(),
            "AtLeastOnceRows": job.sinks.at_least_once_total,
            "Duplicates": job.sinks.duplicates,
            "Aborted": job.sinks.aborted,
            "LateRows": job.sinks.late_total,
            "SinkStream": job.sink_stream,
            "SinkStreamWritten": job.sinks.stream_written,
            "SinkStreamRetries": job.sinks.stream_retries,
            "SinkStreamQueued": job.sinks.stream_queue.len(),
        },
    })
}
