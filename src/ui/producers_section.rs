//! The Producers & Lambda tab, producers half: start a producer with a workload, a key
//! distribution, a rate shape and a client (direct, AWS SDK with retries, KPL, Kinesis Agent), and
//! watch every producer's successes, throttles, retries and give-ups. Every change is a
//! `playground` dispatcher call.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::engine::apps::producer::{ModeState, Producer, ProducerMode};
use crate::engine::apps::sdk::SdkApi;
use crate::ui::inputs::use_input_value;
use crate::ui::inputs::{input_value, select_value};
use crate::ui::playground::Handle;

/// Properties of [`ProducersSection`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// A `<select>` whose choice lives in `state` (options carry `selected`, so re-renders keep it).
pub(crate) fn choice(
    node: &NodeRef,
    state: &UseStateHandle<String>,
    testid: &'static str,
    options: &[(&'static str, &'static str)],
) -> Html {
    let onchange = {
        let (state, node) = (state.clone(), node.clone());
        Callback::from(move |_: Event| state.set(select_value(&node)))
    };
    html! {
        <select ref={node.clone()} data-testid={testid} {onchange}>
            { for options.iter().map(|(v, label)| html! {
                <option value={*v} selected={**state == *v}>{ *label }</option>
            }) }
        </select>
    }
}

/// The StartProducer request for the form's choices.
fn start_request(
    stream: &str,
    name: &str,
    workload: &str,
    client: &str,
    rate: f64,
    keys: &str,
    shape: &str,
) -> Value {
    // `stream` is a data stream's name, or `firehose:NAME` for a Direct PUT delivery stream.
    let (member, target) = match stream.strip_prefix("firehose:") {
        Some(ds) => ("DeliveryStreamName", ds),
        None => ("StreamName", stream),
    };
    let mut req = json!({
        "ProducerName": name,
        member: target,
        "RecordsPerSecond": rate,
        "Workload": workload,
        "KeyDistribution": match keys {
            "ZIPF" => json!({ "Type": "ZIPF", "KeyCount": 50, "ZipfExponent": 1.2 }),
            "HOT_KEY" => json!({ "Type": "HOT_KEY", "KeyCount": 50, "HotKeyShare": 0.8 }),
            "EVEN_HASH_KEYS" => json!({ "Type": "EVEN_HASH_KEYS", "KeyCount": 16 }),
            _ => json!({ "Type": "UNIFORM", "KeyCount": 50 }),
        },
        "RateShape": match shape {
            "BURSTS" => json!({ "Type": "BURSTS", "PeriodMs": 10_000, "BurstMs": 2_000, "BurstFactor": 5, "QuietFactor": 0.5 }),
            "DAILY" => json!({ "Type": "DAILY", "DayLengthMs": 120_000 }),
            _ => json!({ "Type": "CONSTANT" }),
        },
    });
    match client {
        "SDK_PUT_RECORD" => req["Mode"] = json!("SDK"),
        "SDK_PUT_RECORDS" => {
            req["Mode"] = json!("SDK");
            req["Sdk"] = json!({ "Api": "PutRecords", "BatchSize": 100 });
        }
        "KPL" => req["Mode"] = json!("KPL"),
        "AGENT" => {
            req["Mode"] = json!("AGENT");
            req["Agent"] = json!({ "MaxBufferAgeMillis": 5_000 });
        }
        _ => req["Mode"] = json!("DIRECT"),
    }
    req
}

/// What the client holds or has done, in a few words.
fn client_detail(p: &Producer) -> String {
    match (&p.config.mode, &p.runtime.mode) {
        (ProducerMode::Sdk(c), ModeState::Sdk(s)) => match c.api {
            SdkApi::PutRecord => format!("PutRecord · {} awaiting retry", s.awaiting_retry()),
            SdkApi::PutRecords => format!(
                "PutRecords ×{} · {} batched · {} awaiting retry",
                c.batch_size,
                s.batched(),
                s.awaiting_retry()
            ),
        },
        (ProducerMode::Kpl(_), ModeState::Kpl(s)) => {
            let ratio = (s.user_records_in_sent * 10)
                .checked_div(s.kinesis_records_sent)
                .unwrap_or(0);
            format!(
                "{}.{} user records per Kinesis record · {} buffered",
                ratio / 10,
                ratio % 10,
                s.buffered()
            )
        }
        (ProducerMode::Agent(_), ModeState::Agent(s)) => format!(
            "checkpoint line {} of {} · offset {} B · {} batches queued",
            s.checkpoint_line,
            s.file_lines,
            s.checkpoint_offset,
            s.queued_batches()
        ),
        _ => "no retries".to_string(),
    }
}

