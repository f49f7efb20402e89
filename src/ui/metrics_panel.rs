//! CloudWatch-style charts of the shown stream over virtual time: one small chart per metric,
//! per virtual second (last 120 s) or per virtual minute (last 60 min), at stream level (all
//! shards) or for one shard, with the per-shard quota drawn as a dashed line where one applies.
//!
//! The numbers come from `world.kinesis.metrics.series`, the same store the `cloudwatch`
//! GetMetricStatistics action reads.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::kinesis::metrics::Metric;
use crate::engine::kinesis::shard::{shard_id, ShardState};
use crate::engine::kinesis::throughput::{
    READ_BYTES_PER_S, WRITE_BYTES_PER_S, WRITE_RECORDS_PER_S,
};
use crate::ui::format::human_bytes;
use crate::ui::playground::Handle;

/// SVG user units of one chart.
const W: f64 = 360.0;
const H: f64 = 150.0;
/// Plot margins: left (y labels), right, top, bottom (x labels).
const ML: f64 = 58.0;
const MR: f64 = 8.0;
const MT: f64 = 12.0;
const MB: f64 = 22.0;

/// How values of a metric are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Count,
    Bytes,
    Millis,
}

/// One chart: the metric, its CloudWatch names, statistic, unit and per-shard quota.
struct Spec {
    metric: Metric,
    /// Stream-level CloudWatch name (also the `data-metric` attribute).
    stream_name: &'static str,
    /// Shard-level (enhanced monitoring) name.
    shard_name: &'static str,
    unit: Unit,
    /// Quota per shard per second, for the dashed line.
    quota_per_shard_s: Option<u64>,
    /// One line saying what the metric is.
    about: &'static str,
}

const SPECS: [Spec; 6] = [
    Spec {
        metric: Metric::IncomingRecords,
        stream_name: "IncomingRecords",
        shard_name: "IncomingRecords",
        unit: Unit::Count,
        quota_per_shard_s: Some(WRITE_RECORDS_PER_S),
        about: "records accepted by PutRecord(s)",
    },
    Spec {
        metric: Metric::IncomingBytes,
        stream_name: "IncomingBytes",
        shard_name: "IncomingBytes",
        unit: Unit::Bytes,
        quota_per_shard_s: Some(WRITE_BYTES_PER_S),
        about: "data + partition key bytes accepted",
    },
    Spec {
        metric: Metric::WriteProvisionedThroughputExceeded,
        stream_name: "WriteProvisionedThroughputExceeded",
        shard_name: "WriteProvisionedThroughputExceeded",
        unit: Unit::Count,
        quota_per_shard_s: None,
        about: "records refused: the shard was over 1,000 rec/s or 1 MiB/s",
    },
    Spec {
        metric: Metric::ReadProvisionedThroughputExceeded,
        stream_name: "ReadProvisionedThroughputExceeded",
        shard_name: "ReadProvisionedThroughputExceeded",
        unit: Unit::Count,
        quota_per_shard_s: None,
        about: "GetRecords calls refused: over 5 calls/s or 2 MiB/s per shard",
    },
    Spec {
        metric: Metric::IteratorAgeMilliseconds,
        stream_name: "GetRecords.IteratorAgeMilliseconds",
        shard_name: "IteratorAgeMilliseconds",
        unit: Unit::Millis,
        quota_per_shard_s: None,
        about: "how far behind the newest record readers are (Maximum)",
    },
    Spec {
        metric: Metric::OutgoingBytes,
        stream_name: "GetRecords.Bytes",
        shard_name: "OutgoingBytes",
        unit: Unit::Bytes,
        quota_per_shard_s: Some(READ_BYTES_PER_S),
        about: "bytes returned by GetRecords (shared 2 MiB/s per shard)",
    },
];

/// The two views: per second over 120 s, per minute over 60 min.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Second,
    Minute,
}

impl Period {
    fn seconds(self) -> u64 {
        match self {
            Period::Second => 1,
            Period::Minute => 60,
        }
    }

    fn slots(self) -> u64 {
        match self {
            Period::Second => 120,
            Period::Minute => 60,
        }
    }

    fn per(self) -> &'static str {
        match self {
            Period::Second => "/s",
            Period::Minute => "/min",
        }
    }
}

