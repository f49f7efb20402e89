//! Partition logs (semantics.md §6.1, §6.5): one strip per partition with the latest offsets as
//! cells coloured by key, the log-start offset, the high watermark (records at or above it are
//! hatched: not yet on every in-sync replica, invisible to consumers), the log-end offset, each
//! group's committed offset as a marker, and the gaps compaction leaves (offsets never change).

use serde_json::Value;
use yew::prelude::*;

use crate::engine::kafka::topic::CleanupPolicy;
use crate::engine::world::World;

/// Offsets drawn per partition.
pub const WINDOW: u64 = 32;

/// One drawn offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Offset.
    pub offset: u64,
    /// Key text (shortened), if any.
    pub key: Option<String>,
    /// Whether the record is a tombstone.
    pub tombstone: bool,
}

/// One partition as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct PartModel {
    /// Partition number.
    pub partition: u32,
    /// Leader broker.
    pub leader: Option<u32>,
    /// Replica brokers.
    pub replicas: Vec<u32>,
    /// In-sync replicas.
    pub isr: Vec<u32>,
    /// Log end offset of each replica.
    pub replica_leo: Vec<(u32, u64)>,
    /// Log start offset.
    pub lso: u64,
    /// High watermark.
    pub hw: u64,
    /// Log end offset.
    pub leo: u64,
    /// Records in the log.
    pub records: usize,
    /// Cells of the drawn window (offsets present; gaps are compacted away).
    pub cells: Vec<Cell>,
    /// First offset of the drawn window.
    pub from: u64,
    /// (group, committed offset).
    pub committed: Vec<(String, u64)>,
    /// (group, member owning the partition).
    pub owners: Vec<(String, String)>,
}

/// A topic's logs.
#[derive(Clone, Debug, PartialEq)]
pub struct LogModel {
    /// Topic.
    pub topic: String,
    /// `cleanup.policy`.
    pub policy: &'static str,
    /// Replication factor.
    pub rf: u32,
    /// `min.insync.replicas`.
    pub min_isr: u32,
    /// Partitions.
    pub parts: Vec<PartModel>,
}

fn short(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.rsplit(['-', '_', ':']).next().unwrap_or(&s).to_string();
    s.chars().take(4).collect()
}

impl LogModel {
    /// The model of `topic` with the committed offsets and owners from `groups`
    /// (`DescribeGroups` output).
    pub fn of(world: &World, topic: &str, groups: &[Value]) -> Option<LogModel> {
        let t = world.kafka.topics.get(topic)?;
        let parts = t
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let leo = p.log_end_offset();
                let from = leo.saturating_sub(WINDOW).max(p.log_start_offset());
                let cells = p
                    .fetch(from, leo, WINDOW as usize)
                    .iter()
                    .map(|r| Cell {
                        offset: r.offset,
                        key: r.key.as_deref().map(short),
                        tombstone: r.is_tombstone(),
                    })
                    .collect();
                let mut committed = Vec::new();
                let mut owners = Vec::new();
                for g in groups {
                    let gid = g["GroupId"].as_str().unwrap_or("").to_string();
                    for o in g["Offsets"].as_array().into_iter().flatten() {
                        if o["Topic"] == topic && o["Partition"].as_u64() == Some(i as u64) {
                            if let Some(c) = o["Offset"].as_u64() {
                                committed.push((gid.clone(), c));
                            }
                        }
                    }
                    for m in g["Members"].as_array().into_iter().flatten() {
                        let owns = m["Assignment"].as_array().into_iter().flatten().any(|a| {
                            a["Topic"] == topic && a["Partition"].as_u64() == Some(i as u64)
                        });
                        if owns {
                            owners.push((
                                gid.clone(),
                                m["MemberId"].as_str().unwrap_or("").to_string(),
                            ));
                        }
                    }
                }
                PartModel {
                    partition: i as u32,
                    leader: p.leader,
                    replicas: p.replicas.clone(),
                    isr: p.isr.clone(),
                    replica_leo: p.replica_leo.iter().map(|(b, o)| (*b, *o)).collect(),
                    lso: p.log_start_offset(),
                    hw: p.high_watermark(),
                    leo,
                    records: p.records.len(),
                    cells,
                    from,
                    committed,
                    owners,
                }
            })
            .collect();
        Some(LogModel {
            topic: topic.to_string(),
            policy: match t.config.cleanup_policy {
                CleanupPolicy::Delete => "delete",
                CleanupPolicy::Compact => "compact",
                CleanupPolicy::CompactDelete => "compact,delete",
            },
            rf: t.replication_factor,
            min_isr: t.config.min_insync_replicas,
            parts,
        })
    }
}

/// A stable hue for a key or a group name.
pub fn hue(s: &str) -> u32 {
    let h = crate::engine::kafka::murmur2::murmur2(s.as_bytes());
    (h as u32) % 360
}

const CELL: f64 = 26.0;
const LABEL: f64 = 120.0;
const ROW: f64 = 58.0;

