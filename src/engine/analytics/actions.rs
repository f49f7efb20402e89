//! Service `kinesisanalyticsv2` of the dispatcher (Managed Service for Apache Flink, semantics.md
//! §5.6): CreateApplication (the job's SQL as `TextContent`), DescribeApplication,
//! ListApplications, UpdateApplication, DeleteApplication, StartApplication, StopApplication,
//! CreateApplicationSnapshot, ListApplicationSnapshots, DescribeApplicationSnapshot,
//! DeleteApplicationSnapshot.

use serde_json::{json, Value};

use crate::engine::analytics::application::{
    application_arn, with_app, AppStatus, Application, Restore, MAX_APPLICATIONS, START_DELAY_MS,
    STOP_DELAY_MS,
};
use crate::engine::analytics::settings::JobSettings;
use crate::engine::analytics::sql::compile;
use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::world::World;

/// Actions of service `kinesisanalyticsv2`.
pub const ACTIONS: &[&str] = &[
    "CreateApplication",
    "DescribeApplication",
    "ListApplications",
    "UpdateApplication",
    "DeleteApplication",
    "StartApplication",
    "StopApplication",
    "CreateApplicationSnapshot",
    "ListApplicationSnapshots",
    "DescribeApplicationSnapshot",
    "DeleteApplicationSnapshot",
];

/// Runtimes accepted (Flink versions MSF offers).
pub const RUNTIMES: &[&str] = &["FLINK-1_15", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20"];

/// Runs one action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateApplication" => create(world, req),
        "DescribeApplication" => {
            req.deny_unknown(&["ApplicationName", "IncludeAdditionalDetails"])?;
            let app = find(world, req.str("ApplicationName")?)?;
            Ok(json!({ "ApplicationDetail": detail(world, app) }))
        }
        "ListApplications" => list(world, req),
        "UpdateApplication" => update(world, req),
        "DeleteApplication" => delete(world, req),
        "StartApplication" => start(world, req),
        "StopApplication" => stop(world, req),
        "CreateApplicationSnapshot" => create_snapshot(world, req),
        "ListApplicationSnapshots" => list_snapshots(world, req),
        "DescribeApplicationSnapshot" => {
            req.deny_unknown(&["ApplicationName", "SnapshotName"])?;
            let app = find(world, req.str("ApplicationName")?)?;
            let name = req.str("SnapshotName")?;
            let s = app.snapshots.get(name).ok_or_else(|| {
                ApiError::not_found(format!(
                    "Snapshot {name} of application {} not found",
                    app.name
                ))
            })?;
            Ok(json!({ "SnapshotDetails": snapshot_json(world, app, s) }))
        }
        "DeleteApplicationSnapshot" => delete_snapshot(world, req),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "kinesisanalyticsv2 has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

/// The application named `name`.
pub fn find<'w>(world: &'w World, name: &str) -> Result<&'w Application, ApiError> {
    world
        .analytics
        .applications
        .get(name)
        .ok_or_else(|| ApiError::not_found(format!("Application {name} not found")))
}

fn validate_name(name: &str, what: &str, max: usize) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_argument(format!(
            "{what} '{name}' must be 1–{max} characters of [a-zA-Z0-9_.-]"
        )))
    }
}

fn seconds(world: &World, ms: u64) -> Value {
    json!(world.epoch().to_unix_ms(ms) as f64 / 1000.0)
}

/// Compiles the SQL, mapping errors to `CodeValidationException` with the position.
pub fn compile_sql(sql: &str) -> Result<crate::engine::analytics::spec::QuerySpec, ApiError> {
    compile(sql).map_err(|e| {
        ApiError::new(
            ErrorKind::CodeValidationException,
            format!(
                "SQL error at line {}, column {}: {}",
                e.line, e.column, e.message
            ),
        )
    })
}

