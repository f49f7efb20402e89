//! Consumer groups (semantics.md §6.4): state and generation, members with the partitions they
//! own, lag per partition in records and time, the rebalance history (one box per generation,
//! the newest animated while a rebalance runs) and the replay control: reset the group to the
//! earliest or latest offset, an offset or a timestamp.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::ui::inputs::{input_value, select_value};
use crate::ui::kafka_logs::hue;
use crate::ui::playground::{run_reported, Handle};

/// Properties of [`GroupsView`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// `DescribeGroups` → `Groups`.
    pub groups: Vec<Value>,
    /// Virtual now, ms.
    pub now: u64,
}

fn gen_of(g: &Value) -> u64 {
    g["Generation"]
        .as_u64()
        .or_else(|| g["GenerationId"].as_u64())
        .unwrap_or(0)
}

fn parts_text(a: &Value) -> String {
    let v: Vec<String> = a
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| format!("P{}", p["Partition"]))
        .collect();
    if v.is_empty() {
        "—".into()
    } else {
        v.join(" ")
    }
}

/// Every group.
#[function_component(GroupsView)]
pub fn groups_view(props: &Props) -> Html {
    if props.groups.is_empty() {
        return html! { <p class="hint">{ "No consumer group yet: start one on the left. Each partition goes to exactly one member of a group; add members to watch the group rebalance (the generation goes up), crash one to see it leave after session.timeout.ms (45 s), and start a second group to see that groups read independently." }</p> };
    }
    html! {
        <div class="kf-groups" data-testid="kf-groups">
            { for props.groups.iter().map(|g| html! {
                <GroupCard pg={props.pg.clone()} on_change={props.on_change.clone()} group={g.clone()} />
            }) }
        </div>
    }
}

/// Properties of [`GroupCard`].
#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// One group of `DescribeGroups`.
    pub group: Value,
}

