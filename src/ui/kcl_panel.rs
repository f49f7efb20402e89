//! The KCL tab: start a KCL 2.x consumer application on the shown stream, watch its lease table,
//! workers, consumer lag and the anomaly ledger, and break it — kill, pause or add workers
//! (semantics.md §2.1–§2.5). Every change is a `playground` dispatcher call.

use serde_json::{json, Value};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::apps::kcl::config::{FAILOVER_TIME_MS, RENEWER_INTERVAL_MS, TAKER_INTERVAL_MS};
use crate::engine::apps::kcl::ledger::AnomalyKind;
use crate::engine::apps::kcl::worker::WorkerState;
use crate::engine::time::format_duration;
use crate::ui::inputs::use_input_value;
use crate::ui::inputs::{input_value, select_value};
use crate::ui::kcl_views::{events_view, lag_view, lease_table, ledger_view};
use crate::ui::playground::run_reported;
use crate::ui::playground::Handle;

/// How long the Pause button freezes a worker: past the 10 s lease, so it comes back to
/// LEASE_LOST.
const PAUSE_MS: u64 = 30_000;
/// Per-record processing time of a worker slowed from its chip (virtual ms).
const SLOW_MS_PER_RECORD: u64 = 50;

/// Properties of [`KclPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The `CheckpointEvery` member for a value of the checkpoint selector.
fn checkpoint_policy(v: &str) -> Value {
    match v {
        "MANUAL" => json!("MANUAL"),
        m if m.starts_with("ms:") => json!({ "Millis": m[3..].parse::<u64>().unwrap_or(10_000) }),
        r => json!({ "Records": r.trim_start_matches("n:").parse::<u64>().unwrap_or(100) }),
    }
}