fn code_of(config: &Request<'_>, update: bool) -> Result<Option<String>, ApiError> {
    if update {
        let Some(c) = config.opt_struct("ApplicationCodeConfigurationUpdate")? else {
            return Ok(None);
        };
        let Some(cc) = c.opt_struct("CodeContentUpdate")? else {
            return Ok(None);
        };
        if cc.raw("ZipFileContentUpdate").is_some() || cc.raw("S3ContentLocationUpdate").is_some() {
            return Err(zip_refused());
        }
        return Ok(cc.opt_str("TextContentUpdate")?.map(str::to_string));
    }
    let c = config.opt_struct("ApplicationCodeConfiguration")?.ok_or_else(|| {
        ApiError::invalid_argument(
            "ApplicationConfiguration.ApplicationCodeConfiguration is required: the job's SQL goes in CodeContent.TextContent with CodeContentType PLAINTEXT",
        )
    })?;
    match c.opt_str("CodeContentType")? {
        Some("PLAINTEXT") | None => {}
        Some("ZIPFILE") => return Err(zip_refused()),
        Some(other) => {
            return Err(ApiError::invalid_argument(format!(
                "CodeContentType '{other}' is not valid; use PLAINTEXT"
            )))
        }
    }
    let cc = c.opt_struct("CodeContent")?.ok_or_else(|| {
        ApiError::invalid_argument("CodeContent.TextContent (the SQL) is required")
    })?;
    if cc.raw("ZipFileContent").is_some() || cc.raw("S3ContentLocation").is_some() {
        return Err(zip_refused());
    }
    let text = cc.str("TextContent")?;
    if text.len() > 102_400 {
        return Err(ApiError::invalid_argument(
            "TextContent is limited to 102,400 characters",
        ));
    }
    Ok(Some(text.to_string()))
}

fn zip_refused() -> ApiError {
    ApiError::new(
        ErrorKind::UnsupportedOperationException,
        "the playground runs jobs written in SQL (CodeContent.TextContent); JAR/ZIP code cannot run in a browser",
    )
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ApplicationName",
        "ApplicationDescription",
        "RuntimeEnvironment",
        "ServiceExecutionRole",
        "ApplicationConfiguration",
        "CloudWatchLoggingOptions",
        "Tags",
        "ApplicationMode",
    ])?;
    let name = req.str("ApplicationName")?;
    validate_name(name, "ApplicationName", 128)?;
    let description = req.opt_str("ApplicationDescription")?.unwrap_or_default();
    if description.len() > 1024 {
        return Err(ApiError::invalid_argument(
            "ApplicationDescription is limited to 1,024 characters",
        ));
    }
    let runtime = req.str("RuntimeEnvironment")?;
    if runtime.starts_with("SQL-") {
        return Err(ApiError::invalid_argument(
            "SQL-1_0 applications can no longer be created (Kinesis Data Analytics for SQL closed to new applications on 15 Oct 2025, §5.7); use a FLINK-1_x runtime with Flink SQL",
        ));
    }
    if !RUNTIMES.contains(&runtime) {
        return Err(ApiError::invalid_argument(format!(
            "RuntimeEnvironment '{runtime}' is not supported; use one of {}",
            RUNTIMES.join(", ")
        )));
    }
    let role = req.str("ServiceExecutionRole")?;
    if !role.starts_with("arn:aws:iam::") || !role.contains(":role/") || role.len() > 2048 {
        return Err(ApiError::invalid_argument(format!(
            "ServiceExecutionRole '{role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        )));
    }
    if let Some(m) = req.opt_str("ApplicationMode")? {
        if m != "STREAMING" {
            return Err(ApiError::new(
                ErrorKind::UnsupportedOperationException,
                format!("ApplicationMode '{m}' is not supported; the playground runs STREAMING applications"),
            ));
        }
    }
    if world.analytics.applications.contains_key(name) {
        return Err(ApiError::in_use(format!(
            "Application {name} already exists"
        )));
    }
    if world.analytics.applications.len() >= MAX_APPLICATIONS {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!("at most {MAX_APPLICATIONS} applications per account in the playground"),
        ));
    }
    let config = req.opt_struct("ApplicationConfiguration")?.ok_or_else(|| {
        ApiError::invalid_argument("ApplicationConfiguration is required (with the SQL)")
    })?;
    let sql = code_of(&config, false)?.unwrap_or_default();
    let spec = compile_sql(&sql)?;
    let mut settings = JobSettings::default();
    settings.apply(&config, false)?;
    let now = world.now();
    let app = Application {
        name: name.to_string(),
        description: description.to_string(),
        runtime: runtime.to_string(),
        role: role.to_string(),
        sql,
        spec,
        settings,
        status: AppStatus::Ready,
        version_id: 1,
        created_ms: now,
        updated_ms: now,
        transition_at: None,
        restore: Restore::Latest,
        job: None,
        snapshots: Default::default(),
        generation: 0,
        incarnations: 0,
        last_error: None,
    };
    let out = json!({ "ApplicationDetail": detail(world, &app) });
    world.analytics.applications.insert(name.to_string(), app);
    Ok(out)
}

