//! What a non-S3 destination received (the store behind `playground.GetDestinationData`):
//! OpenSearch documents with a search box, Redshift / Snowflake rows and the COPY log, and the
//! HTTP endpoint / Splunk request log.

use serde_json::Value;
use yew::prelude::*;

use crate::ui::format::human_bytes;
use crate::ui::playground::Handle;

/// Properties of [`DestinationView`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Delivery stream.
    pub stream: String,
    /// `Destination.Type` of the pipeline description.
    pub kind: String,
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The view for the stream's destination kind (nothing for S3).
#[function_component(DestinationView)]
pub fn destination_view(props: &Props) -> Html {
    let query = use_state(String::new);
    let p = props.pg.0.borrow();
    let world = p.session.world();
    let Some(ds) = world.firehose.streams.get(&props.stream) else {
        return html! {};
    };
    let s = &ds.store;
    let kind = props.kind.as_str();
    let body = match kind {
        "OpenSearch" => {
            let (total, hits) = s.search("", &query, 20);
            let on_input = {
                let query = query.clone();
                Callback::from(move |e: InputEvent| {
                    query.set(
                        e.target_unchecked_into::<web_sys::HtmlInputElement>()
                            .value(),
                    )
                })
            };
            html! {
                <>
                    <div class="fh-row">
                        <input class="grow" placeholder="search: text, or field:value (customer:acme)" oninput={on_input} data-testid="fh-search" />
                        <span class="muted small" data-testid="fh-hits" data-total={total.to_string()}>{ format!("{total} hits") }</span>
                        <span class="muted small">{ s.indices.iter().map(|(k, v)| format!("{k} ({})", v.len())).collect::<Vec<_>>().join(" · ") }</span>
                    </div>
                    <table class="fh-table">
                        <thead><tr><th>{ "_index" }</th><th>{ "_id" }</th><th>{ "_source" }</th></tr></thead>
                        <tbody>{ for hits.iter().map(|(i, d)| html! {
                            <tr data-testid="fh-hit"><td><code>{ *i }</code></td><td><code>{ d.id.clone() }</code></td><td><code class="small">{ d.source.to_string() }</code></td></tr>
                        }) }</tbody>
                    </table>
                </>
            }
        }
        "Amazon Redshift" | "Snowflake" => html! {
            <div class="fh-two">
                <div>
                    <h4>{ format!("Table · {} rows", s.rows.len()) }</h4>
                    <table class="fh-table" data-testid="fh-rows">
                        <thead><tr>{ for s.columns.iter().map(|c| html! { <th>{ c.clone() }</th> }) }</tr></thead>
                        <tbody>{ for s.rows.iter().rev().take(20).map(|r| html! {
                            <tr>{ for r.iter().map(|c| html! { <td>{ cell(&Value::String(c.clone())) }</td> }) }</tr>
                        }) }</tbody>
                    </table>
                </div>
                <div>
                    <h4>{ if kind == "Snowflake" { "Snowpipe Streaming inserts" } else { "COPY log" } }</h4>
                    <table class="fh-table" data-testid="fh-copies">
                        <tbody>{ for s.copies.iter().rev().take(12).map(|c| html! {
                            <tr><td class="num">{ format!("{:.1} s", c.at_ms as f64 / 1000.0) }</td><td><code class="small">{ c.object.clone() }</code></td><td class="num">{ format!("{} rows", c.rows) }</td></tr>
                        }) }</tbody>
                    </table>
                </div>
            </div>
        },
        "Amazon S3" => return html! {},
        _ => html! {
            <>
                <h4>{ format!("Requests received · {} payloads", s.payloads.len()) }</h4>
                <table class="fh-table" data-testid="fh-requests">
                    <thead><tr><th>{ "At" }</th><th>{ "Request id" }</th><th class="num">{ "Records" }</th><th class="num">{ "Body" }</th><th class="num">{ "Attempt" }</th></tr></thead>
                    <tbody>{ for s.requests.iter().rev().take(15).map(|r| html! {
                        <tr data-testid="fh-request" data-attempt={r.attempt.to_string()}>
                            <td class="num">{ format!("{:.1} s", r.at_ms as f64 / 1000.0) }</td>
                            <td><code class="small">{ r.request_id.clone() }</code></td>
                            <td class="num">{ r.records }</td>
                            <td class="num">{ human_bytes(r.body_bytes) }</td>
                            <td class="num">{ r.attempt }</td>
                        </tr>
                    }) }</tbody>
                </table>
            </>
        },
    };
    html! {
        <div class="fh-dest-view" data-testid="fh-dest-view">
            <h4>{ format!("{kind}: what the destination received") }</h4>
            { body }
        </div>
    }
}