/// Properties of [`MetricsPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
}

/// One computed chart.
struct Chart {
    spec: &'static Spec,
    /// Value per slot, oldest first; `None` = no datapoint.
    values: Vec<Option<u64>>,
    /// Index of the slot in progress (drawn faded), if it is shown.
    partial: Option<usize>,
    /// Quota per period for the shown scope.
    quota: Option<u64>,
}

/// The metrics panel.
#[function_component(MetricsPanel)]
pub fn metrics_panel(props: &Props) -> Html {
    let scope = use_state(|| None::<u32>);
    let period = use_state(|| Period::Second);

    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let now = world.now();
    let stream_name = pg.stream.clone();
    let stream = world.kinesis.stream(&stream_name);
    let shards: Vec<(u32, ShardState)> = stream
        .map(|s| {
            s.shards()
                .iter()
                .map(|sh| (sh.index(), sh.state()))
                .collect()
        })
        .unwrap_or_default();
    let open = stream.map_or(0, |s| s.open_shard_count() as u64);
    // A shard that expired (or belongs to another stream) falls back to stream level.
    let shard = (*scope).filter(|i| shards.iter().any(|(s, _)| s == i));
    let p = *period;
    let ps = p.seconds();
    let n = p.slots();
    let now_s = now / 1000;
    // Per second: complete seconds only. Per minute: complete minutes and the one in progress.
    let (end_s, partial) = match p {
        Period::Second => (now_s, None),
        Period::Minute => (now_s / 60 * 60 + 60, Some(n as usize - 1)),
    };
    let start_s = end_s as i64 - (n * ps) as i64;
    let from_s = start_s.max(0) as u64;
    let slot_of = |t: u64| ((t as i64 - start_s) / ps as i64) as usize;
    let metrics = &world.kinesis.metrics;
    // Which slots had GetRecords calls: the iterator age only has datapoints there.
    let mut read_slots = vec![false; n as usize];
    for (t, sum, _, _) in metrics.series(
        &stream_name,
        shard,
        Metric::GetRecordsSuccess,
        from_s,
        end_s,
        ps,
    ) {
        if sum > 0 {
            read_slots[slot_of(t)] = true;
        }
    }
    let charts: Vec<Chart> = SPECS
        .iter()
        .map(|spec| {
            let mut values = vec![None; n as usize];
            let gauge = spec.metric.is_gauge();
            for (t, sum, max, _) in
                metrics.series(&stream_name, shard, spec.metric, from_s, end_s, ps)
            {
                let i = slot_of(t);
                if gauge && !read_slots[i] {
                    continue;
                }
                values[i] = Some(if gauge { max } else { sum });
            }
            if !gauge {
                // Counts: a slot after the stream's first second with no activity is a 0.
                for (i, v) in values.iter_mut().enumerate() {
                    if start_s + (i as i64) * ps as i64 >= 0 && v.is_none() && stream.is_some() {
                        *v = Some(0);
                    }
                }
            }
            let shards_in_scope = if shard.is_some() { 1 } else { open };
            let quota = spec.quota_per_shard_s.map(|q| q * shards_in_scope * ps);
            Chart {
                spec,
                values,
                partial,
                quota,
            }
        })
        .collect();
    let exists = stream.is_some();
    drop(pg);

    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            scope.set(v.parse().ok());
        })
    };
    let set_period = |want: Period| {
        let period = period.clone();
        Callback::from(move |_: MouseEvent| period.set(want))
    };

    html! {
        <section class="panel metrics" data-testid="metrics-panel" aria-labelledby="metrics-title">
            <div class="metrics-head">
                <h2 id="metrics-title">{ "Metrics " }<code>{ stream_name.clone() }</code>
                    <span class="muted">{ match (p, shard) {
                        (Period::Second, None) => " · stream level, per virtual second, last 120 s".to_string(),
                        (Period::Minute, None) => " · stream level, per virtual minute, last 60 min".to_string(),
                        (Period::Second, Some(i)) => format!(" · {}, per virtual second, last 120 s", shard_id(i)),
                        (Period::Minute, Some(i)) => format!(" · {}, per virtual minute, last 60 min", shard_id(i)),
                    } }</span>
                </h2>
                <span class="spacer"></span>
                <label class="inline">{ "Dimension" }
                    <select data-testid="metrics-shard" onchange={on_scope} aria-label="Stream or shard">
                        <option value="" selected={shard.is_none()}>{ format!("StreamName (all {} shards)", shards.len()) }</option>
                        { for shards.iter().map(|(i, st)| html! {
                            <option value={i.to_string()} selected={shard == Some(*i)}>
                                { format!("ShardId {}{}", shard_id(*i), if *st == ShardState::Closed { " (closed)" } else { "" }) }
                            </option>
                        }) }
                    </select>
                </label>
                <div class="seg" role="group" aria-label="Period">
                    <button class={classes!("btn", "small", (p == Period::Second).then_some("on"))} data-testid="metrics-per-second"
                        aria-pressed={(p == Period::Second).to_string()} onclick={set_period(Period::Second)}>{ "1 s · 120 s" }</button>
                    <button class={classes!("btn", "small", (p == Period::Minute).then_some("on"))} data-testid="metrics-per-minute"
                        aria-pressed={(p == Period::Minute).to_string()} onclick={set_period(Period::Minute)}>{ "1 min · 60 min" }</button>
                </div>
            </div>
            if !exists {
                <p class="hint">{ "The stream does not exist (any more): no metrics." }</p>
            }
            <div class="metric-grid">
                { for charts.iter().map(|c| chart(c, shard.is_some(), p, start_s)) }
            </div>
            <p class="hint">{ "Counts are Sums per period; the iterator age is the Maximum. Dashed line: the quota for the shown scope \
                (1,000 records/s and 1 MiB/s written per open shard, 2 MiB/s read). CloudWatch's finest period for Kinesis is one \
                minute; the per-second view is the playground's magnifier. Shard-level metrics are \"enhanced monitoring\" on AWS \
                (EnableEnhancedMonitoring, billed extra); here they are always on." }</p>
        </section>
    }
}

