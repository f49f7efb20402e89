//! The job graph (Source splits → window subtasks → sinks) with checkpoint barriers moving along
//! the edges, the checkpoint history, and state per key group — all drawn from `DescribeJob`.

use serde_json::Value;
use yew::prelude::*;

use crate::ui::format::human_bytes;
use crate::ui::palette::shard_color;

const BOX_H: f64 = 40.0;
const GAP: f64 = 10.0;
const COLS: [(f64, f64); 3] = [(8.0, 170.0), (250.0, 190.0), (510.0, 182.0)];
const W: f64 = 700.0;

fn hms(unix_ms: i64) -> String {
    let s = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let d = s.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}.{:03}", d / 3600, d / 60 % 60, d % 60, ms)
}

/// `shardId-000000000003` → `3`.
fn short_shard(id: &str) -> &str {
    let s = id.trim_start_matches("shardId-").trim_start_matches('0');
    if s.is_empty() {
        "0"
    } else {
        s
    }
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn y_of(i: usize, n: usize, rows: usize) -> f64 {
    let total = rows as f64 * (BOX_H + GAP);
    let used = n as f64 * (BOX_H + GAP);
    24.0 + (total - used) / 2.0 + i as f64 * (BOX_H + GAP)
}

/// The job graph as SVG.
pub fn job_graph(j: &Value) -> Html {
    let splits = list(&j["Splits"]);
    let subtasks = list(&j["Subtasks"]);
    let s = &j["Sinks"];
    let sinks: Vec<(&'static str, String, &'static str)> = vec![
        (
            "exactly-once (2PC)",
            format!(
                "{} committed · {} pending",
                u(&s["CommittedRows"]),
                u(&s["PendingRows"])
            ),
            "eo",
        ),
        (
            "at-least-once log",
            format!(
                "{} rows · {} dup",
                u(&s["AtLeastOnceRows"]),
                u(&s["Duplicates"])
            ),
            "alo",
        ),
        (
            "late side output",
            format!("{} records", u(&s["LateRows"])),
            "late",
        ),
    ];
    let rows = splits.len().max(subtasks.len()).max(sinks.len()).max(1);
    let h = 24.0 + rows as f64 * (BOX_H + GAP) + 4.0;
    let max_rec = subtasks.iter().map(|t| u(&t["Records"])).max().unwrap_or(0);
    let mean = subtasks.iter().map(|t| u(&t["Records"])).sum::<u64>() as f64
        / subtasks.len().max(1) as f64;
    let hot = |r: u64| subtasks.len() > 1 && r == max_rec && r > 0 && r as f64 >= mean * 1.5;
    let progress = list(&j["Checkpoints"])
        .iter()
        .rev()
        .find(|c| c["Status"] == "IN_PROGRESS")
        .map(|c| {
            (
                c["BarrierProgress"].as_f64().unwrap_or(0.0).clamp(0.0, 1.0),
                u(&c["Id"]),
            )
        });
    let mid = |col: usize, top: f64| (COLS[col].0, COLS[col].1, top + BOX_H / 2.0);

    let mut edges = Vec::new();
    let mut barriers = Vec::new();
    for (a, _) in splits.iter().enumerate() {
        for (b, _) in subtasks.iter().enumerate() {
            let (ax, aw, ay) = mid(0, y_of(a, splits.len(), rows));
            let (bx, _, by) = mid(1, y_of(b, subtasks.len(), rows));
            edges.push((ax + aw, ay, bx, by));
            if let Some((p, _)) = progress.filter(|(p, _)| *p < 0.5) {
                let t = p * 2.0;
                barriers.push((ax + aw + (bx - ax - aw) * t, ay + (by - ay) * t));
            }
        }
    }
    for (b, _) in subtasks.iter().enumerate() {
        for k in 0..sinks.len() {
            let (bx, bw, by) = mid(1, y_of(b, subtasks.len(), rows));
            let (cx, _, cy) = mid(2, y_of(k, sinks.len(), rows));
            edges.push((bx + bw, by, cx, cy));
            if let Some((p, _)) = progress.filter(|(p, _)| *p >= 0.5 && k == 0) {
                let t = ((p - 0.5) * 2.0).min(1.0);
                barriers.push((bx + bw + (cx - bx - bw) * t, by + (cy - by) * t));
            }
        }
    }
    html! {
        <div class="an-graph-wrap">
            <svg class="an-graph" data-testid="an-graph" viewBox={format!("0 0 {W} {h}")} width="100%" role="img"
                aria-label="Job graph: source splits, window subtasks, sinks" data-records-in={u(&j["Counters"]["RecordsIn"]).to_string()} data-barrier={progress.map(|p| p.1.to_string()).unwrap_or_default()}>
                <text x={COLS[0].0.to_string()} y="14" class="an-g-title">{ "Source (Kinesis splits)" }</text>
                <text x={COLS[1].0.to_string()} y="14" class="an-g-title">{ "Window operator (keyBy)" }</text>
                <text x={COLS[2].0.to_string()} y="14" class="an-g-title">{ "Sinks" }</text>
                { for edges.iter().map(|(x1, y1, x2, y2)| html! {
                    <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} class="an-g-edge" />
                }) }
                { for splits.iter().enumerate().map(|(i, sp)| {
                    let y = y_of(i, splits.len(), rows);
                    let idle = sp["Idle"].as_bool().unwrap_or(false);
                    let wm = sp["Watermark"].as_i64().map_or("WM —".to_string(), |w| format!("WM {}", hms(w)));
                    let id = sp["ShardId"].as_str().unwrap_or("?").to_string();
                    html! {
                        <g class={classes!("an-g-box", idle.then_some("idle"))} data-testid="an-split" data-idle={idle.to_string()}>
                            <rect x={COLS[0].0.to_string()} y={y.to_string()} width={COLS[0].1.to_string()} height={BOX_H.to_string()} rx="5"
                                style={format!("stroke:{}", shard_color(i as u32))} />
                            <text x={(COLS[0].0 + 6.0).to_string()} y={(y + 15.0).to_string()}>{ format!("shard {} · {} rec", short_shard(&id), u(&sp["Records"])) }</text>
                            <text x={(COLS[0].0 + 6.0).to_string()} y={(y + 31.0).to_string()} class="an-g-sub">{ wm }</text>
                            { if idle { html! { <text x={(COLS[0].0 + COLS[0].1 - 30.0).to_string()} y={(y + 15.0).to_string()} class="an-g-idle">{ "Idle" }</text> } } else { html! {} } }
                        </g>
                    }
                }) }
                { for subtasks.iter().enumerate().map(|(i, t)| {
                    let y = y_of(i, subtasks.len(), rows);
                    let r = u(&t["Records"]);
                    html! {
                        <g class={classes!("an-g-box", hot(r).then_some("hot"))} data-testid="an-subtask" data-hot={hot(r).to_string()}>
                            <rect x={COLS[1].0.to_string()} y={y.to_string()} width={COLS[1].1.to_string()} height={BOX_H.to_string()} rx="5" />
                            <text x={(COLS[1].0 + 6.0).to_string()} y={(y + 15.0).to_string()}>{ format!("subtask {i} · {r} rec{}", if hot(r) { " 🔥" } else { "" }) }</text>
                            <text x={(COLS[1].0 + 6.0).to_string()} y={(y + 31.0).to_string()} class="an-g-sub">{ format!("{} panes · {}", u(&t["Panes"]), human_bytes(u(&t["StateBytes"]))) }</text>
                        </g>
                    }
                }) }
                { for sinks.iter().enumerate().map(|(i, (title, label, kind))| {
                    let y = y_of(i, sinks.len(), rows);
                    html! {
                        <g class={classes!("an-g-box", "sink", *kind)}>
                            <rect x={COLS[2].0.to_string()} y={y.to_string()} width={COLS[2].1.to_string()} height={BOX_H.to_string()} rx="5" />
                            <text x={(COLS[2].0 + 6.0).to_string()} y={(y + 15.0).to_string()}>{ *title }</text>
                            <text x={(COLS[2].0 + 6.0).to_string()} y={(y + 31.0).to_string()} class="an-g-sub">{ label.clone() }</text>
                        </g>
                    }
                }) }
                { for barriers.iter().map(|(x, y)| html! {
                    <rect x={(x - 2.5).to_string()} y={(y - 9.0).to_string()} width="5" height="18" rx="1.5" class="an-g-barrier" />
                }) }
            </svg>
        </div>
    }
}

