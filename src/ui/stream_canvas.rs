//! The stream picture, drawn on a canvas every frame: the hash-key ruler `[0, 2^128)` cut into the
//! shards' ranges, and one lane per shard with its records in sequence order (coloured by key),
//! write/read quota meters, throttle flashes, hot-shard warnings, iterator cursors, and each KCL
//! application's per-shard checkpoint flag and lease owner.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::engine::apps::kcl::app::Application;
use crate::engine::apps::kcl::lease::Checkpoint;
use crate::engine::kinesis::actions::get_records::iterator_secret;
use crate::engine::kinesis::iterator::{ShardIterator, ITERATOR_TTL_MS};
use crate::engine::kinesis::shard::{Shard, ShardState};
use crate::engine::kinesis::throughput::{
    READ_BYTES_PER_S, READ_CALLS_PER_S, WRITE_BYTES_PER_S, WRITE_RECORDS_PER_S,
};
use crate::ui::palette::{app_color, record_color, shard_color, CanvasTheme, DARK, LIGHT};
use crate::ui::playground::{Handle, Playground, RecordHitBox, RecordRef};

const LABEL_W: f64 = 196.0;
const RIGHT_PAD: f64 = 16.0;
const RULER_TOP: f64 = 30.0;
const RULER_H: f64 = 22.0;
const LANES_TOP: f64 = 92.0;
const LANE_H: f64 = 44.0;
const LANE_GAP: f64 = 10.0;
const CELL_W: f64 = 10.0;
const CELL_GAP: f64 = 2.0;
/// Records that arrived this recently (virtual ms) are outlined as fresh.
const FRESH_MS: u64 = 600;
/// A shard above this share of a write quota is flagged hot.
const HOT_SHARE: f64 = 0.8;
const THROTTLE_RED: &str = "#ff4d4f";

/// Properties of [`StreamCanvas`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// The canvas, shared with the animation loop that draws it.
    pub canvas: NodeRef,
    /// Called after a selection.
    pub on_change: Callback<()>,
}

/// The canvas element and its click handling; drawing happens in [`draw`].
#[function_component(StreamCanvas)]
pub fn stream_canvas(props: &Props) -> Html {
    let onclick = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            let mut pg = h.0.borrow_mut();
            if on_click(&mut pg, x, y) {
                drop(pg);
                cb.emit(());
            }
        })
    };
    let onmousedown = {
        let h = props.pg.clone();
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            let mut pg = h.0.borrow_mut();
            let grab = pg
                .cursor_handles
                .iter()
                .find(|(cx, cy, _, _)| (x - cx).abs() <= 8.0 && (y - cy).abs() <= 10.0)
                .map(|c| c.2);
            if let Some(id) = grab {
                pg.dragging = Some((id, x));
                e.prevent_default();
            }
        })
    };
    let onmousemove = {
        let h = props.pg.clone();
        Callback::from(move |e: MouseEvent| {
            let mut pg = h.0.borrow_mut();
            if let Some((id, _)) = pg.dragging {
                pg.dragging = Some((id, f64::from(e.offset_x())));
            }
        })
    };
    let onmouseup = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |e: MouseEvent| {
            let mut pg = h.0.borrow_mut();
            let Some((id, _)) = pg.dragging.take() else {
                return;
            };
            let x = f64::from(e.offset_x());
            // The record under the drop point, in the dragged iterator's lane.
            let Some(shard) = pg.iterators.iter().find(|i| i.id == id).map(|i| i.shard) else {
                return;
            };
            let target = pg
                .hit_boxes
                .iter()
                .filter(|b| b.record.shard == shard)
                .min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs()))
                .map(|b| b.record.clone());
            if let Some(r) = target {
                let world = pg.session.world();
                let seq = world
                    .kinesis
                    .stream(&r.stream)
                    .and_then(|s| s.shard(r.shard))
                    .and_then(|sh| {
                        let rec = sh.records().iter().find(|x| x.seq_index == r.seq_index)?;
                        Some(
                            sh.sequence_number(
                                rec.seq_index,
                                world.epoch().to_unix_ms(rec.arrival_ms) / 1000,
                            )
                            .to_decimal(),
                        )
                    });
                if let Some(seq) = seq {
                    let _ = pg.move_iterator(id, &seq);
                }
            }
            drop(pg);
            cb.emit(());
        })
    };
    html! {
        <canvas ref={props.canvas.clone()} class="stream-canvas" data-testid="stream-canvas" {onclick} {onmousedown} {onmousemove} {onmouseup}
            role="img" aria-label="Shard lanes: each record is a block in its shard's lane, in sequence order; the ruler on top shows the hash-key range of each shard. Click the ruler to choose a split point, a lane label to pick shards to merge, a record to inspect it." />
    }
}

