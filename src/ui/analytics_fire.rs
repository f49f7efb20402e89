//! "Fire a record": a customer, an amount and an event time chosen relative to the current
//! watermark. While the slider moves, `PreviewWindows` says which windows the record would join,
//! or that it would go to the late side output; Fire puts it into the source stream with
//! `kinesis.PutRecord` (JSON `{customer, amount, ts}`), "Fire 20" puts 20 in-order records.

use base64::Engine as _;
use serde_json::json;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ui::analytics_panel::read;
use crate::ui::inputs::{input_value, use_input_value};
use crate::ui::playground::Handle;

/// Properties of [`FireBox`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Application name.
    pub app: String,
    /// Its source stream.
    pub stream: String,
    /// The job's watermark (epoch ms), if any.
    pub watermark: Option<i64>,
    /// The world's clock as epoch ms, if a job runs.
    pub now_unix: Option<i64>,
    /// Re-render counter.
    pub version: u64,
}

fn hms(unix_ms: i64) -> String {
    let d = unix_ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        d / 3600,
        d / 60 % 60,
        d % 60,
        unix_ms.rem_euclid(1000)
    )
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The world's clock as epoch ms, without a job.
fn world_unix(h: &Handle) -> i64 {
    let p = h.0.borrow();
    let w = p.session.world();
    w.epoch().to_unix_ms(w.now()) as i64
}

/// The box.
#[function_component(FireBox)]
pub fn fire_box(props: &Props) -> Html {
    let customer = use_node_ref();
    let amount = use_node_ref();
    let offset = use_state(|| 0i64);
    let slider = use_node_ref();
    let message = use_state(|| None::<Result<String, String>>);
    use_input_value(&customer, "acme".into());
    use_input_value(&amount, "10".into());

    let now_unix = props.now_unix.unwrap_or_else(|| world_unix(&props.pg));
    // Relative to the watermark once there is one; before that, to the clock.
    let base = props.watermark.unwrap_or(now_unix);
    let ts = base + *offset;
    let preview = read(
        &props.pg,
        "PreviewWindows",
        json!({ "ApplicationName": props.app, "EventTime": ts }),
    );

    let on_slide = {
        let offset = offset.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            offset.set(v.parse::<f64>().map_or(0, |f| f as i64));
        })
    };
    let fire = {
        let (customer, amount, slider) = (customer.clone(), amount.clone(), slider.clone());
        let (h, cb, message, stream, app) = (
            props.pg.clone(),
            props.on_change.clone(),
            message.clone(),
            props.stream.clone(),
            props.app.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let offset = slider
                .cast::<HtmlInputElement>()
                .and_then(|s| s.value().parse::<f64>().ok())
                .map_or(0, |f| f as i64);
            let c = input_value(&customer).trim().to_string();
            let c = if c.is_empty() { "acme".to_string() } else { c };
            let a = input_value(&amount).trim().parse::<f64>().unwrap_or(1.0);
            // The base is read again now: the watermark may have moved since the last render.
            let base = read(&h, "DescribeJob", json!({ "ApplicationName": app }))
                .and_then(|j| j["Watermark"].as_i64().or_else(|| j["NowUnixMs"].as_i64()))
                .unwrap_or_else(|| world_unix(&h));
            fire_records(&h, &cb, &message, &stream, vec![(c, a, base + offset)]);
        })
    };
    let fire20 = {
        let (h, cb, message, stream) = (
            props.pg.clone(),
            props.on_change.clone(),
            message.clone(),
            props.stream.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let now = world_unix(&h);
            let keys = ["acme", "bolt", "core"];
            let recs = (0..20)
                .map(|i: i64| {
                    (
                        keys[(i % 3) as usize].to_string(),
                        (i + 1) as f64,
                        now - 9_500 + i * 500,
                    )
                })
                .collect();
            fire_records(&h, &cb, &message, &stream, recs);
        })
    };

    let pv = preview.as_ref();
    let side = pv.is_some_and(|p| p["GoesToSideOutput"] == true);
    let wm = pv.and_then(|p| p["Watermark"].as_i64());
    let windows = pv
        .and_then(|p| p["Windows"].as_array())
        .cloned()
        .unwrap_or_default();
    html! {
        <div class="an-fire" data-testid="an-fire">
            <h4>{ "Fire a record" }</h4>
            <div class="fh-row">
                <label class="narrow"><span>{ "customer" }</span><input ref={customer} data-testid="an-customer" /></label>
                <label class="narrow"><span>{ "amount" }</span><input ref={amount} type="number" data-testid="an-amount" /></label>
            </div>
            <label><span>{ format!("event time: {} ({}{:.1} s vs {})", hms(ts), if *offset >= 0 { "+" } else { "−" }, (*offset).abs() as f64 / 1000.0,
                if props.watermark.is_some() { "watermark" } else { "clock; no watermark yet" }) }</span>
                <input ref={slider} type="range" min="-30000" max="30000" step="500" value={offset.to_string()} oninput={on_slide} data-testid="an-event-offset" /></label>
            <div class={classes!("an-preview", side.then_some("late"))} data-testid="an-preview" data-side-output={side.to_string()}>
                { if side {
                    html! { <strong class="err-text">{ format!("→ side output (late by {} ms)", wm.map_or(0, |w| w - ts)) }</strong> }
                } else if windows.is_empty() {
                    html! { <span class="muted">{ pv.and_then(|p| p["Note"].as_str()).filter(|n| !n.is_empty()).unwrap_or("no window") }</span> }
                } else {
                    html! { <>
                        <span class="muted small">{ "joins " }</span>
                        { for windows.iter().map(|w| {
                            let (s, e) = (w["Start"].as_i64().unwrap_or(0), w["End"].as_i64().unwrap_or(0));
                            let fired = w["AlreadyFired"] == true;
                            html! { <div class="small mono">{ format!("[{}, {}){}", hms(s), hms(e),
                                if fired { " · already fired (update within allowed lateness)" } else { " · open" }) }</div> }
                        }) }
                    </> }
                } }
            </div>
            <div class="fh-row">
                <button class="btn primary small" onclick={fire} data-testid="an-fire-btn">{ "Fire" }</button>
                <button class="btn small" onclick={fire20} data-testid="an-fire-20">{ "Fire 20 in-order records" }</button>
            </div>
            { match &*message {
                Some(Ok(m)) => html! { <p class="ok-text small" data-testid="an-fire-result">{ m }</p> },
                Some(Err(e)) => html! { <p class="err-text small" role="alert" data-testid="an-fire-error">{ e }</p> },
                None => html! {},
            } }
        </div>
    }
}

