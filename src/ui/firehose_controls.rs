//! Destination health (`playground.SetDestinationBehavior`: latency, error rate, outages,
//! lost acknowledgements) and sending records: PutRecord / PutRecordBatch for Direct PUT, or
//! PutRecords into the source Kinesis data stream.

use base64::Engine as _;
use serde_json::{json, Value};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::ui::firehose_request::sample_record;
use crate::ui::inputs::{input_value, use_input_value};
use crate::ui::playground::{run_reported, Handle};

/// Properties of [`FirehoseControls`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Delivery stream.
    pub stream: String,
    /// Source Kinesis data stream, if not Direct PUT.
    pub source: Option<String>,
    /// `Behaviour` of the pipeline description.
    pub behaviour: Value,
    /// Virtual now, ms.
    pub now: u64,
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The controls.
#[function_component(FirehoseControls)]
pub fn firehose_controls(props: &Props) -> Html {
    let latency = use_node_ref();
    let error_rate = use_node_ref();
    let lost = use_node_ref();
    let text = use_node_ref();
    let error = use_state(|| None::<String>);
    let fired = use_mut_ref(|| 0u64);
    let last = use_state(|| None::<String>);
    let b = &props.behaviour;
    use_input_value(&latency, b["LatencyMs"].as_u64().unwrap_or(0).to_string());
    use_input_value(
        &error_rate,
        b["ErrorRate"].as_f64().unwrap_or(0.0).to_string(),
    );
    use_input_value(&lost, b["LostAckRate"].as_f64().unwrap_or(0.0).to_string());
    {
        let text = text.clone();
        use_effect_with((), move |_| {
            if let Some(t) = text.cast::<HtmlTextAreaElement>() {
                t.set_value(
                    "{\"customer\":\"acme\",\"order\":1,\"amount\":42.5,\"level\":\"INFO\"}\n",
                );
            }
        });
    }
    let behave = |req: Value| {
        let (h, cb, error, name) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.stream.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut r = req.clone();
            r["DeliveryStreamName"] = json!(name);
            run_reported(&h, &cb, &error, "playground", "SetDestinationBehavior", r);
        })
    };
    let apply = {
        let (h, cb, error, name) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.stream.clone(),
        );
        let refs = (latency.clone(), error_rate.clone(), lost.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = json!({
                "DeliveryStreamName": name,
                "LatencyMs": input_value(&refs.0).parse::<u64>().unwrap_or(0),
                "ErrorRate": input_value(&refs.1).parse::<f64>().unwrap_or(0.0),
                "LostAckRate": input_value(&refs.2).parse::<f64>().unwrap_or(0.0),
            });
            run_reported(&h, &cb, &error, "playground", "SetDestinationBehavior", req);
        })
    };
    let put_one = {
        let (h, cb, error, name, source, text, last) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.stream.clone(),
            props.source.clone(),
            text.clone(),
            last.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let data = text
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            let (service, action, req) = match &source {
                None => (
                    "firehose",
                    "PutRecord",
                    json!({ "DeliveryStreamName": name, "Record": { "Data": b64(&data) } }),
                ),
                Some(s) => (
                    "kinesis",
                    "PutRecord",
                    json!({ "StreamName": s, "PartitionKey": "manual", "Data": b64(&data) }),
                ),
            };
            let out = h.0.borrow_mut().call(service, action, req);
            match out {
                Ok(_) => {
                    error.set(None);
                    last.set(Some(format!("{action}: 1 record ({} bytes)", data.len())));
                }
                Err(e) => error.set(Some(format!(
                    "{action}: {}: {}",
                    e.kind.as_str(),
                    e.message
                ))),
            }
            cb.emit(());
        })
    };
    let fire = {
        let (h, cb, error, name, source, fired, last) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.stream.clone(),
            props.source.clone(),
            fired.clone(),
            last.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let start = *fired.borrow();
            let lines: Vec<String> = (start..start + 100).map(sample_record).collect();
            *fired.borrow_mut() += 100;
            let (service, action, req) = match &source {
                None => (
                    "firehose",
                    "PutRecordBatch",
                    json!({ "DeliveryStreamName": name,
                    "Records": lines.iter().map(|l| json!({ "Data": b64(l) })).collect::<Vec<_>>() }),
                ),
                Some(s) => (
                    "kinesis",
                    "PutRecords",
                    json!({ "StreamName": s,
                    "Records": lines.iter().map(|l| {
                        let key = l.split('"').nth(3).unwrap_or("k").to_string();
                        json!({ "Data": b64(l), "PartitionKey": key })
                    }).collect::<Vec<_>>() }),
                ),
            };
            let out = h.0.borrow_mut().call(service, action, req);
            match out {
                Ok(v) => {
                    error.set(None);
                    let failed = v["FailedPutCount"]
                        .as_u64()
                        .or(v["FailedRecordCount"].as_u64())
                        .unwrap_or(0);
                    last.set(Some(format!("{action}: 100 records, {failed} failed")));
                }
                Err(e) => error.set(Some(format!(
                    "{action}: {}: {}",
                    e.kind.as_str(),
                    e.message
                ))),
            }
            cb.emit(());
        })
    };
    let outage_until = b["OutageUntilMs"].as_u64().unwrap_or(0);
    let target = match &props.source {
        None => "Direct PUT: PutRecord / PutRecordBatch".to_string(),
        Some(s) => format!("into source stream {s} (PutRecord / PutRecords)"),
    };
    html! {
        <div class="fh-controls">
            <div class="fh-card">
                <h4>{ "Destination behaviour" }
                    if outage_until > props.now {
                        <span class="pill expired" data-testid="fh-outage">{ format!("outage {} s left", (outage_until - props.now).div_ceil(1000)) }</span>
                    }
                </h4>
                <form class="form row fh-behave" onsubmit={apply}>
                    <label class="narrow"><span>{ "Latency ms" }</span><input ref={latency} type="number" min="0" max="180000" data-testid="fh-latency" /></label>
                    <label class="narrow"><span>{ "Error rate" }</span><input ref={error_rate} type="number" min="0" max="1" step="0.05" data-testid="fh-error-rate" /></label>
                    <label class="narrow"><span>{ "Lost acks" }</span><input ref={lost} type="number" min="0" max="1" step="0.05" title="Acknowledgements lost: Firehose retries, the destination gets duplicates" data-testid="fh-lost-acks" /></label>
                    <button class="btn small" type="submit" data-testid="fh-behave-apply">{ "Apply" }</button>
                </form>
                <div class="fh-row">
                    <button class="btn small danger" onclick={behave(json!({ "OutageSeconds": 60 }))} data-testid="fh-outage-60">{ "Outage 60 s" }</button>
                    <button class="btn small danger" onclick={behave(json!({ "OutageSeconds": 600 }))} data-testid="fh-outage-600">{ "Outage 10 min" }</button>
                    <button class="btn small" onclick={behave(json!({ "OutageSeconds": 0 }))} data-testid="fh-outage-end">{ "End outage" }</button>
                </div>
            </div>
            <div class="fh-card">
                <h4>{ "Send records" }<span class="muted small">{ format!(" {target}") }</span></h4>
                <textarea ref={text} rows="2" spellcheck="false" class="code" data-testid="fh-record-text" />
                <div class="fh-row">
                    <button class="btn small" onclick={put_one} data-testid="fh-put-one">{ "Put record" }</button>
                    <button class="btn small primary" onclick={fire} data-testid="fh-fire-100">{ "Fire 100 JSON records" }</button>
                    { for (*last).clone().map(|m| html! { <span class="muted small" data-testid="fh-send-result">{ m }</span> }) }
                </div>
            </div>
            { for (*error).clone().map(|e| html! { <p class="err-text" role="alert" data-testid="fh-controls-error">{ e }</p> }) }
        </div>
    }
}