/// The KCL panel.
#[function_component(KclPanel)]
pub fn kcl_panel(props: &Props) -> Html {
    let name_ref = use_node_ref();
    let workers_ref = use_node_ref();
    let position_ref = use_node_ref();
    let checkpoint_ref = use_node_ref();
    let proc_ref = use_node_ref();
    let sink_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    let filter = use_state(|| Some(AnomalyKind::Duplicate));
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |k: Option<AnomalyKind>| filter.set(k))
    };

    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let now = world.now();
    let stream = pg.stream.clone();
    let default_name = format!("{stream}-kcl");
    // The application shown: the running one on this stream, else the last one on it.
    let app = world
        .kcl
        .apps()
        .values()
        .filter(|a| a.stream == stream)
        .max_by_key(|a| (a.running, a.name == default_name, a.started_at));
    use_input_value(
        &name_ref,
        app.map_or(default_name.clone(), |a| a.name.clone()),
    );
    use_input_value(&workers_ref, "2".to_string());
    use_input_value(&proc_ref, "5".to_string());

    let start = {
        let (h, cb, error, stream) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            stream.clone(),
        );
        let refs = (
            name_ref.clone(),
            workers_ref.clone(),
            position_ref.clone(),
            checkpoint_ref.clone(),
        );
        let (proc_ref, sink_ref) = (proc_ref.clone(), sink_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name_ref, workers_ref, position_ref, checkpoint_ref) = &refs;
            let sink = sink_ref
                .cast::<HtmlInputElement>()
                .is_some_and(|c| c.checked());
            let position = select_value(position_ref);
            let mut req = json!({
                "ApplicationName": input_value(name_ref),
                "StreamName": stream,
                "Workers": input_value(workers_ref).parse::<u64>().unwrap_or(2),
                "InitialPositionInStream": position,
                "CheckpointEvery": checkpoint_policy(&select_value(checkpoint_ref)),
                "ProcessingMillisPerRecord": input_value(&proc_ref).parse::<u64>().unwrap_or(0),
                "IdempotentSink": sink,
            });
            if position == "AT_TIMESTAMP" {
                // One minute of virtual time ago (never before the epoch), in epoch seconds.
                let (unix_now, epoch) = {
                    let pg = h.0.borrow();
                    let w = pg.session.world();
                    (w.epoch().to_unix_ms(w.now()), w.epoch().unix_ms())
                };
                let ts = unix_now.saturating_sub(60_000).max(epoch);
                req["InitialPositionTimestamp"] = json!(ts as f64 / 1000.0);
            }
            run_reported(&h, &cb, &error, "playground", "StartKclApplication", req);
        })
    };

    let running = app.is_some_and(|a| a.running);
    let body = match app {
        None => html! {
            <p class="hint">{ format!(
                "A KCL application is a fleet of workers sharing one lease table (one lease per shard). Each worker renews its leases every {:.3} s; a lease not renewed for {} s is expired, and every {:.2} s each worker's taker grabs expired leases — or steals one to balance the load. Start one, then kill a worker and watch its shards move and its unacknowledged work come back as duplicates.",
                RENEWER_INTERVAL_MS as f64 / 1000.0,
                FAILOVER_TIME_MS / 1000,
                TAKER_INTERVAL_MS as f64 / 1000.0
            ) }</p>
        },
        Some(a) => {
            let name = a.name.clone();
            let chips = a.workers.iter().map(|w| {
                let leases = a.leases.all().filter(|l| l.owner.as_deref() == Some(w.id.as_str())).count();
                let alive = w.is_alive();
                let state = match w.state {
                    WorkerState::Alive => format!("{leases} lease(s)"),
                    WorkerState::Paused { until, .. } => format!("paused, back in {}", format_duration(until.saturating_sub(now))),
                    WorkerState::Dead { at } => format!("killed at {}", format_duration(at)),
                    WorkerState::Stopped { .. } => "stopped".to_string(),
                };
                let can_act = matches!(w.state, WorkerState::Alive | WorkerState::Paused { .. }) && a.running;
                let kill = {
                    let (h, cb, error, name, id) = (props.pg.clone(), props.on_change.clone(), error.clone(), name.clone(), w.id.clone());
                    Callback::from(move |_| run_reported(&h, &cb, &error, "playground", "KillKclWorker", json!({ "ApplicationName": name, "WorkerId": id })))
                };
                let pause = {
                    let (h, cb, error, name, id) = (props.pg.clone(), props.on_change.clone(), error.clone(), name.clone(), w.id.clone());
                    Callback::from(move |_| run_reported(&h, &cb, &error, "playground", "PauseKclWorker",
                        json!({ "ApplicationName": name, "WorkerId": id, "Milliseconds": PAUSE_MS })))
                };
                let slow = {
                    let (h, cb, error, name, id) = (props.pg.clone(), props.on_change.clone(), error.clone(), name.clone(), w.id.clone());
                    Callback::from(move |_| run_reported(&h, &cb, &error, "playground", "SlowKclWorker",
                        json!({ "ApplicationName": name, "WorkerId": id, "ProcessingMillisPerRecord": SLOW_MS_PER_RECORD })))
                };
                html! {
                    <div class={classes!("worker-chip", w.state.as_str().to_lowercase())} data-testid="worker-chip"
                        data-worker-id={w.id.clone()} data-alive={alive.to_string()} data-state={w.state.as_str()}
                        data-processed={w.processed.to_string()}>
                        <span class="dot" aria-hidden="true"></span>
                        <strong>{ w.id.clone() }</strong>
                        <span class="muted">{ format!("{state} · {} processed", w.processed) }</span>
                        if can_act {
                            <>
                                <button class="btn small danger" data-testid="kcl-kill" onclick={kill}
                                    title="Stop instantly: no checkpoint, no lease released">{ "Kill" }</button>
                                <button class="btn small ghost" data-testid="kcl-pause" onclick={pause}
                                    disabled={!alive} title="Freeze for 30 s: longer than the 10 s lease">{ "Pause 30 s" }</button>
                                <button class="btn small ghost" data-testid="kcl-slow" onclick={slow}
                                    disabled={!alive} title="Process each record in 50 ms: the worker falls behind and its lag grows">{ "Slow" }</button>
                            </>
                        }
                    </div>
                }
            });
            let add = {
                let (h, cb, error, name) = (
                    props.pg.clone(),
                    props.on_change.clone(),
                    error.clone(),
                    name.clone(),
                );
                Callback::from(move |_| {
                    run_reported(
                        &h,
                        &cb,
                        &error,
                        "playground",
                        "AddKclWorker",
                        json!({ "ApplicationName": name }),
                    )
                })
            };
            let stop = {
                let (h, cb, error, name) = (
                    props.pg.clone(),
                    props.on_change.clone(),
                    error.clone(),
                    name.clone(),
                );
                Callback::from(move |_| {
                    run_reported(
                        &h,
                        &cb,
                        &error,
                        "playground",
                        "StopKclApplication",
                        json!({ "ApplicationName": name }),
                    )
                })
            };
            let checkpoint = {
                let (h, cb, error, name) = (
                    props.pg.clone(),
                    props.on_change.clone(),
                    error.clone(),
                    name.clone(),
                );
                Callback::from(move |_| {
                    run_reported(
                        &h,
                        &cb,
                        &error,
                        "playground",
                        "CheckpointKclApplication",
                        json!({ "ApplicationName": name }),
                    )
                })
            };
            html! {
                <>
                    <div class="kcl-head">
                        <code>{ name.clone() }</code>
                        <span class={classes!("pill", if a.running { "on" } else { "off" })}>{ if a.running { "RUNNING" } else { "STOPPED" } }</span>
                        <span class="muted">{ format!("{} · checkpoint {} · {} ms/record{}", a.config.initial_position.as_str(),
                            a.config.checkpoint.describe(), a.config.processing_ms_per_record,
                            if a.config.idempotent_sink { " · idempotent sink" } else { "" }) }</span>
                        <span class="spacer"></span>
                        if a.running {
                            <>
                                <button class="btn small" onclick={checkpoint} title="Every processor checkpoints what it processed">{ "Checkpoint now" }</button>
                                <button class="btn small ghost" data-testid="kcl-stop" onclick={stop} title="Shutdown REQUESTED: final checkpoints">{ "Stop" }</button>
                            </>
                        }
                    </div>
                    <div class="worker-chips">
                        { for chips }
                        if a.running {
                            <button class="btn small primary" data-testid="kcl-add-worker" onclick={add}>{ "+ Add worker" }</button>
                        }
                    </div>
                    <h3>{ "Lease table " }<span class="muted">{ format!("({} items, as a DynamoDB scan returns them)", a.leases.len()) }</span></h3>
                    { lease_table(a, now) }
                    <div class="kcl-grid">
                        <div>
                            <h3>{ "Consumer lag" }</h3>
                            { lag_view(world, a) }
                        </div>
                        <div>
                            <h3>{ "Lease history" }</h3>
                            { events_view(a) }
                        </div>
                    </div>
                    { ledger_view(a, *filter, &on_filter) }
                </>
            }
        }
    };
    drop(pg);

    html! {
        <section class="panel kcl" data-testid="kcl-panel" aria-labelledby="kcl-title">
            <h2 id="kcl-title">{ "KCL consumer application " }<span class="muted">{ format!("on {stream}") }</span></h2>
            <form class="form row kcl-form" onsubmit={start}>
                <label><span>{ "ApplicationName" }</span><input ref={name_ref} data-testid="kcl-name" type="text" maxlength="255" /></label>
                <label><span>{ "Workers" }</span><input ref={workers_ref} data-testid="kcl-workers" type="number" min="1" max="32" step="1" class="narrow" /></label>
                <label><span>{ "InitialPositionInStream" }</span>
                    <select ref={position_ref} data-testid="kcl-position">
                        <option value="TRIM_HORIZON" selected=true>{ "TRIM_HORIZON" }</option>
                        <option value="LATEST">{ "LATEST" }</option>
                        <option value="AT_TIMESTAMP">{ "AT_TIMESTAMP (1 min ago)" }</option>
                    </select>
                </label>
                <label><span>{ "Checkpoint" }</span>
                    <select ref={checkpoint_ref} data-testid="kcl-checkpoint">
                        <option value="n:10">{ "every 10 records" }</option>
                        <option value="n:100" selected=true>{ "every 100 records" }</option>
                        <option value="ms:10000">{ "every 10 s" }</option>
                        <option value="ms:60000">{ "every 60 s" }</option>
                        <option value="MANUAL">{ "manual" }</option>
                    </select>
                </label>
                <label><span>{ "ms / record" }</span><input ref={proc_ref} data-testid="kcl-processing" type="number" min="0" max="60000" step="1" class="narrow" /></label>
                <label class="check"><input ref={sink_ref} data-testid="kcl-sink" type="checkbox" /><span>{ "Idempotent sink" }</span></label>
                <button class="btn primary" type="submit" data-testid="kcl-start" disabled={running}>{ "Start application" }</button>
            </form>
            { for (*error).clone().map(|e| html! { <p class="err-text" role="alert">{ e }</p> }) }
            { body }
        </section>
    }
}
