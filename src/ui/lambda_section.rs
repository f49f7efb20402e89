//! The Producers & Lambda tab, Lambda half: create an event source mapping on the shown stream
//! with a simulated function (duration, a poison partition key), then watch its batches per shard
//! — checkpoints, retries blocking a shard, bisected halves, batch item failures, discarded
//! batches and the invocation records at the on-failure destination (semantics.md §3).

use serde_json::{json, Value};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::apps::lambda::{report, EventSourceMapping};
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::kinesis::Kinesis;
use crate::ui::inputs::use_input_value;
use crate::ui::inputs::{input_value, is_checked};
use crate::ui::playground::run_reported;
use crate::ui::playground::Handle;
use crate::ui::producers_section::choice;

/// The on-failure destination the form configures.
const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:playground-dlq";

/// Properties of [`LambdaSection`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// `#index` of a sequence number (the per-shard position; the decimal is 56 digits long).
fn short_seq(s: &str) -> String {
    SequenceNumber::parse(s).map_or_else(|| "–".to_string(), |n| format!("#{}", n.seq_index))
}

/// One mapping: header with actions, shards, recent invocations, on-failure records.
fn mapping_view(
    m: &EventSourceMapping,
    epoch: crate::engine::time::Epoch,
    act: &Callback<(String, Value)>,
) -> Html {
    let uuid = m.uuid.clone();
    let on = |action: &'static str, req: Value| {
        let act = act.clone();
        Callback::from(move |_| act.emit((action.to_string(), req.clone())))
    };
    let toggle = on(
        "UpdateEventSourceMapping",
        json!({ "UUID": uuid, "Enabled": !m.enabled }),
    );
    let fix = on(
        "UpdateEventSourceMapping",
        json!({ "UUID": uuid, "FunctionBehavior": { "FailOnPartitionKey": "", "FailOnDataContains": "", "ErrorRate": 0 } }),
    );
    let delete = on("DeleteEventSourceMapping", json!({ "UUID": uuid }));
    let st = &m.stats;
    let last_failure = m.on_failure.back().map(|f| {
        serde_json::to_string_pretty(&report::failure_json(f, m, epoch)).unwrap_or_default()
    });
    html! {
        <div class="esm" data-testid="apps-esm" data-uuid={uuid.clone()}>
            <div class="esm-head">
                <strong>{ format!("λ {}", m.config.function_name) }</strong>
                <code class="muted">{ &uuid[..8] }</code>
                <span class={classes!("pill", if m.enabled { "on" } else { "off" })}>{ if m.enabled { "Enabled" } else { "Disabled" } }</span>
                <span class="muted small">{ format!(
                    "batch {} · retries {} · bisect {} · {}",
                    m.config.batch_size,
                    if m.config.max_retry_attempts < 0 { "∞".to_string() } else { m.config.max_retry_attempts.to_string() },
                    if m.config.bisect { "on" } else { "off" },
                    if m.config.report_batch_item_failures { "ReportBatchItemFailures" } else { "whole-batch failures" },
                ) }</span>
                <span class="spacer"></span>
                <button class="btn small" onclick={toggle} data-testid="apps-esm-toggle">{ if m.enabled { "Disable" } else { "Enable" } }</button>
                <button class="btn small" onclick={fix} data-testid="apps-esm-fix">{ "Fix function" }</button>
                <button class="btn small danger" onclick={delete}>{ "Delete" }</button>
            </div>
            <p class="stats" data-testid="apps-esm-stats">{ format!(
                "{} invocations · {} ok · {} errors · {} partial · {} records processed · {} batches ({} records) discarded · iterator age {} ms · {}",
                st.invocations, st.succeeded, st.function_errors, st.partial_failures, st.records_processed,
                st.batches_discarded, st.records_discarded, st.iterator_age_ms, m.last_processing_result,
            ) }</p>
            <div class="esm-grid">
                <div>
                    <table>
                        <thead><tr><th>{ "Shard" }</th><th>{ "Checkpoint" }</th><th class="num">{ "Held" }</th><th>{ "State" }</th></tr></thead>
                        <tbody>
                        { for m.shards.iter().map(|(i, s)| {
                            let retry = s.slots.iter().filter_map(|l| l.pending.front().map(|b| b.attempts)).max();
                            let state = if s.finished { "finished".to_string() }
                                else if let Some(r) = retry.filter(|&r| r > 0) { format!("blocked · retry {r}") }
                                else if s.slots.iter().any(|l| l.in_flight.is_some()) { "invoking".to_string() }
                                else { "polling".to_string() };
                            html! {
                                <tr class={classes!(retry.is_some_and(|r| r > 0).then_some("blocked"))}>
                                    <td><code>{ shard_id(*i) }</code></td>
                                    <td>{ s.checkpoint.as_deref().map_or("–".to_string(), short_seq) }</td>
                                    <td class="num">{ s.held() }</td>
                                    <td>{ state }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                </div>
                <div>
                    <table data-testid="apps-invocations">
                        <thead><tr><th class="num">{ "#" }</th><th class="num">{ "Shard" }</th><th>{ "Batch" }</th><th class="num">{ "Size" }</th>
                            <th>{ "Outcome" }</th><th class="num">{ "Retry" }</th><th>{ "Then" }</th></tr></thead>
                        <tbody>
                        { for m.invocations.iter().rev().take(12).map(|i| html! {
                            <tr class={classes!("outcome", i.outcome)} data-outcome={i.outcome}>
                                <td class="num">{ i.id }</td>
                                <td class="num">{ i.shard }</td>
                                <td>{ format!("{}…{}", short_seq(&i.first_seq), short_seq(&i.last_seq)) }{ if i.bisected { " ½" } else { "" } }</td>
                                <td class="num">{ i.size }</td>
                                <td>{ i.outcome }</td>
                                <td class="num">{ i.retry_attempt }</td>
                                <td>{ i.action }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                </div>
            </div>
            <div class="esm-dlq-wrap">{ for last_failure.map(|j| html! {
                <details class="esm-dlq" data-testid="apps-dlq">
                    <summary>{ format!("{} invocation record(s) at {}", m.on_failure.len(), m.config.on_failure.clone().unwrap_or_default()) }</summary>
                    <pre>{ j }</pre>
                </details>
            }) }</div>
        </div>
    }
}

/// The Lambda half of the tab.
#[function_component(LambdaSection)]
pub fn lambda_section(props: &Props) -> Html {
    let function_ref = use_node_ref();
    let batch_ref = use_node_ref();
    let retries_ref = use_node_ref();
    let poison_ref = use_node_ref();
    let duration_ref = use_node_ref();
    let position_ref = use_node_ref();
    let bisect_ref = use_node_ref();
    let report_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    let position = use_state(|| "LATEST".to_string());
    use_input_value(&function_ref, "process-events".to_string());
    use_input_value(&batch_ref, "10".to_string());
    use_input_value(&retries_ref, "2".to_string());
    use_input_value(&poison_ref, "user-13".to_string());
    use_input_value(&duration_ref, "300".to_string());

    let pg = props.pg.0.borrow();
    let stream = pg.stream.clone();
    let epoch = pg.session.world().epoch();
    let arn = Kinesis::arn_for(&stream);
    let mappings: Vec<EventSourceMapping> = pg
        .session
        .world()
        .lambda
        .mappings()
        .values()
        .filter(|m| m.config.stream == stream)
        .cloned()
        .collect();
    drop(pg);

    let act = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |(action, req): (String, Value)| {
            run_reported(&h, &cb, &error, "playground", &action, req)
        })
    };
    let create = {
        let (h, cb, error, arn) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            arn.clone(),
        );
        let refs = (
            function_ref.clone(),
            batch_ref.clone(),
            retries_ref.clone(),
            poison_ref.clone(),
        );
        let more = (
            duration_ref.clone(),
            position_ref.clone(),
            bisect_ref.clone(),
            report_ref.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (function, batch, retries, poison) = &refs;
            let (duration, position, bisect, report) = &more;
            let mut req = json!({
                "EventSourceArn": arn,
                "FunctionName": input_value(function),
                "StartingPosition": position.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default(),
                "BatchSize": input_value(batch).parse::<u64>().unwrap_or(10),
                "MaximumRetryAttempts": input_value(retries).parse::<i64>().unwrap_or(-1),
                "BisectBatchOnFunctionError": is_checked(bisect),
                "DestinationConfig": { "OnFailure": { "Destination": DLQ_ARN } },
                "FunctionBehavior": {
                    "DurationMs": input_value(duration).parse::<u64>().unwrap_or(200),
                    "FailOnPartitionKey": input_value(poison),
                },
            });
            if is_checked(report) {
                req["FunctionResponseTypes"] = json!(["ReportBatchItemFailures"]);
            }
            run_reported(
                &h,
                &cb,
                &error,
                "playground",
                "CreateEventSourceMapping",
                req,
            );
        })
    };

    html! {
        <div class="apps-lambda">
            <h3>{ "Lambda event source mappings" }<span class="muted">{ format!(" — reading {stream}, each shard polled ~1/s") }</span></h3>
            <form class="form row apps-form" onsubmit={create} data-testid="apps-esm-form">
                <label><span>{ "Function" }</span><input ref={function_ref} data-testid="apps-esm-function" /></label>
                <label><span>{ "Start" }</span>
                    { choice(&position_ref, &position, "apps-esm-position", &[("LATEST", "LATEST"), ("TRIM_HORIZON", "TRIM_HORIZON")]) }</label>
                <label class="narrow-2"><span>{ "Batch size" }</span><input ref={batch_ref} type="number" min="1" max="10000" data-testid="apps-esm-batch" /></label>
                <label class="narrow-2"><span>{ "Max retries" }</span><input ref={retries_ref} type="number" min="-1" max="10000" data-testid="apps-esm-retries" /></label>
                <label><span>{ "Poison key" }</span><input ref={poison_ref} data-testid="apps-esm-poison" /></label>
                <label class="narrow-2"><span>{ "Duration ms" }</span><input ref={duration_ref} type="number" min="1" data-testid="apps-esm-duration" /></label>
                <label class="check"><input ref={bisect_ref} type="checkbox" data-testid="apps-esm-bisect" />{ "bisect" }</label>
                <label class="check"><input ref={report_ref} type="checkbox" data-testid="apps-esm-report" />{ "ReportBatchItemFailures" }</label>
                <button class="btn primary" type="submit" data-testid="apps-esm-create">{ "Create mapping" }</button>
            </form>
            <div class="apps-messages">{ for (*error).clone().map(|e| html! { <p class="err-text" data-testid="apps-esm-error">{ e }</p> }) }</div>
            <div class="esm-list">
            if mappings.is_empty() {
                <p class="hint">{ "No mapping on this stream yet. A poison key makes the function fail on that key's records: watch the shard block, retry, bisect, and send an invocation record to the on-failure destination." }</p>
            }
            { for mappings.iter().map(|m| mapping_view(m, epoch, &act)) }
            </div>
        </div>
    }
}
