//! The "put record" form: partition key, data, optional explicit hash key → PutRecord.

use base64::Engine as _;
use serde_json::json;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ui::playground::{Handle, LastPut};

/// Properties of [`PutForm`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a put.
    pub on_change: Callback<()>,
}

/// The put-record form and its result.
#[function_component(PutForm)]
pub fn put_form(props: &Props) -> Html {
    let key_ref = use_node_ref();
    let data_ref = use_node_ref();
    let ehk_ref = use_node_ref();
    crate::ui::inputs::use_input_value(&key_ref, "user-1".to_string());
    crate::ui::inputs::use_input_value(&data_ref, "hello kinesis".to_string());

    let onsubmit = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        let (key_ref, data_ref, ehk_ref) = (key_ref.clone(), data_ref.clone(), ehk_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let read = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (key, data, ehk) = (read(&key_ref), read(&data_ref), read(&ehk_ref));
            let mut pg = h.0.borrow_mut();
            let stream = pg.stream.clone();
            let mut req = json!({
                "StreamName": stream,
                "Data": base64::engine::general_purpose::STANDARD.encode(data.as_bytes()),
                "PartitionKey": key,
            });
            let ehk = ehk.trim().to_string();
            if !ehk.is_empty() {
                req["ExplicitHashKey"] = json!(ehk);
            }
            // Playground::call records the put (and its hash key) for the ruler marker.
            let _ = pg.call("kinesis", "PutRecord", req);
            pg.preview_key = None;
            drop(pg);
            cb.emit(());
        })
    };

    let preview = {
        let h = props.pg.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            h.0.borrow_mut().preview_key = Some(v);
        })
    };
    let pg = props.pg.0.borrow();
    let result = match &pg.last_put {
        None => {
            html! { <p class="hint">{ "MD5 of the partition key picks the shard. Try the same key twice." }</p> }
        }
        Some(LastPut {
            result: Ok(v),
            hash_key,
            partition_key,
        }) => {
            let shard = v["ShardId"].as_str().unwrap_or_default().to_string();
            let seq = v["SequenceNumber"].as_str().unwrap_or_default().to_string();
            html! {
                <div class="put-result ok" data-testid="put-result" data-shard-id={shard.clone()} data-sequence-number={seq.clone()}>
                    <div><span class="k">{ "PartitionKey" }</span><code>{ partition_key.clone() }</code></div>
                    <div><span class="k">{ "Hash key" }</span><code class="wrap">{ hash_key.map(|h| h.to_string()).unwrap_or_default() }</code></div>
                    <div><span class="k">{ "ShardId" }</span><code>{ shard }</code></div>
                    <div><span class="k">{ "SequenceNumber" }</span><code class="wrap">{ seq }</code></div>
                </div>
            }
        }
        Some(LastPut { result: Err(e), .. }) => html! {
            <div class="put-result err" data-testid="put-error" role="alert">
                <strong>{ e.kind.as_str() }</strong>
                <p>{ e.message.clone() }</p>
            </div>
        },
    };
    let stream = pg.stream.clone();
    drop(pg);

    html! {
        <section class="panel" aria-labelledby="put-title">
            <h2 id="put-title">{ "Put a record" }</h2>
            <form data-testid="put-form" {onsubmit} class="form">
                <label>
                    <span>{ "Partition key" }</span>
                    <input ref={key_ref} data-testid="put-key" type="text" maxlength="300" oninput={preview} />
                </label>
                <label>
                    <span>{ "Data" }</span>
                    <input ref={data_ref} data-testid="put-data" type="text" />
                </label>
                <label>
                    <span>{ "Explicit hash key " }<em>{ "(optional, decimal)" }</em></span>
                    <input ref={ehk_ref} data-testid="put-ehk" type="text" inputmode="numeric" placeholder="0 … 2^128−1" />
                </label>
                <button class="btn primary" type="submit" data-testid="put-submit">
                    { format!("PutRecord → {stream}") }
                </button>
            </form>
            { result }
        </section>
    }
}