/// Handles a click at CSS pixel `(x, y)`; returns whether anything changed.
fn on_click(pg: &mut Playground, x: f64, y: f64) -> bool {
    let (x0, width, top, bottom) = pg.ruler_geometry;
    if y >= top - 12.0 && y <= bottom + 4.0 && x >= x0 && x <= x0 + width && width > 0.0 {
        let frac = ((x - x0) / width).clamp(0.0, 1.0);
        let h = (frac * 2f64.powi(128)).min(u128::MAX as f64) as u128;
        let shard = pg
            .session
            .world()
            .kinesis
            .stream(&pg.stream)
            .and_then(|s| s.route(h).map(|p| s.shard_at(p).index()));
        pg.split_point = shard.map(|s| (s, h));
        return true;
    }
    if x < LABEL_W {
        if let Some(&(_, _, shard)) = pg.lane_labels.iter().find(|(a, b, _)| y >= *a && y <= *b) {
            if let Some(i) = pg.merge_pick.iter().position(|s| *s == shard) {
                pg.merge_pick.remove(i);
            } else {
                if pg.merge_pick.len() == 2 {
                    pg.merge_pick.remove(0);
                }
                pg.merge_pick.push(shard);
            }
            return true;
        }
    }
    let hit = pg
        .hit_boxes
        .iter()
        .find(|b| x >= b.x - 1.0 && x <= b.x + b.w + 1.0 && y >= b.y && y <= b.y + b.h)
        .map(|b| b.record.clone());
    match hit {
        Some(r) => {
            pg.selected = Some(r);
            true
        }
        None => false,
    }
}

fn x_of(h: u128, x0: f64, width: f64) -> f64 {
    x0 + (h as f64 / 2f64.powi(128)) * width
}