/// `ApplicationDetail`.
pub fn detail(world: &World, app: &Application) -> Value {
    let mut config = app.settings.describe();
    config["ApplicationCodeConfigurationDescription"] = json!({
        "CodeContentType": "PLAINTEXT",
        "CodeContentDescription": { "TextContent": app.sql },
    });
    config["RunConfigurationDescription"] = json!({
        "ApplicationRestoreConfigurationDescription": { "ApplicationRestoreType": match &app.restore {
            Restore::Skip => "SKIP_RESTORE_FROM_SNAPSHOT",
            Restore::Latest => "RESTORE_FROM_LATEST_SNAPSHOT",
            Restore::Custom(_) => "RESTORE_FROM_CUSTOM_SNAPSHOT",
        }, "SnapshotName": match &app.restore { Restore::Custom(n) => json!(n), _ => Value::Null } },
    });
    json!({
        "ApplicationARN": application_arn(&app.name),
        "ApplicationName": app.name,
        "ApplicationDescription": app.description,
        "RuntimeEnvironment": app.runtime,
        "ServiceExecutionRole": app.role,
        "ApplicationStatus": app.status.as_str(),
        "ApplicationVersionId": app.version_id,
        "ApplicationMode": "STREAMING",
        "CreateTimestamp": seconds(world, app.created_ms),
        "LastUpdateTimestamp": seconds(world, app.updated_ms),
        "ApplicationConfigurationDescription": config,
        "Kpus": app.settings.kpus(),
        "LastError": app.last_error,
    })
}

fn list(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Limit", "NextToken"])?;
    let limit = req.opt_int("Limit", 1, 50)?.unwrap_or(50) as usize;
    let after = req.opt_str("NextToken")?;
    let apps: Vec<&Application> = world
        .analytics
        .applications
        .values()
        .filter(|a| after.is_none_or(|t| a.name.as_str() > t))
        .collect();
    let page: Vec<Value> = apps
        .iter()
        .take(limit)
        .map(|a| {
            json!({
                "ApplicationName": a.name,
                "ApplicationARN": application_arn(&a.name),
                "ApplicationStatus": a.status.as_str(),
                "ApplicationVersionId": a.version_id,
                "RuntimeEnvironment": a.runtime,
                "ApplicationMode": "STREAMING",
            })
        })
        .collect();
    let mut out = json!({ "ApplicationSummaries": page });
    if apps.len() > limit {
        out["NextToken"] = json!(apps[limit - 1].name);
    }
    Ok(out)
}

