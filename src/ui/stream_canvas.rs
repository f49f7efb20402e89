//! The stream picture, drawn on a canvas every frame: the hash-key ruler `[0, 2^128)` cut into the
//! shards' ranges, and one lane per shard with its records in sequence order, coloured by key.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::engine::kinesis::shard::ShardState;
use crate::ui::palette::{record_color, shard_color, CanvasTheme, DARK, LIGHT};
use crate::ui::playground::{Handle, Playground, RecordHitBox, RecordRef};

const LABEL_W: f64 = 132.0;
const RIGHT_PAD: f64 = 16.0;
const RULER_TOP: f64 = 30.0;
const RULER_H: f64 = 22.0;
const LANES_TOP: f64 = 92.0;
const LANE_H: f64 = 40.0;
const LANE_GAP: f64 = 8.0;
const CELL_W: f64 = 10.0;
const CELL_GAP: f64 = 2.0;
/// Records that arrived this recently (virtual ms) are outlined as fresh.
const FRESH_MS: u64 = 600;

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
            let hit = pg
                .hit_boxes
                .iter()
                .find(|b| x >= b.x - 1.0 && x <= b.x + b.w + 1.0 && y >= b.y && y <= b.y + b.h)
                .map(|b| b.record.clone());
            if let Some(r) = hit {
                pg.selected = Some(r);
                drop(pg);
                cb.emit(());
            }
        })
    };
    html! {
        <canvas ref={props.canvas.clone()} class="stream-canvas" data-testid="stream-canvas" {onclick}
            role="img" aria-label="Shard lanes: each record is a block in its shard's lane, in sequence order; the ruler on top shows the hash-key range of each shard." />
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
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
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

    let mut boxes = Vec::new();
    let world = pg.session.world();
    let Some(stream) = world.kinesis.stream(&pg.stream) else {
        ctx.set_fill_style_str(theme.muted);
        ctx.set_font("14px system-ui, sans-serif");
        let _ = ctx.fill_text(&format!("Stream {} does not exist.", pg.stream), 16.0, 40.0);
        pg.hit_boxes = boxes;
        return;
    };
    let now = world.now();
    let x0 = LABEL_W;
    let width = css_w - LABEL_W - RIGHT_PAD;

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
            let _ = ctx.fill_text(&format!("shard {}", shard.index()), a + 6.0, RULER_TOP + 15.0);
        }
    }
    draw_ticks(&ctx, &theme, x0, width);
    if let Some(h) = pg.last_put.as_ref().and_then(|p| p.hash_key) {
        let label = pg.last_put.as_ref().map(|p| p.partition_key.clone()).unwrap_or_default();
        draw_marker(&ctx, &theme, x_of(h, x0, width), &format!("MD5(\"{label}\")"), theme.accent);
    }

    // Lanes.
    let capacity = ((width + CELL_GAP) / (CELL_W + CELL_GAP)).floor().max(1.0) as usize;
    for (lane, shard) in stream.shards().iter().enumerate() {
        let y = LANES_TOP + lane as f64 * (LANE_H + LANE_GAP);
        ctx.set_fill_style_str(theme.lane);
        ctx.fill_rect(0.0, y, css_w, LANE_H);
        ctx.set_fill_style_str(shard_color(shard.index()));
        ctx.fill_rect(0.0, y, 4.0, LANE_H);
        ctx.set_fill_style_str(theme.text);
        ctx.set_font("600 12px system-ui, sans-serif");
        let _ = ctx.fill_text(&format!("shard {}", shard.index()), 12.0, y + 16.0);
        ctx.set_font("11px system-ui, sans-serif");
        ctx.set_fill_style_str(theme.muted);
        let state = if shard.state() == ShardState::Closed { " · closed" } else { "" };
        let _ = ctx.fill_text(&format!("{} records{state}", shard.records().len()), 12.0, y + 31.0);

        let records = shard.records();
        let skip = records.len().saturating_sub(capacity);
        if skip > 0 {
            ctx.set_fill_style_str(theme.muted);
            let _ = ctx.fill_text(&format!("◀ {skip}"), x0 - 36.0, y + 31.0);
        }
        for (i, r) in records.iter().skip(skip).enumerate() {
            let x = x0 + i as f64 * (CELL_W + CELL_GAP);
            let (cy, ch) = (y + 6.0, LANE_H - 12.0);
            ctx.set_fill_style_str(&record_color(r.hash_key, &theme));
            ctx.fill_rect(x, cy, CELL_W, ch);
            let rref = RecordRef { stream: pg.stream.clone(), shard: shard.index(), seq_index: r.seq_index };
            let selected = pg.selected.as_ref() == Some(&rref);
            if selected || now.saturating_sub(r.arrival_ms) < FRESH_MS {
                ctx.set_stroke_style_str(if selected { theme.text } else { theme.accent });
                ctx.set_line_width(if selected { 2.5 } else { 1.5 });
                ctx.stroke_rect(x - 0.5, cy - 0.5, CELL_W + 1.0, ch + 1.0);
            }
            boxes.push(RecordHitBox { x, y: cy, w: CELL_W, h: ch, record: rref });
        }
    }
    pg.hit_boxes = boxes;
}

fn draw_ticks(ctx: &CanvasRenderingContext2d, theme: &CanvasTheme, x0: f64, width: f64) {
    const TICKS: [(f64, &str); 5] =
        [(0.0, "0"), (0.25, "2¹²⁶"), (0.5, "2¹²⁷"), (0.75, "3·2¹²⁶"), (1.0, "2¹²⁸")];
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
        let tx = if f >= 1.0 { x - 24.0 } else if f > 0.0 { x - 12.0 } else { x };
        let _ = ctx.fill_text(label, tx, RULER_TOP + RULER_H + 18.0);
    }
}

fn draw_marker(ctx: &CanvasRenderingContext2d, theme: &CanvasTheme, x: f64, label: &str, color: &str) {
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
    let _ = ctx.fill_text(label, (x + 8.0).min(x.max(140.0)), RULER_TOP - 13.0);
}