fn part_row(p: &PartModel, y: f64) -> Html {
    let x_of = |off: u64| LABEL + (off.saturating_sub(p.from)) as f64 * CELL;
    let marker = |off: u64, label: &'static str, class: &'static str, dy: f64| {
        let x = x_of(off);
        html! {
            <g class={classes!("kf-mark", class)}>
                <line x1={x.to_string()} x2={x.to_string()} y1={(y - 4.0).to_string()} y2={(y + 30.0).to_string()} />
                <text x={(x + 2.0).to_string()} y={(y + dy).to_string()}>{ format!("{label} {off}") }</text>
            </g>
        }
    };
    let leader = p
        .leader
        .map_or("offline".to_string(), |l| format!("leader b{l}"));
    html! {
        <g class="kf-part" data-testid="kf-partition" data-partition={p.partition.to_string()}
            data-hw={p.hw.to_string()} data-leo={p.leo.to_string()} data-lso={p.lso.to_string()}
            data-records={p.records.to_string()}>
            <text class="kf-plabel" x="0" y={(y + 12.0).to_string()}>{ format!("P{}", p.partition) }</text>
            <text class="kf-psub" x="0" y={(y + 26.0).to_string()}>{ leader }</text>
            <text class="kf-psub" x="0" y={(y + 38.0).to_string()}>{ format!("ISR {:?}", p.isr) }</text>
            { for p.cells.iter().map(|c| {
                let x = x_of(c.offset);
                let committed = c.offset < p.hw;
                let fill = match (&c.key, c.tombstone) {
                    (_, true) => "var(--muted)".to_string(),
                    (Some(k), false) => format!("hsl({} 62% 55%)", hue(k)),
                    (None, false) => "hsl(220 10% 60%)".to_string(),
                };
                html! {
                    <g class={classes!("kf-cell", (!committed).then_some("uncommitted"), c.tombstone.then_some("tomb"))}>
                        <title>{ format!("offset {}{}{}", c.offset, c.key.as_ref().map(|k| format!(" key …{k}")).unwrap_or_default(), if committed { "" } else { " — above the high watermark: not on every in-sync replica yet, consumers cannot see it" }) }</title>
                        <rect x={(x + 1.0).to_string()} y={y.to_string()} width={(CELL - 2.0).to_string()} height="26" rx="3" style={format!("fill:{fill}")} />
                        <text x={(x + CELL / 2.0).to_string()} y={(y + 11.0).to_string()} class="kf-off">{ c.offset % 1000 }</text>
                        <text x={(x + CELL / 2.0).to_string()} y={(y + 22.0).to_string()} class="kf-key">{ if c.tombstone { "✝".to_string() } else { c.key.clone().unwrap_or_else(|| "∅".into()) } }</text>
                    </g>
                }
            }) }
            { if p.lso > p.from || p.lso == p.from && p.lso > 0 { marker(p.lso, "start", "lso", -6.0) } else { html! {} } }
            { marker(p.hw, "HW", "hw", 40.0) }
            { if p.leo != p.hw { marker(p.leo, "LEO", "leo", -6.0) } else { html! {} } }
            { for p.committed.iter().enumerate().map(|(i, (g, off))| {
                let x = x_of(*off);
                let yy = y + 44.0 + (i as f64) * 0.0;
                html! {
                    <g class="kf-commit" data-testid="kf-commit" data-group={g.clone()} data-offset={off.to_string()}>
                        <polygon points={format!("{x},{} {},{} {},{}", yy - 14.0, x - 5.0, yy - 6.0, x + 5.0, yy - 6.0)} style={format!("fill:hsl({} 70% 50%)", hue(g))} />
                        <text x={(x + 7.0).to_string()} y={(yy - 6.0 + 10.0 * i as f64).to_string()} style={format!("fill:hsl({} 70% 50%)", hue(g))}>{ format!("{g} @{off}") }</text>
                    </g>
                }
            }) }
        </g>
    }
}

/// The logs of a topic.
pub fn logs_view(m: &LogModel) -> Html {
    let width = LABEL + WINDOW as f64 * CELL + 70.0;
    let height = m.parts.len() as f64 * ROW + 16.0;
    let compacted = m.policy.contains("compact");
    let (present, span): (usize, u64) = m.parts.iter().fold((0, 0), |(a, b), p| {
        (a + p.records, b + p.leo.saturating_sub(p.lso))
    });
    html! {
        <div class="kf-logs" data-testid="kf-logs" data-topic={m.topic.clone()}>
            <h4>{ format!("{} — partition logs", m.topic) }
                <span class="chip">{ format!("cleanup.policy={}", m.policy) }</span>
                <span class="chip">{ format!("RF {} · min.insync.replicas {}", m.rf, m.min_isr) }</span>
                { if compacted { html! { <span class="chip" data-testid="kf-compaction">{ format!("{present} records kept of {span} offsets: {} removed by the log cleaner (offsets never change)", span.saturating_sub(present as u64)) }</span> } } else { html! {} } }
            </h4>
            <svg class="kf-svg" viewBox={format!("0 0 {width} {height}")} role="img" aria-label={format!("Partition logs of {}", m.topic)}>
                { for m.parts.iter().enumerate().map(|(i, p)| part_row(p, 12.0 + i as f64 * ROW)) }
            </svg>
            <p class="hint">{ "Each cell is one record (offset over key). Hatched cells are above the high watermark: the leader has them but not every in-sync replica, so consumers cannot read them yet. Triangles are each group's committed offset — the next record the group will read." }</p>
        </div>
    }
}