/// The last error in a few words (the full text is the tooltip).
fn short_error(e: &str) -> String {
    if e.contains("ProvisionedThroughputExceeded") {
        "last error: throttled".to_string()
    } else if e.contains("Expired") {
        "last error: expired (RecordTtl)".to_string()
    } else {
        format!("last error: {}", e.split(':').next().unwrap_or_default())
    }
}

fn client_name(p: &Producer) -> &'static str {
    match &p.config.mode {
        ProducerMode::Direct => "direct",
        ProducerMode::Sdk(c) if c.api == SdkApi::PutRecords => "SDK PutRecords",
        ProducerMode::Sdk(_) => "SDK PutRecord",
        ProducerMode::Kpl(_) => "KPL",
        ProducerMode::Agent(_) => "Kinesis Agent",
    }
}

/// A stacked bar: records sent, throttled attempts, records failed.
fn outcome_bar(sent: u64, throttled: u64, failed: u64) -> Html {
    let total = (sent + throttled + failed).max(1) as f64;
    let pct = |n: u64| format!("width: {:.1}%", n as f64 * 100.0 / total);
    html! {
        <div class="outcome-bar" title={format!("{sent} sent · {throttled} throttled attempts · {failed} failed")}>
            <span class="ok" style={pct(sent)}></span>
            <span class="warn" style={pct(throttled)}></span>
            <span class="bad" style={pct(failed)}></span>
        </div>
    }
}

