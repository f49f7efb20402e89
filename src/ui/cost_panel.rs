//! The cost meter: what the shown stream would have cost on AWS for the virtual time it has run,
//! line by line, what the same traffic would cost in the other capacity mode, and a projection
//! per hour, day and month at the average rate so far.

use yew::prelude::*;

use crate::engine::kinesis::cost::{prices, StreamUsage};
use crate::engine::kinesis::stream::StreamMode;
use crate::engine::time::format_duration;
use crate::ui::playground::Handle;

/// Hours in a billing month as AWS's pricing examples count them (365 × 24 / 12).
const HOURS_PER_MONTH: f64 = 730.0;
const MS_PER_HOUR: f64 = 3_600_000.0;

/// Properties of [`CostPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
}

/// `$0.001234`: small amounts with six decimals, larger ones with four (and thousands grouped).
fn dollars(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("${v:.6}")
    } else if v.abs() < 1000.0 {
        format!("${v:.4}")
    } else {
        let whole = v.trunc() as u64;
        let cents = ((v - v.trunc()) * 100.0).round() as u64;
        let s = whole.to_string();
        let mut g = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(c);
        }
        format!("${g}.{cents:02}")
    }
}

/// The list price behind a line item, as text (from [`prices`]).
fn unit_price(line: &str) -> String {
    match line {
        "Shard-hours" => format!("${:.3} / shard-hour", prices::SHARD_HOUR),
        "PUT payload units" => format!(
            "${:.3} / million (25 KB units)",
            prices::PUT_PAYLOAD_UNITS_MILLION
        ),
        "Extended retention" => format!(
            "${:.3} / shard-hour above 24 h",
            prices::EXTENDED_RETENTION_SHARD_HOUR
        ),
        "Stream-hours (on-demand)" => {
            format!("${:.3} / stream-hour", prices::ON_DEMAND_STREAM_HOUR)
        }
        "Data in (on-demand)" => {
            format!("${:.3} / GB (≥ 1 KB per record)", prices::ON_DEMAND_GB_IN)
        }
        "Data out (on-demand)" => {
            format!("${:.3} / GB (≥ 1 KB per record)", prices::ON_DEMAND_GB_OUT)
        }
        "EFO consumer-shard-hours" => {
            format!(
                "${:.3} / consumer-shard-hour",
                prices::EFO_CONSUMER_SHARD_HOUR
            )
        }
        "EFO data" => format!("${:.3} / GB", prices::EFO_GB),
        _ => String::new(),
    }
}

