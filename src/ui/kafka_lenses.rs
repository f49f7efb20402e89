//! "Same workload, two lenses" (semantics.md §6.7): a Kinesis producer's records mirrored to a
//! Kafka topic, shown as shard (MD5 → hash-key range) beside partition (murmur2 % N), with the
//! vocabulary mapped.

use serde_json::json;
use yew::prelude::*;

use crate::ui::inputs::select_value;
use crate::ui::kafka_panel::read;
use crate::ui::playground::{run_reported, Handle};

/// Properties of [`LensesView`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Selected topic.
    pub topic: Option<String>,
    /// Re-render counter.
    pub version: u64,
}

const MAPPING: &[(&str, &str)] = &[
    ("stream", "topic"),
    (
        "shard (hash-key range; split / merge)",
        "partition (fixed; only added; hash % N)",
    ),
    (
        "partition key → MD5 → 128-bit range",
        "record key → murmur2 → % partitions",
    ),
    (
        "sequence number (sparse, 56 digits)",
        "offset (dense int64)",
    ),
    (
        "retention 24 h – 365 d",
        "retention.ms (7 d default), unlimited, or compaction",
    ),
    (
        "KCL lease + checkpoint (DynamoDB)",
        "consumer group + committed offset",
    ),
    ("enhanced fan-out consumer", "another consumer group"),
    (
        "1 MiB/s · 1,000 rec/s write per shard",
        "no per-partition quota",
    ),
    (
        "SHARD_END, parent / child lineage",
        "no lineage; rebalances move partitions",
    ),
];

/// The view.
#[function_component(LensesView)]
pub fn lenses_view(props: &Props) -> Html {
    let error = use_state(|| None::<String>);
    let producer = use_node_ref();
    let lenses = read(&props.pg, "DescribeLenses", json!({})).unwrap_or_default();
    let producers: Vec<String> = props
        .pg
        .0
        .borrow()
        .session
        .world()
        .producers
        .all()
        .keys()
        .cloned()
        .collect();
    let mirror = {
        let (h, cb, error, producer, topic) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            producer.clone(),
            props.topic.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let req = json!({ "ProducerName": select_value(&producer), "Topic": topic.clone().unwrap_or_default() });
            run_reported(&h, &cb, &error, "playground", "MirrorProducerToKafka", req);
        })
    };
    html! {
        <div class="kf-lenses" data-testid="kf-lenses">
            <h4>{ "Same workload, two lenses: Kinesis ↔ Kafka" }</h4>
            <div class="form row">
                <label>{ "Kinesis producer" }
                    <select ref={producer} data-testid="kf-lens-producer">
                        { for producers.iter().map(|p| html! { <option value={p.clone()}>{ p.clone() }</option> }) }
                    </select>
                </label>
                <button class="btn" onclick={mirror} disabled={producers.is_empty() || props.topic.is_none()} data-testid="kf-lens-mirror">
                    { format!("Also send its records to {}", props.topic.clone().unwrap_or_else(|| "a topic".into())) }
                </button>
            </div>
            { if producers.is_empty() { html! { <p class="hint">{ "Start a Kinesis producer (Producers & Lambda tab or the put form above) to compare the same records in both systems." }</p> } } else { html! {} } }
            { if let Some(e) = &*error { html! { <p class="error" role="alert">{ e.clone() }</p> } } else { html! {} } }
            { for lenses["Mirrors"].as_array().into_iter().flatten().map(|m| html! {
                <div class="kf-lens" data-testid="kf-lens" data-mirrored={m["Mirrored"].to_string()}>
                    <p class="hint">{ format!("{} → stream {} and topic {}: {} records in Kafka ({} refused)",
                        m["ProducerName"].as_str().unwrap_or(""), m["StreamName"].as_str().unwrap_or("?"),
                        m["Topic"].as_str().unwrap_or(""), m["Mirrored"], m["Failed"]) }</p>
                    <div class="kf-two">
                        <div><strong>{ "per shard" }</strong>
                            { for m["PerShard"].as_object().into_iter().flatten().map(|(s, n)| html! { <div class="kf-bar"><code>{ s.clone() }</code><span>{ n.to_string() }</span></div> }) }
                        </div>
                        <div><strong>{ "per partition" }</strong>
                            { for m["PerPartition"].as_array().into_iter().flatten().map(|p| html! { <div class="kf-bar"><code>{ format!("partition {}", p["Partition"]) }</code><span>{ p["Records"].to_string() }</span></div> }) }
                        </div>
                    </div>
                    <table class="kf-lag">
                        <thead><tr><th>{ "key" }</th><th>{ "Kinesis: MD5 hash key → shard" }</th><th>{ "Kafka: murmur2 → partition @ offset" }</th></tr></thead>
                        <tbody>
                            { for m["Recent"].as_array().into_iter().flatten().take(10).map(|r| html! {
                                <tr>
                                    <td><code>{ r["Key"].as_str().unwrap_or("").to_string() }</code></td>
                                    <td>{ format!("{}… → {}", r["HashKey"].as_str().unwrap_or("").chars().take(10).collect::<String>(), r["ShardId"].as_str().unwrap_or("—")) }</td>
                                    <td>{ format!("{} → P{} @ {}", r["Murmur2"], r["Partition"], r["Offset"].as_u64().map_or_else(|| r["Error"].as_str().unwrap_or("").to_string(), |o| o.to_string())) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }) }
            <table class="kf-map">
                <thead><tr><th>{ "Kinesis Data Streams" }</th><th>{ "Apache Kafka" }</th></tr></thead>
                <tbody>{ for MAPPING.iter().map(|(k, v)| html! { <tr><td>{ *k }</td><td>{ *v }</td></tr> }) }</tbody>
            </table>
        </div>
    }
}