fn restore_of(rc: Option<Request<'_>>, app: &Application) -> Result<Option<Restore>, ApiError> {
    let Some(rc) = rc else {
        return Ok(None);
    };
    let Some(r) = rc.opt_struct("ApplicationRestoreConfiguration")? else {
        return Ok(None);
    };
    let restore = match r.str("ApplicationRestoreType")? {
        "SKIP_RESTORE_FROM_SNAPSHOT" => Restore::Skip,
        "RESTORE_FROM_LATEST_SNAPSHOT" => Restore::Latest,
        "RESTORE_FROM_CUSTOM_SNAPSHOT" => {
            let n = r.str("SnapshotName").map_err(|_| {
                ApiError::invalid_argument("RESTORE_FROM_CUSTOM_SNAPSHOT needs SnapshotName")
            })?;
            if !app.snapshots.contains_key(n) {
                return Err(ApiError::not_found(format!(
                    "Snapshot {n} of application {} not found",
                    app.name
                )));
            }
            Restore::Custom(n.to_string())
        }
        other => {
            return Err(ApiError::invalid_argument(format!(
                "ApplicationRestoreType '{other}' is not valid; use SKIP_RESTORE_FROM_SNAPSHOT, RESTORE_FROM_LATEST_SNAPSHOT or RESTORE_FROM_CUSTOM_SNAPSHOT"
            )))
        }
    };
    Ok(Some(restore))
}

fn check_streams(world: &World, app: &Application) -> Result<(), ApiError> {
    let src = &app.spec.source.stream;
    if app.spec.source.from_firehose {
        if !world.firehose.streams.contains_key(src) {
            return Err(ApiError::new(
                ErrorKind::InvalidApplicationConfigurationException,
                format!("source delivery stream {src} (the table's 'delivery-stream' option) does not exist"),
            ));
        }
    } else {
        match world.kinesis.stream(src) {
            Some(s) if s.status.allows_io() => {}
            Some(_) => {
                return Err(ApiError::in_use(format!(
                    "source stream {src} is not ACTIVE yet"
                )))
            }
            None => {
                return Err(ApiError::new(
                    ErrorKind::InvalidApplicationConfigurationException,
                    format!("source stream {src} (the table's 'stream' option) does not exist"),
                ))
            }
        }
    }
    if let Some(sink) = &app.spec.sink {
        if world.kinesis.stream(sink).is_none() {
            return Err(ApiError::new(
                ErrorKind::InvalidApplicationConfigurationException,
                format!("INSERT INTO {sink}: no Kinesis stream named {sink} exists for the sink; create it or remove INSERT INTO (results still go to the results table)"),
            ));
        }
    }
    Ok(())
}

fn start(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "RunConfiguration"])?;
    let name = req.str("ApplicationName")?;
    let app = find(world, name)?;
    if app.status != AppStatus::Ready {
        return Err(ApiError::in_use(format!(
            "Application {name} is {}; only a READY application can start",
            app.status.as_str()
        )));
    }
    let restore = restore_of(req.opt_struct("RunConfiguration")?, app)?;
    check_streams(world, app)?;
    let now = world.now();
    with_app(world, name, |_, app| {
        if let Some(r) = restore {
            app.restore = r;
        }
        if !app.settings.snapshots_enabled && app.restore == Restore::Latest {
            app.restore = Restore::Skip;
        }
        app.status = AppStatus::Starting;
        app.transition_at = Some(now + START_DELAY_MS);
        app.generation += 1;
    });
    Ok(json!({}))
}

/// Ends the job of a RUNNING application: with snapshots enabled (and no `force`) a final
/// savepoint commits open transactions and is stored; otherwise open transactions abort.
fn end_job(world: &World, app: &mut Application, force: bool, why: &str) {
    let now = world.now();
    let snapshots = app.settings.snapshots_enabled && !force;
    let running = app.status == AppStatus::Running;
    let Some(job) = app.job.as_mut() else {
        return;
    };
    let mut stored = None;
    if running && snapshots {
        let snap = job.savepoint(now, true);
        stored = Some((format!("{why}-{}", snap.id), snap));
    } else {
        job.coordinator.fail("application stopped", now);
        job.sinks.abort_pending();
    }
    app.incarnations = job.incarnation + 1;
    if let Some((name, snap)) = stored {
        app.store_snapshot(name, now, snap);
    }
}

