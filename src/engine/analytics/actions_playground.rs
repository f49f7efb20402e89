//! Playground actions for streaming jobs (service `playground`): kill a task manager, the job's
//! picture state, its sinks, the batch comparison, which windows an event time joins, and the
//! SQL check and builder the UI uses.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::analytics::actions::find;
use crate::engine::analytics::application::{with_app, AppStatus};
use crate::engine::analytics::batch::{compare, run_batch};
use crate::engine::analytics::describe::{describe_job, query_json, wm_json};
use crate::engine::analytics::job::{Job, Phase};
use crate::engine::analytics::spec::{
    AggregateKind, AggregateSpec, ColumnType, QuerySpec, SourceTable, TimeCharacteristic,
    WindowSpec,
};
use crate::engine::analytics::sql::{compile, compile_query, to_sql};
use crate::engine::analytics::window::assign_windows;
use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::world::World;

/// Playground actions handled here.
pub const ACTIONS: &[&str] = &[
    "KillTaskManager",
    "DescribeJob",
    "GetJobResults",
    "RunBatchQuery",
    "PreviewWindows",
    "ValidateSql",
    "BuildSql",
];

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "KillTaskManager" => kill(world, req),
        other => read(world, other, req),
    }
}

/// The read-only actions of [`ACTIONS`] (every one but `KillTaskManager`) on a shared world:
/// the same JSON the dispatcher returns, for views that poll it without logging an action.
pub fn read(world: &World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "DescribeJob" => {
            req.deny_unknown(&["ApplicationName"])?;
            let app = find(world, req.str("ApplicationName")?)?;
            let job = job_of(app)?;
            Ok(describe_job(world, app, job))
        }
        "GetJobResults" => results(world, req),
        "RunBatchQuery" => batch(world, req),
        "PreviewWindows" => preview(world, req),
        "ValidateSql" => {
            req.deny_unknown(&["Sql"])?;
            Ok(match compile(req.str("Sql")?) {
                Ok(spec) => {
                    json!({ "Valid": true, "Query": query_json(&spec), "Sql": to_sql(&spec) })
                }
                Err(e) => {
                    json!({ "Valid": false, "Line": e.line, "Column": e.column, "Message": e.message })
                }
            })
        }
        "BuildSql" => build(req),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("no read-only analytics action '{other}'"),
        )),
    }
}

fn job_of(app: &crate::engine::analytics::application::Application) -> Result<&Job, ApiError> {
    app.job.as_ref().ok_or_else(|| {
        ApiError::not_found(format!(
            "Application {} has not run yet (StartApplication, then wait for RUNNING)",
            app.name
        ))
    })
}

fn kill(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName"])?;
    let name = req.str("ApplicationName")?;
    let app = find(world, name)?;
    let job = job_of(app)?;
    if app.status != AppStatus::Running || job.phase != Phase::Running {
        return Err(ApiError::in_use(format!(
            "Application {name} has no running job to fail (status {})",
            app.status.as_str()
        )));
    }
    let now = world.now();
    let out = with_app(world, name, |_, app| {
        let Some(job) = app.job.as_mut() else {
            return Value::Null;
        };
        let pending = job.sinks.pending.len();
        job.kill_task_manager(now);
        app.generation += 1;
        json!({
            "Phase": "RESTARTING",
            "RestartAt": now + crate::engine::analytics::job::RESTART_DELAY_MS,
            "RestoreFromCheckpoint": job.coordinator.latest.as_ref().map(|s| s.id),
            "RestorePositions": job.coordinator.latest.as_ref().map_or_else(|| job.initial.positions(), |s| s.positions()),
            "AbortedRows": pending,
        })
    });
    Ok(out.unwrap_or(Value::Null))
}

fn rows_json(rows: Vec<Value>, total: u64) -> Value {
    json!({ "Rows": rows, "Total": total })
}

