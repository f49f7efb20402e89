//! Kafka Connect (semantics.md §6.6): create a Kinesis source, an S3 sink or a table sink; each
//! connector's tasks with their state, records, offsets and restarts; kill a task and restart it
//! to see a source replay what it had not flushed and a sink's group rebalance.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::ui::inputs::{input_value, select_value, use_input_value};
use crate::ui::kafka_panel::read;
use crate::ui::playground::{run_reported, Handle};

/// Properties of [`ConnectView`].
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

/// The view.
#[function_component(ConnectView)]
pub fn connect_view(props: &Props) -> Html {
    let error = use_state(|| None::<String>);
    let class = use_node_ref();
    let name = use_node_ref();
    let other = use_node_ref();
    use_input_value(&name, "conn-1".to_string());
    let (names, stream, buckets) = {
        let p = props.pg.0.borrow();
        let w = p.session.world();
        (
            w.kafka
                .connect
                .connectors
                .keys()
                .cloned()
                .collect::<Vec<_>>(),
            p.stream.clone(),
            w.s3.buckets().keys().cloned().collect::<Vec<_>>(),
        )
    };
    let topic = props.topic.clone().unwrap_or_default();
    let create = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        let (class, name, other, topic, stream) = (
            class.clone(),
            name.clone(),
            other.clone(),
            topic.clone(),
            stream.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let cls = select_value(&class);
            let extra = input_value(&other);
            let mut config = json!({ "connector.class": cls, "tasks.max": "2" });
            match cls.as_str() {
                "io.confluent.connect.kinesis.KinesisSourceConnector" => {
                    config["kinesis.stream"] = json!(if extra.trim().is_empty() {
                        stream.clone()
                    } else {
                        extra.trim().to_string()
                    });
                    config["kafka.topic"] = json!(topic);
                    config["kinesis.position"] = json!("TRIM_HORIZON");
                    config["offset.flush.interval.ms"] = json!("10000");
                }
                "io.confluent.connect.s3.S3SinkConnector" => {
                    let bucket = if extra.trim().is_empty() {
                        "kafka-sink".to_string()
                    } else {
                        extra.trim().to_string()
                    };
                    let _ =
                        h.0.borrow_mut()
                            .call("s3", "CreateBucket", json!({ "Bucket": bucket }));
                    config["topics"] = json!(topic);
                    config["s3.bucket.name"] = json!(bucket);
                    config["flush.size"] = json!("20");
                }
                _ => config["topics"] = json!(topic),
            }
            run_reported(
                &h,
                &cb,
                &error,
                "kafka",
                "CreateConnector",
                json!({ "Name": input_value(&name), "Config": config }),
            );
        })
    };
    let act = |action: &'static str, req: Value| {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            run_reported(&h, &cb, &error, "kafka", action, req.clone())
        })
    };
    html! {
        <div class="kf-connect" data-testid="kf-connect">
            <h4>{ "Kafka Connect" }</h4>
            <div class="form row">
                <label>{ "connector.class" }
                    <select ref={class} data-testid="kf-connect-class">
                        <option value="io.confluent.connect.kinesis.KinesisSourceConnector">{ "Kinesis source → this topic" }</option>
                        <option value="io.confluent.connect.s3.S3SinkConnector">{ "this topic → S3 sink" }</option>
                        <option value="playground.TableSinkConnector">{ "this topic → table (latest per key)" }</option>
                    </select>
                </label>
                <label>{ "name" }<input ref={name} data-testid="kf-connect-name" /></label>
                <label title="Kinesis source: stream name (default: the selected stream). S3 sink: bucket name (created if missing).">{ "stream / bucket" }
                    <input ref={other} placeholder={format!("{stream} / kafka-sink")} list="kf-buckets" /></label>
                <datalist id="kf-buckets">{ for buckets.iter().map(|b| html! { <option value={b.clone()} /> }) }</datalist>
                <button class="btn" onclick={create} disabled={props.topic.is_none()} data-testid="kf-connect-create">{ "Create connector" }</button>
            </div>
            { if let Some(e) = &*error { html! { <p class="error" role="alert">{ e.clone() }</p> } } else { html! {} } }
            { for names.iter().filter_map(|n| read(&props.pg, "DescribeConnector", json!({ "Name": n }))).map(|c| {
                let name = c["Name"].as_str().unwrap_or("").to_string();
                html! {
                    <div class="kf-group" data-testid="kf-connector" data-name={name.clone()} data-state={c["Connector"]["State"].as_str().unwrap_or("").to_string()}
                        data-replayed={c["Replayed"].to_string()} data-objects={c["ObjectsWritten"].to_string()}>
                        <div class="kf-group-head">
                            <strong>{ name.clone() }</strong>
                            <span class="chip">{ c["Type"].as_str().unwrap_or("").to_string() }</span>
                            <span class={classes!("chip", "kf-state", c["Connector"]["State"].as_str().unwrap_or("").to_lowercase())}>{ c["Connector"]["State"].as_str().unwrap_or("").to_string() }</span>
                            { if c["Type"] == "source" { html! { <span class="chip" title="records produced again after a restart: read after the last offset flush">{ format!("replayed {}", c["Replayed"]) }</span> } } else { html! {
                                <span class="chip">{ format!("group {} · {} objects · {} buffered", c["GroupId"].as_str().unwrap_or(""), c["ObjectsWritten"], c["Buffered"]) }</span>
                            } } }
                            <button class="btn small" onclick={act("RestartConnector", json!({"Name": name}))}>{ "Restart failed tasks" }</button>
                            <button class="btn small ghost" onclick={act("DeleteConnector", json!({"Name": name}))}>{ "Delete" }</button>
                        </div>
                        <table class="kf-lag">
                            <thead><tr><th>{ "task" }</th><th>{ "state" }</th><th>{ "records" }</th><th>{ "restarts" }</th><th>{ "" }</th></tr></thead>
                            <tbody>
                                { for c["Tasks"].as_array().into_iter().flatten().map(|t| html! {
                                    <tr data-testid="kf-task" data-state={t["State"].as_str().unwrap_or("").to_string()}>
                                        <td>{ format!("{}-{}", name, t["Id"]) }</td>
                                        <td title={t["Trace"].as_str().unwrap_or("").to_string()}>{ t["State"].as_str().unwrap_or("").to_string() }</td>
                                        <td>{ t["Records"].to_string() }</td>
                                        <td>{ t["Restarts"].to_string() }</td>
                                        <td><button class="btn small danger" onclick={act("FailConnectorTask", json!({"Name": name, "TaskId": t["Id"]}))}>{ "Kill" }</button></td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                        { if let Some(o) = c["Offsets"].as_object() { html! {
                            <p class="hint">{ format!("Flushed source offsets (offset.storage): {}", if o.is_empty() { "none yet".to_string() } else { o.iter().map(|(k, v)| format!("{k} → …{}", v.as_str().unwrap_or("").chars().rev().take(6).collect::<String>().chars().rev().collect::<String>())).collect::<Vec<_>>().join(", ") }) }</p>
                        } } else { html! {} } }
                        { if let Some(rows) = c["Table"].as_array() { html! {
                            <table class="kf-lag" data-testid="kf-table">
                                <thead><tr><th>{ "key" }</th><th>{ "latest value" }</th><th>{ "from" }</th></tr></thead>
                                <tbody>{ for rows.iter().take(20).map(|r| html! { <tr><td><code>{ r["Key"].as_str().unwrap_or("").to_string() }</code></td><td>{ r["Value"].as_str().unwrap_or("").to_string() }</td><td>{ format!("P{} @ {}", r["Partition"], r["Offset"]) }</td></tr> }) }</tbody>
                            </table>
                        } } else { html! {} } }
                    </div>
                }
            }) }
        </div>
    }
}
