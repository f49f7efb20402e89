//! The Producers & Lambda tab, consumers part: start an SDK polling consumer or an enhanced
//! fan-out consumer on the shown stream (`StartSdkConsumer`, `StartEfoConsumer`), stop it, and
//! watch its per-shard stats from `DescribeConsumerApps` (semantics.md §1.7, §1.8, §1.13).

use serde_json::{json, Value};
use yew::prelude::*;

use crate::ui::inputs::input_value;
use crate::ui::inputs::use_input_value;
use crate::ui::playground::run_reported;
use crate::ui::playground::Handle;

/// Properties of [`ConsumersSection`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

fn num(v: &Value, field: &str) -> String {
    v[field].as_u64().map_or("–".to_string(), |n| n.to_string())
}

/// One application: header with Stop, then one row per shard.
fn app_view(app: &Value, act: &Callback<(String, Value)>) -> Html {
    let name = app["ConsumerName"].as_str().unwrap_or_default().to_string();
    let running = app["Running"].as_bool().unwrap_or(false);
    let sdk = app["Type"] == "SDK";
    let stop = {
        let (act, name) = (act.clone(), name.clone());
        Callback::from(move |_| {
            act.emit((
                "StopConsumerApp".to_string(),
                json!({ "ConsumerName": name }),
            ))
        })
    };
    let shards = app["Shards"].as_array().cloned().unwrap_or_default();
    html! {
        <div class="esm" data-testid="apps-consumer" data-name={name.clone()}>
            <div class="esm-head">
                <strong>{ format!("{} {}", if sdk { "SDK" } else { "EFO" }, name) }</strong>
                <span class={classes!("pill", if running { "on" } else { "off" })}>{ if running { "Running" } else { "Stopped" } }</span>
                if sdk {
                    <span class="muted small">{ format!("{} · poll {} ms", app["ShardIteratorType"].as_str().unwrap_or_default(), num(app, "PollIntervalMs")) }</span>
                }
                <span class="spacer"></span>
                if running {
                    <button class="btn small danger" onclick={stop} data-testid="apps-consumer-stop">{ "Stop" }</button>
                }
            </div>
            <table data-testid="apps-consumer-shards">
                <thead><tr>
                    <th>{ "Shard" }</th><th class="num">{ "Records" }</th>
                    if sdk {
                        <th class="num">{ "Pages" }</th><th class="num">{ "Empty" }</th>
                        <th class="num">{ "Throttles" }</th><th class="num">{ "Expired" }</th>
                    } else {
                        <th class="num">{ "Events" }</th><th class="num">{ "Bytes" }</th>
                        <th class="num">{ "Resubscribed" }</th>
                    }
                    <th class="num">{ "Behind ms" }</th><th>{ "State" }</th>
                </tr></thead>
                <tbody>
                { for shards.iter().map(|s| html! {
                    <tr>
                        <td><code>{ s["ShardId"].as_str().unwrap_or_default() }</code></td>
                        <td class="num">{ num(s, "Records") }</td>
                        if sdk {
                            <td class="num">{ num(s, "Pages") }</td><td class="num">{ num(s, "EmptyPages") }</td>
                            <td class="num">{ num(s, "Throttles") }</td><td class="num">{ num(s, "ExpiredIterators") }</td>
                        } else {
                            <td class="num">{ num(s, "Events") }</td><td class="num">{ num(s, "Bytes") }</td>
                            <td class="num">{ num(s, "Resubscriptions") }</td>
                        }
                        <td class="num">{ num(s, "MillisBehindLatest") }</td>
                        <td>{ if s["Finished"] == true { "finished" } else { "reading" } }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// The consumers part of the tab.
#[function_component(ConsumersSection)]
pub fn consumers_section(props: &Props) -> Html {
    let name_ref = use_node_ref();
    let poll_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    use_input_value(&name_ref, "reader-1".to_string());
    use_input_value(&poll_ref, "1000".to_string());

    let stream = props.pg.0.borrow().stream.clone();
    let described =
        crate::engine::api::playground_consumers::describe(props.pg.0.borrow().session.world());
    let apps: Vec<Value> = described["ConsumerApps"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a["StreamName"] == stream.as_str())
        .collect();

    let act = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |(action, req): (String, Value)| {
            run_reported(&h, &cb, &error, "playground", &action, req)
        })
    };
    let start = |efo: bool| {
        let (act, stream) = (act.clone(), stream.clone());
        let (name_ref, poll_ref) = (name_ref.clone(), poll_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let name = input_value(&name_ref);
            if efo {
                act.emit((
                    "StartEfoConsumer".to_string(),
                    json!({ "ConsumerName": name, "StreamName": stream }),
                ));
            } else {
                let poll = input_value(&poll_ref).parse::<u64>().unwrap_or(1_000);
                act.emit((
                    "StartSdkConsumer".to_string(),
                    json!({ "ConsumerName": name, "StreamName": stream, "PollIntervalMs": poll }),
                ));
            }
        })
    };

    let (start_sdk, start_efo) = (start(false), start(true));
    html! {
        <div class="apps-lambda">
            <h3>{ "Consumer applications" }<span class="muted">{ format!(" — reading {stream}: SDK polling (shares 5 calls/s per shard) or enhanced fan-out") }</span></h3>
            <div class="form row apps-form" data-testid="apps-consumer-form">
                <label><span>{ "Name" }</span><input ref={name_ref} data-testid="apps-consumer-name" /></label>
                <label class="narrow-2"><span>{ "Poll ms (SDK)" }</span><input ref={poll_ref} type="number" min="50" data-testid="apps-consumer-poll" /></label>
                <button class="btn primary" onclick={start_sdk} data-testid="apps-consumer-start-sdk">{ "Start SDK consumer" }</button>
                <button class="btn" onclick={start_efo} data-testid="apps-consumer-start-efo">{ "Start EFO consumer" }</button>
            </div>
            <div class="apps-messages">{ for (*error).clone().map(|e| html! { <p class="err-text" data-testid="apps-consumer-error">{ e }</p> }) }</div>
            <div class="esm-list">
            if apps.is_empty() {
                <p class="hint">{ "No consumer application on this stream yet. Start three SDK consumers (one at 200 ms) to see throttling, or an EFO consumer to see its 5-minute re-subscriptions." }</p>
            }
            { for apps.iter().map(|a| app_view(a, &act)) }
            </div>
        </div>
    }
}
