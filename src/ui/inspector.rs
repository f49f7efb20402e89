//! The record inspector: everything about one record.

use yew::prelude::*;

use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::{format_duration, format_iso8601};
use crate::ui::format::hex_bytes;
use crate::ui::playground::Handle;

/// Properties of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after closing.
    pub on_change: Callback<()>,
}

/// The inspector panel (empty hint when nothing is selected).
#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let Some(sel) = pg.selected.clone() else {
        return html! {
            <section class="panel inspector empty" aria-labelledby="insp-title">
                <h2 id="insp-title">{ "Record inspector" }</h2>
                <p class="hint">{ "Click a record on a lane or in the table." }</p>
            </section>
        };
    };
    let world = pg.session.world();
    let found = world
        .kinesis
        .stream(&sel.stream)
        .and_then(|s| s.shard(sel.shard))
        .and_then(|shard| {
            shard
                .records()
                .iter()
                .find(|r| r.seq_index == sel.seq_index)
                .map(|r| (shard, r.clone()))
        });
    let close = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_| {
            h.0.borrow_mut().selected = None;
            cb.emit(());
        })
    };
    let Some((shard, r)) = found else {
        return html! {
            <section class="panel inspector" data-testid="inspector" aria-labelledby="insp-title">
                <h2 id="insp-title">{ "Record inspector" }</h2>
                <p class="hint">{ "This record is no longer retained (it aged out or its stream was deleted)." }</p>
                <button class="btn ghost" onclick={close}>{ "Close" }</button>
            </section>
        };
    };
    let unix_ms = world.epoch().to_unix_ms(r.arrival_ms);
    let seq = shard
        .sequence_number(r.seq_index, unix_ms / 1000)
        .to_decimal();
    let text = String::from_utf8_lossy(&r.data).to_string();
    drop(pg);
    html! {
        <section class="panel inspector" data-testid="inspector" aria-labelledby="insp-title">
            <h2 id="insp-title">{ "Record inspector" }
                <button class="btn ghost small close" onclick={close} aria-label="Close inspector">{ "✕" }</button>
            </h2>
            <dl>
                <dt>{ "PartitionKey" }</dt><dd data-testid="insp-partition-key"><code>{ r.partition_key.to_string() }</code></dd>
                <dt>{ "Hash key (decimal)" }</dt><dd data-testid="insp-hash-key"><code class="wrap">{ r.hash_key.to_string() }</code></dd>
                <dt>{ "Hash key (hex = MD5)" }</dt><dd><code class="wrap">{ format!("{:032x}", r.hash_key) }</code></dd>
                <dt>{ "ShardId" }</dt><dd data-testid="insp-shard"><code>{ shard_id(sel.shard) }</code></dd>
                <dt>{ "SequenceNumber" }</dt><dd data-testid="insp-seq"><code class="wrap">{ seq }</code></dd>
                <dt>{ "ApproximateArrivalTimestamp" }</dt>
                <dd data-testid="insp-arrival"><code>{ format_iso8601(unix_ms) }</code>
                    <span class="muted">{ format!(" (t = {})", format_duration(r.arrival_ms)) }</span></dd>
                <dt>{ format!("Data ({} bytes) as text", r.data.len()) }</dt>
                <dd data-testid="insp-data-text"><pre>{ text }</pre></dd>
                <dt>{ "Data bytes" }</dt>
                <dd data-testid="insp-data-bytes"><pre class="hex">{ hex_bytes(&r.data, 256) }</pre></dd>
            </dl>
        </section>
    }
}
