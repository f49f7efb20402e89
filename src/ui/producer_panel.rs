//! Control of the simulated `clickstream` producer: start / stop, rate, key distribution.

use serde_json::json;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::playground::Handle;

/// Name of the sandbox producer.
pub const PRODUCER: &str = "clickstream";

/// Properties of [`ProducerPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The producer panel.
#[function_component(ProducerPanel)]
pub fn producer_panel(props: &Props) -> Html {
    let rate_ref = use_node_ref();
    let dist_ref = use_node_ref();

    let pg = props.pg.0.borrow();
    let p = pg.session.world().producers.get(PRODUCER).cloned();
    let stream = pg.stream.clone();
    drop(pg);
    let running = p.as_ref().is_some_and(|p| p.running);
    let rate = p.as_ref().map_or(5.0, |p| p.config.rate_per_s);
    let hot = p
        .as_ref()
        .is_some_and(|p| p.config.keys.type_name() == "HOT_KEY");
    crate::ui::inputs::use_input_value(&rate_ref, rate.to_string());

    let start_request = {
        let (rate_ref, dist_ref, stream) = (rate_ref.clone(), dist_ref.clone(), stream.clone());
        move || {
            let rate = rate_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().parse::<f64>().ok())
                .unwrap_or(5.0);
            let dist = dist_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let keys = if dist == "HOT_KEY" {
                json!({ "Type": "HOT_KEY", "KeyCount": 50, "HotKeyShare": 0.8 })
            } else {
                json!({ "Type": "UNIFORM", "KeyCount": 50 })
            };
            json!({
                "ProducerName": PRODUCER,
                "StreamName": stream,
                "RecordsPerSecond": rate,
                "KeyDistribution": keys,
            })
        }
    };

    let toggle = {
        let (h, cb, start_request) = (
            props.pg.clone(),
            props.on_change.clone(),
            start_request.clone(),
        );
        Callback::from(move |_| {
            let mut pg = h.0.borrow_mut();
            let running = pg
                .session
                .world()
                .producers
                .get(PRODUCER)
                .is_some_and(|p| p.running);
            let _ = if running {
                pg.call(
                    "playground",
                    "StopProducer",
                    json!({ "ProducerName": PRODUCER }),
                )
            } else {
                pg.call("playground", "StartProducer", start_request())
            };
            drop(pg);
            cb.emit(());
        })
    };
    let reconfigure = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_: Event| {
            let mut pg = h.0.borrow_mut();
            let running = pg
                .session
                .world()
                .producers
                .get(PRODUCER)
                .is_some_and(|p| p.running);
            if running {
                let _ = pg.call("playground", "StartProducer", start_request());
            }
            drop(pg);
            cb.emit(());
        })
    };

    let (sent, failed, last_error) = p
        .as_ref()
        .map(|p| (p.stats.sent, p.stats.failed, p.stats.last_error.clone()))
        .unwrap_or((0, 0, None));

    html! {
        <section class="panel" aria-labelledby="producer-title">
            <h2 id="producer-title">
                { "Producer " }<code>{ PRODUCER }</code>
                <span class={classes!("pill", if running { "on" } else { "off" })}>
                    { if running { "running" } else { "stopped" } }
                </span>
            </h2>
            <div class="form row">
                <label>
                    <span>{ "Records/s" }</span>
                    <input ref={rate_ref} data-testid="producer-rate" type="number" min="0.1" max="5000" step="any"
                        onchange={reconfigure.clone()} />
                </label>
                <label>
                    <span>{ "Keys" }</span>
                    <select ref={dist_ref} data-testid="producer-keys" onchange={reconfigure}>
                        <option value="UNIFORM" selected={!hot}>{ "uniform, 50 users" }</option>
                        <option value="HOT_KEY" selected={hot}>{ "hot key: 80% user-0" }</option>
                    </select>
                </label>
                <button class={classes!("btn", if running { "danger" } else { "primary" })}
                    data-testid="producer-toggle" data-running={running.to_string()} onclick={toggle}>
                    { if running { "Stop" } else { "Start" } }
                </button>
            </div>
            <p class="stats">
                { format!("{sent} sent · {failed} failed") }
                { for last_error.map(|e| html! { <span class="err-text">{ format!(" · last error: {e}") }</span> }) }
            </p>
        </section>
    }
}