/// Draws the current state of the shown stream onto `canvas` and refreshes the hit boxes.
pub fn draw(pg: &mut Playground, canvas: &HtmlCanvasElement) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let theme = if pg.dark { DARK } else { LIGHT };
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let css_w = f64::from(canvas.client_width()).max(320.0);
    let n_lanes = pg
        .session
        .world()
        .kinesis
        .stream(&pg.stream)
        .map_or(0, |s| s.shards().len());
    let css_h = LANES_TOP + n_lanes as f64 * (LANE_H + LANE_GAP) + 8.0;
    let (pw, ph) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
        let _ = canvas.style().set_property("height", &format!("{css_h}px"));
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str(theme.background);
    ctx.fill_rect(0.0, 0.0, css_w, css_h);

    let x0 = LABEL_W;
    let width = css_w - LABEL_W - RIGHT_PAD;
    pg.ruler_geometry = (x0, width, RULER_TOP, RULER_TOP + RULER_H);
    let mut boxes = Vec::new();
    let mut labels = Vec::new();
    let world = pg.session.world();
    let Some(stream) = world.kinesis.stream(&pg.stream) else {
        ctx.set_fill_style_str(theme.muted);
        ctx.set_font("14px system-ui, sans-serif");
        let _ = ctx.fill_text(&format!("Stream {} does not exist.", pg.stream), 16.0, 40.0);
        pg.hit_boxes = boxes;
        pg.lane_labels = labels;
        return;
    };
    let now = world.now();
    let last_sec = (now / 1000).saturating_sub(1);
    let this_sec = now / 1000;

    // Ruler: the hash-key space cut into the open shards' ranges.
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_fill_style_str(theme.muted);
    let _ = ctx.fill_text("hash key", 12.0, RULER_TOP + 15.0);
    for shard in stream.open_shards() {
        let r = shard.range();
        let (a, b) = (x_of(r.starting, x0, width), x_of(r.ending, x0, width) + 0.5);
        ctx.set_fill_style_str(shard_color(shard.index()));
        ctx.fill_rect(a, RULER_TOP, (b - a).max(1.0), RULER_H);
        ctx.set_stroke_style_str(theme.background);
        ctx.set_line_width(2.0);
        ctx.stroke_rect(a, RULER_TOP, (b - a).max(1.0), RULER_H);
        if b - a > 60.0 {
            ctx.set_fill_style_str("#0b0f17");
            let _ = ctx.fill_text(
                &format!("shard {}", shard.index()),
                a + 6.0,
                RULER_TOP + 15.0,
            );
        }
    }
    draw_ticks(&ctx, &theme, x0, width);
    if let Some((_, h)) = pg.split_point {
        draw_marker(
            &ctx,
            &theme,
            x_of(h, x0, width),
            css_w,
            "split here",
            THROTTLE_RED,
        );
    }
    if let Some(key) = pg.preview_key.as_deref().filter(|k| !k.is_empty()) {
        let h = crate::engine::kinesis::hash_key::partition_key_hash(key);
        let label: String = key.chars().take(24).collect();
        let shard = stream.route(h).map_or(0, |p| stream.shard_at(p).index());
        draw_marker(
            &ctx,
            &theme,
            x_of(h, x0, width),
            css_w,
            &format!("typing: MD5(\"{label}\") → shard {shard}"),
            theme.muted,
        );
    }
    if let Some(h) = pg.last_put.as_ref().and_then(|p| p.hash_key) {
        let label = pg
            .last_put
            .as_ref()
            .map(|p| p.partition_key.clone())
            .unwrap_or_default();
        let label: String = label.chars().take(24).collect();
        draw_marker(
            &ctx,
            &theme,
            x_of(h, x0, width),
            css_w,
            &format!("MD5(\"{label}\")"),
            theme.accent,
        );
    }

    draw_retention_window(&ctx, &theme, stream, now, css_w);

    // Lanes.
    let capacity = ((width + CELL_GAP) / (CELL_W + CELL_GAP)).floor().max(1.0) as usize;
    let retention_ms = u64::from(stream.retention_hours) * 3_600_000;
    let secret = iterator_secret(world);
    let mut handles = Vec::new();
    // KCL applications reading this stream, each with its colour.
    let kcl_apps: Vec<(&Application, &'static str)> = world
        .kcl
        .apps()
        .values()
        .filter(|a| a.stream == stream.name())
        .enumerate()
        .map(|(i, a)| (a, app_color(i)))
        .collect();
    for (lane, shard) in stream.shards().iter().enumerate() {
        let y = LANES_TOP + lane as f64 * (LANE_H + LANE_GAP);
        labels.push((y, y + LANE_H, shard.index()));
        let closed = shard.state() == ShardState::Closed;
        let stats = world
            .kinesis
            .metrics
            .shard_stats(stream.name(), shard.index(), last_sec)
            .unwrap_or_default();
        let now_stats = world
            .kinesis
            .metrics
            .shard_stats(stream.name(), shard.index(), this_sec)
            .unwrap_or_default();
        let throttled = stats.write_throttled
            + now_stats.write_throttled
            + stats.read_throttled
            + now_stats.read_throttled
            > 0;
        let write_use = (stats.incoming_bytes as f64 / WRITE_BYTES_PER_S as f64)
            .max(stats.incoming_records as f64 / WRITE_RECORDS_PER_S as f64);
        let read_use = (stats.outgoing_bytes as f64 / READ_BYTES_PER_S as f64)
            .max((stats.get_records_calls + stats.read_throttled) as f64 / READ_CALLS_PER_S as f64);

        ctx.set_fill_style_str(theme.lane);
        ctx.fill_rect(0.0, y, css_w, LANE_H);
        ctx.set_fill_style_str(shard_color(shard.index()));
        ctx.fill_rect(0.0, y, 4.0, LANE_H);
        if pg.merge_pick.contains(&shard.index()) {
            ctx.set_stroke_style_str(theme.accent);
            ctx.set_line_width(2.0);
            ctx.stroke_rect(1.0, y + 1.0, LABEL_W - 8.0, LANE_H - 2.0);
        }
        if throttled {
            ctx.set_stroke_style_str(THROTTLE_RED);
            ctx.set_line_width(2.0);
            ctx.stroke_rect(1.0, y + 1.0, css_w - 2.0, LANE_H - 2.0);
        }
        ctx.set_fill_style_str(if closed { theme.muted } else { theme.text });
        ctx.set_font("600 12px system-ui, sans-serif");
        let _ = ctx.fill_text(&format!("shard {}", shard.index()), 12.0, y + 16.0);
        ctx.set_font("11px system-ui, sans-serif");
        ctx.set_fill_style_str(theme.muted);
        let (sub, trim) = lane_subtitle(shard, now, retention_ms);
        let _ = ctx.fill_text(&sub, 12.0, y + 29.0);
        if throttled {
            ctx.set_fill_style_str(THROTTLE_RED);
            ctx.set_font("700 10px system-ui, sans-serif");
            let _ = ctx.fill_text("THROTTLED", 12.0, y + 41.0);
        } else if write_use >= HOT_SHARE && !closed {
            ctx.set_fill_style_str(theme.accent);
            ctx.set_font("700 10px system-ui, sans-serif");
            let _ = ctx.fill_text("HOT SHARD", 12.0, y + 41.0);
        } else if let Some(trim) = trim {
            ctx.set_font("10px system-ui, sans-serif");
            let _ = ctx.fill_text(&trim, 12.0, y + 41.0);
        }
        draw_meter(
            &ctx,
            &theme,
            LABEL_W - 32.0,
            y + 5.0,
            LANE_H - 4.0,
            write_use,
            "W",
        );
        draw_meter(
            &ctx,
            &theme,
            LABEL_W - 19.0,
            y + 5.0,
            LANE_H - 4.0,
            read_use,
            "R",
        );

        let records = shard.records();
        let skip = records.len().saturating_sub(capacity);
        let (cy, ch) = (y + 6.0, LANE_H - 12.0);
        for (i, r) in records.iter().skip(skip).enumerate() {
            let x = x0 + i as f64 * (CELL_W + CELL_GAP);
            ctx.set_fill_style_str(&record_color(r.hash_key, &theme));
            if closed {
                ctx.set_global_alpha(0.55);
            }
            ctx.fill_rect(x, cy, CELL_W, ch);
            ctx.set_global_alpha(1.0);
            let rref = RecordRef {
                stream: pg.stream.clone(),
                shard: shard.index(),
                seq_index: r.seq_index,
            };
            let selected = pg.selected.as_ref() == Some(&rref);
            let newest = records.len() - (skip + i) <= 3;
            if selected || (newest && now.saturating_sub(r.arrival_ms) < FRESH_MS) {
                ctx.set_stroke_style_str(if selected { theme.text } else { theme.accent });
                ctx.set_line_width(if selected { 2.5 } else { 1.5 });
                ctx.stroke_rect(x - 0.5, cy - 0.5, CELL_W + 1.0, ch + 1.0);
            }
            boxes.push(RecordHitBox {
                x,
                y: cy,
                w: CELL_W,
                h: ch,
                record: rref,
            });
        }
        if skip > 0 {
            ctx.set_fill_style_str(theme.lane);
            ctx.fill_rect(x0 - 2.0, y, 2.0, LANE_H);
        }

        draw_kcl(&ctx, &theme, &kcl_apps, shard, (y, skip), (x0, width));

        // Iterator cursors on this lane.
        for it in pg
            .iterators
            .iter()
            .filter(|i| i.stream == pg.stream && i.shard == shard.index())
        {
            let position = match &it.token {
                Some(t) => ShardIterator::decode(t, secret).ok().map(|d| d.position),
                None => Some(u64::MAX),
            };
            let Some(position) = position else { continue };
            let idx = shard.first_at_or_after(position);
            let behind_view = idx < skip;
            let slot = idx.saturating_sub(skip) as f64;
            let x = (x0 + slot * (CELL_W + CELL_GAP) - CELL_GAP / 2.0).min(x0 + width);
            let x = match pg.dragging {
                Some((id, dx)) if id == it.id => dx.clamp(x0, x0 + width),
                _ => x,
            };
            handles.push((x, y + LANE_H + 6.0, it.id, shard.index()));
            let expired = now.saturating_sub(it.issued_at) > ITERATOR_TTL_MS;
            let color = if expired || it.token.is_none() {
                theme.muted
            } else {
                theme.accent
            };
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(2.0);
            ctx.begin_path();
            ctx.move_to(x, y - 3.0);
            ctx.line_to(x, y + LANE_H + 3.0);
            ctx.stroke();
            ctx.set_fill_style_str(color);
            ctx.begin_path();
            ctx.move_to(x - 5.0, y + LANE_H + 9.0);
            ctx.line_to(x + 5.0, y + LANE_H + 9.0);
            ctx.line_to(x, y + LANE_H + 3.0);
            ctx.close_path();
            ctx.fill();
            ctx.set_font("700 10px system-ui, sans-serif");
            let label = if behind_view {
                format!("◀ #{} ({} records before the view)", it.id, skip - idx)
            } else {
                format!("#{}", it.id)
            };
            let _ = ctx.fill_text(&label, x + 6.0, y + LANE_H + 9.0);
        }
    }
    pg.hit_boxes = boxes;
    pg.lane_labels = labels;
    pg.cursor_handles = handles;
}

