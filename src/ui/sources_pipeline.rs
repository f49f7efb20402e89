//! The Sources tab's picture: one row per path — producer → service → filter/rule → destination —
//! drawn as an SVG with counters on every box and records flowing on the edges that moved in
//! the last two virtual seconds; and the inspector, which shows the exact record a destination
//! receives from the selected path (the decoded CloudWatch Logs envelope with its gzip size, the
//! EventBridge envelope, the IoT rule's result) next to what went in.

use std::collections::BTreeMap;

use serde_json::Value;
use yew::prelude::*;

use crate::engine::firehose::compression::{compress, CompressionFormat};

/// One path of the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct PathRow {
    /// Stable id (`logs:/app/web:errors`).
    pub id: String,
    /// `logs`, `events` or `iot`.
    pub kind: &'static str,
    /// Boxes: (title, detail, counter).
    pub boxes: Vec<(String, String, u64)>,
    /// The delivered sample records (newest last).
    pub samples: Vec<Value>,
    /// What went in (recent log events, events, messages).
    pub inputs: Vec<Value>,
    /// Last delivery error.
    pub last_error: Option<String>,
}

fn short_arn(arn: &str) -> String {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    if arn.contains(":firehose:") {
        format!("Firehose {name}")
    } else {
        format!("Kinesis {name}")
    }
}

fn delivered(d: &Value) -> u64 {
    d["RecordsDelivered"].as_u64().unwrap_or(0)
}