/// `t = 1m 05s`, `t = 1h 02m`, `t = 45s` for a virtual second.
fn t_label(s: i64) -> String {
    let s = s.max(0) as u64;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("t = {h}h {m:02}m")
    } else if m > 0 {
        format!("t = {m}m {sec:02}s")
    } else {
        format!("t = {sec}s")
    }
}

/// A value in its unit, short.
fn fmt_value(v: u64, unit: Unit) -> String {
    match unit {
        Unit::Count => group(v),
        Unit::Bytes => human_bytes(v),
        Unit::Millis => {
            if v < 1000 {
                format!("{v} ms")
            } else if v < 60_000 {
                format!("{:.1} s", v as f64 / 1000.0)
            } else if v < 3_600_000 {
                format!("{:.1} min", v as f64 / 60_000.0)
            } else {
                format!("{:.1} h", v as f64 / 3_600_000.0)
            }
        }
    }
}

/// `12,345`.
fn group(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A round axis maximum ≥ `v`: 1-2-2.5-5 × 10^k, counted in KiB/MiB for bytes and in seconds
/// for times, never below a small floor (so an empty chart still has distinct ticks).
fn nice_ceiling(v: f64, unit: Unit) -> f64 {
    let v = v.max(match unit {
        Unit::Count => 2.0,
        Unit::Bytes => 1024.0,
        Unit::Millis => 1000.0,
    });
    let scale = match unit {
        Unit::Count => 1.0,
        Unit::Bytes => {
            let mut s = 1.0;
            while v / s >= 1024.0 {
                s *= 1024.0;
            }
            s
        }
        Unit::Millis => 1000.0,
    };
    let x = v / scale;
    let mag = 10f64.powf(x.log10().floor());
    let m = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|m| m * mag >= x)
        .unwrap_or(10.0);
    m * mag * scale
}

/// `name` with line-break opportunities before inner capitals and after dots, so a long
/// CloudWatch name wraps between words (`Write|Provisioned|Throughput|Exceeded`).
fn breakable(name: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            parts.push(html! { <>{ std::mem::take(&mut word) }<wbr /></> });
        }
        word.push(c);
        if c == '.' {
            parts.push(html! { <>{ std::mem::take(&mut word) }<wbr /></> });
        }
        prev_lower = c.is_ascii_lowercase();
    }
    parts.push(html! { { word } });
    html! { <>{ for parts }</> }
}

