//! The resharding lineage of the shown stream as a graph: x = lineage generation, y = the
//! hash-key space `[0, 2^128)` from top to bottom. Each listed shard is a box spanning its range in
//! its generation's column; edges run from parents to children (a merge child has two).

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::engine::kinesis::shard::{shard_id, ShardState};
use crate::engine::kinesis::stream::StreamStatus;
use crate::engine::time::format_duration;
use crate::ui::format::tail;
use crate::ui::palette::shard_color;
use crate::ui::playground::Handle;

/// Geometry in SVG user units.
const AXIS_W: f64 = 76.0;
const COL_W: f64 = 190.0;
const NODE_W: f64 = 136.0;
const TOP: f64 = 28.0;
const PLOT_H: f64 = 380.0;
const BOTTOM: f64 = 12.0;
/// Vertical gap left between stacked boxes.
const GAP: f64 = 3.0;

/// Properties of [`LineagePanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
}

/// One box of the graph.
struct Node {
    index: u32,
    open: bool,
    start: u128,
    end: u128,
    parents: Vec<u32>,
    depth: u32,
    records: usize,
    tooltip: String,
}

/// Fraction of the key space before `k` (0 at the top, 1 at the bottom).
fn frac(k: u128) -> f64 {
    k as f64 / 2f64.powi(128)
}

/// Fraction of the key space after the inclusive end `k`.
fn frac_end(k: u128) -> f64 {
    if k == u128::MAX {
        1.0
    } else {
        frac(k + 1)
    }
}