/// The rows of `DescribeSources`.
pub fn rows(src: &Value) -> Vec<PathRow> {
    let mut out = Vec::new();
    let apps = src["LogApplications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for g in src["LogGroups"].as_array().into_iter().flatten() {
        let group = g["LogGroupName"].as_str().unwrap_or_default();
        let app = apps.iter().find(|a| a["LogGroupName"] == group);
        for f in g["SubscriptionFilters"].as_array().into_iter().flatten() {
            let pg = &f["Playground"];
            let mut boxes = Vec::new();
            match app {
                Some(a) => boxes.push((
                    format!("app {}", a["Name"].as_str().unwrap_or("")),
                    format!(
                        "{} lines/s · {}",
                        a["RatePerSecond"],
                        a["Format"].as_str().unwrap_or("")
                    ),
                    a["LinesWritten"].as_u64().unwrap_or(0),
                )),
                None => boxes.push((
                    "PutLogEvents".into(),
                    "API calls".into(),
                    g["Events"].as_u64().unwrap_or(0),
                )),
            }
            boxes.push((
                format!("log group {group}"),
                format!("{} streams", g["Streams"]),
                g["Events"].as_u64().unwrap_or(0),
            ));
            boxes.push((
                format!("filter {}", f["filterName"].as_str().unwrap_or("")),
                f["filterPattern"]
                    .as_str()
                    .map(|p| {
                        if p.is_empty() {
                            "(all events)".to_string()
                        } else {
                            p.to_string()
                        }
                    })
                    .unwrap_or_default(),
                pg["MatchedEvents"].as_u64().unwrap_or(0),
            ));
            boxes.push((
                short_arn(f["destinationArn"].as_str().unwrap_or("")),
                "gzip records".into(),
                delivered(&pg["Delivery"]),
            ));
            out.push(PathRow {
                id: format!("logs:{group}:{}", f["filterName"].as_str().unwrap_or("")),
                kind: "logs",
                boxes,
                samples: pg["Samples"].as_array().cloned().unwrap_or_default(),
                inputs: g["RecentEvents"].as_array().cloned().unwrap_or_default(),
                last_error: pg["Delivery"]["LastError"].as_str().map(str::to_string),
            });
        }
    }
    for r in src["EventRules"].as_array().into_iter().flatten() {
        let name = r["Name"].as_str().unwrap_or_default();
        let what = r["ScheduleExpression"]
            .as_str()
            .or(r["EventPattern"].as_str())
            .unwrap_or("")
            .to_string();
        for t in r["Targets"].as_array().into_iter().flatten() {
            let source = if r["ScheduleExpression"].is_string() {
                (
                    "schedule".to_string(),
                    "aws.events".to_string(),
                    r["Matched"].as_u64().unwrap_or(0),
                )
            } else {
                (
                    "PutEvents".to_string(),
                    "default bus".to_string(),
                    src["EventsPut"].as_u64().unwrap_or(0),
                )
            };
            out.push(PathRow {
                id: format!("events:{name}:{}", t["Id"].as_str().unwrap_or("")),
                kind: "events",
                boxes: vec![
                    source,
                    (
                        format!("rule {name}"),
                        what.clone(),
                        r["Matched"].as_u64().unwrap_or(0),
                    ),
                    (
                        short_arn(t["Arn"].as_str().unwrap_or("")),
                        "event envelope".into(),
                        delivered(&t["Delivery"]),
                    ),
                ],
                samples: t["Samples"].as_array().cloned().unwrap_or_default(),
                inputs: src["RecentEvents"].as_array().cloned().unwrap_or_default(),
                last_error: t["Delivery"]["LastError"].as_str().map(str::to_string),
            });
        }
    }
    let fleets = src["DeviceFleets"].as_array().cloned().unwrap_or_default();
    for r in src["TopicRules"].as_array().into_iter().flatten() {
        let name = r["RuleName"].as_str().unwrap_or_default();
        for (i, a) in r["Actions"].as_array().into_iter().flatten().enumerate() {
            let first = match fleets.first() {
                Some(f) => (
                    format!("fleet {}", f["Name"].as_str().unwrap_or("")),
                    format!(
                        "{} devices · {} msg/s",
                        f["DeviceCount"], f["RatePerSecond"]
                    ),
                    src["MessagesPublished"].as_u64().unwrap_or(0),
                ),
                None => (
                    "Publish".into(),
                    "MQTT".into(),
                    src["MessagesPublished"].as_u64().unwrap_or(0),
                ),
            };
            out.push(PathRow {
                id: format!("iot:{name}:{i}"),
                kind: "iot",
                boxes: vec![
                    first,
                    (
                        format!("topic {}", r["TopicFilter"].as_str().unwrap_or("")),
                        "rules engine".into(),
                        r["TopicMatches"].as_u64().unwrap_or(0),
                    ),
                    (
                        format!("rule {name}"),
                        r["Sql"].as_str().unwrap_or("").to_string(),
                        r["Selected"].as_u64().unwrap_or(0),
                    ),
                    (
                        short_arn(a["Arn"].as_str().unwrap_or("")),
                        "SELECT result".into(),
                        delivered(&a["Delivery"]),
                    ),
                ],
                samples: r["Samples"].as_array().cloned().unwrap_or_default(),
                inputs: src["RecentMessages"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                last_error: a["Delivery"]["LastError"].as_str().map(str::to_string),
            });
        }
    }
    out
}

/// Edge activity: the virtual time each (row, edge) counter last grew.
pub type Activity = BTreeMap<String, (u64, u64)>;

/// Notes counter changes at virtual time `now`.
pub fn note_activity(activity: &mut Activity, rows: &[PathRow], now: u64) {
    for r in rows {
        for (i, (_, _, n)) in r.boxes.iter().enumerate() {
            let key = format!("{}#{i}", r.id);
            let e = activity.entry(key).or_insert((*n, 0));
            if *n > e.0 {
                *e = (*n, now);
            }
        }
    }
}

const BOX_W: f64 = 152.0;
const GAP: f64 = 26.0;
const ROW_H: f64 = 62.0;

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// The picture.
pub fn picture(
    rows: &[PathRow],
    activity: &Activity,
    now: u64,
    selected: &str,
    on_pick: &Callback<String>,
) -> Html {
    let cols = rows.iter().map(|r| r.boxes.len()).max().unwrap_or(4) as f64;
    let width = cols * BOX_W + (cols - 1.0) * GAP + 8.0;
    let height = rows.len() as f64 * ROW_H + 8.0;
    html! {
        <svg class="src-svg" data-testid="src-pipeline" width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")} role="img" aria-label="Source pipelines">
            { for rows.iter().enumerate().map(|(ri, r)| {
                let y = 4.0 + ri as f64 * ROW_H;
                let n = r.boxes.len();
                // Destination boxes line up in the last column.
                let x_of = |i: usize| if i + 1 == n { (cols - 1.0) * (BOX_W + GAP) + 4.0 } else { 4.0 + i as f64 * (BOX_W + GAP) };
                let pick = { let (cb, id) = (on_pick.clone(), r.id.clone()); Callback::from(move |_: MouseEvent| cb.emit(id.clone())) };
                html! {
                    <g class={classes!("src-row", (r.id == selected).then_some("selected"), r.last_error.is_some().then_some("failing"))} data-testid="src-row" data-kind={r.kind} data-id={r.id.clone()} onclick={pick}>
                        { for r.boxes.iter().enumerate().map(|(i, (title, detail, count))| {
                            let x = x_of(i);
                            let edge = (i + 1 < n).then(|| {
                                let (x1, x2, ym) = (x + BOX_W, x_of(i + 1), y + 26.0);
                                let active = activity.get(&format!("{}#{}", r.id, i + 1)).is_some_and(|(_, t)| *t > 0 && now.saturating_sub(*t) <= 2_000);
                                let path = format!("M{x1},{ym} L{x2},{ym}");
                                html! {
                                    <g class={classes!("src-edge", active.then_some("active"))}>
                                        <path d={path.clone()} />
                                        { if active { html! { <>
                                            <circle r="3.5" class="flow-dot"><animateMotion dur="1.1s" repeatCount="indefinite" path={path.clone()} /></circle>
                                            <circle r="3.5" class="flow-dot"><animateMotion dur="1.1s" begin="0.55s" repeatCount="indefinite" path={path} /></circle>
                                        </> } } else { html! {} } }
                                    </g>
                                }
                            });
                            html! { <>
                                <rect x={x.to_string()} y={y.to_string()} width={BOX_W.to_string()} height="52" rx="7" class={classes!("src-box", (i + 1 == n).then_some("dest"))} />
                                <text x={(x + 8.0).to_string()} y={(y + 17.0).to_string()} class="src-title"><title>{ title.clone() }</title>{ clip(title, 21) }</text>
                                <text x={(x + 8.0).to_string()} y={(y + 32.0).to_string()} class="src-detail"><title>{ detail.clone() }</title>{ clip(detail, 22) }</text>
                                <text x={(x + BOX_W - 8.0).to_string()} y={(y + 46.0).to_string()} class="src-count" text-anchor="end" data-testid="src-count">{ count.to_string() }</text>
                                { edge.unwrap_or_default() }
                            </> }
                        }) }
                    </g>
                }
            }) }
        </svg>
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The inspector of one path.
pub fn inspector(row: &PathRow) -> Html {
    let latest = row.samples.last();
    let wire = match (row.kind, latest) {
        ("logs", Some(v)) => {
            let json_len = v.to_string().len();
            let gz = compress(CompressionFormat::Gzip, v.to_string().as_bytes(), "", 0).len();
            format!("What the destination receives: one record per log stream and delivery, gzip-compressed ({gz} bytes on the wire for {json_len} bytes of JSON). Decompressed:")
        }
        ("events", Some(_)) => {
            "What the target receives: the EventBridge envelope as JSON, one record per event:"
                .into()
        }
        ("iot", Some(_)) => {
            "What the action receives: the rule's SELECT result (plus the separator):".into()
        }
        _ => "Nothing delivered yet: play time, or send something.".into(),
    };
    let input_title = match row.kind {
        "logs" => "Latest log events in the group",
        "events" => "Latest events put on the bus",
        _ => "Latest MQTT messages published",
    };
    html! {
        <div class="src-inspector" data-testid="src-inspector" data-kind={row.kind}>
            <h4>{ format!("Inspector · {}", row.id) }</h4>
            { for row.last_error.clone().map(|e| html! { <p class="err-text" role="alert">{ format!("Last delivery error: {e}") }</p> }) }
            <div class="src-two">
                <div>
                    <p class="muted small">{ wire }</p>
                    <pre class="src-json" data-testid="src-inspector-json">{ latest.map(pretty).unwrap_or_default() }</pre>
                </div>
                <div>
                    <p class="muted small">{ input_title }</p>
                    <pre class="src-json" data-testid="src-inspector-input">{ row.inputs.iter().rev().take(4).map(|v| v.to_string()).collect::<Vec<_>>().join("\n") }</pre>
                </div>
            </div>
        </div>
    }
}
