//! One application's header: status pill (with the job's RESTARTING phase), Stop / Start, kill
//! the task manager, take a snapshot, rescale (UpdateApplication), and the batch comparison.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::ui::inputs::{input_value, select_value, use_input_value};
use crate::ui::playground::{call_reported, Handle};

/// Properties of [`AppControls`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Application name.
    pub app: String,
    /// `ApplicationStatus`.
    pub status: &'static str,
    /// The job's phase (RUNNING / RESTARTING) or empty.
    pub phase: String,
    /// `ApplicationVersionId`.
    pub version_id: u64,
    /// Configured parallelism.
    pub parallelism: u32,
    /// Source stream.
    pub source: String,
    /// Why the last start failed.
    pub last_error: Option<String>,
    /// DescribeJob (or null).
    pub job: Value,
}

fn batch_view(v: &Value) -> Html {
    let c = &v["Comparison"];
    let equal = c["Equal"] == json!(true);
    let list = |k: &str| c[k].as_array().map_or(0, Vec::len);
    let key = crate::ui::analytics_results::key_text;
    let at = |v: &Value| {
        v.as_i64().map_or_else(
            || v.to_string(),
            |ms| {
                let d = ms.div_euclid(1000).rem_euclid(86_400);
                format!("{:02}:{:02}:{:02}", d / 3600, d / 60 % 60, d % 60)
            },
        )
    };
    let diffs: Vec<String> = c["Differing"]
        .as_array()
        .map(|a| {
            a.iter()
                .take(5)
                .map(|d| {
                    format!(
                        "{} · window {}: streaming {} ≠ batch {}",
                        key(&d["Key"]),
                        at(&d["WindowStart"]),
                        d["Streaming"],
                        d["Batch"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class={classes!("an-batch-result", if equal { "ok" } else { "bad" })} data-testid="an-batch-result" data-equal={equal.to_string()}>
            <strong>{ if equal { "Equal ✓" } else { "Different ✗" } }</strong>
            <span class="muted small">{ format!(" batch over {} retained records: {} panes; equal {}, differing {}, only in batch {}, only in streaming {}, not yet fired in streaming {}; at-least-once equal: {}; late records the streaming job dropped (the batch keeps them): {}",
                v["RecordsRead"], v["Panes"], c["EqualPanes"], list("Differing"), list("OnlyInBatch"), list("OnlyInStreaming"),
                list("NotYetFiredInStreaming"), v["AtLeastOnceComparison"]["Equal"], v["LateRecordsDroppedByStreaming"]) }</span>
            { for diffs.into_iter().map(|d| html! { <div class="small mono">{ d }</div> }) }
        </div>
    }
}

/// The header.
#[function_component(AppControls)]
pub fn app_controls(props: &Props) -> Html {
    let error = use_state(|| None::<String>);
    let batch = use_state(|| None::<Value>);
    let rescale = use_node_ref();
    let restore = use_node_ref();
    use_input_value(&rescale, (props.parallelism * 2).clamp(1, 8).to_string());

    let act = |action: &'static str, service: &'static str, extra: Value| {
        let (h, cb, error, app) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.app.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut req = json!({ "ApplicationName": app });
            if let (Some(r), Some(e)) = (req.as_object_mut(), extra.as_object()) {
                r.extend(e.clone());
            }
            call_reported(&h, &cb, &error, service, action, req);
        })
    };
    let stop = act("StopApplication", "kinesisanalyticsv2", json!({}));
    let kill = act("KillTaskManager", "playground", json!({}));
    let snapshot = {
        let n = props.job["Incarnation"].as_u64().unwrap_or(0);
        let now = props.job["Now"].as_u64().unwrap_or(0);
        act(
            "CreateApplicationSnapshot",
            "kinesisanalyticsv2",
            json!({ "SnapshotName": format!("snap-{n}-{now}") }),
        )
    };
    let start = {
        let (h, cb, error, app, restore) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.app.clone(),
            restore.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let kind = select_value(&restore);
            let kind = if kind.is_empty() {
                "SKIP_RESTORE_FROM_SNAPSHOT".into()
            } else {
                kind
            };
            call_reported(
                &h,
                &cb,
                &error,
                "kinesisanalyticsv2",
                "StartApplication",
                json!({
                    "ApplicationName": app,
                    "RunConfiguration": { "ApplicationRestoreConfiguration": { "ApplicationRestoreType": kind } },
                }),
            );
        })
    };
    let do_rescale = {
        let (h, cb, error, app, node, version) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.app.clone(),
            rescale.clone(),
            props.version_id,
        );
        Callback::from(move |_: MouseEvent| {
            let n = input_value(&node).trim().parse::<u64>().unwrap_or(1).max(1);
            call_reported(
                &h,
                &cb,
                &error,
                "kinesisanalyticsv2",
                "UpdateApplication",
                json!({
                    "ApplicationName": app, "CurrentApplicationVersionId": version,
                    "ApplicationConfigurationUpdate": { "FlinkApplicationConfigurationUpdate": {
                        "ParallelismConfigurationUpdate": { "ConfigurationTypeUpdate": "CUSTOM", "ParallelismUpdate": n } } },
                }),
            );
        })
    };
    let run_batch = {
        let (h, cb, error, app, batch) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.app.clone(),
            batch.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let out = h.0.borrow_mut().call(
                "playground",
                "RunBatchQuery",
                json!({ "ApplicationName": app, "Limit": 50 }),
            );
            match out {
                Ok(v) => {
                    batch.set(Some(v));
                    error.set(None);
                }
                Err(e) => error.set(Some(format!(
                    "RunBatchQuery: {}: {}",
                    e.kind.as_str(),
                    e.message
                ))),
            }
            cb.emit(());
        })
    };

    let s = props.status;
    let shown = if s == "RUNNING" && props.phase == "RESTARTING" {
        "RESTARTING"
    } else {
        s
    };
    let running = s == "RUNNING";
    let j = &props.job;
    let q = &j["Query"];
    html! {
        <div class="an-controls">
            <div class="fh-row fh-head">
                <h3><code>{ props.app.clone() }</code></h3>
                <span class={classes!("pill", shown.to_lowercase())} data-testid="an-status" data-status={s} data-phase={props.phase.clone()}>{ shown }</span>
                <span class="muted small">{ format!("{} ← {} · parallelism {} · v{}{}", q["Window"]["Type"].as_str().unwrap_or(""),
                    props.source, props.parallelism, props.version_id,
                    j["Incarnation"].as_u64().map(|i| format!(" · incarnation {i}")).unwrap_or_default()) }</span>
            </div>
            <div class="fh-row an-buttons">
                <button class="btn small" disabled={!running} onclick={stop} data-testid="an-stop">{ "Stop" }</button>
                <select ref={restore} class="small" disabled={s != "READY"} data-testid="an-restore">
                    <option value="SKIP_RESTORE_FROM_SNAPSHOT">{ "fresh state" }</option>
                    <option value="RESTORE_FROM_LATEST_SNAPSHOT">{ "latest snapshot" }</option>
                </select>
                <button class="btn small" disabled={s != "READY"} onclick={start} data-testid="an-app-start">{ "Start" }</button>
                <button class="btn small danger" disabled={!running || props.phase != "RUNNING"} onclick={kill} data-testid="an-kill">{ "Kill task manager" }</button>
                <button class="btn small" disabled={!running} onclick={snapshot} data-testid="an-snapshot">{ "Take snapshot" }</button>
                <span class="an-rescale">
                    <input ref={rescale} type="number" min="1" max="64" class="tiny" aria-label="New parallelism" data-testid="an-rescale-to" />
                    <button class="btn small" disabled={!(running || s == "READY")} onclick={do_rescale} data-testid="an-rescale">{ "Rescale" }</button>
                </span>
                <button class="btn small" onclick={run_batch} data-testid="an-batch">{ "Run batch query" }</button>
            </div>
            { for props.last_error.clone().map(|e| html! { <p class="err-text small">{ format!("Last start failed: {e}") }</p> }) }
            { for (*error).clone().map(|e| html! { <p class="err-text small" role="alert" data-testid="an-error">{ e }</p> }) }
            { for (*batch).as_ref().map(batch_view) }
        </div>
    }
}