/// The checkpoint history, newest first.
pub fn checkpoint_list(j: &Value) -> Html {
    let cps = list(&j["Checkpoints"]);
    html! {
        <div class="an-checkpoints">
            <h4>{ format!("Checkpoints · latest completed {}", j["LatestCompletedCheckpoint"].as_u64().map_or("—".into(), |i| format!("#{i}"))) }</h4>
            <table class="table small">
                <thead><tr><th>{ "id" }</th><th>{ "status" }</th><th>{ "duration" }</th><th>{ "state" }</th><th>{ "committed rows" }</th><th>{ "note" }</th></tr></thead>
                <tbody>
                    { for cps.iter().rev().take(8).map(|c| {
                        let status = c["Status"].as_str().unwrap_or("").to_string();
                        html! {
                            <tr data-testid="an-checkpoint" data-status={status.clone()} data-id={u(&c["Id"]).to_string()}>
                                <td>{ format!("#{}{}", u(&c["Id"]), if c["Savepoint"] == true { " (savepoint)" } else { "" }) }</td>
                                <td><span class={classes!("pill", status.to_lowercase())}>{ status.clone() }</span></td>
                                <td>{ format!("{} ms", u(&c["DurationMs"])) }</td>
                                <td>{ human_bytes(u(&c["StateBytes"])) }</td>
                                <td>{ u(&c["CommittedRows"]) }</td>
                                <td class="muted">{ c["FailureReason"].as_str().unwrap_or("") }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            { if cps.is_empty() { html! { <p class="hint small">{ "No checkpoint yet." }</p> } } else { html! {} } }
        </div>
    }
}

/// State bytes per key group, coloured by the subtask that owns it.
pub fn key_groups_chart(j: &Value) -> Html {
    let groups = list(&j["KeyGroups"]);
    let mp = u(&j["MaxParallelism"]).max(1);
    let max = groups
        .iter()
        .map(|g| u(&g["StateBytes"]))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (w, h) = (360.0, 120.0);
    let bw = (w / mp as f64).max(1.0);
    html! {
        <div class="an-keygroups" data-testid="an-keygroups" data-groups={groups.len().to_string()}>
            <h4>{ format!("State per key group (max parallelism {mp}) · total {}", human_bytes(u(&j["StateBytes"]))) }</h4>
            <svg class="an-kg-svg" viewBox={format!("0 0 {w} {h}")} preserveAspectRatio="none" role="img" aria-label="State bytes per key group">
                <line x1="0" y1={h.to_string()} x2={w.to_string()} y2={h.to_string()} class="an-g-edge" />
                { for groups.iter().map(|g| {
                    let kg = u(&g["KeyGroup"]) as f64;
                    let bh = (u(&g["StateBytes"]) as f64 / max * (h - 4.0)).max(2.0);
                    html! {
                        <rect x={(kg * w / mp as f64).to_string()} y={(h - bh).to_string()} width={bw.to_string()} height={bh.to_string()}
                            style={format!("fill:{}", shard_color(u(&g["Subtask"]) as u32))}>
                            <title>{ format!("key group {} · subtask {} · {} panes · {}", kg, u(&g["Subtask"]), u(&g["Panes"]), human_bytes(u(&g["StateBytes"]))) }</title>
                        </rect>
                    }
                }) }
            </svg>
            <div class="an-kg-axis muted small"><span>{ "key group 0" }</span><span>{ "colour = subtask" }</span><span>{ mp - 1 }</span></div>
            { if groups.is_empty() { html! { <p class="hint small">{ "No keyed state (no open panes)." }</p> } } else { html! {} } }
        </div>
    }
}
