//! The Firehose tab (semantics.md §4): create delivery streams, watch one's pipeline (stages,
//! buffers, flushes, deliveries, freshness), make its destination slow or down, send records,
//! and browse what landed in S3 or in the other destinations.
//!
//! State is read straight from the world (like the other panels) with the same JSON the
//! dispatcher's `playground.DescribeDeliveryPipeline` returns, so reading is never logged as an
//! action; every change goes through the dispatcher.

use serde_json::Value;
use yew::prelude::*;

use crate::ui::firehose_bucket::BucketBrowser;
use crate::ui::firehose_controls::FirehoseControls;
use crate::ui::firehose_dest_views::DestinationView;
use crate::ui::firehose_form::FirehoseForm;
use crate::ui::firehose_freshness::{freshness_chart, Samples};
use crate::ui::firehose_pipeline::pipeline_view;
use crate::ui::playground::{run_reported, Handle};

/// Properties of [`FirehosePanel`].
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
#[function_component(FirehosePanel)]
pub fn firehose_panel(props: &Props) -> Html {
    let selected = use_state(|| None::<String>);
    let samples = use_mut_ref(Samples::default);
    let error = use_state(|| None::<String>);

    let p = props.pg.0.borrow();
    let world = p.session.world();
    let names: Vec<(String, &'static str)> = world
        .firehose
        .streams
        .values()
        .map(|d| (d.name.clone(), d.status.as_str()))
        .collect();
    let current = selected
        .as_ref()
        .filter(|s| names.iter().any(|(n, _)| n == *s))
        .cloned()
        .or_else(|| names.last().map(|(n, _)| n.clone()));
    let info: Option<Value> = current.as_ref().and_then(|n| {
        world
            .firehose
            .streams
            .get(n)
            .map(|ds| crate::engine::firehose::describe::pipeline(world, ds))
    });
    // Freshness is sampled for every stream, so switching shows a history at once.
    for ds in world.firehose.streams.values() {
        let now = world.now();
        let fresh = ds.oldest_pending().map_or(0, |t| now.saturating_sub(t));
        samples.borrow_mut().push(&ds.name, now, fresh);
    }
    drop(p);

    let on_created = {
        let selected = selected.clone();
        Callback::from(move |name: String| selected.set(Some(name)))
    };
    let pick = |name: String| {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Some(name.clone())))
    };
    let delete = current.clone().map(|name| {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            run_reported(
                &h,
                &cb,
                &error,
                "firehose",
                "DeleteDeliveryStream",
                serde_json::json!({ "DeliveryStreamName": name }),
            )
        })
    });

    let detail = match (&current, &info) {
        (Some(name), Some(info)) => {
            let source = info["Source"]["Stream"].as_str().map(str::to_string);
            let kind = info["Destination"]["Type"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let bucket = info["Destination"]["Bucket"]
                .as_str()
                .unwrap_or("")
                .to_string();
            html! {
                <div class="fh-detail" data-testid="fh-detail" data-stream={name.clone()}>
                    <div class="fh-row fh-head">
                        <h3><code>{ name.clone() }</code></h3>
                        <span class={classes!("pill", info["Status"].as_str().unwrap_or("").to_lowercase())} data-testid="fh-status">{ info["Status"].as_str().unwrap_or("") }</span>
                        <span class="muted small">{ format!("{} → {} {} · prefix {} · v{}",
                            if source.is_some() { "Kinesis" } else { "Direct PUT" }, kind,
                            info["Destination"]["Target"].as_str().unwrap_or(""),
                            info["Destination"]["Prefix"].as_str().unwrap_or("YYYY/MM/dd/HH/"), info["Version"]) }</span>
                        <span class="spacer"></span>
                        <button class="btn small danger" onclick={delete} data-testid="fh-delete">{ "DeleteDeliveryStream" }</button>
                    </div>
                    { pipeline_view(info) }
                    <div class="fh-three">
                        <FirehoseControls pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()}
                            stream={name.clone()} source={source} behaviour={info["Behaviour"].clone()} now={info["Now"].as_u64().unwrap_or(0)} />
                        { freshness_chart(samples.borrow().get(name)) }
                    </div>
                    <DestinationView pg={props.pg.clone()} version={props.version} stream={name.clone()} kind={kind} />
                    <BucketBrowser pg={props.pg.clone()} version={props.version} bucket={bucket} />
                </div>
            }
        }
        _ => html! {
            <div class="fh-empty">
                <p class="hint">{ "No delivery stream yet. Create one on the left: Direct PUT or reading a Kinesis data stream, into S3 or another destination. Then send records, play time, and watch buffers fill and flush (SIZE or INTERVAL), objects land in the bucket, and retries and backups when you break the destination." }</p>
            </div>
        },
    };

    html! {
        <section class="panel fh-panel" data-testid="fh-panel" aria-label="Amazon Data Firehose">
            <div class="fh-side">
                <FirehoseForm pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} on_created={on_created} />
            </div>
            <div class="fh-main">
                <div class="fh-chips">
                    { for names.iter().map(|(n, status)| html! {
                        <button class={classes!("fh-chip", (current.as_ref() == Some(n)).then_some("active"))}
                            onclick={pick(n.clone())} data-testid="fh-stream-chip" data-name={n.clone()} data-status={*status}>
                            { n.clone() }<span class={classes!("dot", status.to_lowercase())}></span>
                        </button>
                    }) }
                </div>
                { for (*error).clone().map(|e| html! { <p class="err-text" role="alert">{ e }</p> }) }
                { detail }
            </div>
        </section>
    }
}
