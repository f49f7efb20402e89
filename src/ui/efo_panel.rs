//! Enhanced fan-out next to shared throughput: register consumers, subscribe them to shards, and
//! see each consumer's own 2 MiB/s pipe beside the one 2 MiB/s pipe all polling readers share
//! (semantics.md §1.13).

use std::collections::BTreeMap;

use serde_json::json;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::kinesis::consumer::ConsumerStatus;
use crate::engine::kinesis::shard::{shard_id, ShardState};
use crate::engine::kinesis::throughput::{READ_BYTES_PER_S, READ_CALLS_PER_S};
use crate::engine::kinesis::Kinesis;
use crate::engine::time::format_duration;
use crate::ui::format::human_bytes;
use crate::ui::inputs::use_input_value;
use crate::ui::playground::run_reported;
use crate::ui::playground::Handle;

/// Properties of [`EfoPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// Per (consumer ARN, shard): (virtual ms, bytes delivered) at the previous sample, and the rate.
type RateMemo = BTreeMap<(String, u32), (u64, u64, f64)>;

/// The fan-out panel.
#[function_component(EfoPanel)]
pub fn efo_panel(props: &Props) -> Html {
    let name_ref = use_node_ref();
    use_input_value(&name_ref, "analytics-app".to_string());
    let error = use_state(|| None::<String>);
    let shard_pick = use_state(|| 0u32);
    let memo = use_mut_ref(RateMemo::new);

    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let now = world.now();
    let stream = pg.stream.clone();
    let arn = Kinesis::arn_for(&stream);
    let consumers: Vec<(String, String, ConsumerStatus)> = world
        .kinesis
        .efo
        .stream_consumers(&stream)
        .map(|c| (c.name.clone(), c.arn.clone(), c.status))
        .collect();
    let subs: Vec<_> = world
        .kinesis
        .efo
        .subscription_views()
        .into_iter()
        .filter(|v| v.stream == stream)
        .collect();
    let shards: Vec<(u32, bool)> = world
        .kinesis
        .stream(&stream)
        .map(|s| {
            s.shards()
                .iter()
                .map(|sh| (sh.index(), sh.state() == ShardState::Open))
                .collect()
        })
        .unwrap_or_default();
    let shown_shard = if shards.iter().any(|(i, _)| *i == *shard_pick) {
        *shard_pick
    } else {
        shards.first().map_or(0, |s| s.0)
    };
    let last_sec = (now / 1000).saturating_sub(1);
    let shared = world
        .kinesis
        .metrics
        .shard_stats(&stream, shown_shard, last_sec)
        .unwrap_or_default();
    let readers = pg
        .iterators
        .iter()
        .filter(|i| i.stream == stream && i.shard == shown_shard && i.token.is_some())
        .count();
    drop(pg);

    // EFO rates from successive samples of each subscription's delivered bytes.
    let mut rates: BTreeMap<(String, u32), f64> = BTreeMap::new();
    {
        let mut memo = memo.borrow_mut();
        for v in &subs {
            let key = (v.consumer_arn.clone(), v.shard);
            let entry = memo
                .entry(key.clone())
                .or_insert((now, v.bytes_delivered, 0.0));
            if now >= entry.0 + 1000 {
                let dt = (now - entry.0) as f64 / 1000.0;
                let rate = v.bytes_delivered.saturating_sub(entry.1) as f64 / dt;
                *entry = (now, v.bytes_delivered, rate);
            }
            rates.insert(key, entry.2);
        }
    }

    let register = {
        let (h, cb, error, name_ref, arn) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            name_ref.clone(),
            arn.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = name_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            run_reported(
                &h,
                &cb,
                &error,
                "kinesis",
                "RegisterStreamConsumer",
                json!({ "StreamARN": arn, "ConsumerName": name }),
            );
        })
    };
    let on_shard = {
        let shard_pick = shard_pick.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
            {
                shard_pick.set(v);
            }
        })
    };

    let consumer_rows = consumers.iter().map(|(name, carn, status)| {
        let subscribe = {
            let (h, cb, error, carn) = (props.pg.clone(), props.on_change.clone(), error.clone(), carn.clone());
            let open: Vec<u32> = shards.iter().filter(|s| s.1).map(|s| s.0).collect();
            Callback::from(move |_| {
                for s in &open {
                    run_reported(&h, &cb, &error, "kinesis", "SubscribeToShard", json!({
                        "ConsumerARN": carn, "ShardId": shard_id(*s), "StartingPosition": { "Type": "LATEST" } }));
                }
            })
        };
        let deregister = {
            let (h, cb, error, carn) = (props.pg.clone(), props.on_change.clone(), error.clone(), carn.clone());
            Callback::from(move |_| run_reported(&h, &cb, &error, "kinesis", "DeregisterStreamConsumer", json!({ "ConsumerARN": carn })))
        };
        let n_subs = subs.iter().filter(|v| v.consumer_arn == *carn && v.active).count();
        html! {
            <div class="consumer" data-testid="efo-consumer" data-status={status.as_str()}>
                <code>{ name.clone() }</code>
                <span class={classes!("pill", status.as_str().to_lowercase())}>{ status.as_str() }</span>
                <span class="muted">{ format!("{n_subs} active subscriptions") }</span>
                <span class="spacer"></span>
                <button class="btn small primary" data-testid="efo-subscribe" onclick={subscribe}
                    disabled={*status != ConsumerStatus::Active}>{ "SubscribeToShard (all open shards, LATEST)" }</button>
                <button class="btn small ghost" onclick={deregister}>{ "Deregister" }</button>
            </div>
        }
    });

    let shared_share = shared.outgoing_bytes as f64 / READ_BYTES_PER_S as f64;
    let efo_bars = subs.iter().filter(|v| v.shard == shown_shard && v.active).map(|v| {
        let rate = rates.get(&(v.consumer_arn.clone(), v.shard)).copied().unwrap_or(0.0);
        let share = rate / READ_BYTES_PER_S as f64;
        html! {
            <div class="pipe efo" data-testid="efo-pipe">
                <span class="pipe-label"><code>{ v.consumer_name.clone() }</code>{ " · own 2 MiB/s" }</span>
                <div class="bar"><div class="fill" style={format!("width:{:.1}%", (share * 100.0).min(100.0))}></div></div>
                <span class="muted">{ format!("{}/s · {} ms behind · ~70 ms propagation", human_bytes(rate as u64), v.millis_behind_latest) }</span>
            </div>
        }
    });
    let sub_rows = subs.iter().map(|v| html! {
        <tr data-testid="subscription-row" data-active={v.active.to_string()}>
            <td><code>{ v.consumer_name.clone() }</code></td>
            <td>{ shard_id(v.shard) }</td>
            <td>{ if v.active { format!("active · expires in {}", format_duration(v.expires_ms.saturating_sub(now))) } else { v.end_reason.unwrap_or("ended").to_string() } }</td>
            <td class="num">{ v.events_delivered }</td>
            <td class="num">{ v.records_delivered }</td>
            <td class="num">{ human_bytes(v.bytes_delivered) }</td>
            <td class="num">{ v.millis_behind_latest }</td>
        </tr>
    });

    html! {
        <section class="panel efo-panel" data-testid="efo-panel" aria-labelledby="efo-title">
            <h2 id="efo-title">{ "Shared throughput vs enhanced fan-out" }</h2>
            <form class="form row" onsubmit={register}>
                <label><span>{ "ConsumerName" }</span><input ref={name_ref} data-testid="efo-name" type="text" maxlength="128" /></label>
                <button class="btn primary" type="submit" data-testid="efo-register">{ "RegisterStreamConsumer" }</button>
            </form>
            { for (*error).clone().map(|e| html! { <p class="err-text" role="alert">{ e }</p> }) }
            <div class="consumer-list">{ for consumer_rows }</div>
            <div class="pipes">
                <label class="inline"><span>{ "Shard" }</span>
                    <select onchange={on_shard}>
                        { for shards.iter().map(|(i, _)| html! { <option value={i.to_string()} selected={*i == shown_shard}>{ shard_id(*i) }</option> }) }
                    </select>
                </label>
                <div class="pipe shared" data-testid="shared-pipe">
                    <span class="pipe-label">{ format!("Shared: {readers} polling reader(s) split one 2 MiB/s and {READ_CALLS_PER_S} calls/s") }</span>
                    <div class="bar"><div class="fill" style={format!("width:{:.1}%", (shared_share * 100.0).min(100.0))}></div></div>
                    <span class="muted">{ format!("{}/s read last second · {} calls, {} throttled · ~200 ms+ propagation", human_bytes(shared.outgoing_bytes), shared.get_records_calls, shared.read_throttled) }</span>
                </div>
                { for efo_bars }
            </div>
            if !subs.is_empty() {
                <div class="table-wrap">
                    <table>
                        <thead><tr><th>{ "Consumer" }</th><th>{ "Shard" }</th><th>{ "Subscription" }</th><th class="num">{ "Events" }</th><th class="num">{ "Records" }</th><th class="num">{ "Bytes" }</th><th class="num">{ "MillisBehindLatest" }</th></tr></thead>
                        <tbody>{ for sub_rows }</tbody>
                    </table>
                </div>
            } else {
                <p class="hint">{ "Register a consumer, wait for ACTIVE (5 s), then subscribe it: each subscription pushes events for 5 minutes of virtual time." }</p>
            }
        </section>
    }
}
