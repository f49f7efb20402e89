//! Read-only views of one KCL application for the KCL tab: the lease table with expiry countdowns,
//! consumer lag with a trend, the lease history and the anomaly ledger.

use yew::prelude::*;

use crate::engine::apps::kcl::app::Application;
use crate::engine::apps::kcl::config::FAILOVER_TIME_MS;
use crate::engine::apps::kcl::lease::Checkpoint;
use crate::engine::apps::kcl::ledger::{Anomaly, AnomalyKind};
use crate::engine::apps::kcl::render::{holder, records_behind};
use crate::engine::kinesis::shard::{parse_shard_id, shard_id};
use crate::engine::time::{format_duration, VirtualMs};
use crate::engine::world::World;
use crate::ui::format::tail;

/// Ledger entries shown, newest first.
const LEDGER_SHOWN: usize = 40;
/// Lease events shown, newest first.
const EVENTS_SHOWN: usize = 12;

/// `shardId-000000000003` → `3`.
fn short(id: &str) -> String {
    parse_shard_id(id).map_or_else(|| id.to_string(), |n| n.to_string())
}

/// The lease table, one row per item.
pub fn lease_table(app: &Application, now: VirtualMs) -> Html {
    if app.leases.is_empty() {
        return html! { <p class="hint">{ "No leases yet: shard discovery creates them." }</p> };
    }
    let rows = app.leases.all().map(|l| {
        let owner = l.owner.clone().unwrap_or_default();
        let state = holder(app, &l.key).map(|(_, p)| p.state.label()).unwrap_or_else(|| "–".into());
        let expiry = match l.expires_in_ms(now) {
            None => html! { <span class="muted">{ "no owner" }</span> },
            Some(ms) if ms < 0 => html! { <span class="expired">{ format!("expired {} ago", format_duration((-ms) as u64)) }</span> },
            Some(ms) => {
                let pct = ms as f64 / FAILOVER_TIME_MS as f64 * 100.0;
                html! {
                    <span class="countdown" title="Time until the lease expires unless renewed (failoverTimeMillis 10,000)">
                        <span class="bar"><span class="fill" style={format!("width:{:.0}%", pct.clamp(0.0, 100.0))}></span></span>
                        { format!("{:.1} s", ms as f64 / 1000.0) }
                    </span>
                }
            }
        };
        let parents = l.parents.iter().map(|p| short(p)).collect::<Vec<_>>().join(", ");
        html! {
            <tr data-testid="lease-row" data-lease-key={l.key.clone()} data-owner={owner.clone()}>
                <td><code>{ l.key.clone() }</code></td>
                <td>{ if owner.is_empty() { html! { <span class="muted">{ "—" }</span> } } else { html! { owner } } }</td>
                <td class="num">{ l.counter }</td>
                <td class="mono" title={format!("{} (checkpointSubSequenceNumber {})", l.checkpoint.as_str(), l.checkpoint_sub)}>
                    { tail(l.checkpoint.as_str(), 12) }
                    if matches!(l.checkpoint, Checkpoint::SubSequence(..)) {
                        <span class="muted" data-testid="lease-sub">{ format!(" · sub {}", l.checkpoint_sub) }</span>
                    }
                </td>
                <td class="num">{ l.owner_switches_since_checkpoint }</td>
                <td>{ if parents.is_empty() { "–".to_string() } else { parents } }</td>
                <td>{ expiry }</td>
                <td class="muted small">{ state }</td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="lease-table">
                <thead><tr>
                    <th>{ "leaseKey" }</th><th>{ "leaseOwner" }</th><th class="num">{ "leaseCounter" }</th>
                    <th>{ "checkpoint" }</th><th class="num" title="ownerSwitchesSinceCheckpoint">{ "switches" }</th>
                    <th title="parentShardId">{ "parents" }</th><th>{ "expires in" }</th><th>{ "processor" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// A sparkline of `values` (oldest first), scaled to its own maximum.
fn sparkline(values: &[u64]) -> Html {
    const W: f64 = 90.0;
    const H: f64 = 18.0;
    if values.len() < 2 {
        return html! { <svg class="spark" width={W.to_string()} height={H.to_string()}></svg> };
    }
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = W / (values.len() - 1) as f64;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                H - 1.0 - (*v as f64 / max) * (H - 2.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <svg class="spark" width={W.to_string()} height={H.to_string()} viewBox={format!("0 0 {W} {H}")} aria-hidden="true">
            <polyline points={points} />
        </svg>
    }
}

/// Consumer lag per lease: records behind, MillisBehindLatest, and the trend of records behind.
pub fn lag_view(world: &World, app: &Application) -> Html {
    let rows = app.leases.all().map(|l| {
        let lag = app.lag.get(&l.shard).cloned().unwrap_or_default();
        let behind = records_behind(world, app, &l.key);
        let trend: Vec<u64> = lag.trend.iter().map(|(_, r, _)| *r).collect();
        html! {
            <tr data-testid="lag-row" data-shard-id={l.key.clone()} data-records-behind={behind.to_string()}>
                <td>{ shard_id(l.shard) }</td>
                <td class="num">{ behind }</td>
                <td class="num">{ lag.millis_behind_latest }</td>
                <td>{ sparkline(&trend) }</td>
                <td class="num" title="GetRecords calls refused with ProvisionedThroughputExceededException">{ lag.throttled }</td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="lag-table">
                <thead><tr>
                    <th>{ "Shard" }</th><th class="num">{ "records behind" }</th><th class="num">{ "MillisBehindLatest" }</th>
                    <th>{ "trend" }</th><th class="num">{ "throttled" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// The newest lease events.
pub fn events_view(app: &Application) -> Html {
    let items = app.events.iter().rev().take(EVENTS_SHOWN).map(|e| {
        let who = match (&e.worker, &e.other, e.kind.as_str()) {
            (Some(w), Some(o), "TAKEN" | "STOLEN") => format!("{w} ← {o}"),
            (Some(w), _, _) => w.clone(),
            _ => String::new(),
        };
        html! {
            <li class={classes!("lease-event", e.kind.as_str().to_lowercase())}>
                <span class="mono muted">{ format!("t={}", format_duration(e.at)) }</span>
                <span class="kind">{ e.kind.as_str() }</span>
                { for e.lease_key.as_ref().map(|k| html! { <code>{ k.clone() }</code> }) }
                <span>{ who }</span>
                <span class="muted">{ e.detail.clone() }</span>
            </li>
        }
    });
    html! { <ul class="lease-events">{ for items }</ul> }
}

/// The anomaly ledger: totals, a filter (`None` = every entry), then the newest entries of the
/// kind with their causes.
pub fn ledger_view(
    app: &Application,
    filter: Option<AnomalyKind>,
    on_filter: &Callback<Option<AnomalyKind>>,
) -> Html {
    let l = &app.ledger;
    let shown = |e: &&Anomaly| filter.is_none_or(|k| e.kind == k);
    let count = |k: AnomalyKind| l.entries.iter().filter(|e| e.kind == k).count();
    let button = |label: String, value: Option<AnomalyKind>| {
        let on_filter = on_filter.clone();
        let onclick = Callback::from(move |_| on_filter.emit(value));
        let testid = value.map_or("all", |k| k.as_str());
        html! {
            <button class={classes!("btn", "small", (filter == value).then_some("active"))} {onclick}
                data-testid={format!("ledger-filter-{}", testid.to_lowercase())} aria-pressed={(filter == value).to_string()}>
                { label }
            </button>
        }
    };
    let entries = l.entries.iter().enumerate().rev().filter(|(_, e)| shown(e)).take(LEDGER_SHOWN).map(|(i, e)| {
        let (class, label) = match e.kind {
            AnomalyKind::Duplicate => ("dup", "DUPLICATE"),
            AnomalyKind::OutOfOrder => ("ooo", "OUT OF ORDER"),
        };
        html! {
            <li class={classes!("ledger-entry", class)} data-testid="ledger-entry" data-kind={e.kind.as_str()}
                data-shard-id={shard_id(e.shard)} data-worker-id={format!("worker-{}", e.worker)}>
                <span class="badge">{ label }</span>
                <span class="mono muted">{ format!("#{} · t={}", i + 1, format_duration(e.first_at)) }</span>
                <span>{ format!("{} × {} by worker-{}", e.count, shard_id(e.shard), e.worker) }</span>
                if let (Some(a), Some(b)) = (e.first_sub, e.last_sub) {
                    <span class="mono muted">{ format!(" · KPL user records sub {a}…sub {b}") }</span>
                }
                <p class="cause">{ e.describe() }</p>
            </li>
        }
    });
    let sink = match &l.sink {
        Some(rows) => format!("idempotent sink: {} rows (one per record)", rows.len()),
        None => format!(
            "append-only sink: {} rows (duplicates included)",
            l.deliveries
        ),
    };
    html! {
        <div class="ledger">
            <div class="ledger-head">
                <h3>{ "Anomaly ledger" }</h3>
                { button(format!("Duplicates ({})", count(AnomalyKind::Duplicate)), Some(AnomalyKind::Duplicate)) }
                { button(format!("Out of order per key ({})", count(AnomalyKind::OutOfOrder)), Some(AnomalyKind::OutOfOrder)) }
                { button(format!("All ({})", l.entries.len()), None) }
            </div>
            <p class="stats" data-testid="ledger-totals" data-duplicates={l.duplicates.to_string()}>
                { format!("{} deliveries · {} duplicates · {} out of order per key · {sink}", l.deliveries, l.duplicates, l.out_of_order) }
                { if l.entries_dropped > 0 { format!(" · {} more runs not listed", l.entries_dropped) } else { String::new() } }
            </p>
            if l.entries.is_empty() {
                <p class="hint">{ "No duplicate or out-of-order delivery yet. Delivery is at-least-once: kill a worker that processed past its last checkpoint and the records after the checkpoint are processed again." }</p>
            } else {
                <ol class="ledger-list">{ for entries }</ol>
            }
        </div>
    }
}