fn stop(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "Force"])?;
    let name = req.str("ApplicationName")?;
    let force = req.opt_bool("Force")?.unwrap_or(false);
    let app = find(world, name)?;
    let ok = match app.status {
        AppStatus::Running => true,
        AppStatus::Starting | AppStatus::Updating => force,
        _ => false,
    };
    if !ok {
        return Err(ApiError::in_use(format!(
            "Application {name} is {}; StopApplication needs RUNNING (or Force while STARTING/UPDATING)",
            app.status.as_str()
        )));
    }
    let now = world.now();
    with_app(world, name, |w, app| {
        end_job(w, app, force, "stop");
        app.status = AppStatus::Stopping;
        app.transition_at = Some(now + STOP_DELAY_MS);
        app.generation += 1;
    });
    Ok(json!({}))
}

fn update(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ApplicationName",
        "CurrentApplicationVersionId",
        "ApplicationConfigurationUpdate",
        "RunConfigurationUpdate",
        "ServiceExecutionRoleUpdate",
        "RuntimeEnvironmentUpdate",
        "ConditionalToken",
    ])?;
    let name = req.str("ApplicationName")?;
    let app = find(world, name)?;
    let current = req.int("CurrentApplicationVersionId", 1, 999_999_999)?;
    if current as u64 != app.version_id {
        return Err(ApiError::new(
            ErrorKind::ConcurrentModificationException,
            format!(
                "CurrentApplicationVersionId {current} is stale; the application is at version {}",
                app.version_id
            ),
        ));
    }
    if !matches!(app.status, AppStatus::Ready | AppStatus::Running) {
        return Err(ApiError::in_use(format!(
            "Application {name} is {}; UpdateApplication needs READY or RUNNING",
            app.status.as_str()
        )));
    }
    let mut settings = app.settings.clone();
    let mut sql = None;
    if let Some(cfg) = req.opt_struct("ApplicationConfigurationUpdate")? {
        sql = code_of(&cfg, true)?;
        settings.apply(&cfg, true)?;
    }
    let spec = match &sql {
        Some(s) => Some(compile_sql(s)?),
        None => None,
    };
    let restore = restore_of(req.opt_struct("RunConfigurationUpdate")?, app)?;
    if let Some(r) = req.opt_str("RuntimeEnvironmentUpdate")? {
        if !RUNTIMES.contains(&r) {
            return Err(ApiError::invalid_argument(format!(
                "RuntimeEnvironmentUpdate '{r}' is not supported; use one of {}",
                RUNTIMES.join(", ")
            )));
        }
    }
    let runtime = req.opt_str("RuntimeEnvironmentUpdate")?.map(str::to_string);
    let role = req
        .opt_str("ServiceExecutionRoleUpdate")?
        .map(str::to_string);
    let now = world.now();
    let out = with_app(world, name, |w, app| {
        let running = app.status == AppStatus::Running;
        if running {
            end_job(w, app, false, "update");
            app.status = AppStatus::Updating;
            app.transition_at = Some(now + STOP_DELAY_MS);
            app.generation += 1;
            if app.settings.snapshots_enabled {
                app.restore = Restore::Latest;
            } else {
                app.restore = Restore::Skip;
            }
        }
        if let (Some(s), Some(spec)) = (sql, spec) {
            app.sql = s;
            app.spec = spec;
        }
        if let Some(r) = restore {
            app.restore = r;
        }
        if let Some(r) = runtime {
            app.runtime = r;
        }
        if let Some(r) = role {
            app.role = r;
        }
        app.settings = settings;
        app.version_id += 1;
        app.updated_ms = now;
        detail(w, app)
    });
    Ok(json!({ "ApplicationDetail": out.unwrap_or(Value::Null) }))
}

fn delete(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "CreateTimestamp"])?;
    let name = req.str("ApplicationName")?;
    let app = find(world, name)?;
    let created = world.epoch().to_unix_ms(app.created_ms) as f64 / 1000.0;
    let given = req
        .raw("CreateTimestamp")
        .and_then(Value::as_f64)
        .ok_or_else(|| {
            ApiError::invalid_argument(format!(
                "CreateTimestamp is required (the application's, {created})"
            ))
        })?;
    if (given - created).abs() >= 1.0 {
        return Err(ApiError::invalid_argument(format!(
            "CreateTimestamp {given} does not match the application's {created}"
        )));
    }
    world.analytics.applications.remove(name);
    Ok(json!({}))
}