/// The lineage panel.
#[function_component(LineagePanel)]
pub fn lineage_panel(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let world = pg.session.world();
    let name = pg.stream.clone();
    let stream = world.kinesis.stream(&name);
    let mut nodes: Vec<Node> = Vec::new();
    let mut depth: BTreeMap<u32, u32> = BTreeMap::new();
    let mut status = None;
    let mut retention_h = 24;
    if let Some(s) = stream {
        status = Some(s.status);
        retention_h = s.retention_hours;
        // Shards are in index order and children always get higher indices than their parents,
        // so a parent's depth is known before its children's. A parent that already expired is
        // no longer listed; its child is drawn one generation after the oldest listed one.
        for sh in s.shards() {
            let parents: Vec<u32> = sh
                .parent()
                .into_iter()
                .chain(sh.adjacent_parent())
                .collect();
            let d = if parents.is_empty() {
                0
            } else {
                parents
                    .iter()
                    .map(|p| depth.get(p).map_or(0, |d| d + 1))
                    .max()
                    .unwrap_or(0)
                    .max(1)
            };
            depth.insert(sh.index(), d);
            let r = sh.range();
            let open = sh.state() == ShardState::Open;
            let mut tip = format!(
                "{} · {}\nHashKeyRange {} – {}\n{:.2}% of the key space\nStartingSequenceNumber …{}",
                sh.shard_id(),
                if open { "OPEN" } else { "CLOSED" },
                r.starting,
                r.ending,
                r.fraction() * 100.0,
                tail(&sh.starting_sequence_number().to_decimal(), 12),
            );
            if let Some(end) = sh.ending_sequence_number() {
                tip.push_str(&format!(
                    "\nEndingSequenceNumber …{}",
                    tail(&end.to_decimal(), 12)
                ));
            }
            if let Some(p) = sh.parent() {
                tip.push_str(&format!("\nParentShardId {}", shard_id(p)));
            }
            if let Some(p) = sh.adjacent_parent() {
                tip.push_str(&format!("\nAdjacentParentShardId {}", shard_id(p)));
            }
            let n = sh.records().len();
            tip.push_str(&format!("\n{n} records retained"));
            if let Some(oldest) = sh.records().front() {
                tip.push_str(&format!(
                    " (oldest arrived at {})",
                    format_duration(oldest.arrival_ms)
                ));
            }
            if !open {
                tip.push_str(&format!(
                    "\nRead-only: stays listed until its records age out (retention {retention_h} h)"
                ));
            }
            nodes.push(Node {
                index: sh.index(),
                open,
                start: r.starting,
                end: r.ending,
                parents,
                depth: d,
                records: n,
                tooltip: tip,
            });
        }
    }
    drop(pg);

    // Generations shown (depths are contiguous unless expiry removed ancestors).
    let columns: Vec<u32> = {
        let mut c: Vec<u32> = nodes.iter().map(|n| n.depth).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let col_of = |d: u32| columns.iter().position(|c| *c == d).unwrap_or(0);
    let width = AXIS_W + COL_W * columns.len().max(1) as f64;
    let height = TOP + PLOT_H + BOTTOM;
    let y_of = |f: f64| TOP + f * PLOT_H;
    let x_of = |d: u32| AXIS_W + col_of(d) as f64 * COL_W + (COL_W - NODE_W) / 2.0;
    let by_index: BTreeMap<u32, &Node> = nodes.iter().map(|n| (n.index, n)).collect();

    let axis: Vec<Html> = [
        (0.0, "0"),
        (0.25, "2¹²⁶"),
        (0.5, "2¹²⁷"),
        (0.75, "3·2¹²⁶"),
        (1.0, "2¹²⁸"),
    ]
    .iter()
    .map(|(f, label)| {
        let y = y_of(*f);
        html! {
            <g>
                <line class="grid" x1={(AXIS_W - 6.0).to_string()} x2={(width - 4.0).to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text class="axis key" x={(AXIS_W - 10.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ *label }</text>
            </g>
        }
    })
    .collect();

    let headers: Vec<Html> = columns
        .iter()
        .map(|d| {
            let x = AXIS_W + col_of(*d) as f64 * COL_W + COL_W / 2.0;
            html! { <text class="axis col-head" x={x.to_string()} y="16" text-anchor="middle">{ format!("generation {d}") }</text> }
        })
        .collect();

    // Edges: from the parent's right edge to the child's left edge, at the middle of the key
    // range they share (a split child shares part of its parent, a merge parent part of its child).
    let edges: Vec<Html> = nodes
        .iter()
        .flat_map(|child| {
            child.parents.iter().filter_map(|p| by_index.get(p)).map(move |parent| {
                let lo = frac(parent.start.max(child.start));
                let hi = frac_end(parent.end.min(child.end));
                let y = y_of((lo + hi) / 2.0);
                let x1 = x_of(parent.depth) + NODE_W;
                let x2 = x_of(child.depth) - 2.0;
                // Straight through any generations in between (the parent owned that band until it
                // closed, so nothing else sits there), then a bend in the last gap.
                let xb = (x2 - 40.0).max(x1);
                let mid = (xb + x2) / 2.0;
                let yc = y_of((frac(child.start) + frac_end(child.end)) / 2.0);
                let d = format!(
                    "M{x1:.1} {y:.1} L{xb:.1} {y:.1} C{mid:.1} {y:.1} {mid:.1} {yc:.1} {x2:.1} {yc:.1}"
                );
                html! {
                    <path class="edge" d={d} marker-end="url(#lineage-arrow)" data-from={shard_id(parent.index)} data-to={shard_id(child.index)}>
                        <title>{ format!("{} → {}", shard_id(parent.index), shard_id(child.index)) }</title>
                    </path>
                }
            })
        })
        .collect();

    let boxes: Vec<Html> = nodes
        .iter()
        .map(|n| {
            let y0 = y_of(frac(n.start)) + GAP / 2.0;
            let y1 = y_of(frac_end(n.end)) - GAP / 2.0;
            let h = (y1 - y0).max(2.0);
            let x = x_of(n.depth);
            let color = shard_color(n.index);
            let style = if n.open { format!("--shard:{color}") } else { String::new() };
            let cy = y0 + h / 2.0;
            let state = if n.open { "OPEN" } else { "CLOSED" };
            html! {
                <g class={classes!("lineage-node", if n.open { "open" } else { "closed" })} data-testid="lineage-node"
                    data-shard-id={shard_id(n.index)} data-state={state} style={style} tabindex="0">
                    <title>{ n.tooltip.clone() }</title>
                    <rect x={x.to_string()} y={y0.to_string()} width={NODE_W.to_string()} height={h.to_string()} rx="5" />
                    if h >= 14.0 {
                        <text class="node-label" x={(x + NODE_W / 2.0).to_string()} y={(cy + if h >= 40.0 { -3.0 } else { 4.0 }).to_string()}
                            text-anchor="middle">{ format!("shard {}", n.index) }</text>
                    }
                    if h >= 40.0 {
                        <text class="node-sub" x={(x + NODE_W / 2.0).to_string()} y={(cy + 12.0).to_string()} text-anchor="middle">
                            { format!("{state} · {} rec", n.records) }
                        </text>
                    }
                </g>
            }
        })
        .collect();

    let open = nodes.iter().filter(|n| n.open).count();
    let closed = nodes.len() - open;
    html! {
        <section class="panel lineage" data-testid="lineage-panel" aria-labelledby="lineage-title">
            <h2 id="lineage-title">{ "Shard lineage " }<code>{ name }</code>
                <span class="muted">{ format!(" · {open} open, {closed} closed · {} generation{}", columns.len(), if columns.len() == 1 { "" } else { "s" }) }</span>
                if status == Some(StreamStatus::Updating) {
                    <span class="pill updating">{ "UPDATING: the reshard applies when the window ends" }</span>
                }
            </h2>
            if nodes.is_empty() {
                <p class="hint">{ "No stream or no shards to show." }</p>
            } else {
                <div class="lineage-wrap">
                    <svg class="lineage-svg" viewBox={format!("0 0 {width} {height}")}
                        style={format!("width: 100%; max-width: {width}px; min-width: {:.0}px", width * 0.7)}
                        role="img" aria-label={format!("Lineage graph: {open} open and {closed} closed shards over {} generations", columns.len())}>
                        <defs>
                            <marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path class="arrow" d="M0 0 L10 5 L0 10 z" />
                            </marker>
                        </defs>
                        <text class="axis" x="6" y="16">{ "hash key" }</text>
                        { for axis }
                        { for headers }
                        { for edges }
                        { for boxes }
                    </svg>
                </div>
            }
            <ul class="lineage-legend">
                <li><span class="key-open"></span>{ "OPEN: takes writes for its hash-key range (colour = shard colour on the lanes)" }</li>
                <li><span class="key-closed"></span>{ format!("CLOSED: read-only after a split or merge. It stays readable until its records age out \
                    (retention {retention_h} h), then it expires and is no longer listed.") }</li>
                <li><span class="key-edge">{ "→" }</span>{ "parent → child. A split has one parent and two children; a merge child has two \
                    incoming edges (ParentShardId and AdjacentParentShardId)." }</li>
                <li><span class="key-edge">{ "⚠" }</span>{ "Readers must finish a parent (read to SHARD_END) before its children, or records \
                    of one partition key come out of order. The KCL does this for you." }</li>
            </ul>
        </section>
    }
}