/// The producers half of the tab.
#[function_component(ProducersSection)]
pub fn producers_section(props: &Props) -> Html {
    let name_ref = use_node_ref();
    let workload_ref = use_node_ref();
    let client_ref = use_node_ref();
    let rate_ref = use_node_ref();
    let keys_ref = use_node_ref();
    let shape_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    let workload = use_state(|| "APPLICATION_LOGS".to_string());
    let client = use_state(|| "SDK_PUT_RECORD".to_string());
    let keys = use_state(|| "UNIFORM".to_string());
    let shape = use_state(|| "CONSTANT".to_string());
    use_input_value(&name_ref, "app-1".to_string());
    use_input_value(&rate_ref, "200".to_string());

    let target_ref = use_node_ref();
    let target = use_state(String::new);
    let pg = props.pg.0.borrow();
    let stream = pg.stream.clone();
    let delivery_streams: Vec<String> = pg
        .session
        .world()
        .firehose
        .streams
        .values()
        .filter(|d| {
            matches!(
                d.source,
                crate::engine::firehose::delivery_stream::Source::DirectPut
            )
        })
        .map(|d| d.name.clone())
        .collect();
    let producers: Vec<(String, Producer)> = pg
        .session
        .world()
        .producers
        .all()
        .iter()
        .map(|(n, p)| (n.clone(), p.clone()))
        .collect();
    drop(pg);

    let start = {
        let (h, cb, error, stream) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            stream.clone(),
        );
        let refs = (
            name_ref.clone(),
            workload_ref.clone(),
            client_ref.clone(),
            rate_ref.clone(),
            keys_ref.clone(),
            shape_ref.clone(),
        );
        let target_ref = target_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, workload, client, rate, keys, shape) = &refs;
            let rate = input_value(rate).parse::<f64>().unwrap_or(100.0);
            let target = select_value(&target_ref);
            let req = start_request(
                if target.is_empty() { &stream } else { &target },
                &input_value(name),
                &select_value(workload),
                &select_value(client),
                rate,
                &select_value(keys),
                &select_value(shape),
            );
            let out = h.0.borrow_mut().call("playground", "StartProducer", req);
            error.set(
                out.err()
                    .map(|e| format!("{}: {}", e.kind.as_str(), e.message)),
            );
            cb.emit(());
        })
    };
    let stop = |name: String| {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_| {
            let _ = h.0.borrow_mut().call(
                "playground",
                "StopProducer",
                json!({ "ProducerName": name }),
            );
            cb.emit(());
        })
    };

    html! {
        <div class="apps-producers">
            <h3>{ "Producers" }</h3>
            <form class="form row apps-form" onsubmit={start} data-testid="apps-producer-form">
                <label class="narrow-2"><span>{ "Name" }</span>
                    <input ref={name_ref} data-testid="apps-producer-name" /></label>
                <label title="A Kinesis data stream, or a Firehose delivery stream with Direct PUT (SDK PutRecord/PutRecordBatch, the Agent's deliveryStream flow; the KPL writes to data streams only)"><span>{ "Writes to" }</span>
                    <select ref={target_ref.clone()} data-testid="apps-target" onchange={{
                        let (target, node) = (target.clone(), target_ref.clone());
                        Callback::from(move |_: Event| target.set(select_value(&node)))
                    }}>
                        <option value={stream.clone()} selected={!target.starts_with("firehose:")}>{ format!("stream {stream}") }</option>
                        { for delivery_streams.iter().map(|d| {
                            let v = format!("firehose:{d}");
                            html! { <option value={v.clone()} selected={*target == v}>{ format!("Firehose {d}") }</option> }
                        }) }
                    </select></label>
                <label><span>{ "Workload" }</span>
                    { choice(&workload_ref, &workload, "apps-workload", &[("APPLICATION_LOGS", "application logs"), ("METRICS", "metrics"), ("IOT_TELEMETRY", "IoT telemetry"), ("CLICKSTREAM", "clickstream")]) }</label>
                <label><span>{ "Client" }</span>
                    { choice(&client_ref, &client, "apps-client", &[("SDK_PUT_RECORD", "SDK PutRecord (3 retries)"), ("SDK_PUT_RECORDS", "SDK PutRecords ×100"), ("KPL", "KPL (aggregation)"), ("AGENT", "Kinesis Agent (log file)"), ("DIRECT", "direct (no retries)")]) }</label>
                <label class="narrow-2"><span>{ "Records/s" }</span>
                    <input ref={rate_ref} type="number" min="0.1" max="100000" step="any" data-testid="apps-rate" /></label>
                <label><span>{ "Keys" }</span>
                    { choice(&keys_ref, &keys, "apps-keys", &[("UNIFORM", "uniform, 50"), ("ZIPF", "Zipf s=1.2, 50"), ("HOT_KEY", "hot key 80%"), ("EVEN_HASH_KEYS", "even hash keys, 16")]) }</label>
                <label><span>{ "Rate shape" }</span>
                    { choice(&shape_ref, &shape, "apps-shape", &[("CONSTANT", "constant"), ("BURSTS", "bursts ×5, 2 s in 10 s"), ("DAILY", "daily (2-minute day)")]) }</label>
                <button class="btn primary" type="submit" data-testid="apps-producer-start">{ "Start" }</button>
            </form>
            <div class="apps-messages">{ for (*error).clone().map(|e| html! { <p class="err-text" data-testid="apps-producer-error">{ e }</p> }) }</div>
            <div class="table-wrap">
                <table data-testid="apps-producers">
                    <thead><tr>
                        <th>{ "Producer" }</th><th>{ "Client" }</th>
                        <th class="num">{ "Generated" }</th><th class="num">{ "Sent" }</th><th class="num">{ "Throttles" }</th>
                        <th class="num">{ "Retries" }</th><th class="num">{ "Given up" }</th><th>{ "Outcome" }</th>
                        <th>{ "Client state" }</th><th></th>
                    </tr></thead>
                    <tbody>
                    { for producers.into_iter().map(|(name, p)| {
                        let s = &p.stats;
                        html! {
                            <tr data-testid={format!("apps-producer-{name}")} data-mode={p.config.mode.name()}
                                data-sent={s.sent.to_string()} data-throttles={s.throttled.to_string()} data-retries={s.retries.to_string()}>
                                <td><code>{ &name }</code>{ " " }
                                    <span class={classes!("pill", if p.running { "on" } else { "off" })}>
                                        { if p.running { "running" } else { "stopped" } }</span>
                                    <div class="muted small">{ format!("{} · {}/s → {}{}", p.config.workload.kind.name().to_lowercase().replace('_', " "), p.config.rate_per_s,
                                        if p.config.to_firehose() { "Firehose " } else { "" }, p.config.stream) }</div></td>
                                <td>{ client_name(&p) }</td>
                                <td class="num">{ s.generated }</td>
                                <td class="num">{ s.sent }</td>
                                <td class="num">{ s.throttled }</td>
                                <td class="num">{ s.retries }</td>
                                <td class="num">{ s.given_up }</td>
                                <td>{ outcome_bar(s.sent, s.throttled, s.failed) }</td>
                                <td class="small">{ client_detail(&p) }
                                    { for s.last_error.clone().map(|e| html! { <div class="err-text small" title={e.clone()}>{ short_error(&e) }</div> }) }</td>
                                <td>{ if p.running { html! {
                                    <button class="btn small danger" onclick={stop(name.clone())} data-testid={format!("apps-stop-{name}")}>{ "Stop" }</button>
                                } } else { html! {} } }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