fn results(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "Sink", "Limit"])?;
    let app = find(world, req.str("ApplicationName")?)?;
    let job = job_of(app)?;
    let limit = req.opt_int("Limit", 1, 10_000)?.unwrap_or(100) as usize;
    let s = &job.sinks;
    let tail = |n: usize| n.saturating_sub(limit);
    Ok(match req.opt_str("Sink")?.unwrap_or("EXACTLY_ONCE") {
        "EXACTLY_ONCE" => {
            let rows: Vec<Value> = s.committed.values().map(|r| r.to_json()).collect();
            let n = rows.len();
            let mut out = rows_json(rows[tail(n)..].to_vec(), n as u64);
            out["Log"] = json!(s
                .committed_log
                .iter()
                .skip(tail(s.committed_log.len()))
                .map(|r| r.to_json())
                .collect::<Vec<_>>());
            out["Pending"] = json!(s.pending.len());
            out
        }
        "AT_LEAST_ONCE" => {
            let rows: Vec<Value> = s
                .at_least_once
                .iter()
                .skip(tail(s.at_least_once.len()))
                .map(|r| r.to_json())
                .collect();
            let mut out = rows_json(rows, s.at_least_once_total);
            out["Duplicates"] = json!(s.duplicates);
            out
        }
        "PENDING" => rows_json(
            s.pending
                .iter()
                .skip(tail(s.pending.len()))
                .map(|(t, r)| {
                    let mut v = r.to_json();
                    v["Transaction"] = json!(t);
                    v
                })
                .collect(),
            s.pending.len() as u64,
        ),
        "LATE" => rows_json(
            s.late
                .iter()
                .skip(tail(s.late.len()))
                .map(|l| {
                    json!({ "Key": l.key, "EventTime": l.timestamp, "LatenessMs": l.lateness_ms, "Row": l.row, "At": l.at_ms })
                })
                .collect(),
            s.late_total,
        ),
        other => {
            return Err(ApiError::invalid_argument(format!(
                "Sink '{other}' is not valid; use EXACTLY_ONCE, AT_LEAST_ONCE, PENDING or LATE"
            )))
        }
    })
}

fn batch(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "Limit"])?;
    let app = find(world, req.str("ApplicationName")?)?;
    let limit = req.opt_int("Limit", 1, 10_000)?.unwrap_or(100) as usize;
    let (rows, n) =
        run_batch(world, &app.spec, app.settings.allowed_lateness_ms).ok_or_else(|| {
            ApiError::not_found(format!(
                "source stream {} does not exist",
                app.spec.source.stream
            ))
        })?;
    let streaming: BTreeMap<_, _> = app
        .job
        .as_ref()
        .map(|j| {
            j.sinks
                .committed
                .iter()
                .map(|(k, r)| (k.clone(), r.row.clone()))
                .collect()
        })
        .unwrap_or_default();
    let alo = app
        .job
        .as_ref()
        .map(|j| j.sinks.at_least_once_latest.clone())
        .unwrap_or_default();
    let late = app.job.as_ref().map_or(0, |j| j.sinks.late_total);
    // Time windows the streaming job has not reached are open there, not different.
    let wm = match (&app.job, app.spec.time, app.spec.window) {
        (_, _, WindowSpec::Count { .. }) => None,
        (Some(j), TimeCharacteristic::EventTime, _) => Some(j.watermark),
        (Some(j), TimeCharacteristic::ProcessingTime, _) => {
            Some(world.epoch().to_unix_ms(j.next_poll_ms) as i64)
        }
        (None, _, _) => Some(i64::MIN),
    };
    Ok(json!({
        "RecordsRead": n,
        "Panes": rows.len(),
        "Rows": rows.values().take(limit).cloned().collect::<Vec<_>>(),
        "ComparedWith": "EXACTLY_ONCE",
        "Comparison": compare(&streaming, &rows, wm),
        "AtLeastOnceComparison": compare(&alo, &rows, wm),
        "LateRecordsDroppedByStreaming": late,
    }))
}