fn create_snapshot(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "SnapshotName"])?;
    let name = req.str("ApplicationName")?;
    let snap_name = req.str("SnapshotName")?;
    validate_name(snap_name, "SnapshotName", 256)?;
    let app = find(world, name)?;
    if app.status != AppStatus::Running {
        return Err(ApiError::new(
            ErrorKind::InvalidApplicationConfigurationException,
            format!(
                "Application {name} is {}; snapshots are taken of a RUNNING application",
                app.status.as_str()
            ),
        ));
    }
    if !app.settings.snapshots_enabled {
        return Err(ApiError::new(
            ErrorKind::InvalidApplicationConfigurationException,
            format!("Application {name} has SnapshotsEnabled = false"),
        ));
    }
    if app.snapshots.contains_key(snap_name) {
        return Err(ApiError::in_use(format!(
            "Snapshot {snap_name} of application {name} already exists"
        )));
    }
    let now = world.now();
    with_app(world, name, |_, app| {
        if let Some(job) = app.job.as_mut() {
            let snap = job.savepoint(now, false);
            app.store_snapshot(snap_name.to_string(), now, snap);
        }
    });
    Ok(json!({}))
}

fn snapshot_json(
    world: &World,
    app: &Application,
    s: &crate::engine::analytics::application::AppSnapshot,
) -> Value {
    json!({
        "SnapshotName": s.name,
        "SnapshotStatus": "READY",
        "ApplicationVersionId": s.version_id,
        "SnapshotCreationTimestamp": seconds(world, s.created_ms),
        "RuntimeEnvironment": app.runtime,
        "StateBytes": s.snapshot.state_bytes,
        "Positions": s.snapshot.positions(),
        "MaxParallelism": s.snapshot.max_parallelism,
        "Parallelism": s.snapshot.operators.len(),
    })
}

fn list_snapshots(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ApplicationName", "Limit", "NextToken"])?;
    let app = find(world, req.str("ApplicationName")?)?;
    let limit = req.opt_int("Limit", 1, 50)?.unwrap_or(50) as usize;
    let after = req.opt_str("NextToken")?;
    let mut all: Vec<_> = app.snapshots.values().collect();
    all.sort_by(|a, b| (a.created_ms, &a.name).cmp(&(b.created_ms, &b.name)));
    let start = match after {
        Some(t) => all.iter().position(|s| s.name == t).map_or(0, |i| i + 1),
        None => 0,
    };
    let rest = &all[start.min(all.len())..];
    let page: Vec<Value> = rest
        .iter()
        .take(limit)
        .map(|s| snapshot_json(world, app, s))
        .collect();
    let mut out = json!({ "SnapshotSummaries": page });
    if rest.len() > limit {
        out["NextToken"] = json!(rest[limit - 1].name);
    }
    Ok(out)
}

fn delete_snapshot(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ApplicationName",
        "SnapshotName",
        "SnapshotCreationTimestamp",
    ])?;
    let name = req.str("ApplicationName")?;
    let snap_name = req.str("SnapshotName")?;
    let app = find(world, name)?;
    let s = app.snapshots.get(snap_name).ok_or_else(|| {
        ApiError::not_found(format!(
            "Snapshot {snap_name} of application {name} not found"
        ))
    })?;
    let created = world.epoch().to_unix_ms(s.created_ms) as f64 / 1000.0;
    if let Some(given) = req.raw("SnapshotCreationTimestamp").and_then(Value::as_f64) {
        if (given - created).abs() >= 1.0 {
            return Err(ApiError::invalid_argument(format!(
                "SnapshotCreationTimestamp {given} does not match the snapshot's {created}"
            )));
        }
    } else {
        return Err(ApiError::invalid_argument(format!(
            "SnapshotCreationTimestamp is required (the snapshot's, {created})"
        )));
    }
    if let Some(a) = world.analytics.applications.get_mut(name) {
        a.snapshots.remove(snap_name);
    }
    Ok(json!({}))
}