/// One group: its own error line and replay inputs.
#[function_component(GroupCard)]
pub fn group_card(props: &CardProps) -> Html {
    let error = use_state(|| None::<String>);
    let to = use_node_ref();
    let value = use_node_ref();
    let g = &props.group;
    // The simulated app of this group, if any: what its members processed, and again (replays).
    let app = crate::ui::kafka_panel::read(
        &props.pg,
        "DescribeKafkaConsumerApps",
        serde_json::json!({}),
    )
    .and_then(|v| {
        v["ConsumerApps"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["GroupId"] == g["GroupId"]).cloned())
    });
    let (processed, duplicates) = app.as_ref().map_or((0, 0), |a| {
        (
            a["Processed"].as_u64().unwrap_or(0),
            a["Duplicates"].as_u64().unwrap_or(0),
        )
    });
    let call = |action: &'static str, req: Value| {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            run_reported(&h, &cb, &error, "playground", action, req.clone())
        })
    };
    let card = {
        let gid = g["GroupId"].as_str().unwrap_or("").to_string();
        let state = g["State"].as_str().unwrap_or("").to_string();
        let generation = gen_of(g);
        let members = g["Members"].as_array().cloned().unwrap_or_default();
        let rebalancing = state.contains("Rebalance");
        let replay = {
            let (h, cb, error, to, value, gid, members) = (
                props.pg.clone(),
                props.on_change.clone(),
                error.clone(),
                to.clone(),
                value.clone(),
                gid.clone(),
                members.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let which = select_value(&to);
                let v = input_value(&value);
                let n = v.trim().parse::<u64>().ok();
                if members.is_empty() {
                    let mut req = json!({ "GroupId": gid });
                    match (which.as_str(), n) {
                        ("offset", Some(n)) => req["Offset"] = json!(n),
                        ("timestamp", Some(n)) => req["Timestamp"] = json!(n),
                        (w, _) => req["To"] = json!(w),
                    }
                    // One call per topic the group has offsets for.
                    let topics: std::collections::BTreeSet<String> =
                        h.0.borrow()
                            .session
                            .world()
                            .kafka
                            .topics
                            .keys()
                            .cloned()
                            .collect();
                    for t in topics {
                        let mut r = req.clone();
                        r["Topic"] = json!(t);
                        let _ =
                            h.0.borrow_mut()
                                .call("kafka", "ResetConsumerGroupOffsets", r);
                    }
                    cb.emit(());
                } else {
                    // A running group replays the way its members' code would: each
                    // member seeks the partitions it owns (consumer.seek…).
                    for m in &members {
                        let mid = m["MemberId"].as_str().unwrap_or("").to_string();
                        for a in m["Assignment"].as_array().into_iter().flatten() {
                            let mut req = json!({ "GroupId": gid, "MemberId": mid, "Topic": a["Topic"], "Partition": a["Partition"] });
                            match (which.as_str(), n) {
                                ("offset", Some(n)) => req["Offset"] = json!(n),
                                ("timestamp", Some(n)) => req["Timestamp"] = json!(n),
                                ("latest", _) => req["To"] = json!("end"),
                                _ => req["To"] = json!("beginning"),
                            }
                            run_reported(&h, &cb, &error, "kafka", "Seek", req);
                        }
                    }
                }
            })
        };
        html! {
            <div class={classes!("kf-group", rebalancing.then_some("rebalancing"))} data-testid="kf-group"
                data-group={gid.clone()} data-state={state.clone()} data-generation={generation.to_string()}
                data-members={members.len().to_string()} data-processed={processed.to_string()}
                data-reprocessed={duplicates.to_string()}>
                <div class="kf-group-head">
                    <span class="kf-swatch" style={format!("background:hsl({} 70% 50%)", hue(&gid))}></span>
                    <strong>{ gid.clone() }</strong>
                    <span class={classes!("chip", "kf-state", state.to_lowercase())}>{ state.clone() }</span>
                    <span class="chip" data-testid="kf-generation">{ format!("generation {generation}") }</span>
                    <span class="chip">{ g["Protocol"].as_str().or(g["Assignor"].as_str()).unwrap_or("").to_string() }</span>
                    { if app.is_some() { html! { <span class="chip" data-testid="kf-processed" title="records the app's members processed; 'again' counts records processed more than once (replays, rebalances after a crash)">{ format!("processed {processed} · again {duplicates}") }</span> } } else { html! {} } }
                    <button class="btn small" onclick={call("AddKafkaConsumer", json!({"AppName": gid}))} data-testid="kf-add-member">{ "+ member" }</button>
                </div>
                <div class="kf-members">
                    { for members.iter().map(|m| {
                        let mid = m["MemberId"].as_str().unwrap_or("").to_string();
                        html! {
                            <div class="kf-member" data-testid="kf-member" data-member={mid.clone()}>
                                <span class="kf-swatch" style={format!("background:hsl({} 60% 55%)", hue(&mid))}></span>
                                <code>{ mid.clone() }</code>
                                <span class="kf-owned" data-testid="kf-owned">{ parts_text(&m["Assignment"]) }</span>
                                <span class="muted">{ m["Status"].as_str().unwrap_or("").to_string() }</span>
                                <button class="btn small ghost" title="Leave the group cleanly (consumer.close)" onclick={call("StopKafkaConsumer", json!({"AppName": gid, "MemberId": mid}))}>{ "Stop" }</button>
                                <button class="btn small danger" title="Crash: heartbeats stop; the coordinator removes it after session.timeout.ms" onclick={call("CrashKafkaConsumer", json!({"AppName": gid, "MemberId": mid}))} data-testid="kf-crash">{ "Crash" }</button>
                            </div>
                        }
                    }) }
                </div>
                <table class="kf-lag">
                    <thead><tr><th>{ "partition" }</th><th>{ "committed" }</th><th>{ "high watermark" }</th><th>{ "lag" }</th><th>{ "lag (time)" }</th></tr></thead>
                    <tbody>
                        { for g["Offsets"].as_array().into_iter().flatten().map(|o| html! {
                            <tr data-testid="kf-lag-row" data-partition={o["Partition"].to_string()} data-lag={o["LagRecords"].to_string()} data-committed={o["Offset"].to_string()}>
                                <td>{ format!("{}-{}", o["Topic"].as_str().unwrap_or(""), o["Partition"]) }</td>
                                <td>{ o["Offset"].to_string() }</td>
                                <td>{ o["HighWatermark"].to_string() }</td>
                                <td>{ o["LagRecords"].to_string() }</td>
                                <td>{ format!("{:.1} s", o["LagMs"].as_f64().unwrap_or(0.0) / 1000.0) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <div class="kf-history" aria-label="Rebalance history">
                    { for g["History"].as_array().into_iter().flatten().rev().take(8).collect::<Vec<_>>().into_iter().rev().map(|e| html! {
                        <div class="kf-gen" title={e["Reason"].as_str().unwrap_or("").to_string()}>
                            <strong>{ format!("gen {}", e["Generation"]) }</strong>
                            <span class="muted">{ format!("{:.1} s", e["AtMs"].as_f64().unwrap_or(0.0) / 1000.0) }</span>
                            <span>{ e["Reason"].as_str().unwrap_or("").to_string() }</span>
                        </div>
                    }) }
                </div>
                <div class="form row kf-replay">
                    <label>{ "Replay: reset to" }
                        <select ref={to.clone()} data-testid="kf-replay-to">
                            <option value="earliest" selected=true>{ "earliest" }</option>
                            <option value="latest">{ "latest" }</option>
                            <option value="offset">{ "offset" }</option>
                            <option value="timestamp">{ "timestamp (virtual ms)" }</option>
                        </select>
                    </label>
                    <label class="narrow">{ "value" }<input ref={value.clone()} placeholder="0" /></label>
                    <button class="btn" onclick={replay} data-testid="kf-replay">{ if members.is_empty() { "Reset offsets" } else { "Seek members" } }</button>
                </div>
            </div>
        }
    };
    html! {
        <>
            { if let Some(e) = &*error { html! { <p class="error" role="alert">{ e.clone() }</p> } } else { html! {} } }
            { card }
        </>
    }
}
