//! The Kafka tab's forms: create a topic, send one record (`Produce` with a key, value, acks and
//! an optional partition), start a simulated producer client (rate, keys, acks, idempotence,
//! lost responses) and a simulated consumer group application (members, assignor,
//! auto.offset.reset). Every one is a dispatcher call.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::ui::inputs::{input_value, is_checked, select_value, use_input_value};
use crate::ui::playground::{call_reported, run_reported, Handle};

fn err_line(e: &UseStateHandle<Option<String>>) -> Html {
    match &**e {
        Some(m) => html! { <p class="error" role="alert">{ m.clone() }</p> },
        None => html! {},
    }
}

/// Properties of [`TopicForm`].
#[derive(Properties, PartialEq)]
pub struct TopicProps {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Called with the new topic's name.
    pub on_created: Callback<String>,
}

/// Create a topic.
#[function_component(TopicForm)]
pub fn topic_form(props: &TopicProps) -> Html {
    let (name, parts, rf, policy, retention, min_isr) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    use_input_value(&name, "orders".to_string());
    use_input_value(&parts, "3".to_string());
    use_input_value(&rf, "3".to_string());
    use_input_value(&min_isr, "2".to_string());
    let onsubmit = {
        let (h, cb, error, created) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.on_created.clone(),
        );
        let (name, parts, rf, policy, retention, min_isr) = (
            name.clone(),
            parts.clone(),
            rf.clone(),
            policy.clone(),
            retention.clone(),
            min_isr.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let topic = input_value(&name);
            let mut configs = serde_json::Map::new();
            configs.insert("cleanup.policy".into(), json!(select_value(&policy)));
            let r = input_value(&retention);
            if !r.trim().is_empty() {
                configs.insert("retention.ms".into(), json!(r.trim()));
            }
            configs.insert("min.insync.replicas".into(), json!(input_value(&min_isr)));
            let num = |s: String| s.trim().parse::<i64>().map(Value::from).unwrap_or(json!(s));
            let req = json!({ "Topics": [{
                "Name": topic,
                "NumPartitions": num(input_value(&parts)),
                "ReplicationFactor": num(input_value(&rf)),
                "Configs": configs,
            }]});
            if call_reported(&h, &cb, &error, "kafka", "CreateTopics", req) {
                created.emit(topic);
            }
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="kf-topic-form" aria-label="Create topic">
            <h3>{ "Create topic" }</h3>
            <label>{ "Name" }<input ref={name} data-testid="kf-topic-name" /></label>
            <div class="form row">
                <label class="narrow">{ "Partitions" }<input ref={parts} type="number" min="1" data-testid="kf-topic-partitions" /></label>
                <label class="narrow">{ "Replicas" }<input ref={rf} type="number" min="1" /></label>
                <label class="narrow" title="min.insync.replicas: with acks=all a write needs this many in-sync replicas">{ "min ISR" }<input ref={min_isr} type="number" min="1" /></label>
            </div>
            <label>{ "cleanup.policy" }
                <select ref={policy} data-testid="kf-topic-policy">
                    <option value="delete" selected=true>{ "delete (retention by time / size)" }</option>
                    <option value="compact">{ "compact (latest value per key)" }</option>
                    <option value="compact,delete">{ "compact,delete" }</option>
                </select>
            </label>
            <label>{ "retention.ms " }<em>{ "(default 604800000 = 7 days; -1 = forever)" }</em><input ref={retention} placeholder="604800000" /></label>
            <button class="btn primary" type="submit" data-testid="kf-topic-create">{ "Create topic" }</button>
            { err_line(&error) }
        </form>
    }
}

/// Properties of the topic-bound forms.
#[derive(Properties, PartialEq)]
pub struct TopicBound {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Selected topic.
    pub topic: String,
}