fn preview(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "EventTime"])?;
    let app = find(world, req.str("ApplicationName")?)?;
    let ts = req.int("EventTime", i64::MIN / 4, i64::MAX / 4)?;
    let wm = app.job.as_ref().map_or(i64::MIN, |j| j.watermark);
    let lateness = app.settings.allowed_lateness_ms;
    let windows: Vec<Value> = assign_windows(&app.spec.window, ts)
        .into_iter()
        .map(|w| {
            let late = w.max_timestamp().saturating_add(lateness) <= wm;
            json!({
                "Start": w.start, "End": w.end, "FiresAtWatermark": w.max_timestamp(),
                "Late": late, "AlreadyFired": w.max_timestamp() <= wm,
            })
        })
        .collect();
    let all_late = !windows.is_empty() && windows.iter().all(|w| w["Late"] == json!(true));
    Ok(json!({
        "EventTime": ts,
        "Watermark": wm_json(wm),
        "Windows": windows,
        "GoesToSideOutput": all_late,
        "Note": match app.spec.window {
            WindowSpec::Session { .. } => "a session window starts as [t, t+gap) and merges with overlapping sessions of the same key",
            WindowSpec::Count { .. } => "count windows ignore time: the record joins its key's current count window",
            _ => "",
        },
    }))
}

fn parse_ms(v: &Request<'_>, name: &str) -> Result<Option<i64>, ApiError> {
    v.opt_int(name, 0, 31_536_000_000)
}