/// Each KCL application's lease owner next to the lane label, and its checkpoint as a flag above
/// the checkpointed record (at the lane start with "◀ n before the view" when scrolled out).
fn draw_kcl(
    ctx: &CanvasRenderingContext2d,
    theme: &CanvasTheme,
    apps: &[(&Application, &'static str)],
    shard: &Shard,
    (y, skip): (f64, usize),
    (x0, width): (f64, f64),
) {
    let key = crate::engine::kinesis::shard::shard_id(shard.index());
    ctx.set_font("600 12px system-ui, sans-serif");
    let mut owner_x = 12.0
        + ctx
            .measure_text(&format!("shard {}", shard.index()))
            .map_or(44.0, |m| m.width())
        + 6.0;
    for (n, (app, color)) in apps.iter().enumerate() {
        let Some(lease) = app.leases.get(&key) else {
            continue;
        };
        let initial: String = app.name.chars().take(1).collect::<String>().to_uppercase();
        // The owner, next to the lane label.
        let owner = lease.owner.as_deref().unwrap_or("unowned");
        let text = if apps.len() > 1 {
            format!("{initial}: {owner}")
        } else {
            owner.to_string()
        };
        let room = LABEL_W - 36.0 - owner_x;
        if room > 24.0 {
            ctx.set_font("600 10px system-ui, sans-serif");
            ctx.set_fill_style_str(color);
            let max_chars = (room / 5.6).floor() as usize;
            let shown: String = text.chars().take(max_chars).collect();
            let _ = ctx.fill_text(&shown, owner_x, y + 16.0);
            owner_x += shown.chars().count() as f64 * 5.6 + 8.0;
        }
        // The checkpoint flag.
        let records = shard.records();
        let (pos, inside, start) = match &lease.checkpoint {
            Checkpoint::Sequence(_, i) => (shard.first_at_or_after(*i), false, false),
            Checkpoint::SubSequence(_, i, _) => (shard.first_at_or_after(*i), true, false),
            // Nothing processed yet: before the oldest record.
            Checkpoint::TrimHorizon => (0, false, true),
            // Read to the end: after the newest record.
            Checkpoint::ShardEnd => (records.len().saturating_sub(1), false, false),
            Checkpoint::Latest | Checkpoint::AtTimestamp => continue,
        };
        let behind = pos < skip;
        let slot = pos.saturating_sub(skip) as f64;
        let step = CELL_W + CELL_GAP;
        let x = if behind || start {
            x0 - CELL_GAP / 2.0
        } else if inside {
            // Inside a KPL aggregate: in the middle of the record.
            x0 + slot * step + CELL_W / 2.0
        } else {
            // After the checkpointed record.
            x0 + (slot + 1.0) * step - CELL_GAP / 2.0
        }
        .min(x0 + width);
        // Several applications at one record: a pixel apart so every pole stays visible.
        let x = x + n as f64;
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(x, y - LANE_GAP + 1.0);
        ctx.line_to(x, y + LANE_H / 2.0);
        ctx.stroke();
        let (fw, fh) = (12.0, 9.0);
        let fy = y - LANE_GAP + 1.0;
        ctx.set_fill_style_str(color);
        ctx.fill_rect(x, fy, fw, fh);
        ctx.set_stroke_style_str(theme.background);
        ctx.set_line_width(1.0);
        ctx.stroke_rect(x, fy, fw, fh);
        ctx.set_fill_style_str("#0b0f17");
        ctx.set_font("700 8px system-ui, sans-serif");
        let _ = ctx.fill_text(&initial, x + 3.5, fy + 7.5);
        let sub = lease.checkpoint_sub;
        let label = match (behind, inside) {
            (true, _) => Some(format!("◀ {} before the view", skip - pos)),
            (false, true) => Some(format!("sub {sub}")),
            _ => None,
        };
        if let Some(label) = label {
            ctx.set_font("600 9px system-ui, sans-serif");
            ctx.set_fill_style_str(color);
            let _ = ctx.fill_text(&label, x + fw + 3.0, fy + 7.5);
        }
    }
}

fn lane_subtitle(shard: &Shard, now: u64, retention_ms: u64) -> (String, Option<String>) {
    let n = shard.records().len();
    let state = if shard.state() == ShardState::Closed {
        "closed · "
    } else {
        ""
    };
    let trim = shard.records().front().map(|oldest| {
        let trims_in = (oldest.arrival_ms + retention_ms).saturating_sub(now);
        format!("oldest trims in {}", short_duration(trims_in))
    });
    (format!("{state}{n} records"), trim)
}

fn short_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn draw_meter(
    ctx: &CanvasRenderingContext2d,
    theme: &CanvasTheme,
    x: f64,
    y: f64,
    h: f64,
    use_share: f64,
    label: &str,
) {
    ctx.set_fill_style_str(theme.grid);
    ctx.fill_rect(x, y, 8.0, h - 10.0);
    let share = use_share.clamp(0.0, 1.0);
    let color = if use_share >= 1.0 {
        THROTTLE_RED
    } else if use_share >= HOT_SHARE {
        "#f0a020"
    } else {
        "#35c48b"
    };
    ctx.set_fill_style_str(color);
    let fill = (h - 10.0) * share;
    ctx.fill_rect(x, y + (h - 10.0) - fill, 8.0, fill);
    ctx.set_fill_style_str(theme.muted);
    ctx.set_font("9px system-ui, sans-serif");
    let _ = ctx.fill_text(label, x + 1.0, y + h + 1.0);
}

fn draw_ticks(ctx: &CanvasRenderingContext2d, theme: &CanvasTheme, x0: f64, width: f64) {
    const TICKS: [(f64, &str); 5] = [
        (0.0, "0"),
        (0.25, "2¹²⁶"),
        (0.5, "2¹²⁷"),
        (0.75, "3·2¹²⁶"),
        (1.0, "2¹²⁸"),
    ];
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_stroke_style_str(theme.grid);
    ctx.set_line_width(1.0);
    for (f, label) in TICKS {
        let x = x0 + f * width;
        ctx.begin_path();
        ctx.move_to(x, RULER_TOP + RULER_H);
        ctx.line_to(x, RULER_TOP + RULER_H + 6.0);
        ctx.stroke();
        ctx.set_fill_style_str(theme.muted);
        let tx = if f >= 1.0 {
            x - 24.0
        } else if f > 0.0 {
            x - 12.0
        } else {
            x
        };
        let _ = ctx.fill_text(label, tx, RULER_TOP + RULER_H + 18.0);
    }
}

fn draw_marker(
    ctx: &CanvasRenderingContext2d,
    theme: &CanvasTheme,
    x: f64,
    css_w: f64,
    label: &str,
    color: &str,
) {
    ctx.set_fill_style_str(color);
    ctx.begin_path();
    ctx.move_to(x - 6.0, RULER_TOP - 10.0);
    ctx.line_to(x + 6.0, RULER_TOP - 10.0);
    ctx.line_to(x, RULER_TOP - 1.0);
    ctx.close_path();
    ctx.fill();
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(2.0);
    ctx.begin_path();
    ctx.move_to(x, RULER_TOP);
    ctx.line_to(x, RULER_TOP + RULER_H);
    ctx.stroke();
    ctx.set_font("600 11px system-ui, sans-serif");
    ctx.set_fill_style_str(theme.text);
    let est = label.chars().count() as f64 * 6.5;
    let tx = if x + 8.0 + est > css_w {
        x - 8.0 - est
    } else {
        x + 8.0
    };
    let _ = ctx.fill_text(label, tx, RULER_TOP - 13.0);
}

/// A strip on the right of the header: the retention window `[now − retention, now]` with each
/// shard's oldest retained record, so the trim horizon visibly moves with virtual time.
fn draw_retention_window(
    ctx: &CanvasRenderingContext2d,
    theme: &CanvasTheme,
    stream: &crate::engine::kinesis::stream::Stream,
    now: u64,
    css_w: f64,
) {
    let retention_ms = u64::from(stream.retention_hours) * 3_600_000;
    let (w, x1, y) = (220.0, css_w - RIGHT_PAD, 4.0);
    let x0 = x1 - w;
    ctx.set_fill_style_str(theme.lane);
    ctx.fill_rect(x0, y, w, 10.0);
    let start = now.saturating_sub(retention_ms);
    for shard in stream.shards() {
        if let Some(oldest) = shard.records().front() {
            let f = (oldest.arrival_ms.saturating_sub(start)) as f64 / retention_ms.max(1) as f64;
            ctx.set_fill_style_str(shard_color(shard.index()));
            ctx.fill_rect(x0 + f.clamp(0.0, 1.0) * w - 1.0, y - 1.0, 2.0, 12.0);
        }
    }
    ctx.set_fill_style_str(THROTTLE_RED);
    ctx.fill_rect(x0, y - 2.0, 2.0, 14.0);
    ctx.set_font("10px system-ui, sans-serif");
    ctx.set_fill_style_str(theme.muted);
    let _ = ctx.fill_text(
        &format!(
            "trim horizon ◀ retention {} h ▶ now",
            stream.retention_hours
        ),
        x0,
        y + 22.0,
    );
}
