//! Shard iterators as the user holds them: create one of the five types, read pages with
//! GetRecords, watch the 300 s expiry, see empty pages and SHARD_END with its child shards.

use serde_json::json;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::kinesis::iterator::ITERATOR_TTL_MS;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::format_duration;
use crate::ui::playground::Handle;

/// The five `ShardIteratorType`s (§1.7).
const TYPES: [&str; 5] = [
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "AT_TIMESTAMP",
];

/// Properties of [`IteratorsPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The iterators panel.
#[function_component(IteratorsPanel)]
pub fn iterators_panel(props: &Props) -> Html {
    let shard_ref = use_node_ref();
    let type_ref = use_node_ref();
    let seq_ref = use_node_ref();
    let ts_ref = use_node_ref();
    let limit_ref = use_node_ref();
    crate::ui::inputs::use_input_value(&limit_ref, "25".to_string());
    let kind = use_state(|| "TRIM_HORIZON".to_string());
    let error = use_state(|| None::<String>);

    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let now = world.now();
    let now_unix_s = world.epoch().to_unix_ms(now) / 1000;
    let shards: Vec<u32> = world
        .kinesis
        .stream(&pg.stream)
        .map(|s| s.shards().iter().map(|sh| sh.index()).collect())
        .unwrap_or_default();
    let selected_seq = pg.selected.as_ref().and_then(|sel| {
        let stream = world.kinesis.stream(&sel.stream)?;
        let shard = stream.shard(sel.shard)?;
        let r = shard
            .records()
            .iter()
            .find(|r| r.seq_index == sel.seq_index)?;
        Some((
            sel.shard,
            shard
                .sequence_number(r.seq_index, world.epoch().to_unix_ms(r.arrival_ms) / 1000)
                .to_decimal(),
        ))
    });
    let iterators = pg.iterators.clone();
    let stream = pg.stream.clone();
    drop(pg);

    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let create = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        let (shard_ref, type_ref, seq_ref, ts_ref) = (
            shard_ref.clone(),
            type_ref.clone(),
            seq_ref.clone(),
            ts_ref.clone(),
        );
        let stream = stream.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let shard: u32 = shard_ref
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(0);
            let kind = type_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let mut req = json!({ "StreamName": stream, "ShardId": shard_id(shard), "ShardIteratorType": kind });
            if kind.ends_with("SEQUENCE_NUMBER") {
                req["StartingSequenceNumber"] = json!(seq_ref
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
                    .trim());
            }
            if kind == "AT_TIMESTAMP" {
                let mut v = ts_ref
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default();
                if v.trim().is_empty() {
                    // Empty: five seconds ago, the value the placeholder shows.
                    let pg = h.0.borrow();
                    let w = pg.session.world();
                    v = (w.epoch().to_unix_ms(w.now()) / 1000)
                        .saturating_sub(5)
                        .to_string();
                }
                match v.trim().parse::<f64>() {
                    Ok(ts) => req["Timestamp"] = json!(ts),
                    Err(_) => {
                        error.set(Some(
                            "Timestamp must be epoch seconds, e.g. 1767225600".into(),
                        ));
                        return;
                    }
                }
            }
            let result = h.0.borrow_mut().open_iterator(shard, &kind, req);
            error.set(
                result
                    .err()
                    .map(|e| format!("{}: {}", e.kind.as_str(), e.message)),
            );
            cb.emit(());
        })
    };
    let use_selected = {
        let (seq_ref, shard_ref, kind) = (seq_ref.clone(), shard_ref.clone(), kind.clone());
        let selected_seq = selected_seq.clone();
        Callback::from(move |_| {
            if let Some((shard, seq)) = &selected_seq {
                if let Some(i) = seq_ref.cast::<HtmlInputElement>() {
                    i.set_value(seq);
                }
                if let Some(s) = shard_ref.cast::<HtmlSelectElement>() {
                    s.set_value(&shard.to_string());
                }
                if !kind.ends_with("SEQUENCE_NUMBER") {
                    kind.set("AT_SEQUENCE_NUMBER".into());
                }
            }
        })
    };

    let rows: Vec<Html> = iterators.iter().rev().map(|it| {
        let age = now.saturating_sub(it.issued_at);
        let expired = age > ITERATOR_TTL_MS;
        let left = ITERATOR_TTL_MS.saturating_sub(age);
        let read = {
            let (h, cb, id, limit_ref) = (props.pg.clone(), props.on_change.clone(), it.id, limit_ref.clone());
            Callback::from(move |_| {
                let limit = limit_ref.cast::<HtmlInputElement>().and_then(|i| i.value().parse().ok()).unwrap_or(100);
                h.0.borrow_mut().read_page(id, limit);
                cb.emit(());
            })
        };
        let remove = {
            let (h, cb, id) = (props.pg.clone(), props.on_change.clone(), it.id);
            Callback::from(move |_| {
                h.0.borrow_mut().iterators.retain(|i| i.id != id);
                cb.emit(());
            })
        };
        let status = if it.token.is_none() {
            html! { <span class="pill">{ "SHARD_END" }</span> }
        } else if expired {
            html! { <span class="pill expired">{ "expired" }</span> }
        } else {
            html! { <span class={classes!("pill", (left < 60_000).then_some("creating"), (left >= 60_000).then_some("on"))}>{ format!("expires in {}", format_duration(left)) }</span> }
        };
        html! {
            <div class="iterator" data-testid="iterator-row" data-iterator-id={it.id.to_string()} data-total-records={it.total_records.to_string()}>
                <div class="iterator-head">
                    <span class="cursor-badge">{ format!("#{}", it.id) }</span>
                    <code>{ shard_id(it.shard) }</code>
                    <span class="muted">{ it.kind.clone() }</span>
                    { status }
                    <span class="muted">{ format!("{} records read", it.total_records) }</span>
                    <span class="spacer"></span>
                    <button class="btn small primary" data-testid="iter-get-records" onclick={read} disabled={it.token.is_none()}>{ "GetRecords" }</button>
                    <button class="btn small ghost" onclick={remove} aria-label="Forget this iterator">{ "✕" }</button>
                </div>
                <ol class="pages">
                    { for it.pages.iter().rev().map(|p| html! {
                        <li data-testid="page" data-records={p.n_records.to_string()} class={classes!(p.error.is_some().then_some("failed"), (p.n_records == 0 && p.error.is_none()).then_some("empty"))}>
                            <span class="muted">{ format_duration(p.at) }</span>
                            { match &p.error {
                                Some(e) => html! { <span class="err-text">{ e.clone() }</span> },
                                None if !p.child_shards.is_empty() => html! {
                                    <span>{ format!("{} records · NextShardIterator = null · ChildShards: {}", p.n_records, p.child_shards.join(", ")) }</span>
                                },
                                None if p.n_records == 0 => html! {
                                    <span>{ format!("empty page (normal: keep polling) · MillisBehindLatest {}", p.millis_behind) }</span>
                                },
                                None => html! {
                                    <span>{ format!("{} records, {} B · MillisBehindLatest {} · {}{}", p.n_records, p.bytes, p.millis_behind, p.keys.join(", "), if p.n_records > p.keys.len() { ", …" } else { "" }) }</span>
                                },
                            } }
                        </li>
                    }) }
                </ol>
            </div>
        }
    }).collect();

    html! {
        <section class="panel iterators" aria-labelledby="iter-title">
            <h2 id="iter-title">{ "Shard iterators" }<span class="muted">{ " · cursors on the lanes; each lives 300 s of virtual time" }</span></h2>
            <form class="form row" onsubmit={create} data-testid="iterator-form">
                <label><span>{ "Shard" }</span>
                    <select ref={shard_ref} data-testid="iter-shard">
                        { for shards.iter().map(|s| html! { <option value={s.to_string()}>{ shard_id(*s) }</option> }) }
                    </select>
                </label>
                <label><span>{ "ShardIteratorType" }</span>
                    <select ref={type_ref} data-testid="iter-type" onchange={on_kind}>
                        { for TYPES.iter().map(|t| html! { <option value={*t} selected={*kind == *t}>{ *t }</option> }) }
                    </select>
                </label>
                if kind.ends_with("SEQUENCE_NUMBER") {
                    <label class="wide"><span>{ "StartingSequenceNumber" }</span>
                        <input ref={seq_ref.clone()} data-testid="iter-seq" type="text" placeholder="56-digit sequence number" />
                    </label>
                    <button type="button" class="btn small" onclick={use_selected} disabled={selected_seq.is_none()}>{ "use selected record" }</button>
                }
                if *kind == "AT_TIMESTAMP" {
                    <label><span>{ "Timestamp (epoch s)" }</span>
                        <input ref={ts_ref.clone()} data-testid="iter-ts" type="text" placeholder={now_unix_s.saturating_sub(5).to_string()} />
                    </label>
                }
                <label class="narrow"><span>{ "Limit" }</span>
                    <input ref={limit_ref.clone()} data-testid="iter-limit" type="number" min="1" max="10000" />
                </label>
                <button class="btn primary" type="submit" data-testid="iter-create">{ "GetShardIterator" }</button>
            </form>
            { for (*error).clone().map(|e| html! { <p class="err-text" role="alert">{ e }</p> }) }
            if iterators.is_empty() {
                <p class="hint">{ "No iterator yet. TRIM_HORIZON starts at the oldest retained record, LATEST after the newest." }</p>
            }
            <div class="iterator-list">{ for rows }</div>
        </section>
    }
}