/// Builds a query from form fields and returns its SQL (the UI's query builder).
fn build(req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Table",
        "Stream",
        "StartPosition",
        "Columns",
        "Rowtime",
        "WatermarkDelayMs",
        "Window",
        "Keys",
        "Aggregates",
        "Where",
        "Sink",
    ])?;
    let mut columns = Vec::new();
    for c in req.opt_list("Columns")?.cloned().unwrap_or_default() {
        let c = Request::new(&c)?;
        let ty = match c.str("Type")?.to_ascii_uppercase().as_str() {
            "STRING" => ColumnType::String,
            "BIGINT" | "INT" => ColumnType::BigInt,
            "DOUBLE" => ColumnType::Double,
            "BOOLEAN" => ColumnType::Boolean,
            "TIMESTAMP" | "TIMESTAMP(3)" => ColumnType::Timestamp,
            other => {
                return Err(ApiError::invalid_argument(format!(
                "column type '{other}' is not one of STRING, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP(3)"
            )))
            }
        };
        columns.push((c.str("Name")?.to_string(), ty));
    }
    let rowtime = req.opt_str("Rowtime")?.map(str::to_string);
    let source = SourceTable {
        name: req.opt_str("Table")?.unwrap_or("events").to_string(),
        stream: req.str("Stream")?.to_string(),
        columns,
        start_position: req
            .opt_str("StartPosition")?
            .unwrap_or("LATEST")
            .to_string(),
        watermark_delay_ms: parse_ms(&req, "WatermarkDelayMs")?.unwrap_or(0),
        rowtime: rowtime.clone(),
        from_firehose: req.opt_bool("FromFirehose")?.unwrap_or(false),
    };
    let w = req
        .opt_struct("Window")?
        .ok_or_else(|| ApiError::invalid_argument("Window is required"))?;
    let window = match w.str("Type")? {
        "TUMBLE" => WindowSpec::Tumbling {
            size_ms: parse_ms(&w, "SizeMs")?.unwrap_or(10_000),
            offset_ms: parse_ms(&w, "OffsetMs")?.unwrap_or(0),
        },
        "HOP" => WindowSpec::Sliding {
            size_ms: parse_ms(&w, "SizeMs")?.unwrap_or(10_000),
            slide_ms: parse_ms(&w, "SlideMs")?.unwrap_or(5_000),
            offset_ms: parse_ms(&w, "OffsetMs")?.unwrap_or(0),
        },
        "SESSION" => WindowSpec::Session {
            gap_ms: parse_ms(&w, "GapMs")?.unwrap_or(5_000),
        },
        "CUMULATE" => WindowSpec::Cumulate {
            step_ms: parse_ms(&w, "StepMs")?.unwrap_or(5_000),
            size_ms: parse_ms(&w, "SizeMs")?.unwrap_or(20_000),
        },
        "COUNT" => {
            let size = w.opt_int("Size", 1, 1_000_000)?.unwrap_or(10) as u64;
            WindowSpec::Count {
                size,
                slide: w.opt_int("Slide", 1, 1_000_000)?.map_or(size, |s| s as u64),
            }
        }
        other => {
            return Err(ApiError::invalid_argument(format!(
                "Window.Type '{other}' is not one of TUMBLE, HOP, SESSION, CUMULATE, COUNT"
            )))
        }
    };
    let keys: Vec<String> = req
        .opt_list("Keys")?
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    let mut aggregates = Vec::new();
    for a in req.opt_list("Aggregates")?.cloned().unwrap_or_default() {
        let a = Request::new(&a)?;
        let f = a.str("Function")?.to_ascii_uppercase();
        let col = a
            .opt_str("Column")?
            .filter(|c| !c.is_empty() && *c != "*")
            .map(str::to_string);
        let kind = match f.as_str() {
            "COUNT" => AggregateKind::Count,
            "SUM" => AggregateKind::Sum,
            "MIN" => AggregateKind::Min,
            "MAX" => AggregateKind::Max,
            "AVG" => AggregateKind::Avg,
            "COUNT_DISTINCT" => AggregateKind::CountDistinct,
            "TOP_N" => AggregateKind::TopN(a.opt_int("N", 1, 100)?.unwrap_or(3) as usize),
            other => {
                return Err(ApiError::invalid_argument(format!(
                    "aggregate '{other}' is not one of COUNT, SUM, MIN, MAX, AVG, COUNT_DISTINCT, TOP_N"
                )))
            }
        };
        let alias = a
            .opt_str("Alias")?
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| match &col {
                Some(c) => format!("{}_{c}", f.to_ascii_lowercase()),
                None => "count_star".to_string(),
            });
        aggregates.push(AggregateSpec {
            kind,
            field: col,
            alias,
        });
    }
    let time = if rowtime.is_some() {
        TimeCharacteristic::EventTime
    } else {
        TimeCharacteristic::ProcessingTime
    };
    let mut output = vec!["window_start".to_string(), "window_end".to_string()];
    output.extend(keys.iter().cloned());
    output.extend(aggregates.iter().map(|a| a.alias.clone()));
    let spec = QuerySpec {
        source,
        time,
        window,
        keys,
        filter: None,
        aggregates,
        output,
        sink: req
            .opt_str("Sink")?
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    };
    let mut sql = to_sql(&spec);
    if let Some(w) = req
        .opt_str("Where")?
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        // Splice the filter in before GROUP BY and let the real parser judge it.
        if let Some(pos) = sql.rfind("GROUP BY") {
            sql = format!("{}WHERE {w}\n{}", &sql[..pos], &sql[pos..]);
        }
    }
    match compile(&sql) {
        Ok(spec) => Ok(json!({ "Sql": sql, "Valid": true, "Query": query_json(&spec) })),
        Err(e) => Ok(
            json!({ "Sql": sql, "Valid": false, "Line": e.line, "Column": e.column, "Message": e.message }),
        ),
    }
}

/// Compiles a bare query against a table (used by tests and the builder).
pub fn compile_against(sql: &str, table: &SourceTable) -> Result<QuerySpec, ApiError> {
    compile_query(sql, table).map_err(|e| {
        ApiError::new(
            ErrorKind::CodeValidationException,
            format!(
                "SQL error at line {}, column {}: {}",
                e.line, e.column, e.message
            ),
        )
    })
}