/// PutRecord (one) or PutRecords (several) of `{customer, amount, ts}` JSON into `stream`.
fn fire_records(
    h: &Handle,
    cb: &Callback<()>,
    message: &UseStateHandle<Option<Result<String, String>>>,
    stream: &str,
    records: Vec<(String, f64, i64)>,
) {
    let entries: Vec<_> = records
        .iter()
        .map(|(c, a, t)| {
            json!({
                "PartitionKey": c,
                "Data": b64(&json!({ "customer": c, "amount": a, "ts": t }).to_string()),
            })
        })
        .collect();
    let n = records.len();
    let out = match entries.first() {
        Some(one) if n == 1 => {
            let mut req = one.clone();
            req["StreamName"] = json!(stream);
            h.0.borrow_mut().call("kinesis", "PutRecord", req)
        }
        _ => h.0.borrow_mut().call(
            "kinesis",
            "PutRecords",
            json!({ "StreamName": stream, "Records": entries }),
        ),
    };
    message.set(Some(match out {
        Ok(v) => Ok(match v["FailedRecordCount"].as_u64() {
            Some(f) => format!("{n} records put, {f} failed"),
            None => format!(
                "put event time {} → {}",
                records.first().map_or(String::new(), |r| hms(r.2)),
                v["ShardId"].as_str().unwrap_or("")
            ),
        }),
        Err(e) => Err(format!("{}: {}", e.kind.as_str(), e.message)),
    }));
    cb.emit(());
}