/// The cost panel.
#[function_component(CostPanel)]
pub fn cost_panel(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let name = pg.stream.clone();
    let stream = world.kinesis.stream(&name);
    let on_demand = stream.is_some_and(|s| s.mode == StreamMode::OnDemand);
    let open = stream.map_or(0, |s| s.open_shard_count());
    let usage: Option<StreamUsage> = world.kinesis.usage(&name).copied();
    drop(pg);

    let Some(usage) = usage else {
        return html! {
            <section class="panel cost" data-testid="cost-panel" aria-labelledby="cost-title">
                <h2 id="cost-title">{ "Cost" }</h2>
                <p class="hint">{ "No stream is shown, so there is nothing to price." }</p>
            </section>
        };
    };
    let bill = usage.price(on_demand);
    let (mode, other_mode) = if on_demand {
        ("ON_DEMAND", "PROVISIONED")
    } else {
        ("PROVISIONED", "ON_DEMAND")
    };
    let hours = usage.stream_ms as f64 / MS_PER_HOUR;
    let per_hour = (hours > 0.0).then(|| bill.total / hours);
    let other_per_hour = (hours > 0.0).then(|| bill.other_mode_total / hours);
    let diff = bill.other_mode_total - bill.total;
    let comparison = if bill.total <= 0.0 && bill.other_mode_total <= 0.0 {
        "nothing yet".to_string()
    } else if diff.abs() < 1e-9 {
        "the same".to_string()
    } else if bill.total <= 0.0 {
        format!("{} more", dollars(diff))
    } else if diff > 0.0 {
        format!(
            "{} more ({:.1}×)",
            dollars(diff),
            bill.other_mode_total / bill.total
        )
    } else {
        format!(
            "{} less ({:.0}% of it)",
            dollars(-diff),
            bill.other_mode_total / bill.total * 100.0
        )
    };

    let rows = bill.lines.iter().map(|(item, qty, usd)| {
        html! {
            <tr data-testid="cost-line" data-item={*item} data-dollars={format!("{usd:.9}")}>
                <td>{ *item }<span class="unit-price muted">{ unit_price(item) }</span></td>
                <td class="num mono">{ qty.clone() }</td>
                <td class="num mono">{ dollars(*usd) }</td>
            </tr>
        }
    });
    let projection = |label: &'static str, factor: f64| {
        html! {
            <tr>
                <td>{ label }</td>
                <td class="num mono">{ per_hour.map_or("—".to_string(), |h| dollars(h * factor)) }</td>
                <td class="num mono muted">{ other_per_hour.map_or("—".to_string(), |h| dollars(h * factor)) }</td>
            </tr>
        }
    };

    html! {
        <section class="panel cost" data-testid="cost-panel" aria-labelledby="cost-title">
            <h2 id="cost-title">{ "Cost meter " }<code>{ name }</code>
                <span class="muted">{ format!(" · {mode}, {open} open shards, {} of virtual time", format_duration(usage.stream_ms)) }</span>
            </h2>
            <div class="cost-grid">
                <div>
                    <div class="table-wrap">
                        <table class="cost-table">
                            <thead><tr>
                                <th>{ "Line item · list price" }</th><th class="num">{ "Quantity" }</th><th class="num">{ "Cost" }</th>
                            </tr></thead>
                            <tbody>{ for rows }</tbody>
                            <tfoot><tr class="total">
                                <td colspan="2">{ format!("Total so far ({mode})") }</td>
                                <td class="num mono" data-testid="cost-total" data-dollars={format!("{:.9}", bill.total)}>{ dollars(bill.total) }</td>
                            </tr></tfoot>
                        </table>
                    </div>
                    <p class="cost-other" data-testid="cost-other" data-dollars={format!("{:.9}", bill.other_mode_total)}>
                        { format!("The same traffic in {other_mode} mode would cost ") }<strong class="mono">{ dollars(bill.other_mode_total) }</strong>
                        { format!(" — {comparison}.") }
                    </p>
                </div>
                <div>
                    <table class="cost-table projection" data-testid="cost-projection">
                        <thead><tr>
                            <th>{ "Projected at the rate so far" }</th><th class="num">{ mode }</th><th class="num">{ other_mode }</th>
                        </tr></thead>
                        <tbody>
                            { projection("per hour", 1.0) }
                            { projection("per day", 24.0) }
                            { projection("per month (730 h)", HOURS_PER_MONTH) }
                        </tbody>
                    </table>
                    <p class="hint">{ "Usage so far divided by the virtual time the stream has existed. Provisioned bills every open shard-hour \
                        whether you write or not; on-demand bills the stream-hour plus every GB in and out, each record rounded up to 1 KB." }</p>
                </div>
            </div>
            <div class="prices">
                <h3>{ format!("Prices used — as of {}", prices::AS_OF) }</h3>
                <ul>
                    <li>{ format!("Provisioned: ${:.3} per shard-hour, ${:.3} per million PUT payload units (25 KB each), extended retention ${:.3} per shard-hour",
                        prices::SHARD_HOUR, prices::PUT_PAYLOAD_UNITS_MILLION, prices::EXTENDED_RETENTION_SHARD_HOUR) }</li>
                    <li>{ format!("On-demand: ${:.3} per stream-hour, ${:.3} per GB written, ${:.3} per GB read",
                        prices::ON_DEMAND_STREAM_HOUR, prices::ON_DEMAND_GB_IN, prices::ON_DEMAND_GB_OUT) }</li>
                    <li>{ format!("Enhanced fan-out: ${:.3} per consumer-shard-hour, ${:.3} per GB retrieved", prices::EFO_CONSUMER_SHARD_HOUR, prices::EFO_GB) }</li>
                </ul>
                <p class="hint">{ "These are public list prices written down on that date, not a quote. Check them against the AWS pricing page \
                    (aws.amazon.com/kinesis/data-streams/pricing) before relying on them; data transfer, KMS and free-tier effects are not included." }</p>
            </div>
        </section>
    }
}