/// Send one record.
#[function_component(SendForm)]
pub fn send_form(props: &TopicBound) -> Html {
    let (key, value, acks, partition, tomb) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    let last = use_state(|| None::<String>);
    use_input_value(&key, "user-1".to_string());
    use_input_value(&value, r#"{"amount": 42}"#.to_string());
    let onsubmit = {
        let (h, cb, error, last, topic) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            last.clone(),
            props.topic.clone(),
        );
        let (key, value, acks, partition, tomb) = (
            key.clone(),
            value.clone(),
            acks.clone(),
            partition.clone(),
            tomb.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let k = input_value(&key);
            let mut rec = json!({
                "Key": if k.is_empty() { Value::Null } else { json!(k) },
                "Value": if is_checked(&tomb) { Value::Null } else { json!(input_value(&value)) },
            });
            let p = input_value(&partition);
            if !p.trim().is_empty() {
                rec["Partition"] = p.trim().parse::<i64>().map(Value::from).unwrap_or(json!(p));
            }
            let req = json!({ "Topic": topic, "Records": [rec], "Acks": select_value(&acks) });
            let out = h.0.borrow_mut().call("kafka", "Produce", req);
            match out {
                Ok(v) => {
                    let r = &v["Results"][0];
                    last.set(Some(match r["Error"].as_str() {
                        Some(e) => format!("{e}: {}", r["Message"].as_str().unwrap_or("")),
                        None => format!("→ partition {} offset {}", r["Partition"], r["Offset"]),
                    }));
                    error.set(None);
                }
                Err(e) => error.set(Some(format!("Produce: {}: {}", e.kind.as_str(), e.message))),
            }
            cb.emit(());
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="kf-send-form" aria-label="Send a record">
            <h3>{ format!("producer.send(\"{}\", …)", props.topic) }</h3>
            <div class="form row">
                <label>{ "key" }<input ref={key} data-testid="kf-send-key" /></label>
                <label class="narrow">{ "partition" }<input ref={partition} placeholder="auto" /></label>
            </div>
            <label>{ "value" }<input ref={value} data-testid="kf-send-value" /></label>
            <div class="form row">
                <label>{ "acks" }
                    <select ref={acks} data-testid="kf-send-acks">
                        <option value="all" selected=true>{ "all (every in-sync replica)" }</option>
                        <option value="1">{ "1 (leader only)" }</option>
                        <option value="0">{ "0 (fire and forget)" }</option>
                    </select>
                </label>
                <label class="check"><input ref={tomb} type="checkbox" />{ "tombstone (null value)" }</label>
            </div>
            <button class="btn primary" type="submit" data-testid="kf-send">{ "Send" }</button>
            { match &*last { Some(l) => html! { <p class="hint" data-testid="kf-send-result">{ l.clone() }</p> }, None => html! {} } }
            { err_line(&error) }
        </form>
    }
}

/// Start a simulated producer client.
#[function_component(ProducerForm)]
pub fn producer_form(props: &TopicBound) -> Html {
    let (rate, keys, acks, idem, loss) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    let count = use_mut_ref(|| 0u32);
    {
        // Checked by default (enable.idempotence is true since Kafka 3.0, §6.3), set once so a
        // re-render never undoes the user's choice.
        let idem = idem.clone();
        use_effect_with((), move |_| {
            if let Some(i) = idem.cast::<web_sys::HtmlInputElement>() {
                i.set_checked(true);
            }
        });
    }
    use_input_value(&rate, "20".to_string());
    use_input_value(&keys, "12".to_string());
    use_input_value(&loss, "0".to_string());
    let onsubmit = {
        let (h, cb, error, topic, count) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.topic.clone(),
            count.clone(),
        );
        let (rate, keys, acks, idem, loss) = (
            rate.clone(),
            keys.clone(),
            acks.clone(),
            idem.clone(),
            loss.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            *count.borrow_mut() += 1;
            let f = |s: String| s.trim().parse::<f64>().map(Value::from).unwrap_or(json!(s));
            let i = |s: String| s.trim().parse::<i64>().map(Value::from).unwrap_or(json!(s));
            let req = json!({
                "ProducerName": format!("{topic}-producer-{}", count.borrow()),
                "Topic": topic,
                "RecordsPerSecond": i(input_value(&rate)),
                "KeyCount": i(input_value(&keys)),
                "Acks": select_value(&acks),
                "EnableIdempotence": is_checked(&idem),
                "ResponseLossRate": f(input_value(&loss)),
            });
            run_reported(&h, &cb, &error, "playground", "CreateKafkaProducer", req);
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="kf-producer-form" aria-label="Start a producer">
            <h3>{ "Producer client" }</h3>
            <div class="form row">
                <label>{ "records/s" }<input ref={rate} type="number" min="1" data-testid="kf-producer-rate" /></label>
                <label>{ "distinct keys" }<input ref={keys} type="number" min="0" data-testid="kf-producer-keys" /></label>
            </div>
            <div class="form row">
                <label>{ "acks" }
                    <select ref={acks}>
                        <option value="all" selected=true>{ "all" }</option>
                        <option value="1">{ "1" }</option>
                        <option value="0">{ "0" }</option>
                    </select>
                </label>
                <label title="Share of produce responses lost on the way back: the client retries the batch">{ "lost responses" }<input ref={loss} /></label>
            </div>
            <label class="check"><input ref={idem} type="checkbox" />{ "enable.idempotence (retries never duplicate)" }</label>
            <button class="btn primary" type="submit" data-testid="kf-producer-start">{ "Start producer" }</button>
            { err_line(&error) }
        </form>
    }
}

/// Start a simulated consumer group application.
#[function_component(ConsumerForm)]
pub fn consumer_form(props: &TopicBound) -> Html {
    let (group, members, assignor, reset) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let error = use_state(|| None::<String>);
    use_input_value(&group, "billing".to_string());
    use_input_value(&members, "2".to_string());
    let onsubmit = {
        let (h, cb, error, topic) = (
            props.pg.clone(),
            props.on_change.clone(),
            error.clone(),
            props.topic.clone(),
        );
        let (group, members, assignor, reset) = (
            group.clone(),
            members.clone(),
            assignor.clone(),
            reset.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let g = input_value(&group);
            let m = input_value(&members);
            let req = json!({
                "AppName": g,
                "GroupId": g,
                "Topics": [topic],
                "Members": m.trim().parse::<i64>().map(Value::from).unwrap_or(json!(m)),
                "Assignor": select_value(&assignor),
                "AutoOffsetReset": select_value(&reset),
            });
            run_reported(&h, &cb, &error, "playground", "CreateKafkaConsumerApp", req);
        })
    };
    html! {
        <form class="form fh-form" {onsubmit} data-testid="kf-consumer-form" aria-label="Start a consumer group">
            <h3>{ "Consumer group" }</h3>
            <div class="form row">
                <label>{ "group.id" }<input ref={group} data-testid="kf-group-name" /></label>
                <label class="narrow">{ "members" }<input ref={members} type="number" min="1" data-testid="kf-group-members" /></label>
            </div>
            <label>{ "partition.assignment.strategy" }
                <select ref={assignor} data-testid="kf-group-assignor">
                    <option value="range" selected=true>{ "range (eager)" }</option>
                    <option value="roundrobin">{ "roundrobin (eager)" }</option>
                    <option value="cooperative-sticky">{ "cooperative-sticky (incremental)" }</option>
                </select>
            </label>
            <label>{ "auto.offset.reset" }
                <select ref={reset}>
                    <option value="earliest" selected=true>{ "earliest" }</option>
                    <option value="latest">{ "latest" }</option>
                    <option value="none">{ "none" }</option>
                </select>
            </label>
            <button class="btn primary" type="submit" data-testid="kf-group-start">{ "Start group" }</button>
            { err_line(&error) }
        </form>
    }
}
