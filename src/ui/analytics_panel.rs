//! The Analytics (Flink) tab (semantics.md §5): create a Flink SQL application over a stream,
//! start it, and watch event time against processing time (the Streaming-102 picture), the job
//! graph with its checkpoint barriers, key-group state and the sinks; fire records at chosen event
//! times and see which windows they join or whether they go to the late side output.
//!
//! Reading uses the read-only half of the playground analytics actions (`DescribeJob`,
//! `GetJobResults`, `PreviewWindows`, `ValidateSql`) on the shared world, with exactly the JSON the
//! dispatcher returns, so polling is never logged as an action; every change goes through the
//! dispatcher.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::engine::analytics::actions_playground;
use crate::engine::api::request::Request;
use crate::ui::analytics_controls::AppControls;
use crate::ui::analytics_fire::FireBox;
use crate::ui::analytics_form::AnalyticsForm;
use crate::ui::analytics_graph::{checkpoint_list, job_graph, key_groups_chart};
use crate::ui::analytics_plot::EventTimePlot;
use crate::ui::analytics_plot_data::{PlotData, PlotHandle};
use crate::ui::analytics_results::results_view;
use crate::ui::playground::Handle;

/// A read-only analytics playground action on the current world (not logged).
pub fn read(h: &Handle, action: &str, req: Value) -> Option<Value> {
    let p = h.0.borrow();
    let r = Request::new(&req).ok()?;
    actions_playground::read(p.session.world(), action, r).ok()
}

/// Properties of [`AnalyticsPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The tab.
#[function_component(AnalyticsPanel)]
pub fn analytics_panel(props: &Props) -> Html {
    let selected = use_state(|| None::<String>);
    let plot_cell = PlotHandle(use_mut_ref(PlotData::default));

    let p = props.pg.0.borrow();
    let world = p.session.world();
    let apps: Vec<(String, &'static str)> = world
        .analytics
        .applications
        .values()
        .map(|a| (a.name.clone(), a.status.as_str()))
        .collect();
    let stream = p.stream.clone();
    let current = selected
        .as_ref()
        .filter(|s| apps.iter().any(|(n, _)| n == *s))
        .cloned()
        .or_else(|| apps.last().map(|(n, _)| n.clone()));
    let app_info = current.as_ref().and_then(|n| {
        world.analytics.applications.get(n).map(|a| {
            (
                a.status.as_str(),
                a.version_id,
                a.settings.parallelism,
                a.spec.source.stream.clone(),
                a.last_error.clone(),
            )
        })
    });
    drop(p);

    let job = current
        .as_ref()
        .and_then(|n| read(&props.pg, "DescribeJob", json!({ "ApplicationName": n })));
    let sink = |kind: &str, limit: u32| {
        current.as_ref().and_then(|n| {
            read(
                &props.pg,
                "GetJobResults",
                json!({ "ApplicationName": n, "Sink": kind, "Limit": limit }),
            )
        })
    };
    let (eo, alo, late) = if job.is_some() {
        (
            sink("EXACTLY_ONCE", 60),
            sink("AT_LEAST_ONCE", 60),
            sink("LATE", 40),
        )
    } else {
        (None, None, None)
    };
    {
        let mut d = plot_cell.0.borrow_mut();
        d.dark = props.pg.0.borrow().dark;
        d.update(job.as_ref(), eo.as_ref());
    }

    let on_created = {
        let selected = selected.clone();
        Callback::from(move |name: String| selected.set(Some(name)))
    };
    let pick = |name: String| {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Some(name.clone())))
    };

    let detail = match (&current, app_info) {
        (Some(name), Some((status, version_id, parallelism, source, last_error))) => {
            let phase = job
                .as_ref()
                .and_then(|j| j["Phase"].as_str())
                .unwrap_or("")
                .to_string();
            let empty = Value::Null;
            let j = job.as_ref().unwrap_or(&empty);
            html! {
                <div class="an-detail" data-testid="an-detail" data-app={name.clone()}>
                    <AppControls pg={props.pg.clone()} on_change={props.on_change.clone()} app={name.clone()}
                        status={status} phase={phase} version_id={version_id} parallelism={parallelism}
                        source={source.clone()} last_error={last_error} job={j.clone()} />
                    <div class="an-two">
                        <EventTimePlot data={plot_cell.clone()} pg={props.pg.clone()} />
                        <FireBox pg={props.pg.clone()} on_change={props.on_change.clone()} app={name.clone()}
                            stream={source} watermark={j["Watermark"].as_i64()} now_unix={j["NowUnixMs"].as_i64()}
                            version={props.version} />
                    </div>
                    { if job.is_some() { html! {
                        <>
                            <div class="an-two an-graph-row">
                                { job_graph(j) }
                                { key_groups_chart(j) }
                            </div>
                            { checkpoint_list(j) }
                            { results_view(j, eo.as_ref(), alo.as_ref(), late.as_ref()) }
                        </>
                    } } else { html! {
                        <p class="hint">{ "The job has not run yet: Start the application (STARTING takes 5 s of virtual time), then fire records." }</p>
                    } } }
                </div>
            }
        }
        _ => html! {
            <div class="an-empty">
                <p class="hint">{ "No application yet. Create one on the left: a Flink SQL query over a Kinesis stream (event time with a watermark, a window, aggregates per key), then Start it and fire records at chosen event times to see windows fire on the watermark, late records go to the side output, and checkpoints commit the exactly-once results." }</p>
            </div>
        },
    };

    html! {
        <section class="panel an-panel" data-testid="an-panel" aria-label="Managed Service for Apache Flink">
            <div class="an-side">
                <AnalyticsForm pg={props.pg.clone()} on_change={props.on_change.clone()} on_created={on_created} stream={stream} apps={apps.len()} />
            </div>
            <div class="an-main">
                <div class="fh-chips">
                    { for apps.iter().map(|(n, status)| html! {
                        <button class={classes!("fh-chip", (current.as_ref() == Some(n)).then_some("active"))}
                            onclick={pick(n.clone())} data-testid="an-app-chip" data-name={n.clone()} data-status={*status}>
                            { n.clone() }<span class={classes!("dot", status.to_lowercase())}></span>
                        </button>
                    }) }
                </div>
                { detail }
            </div>
        </section>
    }
}
