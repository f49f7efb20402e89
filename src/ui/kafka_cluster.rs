//! Brokers in three Availability Zones (semantics.md §6.1) with the selected topic's replicas:
//! the leader of each partition filled, in-sync followers outlined, out-of-sync replicas dashed
//! with how far behind they are; fail and recover a broker to watch leader election.

use serde_json::Value;
use yew::prelude::*;

use crate::engine::faults::AVAILABILITY_ZONES;
use crate::ui::kafka_logs::LogModel;

fn broker_card(b: &Value, model: Option<&LogModel>, act: &Callback<(&'static str, u64)>) -> Html {
    let id = b["BrokerId"].as_u64().unwrap_or(0);
    let online = b["Online"].as_bool().unwrap_or(false);
    let onclick = {
        let act = act.clone();
        let action = if online {
            "FailBroker"
        } else {
            "RecoverBroker"
        };
        Callback::from(move |_: MouseEvent| act.emit((action, id)))
    };
    let replicas: Vec<Html> = model
        .into_iter()
        .flat_map(|m| m.parts.iter())
        .filter(|p| p.replicas.contains(&(id as u32)))
        .map(|p| {
            let is_leader = p.leader == Some(id as u32);
            let in_isr = p.isr.contains(&(id as u32));
            let leo = p
                .replica_leo
                .iter()
                .find(|(b, _)| u64::from(*b) == id)
                .map_or(0, |(_, o)| *o);
            let behind = p.leo.saturating_sub(leo);
            let (class, what) = if !online {
                ("down", "replica on a failed broker".to_string())
            } else if is_leader {
                ("leader", "leader: takes every write and read".to_string())
            } else if in_isr {
                ("follower", format!("in-sync follower, {behind} behind the leader"))
            } else {
                ("oos", format!("out of sync, {behind} behind: not counted for acks=all"))
            };
            html! {
                <span class={classes!("kf-replica", class)} data-testid="kf-replica"
                    data-broker={id.to_string()} data-partition={p.partition.to_string()} data-role={class}
                    title={format!("{}-{}: {what}", m_topic(model), p.partition)}>
                    { format!("P{}", p.partition) }{ if is_leader { " ★" } else { "" } }
                    { if behind > 0 && online && !is_leader { html! { <em>{ format!(" −{behind}") }</em> } } else { html! {} } }
                </span>
            }
        })
        .collect();
    html! {
        <div class={classes!("kf-broker", (!online).then_some("offline"))} data-testid="kf-broker"
            data-broker={id.to_string()} data-online={online.to_string()}>
            <div class="kf-broker-head">
                <strong>{ format!("broker {id}") }</strong>
                <span class="muted">{ format!("{} leaders · {} replicas", b["Leaders"].as_u64().unwrap_or(0), b["Replicas"].as_u64().unwrap_or(0)) }</span>
                <button class={classes!("btn", "small", if online { "danger" } else { "primary" })} {onclick}
                    data-testid={format!("kf-broker-{}", if online { "fail" } else { "recover" })}>
                    { if online { "Fail" } else { "Recover" } }
                </button>
            </div>
            <div class="kf-replicas">{ for replicas }</div>
        </div>
    }
}

fn m_topic(model: Option<&LogModel>) -> String {
    model.map(|m| m.topic.clone()).unwrap_or_default()
}

/// The cluster: one column per AZ.
pub fn cluster_view(
    cluster: &Value,
    model: Option<&LogModel>,
    act: &Callback<(&'static str, u64)>,
) -> Html {
    let brokers = cluster["Brokers"].as_array().cloned().unwrap_or_default();
    html! {
        <div class="kf-cluster" data-testid="kf-cluster">
            { for AVAILABILITY_ZONES.iter().map(|az| html! {
                <div class="kf-az">
                    <div class="kf-az-name">{ *az }</div>
                    { for brokers.iter().filter(|b| b["Az"] == *az).map(|b| broker_card(b, model, act)) }
                </div>
            }) }
        </div>
    }
}
