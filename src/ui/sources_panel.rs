//! The Sources tab: CloudWatch Logs subscriptions, EventBridge rules and AWS IoT rules writing
//! into Firehose delivery streams and Kinesis data streams. Forms on the left, the pipeline
//! picture with live counters and flowing records, and the inspector of the selected path.
//! State is read from the world with the JSON of `playground.DescribeSources`; every change is a
//! dispatcher call.

use yew::prelude::*;

use crate::engine::firehose::delivery_stream::Source;
use crate::ui::playground::Handle;
use crate::ui::sources_forms::{EventsForm, IotForm, LogsForm};
use crate::ui::sources_pipeline::{inspector, note_activity, picture, rows, Activity};

/// Properties of [`SourcesPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// Which form shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Logs,
    Events,
    Iot,
}

/// The tab.
#[function_component(SourcesPanel)]
pub fn sources_panel(props: &Props) -> Html {
    let form = use_state(|| Form::Logs);
    let selected = use_state(String::new);
    let activity = use_mut_ref(Activity::default);

    let p = props.pg.0.borrow();
    let world = p.session.world();
    let now = world.now();
    let src = crate::engine::sources::playground::describe(world);
    let mut destinations: Vec<(String, String)> = world
        .firehose
        .streams
        .values()
        .filter(|d| matches!(d.source, Source::DirectPut))
        .map(|d| (d.arn.clone(), format!("Firehose {} (Direct PUT)", d.name)))
        .collect();
    destinations.extend(world.kinesis.streams().keys().map(|n| {
        (
            crate::engine::kinesis::Kinesis::arn_for(n),
            format!("Kinesis stream {n}"),
        )
    }));
    drop(p);

    let rows = rows(&src);
    note_activity(&mut activity.borrow_mut(), &rows, now);
    let current = rows
        .iter()
        .find(|r| r.id == *selected)
        .or(rows.last())
        .cloned();
    let on_pick = {
        let selected = selected.clone();
        Callback::from(move |id: String| selected.set(id))
    };
    let tab = |f: Form, label: &str, testid: &str| {
        let form = form.clone();
        html! {
            <button class={classes!("fh-chip", (*form == f).then_some("active"))} data-testid={testid.to_string()}
                onclick={Callback::from(move |_: MouseEvent| form.set(f))}>{ label.to_string() }</button>
        }
    };
    let form_view = match *form {
        Form::Logs => {
            html! { <LogsForm pg={props.pg.clone()} on_change={props.on_change.clone()} destinations={destinations.clone()} /> }
        }
        Form::Events => {
            html! { <EventsForm pg={props.pg.clone()} on_change={props.on_change.clone()} destinations={destinations.clone()} /> }
        }
        Form::Iot => {
            html! { <IotForm pg={props.pg.clone()} on_change={props.on_change.clone()} destinations={destinations.clone()} /> }
        }
    };
    html! {
        <section class="panel src-panel" data-testid="src-panel" aria-label="Sources">
            if rows.is_empty() {
                <p class="hint">{ "No source yet. Create a Firehose delivery stream (Direct PUT, Firehose tab) or use a Kinesis stream, then add a source below: an application's logs through a subscription filter, events through an EventBridge rule, or device telemetry through an IoT rule. Each path appears here with its records flowing; click one to see the exact record its destination receives." }</p>
            } else {
                <div class="src-scroll">{ picture(&rows, &activity.borrow(), now, current.as_ref().map_or("", |r| r.id.as_str()), &on_pick) }</div>
            }
            <div class="src-bottom">
                <div class="fh-side">
                    <div class="fh-chips">
                        { tab(Form::Logs, "CloudWatch Logs", "src-form-logs") }
                        { tab(Form::Events, "EventBridge", "src-form-events") }
                        { tab(Form::Iot, "AWS IoT", "src-form-iot") }
                    </div>
                    { form_view }
                </div>
                { for current.as_ref().map(inspector) }
            </div>
        </section>
    }
}
