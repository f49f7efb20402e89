//! Stream-level actions above the lanes: pick or create a stream, split at the ruler point, merge
//! two picked shards, update the shard count, change retention, delete.

use serde_json::json;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::kinesis::shard::shard_id;
use crate::ui::playground::Handle;
use crate::ui::playground::{call_reported, run_reported};

/// Properties of [`StreamToolbar`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The stream toolbar.
#[function_component(StreamToolbar)]
pub fn stream_toolbar(props: &Props) -> Html {
    let error = use_state(|| None::<String>);
    let creating = use_state(|| false);
    let name_ref = use_node_ref();
    let count_ref = use_node_ref();
    let mode_ref = use_node_ref();
    let target_ref = use_node_ref();
    let retention_ref = use_node_ref();

    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let names: Vec<String> = world.kinesis.streams().keys().cloned().collect();
    let current = pg.stream.clone();
    let stream = world.kinesis.stream(&current);
    let open = stream.map_or(0, |s| s.open_shard_count());
    let retention = stream.map_or(24, |s| s.retention_hours);
    let split = pg.split_point;
    let picks = pg.merge_pick.clone();
    let adjacent = match (picks.first(), picks.get(1), stream) {
        (Some(a), Some(b), Some(s)) => match (s.shard(*a), s.shard(*b)) {
            (Some(x), Some(y)) => {
                x.range().is_followed_by(&y.range()) || y.range().is_followed_by(&x.range())
            }
            _ => false,
        },
        _ => false,
    };
    drop(pg);
    crate::ui::inputs::use_input_value(&target_ref, open.to_string());
    crate::ui::inputs::use_input_value(&retention_ref, retention.to_string());
    // The create form mounts when `creating` turns true; its defaults are written then.
    crate::ui::inputs::use_input_value(
        &name_ref,
        if *creating { "events" } else { "" }.to_string(),
    );
    crate::ui::inputs::use_input_value(&count_ref, if *creating { "2" } else { "" }.to_string());

    let h = props.pg.clone();
    let cb = props.on_change.clone();

    let on_select = {
        let (h, cb) = (h.clone(), cb.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut pg = h.0.borrow_mut();
            pg.stream = v;
            pg.split_point = None;
            pg.merge_pick.clear();
            pg.selected = None;
            drop(pg);
            cb.emit(());
        })
    };
    let do_split = {
        let (h, cb, error) = (h.clone(), cb.clone(), error.clone());
        let current = current.clone();
        Callback::from(move |_| {
            if let Some((shard, key)) = split {
                let req = json!({ "StreamName": current, "ShardToSplit": shard_id(shard), "NewStartingHashKey": key.to_string() });
                if call_reported(&h, &cb, &error, "kinesis", "SplitShard", req) {
                    h.0.borrow_mut().split_point = None;
                }
            }
        })
    };
    let do_merge = {
        let (h, cb, error) = (h.clone(), cb.clone(), error.clone());
        let (current, picks) = (current.clone(), picks.clone());
        Callback::from(move |_| {
            if let [a, b] = picks[..] {
                let (lo, hi) = (a.min(b), a.max(b));
                let req = json!({ "StreamName": current, "ShardToMerge": shard_id(lo), "AdjacentShardToMerge": shard_id(hi) });
                if call_reported(&h, &cb, &error, "kinesis", "MergeShards", req) {
                    h.0.borrow_mut().merge_pick.clear();
                }
            }
        })
    };
    let do_update_count = {
        let (h, cb, error, target_ref) = (h.clone(), cb.clone(), error.clone(), target_ref.clone());
        let current = current.clone();
        Callback::from(move |_| {
            let n: i64 = target_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().parse().ok())
                .unwrap_or(0);
            let req = json!({ "StreamName": current, "TargetShardCount": n, "ScalingType": "UNIFORM_SCALING" });
            run_reported(&h, &cb, &error, "kinesis", "UpdateShardCount", req);
        })
    };
    let do_retention = {
        let (h, cb, error, retention_ref) =
            (h.clone(), cb.clone(), error.clone(), retention_ref.clone());
        let current = current.clone();
        Callback::from(move |_| {
            let n: i64 = retention_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().parse().ok())
                .unwrap_or(0);
            let action = if n >= i64::from(retention) {
                "IncreaseStreamRetentionPeriod"
            } else {
                "DecreaseStreamRetentionPeriod"
            };
            run_reported(
                &h,
                &cb,
                &error,
                "kinesis",
                action,
                json!({ "StreamName": current, "RetentionPeriodHours": n }),
            );
        })
    };
    let do_delete = {
        let (h, cb, error) = (h.clone(), cb.clone(), error.clone());
        let current = current.clone();
        Callback::from(move |_| {
            run_reported(
                &h,
                &cb,
                &error,
                "kinesis",
                "DeleteStream",
                json!({ "StreamName": current, "EnforceConsumerDeletion": true }),
            );
        })
    };
    let toggle_create = {
        let creating = creating.clone();
        Callback::from(move |_| creating.set(!*creating))
    };
    let do_create = {
        let (h, cb, error, creating) = (h.clone(), cb.clone(), error.clone(), creating.clone());
        let (name_ref, count_ref, mode_ref) =
            (name_ref.clone(), count_ref.clone(), mode_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = name_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let mode = mode_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let count: i64 = count_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().parse().ok())
                .unwrap_or(1);
            let req = if mode == "ON_DEMAND" {
                json!({ "StreamName": name, "StreamModeDetails": { "StreamMode": "ON_DEMAND" } })
            } else {
                json!({ "StreamName": name, "ShardCount": count })
            };
            if call_reported(&h, &cb, &error, "kinesis", "CreateStream", req) {
                let mut pg = h.0.borrow_mut();
                pg.stream = name;
                pg.merge_pick.clear();
                pg.split_point = None;
                drop(pg);
                creating.set(false);
                cb.emit(());
            }
        })
    };

    html! {
        <div class="stream-toolbar" data-testid="stream-toolbar">
            <div class="toolbar-row">
                <label class="inline"><span>{ "Stream" }</span>
                    <select data-testid="stream-select" onchange={on_select}>
                        { for names.iter().map(|n| html! { <option value={n.clone()} selected={*n == current}>{ n.clone() }</option> }) }
                    </select>
                </label>
                <button class="btn small" data-testid="stream-new" onclick={toggle_create}>{ if *creating { "Cancel" } else { "+ New stream" } }</button>
                <span class="sep"></span>
                <button class="btn small" data-testid="split-button" onclick={do_split} disabled={split.is_none()}
                    title="Click the hash-key ruler to choose where to split">
                    { match split {
                        Some((s, _)) => format!("SplitShard {s} at the marker"),
                        None => "Split: click the ruler".to_string(),
                    } }
                </button>
                <button class="btn small" data-testid="merge-button" onclick={do_merge} disabled={picks.len() != 2}
                    title="Click two adjacent lane labels to pick shards">
                    { match picks[..] {
                        [a, b] if adjacent => format!("MergeShards {a} + {b}"),
                        [a, b] => format!("{a} + {b} are not adjacent"),
                        [a] => format!("Merge: picked {a}, pick a neighbour"),
                        _ => "Merge: click two lane labels".to_string(),
                    } }
                </button>
                <span class="sep"></span>
                <label class="inline"><span>{ "Shards" }</span>
                    <input ref={target_ref} data-testid="target-shards" type="number" min="1" max="500" class="tiny" />
                </label>
                <button class="btn small" data-testid="update-shard-count" onclick={do_update_count}>{ "UpdateShardCount" }</button>
                <label class="inline"><span>{ "Retention h" }</span>
                    <input ref={retention_ref} data-testid="retention-hours" type="number" min="24" max="8760" class="tiny" />
                </label>
                <button class="btn small" data-testid="retention-apply" onclick={do_retention}>{ "Apply" }</button>
                <span class="spacer"></span>
                <button class="btn small danger" data-testid="stream-delete" onclick={do_delete}>{ "DeleteStream" }</button>
            </div>
            if *creating {
                <form class="toolbar-row create" onsubmit={do_create} data-testid="create-stream-form">
                    <label class="inline"><span>{ "StreamName" }</span>
                        <input ref={name_ref} data-testid="create-name" type="text" maxlength="128" />
                    </label>
                    <label class="inline"><span>{ "Mode" }</span>
                        <select ref={mode_ref} data-testid="create-mode">
                            <option value="PROVISIONED" selected=true>{ "PROVISIONED" }</option>
                            <option value="ON_DEMAND">{ "ON_DEMAND" }</option>
                        </select>
                    </label>
                    <label class="inline"><span>{ "ShardCount" }</span>
                        <input ref={count_ref} data-testid="create-count" type="number" min="1" max="64" class="tiny" />
                    </label>
                    <button class="btn small primary" type="submit" data-testid="create-submit">{ "CreateStream" }</button>
                </form>
            }
            { for (*error).clone().map(|e| html! { <p class="err-text toolbar-error" role="alert" data-testid="toolbar-error">{ e }</p> }) }
        </div>
    }
}
