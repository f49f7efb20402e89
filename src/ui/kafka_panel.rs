//! The Kafka (MSK) tab (semantics.md §6): brokers in three Availability Zones with partition
//! leaders, followers and the ISR; partition logs with log-start offset, high watermark, log-end
//! offset and each group's committed offset; consumer groups with their members, generations,
//! rebalances, lag and a replay control; and "same workload, two lenses" beside Kinesis.
//!
//! Reading uses the read-only Kafka actions (`DescribeCluster`, `DescribeGroups`, …) on the
//! shared world through `kafka::actions::read`, so polling is never logged; every change goes
//! through the dispatcher.

use serde_json::{json, Value};
use yew::prelude::*;

use crate::engine::api::request::Request;
use crate::ui::kafka_cluster::cluster_view;
use crate::ui::kafka_forms::{ConsumerForm, ProducerForm, SendForm, TopicForm};
use crate::ui::kafka_groups::GroupsView;
use crate::ui::kafka_lenses::LensesView;
use crate::ui::kafka_logs::{logs_view, LogModel};
use crate::ui::playground::{run_reported, Handle};

/// A read-only Kafka action on the current world (not logged).
pub fn read(h: &Handle, action: &str, req: Value) -> Option<Value> {
    let p = h.0.borrow();
    let r = Request::new(&req).ok()?;
    crate::engine::kafka::actions::read(p.session.world(), action, r).ok()
}

/// Properties of [`KafkaPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The tab.
#[function_component(KafkaPanel)]
pub fn kafka_panel(props: &Props) -> Html {
    let selected = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let topics: Vec<String> = props
        .pg
        .0
        .borrow()
        .session
        .world()
        .kafka
        .topics
        .keys()
        .cloned()
        .collect();
    let current = selected
        .as_ref()
        .filter(|s| topics.contains(s))
        .cloned()
        .or_else(|| topics.first().cloned());
    let cluster = read(&props.pg, "DescribeCluster", json!({})).unwrap_or(Value::Null);
    let groups = read(&props.pg, "DescribeGroups", json!({})).unwrap_or(Value::Null);
    let groups = groups["Groups"].as_array().cloned().unwrap_or_default();
    let model = current.as_ref().and_then(|t| {
        let p = props.pg.0.borrow();
        LogModel::of(p.session.world(), t, &groups)
    });
    let broker_action = {
        let (h, cb, error) = (props.pg.clone(), props.on_change.clone(), error.clone());
        Callback::from(move |(action, id): (&'static str, u64)| {
            run_reported(&h, &cb, &error, "kafka", action, json!({ "BrokerId": id }));
        })
    };
    let pick = |name: String| {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Some(name.clone())))
    };
    let on_created = {
        let selected = selected.clone();
        Callback::from(move |name: String| selected.set(Some(name)))
    };
    let now = props.pg.0.borrow().session.world().now();

    html! {
        <section class="panel kf-panel" data-testid="kf-panel" aria-label="Apache Kafka (Amazon MSK)">
            <div class="kf-side">
                <TopicForm pg={props.pg.clone()} on_change={props.on_change.clone()} on_created={on_created} />
                { if let Some(t) = &current { html! {
                    <>
                        <SendForm pg={props.pg.clone()} on_change={props.on_change.clone()} topic={t.clone()} />
                        <ProducerForm pg={props.pg.clone()} on_change={props.on_change.clone()} topic={t.clone()} />
                        <ConsumerForm pg={props.pg.clone()} on_change={props.on_change.clone()} topic={t.clone()} />
                    </>
                } } else { html! {} } }
            </div>
            <div class="kf-main">
                { if let Some(e) = &*error { html! { <p class="error" role="alert">{ e.clone() }</p> } } else { html! {} } }
                { cluster_view(&cluster, model.as_ref(), &broker_action) }
                <div class="fh-chips" role="group" aria-label="Topics">
                    { for topics.iter().map(|n| html! {
                        <button class={classes!("fh-chip", (current.as_ref() == Some(n)).then_some("active"))}
                            onclick={pick(n.clone())} data-testid="kf-topic-chip" data-name={n.clone()}>{ n.clone() }</button>
                    }) }
                </div>
                { match &model {
                    Some(m) => logs_view(m),
                    None => html! { <p class="hint">{ "No topic yet. Create one on the left (partitions, replication factor 3 over the three AZs, retention or compaction), send records with a key and watch murmur2 pick their partition, then start a consumer group and add members to see the group rebalance." }</p> },
                } }
                <GroupsView pg={props.pg.clone()} on_change={props.on_change.clone()} groups={groups.clone()} now={now} />
                <crate::ui::kafka_connect::ConnectView pg={props.pg.clone()} on_change={props.on_change.clone()} topic={current.clone()} version={props.version} />
                <LensesView pg={props.pg.clone()} on_change={props.on_change.clone()} topic={current.clone()} version={props.version} />
            </div>
        </section>
    }
}