/// An axis label: like [`fmt_value`] without a trailing `.0`.
fn fmt_axis(v: u64, unit: Unit) -> String {
    fmt_value(v, unit).replace(".0 ", " ")
}

fn chart(c: &Chart, shard_level: bool, p: Period, start_s: i64) -> Html {
    let spec = c.spec;
    let unit = spec.unit;
    let n = c.values.len();
    let last_complete = match c.partial {
        Some(i) if i > 0 => i - 1,
        Some(_) => 0,
        None => n.saturating_sub(1),
    };
    let gauge = spec.metric.is_gauge();
    // Counts: the last complete period (0 when nothing happened). The gauge has datapoints only
    // where GetRecords was called, so its current value is the latest datapoint, as CloudWatch
    // shows it.
    let last = if gauge {
        c.values[..=last_complete.min(n.saturating_sub(1))]
            .iter()
            .rev()
            .find_map(|v| *v)
    } else {
        c.values.get(last_complete).copied().flatten()
    };
    let data_max = c.values.iter().flatten().copied().max().unwrap_or(0);
    let has_data = c.values.iter().any(Option::is_some);
    // The quota counts in the scale only when the data comes within a fifth of it; otherwise the
    // bars would be flat and the quota is written at the top instead.
    let quota_in_scale = c.quota.filter(|q| data_max.saturating_mul(5) >= *q);
    let top = data_max.max(quota_in_scale.unwrap_or(0)) as f64;
    let y_max = nice_ceiling(top * 1.08, unit);
    let (pw, ph) = (W - ML - MR, H - MT - MB);
    let y_of = |v: f64| MT + ph - v / y_max * ph;
    let slot_w = pw / n as f64;
    let x_of = |i: usize| ML + i as f64 * slot_w;
    let ps = p.seconds() as i64;
    let throttle = matches!(
        spec.metric,
        Metric::WriteProvisionedThroughputExceeded | Metric::ReadProvisionedThroughputExceeded
    );
    let mark_class = if throttle { "bar danger" } else { "bar" };

    let grid: Vec<Html> = [0.0, 0.5, 1.0]
        .iter()
        .map(|f| {
            let v = y_max * f;
            let y = y_of(v);
            html! {
                <g>
                    <line class="grid" x1={ML.to_string()} x2={(W - MR).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text class="axis" x={(ML - 5.0).to_string()} y={(y + 3.5).to_string()} text-anchor="end">{ if unit == Unit::Count && v.fract() != 0.0 { format!("{v:.1}") } else { fmt_axis(v.round() as u64, unit) } }</text>
                </g>
            }
        })
        .collect();

    let marks: Html = if gauge {
        // A line through the datapoints (periods without GetRecords calls have none), with a dot
        // on each so that isolated datapoints show too.
        let mut d = String::new();
        let mut dots = Vec::new();
        for (i, v) in c.values.iter().enumerate() {
            if let Some(v) = v {
                let (x, y) = (x_of(i) + slot_w / 2.0, y_of(*v as f64));
                d.push_str(&format!(
                    "{}{x:.1} {y:.1} ",
                    if d.is_empty() { "M" } else { "L" }
                ));
                let t = start_s + i as i64 * ps;
                dots.push(html! {
                    <circle class="dot" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="2">
                        <title>{ format!("{}: {}", t_label(t), fmt_value(*v, unit)) }</title>
                    </circle>
                });
            }
        }
        html! { <g><path class="line" d={d} />{ for dots }</g> }
    } else {
        let bw = (slot_w * 0.78).max(0.8);
        html! {
            <g>
                { for c.values.iter().enumerate().filter_map(|(i, v)| {
                    let v = (*v)?;
                    if v == 0 {
                        return None;
                    }
                    let y = y_of(v as f64);
                    let h = (MT + ph - y).max(0.8);
                    let t = start_s + i as i64 * ps;
                    let faded = c.partial == Some(i);
                    Some(html! {
                        <rect class={classes!(mark_class, faded.then_some("partial"))} x={format!("{:.2}", x_of(i) + (slot_w - bw) / 2.0)}
                            y={format!("{:.2}", MT + ph - h)} width={format!("{bw:.2}")} height={format!("{h:.2}")}>
                            <title>{ format!("{}: {}{}", t_label(t), fmt_value(v, unit), if faded { " (minute in progress)" } else { "" }) }</title>
                        </rect>
                    })
                }) }
            </g>
        }
    };

    let quota_line = c.quota.map(|q| {
        let label = format!("quota {}{}", fmt_axis(q, unit), p.per());
        if (q as f64) <= y_max {
            let y = y_of(q as f64);
            html! {
                <g class="quota">
                    <line x1={ML.to_string()} x2={(W - MR).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text x={(ML + 4.0).to_string()} y={(y - 3.0).to_string()} text-anchor="start">{ label }</text>
                </g>
            }
        } else {
            html! {
                <g class="quota">
                    <text x={(W - MR - 2.0).to_string()} y={(MT - 2.0).to_string()} text-anchor="end">{ format!("{label} ↑ off scale") }</text>
                </g>
            }
        }
    });

    // Time axis: both ends and the middle, as virtual times; while the window still reaches
    // before t = 0, the start of virtual time is marked instead of a negative start.
    let end_t = start_s + n as i64 * ps;
    let mut ticks: Vec<(usize, &str)> = vec![(n / 2, "middle"), (n, "end")];
    if start_s >= 0 {
        ticks.insert(0, (0, "start"));
    } else {
        let zero = (-start_s / ps) as usize;
        let clear = |i: usize| {
            ticks
                .iter()
                .all(|(k, _)| (*k as f64 - i as f64).abs() * slot_w > 70.0)
        };
        if zero < n && clear(zero) {
            ticks.insert(0, (zero, "start"));
        }
    }
    let x_labels: Vec<Html> = ticks
        .iter()
        .filter_map(|(i, anchor)| {
            let t = start_s + *i as i64 * ps;
            if t < 0 {
                return None;
            }
            let x = x_of(*i);
            Some(html! {
                <g>
                    <line class="grid" x1={x.to_string()} x2={x.to_string()} y1={(MT + ph).to_string()} y2={(MT + ph + 3.0).to_string()} />
                    <text class="axis" x={x.to_string()} y={(H - 6.0).to_string()} text-anchor={*anchor}>{ t_label(t) }</text>
                </g>
            })
        })
        .collect();

    let name = if shard_level {
        spec.shard_name
    } else {
        spec.stream_name
    };
    let stat = if gauge { "Maximum" } else { "Sum" };
    let unit_text = match unit {
        Unit::Count => "Count",
        Unit::Bytes => "Bytes",
        Unit::Millis => "Milliseconds",
    };
    let last_text = match last {
        Some(v) => format!(
            "{}{}",
            fmt_value(v, unit),
            if gauge {
                String::new()
            } else {
                p.per().to_string()
            }
        ),
        None => "no data".to_string(),
    };
    let alert = throttle && data_max > 0;
    html! {
        <figure class={classes!("metric-chart", alert.then_some("alert"))} data-testid="metric-chart" data-metric={spec.stream_name}
            data-last-value={last.unwrap_or(0).to_string()} data-max-value={data_max.to_string()}>
            <figcaption>
                <div class="metric-name">{ breakable(name) }</div>
                <div class="metric-meta muted">{ format!("{stat} · {unit_text}") }</div>
                <div class="metric-values">
                    <span class="metric-last" title={format!("last complete period, ending {}", t_label(end_t))}>{ last_text }</span>
                    <span class="muted">{ format!("max {}", fmt_value(data_max, unit)) }</span>
                </div>
                <p class="metric-about muted">{ spec.about }</p>
            </figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} class="chart-svg" role="img"
                aria-label={format!("{name} {stat}, last value {}, max {}", fmt_value(last.unwrap_or(0), unit), fmt_value(data_max, unit))}>
                { for grid }
                <line class="axis-line" x1={ML.to_string()} x2={ML.to_string()} y1={MT.to_string()} y2={(MT + ph).to_string()} />
                { marks }
                { for quota_line }
                { for x_labels }
                if !has_data {
                    <text class="axis" x={(ML + pw / 2.0).to_string()} y={(MT + ph / 2.0).to_string()} text-anchor="middle">
                        { if gauge { "no GetRecords calls in this window" } else { "no data" } }
                    </text>
                }
            </svg>
        </figure>
    }
}
